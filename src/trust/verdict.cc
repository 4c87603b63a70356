// SPDX-License-Identifier: MIT
#include "verdict.h"

#include <algorithm>
#include <array>
#include <utility>

namespace tactus {

namespace {

constexpr std::array<std::pair<Verdict, std::string_view>, 5> kNames = {{
	{Verdict::Learning, "learning"},
	{Verdict::Trusted, "trusted"},
	{Verdict::Uncertain, "uncertain"},
	{Verdict::Untrusted, "untrusted"},
	{Verdict::Injected, "injected"},
}};

} // namespace

std::string_view verdictName(Verdict v)
{
	for (const auto &[value, name] : kNames)
		if (value == v)
			return name;
	return "learning";
}

std::optional<Verdict> verdictFromName(std::string_view name)
{
	for (const auto &[value, n] : kNames)
		if (n == name)
			return value;
	return std::nullopt;
}

bool SessionEvidence::addInjection(std::string_view reason)
{
	VerdictState next = state_;
	next.verdict = Verdict::Injected;
	next.trust = 0.0;
	if (std::find(next.reasons.begin(), next.reasons.end(), reason) == next.reasons.end())
		next.reasons.emplace_back(reason);
	if (next == state_)
		return false;
	state_ = std::move(next);
	return true;
}

bool SessionEvidence::reset()
{
	const VerdictState clean;
	if (state_ == clean)
		return false;
	state_ = clean;
	return true;
}

} // namespace tactus
