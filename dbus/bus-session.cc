// SPDX-License-Identifier: MIT
// org.tactus.Session1: one object per session, found by the lookup below;
// its getters and methods receive the SessionRecord.

#include "bus-objects.h"
#include "bus-polkit.h"
#include "bus-service.h"
#include "bus-util.h"
#include "sd-ptr.h"
#include "session-input.h"

#include <cstdint>

namespace tactus {

namespace {

constexpr const char *kActionAcknowledge = "org.tactus.acknowledge";
constexpr const char *kActionResetProfile = "org.tactus.reset-profile";
constexpr const char *kActionForgetProfile = "org.tactus.forget-profile";

// What names a session on the bus.
const std::string &idOf(const SessionRecord &s)
{
	return s.info.id;
}

BUS_PROPERTY_GETTER(sessionId, const SessionRecord, s, sd_bus_message_append(reply, "s", busString(s.info.id).c_str()))
BUS_PROPERTY_GETTER(sessionUser, const SessionRecord, s,
		    sd_bus_message_append(reply, "u", static_cast<uint32_t>(s.info.uid)))
BUS_PROPERTY_GETTER(sessionUserName, const SessionRecord, s,
		    sd_bus_message_append(reply, "s", busString(s.info.userName).c_str()))
BUS_PROPERTY_GETTER(sessionSeat, const SessionRecord, s,
		    sd_bus_message_append(reply, "s", busString(s.info.seat).c_str()))
BUS_PROPERTY_GETTER(sessionPseudo, const SessionRecord, s, sd_bus_message_append(reply, "b", s.info.pseudo))
BUS_PROPERTY_GETTER(sessionActive, const SessionRecord, s, sd_bus_message_append(reply, "b", s.info.active))
BUS_PROPERTY_GETTER(sessionLocked, const SessionRecord, s, sd_bus_message_append(reply, "b", s.info.locked))
BUS_PROPERTY_GETTER(sessionVerdict, const SessionRecord, s,
		    sd_bus_message_append(reply, "s", std::string(verdictName(s.evidence.state().verdict)).c_str()))
BUS_PROPERTY_GETTER(sessionTrust, const SessionRecord, s, sd_bus_message_append(reply, "d", s.evidence.state().trust))
BUS_PROPERTY_GETTER(sessionReasons, const SessionRecord, s, appendStrv(reply, s.evidence.state().reasons))
BUS_PROPERTY_GETTER(sessionProfileState, const SessionRecord, s,
		    sd_bus_message_append(reply, "s", s.profileState.c_str()))
BUS_PROPERTY_GETTER(sessionEnrollment, const SessionRecord, s, sd_bus_message_append(reply, "d", s.enrollmentProgress))

// A state change of the session the lookup found, once polkit allows @p action.
int sessionCall(sd_bus_message *m, void *userdata, sd_bus_error *error, const char *action,
		Result<void> (Daemon::*act)(const std::string &), bool ownUserOnly)
{
	return guarded(error, action, [&] {
		const SessionRecord &session = *static_cast<const SessionRecord *>(userdata);
		if (ownUserOnly) {
			// Acknowledging re-authentication is the session's own
			// user's (or root's) word; polkit then decides on top.
			SdBusCredsPtr creds;
			uid_t uid = 0;
			int r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, outPtr(creds));
			if (r >= 0)
				r = sd_bus_creds_get_euid(creds.get(), &uid);
			if (r < 0)
				return sd_bus_error_set(error, kErrorPermissionDenied, "Cannot tell who is calling");
			if (uid != 0 && uid != session.info.uid)
				return sd_bus_error_set(
					error, kErrorPermissionDenied,
					"Only the session's own user may acknowledge re-authentication");
		}
		BusService *s = &BusService::current(m);
		const std::string id = session.info.id;
		return s->polkit().authorize(m, action, [s, id, act] { return (s->daemon().*act)(id); });
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

// Only the session's own agent may report into it: the caller's uid is the
// session's user and the caller's process belongs to this very session (or,
// as a user unit, to the user's manager while this is the user's display
// session), as the bus daemon and logind tell it, never as the report claims.
int methodReportSessionInput(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return guarded(error, "ReportSessionInput", [&] {
		const SessionRecord &session = *static_cast<const SessionRecord *>(userdata);
		SessionInputReport report;
		const char *source = nullptr;
		const char *device = nullptr;
		const char *client = nullptr;
		int r = sd_bus_message_read(m, "ssstuuuttt", &source, &device, &client, &report.windowUsec,
					    &report.keyPresses, &report.buttonPresses, &report.motionEvents,
					    &report.activeUsec, &report.medianIntervalUsec, &report.minIntervalUsec);
		if (r < 0)
			return r;
		SdBusCredsPtr creds;
		uid_t uid = 0;
		pid_t pid = 0;
		r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID, outPtr(creds));
		if (r >= 0)
			r = sd_bus_creds_get_euid(creds.get(), &uid);
		if (r >= 0)
			r = sd_bus_creds_get_pid(creds.get(), &pid);
		if (r < 0)
			return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED, "Cannot tell who is calling");
		if (uid != session.info.uid)
			return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED,
						"Only the session's own user may report its input");
		BusService &s = BusService::current(m);
		const auto callerSession = s.daemon().agentSessionOfPid(pid, uid);
		if (!callerSession || *callerSession != session.info.id)
			return sd_bus_error_set(error, SD_BUS_ERROR_ACCESS_DENIED,
						"Only a process of the session itself may report its input");
		const auto kind = sessionInputSourceFromName(source);
		if (!kind)
			return sd_bus_error_setf(error, kErrorInvalidArgument,
						 "Unknown source '%s': xtest, virtual-device, evdev or unobservable",
						 busString(source, 64).c_str());
		report.source = *kind;
		report.device = device;
		report.client = client;
		if (auto valid = report.validate(); !valid)
			return setBusError(error, valid.error());
		if (auto done = s.daemon().reportSessionInput(session.info.id, report); !done)
			return setBusError(error, done.error());
		return sd_bus_reply_method_return(m, nullptr);
	});
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
	SD_BUS_METHOD_WITH_ARGS("ReportSessionInput",
				SD_BUS_ARGS("s", source, "s", device, "s", client, "t", window_us, "u", key_presses,
					    "u", button_presses, "u", motion_events, "t", active_us, "t",
					    median_interval_us, "t", min_interval_us),
				SD_BUS_NO_RESULT, methodReportSessionInput, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

} // namespace

void emitSessionChanged(sd_bus *bus, const SessionRecord &session, bool verdictChanged)
{
	const std::string path = kSessions.path(session.info.id);
	if (!verdictChanged) {
		checkEmitted(sd_bus_emit_properties_changed(bus, path.c_str(), kSessions.interface, "Active", "Locked",
							    "ProfileState", "EnrollmentProgress", nullptr),
			     "PropertiesChanged", path);
		return;
	}
	checkEmitted(sd_bus_emit_properties_changed(bus, path.c_str(), kSessions.interface, "Verdict", "Trust",
						    "Reasons", nullptr),
		     "PropertiesChanged", path);
	SdBusMessagePtr signal;
	const VerdictState &v = session.evidence.state();
	int r = sd_bus_message_new_signal(bus, outPtr(signal), path.c_str(), kSessions.interface, "VerdictChanged");
	if (r >= 0)
		r = sd_bus_message_append(signal.get(), "sd", std::string(verdictName(v.verdict)).c_str(), v.trust);
	if (r >= 0)
		r = appendStrv(signal.get(), v.reasons);
	if (r >= 0)
		r = sd_bus_send(bus, signal.get(), nullptr);
	checkEmitted(r, "VerdictChanged", path);
}

void emitSessionTrustChanged(sd_bus *bus, const SessionRecord &session)
{
	const std::string path = kSessions.path(session.info.id);
	checkEmitted(sd_bus_emit_properties_changed(bus, path.c_str(), kSessions.interface, "Trust", nullptr),
		     "PropertiesChanged", path);
}

// Getters and methods receive the session the lookup found.
const BusImplementation kSessionImplementation =
	fallbackObjects<kSessions, &Daemon::findSession, &Daemon::sessions, idOf>(kSessionVtable, "sessions");

} // namespace tactus
