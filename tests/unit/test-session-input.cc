// SPDX-License-Identifier: MIT
// Input reported by a session's agent: the report as a value (checked,
// described without a key), the decider's evidence from it, and the
// session's notes, which change no verdict.

#include "decider.h"
#include "session-input.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace tactus;

namespace {

using Kind = PolicyAction::Kind;

SessionInputReport xtestTyping(uint32_t presses, uint64_t gapUsec)
{
	SessionInputReport r;
	r.source = SessionInputSource::Xtest;
	r.device = "Virtual core XTEST keyboard";
	r.windowUsec = 10'000'000;
	r.keyPresses = presses;
	r.activeUsec = (presses - 1) * gapUsec;
	r.medianIntervalUsec = gapUsec;
	r.minIntervalUsec = gapUsec;
	return r;
}

std::vector<Kind> kinds(const std::vector<PolicyAction> &actions)
{
	std::vector<Kind> out;
	for (const auto &a : actions)
		out.push_back(a.kind);
	return out;
}

struct Decide {
	PolicySession session;
	PolicyDecider decider;
	AllowPolicy allow;
	std::string why;

	explicit Decide(PolicySettings settings = {})
	    : decider(settings, [](const std::function<void(const PolicyDevice &)> &) {})
	{
	}
	std::vector<PolicyAction> report(const SessionInputReport &r, uint64_t seatEvents = 0, bool locked = false)
	{
		return decider.sessionInput(session, locked, r, allow, "seat0", seatEvents, why);
	}
};

} // namespace

TEST(SessionInputReport, SourceNamesRoundTrip)
{
	for (auto s : {SessionInputSource::Xtest, SessionInputSource::VirtualDevice, SessionInputSource::Evdev,
		       SessionInputSource::Unobservable})
		EXPECT_EQ(sessionInputSourceFromName(sessionInputSourceName(s)), s);
	EXPECT_EQ(sessionInputSourceFromName("XTEST"), std::nullopt);
	EXPECT_EQ(sessionInputSourceFromName(""), std::nullopt);
	EXPECT_TRUE(isSyntheticSessionInput(SessionInputSource::Xtest));
	EXPECT_TRUE(isSyntheticSessionInput(SessionInputSource::VirtualDevice));
	EXPECT_FALSE(isSyntheticSessionInput(SessionInputSource::Evdev));
	EXPECT_FALSE(isSyntheticSessionInput(SessionInputSource::Unobservable));
}

TEST(SessionInputReport, RateFromActiveSpan)
{
	// 11 presses 150 ms apart: 10 intervals in 1.5 s, 6.67 presses/s.
	EXPECT_NEAR(xtestTyping(11, 150'000).keyRate(), 6.667, 0.001);
	// All in one ms of X's clock: at least 999 presses per second.
	EXPECT_NEAR(xtestTyping(1000, 0).keyRate(), 999'000.0, 0.001);
	EXPECT_NE(xtestTyping(1000, 0).describe().find("at >=999000.0/s"), std::string::npos)
		<< xtestTyping(1000, 0).describe();
	SessionInputReport one = xtestTyping(2, 0);
	one.keyPresses = 1;
	one.activeUsec = 0;
	EXPECT_EQ(one.keyRate(), 0.0);
}

TEST(SessionInputReport, GarbageIsRefusedWithTheField)
{
	EXPECT_TRUE(xtestTyping(11, 150'000).validate());
	auto refused = [](SessionInputReport r, const char *field) {
		auto v = r.validate();
		ASSERT_FALSE(v) << field;
		EXPECT_NE(v.error().message.find(field), std::string::npos) << v.error().message;
	};
	SessionInputReport r = xtestTyping(11, 150'000);
	r.windowUsec = 0;
	refused(r, "window_us");
	r = xtestTyping(11, 150'000);
	r.windowUsec = ~0ULL;
	refused(r, "window_us");
	r = xtestTyping(11, 150'000);
	r.activeUsec = r.windowUsec + 1;
	refused(r, "active_us");
	r = xtestTyping(11, 150'000);
	r.minIntervalUsec = r.medianIntervalUsec + 1;
	refused(r, "min <= median");
	r = xtestTyping(11, 150'000);
	r.medianIntervalUsec = r.activeUsec + 1;
	refused(r, "min <= median");
	r = xtestTyping(11, 150'000);
	r.keyPresses = 1;
	refused(r, "two key presses");
	r = xtestTyping(11, 150'000);
	r.device = "bad \xff\xfe utf-8";
	refused(r, "UTF-8");
	r = xtestTyping(11, 150'000);
	r.client = std::string(257, 'x');
	refused(r, "256 bytes");
	r = xtestTyping(11, 150'000);
	r.source = SessionInputSource::Unobservable;
	refused(r, "unobservable");
}

TEST(SessionInputReport, DescribeCarriesCountsAndRates)
{
	SessionInputReport r = xtestTyping(11, 150'000);
	r.device = "Virtual core XTEST keyboard\x1b[2J";
	const std::string text = r.describe();
	EXPECT_NE(text.find("xtest"), std::string::npos) << text;
	EXPECT_NE(text.find("11 key presses at 6.7/s (median 150.0 ms, min 150.0 ms)"), std::string::npos) << text;
	EXPECT_EQ(text.find('\x1b'), std::string::npos) << "names are sanitised: " << text;
}

TEST(SessionInputDecider, SyntheticInputIsInjection)
{
	Decide d;
	auto actions = d.report(xtestTyping(11, 150'000));
	EXPECT_EQ(kinds(actions), std::vector<Kind>{Kind::VerdictChanged});
	EXPECT_EQ(actions[0].reason, "synthetic-session-input");
	EXPECT_NE(actions[0].detail.find("6.7/s"), std::string::npos) << actions[0].detail;
	EXPECT_EQ(d.session.evidence.state().verdict, Verdict::Injected);
	EXPECT_EQ(d.session.evidence.state().reasons, std::vector<std::string>{"synthetic-session-input"});
	// More of the same changes nothing.
	EXPECT_TRUE(d.report(xtestTyping(30, 0)).empty());
}

TEST(SessionInputDecider, ReportWithoutInputIsNothing)
{
	Decide d;
	SessionInputReport r = xtestTyping(2, 0);
	r.keyPresses = 0;
	r.activeUsec = r.medianIntervalUsec = r.minIntervalUsec = 0;
	EXPECT_TRUE(d.report(r).empty());
	EXPECT_EQ(d.session.evidence.state().verdict, Verdict::Learning);
}

TEST(SessionInputDecider, EnforceLocksOnceLikeASyntheticDevice)
{
	Decide d(PolicySettings{.enforce = true, .grabOnInjected = true, .lockOnInjected = true});
	EXPECT_EQ(kinds(d.report(xtestTyping(5, 0))), (std::vector<Kind>{Kind::VerdictChanged, Kind::LockSession}));
	SessionInputReport pointer = xtestTyping(2, 0);
	pointer.keyPresses = 0;
	pointer.activeUsec = pointer.medianIntervalUsec = pointer.minIntervalUsec = 0;
	pointer.motionEvents = 40;
	pointer.source = SessionInputSource::VirtualDevice;
	EXPECT_TRUE(d.report(pointer).empty()) << "one lock per verdict";

	Decide locked(PolicySettings{.enforce = true, .grabOnInjected = false, .lockOnInjected = true});
	EXPECT_EQ(kinds(locked.report(xtestTyping(5, 0), 0, true)), std::vector<Kind>{Kind::VerdictChanged})
		<< "a locked session is not locked again";

	Decide monitor(PolicySettings{.enforce = false, .grabOnInjected = true, .lockOnInjected = true});
	EXPECT_EQ(kinds(monitor.report(xtestTyping(5, 0))), std::vector<Kind>{Kind::VerdictChanged});
}

TEST(SessionInputDecider, AllowListMatchesClientElseDevice)
{
	auto policy = AllowPolicy::parse("[KeePassXC auto-type]\nMatchName=keepassxc\nAllow=yes\n"
					 "[Scripts]\nMatchName=xdotool*\nAllow=no\n",
					 "60-test.rules");
	ASSERT_TRUE(policy) << policy.error().message;
	Decide d;
	d.allow = *policy;
	SessionInputReport r = xtestTyping(5, 100'000);
	r.client = "keepassxc";
	EXPECT_TRUE(d.report(r).empty());
	EXPECT_NE(d.why.find("allow-listed by KeePassXC auto-type"), std::string::npos) << d.why;
	EXPECT_EQ(d.session.evidence.state().verdict, Verdict::Learning);

	r.client = "xdotool";
	EXPECT_EQ(kinds(d.report(r)), std::vector<Kind>{Kind::VerdictChanged});
	EXPECT_NE(d.why.find("denied by Scripts"), std::string::npos) << d.why;

	// No client named (X11 XTEST cannot name one): the device name is
	// what a rule sees, and no rule names it here.
	Decide unnamed;
	unnamed.allow = *policy;
	EXPECT_EQ(kinds(unnamed.report(xtestTyping(5, 100'000))), std::vector<Kind>{Kind::VerdictChanged});
	EXPECT_TRUE(unnamed.why.empty());
}

TEST(SessionInputDecider, EvdevInputNobodySawIsANoteNotALock)
{
	Decide d(PolicySettings{.enforce = true, .grabOnInjected = true, .lockOnInjected = true});
	SessionInputReport r = xtestTyping(8, 200'000);
	r.source = SessionInputSource::Evdev;
	r.device = "AT Translated Set 2 keyboard";
	EXPECT_TRUE(d.report(r, 16).empty()) << "the seat's evdev devices made input: attributable";
	auto actions = d.report(r, 0);
	EXPECT_EQ(kinds(actions), std::vector<Kind>{Kind::VerdictChanged});
	EXPECT_EQ(actions[0].reason, "unattributable-input");
	EXPECT_EQ(d.session.evidence.state().verdict, Verdict::Learning) << "a note changes no verdict";
	EXPECT_EQ(d.session.evidence.state().reasons, std::vector<std::string>{"unattributable-input"});
	EXPECT_TRUE(d.report(r, 0).empty()) << "noted once";
}

TEST(SessionInputDecider, UnattributedResumeIsANoteNeverALock)
{
	Decide d(PolicySettings{.enforce = true, .grabOnInjected = true, .lockOnInjected = true});
	auto actions = PolicyDecider::unattributedInput(d.session, "IdleHint went false, seat quiet 40.0 s");
	EXPECT_EQ(kinds(actions), std::vector<Kind>{Kind::VerdictChanged}) << "no LockSession, even in enforce mode";
	EXPECT_EQ(actions[0].reason, "unattributable-input");
	EXPECT_EQ(actions[0].detail, "IdleHint went false, seat quiet 40.0 s");
	EXPECT_EQ(d.session.evidence.state().verdict, Verdict::Learning);
	EXPECT_FALSE(d.session.lockRequested);
	EXPECT_TRUE(PolicyDecider::unattributedInput(d.session, "again").empty()) << "noted once";
}

TEST(SessionInputDecider, UnobservableIsSaidNotSilent)
{
	Decide d;
	SessionInputReport r;
	r.source = SessionInputSource::Unobservable;
	r.device = "GNOME";
	r.windowUsec = 10'000'000;
	ASSERT_TRUE(r.validate());
	auto actions = d.report(r);
	EXPECT_EQ(kinds(actions), std::vector<Kind>{Kind::VerdictChanged});
	EXPECT_EQ(d.session.evidence.state().reasons, std::vector<std::string>{"session-input-unobservable"});
	EXPECT_EQ(d.session.evidence.state().verdict, Verdict::Learning);
}

TEST(SessionEvidenceNotes, InjectionReasonsComeFirstAndResetClearsAll)
{
	SessionEvidence e;
	EXPECT_TRUE(e.addNote("session-input-unobservable"));
	EXPECT_FALSE(e.addNote("session-input-unobservable"));
	EXPECT_TRUE(e.addInjection("synthetic-device"));
	EXPECT_EQ(e.state().reasons, (std::vector<std::string>{"synthetic-device", "session-input-unobservable"}));
	EXPECT_TRUE(e.addInjection("synthetic-session-input"));
	EXPECT_EQ(e.state().reasons, (std::vector<std::string>{"synthetic-device", "synthetic-session-input",
							       "session-input-unobservable"}));
	EXPECT_FALSE(e.setBehaviour(Verdict::Trusted, 0.9, {})) << "injection keeps priority";
	EXPECT_TRUE(e.reset());
	EXPECT_EQ(e.state().verdict, Verdict::Trusted);
	EXPECT_TRUE(e.state().reasons.empty());
	// Notes ride along with a behaviour change.
	EXPECT_TRUE(e.addNote("unattributable-input"));
	EXPECT_TRUE(e.setBehaviour(Verdict::Uncertain, 0.5, {"rhythm-mismatch"}));
	EXPECT_EQ(e.state().reasons, (std::vector<std::string>{"rhythm-mismatch", "unattributable-input"}));
	EXPECT_EQ(e.state().verdict, Verdict::Uncertain);
}
