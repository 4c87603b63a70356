// SPDX-License-Identifier: MIT
// The session tracker's lock state (issue 14): entries only for sessions
// followed, and a slow LockedHint reply never overwrites a newer value.
#include "log.h"
#include "session-tracker.h"

#include <gtest/gtest.h>

using namespace tactus;

TEST(SessionLockState, SlowReplyDoesNotOverwriteNewerSignal)
{
	SessionLockState s;
	s.follow("2");
	// Get(LockedHint) goes out when the session appears ...
	const uint64_t ticket = s.hintRequested("2");
	// ... the locker sets the hint meanwhile (PropertiesChanged) ...
	EXPECT_TRUE(s.hintChanged("2", true));
	EXPECT_TRUE(s.locked("2"));
	// ... and the reply, carrying the value from before, comes last.
	EXPECT_FALSE(s.hintReply("2", ticket, false));
	EXPECT_TRUE(s.locked("2"));
}

TEST(SessionLockState, RepliesOutOfOrder)
{
	SessionLockState s;
	s.follow("2");
	const uint64_t first = s.hintRequested("2");
	const uint64_t second = s.hintRequested("2");
	EXPECT_TRUE(s.hintReply("2", second, true));
	EXPECT_FALSE(s.hintReply("2", first, false));
	EXPECT_TRUE(s.locked("2"));
	// A reply whose request came after the last signal is news.
	EXPECT_TRUE(s.hintChanged("2", false));
	const uint64_t third = s.hintRequested("2");
	EXPECT_TRUE(s.hintReply("2", third, true));
	EXPECT_TRUE(s.locked("2"));
}

TEST(SessionLockState, ReplyInTimeIsApplied)
{
	SessionLockState s;
	s.follow("3");
	EXPECT_TRUE(s.hintReply("3", s.hintRequested("3"), true));
	EXPECT_TRUE(s.locked("3"));
}

TEST(SessionLockState, LockUnlockAndHint)
{
	SessionLockState s;
	s.follow("4");
	EXPECT_FALSE(s.locked("4"));
	EXPECT_TRUE(s.lockSignal("4", true));
	EXPECT_TRUE(s.locked("4"));
	EXPECT_TRUE(s.lockSignal("4", false));
	EXPECT_FALSE(s.locked("4"));
	// A locker answers Lock with the hint and clears it on unlock; logind
	// sends no Unlock then: the hint going false ends the Lock request.
	EXPECT_TRUE(s.lockSignal("4", true));
	EXPECT_TRUE(s.hintChanged("4", true));
	EXPECT_TRUE(s.hintChanged("4", false));
	EXPECT_FALSE(s.locked("4"));
}

TEST(SessionLockState, OnlySessionsFollowedHaveEntries)
{
	SessionLockState s;
	// Signals about sessions tactus does not follow (seatless ssh sessions,
	// sessions already gone) and late replies leave nothing behind.
	for (int i = 0; i < 1000; i++) {
		const std::string id = "ssh" + std::to_string(i);
		EXPECT_FALSE(s.hintChanged(id, true));
		EXPECT_FALSE(s.lockSignal(id, true));
		EXPECT_FALSE(s.hintReply(id, s.hintRequested(id), true));
		EXPECT_FALSE(s.locked(id));
	}
	EXPECT_EQ(s.size(), 0u);
	s.follow("5");
	s.follow("5");
	EXPECT_EQ(s.size(), 1u);
	const uint64_t ticket = s.hintRequested("5");
	s.forget("5");
	EXPECT_EQ(s.size(), 0u);
	EXPECT_FALSE(s.following("5"));
	// The reply to a gone session's request does not bring it back.
	EXPECT_FALSE(s.hintReply("5", ticket, true));
	EXPECT_EQ(s.size(), 0u);
	// A session id reused after its end starts unlocked.
	EXPECT_TRUE(s.lockSignal("5", true) == false);
	s.follow("5");
	EXPECT_FALSE(s.locked("5"));
}

// Issue 14, load: an 8 kHz uinput mouse in the vm made tactusd log 3,179
// SYN_DROPPED warnings in two minutes, one per overrun. One per interval
// now, the next carrying how many were held back.
TEST(LogRateLimit, FirstThenOncePerIntervalWithTheCount)
{
	LogRateLimit limit(10'000'000);
	uint64_t held = 99;
	EXPECT_TRUE(limit.allow(5'000'000, held));
	EXPECT_EQ(held, 0u);
	for (uint64_t t = 5'000'001; t < 15'000'000; t += 1'000'000)
		EXPECT_FALSE(limit.allow(t, held));
	EXPECT_TRUE(limit.allow(15'000'000, held));
	EXPECT_EQ(held, 10u);
	EXPECT_TRUE(limit.allow(40'000'000, held));
	EXPECT_EQ(held, 0u);
}
