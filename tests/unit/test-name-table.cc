// SPDX-License-Identifier: MIT
// NameTable, and every enum whose names users read and write: each name reads
// back as its value, and the names documented elsewhere are the ones printed.
#include "daemon-config.h"
#include "device-bus.h"
#include "device-format.h"
#include "device-monitor.h"
#include "injection-evidence.h"
#include "injection-timing.h"
#include "key-classes.h"
#include "log.h"
#include "provenance.h"
#include "util-name-table.h"
#include "verdict.h"

#include <gtest/gtest.h>

#include <linux/input.h>

using namespace tactus;

namespace {

enum class Colour { Red, Green, Blue, Unnamed };

constexpr auto kColours = makeNameTable<Colour>({
	{Colour::Red, "red"},
	{Colour::Green, "green"},
	{Colour::Blue, "blue"},
	{Colour::Red, "rouge"}, // an alias: read, never written
});
static_assert(kColours.size() == 4);
static_assert(kColours.unique());
static_assert(!kColours.oneToOne());
static_assert(kColours.name(Colour::Green, "?") == "green");
static_assert(kColours.fromName("rouge") == Colour::Red);
static_assert(!makeNameTable<Colour>({{Colour::Red, "a"}, {Colour::Blue, "a"}}).unique());
static_assert(!makeNameTable<Colour>({{Colour::Red, ""}}).unique());

} // namespace

TEST(NameTable, Lookups)
{
	EXPECT_EQ(kColours.name(Colour::Red, "?"), "red"); // the first name, not the alias
	EXPECT_EQ(kColours.name(Colour::Unnamed, "?"), "?");
	EXPECT_EQ(kColours.find(Colour::Unnamed), std::nullopt);
	EXPECT_EQ(kColours.fromName("blue"), Colour::Blue);
	EXPECT_EQ(kColours.fromName("Blue"), std::nullopt); // exact, case-sensitive
	EXPECT_EQ(kColours.fromName(""), std::nullopt);
	EXPECT_EQ(kColours.fromName(std::string_view("red\0x", 5)), std::nullopt);
	EXPECT_EQ(kColours.joinedNames("|"), "red|green|blue|rouge");
}

TEST(NameTable, VerdictsRoundTrip)
{
	for (const char *name : {"learning", "trusted", "uncertain", "untrusted", "injected"}) {
		auto v = verdictFromName(name);
		ASSERT_TRUE(v) << name;
		EXPECT_EQ(verdictName(*v), name);
	}
	EXPECT_EQ(verdictFromName("Injected"), std::nullopt);
}

TEST(NameTable, ProvenanceRoundTrips)
{
	for (const char *name :
	     {"unknown", "hardware", "hypervisor", "bluetooth", "uhid", "uinput", "kernel-virtual"}) {
		auto p = provenanceFromName(name);
		ASSERT_TRUE(p) << name;
		EXPECT_EQ(provenanceName(*p), name);
	}
	EXPECT_EQ(provenanceFromName("kernel_virtual"), std::nullopt);
}

TEST(NameTable, OtherEnumNames)
{
	EXPECT_EQ(keyKindName(KeyKind::Other), "other");
	EXPECT_EQ(keyKindName(KeyKind::Character), "character");
	EXPECT_EQ(keyKindName(KeyKind::Modifier), "modifier");
	EXPECT_EQ(keyKindName(KeyKind::Space), "space");
	EXPECT_EQ(keyKindName(KeyKind::Enter), "enter");
	EXPECT_EQ(injectionReasonName(InjectionReason::SuperhumanRate), "superhuman-rate");
	EXPECT_EQ(injectionReasonName(InjectionReason::RoboticPointer), "robotic-pointer");
	using Rule = KeystrokeTimingDetector::Rule;
	EXPECT_STREQ(KeystrokeTimingDetector::ruleName(Rule::InstantDwell), "instant-dwell");
	EXPECT_STREQ(KeystrokeTimingDetector::ruleName(Rule::ConstantDwell), "constant-dwell");
	EXPECT_EQ(DeviceMonitor::backendName(DeviceMonitor::Backend::Auto), "auto");
	EXPECT_EQ(DeviceMonitor::backendName(DeviceMonitor::Backend::Udev), "udev");
	EXPECT_EQ(DeviceMonitor::backendName(DeviceMonitor::Backend::Inotify), "inotify");
	EXPECT_EQ(modeName(Mode::Monitor), "monitor");
	EXPECT_EQ(modeName(Mode::Enforce), "enforce");
}

TEST(NameTable, LogLevels)
{
	EXPECT_EQ(logLevelNames().joinedNames("|"), "err|warning|notice|info|debug");
	for (const char *name : {"err", "warning", "notice", "info", "debug"}) {
		LogLevel level = LogLevel::Info;
		ASSERT_TRUE(logParseLevel(name, level)) << name;
		EXPECT_EQ(logLevelNames().name(level, "?"), name);
	}
	// --log-level takes "error" too; tactus.conf does not (its error lists the names).
	LogLevel level = LogLevel::Info;
	EXPECT_TRUE(logParseLevel("error", level));
	EXPECT_EQ(level, LogLevel::Error);
	EXPECT_FALSE(logParseLevel("Error", level));
	auto c = parseConfig("[Daemon]\nLogLevel=error\n", "t.conf");
	ASSERT_FALSE(c);
	EXPECT_EQ(c.error().message, "t.conf:2: invalid LogLevel=error: expected err|warning|notice|info|debug");
}

TEST(NameTable, BusNamesRoundTrip)
{
	// Every bus type reads back from what is printed for it, named or not.
	for (unsigned bus = 0; bus <= 0xffff; bus++)
		ASSERT_EQ(busFromName(busName(static_cast<uint16_t>(bus))), bus) << busName(static_cast<uint16_t>(bus));
	EXPECT_EQ(busName(BUS_USB), "usb");
	EXPECT_EQ(busName(BUS_I8042), "i8042");
	EXPECT_EQ(busName(BUS_BLUETOOTH), "bluetooth");
	EXPECT_EQ(busName(BUS_VIRTUAL), "virtual");
	EXPECT_EQ(busName(BUS_HOST), "host");
	EXPECT_EQ(busName(0x00ab), "0x00ab");
	EXPECT_EQ(busFromName("0xAB"), 0xab);
	EXPECT_EQ(busFromName("0x"), std::nullopt);
	EXPECT_EQ(busFromName("0x10000"), std::nullopt);
	EXPECT_EQ(busFromName("USB"), std::nullopt);
}

// Behaviour change, issue 9: the printed names came from an 11-name switch
// and MatchBus= read a 23-name table, so a Synaptics RMI4 touchpad (BUS_RMI)
// was shown as bus=0x001d while a rule had to say MatchBus=rmi. Now both use
// the one table: the names MatchBus= takes are the names printed.
TEST(NameTable, BusNamesPrintedAreTheNamesRulesTake)
{
	EXPECT_EQ(busName(BUS_RMI), "rmi");
	EXPECT_EQ(busName(BUS_XTKBD), "xtkbd");
	EXPECT_EQ(busName(BUS_ISAPNP), "isapnp");
	EXPECT_EQ(busName(BUS_GAMEPORT), "gameport");
	EXPECT_EQ(busName(BUS_INTEL_ISHTP), "intel-ishtp");
	EXPECT_EQ(busName(0x20), "amd-sfh");
	DeviceInfo touchpad;
	touchpad.name = "Synaptics TM3276-022";
	touchpad.bustype = BUS_RMI;
	touchpad.vendor = 0x06cb;
	touchpad.product = 0x0000;
	touchpad.provenance = Provenance::Hardware;
	EXPECT_NE(formatDeviceLine(touchpad).find(" bus=rmi id=06cb:0000 "), std::string::npos)
		<< formatDeviceLine(touchpad);
	EXPECT_NE(formatDeviceJson(touchpad).find("\"bus\":\"rmi\""), std::string::npos);
}
