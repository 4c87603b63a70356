// SPDX-License-Identifier: MIT
#pragma once

// What the agent keeps of the input it observes between two reports: per
// source (kind and device name), counts and the times of key presses, never
// which keys. Pure: the observer feeds it, the reporter takes its reports.

#include "session-input.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tactus {

/** Input of one report window, per source. */
class InputTally {
public:
	/** Kinds of event the observer feeds, none of them naming a key or a button. */
	enum class Event : uint8_t { Key, Button, Motion }; ///< a key press, a button press, a motion

	/** One event of @p device (a @p source) at @p timeUsec (the display server's clock, µs). */
	void add(SessionInputSource source, const std::string &device, Event event, uint64_t timeUsec);
	/** Key presses of synthetic sources in the current window (for an early report on a burst). */
	uint64_t syntheticKeyPresses() const { return syntheticKeys_; }
	/** True if no event was added since the last take(). */
	bool empty() const { return sources_.empty(); }
	/**
	 * The reports of the window that ends now and lasted @p windowUsec:
	 * one per source that had input, with its key presses' active span,
	 * median and shortest interval; the tally starts over.
	 */
	std::vector<SessionInputReport> take(uint64_t windowUsec);

	/** Key press times kept per source and window; presses beyond are counted, not timed. */
	static constexpr size_t kMaxTimedPresses = 4096;

private:
	struct Source {
		uint32_t keyPresses = 0;
		uint32_t buttonPresses = 0;
		uint32_t motionEvents = 0;
		std::vector<uint64_t> pressTimes;
	};
	std::map<std::pair<SessionInputSource, std::string>, Source> sources_;
	uint64_t syntheticKeys_ = 0;
};

} // namespace tactus
