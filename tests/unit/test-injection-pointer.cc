// SPDX-License-Identifier: MIT
// PointerInjectionDetector: generated human-like strokes (curved, with
// acceleration, braking and jitter) against robotic ones.

#include "injection-attacks.h"
#include "injection-pointer.h"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace tactus;

namespace {

struct Feed {
	PointerInjectionDetector det;
	unsigned alarms = 0;
	InjectionEvidence lastAlarm;

	void ev(uint64_t t, uint16_t type, uint16_t code, int32_t value)
	{
		InjectionEvidence e = det.event(t, type, code, value);
		if (e.alarm) {
			alarms++;
			lastAlarm = e;
		}
	}
	void rel(uint64_t t, int dx, int dy)
	{
		if (dx)
			ev(t, EV_REL, REL_X, dx);
		if (dy)
			ev(t, EV_REL, REL_Y, dy);
		ev(t, EV_SYN, SYN_REPORT, 0);
	}
	void abs(uint64_t t, int x, int y)
	{
		ev(t, EV_ABS, ABS_X, x);
		ev(t, EV_ABS, ABS_Y, y);
		ev(t, EV_SYN, SYN_REPORT, 0);
	}
	void click(uint64_t t)
	{
		ev(t, EV_KEY, BTN_LEFT, 1);
		ev(t, EV_SYN, SYN_REPORT, 0);
		ev(t + 90'000, EV_KEY, BTN_LEFT, 0);
		ev(t + 90'000, EV_SYN, SYN_REPORT, 0);
	}
};

// A hand's stroke: minimum-jerk speed profile along a bent path, with
// sub-count jitter carried as remainders, sent at 125 Hz (8 ms) with USB
// timing jitter; returns the time after it.
uint64_t humanStroke(Feed &f, SplitMix64 &rng, uint64_t t, double dist, double angle)
{
	const int frames = 20 + static_cast<int>(rng.uniform(0, 40));
	const double bend = rng.uniform(-0.6, 0.6);
	double rx = 0, ry = 0, px = 0, py = 0;
	for (int i = 1; i <= frames; i++) {
		double s = static_cast<double>(i) / frames;
		double pos = dist * (10 * std::pow(s, 3) - 15 * std::pow(s, 4) + 6 * std::pow(s, 5));
		double a = angle + bend * (s - 0.5);
		double x = pos * std::cos(a) + rng.normal() * 0.8;
		double y = pos * std::sin(a) + rng.normal() * 0.8;
		rx += x - px;
		ry += y - py;
		px = x;
		py = y;
		int dx = static_cast<int>(std::lround(rx));
		int dy = static_cast<int>(std::lround(ry));
		rx -= dx;
		ry -= dy;
		t += 8000 + static_cast<uint64_t>(rng.uniform(0, 150));
		if (dx || dy)
			f.rel(t, dx, dy);
	}
	return t;
}

} // namespace

TEST(InjectionPointer, HumanStrokesRaiseNothing)
{
	for (uint64_t seed = 1; seed <= 20; seed++) {
		Feed f;
		SplitMix64 rng(seed);
		uint64_t t = 1'000'000;
		for (int s = 0; s < 200; s++) {
			t = humanStroke(f, rng, t, rng.uniform(80, 900), rng.uniform(0, 2 * M_PI));
			t += static_cast<uint64_t>(rng.uniform(150'000, 900'000));
			if (s % 3 == 0) {
				f.click(t);
				t += 300'000;
			}
		}
		EXPECT_EQ(f.alarms, 0u) << "seed " << seed;
	}
}

TEST(InjectionPointer, StraightConstantSpeedStrokesAreRobotic)
{
	Feed f;
	uint64_t t = 1'000'000;
	for (int s = 0; s < 3; s++) {
		for (int i = 0; i < 40; i++) {
			t += 10'000;
			f.rel(t, 7, 3);
		}
		t += 500'000;
		f.click(t);
		t += 400'000;
	}
	EXPECT_GT(f.alarms, 0u);
	EXPECT_EQ(f.lastAlarm.reason, InjectionReason::RoboticPointer);
	EXPECT_EQ(injectionReasonName(f.lastAlarm.reason), "robotic-pointer");
	EXPECT_EQ(f.lastAlarm.rule, "robotic-stroke");
}

TEST(InjectionPointer, AbsoluteTeleportsAreRobotic)
{
	Feed f;
	f.det.setAbsRange(0, 32767, 0, 32767);
	uint64_t t = 1'000'000;
	const int spots[][2] = {{1000, 1000}, {30000, 2000}, {5000, 30000}, {25000, 25000}, {100, 16000}};
	for (const auto &p : spots) {
		f.abs(t, p[0], p[1]);
		t += 200'000;
	}
	EXPECT_GT(f.alarms, 0u);
	EXPECT_EQ(f.lastAlarm.rule, "teleport");
}

TEST(InjectionPointer, TabletPenAndSmoothAbsoluteMotionRaiseNothing)
{
	Feed f;
	f.det.setAbsRange(0, 32767, 0, 32767);
	uint64_t t = 1'000'000;
	SplitMix64 rng(9);
	for (int s = 0; s < 20; s++) {
		// Pen lands far away (tool change in the same frame), then draws.
		int x = static_cast<int>(rng.uniform(0, 32767)), y = static_cast<int>(rng.uniform(0, 32767));
		f.ev(t, EV_KEY, BTN_TOOL_PEN, 1);
		f.abs(t, x, y);
		for (int i = 0; i < 50; i++) {
			t += 5000;
			x += static_cast<int>(rng.uniform(-40, 60));
			y += static_cast<int>(rng.uniform(-30, 50));
			f.abs(t, x, y);
		}
		f.ev(t, EV_KEY, BTN_TOOL_PEN, 0);
		f.ev(t, EV_SYN, SYN_REPORT, 0);
		t += 700'000;
	}
	EXPECT_EQ(f.alarms, 0u);
}
