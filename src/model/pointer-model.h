// SPDX-License-Identifier: MIT
#pragma once

// Per-user pointer behaviour model (issue 12): a naive-Bayes log-likelihood
// ratio of one action between the user's template and a background of other
// people. Every feature of every action type is cut into quantile bins fitted
// on a population (so the scale of a feature does not matter); a template is
// the count of the user's actions per type and per (type, feature, bin), the
// background the same counts over other people. For action a of type t with
// features f_1..f_K in bins b_1..b_K:
//   raw(a) = log P_u(t) / P_bg(t) + Σ_k log P_u(b_k | t) / P_bg(b_k | t)
// with additive (Laplace) smoothing α. The features are not independent, so
// raw(a) overstates the evidence; PointerCalibration maps it to a calibrated
// log-likelihood ratio, fitted by logistic regression on genuine and impostor
// actions of training users (Platt scaling, each class weighted equally so
// the intercept carries no prior). Pure, deterministic.
//
// Ahmed & Traoré (IEEE TDSC 2007) compare per-user histograms of such
// features in the same spirit; Antal & Egyed-Zsigmond (IET Biometrics 2019)
// use the same action model with a random forest instead.

#include "pointer-features.h"

#include <array>
#include <cstdint>
#include <vector>

namespace tactus {

/** Quantile bin edges of every (action type, feature), fitted on a population's actions. */
class PointerBinning {
public:
	PointerBinning() = default;
	/** Edges at the 1/bins..(bins−1)/bins quantiles of @p population, per type and feature (duplicates merged). */
	static PointerBinning fit(const std::vector<PointerAction> &population, unsigned bins);

	/** Number of bins (the most any feature has). */
	unsigned bins() const { return bins_; }
	/** Bin of value @p v of feature @p f for an action of type @p t, in [0, bins()). */
	unsigned bin(PointerActionType t, size_t f, double v) const;

	/** The edges of (type @p t, feature @p f), ascending, at most bins() − 1 (serialisation). */
	const std::vector<double> &edges(PointerActionType t, size_t f) const
	{
		return edges_[static_cast<size_t>(t)][f];
	}
	/**
	 * A binning of @p bins bins from stored edges (serialisation): each list
	 * must be strictly ascending, finite and shorter than @p bins; false
	 * (and @p out untouched) otherwise.
	 */
	static bool
	fromEdges(unsigned bins,
		  const std::array<std::array<std::vector<double>, kPointerFeatureCount>, kPointerActionTypes> &edges,
		  PointerBinning &out);

private:
	unsigned bins_ = 1;
	std::array<std::array<std::vector<double>, kPointerFeatureCount>, kPointerActionTypes> edges_{};
};

/** Action counts per type and per (type, feature, bin): a user's template, or a background. */
class PointerHistogram {
public:
	PointerHistogram() = default;
	explicit PointerHistogram(const PointerBinning &binning);

	void add(const PointerAction &a);
	/** Add (sign +1) or take away (−1) another histogram of the same binning. */
	void merge(const PointerHistogram &other, int sign = 1);

	uint64_t actions() const;
	uint64_t actions(PointerActionType t) const { return typeCounts_[static_cast<size_t>(t)]; }
	uint64_t count(PointerActionType t, size_t f, unsigned b) const;

	/** Every (type, feature, bin) count, [type][feature][bin] (serialisation); empty without a binning. */
	const std::vector<uint64_t> &cells() const { return counts_; }
	/**
	 * Stored counts into this histogram (serialisation): @p cells must hold
	 * kPointerActionTypes × kPointerFeatureCount × bins() counts; false
	 * (and nothing changed) otherwise.
	 */
	bool setCounts(const std::array<uint64_t, kPointerActionTypes> &types, const std::vector<uint64_t> &cells);

private:
	const PointerBinning *binning_ = nullptr;
	std::array<uint64_t, kPointerActionTypes> typeCounts_{};
	std::vector<uint64_t> counts_; // [type][feature][bin]
};

/** Maps a raw naive-Bayes score to a log-likelihood ratio: llr = scale · raw + offset. */
struct PointerCalibration {
	double scale = 1.0;
	double offset = 0.0;

	/**
	 * Logistic regression of genuine (1) against impostor (0) raw scores,
	 * each class weighted to half the total (Newton's method); identity if
	 * either set is empty.
	 */
	static PointerCalibration fit(const std::vector<double> &genuineRaw, const std::vector<double> &impostorRaw);
	double operator()(double raw) const { return scale * raw + offset; }
};

/** Settings of PointerScorer. */
struct PointerModelParams {
	unsigned bins = 10;     ///< quantile bins per feature
	double smoothing = 1.0; ///< Laplace α added to every bin count
};

/** Scores actions for one user against a background. */
class PointerScorer {
public:
	/** @p user and @p background must share @p binning, which must outlive the scorer. */
	PointerScorer(const PointerBinning &binning, const PointerHistogram &user, const PointerHistogram &background,
		      const PointerModelParams &params = {}, PointerCalibration calibration = {});

	/** Uncalibrated naive-Bayes log ratio of @p a (nats; > 0 favours the user). */
	double raw(const PointerAction &a) const;
	/** Calibrated log-likelihood ratio of @p a (nats; > 0 favours the user). */
	double llr(const PointerAction &a) const { return calibration_(raw(a)); }
	void setCalibration(PointerCalibration c) { calibration_ = c; }

private:
	const PointerBinning *binning_;
	PointerCalibration calibration_;
	std::array<double, kPointerActionTypes> typeLog_{};
	std::vector<double> table_; // [type][feature][bin] log ratio
};

} // namespace tactus
