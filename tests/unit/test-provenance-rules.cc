// SPDX-License-Identifier: MIT
#include "provenance-rules.h"
#include "sysfs-fixture.h"
#include "sysfs-read.h"

#include <gtest/gtest.h>

#include <linux/input.h>

#include <random>
#include <unistd.h>

using namespace tactus;

namespace {

const char *const kQemuRules = R"(# comment
[QEMU USB input]
MatchParentSubsystem=usb
MatchVendor=0x0627
MatchProduct=0x0001
MatchName=QEMU QEMU USB *
Provenance=hypervisor

  [Acer]
MatchName = Acer WMI hotkeys
MatchBus=host
Provenance=kernel-virtual
)";

RuleSubject qemuTablet()
{
	RuleSubject s;
	s.name = "QEMU QEMU USB Tablet";
	s.bustype = BUS_USB;
	s.vendor = 0x0627;
	s.product = 0x0001;
	s.parentSubsystems = {"hid", "usb", "usb", "usb", "pci"};
	return s;
}

/** The message of a failed parse, or "" if it parsed. */
std::string parseError(std::string_view text)
{
	auto r = ProvenanceRules::parse(text, "t.rules");
	return r ? std::string() : r.error().message;
}

} // namespace

TEST(ProvenanceRules, ParsesSections)
{
	auto rules = ProvenanceRules::parse(kQemuRules, "10-test.rules");
	ASSERT_TRUE(rules) << rules.error().message;
	ASSERT_EQ(rules->size(), 2u);
	const ProvenanceRule &q = rules->rules()[0];
	EXPECT_EQ(q.name, "QEMU USB input");
	EXPECT_EQ(q.origin(), "10-test.rules:2");
	EXPECT_EQ(q.provenance, Provenance::Hypervisor);
	EXPECT_EQ(q.matchVendor, 0x0627);
	EXPECT_EQ(rules->rules()[1].matchName, "Acer WMI hotkeys");
	EXPECT_EQ(rules->rules()[1].matchBus, BUS_HOST);
	EXPECT_EQ(rules->rules()[1].line, 9u);
}

TEST(ProvenanceRules, MatchesAllKeys)
{
	auto rules = ProvenanceRules::parse(kQemuRules, "10-test.rules");
	ASSERT_TRUE(rules);
	RuleSubject s = qemuTablet();
	const ProvenanceRule *r = rules->match(s, Provenance::Hypervisor);
	ASSERT_NE(r, nullptr);
	EXPECT_EQ(r->name, "QEMU USB input");
	// The kind must agree: a hypervisor rule never answers a kernel-virtual question.
	EXPECT_EQ(rules->match(s, Provenance::KernelVirtual), nullptr);

	RuleSubject wrongProduct = s;
	wrongProduct.product = 0x0002;
	EXPECT_EQ(rules->match(wrongProduct, Provenance::Hypervisor), nullptr);
	RuleSubject noUsb = s;
	noUsb.parentSubsystems = {"serio", "platform"};
	EXPECT_EQ(rules->match(noUsb, Provenance::Hypervisor), nullptr);
	RuleSubject wrongName = s;
	wrongName.name = "Logitech USB Keyboard";
	EXPECT_EQ(rules->match(wrongName, Provenance::Hypervisor), nullptr);
}

TEST(ProvenanceRules, GlobRefusesEmbeddedNul)
{
	auto rules = ProvenanceRules::parse(kQemuRules, "t.rules");
	ASSERT_TRUE(rules);
	RuleSubject s;
	const std::string name("Acer WMI hotkeys\0evil", 21);
	s.name = name;
	s.bustype = BUS_HOST;
	EXPECT_EQ(rules->match(s, Provenance::KernelVirtual), nullptr);
	s.name = "Acer WMI hotkeys";
	EXPECT_NE(rules->match(s, Provenance::KernelVirtual), nullptr);
}

TEST(ProvenanceRules, MatchDmi)
{
	auto rules = ProvenanceRules::parse(
		"[q]\nMatchParentSubsystem=serio\nMatchDMI=dmi:*:svnQEMU:*\nProvenance=hypervisor\n", "t.rules");
	ASSERT_TRUE(rules) << rules.error().message;
	RuleSubject s;
	s.parentSubsystems = {"serio", "platform"};
	s.dmiModalias = "dmi:bvnSeaBIOS:bvr1.16.2:svnQEMU:pnStandardPC(i440FX+PIIX,1996):";
	EXPECT_NE(rules->match(s, Provenance::Hypervisor), nullptr);
	s.dmiModalias = "dmi:bvnLENOVO:svnLENOVO:pn20L5CTO1WW:";
	EXPECT_EQ(rules->match(s, Provenance::Hypervisor), nullptr);
	s.dmiModalias = "";
	EXPECT_EQ(rules->match(s, Provenance::Hypervisor), nullptr);
}

TEST(ProvenanceRules, ErrorsNameFileAndLine)
{
	EXPECT_EQ(parseError("[a]\nMatchName=x\nFoo=bar\nProvenance=hypervisor\n"), "t.rules:3: unknown key Foo");
	EXPECT_EQ(parseError("[a]\nMatchName x\n"), "t.rules:2: expected KEY=VALUE, missing '='");
	EXPECT_EQ(parseError("[a]\nMatchVendor=0xZZ\nProvenance=hypervisor\n").substr(0, 10), "t.rules:2:");
	EXPECT_EQ(parseError("[a]\nMatchVendor=0x12345\nProvenance=hypervisor\n").substr(0, 10), "t.rules:2:");
	EXPECT_EQ(parseError("[a]\nMatchVendor=0627\nProvenance=hypervisor\n").substr(0, 10), "t.rules:2:");
	EXPECT_EQ(parseError("[a\nMatchName=x\n"), "t.rules:1: unterminated section header");
	EXPECT_EQ(parseError("[]\n"), "t.rules:1: empty section name");
	EXPECT_EQ(parseError("MatchName=x\n"), "t.rules:1: key outside of a [section]");
	EXPECT_EQ(parseError("[a]\nMatchName=x\nMatchName=y\nProvenance=hypervisor\n"),
		  "t.rules:3: duplicate key MatchName in section 'a'");
	EXPECT_EQ(parseError("[a]\nProvenance=hypervisor\n"), "t.rules:1: section 'a' has no Match key");
	EXPECT_EQ(parseError("[a]\nMatchName=x\n[b]\nMatchName=y\nProvenance=hypervisor\n"),
		  "t.rules:1: section 'a' has no Provenance");
	EXPECT_EQ(parseError("[a]\nMatchName=x\nProvenance=hardware\n"),
		  "t.rules:3: Provenance must be hypervisor or kernel-virtual, not 'hardware'");
	EXPECT_EQ(parseError("[a]\nMatchName=x\nProvenance=uinput\n").substr(0, 10), "t.rules:3:");
	EXPECT_EQ(parseError("[a]\nMatchBus=floppy\nProvenance=hypervisor\n"), "t.rules:2: unknown bus 'floppy'");
	EXPECT_EQ(parseError("[a]\nMatchName=\nProvenance=hypervisor\n"), "t.rules:2: empty value for MatchName");
	EXPECT_EQ(parseError("[a]\nMatchParentSubsystem=usb\nProvenance=kernel-virtual\n").substr(0, 10), "t.rules:1:");
	EXPECT_EQ(parseError("[a]\nMatchName=x\x01y\nProvenance=hypervisor\n"), "t.rules:2: control character in line");
	EXPECT_EQ(parseError("[a]\nMatchName=\xff\xfe\nProvenance=hypervisor\n"), "t.rules:2: line is not valid UTF-8");
}

TEST(ProvenanceRules, AcceptsEmptyAndCommentOnly)
{
	auto empty = ProvenanceRules::parse("", "e.rules");
	ASSERT_TRUE(empty);
	EXPECT_EQ(empty->size(), 0u);
	auto comments = ProvenanceRules::parse("# nothing\n\n   \n# here\n", "c.rules");
	ASSERT_TRUE(comments);
	EXPECT_EQ(comments->size(), 0u);
	auto crlf = ProvenanceRules::parse("[a]\r\nMatchName=x\r\nProvenance=hypervisor\r\n", "w.rules");
	ASSERT_TRUE(crlf) << crlf.error().message;
	EXPECT_EQ(crlf->rules()[0].matchName, "x");
}

TEST(ProvenanceRules, HugeLineIsAnError)
{
	std::string text = "[a]\nMatchName=" + std::string(1 << 20, 'x') + "\nProvenance=hypervisor\n";
	EXPECT_EQ(parseError(text), "t.rules:2: line longer than 4096 bytes");
}

TEST(ProvenanceRules, RandomBytesNeverCrash)
{
	std::mt19937 rng(20240607);
	std::uniform_int_distribution<int> byte(0, 255);
	std::uniform_int_distribution<size_t> length(0, 2000);
	unsigned failures = 0;
	for (int i = 0; i < 500; i++) {
		std::string text(length(rng), '\0');
		for (char &c : text)
			c = static_cast<char>(byte(rng));
		auto r = ProvenanceRules::parse(text, "random.rules");
		if (!r) {
			failures++;
			EXPECT_EQ(r.error().message.rfind("random.rules:", 0), 0u) << r.error().message;
		}
	}
	// Almost every random buffer has a control byte or invalid UTF-8 somewhere.
	EXPECT_GT(failures, 450u);

	// Random text made of the format's own characters, to get past the
	// byte checks into the section and key logic.
	const std::string alphabet = "[]=#\n \tMatchNameVendorProduct0x1fProvenance=hypervisor*?";
	std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
	for (int i = 0; i < 2000; i++) {
		std::string text(length(rng) / 4, ' ');
		for (char &c : text)
			c = alphabet[pick(rng)];
		auto r = ProvenanceRules::parse(text, "alpha.rules");
		if (r) {
			for (const ProvenanceRule &rule : r->rules())
				EXPECT_TRUE(rule.provenance == Provenance::Hypervisor ||
					    rule.provenance == Provenance::KernelVirtual);
		}
	}
}

TEST(ProvenanceRules, ShippedDataFilesParse)
{
	const std::string dir = test::sourceRoot() + "/data/provenance";
	auto rules = ProvenanceRules::loadDirs({dir});
	ASSERT_TRUE(rules) << rules.error().message;
	EXPECT_GT(rules->size(), 0u);
	unsigned hypervisor = 0, kernelVirtual = 0;
	for (const ProvenanceRule &r : rules->rules()) {
		hypervisor += r.provenance == Provenance::Hypervisor;
		kernelVirtual += r.provenance == Provenance::KernelVirtual;
		EXPECT_TRUE(r.fileName == "10-hypervisor.rules" || r.fileName == "20-kernel-virtual.rules")
			<< r.fileName;
	}
	EXPECT_GT(hypervisor, 0u);
	EXPECT_GT(kernelVirtual, 0u);
	// Files load in name order: every hypervisor rule comes first.
	EXPECT_EQ(rules->rules().front().fileName, "10-hypervisor.rules");
	EXPECT_EQ(rules->rules().back().fileName, "20-kernel-virtual.rules");
}

TEST(ProvenanceRules, LaterDirOverridesSameName)
{
	auto f = test::SysfsFixture::create();
	ASSERT_TRUE(f) << f.error().message;
	ASSERT_TRUE(f->writeFile("data/10-vm.rules", "[vm]\nMatchName=A\nProvenance=hypervisor\n"));
	ASSERT_TRUE(f->writeFile("data/20-kv.rules", "[kv]\nMatchName=B\nProvenance=kernel-virtual\n"));
	ASSERT_TRUE(f->writeFile("data/README", "not a rules file"));
	ASSERT_TRUE(f->writeFile("etc/10-vm.rules", "[local vm]\nMatchName=C\nProvenance=hypervisor\n"));
	ASSERT_TRUE(f->writeFile("etc/05-first.rules", "[first]\nMatchName=D\nProvenance=hypervisor\n"));

	auto rules = ProvenanceRules::loadDirs({f->path("data"), f->path("missing"), f->path("etc")});
	ASSERT_TRUE(rules) << rules.error().message;
	ASSERT_EQ(rules->size(), 3u);
	EXPECT_EQ(rules->rules()[0].name, "first");
	EXPECT_EQ(rules->rules()[1].name, "local vm");
	EXPECT_EQ(rules->rules()[2].name, "kv");

	// An empty file masks the shipped one, as in systemd.
	ASSERT_TRUE(f->writeFile("etc/20-kv.rules", ""));
	rules = ProvenanceRules::loadDirs({f->path("data"), f->path("etc")});
	ASSERT_TRUE(rules);
	EXPECT_EQ(rules->size(), 2u);
}

TEST(ProvenanceRules, BadFileFailsLoad)
{
	auto f = test::SysfsFixture::create();
	ASSERT_TRUE(f);
	ASSERT_TRUE(f->writeFile("etc/30-bad.rules", "[x]\nMatchName=a\nProvnance=hypervisor\n"));
	auto rules = ProvenanceRules::loadDirs({f->path("etc")});
	ASSERT_FALSE(rules);
	EXPECT_EQ(rules.error().message, "30-bad.rules:3: unknown key Provnance");
	EXPECT_EQ(rules.error().errnum, -EINVAL);
}

TEST(ProvenanceRules, BusNames)
{
	EXPECT_EQ(busFromName("usb"), BUS_USB);
	EXPECT_EQ(busFromName("i8042"), BUS_I8042);
	EXPECT_EQ(busFromName("bluetooth"), BUS_BLUETOOTH);
	EXPECT_EQ(busFromName("host"), BUS_HOST);
	EXPECT_EQ(busFromName("0x19"), BUS_HOST);
	EXPECT_EQ(busFromName("nonsense"), std::nullopt);
}

TEST(SysfsBitmask, ParsesWordsMostSignificantFirst)
{
	auto bits = parseSysfsBitmask("70000 0 0 0 0\n", 64);
	ASSERT_TRUE(bits);
	EXPECT_EQ(*bits, (std::vector<unsigned>{BTN_LEFT, BTN_RIGHT, BTN_MIDDLE}));
	auto zero = parseSysfsBitmask("0\n", 64);
	ASSERT_TRUE(zero);
	EXPECT_TRUE(zero->empty());
	auto small = parseSysfsBitmask("120013", 64);
	ASSERT_TRUE(small);
	EXPECT_EQ(*small, (std::vector<unsigned>{EV_SYN, EV_KEY, EV_MSC, EV_LED, EV_REP}));
	// 32-bit kernels print 32-bit words.
	auto w32 = parseSysfsBitmask("1 0", 32);
	ASSERT_TRUE(w32);
	EXPECT_EQ(*w32, std::vector<unsigned>{32});
}

TEST(SysfsBitmask, GarbageIsAnError)
{
	EXPECT_FALSE(parseSysfsBitmask("", 64));
	EXPECT_FALSE(parseSysfsBitmask("\n", 64));
	EXPECT_FALSE(parseSysfsBitmask("xyz", 64));
	EXPECT_FALSE(parseSysfsBitmask("-1", 64));
	EXPECT_FALSE(parseSysfsBitmask("12345678123456781", 64)); // 17 digits
	EXPECT_FALSE(parseSysfsBitmask("123456789", 32));
	EXPECT_FALSE(parseSysfsBitmask(std::string_view("1\0"
							"2",
							3),
				       64));
	std::string many;
	for (int i = 0; i < 1000; i++)
		many += "ffffffffffffffff ";
	EXPECT_FALSE(parseSysfsBitmask(many, 64));
}

// Behaviour change, issue 9 (one parser for the three INI-style files):
// provenance rules take ';' comments and a leading byte-order mark, as
// tactus.conf always did; before, both were "expected KEY=VALUE, missing '='".
TEST(ProvenanceRules, SemicolonCommentsAndByteOrderMark)
{
	auto rules = ProvenanceRules::parse(
		"\xef\xbb\xbf; local\n[vm]\n;MatchName=no\nMatchName=A\nProvenance=hypervisor\n", "t.rules");
	ASSERT_TRUE(rules) << rules.error().message;
	ASSERT_EQ(rules->size(), 1u);
	EXPECT_EQ(rules->rules()[0].matchName, "A");
	EXPECT_EQ(rules->rules()[0].origin(), "t.rules:2");
}

// Behaviour change, issue 9: hidden files in a provenance rules directory
// (an editor's ".10-vm.rules.swp" aside, a half-written ".10-vm.rules") are
// skipped, as in the allow-list and tactus.conf.d; before, a hidden file
// ending in .rules was loaded.
TEST(ProvenanceRules, HiddenFilesAreSkipped)
{
	auto f = test::SysfsFixture::create();
	ASSERT_TRUE(f) << f.error().message;
	ASSERT_TRUE(f->writeFile("etc/10-vm.rules", "[vm]\nMatchName=A\nProvenance=hypervisor\n"));
	ASSERT_TRUE(f->writeFile("etc/.10-vm.rules", "[half-written]\nMatchName=B\nProvenance=hypervisor\n"));
	ASSERT_TRUE(f->writeFile("etc/.20-broken.rules", "not a rules file"));
	ASSERT_TRUE(f->writeFile("etc/10-vm.rules.rpmsave", "not a rules file"));
	auto rules = ProvenanceRules::loadDirs({f->path("etc")});
	ASSERT_TRUE(rules) << rules.error().message;
	ASSERT_EQ(rules->size(), 1u);
	EXPECT_EQ(rules->rules()[0].name, "vm");

	// A /dev/null symlink masks the packaged file, like an empty file.
	ASSERT_TRUE(f->writeFile("data/20-kv.rules", "[kv]\nMatchName=C\nProvenance=kernel-virtual\n"));
	ASSERT_EQ(::symlink("/dev/null", f->path("etc/20-kv.rules").c_str()), 0);
	rules = ProvenanceRules::loadDirs({f->path("data"), f->path("etc")});
	ASSERT_TRUE(rules) << rules.error().message;
	ASSERT_EQ(rules->size(), 1u);
	EXPECT_EQ(rules->rules()[0].name, "vm");
}
