// SPDX-License-Identifier: MIT
// The touch model (quantile bins, naive-Bayes LLR against a background) and
// the Touchalytics feature reader: rows, garbage. Generated strokes only,
// never the data set.

#include "touch-model.h"
#include "touchalytics-dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

using namespace tactus;

namespace {

const char *const kHeader = "ID,DocID,F1,F2,F3,F4,F5,F6,F7,F8,F9,F10,PhoneID,F11,F12,F13,F14,F15,F16,F17,F18,"
			    "F19,F20,F21,F22,F23,F24,F25,F26,F27,F28,F29,FOrientation,F30\n";

/** A generated row: ID, DocID, then 32 numbers where F_k = k + 0.5, PhoneID 3, FOrientation 0. */
std::string row(int id, int doc)
{
	std::string s = std::to_string(id) + "," + std::to_string(doc);
	int k = 1;
	for (int col = 2; col < 34; col++) {
		if (col == 12)
			s += ",3";
		else if (col == 32)
			s += ",0";
		else
			s += "," + std::to_string(k++) + ".5";
	}
	return s;
}

/** Strokes of @p n features drawn around @p mean (one per feature), spread @p sd. */
std::vector<TouchFeatures> strokes(std::mt19937 &rng, const std::vector<double> &mean, double sd, size_t n)
{
	std::normal_distribution<double> noise(0.0, sd);
	std::vector<TouchFeatures> out(n, TouchFeatures(mean.size()));
	for (TouchFeatures &s : out)
		for (size_t f = 0; f < mean.size(); f++)
			s[f] = mean[f] + noise(rng);
	return out;
}

} // namespace

TEST(TouchalyticsDataset, ParsesRows)
{
	const std::string text = std::string(kHeader) + row(7, 4) + "\n" + row(41, 1) + "\r\n";
	TouchalyticsStats stats;
	auto r = parseTouchalytics(text, stats);
	ASSERT_TRUE(r.ok()) << r.error().message;
	ASSERT_EQ(r->size(), 2u);
	EXPECT_EQ(stats.rows, 2u);
	EXPECT_EQ(stats.malformed, 0u);
	const TouchalyticsStroke &s = (*r)[0];
	EXPECT_EQ(s.user, 7);
	EXPECT_EQ(s.document, 4);
	EXPECT_EQ(s.phone, 3);
	ASSERT_EQ(s.features.size(), kTouchalyticsFeatures);
	for (size_t k = 0; k < kTouchalyticsFeatures; k++)
		EXPECT_DOUBLE_EQ(s.features[k], static_cast<double>(k + 1) + 0.5) << "F" << k + 1;
	EXPECT_EQ((*r)[1].user, 41);
}

TEST(TouchalyticsDataset, GarbageIsCountedAndSkipped)
{
	std::string shortRow = row(1, 1);
	shortRow.resize(shortRow.rfind(','));
	const std::string text = std::string(kHeader) + row(1, 1) + "\n" + shortRow + "\n" + row(1, 1) + ",9\n" + "x" +
				 row(1, 1) + "\n" + row(0, 1) + "\n" + "1,1,nan" + row(1, 1).substr(7) + "\n" +
				 "\xff\xfe\x01,\n" + row(2, 5) + "\n\n";
	TouchalyticsStats stats;
	auto r = parseTouchalytics(text, stats);
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(r->size(), 2u);
	EXPECT_EQ(stats.rows, 8u);
	EXPECT_EQ(stats.malformed, 6u);
	EXPECT_FALSE(parseTouchalytics("ID,DocID,F1\n1,1,1\n", stats).ok());
	EXPECT_FALSE(parseTouchalytics("", stats).ok());
	EXPECT_FALSE(parseTouchalytics("\x00\x01garbage", stats).ok());
	EXPECT_FALSE(readTouchalytics("/nonexistent/randomRegDatav1.csv", stats).ok());
}

TEST(TouchModel, BinsAreQuantiles)
{
	std::vector<TouchFeatures> pop;
	for (int i = 0; i < 100; i++)
		pop.push_back({static_cast<double>(i), 1.0});
	const TouchBinning b = TouchBinning::fit(pop, 4);
	EXPECT_EQ(b.features(), 2u);
	EXPECT_EQ(b.bin(0, -5), 0u);
	EXPECT_EQ(b.bin(0, 24), 0u);
	EXPECT_EQ(b.bin(0, 25), 1u);
	EXPECT_EQ(b.bin(0, 60), 2u);
	EXPECT_EQ(b.bin(0, 1e9), 3u);
	EXPECT_EQ(b.bin(0, NAN), 0u);
	// A constant feature has one edge: two bins at most.
	EXPECT_EQ(b.bin(1, 0.5), 0u);
	EXPECT_EQ(b.bin(1, 1.0), 1u);
	EXPECT_EQ(b.bin(5, 1.0), 0u); // no such feature
}

TEST(TouchModel, SeparatesUserFromBackgroundAndAddsUpOverStrokes)
{
	std::mt19937 rng(12);
	const std::vector<double> userMean = {1.0, -1.0, 0.5, 0.0}, otherMean = {0.0, 0.0, 0.0, 0.0};
	std::vector<TouchFeatures> population = strokes(rng, otherMean, 1.0, 2000);
	const auto enrol = strokes(rng, userMean, 1.0, 300);
	population.insert(population.end(), enrol.begin(), enrol.end());
	const TouchBinning binning = TouchBinning::fit(population, 10);
	TouchHistogram user(binning), bg(binning);
	for (const TouchFeatures &s : enrol)
		user.add(s);
	for (const TouchFeatures &s : strokes(rng, otherMean, 1.0, 2000))
		bg.add(s);
	user.add({1.0}); // too short: ignored
	EXPECT_EQ(user.strokes(), 300u);
	EXPECT_EQ(bg.strokes(), 2000u);

	const TouchScorer scorer(binning, user, bg);
	std::vector<double> g, i;
	for (const TouchFeatures &s : strokes(rng, userMean, 1.0, 500))
		g.push_back(scorer.raw(s));
	for (const TouchFeatures &s : strokes(rng, otherMean, 1.0, 500))
		i.push_back(scorer.raw(s));
	double mg = 0, mi = 0;
	for (double v : g)
		mg += v / 500;
	for (double v : i)
		mi += v / 500;
	EXPECT_GT(mg, 0.5);
	EXPECT_LT(mi, -0.5);
	EXPECT_EQ(scorer.raw({1.0, 2.0}), 0.0); // too short

	// Calibrated: the mean llr of each class keeps its sign, and the scale is positive.
	const PointerCalibration cal = PointerCalibration::fit(g, i);
	EXPECT_GT(cal.scale, 0);
	const TouchScorer calibrated(binning, user, bg, {}, cal);
	double cg = 0, ci = 0;
	for (const TouchFeatures &s : strokes(rng, userMean, 1.0, 200))
		cg += calibrated.llr(s);
	for (const TouchFeatures &s : strokes(rng, otherMean, 1.0, 200))
		ci += calibrated.llr(s);
	EXPECT_GT(cg, 0);
	EXPECT_LT(ci, 0);
}

TEST(TouchModel, MergedHistogramsCountBoth)
{
	const TouchBinning binning = TouchBinning::fit({{0.0}, {1.0}, {2.0}, {3.0}}, 2);
	TouchHistogram a(binning), b(binning), other;
	a.add({0.0});
	b.add({3.0});
	b.add({2.5});
	a.merge(b);
	a.merge(other); // unbound: ignored
	EXPECT_EQ(a.strokes(), 3u);
	EXPECT_EQ(a.count(0, 0), 1u);
	EXPECT_EQ(a.count(0, 1), 2u);
	EXPECT_EQ(a.count(1, 0), 0u);
}

// The background Z-norm's mean and spread are those of the raw score of
// strokes drawn from the background: checked against generated strokes of
// independent features.
TEST(TouchScorer, BackgroundNormMatchesDrawnStrokes)
{
	std::mt19937 rng(12);
	const std::vector<double> userMean = {1.0, -1.0, 0.5}, bgMean = {0.0, 0.0, 0.0};
	const std::vector<TouchFeatures> bgStrokes = strokes(rng, bgMean, 1.0, 4000);
	const TouchBinning binning = TouchBinning::fit(bgStrokes, 8);
	TouchHistogram user(binning), bg(binning);
	for (const TouchFeatures &s : strokes(rng, userMean, 0.7, 400))
		user.add(s);
	for (const TouchFeatures &s : bgStrokes)
		bg.add(s);
	TouchModelParams params{8, 1.0, TouchNorm::Background};
	const TouchScorer scorer(binning, user, bg, params);
	double sum = 0, sum2 = 0;
	const std::vector<TouchFeatures> fresh = strokes(rng, bgMean, 1.0, 4000);
	for (const TouchFeatures &s : fresh) {
		const double r = scorer.raw(s);
		sum += r;
		sum2 += r * r;
	}
	const double n = static_cast<double>(fresh.size()), mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
	EXPECT_NEAR(scorer.backgroundMean(), mean, 0.1 * sd);
	EXPECT_NEAR(scorer.backgroundSd(), sd, 0.1 * sd);
	EXPECT_GT(scorer.userMean(), scorer.backgroundMean());
	// Normalised, the background's strokes sit around 0 with spread 1.
	double z = 0;
	for (const TouchFeatures &s : fresh)
		z += scorer.normalized(s);
	EXPECT_NEAR(z / n, 0.0, 0.1);
}

// The normalisations on a histogram small enough to compute by hand: one
// feature, two bins (edge at 1), user counts 3:1, background 1:3, α = 1, so
// P_user = (2/3, 1/3), P_bg = (1/3, 2/3) and the bin log ratios are ±log 2.
// raw under the background: mean −(1/3)·log 2, variance 1·log²2 − (1/9)·log²2
// = (8/9)·log²2; under the user: mean +(1/3)·log 2, the same variance.
TEST(TouchScorer, NormalisationsByHandOnATinyHistogram)
{
	const TouchBinning binning = TouchBinning::fit({{0.0}, {1.0}}, 2);
	ASSERT_EQ(binning.bin(0, 0.0), 0u);
	ASSERT_EQ(binning.bin(0, 1.0), 1u);
	TouchHistogram user(binning), background(binning);
	for (double v : {0.0, 0.0, 0.0, 1.0})
		user.add({v});
	for (double v : {0.0, 1.0, 1.0, 1.0})
		background.add({v});
	const double l2 = std::log(2.0), sd = std::sqrt(8.0) / 3.0 * l2;
	auto scorer = [&](TouchNorm norm) { return TouchScorer(binning, user, background, {2, 1.0, norm}); };
	const TouchScorer none = scorer(TouchNorm::None);
	EXPECT_NEAR(none.raw({0.0}), l2, 1e-12);
	EXPECT_NEAR(none.raw({1.0}), -l2, 1e-12);
	EXPECT_NEAR(none.backgroundMean(), -l2 / 3, 1e-12);
	EXPECT_NEAR(none.backgroundSd(), sd, 1e-12);
	EXPECT_NEAR(none.userMean(), l2 / 3, 1e-12);
	EXPECT_NEAR(none.userSd(), sd, 1e-12);
	// Z-norm against the background: (log 2 + log 2 / 3) / sd = √2.
	EXPECT_NEAR(scorer(TouchNorm::Background).normalized({0.0}), std::sqrt(2.0), 1e-12);
	// Span: (raw − μ_bg) / (μ_user − μ_bg) = (4/3) / (2/3) = 2, and −1 for the other bin.
	EXPECT_NEAR(scorer(TouchNorm::Span).normalized({0.0}), 2.0, 1e-12);
	EXPECT_NEAR(scorer(TouchNorm::Span).normalized({1.0}), -1.0, 1e-12);
	// Two Gaussians of equal sd: z_user = 1/√2, z_bg = √2 → −½·½ + ½·2 = 0.75; the other bin −0.75.
	EXPECT_NEAR(scorer(TouchNorm::TwoGaussian).normalized({0.0}), 0.75, 1e-12);
	EXPECT_NEAR(scorer(TouchNorm::TwoGaussian).normalized({1.0}), -0.75, 1e-12);
}
