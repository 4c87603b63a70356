// SPDX-License-Identifier: MIT
#pragma once

#include "sd-ptr.h"
#include "util-result.h"

#include <sys/types.h>

#include <cstdint>
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
 * The lock state of the logind sessions a SessionTracker follows, from
 * logind's LockedHint (PropertiesChanged signals and replies to Get) and its
 * Lock/Unlock signals. Pure state, no bus, so it can be tested alone.
 *
 * Entries exist only for sessions being followed (follow() .. forget()):
 * signals about other sessions (seatless ones, sessions already gone) leave
 * nothing behind. Get replies are sequenced: each request takes a ticket,
 * and a reply whose request went out before the newest LockedHint value
 * arrived (by signal or by a later request's reply) is dropped, so a slow
 * reply never overwrites a newer value.
 */
class SessionLockState {
public:
	/** Start following session @p id (unlocked until told otherwise); no-op if followed. */
	void follow(const std::string &id);
	/** Stop following @p id: its entry is dropped. */
	void forget(const std::string &id);
	/** True if @p id is followed. */
	bool following(const std::string &id) const { return entries_.count(id) != 0; }
	/** Number of followed sessions. */
	size_t size() const { return entries_.size(); }

	/** A Get(LockedHint) for @p id goes out now: the ticket to hand to hintReply(). */
	uint64_t hintRequested(const std::string &id);
	/** The reply to the request of @p ticket; false (dropped) if @p id is not followed or a newer value arrived. */
	bool hintReply(const std::string &id, uint64_t ticket, bool hint);
	/** LockedHint changed (PropertiesChanged); false if @p id is not followed. */
	bool hintChanged(const std::string &id, bool hint);
	/** logind's Lock (@p lock true) or Unlock signal; false if @p id is not followed. */
	bool lockSignal(const std::string &id, bool lock);
	/** Locked while LockedHint or a Lock without a later Unlock says so; false for sessions not followed. */
	bool locked(const std::string &id) const;

private:
	struct Entry {
		bool hint = false;
		bool requested = false;
		uint64_t hintVersion = 0; ///< ticket (or signal sequence) of the hint value held
	};
	void setHint(Entry &e, bool hint, uint64_t version);

	std::map<std::string, Entry> entries_;
	uint64_t sequence_ = 0; ///< tickets and signals, in the order they happened
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
		/**
		 * logind's IdleHint of followed session @p id changed
		 * (PropertiesChanged; a desktop's idle monitor sets it), for the
		 * discrepancy signal. Optional.
		 */
		std::function<void(const std::string &id, bool idle)> idleHint;
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
	/** Lock-state entries held: one per logind session followed, none for sessions closed or never followed. */
	size_t lockEntries() const { return lock_.size(); }

private:
	SessionTracker(sd_event *loop, sd_bus *bus, Callbacks callbacks);
	void refresh();
	void update(SessionInfo info);
	/** Publish the lock state of @p id, if it is a session of sessions_, after a change. */
	void applyLockState(const std::string &id);
	void fetchLockedHint(const std::string &id);
	/** Drop the pending calls about session @p id (it is gone): their replies are of no use. */
	void cancelCalls(const std::string &id);
	static int onLoginMonitor(sd_event_source *source, int fd, uint32_t revents, void *userdata);
	static int onLogindSignal(sd_bus_message *m, void *userdata, sd_bus_error *error);
	static int onLockedHintReply(sd_bus_message *m, void *userdata, sd_bus_error *error);

	struct PendingCall {
		SessionTracker *self;
		std::string id;
		uint64_t ticket; ///< SessionLockState::hintRequested()
		SdBusSlotPtr slot;
	};

	[[maybe_unused]] sd_event *loop_; // the loop the monitor source is attached to (create())
	SdBusPtr bus_;
	SdLoginMonitorPtr monitor_;
	SdEventSourcePtr monitorSource_;
	SdBusSlotPtr signalSlot_;
	std::map<PendingCall *, std::unique_ptr<PendingCall>> pending_;
	Callbacks callbacks_;
	bool logind_ = false;
	std::map<std::string, SessionInfo> sessions_;
	SessionLockState lock_; ///< of the logind sessions in sessions_
};

/** The logind session id from a logind session object path ("/org/freedesktop/login1/session/_31" → "1"). */
std::optional<std::string> sessionIdFromLogindPath(const std::string &path);

} // namespace tactus
