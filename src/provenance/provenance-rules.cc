// SPDX-License-Identifier: MIT
#include "provenance-rules.h"

#include "conf-files.h"
#include "conf-parser.h"
#include "sysfs-read.h"

#include <algorithm>
#include <cerrno>
#include <fnmatch.h>
#include <utility>

namespace tactus {

namespace {

/** Glob match that never matches a value with an embedded NUL (fnmatch would see a prefix). */
bool globMatch(const std::string &pattern, std::string_view value)
{
	if (value.find('\0') != std::string_view::npos)
		return false;
	return ::fnmatch(pattern.c_str(), std::string(value).c_str(), 0) == 0;
}

bool hasMatchKey(const ProvenanceRule &r)
{
	return r.matchName || r.matchPhys || r.matchBus || r.matchVendor || r.matchProduct ||
	       r.matchParentSubsystem || r.matchDmi;
}

Result<void> finishSection(const ProvenanceRule &r, bool haveProvenance)
{
	if (!hasMatchKey(r))
		return confError(r.fileName, r.line, "section '" + r.name + "' has no Match key");
	if (!haveProvenance)
		return confError(r.fileName, r.line, "section '" + r.name + "' has no Provenance");
	// A kernel-virtual device has no parent by definition, so this rule
	// could never match: say so instead of shipping a dead rule.
	if (r.provenance == Provenance::KernelVirtual && r.matchParentSubsystem)
		return confError(r.fileName, r.line,
				 "section '" + r.name + "': kernel-virtual devices have no parent, MatchParentSubsystem never matches");
	return {};
}

/** Set one key of @p r from a non-empty @p value; the error is the message without FILE:LINE. */
Result<void> setKey(ProvenanceRule &r, std::string_view key, std::string_view value)
{
	auto fail = [](const std::string &message) -> Result<void> { return makeError(-EINVAL, message); };
	const std::string k(key);
	if (key == "MatchName") {
		r.matchName = std::string(value);
	} else if (key == "MatchPhys") {
		r.matchPhys = std::string(value);
	} else if (key == "MatchDMI") {
		r.matchDmi = std::string(value);
	} else if (key == "MatchParentSubsystem") {
		if (value.find_first_of("/ *?[") != std::string_view::npos)
			return fail("MatchParentSubsystem takes one subsystem name, not '" + std::string(value) + "'");
		r.matchParentSubsystem = std::string(value);
	} else if (key == "MatchBus") {
		auto bus = busFromName(value);
		if (!bus)
			return fail("unknown bus '" + std::string(value) + "'");
		r.matchBus = *bus;
	} else if (key == "MatchVendor" || key == "MatchProduct") {
		if (value.size() < 3 || value.substr(0, 2) != "0x")
			return fail(k + " needs a hex value like 0x046d");
		auto id = parseHex16(value);
		if (!id)
			return fail(k + ": " + id.error().message);
		(key == "MatchVendor" ? r.matchVendor : r.matchProduct) = *id;
	} else if (key == "Provenance") {
		auto p = provenanceFromName(value);
		if (!p || (*p != Provenance::Hypervisor && *p != Provenance::KernelVirtual))
			return fail("Provenance must be hypervisor or kernel-virtual, not '" + std::string(value) + "'");
		r.provenance = *p;
	} else {
		return fail("unknown key " + k);
	}
	return {};
}

} // namespace

bool ProvenanceRule::matches(const RuleSubject &s) const
{
	if (matchName && !globMatch(*matchName, s.name))
		return false;
	if (matchPhys && !globMatch(*matchPhys, s.phys))
		return false;
	if (matchBus && *matchBus != s.bustype)
		return false;
	if (matchVendor && *matchVendor != s.vendor)
		return false;
	if (matchProduct && *matchProduct != s.product)
		return false;
	if (matchParentSubsystem &&
	    std::find(s.parentSubsystems.begin(), s.parentSubsystems.end(), *matchParentSubsystem) ==
		    s.parentSubsystems.end())
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
	ProvenanceRules out;
	std::optional<ProvenanceRule> current;
	bool haveProvenance = false;

	const ConfSyntax syntax{.emptyValues = false, .uniqueKeysPerSection = true};
	ConfHandler handler;
	handler.sectionStart = [&](std::string_view title, unsigned line) -> Result<void> {
		current.emplace();
		current->name = std::string(title);
		current->fileName = std::string(fileName);
		current->line = line;
		haveProvenance = false;
		return {};
	};
	handler.sectionEnd = [&]() -> Result<void> {
		auto done = finishSection(*current, haveProvenance);
		if (!done)
			return done;
		out.rules_.push_back(std::move(*current));
		current.reset();
		return {};
	};
	handler.assignment = [&](const ConfAssignment &a) -> Result<void> {
		auto set = setKey(*current, a.key, a.value);
		if (!set)
			return confError(fileName, a.line, set.error().message);
		if (a.key == "Provenance")
			haveProvenance = true;
		return {};
	};
	auto parsed = parseConf(text, fileName, syntax, handler);
	if (!parsed)
		return parsed.error();
	return out;
}

Result<ProvenanceRules> ProvenanceRules::loadDirs(const std::vector<std::string> &dirs)
{
	auto files = listConfFiles(dirs, ".rules");
	if (!files)
		return files.error();
	ProvenanceRules out;
	for (const ConfFile &f : *files) {
		auto text = readFileLimited(f.path, 1024 * 1024);
		if (!text)
			return text.error();
		auto parsed = parse(*text, f.name);
		if (!parsed)
			return parsed.error();
		for (ProvenanceRule &r : parsed->rules_)
			out.rules_.push_back(std::move(r));
	}
	return out;
}

const ProvenanceRule *ProvenanceRules::match(const RuleSubject &subject, Provenance provenance) const
{
	for (const ProvenanceRule &r : rules_)
		if (r.provenance == provenance && r.matches(subject))
			return &r;
	return nullptr;
}

} // namespace tactus
