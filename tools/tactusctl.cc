// SPDX-License-Identifier: MIT
// tactusctl: look at what tactus sees. `devices` works without the daemon:
// it reads sysfs, the udev database and /proc exactly as tactusd does.

#include "config.h"
#include "device-format.h"
#include "device-monitor.h"
#include "log.h"
#include "provenance-rules.h"
#include "sysfs-device.h"
#include "util-strings.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <getopt.h>
#include <string>
#include <vector>

using namespace tactus;

namespace {

struct Arguments {
	bool json = false;
	std::vector<std::string> rulesDirs;
	std::string root; ///< prefix for /sys, /proc and /run, to inspect a captured tree
	std::vector<std::string> verbs;
};

void usage(FILE *out)
{
	std::fprintf(out,
		     "Usage: tactusctl [OPTIONS] COMMAND\n"
		     "\n"
		     "Commands:\n"
		     "  devices               list input devices with their provenance, as tactusd\n"
		     "                        classifies them (works without the daemon)\n"
		     "\n"
		     "Options:\n"
		     "  --json                one JSON object per line instead of a table\n"
		     "  --rules-dir DIR       provenance rules directory (repeatable; default\n"
		     "                        %s/provenance then %s/provenance)\n"
		     "  --root DIR            read DIR/sys, DIR/proc and DIR/run instead of /sys,\n"
		     "                        /proc and /run\n"
		     "  -h, --help            show this help\n"
		     "  --version             show the version\n",
		     TACTUS_DATADIR, TACTUS_SYSCONFDIR);
}

int parseArguments(int argc, char **argv, Arguments &args)
{
	enum { OptJson = 0x100, OptRulesDir, OptRoot, OptVersion };
	static const struct option options[] = {
		{"json", no_argument, nullptr, OptJson},
		{"rules-dir", required_argument, nullptr, OptRulesDir},
		{"root", required_argument, nullptr, OptRoot},
		{"help", no_argument, nullptr, 'h'},
		{"version", no_argument, nullptr, OptVersion},
		{},
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", options, nullptr)) >= 0) {
		switch (c) {
		case OptJson: args.json = true; break;
		case OptRulesDir: args.rulesDirs.emplace_back(optarg); break;
		case OptRoot: args.root = optarg; break;
		case 'h': usage(stdout); return 0;
		case OptVersion: std::printf("tactusctl %s\n", TACTUS_VERSION); return 0;
		default: usage(stderr); return -EINVAL;
		}
	}
	for (int i = optind; i < argc; i++)
		args.verbs.emplace_back(argv[i]);
	return 1;
}

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
	std::printf("%-9s %-14s %-18s %-6s %-9s %-9s %s\n", "DEVICE", "PROVENANCE", "CAPABILITIES", "SEAT", "BUS",
		    "ID", "NAME");
	for (const auto &d : devices) {
		char id[16];
		std::snprintf(id, sizeof(id), "%04x:%04x", d.vendor, d.product);
		std::printf("%-9s %-14s %-18s %-6s %-9s %-9s %s\n", sanitizeForDisplay(d.sysname, 16).c_str(),
			    std::string(provenanceName(d.provenance)).c_str(), capabilitiesString(d.caps).c_str(),
			    sanitizeForDisplay(d.seat, 16).c_str(), busName(d.bustype).c_str(), id,
			    sanitizeForDisplay(d.name, 80).c_str());
		if (!d.provenanceDetail.empty())
			std::printf("%-9s └ %s\n", "", sanitizeForDisplay(d.provenanceDetail, 160).c_str());
		if (d.provenance == Provenance::Uinput)
			std::printf("%-9s └ created by: %s\n", "", formatCreators(d).c_str());
	}
}

int verbDevices(const Arguments &args)
{
	SystemRoots roots;
	if (!args.root.empty()) {
		roots.sys = args.root + "/sys";
		roots.proc = args.root + "/proc";
		roots.run = args.root + "/run";
	}
	std::vector<std::string> dirs = args.rulesDirs;
	if (dirs.empty())
		dirs = {std::string(TACTUS_DATADIR) + "/provenance", std::string(TACTUS_SYSCONFDIR) + "/provenance"};
	auto rules = ProvenanceRules::loadDirs(dirs);
	if (!rules)
		return logError(rules.error().errnum, "%s", rules.error().message.c_str());

	auto names = listEvdevNodes(roots.sys);
	if (!names)
		return logError(names.error().errnum, "%s", names.error().message.c_str());

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

	if (args.json) {
		for (const auto &d : devices)
			std::printf("%s\n", formatDeviceJson(d).c_str());
	} else {
		printTable(devices);
	}
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	logInit("tactusctl");
	Arguments args;
	int r = parseArguments(argc, argv, args);
	if (r <= 0)
		return r < 0 ? 2 : 0;
	if (args.verbs.empty()) {
		usage(stderr);
		return 2;
	}
	const std::string &verb = args.verbs.front();
	if (verb == "devices") {
		if (args.verbs.size() > 1) {
			log_error("'devices' takes no arguments");
			return 2;
		}
		return verbDevices(args) < 0 ? 1 : 0;
	}
	log_error("Unknown command '%s'; known commands: devices", sanitizeForDisplay(verb, 64).c_str());
	return 2;
}
