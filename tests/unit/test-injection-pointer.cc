// SPDX-License-Identifier: MIT
// PointerInjectionDetector: generated human-like strokes (curved, with
// acceleration, braking and jitter) against robotic ones.

#include "injection-attacks.h"
#include "injection-pointer.h"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
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

// Jump and click, no approach: the third in a row alarms.
TEST(InjectionPointer, AbsoluteTeleportsAreRobotic)
{
	Feed f;
	f.det.setAbsRange(0, 32767, 0, 32767);
	uint64_t t = 1'000'000;
	const int spots[][2] = {{1000, 1000}, {30000, 2000}, {5000, 30000}, {25000, 25000}, {100, 16000}};
	unsigned jumps = 0;
	for (const auto &p : spots) {
		f.abs(t, p[0], p[1]);
		t += 20'000;
		f.click(t);
		t += 300'000;
		if (jumps++ > 0) { // the first position is no jump
			EXPECT_EQ(f.alarms, jumps >= 4 ? jumps - 3 : 0u) << "jump " << jumps;
		}
	}
	EXPECT_EQ(f.alarms, 2u);
	EXPECT_EQ(f.lastAlarm.rule, "teleport");
}

// A remote desktop samples a moving hand so sparsely that quarter-screen
// jumps after 100 ms of nothing are everyday (Balabit); the hand then
// approaches its target before clicking. Not teleports.
TEST(InjectionPointer, SparseJumpsFollowedByMotionAreNotTeleports)
{
	Feed f;
	f.det.setAbsRange(0, 1919, 0, 1079);
	uint64_t t = 1'000'000;
	const int spots[][2] = {{100, 100}, {1500, 200}, {300, 900}, {1700, 1000}, {200, 150}, {1800, 600}};
	for (const auto &p : spots) {
		f.abs(t, p[0], p[1]);
		t += 16'000;
		f.abs(t, p[0] + 7, p[1] + 3);
		t += 16'000;
		f.abs(t, p[0] + 9, p[1] + 4);
		t += 60'000;
		f.click(t);
		t += 300'000;
	}
	EXPECT_EQ(f.alarms, 0u);
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

namespace {

// Strokes until the first alarm (0: none) of @p p's events.
unsigned strokesToAlarm(const std::vector<InputEvent> &ev, bool absolute, InjectionEvidence *alarm = nullptr)
{
	PointerInjectionDetector det;
	if (absolute)
		det.setAbsRange(0, 32767, 0, 32767);
	unsigned clicks = 0;
	for (const InputEvent &e : ev) {
		if (e.type == EV_KEY && e.value == 1)
			clicks++;
		InjectionEvidence r = det.event(e.timeUsec, e.type, e.code, e.value);
		if (r.alarm) {
			if (alarm)
				*alarm = r;
			return clicks; // the click that ended the stroke
		}
	}
	return 0;
}

} // namespace

// Issue 11, item 6: straight strokes in equal steps of (6, 3) units, three
// strokes of 60 frames, frames 8 ms apart plus 0-1.5 ms of scheduler jitter.
// Judged on geometry: caught when the second stroke ends, whatever the jitter.
TEST(InjectionPointer, JitteredEqualStepStrokesAreRobotic)
{
	PointerAttackProfile p;
	p.path = PointerPath::ConstantStep;
	p.stepX = 6;
	p.stepY = 3;
	p.frames = 60;
	p.intervalMs = 8.0;
	p.jitterMs = 1.5;
	for (uint64_t seed = 1; seed <= 50; seed++) {
		auto ev = generatePointerAttack(p, seed, 3);
		// The timing really is jittered: the old interval rule could not fire.
		uint64_t minDt = UINT64_MAX, maxDt = 0, last = 0;
		for (const InputEvent &e : ev) {
			if (e.type != EV_REL || e.code != REL_X)
				continue;
			if (last && e.timeUsec - last < 100'000) {
				minDt = std::min(minDt, e.timeUsec - last);
				maxDt = std::max(maxDt, e.timeUsec - last);
			}
			last = e.timeUsec;
		}
		EXPECT_GE(minDt, 8000u);
		EXPECT_LE(maxDt, 9500u);
		EXPECT_GT(maxDt - minDt, 1000u) << "seed " << seed;
		InjectionEvidence alarm;
		EXPECT_EQ(strokesToAlarm(ev, false, &alarm), 2u) << "seed " << seed;
		EXPECT_EQ(alarm.rule, "robotic-stroke");
		EXPECT_EQ(alarm.reason, InjectionReason::RoboticPointer);
	}
}

// Issue 11, item 6: straight strokes with eased (tweened) speed at exact
// 10 ms, for each easing curve, stepped by the step number and by the clock.
// Every stroke off the axes is judged eased; the alarm comes with the
// second such stroke in a row.
TEST(InjectionPointer, EasedStraightStrokesAreRobotic)
{
	for (PointerEasing e : {PointerEasing::Linear, PointerEasing::InOutQuad, PointerEasing::InOutCubic,
				PointerEasing::InOutSine, PointerEasing::MinimumJerk}) {
		for (PointerPath path : {PointerPath::EasedSteps, PointerPath::EasedClock}) {
			for (bool absolute : {false, true}) {
				PointerAttackProfile p;
				p.path = path;
				p.easing = e;
				p.frames = 60;
				p.intervalMs = 10.0;
				p.absolute = absolute;
				const std::string what = "easing " + std::to_string(static_cast<int>(e)) + " path " +
							 std::to_string(static_cast<int>(path)) + " absolute " +
							 std::to_string(absolute);
				unsigned caught = 0;
				for (uint64_t seed = 1; seed <= 20; seed++) {
					PointerInjectionDetector det;
					if (absolute)
						det.setAbsRange(0, 32767, 0, 32767);
					unsigned strokes = 0, run = 0, expectAlarm = 0, alarmAt = 0;
					bool pressed = false;
					for (const InputEvent &ev : generatePointerAttack(p, seed, 8)) {
						const bool alarm =
							det.event(ev.timeUsec, ev.type, ev.code, ev.value).alarm;
						pressed = pressed || (ev.type == EV_KEY && ev.value == 1);
						if (ev.type != EV_SYN || !pressed)
							continue;
						// The click's frame ended a stroke: judge it.
						pressed = false;
						strokes++;
						const PointerStrokeGeometry &g = det.lastStroke();
						EXPECT_TRUE(g.judged) << what << " seed " << seed;
						if (!g.axisAligned) {
							EXPECT_TRUE(g.eased) << what << " seed " << seed << " stroke "
									     << strokes << " deviation " << g.deviation
									     << " roughness " << g.roughness;
						}
						run = g.robotic() ? run + 1 : 0;
						if (run == 2 && !expectAlarm)
							expectAlarm = strokes;
						if (alarm && !alarmAt)
							alarmAt = strokes;
					}
					EXPECT_EQ(alarmAt, expectAlarm) << what << " seed " << seed;
					caught += alarmAt > 0;
				}
				// Strokes within 10° of an axis (2 in 9 at random angles) are
				// left to the equal-step rule and break the run; 8 strokes
				// still hold two oblique ones in a row almost always.
				EXPECT_GE(caught, 17u) << what;
			}
		}
	}
}

// A person drawing a near-straight line: the hand's tremor (1.5 units)
// leaves the chord and roughens the progress; never robotic, whatever the
// timing (exact 8 ms here, as a USB mouse polls).
TEST(InjectionPointer, NearlyStraightHumanStrokesAreNotRobotic)
{
	SplitMix64 rng(77);
	Feed f;
	uint64_t t = 1'000'000;
	for (int s = 0; s < 100; s++) {
		const double angle = rng.uniform(0, 2 * M_PI), dist = rng.uniform(150, 600);
		double px = 0, py = 0, rx = 0, ry = 0;
		for (int i = 1; i <= 60; i++) {
			const double u = i / 60.0;
			const double pos = dist * (10 * std::pow(u, 3) - 15 * std::pow(u, 4) + 6 * std::pow(u, 5));
			const double x = pos * std::cos(angle) + 1.5 * rng.normal();
			const double y = pos * std::sin(angle) + 1.5 * rng.normal();
			rx += x - px;
			ry += y - py;
			px = x;
			py = y;
			const int dx = static_cast<int>(std::lround(rx)), dy = static_cast<int>(std::lround(ry));
			rx -= dx;
			ry -= dy;
			t += 8000;
			if (dx || dy)
				f.rel(t, dx, dy);
		}
		t += 400'000;
		f.click(t);
		t += 400'000;
		EXPECT_FALSE(f.det.lastStroke().robotic()) << "stroke " << s;
	}
	EXPECT_EQ(f.alarms, 0u);
}

TEST(InjectionPointer, LocalCubicRoughness)
{
	std::array<double, 20> x{}, y{};
	for (unsigned i = 0; i < x.size(); i++) {
		x[i] = i;
		y[i] = 0.5 * i * i * i - 3.0 * i + 7.0;
	}
	EXPECT_LT(PointerInjectionDetector::localCubicRoughness(x.data(), y.data(), x.size()), 1e-6);
	// One point 2 units off: the windows through it see it.
	y[10] += 2.0;
	const double r = PointerInjectionDetector::localCubicRoughness(x.data(), y.data(), x.size());
	EXPECT_GT(r, 1.0);
	EXPECT_LT(r, 2.0);
	// Timestamps shared by several frames: no cubic, not smooth.
	for (unsigned i = 0; i < x.size(); i++)
		x[i] = i / 4;
	EXPECT_TRUE(std::isinf(PointerInjectionDetector::localCubicRoughness(x.data(), y.data(), x.size())));
	// Fewer points than a window: nothing to say.
	EXPECT_EQ(PointerInjectionDetector::localCubicRoughness(x.data(), y.data(), 6), 0.0);
}

// Hostile values (issue 11, item 6): sums and differences of int32 extremes
// must not overflow (checked under UBSan) and must mean what they say.
TEST(InjectionPointer, ExtremeValuesDoNotOverflow)
{
	// Two REL_X of INT32_MAX in one frame: a jump of 2^32 - 2, a teleport
	// (in 32-bit sums it wrapped to -2, no teleport); the third alarms.
	{
		Feed f;
		uint64_t t = 1'000'000;
		for (int i = 0; i < 3; i++) {
			f.ev(t, EV_REL, REL_X, INT32_MAX);
			f.ev(t, EV_REL, REL_X, INT32_MAX);
			f.ev(t, EV_SYN, SYN_REPORT, 0);
			f.click(t + 10'000);
			t += 200'000;
			EXPECT_EQ(f.alarms, i == 2 ? 1u : 0u) << "frame " << i;
		}
		EXPECT_EQ(f.lastAlarm.rule, "teleport");
		EXPECT_EQ(f.lastAlarm.run, 3u);
	}
	{
		Feed f;
		uint64_t t = 1'000'000;
		for (int i = 0; i < 3; i++) {
			f.ev(t, EV_REL, REL_Y, INT32_MIN);
			f.ev(t, EV_REL, REL_Y, INT32_MIN);
			f.ev(t, EV_SYN, SYN_REPORT, 0);
			f.click(t + 10'000);
			t += 200'000;
		}
		EXPECT_EQ(f.alarms, 1u);
	}
	// The widest absolute range and jumps from end to end: each is the whole
	// range (max - min overflowed int32 before), the third in a row alarms.
	{
		Feed f;
		f.det.setAbsRange(INT32_MIN, INT32_MAX, INT32_MIN, INT32_MAX);
		uint64_t t = 1'000'000;
		const int32_t spots[] = {INT32_MIN, INT32_MAX, INT32_MIN, INT32_MAX};
		for (int32_t v : spots) {
			f.abs(t, v, v);
			f.click(t + 10'000);
			t += 200'000;
		}
		EXPECT_EQ(f.alarms, 1u);
		EXPECT_EQ(f.lastAlarm.rule, "teleport");
	}
	// Strokes of extreme steps and a clock that runs backwards or to the
	// end of time: judged or not, nothing overflows, no alarm from noise.
	{
		Feed f;
		uint64_t t = UINT64_MAX - 5'000'000;
		SplitMix64 rng(5);
		for (int i = 0; i < 2000; i++) {
			const int32_t dx = static_cast<int32_t>(rng.next() % 3999) - 1999;
			const int32_t dy = static_cast<int32_t>(rng.next() % 3999) - 1999;
			f.rel(t, dx, dy);
			t = (i % 300 == 299) ? 0 : t + 8000;
		}
		EXPECT_EQ(f.alarms, 0u);
	}
	// Equal extreme steps are still equal steps: robotic, not overflowed.
	{
		Feed f;
		uint64_t t = 1'000'000;
		for (int s = 0; s < 3; s++) {
			for (int i = 0; i < 60; i++) {
				t += 8000;
				f.rel(t, 1999, -1999);
			}
			t += 400'000;
			f.click(t);
			t += 400'000;
		}
		EXPECT_EQ(f.alarms, 2u);
		EXPECT_EQ(f.lastAlarm.rule, "robotic-stroke");
	}
}

// A stroke longer than the detector keeps is judged in pieces.
TEST(InjectionPointer, LongStrokesAreJudgedInPieces)
{
	Feed f;
	uint64_t t = 1'000'000;
	for (int i = 0; i < 3 * static_cast<int>(PointerInjectionDetector::kMaxStrokePoints); i++) {
		t += 8000;
		f.rel(t, 3, 1);
	}
	EXPECT_GT(f.alarms, 0u);
}

// Along an axis a hand at pixel resolution is as straight as a tween (the
// Balabit data has dozens of such strokes), so there only equal steps count.
TEST(InjectionPointer, AxisAlignedStrokesNeedEqualSteps)
{
	for (bool equalSteps : {true, false}) {
		Feed f;
		uint64_t t = 1'000'000;
		for (int s = 0; s < 3; s++) {
			int sent = 0;
			for (int i = 1; i <= 40; i++) {
				const double u = i / 40.0;
				const int target = static_cast<int>(std::lround(
					200 * (10 * std::pow(u, 3) - 15 * std::pow(u, 4) + 6 * std::pow(u, 5))));
				const int dx = equalSteps ? 5 : target - sent;
				sent += dx;
				t += 16'000;
				if (dx)
					f.rel(t, s % 2 ? -dx : dx, 0);
			}
			t += 400'000;
			f.click(t);
			t += 400'000;
		}
		EXPECT_EQ(f.alarms, equalSteps ? 2u : 0u) << "equal steps " << equalSteps;
		EXPECT_TRUE(f.det.lastStroke().axisAligned);
	}
}
