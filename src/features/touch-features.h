// SPDX-License-Identifier: MIT
#pragma once

// Touch behaviour features (issue 12): a touchscreen's evdev events
// (INPUT_PROP_DIRECT, multitouch protocol type B: ABS_MT_SLOT,
// ABS_MT_TRACKING_ID, ABS_MT_POSITION_X/Y, and where the device reports them
// ABS_MT_PRESSURE and ABS_MT_TOUCH_MAJOR/MINOR; see the kernel's
// Documentation/input/multi-touch-protocol.rst) cut into strokes, one per
// contact from touch-down to lift-off, each a tap or a swipe, with a fixed
// vector of features in the spirit of Touchalytics (Frank et al., IEEE TIFS
// 2013): duration, length, speed, direction, curvature, deviation from the
// straight line, pressure and contact area. Positions in millimetres when
// the axes' resolution (absinfo, units/mm) is known, else in device units;
// times from the kernel, µs. Pure code: no I/O; per slot one buffer of at
// most maxPoints points.

#include "device-info.h"
#include "input-event.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

namespace tactus {

/** What the device reports, from its absinfo (ranges are not needed). */
struct TouchAxes {
	double xResolution = 0;  ///< ABS_MT_POSITION_X units per mm; 0 if unknown (features in device units)
	double yResolution = 0;  ///< ABS_MT_POSITION_Y units per mm; 0 if unknown
	bool pressure = false;   ///< ABS_MT_PRESSURE present
	bool touchMajor = false; ///< ABS_MT_TOUCH_MAJOR present
	bool touchMinor = false; ///< ABS_MT_TOUCH_MINOR present
};

/** The panel a touchscreen without an absinfo resolution is assumed to span (mm): 13.3 inches, 16:9. */
inline constexpr double kFallbackTouchWidthMm = 293.0, kFallbackTouchHeightMm = 165.0;

/**
 * The axes of a multitouch type B touchscreen (ABS_MT_SLOT and
 * ABS_MT_POSITION_X/Y), nullopt for any other device. Resolution from the
 * ABS_MT_POSITION axes' absinfo (units/mm); an axis without one (0) gets
 * its range over kFallbackTouchWidthMm × kFallbackTouchHeightMm, so
 * features are in millimetres either way (approximate in the fallback).
 * @p fallback, if given, is set when the fallback was used.
 */
std::optional<TouchAxes> touchAxesFor(const DeviceInfo &info, bool *fallback = nullptr);

/** A tap (contact that stays in place) or a swipe. */
enum class TouchStrokeKind : uint8_t { Tap, Swipe };
/** "tap", "swipe". */
std::string_view touchStrokeKindName(TouchStrokeKind kind);

/** Index of each feature in TouchStroke::features. */
enum class TouchFeature : uint8_t {
	Duration,      ///< s, touch-down to lift-off
	PathLength,    ///< mm (or units), Σ segment lengths
	Chord,         ///< mm, first to last point
	Straightness,  ///< chord / path length in (0, 1]; 1 for a tap
	Direction,     ///< radians in [-π, π], direction of the chord (x right, y down); 0 for a tap
	MeanSpeed,     ///< mm/s, path length / duration
	MaxSpeed,      ///< mm/s, fastest segment
	MeanCurvature, ///< rad/mm, mean |Δθ| / Δs between consecutive segments
	MaxDeviation,  ///< mm, largest distance of a point from the chord
	MidPressure,   ///< ABS_MT_PRESSURE at the middle point (device units); 0 if not reported
	MeanPressure,  ///< mean ABS_MT_PRESSURE; 0 if not reported
	MidArea,   ///< TOUCH_MAJOR × TOUCH_MINOR at the middle point (MAJOR² without MINOR), device units²; 0 if not
		   ///< reported
	MeanMajor, ///< mean ABS_MT_TOUCH_MAJOR; 0 if not reported
	Points,    ///< frames in which the contact was seen
	Count
};
inline constexpr size_t kTouchFeatureCount = static_cast<size_t>(TouchFeature::Count);
/** Short stable name of a feature ("mean-speed"). */
std::string_view touchFeatureName(TouchFeature f);

/** One stroke and its features. */
struct TouchStroke {
	TouchStrokeKind kind = TouchStrokeKind::Tap;
	uint32_t slot = 0;
	uint64_t startUsec = 0, endUsec = 0;
	std::array<double, kTouchFeatureCount> features{};

	double operator[](TouchFeature f) const { return features[static_cast<size_t>(f)]; }
};

/** Stroke settings. */
struct TouchStrokeConfig {
	double tapMaxDistance = 2.0; ///< a contact whose path stays within this (mm, or units) is a tap
	uint32_t maxSlots = 16;      ///< slots beyond this are ignored
	uint32_t maxPoints = 4096;   ///< a longer contact ends its stroke here and starts another
};

/** One frame's point of a contact. */
struct TouchPoint {
	uint64_t timeUsec = 0;
	double x = 0, y = 0; ///< mm, or device units
	double pressure = 0, major = 0, minor = 0;
};

/** Follows a type B multitouch device's slots and emits a TouchStroke per contact. */
class TouchStrokeTracker {
public:
	explicit TouchStrokeTracker(const TouchAxes &axes, const TouchStrokeConfig &config = {});

	/** One evdev event, in order; SYN_REPORT commits the frame, SYN_DROPPED drops the contacts in progress. */
	void event(const InputEvent &e);
	/** Take the oldest completed stroke; false if none is ready. */
	bool pop(TouchStroke &out);
	/** Forget every contact (a new session, a resync). */
	void reset();

	/** Features of one contact's points (at least 1). Exposed for tests. */
	static TouchStroke computeStroke(const std::vector<TouchPoint> &points, const TouchAxes &axes,
					 const TouchStrokeConfig &config);

private:
	struct Slot {
		bool active = false, changed = false, ending = false;
		int32_t trackingId = -1;
		int32_t x = 0, y = 0, pressure = 0, major = 0, minor = 0;
		std::vector<TouchPoint> points;
	};
	void finish(uint32_t slot);

	TouchAxes axes_;
	TouchStrokeConfig config_;
	std::vector<Slot> slots_;
	uint32_t current_ = 0;
	std::deque<TouchStroke> ready_;
};

} // namespace tactus
