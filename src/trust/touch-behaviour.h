// SPDX-License-Identifier: MIT
#pragma once

// Who is touching the screen, for one session (issue 12, "Touch"): the
// frames of every allowed touchscreen (INPUT_PROP_DIRECT, multitouch type B)
// of the session's seat become strokes (TouchStrokeTracker, one per device:
// one stroke per contact, ABS_MT_TRACKING_ID to lift-off, positions in mm by
// the axes' absinfo resolution), each a tap or a swipe up, down, left or
// right. Each stroke is learned into the user's profile while it enrolls,
// and once the profile is ready scored against it (TouchStatsScorer: mean squared standardised distance from the
// user's strokes of that class, calibrated to an LLR); windowStrokes (11,
// the k of Frank et al. 2013) scored strokes make one window of evidence
// (their LLRs add) for the session's one trust (SessionTrust, reason
// `touch-mismatch`). After enrollment a window's strokes are learned only
// once the window is judged, if the trust is then high and the window's own
// clamped LLR speaks for the user (adaptMinLlr), as the pointer side does.
// Pure: no I/O; the caller saves the profile when told.
//
// The profile keeps statistics only, in its touch section: kTouchClasses
// rows (tap, up, down, left, right) of 1 + 2 × kTouchModelFeatures binary32
// values — the class's stroke count, the mean of each feature, then its
// variance. No position, trajectory or time is kept. Counts are halved
// once they reach kTouchFadeAt, so old behaviour fades.

#include "evidence-window.h"
#include "profile.h"
#include "session-trust.h"
#include "touch-features.h"
#include "touch-stats-model.h"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace tactus {

/** Stroke classes of the touch profile: tap, then the swipe directions of Frank et al.'s flag. */
enum class TouchClass : uint8_t { Tap, Up, Down, Left, Right, Count };
inline constexpr size_t kTouchClasses = static_cast<size_t>(TouchClass::Count);
/** Features the touch model scores: every stroke feature (Touchalytics F2..F28). */
inline constexpr size_t kTouchModelFeatures = kTouchFeatureCount;
/** Floats per class row in the profile: count, means, variances. */
inline constexpr size_t kTouchRowWidth = 1 + 2 * kTouchModelFeatures;
/** A class's stroke count is halved when it reaches this (the mean and variance stay). */
inline constexpr double kTouchFadeAt = 4096;

/** The class of @p s: Tap, or the swipe's direction by Touchalytics' flag (TouchFeature::DirectionFlag). */
TouchClass touchClassOf(const TouchStroke &s);
/**
 * The model's feature vector of @p s: sign(x)·log(1 + |x|) of each of its
 * features (heavy tails tamed), the transform `tactus-eval touch --scorer
 * stats` applies to the same Touchalytics features when it fits the
 * calibration.
 */
std::array<double, kTouchModelFeatures> touchModelFeatures(const TouchStroke &s);

/** Parameters of TouchBehaviour; defaults are what tactusd uses. */
struct TouchBehaviourParams {
	/** Scored strokes per window of evidence (their LLRs add; windows do not overlap). */
	uint32_t windowStrokes = 11;
	/** A window's summed LLR is clamped to ±this, nats (then the trust's limit and touch gain apply). */
	double windowLlrLimit = 1.5;
	/** Strokes learned that complete enrollment (tactus.conf [Enrollment] TouchStrokes=). */
	uint64_t strokesNeeded = 200;
	/**
	 * Adaptation, after ready: a window's strokes are learned once the
	 * window is scored, only if the session's trust is then at least
	 * adaptMinTrust and the window's own (clamped) LLR is at least
	 * adaptMinLlr, nats. High trust alone is no evidence: at the trust's
	 * upper bound a near-neutral window changes nothing, so an impostor
	 * whose windows score near 0 would otherwise be learned window after
	 * window until the profile is theirs (the pointer side's rule, see
	 * PointerBehaviourParams::adaptMinLlr). 1.0, the pointer side's bar:
	 * on the Touchalytics development users (documents protocol, the
	 * shipped weights, `tactus-eval touch DIR --scorer stats --weights`)
	 * 97.3% of genuine windows of 11 reach it and 19.5% of impostor
	 * windows (96.7% and 18.3% reach the 1.5 clamp itself: the bar
	 * hardly matters; the trust's own bar stops the impostor's later ones).
	 */
	double adaptMinTrust = 0.9;
	double adaptMinLlr = 1.0;
	/** Score by the shipped term weights (kTouchStatsWeights, or …NoContact for strokes without pressure and
	 * contact size); false: by the model's calibration of d alone. */
	bool weighted = true;
	TouchStatsParams model;
	TouchStrokeConfig strokes;
};

/** The model's identity as profiles record it. */
ModelId touchModelId();

/** One touchscreen's state: its stroke tracker. */
struct TouchTrack {
	TouchStrokeTracker tracker;
	explicit TouchTrack(const TouchAxes &axes, const TouchStrokeConfig &config = {}) : tracker(axes, config) {}
	/** SYN_DROPPED or a lock: the contacts in progress are dropped. */
	void reset() { tracker.reset(); }
};

/** What one touchscreen frame did to the session. */
struct TouchOutcome {
	uint32_t strokes = 0;              ///< strokes completed by the frame
	uint32_t learned = 0;              ///< of them, learned into the profile
	bool windowDone = false;           ///< a window of evidence went to the trust
	double llr = 0.0;                  ///< its LLR (sum over its strokes), nats
	bool save = false;                 ///< the profile's touch section changed state: save now
	bool profileState = false;         ///< the profile's state or enrollment progress changed (publish)
	std::optional<TrustChange> change; ///< the session's verdict changed
};

/** One session's touch behaviour. */
class TouchBehaviour {
public:
	explicit TouchBehaviour(const TouchBehaviourParams &params = {});

	/**
	 * One frame of an allowed touchscreen of the session (@p track: the
	 * device's). @p locked: nothing learned or scored (the locker's own
	 * taps); @p injection: injection evidence stands (nothing learned);
	 * @p realUs: CLOCK_REALTIME µs for the profile.
	 */
	TouchOutcome frame(TouchTrack &track, Frame events, Profile &profile, SessionTrust &trust, bool locked,
			   bool injection, int64_t realUs);
	/** The window restarts (re-authentication, a lock). */
	void restartWindow();

	/** True if @p profile's touch section may be scored with this model. */
	bool ready(const Profile &profile) const;

	/**
	 * The statistics stored in @p m (false, @p out untouched, if its shape
	 * does not match the model or a value is out of range: a negative
	 * count or variance, a non-finite number).
	 */
	static bool statsFromProfile(const ModalityProfile &m, std::array<TouchFeatureStats, kTouchClasses> &out);

private:
	/** A stroke kept for learning until its window is judged. */
	struct Pending {
		TouchClass c;
		std::array<double, kTouchModelFeatures> x;
	};
	void stroke(const TouchStroke &s, Profile &profile, SessionTrust &trust, bool injection, int64_t realUs,
		    TouchOutcome &out);
	void learn(ModalityProfile &m, TouchClass c, const std::array<double, kTouchModelFeatures> &x, int64_t realUs);
	/** Learn the strokes of a window judged the user's into a ready profile. */
	void adapt(Profile &profile, int64_t realUs, TouchOutcome &out);
	/** The profile's statistics, parsed again only when the section changed (false: unusable). */
	bool cachedStats(const ModalityProfile &m);

	TouchBehaviourParams params_;
	ModelId modelId_;
	EvidenceWindow window_;
	TouchStatsParams contactParams_, noContactParams_; ///< the scorer's settings per kind of device
	std::array<TouchFeatureStats, kTouchClasses> stats_;
	/** What stats_ was parsed from: the section, its events seen and last update; statsOk_: parse result. */
	const ModalityProfile *statsOf_ = nullptr;
	uint64_t statsSeen_ = 0;
	int64_t statsUpdatedUs_ = 0;
	bool statsOk_ = false;
	/** This window's strokes (scored, and those of classes not yet scorable), learned once it is judged. */
	std::vector<Pending> unjudged_;
};

} // namespace tactus
