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

inline constexpr const char *kBusName = "org.tactus.Tactus1";

inline constexpr const char *kManagerPath = "/org/tactus/Tactus1";
inline constexpr const char *kSessionPathPrefix = "/org/tactus/Tactus1/session";
inline constexpr const char *kDevicePathPrefix = "/org/tactus/Tactus1/device";

inline constexpr const char *kManagerInterface = "org.tactus.Manager1";
inline constexpr const char *kSessionInterface = "org.tactus.Session1";
inline constexpr const char *kDeviceInterface = "org.tactus.Device1";

inline constexpr const char *kErrorNotFound = "org.tactus.Error.NotFound";
inline constexpr const char *kErrorPermissionDenied = "org.tactus.Error.PermissionDenied";
inline constexpr const char *kErrorInvalidArgument = "org.tactus.Error.InvalidArgument";
inline constexpr const char *kErrorNotGrabbed = "org.tactus.Error.NotGrabbed";
inline constexpr const char *kErrorFailed = "org.tactus.Error.Failed";

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

/** The id that @p path names below @p prefix (sd_bus_path_decode(3)); "" if it names none. */
inline std::string busPathDecode(const char *path, const char *prefix)
{
	char *id = nullptr;
	if (!path || sd_bus_path_decode(path, prefix, &id) <= 0 || !id)
		return {};
	std::string out = id;
	std::free(id);
	return out;
}

/** Object path of session @p id. */
inline std::string sessionPath(const std::string &id)
{
	std::string path = busPathEncode(kSessionPathPrefix, id);
	return path.empty() ? std::string(kSessionPathPrefix) + "/_" : path;
}

/** Object path of device @p sysname. */
inline std::string devicePath(const std::string &sysname)
{
	std::string path = busPathEncode(kDevicePathPrefix, sysname);
	return path.empty() ? std::string(kDevicePathPrefix) + "/_" : path;
}

/** Session id from its object path ("" if the path is not a session's). */
inline std::string sessionIdFromPath(const char *path)
{
	return busPathDecode(path, kSessionPathPrefix);
}

/** Device sysname from its object path ("" if the path is not a device's). */
inline std::string deviceSysnameFromPath(const char *path)
{
	return busPathDecode(path, kDevicePathPrefix);
}

} // namespace tactus
