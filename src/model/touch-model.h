// SPDX-License-Identifier: MIT
#pragma once

// Per-user touch behaviour model (issue 12): a naive-Bayes log-likelihood
// ratio of one stroke (swipe or tap) between the user's template and a
// background of other people, on a fixed-length vector of stroke features
// (for the Touchalytics study's 30 features see Frank et al., "Touchalytics:
// On the Applicability of Touchscreen Input as a Behavioral Biometric for
// Continuous Authentication", IEEE TIFS 8(1), 2013). Every feature is cut
// into quantile bins fitted on a population, so its scale and heavy tails do
// not matter; a template is the count of the user's strokes per (feature,
// bin), the background the same counts over other people. For a stroke with
// features in bins b_1..b_K:
//   raw(s) = Σ_k log P_u(b_k) / P_bg(b_k)
// with additive (Laplace) smoothing α. The features are not independent, so
// raw(s) overstates the evidence; a PointerCalibration (Platt scaling, each
// class weighted equally) maps it to a calibrated log-likelihood ratio in
// nats. Strokes are aggregated by adding their calibrated LLRs, as Frank et
// al. combine the scores of k consecutive strokes. Pure, deterministic.

#include "pointer-model.h"

#include <cstdint>
#include <vector>

namespace tactus {

/** Features of one stroke; every stroke of a model has the same length. */
using TouchFeatures = std::vector<double>;

/** Quantile bin edges of every feature, fitted on a population's strokes. */
class TouchBinning {
public:
	TouchBinning() = default;
	/**
	 * Edges at the 1/bins..(bins−1)/bins quantiles of @p population per feature
	 * (duplicates merged, so a feature with few values gets few bins). The
	 * feature count is that of the first stroke; shorter strokes are skipped.
	 */
	static TouchBinning fit(const std::vector<TouchFeatures> &population, unsigned bins);

	size_t features() const { return edges_.size(); }
	/** Number of bins (the most any feature may have). */
	unsigned bins() const { return bins_; }
	/** Bin of value @p v of feature @p f, in [0, bins()); NaN falls in bin 0. */
	unsigned bin(size_t f, double v) const;

private:
	unsigned bins_ = 1;
	std::vector<std::vector<double>> edges_;
};

/** Stroke counts per (feature, bin): a user's template, or a background. */
class TouchHistogram {
public:
	TouchHistogram() = default;
	explicit TouchHistogram(const TouchBinning &binning);

	/** Count @p s; ignored if it has fewer features than the binning. */
	void add(const TouchFeatures &s);
	/** Add another histogram of the same binning. */
	void merge(const TouchHistogram &other);

	uint64_t strokes() const { return strokes_; }
	uint64_t count(size_t f, unsigned b) const;

private:
	const TouchBinning *binning_ = nullptr;
	uint64_t strokes_ = 0;
	std::vector<uint64_t> counts_; // [feature][bin]
};

/**
 * How a user's raw scores are put on one scale before calibration, so that
 * one global threshold serves every user (score normalisation; Auckenthaler
 * et al., "Score normalization for text-independent speaker verification
 * systems", DSP 10, 2000, call the impostor-side form Z-norm).
 */
enum class TouchNorm : uint8_t {
	None, ///< raw(s) as is
	/**
	 * Z-norm against the background: (raw − μ) / σ, where μ and σ² are
	 * the mean and variance of raw(s) for a stroke drawn from the
	 * background histogram's per-feature marginals (features independent,
	 * as the naive Bayes assumes). Computed from the histograms alone, so
	 * it needs no stored strokes of other people.
	 */
	Background,
	/**
	 * (raw − μ_bg) / (μ_user − μ_bg): 0 at the background's expected
	 * score, 1 at the user's own (their template's marginals).
	 */
	Span,
	/**
	 * A per-user two-Gaussian log-likelihood ratio of raw(s): log N(raw;
	 * μ_user, σ_user²) − log N(raw; μ_bg, σ_bg²), each mean and variance
	 * that of raw(s) for a stroke drawn from the template's or the
	 * background's per-feature marginals (features independent).
	 */
	TwoGaussian,
};

/** Settings of TouchScorer. */
struct TouchModelParams {
	unsigned bins = 10;               ///< quantile bins per feature
	double smoothing = 1.0;           ///< Laplace α added to every bin count
	TouchNorm norm = TouchNorm::None; ///< raw-score normalisation before calibration
};

/** Scores strokes for one user against a background. */
class TouchScorer {
public:
	/** @p user and @p background must share @p binning, which must outlive the scorer. */
	TouchScorer(const TouchBinning &binning, const TouchHistogram &user, const TouchHistogram &background,
		    const TouchModelParams &params = {}, PointerCalibration calibration = {});

	/** Uncalibrated naive-Bayes log ratio of @p s (nats; > 0 favours the user); 0 if @p s is too short. */
	double raw(const TouchFeatures &s) const;
	/** Each feature's bin log ratio of @p s into @p out (raw(s) is their sum); all 0 if @p s is too short. */
	void terms(const TouchFeatures &s, std::vector<double> &out) const;
	/** raw(s) normalised by the params' TouchNorm (what the calibration maps). */
	double normalized(const TouchFeatures &s) const;
	/** Calibrated log-likelihood ratio of @p s (nats; > 0 favours the user). */
	double llr(const TouchFeatures &s) const { return calibration_(normalized(s)); }
	void setCalibration(PointerCalibration c) { calibration_ = c; }

	/** Expected raw score of a stroke drawn from the background's marginals (nats). */
	double backgroundMean() const { return bgMean_; }
	/** Its standard deviation, features independent (nats). */
	double backgroundSd() const { return bgSd_; }
	/** Expected raw score of a stroke drawn from the user's template marginals (nats). */
	double userMean() const { return userMean_; }
	/** Its standard deviation, features independent (nats). */
	double userSd() const { return userSd_; }

private:
	const TouchBinning *binning_;
	PointerCalibration calibration_;
	std::vector<double> table_; // [feature][bin] log ratio
	double bgMean_ = 0, bgSd_ = 1, userMean_ = 0, userSd_ = 1;
	double normMean_ = 0, normScale_ = 1;
	TouchNorm norm_ = TouchNorm::None;
};

} // namespace tactus
