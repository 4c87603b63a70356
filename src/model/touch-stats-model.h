// SPDX-License-Identifier: MIT
#pragma once

// Statistics-only touch model (issue 12, "Touch"): a user's strokes of one
// class (tap, or a swipe up, down, left or right, the classes of Frank et
// al.'s direction flag, "Touchalytics", IEEE TIFS 8(1), 2013) summarised by
// the mean and variance of each feature (Welford's update, Technometrics
// 4(3), 1962), and a stroke scored by its mean squared standardised distance
// from them, a diagonal Mahalanobis distance (Frank et al. found such
// per-user distance scorers — kNN on standardised features — close to an
// RBF-SVM):
//   d(s) = (1/F) Σ_f min(z_f², zCap²),  z_f = (x_f − μ_f) / max(σ_f, sdFloor)
// A stroke of the user has d near 1; another hand's, larger. d is mapped to
// a log-likelihood ratio by a PointerCalibration (Platt scaling) fitted on
// development users (`tactus-eval touch --scorer stats`). Needs no stored
// strokes and no population file: the profile keeps only counts, means and
// variances. Pure, deterministic.

#include "pointer-model.h"

#include <cstdint>
#include <span>
#include <vector>

namespace tactus {

/** Mean and variance of each feature of a user's strokes of one class. */
class TouchFeatureStats {
public:
	TouchFeatureStats() = default;
	explicit TouchFeatureStats(size_t features) : mean_(features, 0.0), m2_(features, 0.0) {}
	/** From stored values (count, means, variances); false if the shapes differ or a value is not finite or a
	 * variance is negative. */
	bool assign(double count, std::span<const double> mean, std::span<const double> variance);

	/** Add one stroke; ignored if it has fewer features, or a non-finite one. */
	void add(std::span<const double> x);
	/** Halve the weight of what was seen (old behaviour fades); the means and variances stay. */
	void halve()
	{
		count_ /= 2;
		for (double &m : m2_)
			m /= 2;
	}

	size_t features() const { return mean_.size(); }
	double count() const { return count_; }
	double mean(size_t f) const { return mean_[f]; }
	/** Population variance of feature @p f; 0 with fewer than 2 strokes. */
	double variance(size_t f) const { return count_ > 1 ? m2_[f] / count_ : 0.0; }

private:
	double count_ = 0;
	std::vector<double> mean_, m2_;
};

/**
 * Weights of a stroke's per-feature evidence terms: llr = bias + Σ_f w_f t_f
 * (nats; > 0 favours the user), one vector for every user, fitted by
 * class-balanced logistic regression of genuine (1) against impostor (0)
 * strokes of development users (a weighted naive Bayes, Zaidi et al.,
 * "Alleviating naive Bayes attribute independence assumption by attribute
 * weighting", JMLR 14, 2013): correlated features (three percentiles of the
 * same speed) then count once, and features that tell people apart count
 * most. Being a balanced logistic regression, its output is already a
 * calibrated log-likelihood ratio. Empty: not used.
 */
struct TouchTermWeights {
	std::vector<double> weights; ///< one per term
	double bias = 0;

	bool empty() const { return weights.empty(); }
	/** bias + Σ w_f t_f; terms beyond the weights are ignored, missing ones count 0. */
	double operator()(std::span<const double> terms) const;
	/**
	 * Class-balanced logistic regression (each class half the total
	 * weight), L2 penalty @p ridge on the weights (not the bias), Newton's
	 * method (Eigen LDLT). Empty if either set is empty or the rows'
	 * lengths differ.
	 */
	static TouchTermWeights fit(const std::vector<std::vector<double>> &genuine,
				    const std::vector<std::vector<double>> &impostor, double ridge);
};

/** Settings of TouchStatsScorer. */
struct TouchStatsParams {
	double sdFloor = 0.05; ///< least σ of a feature, in its (transformed) units
	/**
	 * |z| beyond this counts as this: one odd feature must not decide.
	 * Chosen with σ ≥ 0.05 on the Touchalytics development users
	 * (documents protocol, 11 strokes; caps 1–6, floors 0.02–0.2).
	 */
	double zCap = 1.5;
	/**
	 * d → LLR (nats) when no weights are set: llr = 1.9440 − 2.4646·d, the
	 * Platt fit on the Touchalytics development users' inter-session
	 * strokes (`tactus-eval touch --scorer stats`, documents protocol) on
	 * the 27 features tactusd computes (touch-features.h).
	 */
	PointerCalibration calibration{-2.4646, 1.9440};
	/** Strokes of a class before it is scored (fewer: the stroke gives no evidence). */
	double minStrokes = 10;
	/**
	 * If not empty: llr = weights(terms) instead of calibration(d).
	 * tactusd sets kTouchStatsWeights, or kTouchStatsWeightsNoContact for
	 * strokes of a device without pressure or contact size (touch-behaviour).
	 */
	TouchTermWeights weights;
};

/**
 * The term weights tactusd ships, one per TouchFeature (Touchalytics
 * F2..F28) and the bias: the logistic regression of `tactus-eval touch
 * DIR --scorer stats --weights` (documents protocol: enrollment and
 * verification on different documents, development users only; zCap 1.5,
 * sdFloor 0.05, ridge 0.001); the `eval-touch` test pins them to what that
 * command prints.
 */
extern const TouchTermWeights kTouchStatsWeights;
/** The same fitted with pressure and contact size 0 for everyone (`--no-contact`): devices without them. */
extern const TouchTermWeights kTouchStatsWeightsNoContact;

/** Scores strokes of one class against a user's statistics. */
class TouchStatsScorer {
public:
	/** @p user and @p params must outlive the scorer (it keeps references: built per stroke, it copies nothing). */
	TouchStatsScorer(const TouchFeatureStats &user, const TouchStatsParams &params) : user_(&user), params_(&params)
	{
	}
	/** True if the class has enough strokes to be scored. */
	bool usable() const { return user_->count() >= params_->minStrokes && user_->features() > 0; }
	/** Mean squared standardised distance d(s) ≥ 0; 0 if @p x is too short. */
	double distance(std::span<const double> x) const;
	/**
	 * The per-feature terms −min(z_f², zCap²) of @p x into @p out (resized to
	 * the features; all 0 if @p x is too short): d(s) is minus their mean.
	 */
	void terms(std::span<const double> x, std::vector<double> &out) const;
	/**
	 * Calibrated log-likelihood ratio of @p x (nats; > 0 favours the user):
	 * the params' weights of its terms if set, else calibration(d); 0 if
	 * not usable().
	 */
	double llr(std::span<const double> x) const;

private:
	const TouchFeatureStats *user_;
	const TouchStatsParams *params_;
};

} // namespace tactus
