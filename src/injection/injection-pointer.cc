// SPDX-License-Identifier: MIT
#include "injection-pointer.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tactus {

namespace {

constexpr uint32_t kDegree = 3;

int64_t magnitude(int64_t v)
{
	return v < 0 ? -v : v; // |v| of a sum of int32 values: never INT64_MIN
}

} // namespace

void PointerInjectionDetector::setAbsRange(int32_t minX, int32_t maxX, int32_t minY, int32_t maxY)
{
	absMinX_ = minX;
	absMaxX_ = maxX;
	absMinY_ = minY;
	absMaxY_ = maxY;
}

void PointerInjectionDetector::reset()
{
	// Field by field, keeping the configuration and the axis ranges: the
	// stroke's point array is too large to build a fresh detector for it.
	relX_ = relY_ = 0;
	haveAbsX_ = haveAbsY_ = false;
	absX_ = absY_ = 0;
	buttonInFrame_ = false;
	pressInFrame_ = false;
	teleportPending_ = false;
	havePos_ = false;
	posX_ = posY_ = 0;
	lastMotionUsec_ = 0;
	stroke_.points = 0;
	stroke_.lastUsec = 0;
	last_ = PointerStrokeGeometry{};
	roboticRun_ = 0;
	teleportRun_ = 0;
}

InjectionEvidence PointerInjectionDetector::event(uint64_t timeUsec, uint16_t type, uint16_t code, int32_t value)
{
	switch (type) {
	case EV_REL:
		// int64: a hostile device may send INT32_MAX many times in a frame.
		if (code == REL_X)
			relX_ += value;
		else if (code == REL_Y)
			relY_ += value;
		break;
	case EV_ABS:
		if (code == ABS_X) {
			absX_ = value;
			haveAbsX_ = true;
		} else if (code == ABS_Y) {
			absY_ = value;
			haveAbsY_ = true;
		}
		break;
	case EV_KEY:
		buttonInFrame_ = true;
		pressInFrame_ = pressInFrame_ || value == 1;
		break;
	case EV_SYN:
		if (code == SYN_REPORT)
			return endFrame(timeUsec);
		if (code == SYN_DROPPED)
			reset();
		break;
	default: break;
	}
	InjectionEvidence e;
	e.reason = InjectionReason::RoboticPointer;
	return e;
}

double PointerInjectionDetector::localCubicResidual(const double *x, const double *y)
{
	// Least squares by modified Gram-Schmidt on 1, u, u², u³ with u the
	// abscissa centred and scaled to [-1, 1] (well conditioned).
	double lo = x[0], hi = x[0];
	for (uint32_t k = 1; k < kCubicWindow; k++) {
		lo = std::min(lo, x[k]);
		hi = std::max(hi, x[k]);
	}
	const double mid = (lo + hi) / 2, half = (hi - lo) / 2;
	if (!(half > 0))
		return std::numeric_limits<double>::infinity();
	std::array<std::array<double, kCubicWindow>, kDegree + 1> q{};
	for (uint32_t k = 0; k < kCubicWindow; k++) {
		const double u = (x[k] - mid) / half;
		q[0][k] = 1.0;
		for (uint32_t d = 1; d <= kDegree; d++)
			q[d][k] = q[d - 1][k] * u;
	}
	std::array<double, kCubicWindow> r{};
	for (uint32_t k = 0; k < kCubicWindow; k++)
		r[k] = y[k];
	for (uint32_t d = 0; d <= kDegree; d++) {
		for (uint32_t e = 0; e < d; e++) {
			double dot = 0;
			for (uint32_t k = 0; k < kCubicWindow; k++)
				dot += q[d][k] * q[e][k];
			for (uint32_t k = 0; k < kCubicWindow; k++)
				q[d][k] -= dot * q[e][k];
		}
		double norm = 0;
		for (uint32_t k = 0; k < kCubicWindow; k++)
			norm += q[d][k] * q[d][k];
		norm = std::sqrt(norm);
		// Fewer than 4 distinct abscissae (timestamps shared by several
		// frames): no cubic through them says anything.
		if (norm < 1e-6)
			return std::numeric_limits<double>::infinity();
		double dot = 0;
		for (uint32_t k = 0; k < kCubicWindow; k++) {
			q[d][k] /= norm;
			dot += q[d][k] * r[k];
		}
		for (uint32_t k = 0; k < kCubicWindow; k++)
			r[k] -= dot * q[d][k];
	}
	double worst = 0.0;
	for (uint32_t k = 0; k < kCubicWindow; k++)
		worst = std::max(worst, std::fabs(r[k]));
	return worst;
}

double PointerInjectionDetector::localCubicRoughness(const double *x, const double *y, uint32_t n)
{
	double worst = 0.0;
	for (uint32_t i = 0; i + kCubicWindow <= n; i++)
		worst = std::max(worst, localCubicResidual(x + i, y + i));
	return worst;
}

PointerStrokeGeometry PointerInjectionDetector::judge(const Stroke &s) const
{
	PointerStrokeGeometry g;
	if (s.points < 2)
		return g;
	const uint32_t n = s.points;
	g.frames = n - 1;
	const Point &end = s.p[n - 1];
	g.chord = std::hypot(end.x, end.y);
	g.judged = g.frames >= config_.minStrokeFrames && g.chord >= config_.minStrokeLength &&
		   g.chord / g.frames >= config_.minMeanStep;
	if (!g.judged)
		return g;

	// Constant step: the modal step vector (steps are whole units, so
	// equality is exact) and the share of frames moving by it.
	uint32_t best = 0;
	for (uint32_t i = 1; i < n && best * 2 <= g.frames; i++) {
		const double sx = s.p[i].x - s.p[i - 1].x, sy = s.p[i].y - s.p[i - 1].y;
		uint32_t same = 0;
		for (uint32_t k = 1; k < n; k++)
			same += s.p[k].x - s.p[k - 1].x == sx && s.p[k].y - s.p[k - 1].y == sy;
		best = std::max(best, same);
	}
	g.constantShare = static_cast<double>(best) / g.frames;
	g.constantStep = g.constantShare >= config_.constantStepShare;

	// The line the points lie on: their principal axis (orthogonal
	// regression through the centroid), pointing from start to end. The
	// chord would do, but its ends are rounded too.
	double mx = 0, my = 0;
	for (uint32_t i = 0; i < n; i++) {
		mx += s.p[i].x;
		my += s.p[i].y;
	}
	mx /= n;
	my /= n;
	double sxx = 0, syy = 0, sxy = 0;
	for (uint32_t i = 0; i < n; i++) {
		const double dx = s.p[i].x - mx, dy = s.p[i].y - my;
		sxx += dx * dx;
		syy += dy * dy;
		sxy += dx * dy;
	}
	const double theta = 0.5 * std::atan2(2 * sxy, sxx - syy);
	double ux = std::cos(theta), uy = std::sin(theta);
	if (ux * end.x + uy * end.y < 0) {
		ux = -ux;
		uy = -uy;
	}
	const double axisAngle =
		std::atan2(std::min(std::fabs(ux), std::fabs(uy)), std::max(std::fabs(ux), std::fabs(uy)));
	g.axisAligned = axisAngle < config_.minAxisAngleDeg * M_PI / 180.0;
	std::array<double, kMaxStrokePoints> along{}, index{}, ms{};
	for (uint32_t i = 0; i < n; i++) {
		const Point &p = s.p[i];
		g.deviation = std::max(g.deviation, std::fabs((p.y - my) * ux - (p.x - mx) * uy));
		along[i] = p.x * ux + p.y * uy;
		index[i] = i;
		ms[i] = static_cast<double>(p.t - s.p[0].t) / 1000.0;
	}
	if (g.deviation > config_.maxDeviation) {
		g.roughness = std::numeric_limits<double>::infinity(); // not computed: not straight
		return g;
	}
	// Over the step number: equal steps or a tween stepped by a loop
	// (pyautogui, xdotool), whatever the sleep() between steps does. Over
	// time: a tween that reads the clock. Each window by whichever fits it
	// better: a tween stepped by a loop skips the frames where the rounded
	// position does not move (the slow ends of an easing), which only the
	// clock then spaces right.
	g.roughness = 0.0;
	for (uint32_t i = 0; i + kCubicWindow <= n; i++)
		g.roughness = std::max(g.roughness, std::min(localCubicResidual(&index[i], &along[i]),
							     localCubicResidual(&ms[i], &along[i])));
	g.eased = !g.axisAligned && g.roughness <= config_.maxRoughness;
	return g;
}

InjectionEvidence PointerInjectionDetector::finishStroke()
{
	InjectionEvidence e;
	e.reason = InjectionReason::RoboticPointer;
	const PointerStrokeGeometry g = judge(stroke_);
	const Stroke &s = stroke_;
	uint64_t minDt = UINT64_MAX, maxDt = 0;
	for (uint32_t i = 1; i < s.points; i++) {
		const uint64_t dt = s.p[i].t - s.p[i - 1].t;
		minDt = std::min(minDt, dt);
		maxDt = std::max(maxDt, dt);
	}
	const uint64_t span = s.points > 1 ? s.p[s.points - 1].t - s.p[0].t : 0;
	stroke_.points = 0;
	if (g.frames)
		last_ = g;
	if (!g.judged)
		return e;
	roboticRun_ = g.robotic() ? std::min(roboticRun_ + 1, config_.roboticStrokes) : 0;
	e.rule = "robotic-stroke";
	e.run = roboticRun_;
	e.strength =
		config_.roboticStrokes ? std::min(1.0, static_cast<double>(roboticRun_) / config_.roboticStrokes) : 1.0;
	e.meanGapMs = static_cast<double>(span) / 1000.0 / g.frames;
	e.spreadGapMs = static_cast<double>(maxDt - minDt) / 1000.0;
	e.alarm = g.robotic() && roboticRun_ >= config_.roboticStrokes;
	return e;
}

InjectionEvidence PointerInjectionDetector::motion(uint64_t t, double dx, double dy)
{
	InjectionEvidence done;
	done.reason = InjectionReason::RoboticPointer;
	Stroke &s = stroke_;
	// A pause ends a stroke; so does a full buffer (the rest is judged as
	// the next piece, from the point reached).
	if (s.points && (t - s.lastUsec > config_.strokePauseUsec || t < s.lastUsec))
		done = finishStroke();
	else if (s.points == kMaxStrokePoints) {
		const Point from = s.p[s.points - 1];
		done = finishStroke();
		s.p[0] = Point{0, 0, from.t};
		s.points = 1;
	}
	if (!s.points) {
		// The stroke starts where this frame leaves the pointer.
		s.p[0] = Point{0, 0, t};
		s.points = 1;
		s.lastUsec = t;
		return done;
	}
	const Point &prev = s.p[s.points - 1];
	// Points are relative to the start and bounded by 256 frames of
	// int32 steps: no precision lost in a double.
	s.p[s.points] = Point{prev.x + dx, prev.y + dy, t};
	s.points++;
	s.lastUsec = t;
	return done;
}

InjectionEvidence PointerInjectionDetector::endFrame(uint64_t t)
{
	InjectionEvidence e;
	e.reason = InjectionReason::RoboticPointer;
	bool moved = false;
	bool teleport = false;
	double dx = static_cast<double>(relX_), dy = static_cast<double>(relY_);
	if (relX_ || relY_) {
		moved = true;
		teleport = magnitude(relX_) >= config_.relTeleport || magnitude(relY_) >= config_.relTeleport;
	}
	if (haveAbsX_ || haveAbsY_) {
		const int32_t nx = haveAbsX_ ? absX_ : posX_;
		const int32_t ny = haveAbsY_ ? absY_ : posY_;
		if (havePos_) {
			const int64_t jx = static_cast<int64_t>(nx) - posX_;
			const int64_t jy = static_cast<int64_t>(ny) - posY_;
			dx = static_cast<double>(jx);
			dy = static_cast<double>(jy);
			moved = jx != 0 || jy != 0;
			const bool ranged = absMaxX_ > absMinX_ && absMaxY_ > absMinY_;
			const double rx = static_cast<double>(std::max<int64_t>(1, absMaxX_ - absMinX_));
			const double ry = static_cast<double>(std::max<int64_t>(1, absMaxY_ - absMinY_));
			const bool still = !lastMotionUsec_ || t - lastMotionUsec_ >= config_.stillUsec;
			// A touch or pen landing jumps by nature; only button-less jumps count.
			teleport = ranged && still && !buttonInFrame_ &&
				   (std::fabs(dx) / rx >= config_.teleportFraction ||
				    std::fabs(dy) / ry >= config_.teleportFraction);
		}
		posX_ = nx;
		posY_ = ny;
		havePos_ = true;
	}
	relX_ = relY_ = 0;
	haveAbsX_ = haveAbsY_ = false;
	const bool button = buttonInFrame_, press = pressInFrame_;
	buttonInFrame_ = pressInFrame_ = false;

	if (moved) {
		if (teleport) {
			// A jump: a teleport if a press follows with no motion
			// between. It ends the stroke in progress.
			InjectionEvidence done = stroke_.points ? finishStroke() : e;
			teleportPending_ = true;
			lastMotionUsec_ = t;
			return done;
		}
		// Motion after a jump is an approach: what a hand does.
		teleportPending_ = false;
		teleportRun_ = 0;
		InjectionEvidence done = motion(t, dx, dy);
		lastMotionUsec_ = t;
		return done;
	}
	if (press && teleportPending_) {
		teleportPending_ = false;
		teleportRun_ = std::min(teleportRun_ + 1, config_.teleports);
		e.rule = "teleport";
		e.run = teleportRun_;
		e.strength =
			config_.teleports ? std::min(1.0, static_cast<double>(teleportRun_) / config_.teleports) : 1.0;
		e.alarm = teleportRun_ >= config_.teleports;
		return e;
	}
	if (button && stroke_.points)
		return finishStroke();
	return e;
}

} // namespace tactus
