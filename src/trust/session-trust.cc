// SPDX-License-Identifier: MIT
#include "session-trust.h"

#include <algorithm>
#include <cmath>

namespace tactus {

namespace {

/** Index of @p m into the per-modality arrays, or -1 for a value outside the enum. */
int indexOf(Modality m)
{
	auto tag = static_cast<uint8_t>(m);
	return modalityFromTag(tag) ? tag - 1 : -1;
}

constexpr std::array<Modality, 3> kAll = {Modality::Keystroke, Modality::Pointer, Modality::Touch};

} // namespace

SessionTrust::SessionTrust(int64_t nowUs, const SessionTrustParams &params)
    : params_(params), model_(nowUs, params.trust)
{
}

std::optional<TrustChange> SessionTrust::markReady(Modality m, int64_t nowUs)
{
	const int i = indexOf(m);
	if (i < 0 || ready_[static_cast<size_t>(i)])
		return std::nullopt;
	const bool first = !anyReady();
	ready_[static_cast<size_t>(i)] = true;
	if (!first)
		return std::nullopt;
	// Enrollment was the user's own behaviour: a fresh start.
	model_.reset(nowUs);
	return describeChange(Verdict::Learning, "enrolled", nowUs);
}

bool SessionTrust::ready(Modality m) const
{
	const int i = indexOf(m);
	return i >= 0 && ready_[static_cast<size_t>(i)];
}

bool SessionTrust::anyReady() const
{
	return std::any_of(ready_.begin(), ready_.end(), [](bool r) { return r; });
}

std::optional<TrustChange> SessionTrust::add(const WindowEvidence &window)
{
	const int i = indexOf(window.modality);
	if (i < 0 || !ready_[static_cast<size_t>(i)] || std::isnan(window.llr))
		return std::nullopt;
	if (newestUs_ && window.timestampUs < *newestUs_ - params_.staleUs)
		return std::nullopt;
	newestUs_ = std::max(newestUs_.value_or(window.timestampUs), window.timestampUs);
	auto &last = lastUs_[static_cast<size_t>(i)];
	last = std::max(last.value_or(window.timestampUs), window.timestampUs);
	auto change = model_.addWindow(window);
	if (change)
		change->reasons = reasons();
	return change;
}

std::optional<TrustChange> SessionTrust::reset(int64_t nowUs)
{
	auto change = model_.reset(nowUs);
	if (!anyReady())
		return std::nullopt;
	return change;
}

Verdict SessionTrust::verdict() const
{
	return anyReady() ? model_.verdict() : Verdict::Learning;
}

double SessionTrust::trust() const
{
	return anyReady() ? model_.trust() : VerdictState{}.trust;
}

bool SessionTrust::stale(size_t index) const
{
	const auto &last = lastUs_[index];
	return !last || !newestUs_ || *last < *newestUs_ - params_.staleUs;
}

std::vector<std::string> SessionTrust::reasons() const
{
	std::vector<std::string> out;
	if (!anyReady())
		return out;
	for (std::string &r : model_.reasons()) {
		bool keep = true;
		for (Modality m : kAll)
			if (r == modalityMismatchReason(m))
				keep = !stale(static_cast<size_t>(indexOf(m)));
		if (keep)
			out.push_back(std::move(r));
	}
	return out;
}

std::vector<Modality> SessionTrust::activeModalities() const
{
	std::vector<Modality> out;
	for (Modality m : kAll)
		if (!stale(static_cast<size_t>(indexOf(m))))
			out.push_back(m);
	return out;
}

std::optional<int64_t> SessionTrust::lastEvidenceUs(Modality m) const
{
	const int i = indexOf(m);
	return i < 0 ? std::nullopt : lastUs_[static_cast<size_t>(i)];
}

TrustChange SessionTrust::describeChange(Verdict from, std::string_view cause, int64_t nowUs) const
{
	TrustChange c;
	c.from = from;
	c.to = verdict();
	c.cause = cause;
	c.trust = model_.trust();
	c.logOdds = model_.logOdds();
	c.confidence = model_.confidence(nowUs);
	c.windows = model_.windows();
	c.reasons = reasons();
	return c;
}

} // namespace tactus
