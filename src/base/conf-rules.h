// SPDX-License-Identifier: MIT
#pragma once

// Rule files: INI-style files in which every section is one rule, its title
// the rule's name (the allow-list, the provenance rules). The section
// bookkeeping, the syntax they share (an empty value is an error, a key once
// per section) and the loading of a rule directory live here; what the keys
// mean stays with each kind of rule, as two functions.

#include "conf-files.h"
#include "conf-parser.h"
#include "sysfs-read.h"
#include "util-result.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tactus {

/** One key a kind of rule file knows. */
template<typename Rule>
struct RuleKey {
	std::string_view name;
	/** Set the key named @p key of @p rule from a non-empty value; an error is a message without FILE:LINE. */
	Result<void> (*set)(Rule &rule, std::string_view key, std::string_view value);
};

/** A RuleKey setter for a value kept as written (a glob, a name) in the member @p Field. */
template<typename Rule, std::optional<std::string> Rule::*Field>
Result<void> setVerbatim(Rule &rule, std::string_view, std::string_view value)
{
	rule.*Field = std::string(value);
	return {};
}

/**
 * What one kind of rule file means. Rule must have `std::string name`
 * (the section title), `std::string fileName` and `unsigned line` (of the
 * section header); they are set before any key.
 */
template<typename Rule>
struct RuleFileFormat {
	/** Every key a section may set; any other is "unknown key KEY". */
	std::vector<RuleKey<Rule>> keys;
	/** Check a complete rule, given the keys its section set; an error is reported at the section header. */
	Result<void> (*finish)(const Rule &rule, const std::vector<std::string_view> &keys);
	/** Files larger than this are refused when a directory is loaded. */
	size_t maxFileBytes = size_t{1024} * 1024;
	/** Names that count in a directory. */
	std::string_view suffix = ".rules";
};

/** A bad key or value, for RuleFileFormat's functions: @p message without FILE:LINE. */
inline Error ruleError(std::string message)
{
	return makeError(-EINVAL, std::move(message));
}

/** The rules of one file's @p text, in file order; errors are "FILE:LINE: message" with @p fileName as FILE. */
template<typename Rule>
Result<std::vector<Rule>> parseRuleFile(std::string_view text, std::string_view fileName,
					const RuleFileFormat<Rule> &format)
{
	std::vector<Rule> rules;
	std::optional<Rule> current;
	std::vector<std::string_view> keys; // of the current section; they point into text

	const ConfSyntax syntax{.emptyValues = false, .uniqueKeysPerSection = true};
	ConfHandler handler;
	handler.sectionStart = [&](std::string_view title, unsigned line) -> Result<void> {
		current.emplace();
		current->name = std::string(title);
		current->fileName = std::string(fileName);
		current->line = line;
		keys.clear();
		return {};
	};
	handler.sectionEnd = [&]() -> Result<void> {
		if (auto finished = format.finish(*current, keys); !finished)
			return confError(fileName, current->line, finished.error().message);
		rules.push_back(std::move(*current));
		current.reset();
		return {};
	};
	handler.assignment = [&](const ConfAssignment &a) -> Result<void> {
		auto key = std::find_if(format.keys.begin(), format.keys.end(),
					[&](const RuleKey<Rule> &k) { return k.name == a.key; });
		if (key == format.keys.end())
			return confError(fileName, a.line, "unknown key " + std::string(a.key));
		if (auto set = key->set(*current, a.key, a.value); !set)
			return confError(fileName, a.line, set.error().message);
		keys.push_back(a.key);
		return {};
	};
	if (auto parsed = parseConf(text, fileName, syntax, handler); !parsed)
		return parsed.error();
	return rules;
}

/**
 * The rules of every file listConfFiles(@p dirs, format.suffix) lists, file
 * after file; errors name the file by its name alone ("50-default.rules:3: ...").
 */
template<typename Rule>
Result<std::vector<Rule>> loadRuleFiles(const std::vector<std::string> &dirs, const RuleFileFormat<Rule> &format)
{
	auto files = listConfFiles(dirs, format.suffix);
	if (!files)
		return files.error();
	std::vector<Rule> rules;
	for (const ConfFile &f : *files) {
		auto text = readFileLimited(f.path, format.maxFileBytes);
		if (!text)
			return text.error();
		auto parsed = parseRuleFile(*text, f.name, format);
		if (!parsed)
			return parsed.error();
		for (Rule &r : *parsed)
			rules.push_back(std::move(r));
	}
	return rules;
}

/** A rule set (constructible from std::vector<Rule>) holding @p rules, or their error. */
template<typename Set, typename Rule>
Result<Set> makeRuleSet(Result<std::vector<Rule>> rules)
{
	if (!rules)
		return rules.error();
	return Set(std::move(rules).value());
}

} // namespace tactus
