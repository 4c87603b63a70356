// SPDX-License-Identifier: MIT
// The bus names tactusd, tactusctl and the tests share (dbus/include/tactus-bus.h)
// and the sd-* holders everything uses (src/base/sd-ptr.h).

#include "sd-ptr.h"
#include "tactus-bus.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace tactus;

namespace {

std::string interfaceXml()
{
	const char *root = std::getenv("TACTUS_SOURCE_ROOT");
	std::ifstream in(std::string(root ? root : ".") + "/dbus/org.tactus.Tactus1.xml");
	std::stringstream text;
	text << in.rdbuf();
	return text.str();
}

int onDefer(sd_event_source *, void *userdata)
{
	++*static_cast<int *>(userdata);
	return 0;
}

} // namespace

TEST(TactusBus, NamesAreTheInterfaceXmls)
{
	const std::string xml = interfaceXml();
	ASSERT_FALSE(xml.empty()) << "dbus/org.tactus.Tactus1.xml not found; TACTUS_SOURCE_ROOT set?";
	for (const char *interface : {kManagerInterface, kSessions.interface, kDevices.interface})
		EXPECT_NE(xml.find(std::string("<interface name=\"") + interface + "\">"), std::string::npos)
			<< interface;
	for (const char *error :
	     {kErrorNotFound, kErrorPermissionDenied, kErrorInvalidArgument, kErrorNotGrabbed, kErrorFailed})
		EXPECT_NE(xml.find(error), std::string::npos) << error;
	for (const char *path : {kManagerPath, kSessions.prefix, kDevices.prefix})
		EXPECT_NE(xml.find(path), std::string::npos) << path;
	EXPECT_NE(xml.find(kBusName), std::string::npos);
}

TEST(TactusBus, PathsEscapeNamesAndDecodeBack)
{
	// As the bus suite and logind's session paths expect.
	EXPECT_EQ(kSessions.path("seat:seat0"), "/org/tactus/Tactus1/session/seat_3aseat0");
	EXPECT_EQ(kSessions.path("3"), "/org/tactus/Tactus1/session/_33");
	EXPECT_EQ(kDevices.path("event7"), "/org/tactus/Tactus1/device/event7");
	for (const std::string name : {"seat:seat0", "c1", "event12", "a/b", "\xc3\xa4 \n"}) {
		EXPECT_EQ(kSessions.name(kSessions.path(name).c_str()), name);
		EXPECT_EQ(kDevices.name(kDevices.path(name).c_str()), name);
	}
}

TEST(TactusBus, NameOfAnotherPathIsEmpty)
{
	EXPECT_EQ(kSessions.name("/org/tactus/Tactus1/device/event7"), "");
	EXPECT_EQ(kDevices.name("/org/tactus/Tactus1/session/seat_3aseat0"), "");
	EXPECT_EQ(kSessions.name(kManagerPath), "");
	EXPECT_EQ(kSessions.name(kSessions.prefix), "");
	EXPECT_EQ(kSessions.name(nullptr), "");
	EXPECT_EQ(busPathDecode("/org/freedesktop/login1/session/_31", "/org/freedesktop/login1/session"), "1");
	EXPECT_EQ(busPathEncode("/org/freedesktop/login1/session", "1"), "/org/freedesktop/login1/session/_31");
	// Only the canonical path: "session/1" would answer property reads but
	// never carry the object's signals (sent on "session/_31").
	EXPECT_EQ(kSessions.name("/org/tactus/Tactus1/session/1"), "");
	EXPECT_EQ(kSessions.name("/org/tactus/Tactus1/session/_31"), "1");
	EXPECT_EQ(kDevices.name("/org/tactus/Tactus1/device/event_37"), "");
	EXPECT_EQ(kDevices.name("/org/tactus/Tactus1/device/event7"), "event7");
}

TEST(SdPtr, OutPtrFillsTheHolderAfterTheCall)
{
	SdEventPtr loop;
	ASSERT_GE(sd_event_new(outPtr(loop)), 0);
	ASSERT_NE(loop.get(), nullptr);
	SdEventPtr other(sd_event_ref(loop.get()));
	loop.reset(); // drops one reference of two
	EXPECT_EQ(sd_event_get_state(other.get()), SD_EVENT_INITIAL);
}

TEST(SdPtr, EventSourceIsDisabledWhenItsHolderGoes)
{
	SdEventPtr loop;
	ASSERT_GE(sd_event_new(outPtr(loop)), 0);
	int ran = 0;
	SdEventSourcePtr source;
	ASSERT_GE(sd_event_add_defer(loop.get(), outPtr(source), onDefer, &ran), 0);
	// Somebody else (sd-event itself, say) still holds the source: dropping
	// ours must still keep its callback from running on a freed owner.
	sd_event_source *kept = sd_event_source_ref(source.get());
	source.reset();
	EXPECT_EQ(sd_event_source_get_enabled(kept, nullptr), 0);
	sd_event_run(loop.get(), 0);
	EXPECT_EQ(ran, 0);
	sd_event_source_unref(kept);
}

TEST(SdPtr, BusErrorFreesItself)
{
	SdBusError error;
	EXPECT_FALSE(error.isSet());
	sd_bus_error_set(error.get(), kErrorNotFound, "No session 'x'");
	EXPECT_TRUE(error.isSet());
	EXPECT_TRUE(error.hasName(kErrorNotFound));
	EXPECT_STREQ(error.message(), "No session 'x'");
}
