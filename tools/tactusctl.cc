// SPDX-License-Identifier: MIT
// tactusctl: ask tactusd on the system bus what it sees, and tell it what
// an admin or a user decided. Only `devices` works without the daemon: it
// then reads sysfs, the udev database and /proc exactly as tactusd does.

#include "config.h"
#include "log.h"
#include "tactusctl-bus.h"
#include "util-strings.h"

#include <cstdio>
#include <getopt.h>
#include <string>
#include <vector>

using namespace tactus;
using namespace tactus::ctl;

namespace {

void usage(FILE *out)
{
	std::fprintf(out,
		     "Usage: tactusctl [OPTIONS] COMMAND [ARGUMENT]\n"
		     "\n"
		     "Ask tactusd (org.tactus.Tactus1 on the system bus) what it sees.\n"
		     "\n"
		     "Commands:\n"
		     "  status                the daemon's version, mode and counts, and your\n"
		     "                        own session's verdict\n"
		     "  sessions              the sessions tactusd follows, with their verdicts\n"
		     "  devices               the input devices with provenance, allowed, grabbed;\n"
		     "                        read from sysfs when tactusd is not running\n"
		     "  monitor               print verdict, session and device changes as they\n"
		     "                        happen, until interrupted\n"
		     "  ack [SESSION]         tell tactusd the user re-authenticated (default:\n"
		     "                        your own session); trust restarts\n"
		     "  reset-profile [SESSION]  restart enrollment of the session user's profile\n"
		     "  forget [SESSION]      delete the session user's profile\n"
		     "  set-mode MODE         'monitor' (publish only) or 'enforce'\n"
		     "  release DEVICE        let a device tactusd grabbed send input again\n"
		     "\n"
		     "Options:\n"
		     "  --json                one JSON object per line instead of a table\n"
		     "  --no-ask-password     do not let polkit ask for a password\n"
		     "  --sysfs               devices: read sysfs even when tactusd runs\n"
		     "  --rules-dir DIR       devices from sysfs: provenance rules directory\n"
		     "                        (repeatable; default %s/provenance\n"
		     "                        then %s/provenance)\n"
		     "  --root DIR            devices from sysfs: read DIR/sys, DIR/proc and\n"
		     "                        DIR/run instead of /sys, /proc and /run\n"
		     "  -h, --help            show this help\n"
		     "  --version             show the version\n",
		     TACTUS_DATADIR, TACTUS_SYSCONFDIR);
}

// Returns 1 to go on, 0 to exit successfully (--help), -1 on a usage error.
int parseArguments(int argc, char **argv, Options &options, std::vector<std::string> &words)
{
	enum { OptJson = 0x100, OptNoAskPassword, OptSysfs, OptRulesDir, OptRoot, OptVersion };
	static const struct option longOptions[] = {
		{"json", no_argument, nullptr, OptJson},
		{"no-ask-password", no_argument, nullptr, OptNoAskPassword},
		{"sysfs", no_argument, nullptr, OptSysfs},
		{"rules-dir", required_argument, nullptr, OptRulesDir},
		{"root", required_argument, nullptr, OptRoot},
		{"help", no_argument, nullptr, 'h'},
		{"version", no_argument, nullptr, OptVersion},
		{},
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longOptions, nullptr)) >= 0) {
		switch (c) {
		case OptJson: options.json = true; break;
		case OptNoAskPassword: options.askPassword = false; break;
		case OptSysfs: options.sysfs = true; break;
		case OptRulesDir: options.rulesDirs.emplace_back(optarg); break;
		case OptRoot: options.root = optarg; break;
		case 'h': usage(stdout); return 0;
		case OptVersion: std::printf("tactusctl %s\n", TACTUS_VERSION); return 0;
		default: usage(stderr); return -1;
		}
	}
	for (int i = optind; i < argc; i++)
		words.emplace_back(argv[i]);
	return 1;
}

// How many arguments each verb takes after its name.
struct VerbShape {
	const char *name;
	size_t minArgs;
	size_t maxArgs;
	const char *argName;
};

constexpr VerbShape kVerbs[] = {
	{"status", 0, 0, nullptr},   {"sessions", 0, 0, nullptr}, {"devices", 0, 0, nullptr},
	{"monitor", 0, 0, nullptr},  {"ack", 0, 1, "SESSION"},    {"reset-profile", 0, 1, "SESSION"},
	{"forget", 0, 1, "SESSION"}, {"set-mode", 1, 1, "MODE"},  {"release", 1, 1, "DEVICE"},
};

const VerbShape *findVerb(const std::string &name)
{
	for (const auto &v : kVerbs)
		if (name == v.name)
			return &v;
	return nullptr;
}

} // namespace

int main(int argc, char **argv)
{
	logInit("tactusctl");
	Options options;
	std::vector<std::string> words;
	const int r = parseArguments(argc, argv, options, words);
	if (r <= 0)
		return r < 0 ? kExitUsage : kExitOk;
	if (words.empty()) {
		usage(stderr);
		return kExitUsage;
	}

	const std::string &verb = words.front();
	const VerbShape *shape = findVerb(verb);
	if (!shape) {
		log_error("Unknown command '%s'; see tactusctl --help", sanitizeForDisplay(verb, 64).c_str());
		return kExitUsage;
	}
	const size_t nargs = words.size() - 1;
	if (nargs < shape->minArgs || nargs > shape->maxArgs) {
		if (shape->maxArgs == 0)
			log_error("'%s' takes no arguments", shape->name);
		else if (shape->minArgs == 0)
			log_error("'%s' takes at most one argument, %s", shape->name, shape->argName);
		else
			log_error("'%s' needs exactly one argument, %s", shape->name, shape->argName);
		return kExitUsage;
	}
	const std::string arg = nargs ? words[1] : std::string();
	if ((!options.root.empty() || !options.rulesDirs.empty() || options.sysfs) && verb != "devices") {
		log_error("--sysfs, --root and --rules-dir only apply to 'devices'");
		return kExitUsage;
	}
	if (nargs && arg.empty()) {
		log_error("'%s': %s must not be empty", shape->name, shape->argName);
		return kExitUsage;
	}

	if (verb == "status")
		return verbStatus(options);
	if (verb == "sessions")
		return verbSessions(options);
	if (verb == "devices")
		return verbDevices(options);
	if (verb == "monitor")
		return verbMonitor(options);
	if (verb == "set-mode") {
		if (arg != "monitor" && arg != "enforce") {
			log_error("Mode must be 'monitor' or 'enforce', not '%s'", sanitizeForDisplay(arg, 32).c_str());
			return kExitUsage;
		}
		return verbSetMode(options, arg);
	}
	if (verb == "release")
		return verbRelease(options, arg);
	return verbSessionAction(options, verb, arg);
}
