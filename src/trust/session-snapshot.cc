// SPDX-License-Identifier: MIT
#include "session-snapshot.h"

#include "util-lines.h"
#include "util-strings.h"

#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <set>

namespace tactus {

namespace {

constexpr std::string_view kHeader = "tactus-sessions 1";
constexpr size_t kMaxReasons = 16;
constexpr size_t kMaxToken = 64;

bool validId(std::string_view id)
{
	if (id.empty() || id.size() > kMaxToken)
		return false;
	for (char c : id)
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
		      c == '_' || c == '.' || c == '-'))
			return false;
	return true;
}

bool validReason(std::string_view r)
{
	if (r.empty() || r.size() > kMaxToken)
		return false;
	for (char c : r)
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	return true;
}

std::string joinReasons(const std::vector<std::string> &reasons)
{
	if (reasons.empty())
		return "-";
	std::string out;
	for (const std::string &r : reasons)
		out += (out.empty() ? "" : ",") + r;
	return out;
}

std::vector<std::string_view> split(std::string_view s, char sep)
{
	std::vector<std::string_view> out;
	size_t start = 0;
	while (true) {
		const size_t end = s.find(sep, start);
		out.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
		if (end == std::string_view::npos)
			return out;
		start = end + 1;
	}
}

template<typename T>
bool parseNumber(std::string_view s, T &out)
{
	auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
	return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

bool parseFinite(std::string_view s, double &out)
{
	return parseNumber(s, out) && std::isfinite(out);
}

std::string formatDouble(double v)
{
	char buf[40];
	(void)std::snprintf(buf, sizeof(buf), "%.17g", v);
	return buf;
}

std::string formatTrust(const std::optional<TrustState> &t)
{
	if (!t)
		return "-";
	std::string out = formatDouble(t->logOdds) + "," + std::string(verdictName(t->verdict));
	for (double s : t->sinceTop)
		out += "," + formatDouble(s);
	out += "," + formatDouble(t->mass) + "," + std::to_string(t->massAtUs) + "," + std::to_string(t->windows);
	return out;
}

bool formattable(const SessionSnapshot &s)
{
	if (!validId(s.id) || s.injectionReasons.size() > kMaxReasons || s.notes.size() > kMaxReasons)
		return false;
	for (const auto *list : {&s.injectionReasons, &s.notes})
		for (const std::string &r : *list)
			if (!validReason(r))
				return false;
	if (s.trust) {
		const TrustState &t = *s.trust;
		if (!std::isfinite(t.logOdds) || !std::isfinite(t.mass))
			return false;
		for (double v : t.sinceTop)
			if (!std::isfinite(v))
				return false;
	}
	return true;
}

// "key=value" with the expected key; the value, or nullopt.
std::optional<std::string_view> field(std::string_view token, std::string_view key)
{
	if (token.size() <= key.size() || token.substr(0, key.size()) != key || token[key.size()] != '=')
		return std::nullopt;
	return token.substr(key.size() + 1);
}

std::optional<std::vector<std::string>> parseReasons(std::string_view value)
{
	std::vector<std::string> out;
	if (value == "-")
		return out;
	const auto parts = split(value, ',');
	if (parts.size() > kMaxReasons)
		return std::nullopt;
	for (std::string_view r : parts) {
		if (!validReason(r))
			return std::nullopt;
		out.emplace_back(r);
	}
	return out;
}

std::optional<std::optional<TrustState>> parseTrust(std::string_view value)
{
	if (value == "-")
		return std::optional<TrustState>();
	const auto parts = split(value, ',');
	if (parts.size() != 8)
		return std::nullopt;
	TrustState t;
	const auto verdict = verdictFromName(parts[1]);
	if (!parseFinite(parts[0], t.logOdds) || !verdict ||
	    (*verdict != Verdict::Trusted && *verdict != Verdict::Uncertain && *verdict != Verdict::Untrusted))
		return std::nullopt;
	t.verdict = *verdict;
	for (size_t i = 0; i < 3; i++)
		if (!parseFinite(parts[2 + i], t.sinceTop[i]))
			return std::nullopt;
	if (!parseFinite(parts[5], t.mass) || !parseNumber(parts[6], t.massAtUs) || !parseNumber(parts[7], t.windows))
		return std::nullopt;
	return std::optional<TrustState>(t);
}

} // namespace

std::string formatSessionSnapshots(const std::vector<SessionSnapshot> &sessions)
{
	std::string out(kHeader);
	out += '\n';
	size_t written = 0;
	for (const SessionSnapshot &s : sessions) {
		if (!formattable(s) || written >= kMaxSessionSnapshots)
			continue;
		out += "session " + s.id + " lock-requested=" + (s.lockRequested ? "1" : "0") +
		       " injected=" + joinReasons(s.injectionReasons) + " notes=" + joinReasons(s.notes) +
		       " trust=" + formatTrust(s.trust) + "\n";
		written++;
	}
	return out;
}

Result<std::vector<SessionSnapshot>> parseSessionSnapshots(std::string_view text)
{
	std::vector<SessionSnapshot> out;
	std::set<std::string, std::less<>> ids;
	bool header = false;
	for (const TextLine &line : TextLines(text)) {
		const std::string where = "line " + std::to_string(line.number) + ": ";
		if (!header) {
			if (line.text != kHeader)
				return makeError(-EINVAL, where + "expected '" + std::string(kHeader) + "', found '" +
								  sanitizeForDisplay(line.text, 64) + "'");
			header = true;
			continue;
		}
		const auto tokens = split(line.text, ' ');
		if (tokens.size() != 6 || tokens[0] != "session")
			return makeError(-EINVAL, where +
							  "expected 'session ID lock-requested= injected= notes= "
							  "trust=', found '" +
							  sanitizeForDisplay(line.text, 64) + "'");
		SessionSnapshot s;
		if (!validId(tokens[1]))
			return makeError(-EINVAL, where + "bad session id '" + sanitizeForDisplay(tokens[1], 64) + "'");
		s.id = std::string(tokens[1]);
		const auto lock = field(tokens[2], "lock-requested");
		if (!lock || (*lock != "0" && *lock != "1"))
			return makeError(-EINVAL, where + "expected lock-requested=0 or 1");
		s.lockRequested = *lock == "1";
		const auto injected = field(tokens[3], "injected");
		const auto injectedReasons = injected ? parseReasons(*injected) : std::nullopt;
		if (!injectedReasons)
			return makeError(-EINVAL, where + "expected injected=- or reason codes");
		s.injectionReasons = *injectedReasons;
		const auto notes = field(tokens[4], "notes");
		const auto noteReasons = notes ? parseReasons(*notes) : std::nullopt;
		if (!noteReasons)
			return makeError(-EINVAL, where + "expected notes=- or reason codes");
		s.notes = *noteReasons;
		const auto trust = field(tokens[5], "trust");
		const auto state = trust ? parseTrust(*trust) : std::nullopt;
		if (!state)
			return makeError(-EINVAL, where + "expected trust=- or 8 comma-separated values");
		s.trust = *state;
		if (!ids.insert(s.id).second)
			return makeError(-EINVAL, where + "session " + s.id + " appears twice");
		if (out.size() >= kMaxSessionSnapshots)
			return makeError(-EINVAL,
					 where + "more than " + std::to_string(kMaxSessionSnapshots) + " sessions");
		out.push_back(std::move(s));
	}
	if (!header)
		return makeError(-EINVAL, "empty: expected '" + std::string(kHeader) + "'");
	return out;
}

} // namespace tactus
