// SPDX-License-Identifier: MIT
#pragma once

// One trust per session, fused from every modality (issue 12, "Fusion"):
// typing rhythm, pointer actions and touch strokes each turn their windows
// into calibrated evidence (a log-likelihood ratio in nats) and add it to the
// session's one TrustModel, each weighted by its modality's gain
// (TrustParams::gain; the calibration makes the llr comparable across
// modalities, the gain credits each modality's windows for what overlap and
// dependence take away). Independent modalities add, as independent windows
// do (Wald's sum; the fusion of calibrated scores by adding log-likelihood
// ratios is the "sum rule" of score-level fusion under independence, Kittler
// et al., "On combining classifiers", IEEE TPAMI 20(3), 1998), so a session
// where only the mouse moves is judged by the mouse alone, and one where the
// user types and clicks by both.
//
// Rules on top of the trust model:
//   - learning until at least one modality's profile is ready (markReady());
//     the first ready modality starts trust afresh (cause "enrolled"), the
//     enrollment itself having been the user's own behaviour; evidence of a
//     modality that is not ready is ignored;
//   - stale evidence is ignored: a window whose time lies more than staleUs
//     before the newest evidence of the session (a buffered window of a
//     device gone quiet) is dropped, and a modality without evidence in the
//     last staleUs is not named among the reasons;
//   - reasons name the modality: "rhythm-mismatch", "pointer-mismatch",
//     "touch-mismatch" (modalityMismatchReason()).
// Pure: no clock, no I/O; times are CLOCK_MONOTONIC µs carried by the evidence.

#include "modality.h"
#include "trust-model.h"
#include "verdict.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tactus {

/** Parameters of SessionTrust. */
struct SessionTrustParams {
	TrustParams trust;
	/**
	 * A modality without evidence for this long (µs) is stale: its windows
	 * older than this behind the newest evidence are dropped, and it is
	 * not named in the reasons. 5 minutes: longer than a pause to read, and
	 * the confidence has halved 2.5 times by then.
	 */
	int64_t staleUs = 300'000'000;
};

/** The one trust of a session, fed by every modality. */
class SessionTrust {
public:
	/** Start at @p nowUs (CLOCK_MONOTONIC µs, the login). @p params.trust must check(). */
	explicit SessionTrust(int64_t nowUs, const SessionTrustParams &params = {});

	/**
	 * @p m's profile is ready (scorable) at @p nowUs. The first ready
	 * modality ends `learning`: trust restarts and the change (cause
	 * "enrolled") is returned; later ones change nothing.
	 */
	std::optional<TrustChange> markReady(Modality m, int64_t nowUs);
	/** True if @p m was marked ready. */
	bool ready(Modality m) const;
	/** True if any modality is ready: the session is judged, not learning. */
	bool anyReady() const;

	/**
	 * One scored window of a ready modality. Ignored (nullopt) if its
	 * modality is not ready, its llr is NaN, or it is stale (older than
	 * staleUs behind the newest evidence). Returns the verdict change.
	 */
	std::optional<TrustChange> add(const WindowEvidence &window);

	/** The user re-authenticated at @p nowUs: trust restarts (readiness stays). */
	std::optional<TrustChange> reset(int64_t nowUs);

	/** Learning while no modality is ready, else the trust model's verdict. */
	Verdict verdict() const;
	/** Trust in (0, 1); the neutral 0.5 while learning. */
	double trust() const;
	/**
	 * The verdict's reasons, most important first: the trust model's,
	 * without modalities whose last evidence is stale (older than staleUs
	 * behind the newest evidence). Empty while trusted or learning.
	 */
	std::vector<std::string> reasons() const;
	/** Modalities with evidence within staleUs of the newest evidence, in Modality order. */
	std::vector<Modality> activeModalities() const;
	/** CLOCK_MONOTONIC µs of @p m's last accepted window, nullopt if none. */
	std::optional<int64_t> lastEvidenceUs(Modality m) const;

	const TrustModel &model() const { return model_; }
	const SessionTrustParams &params() const { return params_; }

private:
	bool stale(size_t index) const;
	TrustChange describeChange(Verdict from, std::string_view cause, int64_t nowUs) const;

	SessionTrustParams params_;
	TrustModel model_;
	std::array<bool, 3> ready_ = {};
	std::array<std::optional<int64_t>, 3> lastUs_ = {};
	std::optional<int64_t> newestUs_;
};

} // namespace tactus
