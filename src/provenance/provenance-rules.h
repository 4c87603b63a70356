// SPDX-License-Identifier: MIT
#pragma once

// Knowledge about which devices are emulated by a hypervisor or made by a
// kernel driver without a parent lives in data files (data/provenance/*.rules),
// like libinput's quirks: adding a VM or a laptop vendor is a data change.

#include "device-bus.h"
#include "device-match.h"
#include "provenance.h"
#include "util-result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tactus {

/** What a rule is matched against: the reported identity plus the topology. */
struct RuleSubject {
	std::string_view name;
	std::string_view phys;
	uint16_t bustype = 0;
	uint16_t vendor = 0;
	uint16_t product = 0;
	std::vector<std::string> parentSubsystems; ///< of every ancestor, nearest first
	std::string_view dmiModalias;              ///< SYS/class/dmi/id/modalias, "" if none
};

/** One [section] of a rules file. Unset optionals match anything. */
struct ProvenanceRule : IdentityMatch {
	std::string name;     ///< the section title
	std::string fileName; ///< basename of the file it came from
	unsigned line = 0;    ///< line of the section header
	std::optional<std::string> matchPhys;
	std::optional<std::string> matchParentSubsystem;
	std::optional<std::string> matchDmi;
	Provenance provenance = Provenance::Unknown; ///< Hypervisor or KernelVirtual

	/** True if every Match key of the rule matches @p subject. */
	bool matches(const RuleSubject &subject) const;
	/** "10-hypervisor.rules:3", for details and error messages. */
	std::string origin() const;
};

/** An ordered list of rules from one or more files. */
class ProvenanceRules {
public:
	ProvenanceRules() = default;
	/** A list of @p rules, in this order. */
	explicit ProvenanceRules(std::vector<ProvenanceRule> rules) : rules_(std::move(rules)) {}

	/** Parse one rules file; errors are "FILE:LINE: message". */
	static Result<ProvenanceRules> parse(std::string_view text, std::string_view fileName);
	/** Load every *.rules file of @p dirs in order; a file in a later dir replaces the same-named file of an
	 * earlier dir (data dir, then /etc/tactus/provenance). Missing dirs are fine. Files sorted by name. */
	static Result<ProvenanceRules> loadDirs(const std::vector<std::string> &dirs);

	/** Number of rules. */
	size_t size() const { return rules_.size(); }
	/** All rules in load order. */
	const std::vector<ProvenanceRule> &rules() const { return rules_; }
	/** First rule (in load order) of class @p provenance that matches @p subject, or nullptr. */
	const ProvenanceRule *match(const RuleSubject &subject, Provenance provenance) const;

private:
	std::vector<ProvenanceRule> rules_;
};

} // namespace tactus
