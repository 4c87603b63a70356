// SPDX-License-Identifier: MIT
#include "touch-stats-model.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>

namespace tactus {

// Printed by `tactus-eval touch DIR --scorer stats --weights [--no-contact] --json`, documents protocol.
const TouchTermWeights kTouchStatsWeights{{0.40579,   0.193751,  0.246684,  0.085825, 0.146913,  0.005661, 0.031651,
					   0.0,       0.282302,  -0.035694, 0.004875, 0.021058,  0.044045, 0.023421,
					   -0.005707, 0.051187,  0.08247,   0.053323, -0.129466, 0.014652, 0.065651,
					   0.209004,  -0.576564, 0.074482,  0.231724, 0.611467,  1.249365},
					  3.241973};
const TouchTermWeights kTouchStatsWeightsNoContact{
	{0.403854,  0.150499, 0.227564,  0.164586, 0.146844, 0.041283,  0.003369, 0.0,      0.407513,
	 0.025967,  0.059105, -0.041534, 0.139362, 0.041578, -0.005061, 0.051607, 0.061976, 0.089423,
	 -0.200757, 0.11191,  0.039045,  0.349362, -0.44779, 0.075647,  0.205466, 0.0,      0.0},
	2.165805};

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

void TouchStatsScorer::terms(std::span<const double> x, std::vector<double> &out) const
{
	const size_t n = user_->features();
	out.assign(n, 0.0);
	if (x.size() < n)
		return;
	const double cap2 = params_->zCap * params_->zCap;
	for (size_t f = 0; f < n; f++) {
		const double sd = std::max(std::sqrt(user_->variance(f)), params_->sdFloor);
		const double z = (x[f] - user_->mean(f)) / sd;
		out[f] = -(std::isfinite(z) ? std::min(z * z, cap2) : cap2);
	}
}

double TouchStatsScorer::distance(std::span<const double> x) const
{
	const size_t n = user_->features();
	if (x.size() < n || n == 0)
		return 0.0;
	std::vector<double> t;
	terms(x, t);
	double sum = 0;
	for (double v : t)
		sum -= v;
	return sum / static_cast<double>(n);
}

double TouchStatsScorer::llr(std::span<const double> x) const
{
	if (!usable())
		return 0.0;
	if (params_->weights.empty())
		return params_->calibration(distance(x));
	std::vector<double> t;
	terms(x, t);
	return params_->weights(t);
}

double TouchTermWeights::operator()(std::span<const double> terms) const
{
	double z = bias;
	for (size_t f = 0; f < weights.size() && f < terms.size(); f++)
		z += weights[f] * terms[f];
	return z;
}

TouchTermWeights TouchTermWeights::fit(const std::vector<std::vector<double>> &genuine,
				       const std::vector<std::vector<double>> &impostor, double ridge)
{
	TouchTermWeights out;
	if (genuine.empty() || impostor.empty())
		return out;
	const size_t nf = genuine.front().size();
	for (const auto *set : {&genuine, &impostor})
		for (const std::vector<double> &row : *set)
			if (row.size() != nf)
				return out;
	const Eigen::Index dim = static_cast<Eigen::Index>(nf) + 1; // weights, then the bias
	Eigen::VectorXd w = Eigen::VectorXd::Zero(dim);
	const double wg = 0.5 / static_cast<double>(genuine.size());
	const double wi = 0.5 / static_cast<double>(impostor.size());
	Eigen::VectorXd x(dim);
	for (int iter = 0; iter < 50; iter++) {
		Eigen::VectorXd g = Eigen::VectorXd::Zero(dim);
		Eigen::MatrixXd h = Eigen::MatrixXd::Zero(dim, dim);
		for (Eigen::Index i = 0; i + 1 < dim; i++) {
			g[i] = ridge * w[i];
			h(i, i) = ridge;
		}
		h(dim - 1, dim - 1) = 1e-9;
		auto accumulate = [&](const std::vector<std::vector<double>> &rows, double y, double weight) {
			for (const std::vector<double> &row : rows) {
				for (size_t f = 0; f < nf; f++)
					x[static_cast<Eigen::Index>(f)] = row[f];
				x[dim - 1] = 1.0;
				const double p = 1.0 / (1.0 + std::exp(-w.dot(x)));
				g.noalias() += weight * (p - y) * x;
				const double q = weight * p * (1 - p);
				for (Eigen::Index i = 0; i < dim; i++)
					for (Eigen::Index j = 0; j <= i; j++)
						h(i, j) += q * x[i] * x[j];
			}
		};
		accumulate(genuine, 1.0, wg);
		accumulate(impostor, 0.0, wi);
		const Eigen::MatrixXd full = h.selfadjointView<Eigen::Lower>();
		const Eigen::VectorXd step = full.ldlt().solve(g);
		if (!step.allFinite())
			break;
		w -= step;
		if (step.cwiseAbs().maxCoeff() < 1e-9)
			break;
	}
	out.weights.assign(w.data(), w.data() + nf);
	out.bias = w[dim - 1];
	return out;
}

} // namespace tactus
