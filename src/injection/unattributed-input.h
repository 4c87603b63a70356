// SPDX-License-Identifier: MIT
#pragma once

// The discrepancy signal of issue 13: input reached a session -- logind's
// IdleHint went from true to false (a desktop's idle monitor saw input) --
// while no evdev device of the session's seat produced anything. Such input
// came from somewhere tactus cannot attribute (XTEST, a Wayland virtual
// keyboard, libei, a remote-desktop server); it is evidence to report,
// never a reason to lock on its own. Pure: the caller passes the times
// (CLOCK_MONOTONIC µs, the clock of evdev timestamps), so tests drive it
// with a fake clock.

#include <cstdint>
#include <optional>

namespace tactus {

class UnattributedInputWatch {
public:
	struct Params {
		/**
		 * Seat input this long before the resume explains it: the desktop
		 * sets IdleHint false after the input that woke it (GNOME's
		 * idle monitor within a second), plus the daemon's own latency.
		 */
		uint64_t lookbackUsec = 3'000'000;
		/** The check waits this long after the resume, for evdev frames still on their way. */
		uint64_t graceUsec = 1'000'000;
	};

	/** What a check found: input with no seat input behind it. */
	struct Finding {
		uint64_t resumedUsec = 0;   ///< when IdleHint went false
		uint64_t seatQuietUsec = 0; ///< how long the seat had had no input then (0: none since it was followed)
	};

	UnattributedInputWatch() = default;
	explicit UnattributedInputWatch(Params params) : params_(params) {}

	/**
	 * logind's IdleHint is @p idle as of @p nowUsec. A true → false
	 * transition schedules a check: returns when to call check(). The
	 * first value seen only sets the state (there is no transition to
	 * judge); false → false and idle → idle change nothing.
	 */
	std::optional<uint64_t> idleHint(bool idle, uint64_t nowUsec);
	/**
	 * At or after the time idleHint() returned: a Finding if the seat's
	 * newest evdev input (@p lastSeatInputUsec, 0: none yet) is older than
	 * the look-back before the resume. Nothing if no check is due yet; the
	 * due check is consumed either way.
	 */
	std::optional<Finding> check(uint64_t nowUsec, uint64_t lastSeatInputUsec);
	/** A check is scheduled: its time. */
	std::optional<uint64_t> due() const;

private:
	Params params_;
	std::optional<bool> idle_;
	std::optional<uint64_t> resumedUsec_;
};

} // namespace tactus
