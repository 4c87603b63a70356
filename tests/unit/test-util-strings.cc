// SPDX-License-Identifier: MIT
#include "util-strings.h"

#include <gtest/gtest.h>

using namespace tactus;

TEST(Utf8, AcceptsWellFormed)
{
	EXPECT_TRUE(isValidUtf8(""));
	EXPECT_TRUE(isValidUtf8("AT Translated Set 2 keyboard"));
	EXPECT_TRUE(isValidUtf8("Tastatur \xc3\xa4\xc3\xb6\xc3\xbc \xe2\x82\xac \xf0\x9f\x98\x80"));
}

TEST(Utf8, RejectsGarbage)
{
	EXPECT_FALSE(isValidUtf8("\xff"));
	EXPECT_FALSE(isValidUtf8("\xc0\xaf"));         // overlong '/'
	EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));     // surrogate
	EXPECT_FALSE(isValidUtf8("\xe2\x82"));         // truncated
	EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80")); // > U+10FFFF
}

TEST(Sanitize, EscapesControlAndInvalidBytes)
{
	EXPECT_EQ(sanitizeForDisplay("plain"), "plain");
	EXPECT_EQ(sanitizeForDisplay("evil\nkeyboard\x1b[31m"), "evil\\x0akeyboard\\x1b[31m");
	EXPECT_EQ(sanitizeForDisplay("a\xff"
				     "b"),
		  "a\\xffb");
	EXPECT_EQ(sanitizeForDisplay("back\\slash"), "back\\\\slash");
	EXPECT_EQ(sanitizeForDisplay("\xc3\xa4"), "\xc3\xa4");
}

TEST(Sanitize, CutsLongNamesOnCharacterBoundary)
{
	const std::string longName(10000, 'x');
	const std::string out = sanitizeForDisplay(longName, 32);
	EXPECT_EQ(out, std::string(32, 'x') + "…");
	// A multi-byte character that does not fit is dropped whole.
	EXPECT_EQ(sanitizeForDisplay("ab\xe2\x82\xac", 4), "ab…");
	EXPECT_TRUE(isValidUtf8(sanitizeForDisplay("ab\xe2\x82\xac", 4)));
}

TEST(Json, QuotesAndEscapes)
{
	EXPECT_EQ(jsonQuote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
	EXPECT_EQ(jsonQuote("\x01"), "\"\\u0001\"");
	EXPECT_TRUE(isValidUtf8(jsonQuote("bad\xff")));
}

TEST(Sanitize, EscapesC1AndBidiControls)
{
	EXPECT_EQ(sanitizeForDisplay("a\xc2\x9b"
				     "2Jb"),
		  "a\\xc2\\x9b2Jb");                                 // U+009B CSI
	EXPECT_EQ(sanitizeForDisplay("x\xc2\x85y"), "x\\xc2\\x85y"); // U+0085 NEL
	EXPECT_EQ(sanitizeForDisplay("\xe2\x80\xae"
				     "evil"),
		  "\\xe2\\x80\\xaeevil"); // U+202E RLO
	EXPECT_EQ(sanitizeForDisplay("l\xe2\x80\xa8"
				     "l"),
		  "l\\xe2\\x80\\xa8l");                        // U+2028
	EXPECT_EQ(sanitizeForDisplay("\xc2\xa0"), "\xc2\xa0"); // NBSP stays
}

TEST(UtilStrings, HexDigitValue)
{
	EXPECT_EQ(hexDigitValue('0'), 0);
	EXPECT_EQ(hexDigitValue('9'), 9);
	EXPECT_EQ(hexDigitValue('a'), 10);
	EXPECT_EQ(hexDigitValue('F'), 15);
	EXPECT_EQ(hexDigitValue('g'), -1);
	EXPECT_EQ(hexDigitValue('/'), -1);
	EXPECT_EQ(hexDigitValue('\0'), -1);
}
