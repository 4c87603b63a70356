// SPDX-License-Identifier: MIT
#include "daemon-config.h"

#include "conf-files.h"
#include "conf-parser.h"
#include "sysfs-read.h"
#include "util-name-table.h"
#include "util-strings.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <functional>
#include <set>
#include <utility>

namespace tactus {

namespace {

// Hand-written configuration is far smaller; anything bigger is a mistake
// (or not a config file at all), so refuse it rather than parse it.
constexpr size_t kMaxLine = 4096;
constexpr size_t kMaxFile = 1024 * 1024;

/**
 * One key: how to set it from a non-empty value, how to reset it to its
 * default (an empty assignment, as in systemd), and how to print it.
 * The setter's error is a message without FILE:LINE; the parser adds it.
 */
struct KeySpec {
	std::string_view section;
	std::string_view key;
	std::function<Result<void>(Config &, std::string_view)> set;
	std::function<void(Config &)> reset;
	std::function<std::string(const Config &)> format;
};

// One accessor per key serves setting, resetting and printing; printing
// therefore works on a copy instead of casting const away.
template<typename T>
using Field = T &(*)(Config &);

std::string formatDouble(double v)
{
	// Shortest text that reads back as the same double, independent of the
	// locale (printf's %g would write "0,7" under de_DE).
	char buf[64];
	auto r = std::to_chars(buf, buf + sizeof(buf), v);
	return std::string(buf, r.ptr);
}

Result<void> valueError(std::string_view key, std::string_view value, const std::string &why)
{
	return makeError(-EINVAL, "invalid " + std::string(key) + "=" + std::string(value) + ": " + why);
}

KeySpec numberKey(std::string_view section, std::string_view key, Field<double> field, double min, double max)
{
	std::string range = formatDouble(min) + ".." + formatDouble(max);
	return KeySpec{
		section,
		key,
		[=](Config &c, std::string_view v) -> Result<void> {
			double d = 0;
			auto r = std::from_chars(v.data(), v.data() + v.size(), d, std::chars_format::fixed);
			// fixed format only: "1e-1", "inf" and "nan" are not what a
			// reader of the file expects a threshold to look like.
			if (r.ec != std::errc() || r.ptr != v.data() + v.size() || !std::isfinite(d))
				return valueError(key, v, "expected a decimal number in " + range);
			if (d < min || d > max)
				return valueError(key, v, "out of range " + range);
			field(c) = d;
			return {};
		},
		[=](Config &c) {
			Config defaults;
			field(c) = field(defaults);
		},
		[=](Config copy) { return formatDouble(field(copy)); },
	};
}

KeySpec integerKey(std::string_view section, std::string_view key, Field<unsigned> field, unsigned min, unsigned max)
{
	std::string range = std::to_string(min) + ".." + std::to_string(max);
	return KeySpec{
		section,
		key,
		[=](Config &c, std::string_view v) -> Result<void> {
			unsigned n = 0;
			auto r = std::from_chars(v.data(), v.data() + v.size(), n, 10);
			if (r.ec == std::errc::result_out_of_range)
				return valueError(key, v, "out of range " + range);
			if (r.ec != std::errc() || r.ptr != v.data() + v.size())
				return valueError(key, v, "expected a whole number in " + range);
			if (n < min || n > max)
				return valueError(key, v, "out of range " + range);
			field(c) = n;
			return {};
		},
		[=](Config &c) {
			Config defaults;
			field(c) = field(defaults);
		},
		[=](Config copy) { return std::to_string(field(copy)); },
	};
}

template<typename E, size_t N>
KeySpec enumKey(std::string_view section, std::string_view key, Field<E> field, const NameTable<E, N> &names)
{
	std::string choices = names.joinedNames("|");
	return KeySpec{
		section,
		key,
		[=](Config &c, std::string_view v) -> Result<void> {
			auto e = names.fromName(v);
			if (!e)
				return valueError(key, v, "expected " + choices);
			field(c) = *e;
			return {};
		},
		[=](Config &c) {
			Config defaults;
			field(c) = field(defaults);
		},
		[=](Config copy) { return std::string(names.name(field(copy), "?")); },
	};
}

KeySpec actionsKey(std::string_view section, std::string_view key, Field<Actions> field, bool grabAllowed)
{
	return KeySpec{
		section,
		key,
		[=](Config &c, std::string_view v) -> Result<void> {
			Actions a;
			size_t pos = 0;
			while (pos < v.size()) {
				size_t end = v.find_first_of(" \t", pos);
				if (end == std::string_view::npos)
					end = v.size();
				std::string_view word = v.substr(pos, end - pos);
				pos = end + 1;
				if (word.empty())
					continue;
				if (word == "publish")
					continue; // always done; accepted so a list can be explicit
				if (word == "lock") {
					a.lock = true;
				} else if (word == "grab") {
					// An untrusted verdict is about the person at the
					// keyboard, not the device: grabbing their own
					// keyboard would lock them out without locking the
					// session.
					if (!grabAllowed)
						return valueError(key, v, "grab is only meaningful for OnInjected");
					a.grab = true;
				} else {
					return valueError(key, v,
							  "unknown action '" + std::string(word) +
								  "', expected publish, lock" +
								  (grabAllowed ? ", grab" : ""));
				}
			}
			field(c) = a;
			return {};
		},
		[=](Config &c) {
			Config defaults;
			field(c) = field(defaults);
		},
		[=](Config copy) {
			const Actions &a = field(copy);
			std::string s = "publish";
			if (a.lock)
				s += " lock";
			if (a.grab)
				s += " grab";
			return s;
		},
	};
}

constexpr auto kModeNames = makeNameTable<Mode>({
	{Mode::Monitor, "monitor"},
	{Mode::Enforce, "enforce"},
});
static_assert(kModeNames.oneToOne());

const std::vector<KeySpec> &keyTable()
{
	static const std::vector<KeySpec> table = {
		enumKey<Mode>(
			"Daemon", "Mode", [](Config &c) -> Mode & { return c.daemon.mode; }, kModeNames),
		enumKey<LogLevel>(
			"Daemon", "LogLevel", [](Config &c) -> LogLevel & { return c.daemon.logLevel; },
			logLevelNames()),
		numberKey(
			"Verdict", "TrustedAbove", [](Config &c) -> double & { return c.verdict.trustedAbove; }, 0.0,
			1.0),
		numberKey(
			"Verdict", "UntrustedBelow", [](Config &c) -> double & { return c.verdict.untrustedBelow; },
			0.0, 1.0),
		numberKey(
			"Verdict", "Hysteresis", [](Config &c) -> double & { return c.verdict.hysteresis; }, 0.0, 0.5),
		integerKey(
			"Enrollment", "Keystrokes", [](Config &c) -> unsigned & { return c.enrollment.keystrokes; },
			250, 1000000),
		integerKey(
			"Enrollment", "PointerStrokes",
			[](Config &c) -> unsigned & { return c.enrollment.pointerStrokes; }, 100, 1000000),
		integerKey(
			"Enrollment", "TouchStrokes", [](Config &c) -> unsigned & { return c.enrollment.touchStrokes; },
			50, 1000000),
		actionsKey(
			"Actions", "OnInjected", [](Config &c) -> Actions & { return c.actions.onInjected; }, true),
		actionsKey(
			"Actions", "OnUntrusted", [](Config &c) -> Actions & { return c.actions.onUntrusted; }, false),
	};
	return table;
}

const KeySpec *findKey(std::string_view section, std::string_view key)
{
	for (const KeySpec &k : keyTable())
		if (k.section == section && k.key == key)
			return &k;
	return nullptr;
}

bool knownSection(std::string_view section)
{
	const auto &t = keyTable();
	return std::any_of(t.begin(), t.end(), [&](const KeySpec &k) { return k.section == section; });
}

} // namespace

std::string_view modeName(Mode mode)
{
	return kModeNames.name(mode, "monitor");
}

std::vector<ConfigKeyName> configKeys()
{
	std::vector<ConfigKeyName> out;
	for (const KeySpec &k : keyTable())
		out.push_back({k.section, k.key});
	return out;
}

Result<Config> parseConfig(std::string_view text, std::string_view fileName, Config base)
{
	Config out = std::move(base);
	// A key may be set once per file, even if its section comes twice.
	std::set<std::pair<std::string, std::string>> seen;
	// Where this file set a threshold, so a cross-key error points at it.
	unsigned trustedLine = 0;
	unsigned untrustedLine = 0;

	const ConfSyntax syntax{.maxLineBytes = kMaxLine, .maxFileBytes = kMaxFile, .assignmentForm = "Key=value"};
	ConfHandler handler;
	handler.sectionStart = [&](std::string_view title, unsigned line) -> Result<void> {
		if (!knownSection(title))
			return confError(fileName, line, "unknown section [" + sanitizeForDisplay(title, 64) + "]");
		return {};
	};
	handler.assignment = [&](const ConfAssignment &a) -> Result<void> {
		const std::string section(a.section);
		const KeySpec *spec = findKey(a.section, a.key);
		if (!spec)
			return confError(fileName, a.line,
					 "unknown key " + sanitizeForDisplay(a.key, 64) + " in section [" + section +
						 "]");
		if (!seen.emplace(section, std::string(a.key)).second)
			return confError(fileName, a.line,
					 "duplicate key " + std::string(a.key) + " in section [" + section + "]");

		// An empty assignment resets to the default, as in systemd, so a
		// drop-in can undo what the main file set.
		if (a.value.empty()) {
			spec->reset(out);
		} else {
			auto set = spec->set(out, a.value);
			if (!set)
				return confError(fileName, a.line, sanitizeForDisplay(set.error().message, 256));
		}
		if (a.key == "TrustedAbove")
			trustedLine = a.line;
		else if (a.key == "UntrustedBelow")
			untrustedLine = a.line;
		return {};
	};
	auto parsed = parseConf(text, fileName, syntax, handler);
	if (!parsed)
		return parsed.error();

	// Checked per file on the merged result: a drop-in may move both
	// thresholds, and the error should name the file that broke the order.
	if (out.verdict.untrustedBelow >= out.verdict.trustedAbove)
		return confError(fileName, std::max(trustedLine, untrustedLine),
				 "UntrustedBelow=" + formatDouble(out.verdict.untrustedBelow) +
					 " must be below TrustedAbove=" + formatDouble(out.verdict.trustedAbove));
	return out;
}

Result<std::vector<std::string>> configFiles(const std::string &dir)
{
	std::vector<std::string> files{dir + "/tactus.conf"};
	auto dropIns = listConfFiles({dir + "/tactus.conf.d"}, ".conf");
	if (!dropIns)
		return dropIns.error();
	for (ConfFile &f : *dropIns)
		files.push_back(std::move(f.path));
	return files;
}

Result<Config> loadConfig(const std::vector<std::string> &files)
{
	Config config;
	for (const std::string &path : files) {
		auto text = readFileLimited(path, kMaxFile);
		if (!text) {
			if (text.error().errnum == -ENOENT)
				continue;
			return text.error();
		}
		auto parsed = parseConfig(*text, path, config);
		if (!parsed)
			return parsed.error();
		config = *parsed;
	}
	return config;
}

std::string describeConfig(const Config &config)
{
	std::string out;
	for (const KeySpec &k : keyTable()) {
		std::string v = k.format(config);
		if (v.find(' ') != std::string::npos)
			v = "\"" + v + "\"";
		out += (out.empty() ? "" : " ") + std::string(k.key) + "=" + v;
	}
	return out;
}

} // namespace tactus
