// SPDX-License-Identifier: MIT
// tactusctl's one-shot verbs: status, sessions, devices and the state
// changes. Tables for people, one JSON object per line for scripts.

#include "log.h"
#include "tactusctl-bus.h"
#include "util-strings.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace tactus::ctl {

namespace {

const char *yesNo(bool b)
{
	return b ? "yes" : "no";
}

const char *jsonBool(bool b)
{
	return b ? "true" : "false";
}

std::string jsonNumber(double d)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%.4g", d);
	return buf;
}

std::string userOf(const SessionView &s)
{
	if (s.pseudo)
		return "-";
	if (s.userName.empty())
		return std::to_string(s.uid);
	return safeText(s.userName, 32);
}

std::string sessionJson(const SessionView &s)
{
	std::string out = "{";
	out += "\"id\":" + jsonQuote(safeText(s.id));
	out += ",\"path\":" + jsonQuote(s.path);
	out += ",\"uid\":" + std::to_string(s.uid);
	out += ",\"user\":" + jsonQuote(safeText(s.userName));
	out += ",\"seat\":" + jsonQuote(safeText(s.seat));
	out += std::string(",\"pseudo\":") + jsonBool(s.pseudo);
	out += std::string(",\"active\":") + jsonBool(s.active);
	out += std::string(",\"locked\":") + jsonBool(s.locked);
	out += ",\"verdict\":" + jsonQuote(safeText(s.verdict));
	out += ",\"trust\":" + jsonNumber(s.trust);
	out += ",\"reasons\":" + jsonStringArray(s.reasons);
	out += ",\"profile_state\":" + jsonQuote(safeText(s.profileState));
	out += ",\"enrollment_progress\":" + jsonNumber(s.enrollmentProgress);
	return out + "}";
}

std::string creatorsText(const std::vector<CreatorView> &creators)
{
	if (creators.empty())
		return "unknown";
	std::string out;
	for (const auto &c : creators) {
		if (!out.empty())
			out += "; ";
		out += "pid " + std::to_string(c.pid) + " uid " + std::to_string(c.uid);
		out += " exe " + (c.exe.empty() ? std::string("?") : safeText(c.exe, 256));
		if (!c.comm.empty())
			out += " (" + safeText(c.comm, 32) + ")";
		if (!c.unit.empty())
			out += " unit " + safeText(c.unit, 128);
		if (!c.userUnit.empty())
			out += " user-unit " + safeText(c.userUnit, 128);
	}
	return out;
}

// Keys as formatDeviceJson() writes them for the sysfs view, so a script
// reads both; plus what only the daemon knows.
std::string deviceJson(const DeviceView &d)
{
	std::string out = "{";
	out += "\"sysname\":" + jsonQuote(safeText(d.sysname, 64));
	out += ",\"path\":" + jsonQuote(d.path);
	out += ",\"syspath\":" + jsonQuote(safeText(d.syspath, 1024));
	out += ",\"name\":" + jsonQuote(safeText(d.name));
	out += ",\"bus\":" + jsonQuote(safeText(d.bus, 32));
	out += ",\"vendor\":" + std::to_string(d.vendor);
	out += ",\"product\":" + std::to_string(d.product);
	out += ",\"seat\":" + jsonQuote(safeText(d.seat, 64));
	out += ",\"provenance\":" + jsonQuote(safeText(d.provenance, 32));
	out += ",\"provenance_detail\":" + jsonQuote(safeText(d.provenanceDetail));
	out += ",\"capabilities\":" + jsonQuote(joinList(d.capabilities, "none"));
	out += ",\"creators\":[";
	for (size_t i = 0; i < d.creators.size(); i++) {
		const auto &c = d.creators[i];
		out += i ? "," : "";
		out += "{\"pid\":" + std::to_string(c.pid) + ",\"uid\":" + std::to_string(c.uid) +
		       ",\"exe\":" + jsonQuote(safeText(c.exe, 1024)) + ",\"comm\":" + jsonQuote(safeText(c.comm, 64)) +
		       ",\"unit\":" + jsonQuote(safeText(c.unit)) +
		       ",\"user_unit\":" + jsonQuote(safeText(c.userUnit)) + "}";
	}
	out += "]";
	out += std::string(",\"allowed\":") + jsonBool(d.allowed);
	out += std::string(",\"grabbed\":") + jsonBool(d.grabbed);
	out += ",\"grab_reason\":" + jsonQuote(safeText(d.grabReason, 64));
	return out + "}";
}

// Column width: the widest cell, at least the header.
template<typename T, typename F>
int widthOf(const std::vector<T> &rows, const char *header, F cell)
{
	size_t w = std::string_view(header).size();
	for (const auto &row : rows)
		w = std::max(w, cell(row).size());
	return static_cast<int>(std::min<size_t>(w, 40));
}

void printSessionTable(const std::vector<SessionView> &sessions)
{
	if (sessions.empty()) {
		std::printf("No sessions.\n");
		return;
	}
	auto id = [](const SessionView &s) { return safeText(s.id, 40); };
	auto seat = [](const SessionView &s) { return safeText(s.seat, 40); };
	const int wId = widthOf(sessions, "SESSION", id);
	const int wUser = widthOf(sessions, "USER", userOf);
	const int wSeat = widthOf(sessions, "SEAT", seat);
	std::printf("%-*s %-*s %-*s %-6s %-6s %-9s %-5s %s\n", wId, "SESSION", wUser, "USER", wSeat, "SEAT", "ACTIVE",
		    "LOCKED", "VERDICT", "TRUST", "REASONS");
	for (const auto &s : sessions)
		std::printf("%-*s %-*s %-*s %-6s %-6s %-9s %5.2f %s\n", wId, id(s).c_str(), wUser, userOf(s).c_str(),
			    wSeat, seat(s).c_str(), yesNo(s.active), yesNo(s.locked), safeText(s.verdict, 16).c_str(),
			    s.trust, joinList(s.reasons).c_str());
}

void printDeviceTable(const std::vector<DeviceView> &devices)
{
	if (devices.empty()) {
		std::printf("No input devices.\n");
		return;
	}
	std::printf("%-9s %-14s %-7s %-7s %-18s %-6s %-9s %-9s %s\n", "DEVICE", "PROVENANCE", "ALLOWED", "GRABBED",
		    "CAPABILITIES", "SEAT", "BUS", "ID", "NAME");
	for (const auto &d : devices) {
		char id[16];
		std::snprintf(id, sizeof(id), "%04x:%04x", d.vendor, d.product);
		std::printf("%-9s %-14s %-7s %-7s %-18s %-6s %-9s %-9s %s\n", safeText(d.sysname, 16).c_str(),
			    safeText(d.provenance, 16).c_str(), yesNo(d.allowed), yesNo(d.grabbed),
			    joinList(d.capabilities, "none").c_str(), safeText(d.seat, 16).c_str(),
			    safeText(d.bus, 16).c_str(), id, safeText(d.name, 80).c_str());
		if (!d.provenanceDetail.empty())
			std::printf("%-9s └ %s\n", "", safeText(d.provenanceDetail, 160).c_str());
		if (d.provenance == "uinput" || !d.creators.empty())
			std::printf("%-9s └ created by: %s\n", "", creatorsText(d.creators).c_str());
		if (d.grabbed)
			std::printf("%-9s └ grabbed: %s\n", "", safeText(d.grabReason, 64).c_str());
	}
}

// The session a state change is about: the named one, or the caller's own.
int resolveSession(sd_bus *bus, const std::string &id, std::string &path)
{
	SdBusError error;
	int r;
	if (id.empty()) {
		r = ownSessionPath(bus, path, error);
		if (r < 0) {
			reportCallError(error, r, "GetSessionByPID");
			log_error("Name a session: see `tactusctl sessions`");
			return kExitFailure;
		}
		return kExitOk;
	}
	SdBusMessagePtr reply;
	r = sd_bus_call_method(bus, kBusName, kManagerPath, kManagerInterface, "GetSession", error.get(), outPtr(reply),
			       "s", id.c_str());
	if (r < 0)
		return reportCallError(error, r, "GetSession");
	const char *p = nullptr;
	r = sd_bus_message_read(reply.get(), "o", &p);
	if (r < 0)
		return reportCallError(error, r, "GetSession");
	path = p;
	return kExitOk;
}

} // namespace

int verbStatus(const Options &options)
{
	SdBusConnectionPtr bus;
	int status = connectToDaemon(bus);
	if (status != kExitOk)
		return status;

	SdBusError error;
	ManagerView manager;
	int r = getManager(bus.get(), manager, error);
	if (r < 0)
		return reportCallError(error, r, "Reading org.tactus.Manager1");
	std::vector<SessionView> sessions;
	r = getSessions(bus.get(), sessions, error);
	if (r < 0)
		return reportCallError(error, r, "Listing sessions");
	std::vector<DeviceView> devices;
	r = getDevices(bus.get(), devices, error);
	if (r < 0)
		return reportCallError(error, r, "Listing devices");
	const auto notAllowed = std::count_if(devices.begin(), devices.end(), [](const auto &d) { return !d.allowed; });
	const auto grabbed = std::count_if(devices.begin(), devices.end(), [](const auto &d) { return d.grabbed; });

	// The caller's own session is optional: a root shell over ssh has
	// none with a seat, and that is not an error for `status`.
	SessionView own;
	std::string ownPath;
	SdBusError ownError;
	bool haveOwn = ownSessionPath(bus.get(), ownPath, ownError) >= 0;
	if (haveOwn)
		haveOwn = getSession(bus.get(), ownPath, own, ownError) >= 0;

	if (options.json) {
		std::printf("{\"version\":%s,\"mode\":%s,\"logind\":%s,\"sessions\":%zu,\"devices\":%zu,"
			    "\"devices_not_allowed\":%ld,\"devices_grabbed\":%ld,\"own_session\":%s}\n",
			    jsonQuote(safeText(manager.version, 32)).c_str(),
			    jsonQuote(safeText(manager.mode, 32)).c_str(), jsonBool(manager.logindAvailable),
			    sessions.size(), devices.size(), static_cast<long>(notAllowed), static_cast<long>(grabbed),
			    haveOwn ? sessionJson(own).c_str() : "null");
		return kExitOk;
	}

	std::printf("tactusd %s on the system bus as %s\n", safeText(manager.version, 32).c_str(), kBusName);
	std::printf("        Mode: %s\n", safeText(manager.mode, 32).c_str());
	std::printf("      logind: %s\n",
		    manager.logindAvailable ? "available" : "not available (one pseudo-session per seat)");
	std::printf("    Sessions: %zu\n", sessions.size());
	std::printf("     Devices: %zu (%ld not allowed, %ld grabbed)\n", devices.size(), static_cast<long>(notAllowed),
		    static_cast<long>(grabbed));
	if (!haveOwn) {
		std::printf("Your session: none (%s)\n",
			    safeText(ownError.message() ? ownError.message() : "unknown", 160).c_str());
		return kExitOk;
	}
	std::printf("Your session: %s (user %s, seat %s, %s, %s%s)\n", safeText(own.id, 64).c_str(),
		    userOf(own).c_str(), safeText(own.seat, 32).c_str(), own.active ? "active" : "inactive",
		    own.locked ? "locked" : "unlocked", own.pseudo ? ", pseudo-session" : "");
	std::printf("     Verdict: %s (trust %.2f; reasons: %s)\n", safeText(own.verdict, 16).c_str(), own.trust,
		    joinList(own.reasons, "none").c_str());
	std::printf("     Profile: %s", safeText(own.profileState, 16).c_str());
	if (own.profileState == "enrolling")
		std::printf(" (%.0f%%)", own.enrollmentProgress * 100.0);
	std::printf("\n");
	return kExitOk;
}

int verbSessions(const Options &options)
{
	SdBusConnectionPtr bus;
	int status = connectToDaemon(bus);
	if (status != kExitOk)
		return status;
	SdBusError error;
	std::vector<SessionView> sessions;
	const int r = getSessions(bus.get(), sessions, error);
	if (r < 0)
		return reportCallError(error, r, "Listing sessions");
	if (options.json) {
		for (const auto &s : sessions)
			std::printf("%s\n", sessionJson(s).c_str());
	} else {
		printSessionTable(sessions);
	}
	return kExitOk;
}

int verbDevices(const Options &options)
{
	if (options.sysfs || !options.root.empty())
		return verbDevicesSysfs(options);
	SdBusConnectionPtr bus;
	if (connectSystemBus(bus, true) < 0 || daemonRunning(bus.get()) <= 0) {
		// Still useful: the same classification, read here instead of
		// by the daemon, only without its allow and grab decisions.
		log_notice("tactusd is not running; showing the devices as read from sysfs");
		return verbDevicesSysfs(options);
	}
	SdBusError error;
	std::vector<DeviceView> devices;
	const int r = getDevices(bus.get(), devices, error);
	if (r < 0)
		return reportCallError(error, r, "Listing devices");
	if (options.json) {
		for (const auto &d : devices)
			std::printf("%s\n", deviceJson(d).c_str());
	} else {
		printDeviceTable(devices);
	}
	return kExitOk;
}

int verbSessionAction(const Options &options, const std::string &verb, const std::string &session)
{
	const char *method = nullptr;
	const char *done = nullptr;
	if (verb == "ack") {
		method = "AcknowledgeReauthentication";
		done = "re-authentication acknowledged, trust restarts";
	} else if (verb == "reset-profile") {
		method = "ResetProfile";
		done = "profile reset, enrollment restarts";
	} else if (verb == "forget") {
		method = "ForgetProfile";
		done = "profile deleted";
	} else {
		return kExitUsage;
	}

	SdBusConnectionPtr bus;
	int status = connectToDaemon(bus);
	if (status != kExitOk)
		return status;
	std::string path;
	status = resolveSession(bus.get(), session, path);
	if (status != kExitOk)
		return status;
	SdBusError error;
	const int r = callStateChange(bus.get(), options, path, kSessions.interface, method, error);
	if (r < 0)
		return reportCallError(error, r, method);
	std::printf("session %s: %s\n", safeText(kSessions.name(path.c_str()), 64).c_str(), done);
	return kExitOk;
}

int verbSetMode(const Options &options, const std::string &mode)
{
	SdBusConnectionPtr bus;
	int status = connectToDaemon(bus);
	if (status != kExitOk)
		return status;
	SdBusError error;
	const int r = callStateChange(bus.get(), options, kManagerPath, kManagerInterface, "SetMode", error, "s",
				      mode.c_str());
	if (r < 0)
		return reportCallError(error, r, "SetMode");
	std::printf("mode: %s\n", mode.c_str());
	return kExitOk;
}

int verbRelease(const Options &options, const std::string &sysname)
{
	SdBusConnectionPtr bus;
	int status = connectToDaemon(bus);
	if (status != kExitOk)
		return status;
	SdBusError error;
	SdBusMessagePtr reply;
	int r = sd_bus_call_method(bus.get(), kBusName, kManagerPath, kManagerInterface, "GetDevice", error.get(),
				   outPtr(reply), "s", sysname.c_str());
	if (r < 0)
		return reportCallError(error, r, "GetDevice");
	const char *path = nullptr;
	r = sd_bus_message_read(reply.get(), "o", &path);
	if (r < 0)
		return reportCallError(error, r, "GetDevice");
	r = callStateChange(bus.get(), options, path, kDevices.interface, "Release", error);
	if (r < 0)
		return reportCallError(error, r, "Release");
	std::printf("device %s: released\n", safeText(sysname, 32).c_str());
	return kExitOk;
}

} // namespace tactus::ctl
