// SPDX-License-Identifier: MIT
// NewKeyboardBurstDetector: a stick that appears and types at once while the
// real keyboard is in use, against the legitimate cases.

#include "injection-burst.h"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

using namespace tactus;

namespace {

constexpr uint64_t kSec = 1'000'000;

// @p n presses (and releases) on @p dev every @p gapUsec from @p start; returns alarms.
unsigned type(NewKeyboardBurstDetector &det, DeviceId dev, uint64_t start, unsigned n, uint64_t gapUsec,
	      InjectionEvidence *last = nullptr)
{
	unsigned alarms = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t t = start + i * gapUsec;
		InjectionEvidence e = det.keyEvent(dev, t, KEY_A + static_cast<uint16_t>(i % 5), 1);
		alarms += e.alarm;
		if (last)
			*last = e;
		det.keyEvent(dev, t + gapUsec / 3, KEY_A + static_cast<uint16_t>(i % 5), 0);
	}
	return alarms;
}

} // namespace

TEST(InjectionBurst, StickTypingWhileKeyboardInUse)
{
	NewKeyboardBurstDetector det;
	det.deviceAdded(1, 0, true);
	EXPECT_EQ(type(det, 1, 10 * kSec, 50, 180'000), 0u); // the user types
	det.deviceAdded(2, 30 * kSec, true);                 // stick plugged in
	InjectionEvidence e;
	EXPECT_GT(type(det, 2, 32 * kSec, 40, 30'000, &e), 0u); // 33 keys/s two seconds later
	EXPECT_EQ(e.reason, InjectionReason::NewKeyboardBurst);
	EXPECT_EQ(injectionReasonName(e.reason), "new-keyboard-burst");
	EXPECT_TRUE(e.alarm);
}

TEST(InjectionBurst, NewKeyboardAtHumanPaceRaisesNothing)
{
	NewKeyboardBurstDetector det;
	det.deviceAdded(1, 0, true);
	type(det, 1, 10 * kSec, 50, 180'000);
	det.deviceAdded(2, 30 * kSec, true);
	EXPECT_EQ(type(det, 2, 32 * kSec, 200, 150'000), 0u);
}

TEST(InjectionBurst, FirstKeyboardOrIdleSessionRaisesNothing)
{
	// No other keyboard in use: a docking station's keyboard, a first login.
	NewKeyboardBurstDetector det;
	det.deviceAdded(1, 0, true);
	det.deviceAdded(2, 30 * kSec, true);
	EXPECT_EQ(type(det, 2, 31 * kSec, 60, 30'000), 0u);
	// The other keyboard was last used long ago.
	NewKeyboardBurstDetector det2;
	det2.deviceAdded(1, 0, true);
	type(det2, 1, 1 * kSec, 10, 150'000);
	det2.deviceAdded(2, 600 * kSec, true);
	EXPECT_EQ(type(det2, 2, 601 * kSec, 60, 30'000), 0u);
}

TEST(InjectionBurst, LateTypingOrNonKeyboardRaisesNothing)
{
	NewKeyboardBurstDetector det;
	det.deviceAdded(1, 0, true);
	type(det, 1, 10 * kSec, 50, 180'000);
	det.deviceAdded(2, 30 * kSec, true);
	EXPECT_EQ(type(det, 2, 50 * kSec, 60, 30'000), 0u); // first key 20 s after plug-in
	det.deviceAdded(3, 30 * kSec, false);               // a mouse with buttons
	EXPECT_EQ(type(det, 3, 31 * kSec, 60, 30'000), 0u);
	det.deviceRemoved(2);
	EXPECT_EQ(type(det, 2, 52 * kSec, 60, 30'000), 0u); // unknown device
}
