// SPDX-License-Identifier: MIT
#include "touch-features.h"

#include <linux/input.h>

#include <algorithm>
#include <cmath>

namespace tactus {

std::string_view touchStrokeKindName(TouchStrokeKind kind)
{
	return kind == TouchStrokeKind::Tap ? "tap" : "swipe";
}

std::string_view touchFeatureName(TouchFeature f)
{
	static constexpr std::array<std::string_view, kTouchFeatureCount> names = {
		"duration",      "path-length", "chord",          "straightness",  "direction",
		"mean-speed",    "max-speed",   "mean-curvature", "max-deviation", "mid-pressure",
		"mean-pressure", "mid-area",    "mean-major",     "points",
	};
	const auto i = static_cast<size_t>(f);
	return i < names.size() ? names[i] : "?";
}

std::optional<TouchAxes> touchAxesFor(const DeviceInfo &info, bool *fallback)
{
	if (!info.caps.touchscreen || !info.codes.has(EV_ABS, ABS_MT_SLOT))
		return std::nullopt;
	const auto x = info.absAxes.find(ABS_MT_POSITION_X), y = info.absAxes.find(ABS_MT_POSITION_Y);
	if (x == info.absAxes.end() || y == info.absAxes.end())
		return std::nullopt;
	bool usedFallback = false;
	auto resolution = [&](const AbsAxis &a, double mm) {
		if (a.resolution > 0)
			return static_cast<double>(a.resolution);
		usedFallback = true;
		const double range = static_cast<double>(a.maximum) - static_cast<double>(a.minimum);
		return range > 0 ? range / mm : 1.0;
	};
	TouchAxes axes;
	axes.xResolution = resolution(x->second, kFallbackTouchWidthMm);
	axes.yResolution = resolution(y->second, kFallbackTouchHeightMm);
	axes.pressure = info.codes.has(EV_ABS, ABS_MT_PRESSURE);
	axes.touchMajor = info.codes.has(EV_ABS, ABS_MT_TOUCH_MAJOR);
	axes.touchMinor = info.codes.has(EV_ABS, ABS_MT_TOUCH_MINOR);
	if (fallback)
		*fallback = usedFallback;
	return axes;
}

TouchStrokeTracker::TouchStrokeTracker(const TouchAxes &axes, const TouchStrokeConfig &config)
    : axes_(axes), config_(config), slots_(std::max(1u, config.maxSlots))
{
}

void TouchStrokeTracker::reset()
{
	for (Slot &s : slots_)
		s = Slot{};
	current_ = 0;
}

void TouchStrokeTracker::finish(uint32_t slot)
{
	Slot &s = slots_[slot];
	if (!s.points.empty()) {
		TouchStroke out = computeStroke(s.points, axes_, config_);
		out.slot = slot;
		ready_.push_back(out);
	}
	s.points.clear();
}

void TouchStrokeTracker::event(const InputEvent &e)
{
	if (e.type == EV_SYN && e.code == SYN_DROPPED) {
		reset();
		return;
	}
	if (e.type == EV_SYN && e.code == SYN_REPORT) {
		const double sx = axes_.xResolution > 0 ? 1.0 / axes_.xResolution : 1.0;
		const double sy = axes_.yResolution > 0 ? 1.0 / axes_.yResolution : 1.0;
		for (uint32_t i = 0; i < slots_.size(); i++) {
			Slot &s = slots_[i];
			if (s.active && (s.changed || s.points.empty())) {
				s.points.push_back({e.timeUsec, s.x * sx, s.y * sy, static_cast<double>(s.pressure),
						    static_cast<double>(s.major), static_cast<double>(s.minor)});
				if (s.points.size() >= config_.maxPoints)
					finish(i);
			}
			if (s.ending) {
				// The lift-off frame's time ends the stroke.
				if (!s.points.empty() && s.points.back().timeUsec < e.timeUsec) {
					TouchPoint p = s.points.back();
					p.timeUsec = e.timeUsec;
					s.points.push_back(p);
				}
				finish(i);
				s.active = false;
				s.ending = false;
			}
			s.changed = false;
		}
		return;
	}
	if (e.type != EV_ABS)
		return;
	if (e.code == ABS_MT_SLOT) {
		current_ = e.value >= 0 ? static_cast<uint32_t>(e.value) : UINT32_MAX;
		return;
	}
	if (current_ >= slots_.size())
		return; // a slot beyond maxSlots, or a negative one: ignored
	Slot &s = slots_[current_];
	switch (e.code) {
	case ABS_MT_TRACKING_ID:
		if (e.value < 0) {
			if (s.active)
				s.ending = true;
		} else {
			if (s.active && !s.ending && e.value != s.trackingId)
				finish(current_); // a new contact without a lift-off: the old one ends here
			s.active = true;
			s.ending = false;
			s.trackingId = e.value;
			s.changed = true;
		}
		break;
	case ABS_MT_POSITION_X:
		s.x = e.value;
		s.changed = true;
		break;
	case ABS_MT_POSITION_Y:
		s.y = e.value;
		s.changed = true;
		break;
	case ABS_MT_PRESSURE:
		s.pressure = e.value;
		s.changed = true;
		break;
	case ABS_MT_TOUCH_MAJOR:
		s.major = e.value;
		s.changed = true;
		break;
	case ABS_MT_TOUCH_MINOR:
		s.minor = e.value;
		s.changed = true;
		break;
	default: break;
	}
}

bool TouchStrokeTracker::pop(TouchStroke &out)
{
	if (ready_.empty())
		return false;
	out = ready_.front();
	ready_.pop_front();
	return true;
}

TouchStroke TouchStrokeTracker::computeStroke(const std::vector<TouchPoint> &points, const TouchAxes &axes,
					      const TouchStrokeConfig &config)
{
	TouchStroke out;
	if (points.empty())
		return out;
	auto set = [&](TouchFeature f, double v) { out.features[static_cast<size_t>(f)] = v; };
	const TouchPoint &first = points.front(), &last = points.back(), &mid = points[points.size() / 2];
	out.startUsec = first.timeUsec;
	out.endUsec = last.timeUsec;
	const double duration = static_cast<double>(last.timeUsec - first.timeUsec) / 1e6;
	double path = 0, maxSpeed = 0, curvature = 0;
	size_t turns = 0;
	double prevAngle = 0;
	bool havePrev = false;
	for (size_t i = 1; i < points.size(); i++) {
		const double dx = points[i].x - points[i - 1].x, dy = points[i].y - points[i - 1].y;
		const double ds = std::hypot(dx, dy);
		const double dt = static_cast<double>(points[i].timeUsec - points[i - 1].timeUsec) / 1e6;
		path += ds;
		if (dt > 0)
			maxSpeed = std::max(maxSpeed, ds / dt);
		if (ds > 0) {
			const double angle = std::atan2(dy, dx);
			if (havePrev) {
				double d = std::fabs(angle - prevAngle);
				if (d > M_PI)
					d = 2 * M_PI - d;
				curvature += d / ds;
				turns++;
			}
			prevAngle = angle;
			havePrev = true;
		}
	}
	const double cx = last.x - first.x, cy = last.y - first.y, chord = std::hypot(cx, cy);
	double deviation = 0;
	if (chord > 0)
		for (const TouchPoint &p : points)
			deviation = std::max(deviation, std::fabs(cx * (first.y - p.y) - cy * (first.x - p.x)) / chord);
	out.kind = path <= config.tapMaxDistance ? TouchStrokeKind::Tap : TouchStrokeKind::Swipe;
	set(TouchFeature::Duration, duration);
	set(TouchFeature::PathLength, path);
	set(TouchFeature::Chord, chord);
	set(TouchFeature::Straightness, path > 0 ? chord / path : 1.0);
	set(TouchFeature::Direction, chord > 0 ? std::atan2(cy, cx) : 0.0);
	set(TouchFeature::MeanSpeed, duration > 0 ? path / duration : 0.0);
	set(TouchFeature::MaxSpeed, maxSpeed);
	set(TouchFeature::MeanCurvature, turns ? curvature / static_cast<double>(turns) : 0.0);
	set(TouchFeature::MaxDeviation, deviation);
	double pressure = 0, major = 0;
	for (const TouchPoint &p : points) {
		pressure += p.pressure;
		major += p.major;
	}
	const double n = static_cast<double>(points.size());
	set(TouchFeature::MidPressure, axes.pressure ? mid.pressure : 0.0);
	set(TouchFeature::MeanPressure, axes.pressure ? pressure / n : 0.0);
	set(TouchFeature::MidArea, axes.touchMajor ? mid.major * (axes.touchMinor ? mid.minor : mid.major) : 0.0);
	set(TouchFeature::MeanMajor, axes.touchMajor ? major / n : 0.0);
	set(TouchFeature::Points, n);
	return out;
}

} // namespace tactus
