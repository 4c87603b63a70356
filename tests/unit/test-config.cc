// SPDX-License-Identifier: MIT
#include "config.h"
#include "daemon-config.h"
#include "sysfs-read.h"
#include "util-lines.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

using namespace tactus;

namespace {

/** The message of a failed parse, or "" if it parsed. */
std::string parseError(std::string_view text, Config base = {})
{
	auto r = parseConfig(text, "t.conf", base);
	return r ? std::string() : r.error().message;
}

/** Parse text that must be valid. */
Config parseOk(std::string_view text)
{
	auto r = parseConfig(text, "t.conf");
	EXPECT_TRUE(r) << text << " -> " << r.error().message;
	return r ? *r : Config{};
}

/** A scratch directory, removed with everything in it. */
class ScratchDir {
public:
	ScratchDir()
	{
		std::string tmpl = (std::filesystem::temp_directory_path() / "tactus-config-XXXXXX").string();
		path_ = ::mkdtemp(tmpl.data());
	}
	~ScratchDir() { std::filesystem::remove_all(path_); }
	ScratchDir(const ScratchDir &) = delete;
	ScratchDir &operator=(const ScratchDir &) = delete;

	const std::string &path() const { return path_; }
	void write(const std::string &name, std::string_view text) const
	{
		std::filesystem::create_directories(std::filesystem::path(path_ + "/" + name).parent_path());
		std::ofstream(path_ + "/" + name, std::ios::binary) << text;
	}

private:
	std::string path_;
};

} // namespace

TEST(Config, DefaultsAreDocumented)
{
	Config c;
	EXPECT_EQ(c.daemon.mode, Mode::Monitor);
	EXPECT_EQ(c.daemon.logLevel, LogLevel::Info);
	EXPECT_DOUBLE_EQ(c.verdict.trustedAbove, 0.7);
	EXPECT_DOUBLE_EQ(c.verdict.untrustedBelow, 0.3);
	EXPECT_DOUBLE_EQ(c.verdict.hysteresis, 0.05);
	EXPECT_EQ(c.enrollment.keystrokes, 250u);
	EXPECT_EQ(c.enrollment.pointerStrokes, 300u);
	EXPECT_EQ(c.actions.onInjected, (Actions{.lock = true, .grab = false}));
	EXPECT_EQ(c.actions.onUntrusted, Actions{});
	EXPECT_EQ(parseOk(""), Config{});
	EXPECT_EQ(parseOk("# only a comment\n; and another\n\n[Daemon]\n"), Config{});
}

TEST(Config, DescribeNamesEveryKey)
{
	EXPECT_EQ(describeConfig(Config{}),
		  "Mode=monitor LogLevel=info TrustedAbove=0.7 UntrustedBelow=0.3 Hysteresis=0.05 "
		  "Keystrokes=250 PointerStrokes=300 TouchStrokes=200 OnInjected=\"publish lock\" "
		  "OnUntrusted=publish");
	std::string d = describeConfig(Config{});
	for (const ConfigKeyName &k : configKeys())
		EXPECT_NE(d.find(std::string(k.key) + "="), std::string::npos) << k.key;
}

TEST(Config, EveryKey)
{
	Config c = parseOk(R"([Daemon]
Mode=enforce
LogLevel=debug

[Verdict]
TrustedAbove=0.85
UntrustedBelow=0.1
Hysteresis=0.5

[Enrollment]
Keystrokes=250
PointerStrokes=1000000
TouchStrokes=50

[Actions]
OnInjected=publish lock grab
OnUntrusted=lock
)");
	EXPECT_EQ(c.daemon.mode, Mode::Enforce);
	EXPECT_EQ(c.daemon.logLevel, LogLevel::Debug);
	EXPECT_DOUBLE_EQ(c.verdict.trustedAbove, 0.85);
	EXPECT_DOUBLE_EQ(c.verdict.untrustedBelow, 0.1);
	EXPECT_DOUBLE_EQ(c.verdict.hysteresis, 0.5);
	EXPECT_EQ(c.enrollment.keystrokes, 250u);
	EXPECT_EQ(c.enrollment.pointerStrokes, 1000000u);
	EXPECT_EQ(c.enrollment.touchStrokes, 50u);
	EXPECT_EQ(c.actions.onInjected, (Actions{.lock = true, .grab = true}));
	EXPECT_EQ(c.actions.onUntrusted, (Actions{.lock = true, .grab = false}));
	EXPECT_EQ(describeConfig(c), "Mode=enforce LogLevel=debug TrustedAbove=0.85 UntrustedBelow=0.1 Hysteresis=0.5 "
				     "Keystrokes=250 PointerStrokes=1000000 TouchStrokes=50 OnInjected=\"publish lock "
				     "grab\" OnUntrusted=\"publish lock\"");
}

TEST(Config, EveryLogLevel)
{
	const std::pair<const char *, LogLevel> levels[] = {
		{"err", LogLevel::Error}, {"warning", LogLevel::Warning}, {"notice", LogLevel::Notice},
		{"info", LogLevel::Info}, {"debug", LogLevel::Debug},
	};
	for (const auto &[name, level] : levels)
		EXPECT_EQ(parseOk(std::string("[Daemon]\nLogLevel=") + name).daemon.logLevel, level) << name;
}

TEST(Config, Syntax)
{
	// Whitespace around keys, values and section names; CRLF; a BOM;
	// a section given twice; ';' comments.
	Config c = parseOk("\xef\xbb\xbf; local\r\n  [ Daemon ]  \r\n\tMode =  enforce \r\n[Verdict]\nHysteresis=0.1\n"
			   "[Daemon]\nLogLevel=notice");
	EXPECT_EQ(c.daemon.mode, Mode::Enforce);
	EXPECT_EQ(c.daemon.logLevel, LogLevel::Notice);
	EXPECT_DOUBLE_EQ(c.verdict.hysteresis, 0.1);

	// Actions are separated by any run of blanks; "publish" alone is
	// publish only.
	EXPECT_EQ(parseOk("[Actions]\nOnInjected=grab\t\t lock").actions.onInjected,
		  (Actions{.lock = true, .grab = true}));
	EXPECT_EQ(parseOk("[Actions]\nOnInjected=publish").actions.onInjected, Actions{});
	EXPECT_EQ(parseOk("[Actions]\nOnInjected=lock lock").actions.onInjected,
		  (Actions{.lock = true, .grab = false}));
}

TEST(Config, EmptyValueResetsToDefault)
{
	Config base;
	base.daemon.mode = Mode::Enforce;
	base.enrollment.keystrokes = 5000;
	base.actions.onUntrusted.lock = true;
	auto r = parseConfig("[Daemon]\nMode=\n[Enrollment]\nKeystrokes=\n[Actions]\nOnUntrusted=\n", "t.conf", base);
	ASSERT_TRUE(r) << r.error().message;
	EXPECT_EQ(*r, Config{});
}

TEST(Config, Boundaries)
{
	EXPECT_EQ(parseError("[Verdict]\nTrustedAbove=1\nUntrustedBelow=0"), "");
	EXPECT_EQ(parseError("[Verdict]\nTrustedAbove=1.0\nUntrustedBelow=0.0\nHysteresis=0"), "");
	EXPECT_EQ(parseError("[Verdict]\nHysteresis=0.50"), "");
	EXPECT_EQ(parseError("[Enrollment]\nKeystrokes=1000000\nPointerStrokes=100"), "");
	EXPECT_EQ(parseError("[Verdict]\nTrustedAbove=.75"), "");
}

TEST(Config, BadValues)
{
	const std::pair<const char *, const char *> bad[] = {
		{"[Daemon]\nMode=Enforce", "t.conf:2: invalid Mode=Enforce: expected monitor|enforce"},
		{"[Daemon]\nMode=monitor enforce", "t.conf:2: invalid Mode=monitor enforce: expected monitor|enforce"},
		{"[Daemon]\nLogLevel=7", "t.conf:2: invalid LogLevel=7: expected err|warning|notice|info|debug"},
		{"[Verdict]\nTrustedAbove=1.01", "t.conf:2: invalid TrustedAbove=1.01: out of range 0..1"},
		{"[Verdict]\nTrustedAbove=-0.1", "t.conf:2: invalid TrustedAbove=-0.1: out of range 0..1"},
		{"[Verdict]\nTrustedAbove=0.7x",
		 "t.conf:2: invalid TrustedAbove=0.7x: expected a decimal number in 0..1"},
		{"[Verdict]\nTrustedAbove=7e-1",
		 "t.conf:2: invalid TrustedAbove=7e-1: expected a decimal number in 0..1"},
		{"[Verdict]\nTrustedAbove=nan",
		 "t.conf:2: invalid TrustedAbove=nan: expected a decimal number in 0..1"},
		{"[Verdict]\nUntrustedBelow=inf",
		 "t.conf:2: invalid UntrustedBelow=inf: expected a decimal number in 0..1"},
		{"[Verdict]\nUntrustedBelow=0,2",
		 "t.conf:2: invalid UntrustedBelow=0,2: expected a decimal number in 0..1"},
		{"[Verdict]\nHysteresis=0.51", "t.conf:2: invalid Hysteresis=0.51: out of range 0..0.5"},
		{"[Verdict]\nHysteresis=+0.1",
		 "t.conf:2: invalid Hysteresis=+0.1: expected a decimal number in 0..0.5"},
		{"[Enrollment]\nKeystrokes=249", "t.conf:2: invalid Keystrokes=249: out of range 250..1000000"},
		{"[Enrollment]\nKeystrokes=1000001", "t.conf:2: invalid Keystrokes=1000001: out of range 250..1000000"},
		{"[Enrollment]\nKeystrokes=99999999999999999999",
		 "t.conf:2: invalid Keystrokes=99999999999999999999: out of range 250..1000000"},
		{"[Enrollment]\nKeystrokes=-500",
		 "t.conf:2: invalid Keystrokes=-500: expected a whole number in 250..1000000"},
		{"[Enrollment]\nPointerStrokes=2k",
		 "t.conf:2: invalid PointerStrokes=2k: expected a whole number in 100..1000000"},
		{"[Enrollment]\nPointerStrokes=300.0",
		 "t.conf:2: invalid PointerStrokes=300.0: expected a whole number in 100..1000000"},
		{"[Enrollment]\nTouchStrokes=49", "t.conf:2: invalid TouchStrokes=49: out of range 50..1000000"},
		{"[Enrollment]\nTouchStrokes=many",
		 "t.conf:2: invalid TouchStrokes=many: expected a whole number in 50..1000000"},
		{"[Actions]\nOnInjected=publish shutdown", "t.conf:2: invalid OnInjected=publish shutdown: unknown "
							   "action 'shutdown', expected publish, lock, grab"},
		{"[Actions]\nOnInjected=lock,grab",
		 "t.conf:2: invalid OnInjected=lock,grab: unknown action 'lock,grab', expected publish, lock, grab"},
		{"[Actions]\nOnUntrusted=lock grab",
		 "t.conf:2: invalid OnUntrusted=lock grab: grab is only meaningful for OnInjected"},
		{"[Actions]\nOnUntrusted=reboot",
		 "t.conf:2: invalid OnUntrusted=reboot: unknown action 'reboot', expected publish, lock"},
	};
	for (const auto &[text, message] : bad)
		EXPECT_EQ(parseError(text), message) << text;
}

TEST(Config, SyntaxErrorsNameTheLine)
{
	const std::pair<std::string, const char *> bad[] = {
		{"[Daemon]\n\n[Scoring]\nModel=x", "t.conf:3: unknown section [Scoring]"},
		{"[daemon]\nMode=monitor", "t.conf:1: unknown section [daemon]"},
		{"[Daemon]\nmode=monitor", "t.conf:2: unknown key mode in section [Daemon]"},
		{"[Daemon]\nTrustedAbove=0.9", "t.conf:2: unknown key TrustedAbove in section [Daemon]"},
		{"[Daemon]\nMode=monitor\n# again\nMode=enforce", "t.conf:4: duplicate key Mode in section [Daemon]"},
		{"[Daemon]\nMode=monitor\n[Verdict]\n[Daemon]\nMode=monitor",
		 "t.conf:5: duplicate key Mode in section [Daemon]"},
		{"[Daemon]\nMode", "t.conf:2: expected Key=value, missing '='"},
		{"Mode=monitor", "t.conf:1: key outside of a [section]"},
		{"[Daemon\nMode=monitor", "t.conf:1: unterminated section header"},
		{"[ ]", "t.conf:1: empty section name"},
		{"[Daemon]\n=monitor", "t.conf:2: empty key"},
		{"[Daemon]\nMode=monitor\n# caf\xc3\n", "t.conf:3: line is not valid UTF-8"},
		{"[Daemon]\nMode=moni\xff", "t.conf:2: line is not valid UTF-8"},
		{std::string("[Daemon]\nMode=mon\0itor", 22), "t.conf:2: control character in line"},
		{"[Daemon]\nMode=\x1b[31mmonitor", "t.conf:2: control character in line"},
		{"[Verdict]\nUntrustedBelow=0.7", "t.conf:2: UntrustedBelow=0.7 must be below TrustedAbove=0.7"},
		{"[Verdict]\nTrustedAbove=0.2\nHysteresis=0.1",
		 "t.conf:2: UntrustedBelow=0.3 must be below TrustedAbove=0.2"},
		{"[Verdict]\nTrustedAbove=0.5\nUntrustedBelow=0.6\n",
		 "t.conf:3: UntrustedBelow=0.6 must be below TrustedAbove=0.5"},
	};
	for (const auto &[text, message] : bad)
		EXPECT_EQ(parseError(text), message) << text;
}

TEST(Config, SizeLimits)
{
	std::string longLine = "[Daemon]\n#" + std::string(4096, 'x') + "\n";
	EXPECT_EQ(parseError(longLine), "t.conf:2: line longer than 4096 bytes");
	EXPECT_EQ(parseError("[Daemon]\n#" + std::string(4095, 'x') + "\n"), "");

	// Just over 1 MiB of comments: valid line by line, too big as a file.
	std::string big;
	while (big.size() <= 1024 * 1024)
		big += "# " + std::string(100, 'x') + "\n";
	EXPECT_EQ(parseError(big), "t.conf: larger than 1048576 bytes");
}

TEST(Config, DropInsOverrideInNameOrder)
{
	ScratchDir dir;
	dir.write("tactus.conf",
		  "[Daemon]\nMode=enforce\nLogLevel=debug\n[Verdict]\nTrustedAbove=0.9\nUntrustedBelow=0.8\n");
	dir.write("tactus.conf.d/20-late.conf", "[Daemon]\nLogLevel=warning\n[Enrollment]\nKeystrokes=\n");
	dir.write("tactus.conf.d/10-early.conf",
		  "[Daemon]\nLogLevel=err\n[Enrollment]\nKeystrokes=500\nPointerStrokes=400\n");
	dir.write("tactus.conf.d/.10-early.conf.swp", "garbage");
	dir.write("tactus.conf.d/README", "not a config file");
	dir.write("tactus.conf.d/30-x.conf.bak", "[Nope]");

	auto files = configFiles(dir.path());
	ASSERT_TRUE(files) << files.error().message;
	ASSERT_EQ(files->size(), 3u);
	EXPECT_EQ((*files)[0], dir.path() + "/tactus.conf");
	EXPECT_EQ((*files)[1], dir.path() + "/tactus.conf.d/10-early.conf");
	EXPECT_EQ((*files)[2], dir.path() + "/tactus.conf.d/20-late.conf");

	auto c = loadConfig(*files);
	ASSERT_TRUE(c) << c.error().message;
	EXPECT_EQ(c->daemon.mode, Mode::Enforce);
	EXPECT_EQ(c->daemon.logLevel, LogLevel::Warning);
	EXPECT_EQ(c->enrollment.keystrokes, 250u); // reset by the later drop-in
	EXPECT_EQ(c->enrollment.pointerStrokes, 400u);
	EXPECT_DOUBLE_EQ(c->verdict.trustedAbove, 0.9);
	EXPECT_DOUBLE_EQ(c->verdict.untrustedBelow, 0.8);

	// A key may appear once per file, but in as many files as wanted.
	dir.write("tactus.conf.d/40-again.conf", "[Daemon]\nLogLevel=info\n");
	auto again = loadConfig(*configFiles(dir.path()));
	ASSERT_TRUE(again) << again.error().message;
	EXPECT_EQ(again->daemon.logLevel, LogLevel::Info);
}

TEST(Config, ThresholdOrderIsCheckedAcrossFiles)
{
	ScratchDir dir;
	dir.write("tactus.conf", "[Verdict]\nTrustedAbove=0.9\nUntrustedBelow=0.8\n");
	dir.write("tactus.conf.d/50-local.conf", "# lower the bar\n[Verdict]\nTrustedAbove=0.5\n");
	auto c = loadConfig(*configFiles(dir.path()));
	ASSERT_FALSE(c);
	EXPECT_EQ(c.error().message,
		  dir.path() + "/tactus.conf.d/50-local.conf:3: UntrustedBelow=0.8 must be below TrustedAbove=0.5");
}

TEST(Config, ErrorsNameTheFullPath)
{
	ScratchDir dir;
	dir.write("tactus.conf", "[Daemon]\nMode=monitor\n");
	dir.write("tactus.conf.d/50-typo.conf", "[Daemon]\n\nMod=enforce\n");
	auto c = loadConfig(*configFiles(dir.path()));
	ASSERT_FALSE(c);
	EXPECT_EQ(c.error().errnum, -EINVAL);
	EXPECT_EQ(c.error().message, dir.path() + "/tactus.conf.d/50-typo.conf:3: unknown key Mod in section [Daemon]");
}

TEST(Config, MissingFilesAreFine)
{
	ScratchDir dir;
	auto files = configFiles(dir.path() + "/nonexistent");
	ASSERT_TRUE(files) << files.error().message;
	ASSERT_EQ(files->size(), 1u);
	auto c = loadConfig(*files);
	ASSERT_TRUE(c) << c.error().message;
	EXPECT_EQ(*c, Config{});

	// Only the drop-in directory, no main file.
	dir.write("tactus.conf.d/50-mode.conf", "[Daemon]\nMode=enforce\n");
	auto d = loadConfig(*configFiles(dir.path()));
	ASSERT_TRUE(d) << d.error().message;
	EXPECT_EQ(d->daemon.mode, Mode::Enforce);
}

TEST(Config, UnreadableFilesAreErrors)
{
	ScratchDir dir;
	std::filesystem::create_directories(dir.path() + "/tactus.conf.d/50-dir.conf");
	auto c = loadConfig(*configFiles(dir.path()));
	ASSERT_FALSE(c);
	EXPECT_EQ(c.error().errnum, -EISDIR);

	ScratchDir big;
	big.write("tactus.conf", std::string(1024 * 1024 + 1, '#'));
	auto b = loadConfig({big.path() + "/tactus.conf"});
	ASSERT_FALSE(b);
	EXPECT_EQ(b.error().errnum, -EFBIG);
	EXPECT_NE(b.error().message.find(big.path() + "/tactus.conf"), std::string::npos) << b.error().message;

	// A drop-in directory that is a file cannot hold drop-ins; that is fine.
	ScratchDir odd;
	odd.write("tactus.conf.d", "");
	auto files = configFiles(odd.path());
	ASSERT_TRUE(files) << files.error().message;
	EXPECT_EQ(files->size(), 1u);
}

TEST(Config, ShippedExampleIsTheDefaults)
{
	const std::string path = std::string(TACTUS_SOURCE_ROOT) + "/daemon/tactus.conf";
	auto text = readFileLimited(path);
	ASSERT_TRUE(text) << text.error().message;
	auto asIs = parseConfig(*text, path);
	ASSERT_TRUE(asIs) << asIs.error().message;
	EXPECT_EQ(*asIs, Config{});

	// Uncommenting every "#Key=value" line must give the built-in
	// defaults too, and must mention every key: the example documents them.
	std::string uncommented;
	for (const TextLine &l : TextLines(*text)) {
		std::string line(l.text);
		if (line.size() > 1 && line[0] == '#' && std::isupper(static_cast<unsigned char>(line[1])) &&
		    line.find('=') != std::string::npos)
			line.erase(0, 1);
		uncommented += line + "\n";
	}
	auto all = parseConfig(uncommented, path);
	ASSERT_TRUE(all) << all.error().message;
	EXPECT_EQ(*all, Config{});
	for (const ConfigKeyName &k : configKeys())
		EXPECT_NE(uncommented.find("\n" + std::string(k.key) + "="), std::string::npos) << k.key;
}

TEST(Config, ManPageNamesEveryKey)
{
	const std::string path = std::string(TACTUS_SOURCE_ROOT) + "/man/tactus.conf.5";
	auto text = readFileLimited(path);
	ASSERT_TRUE(text) << text.error().message;
	for (const ConfigKeyName &k : configKeys()) {
		EXPECT_NE(text->find(".SS [" + std::string(k.section) + "]\n"), std::string::npos) << k.section;
		EXPECT_NE(text->find(".BR " + std::string(k.key) + " ="), std::string::npos) << k.key;
	}
}

TEST(Config, GarbageNeverCrashes)
{
	std::mt19937 rng(20240611);
	std::uniform_int_distribution<int> byte(0, 255);
	for (int i = 0; i < 2000; i++) {
		std::string text(static_cast<size_t>(byte(rng)) * 4, '\0');
		for (char &c : text)
			c = static_cast<char>(byte(rng));
		auto r = parseConfig(text, "garbage.conf");
		if (!r) {
			EXPECT_EQ(r.error().message.rfind("garbage.conf:", 0), 0u) << r.error().message;
		}
	}

	// Plausible pieces in random order reach the value parsers, not just
	// the line checks.
	const char *const pieces[] = {
		"[Daemon]",
		"[Verdict]",
		"[Enrollment]",
		"[Actions]",
		"[",
		"]",
		"Mode",
		"LogLevel",
		"TrustedAbove",
		"UntrustedBelow",
		"Hysteresis",
		"Keystrokes",
		"PointerStrokes",
		"TouchStrokes",
		"OnInjected",
		"OnUntrusted",
		"=",
		"\n",
		" ",
		"monitor",
		"enforce",
		"0.5",
		"1",
		"-",
		"e",
		"lock",
		"grab",
		"publish",
		"#",
		";",
		"\xc3",
		"9999999999",
	};
	std::uniform_int_distribution<size_t> pick(0, std::size(pieces) - 1);
	int parsed = 0;
	for (int i = 0; i < 5000; i++) {
		std::string text;
		for (int j = 0; j < 30; j++)
			text += pieces[pick(rng)];
		auto r = parseConfig(text, "mix.conf");
		if (r) {
			parsed++;
			EXPECT_LT(r->verdict.untrustedBelow, r->verdict.trustedAbove);
		} else {
			EXPECT_EQ(r.error().message.rfind("mix.conf:", 0), 0u) << r.error().message;
		}
	}
	RecordProperty("parsed", parsed);
}

// Issue 9 (one drop-in walker for the three kinds of files): an empty
// drop-in or one that is a symlink to /dev/null is a mask and is no longer
// listed by configFiles(). It changed nothing before either (an empty file
// sets no key), so the configuration read is the same.
TEST(Config, MaskedDropInsAreNotListed)
{
	ScratchDir dir;
	dir.write("tactus.conf.d/10-mode.conf", "[Daemon]\nMode=enforce\n");
	dir.write("tactus.conf.d/20-empty.conf", "");
	ASSERT_EQ(::symlink("/dev/null", (dir.path() + "/tactus.conf.d/30-null.conf").c_str()), 0);
	dir.write("tactus.conf.d/40-level.conf.dpkg-old", "[Nope]\n");
	auto files = configFiles(dir.path());
	ASSERT_TRUE(files) << files.error().message;
	const std::vector<std::string> want{dir.path() + "/tactus.conf", dir.path() + "/tactus.conf.d/10-mode.conf"};
	EXPECT_EQ(*files, want);
	auto c = loadConfig(*files);
	ASSERT_TRUE(c) << c.error().message;
	EXPECT_EQ(c->daemon.mode, Mode::Enforce);
}
