// SPDX-License-Identifier: MIT
// org.tactus.Manager1: the daemon's summary, the lists, lookups by name and
// pid, and the mode.

#include "bus-objects.h"
#include "bus-polkit.h"
#include "bus-service.h"
#include "bus-util.h"
#include "config.h"
#include "sd-ptr.h"

#include <cstdint>
#include <functional>
#include <string>

namespace tactus {

namespace {

constexpr const char *kActionSetMode = "org.tactus.set-mode";

BUS_PROPERTY_GETTER(managerVersion, BusService, s, sd_bus_message_append(reply, "s", TACTUS_VERSION))
BUS_PROPERTY_GETTER(managerMode, BusService, s, sd_bus_message_append(reply, "s", s.daemon().mode().c_str()))
BUS_PROPERTY_GETTER(managerLogind, BusService, s, sd_bus_message_append(reply, "b", s.daemon().logindAvailable()))

// Reply with an array of @p entry, one appended by @p append per item of @p items.
template<typename Items, typename Append>
int replyList(sd_bus_message *m, const char *entry, const Items &items, Append &&append)
{
	SdBusMessagePtr reply;
	int r = sd_bus_message_new_method_return(m, outPtr(reply));
	if (r < 0)
		return r;
	r = sd_bus_message_open_container(reply.get(), 'a', entry);
	for (const auto &[key, item] : items) {
		if (r < 0)
			break;
		r = append(reply.get(), key, item);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(reply.get());
	if (r >= 0)
		r = sd_bus_send(nullptr, reply.get(), nullptr);
	return r;
}

int methodListSessions(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, "Manager1.ListSessions", [&] {
		return replyList(m, "(sousss)", BusService::fromUserdata(userdata).daemon().sessions(),
				 [](sd_bus_message *reply, const std::string &id, const SessionRecord &s) {
					 return sd_bus_message_append(
						 reply, "(sousss)", busString(id).c_str(), kSessions.path(id).c_str(),
						 static_cast<uint32_t>(s.info.uid), busString(s.info.userName).c_str(),
						 busString(s.info.seat).c_str(),
						 std::string(verdictName(s.evidence.state().verdict)).c_str());
				 });
	});
}

int methodListDevices(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, "Manager1.ListDevices", [&] {
		return replyList(m, "(soss)", BusService::fromUserdata(userdata).daemon().devices(),
				 [](sd_bus_message *reply, DeviceId, const DeviceRecord &d) {
					 return sd_bus_message_append(
						 reply, "(soss)", busString(d.info.sysname).c_str(),
						 kDevices.path(d.info.sysname).c_str(),
						 std::string(provenanceName(d.info.provenance)).c_str(),
						 busString(d.info.name).c_str());
				 });
	});
}

// GetSession, GetDevice: the path of the @p kind of object the call's one
// argument names, if @p exists, or NotFound.
int replyObjectPath(sd_bus_message *m, sd_bus_error *error, const char *kind,
		    bool (*exists)(const Daemon &, const std::string &), const BusObjectFamily &family, void *userdata)
{
	return guarded(error, kind, [&] {
		const char *name = nullptr;
		int r = sd_bus_message_read(m, "s", &name);
		if (r < 0)
			return r;
		if (!exists(BusService::fromUserdata(userdata).daemon(), name))
			return sd_bus_error_setf(error, kErrorNotFound, "No %s '%s'", kind,
						 busString(name, 64).c_str());
		return sd_bus_reply_method_return(m, "o", family.path(name).c_str());
	});
}

int methodGetSession(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return replyObjectPath(
		m, error, "session",
		[](const Daemon &daemon, const std::string &id) { return daemon.findSession(id) != nullptr; },
		kSessions, userdata);
}

int methodGetSessionByPID(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, "Manager1.GetSessionByPID", [&] {
		uint32_t pid = 0;
		int r = sd_bus_message_read(m, "u", &pid);
		if (r < 0)
			return r;
		if (pid == 0) {
			// The caller's own session: what a locker asks first.
			SdBusCredsPtr creds;
			r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_PID, outPtr(creds));
			if (r >= 0) {
				pid_t p = 0;
				r = sd_bus_creds_get_pid(creds.get(), &p);
				pid = static_cast<uint32_t>(p);
			}
			if (r < 0)
				return sd_bus_error_set(error, kErrorFailed, "Cannot tell the caller's process");
		}
		if (pid > static_cast<uint32_t>(INT32_MAX))
			return sd_bus_error_setf(error, kErrorInvalidArgument, "Invalid pid %u", pid);
		auto id = BusService::fromUserdata(userdata).daemon().sessionOfPid(static_cast<pid_t>(pid));
		if (!id)
			return sd_bus_error_set(error, kErrorNotFound, busString(id.error().message).c_str());
		return sd_bus_reply_method_return(m, "o", kSessions.path(*id).c_str());
	});
}

int methodGetDevice(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return replyObjectPath(
		m, error, "device",
		[](const Daemon &daemon, const std::string &sysname) { return daemon.findDevice(sysname) != nullptr; },
		kDevices, userdata);
}

int methodSetMode(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, "Manager1.SetMode", [&] {
		const char *mode = nullptr;
		int r = sd_bus_message_read(m, "s", &mode);
		if (r < 0)
			return r;
		const std::string wanted = mode;
		if (wanted != "monitor" && wanted != "enforce")
			return sd_bus_error_setf(error, kErrorInvalidArgument,
						 "Mode must be 'monitor' or 'enforce', not '%s'",
						 busString(wanted, 32).c_str());
		BusService *s = &BusService::fromUserdata(userdata);
		return s->polkit().authorize(m, kActionSetMode, [s, wanted] { return s->daemon().setMode(wanted); });
	});
}

const sd_bus_vtable kManagerVtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Version", "s", managerVersion, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Mode", "s", managerMode, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("LogindAvailable", "b", managerLogind, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_METHOD_WITH_ARGS("ListSessions", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(sousss)", sessions),
				methodListSessions, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListDevices", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(soss)", devices), methodListDevices,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetSession", SD_BUS_ARGS("s", id), SD_BUS_RESULT("o", session), methodGetSession,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetSessionByPID", SD_BUS_ARGS("u", pid), SD_BUS_RESULT("o", session),
				methodGetSessionByPID, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetDevice", SD_BUS_ARGS("s", sysname), SD_BUS_RESULT("o", device), methodGetDevice,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SetMode", SD_BUS_ARGS("s", mode), SD_BUS_NO_RESULT, methodSetMode,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS("SessionNew", SD_BUS_ARGS("s", id, "o", session), 0),
	SD_BUS_SIGNAL_WITH_ARGS("SessionRemoved", SD_BUS_ARGS("s", id, "o", session), 0),
	SD_BUS_SIGNAL_WITH_ARGS("DeviceNew", SD_BUS_ARGS("s", sysname, "o", device), 0),
	SD_BUS_SIGNAL_WITH_ARGS("DeviceRemoved", SD_BUS_ARGS("s", sysname, "o", device), 0),
	SD_BUS_VTABLE_END,
};

} // namespace

const BusImplementation kManagerImplementation = {kManagerPath, kManagerInterface, kManagerVtable};

void emitObjectSignal(sd_bus *bus, const char *member, const std::string &name, const std::string &path)
{
	checkEmitted(sd_bus_emit_signal(bus, kManagerPath, kManagerInterface, member, "so", busString(name).c_str(),
					path.c_str()),
		     member, kManagerPath);
}

void emitModeChanged(sd_bus *bus)
{
	checkEmitted(sd_bus_emit_properties_changed(bus, kManagerPath, kManagerInterface, "Mode", nullptr),
		     "PropertiesChanged(Mode)", kManagerPath);
}

} // namespace tactus
