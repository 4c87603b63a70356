// SPDX-License-Identifier: MIT
// PolicyDecider: frames and session state in, the actions for the daemon
// out, in order — without a daemon, a bus or a device.

#include "decider.h"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace tactus;

namespace {

using Kind = PolicyAction::Kind;

// The daemon's side, reduced to what the decider needs: its devices, one
// session, and a record of the actions it would carry out.
struct Harness {
	std::map<DeviceId, PolicyDevice> devices;
	PolicySession session;
	bool haveSession = true;
	bool locked = false;
	unsigned lookups = 0;
	PolicyDecider decider;

	explicit Harness(PolicySettings settings)
	    : decider(settings, [this](const std::function<void(const PolicyDevice &)> &visit) {
		      for (const auto &[id, device] : devices)
			      visit(device);
	      })
	{
	}

	PolicyDevice &add(DeviceId id, Provenance provenance, bool keyboard, bool pointer = false,
			  std::map<std::string, std::string> udev = {}, uint64_t nowUsec = 0)
	{
		PolicyDevice device;
		device.id = id;
		device.info.sysname = "event" + std::to_string(id);
		device.info.provenance = provenance;
		device.info.caps.keyboard = keyboard;
		device.info.caps.pointer = pointer;
		device.info.udevProperties = std::move(udev);
		PolicyDevice &stored = devices.insert_or_assign(id, std::move(device)).first->second;
		decider.deviceAdded(stored, AllowPolicy{}, nowUsec);
		return stored;
	}

	// One frame; a Grab action is carried out (as the daemon does when
	// EVIOCGRAB succeeds).
	std::vector<PolicyAction> frame(DeviceId id, std::vector<InputEvent> events)
	{
		PolicyDevice &device = devices.at(id);
		auto actions = decider.frame(device, events, [this] {
			lookups++;
			SessionContext context;
			if (haveSession) {
				context.state = &session;
				context.locked = locked;
			}
			return context;
		});
		for (const auto &a : actions)
			if (a.kind == Kind::Grab)
				PolicyDecider::grabbed(device, a.reason);
		return actions;
	}
};

// Irregular, human-like intervals in [lo, lo + span) ms, deterministic.
struct Jitter {
	uint32_t state = 12345;
	uint64_t next(uint64_t lo, uint64_t span)
	{
		state = state * 1103515245u + 12345u;
		return lo + (state >> 16) % span;
	}
};

InputEvent key(uint64_t ms, uint16_t code, int32_t value)
{
	return InputEvent{ms * 1000, EV_KEY, code, value};
}

InputEvent syn(uint64_t ms)
{
	return InputEvent{ms * 1000, EV_SYN, SYN_REPORT, 0};
}

std::vector<Kind> kinds(const std::vector<PolicyAction> &actions)
{
	std::vector<Kind> out;
	for (const auto &a : actions)
		out.push_back(a.kind);
	return out;
}

PolicySettings enforce(bool grab = true, bool lock = true)
{
	PolicySettings s;
	s.enforce = true;
	s.grabOnInjected = grab;
	s.lockOnInjected = lock;
	return s;
}

// A script typing at USB-poll pace: each key held one 1 ms poll, 20 ms apart.
std::vector<std::vector<InputEvent>> scriptFrames(unsigned keys, uint64_t startMs = 1000)
{
	std::vector<std::vector<InputEvent>> frames;
	const uint16_t codes[] = {KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y};
	for (unsigned i = 0; i < keys; i++) {
		const uint64_t t = startMs + i * 20;
		const uint16_t code = codes[i % 6];
		frames.push_back({key(t, code, 1), syn(t)});
		frames.push_back({key(t + 1, code, 0), syn(t + 1)});
	}
	return frames;
}

} // namespace

TEST(PolicyDecider, AllowedFollowsUdevThenAllowListThenProvenance)
{
	Harness h(PolicySettings{});
	EXPECT_TRUE(h.add(1, Provenance::Hardware, true).allowed);
	EXPECT_EQ(h.devices.at(1).allowedWhy, "hardware");
	EXPECT_FALSE(h.add(2, Provenance::Uinput, true).allowed);
	EXPECT_EQ(h.devices.at(2).allowedWhy, "synthetic, not allow-listed");
	EXPECT_TRUE(h.add(3, Provenance::Uinput, true, false, {{"TACTUS_TRUST", "allow"}}).allowed);
	EXPECT_EQ(h.devices.at(3).allowedWhy, "udev TACTUS_TRUST=allow");
	EXPECT_FALSE(h.add(4, Provenance::Hardware, true, false, {{"TACTUS_TRUST", "deny"}}).allowed);
	EXPECT_EQ(h.devices.at(4).allowedWhy, "udev TACTUS_TRUST=deny");

	auto allow = AllowPolicy::parse("[Match]\nProvenance=uinput\nName=event5\n[Decision]\nAllow=yes\n", "t.rules");
	if (allow) {
		PolicyDevice d;
		d.info.sysname = "event5";
		d.info.name = "event5";
		d.info.provenance = Provenance::Uinput;
		decideAllowed(d, *allow);
		EXPECT_TRUE(d.allowed) << d.allowedWhy;
	}
}

TEST(PolicyDecider, UnequivocalReasons)
{
	EXPECT_TRUE(isUnequivocal("synthetic-device"));
	EXPECT_TRUE(isUnequivocal("denied-device"));
	EXPECT_TRUE(isUnequivocal("superhuman-rate"));
	EXPECT_FALSE(isUnequivocal("too-regular"));
	EXPECT_FALSE(isUnequivocal("new-keyboard-burst"));
	EXPECT_FALSE(isUnequivocal("robotic-pointer"));
}

TEST(PolicyDecider, MonitorModeOnlyPublishes)
{
	Harness h(PolicySettings{});
	h.add(1, Provenance::Uinput, true);
	auto actions = h.frame(1, {key(10, KEY_A, 1), syn(10)});
	ASSERT_EQ(kinds(actions), std::vector<Kind>{Kind::VerdictChanged});
	EXPECT_EQ(actions[0].reason, "synthetic-device");
	EXPECT_EQ(actions[0].describe(), "synthetic, not allow-listed");
	EXPECT_EQ(verdictName(h.session.evidence.state().verdict), "injected");
	// The same evidence again changes nothing.
	EXPECT_TRUE(h.frame(1, {key(20, KEY_A, 0), syn(20)}).empty());
	EXPECT_FALSE(h.session.lockRequested);
}

TEST(PolicyDecider, SyntheticKeyboardInEnforceModeWaitsForItsKeyThenGrabsAndLocksOnce)
{
	Harness h(enforce());
	h.add(1, Provenance::Hardware, true);
	h.add(2, Provenance::Uinput, true);
	// The press is delivered to everyone; the grab waits for the release.
	auto actions = h.frame(2, {key(10, KEY_A, 1), syn(10)});
	EXPECT_EQ(kinds(actions), (std::vector<Kind>{Kind::GrabWaits, Kind::VerdictChanged, Kind::LockSession}));
	EXPECT_EQ(h.devices.at(2).grabPending, "synthetic-device");
	actions = h.frame(2, {key(15, KEY_A, 0), syn(15)});
	ASSERT_EQ(kinds(actions), std::vector<Kind>{Kind::Grab});
	EXPECT_EQ(actions[0].reason, "synthetic-device");
	EXPECT_TRUE(h.devices.at(2).grabbed);
	EXPECT_TRUE(h.devices.at(2).grabPending.empty());
	// Locked once per verdict: more input asks for nothing more.
	EXPECT_TRUE(h.frame(2, {key(30, KEY_B, 1), syn(30)}).empty());
	// Re-authentication restarts trust, and the next evidence locks again.
	EXPECT_TRUE(PolicyDecider::reauthenticated(h.session, 35000));
	PolicyDecider::released(h.devices.at(2));
	actions = h.frame(2, {key(40, KEY_B, 0), syn(40)});
	EXPECT_EQ(kinds(actions), (std::vector<Kind>{Kind::Grab, Kind::VerdictChanged, Kind::LockSession}));
}

// Issue 11 item 9: lockers (GNOME Shell, KDE, swaylock) never call
// AcknowledgeReauthentication. Before, the first lock was the last: a second
// attack after the person unlocked went unanswered.
TEST(PolicyDecider, UnlockReArmsTheLock)
{
	Harness h(enforce(false, true));
	h.add(1, Provenance::Hardware, true);
	h.add(2, Provenance::Uinput, true);
	EXPECT_EQ(kinds(h.frame(2, {key(10, KEY_A, 1), syn(10)})),
		  (std::vector<Kind>{Kind::VerdictChanged, Kind::LockSession}));
	h.locked = true; // logind: Lock
	EXPECT_TRUE(h.frame(2, {key(20, KEY_A, 0), syn(20)}).empty());
	// Unlocked, but nobody told the decider: the old behaviour, no lock.
	h.locked = false;
	EXPECT_TRUE(h.frame(2, {key(30, KEY_B, 1), syn(30)}).empty());
	// The daemon passes logind's unlock on: the second attack locks again.
	EXPECT_TRUE(PolicyDecider::unlocked(h.session));
	EXPECT_FALSE(PolicyDecider::unlocked(h.session)); // nothing standing any more
	h.add(3, Provenance::Uinput, true);
	EXPECT_EQ(kinds(h.frame(3, {key(40, KEY_C, 1), syn(40)})), std::vector<Kind>{Kind::LockSession});
	// And only once until the next unlock.
	EXPECT_TRUE(h.frame(3, {key(50, KEY_C, 0), syn(50)}).empty());
}

TEST(PolicyDecider, HeldKeyDoesNotPutTheGrabOffPastTheNextPress)
{
	Harness h(enforce(true, false));
	h.add(1, Provenance::Uinput, true);
	EXPECT_EQ(kinds(h.frame(1, {key(10, KEY_LEFTSHIFT, 1), syn(10)})),
		  (std::vector<Kind>{Kind::GrabWaits, Kind::VerdictChanged}));
	// Shift stays down; the next press grabs.
	EXPECT_EQ(kinds(h.frame(1, {key(20, KEY_A, 1), syn(20)})), std::vector<Kind>{Kind::Grab});
}

TEST(PolicyDecider, NoActiveSessionNoEvidenceButDetectorsRun)
{
	Harness h(enforce());
	h.haveSession = false;
	h.add(1, Provenance::Hardware, true);
	for (const auto &f : scriptFrames(6))
		EXPECT_TRUE(h.frame(1, f).empty());
	EXPECT_EQ(h.devices.at(1).keyPresses, 6u);
	EXPECT_EQ(verdictName(h.session.evidence.state().verdict), "learning");
	EXPECT_GT(h.lookups, 0u);
}

TEST(PolicyDecider, SessionLookedUpOnlyOnEvidence)
{
	Harness h(PolicySettings{});
	h.add(1, Provenance::Hardware, true);
	// Human-paced typing: no evidence, no lookup.
	Jitter j;
	uint64_t t = 1000;
	for (unsigned i = 0; i < 40; i++) {
		t += j.next(120, 200);
		const uint64_t up = t + j.next(60, 70);
		EXPECT_TRUE(h.frame(1, {key(t, KEY_A + (i % 3), 1), syn(t)}).empty());
		EXPECT_TRUE(h.frame(1, {key(up, KEY_A + (i % 3), 0), syn(up)}).empty());
	}
	EXPECT_EQ(h.lookups, 0u);
}

TEST(PolicyDecider, ScriptOnHardwareKeyboardConvictedAtItsFourthPress)
{
	Harness h(enforce());
	h.add(1, Provenance::Hardware, true);
	h.add(2, Provenance::Hardware, true);
	std::vector<PolicyAction> first;
	unsigned frames = 0;
	for (const auto &f : scriptFrames(10)) {
		auto actions = h.frame(2, f);
		frames++;
		if (!actions.empty() && first.empty())
			first = actions;
	}
	ASSERT_FALSE(first.empty());
	// Decided on the 4th key's release: grab now (no key is down), then
	// the verdict, then the lock.
	EXPECT_EQ(kinds(first), (std::vector<Kind>{Kind::Grab, Kind::VerdictChanged, Kind::LockSession}));
	EXPECT_EQ(first[1].reason, "superhuman-rate");
	EXPECT_EQ(first[1].atKeyPress, 4u);
	EXPECT_NE(first[1].describe().find("at key press 4 of the device"), std::string::npos) << first[1].describe();
	EXPECT_TRUE(h.devices.at(2).grabbed);
	EXPECT_FALSE(h.devices.at(1).grabbed);
}

TEST(PolicyDecider, OnlyKeyboardOfASeatIsNotGrabbedOnEquivocalEvidence)
{
	PolicyDevice device;
	device.id = 1;
	device.info.caps.keyboard = true;
	std::vector<PolicyDevice> others;
	const ForEachPolicyDevice each = [&others, &device](const std::function<void(const PolicyDevice &)> &visit) {
		visit(device);
		for (const auto &o : others)
			visit(o);
	};
	std::string why;
	EXPECT_TRUE(mayGrab(device, "superhuman-rate", each, why));
	EXPECT_FALSE(mayGrab(device, "too-regular", each, why));
	EXPECT_EQ(why, "it is the only keyboard on seat0 and too-regular is not unequivocal");

	// A second keyboard on another seat, grabbed, or not allowed does not count.
	PolicyDevice other;
	other.id = 2;
	other.info.caps.keyboard = true;
	other.info.seat = "seat1";
	others.push_back(other);
	other.info.seat = "seat0";
	other.id = 3;
	other.grabbed = true;
	others.push_back(other);
	other.id = 4;
	other.grabbed = false;
	other.allowed = false;
	others.push_back(other);
	EXPECT_FALSE(mayGrab(device, "new-keyboard-burst", each, why));
	other.id = 5;
	other.allowed = true;
	others.push_back(other);
	EXPECT_TRUE(mayGrab(device, "new-keyboard-burst", each, why));

	// A pointer needs another pointer.
	device.info.caps.keyboard = false;
	device.info.caps.pointer = true;
	EXPECT_FALSE(mayGrab(device, "robotic-pointer", each, why));
	EXPECT_EQ(why, "it is the only pointer on seat0 and robotic-pointer is not unequivocal");
}

TEST(PolicyDecider, RefusedGrabIsDecidedOnce)
{
	Harness h(enforce(true, false));
	h.add(1, Provenance::Hardware, true);
	// Too regular but human-length holds: fixed 100 ms cadence, 60 ms holds.
	std::vector<std::vector<Kind>> seen;
	for (unsigned i = 0; i < 30; i++) {
		const uint64_t t = 1000 + i * 100;
		auto a = h.frame(1, {key(t, KEY_A + (i % 5), 1), syn(t)});
		if (!a.empty())
			seen.push_back(kinds(a));
		a = h.frame(1, {key(t + 60, KEY_A + (i % 5), 0), syn(t + 60)});
		if (!a.empty())
			seen.push_back(kinds(a));
	}
	ASSERT_FALSE(seen.empty());
	EXPECT_EQ(seen[0], (std::vector<Kind>{Kind::GrabRefused, Kind::VerdictChanged}));
	for (size_t i = 1; i < seen.size(); i++)
		for (Kind k : seen[i])
			EXPECT_NE(k, Kind::GrabRefused);
	EXPECT_TRUE(h.devices.at(1).grabRefused);
	EXPECT_FALSE(h.devices.at(1).grabbed);
}

TEST(PolicyDecider, MonitorModeDropsAWaitingGrab)
{
	Harness h(enforce());
	h.add(1, Provenance::Uinput, true);
	h.frame(1, {key(10, KEY_A, 1), syn(10)});
	ASSERT_EQ(h.devices.at(1).grabPending, "synthetic-device");
	h.decider.setEnforce(false, [&h](const std::function<void(PolicyDevice &)> &visit) {
		for (auto &[id, d] : h.devices)
			visit(d);
	});
	EXPECT_TRUE(h.devices.at(1).grabPending.empty());
	EXPECT_TRUE(h.frame(1, {key(15, KEY_A, 0), syn(15)}).empty());
	EXPECT_FALSE(h.devices.at(1).grabbed);
}

TEST(PolicyDecider, LockedSessionIsNotLockedAgain)
{
	Harness h(enforce(false, true));
	h.locked = true;
	h.add(1, Provenance::Uinput, true);
	EXPECT_EQ(kinds(h.frame(1, {key(10, KEY_A, 1), syn(10)})), std::vector<Kind>{Kind::VerdictChanged});
}

TEST(PolicyDecider, BareSynOrLedFrameFromSyntheticDeviceIsNoEvidence)
{
	Harness h(enforce());
	h.add(1, Provenance::Uinput, true);
	EXPECT_TRUE(h.frame(1, {InputEvent{1000, EV_LED, LED_CAPSL, 1}, syn(1)}).empty());
	EXPECT_EQ(verdictName(h.session.evidence.state().verdict), "learning");
}

TEST(PolicyDecider, NewKeyboardBurstOnlyForKeyboardsAddedAfterStart)
{
	Harness h(PolicySettings{});
	h.add(1, Provenance::Hardware, true);
	// Human typing on the first keyboard.
	Jitter j;
	uint64_t t = 1'000;
	for (unsigned i = 0; i < 10; i++) {
		t += j.next(150, 150);
		h.frame(1, {key(t, KEY_A, 1), syn(t)});
		h.frame(1, {key(t + 90, KEY_A, 0), syn(t + 90)});
	}
	// A keyboard plugged in at 4 s types a sustained burst at once, fast
	// but with human-looking holds and irregular gaps.
	h.add(2, Provenance::Hardware, true, false, {}, 4'000'000);
	std::string reason;
	t = 4'100;
	for (unsigned i = 0; i < 40 && reason.empty(); i++) {
		t += j.next(40, 40);
		const uint64_t up = t + j.next(30, 30);
		for (const auto &f : {std::vector<InputEvent>{key(t, KEY_A + (i % 7), 1), syn(t)},
				      std::vector<InputEvent>{key(up, KEY_A + (i % 7), 0), syn(up)}})
			for (const auto &a : h.frame(2, f))
				if (a.kind == Kind::VerdictChanged)
					reason = a.reason;
	}
	EXPECT_EQ(reason, "new-keyboard-burst");
}
