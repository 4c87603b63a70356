// SPDX-License-Identifier: MIT
#pragma once

// Who is typing, for one session: keystroke rows (timings and coarse key
// classes, never keys) from every allowed keyboard of the session's seat go
// into a sliding window; each full window is embedded by the keystroke
// model, learned into the user's profile while it enrolls (and, slowly, while
// trust is high), and once the profile is ready scored against its templates
// (by the model's rule: distance to the templates' centroid, or TypeNet's mean
// distance: Acien et al., IEEE T-BIOM 2021), turned
// into a log-likelihood ratio by the model's calibration, and added to the
// session's one trust (SessionTrust, shared with the pointer and touch
// behaviour). Pure: no I/O; the caller saves the profile when told to.

#include "keystroke-features.h"
#include "keystroke-model.h"
#include "profile-enrollment.h"
#include "profile.h"
#include "session-trust.h"

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace tactus {

/** Parameters of KeystrokeBehaviour; defaults are what tactusd uses. */
struct KeystrokeBehaviourParams {
	/** Keystrokes per window, ≤ the model's maxKeys(); the evaluation protocol's 50. */
	uint32_t windowKeys = 50;
	/**
	 * A window is scored every this many new keystrokes (the slide),
	 * 1..windowKeys. 5: a takeover is judged every 5 keystrokes (one
	 * 50-keystroke window costs ~0.8 ms: 0.2% of a core at 10 keys/s).
	 */
	uint32_t strideKeys = 5;
	EnrollmentParams enrollment;
};

/** The model's identity as profiles record it: templates of another model are not comparable. */
ModelId keystrokeModelId(const KeystrokeModel &model);

/** What one keystroke did to the session. */
struct KeystrokeOutcome {
	bool windowDone = false;   ///< a window was embedded (learned and/or scored)
	bool scored = false;       ///< it was scored against a ready profile
	double distance = 0.0;     ///< the model's score() against the templates, 0..2 (scored)
	double llr = 0.0;          ///< calibrated evidence of the window, nats (scored)
	LearnResult learn;         ///< what the profile learned from it
	bool profileState = false; ///< the profile's state or enrollment progress changed (publish)
	/** The session's verdict changed (learning → trusted, trusted → uncertain, ...). */
	std::optional<TrustChange> change;
};

/** One session's keystroke behaviour. */
class KeystrokeBehaviour {
public:
	/** @p model outlives this object. */
	KeystrokeBehaviour(const KeystrokeModel &model, const KeystrokeBehaviourParams &params);

	/**
	 * One keystroke of the session. @p profile: the session user's profile
	 * (learned into, scored against). @p trust: the session's one trust,
	 * which a scored window feeds and which is marked ready for keystrokes
	 * once the profile's keystroke section is. @p locked: the session is locked —
	 * the keystroke is the password typed into the locker: it is neither
	 * learned nor scored, and the window restarts so no window ever holds
	 * password keystrokes. @p injection: injection evidence stands (nothing
	 * is learned). @p monoUs: the keystroke's kernel time (CLOCK_MONOTONIC
	 * µs), @p realUs: CLOCK_REALTIME µs for the profile's timestamps.
	 */
	KeystrokeOutcome keystroke(const KeystrokeRow &row, Profile &profile, SessionTrust &trust, bool locked,
				   bool injection, int64_t monoUs, int64_t realUs);

	/** The window restarts (a gap in the input, a lock, a lost buffer, re-authentication). */
	void restartWindow();

	/** True if @p profile's keystroke section may be scored with this model. */
	bool ready(const Profile &profile) const;
	const ModelId &modelId() const { return modelId_; }

private:
	const KeystrokeModel &model_;
	KeystrokeBehaviourParams params_;
	ModelId modelId_;
	KeystrokeEmbedder embedder_;
	std::vector<KeystrokeRow> window_; ///< ring of the last windowKeys rows
	size_t head_ = 0;                  ///< oldest row when the ring is full
	uint32_t sinceWindow_ = 0;         ///< new rows since the last window
	std::vector<KeystrokeRow> ordered_;
	Eigen::VectorXf embedding_;
	Eigen::MatrixXf templates_;
};

} // namespace tactus
