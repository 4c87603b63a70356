// SPDX-License-Identifier: MIT
#pragma once

// Who is moving the pointer, for one session (issue 12, "Pointer"): the
// frames of every allowed pointer device of the session's seat become
// samples in device-independent units (PointerSampler, one per device) and
// actions (PointerActionSegmenter, one per device: mouse move, point-and-
// click, drag-and-drop). Each action that counts (JigglerRule: no jiggler,
// no twitch) is learned into the user's profile while it enrolls (and,
// after, only once its window is judged and found the user's: see
// adaptMinLlr), and once the profile is ready scored against
// it by the pointer model (PointerScorer: naive Bayes against the shipped
// background, Platt-calibrated to an LLR in nats); windowActions scored
// actions make one window of evidence (their LLRs add) for the session's
// one trust (SessionTrust). Pure: no I/O; the caller saves the profile when
// told to.
//
// The profile keeps statistics only: the user's action histogram, stored
// in the profile's pointer section as kPointerActionTypes rows (one per
// action type) of 1 + kPointerFeatureCount × bins counts — the type's action
// count, then its (feature, bin) counts — as binary32 (exact below 2^24;
// the histogram is halved before any count reaches 2^23, so old behaviour
// fades). No trajectory, position or time is kept.

#include "pointer-features.h"
#include "pointer-jiggler.h"
#include "pointer-model-file.h"
#include "pointer-model.h"
#include "pointer-sampler.h"
#include "profile.h"
#include "session-trust.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace tactus {

/** Parameters of PointerBehaviour; defaults are what tactusd uses. */
struct PointerBehaviourParams {
	/**
	 * Scored actions per window of evidence (their LLRs add; windows do not
	 * overlap). 5, with windowLlrLimit 3 and the pointer gain 0.5: chosen by
	 * `tactus-eval takeover AALTO --mouse BALABIT --validation --development
	 * --limit 5 --pairs 4 --select --dither-ms 16` (see TrustParams::gain).
	 */
	uint32_t windowActions = 5;
	/**
	 * A window's summed LLR is clamped to ±this before it reaches the
	 * trust, nats (then TrustParams::windowLlrLimit and the pointer gain
	 * apply): a few odd actions must not outweigh the session.
	 */
	double windowLlrLimit = 3.0;
	/** Actions learned that complete enrollment (tactus.conf [Enrollment] PointerStrokes=). */
	uint64_t actionsNeeded = 300;
	/**
	 * Adaptation, after ready: a window's actions are learned once the
	 * window is scored, only if the session's trust is then at least
	 * adaptMinTrust and the window's own (clamped) LLR is at least
	 * adaptMinLlr, nats. High trust alone is no evidence: at the trust's
	 * upper bound a near-neutral window changes nothing, so an impostor
	 * whose windows score near 0 would otherwise be learned window after
	 * window until the profile is theirs (vm-pointer under delivery
	 * jitter: 168 of user29's actions learned into a 100-action profile).
	 * As the keystroke side adapts only from windows scored at high trust,
	 * here a window must also speak for the user.
	 */
	double adaptMinTrust = 0.9;
	double adaptMinLlr = 1.0;
	/** The scorer is rebuilt from the profile after this many learned actions. */
	uint32_t rescoreEvery = 25;
	JigglerRuleParams jiggler;
};

/** The model's identity as profiles record it: name, version and the histogram row width. */
ModelId pointerModelId(const PointerModelData &model);

/** One pointer device's state: its scale, sampler and segmenter. */
struct PointerTrack {
	PointerSampler sampler;
	PointerActionSegmenter segmenter;
	std::vector<PointerSample> samples; ///< scratch, reused per frame
	/** Silence after which the segmenter ends a movement or a scroll run, µs (the larger of its two pauses). */
	uint64_t idleUs = 0;
	uint64_t lastSampleUs = 0; ///< kernel time of the last sample given to the segmenter, µs
	bool pending = false;      ///< samples given to the segmenter since the last end by silence
	uint32_t held = 0;         ///< buttons down (a press is no pause: a drag ends at its release)

	PointerTrack(const PointerScale &scale, const PointerModelData &model);
	/** SYN_DROPPED: the action in progress is lost, the touch state forgotten. */
	void reset();
	/**
	 * When the action in progress ends if no sample follows: CLOCK_MONOTONIC
	 * µs just past lastSampleUs + idleUs (the segmenter's pause, so the
	 * action is the one the next sample would have ended); nullopt while
	 * nothing is in progress or a button is held.
	 */
	std::optional<uint64_t> flushDueUs() const;
};

/** What one pointer frame did to the session. */
struct PointerOutcome {
	uint32_t actions = 0;              ///< actions completed by the frame
	uint32_t ignored = 0;              ///< of them, not counted (jiggler, twitch)
	uint32_t learned = 0;              ///< of them, learned into the profile
	bool windowDone = false;           ///< a window of evidence went to the trust
	double llr = 0.0;                  ///< its LLR (sum over its actions), nats
	bool save = false;                 ///< the profile's pointer section changed state: save now
	bool profileState = false;         ///< the profile's state or enrollment progress changed (publish)
	bool jigglingStarted = false;      ///< the jiggler rule started an episode (log it once)
	std::optional<TrustChange> change; ///< the session's verdict changed
};

/** One session's pointer behaviour. */
class PointerBehaviour {
public:
	/** @p model outlives this object. */
	PointerBehaviour(const PointerModelData &model, const PointerBehaviourParams &params);

	/**
	 * One frame of an allowed pointer device of the session (@p track: the
	 * device's). @p locked: the session is locked (nothing learned or
	 * scored: the locker's own clicks); @p injection: injection evidence
	 * stands (nothing learned); @p realUs: CLOCK_REALTIME µs for the
	 * profile. Kernel times (CLOCK_MONOTONIC µs) come with the frame.
	 */
	PointerOutcome frame(PointerTrack &track, Frame events, Profile &profile, SessionTrust &trust, bool locked,
			     bool injection, int64_t realUs);
	/**
	 * The device of @p track has been silent until @p nowUs (CLOCK_MONOTONIC
	 * µs, a timer's): if its flushDueUs() has come, the action in progress
	 * ends now, as the next movement would have ended it, and is counted,
	 * learned and scored as frame() does. Without this a person's last
	 * movement before a long stillness would wait for the next one. The
	 * other arguments are frame()'s.
	 */
	PointerOutcome idle(PointerTrack &track, uint64_t nowUs, Profile &profile, SessionTrust &trust, bool locked,
			    bool injection, int64_t realUs);
	/** A key press on the session's seat (the jiggler rule: jigglers never type). */
	void key(uint64_t timeUsec) { jiggler_.key(timeUsec); }
	/** The window restarts (re-authentication, a lock). */
	void restartWindow();

	/** True if @p profile's pointer section may be scored with this model. */
	bool ready(const Profile &profile) const;
	const ModelId &modelId() const { return modelId_; }
	const JigglerRule &jiggler() const { return jiggler_; }

	/** The user's histogram stored in @p m (false if its shape does not match the model). */
	static bool histogramFromProfile(const ModalityProfile &m, PointerHistogram &out);

private:
	void action(const PointerAction &a, Profile &profile, SessionTrust &trust, bool injection, int64_t realUs,
		    PointerOutcome &out);
	void learn(ModalityProfile &m, const PointerAction &a, int64_t realUs);
	/** Learn the actions of a window judged the user's into a ready profile. */
	void adapt(Profile &profile, int64_t realUs, PointerOutcome &out);
	void rebuildScorer(const ModalityProfile &m);

	const PointerModelData &model_;
	PointerBehaviourParams params_;
	ModelId modelId_;
	JigglerRule jiggler_;
	PointerHistogram user_;
	std::optional<PointerScorer> scorer_;
	uint32_t sinceRescore_ = 0;
	uint32_t inWindow_ = 0;
	double windowLlr_ = 0.0;
	std::vector<PointerAction> unjudged_; ///< this window's actions (≤ windowActions), learned once it is judged
};

} // namespace tactus
