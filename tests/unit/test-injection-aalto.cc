// SPDX-License-Identifier: MIT
// The Aalto keystroke reader: well-formed rows, the malformed rows the real
// files hold, and garbage. It must count and skip, never crash.

#include "aalto-dataset.h"
#include "injection-attacks.h"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

using namespace tactus;

namespace {

const char *kHeader = "PARTICIPANT_ID\tTEST_SECTION_ID\tSENTENCE\tUSER_INPUT\tKEYSTROKE_ID\tPRESS_TIME\tRELEASE_"
		      "TIME\tLETTER\tKEYCODE\n";

std::vector<AaltoSection> read(const std::string &text, AaltoStats &stats)
{
	std::istringstream in(text);
	std::vector<AaltoSection> out;
	readAaltoStream(
		in, [&](const AaltoSection &s) { out.push_back(s); }, stats);
	return out;
}

} // namespace

TEST(InjectionAalto, ReadsSectionsInPressOrder)
{
	std::string text = kHeader;
	text += "7\t100\tHi there.\tHi there.\t1\t1000\t1090\tSHIFT\t16\n";
	text += "7\t100\tHi there.\tHi there.\t3\t1120\t1200\ti\t73\n";
	text += "7\t100\tHi there.\tHi there.\t2\t1050\t1130\tH\t72\n";
	text += "7\t101\tOk\tOk\t4\t5000\t5100\to\t79\r\n";
	text += "7\t101\tOk\tOk\t5\t5200\t5300\t\t\t9\n"; // LETTER is a tab
	AaltoStats stats;
	auto secs = read(text, stats);
	ASSERT_EQ(secs.size(), 2u);
	EXPECT_EQ(stats.rows, 5u);
	EXPECT_EQ(stats.malformed, 0u);
	EXPECT_EQ(stats.keystrokes, 5u);
	EXPECT_EQ(secs[0].participant, "7");
	EXPECT_EQ(secs[0].section, "100");
	ASSERT_EQ(secs[0].keys.size(), 3u);
	EXPECT_EQ(secs[0].keys[0].code, KEY_LEFTSHIFT);
	EXPECT_EQ(secs[0].keys[1].code, KEY_H);
	EXPECT_EQ(secs[0].keys[1].pressMs, 1050);
	EXPECT_EQ(secs[0].keys[2].code, KEY_I);
	ASSERT_EQ(secs[1].keys.size(), 2u);
	EXPECT_EQ(secs[1].keys[1].code, KEY_TAB);
}

TEST(InjectionAalto, MalformedRowsAreCountedAndSkipped)
{
	std::string text = kHeader;
	text += "6800\t73161\tx\tx\t3479943\t1472006999927\t1.472007e+12\t,\t188\n"; // real: float release time
	text += "6800\t73161\tx\tx\t3479944\t1472006999950\t1472007000020\ta\t65\n";
	text += "6800\t73161\tx\tx\t3479945\t1472006999990\n";                       // truncated
	text += "6800\t73161\tx\tx\t3479946\t1472007000100\t1472007000000\tb\t66\n"; // release before press
	text += "\n";
	text += "garbage\n";
	AaltoStats stats;
	auto secs = read(text, stats);
	EXPECT_EQ(stats.malformed, 3u);
	EXPECT_EQ(stats.inconsistent, 1u);
	EXPECT_EQ(stats.keystrokes, 1u);
	ASSERT_EQ(secs.size(), 1u);
	EXPECT_EQ(secs[0].keys[0].code, KEY_A);
}

TEST(InjectionAalto, GarbageNeverCrashes)
{
	SplitMix64 rng(1234);
	for (int round = 0; round < 300; round++) {
		std::string text;
		if (round % 2)
			text = kHeader;
		size_t n = rng.next() % 4000;
		for (size_t i = 0; i < n; i++) {
			uint64_t r = rng.next();
			// Bias towards the characters that matter to the parser.
			const char special[] = {'\t', '\n', '\r', '0', '9', '-', '.', 'e', '\0'};
			text += (r & 3) ? special[(r >> 8) % sizeof(special)] : static_cast<char>(r >> 16);
		}
		AaltoStats stats;
		size_t keys = 0;
		auto secs = read(text, stats);
		for (const AaltoSection &s : secs)
			keys += s.keys.size();
		EXPECT_EQ(keys, stats.keystrokes);
		EXPECT_EQ(stats.rows, stats.keystrokes + stats.malformed + stats.inconsistent);
	}
	// Truncations of a valid file at every byte.
	std::string good = kHeader;
	good += "1\t2\ta b\ta b\t3\t100\t180\ta\t65\n1\t2\ta b\ta b\t4\t200\t260\t \t32\n";
	for (size_t cut = 0; cut <= good.size(); cut++) {
		AaltoStats stats;
		auto secs = read(good.substr(0, cut), stats);
		EXPECT_LE(stats.keystrokes, 2u);
		EXPECT_EQ(stats.rows, stats.keystrokes + stats.malformed + stats.inconsistent);
	}
	// A huge line with no newline is bounded and counted as malformed.
	AaltoStats stats;
	AaltoLimits limits;
	limits.maxLineBytes = 1000;
	std::istringstream in(std::string(kHeader) + std::string(100'000, '7'));
	readAaltoStream(
		in, [](const AaltoSection &) {}, stats, limits);
	EXPECT_EQ(stats.malformed, 1u);
}

TEST(InjectionAalto, JsKeyCodes)
{
	EXPECT_EQ(jsKeyCodeToLinux(65), KEY_A);
	EXPECT_EQ(jsKeyCodeToLinux(90), KEY_Z);
	EXPECT_EQ(jsKeyCodeToLinux(48), KEY_0);
	EXPECT_EQ(jsKeyCodeToLinux(49), KEY_1);
	EXPECT_EQ(jsKeyCodeToLinux(16), KEY_LEFTSHIFT);
	EXPECT_EQ(jsKeyCodeToLinux(8), KEY_BACKSPACE);
	EXPECT_EQ(jsKeyCodeToLinux(32), KEY_SPACE);
	EXPECT_EQ(jsKeyCodeToLinux(190), KEY_DOT);
	EXPECT_EQ(jsKeyCodeToLinux(97), KEY_KP1);
	EXPECT_EQ(jsKeyCodeToLinux(0), KEY_UNKNOWN);
	EXPECT_EQ(jsKeyCodeToLinux(229), KEY_UNKNOWN);
}
