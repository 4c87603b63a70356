// SPDX-License-Identifier: MIT
// SessionTrust: one trust per session from every modality (issue 12,
// "Fusion"): learning until a modality is ready, a session where only the
// mouse moves is judged by the mouse, stale modalities are ignored, reasons
// name the modality.

#include "session-trust.h"

#include <gtest/gtest.h>

using namespace tactus;

namespace {

WindowEvidence window(Modality m, int64_t atUs, double llr)
{
	WindowEvidence w;
	w.timestampUs = atUs;
	w.llr = llr;
	w.modality = m;
	w.events = 5;
	w.newEvents = 5;
	return w;
}

} // namespace

TEST(SessionTrust, LearningUntilAModalityIsReady)
{
	SessionTrust t(0);
	EXPECT_EQ(t.verdict(), Verdict::Learning);
	EXPECT_DOUBLE_EQ(t.trust(), 0.5);
	// Evidence of a modality that is not ready is ignored.
	EXPECT_FALSE(t.add(window(Modality::Pointer, 1'000'000, -6)));
	EXPECT_EQ(t.model().windows(), 0u);
	auto enrolled = t.markReady(Modality::Pointer, 2'000'000);
	ASSERT_TRUE(enrolled);
	EXPECT_EQ(enrolled->from, Verdict::Learning);
	EXPECT_EQ(enrolled->to, Verdict::Trusted);
	EXPECT_EQ(enrolled->cause, "enrolled");
	// A second modality becoming ready changes nothing (no second fresh start).
	EXPECT_FALSE(t.markReady(Modality::Keystroke, 3'000'000));
	EXPECT_FALSE(t.markReady(Modality::Pointer, 3'000'000));
	EXPECT_TRUE(t.ready(Modality::Keystroke));
	EXPECT_FALSE(t.ready(Modality::Touch));
}

TEST(SessionTrust, OnlyTheMouseMovesSoTheMouseJudges)
{
	// A keystroke profile is ready too, but nobody types: pointer evidence
	// alone takes the session to untrusted, and the reason names the pointer.
	SessionTrust t(0);
	t.markReady(Modality::Keystroke, 0);
	t.markReady(Modality::Pointer, 0);
	std::optional<TrustChange> last;
	int64_t now = 0;
	for (int i = 0; i < 50 && t.verdict() != Verdict::Untrusted; i++) {
		now += 2'000'000;
		if (auto c = t.add(window(Modality::Pointer, now, -2.0)))
			last = c;
	}
	EXPECT_EQ(t.verdict(), Verdict::Untrusted);
	ASSERT_TRUE(last);
	EXPECT_EQ(last->to, Verdict::Untrusted);
	EXPECT_EQ(last->reasons, std::vector<std::string>{"pointer-mismatch"});
	EXPECT_EQ(t.reasons(), std::vector<std::string>{"pointer-mismatch"});
	EXPECT_EQ(t.activeModalities(), std::vector<Modality>{Modality::Pointer});
}

TEST(SessionTrust, ModalitiesAddAndReasonsNameEach)
{
	SessionTrustParams p;
	p.trust.gain = {1.0, 1.0, 1.0}; // equal weights: the llrs decide the order
	SessionTrust t(0, p);
	t.markReady(Modality::Keystroke, 0);
	t.markReady(Modality::Pointer, 0);
	int64_t now = 0;
	for (int i = 0; i < 40 && t.verdict() != Verdict::Untrusted; i++) {
		now += 1'000'000;
		t.add(window(Modality::Keystroke, now, -1.0));
		t.add(window(Modality::Pointer, now, -3.0));
	}
	EXPECT_EQ(t.verdict(), Verdict::Untrusted);
	// Most negative first: the pointer's windows weighed more.
	EXPECT_EQ(t.reasons(), (std::vector<std::string>{"pointer-mismatch", "rhythm-mismatch"}));

	// Genuine evidence of one modality brings trust back for the session.
	for (int i = 0; i < 100 && t.verdict() != Verdict::Trusted; i++) {
		now += 1'000'000;
		t.add(window(Modality::Keystroke, now, 4.0));
	}
	EXPECT_EQ(t.verdict(), Verdict::Trusted);
	EXPECT_TRUE(t.reasons().empty());
}

TEST(SessionTrust, StaleModalityIsIgnored)
{
	SessionTrustParams p;
	p.staleUs = 60'000'000;
	SessionTrust t(0, p);
	t.markReady(Modality::Keystroke, 0);
	t.markReady(Modality::Pointer, 0);
	// Typing spoke against the user long ago ...
	t.add(window(Modality::Keystroke, 2'000'000, -1.0));
	EXPECT_EQ(t.reasons(), std::vector<std::string>{"rhythm-mismatch"});
	// ... then only the mouse moves, for more than staleUs, and also against.
	int64_t now = 2'000'000;
	for (int i = 0; i < 40; i++) {
		now += 5'000'000;
		t.add(window(Modality::Pointer, now, -0.5));
	}
	EXPECT_NE(t.verdict(), Verdict::Trusted);
	// The typing is stale: the reasons name the pointer only.
	EXPECT_EQ(t.reasons(), std::vector<std::string>{"pointer-mismatch"});
	EXPECT_EQ(t.activeModalities(), std::vector<Modality>{Modality::Pointer});
	// A window dated staleUs before the newest evidence (a buffered window of a
	// device gone quiet) counts for nothing.
	const double before = t.model().logOdds();
	const uint64_t windows = t.model().windows();
	EXPECT_FALSE(t.add(window(Modality::Keystroke, now - 61'000'000, +6.0)));
	EXPECT_EQ(t.model().logOdds(), before);
	EXPECT_EQ(t.model().windows(), windows);
	// A fresh window of the same modality counts.
	t.add(window(Modality::Keystroke, now, +1.0));
	EXPECT_GT(t.model().logOdds(), before);
	EXPECT_EQ(t.lastEvidenceUs(Modality::Keystroke), now);
}

TEST(SessionTrust, ResetKeepsReadiness)
{
	SessionTrust t(0);
	EXPECT_FALSE(t.reset(10)); // learning: nothing to publish
	t.markReady(Modality::Touch, 20);
	for (int i = 0; i < 30; i++)
		t.add(window(Modality::Touch, 100 + i, -6.0));
	EXPECT_EQ(t.verdict(), Verdict::Untrusted);
	EXPECT_EQ(t.reasons(), std::vector<std::string>{"touch-mismatch"});
	auto c = t.reset(1'000);
	ASSERT_TRUE(c);
	EXPECT_EQ(c->to, Verdict::Trusted);
	EXPECT_TRUE(t.ready(Modality::Touch));
	EXPECT_EQ(t.verdict(), Verdict::Trusted);
}
