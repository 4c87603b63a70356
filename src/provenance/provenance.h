// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace tactus {

/**
 * Where the events of a device come from, decided from the sysfs topology
 * (DESIGN.md, "Device provenance"), never from the bus type the device
 * reports: whoever creates a device chooses that.
 */
enum class Provenance {
	Unknown,    ///< could not be decided (sysfs unreadable, replay without metadata)
	Hardware,   ///< parent on usb, serio, i2c, spi, hid over those, platform
	Hypervisor, ///< virtio-input or a known emulated device (data file)
	Bluetooth,  ///< kernel hidp below an adapter, or a uhid node on BUS_BLUETOOTH that BlueZ made (HID-over-GATT)
	Uhid,       ///< uhid node any other process made, or on any other bus: a process made it up
	Uinput,     ///< parentless virtual input device made through /dev/uinput
	KernelVirtual, ///< parentless device made by a kernel driver (data file)
};

/** Stable lower-case name used in logs, on the bus and in recordings ("kernel-virtual"). */
std::string_view provenanceName(Provenance p);

/** Inverse of provenanceName(); nullopt for unknown text. */
std::optional<Provenance> provenanceFromName(std::string_view name);

/** True for classes whose events a process synthesised (uinput, uhid). */
constexpr bool isSynthetic(Provenance p)
{
	return p == Provenance::Uinput || p == Provenance::Uhid;
}

/**
 * A process that may have created a uinput (uhid) device: one that held
 * /dev/uinput (/dev/uhid) open when the device appeared. There can be several.
 */
struct CreatorProcess {
	pid_t pid = 0;
	uid_t uid = 0;
	std::string exe;      ///< readlink of /proc/PID/exe, "" if unreadable
	std::string comm;     ///< /proc/PID/comm
	std::string unit;     ///< system unit (sd_pid_get_unit): "ydotool.service", "user@1000.service"; "" if none
	std::string userUnit; ///< unit in a user's manager (sd_pid_get_user_unit): "keyd.service"; "" if none

	bool operator==(const CreatorProcess &) const = default;
};

} // namespace tactus
