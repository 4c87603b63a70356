// SPDX-License-Identifier: MIT
#include "daemon.h"

#include "device-format.h"
#include "log.h"
#include "util-strings.h"

#include <linux/input.h>
#include <systemd/sd-event.h>

#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <systemd/sd-bus.h>
#include <ctime>

namespace tactus {

namespace {

// Why a device's input is accepted or not, before any timing is looked at.
// Synthetic devices are evidence of injection unless the admin allowed them:
// first the udev property (set by rules the admin controls, never by the
// device's creator), then the allow-list files, then the provenance.
void decideAllowed(DeviceRecord &device, const AllowPolicy &policy)
{
	const auto trust = device.info.udevProperties.find("TACTUS_TRUST");
	const std::string override = trust == device.info.udevProperties.end() ? "" : trust->second;
	if (override == "allow") {
		device.allowed = true;
		device.allowedWhy = "udev TACTUS_TRUST=allow";
	} else if (override == "deny") {
		device.allowed = false;
		device.allowedWhy = "udev TACTUS_TRUST=deny";
	} else if (const auto decision = policy.decide(device.info); decision.matched) {
		device.allowed = decision.allow;
		device.allowedWhy = std::string(decision.allow ? "allow-listed by " : "denied by ") + decision.rule;
	} else if (isSynthetic(device.info.provenance)) {
		device.allowed = false;
		device.allowedWhy = "synthetic, not allow-listed";
	} else {
		device.allowed = true;
		device.allowedWhy = std::string(provenanceName(device.info.provenance));
	}
}

// A frame that a hand (or a script) produced, as opposed to a bare SYN or
// an LED/MSC echo.
bool carriesInput(Frame events)
{
	for (const InputEvent &ev : events)
		if (ev.type == EV_KEY || ev.type == EV_REL || ev.type == EV_ABS)
			return true;
	return false;
}

} // namespace

Daemon::Daemon(sd_event *loop, std::unique_ptr<InputSource> source, Options options)
	: loop_(loop), source_(std::move(source)), options_(std::move(options))
{
}

Daemon::~Daemon() = default;

int Daemon::start(sd_bus *systemBus)
{
	bus_ = systemBus;
	SessionTracker::Callbacks callbacks;
	callbacks.added = [this](const SessionInfo &info) { onSessionAdded(info); };
	callbacks.changed = [this](const SessionInfo &before, const SessionInfo &after) { onSessionChanged(before, after); };
	callbacks.removed = [this](const SessionInfo &info) { onSessionRemoved(info); };
	auto tracker = SessionTracker::create(loop_, systemBus, std::move(callbacks), options_.followLogind);
	if (!tracker)
		return logError(tracker.error().errnum, "Failed to follow sessions: %s", tracker.error().message.c_str());
	tracker_ = std::move(*tracker);
	if (!options_.followLogind)
		log_info("replayed input: one pseudo-session per recorded seat");
	else if (!tracker_->logindAvailable())
		log_info("systemd-logind is not running: one pseudo-session per seat");
	auto started = tracker_->start();
	if (!started)
		return logError(started.error().errnum, "Failed to read sessions: %s", started.error().message.c_str());

	log_info("input: %s", source_->describe().c_str());
	auto r = source_->start(loop_, *this);
	if (!r)
		return logError(r.error().errnum, "Failed to start input: %s", r.error().message.c_str());
	if (devices_.empty())
		log_info("no input devices present yet");
	started_ = true;
	return 0;
}

uint64_t Daemon::nowUsec()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

bool Daemon::logindAvailable() const
{
	return tracker_ && tracker_->logindAvailable();
}

const SessionRecord *Daemon::findSession(const std::string &id) const
{
	auto it = sessions_.find(id);
	return it == sessions_.end() ? nullptr : &it->second;
}

const DeviceRecord *Daemon::findDevice(const std::string &sysname) const
{
	for (const auto &[id, device] : devices_)
		if (device.info.sysname == sysname)
			return &device;
	return nullptr;
}

Result<std::string> Daemon::sessionOfPid(pid_t pid) const
{
	if (!tracker_)
		return makeError(-ENXIO, "sessions are not followed yet");
	auto id = tracker_->sessionOfPid(pid);
	if (!id)
		return id;
	if (!sessions_.count(*id))
		return makeError(-ENXIO, "session " + sanitizeForDisplay(*id, 64) + " has no seat, so no input tactus follows");
	return id;
}

void Daemon::onSessionAdded(const SessionInfo &info)
{
	auto [it, inserted] = sessions_.emplace(info.id, SessionRecord{info, {}, "none", 0.0, false});
	if (!inserted)
		return;
	log_info("session %s added: user %s (%u) seat %s%s%s%s", sanitizeForDisplay(info.id, 64).c_str(),
		 info.pseudo ? "-" : sanitizeForDisplay(info.userName, 64).c_str(), static_cast<unsigned>(info.uid),
		 sanitizeForDisplay(info.seat, 64).c_str(), info.active ? ", active" : "", info.locked ? ", locked" : "",
		 info.pseudo ? ", pseudo-session" : "");
	if (observer_)
		observer_->sessionAdded(it->second);
}

void Daemon::onSessionChanged(const SessionInfo &before, const SessionInfo &after)
{
	auto it = sessions_.find(after.id);
	if (it == sessions_.end()) {
		onSessionAdded(after);
		return;
	}
	it->second.info = after;
	if (before.active != after.active)
		log_info("session %s %s on seat %s", sanitizeForDisplay(after.id, 64).c_str(),
			 after.active ? "became active" : "is no longer active", sanitizeForDisplay(after.seat, 64).c_str());
	if (before.locked != after.locked)
		log_info("session %s %s%s", sanitizeForDisplay(after.id, 64).c_str(), after.locked ? "locked" : "unlocked",
			 after.locked ? ": learning paused" : "");
	if (observer_)
		observer_->sessionChanged(it->second, false);
}

void Daemon::onSessionRemoved(const SessionInfo &info)
{
	auto it = sessions_.find(info.id);
	if (it == sessions_.end())
		return;
	log_info("session %s removed", sanitizeForDisplay(info.id, 64).c_str());
	if (observer_)
		observer_->sessionRemoved(it->second);
	sessions_.erase(it);
}

void Daemon::verdictChanged(SessionRecord &session, const char *why)
{
	const VerdictState &v = session.evidence.state();
	std::string reasons;
	for (const auto &r : v.reasons)
		reasons += (reasons.empty() ? "" : ",") + r;
	log_notice("session %s verdict %s (trust %.2f%s%s): %s", sanitizeForDisplay(session.info.id, 64).c_str(),
		   std::string(verdictName(v.verdict)).c_str(), v.trust, reasons.empty() ? "" : ", reasons ",
		   reasons.c_str(), why);
	if (observer_)
		observer_->sessionChanged(session, true);
}

void Daemon::injectionEvidence(DeviceRecord &device, std::string_view reason,
				const std::function<std::string()> &detail)
{
	if (!tracker_)
		return;
	// Input on a seat counts for that seat's active session only, so a
	// switch to another user's session never carries this evidence along.
	auto sessionId = tracker_->activeSessionOf(device.info.seat);
	if (!sessionId)
		return;
	auto it = sessions_.find(*sessionId);
	if (it == sessions_.end())
		return;
	// The grab before anything else, even before the detail is formatted:
	// the device's next report is one USB poll away (1-10 ms), and code
	// run for the first time (float formatting, logging, the bus) can
	// take that long on a slow or cold machine.
	grabResponse(device, reason);
	if (it->second.evidence.addInjection(reason)) {
		// Logged once per verdict change: the reason, the device and
		// aggregate timings; never which keys.
		const std::string why = std::string(reason) + " from " + sanitizeForDisplay(device.info.sysname, 32) +
					" " + formatDeviceLine(device.info) + ": " + detail();
		verdictChanged(it->second, why.c_str());
	}
	lockResponse(it->second, reason);
}

// Evidence no hand can produce: a synthetic device nobody allowed, or keys
// held for no time at USB-poll pace. Rhythm that is merely too regular, a
// new keyboard's burst or robotic pointer motion could, rarely, be a person.
static bool unequivocal(std::string_view reason)
{
	return reason == "synthetic-device" || reason == "denied-device" || reason == "superhuman-rate";
}

bool Daemon::mayGrab(const DeviceRecord &device, std::string_view reason, std::string &why) const
{
	if (unequivocal(reason))
		return true;
	// Never take away the only keyboard (or pointer) a seat has on
	// anything less than unequivocal evidence: the person could not even
	// type their password into the locker.
	for (const auto &[id, other] : devices_) {
		if (id == device.id || other.grabbed || !other.allowed || other.info.seat != device.info.seat)
			continue;
		if (device.info.caps.keyboard && other.info.caps.keyboard)
			return true;
		if (!device.info.caps.keyboard && (other.info.caps.pointer || other.info.caps.absPointer))
			return true;
	}
	why = "it is the only " + std::string(device.info.caps.keyboard ? "keyboard" : "pointer") + " on " +
	      sanitizeForDisplay(device.info.seat, 32) + " and " + std::string(reason) + " is not unequivocal";
	return false;
}

void Daemon::grabResponse(DeviceRecord &device, std::string_view reason)
{
	if (options_.mode != "enforce")
		return;
	if (options_.actions.onInjected.grab && !device.grabbed && !device.grabRefused && device.grabPending.empty()) {
		std::string why;
		if (!mayGrab(device, reason, why)) {
			device.grabRefused = true;
			log_notice("device %s: not grabbing: %s", sanitizeForDisplay(device.info.sysname, 32).c_str(),
				   why.c_str());
		} else if (device.keysDown.any()) {
			// Wait for the keys to come up (frame() grabs then): a
			// tool lets go within a USB poll or two.
			device.grabPending = std::string(reason);
			log_notice("device %s: grab (%s) waits until its %zu held key(s) come up",
				   sanitizeForDisplay(device.info.sysname, 32).c_str(), device.grabPending.c_str(),
				   device.keysDown.count());
		} else {
			grab(device, std::string(reason));
		}
	}
}

void Daemon::lockResponse(SessionRecord &session, std::string_view reason)
{
	if (options_.mode != "enforce")
		return;
	if (options_.actions.onInjected.lock && !session.info.locked && !session.lockRequested) {
		session.lockRequested = true;
		lockSession(session, reason);
	}
}

void Daemon::grab(DeviceRecord &device, std::string reason)
{
	device.grabPending.clear();
	// The kernel applies EVIOCGRAB as the ioctl starts, then waits out an
	// RCU grace period before it returns: the time before the call is when
	// the grab took effect.
	const uint64_t at = nowUsec();
	if (auto r = source_->setGrab(device.id, true); !r) {
		log_warning("device %s: grab failed: %s, ignoring", sanitizeForDisplay(device.info.sysname, 32).c_str(),
			    r.error().message.c_str());
		return;
	}
	device.grabbed = true;
	device.grabReason = std::move(reason);
	// How long after the event that decided it: what else could slip
	// through to other readers meanwhile (a tool's next report is one USB
	// poll, 1-10 ms, away).
	char delay[64] = "";
	if (source_->liveClock() && device.lastEventUsec && at >= device.lastEventUsec)
		snprintf(delay, sizeof(delay), " %.2f ms after its last event",
			 static_cast<double>(at - device.lastEventUsec) / 1000.0);
	const size_t held = device.keysDown.count();
	log_notice("device %s grabbed (%s)%s: its input reaches nobody until it is unplugged or released%s",
		   sanitizeForDisplay(device.info.sysname, 32).c_str(), device.grabReason.c_str(), delay,
		   held ? "; keys it held stay down for other readers" : "");
	if (observer_)
		observer_->deviceChanged(device);
}

// Which keys (and buttons) of the device are down after @p events; true if
// the frame pressed one.
bool Daemon::trackKeys(DeviceRecord &device, Frame events)
{
	bool pressed = false;
	for (const InputEvent &ev : events) {
		if (ev.type != EV_KEY || ev.code >= KEY_CNT)
			continue;
		if (ev.value == 1)
			pressed = true;
		if (ev.value != 2)
			device.keysDown.set(ev.code, ev.value != 0);
	}
	return pressed;
}

void Daemon::lockSession(const SessionRecord &session, std::string_view reason)
{
	if (session.info.pseudo || !bus_) {
		log_notice("session %s: cannot lock (%s), publishing only", sanitizeForDisplay(session.info.id, 64).c_str(),
			   session.info.pseudo ? "pseudo-session without logind" : "no system bus");
		return;
	}
	// Asynchronous: logind answers later, and the Lock signal it sends
	// comes back to the SessionTracker as the locked state.
	const int r = sd_bus_call_method_async(bus_, nullptr, "org.freedesktop.login1", "/org/freedesktop/login1",
					       "org.freedesktop.login1.Manager", "LockSession", nullptr, nullptr, "s",
					       session.info.id.c_str());
	if (r < 0)
		log_warning("session %s: LockSession failed: %s, ignoring", sanitizeForDisplay(session.info.id, 64).c_str(),
			    std::strerror(-r));
	else
		log_notice("session %s: locking (%s)", sanitizeForDisplay(session.info.id, 64).c_str(),
			   std::string(reason).c_str());
}

void Daemon::checkTiming(DeviceRecord &device, Frame events, uint64_t presses)
{
	auto &burst = burst_[device.info.seat];
	for (const InputEvent &ev : events) {
		InjectionEvidence evidence;
		bool key = false;
		if (ev.type == EV_KEY && !isButtonCode(ev.code)) {
			key = true;
			presses += ev.value == 1; // how many presses it took: a count, never which keys
			evidence = device.keyTiming.keyEvent(ev.timeUsec, ev.code, ev.value);
			if (!evidence.alarm)
				evidence = burst.keyEvent(device.id, ev.timeUsec, ev.code, ev.value);
		} else if (device.info.caps.pointer || device.info.caps.absPointer) {
			evidence = device.pointerMotion.event(ev.timeUsec, ev.type, ev.code, ev.value);
		}
		if (evidence.alarm)
			injectionEvidence(device, injectionReasonName(evidence.reason), [&evidence, key, presses] {
				return evidence.describe() +
				       (key ? ", at key press " + std::to_string(presses) + " of the device" : "");
			});
	}
}

Result<void> Daemon::acknowledgeReauthentication(const std::string &sessionId)
{
	auto it = sessions_.find(sessionId);
	if (it == sessions_.end())
		return makeError(-ENOENT, "no session " + sanitizeForDisplay(sessionId, 64));
	log_info("session %s: re-authentication acknowledged, trust restarts", sanitizeForDisplay(sessionId, 64).c_str());
	it->second.lockRequested = false;
	if (it->second.evidence.reset())
		verdictChanged(it->second, "re-authenticated");
	return {};
}

Result<void> Daemon::resetProfile(const std::string &sessionId)
{
	auto it = sessions_.find(sessionId);
	if (it == sessions_.end())
		return makeError(-ENOENT, "no session " + sanitizeForDisplay(sessionId, 64));
	// Behaviour profiles arrive with the behaviour model; until then a user
	// has none, and restarting enrollment leaves the state at "none".
	it->second.profileState = "none";
	it->second.enrollmentProgress = 0.0;
	log_info("session %s: profile of uid %u reset", sanitizeForDisplay(sessionId, 64).c_str(),
		 static_cast<unsigned>(it->second.info.uid));
	if (observer_)
		observer_->sessionChanged(it->second, false);
	return {};
}

Result<void> Daemon::forgetProfile(const std::string &sessionId)
{
	auto it = sessions_.find(sessionId);
	if (it == sessions_.end())
		return makeError(-ENOENT, "no session " + sanitizeForDisplay(sessionId, 64));
	it->second.profileState = "none";
	it->second.enrollmentProgress = 0.0;
	log_info("session %s: profile of uid %u forgotten", sanitizeForDisplay(sessionId, 64).c_str(),
		 static_cast<unsigned>(it->second.info.uid));
	if (observer_)
		observer_->sessionChanged(it->second, false);
	return {};
}

Result<void> Daemon::setMode(const std::string &mode)
{
	if (mode != "monitor" && mode != "enforce")
		return makeError(-EINVAL, "mode must be 'monitor' or 'enforce'");
	if (mode == options_.mode)
		return {};
	options_.mode = mode;
	log_notice("mode set to %s", mode.c_str());
	// Monitor mode takes no action: a grab still waiting for keys to come
	// up is dropped (grabs already made stay until released).
	if (mode == "monitor")
		for (auto &[id, device] : devices_)
			device.grabPending.clear();
	if (observer_)
		observer_->modeChanged(mode);
	return {};
}

Result<void> Daemon::releaseDevice(const std::string &sysname)
{
	for (auto &[id, device] : devices_) {
		if (device.info.sysname != sysname)
			continue;
		if (!device.grabbed && !device.grabPending.empty()) {
			device.grabPending.clear();
			log_notice("device %s: waiting grab cancelled by an administrator",
				   sanitizeForDisplay(sysname, 32).c_str());
			return {};
		}
		if (!device.grabbed)
			return makeError(-EALREADY, "device " + sanitizeForDisplay(sysname, 32) + " is not grabbed");
		if (auto r = source_->setGrab(id, false); !r)
			return r;
		device.grabbed = false;
		device.grabReason.clear();
		log_notice("device %s released by an administrator", sanitizeForDisplay(sysname, 32).c_str());
		if (observer_)
			observer_->deviceChanged(device);
		return {};
	}
	return makeError(-ENOENT, "no device " + sanitizeForDisplay(sysname, 32));
}

void Daemon::deviceAdded(DeviceId id, const DeviceInfo &info)
{
	DeviceRecord record;
	record.id = id;
	record.info = info;
	decideAllowed(record, options_.allow);
	// A keyboard present at start-up is no new keyboard; one plugged in
	// later is, from the moment it appears.
	burst_[info.seat].deviceAdded(id, started_ ? nowUsec() : 0, info.caps.keyboard);
	auto [it, inserted] = devices_.insert_or_assign(id, std::move(record));
	devicesSeen_++;
	log_info("device %s added: %s%s", sanitizeForDisplay(info.sysname, 32).c_str(), formatDeviceLine(info).c_str(),
		 it->second.allowed ? "" : " allowed=no");
	if (observer_)
		observer_->deviceAdded(it->second);
	// Without logind a seat's pseudo-session exists from its first device,
	// so a locker can find it before any input arrives.
	if (tracker_ && !tracker_->logindAvailable())
		tracker_->activeSessionOf(info.seat);
}

void Daemon::logCounters(const char *what, const DeviceRecord &device) const
{
	const DeviceCounters &c = device.counters;
	log_info("device %s %s: %" PRIu64 " frames, keys %" PRIu64 " down/%" PRIu64 " up/%" PRIu64
		 " repeat, buttons %" PRIu64 ", rel %" PRIu64 ", abs %" PRIu64 ", other %" PRIu64
		 ", resyncs %" PRIu64,
		 sanitizeForDisplay(device.info.sysname, 32).c_str(), what, c.frames, c.keyPresses, c.keyReleases,
		 c.keyRepeats, c.buttonEvents, c.relEvents, c.absEvents, c.otherEvents, c.resyncs);
}

void Daemon::logDevicesAtExit() const
{
	for (const auto &[id, device] : devices_)
		logCounters("at exit", device);
}

void Daemon::deviceRemoved(DeviceId id)
{
	auto it = devices_.find(id);
	if (it == devices_.end())
		return;
	logCounters("removed", it->second);
	burst_[it->second.info.seat].deviceRemoved(id);
	if (observer_)
		observer_->deviceRemoved(it->second);
	devices_.erase(it);
}

void Daemon::frame(DeviceId id, Frame events)
{
	auto it = devices_.find(id);
	if (it == devices_.end())
		return;
	DeviceRecord &device = it->second;
	DeviceCounters &c = device.counters;
	const uint64_t pressesBefore = c.keyPresses;
	c.frames++;
	totalFrames_++;
	// Key events are counted, never shown: which key was pressed is exactly
	// what tactus promises not to know outside the feature extractor.
	for (const InputEvent &ev : events) {
		switch (ev.type) {
		case EV_SYN:
			break;
		case EV_KEY:
			if (isButtonCode(ev.code))
				c.buttonEvents++;
			else if (ev.value == 1)
				c.keyPresses++;
			else if (ev.value == 0)
				c.keyReleases++;
			else
				c.keyRepeats++;
			break;
		case EV_REL:
			c.relEvents++;
			break;
		case EV_ABS:
			c.absEvents++;
			break;
		default:
			c.otherEvents++;
			break;
		}
	}
	const bool waiting = !device.grabPending.empty();
	const bool pressed = trackKeys(device, events);
	if (!events.empty())
		device.lastEventUsec = events.back().timeUsec;
	// Evidence from the first event, not the fifth: a synthetic device the
	// policy does not allow has no business typing into a session.
	if (!device.allowed && carriesInput(events))
		injectionEvidence(device, isSynthetic(device.info.provenance) ? "synthetic-device" : "denied-device",
				  [&device] { return device.allowedWhy; });
	// Timing is checked on every allowed device, hardware included: a USB
	// stick that enumerates as a keyboard is hardware.
	else
		checkTiming(device, events, pressesBefore);
	// A grab waiting for held keys happens once none is down, or at the
	// next press: holding keys down must not shield a device from it.
	if (!device.grabPending.empty() && (device.keysDown.none() || (waiting && pressed)))
		grab(device, device.grabPending);
}

void Daemon::eventsDropped(DeviceId id)
{
	auto it = devices_.find(id);
	if (it == devices_.end())
		return;
	it->second.counters.resyncs++;
	// Events were lost: gaps measured across the hole mean nothing.
	it->second.keyTiming.reset();
	it->second.pointerMotion.reset();
	log_warning("device %s: kernel buffer overrun (SYN_DROPPED), state resynced",
		    sanitizeForDisplay(it->second.info.sysname, 32).c_str());
}

void Daemon::deviceIgnored(const std::string &sysname, const Error &why)
{
	log_warning("device %s: %s, ignoring", sanitizeForDisplay(sysname, 32).c_str(),
		    sanitizeForDisplay(why.message, 512).c_str());
}

void Daemon::sourceFinished()
{
	log_info("input finished: %u devices, %" PRIu64 " frames", devicesSeen_, totalFrames_);
	if (options_.exitWhenSourceFinishes)
		sd_event_exit(loop_, 0);
}

} // namespace tactus
