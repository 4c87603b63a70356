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
		"duration",
		"start-x",
		"start-y",
		"stop-x",
		"stop-y",
		"end-to-end-distance",
		"mean-resultant-length",
		"direction-flag",
		"direction",
		"velocity-20",
		"velocity-50",
		"velocity-80",
		"acceleration-20",
		"acceleration-50",
		"acceleration-80",
		"last-velocity",
		"largest-deviation",
		"deviation-20",
		"deviation-50",
		"deviation-80",
		"average-direction",
		"trajectory-length",
		"straightness",
		"average-velocity",
		"start-acceleration",
		"mid-pressure",
		"mid-area",
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
	axes.xMinimum = x->second.minimum;
	axes.yMinimum = y->second.minimum;
	if (const auto p = info.absAxes.find(ABS_MT_PRESSURE); p != info.absAxes.end() && p->second.maximum > 0)
		axes.pressureMaximum = p->second.maximum;
	if (const auto m = info.absAxes.find(ABS_MT_TOUCH_MAJOR); m != info.absAxes.end() && m->second.maximum > 0)
		axes.majorMaximum = m->second.maximum;
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
		const double sp = axes_.pressureMaximum > 0 ? 1.0 / axes_.pressureMaximum : 1.0;
		const double sm = axes_.majorMaximum > 0 ? 1.0 / axes_.majorMaximum : 1.0;
		for (uint32_t i = 0; i < slots_.size(); i++) {
			Slot &s = slots_[i];
			if (s.active && (s.changed || s.points.empty())) {
				// Touchalytics' frame: mm from the top-left corner, y up.
				const double size = axes_.touchMinor ? (s.major + s.minor) / 2.0 : s.major;
				s.points.push_back(
					{e.timeUsec, (s.x - axes_.xMinimum) * sx, -(s.y - axes_.yMinimum) * sy,
					 axes_.pressure ? s.pressure * sp : 0.0, axes_.touchMajor ? size * sm : 0.0});
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

namespace {

/** The @p p-th percentile (0..100) of @p v as MATLAB's prctile: sorted, the i-th of m at 100 (i − ½) / m. */
double percentile(std::vector<double> v, double p)
{
	if (v.empty())
		return 0.0;
	std::sort(v.begin(), v.end());
	const double r = static_cast<double>(v.size()) * p / 100.0 + 0.5; // 1-based rank
	if (r <= 1.0)
		return v.front();
	if (r >= static_cast<double>(v.size()))
		return v.back();
	const auto lo = static_cast<size_t>(std::floor(r));
	const double frac = r - static_cast<double>(lo);
	return v[lo - 1] + frac * (v[lo] - v[lo - 1]);
}

/** Touchalytics' direction flag of an end-to-end angle @p a (y up): 1 down, 2 right, 3 up, 4 left. */
double directionFlag(double a)
{
	if (a >= -M_PI / 4 && a <= M_PI / 4)
		return 2;
	if (a > -3 * M_PI / 4 && a < -M_PI / 4)
		return 1;
	if (a > M_PI / 4 && a < 3 * M_PI / 4)
		return 3;
	return 4;
}

} // namespace

TouchStroke TouchStrokeTracker::computeStroke(const std::vector<TouchPoint> &points, const TouchAxes &axes,
					      const TouchStrokeConfig &config)
{
	TouchStroke out;
	out.contact = axes.pressure && axes.touchMajor; // the points are already in the features' units
	if (points.empty())
		return out;
	auto set = [&](TouchFeature f, double v) { out.features[static_cast<size_t>(f)] = std::isfinite(v) ? v : 0.0; };
	const TouchPoint &first = points.front(), &last = points.back();
	const size_t n = points.size();
	out.startUsec = first.timeUsec;
	out.endUsec = last.timeUsec;
	const double duration = static_cast<double>(last.timeUsec - first.timeUsec) / 1e6;

	// Segments: speeds, accelerations, angles.
	std::vector<double> speed, accel;
	double length = 0, sumCos = 0, sumSin = 0;
	bool havePrevSpeed = false;
	double prevSpeed = 0;
	for (size_t k = 1; k < n; k++) {
		const double dx = points[k].x - points[k - 1].x, dy = points[k].y - points[k - 1].y;
		const double d = std::hypot(dx, dy);
		const double dt = static_cast<double>(points[k].timeUsec - points[k - 1].timeUsec) / 1e6;
		const double theta = std::atan2(dy, dx); // atan2(0, 0) = 0, as in the study's code
		length += d;
		sumCos += std::cos(theta);
		sumSin += std::sin(theta);
		if (dt <= 0)
			continue;
		const double v = d / dt;
		if (havePrevSpeed)
			accel.push_back((v - prevSpeed) / dt);
		speed.push_back(v);
		prevSpeed = v;
		havePrevSpeed = true;
	}
	const size_t segments = n - 1;
	const double ex = last.x - first.x, ey = last.y - first.y, e2e = std::hypot(ex, ey);
	const double direction = std::atan2(ey, ex);

	// Signed distances of every point from the end-to-end line: projection
	// on its normal (ey, −ex) / |e|.
	std::vector<double> deviation(n, 0.0);
	double largest = 0;
	if (e2e > 0)
		for (size_t i = 0; i < n; i++) {
			deviation[i] = ((points[i].x - first.x) * ey - (points[i].y - first.y) * ex) / e2e;
			if (std::fabs(deviation[i]) > std::fabs(largest))
				largest = deviation[i];
		}

	out.kind = length <= config.tapMaxDistance ? TouchStrokeKind::Tap : TouchStrokeKind::Swipe;
	set(TouchFeature::Duration, duration);
	set(TouchFeature::StartX, first.x);
	set(TouchFeature::StartY, first.y);
	set(TouchFeature::StopX, last.x);
	set(TouchFeature::StopY, last.y);
	set(TouchFeature::EndToEndDistance, e2e);
	set(TouchFeature::MeanResultantLength,
	    segments ? std::hypot(sumCos, sumSin) / static_cast<double>(segments) : 0.0);
	set(TouchFeature::DirectionFlag, directionFlag(direction));
	set(TouchFeature::Direction, direction);
	set(TouchFeature::Velocity20, percentile(speed, 20));
	set(TouchFeature::Velocity50, percentile(speed, 50));
	set(TouchFeature::Velocity80, percentile(speed, 80));
	set(TouchFeature::Acceleration20, percentile(accel, 20));
	set(TouchFeature::Acceleration50, percentile(accel, 50));
	set(TouchFeature::Acceleration80, percentile(accel, 80));
	set(TouchFeature::LastVelocity,
	    percentile(std::vector<double>(speed.end() - static_cast<std::ptrdiff_t>(std::min<size_t>(4, speed.size())),
					   speed.end()),
		       50));
	set(TouchFeature::LargestDeviation, largest);
	set(TouchFeature::Deviation20, percentile(deviation, 20));
	set(TouchFeature::Deviation50, percentile(deviation, 50));
	set(TouchFeature::Deviation80, percentile(deviation, 80));
	set(TouchFeature::AverageDirection, segments ? std::atan2(sumSin, sumCos) : 0.0);
	set(TouchFeature::TrajectoryLength, length);
	set(TouchFeature::Straightness, length > 0 ? e2e / length : 0.0);
	set(TouchFeature::AverageVelocity, duration > 0 ? length / duration : 0.0);
	set(TouchFeature::StartAcceleration,
	    percentile(std::vector<double>(accel.begin(), accel.begin() + static_cast<std::ptrdiff_t>(
										  std::min<size_t>(5, accel.size()))),
		       50));
	// The middle point: the ⌊n/2⌋-th and ⌈n/2⌉-th (1-based), averaged when they differ.
	const size_t lo = std::max<size_t>(n / 2, 1) - 1, hi = (n + 1) / 2 - 1;
	if (out.contact) {
		set(TouchFeature::MidPressure, (points[lo].pressure + points[hi].pressure) / 2);
		set(TouchFeature::MidArea, (points[lo].size + points[hi].size) / 2);
	}
	return out;
}

} // namespace tactus
