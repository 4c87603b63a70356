// SPDX-License-Identifier: MIT
#pragma once

// Robotic pointer motion on one device, judged on its geometry, not its
// clock: a script's stroke lies on a straight line to within rounding, and
// its progress along that line is an analytic function of the step number
// or of the time (equal steps, or a tween's easing curve), to within
// rounding. A hand's stroke curves, and its progress wobbles with tremor and
// corrections. Scheduler jitter (sleep() between frames) changes neither.
// Also absolute jumps with no motion in between (teleports). Pure, fixed
// size, no allocation per event; all arithmetic on hostile values is in
// 64-bit integers or doubles (no signed overflow).

#include "injection-evidence.h"

#include <array>
#include <cstdint>

namespace tactus {

/**
 * Thresholds of PointerInjectionDetector. A stroke is robotic by either of
 * two geometric rules, whatever its timing:
 *  - constant step: at least constantStepShare of its frames move by the
 *    very same step vector (a script's loop of equal relative moves);
 *  - eased line: no point strays more than maxDeviation from the fitted line and
 *    the progress along it departs from a local cubic (7 consecutive points,
 *    over the step number or over time) by at most maxRoughness, while the
 *    chord runs at least minAxisAngleDeg away from both axes (a tween along
 *    an easing curve, rounded to whole units).
 * People move along the screen's axes exactly as straight at pixel
 * resolution (menus, sliders, text selection: the Balabit data holds dozens
 * of such strokes), so an axis-aligned stroke is judged by the first rule
 * only; and a stroke slower than minMeanStep per frame says nothing, its
 * rounding hides a hand's variability.
 */
struct PointerInjectionConfig {
	uint64_t strokePauseUsec = 100'000; ///< a longer gap between motion frames ends a stroke
	uint32_t minStrokeFrames = 16;      ///< shorter strokes say nothing
	double minStrokeLength = 60.0;      ///< nor do shorter ones (chord, device units)
	double minMeanStep = 3.0;           ///< nor do slower ones (chord / frames, device units)
	double constantStepShare = 0.9;     ///< constant step: share of frames with the modal step vector
	/**
	 * Eased line: largest distance of a point from the line fitted
	 * through the points (principal axis; device units; rounding gives
	 * ≤ 0.71 from the true line).
	 */
	double maxDeviation = 0.9;
	/**
	 * Eased line: largest local-cubic residual of the progress (device
	 * units; rounding gives at most 1.42, mostly under 1).
	 */
	double maxRoughness = 1.2;
	double minAxisAngleDeg = 10.0;  ///< eased line: the chord's least angle to an axis
	uint32_t roboticStrokes = 2;    ///< robotic strokes in a row to alarm
	double teleportFraction = 0.25; ///< a jump of this fraction of the axis range (absolute)...
	int32_t relTeleport = 2000;     ///< ...or of this many units in one frame (relative)...
	uint64_t stillUsec = 50'000;    ///< ...after no motion for this long...
	/**
	 * ...landing where the next button press comes, with no motion between
	 * (a script's move-and-click), this many in a row. A person's remote
	 * desktop samples the pointer so sparsely that single jumps of a quarter
	 * screen are everyday (Balabit: ~20,000); jump-and-click without any
	 * approach is not (4 in 104,165 clicks, never 3 in a row).
	 */
	uint32_t teleports = 3;
};

/** What the geometry of one finished stroke says (for evaluation and tests). */
struct PointerStrokeGeometry {
	uint32_t frames = 0;    ///< motion frames (points after the first)
	double chord = 0.0;     ///< start→end distance, device units
	double deviation = 0.0; ///< largest distance of a point from the fitted line, device units
	/** Largest over 7-point windows of the smaller local-cubic residual, over step number or time. */
	double roughness = 0.0;
	double constantShare = 0.0; ///< share of frames moving by the modal step vector
	bool axisAligned = false;   ///< the chord runs closer than minAxisAngleDeg to an axis
	bool judged = false;        ///< long and fast enough to say anything
	bool constantStep = false;  ///< robotic by the constant-step rule
	bool eased = false;         ///< robotic by the eased-line rule
	bool robotic() const { return constantStep || eased; }
};

/** Feed every EV_REL / EV_ABS / EV_KEY (buttons) / EV_SYN event of one pointer device. */
class PointerInjectionDetector {
public:
	/** Points kept of one stroke; a longer stroke is judged in pieces of this many. */
	static constexpr uint32_t kMaxStrokePoints = 256;

	explicit PointerInjectionDetector(const PointerInjectionConfig &config = {}) : config_(config) {}

	/**
	 * Axis ranges of an absolute pointer (its absinfo minimum/maximum of
	 * ABS_X and ABS_Y); without them no absolute jump counts as a teleport.
	 */
	void setAbsRange(int32_t minX, int32_t maxX, int32_t minY, int32_t maxY);
	/** One event; evidence is evaluated at SYN_REPORT. */
	InjectionEvidence event(uint64_t timeUsec, uint16_t type, uint16_t code, int32_t value);
	/** Forget everything (SYN_DROPPED). */
	void reset();
	/** Geometry of the stroke judged last (frames 0: none yet). */
	const PointerStrokeGeometry &lastStroke() const { return last_; }

	/**
	 * Largest residual of a least-squares cubic fitted to every window of 7
	 * consecutive points (abscissa @p x, ordinate @p y, @p n points). A
	 * window whose abscissae do not span 4 distinct values has no cubic:
	 * infinity. Fewer than 7 points: 0.
	 */
	static double localCubicRoughness(const double *x, const double *y, uint32_t n);
	/** Points of one local cubic fit: 3 degrees of freedom left to see noise. */
	static constexpr uint32_t kCubicWindow = 7;
	/** Largest residual of the least-squares cubic through 7 points (infinity: no cubic). */
	static double localCubicResidual(const double *x, const double *y);

private:
	struct Point {
		double x = 0, y = 0; // relative to the stroke's start
		uint64_t t = 0;
	};
	struct Stroke {
		uint32_t points = 0; // including the start point
		std::array<Point, kMaxStrokePoints> p;
		uint64_t lastUsec = 0;
	};

	InjectionEvidence endFrame(uint64_t timeUsec);
	InjectionEvidence finishStroke();
	InjectionEvidence motion(uint64_t timeUsec, double dx, double dy);
	PointerStrokeGeometry judge(const Stroke &s) const;

	PointerInjectionConfig config_;
	int64_t absMinX_ = 0, absMaxX_ = 0, absMinY_ = 0, absMaxY_ = 0;
	// The frame being assembled.
	int64_t relX_ = 0, relY_ = 0;
	bool haveAbsX_ = false, haveAbsY_ = false;
	int32_t absX_ = 0, absY_ = 0;
	bool buttonInFrame_ = false;
	bool pressInFrame_ = false;
	bool teleportPending_ = false; // a jump, waiting to see whether a press or motion comes next
	// Last absolute position.
	bool havePos_ = false;
	int32_t posX_ = 0, posY_ = 0;
	uint64_t lastMotionUsec_ = 0;
	Stroke stroke_;
	PointerStrokeGeometry last_;
	uint32_t roboticRun_ = 0;
	uint32_t teleportRun_ = 0;
};

} // namespace tactus
