// SPDX-License-Identifier: MIT
#pragma once

// The one place that decides where a device's events come from (DESIGN.md,
// "Device provenance"). It looks at the sysfs topology only; the reported
// bus type and ids are chosen by whoever creates the device and only feed
// the data-file rules, which can never make a synthetic device trusted.

#include "provenance-rules.h"
#include "provenance.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** One ancestor directory of an input device that has a subsystem link. */
struct SysfsParent {
	std::string syspath;   ///< "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0"
	std::string sysname;   ///< "1-2:1.0"
	std::string subsystem; ///< basename of its subsystem link: "usb"

	bool operator==(const SysfsParent &) const = default;
};

/** Where an input device (inputN) sits in the device tree. */
struct DeviceTopology {
	std::string syspath;              ///< of inputN: "/sys/devices/.../input/input5"
	std::vector<SysfsParent> parents; ///< nearest first, below /sys/devices
};

/** A decision and the reason for it. */
struct ProvenanceDecision {
	Provenance provenance = Provenance::Unknown;
	std::string detail;                   ///< a few words: "parent usb 1-2:1.0"
	std::vector<CreatorProcess> creators; ///< uinput and uhid devices: the holders of the node that made them
};

/** Supply the processes that hold a creator node open now; an empty function means none are visible. */
struct CreatorLookup {
	std::function<std::vector<CreatorProcess>()> uinput; ///< /dev/uinput (10:223); for parentless devices only
	std::function<std::vector<CreatorProcess>()> uhid;   ///< /dev/uhid (10:239); for uhid devices only
};

/** The system unit BlueZ's bluetoothd runs in; only PID 1 can put a process there. */
inline constexpr std::string_view kBluezUnit = "bluetooth.service";

/** True if @p p is BlueZ: a process of the system unit bluetooth.service (not of a user's manager). */
bool isBluez(const CreatorProcess &p);

/** True if @p topology is an input device without a parent (uinput or a kernel driver that sets none). */
bool isParentless(const DeviceTopology &topology);

/**
 * Classify a device from its topology, the rules and the creator nodes' holders: /dev/uinput's for a parentless
 * device, /dev/uhid's for a uhid device. A uhid device on bus 0005 is `bluetooth` only if every holder of
 * /dev/uhid is BlueZ (isBluez), else `uhid`: the bus is the creator's choice.
 */
ProvenanceDecision classifyProvenance(const DeviceTopology &topology, const RuleSubject &subject,
				      const ProvenanceRules &rules, const CreatorLookup &creators);

} // namespace tactus
