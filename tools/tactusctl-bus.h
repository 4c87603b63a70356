// SPDX-License-Identifier: MIT
#pragma once

// tactusctl's side of org.tactus.Tactus1 (dbus/org.tactus.Tactus1.xml):
// the connection, named errors, and the sessions and devices as plain
// values. The verbs in tactusctl-*.cc print these; nothing here prints
// except the error reporters, which print and return the exit status in
// one step.

#include "sd-ptr.h"
#include "tactus-bus.h"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tactus::ctl {

/**
 * Exit statuses, as tactusctl(1) documents them; kExitNotRunning is 3 as in
 * `systemctl is-active` (LSB "program is not running"), so scripts and
 * monitoring tell a stopped daemon from a failed call.
 */
enum ExitStatus : int { kExitOk = 0, kExitFailure = 1, kExitUsage = 2, kExitNotRunning = 3 };

/** Command-line options shared by every verb. */
struct Options {
	bool json = false;
	bool askPassword = true; ///< allow interactive polkit authentication
	bool sysfs = false;      ///< `devices`: read sysfs even when tactusd runs
	std::vector<std::string> rulesDirs;
	std::string root;
};

/** Text that came from the daemon (and so perhaps from a device): escaped again, as the daemon should have. */
std::string safeText(std::string_view s, size_t maxBytes = 256);

/**
 * Print "tactusctl: MESSAGE (ERROR NAME)" for a failed call and return
 * kExitFailure, or "tactusd is not running" when the name has no owner and
 * return kExitNotRunning.
 */
int reportCallError(const SdBusError &error, int r, const char *what);

/**
 * Connect to the system bus ($DBUS_SYSTEM_BUS_ADDRESS if set). With
 * @p quiet, say nothing on failure (the `devices` fallback explains itself).
 */
int connectSystemBus(SdBusConnectionPtr &bus, bool quiet = false);

/** 1 if org.tactus.Tactus1 has an owner, 0 if not, negative on a bus failure. */
int daemonRunning(sd_bus *bus);

/**
 * Connect and make sure tactusd is there; kExitOk, kExitNotRunning (no bus,
 * or no owner of org.tactus.Tactus1) or kExitFailure, reported.
 */
int connectToDaemon(SdBusConnectionPtr &bus);

/** The daemon's summary: org.tactus.Manager1 properties. */
struct ManagerView {
	std::string version;
	std::string mode;
	bool logindAvailable = false;
};

/** One org.tactus.Session1 object. */
struct SessionView {
	std::string path;
	std::string id;
	uint32_t uid = 0;
	std::string userName;
	std::string seat;
	bool pseudo = false;
	bool active = false;
	bool locked = false;
	std::string verdict;
	double trust = 0.0;
	std::vector<std::string> reasons;
	std::string profileState;
	double enrollmentProgress = 0.0;
};

/** A possible creator of a uinput or uhid device. */
struct CreatorView {
	uint32_t pid = 0;
	uint32_t uid = 0;
	std::string exe;
	std::string comm;
	std::string unit;     ///< system unit
	std::string userUnit; ///< unit in a user's manager, "" if none
};

/** One org.tactus.Device1 object. */
struct DeviceView {
	std::string path;
	std::string sysname;
	std::string name;
	std::string syspath;
	std::string provenance;
	std::string provenanceDetail;
	std::vector<CreatorView> creators;
	std::vector<std::string> capabilities;
	std::string bus;
	uint16_t vendor = 0;
	uint16_t product = 0;
	std::string seat;
	bool allowed = true;
	bool grabbed = false;
	std::string grabReason;
};

/** Read the manager's properties; on failure the error is set. */
int getManager(sd_bus *bus, ManagerView &out, SdBusError &error);
/** Every session, in the daemon's order; sessions gone between list and read are skipped. */
int getSessions(sd_bus *bus, std::vector<SessionView> &out, SdBusError &error);
/** One session by object path. */
int getSession(sd_bus *bus, const std::string &path, SessionView &out, SdBusError &error);
/** Every device, in the daemon's order; devices gone between list and read are skipped. */
int getDevices(sd_bus *bus, std::vector<DeviceView> &out, SdBusError &error);

/** Object path of the caller's own session (GetSessionByPID(0)). */
int ownSessionPath(sd_bus *bus, std::string &path, SdBusError &error);

/**
 * Call a state-changing method with interactive authorization allowed (so a
 * polkit agent may ask for a password), unless @p options say not to; the
 * timeout leaves a human time to type.
 */
int callStateChange(sd_bus *bus, const Options &options, const std::string &path, const char *interface,
		    const char *method, SdBusError &error, const char *signature = nullptr, const char *arg = nullptr);

/** "a,b,c", or @p empty for an empty list. */
std::string joinList(const std::vector<std::string> &items, std::string_view empty = "-");
/** A JSON array of strings, each through safeText() and jsonQuote(). */
std::string jsonStringArray(const std::vector<std::string> &items);

/**
 * Walk an a{sv} of properties, calling @p read with each name, its
 * variant's signature and the message positioned inside the variant.
 * @p read returns 1 when it consumed the value, 0 to have it skipped.
 */
int forEachProperty(sd_bus_message *m,
		    const std::function<int(std::string_view name, const char *contents, sd_bus_message *m)> &read);

/** Read one variant's value into @p out if its signature is @p contents; 0 if the type did not fit (skipped). */
int readVariant(sd_bus_message *m, const char *contents, std::string &out);
int readVariant(sd_bus_message *m, const char *contents, bool &out);
int readVariant(sd_bus_message *m, const char *contents, double &out);
int readVariant(sd_bus_message *m, const char *contents, uint32_t &out);
int readVariant(sd_bus_message *m, const char *contents, uint16_t &out);
int readVariant(sd_bus_message *m, const char *contents, std::vector<std::string> &out);
int readVariant(sd_bus_message *m, const char *contents, std::vector<CreatorView> &out);

// The verbs; each returns the exit status.
int verbStatus(const Options &options);
int verbSessions(const Options &options);
int verbDevices(const Options &options);
int verbDevicesSysfs(const Options &options);
int verbMonitor(const Options &options);
int verbSessionAction(const Options &options, const std::string &verb, const std::string &session);
int verbSetMode(const Options &options, const std::string &mode);
int verbRelease(const Options &options, const std::string &sysname);

} // namespace tactus::ctl
