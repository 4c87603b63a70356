// SPDX-License-Identifier: MIT
#include "verdict.h"

#include "util-name-table.h"

#include <algorithm>
#include <utility>

namespace tactus {

namespace {

constexpr auto kVerdictNames = makeNameTable<Verdict>({
	{Verdict::Learning, "learning"},
	{Verdict::Trusted, "trusted"},
	{Verdict::Uncertain, "uncertain"},
	{Verdict::Untrusted, "untrusted"},
	{Verdict::Injected, "injected"},
});
static_assert(kVerdictNames.oneToOne());

} // namespace

std::string_view verdictName(Verdict v)
{
	return kVerdictNames.name(v, "learning");
}

std::optional<Verdict> verdictFromName(std::string_view name)
{
	return kVerdictNames.fromName(name);
}

bool SessionEvidence::addInjection(std::string_view reason)
{
	VerdictState next = injected_ ? state_ : VerdictState{};
	injected_ = true;
	next.verdict = Verdict::Injected;
	next.trust = 0.0;
	if (std::find(next.reasons.begin(), next.reasons.end(), reason) == next.reasons.end())
		next.reasons.emplace_back(reason);
	if (next == state_)
		return false;
	state_ = std::move(next);
	return true;
}

bool SessionEvidence::setBehaviour(Verdict verdict, double trust, std::vector<std::string> reasons)
{
	behaviour_.verdict = verdict;
	behaviour_.trust = std::clamp(trust, 0.0, 1.0);
	behaviour_.reasons = std::move(reasons);
	if (injected_ || state_ == behaviour_)
		return false;
	state_ = behaviour_;
	return true;
}

bool SessionEvidence::reset()
{
	injected_ = false;
	if (state_ == behaviour_)
		return false;
	state_ = behaviour_;
	return true;
}

} // namespace tactus
