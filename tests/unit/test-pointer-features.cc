// SPDX-License-Identifier: MIT
// Pointer actions and features (issue 12): segmentation into the Balabit
// action model, feature values of known trajectories, and the naive-Bayes
// scorer with its calibration.

#include "pointer-features.h"
#include "pointer-model.h"
#include "splitmix64.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace tactus;

namespace {

struct Segments {
	PointerActionSegmenter seg;
	std::vector<PointerAction> out;

	void add(uint64_t t, double x, double y, PointerEventKind k = PointerEventKind::Move)
	{
		seg.add({t, x, y, k});
		PointerAction a;
		while (seg.pop(a))
			out.push_back(a);
	}
	void flush()
	{
		seg.flush();
		PointerAction a;
		while (seg.pop(a))
			out.push_back(a);
	}
};

} // namespace

// 20 points 16 ms apart along x at 5 units each (312.5 units/s), a 200 ms
// pause, then a click held 80 ms: one point-and-click action.
TEST(PointerFeatures, PointAndClickOfAKnownLine)
{
	Segments s;
	uint64_t t = 1'000'000;
	for (int i = 0; i < 20; i++, t += 16'000)
		s.add(t, 100 + 5 * i, 50);
	const uint64_t last = t - 16'000;
	s.add(last + 200'000, 195, 50, PointerEventKind::ButtonDown);
	s.add(last + 280'000, 195, 50, PointerEventKind::ButtonUp);
	ASSERT_EQ(s.out.size(), 1u);
	const PointerAction &a = s.out[0];
	EXPECT_EQ(a.type, PointerActionType::PointClick);
	EXPECT_DOUBLE_EQ(a[PointerFeature::PathLength], 95.0);
	EXPECT_DOUBLE_EQ(a[PointerFeature::Chord], 95.0);
	EXPECT_DOUBLE_EQ(a[PointerFeature::Straightness], 1.0);
	EXPECT_DOUBLE_EQ(a[PointerFeature::Direction], 0.0);
	EXPECT_NEAR(a[PointerFeature::MaxSpeed], 5 / 0.016, 1e-9);
	EXPECT_NEAR(a[PointerFeature::PauseBeforeClick], 0.2, 1e-9);
	EXPECT_NEAR(a[PointerFeature::ClickHold], 0.08, 1e-9);
	EXPECT_NEAR(a[PointerFeature::Duration], 0.019 * 16 + 0.28, 1e-9);
	EXPECT_EQ(a[PointerFeature::SumAngles], 0.0);
	EXPECT_EQ(a[PointerFeature::MaxDeviation], 0.0);
	EXPECT_EQ(a[PointerFeature::Points], 21.0);
}

// Timing features survive delivery jitter (a VM's or thin client's: each
// sample late by 0-40 ms, order kept): minimum-jerk strokes sampled every
// 8 ms (a harsh case: the jitter is five sampling intervals), their speeds,
// accelerations, jerk and angular speed within a bound of the undisturbed
// values; positions-only features unchanged.
TEST(PointerFeatures, TimingFeaturesSurviveDeliveryJitter)
{
	SplitMix64 rng(7), jitter(8);
	constexpr int kStrokes = 40;
	double error[kPointerFeatureCount] = {};
	for (int stroke = 0; stroke < kStrokes; stroke++) {
		const double len = rng.uniform(200, 900), dur = rng.uniform(0.4, 1.2), bend = rng.uniform(-80, 80);
		std::vector<PointerSample> clean, late;
		uint64_t prev = 0;
		for (int i = 0; i * 0.008 <= dur; i++) {
			const double s = i * 0.008 / dur, p = s * s * s * (10 - 15 * s + 6 * s * s);
			const auto t = static_cast<uint64_t>(1e6 + i * 8000);
			const PointerSample x{t, len * p, bend * std::sin(M_PI * p)};
			clean.push_back(x);
			PointerSample y = x;
			y.timeUsec = std::max(prev + 1, t + static_cast<uint64_t>(jitter.uniform(0, 40'000)));
			prev = y.timeUsec;
			late.push_back(y);
		}
		PointerAction a, b;
		PointerActionSegmenter::computeFeatures(clean, a);
		PointerActionSegmenter::computeFeatures(late, b);
		for (size_t f = 0; f < kPointerFeatureCount; f++) {
			const double scale = std::max(std::fabs(a.features[f]), 1e-9);
			error[f] += std::fabs(b.features[f] - a.features[f]) / scale / kStrokes;
		}
	}
	// Mean relative error over the strokes; from consecutive samples (before
	// the grid) speed-sd was off by 78x, max-accel 37,538x, mean-jerk 4e6x.
	auto at = [&](PointerFeature f) { return error[static_cast<size_t>(f)]; };
	EXPECT_EQ(at(PointerFeature::PathLength), 0.0);
	EXPECT_EQ(at(PointerFeature::SumAngles), 0.0);
	EXPECT_EQ(at(PointerFeature::MaxDeviation), 0.0);
	EXPECT_LT(at(PointerFeature::Duration), 0.03);
	EXPECT_LT(at(PointerFeature::MeanSpeed), 0.03);
	EXPECT_LT(at(PointerFeature::SpeedSd), 0.15);
	EXPECT_LT(at(PointerFeature::MaxSpeed), 0.35);
	EXPECT_LT(at(PointerFeature::AccelSd), 1.5);
	EXPECT_LT(at(PointerFeature::MaxAccel), 3.0);
	EXPECT_LT(at(PointerFeature::MeanJerk), 12.0);
	EXPECT_LT(at(PointerFeature::MeanAngularSpeed), 0.05);
}

// A pause longer than a second ends a movement; a press, motion and release
// is a drag-and-drop after the movement that approached it.
TEST(PointerFeatures, SegmentsMovesAndDrags)
{
	Segments s;
	uint64_t t = 1'000'000;
	for (int i = 0; i < 10; i++, t += 16'000)
		s.add(t, i * 3, i * 4);
	t += 1'500'000;
	for (int i = 0; i < 10; i++, t += 16'000)
		s.add(t, 100 + i, 100);
	s.add(t, 109, 100, PointerEventKind::ButtonDown);
	for (int i = 1; i <= 10; i++)
		s.add(t + i * 16'000, 109 + 2 * i, 100 + i);
	s.add(t + 11 * 16'000, 129, 110, PointerEventKind::ButtonUp);
	s.flush();
	ASSERT_EQ(s.out.size(), 3u);
	EXPECT_EQ(s.out[0].type, PointerActionType::MouseMove);
	EXPECT_DOUBLE_EQ(s.out[0][PointerFeature::Chord], 45.0); // (27, 36)
	EXPECT_EQ(s.out[1].type, PointerActionType::MouseMove);
	EXPECT_EQ(s.out[2].type, PointerActionType::DragDrop);
	EXPECT_NEAR(s.out[2][PointerFeature::ClickHold], 0.176, 1e-9);
	EXPECT_NEAR(s.out[2][PointerFeature::Chord], std::hypot(20, 10), 1e-9);
}

// Garbage: time running backwards, a release without a press, a press held
// for a minute, NaN-free features from repeated points. Nothing crashes and
// every feature is finite.
TEST(PointerFeatures, HostileStreams)
{
	Segments s;
	SplitMix64 rng(3);
	uint64_t t = 1'000'000;
	for (int i = 0; i < 20'000; i++) {
		const auto k = static_cast<PointerEventKind>(rng.next() % 4);
		t = rng.uniform() < 0.01 ? t - 500'000 : t + rng.next() % 40'000;
		s.add(t, rng.uniform() < 0.5 ? 7 : rng.uniform(-1e9, 1e9), 7, k);
	}
	s.add(t + 60'000'000, 1, 1, PointerEventKind::ButtonUp);
	s.flush();
	EXPECT_GT(s.out.size(), 0u);
	for (const PointerAction &a : s.out)
		for (double v : a.features)
			EXPECT_TRUE(std::isfinite(v));
}

// Two generated users who differ in speed: each template scores its own
// actions above the other's; the calibration of N(+1, 1) against N(−1, 1)
// scores is the true log-likelihood ratio 2x.
TEST(PointerModel, ScoresAndCalibration)
{
	auto make = [](uint64_t seed, double speed) {
		SplitMix64 rng(seed);
		std::vector<PointerAction> out;
		Segments s;
		uint64_t t = 1'000'000;
		for (int a = 0; a < 400; a++) {
			const double angle = rng.uniform(0, 2 * M_PI), v = speed * std::exp(0.2 * rng.normal());
			for (int i = 0; i < 12; i++, t += 16'000)
				s.add(t, 500 + i * v * std::cos(angle), 500 + i * v * std::sin(angle));
			t += 2'000'000;
		}
		s.flush();
		return s.out;
	};
	const auto slow = make(1, 3.0), fast = make(2, 9.0);
	std::vector<PointerAction> all = slow;
	all.insert(all.end(), fast.begin(), fast.end());
	const PointerBinning bins = PointerBinning::fit(all, 10);
	PointerHistogram hs(bins), hf(bins);
	for (const auto &a : slow)
		hs.add(a);
	for (const auto &a : fast)
		hf.add(a);
	const PointerScorer scorer(bins, hs, hf);
	double own = 0, other = 0;
	for (const auto &a : make(3, 3.0))
		own += scorer.raw(a);
	for (const auto &a : make(4, 9.0))
		other += scorer.raw(a);
	EXPECT_GT(own, 0);
	EXPECT_LT(other, 0);
	// raw() is the sum of the terms; a feature constant for a type (a
	// click's hold for a mouse move) has one bin and contributes nothing.
	const auto probe = make(5, 3.0);
	PointerTerms terms;
	scorer.terms(probe[0], terms);
	double sum = 0;
	for (double v : terms)
		sum += v;
	EXPECT_NEAR(sum, scorer.raw(probe[0]), 1e-9);
	EXPECT_EQ(bins.bins(PointerActionType::MouseMove, static_cast<size_t>(PointerFeature::ClickHold)), 1u);
	EXPECT_DOUBLE_EQ(terms[1 + static_cast<size_t>(PointerFeature::ClickHold)], 0.0);

	SplitMix64 rng(9);
	std::vector<double> g, i;
	for (int k = 0; k < 20'000; k++) {
		g.push_back(1 + rng.normal());
		i.push_back(-1 + rng.normal());
	}
	const PointerCalibration c = PointerCalibration::fit(g, i);
	EXPECT_NEAR(c.scale, 2.0, 0.1);
	EXPECT_NEAR(c.offset, 0.0, 0.1);
}

// Scroll rhythm: 6 wheel events down 100 ms apart, a 1.5 s gap (a new run),
// then 3 events up, down, up 200 ms apart; a movement ended 400 ms before the
// first run. Two scroll actions with the known ticks, intervals, reversals.
TEST(PointerFeatures, ScrollRunsAndRhythm)
{
	Segments s;
	uint64_t t = 1'000'000;
	for (int i = 0; i < 10; i++, t += 16'000)
		s.add(t, 10 + 3 * i, 10);
	const uint64_t lastMove = t - 16'000;
	t = lastMove + 400'000;
	auto wheel = [&](uint64_t at, int32_t ticks) {
		s.seg.add({at, 40, 10, PointerEventKind::Scroll, ticks});
		PointerAction a;
		while (s.seg.pop(a))
			s.out.push_back(a);
	};
	for (int i = 0; i < 6; i++)
		wheel(t + i * 100'000, -1);
	const uint64_t second = t + 5 * 100'000 + 1'500'000;
	wheel(second, 1);
	wheel(second + 200'000, -1);
	wheel(second + 400'000, 1);
	s.flush();
	std::vector<PointerAction> scrolls;
	for (const PointerAction &a : s.out)
		if (a.type == PointerActionType::Scroll)
			scrolls.push_back(a);
	ASSERT_EQ(scrolls.size(), 2u);
	EXPECT_EQ(pointerActionTypeName(PointerActionType::Scroll), "scroll");
	const PointerAction &a = scrolls[0], &b = scrolls[1];
	EXPECT_DOUBLE_EQ(a[PointerFeature::Points], 6);
	EXPECT_NEAR(a[PointerFeature::Duration], 0.5, 1e-9);
	EXPECT_NEAR(a[PointerFeature::ScrollInterval], 0.1, 1e-9);
	EXPECT_NEAR(a[PointerFeature::ScrollIntervalSd], 0.0, 1e-9);
	EXPECT_DOUBLE_EQ(a[PointerFeature::ScrollReversals], 0);
	EXPECT_NEAR(a[PointerFeature::Direction], -M_PI / 2, 1e-12);
	EXPECT_NEAR(a[PointerFeature::PauseBeforeScroll], 0.4, 1e-9);
	EXPECT_DOUBLE_EQ(b[PointerFeature::Points], 3);
	EXPECT_NEAR(b[PointerFeature::ScrollInterval], 0.2, 1e-9);
	EXPECT_DOUBLE_EQ(b[PointerFeature::ScrollReversals], 2);
	EXPECT_NEAR(b[PointerFeature::Direction], M_PI / 2, 1e-12);
	// The movement before the scrolling is still an action of its own.
	EXPECT_EQ(s.out.size(), 3u);
	// A single wheel event has no rhythm: dropped.
	Segments one;
	one.seg.add({1'000'000, 0, 0, PointerEventKind::Scroll, 1});
	one.flush();
	EXPECT_TRUE(one.out.empty());
}

// Feature weighting: terms are the naive-Bayes log ratios, weights of 1 and
// bias 0 give raw(); a logistic fit on a term that separates (term 1) and one
// that is noise (term 2) weights the first far above the second.
TEST(PointerModel, FeatureWeights)
{
	SplitMix64 rng(5);
	std::vector<PointerTerms> g, i;
	std::vector<PointerActionType> gt, it;
	for (int k = 0; k < 4000; k++) {
		PointerTerms x{};
		x[1] = 1 + rng.normal();
		x[2] = rng.normal();
		g.push_back(x);
		gt.push_back(PointerActionType::MouseMove);
		x[1] = -1 + rng.normal();
		x[2] = rng.normal();
		i.push_back(x);
		it.push_back(PointerActionType::MouseMove);
	}
	const PointerWeights w = PointerWeights::fit(g, gt, i, it, 1e-4, false);
	EXPECT_NEAR(w.weights[0][1], 2.0, 0.15); // the true llr of N(±1, 1) is 2x
	EXPECT_NEAR(w.weights[0][2], 0.0, 0.15);
	EXPECT_NEAR(w.bias, 0.0, 0.15);
	EXPECT_EQ(w.weights[3][1], w.weights[0][1]); // shared across types
	PointerTerms x{};
	x[1] = 0.5;
	EXPECT_NEAR(w(PointerActionType::Scroll, x), w.bias + 0.5 * w.weights[0][1], 1e-12);
	// Defaults (and an empty fit): plain naive Bayes.
	const PointerWeights d = PointerWeights::fit({}, {}, i, it, 1e-4);
	x[2] = 0.25;
	EXPECT_DOUBLE_EQ(d(PointerActionType::DragDrop, x), 0.75);
}

// Session evidence: the mean of per-action LLRs clamped to ±clip; a few wild
// actions cannot outweigh the rest, NaN is skipped, no clip means the plain
// mean, nothing gives 0.
TEST(PointerModel, MeanEvidenceClampsEachAction)
{
	const std::vector<double> llr = {0.5, 0.5, 0.5, -12.0};
	EXPECT_NEAR(pointerMeanEvidence(llr, 1.0), (0.5 + 0.5 + 0.5 - 1.0) / 4, 1e-12);
	EXPECT_NEAR(pointerMeanEvidence(llr, 0.0), (1.5 - 12.0) / 4, 1e-12);
	EXPECT_NEAR(pointerMeanEvidence(llr, INFINITY), (1.5 - 12.0) / 4, 1e-12);
	EXPECT_NEAR(pointerMeanEvidence(llr, NAN), (1.5 - 12.0) / 4, 1e-12);
	EXPECT_GT(pointerMeanEvidence(llr, kPointerLlrClip), 0.0);
	EXPECT_LT(pointerMeanEvidence(llr, 0.0), 0.0);
	const std::vector<double> odd = {NAN, 3.0, -INFINITY, NAN};
	EXPECT_NEAR(pointerMeanEvidence(odd, 2.0), 0.0, 1e-12);
	EXPECT_EQ(pointerMeanEvidence(std::vector<double>{NAN}, 1.0), 0.0);
	EXPECT_EQ(pointerMeanEvidence({}, 1.0), 0.0);
}

// Per-type calibration changes only its type's LLR; kernel smoothing across
// bins keeps each histogram's mass, so an action one bin away from all of
// the user's actions scores higher with it than without.
TEST(PointerModel, TypeCalibrationAndBinKernel)
{
	std::vector<PointerAction> population;
	for (int k = 0; k < 200; k++) {
		PointerAction a;
		a.type = k % 2 ? PointerActionType::PointClick : PointerActionType::MouseMove;
		a.features.fill(static_cast<double>(k % 20));
		population.push_back(a);
	}
	const PointerBinning bins = PointerBinning::fit(population, 20);
	PointerHistogram user(bins), bg(bins);
	for (const PointerAction &a : population)
		(a.features[0] < 4 ? user : bg).add(a);
	PointerAction near;
	near.type = PointerActionType::MouseMove;
	near.features.fill(6.0); // two bins above the user's last (4 and 5 are empty for move... all features)
	PointerAction click = near;
	click.type = PointerActionType::PointClick;
	click.features.fill(5.0);

	PointerScorer plain(bins, user, bg);
	PointerModelParams smooth;
	smooth.binKernel = 2.0;
	const PointerScorer kernel(bins, user, bg, smooth);
	EXPECT_GT(kernel.raw(near), plain.raw(near));
	EXPECT_TRUE(std::isfinite(kernel.raw(near)));

	const double moveBefore = plain.llr(near), clickBefore = plain.llr(click);
	plain.setCalibration(PointerActionType::PointClick, PointerCalibration{2.0, 1.0});
	EXPECT_DOUBLE_EQ(plain.llr(near), moveBefore);
	EXPECT_NEAR(plain.llr(click), 2.0 * clickBefore + 1.0, 1e-9);
	plain.setCalibration(PointerCalibration{0.5, 0.0});
	EXPECT_NEAR(plain.llr(click), 0.5 * plain.raw(click), 1e-9);
	EXPECT_NEAR(plain.llr(near), 0.5 * plain.raw(near), 1e-9);
}

// The analytic moments and normalisations of PointerNorm, by hand: every
// feature of a mouse move has two bins (values 0 and 1); the user has 3
// actions in bin 0 and 1 in bin 1, the background the reverse. With Laplace
// α = 1 each feature's smoothed probabilities are u = (2/3, 1/3), bg =
// (1/3, 2/3), its table (ln 2, −ln 2): impostor mean −ln2/3, genuine mean
// +ln2/3, both variances (8/9)·ln²2, summed over the F features; the type's
// prior term is 0 (4 actions each).
TEST(PointerModel, NormalisationMomentsByHand)
{
	auto action = [](double v) {
		PointerAction a;
		a.type = PointerActionType::MouseMove;
		a.features.fill(v);
		return a;
	};
	std::vector<PointerAction> population = {action(0), action(0), action(1), action(1)};
	const PointerBinning bins = PointerBinning::fit(population, 2);
	PointerHistogram user(bins), bg(bins);
	for (double v : {0.0, 0.0, 0.0, 1.0})
		user.add(action(v));
	for (double v : {0.0, 1.0, 1.0, 1.0})
		bg.add(action(v));
	const double F = kPointerFeatureCount, ln2 = std::log(2.0);
	const double mi = -F * ln2 / 3, mg = F * ln2 / 3, var = F * 8.0 / 9.0 * ln2 * ln2;

	PointerModelParams p;
	const PointerScorer none(bins, user, bg, p);
	const PointerScoreMoments &m = none.moments(PointerActionType::MouseMove);
	EXPECT_NEAR(m.impostorMean, mi, 1e-12);
	EXPECT_NEAR(m.genuineMean, mg, 1e-12);
	EXPECT_NEAR(m.impostorVar, var, 1e-12);
	EXPECT_NEAR(m.genuineVar, var, 1e-12);
	const PointerAction own = action(0);
	const double raw = none.raw(own);
	EXPECT_NEAR(raw, F * ln2, 1e-12);
	EXPECT_DOUBLE_EQ(none.normalised(own), raw);

	auto normalisedWith = [&](PointerNorm n) {
		p.norm = n;
		return PointerScorer(bins, user, bg, p).normalised(own);
	};
	EXPECT_NEAR(normalisedWith(PointerNorm::Impostor), (raw - mi) / std::sqrt(var), 1e-9);
	EXPECT_NEAR(normalisedWith(PointerNorm::Midpoint), 3.0, 1e-9); // F·ln2 / (F·ln2/3)
	EXPECT_NEAR(normalisedWith(PointerNorm::Pooled), raw / std::sqrt(var), 1e-9);
	// Equal variances: the Gaussian LLR is linear, (μ_G − μ_I)/σ² · (raw − midpoint) = 0.75·F.
	EXPECT_NEAR(normalisedWith(PointerNorm::Gaussian), 0.75 * F, 1e-9);
	EXPECT_NEAR(normalisedWith(PointerNorm::Linear), 0.75 * F, 1e-9);
	// Half the separation kept by the user's own new actions: genuine mean 0, midpoint −F·ln2/6, half
	// separation F·ln2/6, so (F·ln2 + F·ln2/6) / (F·ln2/6) = 7; out of range or NaN fractions are clamped.
	p.norm = PointerNorm::Midpoint;
	PointerScorer drifting(bins, user, bg, p);
	drifting.setGenuineFraction(PointerActionType::MouseMove, 0.5);
	EXPECT_NEAR(drifting.moments(PointerActionType::MouseMove).genuineMean, 0.0, 1e-12);
	EXPECT_NEAR(drifting.normalised(own), 7.0, 1e-9);
	drifting.setGenuineFraction(PointerActionType::MouseMove, std::nan(""));
	EXPECT_NEAR(drifting.normalised(own), 3.0, 1e-9);
	drifting.setGenuineFraction(PointerActionType::MouseMove, 5.0);
	EXPECT_NEAR(drifting.moments(PointerActionType::MouseMove).genuineMean, mi + 1.5 * (mg - mi), 1e-12);
	// The calibration maps the normalised score.
	p.norm = PointerNorm::Midpoint;
	PointerScorer calibrated(bins, user, bg, p);
	calibrated.setCalibration(PointerCalibration{0.5, -1.0});
	EXPECT_NEAR(calibrated.llr(own), 0.5 * 3.0 - 1.0, 1e-9);

	// A user whose histogram is the background's: no separation, no division by zero.
	p.norm = PointerNorm::Midpoint;
	const PointerScorer same(bins, bg, bg, p);
	EXPECT_TRUE(std::isfinite(same.normalised(own)));
	p.norm = PointerNorm::Gaussian;
	EXPECT_TRUE(std::isfinite(PointerScorer(bins, bg, bg, p).normalised(own)));
}
