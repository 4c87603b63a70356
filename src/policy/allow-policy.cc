// SPDX-License-Identifier: MIT
#include "allow-policy.h"

#include "conf-files.h"
#include "conf-parser.h"
#include "provenance-rules.h"
#include "sysfs-read.h"
#include "util-strings.h"

#include <algorithm>
#include <cerrno>
#include <fnmatch.h>
#include <pwd.h>
#include <utility>

namespace tactus {

namespace {

/** Glob match that never matches a value with an embedded NUL (fnmatch would see a prefix). */
bool globMatch(const std::string &pattern, std::string_view value, int flags = 0)
{
	if (value.find('\0') != std::string_view::npos)
		return false;
	return ::fnmatch(pattern.c_str(), std::string(value).c_str(), flags) == 0;
}

/** A decimal uid, or a user name looked up now (so a rule does not follow a later renumbering). */
Result<uid_t> parseUid(std::string_view value)
{
	if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
		if (value.size() > 10)
			return makeError(-ERANGE, "uid out of range");
		unsigned long long v = 0;
		for (char c : value)
			v = v * 10 + static_cast<unsigned>(c - '0');
		// (uid_t)-1 means "no uid" to the kernel; no process runs as it.
		if (v >= static_cast<uid_t>(-1))
			return makeError(-ERANGE, "uid out of range");
		return static_cast<uid_t>(v);
	}
	std::string name(value);
	std::vector<char> buf(1024);
	for (;;) {
		struct passwd pw {};
		struct passwd *found = nullptr;
		int r = ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
		if (r == ERANGE && buf.size() < size_t{1024} * 1024) {
			buf.resize(buf.size() * 4);
			continue;
		}
		if (r != 0)
			return makeError(-r, "cannot look up user '" + name + "'");
		if (!found)
			return makeError(-ENOENT, "unknown user '" + name + "'");
		return pw.pw_uid;
	}
}

bool hasMatchKey(const AllowRule &r)
{
	return r.matchName || r.matchVendor || r.matchProduct || r.matchBus || r.matchProvenance || r.matchSeat ||
	       r.hasCreatorKey();
}

bool creatorMatches(const AllowRule &r, const CreatorProcess &c)
{
	// An unreadable exe or a process outside any unit is unknown, and
	// unknown never matches, not even '*'.
	if (r.matchCreatorExe && (c.exe.empty() || !globMatch(*r.matchCreatorExe, c.exe, FNM_PATHNAME)))
		return false;
	if (r.matchCreatorUnit && (c.unit.empty() || !globMatch(*r.matchCreatorUnit, c.unit)))
		return false;
	if (r.matchCreatorUid && *r.matchCreatorUid != c.uid)
		return false;
	return true;
}

/** Set one key of @p r from a non-empty @p value; the error is the message without FILE:LINE. */
Result<void> setKey(AllowRule &r, std::string_view key, std::string_view value)
{
	auto fail = [](const std::string &message) -> Result<void> { return makeError(-EINVAL, message); };
	const std::string k(key);
	if (key == "MatchName") {
		r.matchName = std::string(value);
	} else if (key == "MatchSeat") {
		r.matchSeat = std::string(value);
	} else if (key == "MatchCreatorUnit") {
		r.matchCreatorUnit = std::string(value);
	} else if (key == "MatchCreatorExe") {
		// /proc/PID/exe is always absolute; a relative pattern is a
		// mistake that would silently never match.
		if (value[0] != '/' && value[0] != '*')
			return fail("MatchCreatorExe needs an absolute path, not '" + std::string(value) + "'");
		r.matchCreatorExe = std::string(value);
	} else if (key == "MatchCreatorUid") {
		auto uid = parseUid(value);
		if (!uid)
			return fail("MatchCreatorUid: " + uid.error().message);
		r.matchCreatorUid = *uid;
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
	} else if (key == "MatchProvenance") {
		auto p = provenanceFromName(value);
		if (!p)
			return fail("unknown provenance '" + std::string(value) + "'");
		r.matchProvenance = *p;
	} else if (key == "Allow") {
		if (value == "yes")
			r.allow = true;
		else if (value == "no")
			r.allow = false;
		else
			return fail("Allow must be yes or no, not '" + std::string(value) + "'");
	} else {
		return fail("unknown key " + k);
	}
	return {};
}

} // namespace

bool AllowRule::hasCreatorKey() const
{
	return matchCreatorExe || matchCreatorUnit || matchCreatorUid;
}

bool AllowRule::matches(const DeviceInfo &info) const
{
	if (matchName && !globMatch(*matchName, info.name))
		return false;
	if (matchVendor && *matchVendor != info.vendor)
		return false;
	if (matchProduct && *matchProduct != info.product)
		return false;
	if (matchBus && *matchBus != info.bustype)
		return false;
	if (matchProvenance && *matchProvenance != info.provenance)
		return false;
	if (matchSeat && !globMatch(*matchSeat, info.seat))
		return false;
	if (!hasCreatorKey())
		return true;
	// Every candidate held /dev/uinput when the device appeared and any of
	// them may have made it. All creator keys must hold for one candidate
	// (exe of one process and uid of another prove nothing). To allow,
	// every candidate must match: a long-running allowed creator (keyd,
	// a remote-desktop server) must not vouch for a device that another
	// process, holding /dev/uinput at the same time, made. To deny, one is
	// enough. Either way, a device without candidates never matches.
	if (info.creators.empty())
		return false;
	auto one = [this](const CreatorProcess &c) { return creatorMatches(*this, c); };
	if (allow)
		return std::all_of(info.creators.begin(), info.creators.end(), one);
	return std::any_of(info.creators.begin(), info.creators.end(), one);
}

std::string AllowRule::describe() const
{
	return name + " (" + fileName + ":" + std::to_string(line) + ")";
}

Result<AllowPolicy> AllowPolicy::parse(std::string_view text, std::string_view fileName)
{
	AllowPolicy out;
	std::optional<AllowRule> current;
	bool haveAllow = false;
	bool haveKeys = false;

	const ConfSyntax syntax{.emptyValues = false, .uniqueKeysPerSection = true};
	ConfHandler handler;
	handler.sectionStart = [&](std::string_view title, unsigned line) -> Result<void> {
		current.emplace();
		current->name = std::string(title);
		current->fileName = std::string(fileName);
		current->line = line;
		haveAllow = false;
		haveKeys = false;
		return {};
	};
	handler.sectionEnd = [&]() -> Result<void> {
		const AllowRule &r = *current;
		if (!haveKeys)
			return confError(fileName, r.line, "empty section '" + r.name + "'");
		// A rule without Match keys would decide for every device.
		if (!hasMatchKey(r))
			return confError(fileName, r.line, "section '" + r.name + "' has no Match key");
		if (!haveAllow)
			return confError(fileName, r.line, "section '" + r.name + "' has no Allow=");
		out.rules_.push_back(std::move(*current));
		current.reset();
		return {};
	};
	handler.assignment = [&](const ConfAssignment &a) -> Result<void> {
		haveKeys = true;
		auto set = setKey(*current, a.key, a.value);
		if (!set)
			return confError(fileName, a.line, set.error().message);
		if (a.key == "Allow")
			haveAllow = true;
		return {};
	};
	auto parsed = parseConf(text, fileName, syntax, handler);
	if (!parsed)
		return parsed.error();
	return out;
}

Result<AllowPolicy> AllowPolicy::loadDirs(const std::vector<std::string> &dirs)
{
	auto files = listConfFiles(dirs, ".rules");
	if (!files)
		return files.error();
	AllowPolicy out;
	for (const ConfFile &f : *files) {
		auto text = readFileLimited(f.path, size_t{1024} * 1024);
		if (!text)
			return text.error();
		auto parsed = parse(*text, f.name);
		if (!parsed)
			return parsed.error();
		for (AllowRule &r : parsed->rules_)
			out.rules_.push_back(std::move(r));
	}
	return out;
}

AllowPolicy::Decision AllowPolicy::decide(const DeviceInfo &info) const
{
	for (const AllowRule &r : rules_)
		if (r.matches(info))
			return Decision{true, r.allow, r.describe()};
	return {};
}

} // namespace tactus
