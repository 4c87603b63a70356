// SPDX-License-Identifier: MIT
#include "provenance-rules.h"

#include "conf-rules.h"
#include "sysfs-read.h"

#include <algorithm>
#include <cerrno>
#include <utility>

namespace tactus {

namespace {

bool hasMatchKey(const ProvenanceRule &r)
{
	return r.hasIdentityKey() || r.matchPhys || r.matchParentSubsystem || r.matchDmi;
}

Result<void> finishRule(const ProvenanceRule &r, const std::vector<std::string_view> &keys)
{
	if (!hasMatchKey(r))
		return ruleError("section '" + r.name + "' has no Match key");
	if (std::find(keys.begin(), keys.end(), "Provenance") == keys.end())
		return ruleError("section '" + r.name + "' has no Provenance");
	// A kernel-virtual device has no parent by definition, so this rule
	// could never match: say so instead of shipping a dead rule.
	if (r.provenance == Provenance::KernelVirtual && r.matchParentSubsystem)
		return ruleError("section '" + r.name +
				 "': kernel-virtual devices have no parent, MatchParentSubsystem never matches");
	return {};
}

Result<void> setParentSubsystem(ProvenanceRule &r, std::string_view, std::string_view value)
{
	if (value.find_first_of("/ *?[") != std::string_view::npos)
		return ruleError("MatchParentSubsystem takes one subsystem name, not '" + std::string(value) + "'");
	r.matchParentSubsystem = std::string(value);
	return {};
}

Result<void> setProvenance(ProvenanceRule &r, std::string_view, std::string_view value)
{
	auto p = provenanceFromName(value);
	if (!p || (*p != Provenance::Hypervisor && *p != Provenance::KernelVirtual))
		return ruleError("Provenance must be hypervisor or kernel-virtual, not '" + std::string(value) + "'");
	r.provenance = *p;
	return {};
}

const RuleFileFormat<ProvenanceRule> &format()
{
	static const RuleFileFormat<ProvenanceRule> f{
		.keys = withIdentityKeys<ProvenanceRule>({
			{"MatchPhys", setVerbatim<ProvenanceRule, &ProvenanceRule::matchPhys>},
			{"MatchDMI", setVerbatim<ProvenanceRule, &ProvenanceRule::matchDmi>},
			{"MatchParentSubsystem", setParentSubsystem},
			{"Provenance", setProvenance},
		}),
		.finish = finishRule,
	};
	return f;
}

} // namespace

bool ProvenanceRule::matches(const RuleSubject &s) const
{
	if (!matchesIdentity(s.name, s.bustype, s.vendor, s.product))
		return false;
	if (matchPhys && !globMatch(*matchPhys, s.phys))
		return false;
	if (matchParentSubsystem && std::find(s.parentSubsystems.begin(), s.parentSubsystems.end(),
					      *matchParentSubsystem) == s.parentSubsystems.end())
		return false;
	if (matchDmi && (s.dmiModalias.empty() || !globMatch(*matchDmi, s.dmiModalias)))
		return false;
	return true;
}

std::string ProvenanceRule::origin() const
{
	return fileName + ":" + std::to_string(line);
}

Result<ProvenanceRules> ProvenanceRules::parse(std::string_view text, std::string_view fileName)
{
	return makeRuleSet<ProvenanceRules>(parseRuleFile(text, fileName, format()));
}

Result<ProvenanceRules> ProvenanceRules::loadDirs(const std::vector<std::string> &dirs)
{
	return makeRuleSet<ProvenanceRules>(loadRuleFiles(dirs, format()));
}

const ProvenanceRule *ProvenanceRules::match(const RuleSubject &subject, Provenance provenance) const
{
	for (const ProvenanceRule &r : rules_)
		if (r.provenance == provenance && r.matches(subject))
			return &r;
	return nullptr;
}

} // namespace tactus
