// SPDX-License-Identifier: MIT
// The discrepancy signal (UnattributedInputWatch) and the log rate limit
// (RateLimit), both on a fake clock: the tests pass the time.
#include "unattributed-input.h"
#include "util-ratelimit.h"

#include <gtest/gtest.h>

namespace tactus {
namespace {

constexpr uint64_t kSec = 1'000'000;

TEST(UnattributedInput, ResumeWithoutSeatInputIsAFinding)
{
	UnattributedInputWatch watch;
	EXPECT_FALSE(watch.idleHint(true, 100 * kSec));
	const auto due = watch.idleHint(false, 200 * kSec);
	ASSERT_TRUE(due);
	EXPECT_EQ(*due, 201 * kSec); // the 1 s grace
	EXPECT_FALSE(watch.check(200 * kSec + 500'000, 0)) << "not due yet";
	const auto found = watch.check(*due, 150 * kSec); // the seat's last input: 50 s before
	ASSERT_TRUE(found);
	EXPECT_EQ(found->resumedUsec, 200 * kSec);
	EXPECT_EQ(found->seatQuietUsec, 50 * kSec);
	EXPECT_FALSE(watch.check(*due + kSec, 150 * kSec)) << "a check is consumed";
	EXPECT_FALSE(watch.due());
}

TEST(UnattributedInput, NoSeatInputEverReportsZeroQuiet)
{
	UnattributedInputWatch watch;
	watch.idleHint(true, 10 * kSec);
	const auto due = watch.idleHint(false, 20 * kSec);
	const auto found = watch.check(*due, 0);
	ASSERT_TRUE(found);
	EXPECT_EQ(found->seatQuietUsec, 0u);
}

TEST(UnattributedInput, SeatInputWithinTheLookbackExplainsIt)
{
	UnattributedInputWatch watch;
	watch.idleHint(true, 100 * kSec);
	const auto due = watch.idleHint(false, 200 * kSec);
	EXPECT_FALSE(watch.check(*due, 200 * kSec - 2 * kSec)) << "a key 2 s before the resume";
	watch.idleHint(true, 300 * kSec);
	const auto due2 = watch.idleHint(false, 400 * kSec);
	EXPECT_FALSE(watch.check(*due2, 400 * kSec + 300'000)) << "a frame that arrived during the grace";
	watch.idleHint(true, 500 * kSec);
	const auto due3 = watch.idleHint(false, 600 * kSec);
	EXPECT_TRUE(watch.check(*due3, 600 * kSec - 3 * kSec - 1)) << "just outside the 3 s look-back";
}

TEST(UnattributedInput, OnlyATrueToFalseTransitionCounts)
{
	UnattributedInputWatch watch;
	EXPECT_FALSE(watch.idleHint(false, kSec)) << "the first value is a state, not a transition";
	EXPECT_FALSE(watch.idleHint(false, 2 * kSec));
	EXPECT_FALSE(watch.check(100 * kSec, 0));
	EXPECT_FALSE(watch.idleHint(true, 3 * kSec));
	EXPECT_FALSE(watch.idleHint(true, 4 * kSec));
	EXPECT_TRUE(watch.idleHint(false, 5 * kSec));
}

TEST(UnattributedInput, ParamsAndEarlyClock)
{
	UnattributedInputWatch::Params params;
	params.lookbackUsec = 10 * kSec;
	params.graceUsec = 0;
	UnattributedInputWatch watch(params);
	watch.idleHint(true, 0);
	const auto due = watch.idleHint(false, 2 * kSec); // resume earlier than the look-back: no underflow
	ASSERT_TRUE(due);
	EXPECT_EQ(*due, 2 * kSec);
	EXPECT_FALSE(watch.check(*due, 1)) << "any seat input since boot explains it";
	watch.idleHint(true, 30 * kSec);
	const auto due2 = watch.idleHint(false, 40 * kSec);
	EXPECT_TRUE(watch.check(*due2, 29 * kSec));
	EXPECT_FALSE(watch.check(*due2, 29 * kSec)) << "consumed";
}

TEST(RateLimit, BurstPerIntervalThenSuppressedCount)
{
	RateLimit limit(10 * kSec, 3);
	EXPECT_TRUE(limit.below(0));
	EXPECT_TRUE(limit.below(kSec));
	EXPECT_TRUE(limit.below(2 * kSec));
	EXPECT_FALSE(limit.below(3 * kSec));
	EXPECT_FALSE(limit.below(9 * kSec));
	EXPECT_TRUE(limit.below(10 * kSec)) << "a new interval";
	EXPECT_EQ(limit.takeSuppressed(), 2u);
	EXPECT_EQ(limit.takeSuppressed(), 0u) << "reading resets it";
	EXPECT_TRUE(limit.below(11 * kSec));
	EXPECT_TRUE(limit.below(12 * kSec));
	EXPECT_FALSE(limit.below(13 * kSec));
}

TEST(RateLimit, BackwardsClockAndNoLimit)
{
	RateLimit limit(10 * kSec, 1);
	EXPECT_TRUE(limit.below(100 * kSec));
	EXPECT_FALSE(limit.below(101 * kSec));
	EXPECT_TRUE(limit.below(50 * kSec)) << "the clock went back: a new interval";
	RateLimit none(0, 0);
	for (int i = 0; i < 100; i++)
		EXPECT_TRUE(none.below(static_cast<uint64_t>(i)));
	EXPECT_EQ(none.takeSuppressed(), 0u);
}

} // namespace
} // namespace tactus
