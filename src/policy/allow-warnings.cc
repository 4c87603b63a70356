// SPDX-License-Identifier: MIT
#include "allow-warnings.h"

namespace tactus {

namespace {

std::string creatorNodes(const AllowRule &rule)
{
	if (!rule.matchProvenance)
		return "/dev/uinput or /dev/uhid";
	return *rule.matchProvenance == Provenance::Uhid ? "/dev/uhid" : "/dev/uinput";
}

} // namespace

std::vector<std::string> allowRuleWarnings(const AllowRule &rule)
{
	std::vector<std::string> out;
	const std::optional<Provenance> p = rule.matchProvenance;
	if (rule.hasCreatorKey()) {
		// Creators are the holders of /dev/uinput or /dev/uhid; BlueZ is
		// the creator of a bluetooth uhid device.
		if (p && !isSynthetic(*p) && *p != Provenance::Bluetooth)
			out.push_back("never matches: it has MatchCreator keys, and no process creates a " +
				      std::string(provenanceName(*p)) + " device, so such devices have no creator");
		return out;
	}
	if (!rule.allow)
		return out;
	if (!p || isSynthetic(*p)) {
		out.push_back("matches no creator: any process that can open " + creatorNodes(rule) +
			      " can make a device that matches it" +
			      (p ? std::string() : ", and any USB device can claim its name and ids"));
		return out;
	}
	switch (*p) {
	case Provenance::Hardware:
		out.push_back("matches hardware by what the device reports: no process can make a hardware device, but "
			      "a USB device reports whatever name and ids its maker chose, so any USB device (a BadUSB "
			      "stick) can claim them");
		break;
	case Provenance::Bluetooth:
		out.push_back(
			"matches Bluetooth devices by what they report: only BlueZ and the kernel make them, but a "
			"paired device reports whatever name and ids its maker chose");
		break;
	case Provenance::Hypervisor:
		out.push_back(
			"matches emulated devices by what they report: only the hypervisor makes them, and whoever "
			"configures it chooses their name and ids");
		break;
	case Provenance::Unknown:
		out.push_back("matches devices of unknown provenance: nothing is known about who made them");
		break;
	default: // kernel-virtual: only a kernel driver makes them, while no process holds /dev/uinput
		break;
	}
	return out;
}

} // namespace tactus
