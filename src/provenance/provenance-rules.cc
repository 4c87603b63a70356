// SPDX-License-Identifier: MIT
#include "provenance-rules.h"

#include "sysfs-read.h"
#include "util-strings.h"

#include <linux/input.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <fnmatch.h>
#include <map>
#include <utility>

namespace tactus {

namespace {

constexpr std::array<std::pair<uint16_t, std::string_view>, 23> kBusNames = {{
	{BUS_PCI, "pci"},
	{BUS_ISAPNP, "isapnp"},
	{BUS_USB, "usb"},
	{BUS_HIL, "hil"},
	{BUS_BLUETOOTH, "bluetooth"},
	{BUS_VIRTUAL, "virtual"},
	{BUS_ISA, "isa"},
	{BUS_I8042, "i8042"},
	{BUS_XTKBD, "xtkbd"},
	{BUS_RS232, "rs232"},
	{BUS_GAMEPORT, "gameport"},
	{BUS_PARPORT, "parport"},
	{BUS_AMIGA, "amiga"},
	{BUS_ADB, "adb"},
	{BUS_I2C, "i2c"},
	{BUS_HOST, "host"},
	{BUS_GSC, "gsc"},
	{BUS_ATARI, "atari"},
	{BUS_SPI, "spi"},
	{BUS_RMI, "rmi"},
	{BUS_CEC, "cec"},
	{BUS_INTEL_ISHTP, "intel-ishtp"},
	{0x20, "amd-sfh"}, // BUS_AMD_SFH, newer than some distributions' kernel headers
}};

/** Glob match that never matches a value with an embedded NUL (fnmatch would see a prefix). */
bool globMatch(const std::string &pattern, std::string_view value)
{
	if (value.find('\0') != std::string_view::npos)
		return false;
	return ::fnmatch(pattern.c_str(), std::string(value).c_str(), 0) == 0;
}

Error lineError(std::string_view fileName, unsigned line, const std::string &message)
{
	return makeError(-EINVAL, std::string(fileName) + ":" + std::to_string(line) + ": " + message);
}

bool hasMatchKey(const ProvenanceRule &r)
{
	return r.matchName || r.matchPhys || r.matchBus || r.matchVendor || r.matchProduct ||
	       r.matchParentSubsystem || r.matchDmi;
}

Result<void> finishSection(const ProvenanceRule &r, bool haveProvenance)
{
	if (!hasMatchKey(r))
		return lineError(r.fileName, r.line, "section '" + r.name + "' has no Match key");
	if (!haveProvenance)
		return lineError(r.fileName, r.line, "section '" + r.name + "' has no Provenance");
	// A kernel-virtual device has no parent by definition, so this rule
	// could never match: say so instead of shipping a dead rule.
	if (r.provenance == Provenance::KernelVirtual && r.matchParentSubsystem)
		return lineError(r.fileName, r.line,
				 "section '" + r.name + "': kernel-virtual devices have no parent, MatchParentSubsystem never matches");
	return {};
}

} // namespace

std::optional<uint16_t> busFromName(std::string_view name)
{
	for (const auto &[bus, n] : kBusNames)
		if (n == name)
			return bus;
	if (name.size() > 2 && name.substr(0, 2) == "0x") {
		auto v = parseHex16(name);
		if (v)
			return *v;
	}
	return std::nullopt;
}

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
	// Longer lines are not hand-written rules; refuse rather than guess.
	constexpr size_t kMaxLine = 4096;

	ProvenanceRules out;
	std::optional<ProvenanceRule> current;
	bool haveProvenance = false;
	std::vector<std::string> seenKeys;
	unsigned lineNo = 0;

	auto closeSection = [&]() -> Result<void> {
		if (!current)
			return {};
		auto done = finishSection(*current, haveProvenance);
		if (!done)
			return done;
		out.rules_.push_back(std::move(*current));
		current.reset();
		return {};
	};

	size_t pos = 0;
	while (pos < text.size()) {
		size_t end = text.find('\n', pos);
		if (end == std::string_view::npos)
			end = text.size();
		std::string_view raw = text.substr(pos, end - pos);
		pos = end + 1;
		lineNo++;

		if (auto problem = textLineProblem(raw, kMaxLine))
			return lineError(fileName, lineNo, *problem);

		std::string_view line = trim(raw);
		if (line.empty() || line[0] == '#')
			continue;

		if (line[0] == '[') {
			if (line.back() != ']')
				return lineError(fileName, lineNo, "unterminated section header");
			std::string_view title = trim(line.substr(1, line.size() - 2));
			if (title.empty())
				return lineError(fileName, lineNo, "empty section name");
			auto closed = closeSection();
			if (!closed)
				return closed.error();
			current.emplace();
			current->name = std::string(title);
			current->fileName = std::string(fileName);
			current->line = lineNo;
			haveProvenance = false;
			seenKeys.clear();
			continue;
		}

		size_t eq = line.find('=');
		if (eq == std::string_view::npos)
			return lineError(fileName, lineNo, "expected KEY=VALUE, missing '='");
		if (!current)
			return lineError(fileName, lineNo, "key outside of a [section]");
		std::string key(trim(line.substr(0, eq)));
		std::string_view value = trim(line.substr(eq + 1));
		if (key.empty())
			return lineError(fileName, lineNo, "empty key");
		if (value.empty())
			return lineError(fileName, lineNo, "empty value for " + key);
		if (std::find(seenKeys.begin(), seenKeys.end(), key) != seenKeys.end())
			return lineError(fileName, lineNo, "duplicate key " + key + " in section '" + current->name + "'");
		seenKeys.push_back(key);

		ProvenanceRule &r = *current;
		if (key == "MatchName") {
			r.matchName = std::string(value);
		} else if (key == "MatchPhys") {
			r.matchPhys = std::string(value);
		} else if (key == "MatchDMI") {
			r.matchDmi = std::string(value);
		} else if (key == "MatchParentSubsystem") {
			if (value.find_first_of("/ *?[") != std::string_view::npos)
				return lineError(fileName, lineNo, "MatchParentSubsystem takes one subsystem name, not '" + std::string(value) + "'");
			r.matchParentSubsystem = std::string(value);
		} else if (key == "MatchBus") {
			auto bus = busFromName(value);
			if (!bus)
				return lineError(fileName, lineNo, "unknown bus '" + std::string(value) + "'");
			r.matchBus = *bus;
		} else if (key == "MatchVendor" || key == "MatchProduct") {
			if (value.size() < 3 || value.substr(0, 2) != "0x")
				return lineError(fileName, lineNo, key + " needs a hex value like 0x046d");
			auto id = parseHex16(value);
			if (!id)
				return lineError(fileName, lineNo, key + ": " + id.error().message);
			(key == "MatchVendor" ? r.matchVendor : r.matchProduct) = *id;
		} else if (key == "Provenance") {
			auto p = provenanceFromName(value);
			if (!p || (*p != Provenance::Hypervisor && *p != Provenance::KernelVirtual))
				return lineError(fileName, lineNo,
						 "Provenance must be hypervisor or kernel-virtual, not '" + std::string(value) + "'");
			r.provenance = *p;
			haveProvenance = true;
		} else {
			return lineError(fileName, lineNo, "unknown key " + key);
		}
	}
	auto closed = closeSection();
	if (!closed)
		return closed.error();
	return out;
}

Result<ProvenanceRules> ProvenanceRules::loadDirs(const std::vector<std::string> &dirs)
{
	// Name -> full path; a later directory overrides an earlier one, the
	// way /etc overrides /usr/share in systemd and libinput.
	std::map<std::string, std::string> files;
	for (const std::string &dir : dirs) {
		auto names = listDirectory(dir);
		if (!names) {
			if (names.error().errnum == -ENOENT || names.error().errnum == -ENOTDIR)
				continue;
			return names.error();
		}
		for (const std::string &n : *names) {
			constexpr std::string_view kSuffix = ".rules";
			if (n.size() <= kSuffix.size() || n.compare(n.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0)
				continue;
			files[n] = dir + "/" + n;
		}
	}

	ProvenanceRules out;
	for (const auto &[name, path] : files) {
		auto text = readFileLimited(path, 1024 * 1024);
		if (!text)
			return text.error();
		auto parsed = parse(*text, name);
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
