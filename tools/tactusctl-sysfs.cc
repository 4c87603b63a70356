// SPDX-License-Identifier: MIT
// `tactusctl devices` without the daemon: sysfs, the udev database and
// /proc read exactly as tactusd reads them, so an admin sees the same
// provenance when tactusd is stopped or a captured tree is inspected.

#include "config.h"
#include "device-format.h"
#include "device-monitor.h"
#include "log.h"
#include "provenance-rules.h"
#include "sysfs-device.h"
#include "tactusctl-bus.h"
#include "util-strings.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <string>
#include <vector>

namespace tactus::ctl {

namespace {

// Evdev nodes as sysfs lists them: the same set sd-device enumerates, but
// readable under --root too.
Result<std::vector<std::string>> listEvdevNodes(const std::string &sysRoot)
{
	const std::string dir = sysRoot + "/class/input";
	std::vector<std::string> names;
	DIR *d = opendir(dir.c_str());
	if (!d) {
		if (errno == ENOENT)
			return names;
		return makeError(errno, "opendir " + dir + ": " + std::strerror(errno));
	}
	while (const dirent *de = readdir(d))
		if (isEvdevSysname(de->d_name))
			names.emplace_back(de->d_name);
	closedir(d);
	std::sort(names.begin(), names.end(), evdevSysnameLess);
	return names;
}

void printTable(const std::vector<DeviceInfo> &devices)
{
	if (devices.empty()) {
		std::printf("No input devices.\n");
		return;
	}
	std::printf("%-9s %-14s %-18s %-6s %-9s %-9s %s\n", "DEVICE", "PROVENANCE", "CAPABILITIES", "SEAT", "BUS", "ID",
		    "NAME");
	for (const auto &d : devices) {
		char id[16];
		std::snprintf(id, sizeof(id), "%04x:%04x", d.vendor, d.product);
		std::printf("%-9s %-14s %-18s %-6s %-9s %-9s %s\n", sanitizeForDisplay(d.sysname, 16).c_str(),
			    std::string(provenanceName(d.provenance)).c_str(), capabilitiesString(d.caps).c_str(),
			    sanitizeForDisplay(d.seat, 16).c_str(), busName(d.bustype).c_str(), id,
			    sanitizeForDisplay(d.name, 80).c_str());
		if (!d.provenanceDetail.empty())
			std::printf("%-9s └ %s\n", "", sanitizeForDisplay(d.provenanceDetail, 160).c_str());
		if (d.provenance == Provenance::Uinput || !d.creators.empty())
			std::printf("%-9s └ created by: %s\n", "", formatCreators(d).c_str());
	}
}

} // namespace

int verbDevicesSysfs(const Options &options)
{
	SystemRoots roots;
	if (!options.root.empty()) {
		roots.sys = options.root + "/sys";
		roots.proc = options.root + "/proc";
		roots.run = options.root + "/run";
	}
	std::vector<std::string> dirs = options.rulesDirs;
	if (dirs.empty())
		dirs = {std::string(TACTUS_DATADIR) + "/provenance", std::string(TACTUS_SYSCONFDIR) + "/provenance"};
	auto rules = ProvenanceRules::loadDirs(dirs);
	if (!rules) {
		log_error("%s", rules.error().message.c_str());
		return kExitFailure;
	}

	auto names = listEvdevNodes(roots.sys);
	if (!names) {
		log_error("%s", names.error().message.c_str());
		return kExitFailure;
	}

	const DeviceDescriber describer(roots, std::move(*rules));
	std::vector<DeviceInfo> devices;
	for (const auto &name : *names) {
		auto info = describer.describe(name);
		if (!info) {
			// A device can vanish between listing and reading.
			log_warning("%s: %s, ignoring", name.c_str(), sanitizeForDisplay(info.error().message).c_str());
			continue;
		}
		devices.push_back(std::move(*info));
	}

	if (options.json) {
		for (const auto &d : devices)
			std::printf("%s\n", formatDeviceJson(d).c_str());
	} else {
		printTable(devices);
	}
	return kExitOk;
}

} // namespace tactus::ctl
