// SPDX-License-Identifier: MIT
#include "trust-model.h"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstdio>

namespace tactus {

namespace {

double sigmoid(double x)
{
	return 1.0 / (1.0 + std::exp(-x));
}

/** Index of @p m into the per-modality arrays, or -1 for a value outside the enum. */
int modalityIndex(Modality m)
{
	auto tag = static_cast<uint8_t>(m);
	return modalityFromTag(tag) ? tag - 1 : -1;
}

/** The verdict trust @p t earns on its own, without hysteresis (the start, a reset). */
Verdict verdictFor(double t, const TrustParams &p)
{
	if (t >= p.trustedEnter)
		return Verdict::Trusted;
	if (t <= p.untrustedEnter)
		return Verdict::Untrusted;
	return Verdict::Uncertain;
}

} // namespace

Result<void> TrustParams::check() const
{
	auto bad = [](const std::string &what) { return makeError(-EINVAL, "trust parameters: " + what); };
	for (double v : {upperLogOdds, lowerLogOdds, startLogOdds, windowLlrLimit, trustedEnter, trustedLeave,
			 untrustedEnter, untrustedLeave, confidenceFullWindows})
		if (!std::isfinite(v))
			return bad("a value is not a finite number");
	if (!(lowerLogOdds < upperLogOdds))
		return bad("the lower bound must be below the upper bound");
	if (startLogOdds < lowerLogOdds || startLogOdds > upperLogOdds)
		return bad("the start must lie between the bounds");
	if (!(windowLlrLimit > 0))
		return bad("the window llr limit must be positive");
	for (double g : gain)
		if (!std::isfinite(g) || g < 0)
			return bad("a gain is negative or not finite");
	if (!(0 < untrustedEnter && untrustedEnter < trustedLeave && trustedLeave < trustedEnter && trustedEnter < 1))
		return bad("thresholds must nest: 0 < untrusted-enter < trusted-leave < trusted-enter < 1");
	if (!(untrustedEnter < untrustedLeave && untrustedLeave <= 1))
		return bad("untrusted-leave must lie above untrusted-enter, at most 1");
	if (sigmoid(upperLogOdds) < trustedEnter)
		return bad("trusted is out of reach: the upper bound's trust is below trusted-enter");
	if (sigmoid(lowerLogOdds) > untrustedEnter)
		return bad("untrusted is out of reach: the lower bound's trust is above untrusted-enter");
	if (confidenceHalfLifeUs <= 0 || !(confidenceFullWindows > 0))
		return bad("the confidence half-life and full windows must be positive");
	return {};
}

std::string TrustChange::describe() const
{
	std::string out(verdictName(from));
	out += " -> ";
	out += verdictName(to);
	out += " (";
	if (cause == "reset" || cause == "enrolled") {
		out += cause;
	} else if (reasons.empty()) {
		out += "evidence";
	} else {
		for (size_t i = 0; i < reasons.size(); i++)
			out += (i ? ", " : "") + reasons[i];
	}
	char buf[256];
	(void)snprintf(buf, sizeof(buf), "): trust %.3f, log-odds %+.2f, confidence %.2f, %llu windows", trust, logOdds,
		       confidence, static_cast<unsigned long long>(windows));
	out += buf;
	if (window) {
		std::string_view m = modalityName(window->modality);
		(void)snprintf(buf, sizeof(buf), "; last window %.*s llr %+.2f (%u events, %u new)",
			       static_cast<int>(m.size()), m.data(), window->llr, window->events, window->newEvents);
		out += buf;
	}
	return out;
}

TrustModel::TrustModel(int64_t nowUs, const TrustParams &params) : params_(params)
{
	assert(params_.check());
	restart(nowUs);
}

std::optional<TrustChange> TrustModel::addWindow(const WindowEvidence &window)
{
	int idx = modalityIndex(window.modality);
	if (std::isnan(window.llr) || idx < 0)
		return std::nullopt;

	double fresh = window.events ? std::min(1.0, static_cast<double>(window.newEvents) / window.events) : 1.0;
	double weight = params_.gain[static_cast<size_t>(idx)] * fresh;
	double evidence = weight * std::clamp(window.llr, -params_.windowLlrLimit, params_.windowLlrLimit);
	double before = logOdds_;
	logOdds_ = std::clamp(logOdds_ + evidence, params_.lowerLogOdds, params_.upperLogOdds);
	// Only what moved trust counts towards the reasons; at the top, every
	// earlier doubt has been answered.
	sinceTop_[static_cast<size_t>(idx)] += logOdds_ - before;
	if (logOdds_ >= params_.upperLogOdds)
		sinceTop_ = {};

	// Timestamps out of order do not decay or age the mass backwards.
	mass_ = std::min(params_.confidenceFullWindows, decayedMass(window.timestampUs) + fresh);
	massAtUs_ = std::max(massAtUs_, window.timestampUs);
	windows_++;

	Verdict from = verdict_;
	verdict_ = nextVerdict();
	if (verdict_ == from)
		return std::nullopt;
	TrustChange c = change(from, "evidence", window.timestampUs);
	c.window = window;
	return c;
}

std::optional<TrustChange> TrustModel::reset(int64_t nowUs)
{
	Verdict from = verdict_;
	restart(nowUs);
	if (verdict_ == from)
		return std::nullopt;
	return change(from, "reset", nowUs);
}

void TrustModel::restart(int64_t nowUs)
{
	logOdds_ = params_.startLogOdds;
	sinceTop_ = {};
	// Authentication is fresh evidence: full confidence.
	mass_ = params_.confidenceFullWindows;
	massAtUs_ = nowUs;
	windows_ = 0;
	verdict_ = verdictFor(trust(), params_);
}

TrustState TrustModel::state() const
{
	return TrustState{logOdds_, verdict_, sinceTop_, mass_, massAtUs_, windows_};
}

void TrustModel::restore(const TrustState &s)
{
	logOdds_ = std::isfinite(s.logOdds) ? std::clamp(s.logOdds, params_.lowerLogOdds, params_.upperLogOdds)
					    : params_.startLogOdds;
	for (size_t i = 0; i < sinceTop_.size(); i++)
		sinceTop_[i] = std::isfinite(s.sinceTop[i]) ? s.sinceTop[i] : 0.0;
	mass_ = std::isfinite(s.mass) ? std::clamp(s.mass, 0.0, params_.confidenceFullWindows) : 0.0;
	massAtUs_ = s.massAtUs;
	windows_ = s.windows;
	const bool known =
		s.verdict == Verdict::Trusted || s.verdict == Verdict::Uncertain || s.verdict == Verdict::Untrusted;
	verdict_ = known ? s.verdict : verdictFor(trust(), params_);
}

double TrustModel::trust() const
{
	return sigmoid(logOdds_);
}

std::vector<std::string> TrustModel::reasons() const
{
	std::vector<std::string> out;
	if (verdict_ == Verdict::Trusted)
		return out;
	std::vector<std::pair<double, Modality>> against;
	for (Modality m : {Modality::Keystroke, Modality::Pointer, Modality::Touch}) {
		double contribution = sinceTop_[static_cast<size_t>(modalityIndex(m))];
		if (contribution < 0)
			against.emplace_back(contribution, m);
	}
	std::stable_sort(against.begin(), against.end(),
			 [](const auto &a, const auto &b) { return a.first < b.first; });
	for (const auto &[contribution, m] : against)
		out.emplace_back(modalityMismatchReason(m));
	return out;
}

double TrustModel::confidence(int64_t nowUs) const
{
	return std::clamp(decayedMass(nowUs) / params_.confidenceFullWindows, 0.0, 1.0);
}

Verdict TrustModel::nextVerdict() const
{
	const double t = trust();
	const TrustParams &p = params_;
	switch (verdict_) {
	case Verdict::Trusted:
		if (t <= p.untrustedEnter)
			return Verdict::Untrusted;
		if (t < p.trustedLeave)
			return Verdict::Uncertain;
		return Verdict::Trusted;
	case Verdict::Untrusted:
		if (t < p.untrustedLeave)
			return Verdict::Untrusted;
		return t >= p.trustedEnter ? Verdict::Trusted : Verdict::Uncertain;
	default:
		if (t >= p.trustedEnter)
			return Verdict::Trusted;
		if (t <= p.untrustedEnter)
			return Verdict::Untrusted;
		return Verdict::Uncertain;
	}
}

double TrustModel::decayedMass(int64_t nowUs) const
{
	if (nowUs <= massAtUs_)
		return mass_;
	double halfLives = static_cast<double>(nowUs - massAtUs_) / static_cast<double>(params_.confidenceHalfLifeUs);
	return mass_ * std::exp2(-halfLives);
}

TrustChange TrustModel::change(Verdict from, std::string_view cause, int64_t nowUs) const
{
	TrustChange c;
	c.from = from;
	c.to = verdict_;
	c.cause = cause;
	c.trust = trust();
	c.logOdds = logOdds_;
	c.confidence = confidence(nowUs);
	c.windows = windows_;
	c.reasons = reasons();
	return c;
}

} // namespace tactus
