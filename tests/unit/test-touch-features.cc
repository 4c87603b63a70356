// SPDX-License-Identifier: MIT
// Touch strokes from generated multitouch type B frames (issue 12): a swipe
// and a concurrent tap, pressure and contact area, units, garbage.

#include "touch-features.h"

#include <gtest/gtest.h>

#include <linux/input.h>

#include <cmath>
#include <vector>

using namespace tactus;

namespace {

struct Tracker {
	TouchStrokeTracker t;
	std::vector<TouchStroke> out;
	uint64_t now = 1'000'000;

	explicit Tracker(const TouchAxes &axes, const TouchStrokeConfig &config = {}) : t(axes, config) {}
	void abs(uint16_t code, int32_t value) { t.event({now, EV_ABS, code, value}); }
	void syn(uint16_t code = SYN_REPORT)
	{
		t.event({now, EV_SYN, code, 0});
		TouchStroke s;
		while (t.pop(s))
			out.push_back(s);
	}
};

} // namespace

// Slot 0: a swipe of 11 frames 10 ms apart, 100 units right each frame on a
// 10 units/mm screen (10 mm a frame, 1000 mm/s), pressure rising 10 a
// frame, major 8 and minor 6. Slot 1: a tap from the 3rd to the 6th frame,
// still. Then both lift off.
TEST(TouchFeatures, SwipeAndConcurrentTap)
{
	TouchAxes axes{10, 10, true, true, true};
	Tracker k(axes);
	for (int i = 0; i <= 10; i++, k.now += 10'000) {
		k.abs(ABS_MT_SLOT, 0);
		if (i == 0) {
			k.abs(ABS_MT_TRACKING_ID, 41);
			k.abs(ABS_MT_POSITION_Y, 500);
			k.abs(ABS_MT_TOUCH_MAJOR, 8);
			k.abs(ABS_MT_TOUCH_MINOR, 6);
		}
		k.abs(ABS_MT_POSITION_X, 100 + 100 * i);
		k.abs(ABS_MT_PRESSURE, 20 + 10 * i);
		if (i == 2) {
			k.abs(ABS_MT_SLOT, 1);
			k.abs(ABS_MT_TRACKING_ID, 42);
			k.abs(ABS_MT_POSITION_X, 300);
			k.abs(ABS_MT_POSITION_Y, 300);
		} else if (i == 5) {
			k.abs(ABS_MT_SLOT, 1);
			k.abs(ABS_MT_TRACKING_ID, -1);
		}
		k.syn();
	}
	ASSERT_EQ(k.out.size(), 1u);
	const TouchStroke &tap = k.out[0];
	EXPECT_EQ(tap.kind, TouchStrokeKind::Tap);
	EXPECT_EQ(tap.slot, 1u);
	EXPECT_NEAR(tap[TouchFeature::Duration], 0.03, 1e-9);
	EXPECT_DOUBLE_EQ(tap[TouchFeature::PathLength], 0.0);
	EXPECT_DOUBLE_EQ(tap[TouchFeature::Straightness], 1.0);

	k.abs(ABS_MT_SLOT, 0);
	k.abs(ABS_MT_TRACKING_ID, -1);
	k.syn();
	ASSERT_EQ(k.out.size(), 2u);
	const TouchStroke &swipe = k.out[1];
	EXPECT_EQ(swipe.kind, TouchStrokeKind::Swipe);
	EXPECT_EQ(swipe.slot, 0u);
	EXPECT_NEAR(swipe[TouchFeature::Duration], 0.11, 1e-9);
	EXPECT_NEAR(swipe[TouchFeature::PathLength], 100.0, 1e-9);
	EXPECT_NEAR(swipe[TouchFeature::Chord], 100.0, 1e-9);
	EXPECT_NEAR(swipe[TouchFeature::Straightness], 1.0, 1e-12);
	EXPECT_NEAR(swipe[TouchFeature::Direction], 0.0, 1e-12);
	EXPECT_NEAR(swipe[TouchFeature::MaxSpeed], 1000.0, 1e-6);
	EXPECT_NEAR(swipe[TouchFeature::MeanSpeed], 100.0 / 0.11, 1e-6);
	EXPECT_NEAR(swipe[TouchFeature::MeanCurvature], 0.0, 1e-12);
	EXPECT_NEAR(swipe[TouchFeature::MaxDeviation], 0.0, 1e-9);
	EXPECT_DOUBLE_EQ(swipe[TouchFeature::MeanPressure],
			 (20 + 30 + 40 + 50 + 60 + 70 + 80 + 90 + 100 + 110 + 120 + 120) / 12.0);
	EXPECT_GT(swipe[TouchFeature::MidPressure], 60);
	EXPECT_DOUBLE_EQ(swipe[TouchFeature::MidArea], 48.0);
	EXPECT_DOUBLE_EQ(swipe[TouchFeature::MeanMajor], 8.0);
	EXPECT_DOUBLE_EQ(swipe[TouchFeature::Points], 12.0);
	EXPECT_EQ(touchStrokeKindName(swipe.kind), "swipe");
	EXPECT_EQ(touchFeatureName(TouchFeature::MeanSpeed), "mean-speed");
}

// An L-shaped swipe up then right, without pressure or area and without a
// resolution: device units, a 90° turn, pressure and area reported as 0.
TEST(TouchFeatures, CurvedSwipeInDeviceUnits)
{
	Tracker k(TouchAxes{});
	const int pts[][2] = {{0, 100}, {0, 50}, {0, 0}, {50, 0}, {100, 0}};
	for (int i = 0; i < 5; i++, k.now += 10'000) {
		if (i == 0)
			k.abs(ABS_MT_TRACKING_ID, 7);
		k.abs(ABS_MT_POSITION_X, pts[i][0]);
		k.abs(ABS_MT_POSITION_Y, pts[i][1]);
		k.abs(ABS_MT_PRESSURE, 99); // not declared by the axes: ignored
		k.syn();
	}
	k.abs(ABS_MT_TRACKING_ID, -1);
	k.syn();
	ASSERT_EQ(k.out.size(), 1u);
	const TouchStroke &s = k.out[0];
	EXPECT_EQ(s.kind, TouchStrokeKind::Swipe);
	EXPECT_NEAR(s[TouchFeature::PathLength], 200.0, 1e-9);
	EXPECT_NEAR(s[TouchFeature::Chord], std::sqrt(2.0) * 100, 1e-9);
	EXPECT_NEAR(s[TouchFeature::Straightness], std::sqrt(2.0) / 2, 1e-9);
	EXPECT_NEAR(s[TouchFeature::Direction], -M_PI / 4, 1e-9); // up and right, y down
	EXPECT_NEAR(s[TouchFeature::MaxDeviation], 100 / std::sqrt(2.0), 1e-9);
	// One 90° turn over a 50-unit segment among three turns.
	EXPECT_NEAR(s[TouchFeature::MeanCurvature], (M_PI / 2 / 50) / 3, 1e-9);
	EXPECT_DOUBLE_EQ(s[TouchFeature::MeanPressure], 0.0);
	EXPECT_DOUBLE_EQ(s[TouchFeature::MidArea], 0.0);
}

TEST(TouchFeatures, GarbageAndResyncAreSurvived)
{
	Tracker k(TouchAxes{}, TouchStrokeConfig{2.0, 2, 4096});
	// Events for slots beyond maxSlots, negative slots, unknown codes, lift-offs
	// without contacts, key and relative events: no stroke, no crash.
	k.abs(ABS_MT_SLOT, 5);
	k.abs(ABS_MT_TRACKING_ID, 3);
	k.abs(ABS_MT_POSITION_X, 10);
	k.abs(ABS_MT_SLOT, -4);
	k.abs(ABS_MT_TRACKING_ID, 3);
	k.abs(ABS_MT_SLOT, 1);
	k.abs(ABS_MT_TRACKING_ID, -1);
	k.abs(ABS_MT_ORIENTATION, 12);
	k.t.event({k.now, EV_KEY, BTN_TOUCH, 1});
	k.t.event({k.now, EV_REL, REL_X, 3});
	k.syn();
	EXPECT_TRUE(k.out.empty());

	// A contact in progress is dropped on SYN_DROPPED.
	k.abs(ABS_MT_SLOT, 0);
	k.abs(ABS_MT_TRACKING_ID, 9);
	k.abs(ABS_MT_POSITION_X, 10);
	k.syn();
	k.now += 10'000;
	k.syn(SYN_DROPPED);
	k.abs(ABS_MT_TRACKING_ID, -1);
	k.syn();
	EXPECT_TRUE(k.out.empty());

	// A new tracking id without a lift-off ends the old contact.
	k.abs(ABS_MT_SLOT, 0);
	k.abs(ABS_MT_TRACKING_ID, 10);
	k.abs(ABS_MT_POSITION_X, 10);
	k.syn();
	k.now += 10'000;
	k.abs(ABS_MT_TRACKING_ID, 11);
	k.abs(ABS_MT_POSITION_X, 500);
	k.syn();
	ASSERT_EQ(k.out.size(), 1u);
	EXPECT_EQ(k.out[0].kind, TouchStrokeKind::Tap);
	EXPECT_DOUBLE_EQ(k.out[0][TouchFeature::Points], 1.0);
}
