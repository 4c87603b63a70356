// SPDX-License-Identifier: MIT
#pragma once

#include "allow-policy.h"
#include "daemon-config.h"
#include "decider.h"
#include "input-source.h"
#include "keystroke-model.h"
#include "log.h"
#include "pointer-model-file.h"
#include "profile-store.h"
#include "sd-ptr.h"
#include "session-tracker.h"
#include "unattributed-input.h"
#include "util-ratelimit.h"

#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>

struct sd_bus;
struct sd_event;

namespace tactus {

/** What tactusd counts per device. Counts, never which keys. */
struct DeviceCounters {
	uint64_t frames = 0;
	uint64_t keyPresses = 0;
	uint64_t keyReleases = 0;
	uint64_t keyRepeats = 0;
	uint64_t buttonEvents = 0; ///< BTN_* codes: mouse and touch buttons
	uint64_t relEvents = 0;
	uint64_t absEvents = 0;
	uint64_t otherEvents = 0; ///< MSC, SW, LED, ...
	uint64_t resyncs = 0;     ///< SYN_DROPPED recoveries
};

/** A device as the daemon keeps it: the policy's view of it plus what tactusd counts. */
struct DeviceRecord : PolicyDevice {
	DeviceCounters counters;
	/** SYN_DROPPED warnings: one per 10 s per device, with the count held back. */
	LogRateLimit droppedLog{10'000'000};
};

/** A session as the daemon keeps it: logind's view plus the policy's evidence and verdict. */
struct SessionRecord : PolicySession {
	SessionInfo info;
	std::string profileState = "none"; ///< none, enrolling, ready
	double enrollmentProgress = 0.0;
	/** Input events of the seat's evdev devices at the agent's last report, for the next one's window. */
	uint64_t seatInputAtReport = 0;
	/** logind's IdleHint transitions against the seat's evdev input: the discrepancy signal. */
	UnattributedInputWatch idleWatch;
	/** The info line per agent report: at most 10 a minute, then one saying how many were suppressed. */
	RateLimit reportLog{60'000'000, 10};
};

/** Told about every change the bus (or anyone else) publishes. */
class DaemonObserver {
public:
	virtual ~DaemonObserver() = default;
	virtual void sessionAdded(const SessionRecord &session) = 0;
	/** @p verdictChanged: Verdict/Trust/Reasons changed; otherwise Active/Locked did. */
	virtual void sessionChanged(const SessionRecord &session, bool verdictChanged) = 0;
	/** Trust moved (by kTrustPublishStep or more); the verdict and reasons did not. */
	virtual void sessionTrustChanged(const SessionRecord &session) = 0;
	virtual void sessionRemoved(const SessionRecord &session) = 0;
	virtual void deviceAdded(const DeviceRecord &device) = 0;
	virtual void deviceRemoved(const DeviceRecord &device) = 0;
	/** Allowed, Grabbed or GrabReason changed. */
	virtual void deviceChanged(const DeviceRecord &device) = 0;
	virtual void modeChanged(const std::string &mode) = 0;
};

/**
 * All daemon state in one context object (like systemd's Manager): the
 * event loop, the input source, the devices, the sessions and their
 * verdicts. dbus/ reads it and calls its actions; it knows nothing of D-Bus
 * messages.
 */
class Daemon final : public InputSink {
public:
	struct Options {
		bool exitWhenSourceFinishes = true; ///< replay: stop the loop at the end
		std::string mode = "monitor";
		bool followLogind = true;       ///< false for replay: recorded seats get pseudo-sessions
		Config::ActionsSection actions; ///< responses, carried out in enforce mode only
		AllowPolicy allow;              ///< allow-listed synthetic devices, denied ones
		/** Where per-user profiles live (`<dir>/profiles`); empty: none, sessions stay `learning`. */
		std::string stateDirectory;
		/** The keystroke model's weights file; empty: none, sessions stay `learning`. */
		std::string keystrokeModel;
		/** The pointer model file (data/models/pointer.model); empty: none, pointer input is not judged. */
		std::string pointerModel;
		/** Pointer actions that complete a pointer profile's enrollment (tactus.conf [Enrollment]
		 * PointerStrokes=). */
		unsigned pointerActions = 300;
		/** Key presses a keystroke profile learns before it is used ([Enrollment] Keystrokes=). */
		unsigned keystrokes = 250;
		/** Touch strokes that complete a touch profile's enrollment (tactus.conf [Enrollment] TouchStrokes=).
		 */
		unsigned touchStrokes = 200;
		/**
		 * End a pointer action by a timer once the segmenter's pause has
		 * passed with the device still (kernel times on CLOCK_MONOTONIC);
		 * false for a replay at recorded, not real, time.
		 */
		bool pointerIdleTimer = true;
		/**
		 * Where the sessions' evidence is kept across a restart
		 * (`<dir>/sessions`, session-snapshot.h); empty: nowhere, a
		 * restarted daemon starts every session afresh.
		 */
		std::string runtimeDirectory;
	};

	Daemon(sd_event *loop, std::unique_ptr<InputSource> source, Options options);
	~Daemon() override;

	/** Follow logind sessions (lock state through @p systemBus, may be null), then start the input source. */
	int start(sd_bus *systemBus);

	void setObserver(DaemonObserver *observer) { observer_ = observer; }

	/** Log the counters of every device still present (at shutdown). */
	void logDevicesAtExit() const;

	const std::map<std::string, SessionRecord> &sessions() const { return sessions_; }
	const std::map<DeviceId, DeviceRecord> &devices() const { return devices_; }
	const SessionRecord *findSession(const std::string &id) const;
	const DeviceRecord *findDevice(const std::string &sysname) const;
	bool logindAvailable() const;
	const std::string &mode() const { return options_.mode; }
	/** The session of process @p pid. */
	Result<std::string> sessionOfPid(pid_t pid) const;
	/** The session process @p pid of user @p uid acts for (SessionTracker::agentSessionOfPid). */
	Result<std::string> agentSessionOfPid(pid_t pid, uid_t uid) const;

	/** The user re-authenticated: the session's trust restarts from a clean state. */
	Result<void> acknowledgeReauthentication(const std::string &sessionId);
	/** Restart enrollment of the session user's profile. */
	Result<void> resetProfile(const std::string &sessionId);
	/** Delete the session user's profile. */
	Result<void> forgetProfile(const std::string &sessionId);
	/**
	 * The session's own agent reports input that never touched the kernel
	 * (the caller checked who is calling). NotFound without the session.
	 */
	Result<void> reportSessionInput(const std::string &sessionId, const SessionInputReport &report);
	/** "monitor" or "enforce". */
	Result<void> setMode(const std::string &mode);
	/** Drop tactusd's grab of a device. */
	Result<void> releaseDevice(const std::string &sysname);

	void deviceAdded(DeviceId id, const DeviceInfo &info) override;
	void deviceRemoved(DeviceId id) override;
	void frame(DeviceId id, Frame events) override;
	void eventsDropped(DeviceId id) override;
	void deviceIgnored(const std::string &sysname, const Error &why) override;
	void sourceFinished() override;
	void callbackFailed(const CallbackFault &fault) override;

private:
	void logCounters(const char *what, const DeviceRecord &device) const;
	void onSessionAdded(const SessionInfo &info);
	void onSessionChanged(const SessionInfo &before, const SessionInfo &after);
	void onSessionRemoved(const SessionInfo &info);
	/** logind's IdleHint of session @p id changed: schedule the discrepancy check. */
	void onIdleHint(const std::string &id, bool idle);
	/** Run the due discrepancy checks, then arm idleTimer_ for the next one. */
	void checkIdleResumes();
	static int onIdleTimer(sd_event_source *source, uint64_t usec, void *userdata);
	/** Arm pointerTimer_ at @p due (CLOCK_MONOTONIC µs) unless it is armed already (a due never comes earlier). */
	void armPointerTimer(uint64_t due);
	/** End the pointer actions due by the pause (PolicyDecider::pointerIdle), then arm for the next one. */
	static int onPointerTimer(sd_event_source *source, uint64_t usec, void *userdata);
	/** Kernel time (CLOCK_MONOTONIC µs) of the newest frame of any device on @p seat; 0: none. */
	uint64_t lastSeatInputUsec(const std::string &seat) const;
	/** Carries out what the policy decided for a frame of @p device, in order. */
	void carryOut(DeviceRecord &device, SessionRecord *session, const std::vector<PolicyAction> &actions);
	void grab(DeviceRecord &device, std::string reason);
	/** Load the behaviour model and open the profile store (each optional: a warning without). */
	void startBehaviour();
	/** The profile of @p uid, loaded (or set aside, if unusable) on first use. */
	Profile *profileOf(uid_t uid);
	/** Save @p uid's profile (after it learned something). */
	void saveProfile(uid_t uid);
	/** ResetProfile (@p forget false) and ForgetProfile for the user of session @p sessionId. */
	Result<void> replaceProfile(const std::string &sessionId, bool forget);
	/** Publish the profile state of every session of @p uid. */
	void profileChanged(uid_t uid);
	void lockSession(const SessionRecord &session, std::string_view reason);
	/** A LockSession call waiting for logind's answer. */
	struct PendingLock {
		Daemon *daemon;
		std::string sessionId;
		std::string reason;
		SdBusSlotPtr slot; ///< freed (the call's reply ignored) with the Daemon
	};
	static int onLockSessionReply(sd_bus_message *reply, void *userdata, sd_bus_error *error);
	static uint64_t nowUsec();
	/** Publish and journal a verdict change; @p cause: its reason code, @p device: the device whose input decided
	 * it. */
	void verdictChanged(SessionRecord &session, const char *why, std::string_view cause,
			    const PolicyDevice *device = nullptr);
	/** Read the snapshots a previous run left in the runtime directory (before sessions are followed). */
	void loadSessionSnapshots();
	/** Write every session's snapshot (and those not seen again yet) if they changed since the last write. */
	void saveSessionSnapshots();

	sd_event *loop_;
	std::unique_ptr<InputSource> source_;
	Options options_;
	std::unique_ptr<SessionTracker> tracker_;
	DaemonObserver *observer_ = nullptr;
	sd_bus *bus_ = nullptr; ///< for logind's LockSession; null without a bus
	std::list<std::unique_ptr<PendingLock>> pendingLocks_;
	SdEventSourcePtr idleTimer_;    ///< the earliest due discrepancy check of any session
	SdEventSourcePtr pointerTimer_; ///< the earliest pointer action due to end by the pause; null: none armed
	std::map<DeviceId, DeviceRecord> devices_;
	/** Per seat, the input events (seatInputEvents()) of its devices removed so far: reports' counts never drop. */
	std::map<std::string, uint64_t> seatInputRemoved_;
	/** Per seat: the last input event of devices removed since (µs, the daemon's clock), for lastSeatInputUsec().
	 */
	std::map<std::string, uint64_t> seatLastInputRemoved_;
	std::map<std::string, SessionRecord> sessions_;
	/** Snapshots of a previous run whose sessions have not been added yet. */
	std::map<std::string, SessionSnapshot> restored_;
	std::string savedSnapshots_; ///< the runtime file's text as last written
	PolicyDecider policy_;
	std::optional<KeystrokeModel> keystrokeModel_;
	std::unique_ptr<PointerModelData> pointerModel_;
	std::optional<ProfileStore> profiles_;
	std::map<uid_t, Profile> users_; ///< loaded profiles, one per uid; node addresses are stable
	bool started_ = false;           ///< devices added before this were present at start
	uint64_t totalFrames_ = 0;
	unsigned devicesSeen_ = 0;
};

} // namespace tactus
