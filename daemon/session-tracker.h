// SPDX-License-Identifier: MIT
#pragma once

#include "sd-ptr.h"
#include "util-result.h"

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace tactus {

/** A login session as tactus follows it. */
struct SessionInfo {
	std::string id; ///< logind session id, or "seat:<seat>" for a pseudo-session
	uid_t uid = 0;
	std::string userName;
	std::string seat;
	bool active = false; ///< the active session of its seat: input counts for it
	bool locked = false; ///< LockedHint, or Lock without a later Unlock
	bool pseudo = false; ///< no logind: one session per seat

	bool operator==(const SessionInfo &) const = default;
};

/**
 * Follows logind: which sessions exist on which seat, which one is active
 * there, and whether it is locked. sd-login (sd_login_monitor) tells about
 * sessions and seats; LockedHint and the Lock/Unlock signals only exist on
 * the bus, so those come from logind's bus objects. Without logind, each
 * seat gets one pseudo-session, always active.
 */
class SessionTracker {
public:
	struct Callbacks {
		std::function<void(const SessionInfo &)> added;
		std::function<void(const SessionInfo &before, const SessionInfo &after)> changed;
		std::function<void(const SessionInfo &)> removed;
	};

	/**
	 * Follow sessions on @p loop; @p systemBus (may be null) is used for
	 * lock state. With @p useLogind false (replayed input, which comes
	 * from no seat of this machine) every seat gets a pseudo-session even
	 * where logind runs.
	 */
	static Result<std::unique_ptr<SessionTracker>> create(sd_event *loop, sd_bus *systemBus, Callbacks callbacks,
							      bool useLogind = true);
	~SessionTracker();

	SessionTracker(const SessionTracker &) = delete;
	SessionTracker &operator=(const SessionTracker &) = delete;

	/** False when running without systemd-logind. */
	bool logindAvailable() const { return logind_; }

	/** Read the current state and report every session through added(). */
	Result<void> start();

	/** The session input on @p seat counts for, if any; creates the pseudo-session without logind. */
	std::optional<std::string> activeSessionOf(const std::string &seat);

	/** Session of process @p pid, as logind knows it. */
	Result<std::string> sessionOfPid(pid_t pid) const;
	/**
	 * The session process @p pid of user @p uid acts for: its logind
	 * session, or, for a process of the user's own systemd user manager
	 * (a user unit, which belongs to no session), the user's display
	 * session (sd_uid_get_display(3)). Without logind, sessionOfPid().
	 */
	Result<std::string> agentSessionOfPid(pid_t pid, uid_t uid) const;

	const std::map<std::string, SessionInfo> &sessions() const { return sessions_; }

private:
	SessionTracker(sd_event *loop, sd_bus *bus, Callbacks callbacks);
	void refresh();
	void update(SessionInfo info);
	void setLockState(const std::string &id, std::optional<bool> hint, std::optional<bool> requested);
	void fetchLockedHint(const std::string &id);
	static int onLoginMonitor(sd_event_source *source, int fd, uint32_t revents, void *userdata);
	static int onLogindSignal(sd_bus_message *m, void *userdata, sd_bus_error *error);
	static int onLockedHintReply(sd_bus_message *m, void *userdata, sd_bus_error *error);

	struct PendingCall {
		SessionTracker *self;
		std::string id;
		SdBusSlotPtr slot;
	};

	sd_event *loop_;
	SdBusPtr bus_;
	SdLoginMonitorPtr monitor_;
	SdEventSourcePtr monitorSource_;
	SdBusSlotPtr signalSlot_;
	std::map<PendingCall *, std::unique_ptr<PendingCall>> pending_;
	Callbacks callbacks_;
	bool logind_ = false;
	std::map<std::string, SessionInfo> sessions_;
	std::map<std::string, bool> lockedHint_;    ///< per session, from logind
	std::map<std::string, bool> lockRequested_; ///< Lock (true) / Unlock (false) signals
};

/** The logind session id from a logind session object path ("/org/freedesktop/login1/session/_31" → "1"). */
std::optional<std::string> sessionIdFromLogindPath(const std::string &path);

} // namespace tactus
