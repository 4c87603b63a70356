// SPDX-License-Identifier: MIT
#pragma once

#include "provenance.h"

#include <linux/input.h>

#include <bitset>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tactus {

/** Which event types and codes a device can send, as the kernel reports them. */
struct EvdevCodes {
	std::bitset<EV_CNT> types;
	std::bitset<KEY_CNT> keys;
	std::bitset<REL_CNT> rels;
	std::bitset<ABS_CNT> abs;
	std::bitset<SW_CNT> sws;
	std::bitset<MSC_CNT> mscs;
	std::bitset<INPUT_PROP_CNT> props;

	/** True if the device can send @p type / @p code. */
	bool has(unsigned type, unsigned code) const;
	/** Mark @p type / @p code as supported; out-of-range values are ignored. */
	void set(unsigned type, unsigned code);

	bool operator==(const EvdevCodes &) const = default;
};

/** What a device is for, derived from its codes like udev's input_id builtin. */
struct Capabilities {
	bool keyboard = false;   ///< has letter keys
	bool keys = false;       ///< has some keys (hotkeys, power button)
	bool pointer = false;    ///< relative motion (mouse, trackball)
	bool absPointer = false; ///< absolute single pointer (tablet, usb-tablet)
	bool touchpad = false;
	bool touchscreen = false;
	bool switches = false;

	bool operator==(const Capabilities &) const = default;
};

/**
 * True for EV_KEY codes that are buttons, not keys (BTN_MISC..BTN_GEAR_UP,
 * BTN_TRIGGER_HAPPY*): a mouse has buttons but types nothing.
 */
constexpr bool isButtonCode(unsigned code)
{
	return (code >= BTN_MISC && code < KEY_OK) || (code >= BTN_TRIGGER_HAPPY && code <= BTN_TRIGGER_HAPPY40);
}

/** Derive capabilities from codes; pure, so live and replayed devices agree. */
Capabilities deriveCapabilities(const EvdevCodes &codes);

/** Short comma-separated form for logs and tables: "keyboard,pointer". */
std::string capabilitiesString(const Capabilities &caps);

/** One absolute axis as the kernel describes it (struct input_absinfo, without fuzz and flat). */
struct AbsAxis {
	int32_t minimum = 0;
	int32_t maximum = 0;
	int32_t resolution = 0; ///< units per mm (ABS_X/Y), 0 if the device does not say

	bool operator==(const AbsAxis &) const = default;
};

/** Everything known about one input device when it appears. */
struct DeviceInfo {
	std::string sysname;  ///< "event3"; for replay, the recorded node's basename
	std::string devnode;  ///< "/dev/input/event3"
	std::string syspath;  ///< "/sys/devices/.../input/input7/event3", "" for replay
	std::string name;     ///< as the device reports it: untrusted, may be any bytes
	uint16_t bustype = 0; ///< as reported: untrusted
	uint16_t vendor = 0;
	uint16_t product = 0;
	uint16_t version = 0;
	std::string seat = "seat0"; ///< udev ID_SEAT
	Provenance provenance = Provenance::Unknown;
	std::string provenanceDetail;         ///< why, e.g. "parent usb 1-1:1.0", "rule qemu-usb-tablet"
	std::vector<CreatorProcess> creators; ///< uinput and uhid (bluetooth: BlueZ) devices
	EvdevCodes codes;
	Capabilities caps;
	std::string phys;                                  ///< as reported ("usb-0000:00:14.0-2/input0"): untrusted
	std::string uniq;                                  ///< as reported (serial, BT address): untrusted
	std::map<std::string, std::string> udevProperties; ///< udev database E: entries, empty if none
	/**
	 * Absolute axes by ABS code: the device's absinfo (live: EVIOCGABS
	 * through libevdev when the node is opened; replay: the recording's).
	 * Empty for sysfs-only descriptions, which have no ranges.
	 */
	std::map<uint16_t, AbsAxis> absAxes;
};

} // namespace tactus
