// SPDX-License-Identifier: MIT
#include "touch-stats-model.h"

#include <algorithm>
#include <cmath>

namespace tactus {

bool TouchFeatureStats::assign(double count, std::span<const double> mean, std::span<const double> variance)
{
	if (mean.size() != variance.size() || !std::isfinite(count) || count < 0)
		return false;
	for (size_t f = 0; f < mean.size(); f++)
		if (!std::isfinite(mean[f]) || !std::isfinite(variance[f]) || variance[f] < 0)
			return false;
	count_ = count;
	mean_.assign(mean.begin(), mean.end());
	m2_.resize(variance.size());
	for (size_t f = 0; f < variance.size(); f++)
		m2_[f] = variance[f] * count;
	return true;
}

void TouchFeatureStats::add(std::span<const double> x)
{
	if (x.size() < mean_.size())
		return;
	for (size_t f = 0; f < mean_.size(); f++)
		if (!std::isfinite(x[f]))
			return;
	count_ += 1;
	for (size_t f = 0; f < mean_.size(); f++) {
		const double delta = x[f] - mean_[f];
		mean_[f] += delta / count_;
		m2_[f] += delta * (x[f] - mean_[f]);
	}
}

double TouchStatsScorer::distance(std::span<const double> x) const
{
	const size_t n = user_->features();
	if (x.size() < n || n == 0)
		return 0.0;
	const double cap2 = params_.zCap * params_.zCap;
	double sum = 0;
	for (size_t f = 0; f < n; f++) {
		const double sd = std::max(std::sqrt(user_->variance(f)), params_.sdFloor);
		const double z = (x[f] - user_->mean(f)) / sd;
		sum += std::isfinite(z) ? std::min(z * z, cap2) : cap2;
	}
	return sum / static_cast<double>(n);
}

} // namespace tactus
