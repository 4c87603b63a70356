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
				if (edges.empty() || e > edges.back())
					edges.push_back(e);
			}
		}
	}
	return out;
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
    : binning_(&binning), calibration_(calibration),
      table_(kPointerActionTypes * kPointerFeatureCount * binning.bins(), 0.0)
{
	const double alpha = params.smoothing;
	const unsigned bins = binning.bins();
	const double nu = static_cast<double>(user.actions()), nb = static_cast<double>(background.actions());
	for (size_t t = 0; t < kPointerActionTypes; t++) {
		const auto type = static_cast<PointerActionType>(t);
		const double ut = static_cast<double>(user.actions(type)),
			     bt = static_cast<double>(background.actions(type));
		typeLog_[t] = std::log((ut + alpha) / (nu + kPointerActionTypes * alpha)) -
			      std::log((bt + alpha) / (nb + kPointerActionTypes * alpha));
		for (size_t f = 0; f < kPointerFeatureCount; f++)
			for (unsigned b = 0; b < bins; b++) {
				const double cu = static_cast<double>(user.count(type, f, b));
				const double cb = static_cast<double>(background.count(type, f, b));
				table_[cell(t, f, b, bins)] = std::log((cu + alpha) / (ut + bins * alpha)) -
							      std::log((cb + alpha) / (bt + bins * alpha));
			}
	}
}

double PointerScorer::raw(const PointerAction &a) const
{
	const size_t t = static_cast<size_t>(a.type);
	double s = typeLog_[t];
	for (size_t f = 0; f < kPointerFeatureCount; f++)
		s += table_[cell(t, f, binning_->bin(a.type, f, a.features[f]), binning_->bins())];
	return s;
}

} // namespace tactus
