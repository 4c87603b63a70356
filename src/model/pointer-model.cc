// SPDX-License-Identifier: MIT
#include "pointer-model.h"

#include <algorithm>
#include <cmath>

namespace tactus {

namespace {

size_t cell(size_t t, size_t f, unsigned b, unsigned bins)
{
	return (t * kPointerFeatureCount + f) * bins + b;
}

} // namespace

PointerBinning PointerBinning::fit(const std::vector<PointerAction> &population, unsigned bins)
{
	PointerBinning out;
	out.bins_ = std::max(1u, bins);
	std::vector<double> v;
	for (size_t t = 0; t < kPointerActionTypes; t++) {
		for (size_t f = 0; f < kPointerFeatureCount; f++) {
			v.clear();
			for (const PointerAction &a : population)
				if (static_cast<size_t>(a.type) == t)
					v.push_back(a.features[f]);
			std::vector<double> &edges = out.edges_[t][f];
			if (v.empty())
				continue;
			std::sort(v.begin(), v.end());
			for (unsigned k = 1; k < out.bins_; k++) {
				const double e = v[std::min(v.size() - 1, v.size() * k / out.bins_)];
				// No edge at the minimum: the bin below it would hold nothing
				// of the population (a constant feature gets one bin).
				if (e > v.front() && (edges.empty() || e > edges.back()))
					edges.push_back(e);
			}
		}
	}
	return out;
}

unsigned PointerBinning::bins(PointerActionType t, size_t f) const
{
	const size_t ti = static_cast<size_t>(t);
	return ti < kPointerActionTypes && f < kPointerFeatureCount ? static_cast<unsigned>(edges_[ti][f].size()) + 1
								    : 1;
}

unsigned PointerBinning::bin(PointerActionType t, size_t f, double v) const
{
	const std::vector<double> &edges = edges_[static_cast<size_t>(t)][f];
	// Bin k holds edges[k-1] <= v < edges[k].
	return static_cast<unsigned>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
}

bool PointerBinning::fromEdges(
	unsigned bins,
	const std::array<std::array<std::vector<double>, kPointerFeatureCount>, kPointerActionTypes> &edges,
	PointerBinning &out)
{
	if (bins < 1)
		return false;
	for (const auto &perType : edges)
		for (const std::vector<double> &e : perType) {
			if (e.size() >= bins)
				return false;
			for (size_t i = 0; i < e.size(); i++)
				if (!std::isfinite(e[i]) || (i && !(e[i] > e[i - 1])))
					return false;
		}
	out.bins_ = bins;
	out.edges_ = edges;
	return true;
}

bool PointerHistogram::setCounts(const std::array<uint64_t, kPointerActionTypes> &types,
				 const std::vector<uint64_t> &cells)
{
	if (!binning_ || cells.size() != counts_.size())
		return false;
	typeCounts_ = types;
	counts_ = cells;
	return true;
}

PointerHistogram::PointerHistogram(const PointerBinning &binning)
    : binning_(&binning), counts_(kPointerActionTypes * kPointerFeatureCount * binning.bins(), 0)
{
}

void PointerHistogram::add(const PointerAction &a)
{
	if (!binning_)
		return;
	const size_t t = static_cast<size_t>(a.type);
	typeCounts_[t]++;
	for (size_t f = 0; f < kPointerFeatureCount; f++)
		counts_[cell(t, f, binning_->bin(a.type, f, a.features[f]), binning_->bins())]++;
}

void PointerHistogram::merge(const PointerHistogram &other, int sign)
{
	if (!binning_ || other.counts_.size() != counts_.size())
		return;
	for (size_t t = 0; t < kPointerActionTypes; t++)
		typeCounts_[t] = sign > 0 ? typeCounts_[t] + other.typeCounts_[t]
					  : typeCounts_[t] - std::min(typeCounts_[t], other.typeCounts_[t]);
	for (size_t i = 0; i < counts_.size(); i++)
		counts_[i] =
			sign > 0 ? counts_[i] + other.counts_[i] : counts_[i] - std::min(counts_[i], other.counts_[i]);
}

uint64_t PointerHistogram::actions() const
{
	uint64_t n = 0;
	for (uint64_t c : typeCounts_)
		n += c;
	return n;
}

uint64_t PointerHistogram::count(PointerActionType t, size_t f, unsigned b) const
{
	if (!binning_ || f >= kPointerFeatureCount || b >= binning_->bins())
		return 0;
	return counts_[cell(static_cast<size_t>(t), f, b, binning_->bins())];
}

PointerCalibration PointerCalibration::fit(const std::vector<double> &genuineRaw,
					   const std::vector<double> &impostorRaw)
{
	PointerCalibration c;
	if (genuineRaw.empty() || impostorRaw.empty())
		return c;
	// Standardise for Newton's method, then map back.
	double mean = 0, sd = 0;
	size_t n = 0;
	for (const auto *set : {&genuineRaw, &impostorRaw})
		for (double v : *set) {
			mean += v;
			n++;
		}
	mean /= static_cast<double>(n);
	for (const auto *set : {&genuineRaw, &impostorRaw})
		for (double v : *set)
			sd += (v - mean) * (v - mean);
	sd = std::sqrt(sd / static_cast<double>(n));
	if (!(sd > 0))
		return c;
	const double wg = 0.5 / static_cast<double>(genuineRaw.size());
	const double wi = 0.5 / static_cast<double>(impostorRaw.size());
	double a = 1.0, b = 0.0; // logit = a·z + b
	for (int iter = 0; iter < 50; iter++) {
		// Gradient and Hessian of the weighted log loss (with a tiny ridge).
		double ga = 1e-6 * a, gb = 0, haa = 1e-6, hab = 0, hbb = 0;
		auto accumulate = [&](const std::vector<double> &set, double y, double w) {
			for (double v : set) {
				const double z = (v - mean) / sd;
				const double p = 1.0 / (1.0 + std::exp(-(a * z + b)));
				const double r = p - y, q = p * (1 - p);
				ga += w * r * z;
				gb += w * r;
				haa += w * q * z * z;
				hab += w * q * z;
				hbb += w * q;
			}
		};
		accumulate(genuineRaw, 1.0, wg);
		accumulate(impostorRaw, 0.0, wi);
		const double det = haa * hbb - hab * hab;
		if (!(std::fabs(det) > 1e-18))
			break;
		const double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
		a -= da;
		b -= db;
		if (std::fabs(da) + std::fabs(db) < 1e-10)
			break;
	}
	c.scale = a / sd;
	c.offset = b - a * mean / sd;
	return c;
}

PointerScorer::PointerScorer(const PointerBinning &binning, const PointerHistogram &user,
			     const PointerHistogram &background, const PointerModelParams &params,
			     PointerCalibration calibration)
    : binning_(&binning), norm_(params.norm), table_(kPointerActionTypes * kPointerFeatureCount * binning.bins(), 0.0)
{
	calibrations_.fill(calibration);
	const double alpha = params.smoothing;
	const unsigned bins = binning.bins();
	const double nu = static_cast<double>(user.actions()), nb = static_cast<double>(background.actions());
	std::vector<double> cu(bins), cb(bins), tmp(bins);
	// Each count at bin j spread over bins [0, n) by exp(−(b − j)² / 2h²), normalised over [0, n).
	std::vector<double> kernel(bins);
	for (unsigned d = 0; d < bins; d++)
		kernel[d] = params.binKernel > 0 ? std::exp(-0.5 * (d / params.binKernel) * (d / params.binKernel))
						 : (d == 0 ? 1.0 : 0.0);
	auto spread = [&](std::vector<double> &c, unsigned n) {
		std::fill(tmp.begin(), tmp.end(), 0.0);
		for (unsigned j = 0; j < n; j++) {
			if (c[j] == 0)
				continue;
			double z = 0;
			for (unsigned b = 0; b < n; b++)
				z += kernel[b > j ? b - j : j - b];
			for (unsigned b = 0; b < n; b++)
				tmp[b] += c[j] * kernel[b > j ? b - j : j - b] / z;
		}
		std::copy(tmp.begin(), tmp.end(), c.begin());
	};
	for (size_t t = 0; t < kPointerActionTypes; t++) {
		const auto type = static_cast<PointerActionType>(t);
		const double ut = static_cast<double>(user.actions(type)),
			     bt = static_cast<double>(background.actions(type));
		typeLog_[t] = std::log((ut + alpha) / (nu + kPointerActionTypes * alpha)) -
			      std::log((bt + alpha) / (nb + kPointerActionTypes * alpha));
		PointerScoreMoments &m = moments_[t];
		m.impostorMean = m.genuineMean = typeLog_[t];
		for (size_t f = 0; f < kPointerFeatureCount; f++) {
			// Smoothing mass only over the bins the feature has: a constant
			// feature (a click's hold for a mouse move) then says nothing.
			const double k = params.perFeatureBins ? binning.bins(type, f) : bins;
			for (unsigned b = 0; b < bins; b++) {
				cu[b] = static_cast<double>(user.count(type, f, b));
				cb[b] = static_cast<double>(background.count(type, f, b));
			}
			if (params.binKernel > 0) {
				spread(cu, binning.bins(type, f));
				spread(cb, binning.bins(type, f));
			}
			// The moments over the bins the smoothed probabilities cover (they sum to 1 over them).
			const unsigned n = params.perFeatureBins ? binning.bins(type, f) : bins;
			double mi = 0, mi2 = 0, mg = 0, mg2 = 0;
			for (unsigned b = 0; b < bins; b++) {
				const double pu = (cu[b] + alpha) / (ut + k * alpha),
					     pb = (cb[b] + alpha) / (bt + k * alpha);
				const double v = std::log(pu) - std::log(pb);
				table_[cell(t, f, b, bins)] = v;
				if (b >= n)
					continue;
				mi += pb * v;
				mi2 += pb * v * v;
				mg += pu * v;
				mg2 += pu * v * v;
			}
			m.impostorMean += mi;
			m.impostorVar += std::max(0.0, mi2 - mi * mi);
			m.genuineMean += mg;
			m.genuineVar += std::max(0.0, mg2 - mg * mg);
		}
		analyticGenuineMean_[t] = m.genuineMean;
	}
}

void PointerScorer::terms(const PointerAction &a, PointerTerms &out) const
{
	const size_t t = static_cast<size_t>(a.type);
	out[0] = typeLog_[t];
	for (size_t f = 0; f < kPointerFeatureCount; f++)
		out[1 + f] = table_[cell(t, f, binning_->bin(a.type, f, a.features[f]), binning_->bins())];
}

std::string_view pointerNormName(PointerNorm n)
{
	switch (n) {
	case PointerNorm::None: return "none";
	case PointerNorm::Impostor: return "impostor-z";
	case PointerNorm::Midpoint: return "midpoint";
	case PointerNorm::Pooled: return "pooled-z";
	case PointerNorm::Gaussian: return "gaussian";
	case PointerNorm::Linear: return "linear";
	}
	return "none";
}

double PointerScorer::normalise(PointerActionType t, double raw) const
{
	const PointerScoreMoments &m = moments(t);
	// Variances below this (a user's histogram equal to the background) would divide by nothing.
	constexpr double kMinVar = 1e-6;
	switch (norm_) {
	case PointerNorm::None: return raw;
	case PointerNorm::Impostor: return (raw - m.impostorMean) / std::sqrt(std::max(kMinVar, m.impostorVar));
	case PointerNorm::Midpoint:
		return (raw - 0.5 * (m.genuineMean + m.impostorMean)) /
		       std::max(std::sqrt(kMinVar), 0.5 * (m.genuineMean - m.impostorMean));
	case PointerNorm::Pooled:
		return (raw - 0.5 * (m.genuineMean + m.impostorMean)) /
		       std::sqrt(std::max(kMinVar, 0.5 * (m.genuineVar + m.impostorVar)));
	case PointerNorm::Linear: {
		const double vi = std::max(kMinVar, m.impostorVar);
		return (m.genuineMean - m.impostorMean) / vi * (raw - 0.5 * (m.genuineMean + m.impostorMean));
	}
	case PointerNorm::Gaussian: {
		const double vg = std::max(kMinVar, m.genuineVar), vi = std::max(kMinVar, m.impostorVar);
		const double dg = raw - m.genuineMean, di = raw - m.impostorMean;
		return -0.5 * (dg * dg / vg - di * di / vi) - 0.5 * std::log(vg / vi);
	}
	}
	return raw;
}

void PointerScorer::setGenuineFraction(PointerActionType t, double fraction)
{
	const size_t i = static_cast<size_t>(t) % kPointerActionTypes;
	const double f = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.5) : 1.0;
	moments_[i].genuineMean = moments_[i].impostorMean + f * (analyticGenuineMean_[i] - moments_[i].impostorMean);
}

double PointerScorer::raw(const PointerAction &a) const
{
	PointerTerms x;
	terms(a, x);
	return weights_(a.type, x);
}

PointerWeights::PointerWeights()
{
	for (PointerTerms &w : weights)
		w.fill(1.0);
}

double PointerWeights::operator()(PointerActionType t, const PointerTerms &terms) const
{
	const PointerTerms &w = weights[static_cast<size_t>(t) % kPointerActionTypes];
	double s = bias;
	for (size_t j = 0; j < kPointerTerms; j++)
		s += w[j] * terms[j];
	return s;
}

PointerWeights PointerWeights::fit(const std::vector<PointerTerms> &genuine,
				   const std::vector<PointerActionType> &genuineTypes,
				   const std::vector<PointerTerms> &impostor,
				   const std::vector<PointerActionType> &impostorTypes, double ridge, bool perType)
{
	PointerWeights out;
	if (genuine.empty() || impostor.empty() || genuine.size() != genuineTypes.size() ||
	    impostor.size() != impostorTypes.size())
		return out;
	// Parameters: [block][term] then the bias; block = type (perType) or 0.
	const size_t blocks = perType ? kPointerActionTypes : 1;
	const size_t dim = blocks * kPointerTerms + 1, biasAt = dim - 1;
	std::vector<double> w(dim, 0.0), g(dim), h(dim * dim);
	// Start from plain naive Bayes scaled down (a well-behaved point for Newton's method).
	for (size_t i = 0; i < biasAt; i++)
		w[i] = 0.1;
	const double wg = 0.5 / static_cast<double>(genuine.size());
	const double wi = 0.5 / static_cast<double>(impostor.size());
	auto blockOf = [&](PointerActionType t) { return perType ? static_cast<size_t>(t) % blocks : 0; };
	for (int iter = 0; iter < 30; iter++) {
		std::fill(g.begin(), g.end(), 0.0);
		std::fill(h.begin(), h.end(), 0.0);
		for (size_t i = 0; i < biasAt; i++) {
			g[i] = ridge * w[i];
			h[i * dim + i] = ridge;
		}
		h[biasAt * dim + biasAt] = 1e-9;
		auto accumulate = [&](const std::vector<PointerTerms> &x, const std::vector<PointerActionType> &types,
				      double y, double weight) {
			for (size_t n = 0; n < x.size(); n++) {
				const size_t base = blockOf(types[n]) * kPointerTerms;
				double z = w[biasAt];
				for (size_t j = 0; j < kPointerTerms; j++)
					z += w[base + j] * x[n][j];
				const double p = 1.0 / (1.0 + std::exp(-z));
				const double r = weight * (p - y), q = weight * p * (1 - p);
				for (size_t j = 0; j < kPointerTerms; j++) {
					const double xj = x[n][j];
					g[base + j] += r * xj;
					double *row = &h[(base + j) * dim];
					for (size_t k = 0; k <= j; k++)
						row[base + k] += q * xj * x[n][k];
					row[biasAt] += q * xj;
				}
				g[biasAt] += r;
				h[biasAt * dim + biasAt] += q;
			}
		};
		accumulate(genuine, genuineTypes, 1.0, wg);
		accumulate(impostor, impostorTypes, 0.0, wi);
		// Symmetrise (only the lower triangle of each block and the bias column were summed).
		for (size_t i = 0; i < dim; i++)
			for (size_t j = 0; j < i; j++) {
				const double v = h[i * dim + j] + h[j * dim + i];
				h[i * dim + j] = h[j * dim + i] = v;
			}
		// Solve h · d = g by Gaussian elimination with partial pivoting.
		std::vector<double> a = h, d = g;
		bool singular = false;
		for (size_t c = 0; c < dim && !singular; c++) {
			size_t piv = c;
			for (size_t r = c + 1; r < dim; r++)
				if (std::fabs(a[r * dim + c]) > std::fabs(a[piv * dim + c]))
					piv = r;
			if (!(std::fabs(a[piv * dim + c]) > 1e-15)) {
				singular = true;
				break;
			}
			if (piv != c) {
				for (size_t k = 0; k < dim; k++)
					std::swap(a[c * dim + k], a[piv * dim + k]);
				std::swap(d[c], d[piv]);
			}
			for (size_t r = c + 1; r < dim; r++) {
				const double f = a[r * dim + c] / a[c * dim + c];
				if (f == 0)
					continue;
				for (size_t k = c; k < dim; k++)
					a[r * dim + k] -= f * a[c * dim + k];
				d[r] -= f * d[c];
			}
		}
		if (singular)
			break;
		for (size_t c = dim; c-- > 0;) {
			double v = d[c];
			for (size_t k = c + 1; k < dim; k++)
				v -= a[c * dim + k] * d[k];
			d[c] = v / a[c * dim + c];
		}
		double step = 0;
		for (size_t i = 0; i < dim; i++) {
			w[i] -= d[i];
			step += std::fabs(d[i]);
		}
		if (step < 1e-9)
			break;
	}
	for (size_t b = 0; b < kPointerActionTypes; b++)
		for (size_t j = 0; j < kPointerTerms; j++)
			out.weights[b][j] = w[blockOf(static_cast<PointerActionType>(b)) * kPointerTerms + j];
	out.bias = w[biasAt];
	return out;
}

double pointerMeanEvidence(std::span<const double> llr, double clip)
{
	const bool clamp = std::isfinite(clip) && clip > 0;
	double sum = 0;
	size_t n = 0;
	for (double v : llr) {
		if (std::isnan(v))
			continue;
		sum += clamp ? std::clamp(v, -clip, clip) : v;
		n++;
	}
	return n ? sum / static_cast<double>(n) : 0.0;
}

} // namespace tactus
