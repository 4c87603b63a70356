// SPDX-License-Identifier: MIT
// fake-polkit: a polkit stand-in for the bus test suite. Owns
// org.freedesktop.PolicyKit1 on the bus sd_bus_open_system() finds (the
// suite's private dbus-daemon through $DBUS_SYSTEM_BUS_ADDRESS) and answers
// CheckAuthorization from a rules file, re-read on every call so a test can
// flip an answer between two calls:
//
//     # comment
//     org.tactus.set-mode yes
//     * no
//
// The first line naming the action wins, then "*"; no match means no.
// Every check is logged to stdout, one line, flushed:
//
//     check action=org.tactus.set-mode subject=:1.5 kind=system-bus-name flags=0 result=no
//
// Usage: fake-polkit RULES-FILE

#include "sd-ptr.h"

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace {

const char *gRulesPath = nullptr;

// The answer for @p action: "yes" or "no" from the rules file.
bool allowed(const std::string &action)
{
	std::ifstream in(gRulesPath);
	std::string line;
	int wildcard = -1;
	while (std::getline(in, line)) {
		std::istringstream words(line);
		std::string key, answer;
		if (!(words >> key >> answer) || key[0] == '#')
			continue;
		const int yes = answer == "yes" ? 1 : 0;
		if (key == action)
			return yes;
		if (key == "*" && wildcard < 0)
			wildcard = yes;
	}
	return wildcard == 1;
}

// Printable for the log: the subject name is chosen by the bus, the action
// by tactusd; neither should carry anything but plain ASCII.
std::string printable(const char *s)
{
	std::string out;
	for (; s && *s; s++) {
		const unsigned char c = static_cast<unsigned char>(*s);
		if (c > 0x20 && c < 0x7f)
			out += static_cast<char>(c);
		else {
			char buf[8];
			std::snprintf(buf, sizeof(buf), "\\x%02x", c);
			out += buf;
		}
	}
	return out;
}

int checkAuthorization(sd_bus_message *m, void *, sd_bus_error *error)
{
	const char *kind = nullptr;
	std::string subject;
	int r = sd_bus_message_enter_container(m, 'r', "sa{sv}");
	if (r >= 0)
		r = sd_bus_message_read(m, "s", &kind);
	if (r >= 0)
		r = sd_bus_message_enter_container(m, 'a', "{sv}");
	while (r >= 0) {
		r = sd_bus_message_enter_container(m, 'e', "sv");
		if (r <= 0)
			break;
		const char *key = nullptr;
		r = sd_bus_message_read(m, "s", &key);
		if (r < 0)
			break;
		if (std::strcmp(key, "name") == 0) {
			const char *name = nullptr;
			r = sd_bus_message_read(m, "v", "s", &name);
			if (r >= 0)
				subject = printable(name);
		} else {
			r = sd_bus_message_skip(m, "v");
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(m); // a{sv}
	if (r >= 0)
		r = sd_bus_message_exit_container(m); // (sa{sv})
	const char *action = nullptr;
	uint32_t flags = 0;
	const char *cancellationId = nullptr;
	if (r >= 0)
		r = sd_bus_message_read(m, "s", &action);
	if (r >= 0)
		r = sd_bus_message_skip(m, "a{ss}");
	if (r >= 0)
		r = sd_bus_message_read(m, "us", &flags, &cancellationId);
	if (r < 0)
		return sd_bus_error_set(error, "org.freedesktop.PolicyKit1.Error.Failed",
					"Malformed CheckAuthorization");

	const bool yes = allowed(action);
	std::printf("check action=%s subject=%s kind=%s flags=%u result=%s\n", printable(action).c_str(),
		    subject.c_str(), printable(kind).c_str(), flags, yes ? "yes" : "no");
	std::fflush(stdout);

	tactus::SdBusMessagePtr reply;
	r = sd_bus_message_new_method_return(m, tactus::outPtr(reply));
	if (r >= 0)
		r = sd_bus_message_append(reply.get(), "(bba{ss})", yes ? 1 : 0, 0, 0);
	if (r >= 0)
		r = sd_bus_send(nullptr, reply.get(), nullptr);
	return r;
}

const sd_bus_vtable kAuthorityVtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_ARGS(
		"CheckAuthorization",
		SD_BUS_ARGS("(sa{sv})", subject, "s", action_id, "a{ss}", details, "u", flags, "s", cancellation_id),
		SD_BUS_RESULT("(bba{ss})", result), checkAuthorization, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

} // namespace

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "Usage: %s RULES-FILE\n", argv[0]);
		return 2;
	}
	gRulesPath = argv[1];

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, nullptr);

	// Declared in this order so that they go in the reverse one: the
	// object, the connection, the loop.
	tactus::SdEventPtr loop;
	tactus::SdBusConnectionPtr bus;
	tactus::SdBusSlotPtr slot;
	int r = sd_event_default(tactus::outPtr(loop));
	if (r >= 0)
		r = sd_event_add_signal(loop.get(), nullptr, SIGTERM, nullptr, nullptr);
	if (r >= 0)
		r = sd_event_add_signal(loop.get(), nullptr, SIGINT, nullptr, nullptr);
	if (r >= 0)
		r = sd_bus_open_system(tactus::outPtr(bus));
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus.get(), tactus::outPtr(slot), "/org/freedesktop/PolicyKit1/Authority",
					     "org.freedesktop.PolicyKit1.Authority", kAuthorityVtable, nullptr);
	if (r >= 0)
		r = sd_bus_attach_event(bus.get(), loop.get(), SD_EVENT_PRIORITY_NORMAL);
	if (r >= 0)
		r = sd_bus_request_name(bus.get(), "org.freedesktop.PolicyKit1", 0);
	if (r < 0) {
		std::fprintf(stderr, "fake-polkit: setting up: %s\n", std::strerror(-r));
		return 1;
	}
	std::printf("ready\n");
	std::fflush(stdout);
	r = sd_event_loop(loop.get());
	return r < 0 ? 1 : 0;
}
