// SPDX-License-Identifier: MIT
#pragma once

// A keyboard that appears and starts typing within seconds, at a sustained
// high rate, while another keyboard was in use: the signature of a
// keystroke-injection stick. Pure, fixed-size, no key codes kept at all.

#include "injection-evidence.h"
#include "input-event.h"

#include <array>
#include <cstdint>

namespace tactus {

/** Thresholds of NewKeyboardBurstDetector. */
struct NewKeyboardBurstConfig {
	uint64_t firstKeyWithinUsec = 10'000'000; ///< the new keyboard types this soon after it appeared...
	uint64_t watchUsec = 60'000'000;          ///< ...and is watched this long after it appeared
	uint64_t otherInUseUsec = 120'000'000;    ///< another keyboard typed this recently before it appeared
	uint32_t burstPresses = 12;               ///< this many presses...
	uint64_t burstWindowUsec = 1'000'000;     ///< ...within this window (12 keys/s, sustained)
};

/** Tracks keyboards of one seat. */
class NewKeyboardBurstDetector {
public:
	static constexpr unsigned kMaxDevices = 64;

	explicit NewKeyboardBurstDetector(const NewKeyboardBurstConfig &config = {}) : config_(config) {}

	/** A device appeared (hotplug) at @p timeUsec; devices present at startup may be added with time 0. */
	void deviceAdded(DeviceId id, uint64_t timeUsec, bool isKeyboard);
	/** A device went away. */
	void deviceRemoved(DeviceId id);
	/** One EV_KEY event of device @p id (value 1 press, 0 release, 2 repeat). */
	InjectionEvidence keyEvent(DeviceId id, uint64_t timeUsec, uint16_t code, int32_t value);

private:
	static constexpr unsigned kPresses = 32; // >= burstPresses

	struct Device {
		bool used = false;
		DeviceId id = 0;
		bool keyboard = false;
		bool suspect = false; // appeared while another keyboard was in use
		uint64_t addedUsec = 0;
		uint64_t firstKeyUsec = 0; // 0: none yet
		uint64_t lastKeyUsec = 0;  // 0: none yet
		std::array<uint64_t, kPresses> presses{};
		uint32_t npresses = 0;
	};

	Device *find(DeviceId id);

	NewKeyboardBurstConfig config_;
	std::array<Device, kMaxDevices> devices_{};
};

} // namespace tactus
