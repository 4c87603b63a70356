// SPDX-License-Identifier: MIT
#include "daemon.h"

#include "device-format.h"
#include "journal-events.h"
#include "log.h"
#include "util-fd.h"
#include "util-strings.h"

#include <linux/input.h>
#include <systemd/sd-event.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

namespace tactus {

namespace {

PolicySettings policySettings(const Daemon::Options &options)
{
	PolicySettings settings;
	settings.enforce = options.mode == "enforce";
	settings.grabOnInjected = options.actions.onInjected.grab;
	settings.lockOnInjected = options.actions.onInjected.lock;
	return settings;
}

} // namespace

Daemon::Daemon(sd_event *loop, std::unique_ptr<InputSource> source, Options options)
    : loop_(loop), source_(std::move(source)), options_(std::move(options)),
      policy_(policySettings(options_), [this](const std::function<void(const PolicyDevice &)> &visit) {
	      for (const auto &[id, device] : devices_)
		      visit(device);
      })
{
}

Daemon::~Daemon() = default;

int Daemon::start(sd_bus *systemBus)
{
	bus_ = systemBus;
	SessionTracker::Callbacks callbacks;
	callbacks.added = [this](const SessionInfo &info) { onSessionAdded(info); };
	callbacks.changed = [this](const SessionInfo &before, const SessionInfo &after) {
		onSessionChanged(before, after);
	};
	callbacks.removed = [this](const SessionInfo &info) { onSessionRemoved(info); };
	callbacks.idleHint = [this](const std::string &id, bool idle) { onIdleHint(id, idle); };
	auto tracker = SessionTracker::create(loop_, systemBus, std::move(callbacks), options_.followLogind);
	if (!tracker)
		return logError(tracker.error().errnum, "Failed to follow sessions: %s",
				tracker.error().message.c_str());
	tracker_ = std::move(*tracker);
	if (!options_.followLogind)
		log_info("replayed input: one pseudo-session per recorded seat");
	else if (!tracker_->logindAvailable())
		log_info("systemd-logind is not running: one pseudo-session per seat");
	startBehaviour();
	loadSessionSnapshots();
	auto started = tracker_->start();
	if (!started)
		return logError(started.error().errnum, "Failed to read sessions: %s", started.error().message.c_str());
	// Sessions are read at once from logind: one not there now has ended
	// (logind never reuses an id), so its evidence is dropped. Without
	// logind, pseudo-sessions appear with their seat's first device: kept.
	if (logindAvailable()) {
		for (const auto &[id, snapshot] : restored_)
			log_info("session %s ended while tactusd was down: its evidence is dropped",
				 sanitizeForDisplay(id, 64).c_str());
		restored_.clear();
	}
	saveSessionSnapshots();

	log_info("input: %s", source_->describe().c_str());
	auto r = source_->start(loop_, *this);
	if (!r)
		return logError(r.error().errnum, "Failed to start input: %s", r.error().message.c_str());
	if (devices_.empty())
		log_info("no input devices present yet");
	started_ = true;
	return 0;
}

namespace {

int64_t realtimeUsec()
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

} // namespace

void Daemon::startBehaviour()
{
	if (options_.keystrokeModel.empty()) {
		log_debug("no keystroke model configured: sessions stay learning");
	} else if (auto model = KeystrokeModel::load(options_.keystrokeModel); !model) {
		log_warning("keystroke model not loaded: %s; sessions stay learning",
			    sanitizeForDisplay(model.error().message, 512).c_str());
	} else {
		keystrokeModel_ = std::move(*model);
		KeystrokeBehaviourParams params;
		params.enrollment.eventsNeeded = options_.keystrokes;
		policy_.setKeystrokeModel(&*keystrokeModel_, params);
		log_info("keystroke model %s: %s, %u-dimensional embeddings, enrollment after %u keystrokes",
			 sanitizeForDisplay(options_.keystrokeModel, 256).c_str(),
			 sanitizeForDisplay(keystrokeModel_->version(), 64).c_str(), keystrokeModel_->embeddingSize(),
			 options_.keystrokes);
	}
	if (options_.pointerModel.empty()) {
		log_debug("no pointer model configured: pointer input is not judged");
	} else if (auto model = loadPointerModel(options_.pointerModel); !model) {
		log_warning("pointer model not loaded: %s; pointer input is not judged",
			    sanitizeForDisplay(model.error().message, 512).c_str());
	} else {
		pointerModel_ = std::move(*model);
		PointerBehaviourParams params;
		params.actionsNeeded = options_.pointerActions;
		policy_.setPointerModel(pointerModel_.get(), params);
		log_info("pointer model %s: %s version %u, %u bins, enrollment after %u actions",
			 sanitizeForDisplay(options_.pointerModel, 256).c_str(),
			 sanitizeForDisplay(pointerModel_->name, 64).c_str(), pointerModel_->version,
			 pointerModel_->params.bins, options_.pointerActions);
	}
	// Touch needs no model file: the statistics live in the user's profile.
	TouchBehaviourParams touch;
	touch.strokesNeeded = options_.touchStrokes;
	policy_.setTouch(true, touch);
	if (options_.stateDirectory.empty()) {
		log_debug("no state directory: no profiles, sessions stay learning");
		return;
	}
	if (auto store = ProfileStore::open(options_.stateDirectory); !store)
		log_warning("profiles: %s; sessions stay learning",
			    sanitizeForDisplay(store.error().message, 512).c_str());
	else
		profiles_ = std::move(*store);
}

Profile *Daemon::profileOf(uid_t uid)
{
	if (!profiles_ || (!keystrokeModel_ && !pointerModel_))
		return nullptr;
	if (auto it = users_.find(uid); it != users_.end())
		return &it->second;
	ProfileLoad loaded = profiles_->loadOrSetAside(uid, realtimeUsec());
	if (loaded.problem)
		log_warning("profile of uid %u unusable (%s)%s%s: enrollment restarts", static_cast<unsigned>(uid),
			    sanitizeForDisplay(loaded.problem->message, 256).c_str(),
			    loaded.setAsidePath.empty() ? "" : ", set aside as ",
			    sanitizeForDisplay(loaded.setAsidePath, 256).c_str());
	Profile profile;
	profile.uid = uid;
	if (loaded.profile)
		profile = std::move(*loaded.profile);
	if (keystrokeModel_ && restartIfModelChanged(profile, Modality::Keystroke, keystrokeModelId(*keystrokeModel_),
						     EnrollmentParams{}, realtimeUsec()))
		log_info("profile of uid %u was made with another keystroke model: enrollment restarts",
			 static_cast<unsigned>(uid));
	Profile &stored = users_.insert_or_assign(uid, std::move(profile)).first->second;
	log_info("profile of uid %u: %s (%.0f%% enrolled)", static_cast<unsigned>(uid),
		 std::string(profileStateName(stored.state())).c_str(), stored.enrollmentProgress() * 100.0);
	return &stored;
}

void Daemon::saveProfile(uid_t uid)
{
	auto it = users_.find(uid);
	if (!profiles_ || it == users_.end())
		return;
	if (auto r = profiles_->save(it->second); !r)
		log_warning("profile of uid %u not saved: %s", static_cast<unsigned>(uid),
			    sanitizeForDisplay(r.error().message, 256).c_str());
}

void Daemon::profileChanged(uid_t uid)
{
	auto it = users_.find(uid);
	for (auto &[id, session] : sessions_) {
		if (session.info.uid != uid || session.info.pseudo)
			continue;
		const std::string state(it == users_.end() ? "none" : profileStateName(it->second.state()));
		const double progress = it == users_.end() ? 0.0 : it->second.enrollmentProgress();
		if (state == session.profileState && progress == session.enrollmentProgress)
			continue;
		if (state != session.profileState)
			log_info("session %s: profile %s", sanitizeForDisplay(id, 64).c_str(), state.c_str());
		session.profileState = state;
		session.enrollmentProgress = progress;
		if (observer_)
			observer_->sessionChanged(session, false);
	}
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

Result<std::string> Daemon::agentSessionOfPid(pid_t pid, uid_t uid) const
{
	if (!tracker_)
		return makeError(-ENXIO, "sessions are not followed yet");
	return tracker_->agentSessionOfPid(pid, uid);
}

Result<std::string> Daemon::sessionOfPid(pid_t pid) const
{
	if (!tracker_)
		return makeError(-ENXIO, "sessions are not followed yet");
	auto id = tracker_->sessionOfPid(pid);
	if (!id)
		return id;
	if (!sessions_.count(*id))
		return makeError(-ENXIO,
				 "session " + sanitizeForDisplay(*id, 64) + " has no seat, so no input tactus follows");
	return id;
}

void Daemon::onSessionAdded(const SessionInfo &info)
{
	SessionRecord record;
	record.info = info;
	auto [it, inserted] = sessions_.emplace(info.id, std::move(record));
	if (!inserted)
		return;
	// Pseudo-sessions belong to no user: no profile, they stay learning.
	if (!info.pseudo)
		if (Profile *profile = profileOf(info.uid)) {
			it->second.profile = profile;
			it->second.profileState = std::string(profileStateName(profile->state()));
			it->second.enrollmentProgress = profile->enrollmentProgress();
			policy_.profileReplaced(it->second, static_cast<int64_t>(nowUsec()));
		}
	// A verdict line only when the previous run left something standing
	// (injection evidence, notes, trust): a session that was merely
	// learning comes back as it would have started, with nothing to say.
	const auto saved = restored_.find(info.id);
	bool restored = false;
	if (saved != restored_.end()) {
		restored = policy_.restore(it->second, saved->second, static_cast<int64_t>(nowUsec()));
		restored_.erase(saved);
	}
	log_info("session %s added: user %s (%u) seat %s%s%s%s", sanitizeForDisplay(info.id, 64).c_str(),
		 info.pseudo ? "-" : sanitizeForDisplay(info.userName, 64).c_str(), static_cast<unsigned>(info.uid),
		 sanitizeForDisplay(info.seat, 64).c_str(), info.active ? ", active" : "",
		 info.locked ? ", locked" : "", info.pseudo ? ", pseudo-session" : "");
	if (observer_)
		observer_->sessionAdded(it->second);
	if (restored) {
		const VerdictState &v = it->second.evidence.state();
		std::string reasons;
		for (const auto &r : v.reasons)
			reasons += (reasons.empty() ? "" : ",") + r;
		log_notice("session %s verdict %s (trust %.2f%s%s): restored after a restart",
			   sanitizeForDisplay(info.id, 64).c_str(), std::string(verdictName(v.verdict)).c_str(),
			   v.trust, reasons.empty() ? "" : ", reasons ", reasons.c_str());
	}
	saveSessionSnapshots();
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
			 after.active ? "became active" : "is no longer active",
			 sanitizeForDisplay(after.seat, 64).c_str());
	if (before.locked != after.locked)
		log_info("session %s %s%s", sanitizeForDisplay(after.id, 64).c_str(),
			 after.locked ? "locked" : "unlocked", after.locked ? ": learning paused" : "");
	if (before.locked && !after.locked && PolicyDecider::unlocked(it->second))
		log_info("session %s: lock re-armed, the next injection evidence locks it again",
			 sanitizeForDisplay(after.id, 64).c_str());
	if (observer_)
		observer_->sessionChanged(it->second, false);
	saveSessionSnapshots();
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
	saveSessionSnapshots();
}

uint64_t Daemon::lastSeatInputUsec(const std::string &seat) const
{
	const auto removed = seatLastInputRemoved_.find(seat);
	uint64_t last = removed == seatLastInputRemoved_.end() ? 0 : removed->second;
	for (const auto &[id, device] : devices_)
		if (device.info.seat == seat)
			last = std::max(last, device.lastEventUsec);
	return last;
}

void Daemon::onIdleHint(const std::string &id, bool idle)
{
	auto it = sessions_.find(id);
	if (it == sessions_.end())
		return;
	log_debug("session %s: IdleHint=%s", sanitizeForDisplay(id, 64).c_str(), idle ? "yes" : "no");
	if (it->second.idleWatch.idleHint(idle, nowUsec()))
		checkIdleResumes();
}

void Daemon::checkIdleResumes()
{
	const uint64_t now = nowUsec();
	uint64_t next = 0;
	for (auto &[id, session] : sessions_) {
		if (const auto found = session.idleWatch.check(now, lastSeatInputUsec(session.info.seat))) {
			char quiet[64] = "no input since tactusd started";
			if (found->seatQuietUsec)
				(void)snprintf(quiet, sizeof(quiet), "none for %.1f s",
					       static_cast<double>(found->seatQuietUsec) / 1e6);
			const std::string detail = "logind IdleHint went false while no evdev device of " +
						   sanitizeForDisplay(session.info.seat, 64) + " produced input (" +
						   quiet + ")";
			log_notice("session %s: input reached the session that tactus cannot attribute: %s",
				   sanitizeForDisplay(id, 64).c_str(), detail.c_str());
			for (const PolicyAction &action : PolicyDecider::unattributedInput(session, detail)) {
				const std::string why = action.reason + ": " + action.detail;
				verdictChanged(session, why.c_str(), action.reason);
			}
		}
		if (const auto due = session.idleWatch.due(); due && (next == 0 || *due < next))
			next = *due;
	}
	idleTimer_.reset();
	if (next == 0)
		return;
	if (int r = sd_event_add_time(loop_, outPtr(idleTimer_), CLOCK_MONOTONIC, next, 0, onIdleTimer, this); r < 0)
		log_warning("cannot arm the unattributed-input check: %s", std::strerror(-r));
}

int Daemon::onIdleTimer(sd_event_source *, uint64_t, void *userdata)
{
	auto *self = static_cast<Daemon *>(userdata);
	return logGuarded("unattributed-input check", [&] {
		self->checkIdleResumes();
		return 0;
	});
}

void Daemon::verdictChanged(SessionRecord &session, const char *why, std::string_view cause, const PolicyDevice *device)
{
	logJournalEntry(journalVerdictChanged(session, cause, why, device));
	if (observer_)
		observer_->sessionChanged(session, true);
	saveSessionSnapshots();
}

void Daemon::carryOut(DeviceRecord &device, SessionRecord *session, const std::vector<PolicyAction> &actions)
{
	const std::string sysname = sanitizeForDisplay(device.info.sysname, 32);
	for (const PolicyAction &action : actions) {
		switch (action.kind) {
		case PolicyAction::Kind::Grab: grab(device, action.reason); break;
		case PolicyAction::Kind::GrabWaits:
			logJournalEntry(journalGrabDeferred(device, action.reason, session));
			break;
		case PolicyAction::Kind::GrabRefused:
			logJournalEntry(journalGrabRefused(device, action.reason, action.detail, session));
			break;
		case PolicyAction::Kind::VerdictChanged: {
			if (!session)
				break;
			// Logged once per verdict change: the reason, the device and
			// aggregate timings; never which keys.
			const std::string why = action.reason + " from " + sysname + " " +
						formatDeviceLine(device.info) + ": " + action.describe();
			verdictChanged(*session, why.c_str(), action.reason, &device);
			break;
		}
		case PolicyAction::Kind::LockSession:
			if (session) {
				lockSession(*session, action.reason);
				saveSessionSnapshots();
			}
			break;
		case PolicyAction::Kind::SaveProfile:
			if (session)
				saveProfile(session->info.uid);
			break;
		case PolicyAction::Kind::ProfileState:
			if (session)
				profileChanged(session->info.uid);
			break;
		case PolicyAction::Kind::Notice:
			log_notice("device %s: %s: %s", sysname.c_str(), action.reason.c_str(), action.detail.c_str());
			break;
		case PolicyAction::Kind::TrustChanged:
			// Not logged: trust moves with every few windows; the verdict
			// changes are the log's.
			if (session && observer_)
				observer_->sessionTrustChanged(*session);
			if (session)
				saveSessionSnapshots();
			break;
		}
	}
}

void Daemon::grab(DeviceRecord &device, std::string reason)
{
	// The kernel applies EVIOCGRAB as the ioctl starts, then waits out an
	// RCU grace period before it returns: the time before the call is when
	// the grab took effect.
	const uint64_t at = nowUsec();
	if (auto r = source_->setGrab(device.id, true); !r) {
		log_warning("device %s: grab failed: %s, ignoring", sanitizeForDisplay(device.info.sysname, 32).c_str(),
			    r.error().message.c_str());
		return;
	}
	PolicyDecider::grabbed(device, std::move(reason));
	// How long after the event that decided it: what else could slip
	// through to other readers meanwhile (a tool's next report is one USB
	// poll, 1-10 ms, away).
	const bool timed = source_->liveClock() && device.lastEventUsec && at >= device.lastEventUsec;
	logJournalEntry(journalDeviceGrabbed(device, timed ? static_cast<int64_t>(at - device.lastEventUsec) : -1));
	if (observer_)
		observer_->deviceChanged(device);
}

void Daemon::lockSession(const SessionRecord &session, std::string_view reason)
{
	if (session.info.pseudo || !bus_) {
		const char *why = session.info.pseudo ? "pseudo-session without logind" : "no system bus";
		logJournalEntry(journalLockFailed(session.info.id, reason,
						  session.info.pseudo ? "no-logind" : "no-system-bus", LogLevel::Notice,
						  "session " + sanitizeForDisplay(session.info.id, 64) +
							  ": cannot lock (" + why + "), publishing only"));
		return;
	}
	// Asynchronous: logind answers later (onLockSessionReply says whether
	// it agreed), and the Lock signal it sends comes back to the
	// SessionTracker as the locked state.
	auto pending = std::make_unique<PendingLock>(PendingLock{this, session.info.id, std::string(reason), nullptr});
	const int r =
		sd_bus_call_method_async(bus_, outPtr(pending->slot), "org.freedesktop.login1",
					 "/org/freedesktop/login1", "org.freedesktop.login1.Manager", "LockSession",
					 onLockSessionReply, pending.get(), "s", session.info.id.c_str());
	if (r < 0) {
		const char *errnoName = strerrorname_np(-r);
		logJournalEntry(journalLockFailed(
			session.info.id, reason, errnoName ? errnoName : "?", LogLevel::Warning,
			"session " + sanitizeForDisplay(session.info.id, 64) + ": cannot ask logind to lock it (" +
				std::string(reason) + "): " + std::strerror(-r) + ", ignoring"));
		return;
	}
	logJournalEntry(journalLockRequested(session.info, reason));
	pendingLocks_.push_back(std::move(pending));
}

int Daemon::onLockSessionReply(sd_bus_message *reply, void *userdata, sd_bus_error *)
{
	auto *pending = static_cast<PendingLock *>(userdata);
	Daemon *self = pending->daemon;
	const int r = logGuarded("LockSession reply", [&] {
		const std::string id = sanitizeForDisplay(pending->sessionId, 64);
		if (sd_bus_message_is_method_error(reply, nullptr)) {
			const sd_bus_error *e = sd_bus_message_get_error(reply);
			const std::string name = e && e->name ? e->name : "?";
			logJournalEntry(journalLockFailed(
				pending->sessionId, pending->reason, name, LogLevel::Warning,
				"session " + id + ": logind refused to lock it (" + pending->reason + "): " + name +
					": " + sanitizeForDisplay(e && e->message ? e->message : "", 256)));
		} else {
			logJournalEntry(journalLockAccepted(pending->sessionId, pending->reason));
		}
		return 0;
	});
	// Frees pending and its slot; sd-bus holds its own reference during the call.
	self->pendingLocks_.remove_if([pending](const std::unique_ptr<PendingLock> &p) { return p.get() == pending; });
	return r;
}

namespace {

constexpr const char *kSessionsFile = "sessions";

} // namespace

void Daemon::loadSessionSnapshots()
{
	if (options_.runtimeDirectory.empty())
		return;
	const std::string path = options_.runtimeDirectory + "/" + kSessionsFile;
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
	if (!fd.valid()) {
		if (errno != ENOENT)
			log_warning("cannot read %s: %s, ignoring", sanitizeForDisplay(path, 256).c_str(),
				    std::strerror(errno));
		return;
	}
	// Bounded: kMaxSessionSnapshots lines of at most ~600 bytes.
	std::string text;
	char buf[16384];
	for (;;) {
		const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		text.append(buf, static_cast<size_t>(n));
		if (text.size() > kMaxSessionSnapshots * 1024) {
			log_warning("%s: larger than %zu bytes, ignoring", sanitizeForDisplay(path, 256).c_str(),
				    kMaxSessionSnapshots * 1024);
			return;
		}
	}
	auto parsed = parseSessionSnapshots(text);
	if (!parsed) {
		log_warning("%s: %s, ignoring", sanitizeForDisplay(path, 256).c_str(),
			    sanitizeForDisplay(parsed.error().message, 256).c_str());
		return;
	}
	for (SessionSnapshot &s : *parsed)
		restored_.emplace(s.id, std::move(s));
	savedSnapshots_ = text;
	if (!restored_.empty())
		log_info("%zu session(s) from before a restart in %s", restored_.size(),
			 sanitizeForDisplay(path, 256).c_str());
}

void Daemon::saveSessionSnapshots()
{
	if (options_.runtimeDirectory.empty())
		return;
	std::vector<SessionSnapshot> all;
	for (const auto &[id, session] : sessions_)
		all.push_back(PolicyDecider::snapshot(id, session));
	for (const auto &[id, snapshot] : restored_)
		all.push_back(snapshot);
	std::string text = formatSessionSnapshots(all);
	if (text == savedSnapshots_)
		return;
	// Written whole and renamed over: a crash leaves the old file or the new.
	const std::string path = options_.runtimeDirectory + "/" + kSessionsFile;
	const std::string tmp = options_.runtimeDirectory + "/." + kSessionsFile + ".tmp";
	UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
	bool ok = fd.valid();
	for (size_t done = 0; ok && done < text.size();) {
		const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		done += ok ? static_cast<size_t>(n) : 0;
	}
	const int error = errno;
	fd.reset();
	if (!ok || ::rename(tmp.c_str(), path.c_str()) < 0) {
		log_warning("cannot write %s: %s, ignoring", sanitizeForDisplay(path, 256).c_str(),
			    std::strerror(ok ? errno : error));
		::unlink(tmp.c_str());
		return;
	}
	savedSnapshots_ = std::move(text);
}

void Daemon::callbackFailed(const CallbackFault &fault)
{
	log_error("%s: %s, ignoring", fault.where, fault.what);
}

Result<void> Daemon::acknowledgeReauthentication(const std::string &sessionId)
{
	auto it = sessions_.find(sessionId);
	if (it == sessions_.end())
		return makeError(-ENOENT, "no session " + sanitizeForDisplay(sessionId, 64));
	log_info("session %s: re-authentication acknowledged, trust restarts",
		 sanitizeForDisplay(sessionId, 64).c_str());
	if (PolicyDecider::reauthenticated(it->second, static_cast<int64_t>(nowUsec())))
		verdictChanged(it->second, "re-authenticated", "re-authenticated");
	saveSessionSnapshots();
	return {};
}

namespace {

/** The input events of a device that count as the seat's input for an agent report: key presses, buttons, motion. */
uint64_t seatInputEvents(const DeviceCounters &c)
{
	return c.keyPresses + c.buttonEvents + c.relEvents + c.absEvents;
}

} // namespace

Result<void> Daemon::reportSessionInput(const std::string &sessionId, const SessionInputReport &report)
{
	auto it = sessions_.find(sessionId);
	if (it == sessions_.end())
		return makeError(-ENOENT, "no session " + sanitizeForDisplay(sessionId, 64));
	SessionRecord &session = it->second;
	// What the seat's evdev devices produced since the previous report:
	// counts kept per device anyway, so no per-frame cost for this.
	// Devices removed since keep counting: without them the sum would drop
	// when a device goes, and the next report would see none of the
	// seat's input (vm-session-agent: a uinput keyboard removed, then
	// typing on the USB keyboard was "unattributable").
	const auto removed = seatInputRemoved_.find(session.info.seat);
	uint64_t seatInput = removed == seatInputRemoved_.end() ? 0 : removed->second;
	for (const auto &[id, device] : devices_)
		if (device.info.seat == session.info.seat)
			seatInput += seatInputEvents(device.counters);
	const uint64_t since = seatInput - std::min(seatInput, session.seatInputAtReport);
	session.seatInputAtReport = seatInput;
	// The agent's window and these counts are cut at different moments (the
	// X server stamps an event when it runs it, tactusd counts it when it
	// reads it): a press counted just before the previous report can reach
	// the agent just after it, and the next report then finds "none since"
	// (vm-session-agent on an idle host: USB typing was "unattributable").
	// Seat input within the report's window, and 2 s more, attributes it.
	constexpr uint64_t kReportSlackUsec = 2'000'000;
	const uint64_t now = nowUsec();
	const uint64_t lastSeatInput = lastSeatInputUsec(session.info.seat);
	const bool recentSeatInput =
		lastSeatInput && lastSeatInput + report.windowUsec + kReportSlackUsec >= now && lastSeatInput <= now;
	const uint64_t seatEvents = since ? since : (recentSeatInput ? 1 : 0);
	const std::string id = sanitizeForDisplay(sessionId, 64);
	// An agent reports every few seconds while input flows: its lines are
	// rate-limited per session (verdict changes are logged regardless).
	const bool logIt = report.carriesInput() && session.reportLog.below(nowUsec());
	if (logIt) {
		if (const uint64_t suppressed = session.reportLog.takeSuppressed())
			log_info("session %s: %" PRIu64 " agent report lines suppressed by the rate limit", id.c_str(),
				 suppressed);
		log_info("session %s: agent reports %s; the seat's evdev devices made %" PRIu64 " input events since",
			 id.c_str(), report.describe().c_str(), since);
	}
	std::string allowedWhy;
	const auto actions = policy_.sessionInput(session, session.info.locked, report, options_.allow,
						  session.info.seat, seatEvents, allowedWhy);
	if (!allowedWhy.empty() && logIt)
		log_info("session %s: agent-reported %s input %s", id.c_str(),
			 std::string(sessionInputSourceName(report.source)).c_str(), allowedWhy.c_str());
	for (const PolicyAction &action : actions) {
		if (action.kind == PolicyAction::Kind::VerdictChanged) {
			const std::string why = action.reason + " reported by the session agent: " + action.detail;
			verdictChanged(session, why.c_str(), action.reason);
		} else if (action.kind == PolicyAction::Kind::LockSession) {
			lockSession(session, action.reason);
		}
	}
	saveSessionSnapshots();
	return {};
}

Result<void> Daemon::resetProfile(const std::string &sessionId)
{
	return replaceProfile(sessionId, false);
}

Result<void> Daemon::forgetProfile(const std::string &sessionId)
{
	return replaceProfile(sessionId, true);
}

Result<void> Daemon::replaceProfile(const std::string &sessionId, bool forget)
{
	auto it = sessions_.find(sessionId);
	if (it == sessions_.end())
		return makeError(-ENOENT, "no session " + sanitizeForDisplay(sessionId, 64));
	const uid_t uid = it->second.info.uid;
	Profile fresh;
	fresh.uid = uid;
	if (profiles_ && !it->second.info.pseudo) {
		if (forget) {
			if (auto r = profiles_->forget(uid); !r)
				return r.error();
		} else if (auto reset = profiles_->reset(uid, realtimeUsec(), EnrollmentParams{}); !reset) {
			return reset.error();
		} else {
			fresh = std::move(*reset);
		}
		if (keystrokeModel_)
			restartIfModelChanged(fresh, Modality::Keystroke, keystrokeModelId(*keystrokeModel_),
					      EnrollmentParams{}, realtimeUsec());
		users_.insert_or_assign(uid, std::move(fresh));
	}
	log_info("session %s: profile of uid %u %s", sanitizeForDisplay(sessionId, 64).c_str(),
		 static_cast<unsigned>(uid),
		 forget ? "forgotten: its files are deleted" : "reset: enrollment restarts");
	// Every session of the user learns and is scored from the new profile.
	for (auto &[id, session] : sessions_) {
		if (session.info.uid != uid || session.info.pseudo)
			continue;
		if (!session.profile && !(id == sessionId))
			continue;
		if (policy_.profileReplaced(session, static_cast<int64_t>(nowUsec())))
			verdictChanged(session, forget ? "profile forgotten" : "profile reset",
				       forget ? "profile-forgotten" : "profile-reset");
	}
	if (users_.count(uid)) {
		profileChanged(uid);
	} else {
		it->second.profileState = "none";
		it->second.enrollmentProgress = 0.0;
		if (observer_)
			observer_->sessionChanged(it->second, false);
	}
	saveSessionSnapshots();
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
	policy_.setEnforce(mode == "enforce", [this](const std::function<void(PolicyDevice &)> &visit) {
		for (auto &[id, device] : devices_)
			visit(device);
	});
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
			PolicyDecider::released(device);
			log_notice("device %s: waiting grab cancelled by an administrator",
				   sanitizeForDisplay(sysname, 32).c_str());
			return {};
		}
		if (!device.grabbed)
			return makeError(-EALREADY, "device " + sanitizeForDisplay(sysname, 32) + " is not grabbed");
		if (auto r = source_->setGrab(id, false); !r)
			return r;
		PolicyDecider::released(device);
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
	// A keyboard present at start-up is no new keyboard; one plugged in
	// later is, from the moment it appears.
	policy_.deviceAdded(record, options_.allow, started_ ? nowUsec() : 0);
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
		 " repeat, buttons %" PRIu64 ", rel %" PRIu64 ", abs %" PRIu64 ", other %" PRIu64 ", resyncs %" PRIu64,
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
	seatInputRemoved_[it->second.info.seat] += seatInputEvents(it->second.counters);
	uint64_t &lastRemoved = seatLastInputRemoved_[it->second.info.seat];
	lastRemoved = std::max(lastRemoved, it->second.lastEventUsec);
	policy_.deviceRemoved(it->second);
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
	c.frames++;
	totalFrames_++;
	// Key events are counted, never shown: which key was pressed is exactly
	// what tactus promises not to know outside the feature extractor.
	for (const InputEvent &ev : events) {
		switch (ev.type) {
		case EV_SYN: break;
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
		case EV_REL: c.relEvents++; break;
		case EV_ABS: c.absEvents++; break;
		default: c.otherEvents++; break;
		}
	}
	// The session is looked up only if the frame raises evidence; one
	// captured pointer keeps std::function from allocating per frame.
	struct {
		Daemon *self;
		DeviceRecord *device;
		SessionRecord *session = nullptr;
	} lookup{this, &device};
	const auto actions = policy_.frame(device, events, [&lookup] {
		SessionContext context;
		if (!lookup.self->tracker_)
			return context;
		auto sessionId = lookup.self->tracker_->activeSessionOf(lookup.device->info.seat);
		if (!sessionId)
			return context;
		if (auto found = lookup.self->sessions_.find(*sessionId); found != lookup.self->sessions_.end()) {
			lookup.session = &found->second;
			context.state = lookup.session;
			context.locked = lookup.session->info.locked;
			context.realtimeUs = realtimeUsec();
		}
		return context;
	});
	if (!actions.empty())
		carryOut(device, lookup.session, actions);
	if (options_.pointerIdleTimer && device.pointerTrack)
		if (const auto due = PolicyDecider::pointerIdleDue(device))
			armPointerTimer(*due);
}

void Daemon::armPointerTimer(uint64_t due)
{
	if (pointerTimer_)
		return;
	if (int r = sd_event_add_time(loop_, outPtr(pointerTimer_), CLOCK_MONOTONIC, due, 0, onPointerTimer, this);
	    r < 0) {
		pointerTimer_.reset();
		log_warning("cannot arm the pointer pause timer: %s", std::strerror(-r));
	}
}

int Daemon::onPointerTimer(sd_event_source *, uint64_t, void *userdata)
{
	auto *self = static_cast<Daemon *>(userdata);
	return logGuarded("pointer pause timer", [&] {
		self->pointerTimer_.reset();
		const uint64_t now = nowUsec();
		uint64_t next = 0;
		for (auto &entry : self->devices_) {
			// Not a structured binding: the resolver below captures it
			// (clang before 16 refuses to capture a binding).
			DeviceRecord &device = entry.second;
			if (!device.pointerTrack)
				continue;
			const auto due = PolicyDecider::pointerIdleDue(device);
			if (!due)
				continue;
			if (*due > now) {
				next = next == 0 ? *due : std::min(next, *due);
				continue;
			}
			SessionRecord *session = nullptr;
			const auto actions = self->policy_.pointerIdle(device, now, [&] {
				SessionContext context;
				if (!self->tracker_)
					return context;
				auto sessionId = self->tracker_->activeSessionOf(device.info.seat);
				if (!sessionId)
					return context;
				if (auto found = self->sessions_.find(*sessionId); found != self->sessions_.end()) {
					session = &found->second;
					context.state = session;
					context.locked = session->info.locked;
					context.realtimeUs = realtimeUsec();
				}
				return context;
			});
			if (!actions.empty())
				self->carryOut(device, session, actions);
		}
		if (next)
			self->armPointerTimer(next);
		return 0;
	});
}

void Daemon::eventsDropped(DeviceId id)
{
	auto it = devices_.find(id);
	if (it == devices_.end())
		return;
	it->second.counters.resyncs++;
	policy_.eventsDropped(it->second);
	// A flooding device overruns the buffer many times a second: the
	// journal gets one line per 10 s of it (the removal line counts all).
	uint64_t held = 0;
	if (!it->second.droppedLog.allow(nowUsec(), held))
		return;
	const std::string more = held ? " (" + std::to_string(held) + " more since the last report)" : "";
	log_warning("device %s: kernel buffer overrun (SYN_DROPPED), state resynced%s",
		    sanitizeForDisplay(it->second.info.sysname, 32).c_str(), more.c_str());
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
