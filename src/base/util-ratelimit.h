// SPDX-License-Identifier: MIT
#pragma once

// A message rate limit after systemd's RateLimit (src/basic/ratelimit.h,
// log_ratelimit_*): at most `burst` messages per `interval`; what is over is
// counted, and the first message of the next interval can say how many were
// suppressed. Pure: the caller passes the time (CLOCK_MONOTONIC µs), so
// tests drive it with a fake clock.

#include <cstdint>

namespace tactus {

class RateLimit {
public:
	/** At most @p burst messages in each @p intervalUsec (µs); burst 0 or interval 0: no limit. */
	constexpr RateLimit(uint64_t intervalUsec, unsigned burst) : intervalUsec_(intervalUsec), burst_(burst) {}

	/**
	 * A message at @p nowUsec: true if it may go out. An interval starts at
	 * the first message after the previous one ended (systemd's
	 * ratelimit_below()); a clock going backwards starts a new one.
	 */
	bool below(uint64_t nowUsec);
	/**
	 * Messages refused since the last message that went out; reading it
	 * resets it (call after below() said true, to log "N suppressed").
	 */
	uint64_t takeSuppressed();

private:
	uint64_t intervalUsec_;
	unsigned burst_;
	uint64_t begin_ = 0;
	unsigned count_ = 0;
	bool started_ = false;
	uint64_t suppressed_ = 0;
};

} // namespace tactus
