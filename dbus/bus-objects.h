// SPDX-License-Identifier: MIT
#pragma once

// The three interfaces, one file each (as logind's logind-dbus.c,
// logind-session-dbus.c, ...): what bus-service.cc registers, and the
// signals each interface's file knows how to send.

#include "bus-service.h"
#include "bus-util.h"
#include "daemon.h"

#include <systemd/sd-bus.h>

#include <string>
#include <vector>

namespace tactus {

/**
 * One interface's objects as bus-service.cc registers them (logind's
 * BusObjectImplementation): one object at @p path, or, with @p find,
 * fallback objects below it; their methods and getters receive what
 * @p find returned.
 */
struct BusImplementation {
	const char *path; ///< the object, or the prefix of the fallback objects
	const char *interface;
	const sd_bus_vtable *vtable;
	sd_bus_object_find_t find = nullptr;          ///< the session or device a path names
	sd_bus_node_enumerator_t enumerate = nullptr; ///< every object's path, for `busctl tree`
	const char *what = nullptr;                   ///< "sessions", "devices": for errors
};

/**
 * A fallback vtable's find callback: the object the Daemon's @p Lookup
 * returns for the name a path of @p Family stands for (0: no such object).
 */
template<const BusObjectFamily &Family, auto Lookup>
int findObject(sd_bus *, const char *path, const char *, void *userdata, void **found, sd_bus_error *error)
{
	return guarded(error, Family.interface, [&] {
		const auto *object = (BusService::fromUserdata(userdata).daemon().*Lookup)(Family.name(path));
		if (!object)
			return 0;
		*found = const_cast<void *>(static_cast<const void *>(object));
		return 1;
	});
}

/** A node enumerator: the path in @p Family of each of the Daemon's @p Objects, named by @p NameOf. */
template<const BusObjectFamily &Family, auto Objects, auto NameOf>
int enumerateObjects(sd_bus *, const char *, void *userdata, char ***nodes, sd_bus_error *error)
{
	return guarded(error, Family.prefix, [&] {
		const auto &objects = (BusService::fromUserdata(userdata).daemon().*Objects)();
		std::vector<std::string> paths;
		paths.reserve(objects.size());
		for (const auto &[key, object] : objects)
			paths.push_back(Family.path(NameOf(object)));
		return nodeList(paths, nodes);
	});
}

/**
 * The objects of @p Family, served by @p vtable: found with the Daemon's
 * @p Lookup, listed from its @p Objects, each named by @p NameOf.
 */
template<const BusObjectFamily &Family, auto Lookup, auto Objects, auto NameOf>
constexpr BusImplementation fallbackObjects(const sd_bus_vtable *vtable, const char *what)
{
	return {Family.prefix,
		Family.interface,
		vtable,
		findObject<Family, Lookup>,
		enumerateObjects<Family, Objects, NameOf>,
		what};
}

// bus-manager.cc: org.tactus.Manager1 at /org/tactus/Tactus1.
extern const BusImplementation kManagerImplementation;
/** SessionNew, SessionRemoved, DeviceNew or DeviceRemoved for the object @p name at @p path. */
void emitObjectSignal(sd_bus *bus, const char *member, const std::string &name, const std::string &path);
/** PropertiesChanged for Mode. */
void emitModeChanged(sd_bus *bus);

// bus-session.cc: org.tactus.Session1, one object per session.
extern const BusImplementation kSessionImplementation;
/** PropertiesChanged (and VerdictChanged if @p verdictChanged) for @p session. */
void emitSessionChanged(sd_bus *bus, const SessionRecord &session, bool verdictChanged);
/** PropertiesChanged for Trust alone (the verdict did not change, so no VerdictChanged). */
void emitSessionTrustChanged(sd_bus *bus, const SessionRecord &session);

// bus-device.cc: org.tactus.Device1, one object per device.
extern const BusImplementation kDeviceImplementation;
/** PropertiesChanged for Allowed, Grabbed and GrabReason of @p device. */
void emitDeviceChanged(sd_bus *bus, const DeviceRecord &device);

} // namespace tactus
