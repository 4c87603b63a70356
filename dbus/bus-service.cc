// SPDX-License-Identifier: MIT
#include "bus-service.h"

#include "config.h"
#include "device-format.h"
#include "log.h"
#include "util-strings.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

namespace tactus {

namespace {

constexpr const char *kErrorNotFound = "org.tactus.Error.NotFound";
constexpr const char *kErrorPermissionDenied = "org.tactus.Error.PermissionDenied";
constexpr const char *kErrorInvalidArgument = "org.tactus.Error.InvalidArgument";
constexpr const char *kErrorNotGrabbed = "org.tactus.Error.NotGrabbed";
constexpr const char *kErrorFailed = "org.tactus.Error.Failed";

constexpr const char *kActionAcknowledge = "org.tactus.acknowledge";
constexpr const char *kActionResetProfile = "org.tactus.reset-profile";
constexpr const char *kActionForgetProfile = "org.tactus.forget-profile";
constexpr const char *kActionSetMode = "org.tactus.set-mode";
constexpr const char *kActionReleaseDevice = "org.tactus.release-device";

// Everything that reaches a message is valid UTF-8 without control
// characters: device names are chosen by whoever made the device.
std::string busString(const std::string &s, size_t maxBytes = 256)
{
	return sanitizeForDisplay(s, maxBytes);
}

// No C++ exception may unwind through sd-bus's C frames.
template<typename F>
int guarded(sd_bus_error *error, F &&body)
{
	try {
		return body();
	} catch (const std::bad_alloc &) {
		return sd_bus_error_set(error, kErrorFailed, "Out of memory");
	} catch (...) {
		return sd_bus_error_set(error, kErrorFailed, "Internal error");
	}
}

BusService *self(void *userdata)
{
	return static_cast<BusService *>(userdata);
}

std::string decode(const char *path, const char *prefix)
{
	char *id = nullptr;
	if (!path || sd_bus_path_decode(path, prefix, &id) <= 0 || !id)
		return {};
	std::string out = id;
	std::free(id);
	return out;
}

const SessionRecord *sessionAt(BusService *s, const char *path)
{
	return s->daemon().findSession(decode(path, BusService::kSessionPrefix));
}

const DeviceRecord *deviceAt(BusService *s, const char *path)
{
	return s->daemon().findDevice(decode(path, BusService::kDevicePrefix));
}

int appendStrv(sd_bus_message *reply, const std::vector<std::string> &items)
{
	int r = sd_bus_message_open_container(reply, 'a', "s");
	for (const auto &item : items)
		if (r >= 0)
			r = sd_bus_message_append(reply, "s", busString(item).c_str());
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	return r;
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

// --- org.tactus.Manager1 -------------------------------------------------

int managerVersion(sd_bus *, const char *, const char *, const char *, sd_bus_message *reply, void *, sd_bus_error *)
{
	return sd_bus_message_append(reply, "s", TACTUS_VERSION);
}

int managerMode(sd_bus *, const char *, const char *, const char *, sd_bus_message *reply, void *userdata,
		sd_bus_error *)
{
	return sd_bus_message_append(reply, "s", self(userdata)->daemon().mode().c_str());
}

int managerLogind(sd_bus *, const char *, const char *, const char *, sd_bus_message *reply, void *userdata,
		  sd_bus_error *)
{
	return sd_bus_message_append(reply, "b", self(userdata)->daemon().logindAvailable());
}

int methodListSessions(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, [&] {
		sd_bus_message *reply = nullptr;
		int r = sd_bus_message_new_method_return(m, &reply);
		if (r < 0)
			return r;
		r = sd_bus_message_open_container(reply, 'a', "(sousss)");
		for (const auto &[id, s] : self(userdata)->daemon().sessions()) {
			if (r < 0)
				break;
			r = sd_bus_message_append(reply, "(sousss)", busString(id).c_str(),
						  BusService::sessionPath(id).c_str(), static_cast<uint32_t>(s.info.uid),
						  busString(s.info.userName).c_str(), busString(s.info.seat).c_str(),
						  std::string(verdictName(s.evidence.state().verdict)).c_str());
		}
		if (r >= 0)
			r = sd_bus_message_close_container(reply);
		if (r >= 0)
			r = sd_bus_send(nullptr, reply, nullptr);
		sd_bus_message_unref(reply);
		return r;
	});
}

int methodListDevices(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, [&] {
		sd_bus_message *reply = nullptr;
		int r = sd_bus_message_new_method_return(m, &reply);
		if (r < 0)
			return r;
		r = sd_bus_message_open_container(reply, 'a', "(soss)");
		for (const auto &[id, d] : self(userdata)->daemon().devices()) {
			if (r < 0)
				break;
			r = sd_bus_message_append(reply, "(soss)", busString(d.info.sysname).c_str(),
						  BusService::devicePath(d.info.sysname).c_str(),
						  std::string(provenanceName(d.info.provenance)).c_str(),
						  busString(d.info.name).c_str());
		}
		if (r >= 0)
			r = sd_bus_message_close_container(reply);
		if (r >= 0)
			r = sd_bus_send(nullptr, reply, nullptr);
		sd_bus_message_unref(reply);
		return r;
	});
}

int methodGetSession(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, [&] {
		const char *id = nullptr;
		int r = sd_bus_message_read(m, "s", &id);
		if (r < 0)
			return r;
		if (!self(userdata)->daemon().findSession(id))
			return sd_bus_error_setf(error, kErrorNotFound, "No session '%s'", busString(id, 64).c_str());
		return sd_bus_reply_method_return(m, "o", BusService::sessionPath(id).c_str());
	});
}

int methodGetSessionByPID(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, [&] {
		uint32_t pid = 0;
		int r = sd_bus_message_read(m, "u", &pid);
		if (r < 0)
			return r;
		if (pid == 0) {
			// The caller's own session: what a locker asks first.
			sd_bus_creds *creds = nullptr;
			r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_PID, &creds);
			if (r >= 0) {
				pid_t p = 0;
				r = sd_bus_creds_get_pid(creds, &p);
				pid = static_cast<uint32_t>(p);
			}
			sd_bus_creds_unref(creds);
			if (r < 0)
				return sd_bus_error_set(error, kErrorFailed, "Cannot tell the caller's process");
		}
		if (pid > static_cast<uint32_t>(INT32_MAX))
			return sd_bus_error_setf(error, kErrorInvalidArgument, "Invalid pid %u", pid);
		auto id = self(userdata)->daemon().sessionOfPid(static_cast<pid_t>(pid));
		if (!id)
			return sd_bus_error_set(error, kErrorNotFound, busString(id.error().message).c_str());
		return sd_bus_reply_method_return(m, "o", BusService::sessionPath(*id).c_str());
	});
}

int methodGetDevice(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, [&] {
		const char *sysname = nullptr;
		int r = sd_bus_message_read(m, "s", &sysname);
		if (r < 0)
			return r;
		if (!self(userdata)->daemon().findDevice(sysname))
			return sd_bus_error_setf(error, kErrorNotFound, "No device '%s'", busString(sysname, 64).c_str());
		return sd_bus_reply_method_return(m, "o", BusService::devicePath(sysname).c_str());
	});
}

int methodSetMode(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, [&] {
		const char *mode = nullptr;
		int r = sd_bus_message_read(m, "s", &mode);
		if (r < 0)
			return r;
		const std::string wanted = mode;
		if (wanted != "monitor" && wanted != "enforce")
			return sd_bus_error_setf(error, kErrorInvalidArgument,
						 "Mode must be 'monitor' or 'enforce', not '%s'", busString(wanted, 32).c_str());
		BusService *s = self(userdata);
		return s->authorize(m, kActionSetMode, [s, wanted] { return s->daemon().setMode(wanted); });
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

// --- org.tactus.Session1 -------------------------------------------------

#define SESSION_GETTER(fn, body)                                                                                   \
	int fn(sd_bus *, const char *path, const char *, const char *, sd_bus_message *reply, void *userdata,       \
	       sd_bus_error *error)                                                                                 \
	{                                                                                                           \
		const SessionRecord *s = sessionAt(self(userdata), path);                                           \
		if (!s)                                                                                             \
			return sd_bus_error_set(error, kErrorNotFound, "Session is gone");                          \
		return body;                                                                                        \
	}

SESSION_GETTER(sessionId, sd_bus_message_append(reply, "s", busString(s->info.id).c_str()))
SESSION_GETTER(sessionUser, sd_bus_message_append(reply, "u", static_cast<uint32_t>(s->info.uid)))
SESSION_GETTER(sessionUserName, sd_bus_message_append(reply, "s", busString(s->info.userName).c_str()))
SESSION_GETTER(sessionSeat, sd_bus_message_append(reply, "s", busString(s->info.seat).c_str()))
SESSION_GETTER(sessionPseudo, sd_bus_message_append(reply, "b", s->info.pseudo))
SESSION_GETTER(sessionActive, sd_bus_message_append(reply, "b", s->info.active))
SESSION_GETTER(sessionLocked, sd_bus_message_append(reply, "b", s->info.locked))
SESSION_GETTER(sessionVerdict,
	       sd_bus_message_append(reply, "s", std::string(verdictName(s->evidence.state().verdict)).c_str()))
SESSION_GETTER(sessionTrust, sd_bus_message_append(reply, "d", s->evidence.state().trust))
SESSION_GETTER(sessionReasons, appendStrv(reply, s->evidence.state().reasons))
SESSION_GETTER(sessionProfileState, sd_bus_message_append(reply, "s", s->profileState.c_str()))
SESSION_GETTER(sessionEnrollment, sd_bus_message_append(reply, "d", s->enrollmentProgress))

#undef SESSION_GETTER

// The session named by the message's path, or a NotFound error.
int sessionCall(sd_bus_message *m, void *userdata, sd_bus_error *error, const char *action,
		Result<void> (Daemon::*act)(const std::string &), bool ownUserOnly)
{
	return guarded(error, [&] {
		BusService *s = self(userdata);
		const SessionRecord *session = sessionAt(s, sd_bus_message_get_path(m));
		if (!session)
			return sd_bus_error_set(error, kErrorNotFound, "Session is gone");
		if (ownUserOnly) {
			// Acknowledging re-authentication is the session's own
			// user's (or root's) word; polkit then decides on top.
			sd_bus_creds *creds = nullptr;
			uid_t uid = 0;
			int r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds);
			if (r >= 0)
				r = sd_bus_creds_get_euid(creds, &uid);
			sd_bus_creds_unref(creds);
			if (r < 0)
				return sd_bus_error_set(error, kErrorPermissionDenied, "Cannot tell who is calling");
			if (uid != 0 && uid != session->info.uid)
				return sd_bus_error_set(error, kErrorPermissionDenied,
							"Only the session's own user may acknowledge re-authentication");
		}
		const std::string id = session->info.id;
		return s->authorize(m, action, [s, id, act] { return (s->daemon().*act)(id); });
	});
}

int methodAcknowledge(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return sessionCall(m, userdata, error, kActionAcknowledge, &Daemon::acknowledgeReauthentication, true);
}

int methodResetProfile(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return sessionCall(m, userdata, error, kActionResetProfile, &Daemon::resetProfile, false);
}

int methodForgetProfile(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return sessionCall(m, userdata, error, kActionForgetProfile, &Daemon::forgetProfile, false);
}

const sd_bus_vtable kSessionVtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Id", "s", sessionId, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("User", "u", sessionUser, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("UserName", "s", sessionUserName, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Seat", "s", sessionSeat, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Pseudo", "b", sessionPseudo, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Active", "b", sessionActive, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Locked", "b", sessionLocked, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Verdict", "s", sessionVerdict, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Trust", "d", sessionTrust, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Reasons", "as", sessionReasons, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("ProfileState", "s", sessionProfileState, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("EnrollmentProgress", "d", sessionEnrollment, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_SIGNAL_WITH_ARGS("VerdictChanged", SD_BUS_ARGS("s", verdict, "d", trust, "as", reasons), 0),
	SD_BUS_METHOD_WITH_ARGS("AcknowledgeReauthentication", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, methodAcknowledge,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ResetProfile", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, methodResetProfile,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ForgetProfile", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, methodForgetProfile,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

// --- org.tactus.Device1 --------------------------------------------------

#define DEVICE_GETTER(fn, body)                                                                                    \
	int fn(sd_bus *, const char *path, const char *, const char *, sd_bus_message *reply, void *userdata,       \
	       sd_bus_error *error)                                                                                 \
	{                                                                                                           \
		const DeviceRecord *d = deviceAt(self(userdata), path);                                             \
		if (!d)                                                                                             \
			return sd_bus_error_set(error, kErrorNotFound, "Device is gone");                           \
		return body;                                                                                        \
	}

DEVICE_GETTER(deviceSysName, sd_bus_message_append(reply, "s", busString(d->info.sysname).c_str()))
DEVICE_GETTER(deviceName, sd_bus_message_append(reply, "s", busString(d->info.name).c_str()))
DEVICE_GETTER(deviceSysPath, sd_bus_message_append(reply, "s", busString(d->info.syspath, 1024).c_str()))
DEVICE_GETTER(deviceProvenance,
	      sd_bus_message_append(reply, "s", std::string(provenanceName(d->info.provenance)).c_str()))
DEVICE_GETTER(deviceProvenanceDetail, sd_bus_message_append(reply, "s", busString(d->info.provenanceDetail).c_str()))
DEVICE_GETTER(deviceCapabilities, appendStrv(reply, capabilityList(d->info.caps)))
DEVICE_GETTER(deviceBus, sd_bus_message_append(reply, "s", busName(d->info.bustype).c_str()))
DEVICE_GETTER(deviceVendor, sd_bus_message_append(reply, "q", d->info.vendor))
DEVICE_GETTER(deviceProduct, sd_bus_message_append(reply, "q", d->info.product))
DEVICE_GETTER(deviceSeat, sd_bus_message_append(reply, "s", busString(d->info.seat).c_str()))
DEVICE_GETTER(deviceAllowed, sd_bus_message_append(reply, "b", d->allowed))
DEVICE_GETTER(deviceGrabbed, sd_bus_message_append(reply, "b", d->grabbed))
DEVICE_GETTER(deviceGrabReason, sd_bus_message_append(reply, "s", d->grabReason.c_str()))

#undef DEVICE_GETTER

int deviceCreators(sd_bus *, const char *path, const char *, const char *, sd_bus_message *reply, void *userdata,
		   sd_bus_error *error)
{
	const DeviceRecord *d = deviceAt(self(userdata), path);
	if (!d)
		return sd_bus_error_set(error, kErrorNotFound, "Device is gone");
	int r = sd_bus_message_open_container(reply, 'a', "(uusss)");
	for (const auto &c : d->info.creators) {
		if (r < 0)
			break;
		r = sd_bus_message_append(reply, "(uusss)", static_cast<uint32_t>(c.pid), static_cast<uint32_t>(c.uid),
					  busString(c.exe, 1024).c_str(), busString(c.comm, 64).c_str(),
					  busString(c.unit).c_str());
	}
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	return r;
}

int methodRelease(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, [&] {
		BusService *s = self(userdata);
		const DeviceRecord *d = deviceAt(s, sd_bus_message_get_path(m));
		if (!d)
			return sd_bus_error_set(error, kErrorNotFound, "Device is gone");
		if (!d->grabbed)
			return sd_bus_error_setf(error, kErrorNotGrabbed, "Device %s is not grabbed",
						 busString(d->info.sysname, 32).c_str());
		const std::string sysname = d->info.sysname;
		return s->authorize(m, kActionReleaseDevice, [s, sysname] { return s->daemon().releaseDevice(sysname); });
	});
}

const sd_bus_vtable kDeviceVtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("SysName", "s", deviceSysName, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Name", "s", deviceName, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("SysPath", "s", deviceSysPath, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Provenance", "s", deviceProvenance, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("ProvenanceDetail", "s", deviceProvenanceDetail, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Creators", "a(uusss)", deviceCreators, 0, SD_BUS_VTABLE_PROPERTY_CONST),
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

// --- object lookup -------------------------------------------------------

int findSession(sd_bus *, const char *path, const char *, void *userdata, void **found, sd_bus_error *)
{
	if (!sessionAt(self(userdata), path))
		return 0;
	*found = userdata;
	return 1;
}

int findDevice(sd_bus *, const char *path, const char *, void *userdata, void **found, sd_bus_error *)
{
	if (!deviceAt(self(userdata), path))
		return 0;
	*found = userdata;
	return 1;
}

int strvFrom(const std::vector<std::string> &paths, char ***nodes)
{
	char **strv = static_cast<char **>(std::calloc(paths.size() + 1, sizeof(char *)));
	if (!strv)
		return -ENOMEM;
	for (size_t i = 0; i < paths.size(); i++) {
		strv[i] = strdup(paths[i].c_str());
		if (!strv[i]) {
			for (size_t k = 0; k < i; k++)
				std::free(strv[k]);
			std::free(strv);
			return -ENOMEM;
		}
	}
	*nodes = strv;
	return 0;
}

int enumerateSessions(sd_bus *, const char *, void *userdata, char ***nodes, sd_bus_error *)
{
	std::vector<std::string> paths;
	for (const auto &[id, s] : self(userdata)->daemon().sessions())
		paths.push_back(BusService::sessionPath(id));
	return strvFrom(paths, nodes);
}

int enumerateDevices(sd_bus *, const char *, void *userdata, char ***nodes, sd_bus_error *)
{
	std::vector<std::string> paths;
	for (const auto &[id, d] : self(userdata)->daemon().devices())
		paths.push_back(BusService::devicePath(d.info.sysname));
	return strvFrom(paths, nodes);
}

} // namespace

int setBusError(sd_bus_error *error, const Error &e)
{
	const char *name = kErrorFailed;
	switch (-e.errnum) {
	case ENOENT: case ENXIO: case ESRCH: case ENODATA: name = kErrorNotFound; break;
	case EINVAL: name = kErrorInvalidArgument; break;
	case EPERM: case EACCES: name = kErrorPermissionDenied; break;
	case EALREADY: name = kErrorNotGrabbed; break;
	default: break;
	}
	return sd_bus_error_set(error, name, busString(e.message, 512).c_str());
}

BusService::BusService(sd_bus *bus, Daemon &daemon) : bus_(sd_bus_ref(bus)), daemon_(daemon) {}

BusService::~BusService()
{
	for (auto &auth : pending_) {
		sd_bus_slot_unref(auth->slot);
		sd_bus_message_unref(auth->call);
	}
	for (sd_bus_slot *slot : slots_)
		sd_bus_slot_unref(slot);
	sd_bus_unref(bus_);
}

std::string BusService::sessionPath(const std::string &id)
{
	char *path = nullptr;
	if (sd_bus_path_encode(kSessionPrefix, id.c_str(), &path) < 0 || !path)
		return std::string(kSessionPrefix) + "/_";
	std::string out = path;
	std::free(path);
	return out;
}

std::string BusService::devicePath(const std::string &sysname)
{
	char *path = nullptr;
	if (sd_bus_path_encode(kDevicePrefix, sysname.c_str(), &path) < 0 || !path)
		return std::string(kDevicePrefix) + "/_";
	std::string out = path;
	std::free(path);
	return out;
}

Result<void> BusService::registerObjects()
{
	auto keep = [this](int r, sd_bus_slot *slot, const char *what) -> Result<void> {
		if (r < 0)
			return makeError(r, std::string(what) + ": " + std::strerror(-r));
		slots_.push_back(slot);
		return {};
	};
	sd_bus_slot *slot = nullptr;
	Result<void> r = keep(sd_bus_add_object_vtable(bus_, &slot, kManagerPath, "org.tactus.Manager1", kManagerVtable, this),
			      slot, "registering org.tactus.Manager1");
	if (r)
		r = keep(sd_bus_add_fallback_vtable(bus_, &slot, kSessionPrefix, "org.tactus.Session1", kSessionVtable,
						    findSession, this),
			 slot, "registering org.tactus.Session1");
	if (r)
		r = keep(sd_bus_add_node_enumerator(bus_, &slot, kSessionPrefix, enumerateSessions, this), slot,
			 "enumerating sessions");
	if (r)
		r = keep(sd_bus_add_fallback_vtable(bus_, &slot, kDevicePrefix, "org.tactus.Device1", kDeviceVtable,
						    findDevice, this),
			 slot, "registering org.tactus.Device1");
	if (r)
		r = keep(sd_bus_add_node_enumerator(bus_, &slot, kDevicePrefix, enumerateDevices, this), slot,
			 "enumerating devices");
	if (r)
		r = keep(sd_bus_add_object_manager(bus_, &slot, kManagerPath), slot, "object manager");
	return r;
}

Result<void> BusService::requestName()
{
	const int r = sd_bus_request_name(bus_, kBusName, 0);
	if (r < 0)
		return makeError(r, std::string("Failed to take the name ") + kBusName + ": " + std::strerror(-r));
	return {};
}

int BusService::authorize(sd_bus_message *call, const char *action, std::function<Result<void>()> onAllowed)
{
	const char *sender = sd_bus_message_get_sender(call);
	auto auth = std::make_unique<PendingAuth>(PendingAuth{this, sd_bus_message_ref(call), action, std::move(onAllowed)});

	sd_bus_message *request = nullptr;
	int r = sd_bus_message_new_method_call(bus_, &request, "org.freedesktop.PolicyKit1",
					       "/org/freedesktop/PolicyKit1/Authority",
					       "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
	const uint32_t flags = sd_bus_message_get_allow_interactive_authorization(call) > 0 ? 1u : 0u;
	if (r >= 0)
		r = sd_bus_message_append(request, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s",
					  sender ? sender : "", action, 0, flags, "");
	if (r >= 0)
		r = sd_bus_call_async(bus_, &auth->slot, request, onPolkitReply, auth.get(), 0);
	sd_bus_message_unref(request);
	if (r < 0) {
		sd_bus_message_unref(auth->call);
		return sd_bus_reply_method_errorf(call, kErrorFailed, "Cannot ask polkit: %s", std::strerror(-r));
	}
	pending_.push_back(std::move(auth));
	return 1; // the reply comes later
}

int BusService::onPolkitReply(sd_bus_message *reply, void *userdata, sd_bus_error *)
{
	auto *auth = static_cast<PendingAuth *>(userdata);
	BusService *s = auth->self;
	if (sd_bus_message_is_method_error(reply, nullptr)) {
		const sd_bus_error *e = sd_bus_message_get_error(reply);
		s->finishAuth(auth, false, std::string("polkit is not available (") + (e && e->name ? e->name : "?") + ")");
		return 0;
	}
	int authorized = 0, challenge = 0;
	int r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
	if (r >= 0)
		r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
	if (r < 0) {
		s->finishAuth(auth, false, "polkit sent a malformed answer");
		return 0;
	}
	s->finishAuth(auth, authorized != 0,
		      challenge ? "authentication is required (try again with interactive authorization)" : "not authorized");
	return 0;
}

void BusService::finishAuth(PendingAuth *auth, bool allowed, const std::string &why)
{
	sd_bus_message *call = auth->call;
	if (allowed) {
		Result<void> r = Result<void>();
		try {
			r = auth->onAllowed();
		} catch (...) {
			r = makeError(-ENOMEM, "internal error");
		}
		if (r) {
			sd_bus_reply_method_return(call, "");
		} else {
			sd_bus_error error = SD_BUS_ERROR_NULL;
			setBusError(&error, r.error());
			sd_bus_reply_method_error(call, &error);
			sd_bus_error_free(&error);
		}
	} else {
		log_notice("denied %s to %s: %s", auth->action.c_str(),
			   sanitizeForDisplay(sd_bus_message_get_sender(call) ? sd_bus_message_get_sender(call) : "?", 64).c_str(),
			   why.c_str());
		sd_bus_reply_method_errorf(call, kErrorPermissionDenied, "%s: %s", auth->action.c_str(), why.c_str());
	}
	sd_bus_message_unref(call);
	sd_bus_slot_unref(auth->slot);
	pending_.remove_if([auth](const std::unique_ptr<PendingAuth> &p) { return p.get() == auth; });
}

void BusService::sessionAdded(const SessionRecord &session)
{
	const std::string path = sessionPath(session.info.id);
	sd_bus_emit_signal(bus_, kManagerPath, "org.tactus.Manager1", "SessionNew", "so",
			   busString(session.info.id).c_str(), path.c_str());
}

void BusService::sessionChanged(const SessionRecord &session, bool verdictChanged)
{
	const std::string path = sessionPath(session.info.id);
	if (!verdictChanged) {
		sd_bus_emit_properties_changed(bus_, path.c_str(), "org.tactus.Session1", "Active", "Locked",
					       "ProfileState", "EnrollmentProgress", nullptr);
		return;
	}
	sd_bus_emit_properties_changed(bus_, path.c_str(), "org.tactus.Session1", "Verdict", "Trust", "Reasons",
				       nullptr);
	sd_bus_message *signal = nullptr;
	const VerdictState &v = session.evidence.state();
	int r = sd_bus_message_new_signal(bus_, &signal, path.c_str(), "org.tactus.Session1", "VerdictChanged");
	if (r >= 0)
		r = sd_bus_message_append(signal, "sd", std::string(verdictName(v.verdict)).c_str(), v.trust);
	if (r >= 0)
		r = appendStrv(signal, v.reasons);
	if (r >= 0)
		sd_bus_send(bus_, signal, nullptr);
	sd_bus_message_unref(signal);
}

void BusService::sessionRemoved(const SessionRecord &session)
{
	const std::string path = sessionPath(session.info.id);
	sd_bus_emit_signal(bus_, kManagerPath, "org.tactus.Manager1", "SessionRemoved", "so",
			   busString(session.info.id).c_str(), path.c_str());
}

void BusService::deviceAdded(const DeviceRecord &device)
{
	const std::string path = devicePath(device.info.sysname);
	sd_bus_emit_signal(bus_, kManagerPath, "org.tactus.Manager1", "DeviceNew", "so",
			   busString(device.info.sysname).c_str(), path.c_str());
}

void BusService::deviceRemoved(const DeviceRecord &device)
{
	const std::string path = devicePath(device.info.sysname);
	sd_bus_emit_signal(bus_, kManagerPath, "org.tactus.Manager1", "DeviceRemoved", "so",
			   busString(device.info.sysname).c_str(), path.c_str());
}

void BusService::deviceChanged(const DeviceRecord &device)
{
	const std::string path = devicePath(device.info.sysname);
	sd_bus_emit_properties_changed(bus_, path.c_str(), "org.tactus.Device1", "Allowed", "Grabbed", "GrabReason",
				       nullptr);
}

void BusService::modeChanged(const std::string &)
{
	sd_bus_emit_properties_changed(bus_, kManagerPath, "org.tactus.Manager1", "Mode", nullptr);
}

} // namespace tactus
