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

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tactus {

/** Quantile bin edges of every (action type, feature), fitted on a population's actions. */
class PointerBinning {
public:
	PointerBinning() = default;
	/** Edges at the 1/bins..(bins−1)/bins quantiles of @p population, per type and feature (duplicates and edges at
	 * the minimum merged, so a constant feature has one bin). */
	static PointerBinning fit(const std::vector<PointerAction> &population, unsigned bins);

	/** Number of bins (the most any feature has). */
	unsigned bins() const { return bins_; }
	/** Bins feature @p f of type @p t actually has (1 + distinct edges; 1 for a constant feature). */
	unsigned bins(PointerActionType t, size_t f) const;
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

/** Evidence terms of one action: [0] the type's log prior ratio, [1 + f] feature f's bin log ratio (nats). */
inline constexpr size_t kPointerTerms = kPointerFeatureCount + 1;
using PointerTerms = std::array<double, kPointerTerms>;

/**
 * Per-user feature weighting of the naive-Bayes terms (a weighted naive
 * Bayes, or a logistic regression on the per-feature log ratios; Zaidi et al.,
 * "Alleviating naive Bayes attribute independence assumption by attribute
 * weighting", JMLR 14, 2013): llr = bias + Σ_j w[type][j] · term_j. Correlated
 * features (mean, maximum and spread of speed) then count once instead of
 * three times, and features that do not tell this user apart count little.
 * Default: all weights 1, bias 0 (plain naive Bayes).
 */
struct PointerWeights {
	std::array<PointerTerms, kPointerActionTypes> weights;
	double bias = 0;

	PointerWeights();
	/**
	 * Class-balanced logistic regression of genuine (1) against impostor (0)
	 * terms (each class half the total weight), L2 penalty @p ridge on the
	 * weights (not the bias), by Newton's method. With @p perType false one
	 * weight vector is shared by all action types. Defaults if either
	 * set is empty. @p genuineTypes / @p impostorTypes give each row's type.
	 */
	static PointerWeights fit(const std::vector<PointerTerms> &genuine,
				  const std::vector<PointerActionType> &genuineTypes,
				  const std::vector<PointerTerms> &impostor,
				  const std::vector<PointerActionType> &impostorTypes, double ridge,
				  bool perType = true);
	/** Weighted sum of @p terms for an action of type @p t (nats; > 0 favours the user). */
	double operator()(PointerActionType t, const PointerTerms &terms) const;
};

/**
 * Per-user normalisation of the raw naive-Bayes score, computed from the
 * user's histogram and the background alone (no other person's actions): the
 * moments of raw(a) for an action a of type t drawn from the background
 * (an impostor) or from the user's own histogram, under the naive-Bayes
 * independence of the features (PointerScoreMoments).
 */
enum class PointerNorm : uint8_t {
	None,     ///< raw score as is
	Impostor, ///< z against the impostor: (raw − μ_I) / σ_I
	Midpoint, ///< (raw − (μ_G + μ_I)/2) / ((μ_G − μ_I)/2): impostor mean at −1, genuine mean at +1
	Pooled,   ///< (raw − (μ_G + μ_I)/2) / √((σ_G² + σ_I²)/2)
	Gaussian, ///< log N(raw; μ_G, σ_G²) − log N(raw; μ_I, σ_I²): the two-class Gaussian LLR
	Linear, ///< (μ_G − μ_I) / σ_I² · (raw − (μ_G + μ_I)/2): the Gaussian LLR with one shared variance σ_I²
};

/** Name of @p n as the pointer model file and `tactus-eval mouse --norm` spell it. */
std::string_view pointerNormName(PointerNorm n);

/**
 * Moments of the raw score of one action type's actions (nats), under the
 * naive-Bayes independence of the features: for an action drawn from the
 * background (impostor: mean Σ_f Σ_b bg_f(b) log(u_f(b)/bg_f(b)) + the
 * type's log prior ratio, i.e. −Σ_f KL(bg_f‖u_f) + prior term; variance the
 * sum of the per-feature variances) and from the user's own smoothed
 * histogram (genuine: mean Σ_f KL(u_f‖bg_f) + prior term). Probabilities
 * are the smoothed ones the scorer's table is made of.
 */
struct PointerScoreMoments {
	double impostorMean = 0, impostorVar = 0;
	double genuineMean = 0, genuineVar = 0;
};

/** Settings of PointerScorer. */
struct PointerModelParams {
	unsigned bins = 10;     ///< quantile bins per feature
	double smoothing = 1.0; ///< Laplace α added to every bin count
	/** Smooth over the bins each feature has (PointerBinning::bins(t, f)) rather than over bins. */
	bool perFeatureBins = true;
	/**
	 * Kernel smoothing across neighbouring bins: every count spread over the
	 * feature's bins by a Gaussian of this standard deviation (bins; mass
	 * kept), a kernel density estimate on the quantile scale. 0: none.
	 */
	double binKernel = 0.0;
	/** Per-user normalisation of the raw score before the calibration (PointerNorm). */
	PointerNorm norm = PointerNorm::None;
};

/** Scores actions for one user against a background. */
class PointerScorer {
public:
	/** @p user and @p background must share @p binning, which must outlive the scorer. */
	PointerScorer(const PointerBinning &binning, const PointerHistogram &user, const PointerHistogram &background,
		      const PointerModelParams &params = {}, PointerCalibration calibration = {});

	/** Uncalibrated naive-Bayes log ratio of @p a (nats; > 0 favours the user). */
	double raw(const PointerAction &a) const;
	/**
	 * raw(a) normalised by the scorer's PointerNorm with its type's moments
	 * (raw(a) itself for PointerNorm::None): what the calibration maps. The
	 * moments assume the default weights (setWeights() changes raw() but not
	 * them).
	 */
	double normalised(const PointerAction &a) const { return normalise(a.type, raw(a)); }
	/** @p raw of an action of type @p t normalised by the scorer's PointerNorm. */
	double normalise(PointerActionType t, double raw) const;
	/** Calibrated log-likelihood ratio of @p a (nats; > 0 favours the user), by its type's calibration. */
	double llr(const PointerAction &a) const
	{
		return calibrations_[static_cast<size_t>(a.type) % kPointerActionTypes](normalised(a));
	}
	/** The raw score's moments for actions of type @p t (PointerScoreMoments). */
	const PointerScoreMoments &moments(PointerActionType t) const
	{
		return moments_[static_cast<size_t>(t) % kPointerActionTypes];
	}
	/**
	 * How much of the analytic separation the user's own new actions keep
	 * (their behaviour drifts between sessions; the analytic genuine mean
	 * assumes it does not): the genuine mean of type @p t becomes
	 * μ_I + @p fraction · (μ_G − μ_I), the analytic μ_G's. @p fraction is
	 * clamped to [0, 1.5]; not finite: 1 (the analytic mean).
	 */
	void setGenuineFraction(PointerActionType t, double fraction);

	/**
	 * The evidence of @p a for a window or session: its llr() clamped to
	 * ±clip() nats (no clamp if clip() ≤ 0), as pointerMeanEvidence()
	 * clamps each action.
	 */
	double evidence(const PointerAction &a) const
	{
		const double v = llr(a);
		return clip_ > 0 ? std::clamp(v, -clip_, clip_) : v;
	}
	/** The clamp of evidence(), nats (0: none; the default). */
	double clip() const { return clip_; }
	void setClip(double nats) { clip_ = std::isfinite(nats) && nats > 0 ? nats : 0.0; }
	/** One calibration for every action type. */
	void setCalibration(PointerCalibration c) { calibrations_.fill(c); }
	/** The calibration of actions of type @p t (the raw scores of the types differ in scale: a mouse move has
	 * no click features). */
	void setCalibration(PointerActionType t, PointerCalibration c)
	{
		calibrations_[static_cast<size_t>(t) % kPointerActionTypes] = c;
	}
	/** Evidence terms of @p a (see PointerTerms); raw(a) = weights(type, terms). */
	void terms(const PointerAction &a, PointerTerms &out) const;
	/** Weight the terms (default: all 1, bias 0); a fitted PointerWeights is calibrated, so pair it with an
	 * identity PointerCalibration. */
	void setWeights(const PointerWeights &w) { weights_ = w; }

private:
	const PointerBinning *binning_;
	std::array<PointerCalibration, kPointerActionTypes> calibrations_;
	PointerWeights weights_;
	double clip_ = 0.0;
	PointerNorm norm_ = PointerNorm::None;
	std::array<double, kPointerActionTypes> typeLog_{};
	std::array<PointerScoreMoments, kPointerActionTypes> moments_{};
	std::array<double, kPointerActionTypes> analyticGenuineMean_{};
	std::vector<double> table_; // [type][feature][bin] log ratio
};

/**
 * Evidence of a run of actions (a session, a window): the mean of their
 * calibrated LLRs, each first clamped to ±@p clip nats (nats per action;
 * > 0 favours the user). The naive-Bayes LLR of one action is heavy-tailed
 * (a few odd actions reach ±10 nats); the clamp keeps them from outweighing
 * the rest of the session — a robust mean in the sense of Huber. @p clip
 * ≤ 0, NaN or infinite: no clamp. NaN LLRs are skipped; 0 if none is left.
 * `tactus-eval mouse` chose @p clip = 1 (kPointerLlrClip) by its
 * cross-validation on the development users' training sessions.
 */
double pointerMeanEvidence(std::span<const double> llr, double clip);

/** The per-action clamp of pointerMeanEvidence() that `tactus-eval mouse` uses, nats. */
inline constexpr double kPointerLlrClip = 1.0;

} // namespace tactus
