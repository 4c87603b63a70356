// SPDX-License-Identifier: MIT
// tactusd: the tactus daemon. Owns the event loop, the input source and all
// state; the library in src/ does the work and never logs.

#include "config.h"
#include "daemon.h"
#include "live-source.h"
#include "log.h"
#include "provenance-rules.h"
#include "recording.h"
#include "replay-source.h"
#include "sysfs-device.h"

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <getopt.h>
#include <memory>
#include <string>
#include <vector>

using namespace tactus;

namespace {

struct Arguments {
	std::string replay;
	bool realTime = false;
	std::vector<std::string> rulesDirs;
	DeviceMonitor::Backend backend = DeviceMonitor::Backend::Auto;
	LogLevel logLevel = LogLevel::Info;
};

void usage(FILE *out)
{
	std::fprintf(out,
		     "Usage: tactusd [OPTIONS]\n"
		     "\n"
		     "Continuous-authentication daemon: reads evdev input devices, tells physical\n"
		     "from synthesized devices and reports what it sees. Never logs keys or text.\n"
		     "\n"
		     "  --replay FILE         read a libinput-record or evemu recording instead of\n"
		     "                        live devices, then exit\n"
		     "  --real-time           with --replay: keep the recorded pace\n"
		     "  --rules-dir DIR       provenance rules directory (repeatable; default\n"
		     "                        %s/provenance then %s/provenance)\n"
		     "  --monitor-backend B   auto, udev or inotify (default auto)\n"
		     "  --log-level LEVEL     err, warning, notice, info or debug (default info)\n"
		     "  -h, --help            show this help\n"
		     "  --version             show the version\n",
		     TACTUS_DATADIR, TACTUS_SYSCONFDIR);
}

// Returns 1 to continue, 0 to exit successfully, negative on a usage error.
int parseArguments(int argc, char **argv, Arguments &args)
{
	enum { OptReplay = 0x100, OptRealTime, OptRulesDir, OptBackend, OptLogLevel, OptVersion };
	static const struct option options[] = {
		{"replay", required_argument, nullptr, OptReplay},
		{"real-time", no_argument, nullptr, OptRealTime},
		{"rules-dir", required_argument, nullptr, OptRulesDir},
		{"monitor-backend", required_argument, nullptr, OptBackend},
		{"log-level", required_argument, nullptr, OptLogLevel},
		{"help", no_argument, nullptr, 'h'},
		{"version", no_argument, nullptr, OptVersion},
		{},
	};

	int c;
	while ((c = getopt_long(argc, argv, "h", options, nullptr)) >= 0) {
		switch (c) {
		case OptReplay:
			args.replay = optarg;
			break;
		case OptRealTime:
			args.realTime = true;
			break;
		case OptRulesDir:
			args.rulesDirs.emplace_back(optarg);
			break;
		case OptBackend:
			if (std::strcmp(optarg, "auto") == 0)
				args.backend = DeviceMonitor::Backend::Auto;
			else if (std::strcmp(optarg, "udev") == 0)
				args.backend = DeviceMonitor::Backend::Udev;
			else if (std::strcmp(optarg, "inotify") == 0)
				args.backend = DeviceMonitor::Backend::Inotify;
			else
				return logError(-EINVAL, "Unknown monitor backend '%s' (expected auto, udev or inotify)", optarg);
			break;
		case OptLogLevel:
			if (!logParseLevel(optarg, args.logLevel))
				return logError(-EINVAL, "Unknown log level '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OptVersion:
			std::printf("tactusd %s\n", TACTUS_VERSION);
			return 0;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc)
		return logError(-EINVAL, "Unexpected argument '%s'", argv[optind]);
	if (args.realTime && args.replay.empty())
		return logError(-EINVAL, "--real-time needs --replay FILE");
	return 1;
}

struct EventDeleter {
	void operator()(sd_event *e) const { sd_event_unref(e); }
};

Result<std::unique_ptr<InputSource>> makeSource(const Arguments &args)
{
	if (!args.replay.empty()) {
		auto recording = loadRecording(args.replay);
		if (!recording)
			return recording.error();
		return std::unique_ptr<InputSource>(new ReplayInputSource(std::move(*recording), args.realTime));
	}

	std::vector<std::string> dirs = args.rulesDirs;
	if (dirs.empty())
		dirs = {std::string(TACTUS_DATADIR) + "/provenance", std::string(TACTUS_SYSCONFDIR) + "/provenance"};
	auto rules = ProvenanceRules::loadDirs(dirs);
	if (!rules)
		return rules.error();
	if (rules->size() == 0)
		log_warning("no provenance rules loaded from %s: emulated devices will show as hardware", dirs.front().c_str());

	DeviceMonitor::Options monitorOptions;
	monitorOptions.backend = args.backend;
	return std::unique_ptr<InputSource>(
		new LiveInputSource(monitorOptions, DeviceDescriber(SystemRoots{}, std::move(*rules))));
}

int run(const Arguments &args)
{
	sd_event *raw = nullptr;
	int r = sd_event_default(&raw);
	if (r < 0)
		return logError(r, "Failed to allocate event loop: %s", std::strerror(-r));
	std::unique_ptr<sd_event, EventDeleter> loop(raw);

	// sd_event_add_signal() needs the signals blocked; a NULL handler
	// exits the loop cleanly.
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, nullptr);
	sd_event_add_signal(loop.get(), nullptr, SIGTERM, nullptr, nullptr);
	sd_event_add_signal(loop.get(), nullptr, SIGINT, nullptr, nullptr);
	sd_event_set_watchdog(loop.get(), true);

	auto source = makeSource(args);
	if (!source)
		return logError(source.error().errnum, "%s", source.error().message.c_str());

	Daemon daemon(loop.get(), std::move(*source), Daemon::Options{!args.replay.empty()});
	r = daemon.start();
	if (r < 0)
		return r;

	sd_notify(0, "READY=1\nSTATUS=Watching input devices");
	r = sd_event_loop(loop.get());
	sd_notify(0, "STOPPING=1");
	if (r < 0)
		return logError(r, "Event loop failed: %s", std::strerror(-r));
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	logInit("tactusd");
	Arguments args;
	int r = parseArguments(argc, argv, args);
	if (r <= 0)
		return r < 0 ? 2 : 0;
	logSetMaxLevel(args.logLevel);
	r = run(args);
	return r < 0 ? 1 : 0;
}
