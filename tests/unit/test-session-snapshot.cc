// SPDX-License-Identifier: MIT
// A session's evidence across a daemon restart (issue 14, crash safety): the
// trust model's and the evidence's state, the runtime file's format and its
// garbage, and the decider giving a restarted session its verdict back.
#include "session-snapshot.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

using namespace tactus;

namespace {

WindowEvidence window(double llr, int64_t t)
{
	WindowEvidence w;
	w.timestampUs = t;
	w.llr = llr;
	w.modality = Modality::Keystroke;
	return w;
}

SessionSnapshot sample()
{
	SessionSnapshot s;
	s.id = "c2";
	s.injectionReasons = {"synthetic-device", "robotic-timing"};
	s.notes = {"unattributable-input"};
	s.lockRequested = true;
	TrustState t;
	t.logOdds = -3.0312499999999996;
	t.verdict = Verdict::Untrusted;
	t.sinceTop = {-6.0312499999999996, 0.0, 0.25};
	t.mass = 1.625;
	t.massAtUs = 123456789012;
	t.windows = 42;
	s.trust = t;
	return s;
}

} // namespace

TEST(TrustModel, StateRestoresVerdictTrustAndReasons)
{
	TrustModel before(0);
	for (int i = 0; i < 12; i++)
		before.addWindow(window(-4.0, 1000000 * (i + 1)));
	ASSERT_EQ(before.verdict(), Verdict::Untrusted);

	TrustModel after(50000000);
	EXPECT_EQ(after.verdict(), Verdict::Trusted);
	after.restore(before.state());
	EXPECT_EQ(after.state(), before.state());
	EXPECT_EQ(after.verdict(), Verdict::Untrusted);
	EXPECT_DOUBLE_EQ(after.trust(), before.trust());
	EXPECT_EQ(after.reasons(), before.reasons());
	EXPECT_EQ(after.reasons(), std::vector<std::string>{"rhythm-mismatch"});
	// Hysteresis goes on from there: one good window does not make it trusted.
	after.addWindow(window(1.0, 60000000));
	EXPECT_EQ(after.verdict(), Verdict::Untrusted);
}

TEST(TrustModel, RestoreClampsOutOfRangeState)
{
	TrustModel m(0);
	TrustState s;
	s.logOdds = -1e9;
	s.verdict = Verdict::Injected; // not a trust model verdict: taken from trust
	s.mass = 1e9;
	s.sinceTop = {std::numeric_limits<double>::quiet_NaN(), 0, 0};
	m.restore(s);
	EXPECT_DOUBLE_EQ(m.logOdds(), m.params().lowerLogOdds);
	EXPECT_EQ(m.verdict(), Verdict::Untrusted);
	EXPECT_DOUBLE_EQ(m.state().mass, m.params().confidenceFullWindows);
	EXPECT_EQ(m.state().sinceTop[0], 0.0);
	s.logOdds = std::numeric_limits<double>::infinity();
	m.restore(s);
	EXPECT_DOUBLE_EQ(m.logOdds(), m.params().startLogOdds);
}

TEST(SessionEvidence, RestoreStandsInjectionAndNotesAgain)
{
	SessionEvidence before;
	before.addNote("unattributable-input");
	before.addInjection("synthetic-device");
	before.addInjection("robotic-timing");
	EXPECT_EQ(before.injectionReasons(), (std::vector<std::string>{"synthetic-device", "robotic-timing"}));

	SessionEvidence after;
	EXPECT_TRUE(after.restore(before.injectionReasons(), before.notes()));
	EXPECT_TRUE(after.injected());
	EXPECT_EQ(after.state(), before.state());
	// Re-authentication clears it as before the restart.
	EXPECT_TRUE(after.reset());
	EXPECT_EQ(after.state().verdict, Verdict::Learning);

	SessionEvidence clean;
	EXPECT_FALSE(clean.restore({}, {}));
	EXPECT_TRUE(clean.injectionReasons().empty());
}

TEST(SessionSnapshot, FormatParsesBackExactly)
{
	SessionSnapshot plain;
	plain.id = "seat:seat0";
	const std::vector<SessionSnapshot> in = {sample(), plain};
	const std::string text = formatSessionSnapshots(in);
	EXPECT_EQ(text.substr(0, text.find('\n')), "tactus-sessions 1");
	auto out = parseSessionSnapshots(text);
	ASSERT_TRUE(out) << out.error().message;
	EXPECT_EQ(*out, in);
	auto empty = parseSessionSnapshots(formatSessionSnapshots({}));
	ASSERT_TRUE(empty);
	EXPECT_TRUE(empty->empty());
}

TEST(SessionSnapshot, FormatLeavesOutWhatItCannotHold)
{
	SessionSnapshot spaced = sample();
	spaced.id = "a b";
	SessionSnapshot reason = sample();
	reason.id = "3";
	reason.notes = {"Key_A"};
	SessionSnapshot nan = sample();
	nan.id = "4";
	nan.trust->logOdds = std::numeric_limits<double>::quiet_NaN();
	auto out = parseSessionSnapshots(formatSessionSnapshots({spaced, reason, nan, sample()}));
	ASSERT_TRUE(out) << out.error().message;
	ASSERT_EQ(out->size(), 1u);
	EXPECT_EQ(out->front(), sample());
}

TEST(SessionSnapshot, GarbageIsRefusedWithTheLine)
{
	const std::string good = formatSessionSnapshots({sample()});
	const std::string line = good.substr(good.find('\n') + 1);
	const std::vector<std::pair<std::string, std::string>> cases = {
		{"", "empty"},
		{"tactus-sessions 2\n", "line 1"},
		{"\xff\xfe garbage\n", "line 1"},
		{"tactus-sessions 1\nsession\n", "line 2"},
		{"tactus-sessions 1\n" + line + line, "appears twice"},
		{"tactus-sessions 1\nsession a\x01 lock-requested=0 injected=- notes=- trust=-\n", "bad session id"},
		{"tactus-sessions 1\nsession a lock-requested=2 injected=- notes=- trust=-\n", "lock-requested"},
		{"tactus-sessions 1\nsession a lock-requested=0 injected=,, notes=- trust=-\n", "injected"},
		{"tactus-sessions 1\nsession a lock-requested=0 injected=- notes=A trust=-\n", "notes"},
		{"tactus-sessions 1\nsession a lock-requested=0 notes=- injected=- trust=-\n", "injected"},
		{"tactus-sessions 1\nsession a lock-requested=0 injected=- notes=- trust=1,trusted\n", "trust"},
		{"tactus-sessions 1\nsession a lock-requested=0 injected=- notes=- "
		 "trust=nan,trusted,0,0,0,1,2,3\n",
		 "trust"},
		{"tactus-sessions 1\nsession a lock-requested=0 injected=- notes=- "
		 "trust=1,injected,0,0,0,1,2,3\n",
		 "trust"},
		{"tactus-sessions 1\nsession a lock-requested=0 injected=- notes=- "
		 "trust=1,trusted,0,0,0,1,2,-3\n",
		 "trust"},
		{"tactus-sessions 1\nsession a lock-requested=0 injected=- notes=- trust=- extra\n", "line 2"},
		{"tactus-sessions 1\n\n", "line 2"},
	};
	for (const auto &[text, want] : cases) {
		auto r = parseSessionSnapshots(text);
		ASSERT_FALSE(r) << text;
		EXPECT_EQ(r.error().errnum, -EINVAL);
		EXPECT_NE(r.error().message.find(want), std::string::npos) << r.error().message << " for " << text;
	}
	std::string many = "tactus-sessions 1\n";
	for (size_t i = 0; i <= kMaxSessionSnapshots; i++)
		many += "session s" + std::to_string(i) + " lock-requested=0 injected=- notes=- trust=-\n";
	auto r = parseSessionSnapshots(many);
	ASSERT_FALSE(r);
	EXPECT_NE(r.error().message.find("more than"), std::string::npos) << r.error().message;
}
