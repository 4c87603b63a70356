// SPDX-License-Identifier: MIT
// No exception crosses sd-bus (issue 14): a property getter, a method and an
// object lookup that throw, served through the bus adapter's guarded() and
// BUS_PROPERTY_GETTER on a real sd-bus connection pair (a socketpair, one
// end the server), answer the caller with org.tactus.Error.Failed, and the
// connection and the process go on serving.

#include "bus-util.h"
#include "sd-ptr.h"

#include <gtest/gtest.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include <systemd/sd-id128.h>

#include <sys/socket.h>

#include <chrono>
#include <new>
#include <stdexcept>
#include <string>

using namespace tactus;

namespace {

enum class Fault { None, OutOfMemory, Runtime };

struct Served {
	Fault fault = Fault::None;
	unsigned calls = 0;
};

void maybeThrow(Fault fault)
{
	if (fault == Fault::OutOfMemory)
		throw std::bad_alloc();
	if (fault == Fault::Runtime)
		throw std::runtime_error("built a string too long");
}

int appendValue(sd_bus_message *reply, Served &s)
{
	s.calls++;
	maybeThrow(s.fault);
	return sd_bus_message_append(reply, "u", 7u);
}

BUS_PROPERTY_GETTER(testValue, Served, s, appendValue(reply, s))

int methodPoke(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, "Test.Poke", [&] {
		Served &s = *static_cast<Served *>(userdata);
		s.calls++;
		maybeThrow(s.fault);
		return sd_bus_reply_method_return(m, "s", "poked");
	});
}

int findItem(sd_bus *, const char *, const char *, void *userdata, void **found, sd_bus_error *error)
{
	return guarded(error, "Test lookup", [&] {
		Served &s = *static_cast<Served *>(userdata);
		s.calls++;
		maybeThrow(s.fault);
		*found = userdata;
		return 1;
	});
}

const sd_bus_vtable kTestVtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Value", "u", testValue, 0, 0),
	SD_BUS_METHOD_WITH_ARGS("Poke", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", what), methodPoke, 0),
	SD_BUS_VTABLE_END,
};

struct Answer {
	bool done = false;
	std::string error; // "" for a method return
	std::string errorMessage;
};

int onAnswer(sd_bus_message *m, void *userdata, sd_bus_error *)
{
	auto *a = static_cast<Answer *>(userdata);
	a->done = true;
	if (const sd_bus_error *e = sd_bus_message_get_error(m)) {
		a->error = e->name ? e->name : "?";
		a->errorMessage = e->message ? e->message : "";
	}
	return 0;
}

class BusGuard : public ::testing::Test {
protected:
	void SetUp() override
	{
		ASSERT_GE(sd_event_new(outPtr(loop_)), 0);
		int fds[2];
		ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds), 0);
		sd_id128_t id;
		ASSERT_GE(sd_id128_randomize(&id), 0);
		ASSERT_GE(sd_bus_new(outPtr(server_)), 0);
		ASSERT_GE(sd_bus_set_fd(server_.get(), fds[0], fds[0]), 0);
		ASSERT_GE(sd_bus_set_server(server_.get(), 1, id), 0);
		ASSERT_GE(sd_bus_start(server_.get()), 0);
		ASSERT_GE(sd_bus_new(outPtr(client_)), 0);
		ASSERT_GE(sd_bus_set_fd(client_.get(), fds[1], fds[1]), 0);
		ASSERT_GE(sd_bus_start(client_.get()), 0);
		ASSERT_GE(sd_bus_attach_event(server_.get(), loop_.get(), 0), 0);
		ASSERT_GE(sd_bus_attach_event(client_.get(), loop_.get(), 0), 0);
		ASSERT_GE(sd_bus_add_object_vtable(server_.get(), outPtr(objectSlot_), "/test", "org.tactus.Test",
						   kTestVtable, &served_),
			  0);
		ASSERT_GE(sd_bus_add_fallback_vtable(server_.get(), outPtr(fallbackSlot_), "/items", "org.tactus.Test",
						     kTestVtable, findItem, &served_),
			  0);
	}

	/** Get the Value property (@p property) or call @p member on @p path, and wait for the answer. */
	Answer call(const char *path, const char *interface, const char *member, bool property)
	{
		Answer a;
		SdBusSlotPtr slot;
		const int r = property ? sd_bus_call_method_async(client_.get(), outPtr(slot), nullptr, path,
								  "org.freedesktop.DBus.Properties", "Get", onAnswer,
								  &a, "ss", interface, "Value")
				       : sd_bus_call_method_async(client_.get(), outPtr(slot), nullptr, path, interface,
								  member, onAnswer, &a, "");
		EXPECT_GE(r, 0);
		const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
		while (!a.done && std::chrono::steady_clock::now() < end)
			EXPECT_GE(sd_event_run(loop_.get(), 100'000), 0);
		EXPECT_TRUE(a.done) << "no answer to " << member << " on " << path;
		return a;
	}

	void expectServing()
	{
		served_.fault = Fault::None;
		EXPECT_EQ(call("/test", "org.tactus.Test", "Get", true).error, "");
		EXPECT_EQ(call("/test", "org.tactus.Test", "Poke", false).error, "");
		EXPECT_EQ(call("/items/a", "org.tactus.Test", "Poke", false).error, "");
	}

	SdEventPtr loop_;
	SdBusConnectionPtr server_;
	SdBusConnectionPtr client_;
	SdBusSlotPtr objectSlot_;
	SdBusSlotPtr fallbackSlot_;
	Served served_;
};

} // namespace

TEST_F(BusGuard, ThrowingGetterAnswersFailed)
{
	expectServing();
	for (const Fault fault : {Fault::OutOfMemory, Fault::Runtime}) {
		served_.fault = fault;
		const unsigned before = served_.calls;
		Answer a;
		EXPECT_NO_THROW(a = call("/test", "org.tactus.Test", "Get", true));
		EXPECT_GT(served_.calls, before) << "the getter never ran";
		EXPECT_EQ(a.error, kErrorFailed);
		EXPECT_EQ(a.errorMessage, fault == Fault::OutOfMemory ? "Out of memory" : "Internal error");
	}
	expectServing();
}

TEST_F(BusGuard, ThrowingMethodAnswersFailed)
{
	for (const Fault fault : {Fault::OutOfMemory, Fault::Runtime}) {
		served_.fault = fault;
		Answer a;
		EXPECT_NO_THROW(a = call("/test", "org.tactus.Test", "Poke", false));
		EXPECT_EQ(a.error, kErrorFailed);
		EXPECT_EQ(a.errorMessage, fault == Fault::OutOfMemory ? "Out of memory" : "Internal error");
	}
	expectServing();
}

TEST_F(BusGuard, ThrowingObjectLookupAnswersFailed)
{
	for (const Fault fault : {Fault::OutOfMemory, Fault::Runtime}) {
		served_.fault = fault;
		Answer a;
		EXPECT_NO_THROW(a = call("/items/b", "org.tactus.Test", "Poke", false));
		EXPECT_EQ(a.error, kErrorFailed);
	}
	expectServing();
}
