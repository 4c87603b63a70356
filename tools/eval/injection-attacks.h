// SPDX-License-Identifier: MIT
#pragma once

// Generated keystroke-injection streams for evaluation and tests: the timing
// of a script typed by a tool, as the host's evdev timestamps would show it.
// Deterministic from a seed (SplitMix64, same on every platform).

#include "input-event.h"
#include "splitmix64.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tactus {

/** How the tool spaces keystrokes. */
enum class AttackPace {
	Raw,         ///< no delay: the next keystroke in the next free report
	Fixed,       ///< DEFAULT_DELAY-style fixed delay after each keystroke
	FixedJitter, ///< fixed delay plus uniform jitter (DuckyScript 3 $_JITTER_MAX)
	Random,      ///< press→press gaps drawn at random around a mean rate (see AttackProfile::jitter)
};

/** How a Random profile draws its gaps and holds. */
enum class AttackJitter {
	Uniform,  ///< gaps uniform in mean ± 25%, holds uniform in 50–100% of the mean gap
	Gaussian, ///< gaps normal (mean, 20% sd), holds normal (75%, 15% sd), both kept ≥ 1 ms
};

/** How long the tool holds each key. */
enum class AttackHold {
	Tool,   ///< released in the next report, one poll (DuckyScript, pyautogui, raw HID)
	Fixed,  ///< a constant, human-looking hold, the same for every key (per run: 30–120 ms)
	Random, ///< drawn per keystroke (Random pace only; see AttackJitter)
};

/** One attack profile. */
struct AttackProfile {
	std::string name; ///< e.g. "fixed-20ms/tool-hold"
	AttackPace pace = AttackPace::Raw;
	double delayMs = 0.0;  ///< Fixed, FixedJitter
	double jitterMs = 0.0; ///< FixedJitter: uniform in [0, jitterMs)
	AttackHold hold = AttackHold::Tool;
	/**
	 * Raw and fixed delays ≤ 20 ms with the tool's own ~1 ms hold: the issue
	 * wants these within 4 keystrokes, every other profile within 10. A
	 * human-looking fixed hold makes the press→press pace hold + delay
	 * (40–140 ms), no longer a ≤ 20 ms pace, so those runs count under 10.
	 */
	bool fastTarget = false;
	/**
	 * The device's USB poll interval: 1 ms for a full-speed HID stick
	 * (Rubber Ducky-style), 8 ms for QEMU's usb-kbd, 10 ms for a low-speed
	 * one (V-USB boards such as the Digispark). A tool's hold is one poll.
	 */
	double pollMs = 1.0;
	/** Random pace: mean press→press gap and how gaps and holds vary. */
	double meanGapMs = 0.0;
	AttackJitter jitter = AttackJitter::Uniform;
	/** Keystrokes it must be caught within (tactus-eval injection's check); 0: figures only. */
	unsigned target = 0;
};

/**
 * Raw; fixed 10/20/50/100 ms; fixed + 0–20 ms jitter for each; each with
 * tool and fixed hold at a 1 ms poll, and with tool hold at 8 and 10 ms polls.
 * With tool hold, also "same-report": the next key pressed in the report
 * that releases the last (flight 0), a poll apart.
 */
std::vector<AttackProfile> standardAttackProfiles();

/**
 * Randomised scripts at a sustained rate (issue 11, item 5): 15, 20, 25, 30
 * and 40 keys/s with uniform and Gaussian jitter on gaps and holds, and the
 * issue's own profile (gaps uniform 30–50 ms, holds uniform 20–40 ms). Rates
 * of 20 keys/s and more carry a target of 20 keystrokes.
 */
std::vector<AttackProfile> randomisedAttackProfiles();

/**
 * EV_KEY press/release events of @p keystrokes keystrokes typed by @p p,
 * starting at @p startUsec, in time order. Timing model: the tool schedules
 * press i+1 a hold plus a delay after press i; the host sees each report at
 * the next USB poll of the profile's interval (random phase), one report
 * per poll, plus 0–100 µs interrupt latency. A Random profile schedules
 * presses press→press and holds per keystroke (keys overlap when a hold
 * outlasts the gap).
 * Keys are letters and space drawn at random.
 */
std::vector<InputEvent> generateAttack(const AttackProfile &p, uint64_t seed, unsigned keystrokes,
				       uint64_t startUsec = 1'000'000);

/**
 * Human-like typing for tests and benchmarks: log-normal flights (median
 * @p medianFlightMs, sigma 0.5), log-normal dwells (median 90 ms, sigma 0.3),
 * ~2% double letters, release order as a hand makes it (rollover when a
 * flight is shorter than the dwell).
 */
std::vector<InputEvent> generateHumanTyping(uint64_t seed, unsigned keystrokes, double medianFlightMs = 170.0,
					    uint64_t startUsec = 1'000'000);

} // namespace tactus

// ---- Pointer attack profiles (issue 11, item 6) ----------------------------
// Scripted pointer strokes: straight lines in equal steps or along a tween's
// easing curve, with the frame timing a script's sleep() gives.

namespace tactus {

/** Where a scripted stroke's points lie along its line. */
enum class PointerPath {
	ConstantStep, ///< the same step vector every frame (xdotool mousemove_relative in a loop)
	EasedSteps,   ///< position = ease(i / N) of the step number i (pyautogui moveTo with a tween)
	EasedClock,   ///< position = ease(elapsed / duration) of the clock read at each frame
};

/** Easing curves of tween libraries (pytweening names). */
enum class PointerEasing { Linear, InOutQuad, InOutCubic, InOutSine, MinimumJerk };

/** One pointer attack profile. */
struct PointerAttackProfile {
	std::string name; ///< e.g. "steps-6,3/8ms+jitter-1.5ms"
	PointerPath path = PointerPath::ConstantStep;
	PointerEasing easing = PointerEasing::Linear;
	int stepX = 6, stepY = 3; ///< ConstantStep: units per frame; 0, 0: a random step per stroke
	unsigned frames = 60;     ///< frames per stroke
	double intervalMs = 8.0;  ///< sleep between frames
	double jitterMs = 0.0;    ///< plus uniform scheduler jitter in [0, jitterMs)
	bool absolute = false;    ///< an absolute pointer (ABS_X/ABS_Y, 0..32767) instead of REL_X/REL_Y
};

/**
 * The two robots (equal steps (6, 3) at 8 ms + 0–1.5 ms jitter;
 * eased strokes at exact 10 ms) and their family: exact and jittered
 * intervals (8, 10, 16 ms; jitter 1.5 and 5 ms), random step vectors, the
 * easing curves above stepped by the step number and by the clock, relative
 * and absolute.
 */
std::vector<PointerAttackProfile> standardPointerAttackProfiles();

/**
 * EV_REL or EV_ABS motion, EV_KEY BTN_LEFT clicks and SYN_REPORT events of
 * @p strokes strokes of @p p, in time order, from @p startUsec. Each stroke
 * runs in a random direction (EasedSteps/EasedClock: 200–800 units long),
 * followed by a 300–800 ms pause, a click of 60–110 ms and another pause.
 * Positions are rounded to whole units as a script must send them.
 */
std::vector<InputEvent> generatePointerAttack(const PointerAttackProfile &p, uint64_t seed, unsigned strokes,
					      uint64_t startUsec = 1'000'000);

/** The easing curve @p e at @p s in [0, 1] (0 → 0, 1 → 1). */
double pointerEase(PointerEasing e, double s);

} // namespace tactus
