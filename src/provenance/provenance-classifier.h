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
	std::vector<CreatorProcess> creators; ///< uinput only
};

/** Supplies the processes that hold /dev/uinput; only called for parentless devices. */
using UinputHolderLookup = std::function<std::vector<CreatorProcess>()>;

/** True if @p topology is an input device without a parent (uinput or a kernel driver that sets none). */
bool isParentless(const DeviceTopology &topology);

/** Classify a device from its topology, the rules and (for parentless devices) the /dev/uinput holders. */
ProvenanceDecision classifyProvenance(const DeviceTopology &topology, const RuleSubject &subject,
				      const ProvenanceRules &rules, const UinputHolderLookup &uinputHolders);

} // namespace tactus
