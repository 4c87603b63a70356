// SPDX-License-Identifier: MIT
#include "decider.h"

#include "util-strings.h"

#include <linux/input.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace tactus {

namespace {

/** "; MODALITY window llr +x.xx" for the log when a window was scored (llr in nats), else empty. */
std::string windowDetail(const char *modality, bool windowDone, double llr)
{
	if (!windowDone)
		return {};
	char buf[96];
	(void)snprintf(buf, sizeof(buf), "; %s window llr %+.2f", modality, llr);
	return buf;
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

// Which keys (and buttons) of the device are down after @p events; true if
// the frame pressed one.
bool trackKeys(PolicyDevice &device, Frame events)
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

PolicyAction makeAction(PolicyAction::Kind kind, std::string reason, std::string detail = {})
{
	PolicyAction action;
	action.kind = kind;
	action.reason = std::move(reason);
	action.detail = std::move(detail);
	return action;
}

} // namespace

std::string PolicyAction::describe() const
{
	if (!evidence.alarm)
		return detail;
	std::string text = evidence.describe();
	if (atKeyPress)
		text += ", at key press " + std::to_string(atKeyPress) + " of the device";
	return text;
}

void decideAllowed(PolicyDevice &device, const AllowPolicy &policy)
{
	const auto trust = device.info.udevProperties.find("TACTUS_TRUST");
	const std::string override = trust == device.info.udevProperties.end() ? "" : trust->second;
	device.burstAllowance.reset();
	if (override == "allow") {
		device.allowed = true;
		device.allowedWhy = "udev TACTUS_TRUST=allow";
	} else if (override == "deny") {
		device.allowed = false;
		device.allowedWhy = "udev TACTUS_TRUST=deny";
	} else if (const auto decision = policy.decide(device.info); decision.matched) {
		device.allowed = decision.allow;
		device.allowedWhy = std::string(decision.allow ? "allow-listed by " : "denied by ") + decision.rule;
		if (decision.allow && decision.burst)
			device.burstAllowance.emplace(*decision.burst, device.keyTiming.config().pauseUsec);
	} else if (isSynthetic(device.info.provenance)) {
		device.allowed = false;
		device.allowedWhy = "synthetic, not allow-listed";
	} else {
		device.allowed = true;
		device.allowedWhy = std::string(provenanceName(device.info.provenance));
	}
}

bool isUnequivocal(std::string_view reason)
{
	return reason == "synthetic-device" || reason == "denied-device";
}

bool mayGrab(const PolicyDevice &device, std::string_view reason, const ForEachPolicyDevice &devices, std::string &why)
{
	if (isUnequivocal(reason))
		return true;
	bool other = false;
	devices([&](const PolicyDevice &peer) {
		if (other || peer.id == device.id || peer.grabbed || !peer.allowed ||
		    peer.info.seat != device.info.seat)
			return;
		const bool peerPointer = peer.info.caps.pointer || peer.info.caps.absPointer;
		other = device.info.caps.keyboard ? peer.info.caps.keyboard : peerPointer;
	});
	if (other)
		return true;
	why = "it is the only " + std::string(device.info.caps.keyboard ? "keyboard" : "pointer") + " on " +
	      sanitizeForDisplay(device.info.seat, 32) + " and " + std::string(reason) + " is not unequivocal";
	return false;
}

PolicyDecider::PolicyDecider(PolicySettings settings, ForEachPolicyDevice devices)
    : settings_(settings), devices_(std::move(devices))
{
}

void PolicyDecider::setEnforce(bool enforce,
			       const std::function<void(const std::function<void(PolicyDevice &)> &)> &devices)
{
	settings_.enforce = enforce;
	if (!enforce)
		devices([](PolicyDevice &device) { device.grabPending.clear(); });
}

void PolicyDecider::deviceAdded(PolicyDevice &device, const AllowPolicy &allow, uint64_t nowUsec)
{
	decideAllowed(device, allow);
	burst_[device.info.seat].deviceAdded(device.id, nowUsec, device.info.caps.keyboard);
	// An absolute pointer's jumps are judged against its axis ranges;
	// without them no teleport could ever be seen.
	const auto x = device.info.absAxes.find(ABS_X), y = device.info.absAxes.find(ABS_Y);
	if (x != device.info.absAxes.end() && y != device.info.absAxes.end())
		device.pointerMotion.setAbsRange(x->second.minimum, x->second.maximum, y->second.minimum,
						 y->second.maximum);
	if (model_ && device.info.caps.keyboard)
		device.keystrokeRows.emplace(model_->classSet());
	if (pointerModel_)
		if (auto scale = pointerScaleFor(device.info))
			device.pointerTrack.emplace(*scale, *pointerModel_);
	if (touch_)
		if (auto axes = touchAxesFor(device.info))
			device.touchTrack.emplace(*axes, touchParams_.strokes);
}

void PolicyDecider::deviceRemoved(const PolicyDevice &device)
{
	burst_[device.info.seat].deviceRemoved(device.id);
}

void PolicyDecider::eventsDropped(PolicyDevice &device)
{
	device.keyTiming.reset();
	if (device.burstAllowance)
		device.burstAllowance->reset();
	device.pointerMotion.reset();
	if (device.keystrokeRows)
		device.keystrokeRows->reset();
	if (device.pointerTrack)
		device.pointerTrack->reset();
	if (device.touchTrack)
		device.touchTrack->reset();
}

void PolicyDecider::grabbed(PolicyDevice &device, std::string reason)
{
	device.grabPending.clear();
	device.grabbed = true;
	device.grabReason = std::move(reason);
}

void PolicyDecider::released(PolicyDevice &device)
{
	device.grabPending.clear();
	device.grabbed = false;
	device.grabReason.clear();
}

namespace {

// What the session shows of its behaviour: learning (and the neutral trust)
// until a modality's profile is ready, then the session trust's verdict,
// trust and reasons. True if the published state changed.
bool publishBehaviour(PolicySession &session)
{
	if (!session.trust)
		return session.evidence.setBehaviour(Verdict::Learning, VerdictState{}.trust, {});
	const SessionTrust &t = *session.trust;
	const Verdict verdict = t.verdict();
	if (verdict == Verdict::Learning)
		return session.evidence.setBehaviour(Verdict::Learning, VerdictState{}.trust, {});
	return session.evidence.setBehaviour(verdict, t.trust(), t.reasons());
}

// Trust moved by kTrustPublishStep or more while the verdict stayed: publish
// the new trust. True if the published state changed (never while injected).
bool publishTrust(PolicySession &session)
{
	if (!session.trust)
		return false;
	const SessionTrust &t = *session.trust;
	const Verdict verdict = t.verdict();
	const VerdictState &shown = session.evidence.state();
	if (verdict == Verdict::Learning || verdict != shown.verdict ||
	    std::abs(t.trust() - shown.trust) < kTrustPublishStep)
		return false;
	return session.evidence.setBehaviour(verdict, t.trust(), t.reasons());
}

} // namespace

bool PolicyDecider::reauthenticated(PolicySession &session, int64_t nowUs)
{
	session.lockRequested = false;
	bool changed = false;
	if (session.trust && session.profile) {
		session.trust->reset(nowUs);
		if (session.keystrokes)
			session.keystrokes->restartWindow();
		if (session.pointer)
			session.pointer->restartWindow();
		if (session.touch)
			session.touch->restartWindow();
		// Published at once unless injection evidence stands (then reset() does it).
		changed = publishBehaviour(session);
	}
	// Both, in this order: reset() clears the injection evidence either way.
	return session.evidence.reset() || changed;
}

bool PolicyDecider::unlocked(PolicySession &session)
{
	return std::exchange(session.lockRequested, false);
}

SessionTrust &PolicyDecider::trustOf(PolicySession &session, int64_t nowUs) const
{
	if (!session.trust) {
		session.trust = std::make_unique<SessionTrust>(nowUs, trustParams_);
		// A profile ready before this session: judged from the start.
		if (session.profile) {
			const Profile &p = *session.profile;
			const ModalityProfile *k = p.find(Modality::Keystroke);
			if (model_ && k && isScorable(*k, keystrokeModelId(*model_)))
				session.trust->markReady(Modality::Keystroke, nowUs);
			if (pointerModel_ && PointerBehaviour(*pointerModel_, pointerParams_).ready(p))
				session.trust->markReady(Modality::Pointer, nowUs);
			if (touch_ && TouchBehaviour(touchParams_).ready(p))
				session.trust->markReady(Modality::Touch, nowUs);
		}
	}
	return *session.trust;
}

bool PolicyDecider::profileReplaced(PolicySession &session, int64_t nowUs) const
{
	session.keystrokes.reset();
	session.pointer.reset();
	session.touch.reset();
	session.trust.reset();
	if ((!model_ && !pointerModel_ && !touch_) || !session.profile)
		return session.evidence.setBehaviour(Verdict::Learning, VerdictState{}.trust, {});
	trustOf(session, nowUs);
	return publishBehaviour(session);
}

SessionSnapshot PolicyDecider::snapshot(const std::string &id, const PolicySession &session)
{
	SessionSnapshot s;
	s.id = id;
	s.injectionReasons = session.evidence.injectionReasons();
	s.notes = session.evidence.notes();
	s.lockRequested = session.lockRequested;
	if (session.trust && session.trust->anyReady())
		s.trust = session.trust->model().state();
	return s;
}

bool PolicyDecider::restore(PolicySession &session, const SessionSnapshot &saved, int64_t nowUs) const
{
	const VerdictState before = session.evidence.state();
	session.lockRequested = saved.lockRequested;
	if (saved.trust && (model_ || pointerModel_ || touch_) && session.profile) {
		SessionTrust &trust = trustOf(session, nowUs);
		if (trust.anyReady()) {
			trust.restore(*saved.trust);
			publishBehaviour(session);
		}
	}
	session.evidence.restore(saved.injectionReasons, saved.notes);
	return session.evidence.state() != before;
}

void PolicyDecider::setKeystrokeModel(const KeystrokeModel *model, const KeystrokeBehaviourParams &params)
{
	model_ = model;
	behaviourParams_ = params;
}

void PolicyDecider::setPointerModel(const PointerModelData *model, const PointerBehaviourParams &params)
{
	pointerModel_ = model;
	pointerParams_ = params;
}

void PolicyDecider::setTouch(bool enabled, const TouchBehaviourParams &params)
{
	touch_ = enabled;
	touchParams_ = params;
}

void PolicyDecider::behaviour(PolicyDevice &device, Frame events, LazySession &session,
			      std::vector<PolicyAction> &actions)
{
	KeystrokeExtractor &rows = *device.keystrokeRows;
	bool any = false;
	for (const InputEvent &ev : events) {
		if (ev.type != EV_KEY || isButtonCode(ev.code))
			continue;
		rows.key(ev.code, ev.value, static_cast<int64_t>(ev.timeUsec));
		any = true;
	}
	if (!any)
		return;
	const auto nowUs = static_cast<int64_t>(events.back().timeUsec);
	KeystrokeRow row;
	while (rows.pop(row)) {
		SessionContext &context = session.get();
		if (!context.state || !context.state->profile)
			continue;
		keystroke(row, context, nowUs, actions);
	}
}

void PolicyDecider::outcome(PolicySession &s, bool save, bool profileState, bool scored,
			    const std::optional<TrustChange> &change, std::string_view fallbackReason,
			    const std::string &detail, std::vector<PolicyAction> &actions)
{
	if (save)
		actions.push_back(makeAction(PolicyAction::Kind::SaveProfile, ""));
	if (profileState)
		actions.push_back(makeAction(PolicyAction::Kind::ProfileState, ""));
	if (change || profileState) {
		if (publishBehaviour(s)) {
			std::string reason = change && !change->reasons.empty() ? change->reasons.front()
										: std::string(fallbackReason);
			std::string text = change ? change->describe() : std::string("profile ready");
			actions.push_back(
				makeAction(PolicyAction::Kind::VerdictChanged, std::move(reason), text + detail));
		}
	} else if (scored && publishTrust(s)) {
		actions.push_back(makeAction(PolicyAction::Kind::TrustChanged, ""));
	}
}

void PolicyDecider::keystroke(const KeystrokeRow &row, SessionContext &context, int64_t nowUs,
			      std::vector<PolicyAction> &actions)
{
	PolicySession &s = *context.state;
	SessionTrust &trust = trustOf(s, nowUs);
	if (s.pointer)
		s.pointer->key(static_cast<uint64_t>(nowUs));
	if (!model_)
		return;
	if (!s.keystrokes)
		s.keystrokes = std::make_unique<KeystrokeBehaviour>(*model_, behaviourParams_);
	KeystrokeOutcome out = s.keystrokes->keystroke(row, *s.profile, trust, context.locked, s.evidence.injected(),
						       nowUs, context.realtimeUs);
	std::string detail;
	if (out.scored) {
		char buf[96];
		(void)snprintf(buf, sizeof(buf), "; window distance %.3f, llr %+.2f", out.distance, out.llr);
		detail = buf;
	}
	outcome(s, out.learn.save, out.profileState, out.scored, out.change, "keystroke-behaviour", detail, actions);
}

void PolicyDecider::pointer(PolicyDevice &device, Frame events, LazySession &session,
			    std::vector<PolicyAction> &actions)
{
	if (events.empty())
		return;
	SessionContext &context = session.get();
	if (!context.state || !context.state->profile) {
		// Nobody to judge: the position still follows the device.
		device.pointerTrack->samples.clear();
		device.pointerTrack->sampler.frame(events, device.pointerTrack->samples);
		return;
	}
	PolicySession &s = *context.state;
	const auto nowUs = static_cast<int64_t>(events.back().timeUsec);
	SessionTrust &trust = trustOf(s, nowUs);
	if (!s.pointer)
		s.pointer = std::make_unique<PointerBehaviour>(*pointerModel_, pointerParams_);
	PointerOutcome out = s.pointer->frame(*device.pointerTrack, events, *s.profile, trust, context.locked,
					      s.evidence.injected(), context.realtimeUs);
	if (out.jigglingStarted)
		actions.push_back(makeAction(PolicyAction::Kind::Notice, "pointer-jiggler",
					     "small regular movements without clicks or keys: a mouse jiggler; "
					     "its movement counts for no one"));
	outcome(s, out.save, out.profileState, out.windowDone, out.change, "pointer-behaviour",
		windowDetail("pointer", out.windowDone, out.llr), actions);
}

void PolicyDecider::touch(PolicyDevice &device, Frame events, LazySession &session, std::vector<PolicyAction> &actions)
{
	if (events.empty())
		return;
	SessionContext &context = session.get();
	if (!context.state || !context.state->profile) {
		// Nobody to judge: the slots still follow the device.
		TouchStroke dropped;
		for (const InputEvent &e : events)
			device.touchTrack->tracker.event(e);
		while (device.touchTrack->tracker.pop(dropped)) {
		}
		return;
	}
	PolicySession &s = *context.state;
	const auto nowUs = static_cast<int64_t>(events.back().timeUsec);
	SessionTrust &trust = trustOf(s, nowUs);
	if (!s.touch)
		s.touch = std::make_unique<TouchBehaviour>(touchParams_);
	TouchOutcome out = s.touch->frame(*device.touchTrack, events, *s.profile, trust, context.locked,
					  s.evidence.injected(), context.realtimeUs);
	outcome(s, out.save, out.profileState, out.windowDone, out.change, "touch-behaviour",
		windowDetail("touch", out.windowDone, out.llr), actions);
}

std::vector<PolicyAction> PolicyDecider::pointerIdle(PolicyDevice &device, uint64_t nowUsec,
						     const SessionResolver &resolve)
{
	std::vector<PolicyAction> actions;
	if (!device.pointerTrack || !pointerModel_)
		return actions;
	PointerTrack &track = *device.pointerTrack;
	const std::optional<uint64_t> due = track.flushDueUs();
	if (!due || nowUsec < *due)
		return actions;
	SessionContext context = device.allowed ? resolve() : SessionContext{};
	if (!context.state || !context.state->profile || !context.state->pointer) {
		// Nobody to judge (or nothing moved for a session yet): the
		// movement ends uncounted, as frame() leaves it.
		track.segmenter.reset();
		track.pending = false;
		return actions;
	}
	PolicySession &s = *context.state;
	SessionTrust &trust = trustOf(s, static_cast<int64_t>(nowUsec));
	PointerOutcome out = s.pointer->idle(track, nowUsec, *s.profile, trust, context.locked, s.evidence.injected(),
					     context.realtimeUs);
	outcome(s, out.save, out.profileState, out.windowDone, out.change, "pointer-behaviour",
		windowDetail("pointer", out.windowDone, out.llr), actions);
	return actions;
}

std::optional<uint64_t> PolicyDecider::pointerIdleDue(const PolicyDevice &device)
{
	if (!device.allowed || !device.pointerTrack)
		return std::nullopt;
	return device.pointerTrack->flushDueUs();
}

void PolicyDecider::evidence(PolicyDevice &device, LazySession &lazy, PolicyAction verdict,
			     std::vector<PolicyAction> &actions)
{
	// Input on a seat counts for that seat's active session only, so a
	// switch to another user's session never carries this evidence along.
	const SessionContext &session = lazy.get();
	if (!session.state)
		return;
	const std::string reason = verdict.reason;
	// The grab before anything else: the device's next report is one USB
	// poll away (1-10 ms).
	const bool grabDecided = std::any_of(actions.begin(), actions.end(),
					     [](const PolicyAction &a) { return a.kind == PolicyAction::Kind::Grab; });
	if (settings_.enforce && settings_.grabOnInjected && !device.grabbed && !grabDecided && !device.grabRefused &&
	    device.grabPending.empty()) {
		std::string why;
		if (!mayGrab(device, reason, devices_, why)) {
			device.grabRefused = true;
			actions.push_back(makeAction(PolicyAction::Kind::GrabRefused, reason, std::move(why)));
		} else if (device.keysDown.any()) {
			// Wait for the keys to come up (frame() grabs then): a
			// tool lets go within a USB poll or two.
			device.grabPending = reason;
			actions.push_back(makeAction(PolicyAction::Kind::GrabWaits, reason));
		} else {
			actions.push_back(makeAction(PolicyAction::Kind::Grab, reason));
		}
	}
	if (session.state->evidence.addInjection(reason))
		actions.push_back(std::move(verdict));
	if (settings_.enforce && settings_.lockOnInjected && !session.locked && !session.state->lockRequested) {
		session.state->lockRequested = true;
		actions.push_back(makeAction(PolicyAction::Kind::LockSession, reason));
	}
}

void PolicyDecider::checkTiming(PolicyDevice &device, Frame events, uint64_t presses, LazySession &session,
				std::vector<PolicyAction> &actions)
{
	auto &burst = burst_[device.info.seat];
	for (const InputEvent &ev : events) {
		InjectionEvidence found;
		bool key = false;
		if (ev.type == EV_KEY && !isButtonCode(ev.code)) {
			key = true;
			presses += ev.value == 1; // how many presses it took: a count, never which keys
			if (device.burstAllowance)
				device.burstAllowance->keyEvent(ev.timeUsec, ev.code, ev.value);
			found = device.keyTiming.keyEvent(ev.timeUsec, ev.code, ev.value);
			if (!found.alarm)
				found = burst.keyEvent(device.id, ev.timeUsec, ev.code, ev.value);
			// An allowed machine-speed burst (an OTP touch, a scan) raises
			// nothing while it stays within its length and key kinds.
			if (device.burstAllowance)
				found = device.burstAllowance->judge(found);
		} else if (device.info.caps.pointer || device.info.caps.absPointer) {
			found = device.pointerMotion.event(ev.timeUsec, ev.type, ev.code, ev.value);
		}
		if (!found.alarm)
			continue;
		PolicyAction verdict =
			makeAction(PolicyAction::Kind::VerdictChanged, std::string(injectionReasonName(found.reason)));
		verdict.evidence = found;
		verdict.atKeyPress = key ? presses : 0;
		evidence(device, session, std::move(verdict), actions);
	}
}

std::vector<PolicyAction> PolicyDecider::sessionInput(PolicySession &session, bool locked,
						      const SessionInputReport &report, const AllowPolicy &allow,
						      const std::string &seat, uint64_t seatEvdevEvents,
						      std::string &allowedWhy) const
{
	std::vector<PolicyAction> actions;
	allowedWhy.clear();
	auto note = [&](const char *reason) {
		if (session.evidence.addNote(reason))
			actions.push_back(makeAction(PolicyAction::Kind::VerdictChanged, reason, report.describe()));
	};
	switch (report.source) {
	case SessionInputSource::Unobservable: note("session-input-unobservable"); return actions;
	case SessionInputSource::Evdev:
		if (report.carriesInput() && seatEvdevEvents == 0)
			note("unattributable-input");
		return actions;
	case SessionInputSource::Xtest:
	case SessionInputSource::VirtualDevice: break;
	}
	if (!report.carriesInput())
		return actions;
	// The allow-list sees the client's name where the display server
	// gives one, else the source device's; no provenance, ids or creator:
	// nothing below the display server made this input.
	DeviceInfo source;
	source.name = report.client.empty() ? report.device : report.client;
	source.seat = seat;
	if (const auto decision = allow.decide(source); decision.matched) {
		allowedWhy = std::string(decision.allow ? "allow-listed by " : "denied by ") + decision.rule;
		if (decision.allow)
			return actions;
	}
	const std::string reason = "synthetic-session-input";
	if (session.evidence.addInjection(reason))
		actions.push_back(makeAction(PolicyAction::Kind::VerdictChanged, reason, report.describe()));
	if (settings_.enforce && settings_.lockOnInjected && !locked && !session.lockRequested) {
		session.lockRequested = true;
		actions.push_back(makeAction(PolicyAction::Kind::LockSession, reason));
	}
	return actions;
}

std::vector<PolicyAction> PolicyDecider::unattributedInput(PolicySession &session, const std::string &detail)
{
	std::vector<PolicyAction> actions;
	if (session.evidence.addNote("unattributable-input"))
		actions.push_back(makeAction(PolicyAction::Kind::VerdictChanged, "unattributable-input", detail));
	return actions;
}

std::vector<PolicyAction> PolicyDecider::frame(PolicyDevice &device, Frame events, const SessionResolver &resolve)
{
	std::vector<PolicyAction> actions;
	LazySession session{resolve, std::nullopt};
	const uint64_t pressesBefore = device.keyPresses;
	for (const InputEvent &ev : events)
		if (ev.type == EV_KEY && !isButtonCode(ev.code) && ev.value == 1)
			device.keyPresses++;
	const bool waiting = !device.grabPending.empty();
	const bool pressed = trackKeys(device, events);
	if (!events.empty())
		device.lastEventUsec = events.back().timeUsec;
	// Evidence from the first event, not the fifth: a synthetic device the
	// policy does not allow has no business typing into a session.
	if (!device.allowed && carriesInput(events))
		evidence(device, session,
			 makeAction(PolicyAction::Kind::VerdictChanged,
				    isSynthetic(device.info.provenance) ? "synthetic-device" : "denied-device",
				    device.allowedWhy),
			 actions);
	// Timing is checked on every allowed device, hardware included: a USB
	// stick that enumerates as a keyboard is hardware.
	else
		checkTiming(device, events, pressesBefore, session, actions);
	// Who is typing: only what allowed keyboards type counts.
	if (device.allowed && device.keystrokeRows)
		behaviour(device, events, session, actions);
	// Who is moving the pointer: only allowed pointers count.
	if (device.allowed && device.pointerTrack)
		pointer(device, events, session, actions);
	// Who is touching the screen: only allowed touchscreens count.
	if (device.allowed && device.touchTrack)
		touch(device, events, session, actions);
	// A grab waiting for held keys happens once none is down, or at the
	// next press: holding keys down must not shield a device from it.
	if (!device.grabPending.empty() && (device.keysDown.none() || (waiting && pressed)))
		actions.push_back(makeAction(PolicyAction::Kind::Grab, std::exchange(device.grabPending, {})));
	return actions;
}

} // namespace tactus
