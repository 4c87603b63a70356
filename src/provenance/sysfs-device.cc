// SPDX-License-Identifier: MIT
#include "sysfs-device.h"

#include "sysfs-read.h"
#include "uinput-creators.h"
#include "util-lines.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>

namespace tactus {

namespace {

Result<std::string> canonicalPath(const std::string &path)
{
	std::unique_ptr<char, decltype(&::free)> real(::realpath(path.c_str(), nullptr), ::free);
	if (!real)
		return makeError(-errno, "cannot resolve " + path);
	return std::string(real.get());
}

std::string baseName(std::string_view path)
{
	size_t slash = path.rfind('/');
	return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string dirName(std::string_view path)
{
	size_t slash = path.rfind('/');
	return std::string(slash == std::string_view::npos || slash == 0 ? std::string_view("/")
									 : path.substr(0, slash));
}

bool validEventName(std::string_view s)
{
	constexpr std::string_view kPrefix = "event";
	if (s.size() <= kPrefix.size() || s.size() > kPrefix.size() + 10 || s.substr(0, kPrefix.size()) != kPrefix)
		return false;
	for (char c : s.substr(kPrefix.size()))
		if (c < '0' || c > '9')
			return false;
	return true;
}

/** Subsystem of a sysfs directory: basename of its subsystem link, "" if it has none. */
std::string subsystemOf(const std::string &dir)
{
	auto link = readLink(dir + "/subsystem");
	return link ? baseName(*link) : std::string();
}

Result<uint16_t> readHexId(const std::string &path)
{
	auto text = readSysfsAttribute(path);
	if (!text)
		return text.error();
	auto value = parseHex16(*text);
	if (!value)
		return makeError(value.error().errnum, path + ": " + value.error().message);
	return value;
}

/** Read an attribute that the kernel always writes but tactus can live without. */
std::string readOptional(const std::string &path)
{
	auto text = readSysfsAttribute(path);
	return text ? std::move(*text) : std::string();
}

} // namespace

std::map<std::string, std::string> parseUdevDatabase(std::string_view text)
{
	std::map<std::string, std::string> props;
	for (const TextLine &l : TextLines(text)) {
		std::string_view line = l.text;
		if (line.substr(0, 2) != "E:")
			continue;
		line.remove_prefix(2);
		size_t eq = line.find('=');
		if (eq == std::string_view::npos || eq == 0)
			continue;
		props[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
	}
	return props;
}

Result<void> addSysfsBitmask(EvdevCodes &codes, unsigned type, std::string_view text)
{
	auto bits = parseSysfsBitmask(text);
	if (!bits)
		return bits.error();
	for (unsigned bit : *bits) {
		if (type == EV_CNT) {
			if (bit < INPUT_PROP_CNT)
				codes.props.set(bit);
		} else if (type == EV_SYN) {
			// capabilities/ev: the event types themselves.
			if (bit < EV_CNT)
				codes.types.set(bit);
		} else {
			codes.set(type, bit);
		}
	}
	return {};
}

DeviceDescriber::DeviceDescriber(SystemRoots roots, ProvenanceRules rules)
    : roots_(std::move(roots)), rules_(std::move(rules))
{
}

Result<DeviceDescriber::Located> DeviceDescriber::locate(std::string_view sysname) const
{
	if (!validEventName(sysname))
		return makeError(-EINVAL, "not an event node name: '" + std::string(sysname.substr(0, 64)) + "'");
	auto sysReal = canonicalPath(roots_.sys);
	if (!sysReal)
		return sysReal.error();
	auto eventDir = canonicalPath(roots_.sys + "/class/input/" + std::string(sysname));
	if (!eventDir)
		return eventDir.error();
	const std::string devices = *sysReal + "/devices/";
	if (eventDir->compare(0, devices.size(), devices) != 0)
		return makeError(-EINVAL, roots_.sys + "/class/input/" + std::string(sysname) + " does not lead into " +
						  roots_.sys + "/devices");
	Located where{*sysReal, *eventDir, dirName(*eventDir)};
	// eventN always sits inside its inputN; anything else is not an input node.
	if (subsystemOf(where.inputDir) != "input")
		return makeError(-ENODEV, where.inputDir + " is not an input device");
	return where;
}

DeviceTopology DeviceDescriber::topologyOf(const Located &where) const
{
	auto display = [&](const std::string &real) { return "/sys" + real.substr(where.sysReal.size()); };
	DeviceTopology t;
	t.syspath = display(where.inputDir);
	const std::string stop = where.sysReal + "/devices";
	for (std::string dir = dirName(where.inputDir);
	     dir.size() > stop.size() && dir.compare(0, stop.size(), stop) == 0; dir = dirName(dir)) {
		// Plain grouping directories ("input", "sound", "virtual") have no
		// subsystem and say nothing about the device.
		std::string subsystem = subsystemOf(dir);
		if (!subsystem.empty())
			t.parents.push_back({display(dir), baseName(dir), std::move(subsystem)});
	}
	return t;
}

Result<DeviceTopology> DeviceDescriber::topology(std::string_view sysname) const
{
	auto where = locate(sysname);
	if (!where)
		return where.error();
	return topologyOf(*where);
}

Result<DeviceInfo> DeviceDescriber::describe(std::string_view sysname) const
{
	auto where = locate(sysname);
	if (!where)
		return where.error();

	DeviceInfo info;
	info.sysname = std::string(sysname);
	info.devnode = "/dev/input/" + info.sysname;
	info.syspath = "/sys" + where->eventDir.substr(where->sysReal.size());

	const std::string &in = where->inputDir;
	auto dev = readSysfsAttribute(where->eventDir + "/dev");
	if (!dev)
		return dev.error();
	auto name = readSysfsAttribute(in + "/name");
	if (!name)
		return name.error();
	info.name = std::move(*name);
	info.phys = readOptional(in + "/phys");
	info.uniq = readOptional(in + "/uniq");

	struct {
		const char *file;
		uint16_t *field;
	} ids[] = {
		{"bustype", &info.bustype},
		{"vendor", &info.vendor},
		{"product", &info.product},
		{"version", &info.version},
	};
	for (auto &id : ids) {
		auto value = readHexId(in + "/id/" + id.file);
		if (!value)
			return value.error();
		*id.field = *value;
	}

	struct {
		const char *file;
		unsigned type;
		bool required;
	} masks[] = {
		{"capabilities/ev", EV_SYN, true},   {"capabilities/key", EV_KEY, false},
		{"capabilities/rel", EV_REL, false}, {"capabilities/abs", EV_ABS, false},
		{"capabilities/msc", EV_MSC, false}, {"capabilities/sw", EV_SW, false},
		{"properties", EV_CNT, false},
	};
	for (auto &mask : masks) {
		const std::string path = in + "/" + mask.file;
		auto text = readSysfsAttribute(path);
		if (!text) {
			if (!mask.required && text.error().errnum == -ENOENT)
				continue;
			return text.error();
		}
		auto added = addSysfsBitmask(info.codes, mask.type, *text);
		if (!added)
			return makeError(added.error().errnum, path + ": " + added.error().message);
	}
	info.caps = deriveCapabilities(info.codes);

	// The udev database is optional: no udev (containers, early boot) means
	// no properties and the default seat.
	if (auto db = readFileLimited(roots_.run + "/udev/data/c" + *dev, size_t{256} * 1024))
		info.udevProperties = parseUdevDatabase(*db);
	if (auto seat = info.udevProperties.find("ID_SEAT"); seat != info.udevProperties.end() && !seat->second.empty())
		info.seat = seat->second;

	DeviceTopology topo = topologyOf(*where);
	const std::string dmi = readOptional(roots_.sys + "/class/dmi/id/modalias");
	RuleSubject subject;
	subject.name = info.name;
	subject.phys = info.phys;
	subject.bustype = info.bustype;
	subject.vendor = info.vendor;
	subject.product = info.product;
	subject.dmiModalias = dmi;
	for (const SysfsParent &p : topo.parents)
		subject.parentSubsystems.push_back(p.subsystem);

	const SystemRoots &roots = roots_;
	CreatorLookup creators;
	creators.uinput = [&roots] { return findDeviceHolders(roots.proc, roots.uinput, roots.unitsOf); };
	creators.uhid = [&roots] { return findDeviceHolders(roots.proc, roots.uhid, roots.unitsOf); };
	ProvenanceDecision decision = classifyProvenance(topo, subject, rules_, creators);
	info.provenance = decision.provenance;
	info.provenanceDetail = std::move(decision.detail);
	info.creators = std::move(decision.creators);
	return info;
}

} // namespace tactus
