// SPDX-License-Identifier: MIT
#pragma once

// Injection evidence raised by the timing, burst and pointer detectors. It
// carries reason codes, rule names and aggregate timings only: never a key
// code, so it may be logged and published as it is.

#include <cstdint>
#include <string>
#include <string_view>

namespace tactus {

/** Stable reason codes (DESIGN.md, "Verdicts"). */
enum class InjectionReason : uint8_t {
	SuperhumanRate,   ///< "superhuman-rate"
	TooRegular,       ///< "too-regular"
	NewKeyboardBurst, ///< "new-keyboard-burst"
	RoboticPointer,   ///< "robotic-pointer"
};

/** Stable reason code for logs, the bus and the verdict. */
std::string_view injectionReasonName(InjectionReason reason);

/**
 * What one detector concludes after one event. `strength` is the progress of
 * the most advanced rule towards an alarm, in [0, 1]; `alarm` is true when it
 * reached 1 on this event (then `reason` and `rule` say why).
 */
struct InjectionEvidence {
	bool alarm = false;
	InjectionReason reason = InjectionReason::SuperhumanRate;
	std::string_view rule;    ///< stable rule name, e.g. "instant-dwell"; empty if none
	double strength = 0.0;    ///< 0 = nothing suspicious, 1 = alarm
	uint32_t run = 0;         ///< events in the suspicious run
	double meanGapMs = 0.0;   ///< mean interval over the run (press→press, or pointer event interval)
	double spreadGapMs = 0.0; ///< max − min of those intervals
	double meanDwellMs = 0.0; ///< mean press→release over the run (keyboard), 0 if unknown

	/** One line for the daemon's log, e.g. "too-regular (fixed-cadence): 9 gaps 100.0±0.4 ms". */
	std::string describe() const;
};

} // namespace tactus
