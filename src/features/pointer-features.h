// SPDX-License-Identifier: MIT
#pragma once

// Pointer behaviour features (issue 12): a pointer's samples cut into the
// actions of the Balabit challenge's action model (Antal & Egyed-Zsigmond,
// "Intrusion detection using mouse dynamics", IET Biometrics 2019; after
// Ahmed & Traoré, "A new biometric technology based on mouse dynamics",
// IEEE TDSC 2007):
//   mouse move (MM)       movement ended by a pause, no button;
//   point-and-click (PC)  movement ended by a press and release in place;
//   drag-and-drop (DD)    press, movement with the button held, release;
// and per action a fixed vector of kinematic features (speed, acceleration,
// jerk, angular velocity, curvature, straightness, direction, pause before
// the click, click hold) and of scrolling (scroll rhythm: ticks, time
// between wheel events and its spread, reversals, pause before). Positions in device-independent units (pixels of
// the screen, or the device's counts scaled by the caller), times in µs.
// Speeds, accelerations, jerk and angular speed are taken on an even time
// grid of about 50 ms (the path's arc length and position interpolated
// between samples), never from consecutive samples: a thin client's or a
// VM's delivery jitter (SPICE, RDP, USB redirection: tens of ms) destroys
// per-sample derivatives, and a user's profile learned through it must
// still compare with a background recorded without it.
// Pure code: no I/O; one buffer of at most maxPoints samples.

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string_view>
#include <vector>

namespace tactus {

/** What happened at one pointer sample. */
enum class PointerEventKind : uint8_t {
	Move,       ///< the pointer moved (with or without a button held)
	ButtonDown, ///< a button went down here
	ButtonUp,   ///< a button came up here
	Scroll,     ///< the wheel turned here (PointerSample::wheel ticks)
};

/** One pointer sample. */
struct PointerSample {
	uint64_t timeUsec = 0; ///< kernel (or recording) time, non-decreasing
	double x = 0, y = 0;   ///< position, device-independent units
	PointerEventKind kind = PointerEventKind::Move;
	/** Scroll: wheel ticks, > 0 up (away from the user, as REL_WHEEL), < 0 down; 0 otherwise. */
	int32_t wheel = 0;
};

/**
 * The three action types of the Balabit action model, and scrolling: a run of
 * wheel ticks without a longer pause than PointerSegmenterConfig::scrollPauseUsec
 * (the scroll rhythm; Zheng, Paloski and Wang, "An efficient user verification
 * system via mouse movements", CCS 2011, and Shen et al., IEEE TIFS 2013,
 * count wheel events among the mouse operations).
 */
enum class PointerActionType : uint8_t { MouseMove, PointClick, DragDrop, Scroll };
inline constexpr size_t kPointerActionTypes = 4;
/** "mouse-move", "point-click", "drag-drop", "scroll". */
std::string_view pointerActionTypeName(PointerActionType type);

/** Index of each feature in PointerAction::features. */
enum class PointerFeature : uint8_t {
	Duration,          ///< s, first to last sample (DD/PC: to the release)
	PathLength,        ///< units travelled
	Chord,             ///< units from the first to the last point
	Straightness,      ///< chord / path length, in (0, 1]
	Direction,         ///< direction of the chord, radians in [-π, π)
	Points,            ///< samples after merging equal timestamps
	MeanSpeed,         ///< units/s, path length / moving time
	SpeedSd,           ///< units/s, over the 50 ms grid's steps
	MaxSpeed,          ///< units/s, largest step speed of the grid
	MeanAccel,         ///< units/s², mean of the signed acceleration (grid)
	AccelSd,           ///< units/s²
	MaxAccel,          ///< units/s², largest |acceleration|
	MeanJerk,          ///< units/s³, mean |jerk| (grid)
	MeanAngularSpeed,  ///< rad/s, mean |Δθ/Δt| (grid)
	MeanCurvature,     ///< rad/unit, mean |Δθ/Δs|
	CurvatureSd,       ///< rad/unit
	SumAngles,         ///< rad, Σ|Δθ|
	MaxDeviation,      ///< units, largest distance of a point from the chord
	AccelTime,         ///< s, from the start to the first speed peak (between samples)
	SpeedPeakShare,    ///< time of the largest step speed (grid) / duration, in [0, 1]
	CriticalPoints,    ///< points whose |curvature| exceeds 0.1 rad/unit (sharp turns)
	PauseBeforeClick,  ///< s, last movement to the press (PC); 0 otherwise
	ClickHold,         ///< s, press to release (PC, DD); 0 for MM
	ScrollInterval,    ///< s, mean time between wheel events of a scroll run (Scroll); 0 otherwise
	ScrollIntervalSd,  ///< s, their standard deviation (Scroll)
	ScrollReversals,   ///< changes of wheel direction within the run (Scroll)
	PauseBeforeScroll, ///< s, last movement to the first wheel event, capped at 10 s (Scroll)
	/**
	 * s, from the end of the segmenter's previous movement action (mouse
	 * move, point-and-click, drag-and-drop) to this one's first sample,
	 * capped at kPauseBeforeActionCap (also the value of the first action
	 * after a reset, and of scroll runs). The reading or thinking time
	 * before the hand moves: `tactus-eval mouse --cv` 0.9189 → 0.9319.
	 */
	PauseBeforeAction,
	/**
	 * s, from the release of the segmenter's previous point-and-click or
	 * drag-and-drop to this action's first sample, capped at
	 * kPauseBeforeActionCap (also the value with no click before, and of
	 * scroll runs): `tactus-eval mouse --cv` 0.9319 → 0.9398.
	 */
	TimeSinceClick,
	Count
};
inline constexpr size_t kPointerFeatureCount = static_cast<size_t>(PointerFeature::Count);
/** The cap of PointerFeature::PauseBeforeAction and TimeSinceClick, s. */
inline constexpr double kPauseBeforeActionCap = 60.0;
/** Short stable name of a feature ("mean-speed"). */
std::string_view pointerFeatureName(PointerFeature f);

/** One action and its features. */
struct PointerAction {
	PointerActionType type = PointerActionType::MouseMove;
	uint64_t startUsec = 0, endUsec = 0;
	std::array<double, kPointerFeatureCount> features{};

	double operator[](PointerFeature f) const { return features[static_cast<size_t>(f)]; }
};

/** Segmentation settings. */
struct PointerSegmenterConfig {
	uint64_t pauseUsec = 1'000'000;       ///< a longer silence between samples ends a movement
	uint32_t minPoints = 4;               ///< actions with fewer distinct samples are dropped (Antal 2019)
	uint32_t maxPoints = 1024;            ///< a longer movement is cut into actions of this many
	uint64_t maxHoldUsec = 10'000'000;    ///< a press held longer ends no action (dropped)
	uint64_t scrollPauseUsec = 1'000'000; ///< a longer gap between wheel events ends a scroll run
	uint32_t minScrollEvents = 2;         ///< scroll runs with fewer wheel events are dropped (no rhythm)
};

/** Cuts a stream of PointerSamples into PointerActions. */
class PointerActionSegmenter {
public:
	explicit PointerActionSegmenter(const PointerSegmenterConfig &config = {});

	/** One sample, in time order (an earlier time than the last ends the action in progress). */
	void add(const PointerSample &s);
	/** End the action in progress (end of a session, or a long silence known to the caller). */
	void flush();
	/** Take the oldest completed action; false if none is ready. */
	bool pop(PointerAction &out);
	/** Forget everything (SYN_DROPPED, a new session). */
	void reset();

	/** Features of one trajectory (at least 2 points). Exposed for tests. */
	static void computeFeatures(const std::vector<PointerSample> &points, PointerAction &action);

private:
	void emitMove(size_t end);
	void emit(PointerActionType type, size_t begin, size_t end, uint64_t pressUsec, uint64_t releaseUsec,
		  uint64_t lastMoveUsec);
	void append(const PointerSample &s);
	void addScroll(const PointerSample &s);
	void emitScroll();

	PointerSegmenterConfig config_;
	std::vector<PointerSample> points_; // the trajectory since the last action
	std::vector<PointerSample> scratch_;
	std::deque<PointerAction> ready_;
	bool pressed_ = false;
	size_t pressIndex_ = 0; // first point of the drag (the press position)
	uint64_t pressUsec_ = 0;
	uint64_t lastMoveUsec_ = 0;        // last sample that moved before the press
	bool moved_ = false;               // the pointer moved while pressed
	std::vector<PointerSample> wheel_; // the scroll run in progress
	uint64_t lastMotionUsec_ = 0;      // last Move sample, for PauseBeforeScroll
	uint64_t lastActionEndUsec_ = 0;   // end of the last movement action emitted, for PauseBeforeAction (0: none)
	uint64_t lastClickEndUsec_ = 0;    // release of the last click or drag emitted, for TimeSinceClick (0: none)
};

/**
 * Every action of a whole recording: @p samples (in time order) through one
 * PointerActionSegmenter with @p config, flushed at the end. Offline use
 * (evaluation, tests); tactusd feeds its segmenter sample by sample.
 */
std::vector<PointerAction> segmentPointerActions(std::span<const PointerSample> samples,
						 const PointerSegmenterConfig &config = {});

} // namespace tactus
