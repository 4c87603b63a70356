// SPDX-License-Identifier: MIT
#pragma once

// Mouse jigglers (issue 12, "Fusion"): hardware gadgets, KVM "keep awake"
// features and jiggler programs move the pointer a little every few seconds
// so a screen never locks; they never click, scroll or type. Their motion
// must not count as a person's presence nor raise trust. The rule, on the
// pointer samples of a session and its key presses:
//   - motion comes in bursts (samples closer than burstGapUs);
//   - a burst is small if the pointer stays within smallUnits of where the
//     burst began (200 units, 5 mm; 1,000 units = 1 inch: a jiggler moves a
//     pixel or draws a small circle; a person reaching for a control moves
//     further);
//   - jiggling: the last minBursts bursts were all small, each began at
//     least minIntervalUs after the one before, and no button, scroll or key
//     came since the first of them;
//   - jiggling ends at a button, a scroll, a key, or a burst that is not small.
// While jiggling, pointer actions are neither scored nor learned. Also, a
// tiny movement (a mouse-move of less than minActionUnits, no click) is never
// evidence: the first bursts of a jiggler are judged before the rule can
// tell, and a person's twitch of the hand says nothing of who they are.
// Pure: no I/O, no clock; kernel times in µs.

#include "pointer-features.h"

#include <cstdint>

namespace tactus {

/** Settings of the jiggler rule. */
struct JigglerRuleParams {
	uint64_t burstGapUs = 500'000;      ///< samples further apart start a new burst
	double smallUnits = 200.0;          ///< a burst within this of its start is small (units, 0.2 inch)
	double minActionUnits = 60.0;       ///< a mouse-move shorter than this is never evidence (units)
	uint32_t minBursts = 3;             ///< small bursts in a row that make jiggling
	uint64_t minIntervalUs = 1'000'000; ///< between the starts of those bursts ("every few seconds")
};

/** The jiggler rule for one session. */
class JigglerRule {
public:
	explicit JigglerRule(const JigglerRuleParams &params = {});

	/** One pointer sample (Move, ButtonDown, ButtonUp), in time order. */
	void sample(const PointerSample &s);
	/** A scroll (wheel, two-finger) at @p timeUsec. */
	void scroll(uint64_t timeUsec);
	/** A key press on the session's seat at @p timeUsec. */
	void key(uint64_t timeUsec);

	/** Jiggling now: pointer motion is no presence and no evidence. */
	bool jiggling() const { return jiggling_; }
	/**
	 * True if @p a may be scored and learned: not while jiggling, and not a
	 * mouse-move whose chord and path both stay under minActionUnits.
	 */
	bool counts(const PointerAction &a) const;
	/** Times jiggling started since the rule was made (for the log and tests). */
	uint64_t episodes() const { return episodes_; }
	/** Forget the bursts (a new session). */
	void reset();

private:
	void endBurst();
	void human();

	JigglerRuleParams params_;
	bool inBurst_ = false;
	uint64_t lastUs_ = 0; ///< last sample of the current burst
	uint64_t burstStartUs_ = 0;
	double startX_ = 0, startY_ = 0, extent_ = 0;
	uint32_t smallRun_ = 0; ///< small bursts in a row, regularly spaced, no human sign between
	uint64_t lastSmallStartUs_ = 0;
	bool jiggling_ = false;
	uint64_t episodes_ = 0;
};

} // namespace tactus
