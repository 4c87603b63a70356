// SPDX-License-Identifier: MIT
#pragma once

// Keystroke timing features (DESIGN.md, "Behaviour"): fed the key events of
// one keyboard stream, returns one row per keystroke, in press order, holding
// timings and a coarse key class only. A key code lives only in the
// extractor's pending window (to pair a press with its release) and never
// leaves it. Pure code: no I/O, no allocation after construction.
//
// Definitions (TypeNet, Acien et al. 2021; keystroke i, previous keystroke
// i-1 in press order), all in microseconds of the event clock:
//   hold = R(i) - P(i)
//   pp   = P(i) - P(i-1)     (press -> press)
//   rp   = P(i) - R(i-1)     (release -> press; negative when keys overlap)
//   pr   = R(i) - P(i-1)     (press -> release)
//   rr   = R(i) - R(i-1)     (release -> release)
//   rollover = number of earlier keystrokes still held when key i is pressed
// The first keystroke after construction or reset() has all four flights 0.

#include "key-classes.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace tactus {

/** One keystroke's features; nothing in it identifies a key. */
struct KeystrokeRow {
	int64_t holdUs = 0;
	int64_t ppUs = 0;
	int64_t rpUs = 0;
	int64_t prUs = 0;
	int64_t rrUs = 0;
	uint8_t rollover = 0; ///< earlier keystrokes held at this press, saturating at 255
	uint8_t keyClass = 0; ///< keyClassOf(set, code) of the extractor's class set

	bool operator==(const KeystrokeRow &) const = default;
};

/** Pairs presses with releases and turns them into KeystrokeRows. */
class KeystrokeExtractor {
public:
	/** Keystrokes held at once beyond this force the oldest to complete at the new press. */
	static constexpr size_t kMaxPending = 16;
	/** Completed rows waiting for pop() beyond this drop the oldest (the caller is not draining). */
	static constexpr size_t kMaxReady = 64;

	/** An extractor classifying keys with @p set. */
	explicit KeystrokeExtractor(KeyClassSet set);

	/**
	 * One EV_KEY event: @p value 1 press, 0 release, 2 (auto-repeat) ignored.
	 * @p timeUs is the kernel timestamp in microseconds; events must come in
	 * time order (a release earlier than its press counts as a zero hold).
	 */
	void key(uint16_t code, int value, int64_t timeUs);

	/** Take the oldest completed row; false if none is ready. */
	bool pop(KeystrokeRow &row);

	/** Complete every held key at @p timeUs (end of stream) so its row becomes ready. */
	void flush(int64_t timeUs);

	/** Forget everything: the next keystroke starts a new sequence (flights 0). */
	void reset();

	/** The class set this extractor uses. */
	KeyClassSet classSet() const { return set_; }

	/** Rows dropped because pop() was not called often enough. */
	uint64_t droppedRows() const { return dropped_; }

private:
	struct Pending {
		uint16_t code = 0;
		bool released = false;
		uint8_t rollover = 0;
		uint8_t keyClass = 0;
		int64_t pressUs = 0;
		int64_t releaseUs = 0;
	};

	void complete(size_t index, int64_t timeUs);
	void emitReady();

	KeyClassSet set_;
	std::array<Pending, kMaxPending> pending_{}; // ring, press order
	size_t pendingHead_ = 0;
	size_t pendingCount_ = 0;
	std::array<KeystrokeRow, kMaxReady> ready_{}; // ring
	size_t readyHead_ = 0;
	size_t readyCount_ = 0;
	bool havePrevious_ = false;
	int64_t prevPressUs_ = 0;
	int64_t prevReleaseUs_ = 0;
	uint64_t dropped_ = 0;
};

} // namespace tactus
