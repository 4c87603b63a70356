// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <span>

namespace tactus {

/**
 * One evdev event with its kernel timestamp on CLOCK_MONOTONIC, in
 * microseconds. Live and replayed input arrive in this one shape so that
 * everything downstream is the same code path.
 */
struct InputEvent {
	uint64_t timeUsec = 0;
	uint16_t type = 0;
	uint16_t code = 0;
	int32_t value = 0;

	bool operator==(const InputEvent &) const = default;
};

/** The events of one evdev frame, ending with (and including) SYN_REPORT. */
using Frame = std::span<const InputEvent>;

/** Stable identifier of an input device within one run: its evdev sysname (e.g. "event3"). */
using DeviceId = uint32_t;

} // namespace tactus
