// SPDX-License-Identifier: MIT
// tactusd: the tactus daemon. Owns the event loop, the input source and all
// state; the library in src/ does the work and never logs.

#include "allow-warnings.h"
#include "bus-service.h"
#include "config.h"
#include "daemon-config.h"
#include "daemon.h"
#include "live-source.h"
#include "log.h"
#include "provenance-rules.h"
#include "recording.h"
#include "replay-source.h"
#include "sd-ptr.h"
#include "sysfs-device.h"
#include "tactus-bus.h"

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include <cerrno>
#include <cinttypes>
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
	std::string stateDir;       ///< --state-dir; default $STATE_DIRECTORY, /var/lib/tactus (live only)
	std::string keystrokeModel; ///< --keystroke-model; default the packaged model (live only)
	std::string pointerModel;   ///< --pointer-model; default the packaged model (live only)
	std::string runtimeDir;     ///< --runtime-dir; default $RUNTIME_DIRECTORY (live only)
	bool realTime = false;
	bool noBus = false;
	bool keepRunning = false;
	std::vector<std::string> rulesDirs;
	std::vector<std::string> allowDirs;
	DeviceMonitor::Backend backend = DeviceMonitor::Backend::Auto;
	LogLevel logLevel = LogLevel::Info;
	bool logLevelGiven = false;
	std::string configDir = TACTUS_SYSCONFDIR;
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
		     "  --keep-running        with --replay: keep running (and serving the bus)\n"
		     "                        after the recording ends\n"
		     "  --no-bus              do not publish on the system bus (D-Bus)\n"
		     "  --rules-dir DIR       provenance rules directory (repeatable; default\n"
		     "                        %s/provenance then %s/provenance)\n"
		     "  --allow-dir DIR       allow-list directory (repeatable; default\n"
		     "                        %s/allow.d then %s/allow.d)\n"
		     "  --monitor-backend B   auto, udev or inotify (default auto)\n"
		     "  --config-dir DIR      read DIR/tactus.conf and DIR/tactus.conf.d/*.conf\n"
		     "                        (default %s)\n"
		     "  --log-level LEVEL     err, warning, notice, info or debug (default info)\n"
		     "  --state-dir DIR       per-user profiles in DIR/profiles (default\n"
		     "                        $STATE_DIRECTORY, else /var/lib/tactus; none for --replay)\n"
		     "  --keystroke-model F   keystroke model weights (default " TACTUS_DATADIR
		     "/models/keystroke.tkm;\n"
		     "                        none for --replay)\n"
		     "  --pointer-model F     pointer model (default " TACTUS_DATADIR "/models/pointer.model;\n"
		     "                        none for --replay)\n"
		     "  --runtime-dir DIR     keep the sessions' evidence across restarts in\n"
		     "                        DIR/sessions (default $RUNTIME_DIRECTORY; none for\n"
		     "                        --replay)\n"
		     "  -h, --help            show this help\n"
		     "  --version             show the version\n",
		     TACTUS_DATADIR, TACTUS_SYSCONFDIR, TACTUS_DATADIR, TACTUS_SYSCONFDIR, TACTUS_SYSCONFDIR);
}

// Returns 1 to continue, 0 to exit successfully, negative on a usage error.
int parseArguments(int argc, char **argv, Arguments &args)
{
	enum {
		OptReplay = 0x100,
		OptRealTime,
		OptKeepRunning,
		OptNoBus,
		OptRulesDir,
		OptBackend,
		OptLogLevel,
		OptConfigDir,
		OptAllowDir,
		OptStateDir,
		OptKeystrokeModel,
		OptPointerModel,
		OptRuntimeDir,
		OptVersion
	};
	static const struct option options[] = {
		{"replay", required_argument, nullptr, OptReplay},
		{"real-time", no_argument, nullptr, OptRealTime},
		{"no-bus", no_argument, nullptr, OptNoBus},
		{"keep-running", no_argument, nullptr, OptKeepRunning},
		{"rules-dir", required_argument, nullptr, OptRulesDir},
		{"monitor-backend", required_argument, nullptr, OptBackend},
		{"log-level", required_argument, nullptr, OptLogLevel},
		{"config-dir", required_argument, nullptr, OptConfigDir},
		{"allow-dir", required_argument, nullptr, OptAllowDir},
		{"state-dir", required_argument, nullptr, OptStateDir},
		{"keystroke-model", required_argument, nullptr, OptKeystrokeModel},
		{"pointer-model", required_argument, nullptr, OptPointerModel},
		{"runtime-dir", required_argument, nullptr, OptRuntimeDir},
		{"help", no_argument, nullptr, 'h'},
		{"version", no_argument, nullptr, OptVersion},
		{},
	};

	int c;
	while ((c = getopt_long(argc, argv, "h", options, nullptr)) >= 0) {
		switch (c) {
		case OptReplay: args.replay = optarg; break;
		case OptRealTime: args.realTime = true; break;
		case OptKeepRunning: args.keepRunning = true; break;
		case OptNoBus: args.noBus = true; break;
		case OptRulesDir: args.rulesDirs.emplace_back(optarg); break;
		case OptBackend:
			if (std::strcmp(optarg, "auto") == 0)
				args.backend = DeviceMonitor::Backend::Auto;
			else if (std::strcmp(optarg, "udev") == 0)
				args.backend = DeviceMonitor::Backend::Udev;
			else if (std::strcmp(optarg, "inotify") == 0)
				args.backend = DeviceMonitor::Backend::Inotify;
			else
				return logError(-EINVAL,
						"Unknown monitor backend '%s' (expected auto, udev or inotify)",
						optarg);
			break;
		case OptLogLevel:
			if (!logParseLevel(optarg, args.logLevel))
				return logError(-EINVAL, "Unknown log level '%s'", optarg);
			args.logLevelGiven = true;
			break;
		case OptConfigDir: args.configDir = optarg; break;
		case OptAllowDir: args.allowDirs.emplace_back(optarg); break;
		case OptStateDir: args.stateDir = optarg; break;
		case OptKeystrokeModel: args.keystrokeModel = optarg; break;
		case OptPointerModel: args.pointerModel = optarg; break;
		case OptRuntimeDir: args.runtimeDir = optarg; break;
		case 'h': usage(stdout); return 0;
		case OptVersion: std::printf("tactusd %s\n", TACTUS_VERSION); return 0;
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind < argc)
		return logError(-EINVAL, "Unexpected argument '%s'", argv[optind]);
	if ((args.realTime || args.keepRunning) && args.replay.empty())
		return logError(-EINVAL, "--real-time and --keep-running need --replay FILE");
	return 1;
}

// The system bus, or $DBUS_SYSTEM_BUS_ADDRESS (the bus test suite's
// private dbus-daemon), attached to the loop.
Result<SdBusConnectionPtr> openSystemBus(sd_event *loop)
{
	SdBusConnectionPtr bus;
	int r = sd_bus_open_system_with_description(outPtr(bus), "tactusd");
	if (r < 0)
		return makeError(r, std::string("Failed to connect to the system bus: ") + std::strerror(-r));
	r = sd_bus_attach_event(bus.get(), loop, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0)
		return makeError(r, std::string("Failed to attach the bus: ") + std::strerror(-r));
	return bus;
}

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
		log_warning("no provenance rules loaded from %s: emulated devices will show as hardware",
			    dirs.front().c_str());

	DeviceMonitor::Options monitorOptions;
	monitorOptions.backend = args.backend;
	return std::unique_ptr<InputSource>(
		new LiveInputSource(monitorOptions, DeviceDescriber(SystemRoots{}, std::move(*rules))));
}

int run(const Arguments &args)
{
	// A config error stops the daemon: running with half a configuration
	// (monitor instead of enforce, say) would be worse than not running.
	auto files = configFiles(args.configDir);
	if (!files)
		return logError(files.error().errnum, "%s", files.error().message.c_str());
	auto config = loadConfig(*files);
	if (!config)
		return logError(config.error().errnum, "%s", config.error().message.c_str());
	if (!args.logLevelGiven)
		logSetMaxLevel(config->daemon.logLevel);
	log_debug("configuration: %s", describeConfig(*config).c_str());

	SdEventPtr loop;
	int r = sd_event_default(outPtr(loop));
	if (r < 0)
		return logError(r, "Failed to allocate event loop: %s", std::strerror(-r));

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

	SdBusConnectionPtr bus;
	if (!args.noBus) {
		auto opened = openSystemBus(loop.get());
		if (!opened)
			return logError(opened.error().errnum, "%s", opened.error().message.c_str());
		bus = std::move(*opened);
	}

	Daemon::Options options;
	options.exitWhenSourceFinishes = !args.replay.empty() && !args.keepRunning;
	options.followLogind = args.replay.empty();
	options.pointerIdleTimer = args.replay.empty() || args.realTime;
	options.mode = std::string(modeName(config->daemon.mode));
	options.actions = config->actions;

	std::vector<std::string> allowDirs = args.allowDirs;
	if (allowDirs.empty())
		allowDirs = {std::string(TACTUS_DATADIR) + "/allow.d", std::string(TACTUS_SYSCONFDIR) + "/allow.d"};
	auto allow = AllowPolicy::loadDirs(allowDirs);
	if (!allow)
		return logError(allow.error().errnum, "%s", allow.error().message.c_str());
	for (const auto &rule : allow->rules())
		for (const std::string &warning : allowRuleWarnings(rule))
			log_warning("allow-list rule %s %s", rule.describe().c_str(), warning.c_str());
	options.allow = std::move(*allow);
	// Profiles and the model: a live daemon uses the unit's StateDirectory=
	// and the packaged model; a replay only what it is given.
	options.stateDirectory = args.stateDir;
	options.keystrokeModel = args.keystrokeModel;
	options.pointerModel = args.pointerModel;
	options.pointerActions = config->enrollment.pointerStrokes;
	options.keystrokes = config->enrollment.keystrokes;
	options.touchStrokes = config->enrollment.touchStrokes;
	options.runtimeDirectory = args.runtimeDir;
	if (args.replay.empty()) {
		if (options.stateDirectory.empty()) {
			const char *state = getenv("STATE_DIRECTORY");
			// systemd passes a colon-separated list; tactusd.service has one.
			std::string dir = state && *state ? std::string(state) : std::string("/var/lib/tactus");
			options.stateDirectory = dir.substr(0, dir.find(':'));
		}
		if (options.keystrokeModel.empty())
			options.keystrokeModel = std::string(TACTUS_DATADIR) + "/models/keystroke.tkm";
		if (options.pointerModel.empty())
			options.pointerModel = std::string(TACTUS_DATADIR) + "/models/pointer.model";
		// systemd passes a colon-separated list; tactusd.service has one,
		// kept across restarts (RuntimeDirectoryPreserve=restart).
		const char *runtime = getenv("RUNTIME_DIRECTORY");
		if (options.runtimeDirectory.empty() && runtime && *runtime)
			options.runtimeDirectory = std::string(runtime).substr(0, std::string(runtime).find(':'));
	}
	// For benchmarks: when a --real-time replay's events are due (tests/bench).
	const auto *replay = dynamic_cast<const ReplayInputSource *>(source->get());
	Daemon daemon(loop.get(), std::move(*source), options);

	// Objects first, then sessions and devices, then the name: once a
	// client can see org.tactus.Tactus1, everything behind it is there.
	std::unique_ptr<BusService> service;
	if (bus) {
		service = std::make_unique<BusService>(bus.get(), daemon);
		auto registered = service->registerObjects();
		if (!registered)
			return logError(registered.error().errnum, "%s", registered.error().message.c_str());
		daemon.setObserver(service.get());
	}
	r = daemon.start(bus.get());
	if (r < 0)
		return r;
	if (replay)
		log_debug("replay clock: CLOCK_MONOTONIC start %" PRIu64 " us", replay->startMonotonicUsec());
	if (service) {
		auto named = service->requestName();
		if (!named)
			return logError(named.error().errnum, "%s", named.error().message.c_str());
		log_info("publishing on the bus as %s", kBusName);
	}

	sd_notify(0, "READY=1\nSTATUS=Watching input devices");
	r = sd_event_loop(loop.get());
	sd_notify(0, "STOPPING=1");
	daemon.setObserver(nullptr);
	daemon.logDevicesAtExit();
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
