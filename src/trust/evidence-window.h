// SPDX-License-Identifier: MIT
#pragma once

// A behaviour's windows of evidence: the calibrated LLRs of consecutive
// scored events (strokes, actions) add, as Frank et al. 2013 combine k
// strokes and Wald's sequential test adds independent observations, into
// non-overlapping windows of a fixed number of events; a full window's sum,
// clamped to ±limit (the calibration is not trusted further out), is one
// WindowEvidence for the session's trust. Used by the touch behaviour; the
// pointer behaviour keeps its own copy of the same loop for now.

#include "modality.h"
#include "trust-model.h"

#include <cstdint>
#include <optional>

namespace tactus {

/** Sums scored events' LLRs into windows of `events` events for one modality. */
class EvidenceWindow {
public:
	/** @p events per window (at least 1); a window's sum is clamped to ±@p llrLimit nats. */
	EvidenceWindow(Modality modality, uint32_t events, double llrLimit);

	/**
	 * One scored event's calibrated LLR (nats), its time @p atUs
	 * (CLOCK_MONOTONIC µs). Returns the window's evidence when this event
	 * completes it (the window then restarts), else nullopt.
	 */
	std::optional<WindowEvidence> add(double llr, int64_t atUs);
	/** Forget the events of the window in progress (a lock, re-authentication). */
	void restart();

	/** Events in the window in progress. */
	uint32_t pending() const { return count_; }

private:
	Modality modality_;
	uint32_t events_;
	double llrLimit_;
	uint32_t count_ = 0;
	double sum_ = 0.0;
};

} // namespace tactus
