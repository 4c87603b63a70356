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
	EXPECT_DOUBLE_EQ(tap[TouchFeature::TrajectoryLength], 0.0);
	EXPECT_DOUBLE_EQ(tap[TouchFeature::Straightness], 0.0);
	EXPECT_DOUBLE_EQ(tap[TouchFeature::StartX], 30.0);
	EXPECT_DOUBLE_EQ(tap[TouchFeature::StartY], -30.0); // y up, from the top edge

	k.abs(ABS_MT_SLOT, 0);
	k.abs(ABS_MT_TRACKING_ID, -1);
	k.syn();
	ASSERT_EQ(k.out.size(), 2u);
	const TouchStroke &swipe = k.out[1];
	EXPECT_EQ(swipe.kind, TouchStrokeKind::Swipe);
	EXPECT_EQ(swipe.slot, 0u);
	EXPECT_NEAR(swipe[TouchFeature::Duration], 0.11, 1e-9);
	EXPECT_NEAR(swipe[TouchFeature::TrajectoryLength], 100.0, 1e-9);
	EXPECT_NEAR(swipe[TouchFeature::EndToEndDistance], 100.0, 1e-9);
	EXPECT_NEAR(swipe[TouchFeature::Straightness], 1.0, 1e-12);
	EXPECT_NEAR(swipe[TouchFeature::Direction], 0.0, 1e-12);
	EXPECT_DOUBLE_EQ(swipe[TouchFeature::DirectionFlag], 2.0); // right
	// Ten segments at 1000 mm/s and the still lift-off segment.
	EXPECT_NEAR(swipe[TouchFeature::Velocity80], 1000.0, 1e-6);
	EXPECT_NEAR(swipe[TouchFeature::Velocity20], 1000.0, 1e-6);
	EXPECT_NEAR(swipe[TouchFeature::AverageVelocity], 100.0 / 0.11, 1e-6);
	EXPECT_NEAR(swipe[TouchFeature::LargestDeviation], 0.0, 1e-9);
	// No maxima given: raw units. 12 points (the lift-off repeats the last):
	// the 6th is the middle, pressure 20 + 10·5; size (8 + 6) / 2.
	EXPECT_DOUBLE_EQ(swipe[TouchFeature::MidPressure], 70.0);
	EXPECT_DOUBLE_EQ(swipe[TouchFeature::MidArea], 7.0);
	EXPECT_EQ(touchStrokeKindName(swipe.kind), "swipe");
	EXPECT_EQ(touchFeatureName(TouchFeature::Velocity50), "velocity-50");
	EXPECT_EQ(touchFeatureName(TouchFeature::MidArea), "mid-area");
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
	EXPECT_NEAR(s[TouchFeature::TrajectoryLength], 200.0, 1e-9);
	EXPECT_NEAR(s[TouchFeature::EndToEndDistance], std::sqrt(2.0) * 100, 1e-9);
	EXPECT_NEAR(s[TouchFeature::Straightness], std::sqrt(2.0) / 2, 1e-9);
	EXPECT_NEAR(s[TouchFeature::Direction], M_PI / 4, 1e-9); // up and right, y up
	EXPECT_DOUBLE_EQ(s[TouchFeature::DirectionFlag], 2.0);   // π/4 exactly is still right, as in the study
	// The corner (0, 0) is 100/√2 to the right of the line (0, −100) → (100, 0).
	EXPECT_NEAR(s[TouchFeature::LargestDeviation], -100 / std::sqrt(2.0), 1e-9);
	// Angles up, up, right, right and the still lift-off segment's 0.
	EXPECT_NEAR(s[TouchFeature::MeanResultantLength], std::sqrt(13.0) / 5, 1e-12);
	EXPECT_NEAR(s[TouchFeature::AverageDirection], std::atan2(2.0, 3.0), 1e-12);
	EXPECT_DOUBLE_EQ(s[TouchFeature::MidPressure], 0.0);
	EXPECT_DOUBLE_EQ(s[TouchFeature::MidArea], 0.0);
}

// Every feature of a hand-made stroke, computed by hand (the definitions of
// Frank et al. 2013's F2..F28, touch-features.h): 10 units/mm, pressure
// maximum 200, contact size maximum 20. Frames 10 ms apart at (mm, y up)
// (10, −100), (20, −100), (40, −100), (40, −80), then the lift-off, which
// repeats the last point 10 ms later.
TEST(TouchFeatures, TouchalyticsFeaturesByHand)
{
	TouchAxes axes{10, 10, true, true, true};
	axes.pressureMaximum = 200;
	axes.majorMaximum = 20;
	Tracker k(axes);
	const int pts[][2] = {{100, 1000}, {200, 1000}, {400, 1000}, {400, 800}};
	for (int i = 0; i < 4; i++, k.now += 10'000) {
		if (i == 0) {
			k.abs(ABS_MT_TRACKING_ID, 3);
			k.abs(ABS_MT_TOUCH_MAJOR, 10);
			k.abs(ABS_MT_TOUCH_MINOR, 6);
		}
		k.abs(ABS_MT_POSITION_X, pts[i][0]);
		k.abs(ABS_MT_POSITION_Y, pts[i][1]);
		k.abs(ABS_MT_PRESSURE, 40 * (i + 1));
		k.syn();
	}
	k.abs(ABS_MT_TRACKING_ID, -1);
	k.syn();
	ASSERT_EQ(k.out.size(), 1u);
	const TouchStroke &s = k.out[0];
	// Segments: d = 10, 20, 20, 0 mm over 10 ms each: v = 1000, 2000, 2000, 0
	// mm/s, angles 0, 0, π/2, 0; a = (v_k − v_{k−1}) / 0.01 s = 1e5, 0, −2e5.
	// End to end (30, 20): √1300 mm. Distances of the 5 points from that
	// line, (x·20 − y·30) / √1300 from the first: 0, 200/√1300, 600/√1300, 0, 0.
	const double e2e = std::sqrt(1300.0);
	const double expected[kTouchFeatureCount] = {
		0.04,                     // Duration
		10,                       // StartX
		-100,                     // StartY
		40,                       // StopX
		-80,                      // StopY
		e2e,                      // EndToEndDistance
		std::sqrt(10.0) / 4,      // MeanResultantLength: |(3, 1)| / 4
		2,                        // DirectionFlag: right
		std::atan2(20.0, 30.0),   // Direction
		300,                      // Velocity20: rank 4·0.2 + 0.5 = 1.3 of 0, 1000, 2000, 2000
		1500,                     // Velocity50: rank 2.5
		2000,                     // Velocity80: rank 3.7
		-180'000,                 // Acceleration20: rank 1.1 of −2e5, 0, 1e5
		0,                        // Acceleration50
		90'000,                   // Acceleration80: rank 2.9
		1500,                     // LastVelocity: median of the last 4 speeds
		600 / e2e,                // LargestDeviation
		0,                        // Deviation20: rank 1.5 of 0, 0, 0, 200/√1300, 600/√1300
		0,                        // Deviation50
		400 / e2e,                // Deviation80: rank 4.5
		std::atan2(1.0, 3.0),     // AverageDirection
		50,                       // TrajectoryLength
		e2e / 50,                 // Straightness
		1250,                     // AverageVelocity: 50 mm / 0.04 s
		0,                        // StartAcceleration: median of 1e5, 0, −2e5
		(80.0 + 120.0) / 2 / 200, // MidPressure: points 2 and 3 of 5
		(10.0 + 6.0) / 2 / 20,    // MidArea
	};
	for (size_t f = 0; f < kTouchFeatureCount; f++)
		EXPECT_NEAR(s.features[f], expected[f], 1e-9 * std::max(1.0, std::fabs(expected[f])))
			<< touchFeatureName(static_cast<TouchFeature>(f));
	EXPECT_EQ(s.kind, TouchStrokeKind::Swipe);
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
	EXPECT_DOUBLE_EQ(k.out[0][TouchFeature::Duration], 0.0);
	EXPECT_DOUBLE_EQ(k.out[0][TouchFeature::StartX], 10.0);
}
