// SPDX-License-Identifier: MIT
#pragma once

#include "device-info.h"
#include "provenance-classifier.h"
#include "provenance-rules.h"
#include "uinput-creators.h"
#include "util-result.h"

#include <map>
#include <string>
#include <string_view>

namespace tactus {

struct SystemRoots { // every file system path tactus reads, so tests can point them at fixtures
	std::string sys = "/sys";
	std::string proc = "/proc";
	std::string run = "/run";            // udev database at RUN/udev/data/cMAJ:MIN
	dev_t uinput = uinputDeviceNumber(); // creator nodes, found by number among PROC/PID/fd/N
	dev_t uhid = uhidDeviceNumber();
	CreatorUnitLookup unitsOf = systemdUnitsOf; // a creator's units (libsystemd reads the real /proc only)
};

/** Parse the udev database text of one device; only "E:KEY=VALUE" lines are kept. */
std::map<std::string, std::string> parseUdevDatabase(std::string_view text);

/** Fill @p codes from one sysfs bitmask (capabilities/ev, key, ..., properties) of event type @p type; EV_SYN means
 * capabilities/ev (the types), EV_CNT means properties. */
Result<void> addSysfsBitmask(EvdevCodes &codes, unsigned type, std::string_view text);

/** Reads what tactus needs to know about an input device from sysfs, udev and /proc. */
class DeviceDescriber {
public:
	DeviceDescriber(SystemRoots roots, ProvenanceRules rules);

	/** Everything about /dev/input/@p sysname ("event3") from sysfs, the udev database and /proc: name, ids, phys,
	 * codes from capabilities/ *, caps (deriveCapabilities), seat (udev ID_SEAT, default seat0), provenance +
	 * provenanceDetail, creators for uinput and uhid. syspath in DeviceInfo is the real-looking path
	 * ("/sys/devices/..."), without the fixture root prefix. devnode = "/dev/input/" + sysname. */
	Result<DeviceInfo> describe(std::string_view sysname) const;

	/** Topology of /dev/input/@p sysname's input device (parents nearest first). */
	Result<DeviceTopology> topology(std::string_view sysname) const;

	/** The roots this describer reads. */
	const SystemRoots &roots() const { return roots_; }

private:
	struct Located {
		std::string sysReal;  ///< canonical SYS root
		std::string eventDir; ///< canonical path of SYS/class/input/eventN's target
		std::string inputDir; ///< its parent, the inputN directory
	};
	/** Resolve the event node's directory and check it lies below SYS/devices. */
	Result<Located> locate(std::string_view sysname) const;
	/** Topology of an already located device. */
	DeviceTopology topologyOf(const Located &where) const;

	SystemRoots roots_;
	ProvenanceRules rules_;
};

} // namespace tactus
