// SPDX-License-Identifier: MIT
#include "injection-pointer.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tactus {

void PointerInjectionDetector::setAbsRange(int32_t minX, int32_t maxX, int32_t minY, int32_t maxY)
{
	absMinX_ = minX;
	absMaxX_ = maxX;
	absMinY_ = minY;
	absMaxY_ = maxY;
}

void PointerInjectionDetector::reset()
{
	PointerInjectionDetector fresh(config_);
	fresh.setAbsRange(absMinX_, absMaxX_, absMinY_, absMaxY_);
	*this = fresh;
}

InjectionEvidence PointerInjectionDetector::event(uint64_t timeUsec, uint16_t type, uint16_t code, int32_t value)
{
	switch (type) {
	case EV_REL:
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
	case EV_KEY: buttonInFrame_ = true; break;
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

void PointerInjectionDetector::motion(uint64_t t, double dx, double dy)
{
	Stroke &s = stroke_;
	if (s.frames && t - s.lastUsec > config_.strokePauseUsec)
		s = Stroke{};
	if (!s.frames) {
		s.frames = 1;
		s.lastUsec = t;
		s.x0 = s.y0 = 0;
		s.x = dx;
		s.y = dy;
		double len = std::hypot(dx, dy);
		s.path = len;
		if (len > 0) {
			s.dirX = dx / len;
			s.dirY = dy / len;
		}
		return;
	}
	uint64_t dt = t - s.lastUsec;
	s.lastUsec = t;
	s.minDt = std::min(s.minDt, dt);
	s.maxDt = std::max(s.maxDt, dt);
	double len = std::hypot(dx, dy);
	double speed = dt ? len / static_cast<double>(dt) : len;
	s.sumSpeed += speed;
	s.sumSpeed2 += speed * speed;
	s.path += len;
	s.x += dx;
	s.y += dy;
	s.frames++;
	if (s.dirX == 0 && s.dirY == 0 && len > 0) {
		s.dirX = dx / len;
		s.dirY = dy / len;
	}
	// Distance of the current point from the line through the start along
	// the first direction: a human hand wanders off it, a script does not.
	double dev = std::fabs(s.x * s.dirY - s.y * s.dirX);
	s.maxDev = std::max(s.maxDev, dev);
}

InjectionEvidence PointerInjectionDetector::finishStroke()
{
	InjectionEvidence e;
	e.reason = InjectionReason::RoboticPointer;
	const Stroke s = stroke_;
	stroke_ = Stroke{};
	if (s.frames < config_.minStrokeFrames)
		return e;
	double chord = std::hypot(s.x, s.y);
	if (chord < config_.minStrokeLength)
		return e;
	double n = s.frames - 1;
	double mean = s.sumSpeed / n;
	double var = std::max(0.0, s.sumSpeed2 / n - mean * mean);
	double cv = mean > 0 ? std::sqrt(var) / mean : 1.0;
	bool robotic = s.maxDev <= config_.maxDeviation && cv <= config_.maxSpeedCv &&
		       static_cast<double>(s.maxDt - s.minDt) <= config_.maxIntervalSpreadUsec;
	roboticRun_ = robotic ? roboticRun_ + 1 : 0;
	e.rule = "robotic-stroke";
	e.run = roboticRun_;
	e.strength = std::min(1.0, static_cast<double>(roboticRun_) / config_.roboticStrokes);
	e.meanGapMs = static_cast<double>(s.minDt + s.maxDt) / 2000.0;
	e.spreadGapMs = static_cast<double>(s.maxDt - s.minDt) / 1000.0;
	e.alarm = roboticRun_ >= config_.roboticStrokes;
	return e;
}

InjectionEvidence PointerInjectionDetector::endFrame(uint64_t t)
{
	InjectionEvidence e;
	e.reason = InjectionReason::RoboticPointer;
	bool moved = false;
	bool teleport = false;
	double dx = relX_, dy = relY_;
	if (relX_ || relY_) {
		moved = true;
		teleport = std::abs(relX_) >= config_.relTeleport || std::abs(relY_) >= config_.relTeleport;
	}
	if (haveAbsX_ || haveAbsY_) {
		int32_t nx = haveAbsX_ ? absX_ : posX_;
		int32_t ny = haveAbsY_ ? absY_ : posY_;
		if (havePos_) {
			dx = nx - posX_;
			dy = ny - posY_;
			moved = dx != 0 || dy != 0;
			double rx = std::max(1, absMaxX_ - absMinX_);
			double ry = std::max(1, absMaxY_ - absMinY_);
			bool ranged = absMaxX_ > absMinX_ && absMaxY_ > absMinY_;
			bool still = !lastMotionUsec_ || t - lastMotionUsec_ >= config_.stillUsec;
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
	bool button = buttonInFrame_;
	buttonInFrame_ = false;

	if (moved) {
		if (teleport) {
			teleportRun_++;
			e.rule = "teleport";
			e.run = teleportRun_;
			e.strength = std::min(1.0, static_cast<double>(teleportRun_) / config_.teleports);
			e.alarm = teleportRun_ >= config_.teleports;
			stroke_ = Stroke{};
			lastMotionUsec_ = t;
			return e;
		}
		// Ordinary motion between jumps is what a hand does.
		teleportRun_ = 0;
		if (stroke_.frames && t - stroke_.lastUsec > config_.strokePauseUsec) {
			InjectionEvidence done = finishStroke();
			motion(t, dx, dy);
			lastMotionUsec_ = t;
			return done;
		}
		motion(t, dx, dy);
		lastMotionUsec_ = t;
		return e;
	}
	if (button && stroke_.frames)
		return finishStroke();
	return e;
}

} // namespace tactus
