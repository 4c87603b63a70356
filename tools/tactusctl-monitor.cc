// SPDX-License-Identifier: MIT
// `tactusctl monitor`: tactusd's signals as they arrive, one line each,
// until SIGINT or SIGTERM. It outlives a restart of tactusd: the matches
// name the well-known name, which the bus resolves at every message.

#include "log.h"
#include "tactusctl-bus.h"
#include "util-strings.h"

#include <systemd/sd-event.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace tactus::ctl {

namespace {

struct Monitor {
	const Options &options;
	sd_bus *bus;
};

// Wall-clock time of arrival: messages from dbus-daemon carry no timestamp.
std::string timestamp(bool json)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	char date[64];
	char out[96];
	if (json) {
		gmtime_r(&ts.tv_sec, &tm);
		std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
		std::snprintf(out, sizeof(out), "%s.%06ldZ", date, ts.tv_nsec / 1000);
	} else {
		localtime_r(&ts.tv_sec, &tm);
		std::strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
		std::snprintf(out, sizeof(out), "%s.%03ld", date, ts.tv_nsec / 1000000);
	}
	return out;
}

void emit(const Monitor &mon, const std::string &humanSubject, const std::string &human, const std::string &jsonFields)
{
	if (mon.options.json)
		std::printf("{\"time\":\"%s\",%s}\n", timestamp(true).c_str(), jsonFields.c_str());
	else
		std::printf("%s %s: %s\n", timestamp(false).c_str(), humanSubject.c_str(), human.c_str());
	// A monitor is read live, often through a pipe.
	std::fflush(stdout);
}

std::string jsonDouble(double d)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%.4g", d);
	return buf;
}

// One property value, for a person and as JSON. Types this tactusctl does
// not expect are skipped and shown by their signature.
int formatVariant(sd_bus_message *m, const char *contents, std::string &human, std::string &json)
{
	int r;
	if (std::strcmp(contents, "s") == 0) {
		std::string s;
		r = readVariant(m, contents, s);
		human = safeText(s, 160);
		json = jsonQuote(safeText(s));
	} else if (std::strcmp(contents, "b") == 0) {
		bool b = false;
		r = readVariant(m, contents, b);
		human = b ? "yes" : "no";
		json = b ? "true" : "false";
	} else if (std::strcmp(contents, "d") == 0) {
		double d = 0;
		r = readVariant(m, contents, d);
		char buf[32];
		std::snprintf(buf, sizeof(buf), "%.2f", d);
		human = buf;
		json = jsonDouble(d);
	} else if (std::strcmp(contents, "u") == 0) {
		uint32_t u = 0;
		r = readVariant(m, contents, u);
		human = json = std::to_string(u);
	} else if (std::strcmp(contents, "q") == 0) {
		uint16_t q = 0;
		r = readVariant(m, contents, q);
		human = json = std::to_string(q);
	} else if (std::strcmp(contents, "as") == 0) {
		std::vector<std::string> v;
		r = readVariant(m, contents, v);
		human = joinList(v, "(none)");
		json = jsonStringArray(v);
	} else {
		r = sd_bus_message_skip(m, contents);
		human = std::string("(") + contents + ")";
		json = "null";
	}
	return r;
}

// Which object a signal is about, for both outputs.
void subjectOf(const char *path, std::string &human, std::string &json)
{
	const std::string session = kSessions.name(path);
	const std::string device = kDevices.name(path);
	if (!session.empty()) {
		human = "session " + safeText(session, 64);
		json = "\"session\":" + jsonQuote(safeText(session, 64)) + ",";
	} else if (!device.empty()) {
		human = "device " + safeText(device, 64);
		json = "\"device\":" + jsonQuote(safeText(device, 64)) + ",";
	} else {
		human = "tactusd";
		json.clear();
	}
	json += "\"path\":" + jsonQuote(path ? path : "");
}

int onVerdictChanged(sd_bus_message *m, const Monitor &mon)
{
	const char *verdict = nullptr;
	double trust = 0;
	int r = sd_bus_message_read(m, "sd", &verdict, &trust);
	std::vector<std::string> reasons;
	if (r >= 0)
		r = readVariant(m, "as", reasons);
	if (r < 0)
		return r;
	std::string subject, json;
	subjectOf(sd_bus_message_get_path(m), subject, json);
	char human[96];
	std::snprintf(human, sizeof(human), "verdict %s, trust %.2f, reasons ", safeText(verdict, 16).c_str(), trust);
	emit(mon, subject, human + joinList(reasons, "none"),
	     "\"event\":\"verdict-changed\"," + json + ",\"verdict\":" + jsonQuote(safeText(verdict, 16)) +
		     ",\"trust\":" + jsonDouble(trust) + ",\"reasons\":" + jsonStringArray(reasons));
	return 0;
}

int onPropertiesChanged(sd_bus_message *m, const Monitor &mon)
{
	const char *interface = nullptr;
	int r = sd_bus_message_read(m, "s", &interface);
	if (r < 0)
		return r;
	std::string human, changed;
	r = forEachProperty(m, [&](std::string_view name, const char *contents, sd_bus_message *v) {
		std::string h, j;
		const int rr = formatVariant(v, contents, h, j);
		if (rr < 0)
			return rr;
		human += (human.empty() ? "" : " ") + safeText(name, 64) + "=" + h;
		changed += (changed.empty() ? "" : ",") + jsonQuote(safeText(name, 64)) + ":" + j;
		return 1;
	});
	std::vector<std::string> invalidated;
	if (r >= 0)
		r = readVariant(m, "as", invalidated);
	if (r < 0)
		return r;
	for (const auto &name : invalidated)
		human += (human.empty() ? "" : " ") + safeText(name, 64) + " changed";
	std::string subject, json;
	subjectOf(sd_bus_message_get_path(m), subject, json);
	emit(mon, subject, human.empty() ? "properties changed" : human,
	     "\"event\":\"properties-changed\"," + json + ",\"interface\":" + jsonQuote(safeText(interface, 128)) +
		     ",\"changed\":{" + changed + "},\"invalidated\":" + jsonStringArray(invalidated));
	return 0;
}

// SessionNew, SessionRemoved, DeviceNew, DeviceRemoved: (id, path).
int onManagerSignal(sd_bus_message *m, const Monitor &mon)
{
	const char *member = sd_bus_message_get_member(m);
	const char *id = nullptr;
	const char *path = nullptr;
	int r = sd_bus_message_read(m, "so", &id, &path);
	if (r < 0)
		return r;
	const bool isSession = std::strncmp(member, "Session", 7) == 0;
	const bool isNew = std::strstr(member, "New") != nullptr;
	const std::string kind = isSession ? "session" : "device";
	const std::string event = kind + (isNew ? "-new" : "-removed");
	std::string human = isNew ? "new" : "removed";
	std::string json = "\"event\":\"" + event + "\",\"" + kind + "\":" + jsonQuote(safeText(id, 64)) +
			   ",\"path\":" + jsonQuote(path);
	if (!isSession && isNew) {
		// What kind of device arrived is the point of watching: a
		// uinput keyboard appearing is how an injection starts.
		SdBusMessagePtr reply;
		SdBusError error;
		if (sd_bus_call_method(mon.bus, kBusName, path, "org.freedesktop.DBus.Properties", "GetAll",
				       error.get(), outPtr(reply), "s", kDevices.interface) >= 0) {
			std::string name, provenance;
			bool allowed = true;
			r = sd_bus_message_enter_container(reply.get(), 'a', "{sv}");
			while (r >= 0 && (r = sd_bus_message_enter_container(reply.get(), 'e', "sv")) > 0) {
				const char *prop = nullptr;
				const char *contents = nullptr;
				r = sd_bus_message_read(reply.get(), "s", &prop);
				if (r >= 0)
					r = sd_bus_message_peek_type(reply.get(), nullptr, &contents);
				if (r >= 0)
					r = sd_bus_message_enter_container(reply.get(), 'v', contents);
				if (r >= 0) {
					if (std::strcmp(prop, "Name") == 0)
						r = readVariant(reply.get(), contents, name);
					else if (std::strcmp(prop, "Provenance") == 0)
						r = readVariant(reply.get(), contents, provenance);
					else if (std::strcmp(prop, "Allowed") == 0)
						r = readVariant(reply.get(), contents, allowed);
					else
						r = 0;
					if (r == 0)
						r = sd_bus_message_skip(reply.get(), contents);
				}
				if (r >= 0)
					r = sd_bus_message_exit_container(reply.get());
				if (r >= 0)
					r = sd_bus_message_exit_container(reply.get());
			}
			if (r >= 0) {
				human += ", " + safeText(provenance, 32) + (allowed ? "" : " (not allowed)") + " \"" +
					 safeText(name, 80) + "\"";
				json += ",\"name\":" + jsonQuote(safeText(name)) +
					",\"provenance\":" + jsonQuote(safeText(provenance, 32)) +
					",\"allowed\":" + (allowed ? "true" : "false");
			}
		}
	}
	emit(mon, kind + " " + safeText(id, 64), human, json);
	return 0;
}

int onNameOwnerChanged(sd_bus_message *m, const Monitor &mon)
{
	const char *name = nullptr, *oldOwner = nullptr, *newOwner = nullptr;
	const int r = sd_bus_message_read(m, "sss", &name, &oldOwner, &newOwner);
	if (r < 0)
		return r;
	const bool started = newOwner && *newOwner;
	emit(mon, "tactusd", started ? "started" : "stopped",
	     std::string("\"event\":\"") + (started ? "daemon-started" : "daemon-stopped") + "\"");
	return 0;
}

int onSignal(sd_bus_message *m, void *userdata, sd_bus_error *)
{
	const Monitor &mon = *static_cast<const Monitor *>(userdata);
	return logGuarded("signal", [&] {
		int r = 0;
		if (sd_bus_message_is_signal(m, kSessions.interface, "VerdictChanged"))
			r = onVerdictChanged(m, mon);
		else if (sd_bus_message_is_signal(m, "org.freedesktop.DBus.Properties", "PropertiesChanged"))
			r = onPropertiesChanged(m, mon);
		else if (sd_bus_message_is_signal(m, kManagerInterface, nullptr))
			r = onManagerSignal(m, mon);
		else if (sd_bus_message_is_signal(m, "org.freedesktop.DBus", "NameOwnerChanged"))
			r = onNameOwnerChanged(m, mon);
		if (r < 0)
			log_warning(
				"Malformed %s signal: %s, ignoring",
				safeText(sd_bus_message_get_member(m) ? sd_bus_message_get_member(m) : "?", 64).c_str(),
				std::strerror(-r));
		return 0;
	});
}

int onTerminate(sd_event_source *source, const struct signalfd_siginfo *, void *)
{
	return sd_event_exit(sd_event_source_get_event(source), 0);
}

} // namespace

int verbMonitor(const Options &options)
{
	SdBusConnectionPtr bus;
	int status = connectToDaemon(bus);
	if (status != kExitOk)
		return status;

	Monitor mon{options, bus.get()};
	const std::string fromTactusd = std::string("type='signal',sender='") + kBusName + "',";
	const std::string matches[] = {
		fromTactusd + "interface='" + kSessions.interface + "',member='VerdictChanged'",
		fromTactusd +
			"interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',path_namespace='" +
			kManagerPath + "'",
		fromTactusd + "interface='" + kManagerInterface + "',path='" + kManagerPath + "'",
		std::string("type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
			    "member='NameOwnerChanged',arg0='") +
			kBusName + "'",
	};
	for (const std::string &match : matches) {
		const int r = sd_bus_add_match(bus.get(), nullptr, match.c_str(), onSignal, &mon);
		if (r < 0) {
			log_error("Cannot subscribe to tactusd's signals: %s", std::strerror(-r));
			return kExitFailure;
		}
	}

	SdEventPtr loop;
	int r = sd_event_new(outPtr(loop));
	if (r < 0) {
		log_error("Cannot allocate an event loop: %s", std::strerror(-r));
		return kExitFailure;
	}
	// sd_event_add_signal() needs the signals blocked first.
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, nullptr);
	r = sd_event_add_signal(loop.get(), nullptr, SIGINT, onTerminate, nullptr);
	if (r >= 0)
		r = sd_event_add_signal(loop.get(), nullptr, SIGTERM, onTerminate, nullptr);
	if (r >= 0)
		r = sd_bus_attach_event(bus.get(), loop.get(), SD_EVENT_PRIORITY_NORMAL);
	// A lost bus ends the loop with status 1 instead of spinning silently.
	if (r >= 0)
		r = sd_bus_set_exit_on_disconnect(bus.get(), true);
	if (r < 0) {
		log_error("Cannot set up the event loop: %s", std::strerror(-r));
		return kExitFailure;
	}
	if (!options.json)
		log_info("Watching %s; stop with Ctrl+C", kBusName);

	r = sd_event_loop(loop.get());
	sd_bus_detach_event(bus.get());
	if (r < 0) {
		log_error("Event loop failed: %s", std::strerror(-r));
		return kExitFailure;
	}
	if (r != 0) {
		log_error("The system bus connection closed");
		return kExitFailure;
	}
	return kExitOk;
}

} // namespace tactus::ctl
