// SPDX-License-Identifier: MIT
#include "allow-policy.h"
#include "sysfs-read.h"
#include "util-lines.h"

#include <gtest/gtest.h>

#include <linux/input.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace tactus;

namespace {

CreatorProcess keydProcess()
{
	CreatorProcess c;
	c.pid = 412;
	c.uid = 0;
	c.exe = "/usr/bin/keyd";
	c.comm = "keyd";
	c.unit = "keyd.service";
	return c;
}

CreatorProcess userProcess()
{
	CreatorProcess c;
	c.pid = 4242;
	c.uid = 1000;
	c.exe = "/home/user/.local/bin/typer";
	c.comm = "typer";
	c.unit = "app-gnome-typer-4242.scope";
	return c;
}

/** A uinput keyboard made by keyd. */
DeviceInfo keydDevice()
{
	DeviceInfo info;
	info.sysname = "event21";
	info.name = "keyd virtual keyboard";
	info.bustype = BUS_USB;
	info.vendor = 0x0fac;
	info.product = 0x0ade;
	info.seat = "seat0";
	info.provenance = Provenance::Uinput;
	info.creators = {keydProcess()};
	return info;
}

/** A hardware keyboard that says what a Digispark says. */
DeviceInfo digispark()
{
	DeviceInfo info;
	info.sysname = "event7";
	info.name = "digistump.com DigiKey";
	info.bustype = BUS_USB;
	info.vendor = 0x16c0;
	info.product = 0x27db;
	info.provenance = Provenance::Hardware;
	return info;
}

AllowPolicy parseOk(std::string_view text, std::string_view fileName = "t.rules")
{
	auto r = AllowPolicy::parse(text, fileName);
	EXPECT_TRUE(r) << r.error().message;
	return r ? std::move(*r) : AllowPolicy();
}

/** The message of a failed parse, or "" if it parsed. */
std::string parseError(std::string_view text)
{
	auto r = AllowPolicy::parse(text, "t.rules");
	return r ? std::string() : r.error().message;
}

/** True if a one-key rule "KEY=VALUE" (plus Allow=yes) matches @p info. */
bool keyMatches(const std::string &keyValue, const DeviceInfo &info)
{
	AllowPolicy p = parseOk("[r]\n" + keyValue + "\nAllow=yes\n");
	return p.decide(info).matched;
}

/** A fresh empty directory under the test's temp dir. */
std::string makeTempDir()
{
	std::string templ = (std::filesystem::temp_directory_path() / "tactus-allow-XXXXXX").string();
	char *made = ::mkdtemp(templ.data());
	EXPECT_NE(made, nullptr);
	return templ;
}

void writeFile(const std::string &path, const std::string &text)
{
	std::ofstream f(path, std::ios::binary);
	f << text;
}

} // namespace

TEST(AllowPolicy, ParsesSections)
{
	AllowPolicy p = parseOk(R"(# comment
[keyd]
MatchCreatorExe=/usr/bin/keyd
  MatchCreatorUnit = keyd.service
MatchCreatorUid=0
Allow=yes

[Digispark]
MatchVendor=0x16c0
MatchProduct=0x27DB
MatchBus=usb
Allow=no
)",
				"50-test.rules");
	ASSERT_EQ(p.size(), 2u);
	const AllowRule &k = p.rules()[0];
	EXPECT_EQ(k.name, "keyd");
	EXPECT_EQ(k.describe(), "keyd (50-test.rules:2)");
	EXPECT_EQ(k.matchCreatorUid, 0u);
	EXPECT_TRUE(k.allow);
	EXPECT_FALSE(k.spoofable());
	const AllowRule &d = p.rules()[1];
	EXPECT_EQ(d.matchProduct, 0x27db);
	EXPECT_EQ(d.matchBus, BUS_USB);
	EXPECT_FALSE(d.allow);
	EXPECT_FALSE(d.spoofable()); // a deny rule gains an attacker nothing by being spoofed
}

TEST(AllowPolicy, EmptyTextHasNoRules)
{
	EXPECT_EQ(parseOk("").size(), 0u);
	EXPECT_EQ(parseOk("# only a comment\n\n").size(), 0u);
	AllowPolicy none;
	EXPECT_FALSE(none.decide(keydDevice()).matched);
}

TEST(AllowPolicy, NameKey)
{
	EXPECT_TRUE(keyMatches("MatchName=keyd virtual keyboard", keydDevice()));
	EXPECT_TRUE(keyMatches("MatchName=keyd *", keydDevice()));
	EXPECT_FALSE(keyMatches("MatchName=keyd", keydDevice()));
	DeviceInfo nul = keydDevice();
	nul.name = std::string("keyd virtual keyboard\0x", 23);
	EXPECT_FALSE(keyMatches("MatchName=keyd virtual keyboard", nul));
	EXPECT_FALSE(keyMatches("MatchName=keyd*", nul)); // never a prefix of a NUL-split name
}

TEST(AllowPolicy, IdKeys)
{
	EXPECT_TRUE(keyMatches("MatchVendor=0x0fac", keydDevice()));
	EXPECT_FALSE(keyMatches("MatchVendor=0x0fad", keydDevice()));
	EXPECT_TRUE(keyMatches("MatchProduct=0x0ade", keydDevice()));
	EXPECT_FALSE(keyMatches("MatchProduct=0xade0", keydDevice()));
}

TEST(AllowPolicy, BusKey)
{
	EXPECT_TRUE(keyMatches("MatchBus=usb", keydDevice()));
	EXPECT_TRUE(keyMatches("MatchBus=0x03", keydDevice()));
	EXPECT_FALSE(keyMatches("MatchBus=virtual", keydDevice()));
}

TEST(AllowPolicy, ProvenanceKey)
{
	EXPECT_TRUE(keyMatches("MatchProvenance=uinput", keydDevice()));
	EXPECT_FALSE(keyMatches("MatchProvenance=uhid", keydDevice()));
	EXPECT_TRUE(keyMatches("MatchProvenance=hardware", digispark()));
}

TEST(AllowPolicy, SeatKey)
{
	EXPECT_TRUE(keyMatches("MatchSeat=seat0", keydDevice()));
	EXPECT_TRUE(keyMatches("MatchSeat=seat*", keydDevice()));
	EXPECT_FALSE(keyMatches("MatchSeat=seat1", keydDevice()));
}

TEST(AllowPolicy, CreatorExeKey)
{
	EXPECT_TRUE(keyMatches("MatchCreatorExe=/usr/bin/keyd", keydDevice()));
	EXPECT_TRUE(keyMatches("MatchCreatorExe=/usr/bin/*", keydDevice()));
	EXPECT_FALSE(keyMatches("MatchCreatorExe=/usr/local/bin/keyd", keydDevice()));
	// '*' does not cross '/': /usr/* is not everything under /usr.
	EXPECT_FALSE(keyMatches("MatchCreatorExe=/usr/*", keydDevice()));
	// An unreadable exe is unknown, and unknown matches nothing.
	DeviceInfo hidden = keydDevice();
	hidden.creators[0].exe.clear();
	EXPECT_FALSE(keyMatches("MatchCreatorExe=*", hidden));
}

TEST(AllowPolicy, CreatorUnitKey)
{
	EXPECT_TRUE(keyMatches("MatchCreatorUnit=keyd.service", keydDevice()));
	EXPECT_TRUE(keyMatches("MatchCreatorUnit=keyd.*", keydDevice()));
	EXPECT_FALSE(keyMatches("MatchCreatorUnit=kmonad.service", keydDevice()));
	DeviceInfo noUnit = keydDevice();
	noUnit.creators[0].unit.clear();
	EXPECT_FALSE(keyMatches("MatchCreatorUnit=*", noUnit));
}

TEST(AllowPolicy, CreatorUidKey)
{
	EXPECT_TRUE(keyMatches("MatchCreatorUid=0", keydDevice()));
	EXPECT_FALSE(keyMatches("MatchCreatorUid=1000", keydDevice()));
	// User names are resolved when the file is read; root is uid 0 everywhere.
	EXPECT_TRUE(keyMatches("MatchCreatorUid=root", keydDevice()));
}

TEST(AllowPolicy, CreatorKeysNeverMatchWithoutCreators)
{
	DeviceInfo orphan = keydDevice();
	orphan.creators.clear();
	EXPECT_FALSE(keyMatches("MatchCreatorUid=0", orphan));
	AllowPolicy deny = parseOk("[d]\nMatchCreatorUid=0\nAllow=no\n");
	EXPECT_FALSE(deny.decide(orphan).matched);
}

TEST(AllowPolicy, AllKeysMustMatch)
{
	EXPECT_TRUE(keyMatches("MatchName=keyd*\nMatchVendor=0x0fac\nMatchCreatorUid=0", keydDevice()));
	EXPECT_FALSE(keyMatches("MatchName=keyd*\nMatchVendor=0x0fac\nMatchCreatorUid=1", keydDevice()));
	EXPECT_FALSE(keyMatches("MatchName=other\nMatchVendor=0x0fac\nMatchCreatorUid=0", keydDevice()));
}

TEST(AllowPolicy, CreatorKeysHoldForOneCandidate)
{
	// keyd's exe and the user's uid, each true of some candidate but of no
	// single one, prove nothing.
	DeviceInfo info = keydDevice();
	info.creators = {keydProcess(), userProcess()};
	AllowPolicy deny = parseOk("[d]\nMatchCreatorExe=/usr/bin/keyd\nMatchCreatorUid=1000\nAllow=no\n");
	EXPECT_FALSE(deny.decide(info).matched);
	AllowPolicy denyKeyd = parseOk("[d]\nMatchCreatorExe=/usr/bin/keyd\nMatchCreatorUid=0\nAllow=no\n");
	EXPECT_TRUE(denyKeyd.decide(info).matched);
}

TEST(AllowPolicy, AllowNeedsEveryCandidate)
{
	// keyd holds /dev/uinput all the time: a device that appears while a
	// second process also holds it may be that process's, so keyd's rule
	// must not vouch for it.
	AllowPolicy p = parseOk("[keyd]\nMatchCreatorExe=/usr/bin/keyd\nMatchCreatorUid=0\nAllow=yes\n");
	DeviceInfo info = keydDevice();
	EXPECT_TRUE(p.decide(info).allow);
	info.creators = {keydProcess(), userProcess()};
	EXPECT_FALSE(p.decide(info).matched);
	// Two instances of the allowed program are fine.
	CreatorProcess second = keydProcess();
	second.pid = 413;
	info.creators = {keydProcess(), second};
	EXPECT_TRUE(p.decide(info).allow);
}

TEST(AllowPolicy, DenyNeedsOneCandidate)
{
	AllowPolicy p = parseOk("[no home binaries]\nMatchCreatorExe=/home/*/.local/bin/*\nAllow=no\n");
	DeviceInfo info = keydDevice();
	info.creators = {keydProcess(), userProcess()};
	AllowPolicy::Decision d = p.decide(info);
	EXPECT_TRUE(d.matched);
	EXPECT_FALSE(d.allow);
}

TEST(AllowPolicy, FirstMatchWins)
{
	AllowPolicy p = parseOk(R"([deny programs from home]
MatchCreatorExe=/home/*/.local/bin/*
Allow=no

[keyd]
MatchCreatorUnit=keyd.service
Allow=yes

[any uinput]
MatchProvenance=uinput
Allow=no
)");
	AllowPolicy::Decision d = p.decide(keydDevice());
	EXPECT_TRUE(d.matched);
	EXPECT_TRUE(d.allow);
	EXPECT_EQ(d.rule, "keyd (t.rules:5)");

	DeviceInfo other = keydDevice();
	other.creators = {userProcess()};
	d = p.decide(other);
	EXPECT_FALSE(d.allow);
	EXPECT_EQ(d.rule, "deny programs from home (t.rules:1)");

	other.creators[0].exe = "/opt/typer";
	d = p.decide(other);
	EXPECT_FALSE(d.allow);
	EXPECT_EQ(d.rule, "any uinput (t.rules:9)");

	d = p.decide(digispark());
	EXPECT_FALSE(d.matched);
	EXPECT_FALSE(d.allow);
	EXPECT_EQ(d.rule, "");
}

TEST(AllowPolicy, DenyRuleOnHardwareDevice)
{
	AllowPolicy p = parseOk("[Digispark]\nMatchVendor=0x16c0\nMatchProduct=0x27db\nMatchBus=usb\nAllow=no\n");
	AllowPolicy::Decision d = p.decide(digispark());
	EXPECT_TRUE(d.matched);
	EXPECT_FALSE(d.allow);
	EXPECT_EQ(d.rule, "Digispark (t.rules:1)");
	DeviceInfo logitech = digispark();
	logitech.vendor = 0x046d;
	EXPECT_FALSE(p.decide(logitech).matched);
}

TEST(AllowPolicy, SpoofableRules)
{
	AllowPolicy p = parseOk("[by name]\nMatchName=Onboard*\nAllow=yes\n"
				"[by uid]\nMatchName=Onboard*\nMatchCreatorUid=1000\nAllow=yes\n");
	EXPECT_TRUE(p.rules()[0].spoofable());
	EXPECT_FALSE(p.rules()[1].spoofable());
}

TEST(AllowPolicy, Errors)
{
	const std::pair<const char *, const char *> cases[] = {
		{"[a]\nMatchName=x\nAllow=yes\nColour=red\n", "t.rules:4: unknown key Colour"},
		{"[a]\nMatchName=x\nMatchName=y\nAllow=yes\n", "t.rules:3: duplicate key MatchName in section 'a'"},
		{"[a]\n\n[b]\nMatchName=x\nAllow=yes\n", "t.rules:1: empty section 'a'"},
		{"[a]\nAllow=yes\n", "t.rules:1: section 'a' has no Match key"},
		{"[a]\nMatchName=x\n", "t.rules:1: section 'a' has no Allow="},
		{"[a]\nMatchName=x\nAllow=maybe\n", "t.rules:3: Allow must be yes or no, not 'maybe'"},
		{"[a]\nMatchName=x\nAllow=\n", "t.rules:3: empty value for Allow"},
		{"[a]\nMatchVendor=046d\nAllow=yes\n", "t.rules:2: MatchVendor needs a hex value like 0x046d"},
		{"[a]\nMatchProduct=0x1ffff\nAllow=yes\n", "t.rules:2: MatchProduct: not a 16-bit hex number"},
		{"[a]\nMatchBus=firewire\nAllow=yes\n", "t.rules:2: unknown bus 'firewire'"},
		{"[a]\nMatchProvenance=magic\nAllow=yes\n", "t.rules:2: unknown provenance 'magic'"},
		{"[a]\nMatchCreatorExe=keyd\nAllow=yes\n", "t.rules:2: MatchCreatorExe needs an absolute path"},
		{"[a]\nMatchCreatorUid=4294967295\nAllow=yes\n", "t.rules:2: MatchCreatorUid: uid out of range"},
		{"[a]\nMatchCreatorUid=99999999999999\nAllow=yes\n", "t.rules:2: MatchCreatorUid: uid out of range"},
		{"[a]\nMatchCreatorUid=no-such-user-tactus\nAllow=yes\n",
		 "t.rules:2: MatchCreatorUid: unknown user 'no-such-user-tactus'"},
		{"MatchName=x\n", "t.rules:1: key outside of a [section]"},
		{"[a\n", "t.rules:1: unterminated section header"},
		{"[ ]\n", "t.rules:1: empty section name"},
		{"[a]\nMatchName\n", "t.rules:2: expected KEY=VALUE, missing '='"},
		{"[a]\n=x\n", "t.rules:2: empty key"},
		{"[a]\nMatchName=\xff\n", "t.rules:2: line is not valid UTF-8"},
		{"[a]\nMatchName=a\x01z\n", "t.rules:2: control character in line"},
		{"[a]\nMatchName=x\nAllow=yes\nAllowBurstKeys=modhex space\nAllowBurstKeystrokes=4\n",
		 "t.rules:4: AllowBurstKeys: unknown key kind 'space'"},
		{"[a]\nMatchName=x\nAllow=yes\nAllowBurstKeys=,\nAllowBurstKeystrokes=4\n",
		 "t.rules:4: AllowBurstKeys: no key kind given"},
		{"[a]\nMatchName=x\nAllow=yes\nAllowBurstKeystrokes=0\nAllowBurstKeys=digits\n",
		 "t.rules:4: AllowBurstKeystrokes must be a count of key presses in 1..1000, not '0'"},
		{"[a]\nMatchName=x\nAllow=yes\nAllowBurstKeystrokes=-3\nAllowBurstKeys=digits\n",
		 "t.rules:4: AllowBurstKeystrokes must be a count"},
		{"[a]\nMatchName=x\nAllow=yes\nAllowBurstKeystrokes=99999999999999999999\nAllowBurstKeys=digits\n",
		 "t.rules:4: AllowBurstKeystrokes must be a count"},
		{"[a]\nMatchName=x\nAllow=yes\nAllowBurstKeystrokes=14\n",
		 "t.rules:1: section 'a' needs both AllowBurstKeystrokes= and AllowBurstKeys="},
		{"[a]\nMatchName=x\nAllow=yes\nAllowBurstKeys=digits\n",
		 "t.rules:1: section 'a' needs both AllowBurstKeystrokes= and AllowBurstKeys="},
		{"[a]\nMatchName=x\nAllow=no\nAllowBurstKeystrokes=14\nAllowBurstKeys=digits\n",
		 "t.rules:1: section 'a' has a burst allowance but Allow=no"},
	};
	for (const auto &[text, want] : cases) {
		std::string got = parseError(text);
		EXPECT_EQ(got.substr(0, std::string(want).size()), want) << "for: " << text;
	}
	std::string longLine = "[a]\nMatchName=" + std::string(5000, 'x') + "\n";
	EXPECT_EQ(parseError(longLine), "t.rules:2: line longer than 4096 bytes");
}

TEST(AllowPolicy, GarbageNeverCrashes)
{
	std::mt19937 rng(20240605);
	const char *const pieces[] = {"[",
				      "]",
				      "=",
				      "\n",
				      "#",
				      " ",
				      "MatchName",
				      "MatchCreatorUid",
				      "Allow",
				      "yes",
				      "no",
				      "0x",
				      "ffff",
				      "*",
				      "/",
				      "\xc3",
				      "\xa9",
				      "\t",
				      "MatchBus",
				      "usb",
				      "0",
				      "AllowBurstKeys",
				      "AllowBurstKeystrokes",
				      "modhex",
				      "enter",
				      "49"};
	int parsed = 0;
	for (int round = 0; round < 2000; round++) {
		std::string text;
		size_t n = rng() % 64;
		for (size_t i = 0; i < n; i++) {
			if (round % 2)
				text += static_cast<char>(rng() & 0xff);
			else
				text += pieces[rng() % std::size(pieces)];
		}
		auto r = AllowPolicy::parse(text, "g.rules");
		if (r) {
			parsed++;
			for (const AllowRule &rule : r->rules())
				EXPECT_TRUE(rule.matchName || rule.matchBus || rule.matchCreatorUid ||
					    rule.matchVendor || rule.matchProduct);
			(void)r->decide(keydDevice());
		} else {
			EXPECT_EQ(r.error().message.rfind("g.rules:", 0), 0u) << r.error().message;
		}
	}
	EXPECT_GT(parsed, 0); // some inputs were empty or comment-only
}

TEST(AllowPolicy, LoadDirsLaterReplacesAndEmptyMasks)
{
	std::string data = makeTempDir();
	std::string etc = makeTempDir();
	writeFile(data + "/50-default.rules", "[packaged]\nMatchCreatorUnit=keyd.service\nAllow=yes\n");
	writeFile(data + "/60-vendor.rules", "[vendor]\nMatchProvenance=uinput\nAllow=no\n");
	writeFile(data + "/README", "not a rules file\n");
	writeFile(data + "/.hidden.rules", "garbage\n");
	writeFile(etc + "/50-default.rules", "[local]\nMatchCreatorUid=0\nAllow=yes\n");
	writeFile(etc + "/60-vendor.rules", "");
	writeFile(etc + "/10-first.rules", "[first]\nMatchName=none\nAllow=no\n");

	auto p = AllowPolicy::loadDirs({data, etc, data + "/missing"});
	ASSERT_TRUE(p) << p.error().message;
	ASSERT_EQ(p->size(), 2u);
	EXPECT_EQ(p->rules()[0].describe(), "first (10-first.rules:1)");
	EXPECT_EQ(p->rules()[1].describe(), "local (50-default.rules:1)");

	writeFile(etc + "/70-bad.rules", "[bad]\nMatchName=x\nAllow=perhaps\n");
	auto bad = AllowPolicy::loadDirs({data, etc});
	ASSERT_FALSE(bad);
	EXPECT_EQ(bad.error().message, "70-bad.rules:3: Allow must be yes or no, not 'perhaps'");

	std::filesystem::remove_all(data);
	std::filesystem::remove_all(etc);
}

TEST(AllowPolicy, ShippedFileParses)
{
	const char *root = std::getenv("TACTUS_SOURCE_ROOT");
	if (!root)
		GTEST_SKIP() << "TACTUS_SOURCE_ROOT not set";
	std::string dir = std::string(root) + "/policy/allow.d";
	auto p = AllowPolicy::loadDirs({dir});
	ASSERT_TRUE(p) << p.error().message;
	// Security teams opt in: nothing is allowed out of the box.
	EXPECT_EQ(p->size(), 0u);

	// The commented examples must be valid once uncommented.
	auto text = readFileLimited(dir + "/50-default.rules", 1024 * 1024);
	ASSERT_TRUE(text) << text.error().message;
	std::string uncommented;
	for (const TextLine &l : TextLines(*text)) {
		std::string line(l.text);
		if (line.rfind("#[", 0) == 0 || line.rfind("#Match", 0) == 0 || line.rfind("#Allow", 0) == 0)
			line.erase(0, 1);
		uncommented += line + "\n";
	}
	auto examples = AllowPolicy::parse(uncommented, "50-default.rules");
	ASSERT_TRUE(examples) << examples.error().message;
	EXPECT_GE(examples->size(), 6u);
	// Allowed by ids alone only with a burst allowance bounded by key kinds
	// that cannot spell a shell command (no letters beyond modhex, no space).
	for (const AllowRule &r : examples->rules()) {
		if (!r.spoofable())
			continue;
		ASSERT_TRUE(r.burst.has_value()) << r.describe();
		EXPECT_EQ(r.matchProvenance, Provenance::Hardware) << r.describe();
		EXPECT_EQ(r.burst->kinds & static_cast<uint32_t>(BurstKey::Letters), 0u) << r.describe();
		EXPECT_LE(r.burst->maxKeystrokes, 49u) << r.describe();
	}
	DeviceInfo yubikey;
	yubikey.provenance = Provenance::Hardware;
	yubikey.bustype = 3;
	yubikey.vendor = 0x1050;
	yubikey.product = 0x0407;
	const auto otp = examples->decide(yubikey);
	ASSERT_TRUE(otp.allow && otp.burst);
	EXPECT_EQ(keyKindNames(otp.burst->kinds), "modhex enter");
	EXPECT_EQ(otp.burst->maxKeystrokes, 49u);
	// The keyd example allows keyd and nothing that merely names itself keyd.
	EXPECT_TRUE(examples->decide(keydDevice()).allow);
	DeviceInfo impostor = keydDevice();
	impostor.creators = {userProcess()};
	EXPECT_FALSE(examples->decide(impostor).matched);
	EXPECT_FALSE(examples->decide(digispark()).allow);
	EXPECT_TRUE(examples->decide(digispark()).matched);
}

// Behaviour change, issue 9 (one parser for the three INI-style files):
// allow-list files take ';' comments and a leading byte-order mark, as
// tactus.conf always did. Before, both were "expected KEY=VALUE, missing '='"
// and ";Allow=no" was "unknown key ;Allow".
TEST(AllowPolicy, SemicolonCommentsAndByteOrderMark)
{
	AllowPolicy p =
		parseOk("; local rules\n[keyd]\nMatchCreatorUnit=keyd.service\n  ; Allow=no\n;Allow=no\nAllow=yes\n");
	ASSERT_EQ(p.size(), 1u);
	EXPECT_TRUE(p.rules()[0].allow);
	EXPECT_EQ(p.rules()[0].describe(), "keyd (t.rules:2)");

	AllowPolicy bom =
		parseOk("\xef\xbb\xbf# written on Windows\r\n[keyd]\r\nMatchCreatorUnit=keyd.service\r\nAllow=yes\r\n");
	ASSERT_EQ(bom.size(), 1u);
	EXPECT_EQ(bom.rules()[0].describe(), "keyd (t.rules:2)");
	EXPECT_EQ(bom.rules()[0].matchCreatorUnit, "keyd.service");

	// Only at the start of a line: in a value, ';' and '#' are data.
	AllowPolicy value = parseOk("[odd name]\nMatchName=a;b # c\nAllow=no\n");
	EXPECT_EQ(value.rules()[0].matchName, "a;b # c");
}

// Backup files of package managers and editors are not rules, and a
// /dev/null symlink masks a packaged file like an empty file does.
TEST(AllowPolicy, LoadDirsSkipsBackupsAndDevNullMasks)
{
	std::string data = makeTempDir();
	std::string etc = makeTempDir();
	writeFile(data + "/50-default.rules", "[packaged]\nMatchCreatorUnit=keyd.service\nAllow=yes\n");
	writeFile(data + "/60-vendor.rules", "[vendor]\nMatchProvenance=uinput\nAllow=no\n");
	writeFile(etc + "/50-default.rules.dpkg-old", "garbage\n");
	writeFile(etc + "/50-default.rules~", "garbage\n");
	ASSERT_EQ(::symlink("/dev/null", (etc + "/60-vendor.rules").c_str()), 0);

	auto p = AllowPolicy::loadDirs({data, etc});
	ASSERT_TRUE(p) << p.error().message;
	ASSERT_EQ(p->size(), 1u);
	EXPECT_EQ(p->rules()[0].describe(), "packaged (50-default.rules:1)");

	std::filesystem::remove_all(data);
	std::filesystem::remove_all(etc);
}

TEST(AllowPolicy, BurstAllowanceKeys)
{
	auto p = AllowPolicy::parse("[otp]\nMatchVendor=0x1050\nMatchProduct=0x0407\nMatchProvenance=hardware\n"
				    "Allow=yes\nAllowBurstKeystrokes=49\nAllowBurstKeys=modhex,enter\n"
				    "[plain]\nMatchVendor=0x1050\nAllow=yes\n",
				    "t.rules");
	ASSERT_TRUE(p) << p.error().message;
	ASSERT_EQ(p->size(), 2u);
	ASSERT_TRUE(p->rules()[0].burst);
	EXPECT_EQ(p->rules()[0].burst->maxKeystrokes, 49u);
	EXPECT_EQ(p->rules()[0].burst->kinds,
		  static_cast<uint32_t>(BurstKey::Modhex) | static_cast<uint32_t>(BurstKey::Enter));
	EXPECT_FALSE(p->rules()[1].burst);
}

TEST(AllowPolicy, BurstKeyKinds)
{
	const uint32_t otp = *parseKeyKinds("modhex enter");
	// The 16 modhex letters and Enter; nothing else.
	for (uint16_t code : {KEY_C, KEY_B, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_N, KEY_R,
			      KEY_T, KEY_U, KEY_V, KEY_ENTER, KEY_KPENTER})
		EXPECT_TRUE(keyIsOfKinds(code, otp)) << code;
	for (uint16_t code : {KEY_A, KEY_M, KEY_O, KEY_P, KEY_S, KEY_W, KEY_X, KEY_Y, KEY_Z, KEY_Q, KEY_SPACE, KEY_1,
			      KEY_MINUS, KEY_SLASH, KEY_DOT, KEY_LEFTSHIFT, KEY_LEFTCTRL, KEY_TAB, KEY_BACKSLASH})
		EXPECT_FALSE(keyIsOfKinds(code, otp)) << code;
	const uint32_t scan = *parseKeyKinds("digits,enter , tab");
	for (uint16_t code : {KEY_0, KEY_5, KEY_9, KEY_KP0, KEY_KP7, KEY_ENTER, KEY_TAB})
		EXPECT_TRUE(keyIsOfKinds(code, scan)) << code;
	for (uint16_t code : {KEY_A, KEY_SPACE, KEY_MINUS, KEY_KPMINUS, KEY_LEFTSHIFT})
		EXPECT_FALSE(keyIsOfKinds(code, scan)) << code;
	EXPECT_TRUE(keyIsOfKinds(KEY_RIGHTSHIFT, *parseKeyKinds("shift")));
	EXPECT_TRUE(keyIsOfKinds(KEY_Q, *parseKeyKinds("letters")));
	EXPECT_EQ(keyKindNames(*parseKeyKinds("enter modhex")), "modhex enter");
	EXPECT_FALSE(parseKeyKinds("Modhex"));
	EXPECT_FALSE(parseKeyKinds(""));
	EXPECT_FALSE(parseKeyKinds("digits;enter"));
}

TEST(AllowPolicy, BurstAllowanceTrackerRaisesWhatItWaivedOnceTheBurstLeavesIt)
{
	BurstAllowance a;
	a.maxKeystrokes = 3;
	a.kinds = *parseKeyKinds("digits enter");
	BurstAllowanceTracker t(a);
	InjectionEvidence alarm;
	alarm.alarm = true;
	alarm.rule = "short-dwell";
	const InjectionEvidence quiet;
	t.keyEvent(1'000'000, KEY_1, 1);
	EXPECT_FALSE(t.judge(alarm).alarm);
	t.keyEvent(1'010'000, KEY_2, 1);
	EXPECT_FALSE(t.judge(quiet).alarm);
	t.keyEvent(1'020'000, KEY_ENTER, 1);
	EXPECT_TRUE(t.within());
	// A fourth press in the same burst: the waived alarm comes back, once.
	t.keyEvent(1'030'000, KEY_3, 1);
	EXPECT_FALSE(t.within());
	const InjectionEvidence late = t.judge(quiet);
	EXPECT_TRUE(late.alarm);
	EXPECT_EQ(late.rule, "short-dwell");
	EXPECT_FALSE(t.judge(quiet).alarm);
	EXPECT_TRUE(t.judge(alarm).alarm);
	// After a pause, a new burst within the allowance.
	t.keyEvent(5'000'000, KEY_4, 1);
	EXPECT_TRUE(t.within());
	EXPECT_EQ(t.presses(), 1u);
	EXPECT_FALSE(t.judge(alarm).alarm);
	// A key of another kind: out at once.
	t.keyEvent(5'010'000, KEY_SPACE, 1);
	EXPECT_FALSE(t.within());
	EXPECT_TRUE(t.judge(quiet).alarm);
	// Releases and repeats are no presses.
	t.reset();
	t.keyEvent(9'000'000, KEY_5, 0);
	t.keyEvent(9'000'000, KEY_5, 2);
	EXPECT_EQ(t.presses(), 0u);
}
