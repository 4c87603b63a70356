// SPDX-License-Identifier: MIT
#pragma once

#include "allow-policy.h"
#include "daemon-config.h"
#include "injection-burst.h"
#include "injection-pointer.h"
#include "injection-timing.h"
#include "input-source.h"
#include "session-tracker.h"
#include "verdict.h"

#include <linux/input-event-codes.h>

#include <bitset>
#include <functional>
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
	uint64_t otherEvents = 0;  ///< MSC, SW, LED, ...
	uint64_t resyncs = 0;      ///< SYN_DROPPED recoveries
};

/** A device as the daemon keeps it. */
struct DeviceRecord {
	DeviceId id = 0;
	DeviceInfo info;
	DeviceCounters counters;
	bool allowed = true;     ///< its input is accepted (synthetic devices only when allow-listed)
	std::string allowedWhy;  ///< "hardware", "udev TACTUS_TRUST=allow", "synthetic, not allow-listed"
	bool grabbed = false;
	std::string grabReason;
	bool grabRefused = false; ///< the no-lock-out rule said no; logged once
	/**
	 * A grab decided while keys of the device were down waits for them to
	 * come up (its reason; empty: none waiting). A grab takes the device
	 * from every other reader mid-keystroke: the compositor would never see
	 * those releases and would auto-repeat the key into the session.
	 */
	std::string grabPending;
	std::bitset<KEY_CNT> keysDown; ///< EV_KEY codes down (keys and buttons), for grabPending
	uint64_t lastEventUsec = 0;     ///< kernel time of its latest frame, for the grab's delay
	KeystrokeTimingDetector keyTiming;   ///< human limits of typing, on every keyboard, hardware included
	PointerInjectionDetector pointerMotion;
};

/** A session as the daemon keeps it: logind's view plus tactus's verdict. */
struct SessionRecord {
	SessionInfo info;
	SessionEvidence evidence;
	std::string profileState = "none"; ///< none, enrolling, ready
	double enrollmentProgress = 0.0;
	bool lockRequested = false; ///< LockSession sent for the current verdict
};

/** Told about every change the bus (or anyone else) publishes. */
class DaemonObserver {
public:
	virtual ~DaemonObserver() = default;
	virtual void sessionAdded(const SessionRecord &session) = 0;
	/** @p verdictChanged: Verdict/Trust/Reasons changed; otherwise Active/Locked did. */
	virtual void sessionChanged(const SessionRecord &session, bool verdictChanged) = 0;
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
		bool followLogind = true;           ///< false for replay: recorded seats get pseudo-sessions
		Config::ActionsSection actions;     ///< responses, carried out in enforce mode only
		AllowPolicy allow;                  ///< allow-listed synthetic devices, denied ones
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

	/** The user re-authenticated: the session's trust restarts from a clean state. */
	Result<void> acknowledgeReauthentication(const std::string &sessionId);
	/** Restart enrollment of the session user's profile. */
	Result<void> resetProfile(const std::string &sessionId);
	/** Delete the session user's profile. */
	Result<void> forgetProfile(const std::string &sessionId);
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

private:
	void logCounters(const char *what, const DeviceRecord &device) const;
	void onSessionAdded(const SessionInfo &info);
	void onSessionChanged(const SessionInfo &before, const SessionInfo &after);
	void onSessionRemoved(const SessionInfo &info);
	/** @p detail is formatted only after the grab response, and only for the log line. */
	void injectionEvidence(DeviceRecord &device, std::string_view reason,
			       const std::function<std::string()> &detail);
	/** @p presses: the device's key presses before this frame, to say at which one evidence came. */
	void checkTiming(DeviceRecord &device, Frame events, uint64_t presses);
	void grabResponse(DeviceRecord &device, std::string_view reason);
	void lockResponse(SessionRecord &session, std::string_view reason);
	bool mayGrab(const DeviceRecord &device, std::string_view reason, std::string &why) const;
	void grab(DeviceRecord &device, std::string reason);
	static bool trackKeys(DeviceRecord &device, Frame events);
	void lockSession(const SessionRecord &session, std::string_view reason);
	static uint64_t nowUsec();
	void verdictChanged(SessionRecord &session, const char *why);

	sd_event *loop_;
	std::unique_ptr<InputSource> source_;
	Options options_;
	std::unique_ptr<SessionTracker> tracker_;
	DaemonObserver *observer_ = nullptr;
	sd_bus *bus_ = nullptr; ///< for logind's LockSession; null without a bus
	std::map<DeviceId, DeviceRecord> devices_;
	std::map<std::string, SessionRecord> sessions_;
	std::map<std::string, NewKeyboardBurstDetector> burst_; ///< per seat
	bool started_ = false; ///< devices added before this were present at start
	uint64_t totalFrames_ = 0;
	unsigned devicesSeen_ = 0;
};

} // namespace tactus
