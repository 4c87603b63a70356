// SPDX-License-Identifier: MIT
// DeviceDescriber on sysfs trees recorded from real machines
// (tests/data/sysfs/*.umockdev): one test per provenance class at least.
#include "sysfs-device.h"
#include "sysfs-fixture.h"
#include "sysfs-read.h"

#include <gtest/gtest.h>

#include <linux/input.h>
#include <unistd.h>

using namespace tactus;
using test::SysfsFixture;

namespace {

ProvenanceRules shippedRules()
{
	auto rules = ProvenanceRules::loadDirs({test::sourceRoot() + "/data/provenance"});
	EXPECT_TRUE(rules) << rules.error().message;
	return rules ? std::move(*rules) : ProvenanceRules();
}

/** Expand a fixture file; the test fails if it does not load. */
SysfsFixture load(std::string_view name)
{
	auto f = SysfsFixture::fromDataFile(name);
	if (!f) {
		ADD_FAILURE() << f.error().message;
		auto empty = SysfsFixture::create();
		return std::move(*empty);
	}
	return std::move(*f);
}

/** Describe @p sysname in fixture @p f with the shipped rules. */
DeviceInfo describe(const SysfsFixture &f, std::string_view sysname)
{
	DeviceDescriber describer(f.roots(), shippedRules());
	auto info = describer.describe(sysname);
	if (!info) {
		ADD_FAILURE() << sysname << ": " << info.error().message;
		return {};
	}
	return std::move(*info);
}

} // namespace

TEST(DescribeDevice, I8042KeyboardIsHardware)
{
	SysfsFixture f = load("thinkpad-i8042.umockdev");
	DeviceInfo info = describe(f, "event3");
	EXPECT_EQ(info.sysname, "event3");
	EXPECT_EQ(info.devnode, "/dev/input/event3");
	EXPECT_EQ(info.syspath, "/sys/devices/platform/i8042/serio0/input/input3/event3");
	EXPECT_EQ(info.name, "AT Translated Set 2 keyboard");
	EXPECT_EQ(info.phys, "isa0060/serio0/input0");
	EXPECT_EQ(info.uniq, "");
	EXPECT_EQ(info.bustype, BUS_I8042);
	EXPECT_EQ(info.vendor, 0x0001);
	EXPECT_EQ(info.product, 0x0001);
	EXPECT_EQ(info.version, 0xab54);
	EXPECT_EQ(info.provenance, Provenance::Hardware);
	EXPECT_EQ(info.provenanceDetail, "parent serio serio0");
	EXPECT_TRUE(info.creators.empty());
	EXPECT_TRUE(info.caps.keyboard);
	EXPECT_FALSE(info.caps.pointer);
	EXPECT_TRUE(info.codes.has(EV_KEY, KEY_A));
	EXPECT_TRUE(info.codes.has(EV_MSC, MSC_SCAN));
	EXPECT_TRUE(info.codes.types.test(EV_REP));
	EXPECT_EQ(info.udevProperties.at("ID_INPUT_KEYBOARD"), "1");
	EXPECT_EQ(info.seat, "seat0");
}

TEST(DescribeDevice, UsbKeyboardAndMouseAreHardware)
{
	SysfsFixture f = load("desktop-usb.umockdev");
	DeviceInfo kbd = describe(f, "event5");
	EXPECT_EQ(kbd.syspath,
		  "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:046D:C31C.0001/input/input5/event5");
	EXPECT_EQ(kbd.provenance, Provenance::Hardware);
	EXPECT_EQ(kbd.provenanceDetail, "parent usb 1-2:1.0");
	EXPECT_EQ(kbd.name, "Logitech USB Keyboard");
	EXPECT_EQ(kbd.vendor, 0x046d);
	EXPECT_EQ(kbd.product, 0xc31c);
	EXPECT_TRUE(kbd.caps.keyboard);
	EXPECT_FALSE(kbd.caps.pointer);
	EXPECT_EQ(capabilitiesString(kbd.caps), "keyboard");

	DeviceInfo mouse = describe(f, "event6");
	EXPECT_EQ(mouse.provenance, Provenance::Hardware);
	EXPECT_EQ(mouse.provenanceDetail, "parent usb 1-3:1.0");
	EXPECT_TRUE(mouse.caps.pointer);
	EXPECT_FALSE(mouse.caps.keyboard);
	EXPECT_TRUE(mouse.codes.has(EV_KEY, BTN_LEFT));
	EXPECT_TRUE(mouse.codes.has(EV_REL, REL_WHEEL));
	EXPECT_FALSE(mouse.codes.has(EV_KEY, KEY_A));
}

TEST(DescribeDevice, SeatFromUdevDatabase)
{
	SysfsFixture f = load("desktop-usb.umockdev");
	DeviceInfo mouse = describe(f, "event6");
	EXPECT_EQ(mouse.seat, "seat1");
	EXPECT_EQ(mouse.udevProperties.at("MOUSE_DPI"), "1000@125");
	// Kernel uevent keys are not udev's and do not show up as properties.
	EXPECT_EQ(mouse.udevProperties.count("DEVNAME"), 0u);
	EXPECT_EQ(describe(f, "event5").seat, "seat0");
}

TEST(DescribeDevice, DefaultSeatWithoutUdevDatabase)
{
	SysfsFixture f = load("desktop-usb.umockdev");
	f.remove("run/udev");
	DeviceInfo mouse = describe(f, "event6");
	EXPECT_EQ(mouse.seat, "seat0");
	EXPECT_TRUE(mouse.udevProperties.empty());
	EXPECT_EQ(mouse.provenance, Provenance::Hardware);

	// An empty ID_SEAT is no seat name either.
	ASSERT_TRUE(f.writeFile("run/udev/data/c13:70", "E:ID_SEAT=\nG:seat\n"));
	EXPECT_EQ(describe(f, "event6").seat, "seat0");
}

TEST(DescribeDevice, UsbCompositeReceiver)
{
	SysfsFixture f = load("logitech-unifying.umockdev");
	DeviceInfo kbd = describe(f, "event7");
	EXPECT_EQ(kbd.provenance, Provenance::Hardware);
	EXPECT_EQ(kbd.provenanceDetail, "parent usb 1-1:1.0");
	EXPECT_TRUE(kbd.caps.keyboard);

	DeviceInfo mouse = describe(f, "event8");
	EXPECT_EQ(mouse.provenance, Provenance::Hardware);
	EXPECT_EQ(mouse.provenanceDetail, "parent usb 1-1:1.1");
	EXPECT_TRUE(mouse.caps.pointer);
	EXPECT_FALSE(mouse.caps.keyboard);

	DeviceInfo consumer = describe(f, "event9");
	EXPECT_EQ(consumer.provenance, Provenance::Hardware);
	EXPECT_EQ(consumer.provenanceDetail, "parent usb 1-1:1.1");
	EXPECT_EQ(consumer.name, "Logitech USB Receiver Consumer Control");
	EXPECT_TRUE(consumer.caps.keys);
	EXPECT_FALSE(consumer.caps.keyboard);

	// A paired keyboard behind the DJ interface: hid over hid over usb.
	DeviceInfo paired = describe(f, "event12");
	EXPECT_EQ(paired.provenance, Provenance::Hardware);
	EXPECT_EQ(paired.provenanceDetail, "parent usb 1-1:1.2");
	EXPECT_EQ(paired.uniq, "4023-7a-2b-91-e0");

	DeviceDescriber describer(f.roots(), ProvenanceRules());
	auto topo = describer.topology("event12");
	ASSERT_TRUE(topo);
	ASSERT_GE(topo->parents.size(), 4u);
	EXPECT_EQ(topo->parents[0].sysname, "0003:046D:4023.0004");
	EXPECT_EQ(topo->parents[0].subsystem, "hid");
	EXPECT_EQ(topo->parents[1].sysname, "0003:046D:C52B.0003");
	EXPECT_EQ(topo->parents[2].subsystem, "usb");
	EXPECT_EQ(topo->parents.back().subsystem, "pci");
}

TEST(DescribeDevice, VirtioKeyboardIsHypervisor)
{
	SysfsFixture f = load("qemu-guest.umockdev");
	DeviceInfo info = describe(f, "event4");
	EXPECT_EQ(info.syspath, "/sys/devices/pci0000:00/0000:00:05.0/virtio2/input/input4/event4");
	EXPECT_EQ(info.bustype, BUS_VIRTUAL);
	EXPECT_EQ(info.provenance, Provenance::Hypervisor);
	EXPECT_EQ(info.provenanceDetail, "parent virtio virtio2");
	EXPECT_TRUE(info.caps.keyboard);
}

TEST(DescribeDevice, QemuUsbDevicesAreHypervisorByRule)
{
	SysfsFixture f = load("qemu-guest.umockdev");
	DeviceInfo tablet = describe(f, "event5");
	EXPECT_EQ(tablet.provenance, Provenance::Hypervisor);
	EXPECT_EQ(tablet.provenanceDetail, "rule 'QEMU USB HID devices' (10-hypervisor.rules:22)");
	EXPECT_TRUE(tablet.caps.absPointer);
	EXPECT_FALSE(tablet.caps.keyboard);

	DeviceInfo kbd = describe(f, "event6");
	EXPECT_EQ(kbd.provenance, Provenance::Hypervisor);
	EXPECT_EQ(kbd.name, "QEMU QEMU USB Keyboard");
	EXPECT_TRUE(kbd.caps.keyboard);

	// Without the data file the same device is plain USB hardware: the
	// knowledge is in the rules, not in the code.
	DeviceDescriber bare(f.roots(), ProvenanceRules());
	auto plain = bare.describe("event5");
	ASSERT_TRUE(plain);
	EXPECT_EQ(plain->provenance, Provenance::Hardware);
	EXPECT_EQ(plain->provenanceDetail, "parent usb 1-1:1.0");
}

TEST(DescribeDevice, QemuPs2IsHypervisorByDmi)
{
	SysfsFixture f = load("qemu-guest.umockdev");
	DeviceInfo info = describe(f, "event0");
	EXPECT_EQ(info.provenance, Provenance::Hypervisor);
	EXPECT_NE(info.provenanceDetail.find("QEMU PS/2"), std::string::npos) << info.provenanceDetail;

	// The same keyboard on a ThinkPad stays hardware.
	SysfsFixture laptop = load("thinkpad-i8042.umockdev");
	EXPECT_EQ(describe(laptop, "event3").provenance, Provenance::Hardware);
}

TEST(DescribeDevice, HyperVKeyboardIsHypervisorByRule)
{
	SysfsFixture f = load("hyperv-keyboard.umockdev");
	DeviceInfo info = describe(f, "event3");
	EXPECT_EQ(info.provenance, Provenance::Hypervisor);
	EXPECT_NE(info.provenanceDetail.find("Hyper-V"), std::string::npos) << info.provenanceDetail;
}

TEST(DescribeDevice, UinputCloneOfUsbKeyboardIsUinput)
{
	SysfsFixture f = load("uinput-clone.umockdev");
	DeviceInfo info = describe(f, "event20");
	EXPECT_EQ(info.syspath, "/sys/devices/virtual/input/input20/event20");
	// It claims BUS_USB and the K120's ids; the topology says otherwise.
	EXPECT_EQ(info.bustype, BUS_USB);
	EXPECT_EQ(info.vendor, 0x046d);
	EXPECT_EQ(info.provenance, Provenance::Uinput);
	EXPECT_EQ(info.provenanceDetail, "parentless; /dev/uinput held by pids 612, 4242");
	ASSERT_EQ(info.creators.size(), 2u);
	EXPECT_EQ(info.creators[0].pid, 612);
	EXPECT_EQ(info.creators[0].unit, "ydotool.service");
	const CreatorProcess &evil = info.creators[1];
	EXPECT_EQ(evil.pid, 4242);
	EXPECT_EQ(evil.uid, 1000u);
	EXPECT_EQ(evil.exe, "/home/mallory/.local/bin/evil");
	EXPECT_EQ(evil.comm, "evil");
	// sd_pid_get_unit: the user's manager; the name is a user unit.
	EXPECT_EQ(evil.unit, "user@1000.service");
	EXPECT_EQ(evil.userUnit, "evil.service");
	EXPECT_TRUE(info.caps.keyboard);
}

TEST(DescribeDevice, BluezUhidKeyboardIsBluetooth)
{
	SysfsFixture f = load("bluez-uhid-keyboard.umockdev");
	DeviceInfo info = describe(f, "event21");
	EXPECT_EQ(info.syspath, "/sys/devices/virtual/misc/uhid/0005:046D:B342.0004/input/input21/event21");
	EXPECT_EQ(info.provenance, Provenance::Bluetooth);
	EXPECT_EQ(info.provenanceDetail, "uhid bus 0005 0005:046D:B342.0004; made by bluetooth.service (pid 731)");
	EXPECT_EQ(info.uniq, "34:88:5d:9f:ae:21");
	EXPECT_TRUE(info.caps.keyboard);
	ASSERT_EQ(info.creators.size(), 1u);
	EXPECT_EQ(info.creators[0].exe, "/usr/libexec/bluetooth/bluetoothd");
}

// Issue 11 item 7: bus 0005 is whatever the creator wrote into
// UHID_CREATE2. Before, every uhid device on bus 0005 was `bluetooth`,
// trusted like hardware, whoever made it.
TEST(DescribeDevice, UhidBus0005NotFromBluezIsUhid)
{
	const struct {
		const char *what;
		const char *processes; // replacing bluetoothd's record
		const char *detail;
	} cases[] = {
		{"a user's process",
		 "R: 4242\nA: status=Uid:\\t1000\\t1000\\t1000\\t1000\\n\nA: unit=session-2.scope\\n\n"
		 "L: fd/3=/dev/uhid\n",
		 "; /dev/uhid held by pid 4242, not bluetooth.service"},
		{"a user unit named bluetooth.service",
		 "R: 4243\nA: status=Uid:\\t1000\\t1000\\t1000\\t1000\\n\nA: unit=user@1000.service\\n\n"
		 "A: user_unit=bluetooth.service\\n\nL: fd/3=/dev/uhid\n",
		 "; /dev/uhid held by pid 4243, not bluetooth.service"},
		{"root outside bluetooth.service",
		 "R: 99\nA: status=Uid:\\t0\\t0\\t0\\t0\\n\nA: unit=evil.service\\n\nL: fd/3=/dev/uhid\n",
		 "; /dev/uhid held by pid 99, not bluetooth.service"},
		{"nobody visible", "", "; no visible /dev/uhid holder, so not BlueZ"},
	};
	for (const auto &c : cases) {
		SysfsFixture f = load("bluez-uhid-keyboard.umockdev");
		f.remove("proc/731");
		ASSERT_TRUE(f.apply(c.processes)) << c.what;
		DeviceInfo info = describe(f, "event21");
		EXPECT_EQ(info.provenance, Provenance::Uhid) << c.what;
		EXPECT_TRUE(isSynthetic(info.provenance)) << c.what;
		EXPECT_EQ(info.provenanceDetail, std::string("uhid bus 0005 0005:046D:B342.0004") + c.detail) << c.what;
	}
}

// BlueZ holding /dev/uhid vouches for nothing another holder may have made.
TEST(DescribeDevice, UhidBus0005WithBluezAndAnotherHolderIsUhid)
{
	SysfsFixture f = load("bluez-uhid-keyboard.umockdev");
	ASSERT_TRUE(f.apply("R: 4242\nA: status=Uid:\\t1000\\t1000\\t1000\\t1000\\n\nL: fd/3=/dev/uhid\n"));
	DeviceInfo info = describe(f, "event21");
	EXPECT_EQ(info.provenance, Provenance::Uhid);
	EXPECT_EQ(info.provenanceDetail,
		  "uhid bus 0005 0005:046D:B342.0004; /dev/uhid held by pids 731, 4242, not all bluetooth.service");
	ASSERT_EQ(info.creators.size(), 2u);
}

TEST(DescribeDevice, NonBluetoothUhidIsUhid)
{
	SysfsFixture f = load("uhid-usb-keyboard.umockdev");
	DeviceInfo info = describe(f, "event22");
	EXPECT_EQ(info.provenance, Provenance::Uhid);
	EXPECT_EQ(info.provenanceDetail, "uhid bus 0003 0003:1D6B:0104.0005");
	EXPECT_TRUE(isSynthetic(info.provenance));
}

TEST(DescribeDevice, KernelHidpIsBluetooth)
{
	SysfsFixture f = load("bluetooth-hidp-keyboard.umockdev");
	DeviceInfo info = describe(f, "event25");
	EXPECT_EQ(info.provenance, Provenance::Bluetooth);
	EXPECT_EQ(info.provenanceDetail, "parent bluetooth hci0:256");
}

TEST(DescribeDevice, AcerWmiHotkeysAreKernelVirtual)
{
	SysfsFixture f = load("acer-wmi-hotkeys.umockdev");
	DeviceInfo info = describe(f, "event6");
	EXPECT_EQ(info.syspath, "/sys/devices/virtual/input/input6/event6");
	EXPECT_EQ(info.phys, "wmi/input0");
	EXPECT_EQ(info.bustype, BUS_HOST);
	EXPECT_EQ(info.provenance, Provenance::KernelVirtual);
	EXPECT_EQ(info.provenanceDetail.rfind("parentless; rule 'Acer WMI hotkeys' (20-kernel-virtual.rules:", 0), 0u)
		<< info.provenanceDetail;
	EXPECT_TRUE(info.creators.empty());
	EXPECT_TRUE(info.caps.keys);
	EXPECT_FALSE(info.caps.keyboard);
	EXPECT_TRUE(info.codes.has(EV_KEY, KEY_WLAN));
	EXPECT_TRUE(info.codes.has(EV_KEY, KEY_BLUETOOTH));
}

TEST(DescribeDevice, HpWmiHotkeysAreKernelVirtual)
{
	SysfsFixture f = load("hp-wmi-hotkeys.umockdev");
	DeviceInfo info = describe(f, "event11");
	EXPECT_EQ(info.provenance, Provenance::KernelVirtual);
	EXPECT_NE(info.provenanceDetail.find("'HP WMI hotkeys'"), std::string::npos);
	EXPECT_TRUE(info.caps.switches);
	EXPECT_TRUE(info.codes.has(EV_SW, SW_TABLET_MODE));
	EXPECT_TRUE(info.codes.has(EV_SW, SW_DOCK));
	EXPECT_TRUE(info.codes.has(EV_KEY, KEY_SWITCHVIDEOMODE));
}

TEST(DescribeDevice, FakeAcerWmiWhileUinputHeldIsUinput)
{
	SysfsFixture f = load("uinput-fake-acer-wmi.umockdev");
	DeviceInfo info = describe(f, "event31");
	EXPECT_EQ(info.provenance, Provenance::Uinput);
	EXPECT_EQ(
		info.provenanceDetail.rfind("parentless; matches rule 'Acer WMI hotkeys' (20-kernel-virtual.rules:", 0),
		0u)
		<< info.provenanceDetail;
	EXPECT_NE(info.provenanceDetail.find("but /dev/uinput held by pid 5150"), std::string::npos)
		<< info.provenanceDetail;
	ASSERT_EQ(info.creators.size(), 1u);
	EXPECT_EQ(info.creators[0].unit, "user@1000.service");
	EXPECT_EQ(info.creators[0].userUnit, "vte-spawn-0a1b2c3d.scope");
	EXPECT_EQ(info.creators[0].exe, "/usr/bin/python3.11");
}

TEST(DescribeDevice, ParentlessWithoutRuleOrHolderIsUinput)
{
	// Without rules even the real Acer device cannot be vouched for; it
	// stays synthetic (tactus may lack the rights to see the creator).
	SysfsFixture f = load("acer-wmi-hotkeys.umockdev");
	DeviceDescriber describer(f.roots(), ProvenanceRules());
	auto info = describer.describe("event6");
	ASSERT_TRUE(info);
	EXPECT_EQ(info->provenance, Provenance::Uinput);
	EXPECT_EQ(info->provenanceDetail, "parentless; no kernel-virtual rule matches, no visible /dev/uinput holder");
	EXPECT_TRUE(info->creators.empty());
}

TEST(DescribeDevice, UnknownTransportIsUnknown)
{
	auto f = SysfsFixture::create();
	ASSERT_TRUE(f);
	ASSERT_TRUE(f->apply(R"(P: /devices/greybus1/1-2/1-2.2/input/input30/event30
E: SUBSYSTEM=input
E: MAJOR=13
E: MINOR=94

P: /devices/greybus1/1-2/1-2.2/input/input30
E: SUBSYSTEM=input
A: name=Greybus HID\n
A: id/bustype=0003\n
A: id/vendor=1234\n
A: id/product=5678\n
A: id/version=0001\n
A: capabilities/ev=3\n
A: capabilities/key=ff 0\n

P: /devices/greybus1/1-2/1-2.2
E: SUBSYSTEM=greybus

P: /devices/greybus1
E: SUBSYSTEM=greybus
)"));
	DeviceInfo info = describe(*f, "event30");
	EXPECT_EQ(info.provenance, Provenance::Unknown);
	EXPECT_EQ(info.provenanceDetail, "parent greybus 1-2.2, not a known transport");
	EXPECT_EQ(info.phys, ""); // missing phys and uniq are fine
}

TEST(DescribeDevice, HostileNameReadIntact)
{
	SysfsFixture f = load("uinput-clone.umockdev");
	// Invalid UTF-8, an escape sequence, a newline in the middle and 4 KiB:
	// read as is, sanitised only where it is displayed.
	std::string name = "evil\xff\xfe\x1b[31m\nkbd\t";
	while (name.size() < 4096)
		name += static_cast<char>('A' + name.size() % 26);
	ASSERT_TRUE(f.writeFile("sys/devices/virtual/input/input20/name", name + "\n"));
	DeviceInfo info = describe(f, "event20");
	EXPECT_EQ(info.name.size(), 4096u);
	EXPECT_EQ(info.name, name);
	EXPECT_EQ(info.provenance, Provenance::Uinput);

	// A name that ends in its own newline keeps it (sysfs adds exactly one).
	ASSERT_TRUE(f.writeFile("sys/devices/virtual/input/input20/name", "two\n\n"));
	EXPECT_EQ(describe(f, "event20").name, "two\n");
}

TEST(DescribeDevice, MissingEntriesAreErrors)
{
	SysfsFixture f = load("desktop-usb.umockdev");
	const std::string input =
		"sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:046D:C31C.0001/input/input5";
	DeviceDescriber describer(f.roots(), shippedRules());

	auto missing = describer.describe("event99");
	ASSERT_FALSE(missing);
	EXPECT_EQ(missing.error().errnum, -ENOENT);

	for (const char *bad : {"", "event", "event3/../../x", "mouse0", "event-1", "../event5", "event5 "}) {
		auto r = describer.describe(bad);
		ASSERT_FALSE(r) << bad;
		EXPECT_EQ(r.error().errnum, -EINVAL) << bad;
	}

	f.remove(input + "/id/vendor");
	auto noVendor = describer.describe("event5");
	ASSERT_FALSE(noVendor);
	EXPECT_EQ(noVendor.error().errnum, -ENOENT);
	EXPECT_NE(noVendor.error().message.find("id/vendor"), std::string::npos);

	ASSERT_TRUE(f.writeFile(input + "/id/vendor", "zzzz\n"));
	auto badVendor = describer.describe("event5");
	ASSERT_FALSE(badVendor);
	EXPECT_EQ(badVendor.error().errnum, -EINVAL);

	ASSERT_TRUE(f.writeFile(input + "/id/vendor", "046d\n"));
	ASSERT_TRUE(f.writeFile(input + "/capabilities/key", "ffff not-hex\n"));
	auto badCaps = describer.describe("event5");
	ASSERT_FALSE(badCaps);
	EXPECT_NE(badCaps.error().message.find("capabilities/key"), std::string::npos) << badCaps.error().message;

	ASSERT_TRUE(f.writeFile(input + "/capabilities/key", std::string(100000, 'f')));
	EXPECT_FALSE(describer.describe("event5"));

	f.remove(input + "/capabilities");
	auto noCaps = describer.describe("event5");
	ASSERT_FALSE(noCaps);
	EXPECT_NE(noCaps.error().message.find("capabilities/ev"), std::string::npos);

	f.remove(input + "/name");
	EXPECT_FALSE(describer.describe("event5"));

	// The mouse of the same machine is untouched and still works.
	EXPECT_TRUE(describer.describe("event6"));

	// A class link that leads outside SYS/devices is refused.
	ASSERT_TRUE(f.writeFile("elsewhere/event40/dev", "13:104\n"));
	f.remove("sys/class/input/event40");
	ASSERT_EQ(::symlink(f.path("elsewhere/event40").c_str(), f.path("sys/class/input/event40").c_str()), 0);
	auto outside = describer.describe("event40");
	ASSERT_FALSE(outside);
	EXPECT_EQ(outside.error().errnum, -EINVAL);

	// An event node whose parent directory is not an input device.
	ASSERT_TRUE(f.writeFile("sys/devices/platform/foo/event41/dev", "13:105\n"));
	ASSERT_EQ(::symlink("../../devices/platform/foo/event41", f.path("sys/class/input/event41").c_str()), 0);
	auto notInput = describer.describe("event41");
	ASSERT_FALSE(notInput);
	EXPECT_EQ(notInput.error().errnum, -ENODEV);
}

TEST(DescribeDevice, MissingSysRootIsAnError)
{
	SystemRoots roots;
	roots.sys = "/nonexistent/tactus-test/sys";
	roots.proc = "/nonexistent/tactus-test/proc";
	roots.run = "/nonexistent/tactus-test/run";
	DeviceDescriber describer(roots, ProvenanceRules());
	auto info = describer.describe("event0");
	ASSERT_FALSE(info);
	EXPECT_EQ(info.error().errnum, -ENOENT);
}

TEST(DescribeDevice, EveryFixtureDescribes)
{
	// Every event node of every fixture file must describe without error
	// and get a class other than unknown.
	const char *files[] = {
		"thinkpad-i8042.umockdev",       "desktop-usb.umockdev",
		"logitech-unifying.umockdev",    "qemu-guest.umockdev",
		"uinput-clone.umockdev",         "bluez-uhid-keyboard.umockdev",
		"uhid-usb-keyboard.umockdev",    "bluetooth-hidp-keyboard.umockdev",
		"acer-wmi-hotkeys.umockdev",     "hp-wmi-hotkeys.umockdev",
		"uinput-fake-acer-wmi.umockdev", "hyperv-keyboard.umockdev",
	};
	for (const char *file : files) {
		SysfsFixture f = load(file);
		auto nodes = listDirectory(f.roots().sys + "/class/input");
		ASSERT_TRUE(nodes) << file;
		unsigned events = 0;
		for (const std::string &n : *nodes) {
			if (n.rfind("event", 0) != 0)
				continue;
			events++;
			DeviceInfo info = describe(f, n);
			EXPECT_NE(info.provenance, Provenance::Unknown)
				<< file << " " << n << ": " << info.provenanceDetail;
			EXPECT_FALSE(info.provenanceDetail.empty());
		}
		EXPECT_GT(events, 0u) << file;
	}
}
