// SPDX-License-Identifier: MIT
#pragma once

// org.tactus.Tactus1's names and object paths, as dbus/org.tactus.Tactus1.xml
// defines them: the one copy tactusd, tactusctl and the tests use. Header
// only and alone in its folder (meson: dep_tactus_bus), so a client gets
// these and libsystemd, nothing of the daemon.

#include <systemd/sd-bus.h>

#include <cstdlib>
#include <string>

namespace tactus {

/** @p prefix + "/" + @p id with @p id escaped as sd_bus_path_encode(3) does; "" if out of memory. */
inline std::string busPathEncode(const char *prefix, const std::string &id)
{
	char *path = nullptr;
	if (sd_bus_path_encode(prefix, id.c_str(), &path) < 0 || !path)
		return {};
	std::string out = path;
	std::free(path);
	return out;
}

/**
 * The id that @p path names below @p prefix (sd_bus_path_decode(3)); "" if
 * it names none. Only the canonical path names an object: sd_bus_path_decode
 * also takes "session/1" for "session/_31", and a client that read
 * properties there would never see the object's signals, which are sent on
 * the one path busPathEncode() gives.
 */
inline std::string busPathDecode(const char *path, const char *prefix)
{
	char *id = nullptr;
	if (!path || sd_bus_path_decode(path, prefix, &id) <= 0 || !id)
		return {};
	std::string out = id;
	std::free(id);
	if (busPathEncode(prefix, out) != path)
		return {};
	return out;
}

/**
 * The objects of one interface: one per name (a session id, a device
 * sysname) below one path prefix, the name escaped as sd_bus_path_encode(3)
 * does.
 */
struct BusObjectFamily {
	const char *prefix;
	const char *interface;

	/** The object path of @p name ("PREFIX/_" if out of memory). */
	std::string path(const std::string &name) const
	{
		std::string out = busPathEncode(prefix, name);
		return out.empty() ? std::string(prefix) + "/_" : out;
	}
	/** The name @p objectPath stands for; "" if it is not one of these objects. */
	std::string name(const char *objectPath) const { return busPathDecode(objectPath, prefix); }
};

// The daemon: its well-known name, and org.tactus.Manager1 on its one
// fixed object.
inline constexpr const char *kBusName = "org.tactus.Tactus1";
inline constexpr const char *kManagerPath = "/org/tactus/Tactus1";
inline constexpr const char *kManagerInterface = "org.tactus.Manager1";

/** org.tactus.Session1: one object per session, named by its id. */
inline constexpr BusObjectFamily kSessions = {"/org/tactus/Tactus1/session", "org.tactus.Session1"};
/** org.tactus.Device1: one object per input device, named by its sysname. */
inline constexpr BusObjectFamily kDevices = {"/org/tactus/Tactus1/device", "org.tactus.Device1"};

// The errors every method may reply with.
inline constexpr const char *kErrorNotFound = "org.tactus.Error.NotFound";
inline constexpr const char *kErrorPermissionDenied = "org.tactus.Error.PermissionDenied";
inline constexpr const char *kErrorInvalidArgument = "org.tactus.Error.InvalidArgument";
inline constexpr const char *kErrorNotGrabbed = "org.tactus.Error.NotGrabbed";
inline constexpr const char *kErrorFailed = "org.tactus.Error.Failed";

} // namespace tactus
