// SPDX-License-Identifier: MIT
#pragma once

// Touch behaviour features (issue 12): a touchscreen's evdev events
// (INPUT_PROP_DIRECT, multitouch protocol type B: ABS_MT_SLOT,
// ABS_MT_TRACKING_ID, ABS_MT_POSITION_X/Y, and where the device reports them
// ABS_MT_PRESSURE and ABS_MT_TOUCH_MAJOR/MINOR; see the kernel's
// Documentation/input/multi-touch-protocol.rst) cut into strokes, one per
// contact from touch-down to lift-off, each a tap or a swipe, with the
// per-stroke features of Touchalytics (Frank et al., "Touchalytics: On the
// Applicability of Touchscreen Input as a Behavioral Biometric for
// Continuous Authentication", IEEE TIFS 8(1), 2013, Table I) that a
// touchscreen's own events give: F2..F28 of the published feature files, in
// their units and conventions (s, mm from the panel's top-left corner with y
// pointing up, i.e. y ≤ 0; pressure and contact size as fractions of the
// axes' maxima, as Android reports them), so a model fitted on the
// Touchalytics features scores the daemon's strokes unchanged. Of the
// study's 30 features three are not computed here: F1, the inter-stroke
// time, is known only when the next stroke starts (a stroke is finished at
// its lift-off); F29, the finger orientation, has no fixed unit in evdev
// (ABS_MT_ORIENTATION's range is the driver's) and takes only −π/2, 0, π/2
// in the published data; F30, the phone's orientation, is not a
// touchscreen event. Times from the kernel, µs. Pure code: no I/O; per slot
// one buffer of at most maxPoints points.

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
	double xResolution = 0;            ///< ABS_MT_POSITION_X units per mm; 0 if unknown (features in device units)
	double yResolution = 0;            ///< ABS_MT_POSITION_Y units per mm; 0 if unknown
	bool pressure = false;             ///< ABS_MT_PRESSURE present
	bool touchMajor = false;           ///< ABS_MT_TOUCH_MAJOR present
	bool touchMinor = false;           ///< ABS_MT_TOUCH_MINOR present
	double xMinimum = 0, yMinimum = 0; ///< ABS_MT_POSITION_X/Y absinfo minimum: the panel's top-left corner
	double pressureMaximum = 0; ///< ABS_MT_PRESSURE absinfo maximum (pressure is a fraction of it); 0: raw units
	double majorMaximum = 0;    ///< ABS_MT_TOUCH_MAJOR absinfo maximum (size is a fraction of it); 0: raw units
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

/**
 * Index of each feature in TouchStroke::features: Touchalytics F2..F28, in
 * that order (feature i is F(i + 2), column `F<i+2>` of the published
 * files). Points p_0..p_{n−1}: (t s, x mm, y mm with y up); segment k joins
 * p_{k−1} and p_k: displacement (dx_k, dy_k), length d_k, time δ_k, angle
 * θ_k = atan2(dy_k, dx_k) (0 for a zero displacement), speed v_k = d_k / δ_k
 * (segments with δ_k = 0 have no speed); acceleration a_k = (v_k − v_{k−1})
 * / δ_k from the second speed on. Percentiles interpolate as MATLAB's
 * prctile (the i-th smallest of m values sits at 100 (i − ½) / m).
 */
enum class TouchFeature : uint8_t {
	Duration,            ///< F2: s, touch-down to lift-off
	StartX,              ///< F3: mm from the left edge
	StartY,              ///< F4: mm, −(distance from the top edge)
	StopX,               ///< F5
	StopY,               ///< F6
	EndToEndDistance,    ///< F7: mm, first to last point
	MeanResultantLength, ///< F8: |mean of (cos θ_k, sin θ_k)| in [0, 1]; 0 without a segment
	DirectionFlag,    ///< F9: 1, 2, 3, 4 for a finger moving down, right, up, left (the end-to-end line's quadrant)
	Direction,        ///< F10: radians in [−π, π], atan2 of the end-to-end line (y up)
	Velocity20,       ///< F11: mm/s, 20th percentile of v_k
	Velocity50,       ///< F12: median v_k
	Velocity80,       ///< F13: 80th percentile of v_k
	Acceleration20,   ///< F14: mm/s², 20th percentile of a_k
	Acceleration50,   ///< F15
	Acceleration80,   ///< F16
	LastVelocity,     ///< F17: mm/s, median of the last 4 speeds
	LargestDeviation, ///< F18: mm, signed distance from the end-to-end line of the point farthest from it
	Deviation20,      ///< F19: mm, 20th percentile of every point's signed distance from that line
	Deviation50,      ///< F20
	Deviation80,      ///< F21
	AverageDirection, ///< F22: radians, circular mean of θ_k, atan2(Σ sin θ_k, Σ cos θ_k)
	TrajectoryLength, ///< F23: mm, Σ d_k
	Straightness,     ///< F24: end-to-end distance / trajectory length; 0 for a still contact
	AverageVelocity,  ///< F25: mm/s, trajectory length / duration; 0 for a zero duration
	StartAcceleration, ///< F26: mm/s², median of the first 5 accelerations
	MidPressure,       ///< F27: ABS_MT_PRESSURE / its maximum at the middle point; 0 if not reported
	MidArea,           ///< F28: contact size (mean of TOUCH_MAJOR and MINOR, or MAJOR) / MAJOR's maximum at
			   ///< the middle point; 0 if not reported
	Count
};
inline constexpr size_t kTouchFeatureCount = static_cast<size_t>(TouchFeature::Count);
/** Index in the Touchalytics F1..F30 vector (0 = F1) of the first feature, Duration (F2). */
inline constexpr size_t kTouchalyticsFirstFeature = 1;
/** Short stable name of a feature ("velocity-50"). */
std::string_view touchFeatureName(TouchFeature f);

/** One stroke and its features. */
struct TouchStroke {
	TouchStrokeKind kind = TouchStrokeKind::Tap;
	uint32_t slot = 0;
	uint64_t startUsec = 0, endUsec = 0;
	/** The device reports pressure and contact size (ABS_MT_PRESSURE and TOUCH_MAJOR): MidPressure and MidArea
	 * are measured, not 0. */
	bool contact = false;
	std::array<double, kTouchFeatureCount> features{};

	double operator[](TouchFeature f) const { return features[static_cast<size_t>(f)]; }
};

/** Stroke settings. */
struct TouchStrokeConfig {
	double tapMaxDistance = 2.0; ///< a contact whose trajectory is at most this long (mm, or units) is a tap
	uint32_t maxSlots = 16;      ///< slots beyond this are ignored
	uint32_t maxPoints = 4096;   ///< a longer contact ends its stroke here and starts another
};

/** One frame's point of a contact. */
struct TouchPoint {
	uint64_t timeUsec = 0;
	double x = 0, y = 0; ///< mm (or device units) from the top-left corner, y up (so y ≤ 0)
	double pressure = 0; ///< fraction of the pressure axis' maximum (or raw units)
	double size = 0;     ///< contact size, fraction of TOUCH_MAJOR's maximum (or raw units)
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
