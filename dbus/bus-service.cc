// SPDX-License-Identifier: MIT
#include "bus-service.h"

#include "bus-objects.h"

#include <cstring>

namespace tactus {

BusService::BusService(sd_bus *bus, Daemon &daemon) : bus_(sd_bus_ref(bus)), daemon_(daemon), polkit_(bus) {}

// Pending polkit checks go first (their calls are cancelled), then the
// objects, then the reference to the connection.
BusService::~BusService() = default;

BusService &BusService::current(sd_bus_message *m)
{
	return fromUserdata(sd_bus_slot_get_userdata(sd_bus_get_current_slot(sd_bus_message_get_bus(m))));
}

Result<void> BusService::registerObjects()
{
	for (const BusImplementation *objects :
	     {&kManagerImplementation, &kSessionImplementation, &kDeviceImplementation}) {
		SdBusSlotPtr slot;
		int r = objects->find
				? sd_bus_add_fallback_vtable(bus_.get(), outPtr(slot), objects->path,
							     objects->interface, objects->vtable, objects->find, this)
				: sd_bus_add_object_vtable(bus_.get(), outPtr(slot), objects->path, objects->interface,
							   objects->vtable, this);
		if (r < 0)
			return makeError(r,
					 std::string("registering ") + objects->interface + ": " + std::strerror(-r));
		slots_.push_back(std::move(slot));
		if (!objects->enumerate)
			continue;
		r = sd_bus_add_node_enumerator(bus_.get(), outPtr(slot), objects->path, objects->enumerate, this);
		if (r < 0)
			return makeError(r, std::string("enumerating ") + objects->what + ": " + std::strerror(-r));
		slots_.push_back(std::move(slot));
	}
	SdBusSlotPtr slot;
	const int r = sd_bus_add_object_manager(bus_.get(), outPtr(slot), kManagerPath);
	if (r < 0)
		return makeError(r, std::string("object manager: ") + std::strerror(-r));
	slots_.push_back(std::move(slot));
	return {};
}

Result<void> BusService::requestName()
{
	const int r = sd_bus_request_name(bus_.get(), kBusName, 0);
	if (r < 0)
		return makeError(r, std::string("Failed to take the name ") + kBusName + ": " + std::strerror(-r));
	return {};
}

// Each object that comes or goes is announced twice: by the Manager1
// signal (tactusctl, busctl) and by the ObjectManager's InterfacesAdded or
// InterfacesRemoved (GDBus clients' object managers). An object is
// announced after the Daemon holds it and withdrawn before it lets go, since
// sd-bus looks it up to list its interfaces and properties.
void BusService::objectAdded(const std::string &path)
{
	checkEmitted(sd_bus_emit_object_added(bus_.get(), path.c_str()), "InterfacesAdded", path);
}

void BusService::objectRemoved(const std::string &path)
{
	checkEmitted(sd_bus_emit_object_removed(bus_.get(), path.c_str()), "InterfacesRemoved", path);
}

void BusService::sessionAdded(const SessionRecord &session)
{
	const std::string path = kSessions.path(session.info.id);
	emitObjectSignal(bus_.get(), "SessionNew", session.info.id, path);
	objectAdded(path);
}

void BusService::sessionChanged(const SessionRecord &session, bool verdictChanged)
{
	emitSessionChanged(bus_.get(), session, verdictChanged);
}

void BusService::sessionTrustChanged(const SessionRecord &session)
{
	emitSessionTrustChanged(bus_.get(), session);
}

void BusService::sessionRemoved(const SessionRecord &session)
{
	const std::string path = kSessions.path(session.info.id);
	emitObjectSignal(bus_.get(), "SessionRemoved", session.info.id, path);
	objectRemoved(path);
}

void BusService::deviceAdded(const DeviceRecord &device)
{
	const std::string path = kDevices.path(device.info.sysname);
	emitObjectSignal(bus_.get(), "DeviceNew", device.info.sysname, path);
	objectAdded(path);
}

void BusService::deviceRemoved(const DeviceRecord &device)
{
	const std::string path = kDevices.path(device.info.sysname);
	emitObjectSignal(bus_.get(), "DeviceRemoved", device.info.sysname, path);
	objectRemoved(path);
}

void BusService::deviceChanged(const DeviceRecord &device)
{
	emitDeviceChanged(bus_.get(), device);
}

void BusService::modeChanged(const std::string &)
{
	emitModeChanged(bus_.get());
}

} // namespace tactus
