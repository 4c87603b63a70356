// SPDX-License-Identifier: MIT
// The per-session trust model: the sequential test's arithmetic, hysteresis,
// idle confidence, reset, reasons, and synthetic takeovers.

#include "splitmix64.h"
#include "trust-model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <optional>
#include <vector>

using namespace tactus;

namespace {

constexpr int64_t kSecond = 1'000'000;

double sigmoid(double x)
{
	return 1.0 / (1.0 + std::exp(-x));
}

/** Parameters where one window's weight is exactly its gain of 1: the arithmetic is easy to follow. */
TrustParams unitGain()
{
	TrustParams p;
	p.gain = {1.0, 1.0, 1.0};
	return p;
}

/** A window whose events are all new (weight = gain). */
WindowEvidence independent(double llr, int64_t t, Modality m = Modality::Keystroke)
{
	WindowEvidence w;
	w.timestampUs = t;
	w.llr = llr;
	w.modality = m;
	return w;
}

/**
 * The tools' SplitMix64 with Box–Muller normals: the same stream on every
 * platform, which std::normal_distribution does not promise.
 */
class Rng {
public:
	explicit Rng(uint64_t seed) : bits_(seed) {}
	uint64_t next() { return bits_.next(); }
	/** Uniform in (0, 1). */
	double uniform() { return (static_cast<double>(next() >> 11) + 0.5) / 9007199254740992.0; }
	double normal()
	{
		if (spare_) {
			double s = *spare_;
			spare_.reset();
			return s;
		}
		double r = std::sqrt(-2.0 * std::log(uniform()));
		double a = 2.0 * M_PI * uniform();
		spare_ = r * std::sin(a);
		return r * std::cos(a);
	}

private:
	SplitMix64 bits_;
	std::optional<double> spare_;
};

/** Φ⁻¹(p) by bisection on erfc: enough for a test's parameters. */
double normalQuantile(double p)
{
	double lo = -10, hi = 10;
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;
		(0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
	}
	return (lo + hi) / 2;
}

/**
 * Typing scored the way the daemon scores it: windows of the last 50
 * keystrokes, one every 5 keystrokes, each turned into a calibrated llr. A
 * window of one person has llr ~ N(±μ, σ²) with σ = 2Φ⁻¹(1 − eer) and
 * μ = σ²/2 (a calibrated Gaussian llr: the same σ under both hypotheses, a
 * per-window equal error rate of eer). Windows share keystrokes, so their
 * noise is the moving sum of per-keystroke noise (overlapping windows are
 * correlated, as real ones are), and a window holding both people has a
 * mean linear in the share of each.
 */
class SyntheticTyping {
public:
	static constexpr uint32_t kWindow = 50;
	static constexpr uint32_t kStride = 5;
	static constexpr int64_t kKeystrokeUs = 200'000; // 5 keystrokes per second

	SyntheticTyping(double eer, uint64_t seed) : rng_(seed)
	{
		sigma_ = 2.0 * normalQuantile(1.0 - eer);
		mu_ = sigma_ * sigma_ / 2.0;
		noise_.assign(kWindow, 0.0);
		genuine_.assign(kWindow, 1);
	}

	/** Type one keystroke; a window's evidence every kStride keystrokes once a window is full. */
	std::optional<WindowEvidence> type(bool genuine)
	{
		double n = rng_.normal();
		int g = genuine ? 1 : -1;
		size_t slot = count_ % kWindow;
		noiseSum_ += n - noise_[slot];
		genuineSum_ += g - genuine_[slot];
		noise_[slot] = n;
		genuine_[slot] = g;
		count_++;
		if (count_ < kWindow || count_ % kStride)
			return std::nullopt;
		WindowEvidence w;
		w.timestampUs = static_cast<int64_t>(count_) * kKeystrokeUs;
		w.llr = mu_ * genuineSum_ / kWindow + sigma_ * noiseSum_ / std::sqrt(double{kWindow});
		w.events = kWindow;
		w.newEvents = kStride;
		return w;
	}

private:
	Rng rng_;
	double sigma_ = 0, mu_ = 0;
	std::vector<double> noise_;
	std::vector<int> genuine_;
	double noiseSum_ = 0;
	int genuineSum_ = kWindow; // the window starts full of the genuine user
	uint64_t count_ = 0;
};

/** Genuine keystrokes per false `untrusted` over @p keystrokes of one user's typing. */
struct GenuineRun {
	uint64_t keystrokes = 0;
	uint64_t falseUntrusted = 0;
};

GenuineRun typeGenuinely(const TrustParams &params, double eer, uint64_t seed, uint64_t keystrokes)
{
	SyntheticTyping typing(eer, seed);
	TrustModel trust(0, params);
	GenuineRun run;
	for (uint64_t k = 0; k < keystrokes; k++) {
		auto w = typing.type(true);
		if (!w)
			continue;
		auto c = trust.addWindow(*w);
		if (c && c->to == Verdict::Untrusted)
			run.falseUntrusted++;
	}
	run.keystrokes = keystrokes;
	return run;
}

/** Impostor keystrokes until `untrusted` in @p runs takeovers after 500 genuine ones; 0 = never (in 2,000). */
std::vector<uint32_t> takeovers(const TrustParams &params, double eer, uint64_t seed, int runs)
{
	std::vector<uint32_t> out;
	for (int r = 0; r < runs; r++) {
		SyntheticTyping typing(eer, seed + static_cast<uint64_t>(r));
		TrustModel trust(0, params);
		for (int k = 0; k < 500; k++)
			if (auto w = typing.type(true))
				(void)trust.addWindow(*w);
		uint32_t found = 0;
		for (uint32_t k = 1; k <= 2000 && !found; k++) {
			auto w = typing.type(false);
			if (!w)
				continue;
			(void)trust.addWindow(*w);
			if (trust.verdict() == Verdict::Untrusted)
				found = k;
		}
		out.push_back(found);
	}
	std::sort(out.begin(), out.end());
	return out;
}

uint32_t percentile(const std::vector<uint32_t> &sorted, double q)
{
	return sorted[static_cast<size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5)];
}

} // namespace

TEST(TrustModel, DefaultParametersCheck)
{
	TrustParams p;
	EXPECT_TRUE(p.check());
	EXPECT_LT(p.trustedLeave, p.trustedEnter) << "hysteresis";
	EXPECT_LT(p.untrustedEnter, p.untrustedLeave) << "hysteresis";
}

TEST(TrustModel, BadParametersAreNamed)
{
	auto refused = [](TrustParams p) {
		auto r = p.check();
		EXPECT_FALSE(r);
		return r ? std::string() : r.error().message;
	};
	TrustParams p;
	p.lowerLogOdds = 4;
	EXPECT_NE(refused(p).find("lower bound"), std::string::npos);
	p = {};
	p.startLogOdds = 10;
	EXPECT_NE(refused(p).find("start"), std::string::npos);
	p = {};
	p.trustedLeave = 0.95;
	EXPECT_NE(refused(p).find("nest"), std::string::npos);
	p = {};
	p.untrustedLeave = 0.01;
	EXPECT_NE(refused(p).find("untrusted-leave"), std::string::npos);
	p = {};
	p.trustedEnter = 0.99; // σ(3) = 0.953
	EXPECT_NE(refused(p).find("trusted is out of reach"), std::string::npos);
	p = {};
	p.lowerLogOdds = -2; // σ(−2) = 0.12
	EXPECT_NE(refused(p).find("untrusted is out of reach"), std::string::npos);
	p = {};
	p.gain[1] = -1;
	EXPECT_NE(refused(p).find("gain"), std::string::npos);
	p = {};
	p.windowLlrLimit = std::nan("");
	EXPECT_NE(refused(p).find("finite"), std::string::npos);
	p = {};
	p.confidenceHalfLifeUs = 0;
	EXPECT_NE(refused(p).find("half-life"), std::string::npos);
	// Untrusted until reset: leave above anything trust can reach.
	p = {};
	p.untrustedLeave = 1.0;
	EXPECT_TRUE(p.check());
}

TEST(TrustModel, StartsTrustedWithFullConfidence)
{
	TrustModel t(5 * kSecond);
	EXPECT_EQ(t.verdict(), Verdict::Trusted);
	EXPECT_DOUBLE_EQ(t.logOdds(), 3.0);
	EXPECT_DOUBLE_EQ(t.trust(), sigmoid(3.0));
	EXPECT_DOUBLE_EQ(t.confidence(5 * kSecond), 1.0);
	EXPECT_TRUE(t.reasons().empty());
	EXPECT_EQ(t.windows(), 0u);

	TrustParams doubtful;
	doubtful.startLogOdds = 0.0;
	EXPECT_EQ(TrustModel(0, doubtful).verdict(), Verdict::Uncertain);
}

TEST(TrustModel, EvidenceAddsWithinTheBounds)
{
	TrustModel t(0, unitGain());
	// Genuine evidence at the top changes nothing: the clamp.
	for (int i = 0; i < 1000; i++)
		EXPECT_FALSE(t.addWindow(independent(+6.0, i * kSecond)));
	EXPECT_DOUBLE_EQ(t.logOdds(), 3.0);
	(void)t.addWindow(independent(-1.25, 1000 * kSecond));
	EXPECT_DOUBLE_EQ(t.logOdds(), 1.75);
	// However long the impostor types, the bottom holds, so trust comes back in bounded time.
	for (int i = 0; i < 1000; i++)
		(void)t.addWindow(independent(-6.0, (1001 + i) * kSecond));
	EXPECT_DOUBLE_EQ(t.logOdds(), -6.0);
	EXPECT_DOUBLE_EQ(t.trust(), sigmoid(-6.0));
	int back = 0;
	while (t.verdict() != Verdict::Trusted && back < 100) {
		(void)t.addWindow(independent(+2.0, (3000 + back) * kSecond));
		back++;
	}
	EXPECT_EQ(back, 5) << "from −6 to ≥ logit(0.9) = 2.2 in steps of 2";
	EXPECT_EQ(t.windows(), 2006u);
}

TEST(TrustModel, OneWindowMovesTrustABoundedStep)
{
	TrustModel t(0, unitGain());
	(void)t.addWindow(independent(-1e9, 1));
	EXPECT_DOUBLE_EQ(t.logOdds(), 3.0 - 6.0) << "clamped to the window llr limit";
	// With the default gain g, a window sliding by 5 of 50 moves trust by g / 10 of that.
	const double g = TrustParams{}.gain[0];
	TrustModel d(0);
	WindowEvidence w = independent(-1e9, 1);
	w.events = 50;
	w.newEvents = 5;
	(void)d.addWindow(w);
	EXPECT_DOUBLE_EQ(d.logOdds(), 3.0 - g * 0.1 * 6.0);
	EXPECT_EQ(d.verdict(), Verdict::Trusted);
	TrustModel u(0, unitGain());
	(void)u.addWindow(independent(-INFINITY, 1));
	EXPECT_DOUBLE_EQ(u.logOdds(), -3.0);
	(void)u.addWindow(independent(INFINITY, 2));
	EXPECT_DOUBLE_EQ(u.logOdds(), 3.0);
}

TEST(TrustModel, NanEvidenceIsIgnored)
{
	TrustModel t(0, unitGain());
	(void)t.addWindow(independent(-1.0, kSecond));
	double before = t.logOdds();
	EXPECT_FALSE(t.addWindow(independent(std::nan(""), 2 * kSecond)));
	EXPECT_EQ(t.logOdds(), before);
	EXPECT_EQ(t.windows(), 1u);
	EXPECT_FALSE(std::isnan(t.confidence(3 * kSecond)));
}

TEST(TrustModel, OverlappingWindowsCountTheirNewShare)
{
	const double g = TrustParams{}.gain[0]; // the keystroke modality's default
	TrustModel t(0);
	WindowEvidence w = independent(-5.0, kSecond);
	w.events = 50;
	w.newEvents = 5;
	(void)t.addWindow(w);
	EXPECT_NEAR(t.logOdds(), 3.0 - g * 0.1 * 5.0, 1e-12);
	// A window of only new events counts with the whole gain.
	w.newEvents = 50;
	w.llr = -1.0;
	(void)t.addWindow(w);
	EXPECT_NEAR(t.logOdds(), 3.0 - g * 0.1 * 5.0 - g * 1.0, 1e-12);
	// A per-modality gain of 0 switches a modality off.
	TrustParams p;
	p.gain[static_cast<size_t>(Modality::Pointer) - 1] = 0.0;
	TrustModel off(0, p);
	(void)off.addWindow(independent(-6.0, kSecond, Modality::Pointer));
	EXPECT_DOUBLE_EQ(off.logOdds(), 3.0);
}

TEST(TrustModel, HysteresisEnterAndLeaveDiffer)
{
	TrustModel t(0, unitGain()); // trusted ≥ 0.9 / < 0.6, untrusted ≤ 0.05 / ≥ 0.5
	int64_t now = 0;
	auto add = [&](double llr) { return t.addWindow(independent(llr, now += kSecond)); };

	EXPECT_FALSE(add(-2.5)); // 0.5 → 0.622: still above trusted-leave
	EXPECT_EQ(t.verdict(), Verdict::Trusted);
	auto c = add(-0.2); // 0.3 → 0.574
	ASSERT_TRUE(c);
	EXPECT_EQ(c->from, Verdict::Trusted);
	EXPECT_EQ(c->to, Verdict::Uncertain);
	EXPECT_FALSE(add(+1.5)); // 1.8 → 0.858: above trusted-leave, below trusted-enter
	EXPECT_EQ(t.verdict(), Verdict::Uncertain);
	c = add(+0.5); // 2.3 → 0.909
	ASSERT_TRUE(c);
	EXPECT_EQ(c->to, Verdict::Trusted);

	c = add(-5.5); // −3.2 → 0.039: straight from trusted to untrusted
	ASSERT_TRUE(c);
	EXPECT_EQ(c->from, Verdict::Trusted);
	EXPECT_EQ(c->to, Verdict::Untrusted);
	EXPECT_FALSE(add(+3.1)); // −0.1 → 0.475: above untrusted-enter, below untrusted-leave
	EXPECT_EQ(t.verdict(), Verdict::Untrusted);
	c = add(+0.2); // 0.1 → 0.525
	ASSERT_TRUE(c);
	EXPECT_EQ(c->from, Verdict::Untrusted);
	EXPECT_EQ(c->to, Verdict::Uncertain);
	c = add(-3.2); // −3.1 → 0.043
	ASSERT_TRUE(c);
	EXPECT_EQ(c->to, Verdict::Untrusted);
}

TEST(TrustModel, UntrustedUntilResetIfConfigured)
{
	TrustParams p = unitGain();
	p.untrustedLeave = 1.0;
	TrustModel t(0, p);
	(void)t.addWindow(independent(-6.0, 1));
	(void)t.addWindow(independent(-6.0, 2));
	ASSERT_EQ(t.verdict(), Verdict::Untrusted);
	for (int i = 0; i < 100; i++)
		(void)t.addWindow(independent(+6.0, 3 + i));
	EXPECT_EQ(t.verdict(), Verdict::Untrusted);
	EXPECT_TRUE(t.reset(200));
	EXPECT_EQ(t.verdict(), Verdict::Trusted);
}

TEST(TrustModel, EveryChangeIsReportedOnce)
{
	SyntheticTyping typing(0.05, 7);
	TrustModel t(0);
	Verdict seen = t.verdict();
	int changes = 0, transitions = 0;
	for (int k = 0; k < 20000; k++) {
		auto w = typing.type((k / 400) % 2 == 0); // the two people take turns every 400 keystrokes
		if (!w)
			continue;
		auto c = t.addWindow(*w);
		if (c) {
			changes++;
			EXPECT_EQ(c->from, seen);
			EXPECT_EQ(c->to, t.verdict());
			EXPECT_EQ(c->cause, "evidence");
			ASSERT_TRUE(c->window);
			EXPECT_EQ(c->window->timestampUs, w->timestampUs);
			EXPECT_EQ(c->windows, t.windows());
			EXPECT_DOUBLE_EQ(c->trust, t.trust());
			EXPECT_EQ(c->reasons, t.reasons());
		}
		if (t.verdict() != seen)
			transitions++;
		seen = t.verdict();
	}
	EXPECT_EQ(changes, transitions);
	EXPECT_GE(changes, 40) << "each turn should move the verdict";
}

TEST(TrustModel, IdleLowersConfidenceNotTrust)
{
	TrustParams p = unitGain(); // half-life 120 s, full confidence at 4 windows
	TrustModel t(0, p);
	(void)t.addWindow(independent(-1.0, 10 * kSecond));
	const double trust = t.trust();
	const Verdict verdict = t.verdict();
	EXPECT_DOUBLE_EQ(t.confidence(10 * kSecond), 1.0);
	EXPECT_NEAR(t.confidence(130 * kSecond), 0.5, 1e-12);
	EXPECT_NEAR(t.confidence(250 * kSecond), 0.25, 1e-12);
	EXPECT_LT(t.confidence(3600 * kSecond), 1e-7);
	// An hour of idling: trust is where the evidence left it.
	EXPECT_EQ(t.trust(), trust);
	EXPECT_EQ(t.verdict(), verdict);
	// New evidence after the pause: confidence rises by the window's new share, trust moves by its llr only.
	EXPECT_FALSE(t.addWindow(independent(0.0, 3600 * kSecond)));
	EXPECT_EQ(t.trust(), trust);
	EXPECT_NEAR(t.confidence(3600 * kSecond), 0.25, 1e-6);
	for (int i = 1; i <= 10; i++)
		(void)t.addWindow(independent(0.0, (3600 + i) * kSecond));
	EXPECT_NEAR(t.confidence(3610 * kSecond), 1.0, 1e-9) << "capped at full";
	// A window with 5 new of 50 events adds a tenth of a window.
	TrustModel u(0, p);
	WindowEvidence w = independent(0.0, 1200 * kSecond); // 10 half-lives: mass 4/1024
	w.events = 50;
	w.newEvents = 5;
	(void)u.addWindow(w);
	EXPECT_NEAR(u.confidence(1200 * kSecond), (4.0 / 1024 + 0.1) / 4.0, 1e-12);
}

TEST(TrustModel, TimestampsOutOfOrderDoNotRejuvenate)
{
	TrustModel t(100 * kSecond, unitGain());
	(void)t.addWindow(independent(0.0, 340 * kSecond)); // 2 half-lives: 1 + 1 window
	double c = t.confidence(340 * kSecond);
	EXPECT_NEAR(c, 0.5, 1e-12);
	(void)t.addWindow(independent(0.0, 200 * kSecond)); // late: no decay computed backwards
	EXPECT_NEAR(t.confidence(340 * kSecond), 0.75, 1e-12);
	EXPECT_NEAR(t.confidence(460 * kSecond), 0.375, 1e-12);
}

TEST(TrustModel, ResetAfterReauthentication)
{
	TrustModel t(0, unitGain());
	(void)t.addWindow(independent(-6.0, kSecond));
	(void)t.addWindow(independent(-6.0, 2 * kSecond));
	ASSERT_EQ(t.verdict(), Verdict::Untrusted);
	auto c = t.reset(1000 * kSecond);
	ASSERT_TRUE(c);
	EXPECT_EQ(c->from, Verdict::Untrusted);
	EXPECT_EQ(c->to, Verdict::Trusted);
	EXPECT_EQ(c->cause, "reset");
	EXPECT_FALSE(c->window);
	EXPECT_TRUE(c->reasons.empty());
	EXPECT_DOUBLE_EQ(t.logOdds(), 3.0);
	EXPECT_EQ(t.windows(), 0u);
	EXPECT_DOUBLE_EQ(t.confidence(1000 * kSecond), 1.0);
	EXPECT_TRUE(t.reasons().empty());
	EXPECT_NE(c->describe().find("untrusted -> trusted (reset)"), std::string::npos) << c->describe();
	// Nothing to report when the verdict does not change.
	EXPECT_FALSE(t.reset(1001 * kSecond));
	// No memory of the old evidence: from the top again, −5.9 is not enough for untrusted.
	auto after = t.addWindow(independent(-5.9, 1002 * kSecond));
	ASSERT_TRUE(after);
	EXPECT_EQ(after->to, Verdict::Uncertain);
}

TEST(TrustModel, ReasonsNameTheModalitiesAgainst)
{
	TrustModel t(0, unitGain());
	EXPECT_TRUE(t.reasons().empty());
	(void)t.addWindow(independent(-2.0, 1, Modality::Pointer));
	(void)t.addWindow(independent(-1.0, 2, Modality::Keystroke));
	ASSERT_EQ(t.verdict(), Verdict::Uncertain);
	EXPECT_EQ(t.reasons(), (std::vector<std::string>{"pointer-mismatch", "rhythm-mismatch"}));
	auto c = t.addWindow(independent(-3.5, 3, Modality::Keystroke));
	ASSERT_TRUE(c);
	EXPECT_EQ(c->to, Verdict::Untrusted);
	EXPECT_EQ(c->reasons, (std::vector<std::string>{"rhythm-mismatch", "pointer-mismatch"}));
	std::string line = c->describe();
	EXPECT_NE(line.find("uncertain -> untrusted (rhythm-mismatch, pointer-mismatch): trust 0.029"),
		  std::string::npos)
		<< line;
	EXPECT_NE(line.find("last window keystroke llr -3.50"), std::string::npos) << line;
	// Pointer evidence in favour offsets pointer doubt: only typing is left against.
	(void)t.addWindow(independent(+2.5, 4, Modality::Pointer));
	EXPECT_EQ(t.reasons(), std::vector<std::string>{"rhythm-mismatch"});
	// Back at the top every doubt is answered; a new one starts afresh.
	for (int i = 0; i < 5; i++)
		(void)t.addWindow(independent(+6.0, 5 + i, Modality::Keystroke));
	ASSERT_EQ(t.logOdds(), 3.0);
	(void)t.addWindow(independent(-2.8, 20, Modality::Touch));
	EXPECT_EQ(t.verdict(), Verdict::Uncertain);
	EXPECT_EQ(t.reasons(), std::vector<std::string>{"touch-mismatch"});
}

// The takeover targets on synthetic calibrated evidence (windows of
// 50 every 5 keystrokes): genuine typing reaches `untrusted` at most once
// per 10,000 keystrokes, an impostor is caught within a bounded count. The
// defaults (keystroke gain 3.25) were chosen with `tactus-eval takeover` for
// the shipped model (2% EER per participant); a scorer twice as bad needs
// the gentler gain of 2. The figures are printed.
TEST(TrustModel, GenuineTypingRarelyTurnsUntrusted)
{
	TrustParams params;
	params.gain = {2.0, 2.0, 2.0};
	GenuineRun total;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		GenuineRun r = typeGenuinely(params, 0.05, seed, 20000);
		total.keystrokes += r.keystrokes;
		total.falseUntrusted += r.falseUntrusted;
	}
	std::cout << "[          ] genuine, eer 5%, gain 2: " << total.falseUntrusted << " false untrusted in "
		  << total.keystrokes << " keystrokes\n";
	EXPECT_LE(total.falseUntrusted * 10000, total.keystrokes)
		<< "target: ≥ 10,000 genuine keystrokes per false untrusted";

	// A scorer at the per-participant target (2.5%), with the defaults.
	uint64_t falseAtBetter = 0;
	for (uint64_t seed = 1; seed <= 5; seed++)
		falseAtBetter += typeGenuinely(TrustParams{}, 0.025, 100 + seed, 20000).falseUntrusted;
	std::cout << "[          ] genuine, eer 2.5%, defaults: " << falseAtBetter
		  << " false untrusted in 100000 keystrokes\n";
	EXPECT_LE(falseAtBetter, 10u) << "target: ≥ 10,000 genuine keystrokes per false untrusted";
}

TEST(TrustModel, ImpostorIsCaughtWithinBoundedKeystrokes)
{
	std::vector<uint32_t> counts = takeovers(TrustParams{}, 0.05, 1000, 400);
	EXPECT_EQ(std::count(counts.begin(), counts.end(), 0u), 0) << "a takeover never reached untrusted";
	uint32_t median = percentile(counts, 0.5), p90 = percentile(counts, 0.9);
	std::cout << "[          ] takeover, eer 5%: median " << median << ", p90 " << p90 << ", max " << counts.back()
		  << " impostor keystrokes to untrusted\n";
	// With 50-keystroke windows whose llr is linear in the impostor's
	// share, the window itself turns against the user only after ~25
	// impostor keystrokes: a median of 40 needs a scorer that reacts
	// sooner than that. The p90 target (120) holds here.
	EXPECT_LE(median, 80u);
	EXPECT_LE(p90, 120u);
	EXPECT_LE(counts.back(), 300u);
}

TEST(TrustModel, GainTradesSpeedForFalseAlarms)
{
	TrustParams slow, fast;
	slow.gain = {2.0, 2.0, 2.0};
	fast.gain = {4.0, 4.0, 4.0};
	std::vector<uint32_t> slowCounts = takeovers(slow, 0.05, 5000, 200);
	std::vector<uint32_t> fastCounts = takeovers(fast, 0.05, 5000, 200);
	EXPECT_LT(percentile(fastCounts, 0.5), percentile(slowCounts, 0.5));
	uint64_t slowFalse = 0, fastFalse = 0;
	for (uint64_t seed = 1; seed <= 5; seed++) {
		slowFalse += typeGenuinely(slow, 0.05, seed, 20000).falseUntrusted;
		fastFalse += typeGenuinely(fast, 0.05, seed, 20000).falseUntrusted;
	}
	EXPECT_GT(fastFalse, slowFalse);
	std::cout << "[          ] gain 2: median " << percentile(slowCounts, 0.5) << ", " << slowFalse
		  << " false in 100000; gain 4: median " << percentile(fastCounts, 0.5) << ", " << fastFalse
		  << " false\n";
}
