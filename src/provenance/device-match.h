// SPDX-License-Identifier: MIT
#pragma once

// The Match keys that test what a device reports about itself, MatchName=,
// MatchVendor=, MatchProduct= and MatchBus=: allow-list and provenance rules
// spell, parse and match them the same way, here. Whoever creates a device
// chooses these values; only its topology (provenance) is not theirs to pick.

#include "conf-rules.h"
#include "util-result.h"

#include <cassert>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** fnmatch(3) of @p value against @p pattern; never matches a value with a NUL (fnmatch would see a prefix). */
bool globMatch(const std::string &pattern, std::string_view value, int flags = 0);

/** The reported-identity Match keys of a rule. Unset optionals match anything. */
struct IdentityMatch {
	std::optional<std::string> matchName; ///< fnmatch(3) glob
	std::optional<uint16_t> matchVendor;
	std::optional<uint16_t> matchProduct;
	std::optional<uint16_t> matchBus;

	/**
	 * Set MatchName, MatchVendor, MatchProduct or MatchBus from a non-empty
	 * @p value. nullopt if @p key is another key; else the outcome, an error
	 * (a message without FILE:LINE) for a bad value.
	 */
	std::optional<Result<void>> setIdentityKey(std::string_view key, std::string_view value);
	/** True if any of the four keys is set. */
	bool hasIdentityKey() const;
	/** True if every key that is set matches. */
	bool matchesIdentity(std::string_view name, uint16_t bustype, uint16_t vendor, uint16_t product) const;
};

/** The keys of a rule file whose Rule derives from IdentityMatch: its four keys, then @p more. */
template<typename Rule>
std::vector<RuleKey<Rule>> withIdentityKeys(std::initializer_list<RuleKey<Rule>> more)
{
	auto set = [](Rule &rule, std::string_view key, std::string_view value) -> Result<void> {
		auto done = rule.setIdentityKey(key, value);
		assert(done);
		return *done;
	};
	std::vector<RuleKey<Rule>> keys{
		{"MatchName", set}, {"MatchVendor", set}, {"MatchProduct", set}, {"MatchBus", set}};
	keys.insert(keys.end(), more);
	return keys;
}

} // namespace tactus
