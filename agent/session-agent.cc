// SPDX-License-Identifier: MIT
// tactus-session-agent: one per graphical session, run as the session's
// user. It counts input that never touches the kernel (X11 XTEST, X devices
// without an evdev node) and times it, never which keys, and reports it to
// tactusd for its own session (org.tactus.Session1.ReportSessionInput). On
// Wayland no client may watch other clients' input: it says so
// ("unobservable") instead of letting silence pass for a quiet session.

#include "config.h"
#include "input-tally.h"
#include "log.h"
#include "sd-ptr.h"
#include "tactus-bus.h"
#include "util-strings.h"
#include "wayland-coverage.h"
#include "wayland-probe.h"
#include "x11-observer.h"

#include <getopt.h>
#include <poll.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-login.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string>

namespace tactus {
namespace {

volatile sig_atomic_t gStop = 0;

void onSignal(int)
{
	gStop = 1;
}

uint64_t monotonicUsec()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<uint64_t>(ts.tv_sec) * 1000000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

struct Options {
	const char *display = nullptr;
	std::string session;
	double intervalS = 10.0;
	uint64_t burst = 20;
	bool print = false;
};

void usage(FILE *out)
{
	fprintf(out, "Usage: tactus-session-agent [OPTION]...\n"
		     "Report input that never touches the kernel (X11 XTEST, X devices without an\n"
		     "evdev node) of this graphical session to tactusd: counts and timings, never keys.\n\n"
		     "  --display NAME    the X display (default: $DISPLAY)\n"
		     "  --session ID      the logind session (default: $XDG_SESSION_ID, else tactusd's\n"
		     "                    GetSessionByPID(0), else the user's display session)\n"
		     "  --interval SEC    report period (default 10)\n"
		     "  --burst N         report at once when synthetic key presses reach N (default 20)\n"
		     "  --print           also print each report as one JSON line on stdout\n"
		     "  --help, --version\n");
}

/** True on a Wayland session (XDG_SESSION_TYPE=wayland or WAYLAND_DISPLAY set). */
bool onWayland()
{
	const char *type = std::getenv("XDG_SESSION_TYPE");
	const char *wayland = std::getenv("WAYLAND_DISPLAY");
	return (type && std::strcmp(type, "wayland") == 0) || (wayland && *wayland);
}

/**
 * What the agent can and cannot see on this Wayland session: the
 * compositor's family and injection paths, from its registry's globals
 * where libwayland-client can read them, else from XDG_CURRENT_DESKTOP.
 */
WaylandCoverage waylandCoverage(bool xwaylandObserved)
{
	const char *desktop = std::getenv("XDG_CURRENT_DESKTOP");
	auto globals = waylandGlobals();
	if (!globals)
		log_info("Wayland registry not read (%s): judging the compositor by XDG_CURRENT_DESKTOP",
			 globals.error().message.c_str());
	return describeWayland(desktop ? desktop : "", globals ? *globals : std::vector<std::string>{},
			       static_cast<bool>(globals), xwaylandObserved);
}

/**
 * The agent's system-bus connection and its reports. The connection is
 * served from the main loop (pollFd(), dueUsec(), process()) from the
 * start: dbus-daemon closes a connection that has not authenticated and
 * sent Hello within its auth_timeout (30 s by default), and sd-bus reads the
 * server's answer and sends Hello only while the connection is processed,
 * so a connection left alone until the first report, minutes after login,
 * is dead by then. A connection that breaks (a dbus-daemon restart) is made
 * again at the next report.
 */
class Reporter {
public:
	explicit Reporter(Options options) : options_(std::move(options)) {}

	/** Connects to the system bus if not connected; false (with a warning) if it cannot. */
	bool connect()
	{
		if (bus_ && sd_bus_is_open(bus_.get()) > 0)
			return true;
		bus_.reset();
		SdBusConnectionPtr bus;
		if (int r = sd_bus_open_system(outPtr(bus)); r < 0) {
			warnOnce(std::string("cannot connect to the system bus: ") + std::strerror(-r));
			return false;
		}
		bus_ = std::move(bus);
		return true;
	}

	/** The connection's fd and the events it waits for; fd -1 while there is none. */
	struct pollfd pollFd() const
	{
		struct pollfd pfd = {-1, 0, 0};
		if (!bus_)
			return pfd;
		pfd.fd = sd_bus_get_fd(bus_.get());
		const int events = sd_bus_get_events(bus_.get());
		pfd.events = static_cast<short>(events > 0 ? events : 0);
		return pfd;
	}

	/** CLOCK_MONOTONIC µs by which process() must run (UINT64_MAX: no deadline). */
	uint64_t dueUsec() const
	{
		uint64_t due = UINT64_MAX;
		if (bus_ && sd_bus_get_timeout(bus_.get(), &due) < 0)
			due = 0;
		return due;
	}

	/** Does what the connection has pending (authentication, Hello, incoming messages); drops it when broken. */
	void process()
	{
		if (!bus_)
			return;
		int r = 0;
		while ((r = sd_bus_process(bus_.get(), nullptr)) > 0)
			;
		if (r < 0 || sd_bus_is_open(bus_.get()) <= 0) {
			warnOnce(std::string("system bus connection lost: ") +
				 (r < 0 ? std::strerror(-r) : "closed by the peer") +
				 "; reconnecting at the next report");
			bus_.reset();
		}
	}

	/** Send each report of the window; reports that cannot be sent are dropped with a warning. */
	void send(const std::vector<SessionInputReport> &reports)
	{
		for (const SessionInputReport &r : reports) {
			if (options_.print)
				print(r);
			if (!connect())
				continue;
			int err = sendOne(r);
			// Broken since the last process(): once more on a new connection.
			if (err == -ENOTCONN || err == -ECONNRESET) {
				bus_.reset();
				if (connect())
					err = sendOne(r);
			}
		}
	}

private:
	std::string sessionPath()
	{
		if (!options_.session.empty())
			return kSessions.path(options_.session);
		SdBusMessagePtr reply;
		sd_bus_error error = SD_BUS_ERROR_NULL;
		int r = sd_bus_call_method(bus_.get(), kBusName, kManagerPath, kManagerInterface, "GetSessionByPID",
					   &error, outPtr(reply), "u", 0U);
		const char *path = nullptr;
		if (r >= 0)
			r = sd_bus_message_read(reply.get(), "o", &path);
		if (r >= 0) {
			sd_bus_error_free(&error);
			return path;
		}
		// A user unit belongs to no session: it acts for the user's
		// display session (tactusd checks the same).
		char *display = nullptr;
		if (sd_uid_get_display(getuid(), &display) >= 0 && display) {
			std::string id = display;
			std::free(display);
			sd_bus_error_free(&error);
			return kSessions.path(id);
		}
		warnOnce(std::string("cannot find this session at tactusd: ") +
			 (error.message ? error.message : std::strerror(-r)));
		sd_bus_error_free(&error);
		return {};
	}

	/** One ReportSessionInput call; 0 or the call's negative errno. */
	int sendOne(const SessionInputReport &rep)
	{
		const std::string path = sessionPath();
		if (path.empty())
			return -ENXIO;
		sd_bus_error error = SD_BUS_ERROR_NULL;
		const int r = sd_bus_call_method(
			bus_.get(), kBusName, path.c_str(), kSessions.interface, "ReportSessionInput", &error, nullptr,
			"ssstuuuttt", std::string(sessionInputSourceName(rep.source)).c_str(), rep.device.c_str(),
			rep.client.c_str(), rep.windowUsec, rep.keyPresses, rep.buttonPresses, rep.motionEvents,
			rep.activeUsec, rep.medianIntervalUsec, rep.minIntervalUsec);
		if (r < 0 && r != -ENOTCONN && r != -ECONNRESET)
			warnOnce(std::string("ReportSessionInput failed: ") +
				 (error.message ? error.message : std::strerror(-r)));
		else if (r >= 0) {
			warned_ = false;
			log_debug("reported %s", rep.describe().c_str());
		}
		sd_bus_error_free(&error);
		return r < 0 ? r : 0;
	}

	static void print(const SessionInputReport &r)
	{
		printf("{\"source\": %s, \"device\": %s, \"client\": %s, \"window_us\": %" PRIu64
		       ", \"key_presses\": %u, \"button_presses\": %u, \"motion_events\": %u, \"active_us\": %" PRIu64
		       ", \"median_interval_us\": %" PRIu64 ", \"min_interval_us\": %" PRIu64 "}\n",
		       jsonQuote(sessionInputSourceName(r.source)).c_str(), jsonQuote(r.device).c_str(),
		       jsonQuote(r.client).c_str(), r.windowUsec, r.keyPresses, r.buttonPresses, r.motionEvents,
		       r.activeUsec, r.medianIntervalUsec, r.minIntervalUsec);
		fflush(stdout);
	}

	// One warning per outage, not one per report.
	void warnOnce(const std::string &message)
	{
		if (!warned_)
			log_warning("%s", message.c_str());
		warned_ = true;
	}

	SdBusConnectionPtr bus_;
	Options options_;
	bool warned_ = false;
};

int run(int argc, char **argv)
{
	Options options;
	enum { ArgDisplay = 0x100, ArgSession, ArgInterval, ArgBurst, ArgPrint, ArgHelp, ArgVersion };
	static const struct option longOptions[] = {
		{"display", required_argument, nullptr, ArgDisplay},
		{"session", required_argument, nullptr, ArgSession},
		{"interval", required_argument, nullptr, ArgInterval},
		{"burst", required_argument, nullptr, ArgBurst},
		{"print", no_argument, nullptr, ArgPrint},
		{"help", no_argument, nullptr, ArgHelp},
		{"version", no_argument, nullptr, ArgVersion},
		{nullptr, 0, nullptr, 0},
	};
	int c = 0;
	while ((c = getopt_long(argc, argv, "", longOptions, nullptr)) != -1) {
		switch (c) {
		case ArgDisplay: options.display = optarg; break;
		case ArgSession: options.session = optarg; break;
		case ArgInterval: {
			char *end = nullptr;
			options.intervalS = std::strtod(optarg, &end);
			if (!end || *end || !(options.intervalS >= 0.1 && options.intervalS <= 3600))
				return logError(-EINVAL, "--interval takes seconds between 0.1 and 3600, not '%s'",
						sanitizeForDisplay(optarg, 32).c_str());
			break;
		}
		case ArgBurst: {
			char *end = nullptr;
			options.burst = std::strtoull(optarg, &end, 10);
			if (!end || *end || options.burst == 0)
				return logError(-EINVAL, "--burst takes a positive count, not '%s'",
						sanitizeForDisplay(optarg, 32).c_str());
			break;
		}
		case ArgPrint: options.print = true; break;
		case ArgHelp: usage(stdout); return 0;
		case ArgVersion: printf("tactus-session-agent %s\n", TACTUS_VERSION); return 0;
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (options.session.empty())
		if (const char *id = std::getenv("XDG_SESSION_ID"); id && *id)
			options.session = id;

	const bool wayland = onWayland();
	std::unique_ptr<X11Observer> x11;
	const char *display = options.display ? options.display : std::getenv("DISPLAY");
	if (display && *display) {
		auto opened = X11Observer::open(display);
		if (!opened)
			return logError(opened.error().errnum, "%s", opened.error().message.c_str());
		x11 = std::move(*opened);
		log_info("observing X display %s: %s%s", sanitizeForDisplay(display, 64).c_str(),
			 x11->describeDevices().c_str(), wayland ? " (Xwayland: X clients' input only)" : "");
	} else if (!wayland) {
		return logError(-ENXIO, "no display: neither DISPLAY nor WAYLAND_DISPLAY is set");
	}
	// On Wayland, each report window also says what stays out of sight, so
	// the verdict carries "session-input-unobservable", not a false quiet.
	std::optional<std::string> unobservable;
	if (wayland) {
		unobservable = waylandCoverage(x11 != nullptr).summary();
		log_notice("Wayland: no client may watch other clients' input; %s", unobservable->c_str());
	}

	Reporter reporter(options);
	if (!reporter.connect())
		return logError(-ENOTCONN, "cannot connect to the system bus");

	struct sigaction sa = {};
	sa.sa_handler = onSignal;
	sigaction(SIGTERM, &sa, nullptr);
	sigaction(SIGINT, &sa, nullptr);

	InputTally tally;
	const auto intervalUsec = static_cast<uint64_t>(options.intervalS * 1e6);
	uint64_t windowStart = monotonicUsec();
	auto report = [&] {
		const uint64_t now = monotonicUsec();
		std::vector<SessionInputReport> reports = tally.take(now - windowStart);
		if (unobservable) {
			SessionInputReport unseen;
			unseen.source = SessionInputSource::Unobservable;
			unseen.device = *unobservable;
			unseen.windowUsec = std::max<uint64_t>(now - windowStart, 1);
			reports.push_back(unseen);
		}
		windowStart = now;
		reporter.send(reports);
	};
	while (!gStop) {
		const uint64_t now = monotonicUsec();
		const uint64_t due = std::min(windowStart + intervalUsec, reporter.dueUsec());
		struct pollfd pfd[2] = {{x11 ? x11->fd() : -1, POLLIN, 0}, reporter.pollFd()};
		const int timeoutMs =
			due > now ? static_cast<int>(std::min<uint64_t>((due - now + 999) / 1000, INT32_MAX)) : 0;
		if (x11)
			x11->dispatch(tally); // events Xlib already read
		const int r = poll(pfd, 2, timeoutMs);
		if (r < 0 && errno != EINTR)
			return logError(-errno, "poll: %s", std::strerror(errno));
		if (x11)
			x11->dispatch(tally);
		reporter.process();
		if (monotonicUsec() >= windowStart + intervalUsec || tally.syntheticKeyPresses() >= options.burst)
			report();
	}
	report();
	return 0;
}

} // namespace
} // namespace tactus

int main(int argc, char **argv)
{
	tactus::logInit("tactus-session-agent");
	return tactus::run(argc, argv) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
