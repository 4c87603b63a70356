// SPDX-License-Identifier: MIT
#include "provenance-classifier.h"

#include "sysfs-read.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace tactus {

namespace {

constexpr std::string_view kVirtualInput = "/sys/devices/virtual/input/";
constexpr std::string_view kVirtual = "/sys/devices/virtual/";
constexpr std::string_view kUhid = "/sys/devices/virtual/misc/uhid/";

// Subsystems only a kernel driver for real (or emulated) hardware registers
// devices on; a process cannot put a device there.
constexpr std::array<std::string_view, 12> kHardwareSubsystems = {
	"usb", "serio", "i2c", "spi", "hid", "platform", "acpi", "pnp", "pci", "hdaudio", "sound", "gameport",
};

bool startsWith(std::string_view s, std::string_view prefix)
{
	return s.substr(0, prefix.size()) == prefix;
}

bool isHardwareSubsystem(std::string_view s)
{
	return std::find(kHardwareSubsystems.begin(), kHardwareSubsystems.end(), s) != kHardwareSubsystems.end();
}

std::string ruleDetail(const ProvenanceRule &r)
{
	return "rule '" + r.name + "' (" + r.origin() + ")";
}

std::string pidList(const std::vector<CreatorProcess> &holders)
{
	std::string out;
	for (const CreatorProcess &p : holders) {
		if (!out.empty())
			out += ", ";
		out += std::to_string(p.pid);
	}
	return out;
}

ProvenanceDecision classifyParentless(const RuleSubject &subject, const ProvenanceRules &rules,
				      const CreatorLookup &creators)
{
	ProvenanceDecision d;
	const ProvenanceRule *rule = rules.match(subject, Provenance::KernelVirtual);
	std::vector<CreatorProcess> holders = creators.uinput ? creators.uinput() : std::vector<CreatorProcess>{};
	const std::string held = holders.size() == 1 ? "/dev/uinput held by pid " : "/dev/uinput held by pids ";

	if (rule && holders.empty()) {
		d.provenance = Provenance::KernelVirtual;
		d.detail = "parentless; " + ruleDetail(*rule) + "; /dev/uinput not held";
		return d;
	}
	// A name is no proof: anyone can create "Acer WMI hotkeys" through
	// uinput, so with a holder around the device counts as uinput.
	d.provenance = Provenance::Uinput;
	if (rule)
		d.detail = "parentless; matches " + ruleDetail(*rule) + " but " + held + pidList(holders);
	else if (!holders.empty())
		d.detail = "parentless; " + held + pidList(holders);
	else
		d.detail = "parentless; no kernel-virtual rule matches, no visible /dev/uinput holder";
	d.creators = std::move(holders);
	return d;
}

ProvenanceDecision classifyUhid(const SysfsParent &hid, const CreatorLookup &creators)
{
	ProvenanceDecision d;
	d.creators = creators.uhid ? creators.uhid() : std::vector<CreatorProcess>{};
	// HID device directories are named "BBBB:VVVV:PPPP.NNNN", bus first.
	auto bus = parseHex16(std::string_view(hid.sysname).substr(0, 4));
	const bool wellFormed = hid.sysname.size() >= 5 && hid.sysname[4] == ':' && bus.ok();
	// Anything a process made up, including a name we cannot read.
	d.provenance = Provenance::Uhid;
	if (!wellFormed) {
		d.detail = "uhid, unparsable HID id '" + hid.sysname + "'";
		return d;
	}
	d.detail = "uhid bus " + hid.sysname.substr(0, 4) + " " + hid.sysname;
	if (*bus != 0x0005)
		return d;
	// Bus 0005 is what the creator wrote into UHID_CREATE2: only BlueZ's
	// word for it counts. Every holder must be BlueZ, or another process
	// holding /dev/uhid at the same time could have made this one.
	const std::string held = d.creators.size() == 1 ? "; /dev/uhid held by pid " : "; /dev/uhid held by pids ";
	if (d.creators.empty()) {
		d.detail += "; no visible /dev/uhid holder, so not BlueZ";
	} else if (std::all_of(d.creators.begin(), d.creators.end(), isBluez)) {
		d.provenance = Provenance::Bluetooth;
		d.detail += "; made by " + std::string(kBluezUnit) + " (pid " + pidList(d.creators) + ")";
	} else {
		d.detail += held + pidList(d.creators) + (d.creators.size() == 1 ? ", not " : ", not all ") +
			    std::string(kBluezUnit);
	}
	return d;
}

} // namespace

bool isBluez(const CreatorProcess &p)
{
	return p.unit == kBluezUnit;
}

bool isParentless(const DeviceTopology &topology)
{
	return startsWith(topology.syspath, kVirtualInput) &&
	       topology.syspath.find('/', kVirtualInput.size()) == std::string::npos;
}

ProvenanceDecision classifyProvenance(const DeviceTopology &topology, const RuleSubject &subject,
				      const ProvenanceRules &rules, const CreatorLookup &creators)
{
	ProvenanceDecision d;
	if (!startsWith(topology.syspath, "/sys/devices/")) {
		d.detail = "not under /sys/devices: " + topology.syspath;
		return d;
	}
	if (isParentless(topology))
		return classifyParentless(subject, rules, creators);

	for (const SysfsParent &p : topology.parents)
		if (startsWith(p.syspath, kUhid) && p.syspath.find('/', kUhid.size()) == std::string::npos)
			return classifyUhid(p, creators);

	if (startsWith(topology.syspath, kVirtual)) {
		const SysfsParent *first = topology.parents.empty() ? nullptr : &topology.parents.front();
		d.detail = first ? "virtual parent " + first->subsystem + " " + first->sysname
				 : "virtual device without parent subsystem";
		return d;
	}

	for (const SysfsParent &p : topology.parents) {
		if (p.subsystem == "virtio") {
			d.provenance = Provenance::Hypervisor;
			d.detail = "parent virtio " + p.sysname;
			return d;
		}
	}
	// Kernel hidp (classic Bluetooth HID) hangs below the adapter, which may
	// itself be on usb: look for bluetooth before the hardware buses.
	for (const SysfsParent &p : topology.parents) {
		if (p.subsystem == "bluetooth") {
			d.provenance = Provenance::Bluetooth;
			d.detail = "parent bluetooth " + p.sysname;
			return d;
		}
	}

	// Report the transport, not the hid layer above it: "usb 1-2:1.0".
	const SysfsParent *transport = nullptr;
	for (const SysfsParent &p : topology.parents) {
		if (!isHardwareSubsystem(p.subsystem))
			continue;
		if (!transport)
			transport = &p;
		if (p.subsystem != "hid") {
			transport = &p;
			break;
		}
	}

	// Only devices a kernel driver made (not under /sys/devices/virtual) get
	// here, so a rule can move them to hypervisor but never trust a fake.
	if (const ProvenanceRule *rule = rules.match(subject, Provenance::Hypervisor)) {
		d.provenance = Provenance::Hypervisor;
		d.detail = ruleDetail(*rule);
		return d;
	}
	if (transport) {
		d.provenance = Provenance::Hardware;
		d.detail = "parent " + transport->subsystem + " " + transport->sysname;
		return d;
	}
	if (topology.parents.empty())
		d.detail = "no parent with a subsystem";
	else
		d.detail = "parent " + topology.parents.front().subsystem + " " + topology.parents.front().sysname +
			   ", not a known transport";
	return d;
}

} // namespace tactus
