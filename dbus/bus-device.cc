// SPDX-License-Identifier: MIT
// org.tactus.Device1: one object per input device, found by the lookup
// below; its getters and methods receive the DeviceRecord.

#include "bus-objects.h"
#include "bus-polkit.h"
#include "bus-service.h"
#include "bus-util.h"
#include "device-format.h"

#include <cstdint>

namespace tactus {

namespace {

constexpr const char *kActionReleaseDevice = "org.tactus.release-device";

// What names a device on the bus.
const std::string &sysnameOf(const DeviceRecord &d)
{
	return d.info.sysname;
}

std::vector<std::string> capabilityList(const Capabilities &caps)
{
	std::vector<std::string> out;
	const std::string joined = capabilitiesString(caps);
	if (joined == "none")
		return out;
	size_t start = 0;
	while (start <= joined.size()) {
		const size_t comma = joined.find(',', start);
		out.push_back(joined.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
		if (comma == std::string::npos)
			break;
		start = comma + 1;
	}
	return out;
}

int appendCreators(sd_bus_message *reply, const std::vector<CreatorProcess> &creators)
{
	int r = sd_bus_message_open_container(reply, 'a', "(uussss)");
	for (const auto &c : creators) {
		if (r < 0)
			break;
		r = sd_bus_message_append(reply, "(uussss)", static_cast<uint32_t>(c.pid), static_cast<uint32_t>(c.uid),
					  busString(c.exe, 1024).c_str(), busString(c.comm, 64).c_str(),
					  busString(c.unit).c_str(), busString(c.userUnit).c_str());
	}
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	return r;
}

BUS_PROPERTY_GETTER(deviceSysName, const DeviceRecord, d,
		    sd_bus_message_append(reply, "s", busString(d.info.sysname).c_str()))
BUS_PROPERTY_GETTER(deviceName, const DeviceRecord, d,
		    sd_bus_message_append(reply, "s", busString(d.info.name).c_str()))
BUS_PROPERTY_GETTER(deviceSysPath, const DeviceRecord, d,
		    sd_bus_message_append(reply, "s", busString(d.info.syspath, 1024).c_str()))
BUS_PROPERTY_GETTER(deviceProvenance, const DeviceRecord, d,
		    sd_bus_message_append(reply, "s", std::string(provenanceName(d.info.provenance)).c_str()))
BUS_PROPERTY_GETTER(deviceProvenanceDetail, const DeviceRecord, d,
		    sd_bus_message_append(reply, "s", busString(d.info.provenanceDetail).c_str()))
BUS_PROPERTY_GETTER(deviceCreators, const DeviceRecord, d, appendCreators(reply, d.info.creators))
BUS_PROPERTY_GETTER(deviceCapabilities, const DeviceRecord, d, appendStrv(reply, capabilityList(d.info.caps)))
BUS_PROPERTY_GETTER(deviceBus, const DeviceRecord, d,
		    sd_bus_message_append(reply, "s", busName(d.info.bustype).c_str()))
BUS_PROPERTY_GETTER(deviceVendor, const DeviceRecord, d, sd_bus_message_append(reply, "q", d.info.vendor))
BUS_PROPERTY_GETTER(deviceProduct, const DeviceRecord, d, sd_bus_message_append(reply, "q", d.info.product))
BUS_PROPERTY_GETTER(deviceSeat, const DeviceRecord, d,
		    sd_bus_message_append(reply, "s", busString(d.info.seat).c_str()))
BUS_PROPERTY_GETTER(deviceAllowed, const DeviceRecord, d, sd_bus_message_append(reply, "b", d.allowed))
BUS_PROPERTY_GETTER(deviceGrabbed, const DeviceRecord, d, sd_bus_message_append(reply, "b", d.grabbed))
BUS_PROPERTY_GETTER(deviceGrabReason, const DeviceRecord, d, sd_bus_message_append(reply, "s", d.grabReason.c_str()))

int methodRelease(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, "Device1.Release", [&] {
		const DeviceRecord &d = *static_cast<const DeviceRecord *>(userdata);
		if (!d.grabbed)
			return sd_bus_error_setf(error, kErrorNotGrabbed, "Device %s is not grabbed",
						 busString(d.info.sysname, 32).c_str());
		BusService *s = &BusService::current(m);
		const std::string sysname = d.info.sysname;
		return s->polkit().authorize(m, kActionReleaseDevice,
					     [s, sysname] { return s->daemon().releaseDevice(sysname); });
	});
}

const sd_bus_vtable kDeviceVtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("SysName", "s", deviceSysName, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Name", "s", deviceName, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("SysPath", "s", deviceSysPath, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Provenance", "s", deviceProvenance, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("ProvenanceDetail", "s", deviceProvenanceDetail, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Creators", "a(uussss)", deviceCreators, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Capabilities", "as", deviceCapabilities, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Bus", "s", deviceBus, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Vendor", "q", deviceVendor, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Product", "q", deviceProduct, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Seat", "s", deviceSeat, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Allowed", "b", deviceAllowed, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Grabbed", "b", deviceGrabbed, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("GrabReason", "s", deviceGrabReason, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_METHOD_WITH_ARGS("Release", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, methodRelease, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

} // namespace

void emitDeviceChanged(sd_bus *bus, const DeviceRecord &device)
{
	const std::string path = kDevices.path(device.info.sysname);
	checkEmitted(sd_bus_emit_properties_changed(bus, path.c_str(), kDevices.interface, "Allowed", "Grabbed",
						    "GrabReason", nullptr),
		     "PropertiesChanged", path);
}

// Getters and methods receive the device the lookup found.
const BusImplementation kDeviceImplementation =
	fallbackObjects<kDevices, &Daemon::findDevice, &Daemon::devices, sysnameOf>(kDeviceVtable, "devices");

} // namespace tactus
