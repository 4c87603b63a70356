// SPDX-License-Identifier: MIT
#include "session-tracker.h"

#include "log.h"
#include "tactus-bus.h"

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <systemd/sd-login.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace tactus {

namespace {

constexpr const char *kLogindService = "org.freedesktop.login1";
constexpr const char *kLogindSessionPrefix = "/org/freedesktop/login1/session";
constexpr const char *kPseudoPrefix = "seat:";

std::string takeString(char *s)
{
	std::string out = s ? s : "";
	std::free(s);
	return out;
}

std::string userNameOf(uid_t uid)
{
	struct passwd pw;
	struct passwd *result = nullptr;
	std::vector<char> buf(4096);
	if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &result) == 0 && result)
		return pw.pw_name;
	return std::to_string(uid);
}

// logind runs if the system was booted with systemd and logind wrote its
// seat directory; in a container or on a plain host it does not.
bool detectLogind()
{
	return sd_booted() > 0 && access("/run/systemd/seats/", F_OK) == 0;
}

} // namespace

std::optional<std::string> sessionIdFromLogindPath(const std::string &path)
{
	std::string id = busPathDecode(path.c_str(), kLogindSessionPrefix);
	if (id.empty())
		return std::nullopt;
	return id;
}

void SessionLockState::follow(const std::string &id)
{
	entries_.try_emplace(id);
}

void SessionLockState::forget(const std::string &id)
{
	entries_.erase(id);
}

uint64_t SessionLockState::hintRequested(const std::string &)
{
	return ++sequence_;
}

void SessionLockState::setHint(Entry &e, bool hint, uint64_t version)
{
	// Real lockers answer Lock by setting LockedHint and clear it on
	// unlock; logind sends no Unlock then, so the hint going false ends
	// the Lock request too.
	if (e.hint && !hint)
		e.requested = false;
	e.hint = hint;
	e.hintVersion = version;
}

bool SessionLockState::hintReply(const std::string &id, uint64_t ticket, bool hint)
{
	auto it = entries_.find(id);
	// A value newer than the request (a signal, or a later request's
	// reply) is already held: this reply is older news.
	if (it == entries_.end() || it->second.hintVersion > ticket)
		return false;
	setHint(it->second, hint, ticket);
	return true;
}

bool SessionLockState::hintChanged(const std::string &id, bool hint)
{
	auto it = entries_.find(id);
	if (it == entries_.end())
		return false;
	setHint(it->second, hint, ++sequence_);
	return true;
}

bool SessionLockState::lockSignal(const std::string &id, bool lock)
{
	auto it = entries_.find(id);
	if (it == entries_.end())
		return false;
	it->second.requested = lock;
	return true;
}

bool SessionLockState::locked(const std::string &id) const
{
	auto it = entries_.find(id);
	return it != entries_.end() && (it->second.hint || it->second.requested);
}

SessionTracker::SessionTracker(sd_event *loop, sd_bus *bus, Callbacks callbacks)
    : loop_(loop), bus_(sd_bus_ref(bus)), callbacks_(std::move(callbacks))
{
}

// Pending calls are cancelled first, the connection reference dropped last.
SessionTracker::~SessionTracker() = default;

Result<std::unique_ptr<SessionTracker>> SessionTracker::create(sd_event *loop, sd_bus *systemBus, Callbacks callbacks,
							       bool useLogind)
{
	std::unique_ptr<SessionTracker> t(new SessionTracker(loop, systemBus, std::move(callbacks)));
	t->logind_ = useLogind && detectLogind();
	if (!t->logind_)
		return t;

	int r = sd_login_monitor_new(nullptr, outPtr(t->monitor_));
	if (r < 0)
		return makeError(r, std::string("sd_login_monitor_new: ") + std::strerror(-r));
	r = sd_event_add_io(loop, outPtr(t->monitorSource_), sd_login_monitor_get_fd(t->monitor_.get()),
			    static_cast<uint32_t>(sd_login_monitor_get_events(t->monitor_.get())), onLoginMonitor,
			    t.get());
	if (r < 0)
		return makeError(r, std::string("watching sd-login: ") + std::strerror(-r));
	sd_event_source_set_description(t->monitorSource_.get(), "sd-login");

	if (systemBus) {
		// One match for all of logind's session objects: Lock, Unlock and
		// PropertiesChanged (LockedHint, IdleHint).
		r = sd_bus_add_match(systemBus, outPtr(t->signalSlot_),
				     "type='signal',sender='org.freedesktop.login1',"
				     "path_namespace='/org/freedesktop/login1/session'",
				     onLogindSignal, t.get());
		if (r < 0)
			return makeError(r, std::string("matching logind signals: ") + std::strerror(-r));
	}
	return t;
}

Result<void> SessionTracker::start()
{
	if (logind_)
		refresh();
	return {};
}

int SessionTracker::onLoginMonitor(sd_event_source *, int, uint32_t, void *userdata)
{
	// A C callback: nothing may throw through it.
	return logGuarded("sd-login monitor", [&]() -> int {
		auto *self = static_cast<SessionTracker *>(userdata);
		sd_login_monitor_flush(self->monitor_.get());
		self->refresh();
		return 0;
	});
}

void SessionTracker::refresh()
{
	char **ids = nullptr;
	const int n = sd_get_sessions(&ids);
	std::map<std::string, SessionInfo> now;
	for (int i = 0; i < n && ids; i++) {
		const std::string id = ids[i];
		std::free(ids[i]);

		char *seat = nullptr;
		// Sessions without a seat (ssh, cron) have no input devices.
		if (sd_session_get_seat(id.c_str(), &seat) < 0 || !seat)
			continue;
		SessionInfo info;
		info.id = id;
		info.seat = takeString(seat);
		char *state = nullptr;
		if (sd_session_get_state(id.c_str(), &state) >= 0 && takeString(state) == "closing")
			continue;
		if (sd_session_get_uid(id.c_str(), &info.uid) < 0)
			continue;
		info.userName = userNameOf(info.uid);
		info.active = sd_session_is_active(id.c_str()) > 0;
		info.locked = lock_.locked(id);
		now.emplace(id, std::move(info));
	}
	std::free(ids);

	std::vector<SessionInfo> gone;
	for (const auto &[id, info] : sessions_)
		if (!info.pseudo && !now.count(id))
			gone.push_back(info);
	for (const auto &info : gone) {
		sessions_.erase(info.id);
		lock_.forget(info.id);
		cancelCalls(info.id);
		if (callbacks_.removed)
			callbacks_.removed(info);
	}
	for (auto &[id, info] : now)
		update(std::move(info));
}

void SessionTracker::update(SessionInfo info)
{
	auto it = sessions_.find(info.id);
	if (it == sessions_.end()) {
		const std::string id = info.id;
		sessions_.emplace(id, info);
		if (logind_ && !info.pseudo)
			lock_.follow(id);
		if (callbacks_.added)
			callbacks_.added(info);
		if (logind_ && !info.pseudo)
			fetchLockedHint(id);
		return;
	}
	if (it->second == info)
		return;
	const SessionInfo before = it->second;
	it->second = std::move(info);
	if (callbacks_.changed)
		callbacks_.changed(before, it->second);
}

std::optional<std::string> SessionTracker::activeSessionOf(const std::string &seat)
{
	if (logind_) {
		for (const auto &[id, info] : sessions_)
			if (info.seat == seat && info.active)
				return id;
		return std::nullopt;
	}
	const std::string id = kPseudoPrefix + seat;
	if (!sessions_.count(id)) {
		SessionInfo info;
		info.id = id;
		info.seat = seat;
		info.active = true;
		info.pseudo = true;
		info.uid = 0;
		info.userName = "";
		update(std::move(info));
	}
	return id;
}

Result<std::string> SessionTracker::sessionOfPid(pid_t pid) const
{
	if (!logind_) {
		// Every process shares seat0's pseudo-session, but only a process
		// that exists.
		if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH)
			return makeError(-ENXIO, "no process " + std::to_string(pid));
		for (const auto &[id, info] : sessions_)
			if (info.seat == "seat0")
				return id;
		return makeError(-ENXIO, "no session: tactusd runs without logind and seat0 has no input yet");
	}
	char *session = nullptr;
	const int r = sd_pid_get_session(pid, &session);
	if (r < 0)
		return makeError(r, "process " + std::to_string(pid) + " belongs to no login session");
	return takeString(session);
}

Result<std::string> SessionTracker::agentSessionOfPid(pid_t pid, uid_t uid) const
{
	auto session = sessionOfPid(pid);
	if (session || !logind_)
		return session;
	// A user unit runs in user@UID.service, outside every session; it acts
	// for the user's display session, and only if the user manager that
	// runs it is this user's.
	char *unit = nullptr;
	uid_t owner = 0;
	int r = sd_pid_get_user_unit(pid, &unit);
	std::free(unit);
	if (r >= 0)
		r = sd_pid_get_owner_uid(pid, &owner);
	if (r < 0 || owner != uid)
		return session;
	char *display = nullptr;
	r = sd_uid_get_display(uid, &display);
	if (r < 0 || !display)
		return makeError(r < 0 ? r : -ENXIO, "user " + std::to_string(uid) + " has no display session");
	return takeString(display);
}

void SessionTracker::applyLockState(const std::string &id)
{
	auto it = sessions_.find(id);
	if (it == sessions_.end())
		return;
	SessionInfo info = it->second;
	info.locked = lock_.locked(id);
	update(std::move(info));
}

void SessionTracker::cancelCalls(const std::string &id)
{
	for (auto it = pending_.begin(); it != pending_.end();)
		it = it->second->id == id ? pending_.erase(it) : std::next(it);
}

void SessionTracker::fetchLockedHint(const std::string &id)
{
	if (!bus_)
		return;
	const std::string path = busPathEncode(kLogindSessionPrefix, id);
	if (path.empty())
		return;
	auto call = std::make_unique<PendingCall>(PendingCall{this, id, lock_.hintRequested(id), nullptr});
	const int r = sd_bus_call_method_async(bus_.get(), outPtr(call->slot), kLogindService, path.c_str(),
					       "org.freedesktop.DBus.Properties", "Get", onLockedHintReply, call.get(),
					       "ss", "org.freedesktop.login1.Session", "LockedHint");
	if (r >= 0) {
		PendingCall *key = call.get();
		pending_.emplace(key, std::move(call));
	}
}

int SessionTracker::onLockedHintReply(sd_bus_message *m, void *userdata, sd_bus_error *)
{
	// A C callback: nothing may throw through it.
	return logGuarded("LockedHint reply", [&]() -> int {
		auto *call = static_cast<PendingCall *>(userdata);
		SessionTracker *self = call->self;
		const std::string id = call->id;
		const uint64_t ticket = call->ticket;
		self->pending_.erase(call); // and with it the slot: the call is answered

		if (sd_bus_message_is_method_error(m, nullptr))
			return 0;
		int locked = 0;
		if (sd_bus_message_read(m, "v", "b", &locked) < 0)
			return 0;
		if (self->lock_.hintReply(id, ticket, locked != 0))
			self->applyLockState(id);
		return 0;
	});
}

int SessionTracker::onLogindSignal(sd_bus_message *m, void *userdata, sd_bus_error *)
{
	// A C callback: nothing may throw through it.
	return logGuarded("logind signal", [&]() -> int {
		auto *self = static_cast<SessionTracker *>(userdata);
		const char *path = sd_bus_message_get_path(m);
		if (!path)
			return 0;
		auto id = sessionIdFromLogindPath(path);
		if (!id)
			return 0;

		if (sd_bus_message_is_signal(m, "org.freedesktop.login1.Session", "Lock")) {
			if (self->lock_.lockSignal(*id, true))
				self->applyLockState(*id);
			return 0;
		}
		if (sd_bus_message_is_signal(m, "org.freedesktop.login1.Session", "Unlock")) {
			if (self->lock_.lockSignal(*id, false))
				self->applyLockState(*id);
			return 0;
		}
		if (!sd_bus_message_is_signal(m, "org.freedesktop.DBus.Properties", "PropertiesChanged"))
			return 0;

		const char *interface = nullptr;
		if (sd_bus_message_read(m, "s", &interface) < 0 || !interface ||
		    std::strcmp(interface, "org.freedesktop.login1.Session") != 0)
			return 0;
		if (sd_bus_message_enter_container(m, 'a', "{sv}") < 0)
			return 0;
		while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
			const char *name = nullptr;
			if (sd_bus_message_read(m, "s", &name) < 0)
				return 0;
			if (name && std::strcmp(name, "LockedHint") == 0) {
				int locked = 0;
				if (sd_bus_message_read(m, "v", "b", &locked) < 0)
					return 0;
				if (self->lock_.hintChanged(*id, locked != 0))
					self->applyLockState(*id);
			} else if (name && std::strcmp(name, "IdleHint") == 0) {
				int idle = 0;
				if (sd_bus_message_read(m, "v", "b", &idle) < 0)
					return 0;
				if (self->callbacks_.idleHint && self->sessions_.count(*id))
					self->callbacks_.idleHint(*id, idle != 0);
			} else if (sd_bus_message_skip(m, "v") < 0) {
				return 0;
			}
			if (sd_bus_message_exit_container(m) < 0)
				return 0;
		}
		return 0;
	});
}

} // namespace tactus
