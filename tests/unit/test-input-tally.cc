// SPDX-License-Identifier: MIT
// The agent's tally: counts and press intervals per source, one report per
// source per window, nothing that names a key (the tally is never given one).

#include "input-tally.h"

#include <gtest/gtest.h>

using namespace tactus;

namespace {
using Event = InputTally::Event;
constexpr SessionInputSource kXtest = SessionInputSource::Xtest;
} // namespace

TEST(InputTally, OneReportPerSourceWithIntervals)
{
	InputTally t;
	// Presses at 0, 150, 300, 460 ms: intervals 150, 150, 160.
	for (uint64_t ms : {0, 150, 300, 460})
		t.add(kXtest, "Virtual core XTEST keyboard", Event::Key, 5'000'000 + ms * 1000);
	t.add(kXtest, "Virtual core XTEST pointer", Event::Motion, 5'000'000);
	t.add(kXtest, "Virtual core XTEST pointer", Event::Button, 5'100'000);
	t.add(SessionInputSource::Evdev, "AT keyboard", Event::Key, 5'200'000);
	EXPECT_EQ(t.syntheticKeyPresses(), 4U) << "evdev presses are not synthetic";

	auto reports = t.take(10'000'000);
	ASSERT_EQ(reports.size(), 3U);
	const SessionInputReport *keys = nullptr;
	for (const auto &r : reports) {
		EXPECT_TRUE(r.validate()) << r.describe();
		if (r.device == "Virtual core XTEST keyboard")
			keys = &r;
	}
	ASSERT_NE(keys, nullptr);
	EXPECT_EQ(keys->keyPresses, 4U);
	EXPECT_EQ(keys->activeUsec, 460'000U);
	EXPECT_EQ(keys->medianIntervalUsec, 150'000U);
	EXPECT_EQ(keys->minIntervalUsec, 150'000U);
	EXPECT_EQ(keys->windowUsec, 10'000'000U);
	EXPECT_TRUE(t.empty());
	EXPECT_EQ(t.syntheticKeyPresses(), 0U);
	EXPECT_TRUE(t.take(1).empty()) << "a quiet window reports nothing";
}

TEST(InputTally, SameMillisecondAndOutOfOrderTimes)
{
	InputTally t;
	// X time has ms resolution; machine-speed typing lands in one ms, and
	// a clock step must not make a huge unsigned interval.
	for (uint64_t us : {2'000'000, 2'000'000, 2'000'000, 1'999'000})
		t.add(kXtest, "x", Event::Key, us);
	auto reports = t.take(1'000'000);
	ASSERT_EQ(reports.size(), 1U);
	EXPECT_TRUE(reports[0].validate()) << reports[0].describe();
	EXPECT_EQ(reports[0].minIntervalUsec, 0U);
	EXPECT_EQ(reports[0].medianIntervalUsec, 0U);
	EXPECT_EQ(reports[0].activeUsec, 1'000U);
}

TEST(InputTally, ActiveSpanLongerThanWindowIsClamped)
{
	InputTally t;
	t.add(kXtest, "x", Event::Key, 0);
	t.add(kXtest, "x", Event::Key, 5'000'000);
	auto reports = t.take(2'000'000);
	ASSERT_EQ(reports.size(), 1U);
	EXPECT_TRUE(reports[0].validate()) << reports[0].describe();
	EXPECT_EQ(reports[0].activeUsec, 2'000'000U);
}

TEST(InputTally, PressesBeyondTheTimedOnesAreCounted)
{
	InputTally t;
	for (uint64_t i = 0; i < InputTally::kMaxTimedPresses + 10; i++)
		t.add(kXtest, "x", Event::Key, i * 1000);
	auto reports = t.take(60'000'000);
	ASSERT_EQ(reports.size(), 1U);
	EXPECT_EQ(reports[0].keyPresses, InputTally::kMaxTimedPresses + 10);
	EXPECT_EQ(reports[0].medianIntervalUsec, 1000U);
}
