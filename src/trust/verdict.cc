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

bool SessionEvidence::publish(VerdictState base)
{
	for (const std::string &note : notes_)
		if (std::find(base.reasons.begin(), base.reasons.end(), note) == base.reasons.end())
			base.reasons.push_back(note);
	if (base == state_)
		return false;
	state_ = std::move(base);
	return true;
}

bool SessionEvidence::addInjection(std::string_view reason)
{
	VerdictState next;
	if (injected_)
		next = state_;
	injected_ = true;
	next.verdict = Verdict::Injected;
	next.trust = 0.0;
	// Injection reasons come before the notes: most important first.
	std::erase_if(next.reasons,
		      [&](const std::string &r) { return std::find(notes_.begin(), notes_.end(), r) != notes_.end(); });
	if (std::find(next.reasons.begin(), next.reasons.end(), reason) == next.reasons.end())
		next.reasons.emplace_back(reason);
	return publish(std::move(next));
}

bool SessionEvidence::addNote(std::string_view reason)
{
	if (std::find(notes_.begin(), notes_.end(), reason) != notes_.end())
		return false;
	notes_.emplace_back(reason);
	return publish(state_);
}

bool SessionEvidence::setBehaviour(Verdict verdict, double trust, std::vector<std::string> reasons)
{
	behaviour_.verdict = verdict;
	behaviour_.trust = std::clamp(trust, 0.0, 1.0);
	behaviour_.reasons = std::move(reasons);
	if (injected_)
		return false;
	return publish(behaviour_);
}

std::vector<std::string> SessionEvidence::injectionReasons() const
{
	std::vector<std::string> out;
	if (!injected_)
		return out;
	for (const std::string &r : state_.reasons)
		if (std::find(notes_.begin(), notes_.end(), r) == notes_.end())
			out.push_back(r);
	return out;
}

bool SessionEvidence::restore(const std::vector<std::string> &injectionReasons, const std::vector<std::string> &notes)
{
	const VerdictState before = state_;
	for (const std::string &r : injectionReasons)
		addInjection(r);
	for (const std::string &n : notes)
		addNote(n);
	return state_ != before;
}

bool SessionEvidence::reset()
{
	injected_ = false;
	notes_.clear();
	return publish(behaviour_);
}

} // namespace tactus
