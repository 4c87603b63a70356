// SPDX-License-Identifier: MIT
#pragma once

// How a profile learns, as a pure state machine over a Profile value: the
// caller (the daemon) passes every fact it needs — the window's embedding,
// whether the session is locked, whether injection evidence stands, the
// session's trust — and saves the profile when told to.
//
//   none ──first window──► enrolling ──templates and events complete──► ready
//     ▲                        ▲    │                                      │
//     │ ForgetProfile           └────┴─── ResetProfile, or another model ◄─┘
//
// Enrollment is from normal use, no exercise: every allowed window counts its
// new events, and a window is taken as a template once enough events came in
// since the previous template (so templates do not overlap). After ready,
// adaptation is slow: one template per many events, replacing the oldest
// once the cap is reached, and only while trust is high. Nothing is learned
// while the session is locked (that typing is the password) or while
// injection evidence stands (that typing may be a machine's).

#include "modality.h"
#include "profile.h"

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

namespace tactus {

/** The rules' parameters; counts of events are keystrokes for the keystroke modality. */
struct EnrollmentParams {
	/**
	 * Templates that complete enrollment. 5 windows of ≤ 50 keystrokes is
	 * the protocol the keystroke model is evaluated with (issue 10, after
	 * TypeNet: Acien et al., "TypeNet: Deep Learning Keystroke Biometrics",
	 * IEEE T-BIOM 2021).
	 */
	uint32_t templatesNeeded = 5;
	/** Events learned that complete enrollment (with templatesNeeded). */
	uint64_t eventsNeeded = 250;
	/** New events between two enrollment templates; ≥ the window length keeps templates disjoint. */
	uint64_t eventsBetweenTemplates = 50;
	/** A window with fewer events is never taken as a template. */
	uint32_t minWindowEvents = 30;
	/** Most templates kept (N cap), 1..kMaxProfileTemplates; adaptation replaces the oldest beyond it. */
	uint32_t maxTemplates = 20;
	/** Adaptation only while the session's trust (TrustModel::trust(), 0..1) is at least this. */
	double adaptMinTrust = 0.9;
	/** Learned events (at high trust) between two adapted templates: slow, ~ one per 1,000 keystrokes. */
	uint64_t eventsBetweenAdaptations = 1000;
	/** Genuine score statistics forget with this effective memory, in windows (ScoreStats::add's cap). */
	uint64_t scoreMemory = 2000;
};

/** Facts about the session when a window is offered; the daemon knows them, the rules do not. */
struct LearningConditions {
	bool sessionLocked = false;     ///< the session is locked (logind LockedHint) or the locker is up
	bool injectionEvidence = false; ///< injection evidence stands (verdict `injected`, not yet re-authenticated)
	double trust = 0.0;             ///< session trust in [0, 1] after this window's evidence; read once ready
};

/** One window of behaviour, as the model sees it. */
struct WindowSample {
	std::span<const float> embedding; ///< D = ModelId::dim floats from the model
	uint32_t events = 0;              ///< events in the window (≤ 50 keystrokes)
	uint32_t newEvents = 0;           ///< events not part of any window offered before (the slide)
	/** The window's score against the templates when it was scored (ready), NaN otherwise; scorer's units. */
	double score = std::numeric_limits<double>::quiet_NaN();
};

/** What learnWindow() did. */
enum class LearnAction : uint8_t {
	Skipped,       ///< nothing learned; `skipReason` says why
	Counted,       ///< events counted, no template taken
	TemplateAdded, ///< an enrollment template was taken
	Completed,     ///< a template was taken and enrollment is complete: the modality is ready
	Adapted,       ///< after ready: a template was added or replaced the oldest
};

/** "skipped", "counted", "template-added", "completed", "adapted". */
std::string_view learnActionName(LearnAction a);

/** The outcome of one learnWindow() call. */
struct LearnResult {
	LearnAction action = LearnAction::Skipped;
	/** Why nothing was learned: "session-locked", "injection-evidence", "trust-low", "invalid-embedding"; else "".
	 */
	std::string_view skipReason;
	/** The section was made with another model and enrollment restarted (log it). */
	bool restarted = false;
	/** Templates or state changed: save the profile now. (Counted changes only counters; save when convenient.) */
	bool save = false;
};

/**
 * Restart enrollment of @p m: state enrolling, no templates, counts and
 * statistics cleared, needs from @p params, created and updated = @p nowUs
 * (CLOCK_REALTIME µs). The model stays.
 */
void restartEnrollment(ModalityProfile &m, const EnrollmentParams &params, int64_t nowUs);

/**
 * If @p m was made with a model other than @p model (name, version or
 * dimension), its templates are not comparable: adopt @p model and restart
 * enrollment. True if it restarted. The daemon calls it for each loaded
 * profile, before scoring.
 */
bool restartIfModelChanged(ModalityProfile &m, const ModelId &model, const EnrollmentParams &params, int64_t nowUs);

/** restartIfModelChanged() on @p profile's @p modality section, if it has one; updates profile.updatedUs. */
bool restartIfModelChanged(Profile &profile, Modality modality, const ModelId &model, const EnrollmentParams &params,
			   int64_t nowUs);

/** True if windows may be scored against @p m: ready, made with @p model, with templates. */
bool isScorable(const ModalityProfile &m, const ModelId &model);

/**
 * Offer one window to @p m, made by @p model, under @p conditions, at
 * @p nowUs (CLOCK_REALTIME µs). Rules, in order: an embedding that is not
 * D finite floats is skipped; nothing is learned while the session is locked
 * or injection evidence stands; a section of another model restarts
 * enrollment; while enrolling, new events count and a window of at least
 * minWindowEvents becomes a template once eventsBetweenTemplates events came
 * since the previous one, and enrollment completes when both needs are met;
 * once ready, only at trust ≥ adaptMinTrust are events counted, the genuine
 * score statistics updated and, every eventsBetweenAdaptations events, a
 * template added (the oldest replaced at maxTemplates).
 */
LearnResult learnWindow(ModalityProfile &m, const ModelId &model, const WindowSample &window,
			const LearningConditions &conditions, const EnrollmentParams &params, int64_t nowUs);

/**
 * learnWindow() on @p profile's @p modality section, which is created
 * (enrolling, state none → enrolling) by the first window that may be
 * learned. Sets profile.createdUs on first use and updatedUs on change.
 */
LearnResult learnWindow(Profile &profile, Modality modality, const ModelId &model, const WindowSample &window,
			const LearningConditions &conditions, const EnrollmentParams &params, int64_t nowUs);

} // namespace tactus
