// SPDX-License-Identifier: MIT
#pragma once

// Input that never touches the kernel (X11 XTEST, Wayland virtual
// keyboards, libei), as a session's own agent (tactus-session-agent) counts
// it and reports it over the bus: counts and timings per source, never
// which keys. This unit holds the report as a value, checks it, and turns
// it into one line for the log; the decider turns it into evidence.

#include "util-result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tactus {

/** Where the input an agent reports came from, as the display server tells it. */
enum class SessionInputSource : uint8_t {
	Xtest,         ///< "xtest": an X11 XTEST slave device (xdotool, password-manager auto-type)
	VirtualDevice, ///< "virtual-device": an X11 slave with no evdev node behind it (xrdp, Xvnc, a driver of its
		       ///< own)
	Evdev,        ///< "evdev": an X11 slave backed by an evdev node: tactusd should have seen it too
	Unobservable, ///< "unobservable": the display server lets the agent see nothing (Wayland)
};

/** Stable name used on the bus and in logs ("xtest"). */
std::string_view sessionInputSourceName(SessionInputSource source);
/** Inverse of sessionInputSourceName(). */
std::optional<SessionInputSource> sessionInputSourceFromName(std::string_view name);
/** Xtest and VirtualDevice: input no device of the seat produced. */
bool isSyntheticSessionInput(SessionInputSource source);

/**
 * One report of one source over one window, as ReportSessionInput carries it
 * (org.tactus.Tactus1(5)). Times in µs; intervals are between successive key
 * presses of the window, measured on the display server's clock (X11: ms
 * resolution, so 0 µs means "within the same millisecond").
 */
struct SessionInputReport {
	SessionInputSource source = SessionInputSource::Xtest;
	std::string device;              ///< the display server's name of the source ("Virtual core XTEST keyboard")
	std::string client;              ///< the injecting client, where the display server names it; else empty
	uint64_t windowUsec = 0;         ///< how long the report covers
	uint32_t keyPresses = 0;         ///< key presses (a count, never which keys)
	uint32_t buttonPresses = 0;      ///< pointer button presses
	uint32_t motionEvents = 0;       ///< pointer motion events
	uint64_t activeUsec = 0;         ///< first to last key press of the window (0: fewer than two)
	uint64_t medianIntervalUsec = 0; ///< median press→press interval (0 with fewer than two presses)
	uint64_t minIntervalUsec = 0;    ///< shortest press→press interval

	/** True if the report carries any input. */
	bool carriesInput() const { return keyPresses || buttonPresses || motionEvents; }
	/** The display server's clock resolution (X11 Time: ms), the shortest span a rate is taken over. */
	static constexpr uint64_t kClockResolutionUsec = 1000;
	/**
	 * Key presses per second: (presses − 1) / max(activeUsec, 1 ms); a
	 * lower bound when every press fell in one ms. 0 with fewer than two.
	 */
	double keyRate() const;
	/**
	 * The report is consistent: window > 0 and at most a day, active span
	 * and intervals within the window, intervals only with two or more
	 * presses, the minimum not above the median, names at most 256 bytes
	 * of valid UTF-8. Errors say which field is wrong.
	 */
	Result<void> validate() const;
	/**
	 * One line for the log: "xtest 'Virtual core XTEST keyboard': 12 key presses
	 * at 6.7/s (median 150.0 ms, min 149.0 ms), 0 button presses, 0 motion events
	 * in 10.0 s". Counts and timings only; names sanitised.
	 */
	std::string describe() const;
};

} // namespace tactus
