// SPDX-License-Identifier: MIT
// The udev database of a device (RUN/udev/data/cMAJ:MIN) and the property
// values tactus acts on: ID_SEAT (chosen by udev rules from attributes the
// device reports), TACTUS_TRUST and TACTUS_IGNORE. A device's name and
// descriptors reach these values through rules, so any bytes may appear.
#include "decider.h"
#include "device-format.h"
#include "fuzz-util.h"
#include "sysfs-device.h"
#include "tactus-bus.h"
#include "util-strings.h"

#include <linux/input-event-codes.h>

#include <cstring>

using namespace tactus;
using tactus::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const auto props = parseUdevDatabase(fuzz::text(data, size));
	for (const auto &[key, value] : props) {
		check(!key.empty() && key.find('=') == std::string::npos, "a property key is empty or holds '='");
		check(key.find('\n') == std::string::npos && value.find('\n') == std::string::npos,
		      "a property spans lines");
		// Values also reach the sysfs bitmask parser's kind of input: it
		// must refuse, not crash, on any of them.
		EvdevCodes codes;
		if (auto added = addSysfsBitmask(codes, EV_KEY, value); !added)
			check(added.error().errnum < 0, "a bitmask error without a negative errno");
	}

	// As the describer and the decider take them, on a hardware keyboard
	// and on a uinput one.
	for (Provenance provenance : {Provenance::Hardware, Provenance::Uinput}) {
		PolicyDevice device;
		device.info.sysname = "event7";
		device.info.name = "fuzzed keyboard";
		device.info.caps.keyboard = true;
		device.info.provenance = provenance;
		device.info.udevProperties = props;
		if (auto seat = props.find("ID_SEAT"); seat != props.end() && !seat->second.empty())
			device.info.seat = seat->second;
		decideAllowed(device, AllowPolicy{});
		check(!device.allowedWhy.empty(), "decideAllowed gave no reason");
		const auto trust = props.find("TACTUS_TRUST");
		if (trust != props.end() && trust->second == "deny")
			check(!device.allowed, "TACTUS_TRUST=deny allowed the device");

		// What the log and the bus make of them: valid UTF-8, bounded.
		const std::string line = formatDeviceLine(device.info);
		check(isValidUtf8(line), "formatDeviceLine gave invalid UTF-8");
		const std::string seat = sanitizeForDisplay(device.info.seat, 64);
		check(isValidUtf8(seat) && seat.size() <= 64 + std::strlen("…"), "sanitizeForDisplay broke its bounds");
		// The seat names a pseudo-session, whose id becomes an object path.
		const std::string path = busPathEncode("/org/tactus/Tactus1/session", device.info.seat);
		check(!path.empty() && sd_bus_object_path_is_valid(path.c_str()), "an invalid object path");
		check(busPathDecode(path.c_str(), "/org/tactus/Tactus1/session") == device.info.seat ||
			      device.info.seat.find('\0') != std::string::npos,
		      "an object path does not decode to its seat");
	}
	return 0;
}
