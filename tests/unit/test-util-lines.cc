// SPDX-License-Identifier: MIT
#include "util-lines.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace tactus;

namespace {

/** "number:text" of every line. */
std::vector<std::string> lines(std::string_view text)
{
	std::vector<std::string> out;
	for (const TextLine &l : TextLines(text))
		out.push_back(std::to_string(l.number) + ":" + std::string(l.text));
	return out;
}

using Lines = std::vector<std::string>;

/** Every readLineLimited() result for @p text, as "L:text", "T:text" (too long). */
std::vector<std::string> streamLines(const std::string &text, size_t maxBytes)
{
	std::istringstream in(text);
	std::vector<std::string> out;
	std::string line = "stale";
	LineRead r;
	while ((r = readLineLimited(in, line, maxBytes)) != LineRead::End)
		out.push_back((r == LineRead::TooLong ? "T:" : "L:") + line);
	EXPECT_TRUE(line.empty());
	return out;
}

} // namespace

TEST(TextLines, SplitsAtNewlineOnly)
{
	EXPECT_EQ(lines(""), Lines{});
	EXPECT_EQ(lines("a"), Lines{"1:a"});
	EXPECT_EQ(lines("a\n"), Lines{"1:a"});
	EXPECT_EQ(lines("a\n\n"), (Lines{"1:a", "2:"}));
	EXPECT_EQ(lines("\n"), Lines{"1:"});
	EXPECT_EQ(lines("\n\nc"), (Lines{"1:", "2:", "3:c"}));
	EXPECT_EQ(lines("a\r\nb\rc\n"), (Lines{"1:a\r", "2:b\rc"}));
	EXPECT_EQ(lines(std::string_view("a\0b\nc", 5)), (Lines{"1:" + std::string("a\0b", 3), "2:c"}));
}

TEST(TextLines, WithoutCr)
{
	std::vector<std::string> out;
	for (const TextLine &l : TextLines("a\r\nb\r\r\n\r\nc\rd\n\r"))
		out.emplace_back(l.withoutCr());
	EXPECT_EQ(out, (Lines{"a", "b\r", "", "c\rd", ""}));
}

TEST(TextLines, StopsEarlyAndRestarts)
{
	const std::string text = "one\ntwo\nthree\n";
	TextLines all(text);
	unsigned seen = 0;
	for (const TextLine &l : all) {
		seen = l.number;
		if (l.text == "two")
			break;
	}
	EXPECT_EQ(seen, 2u);
	// begin() starts over.
	EXPECT_EQ((*all.begin()).text, "one");
	EXPECT_EQ(all.begin()->number, 1u);
}

TEST(ReadLineLimited, Lines)
{
	EXPECT_EQ(streamLines("", 10), Lines{});
	EXPECT_EQ(streamLines("a", 10), Lines{"L:a"});
	EXPECT_EQ(streamLines("a\n", 10), Lines{"L:a"});
	EXPECT_EQ(streamLines("a\n\nb\r\n", 10), (Lines{"L:a", "L:", "L:b\r"}));
}

TEST(ReadLineLimited, LongLinesAreCutAndSkipped)
{
	EXPECT_EQ(streamLines("0123456789\n", 10), Lines{"L:0123456789"});
	EXPECT_EQ(streamLines("0123456789x\nnext\n", 10), (Lines{"T:0123456789", "L:next"}));
	EXPECT_EQ(streamLines(std::string(1 << 20, 'x'), 4), Lines{"T:xxxx"});
	EXPECT_EQ(streamLines("ab\n", 0), Lines{"T:"});
}
