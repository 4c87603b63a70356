// SPDX-License-Identifier: MIT
// Provenance classification, once per new device: the classifier with the
// shipped rules (data/provenance) on a USB keyboard, a QEMU USB tablet
// (matched by a hypervisor rule), a uinput device made by ydotoold and a
// PS/2 keyboard under a hypervisor's DMI; then the allow decision with the
// packaged allow-list (policy/allow.d). The sysfs and /proc reads the
// describer does before are not part of it (they depend on the machine).
//   build/tools/bench/bench-provenance
#include "allow-policy.h"
#include "config.h"
#include "decider.h"
#include "provenance-classifier.h"
#include "provenance-rules.h"

#include <benchmark/benchmark.h>

using namespace tactus;

namespace {

struct Case {
	const char *label;
	DeviceTopology topology;
	DeviceInfo info;
	std::string dmi;
};

std::vector<Case> cases()
{
	std::vector<Case> out;
	auto usb = [](const std::string &leaf) {
		DeviceTopology t;
		t.syspath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:046D:C31C.0001/input/" + leaf;
		t.parents = {{"/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:046D:C31C.0001",
			      "0003:046D:C31C.0001", "hid"},
			     {"/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0", "1-2:1.0", "usb"},
			     {"/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2", "1-2", "usb"},
			     {"/sys/devices/pci0000:00/0000:00:14.0", "0000:00:14.0", "pci"}};
		return t;
	};
	Case keyboard{"usb-keyboard", usb("input5"), {}, "dmi:bvnLENOVO:svnLENOVO:pn20XW:"};
	keyboard.info.name = "Logitech USB Keyboard";
	keyboard.info.bustype = 0x03;
	keyboard.info.vendor = 0x046d;
	keyboard.info.product = 0xc31c;
	out.push_back(keyboard);
	Case tablet{"qemu-usb-tablet", usb("input6"), {}, "dmi:bvnSeaBIOS:svnQEMU:pnStandardPC:"};
	tablet.info.name = "QEMU QEMU USB Tablet";
	tablet.info.bustype = 0x03;
	tablet.info.vendor = 0x0627;
	tablet.info.product = 0x0001;
	out.push_back(tablet);
	Case uinput{"uinput", {"/sys/devices/virtual/input/input9", {}}, {}, ""};
	uinput.info.name = "ydotoold virtual device";
	uinput.info.bustype = 0x06;
	out.push_back(uinput);
	Case ps2{"ps2-under-qemu",
		 {"/sys/devices/platform/i8042/serio0/input/input1",
		  {{"/sys/devices/platform/i8042/serio0", "serio0", "serio"},
		   {"/sys/devices/platform/i8042", "i8042", "platform"}}},
		 {},
		 "dmi:bvnSeaBIOS:svnQEMU:pnStandardPC:"};
	ps2.info.name = "AT Translated Set 2 keyboard";
	ps2.info.bustype = 0x11;
	ps2.info.vendor = 0x0001;
	ps2.info.product = 0x0001;
	out.push_back(ps2);
	return out;
}

void BM_ClassifyProvenance(benchmark::State &state)
{
	auto rules = ProvenanceRules::loadDirs({std::string(TACTUS_SOURCE_ROOT) + "/data/provenance"});
	if (!rules) {
		state.SkipWithError(rules.error().message.c_str());
		return;
	}
	const Case c = cases()[static_cast<size_t>(state.range(0))];
	state.SetLabel(c.label);
	// ydotoold holding /dev/uinput, as /proc would show it.
	CreatorLookup creators;
	creators.uinput = [] {
		return std::vector<CreatorProcess>{{4242, 0, "/usr/bin/ydotoold", "ydotoold", "ydotool.service", ""}};
	};
	RuleSubject subject;
	subject.name = c.info.name;
	subject.bustype = c.info.bustype;
	subject.vendor = c.info.vendor;
	subject.product = c.info.product;
	subject.dmiModalias = c.dmi;
	for (const SysfsParent &p : c.topology.parents)
		subject.parentSubsystems.push_back(p.subsystem);
	for (auto _ : state) {
		ProvenanceDecision d = classifyProvenance(c.topology, subject, *rules, creators);
		benchmark::DoNotOptimize(d.provenance);
	}
	state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifyProvenance)->DenseRange(0, 3);

void BM_DecideAllowed(benchmark::State &state)
{
	auto allow = AllowPolicy::loadDirs({std::string(TACTUS_SOURCE_ROOT) + "/policy/allow.d"});
	if (!allow) {
		state.SkipWithError(allow.error().message.c_str());
		return;
	}
	PolicyDevice device;
	device.info.name = "ydotoold virtual device";
	device.info.provenance = Provenance::Uinput;
	device.info.caps.keyboard = true;
	device.info.creators = {{4242, 0, "/usr/bin/ydotoold", "ydotoold", "ydotool.service", ""}};
	for (auto _ : state) {
		decideAllowed(device, *allow);
		benchmark::DoNotOptimize(device.allowed);
	}
	state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideAllowed);

} // namespace

BENCHMARK_MAIN();
