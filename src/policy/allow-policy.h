// SPDX-License-Identifier: MIT
#pragma once

// Which synthetic devices are legitimate (on-screen keyboards, remote-desktop
// servers, accessibility and KVM tools) is local knowledge, so it lives in
// data files (policy/allow.d/*.rules, /etc/tactus/allow.d), not in code.
// A rule can also deny, which reaches hardware devices too (a known
// keystroke-injection stick by vendor:product).

#include "device-info.h"
#include "device-match.h"
#include "injection-allowance.h"
#include "util-result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace tactus {

/** One [section] of an allow-list file. Unset optionals match anything. */
struct AllowRule : IdentityMatch {
	std::string name;     ///< the section title
	std::string fileName; ///< basename of the file it came from
	unsigned line = 0;    ///< line of the section header
	std::optional<Provenance> matchProvenance;
	std::optional<std::string> matchSeat;
	std::optional<std::string> matchCreatorExe;  ///< glob, '*' does not cross '/'
	std::optional<std::string> matchCreatorUnit; ///< glob on the system unit (sd_pid_get_unit)
	std::optional<std::string>
		matchCreatorUserUnit; ///< glob on the unit in a user's manager (sd_pid_get_user_unit)
	std::optional<uid_t> matchCreatorUid;
	bool allow = false;
	/**
	 * AllowBurstKeystrokes= and AllowBurstKeys= (both or neither, Allow=yes
	 * only): machine-speed bursts of at most this many presses, every key
	 * of these kinds, raise no timing evidence (injection-allowance.h).
	 */
	std::optional<BurstAllowance> burst;

	/**
	 * True if every Match key matches @p info. Creator keys must all hold
	 * for one candidate creator; for Allow=yes every candidate must match,
	 * for Allow=no one is enough. No candidates: creator keys never match.
	 */
	bool matches(const DeviceInfo &info) const;
	/** True if the rule has a MatchCreator* key. */
	bool hasCreatorKey() const;
	/**
	 * True for an Allow=yes rule without creator keys that can match a
	 * synthetic device (no MatchProvenance, or uinput/uhid): name, ids and
	 * bus are chosen by whoever creates the device, so any process that can
	 * open /dev/uinput or /dev/uhid can make a device this rule allows.
	 * allowRuleWarnings() (allow-warnings.h) says what is true of each kind.
	 */
	bool spoofable() const
	{
		return allow && !hasCreatorKey() && (!matchProvenance || isSynthetic(*matchProvenance));
	}
	/** "Onboard (50-default.rules:12)", for logs and details. */
	std::string describe() const;
};

/** An ordered allow-list from one or more files; the first matching rule decides. */
class AllowPolicy {
public:
	/** What the policy says about one device. */
	struct Decision {
		bool matched = false;                ///< false: no rule matched, the caller's default applies
		bool allow = false;                  ///< the matching rule's Allow=, false if none matched
		std::string rule;                    ///< "name (file:line)" of the matching rule, "" if none
		std::optional<BurstAllowance> burst; ///< the matching rule's burst allowance, if any
	};

	AllowPolicy() = default;
	/** A policy of @p rules, in this order. */
	explicit AllowPolicy(std::vector<AllowRule> rules) : rules_(std::move(rules)) {}

	/** Parse one allow-list file; errors are "FILE:LINE: message". */
	static Result<AllowPolicy> parse(std::string_view text, std::string_view fileName);
	/** Load every *.rules file of @p dirs in name order; a file in a later dir replaces the same-named file of an
	 * earlier one (an empty file masks it). Missing dirs are fine. */
	static Result<AllowPolicy> loadDirs(const std::vector<std::string> &dirs);

	/** The first rule (in load order) matching @p info, as a decision. */
	Decision decide(const DeviceInfo &info) const;
	/** Number of rules. */
	size_t size() const { return rules_.size(); }
	/** All rules in load order. */
	const std::vector<AllowRule> &rules() const { return rules_; }

private:
	std::vector<AllowRule> rules_;
};

} // namespace tactus
