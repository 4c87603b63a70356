// SPDX-License-Identifier: MIT
#pragma once

// The three interfaces, one file each (as logind's logind-dbus.c,
// logind-session-dbus.c, ...): what bus-service.cc registers, and the
// signals each interface's file knows how to send.

#include "daemon.h"

#include <systemd/sd-bus.h>

#include <string>

namespace tactus {

/**
 * One interface's objects as bus-service.cc registers them (logind's
 * BusObjectImplementation): one object at @p path, or, with @p find,
 * fallback objects below it; their methods and getters receive what
 * @p find returned.
 */
struct BusObjects {
	const char *path; ///< the object, or the prefix of the fallback objects
	const char *interface;
	const sd_bus_vtable *vtable;
	sd_bus_object_find_t find = nullptr;          ///< the session or device a path names
	sd_bus_node_enumerator_t enumerate = nullptr; ///< every object's path, for `busctl tree`
	const char *what = nullptr;                   ///< "sessions", "devices": for errors
};

// bus-manager.cc: org.tactus.Manager1 at /org/tactus/Tactus1.
extern const BusObjects kManagerObject;
/** SessionNew, SessionRemoved, DeviceNew or DeviceRemoved for the object @p name at @p path. */
void emitObjectSignal(sd_bus *bus, const char *member, const std::string &name, const std::string &path);
/** PropertiesChanged for Mode. */
void emitModeChanged(sd_bus *bus);

// bus-session.cc: org.tactus.Session1, one object per session.
extern const BusObjects kSessionObjects;
/** PropertiesChanged (and VerdictChanged if @p verdictChanged) for @p session. */
void emitSessionChanged(sd_bus *bus, const SessionRecord &session, bool verdictChanged);

// bus-device.cc: org.tactus.Device1, one object per device.
extern const BusObjects kDeviceObjects;
/** PropertiesChanged for Allowed, Grabbed and GrabReason of @p device. */
void emitDeviceChanged(sd_bus *bus, const DeviceRecord &device);

} // namespace tactus
