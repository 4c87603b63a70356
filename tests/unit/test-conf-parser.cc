// SPDX-License-Identifier: MIT
// The shared INI-style tokenizer (conf-parser) and drop-in walker
// (conf-files) on their own, fed good files, every kind of bad line, and
// garbage. What tactus.conf, the allow-list and the provenance rules make of
// the tokens is tested with each of them.
#include "conf-files.h"
#include "conf-parser.h"
#include "sysfs-fixture.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace tactus;

namespace {

/** Everything the parser handed on, one line per callback: "[title]@3", "key=value@4 in title", "end". */
struct Recorder {
	std::vector<std::string> events;
	std::string rejectSection; ///< a title sectionStart refuses, as tactus.conf refuses unknown ones

	ConfHandler handler(std::string_view fileName)
	{
		ConfHandler h;
		h.sectionStart = [this, fileName](std::string_view title, unsigned line) -> Result<void> {
			if (title == rejectSection)
				return confError(fileName, line, "unknown section [" + std::string(title) + "]");
			events.push_back("[" + std::string(title) + "]@" + std::to_string(line));
			return {};
		};
		h.sectionEnd = [this]() -> Result<void> {
			events.push_back("end");
			return {};
		};
		h.assignment = [this](const ConfAssignment &a) -> Result<void> {
			events.push_back(std::string(a.key) + "=" + std::string(a.value) + "@" +
					 std::to_string(a.line) + " in " + std::string(a.section));
			return {};
		};
		return h;
	}
};

/** Parse @p text as "t.conf"; the events, or the error message as the only element prefixed "error: ". */
std::vector<std::string> parse(std::string_view text, const ConfSyntax &syntax = {}, Recorder r = {})
{
	auto result = parseConf(text, "t.conf", syntax, r.handler("t.conf"));
	if (!result)
		return {"error: " + result.error().message};
	return r.events;
}

std::string parseError(std::string_view text, const ConfSyntax &syntax = {})
{
	auto result = parseConf(text, "t.conf", syntax, Recorder{}.handler("t.conf"));
	return result ? std::string() : result.error().message;
}

using Events = std::vector<std::string>;

/** A scratch directory (a SysfsFixture, for its temporary tree), removed with everything in it. */
class ScratchDir {
public:
	ScratchDir() : tree_(test::SysfsFixture::create().value()) {}

	std::string path(const std::string &name) const { return tree_.path(name); }
	void write(const std::string &name, std::string_view text) const { ASSERT_TRUE(tree_.writeFile(name, text)); }

private:
	test::SysfsFixture tree_;
};

std::vector<std::string> names(const std::vector<ConfFile> &files)
{
	std::vector<std::string> out;
	for (const ConfFile &f : files)
		out.push_back(f.name);
	return out;
}

} // namespace

TEST(ConfParser, SectionsAndAssignmentsInOrder)
{
	EXPECT_EQ(parse("# head\n[A]\nK=v\n\n  Key  =  some value  \n[B]\nX=1=2\n"),
		  (Events{"[A]@2", "K=v@3 in A", "Key=some value@5 in A", "end", "[B]@6", "X=1=2@7 in B", "end"}));
	EXPECT_EQ(parse("[ Spaced Title ]\n"), (Events{"[Spaced Title]@1", "end"}));
	EXPECT_EQ(parse(""), Events{});
	EXPECT_EQ(parse("\n\n# only comments\n; and these\n"), Events{});
	// A section given twice is two sections; what that means is the caller's.
	EXPECT_EQ(parse("[A]\n[A]\n"), (Events{"[A]@1", "end", "[A]@2", "end"}));
}

TEST(ConfParser, Comments)
{
	// '#' and ';' start a comment only as the first non-blank character.
	EXPECT_EQ(parse("[A]\n# K=1\n; K=2\n  \t# K=3\n\t; K=4\nK=5 # not a comment\nL=a;b\n"),
		  (Events{"[A]@1", "K=5 # not a comment@6 in A", "L=a;b@7 in A", "end"}));
}

TEST(ConfParser, ByteOrderMark)
{
	EXPECT_EQ(parse("\xef\xbb\xbf[A]\nK=v\n"), (Events{"[A]@1", "K=v@2 in A", "end"}));
	EXPECT_EQ(parse("\xef\xbb\xbf# comment first\n[A]\n"), (Events{"[A]@2", "end"}));
	EXPECT_EQ(parse("\xef\xbb\xbf"), Events{});
	// Only at the start of the file: elsewhere it is a character like any other.
	EXPECT_EQ(parseError("[A]\n\xef\xbb\xbfK=v\n"), "");
	EXPECT_EQ(parse("[A]\n\xef\xbb\xbfK=v\n")[1], "\xef\xbb\xbfK=v@2 in A");
	EXPECT_EQ(parseError("\xef\xbb\xbf\xef\xbb\xbf[A]\n"), "t.conf:1: expected KEY=VALUE, missing '='");
	// A UTF-16 mark is not UTF-8.
	EXPECT_EQ(parseError("\xff\xfe[\0A\0]\0"), "t.conf:1: line is not valid UTF-8");
}

TEST(ConfParser, LineEndings)
{
	EXPECT_EQ(parse("[A]\r\nK=v\r\n\r\nL=w\r\n"), (Events{"[A]@1", "K=v@2 in A", "L=w@4 in A", "end"}));
	// No newline at the end of the file.
	EXPECT_EQ(parse("[A]\nK=v"), (Events{"[A]@1", "K=v@2 in A", "end"}));
	// A lone CR is not a line break: it stays inside the value.
	EXPECT_EQ(parse("[A]\nK=a\rb\n")[1], "K=a\rb@2 in A");
	// Old Mac line ends make one long line that has no '=' before its ']'.
	EXPECT_EQ(parseError("[A]\rK=v\r"), "t.conf:1: unterminated section header");
	// Line numbers count every '\n', blank or comment.
	EXPECT_EQ(parseError("\n\n# c\n\r\n[A]\nbad\n"), "t.conf:6: expected KEY=VALUE, missing '='");
}

TEST(ConfParser, NoContinuationLines)
{
	// systemd joins a line ending in '\' with the next; tactus files never
	// needed that, and a trailing '\' has always been part of the value.
	EXPECT_EQ(parse("[A]\nK=a\\\nL=b\n"), (Events{"[A]@1", "K=a\\@2 in A", "L=b@3 in A", "end"}));
	EXPECT_EQ(parseError("[A]\nK=a \\\n  continued\n"), "t.conf:3: expected KEY=VALUE, missing '='");
}

TEST(ConfParser, SyntaxErrors)
{
	const std::pair<std::string, std::string> bad[] = {
		{"K=v\n", "t.conf:1: key outside of a [section]"},
		{"# comment\n\nK=v\n[A]\n", "t.conf:3: key outside of a [section]"},
		{"[A\n", "t.conf:1: unterminated section header"},
		{"[A]x\n", "t.conf:1: unterminated section header"},
		{"[\n", "t.conf:1: unterminated section header"},
		{"[]\n", "t.conf:1: empty section name"},
		{"[ \t ]\n", "t.conf:1: empty section name"},
		{"[A]\nK\n", "t.conf:2: expected KEY=VALUE, missing '='"},
		{"[A]\n=v\n", "t.conf:2: empty key"},
		{"[A]\n  = v\n", "t.conf:2: empty key"},
		// "missing '='" is found before "outside of a section".
		{"K\n", "t.conf:1: expected KEY=VALUE, missing '='"},
	};
	for (const auto &[text, message] : bad)
		EXPECT_EQ(parseError(text), message) << text;
	// Each format spells an assignment its own way in this message.
	ConfSyntax conf;
	conf.assignmentForm = "Key=value";
	EXPECT_EQ(parseError("[A]\nK\n", conf), "t.conf:2: expected Key=value, missing '='");
}

TEST(ConfParser, BadBytes)
{
	const std::pair<std::string, std::string> bad[] = {
		{std::string("[A]\nK=a\0b\n", 10), "t.conf:2: control character in line"},
		{std::string("[A]\0\n", 5), "t.conf:1: control character in line"},
		{std::string("\0", 1), "t.conf:1: control character in line"},
		{std::string("# \0 in a comment\n", 17), "t.conf:1: control character in line"},
		{"[A]\nK=\x1b[31mred\n", "t.conf:2: control character in line"},
		{"[A]\nK=\x7f\n", "t.conf:2: control character in line"},
		{"[A]\nK=\xff\n", "t.conf:2: line is not valid UTF-8"},
		{"[A]\nK=caf\xc3\n", "t.conf:2: line is not valid UTF-8"},
		{"[A]\nK=\xc0\xaf\n", "t.conf:2: line is not valid UTF-8"},         // overlong '/'
		{"[A]\nK=\xed\xa0\x80\n", "t.conf:2: line is not valid UTF-8"},     // surrogate
		{"[A]\nK=\xf4\x90\x80\x80\n", "t.conf:2: line is not valid UTF-8"}, // > U+10FFFF
		{"# caf\xe9 in Latin-1\n", "t.conf:1: line is not valid UTF-8"},
	};
	for (const auto &[text, message] : bad)
		EXPECT_EQ(parseError(text), message);
	// Tab and CR are the only control characters a line may hold.
	EXPECT_EQ(parseError("[A]\n\tK\t=\tv\t\r\n"), "");
	// Valid UTF-8 beyond ASCII is fine anywhere.
	EXPECT_EQ(parse("[Ünïcödé ✓]\nK=日本\n"), (Events{"[Ünïcödé ✓]@1", "K=日本@2 in Ünïcödé ✓", "end"}));
}

TEST(ConfParser, Limits)
{
	EXPECT_EQ(parseError("[A]\n#" + std::string(4095, 'x') + "\n"), "");
	EXPECT_EQ(parseError("[A]\n#" + std::string(4096, 'x') + "\n"), "t.conf:2: line longer than 4096 bytes");
	// The limit counts the CR of a CRLF line too.
	EXPECT_EQ(parseError("[A]\n#" + std::string(4095, 'x') + "\r\n"), "t.conf:2: line longer than 4096 bytes");
	// A huge line with no newline at all.
	EXPECT_EQ(parseError(std::string(1 << 22, 'x')), "t.conf:1: line longer than 4096 bytes");

	ConfSyntax small;
	small.maxLineBytes = 8;
	EXPECT_EQ(parseError("[A]\nK=1234567\n", small), "t.conf:2: line longer than 8 bytes");
	EXPECT_EQ(parseError("[A]\nK=123456\n", small), "");

	ConfSyntax capped;
	capped.maxFileBytes = 16;
	EXPECT_EQ(parseError("[A]\nK=0123456789", capped), "");
	auto big = parseConf("[A]\nK=01234567890", "t.conf", capped, {});
	ASSERT_FALSE(big);
	EXPECT_EQ(big.error().errnum, -EFBIG);
	EXPECT_EQ(big.error().message, "t.conf: larger than 16 bytes");
}

TEST(ConfParser, EmptyValuesAndDuplicateKeys)
{
	EXPECT_EQ(parse("[A]\nK=\nK=  \n"), (Events{"[A]@1", "K=@2 in A", "K=@3 in A", "end"}));

	ConfSyntax rules;
	rules.emptyValues = false;
	rules.uniqueKeysPerSection = true;
	EXPECT_EQ(parseError("[A]\nK=\n", rules), "t.conf:2: empty value for K");
	EXPECT_EQ(parseError("[A]\nK=1\n# again\nK=2\n", rules), "t.conf:4: duplicate key K in section 'A'");
	// Keys are unique per section, not per title: two sections may share one.
	EXPECT_EQ(parseError("[A]\nK=1\n[A]\nK=2\n", rules), "");
	EXPECT_EQ(parseError("[A]\nK=1\n[B]\nK=2\n", rules), "");
	// Key names are case-sensitive.
	EXPECT_EQ(parseError("[A]\nK=1\nk=2\n", rules), "");
	// The empty value is found before the duplicate.
	EXPECT_EQ(parseError("[A]\nK=1\nK=\n", rules), "t.conf:3: empty value for K");
}

TEST(ConfParser, HandlerErrorsStopTheParse)
{
	// An unknown section, refused by the caller, with the caller's message.
	Recorder r;
	r.rejectSection = "Nope";
	EXPECT_EQ(parse("[A]\nK=1\n[Nope]\nL=2\n", {}, r), (Events{"error: t.conf:3: unknown section [Nope]"}));

	// The section before is ended before the next one starts; an error at
	// its end names the line the handler chose and stops there.
	std::vector<std::string> seen;
	ConfHandler h;
	h.sectionStart = [&](std::string_view title, unsigned) -> Result<void> {
		seen.emplace_back(title);
		return {};
	};
	h.sectionEnd = [&]() -> Result<void> { return confError("t.conf", 1, "section 'A' is incomplete"); };
	auto result = parseConf("[A]\n[B]\nbad line\n", "t.conf", {}, h);
	ASSERT_FALSE(result);
	EXPECT_EQ(result.error().message, "t.conf:1: section 'A' is incomplete");
	EXPECT_EQ(seen, std::vector<std::string>{"A"});

	// At the end of the file too.
	result = parseConf("[A]\nK=v\n", "t.conf", {}, h);
	ASSERT_FALSE(result);
	EXPECT_EQ(result.error().message, "t.conf:1: section 'A' is incomplete");

	// An assignment refused stops before the next line.
	ConfHandler once;
	int calls = 0;
	once.assignment = [&](const ConfAssignment &a) -> Result<void> {
		calls++;
		return confError("t.conf", a.line, "unknown key " + std::string(a.key));
	};
	result = parseConf("[A]\nFoo=1\nBar=2\n", "t.conf", {}, once);
	ASSERT_FALSE(result);
	EXPECT_EQ(result.error().message, "t.conf:2: unknown key Foo");
	EXPECT_EQ(calls, 1);

	// No handler at all: the syntax is still checked.
	EXPECT_TRUE(parseConf("[A]\nK=v\n", "t.conf", {}, {}));
	EXPECT_FALSE(parseConf("[A]\nK\n", "t.conf", {}, {}));
}

TEST(ConfParser, GarbageNeverCrashes)
{
	std::mt19937 rng(20240612);
	std::uniform_int_distribution<int> byte(0, 255);
	std::uniform_int_distribution<size_t> length(0, 3000);
	ConfSyntax rules;
	rules.emptyValues = false;
	rules.uniqueKeysPerSection = true;
	rules.maxFileBytes = 2048;
	for (int i = 0; i < 1000; i++) {
		std::string text(length(rng), '\0');
		for (char &c : text)
			c = static_cast<char>(byte(rng));
		for (const ConfSyntax &syntax : {ConfSyntax{}, rules}) {
			Recorder r;
			auto result = parseConf(text, "garbage.conf", syntax, r.handler("garbage.conf"));
			if (!result) {
				EXPECT_EQ(result.error().message.rfind("garbage.conf:", 0), 0u)
					<< result.error().message;
			}
		}
	}

	// The format's own characters, to reach past the byte checks.
	const char *const pieces[] = {"[",  "]", "=",   "\n",    "\r\n",         "#",        ";",    " ",     "\t",
				      "\\", "A", "Key", "value", "\xef\xbb\xbf", "\xc3\xa9", "\xc3", "[A]\n", "K=v\n"};
	std::uniform_int_distribution<size_t> pick(0, std::size(pieces) - 1);
	int parsed = 0;
	for (int i = 0; i < 3000; i++) {
		std::string text;
		for (int j = 0; j < 40; j++)
			text += pieces[pick(rng)];
		Recorder r;
		auto result = parseConf(text, "mix.conf", rules, r.handler("mix.conf"));
		if (result) {
			parsed++;
			for (const std::string &e : r.events)
				EXPECT_FALSE(e.empty());
		} else {
			EXPECT_EQ(result.error().message.rfind("mix.conf:", 0), 0u) << result.error().message;
		}
	}
	RecordProperty("parsed", parsed);
}

TEST(ConfFiles, HiddenAndBackupNames)
{
	const char *const skipped[] = {".hidden.rules",
				       ".rules",
				       ".",
				       "..",
				       "a.rules~",
				       "a.rules.rpmnew",
				       "a.rules.rpmsave",
				       "a.rules.rpmorig",
				       "a.rules.dpkg-old",
				       "a.rules.dpkg-new",
				       "a.rules.dpkg-tmp",
				       "a.rules.dpkg-dist",
				       "a.rules.dpkg-bak",
				       "a.rules.dpkg-backup",
				       "a.rules.dpkg-remove",
				       "a.rules.ucf-new",
				       "a.rules.ucf-old",
				       "a.rules.ucf-dist",
				       "a.rules.swp",
				       "a.bak",
				       "a.old",
				       "a.new",
				       "a.ignore",
				       "lost+found",
				       "aquota.user",
				       "aquota.group",
				       ""};
	for (const char *name : skipped)
		EXPECT_TRUE(isHiddenOrBackupFile(name)) << name;
	for (const char *name : {"50-default.rules", "tactus.conf", "README", "a.rules.d", "new", "bak", "a.swp.rules",
				 "a~b.rules", "a.dpkg-new.rules"})
		EXPECT_FALSE(isHiddenOrBackupFile(name)) << name;
}

TEST(ConfFiles, SuffixOrderAndOverride)
{
	ScratchDir d;
	d.write("data/50-default.rules", "[packaged]\n");
	d.write("data/60-vendor.rules", "[vendor]\n");
	d.write("data/README", "not a rules file\n");
	d.write("data/.hidden.rules", "[hidden]\n");
	d.write("data/10-x.rules~", "[backup]\n");
	d.write("data/10-x.rules.dpkg-dist", "[backup]\n");
	d.write("data/.rules", "[nameless]\n");
	d.write("etc/50-default.rules", "[local]\n");
	d.write("etc/05-first.rules", "[first]\n");
	d.write("etc/Z-upper.rules", "[upper]\n");
	d.write("etc/a-lower.rules", "[lower]\n");

	auto files = listConfFiles({d.path("data"), d.path("missing"), d.path("etc")}, ".rules");
	ASSERT_TRUE(files) << files.error().message;
	// Byte order across both directories: digits, then upper case, then lower case.
	EXPECT_EQ(names(*files), (std::vector<std::string>{"05-first.rules", "50-default.rules", "60-vendor.rules",
							   "Z-upper.rules", "a-lower.rules"}));
	EXPECT_EQ((*files)[1].path, d.path("etc/50-default.rules")); // /etc replaces the packaged file
	EXPECT_EQ((*files)[2].path, d.path("data/60-vendor.rules"));

	// The directory order is the priority: reversed, data wins.
	auto reversed = listConfFiles({d.path("etc"), d.path("data")}, ".rules");
	ASSERT_TRUE(reversed);
	EXPECT_EQ((*reversed)[1].path, d.path("data/50-default.rules"));

	// Nothing but the suffix counts.
	auto conf = listConfFiles({d.path("data"), d.path("etc")}, ".conf");
	ASSERT_TRUE(conf);
	EXPECT_TRUE(conf->empty());
}

TEST(ConfFiles, Masking)
{
	ScratchDir d;
	d.write("data/10-a.rules", "[a]\n");
	d.write("data/20-b.rules", "[b]\n");
	d.write("data/30-c.rules", "[c]\n");
	d.write("etc/10-a.rules", "");
	ASSERT_EQ(::symlink("/dev/null", d.path("etc/20-b.rules").c_str()), 0);
	// A mask with no packaged file to mask is simply nothing.
	d.write("etc/40-d.rules", "");
	ASSERT_EQ(::symlink("/dev/null", d.path("etc/50-e.rules").c_str()), 0);

	auto files = listConfFiles({d.path("data"), d.path("etc")}, ".rules");
	ASSERT_TRUE(files) << files.error().message;
	EXPECT_EQ(names(*files), std::vector<std::string>{"30-c.rules"});

	// A symlink to a real file is followed, not a mask.
	ASSERT_EQ(::symlink(d.path("data/30-c.rules").c_str(), d.path("etc/60-link.rules").c_str()), 0);
	files = listConfFiles({d.path("data"), d.path("etc")}, ".rules");
	ASSERT_TRUE(files);
	EXPECT_EQ(names(*files), (std::vector<std::string>{"30-c.rules", "60-link.rules"}));

	// An empty file in a lower-priority directory only masks itself: the
	// higher one still wins.
	ScratchDir e;
	e.write("data/10-a.rules", "");
	e.write("etc/10-a.rules", "[a]\n");
	files = listConfFiles({e.path("data"), e.path("etc")}, ".rules");
	ASSERT_TRUE(files);
	EXPECT_EQ(names(*files), std::vector<std::string>{"10-a.rules"});
}

TEST(ConfFiles, OddEntriesAndDirectories)
{
	ScratchDir d;
	// An entry the caller cannot read is listed: reading it is the error.
	std::filesystem::create_directories(d.path("dir/50-dir.conf"));
	ASSERT_EQ(::symlink("/nonexistent/target", d.path("dir/60-dangling.conf").c_str()), 0);
	auto files = listConfFiles({d.path("dir")}, ".conf");
	ASSERT_TRUE(files) << files.error().message;
	EXPECT_EQ(names(*files), (std::vector<std::string>{"50-dir.conf", "60-dangling.conf"}));

	// A "directory" that is a file, or is missing, holds nothing.
	d.write("file", "x");
	files = listConfFiles({d.path("file"), d.path("missing"), d.path("file/below")}, ".conf");
	ASSERT_TRUE(files) << files.error().message;
	EXPECT_TRUE(files->empty());
	files = listConfFiles({}, ".conf");
	ASSERT_TRUE(files);
	EXPECT_TRUE(files->empty());
}
