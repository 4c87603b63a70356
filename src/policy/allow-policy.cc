// SPDX-License-Identifier: MIT
#include "allow-policy.h"

#include "conf-rules.h"
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
	return r.hasIdentityKey() || r.matchProvenance || r.matchSeat || r.hasCreatorKey();
}

bool creatorMatches(const AllowRule &r, const CreatorProcess &c)
{
	// An unreadable exe or a process outside any unit is unknown, and
	// unknown never matches, not even '*'.
	if (r.matchCreatorExe && (c.exe.empty() || !globMatch(*r.matchCreatorExe, c.exe, FNM_PATHNAME)))
		return false;
	if (r.matchCreatorUnit && (c.unit.empty() || !globMatch(*r.matchCreatorUnit, c.unit)))
		return false;
	if (r.matchCreatorUserUnit && (c.userUnit.empty() || !globMatch(*r.matchCreatorUserUnit, c.userUnit)))
		return false;
	if (r.matchCreatorUid && *r.matchCreatorUid != c.uid)
		return false;
	return true;
}

Result<void> setCreatorExe(AllowRule &r, std::string_view, std::string_view value)
{
	// /proc/PID/exe is always absolute; a relative pattern is a mistake
	// that would silently never match.
	if (value[0] != '/' && value[0] != '*')
		return ruleError("MatchCreatorExe needs an absolute path, not '" + std::string(value) + "'");
	r.matchCreatorExe = std::string(value);
	return {};
}

Result<void> setCreatorUid(AllowRule &r, std::string_view, std::string_view value)
{
	auto uid = parseUid(value);
	if (!uid)
		return ruleError("MatchCreatorUid: " + uid.error().message);
	r.matchCreatorUid = *uid;
	return {};
}

Result<void> setProvenance(AllowRule &r, std::string_view, std::string_view value)
{
	auto p = provenanceFromName(value);
	if (!p)
		return ruleError("unknown provenance '" + std::string(value) + "'");
	r.matchProvenance = *p;
	return {};
}

Result<void> setAllow(AllowRule &r, std::string_view, std::string_view value)
{
	if (value != "yes" && value != "no")
		return ruleError("Allow must be yes or no, not '" + std::string(value) + "'");
	r.allow = value == "yes";
	return {};
}

Result<void> setBurstKeystrokes(AllowRule &r, std::string_view, std::string_view value)
{
	uint32_t n = 0;
	for (char c : value) {
		if (c < '0' || c > '9' || n > 100'000)
			return ruleError("AllowBurstKeystrokes must be a count of key presses in 1..1000, not '" +
					 std::string(value) + "'");
		n = n * 10 + static_cast<uint32_t>(c - '0');
	}
	if (n < 1 || n > 1000)
		return ruleError("AllowBurstKeystrokes must be a count of key presses in 1..1000, not '" +
				 std::string(value) + "'");
	if (!r.burst)
		r.burst.emplace();
	r.burst->maxKeystrokes = n;
	return {};
}

Result<void> setBurstKeys(AllowRule &r, std::string_view, std::string_view value)
{
	auto kinds = parseKeyKinds(value);
	if (!kinds)
		return ruleError("AllowBurstKeys: " + kinds.error().message);
	if (!r.burst)
		r.burst.emplace();
	r.burst->kinds = *kinds;
	return {};
}

Result<void> finishRule(const AllowRule &r, const std::vector<std::string_view> &keys)
{
	if (keys.empty())
		return ruleError("empty section '" + r.name + "'");
	// A rule without Match keys would decide for every device.
	if (!hasMatchKey(r))
		return ruleError("section '" + r.name + "' has no Match key");
	if (std::find(keys.begin(), keys.end(), "Allow") == keys.end())
		return ruleError("section '" + r.name + "' has no Allow=");
	if (r.burst) {
		// A bound needs both halves: a length alone would admit any key,
		// kinds alone any length.
		if (!r.burst->maxKeystrokes || !r.burst->kinds)
			return ruleError(
				"section '" + r.name +
				"' needs both AllowBurstKeystrokes= and AllowBurstKeys= for a burst allowance");
		if (!r.allow)
			return ruleError("section '" + r.name + "' has a burst allowance but Allow=no");
	}
	return {};
}

const RuleFileFormat<AllowRule> &format()
{
	static const RuleFileFormat<AllowRule> f{
		.keys = withIdentityKeys<AllowRule>({
			{"MatchProvenance", setProvenance},
			{"MatchSeat", setVerbatim<AllowRule, &AllowRule::matchSeat>},
			{"MatchCreatorExe", setCreatorExe},
			{"MatchCreatorUnit", setVerbatim<AllowRule, &AllowRule::matchCreatorUnit>},
			{"MatchCreatorUserUnit", setVerbatim<AllowRule, &AllowRule::matchCreatorUserUnit>},
			{"MatchCreatorUid", setCreatorUid},
			{"Allow", setAllow},
			{"AllowBurstKeystrokes", setBurstKeystrokes},
			{"AllowBurstKeys", setBurstKeys},
		}),
		.finish = finishRule,
	};
	return f;
}

} // namespace

bool AllowRule::hasCreatorKey() const
{
	return matchCreatorExe || matchCreatorUnit || matchCreatorUserUnit || matchCreatorUid;
}

bool AllowRule::matches(const DeviceInfo &info) const
{
	if (!matchesIdentity(info.name, info.bustype, info.vendor, info.product))
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
	return makeRuleSet<AllowPolicy>(parseRuleFile(text, fileName, format()));
}

Result<AllowPolicy> AllowPolicy::loadDirs(const std::vector<std::string> &dirs)
{
	return makeRuleSet<AllowPolicy>(loadRuleFiles(dirs, format()));
}

AllowPolicy::Decision AllowPolicy::decide(const DeviceInfo &info) const
{
	for (const AllowRule &r : rules_)
		if (r.matches(info))
			return Decision{true, r.allow, r.describe(), r.burst};
	return {};
}

} // namespace tactus
