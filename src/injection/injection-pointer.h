// SPDX-License-Identifier: MIT
#pragma once

// Robotic pointer motion on one device: perfectly straight strokes at
// constant speed with identical intervals, and absolute jumps with no motion
// in between (teleports). Humans curve, accelerate, brake and jitter. Pure,
// fixed-size, no allocation per event.

#include "injection-evidence.h"

#include <cstdint>

namespace tactus {

/** Thresholds of PointerInjectionDetector. */
struct PointerInjectionConfig {
	uint64_t strokePauseUsec = 100'000; ///< a longer gap between motion frames ends a stroke
	uint32_t minStrokeFrames = 10;      ///< shorter strokes say nothing
	double minStrokeLength = 60.0;      ///< nor do shorter ones (device units)
	double maxDeviation = 0.75;         ///< robotic: no frame strays further from the chord (units)...
	double maxSpeedCv = 0.03;           ///< ...speed varies this little...
	double maxIntervalSpreadUsec = 300; ///< ...and frame intervals are identical to this
	uint32_t roboticStrokes = 2;        ///< robotic strokes in a row to alarm
	double teleportFraction = 0.25;     ///< an absolute jump of this fraction of the axis range...
	uint32_t teleports = 3;             ///< ...with no motion before it, this many in a row
	uint64_t stillUsec = 50'000;        ///< "no motion before it": none in this long
	int32_t relTeleport = 2000;         ///< a relative jump this large in one frame is a teleport
};

/** Feed every EV_REL / EV_ABS / EV_KEY (buttons) / EV_SYN event of one pointer device. */
class PointerInjectionDetector {
public:
	explicit PointerInjectionDetector(const PointerInjectionConfig &config = {}) : config_(config) {}

	/** Axis ranges of an absolute pointer (from the device's absinfo); needed for teleports. */
	void setAbsRange(int32_t minX, int32_t maxX, int32_t minY, int32_t maxY);
	/** One event; evidence is evaluated at SYN_REPORT. */
	InjectionEvidence event(uint64_t timeUsec, uint16_t type, uint16_t code, int32_t value);
	/** Forget everything (SYN_DROPPED). */
	void reset();

private:
	// Running sums of one stroke: enough for straightness, speed CV and
	// interval spread without keeping the points.
	struct Stroke {
		uint32_t frames = 0;
		double x0 = 0, y0 = 0, x = 0, y = 0;
		double path = 0;
		double sumSpeed = 0, sumSpeed2 = 0;
		uint64_t lastUsec = 0;
		uint64_t minDt = UINT64_MAX, maxDt = 0;
		double maxDev = 0;         // perpendicular distance from the line start→first direction
		double dirX = 0, dirY = 0; // unit direction of the first motion
	};

	InjectionEvidence endFrame(uint64_t timeUsec);
	InjectionEvidence finishStroke();
	void motion(uint64_t timeUsec, double dx, double dy);

	PointerInjectionConfig config_;
	int32_t absMinX_ = 0, absMaxX_ = 0, absMinY_ = 0, absMaxY_ = 0;
	// The frame being assembled.
	int32_t relX_ = 0, relY_ = 0;
	bool haveAbsX_ = false, haveAbsY_ = false;
	int32_t absX_ = 0, absY_ = 0;
	bool buttonInFrame_ = false;
	// Last absolute position.
	bool havePos_ = false;
	int32_t posX_ = 0, posY_ = 0;
	uint64_t lastMotionUsec_ = 0;
	Stroke stroke_;
	uint32_t roboticRun_ = 0;
	uint32_t teleportRun_ = 0;
};

} // namespace tactus
