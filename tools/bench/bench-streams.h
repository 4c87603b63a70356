// SPDX-License-Identifier: MIT
#pragma once

// Generated evdev streams for the benchmarks: a typist, a mouse and a
// touchscreen, frame by frame, from a fixed-seed PRNG so every run measures
// the same input. Keys are random letters (never text); times are µs on one
// clock shared by all streams, so a replay can merge them in time order.

#include "input-event.h"
#include "splitmix64.h"

#include <linux/input-event-codes.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace tactus::bench {

/** Human-paced typing: log-normal flights around 1 / @p keysPerSecond, log-normal dwells (median 90 ms). */
class TypistStream {
public:
	TypistStream(uint64_t seed, double keysPerSecond, uint64_t startUsec)
	    : rng_(seed), meanGapUsec_(1e6 / keysPerSecond), next_(startUsec)
	{
	}
	/** When the next frame is due (µs). */
	uint64_t nextUsec() const { return next_; }
	/** Append the next frame (MSC_SCAN, EV_KEY, SYN_REPORT) to @p out and advance. */
	void frame(std::vector<InputEvent> &out)
	{
		const bool press = !down_;
		if (press)
			code_ = kLetters[rng_.below(std::size(kLetters))];
		out.push_back({next_, EV_MSC, MSC_SCAN, 0x70004 + static_cast<int32_t>(code_ % 26)});
		out.push_back({next_, EV_KEY, code_, press ? 1 : 0});
		out.push_back({next_, EV_SYN, SYN_REPORT, 0});
		down_ = press;
		const double dwell = 90e3 * std::exp(0.3 * rng_.normal());
		const double gap = meanGapUsec_ * std::exp(0.4 * rng_.normal() - 0.08);
		next_ += static_cast<uint64_t>(press ? std::max(dwell, 20e3) : std::max(gap - dwell, 10e3));
	}

private:
	static constexpr uint16_t kLetters[] = {KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K,
						KEY_L, KEY_E, KEY_R, KEY_T, KEY_I, KEY_O, KEY_N, KEY_SPACE};
	SplitMix64 rng_;
	double meanGapUsec_;
	uint64_t next_;
	uint16_t code_ = KEY_A;
	bool down_ = false;
};

/**
 * A mouse reporting at @p hz while it moves: curved strokes of 0.3–1.5 s
 * (REL_X, REL_Y, SYN_REPORT per report, sub-unit motion carried over), a
 * click at the end of every third, pauses of 50–400 ms between.
 */
class MouseStream {
public:
	MouseStream(uint64_t seed, double hz, uint64_t startUsec)
	    : rng_(seed), periodUsec_(1e6 / hz), next_(startUsec), strokeStart_(static_cast<double>(startUsec))
	{
		newStroke();
	}
	uint64_t nextUsec() const { return next_; }
	void frame(std::vector<InputEvent> &out)
	{
		if (click_ == 1 || click_ == 2) {
			out.push_back({next_, EV_MSC, MSC_SCAN, 0x90001});
			out.push_back({next_, EV_KEY, BTN_LEFT, click_ == 1 ? 1 : 0});
			out.push_back({next_, EV_SYN, SYN_REPORT, 0});
			next_ += click_ == 1 ? 80'000 + rng_.below(60'000) : 0;
			if (click_++ == 2) {
				click_ = 0;
				next_ += 50'000 + rng_.below(350'000);
				newStroke();
			}
			return;
		}
		// Minimum-jerk-like speed profile along a bent path, plus hand tremor.
		const double u = (static_cast<double>(next_) - strokeStart_) / strokeUsec_;
		const double speed = 30.0 * u * u * (1 - u) * (1 - u) * length_ / strokeUsec_ * periodUsec_;
		const double heading = angle_ + bend_ * (u - 0.5);
		carryX_ += speed * std::cos(heading) + 0.3 * rng_.normal();
		carryY_ += speed * std::sin(heading) + 0.3 * rng_.normal();
		const auto dx = static_cast<int32_t>(carryX_), dy = static_cast<int32_t>(carryY_);
		carryX_ -= dx;
		carryY_ -= dy;
		if (dx)
			out.push_back({next_, EV_REL, REL_X, dx});
		if (dy)
			out.push_back({next_, EV_REL, REL_Y, dy});
		if (!dx && !dy) // a report always moves: keep the frame, as a real mouse's smallest step
			out.push_back({next_, EV_REL, REL_X, 1});
		out.push_back({next_, EV_SYN, SYN_REPORT, 0});
		next_ += static_cast<uint64_t>(periodUsec_);
		if (static_cast<double>(next_) - strokeStart_ >= strokeUsec_) {
			if (++strokes_ % 3 == 0) {
				click_ = 1;
				next_ += 100'000 + rng_.below(200'000);
			} else {
				next_ += 50'000 + rng_.below(350'000);
				newStroke();
			}
		}
	}

private:
	void newStroke()
	{
		strokeStart_ = static_cast<double>(next_);
		strokeUsec_ = 300e3 + rng_.uniform() * 1200e3;
		length_ = 100 + rng_.uniform() * 900;
		angle_ = rng_.uniform(-M_PI, M_PI);
		bend_ = rng_.uniform(-0.8, 0.8);
	}
	SplitMix64 rng_;
	double periodUsec_;
	uint64_t next_;
	double strokeStart_, strokeUsec_ = 0, length_ = 0, angle_ = 0, bend_ = 0;
	double carryX_ = 0, carryY_ = 0;
	unsigned strokes_ = 0;
	int click_ = 0;
};

/** A one-finger touchscreen (type B slots): taps and swipes at @p hz, with pressure and contact size. */
class TouchStream {
public:
	TouchStream(uint64_t seed, double hz, uint64_t startUsec) : rng_(seed), periodUsec_(1e6 / hz), next_(startUsec)
	{
	}
	uint64_t nextUsec() const { return next_; }
	void frame(std::vector<InputEvent> &out)
	{
		if (!down_) {
			down_ = true;
			frames_ = rng_.below(3) == 0 ? 3 + rng_.below(4) : 10 + rng_.below(40); // tap or swipe
			x_ = rng_.uniform(100, 900);
			y_ = rng_.uniform(100, 1800);
			dx_ = frames_ > 6 ? rng_.uniform(-25, 25) : 0;
			dy_ = frames_ > 6 ? rng_.uniform(-40, 40) : 0;
			out.push_back({next_, EV_ABS, ABS_MT_SLOT, 0});
			out.push_back({next_, EV_ABS, ABS_MT_TRACKING_ID, static_cast<int32_t>(++tracking_)});
			out.push_back({next_, EV_KEY, BTN_TOUCH, 1});
		}
		x_ += dx_ + rng_.normal();
		y_ += dy_ + rng_.normal();
		out.push_back({next_, EV_ABS, ABS_MT_POSITION_X, static_cast<int32_t>(x_)});
		out.push_back({next_, EV_ABS, ABS_MT_POSITION_Y, static_cast<int32_t>(y_)});
		out.push_back({next_, EV_ABS, ABS_MT_PRESSURE, 40 + static_cast<int32_t>(rng_.below(30))});
		out.push_back({next_, EV_ABS, ABS_MT_TOUCH_MAJOR, 8 + static_cast<int32_t>(rng_.below(4))});
		if (--frames_ == 0) {
			out.push_back({next_, EV_ABS, ABS_MT_TRACKING_ID, -1});
			out.push_back({next_, EV_KEY, BTN_TOUCH, 0});
			down_ = false;
		}
		out.push_back({next_, EV_SYN, SYN_REPORT, 0});
		next_ += down_ ? static_cast<uint64_t>(periodUsec_) : 200'000 + rng_.below(600'000);
	}

private:
	SplitMix64 rng_;
	double periodUsec_;
	uint64_t next_;
	bool down_ = false;
	uint64_t frames_ = 0;
	uint32_t tracking_ = 0;
	double x_ = 0, y_ = 0, dx_ = 0, dy_ = 0;
};

/** Frames of @p stream until @p events events, as one flat vector (SYN_REPORT-terminated frames). */
template<typename Stream>
std::vector<InputEvent> collect(Stream &&stream, size_t events)
{
	std::vector<InputEvent> out;
	out.reserve(events + 16);
	while (out.size() < events)
		stream.frame(out);
	return out;
}

} // namespace tactus::bench
