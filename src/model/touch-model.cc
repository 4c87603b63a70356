// SPDX-License-Identifier: MIT
#include "touch-model.h"

#include <algorithm>
#include <cmath>

namespace tactus {

TouchBinning TouchBinning::fit(const std::vector<TouchFeatures> &population, unsigned bins)
{
	TouchBinning out;
	out.bins_ = std::max(1u, bins);
	if (population.empty())
		return out;
	const size_t nf = population.front().size();
	out.edges_.resize(nf);
	std::vector<double> v;
	for (size_t f = 0; f < nf; f++) {
		v.clear();
		for (const TouchFeatures &s : population)
			if (s.size() >= nf && !std::isnan(s[f]))
				v.push_back(s[f]);
		if (v.empty())
			continue;
		std::sort(v.begin(), v.end());
		std::vector<double> &edges = out.edges_[f];
		for (unsigned k = 1; k < out.bins_; k++) {
			const double e = v[std::min(v.size() - 1, v.size() * k / out.bins_)];
			if (edges.empty() || e > edges.back())
				edges.push_back(e);
		}
	}
	return out;
}

unsigned TouchBinning::bin(size_t f, double v) const
{
	if (f >= edges_.size() || std::isnan(v))
		return 0;
	const std::vector<double> &edges = edges_[f];
	// Bin k holds edges[k-1] <= v < edges[k].
	return static_cast<unsigned>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
}

TouchHistogram::TouchHistogram(const TouchBinning &binning)
    : binning_(&binning), counts_(binning.features() * binning.bins(), 0)
{
}

void TouchHistogram::add(const TouchFeatures &s)
{
	if (!binning_ || s.size() < binning_->features())
		return;
	strokes_++;
	for (size_t f = 0; f < binning_->features(); f++)
		counts_[f * binning_->bins() + binning_->bin(f, s[f])]++;
}

void TouchHistogram::merge(const TouchHistogram &other)
{
	if (!binning_ || other.counts_.size() != counts_.size())
		return;
	strokes_ += other.strokes_;
	for (size_t i = 0; i < counts_.size(); i++)
		counts_[i] += other.counts_[i];
}

uint64_t TouchHistogram::count(size_t f, unsigned b) const
{
	if (!binning_ || f >= binning_->features() || b >= binning_->bins())
		return 0;
	return counts_[f * binning_->bins() + b];
}

TouchScorer::TouchScorer(const TouchBinning &binning, const TouchHistogram &user, const TouchHistogram &background,
			 const TouchModelParams &params, PointerCalibration calibration)
    : binning_(&binning), calibration_(calibration), table_(binning.features() * binning.bins(), 0.0)
{
	const double alpha = params.smoothing;
	const unsigned bins = binning.bins();
	const double nu = static_cast<double>(user.strokes()), nb = static_cast<double>(background.strokes());
	double bgVar = 0, userVar = 0;
	for (size_t f = 0; f < binning.features(); f++) {
		double m = 0, m2 = 0, mu = 0, mu2 = 0;
		for (unsigned b = 0; b < bins; b++) {
			const double cu = static_cast<double>(user.count(f, b));
			const double cb = static_cast<double>(background.count(f, b));
			const double pu = (cu + alpha) / (nu + bins * alpha), pb = (cb + alpha) / (nb + bins * alpha);
			const double t = std::log(pu) - std::log(pb);
			table_[f * bins + b] = t;
			m += pb * t;
			m2 += pb * t * t;
			mu += pu * t;
			mu2 += pu * t * t;
		}
		bgMean_ += m;
		bgVar += std::max(0.0, m2 - m * m);
		userMean_ += mu;
		userVar += std::max(0.0, mu2 - mu * mu);
	}
	bgSd_ = std::sqrt(bgVar);
	userSd_ = std::sqrt(userVar);
	norm_ = params.norm;
	switch (params.norm) {
	case TouchNorm::TwoGaussian:
	case TouchNorm::None: break;
	case TouchNorm::Background:
		normMean_ = bgMean_;
		normScale_ = bgSd_ > 1e-9 ? bgSd_ : 1.0;
		break;
	case TouchNorm::Span:
		normMean_ = bgMean_;
		normScale_ = userMean_ - bgMean_ > 1e-9 ? userMean_ - bgMean_ : 1.0;
		break;
	}
}

double TouchScorer::normalized(const TouchFeatures &s) const
{
	const double r = raw(s);
	if (norm_ != TouchNorm::TwoGaussian)
		return (r - normMean_) / normScale_;
	const double su = std::max(userSd_, 1e-9), sb = std::max(bgSd_, 1e-9);
	const double zu = (r - userMean_) / su, zb = (r - bgMean_) / sb;
	return -0.5 * zu * zu - std::log(su) + 0.5 * zb * zb + std::log(sb);
}

void TouchScorer::terms(const TouchFeatures &s, std::vector<double> &out) const
{
	const size_t nf = binning_->features();
	out.assign(nf, 0.0);
	if (s.size() < nf)
		return;
	for (size_t f = 0; f < nf; f++)
		out[f] = table_[f * binning_->bins() + binning_->bin(f, s[f])];
}

double TouchScorer::raw(const TouchFeatures &s) const
{
	const size_t nf = binning_->features();
	if (s.size() < nf)
		return 0;
	double r = 0;
	for (size_t f = 0; f < nf; f++)
		r += table_[f * binning_->bins() + binning_->bin(f, s[f])];
	return r;
}

} // namespace tactus
