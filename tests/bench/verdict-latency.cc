// SPDX-License-Identifier: MIT
// verdict-latency: how long from injected input being due to the session's
// VerdictChanged("injected") reaching a client on the bus (issue 5,
// "Measurements": target under 5 ms on the host build). Prints figures; not
// a pass/fail test.
//
// README: meson test -C BUILD --benchmark verdict-latency -v
//   or:   BUILD/tests/verdict-latency --tactusd BUILD/daemon/tactusd
//           --rules-dir SRC/data/provenance [--runs N]     (one command line)
//
// One private system-type dbus-daemon, one client subscribed to
// org.tactus.Session1.VerdictChanged, then the real tactusd replaying a
// generated recording in real time (--replay --real-time --keep-running).
// The recording has 2N seats, each with its own pseudo-session (opened by a
// human-paced warm-up key press at the start) and a measurement slot 150 ms
// apart from the others:
//   - synthetic seats: a uinput device (ydotoold, not allow-listed) types;
//     latency is measured from its first key press's due time (evidence
//     `synthetic-device` from the first event);
//   - hardware seats: the seat's USB keyboard types at machine speed (1 ms
//     dwell, one keystroke every 2 ms); `superhuman-rate` (instant-dwell)
//     alarms when the 4th keystroke completes, so latency is measured from
//     the 4th key's release due time (1 ms after its press).
// An event's due time is tactusd's replay start on CLOCK_MONOTONIC (logged
// at debug level: "replay clock: CLOCK_MONOTONIC start N us") plus its
// offset in the recording; the arrival time is CLOCK_MONOTONIC in this
// client as soon as sd-bus hands it the signal.

#include "sd-ptr.h"
#include "tactus-bus.h"

#include <systemd/sd-bus.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <getopt.h>
#include <map>
#include <poll.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr uint64_t kSlotStartUsec = 1'000'000; // warm-up keys are done by then
constexpr uint64_t kSlotUsec = 150'000;
constexpr int kKeyA = 30;
const int kBurstKeys[] = {33, 32, 31, 30, 36, 37}; // F D S A J K: distinct keys
constexpr uint64_t kBurstDwellUsec = 1'000;
constexpr uint64_t kBurstStrideUsec = 2'000;

uint64_t nowUsec()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

struct Options {
	std::string tactusd;
	std::string rulesDir;
	std::string dbusDaemon = "dbus-daemon";
	int runs = 20;
};

enum class Kind { Synthetic, Hardware };

struct Seat {
	std::string name; // seatK
	Kind kind;
	uint64_t dueOffset; // recording offset the latency is measured from
	bool seen = false;
	double latencyMs = 0;
};

// One key press or release as a libinput-record frame (MSC_SCAN, EV_KEY, SYN).
void keyFrame(std::ostringstream &o, uint64_t t, int code, int value)
{
	char line[128];
	o << "  - evdev:\n";
	const int rows[3][3] = {{4, 4, 0x70000 + code}, {1, code, value}, {0, 0, 0}};
	for (const auto &r : rows) {
		std::snprintf(line, sizeof line, "    - [%4" PRIu64 ", %6" PRIu64 ", %3d, %5d, %8d]\n", t / 1000000,
			      t % 1000000, r[0], r[1], r[2]);
		o << line;
	}
}

void keyboardHeader(std::ostringstream &o, int node, const char *name, const char *seat, bool uinput)
{
	o << "- node: /dev/input/event" << node << "\n  evdev:\n    name: \"" << name << "\"\n";
	o << (uinput ? "    id: [3, 4660, 22136, 1]\n" : "    id: [3, 1133, 49948, 272]\n");
	o << "    codes:\n      0: [0, 1, 2]\n      1: [";
	for (int c = 1; c < 84; c++)
		o << c << (c < 83 ? ", " : "]\n");
	o << "      4: [4]\n    properties: []\n  tactus:\n";
	if (uinput)
		o << "    provenance: uinput\n    detail: \"parentless, /dev/uinput held by pid 4242\"\n    seat: "
		  << seat
		  << "\n    creators:\n    - {pid: 4242, uid: 1000, exe: \"/usr/bin/ydotoold\", comm: \"ydotoold\", "
		     "unit: \"ydotoold.service\"}\n";
	else
		o << "    provenance: hardware\n    detail: \"parent usb 1-1:1.0\"\n    seat: " << seat << "\n";
	o << "  events:\n";
}

// Seats seat1..seatN synthetic, seatN+1..seat2N hardware; slots alternate.
std::string makeRecording(std::vector<Seat> &seats, int runs)
{
	std::ostringstream devs;
	int ndev = 0;
	for (int i = 0; i < 2 * runs; i++) {
		Seat s;
		const bool synthetic = i < runs;
		const int slot = synthetic ? 2 * i : 2 * (i - runs) + 1;
		const uint64_t at = kSlotStartUsec + static_cast<uint64_t>(slot) * kSlotUsec;
		s.name = "seat" + std::to_string(i + 1);
		s.kind = synthetic ? Kind::Synthetic : Kind::Hardware;
		// The seat's hardware keyboard: one human-paced key press opens the
		// session (the first one, at offset 0, is the recording's start).
		keyboardHeader(devs, ndev++, "tactus-bench hardware keyboard", s.name.c_str(), false);
		const uint64_t warm = static_cast<uint64_t>(i) * 5'000;
		keyFrame(devs, warm, kKeyA, 1);
		keyFrame(devs, warm + 90'000, kKeyA, 0);
		if (synthetic) {
			keyboardHeader(devs, ndev++, "tactus-bench ydotoold virtual device", s.name.c_str(), true);
			keyFrame(devs, at, kKeyA, 1);
			keyFrame(devs, at + 8'000, kKeyA, 0);
			s.dueOffset = at;
		} else {
			uint64_t t = at;
			for (int k = 0; k < 6; k++, t += kBurstStrideUsec) {
				keyFrame(devs, t, kBurstKeys[k], 1);
				keyFrame(devs, t + kBurstDwellUsec, kBurstKeys[k], 0);
			}
			s.dueOffset = at + 3 * kBurstStrideUsec + kBurstDwellUsec; // 4th key's release
		}
		seats.push_back(s);
	}
	std::ostringstream o;
	o << "# libinput record\n# Generated by tests/bench/verdict-latency.cc.\nversion: 1\nndevices: " << ndev
	  << "\nlibinput:\n  version: \"1.22.1\"\nsystem:\n  os: \"generated\"\ndevices:\n"
	  << devs.str();
	return o.str();
}

const char kBusConfig[] = R"(<?xml version="1.0"?>
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
)";

bool writeFile(const std::string &path, const std::string &text)
{
	std::ofstream f(path);
	f << text;
	return static_cast<bool>(f);
}

std::string readFile(const std::string &path)
{
	std::ifstream f(path);
	std::ostringstream o;
	o << f.rdbuf();
	return o.str();
}

pid_t spawn(const std::vector<std::string> &argv, const std::string &logPath, int keepFd = -1)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int log = open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	dup2(null, 0);
	dup2(log, 1);
	dup2(log, 2);
	if (keepFd >= 0)
		fcntl(keepFd, F_SETFD, 0);
	std::vector<char *> args;
	for (const auto &a : argv)
		args.push_back(const_cast<char *>(a.c_str()));
	args.push_back(nullptr);
	execvp(args[0], args.data());
	std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
	_exit(127);
}

void stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, nullptr, WNOHANG) == pid)
			return;
		usleep(10'000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, nullptr, 0);
}

struct Listener {
	std::map<std::string, uint64_t> arrivals;   // session id -> CLOCK_MONOTONIC us
	std::map<std::string, std::string> reasons; // session id -> reasons, comma-separated
};

int onVerdictChanged(sd_bus_message *m, void *userdata, sd_bus_error *)
{
	const uint64_t t = nowUsec(); // first thing: the arrival time
	auto *l = static_cast<Listener *>(userdata);
	const char *verdict = nullptr;
	double trust = 0;
	if (sd_bus_message_read(m, "sd", &verdict, &trust) < 0 || std::strcmp(verdict, "injected") != 0)
		return 0;
	char **reasons = nullptr;
	std::string joined;
	if (sd_bus_message_read_strv(m, &reasons) >= 0 && reasons) {
		for (char **r = reasons; *r; r++) {
			joined += (joined.empty() ? "" : ",") + std::string(*r);
			std::free(*r);
		}
		std::free(reasons);
	}
	const std::string id = tactus::kSessions.name(sd_bus_message_get_path(m));
	if (!id.empty() && l->arrivals.emplace(id, t).second)
		l->reasons.emplace(id, joined);
	return 0;
}

double percentile(std::vector<double> v, double p)
{
	std::sort(v.begin(), v.end());
	// Nearest rank.
	size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
	return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

void printStats(const char *title, const std::vector<double> &v, int expected)
{
	std::printf("%s\n", title);
	if (v.empty()) {
		std::printf("  no signal received (0 of %d runs)\n", expected);
		return;
	}
	std::printf("  runs %zu of %d   min %.3f ms   median %.3f ms   p95 %.3f ms   max %.3f ms\n", v.size(), expected,
		    percentile(v, 0), percentile(v, 50), percentile(v, 95), *std::max_element(v.begin(), v.end()));
}

int usage(FILE *f)
{
	std::fprintf(f, "usage: verdict-latency --tactusd PATH --rules-dir DIR [--runs N] [--dbus-daemon PATH]\n");
	return f == stderr ? 2 : 0;
}

} // namespace

int main(int argc, char **argv)
{
	Options opt;
	static const struct option longopts[] = {
		{"tactusd", required_argument, nullptr, 't'}, {"rules-dir", required_argument, nullptr, 'r'},
		{"runs", required_argument, nullptr, 'n'},    {"dbus-daemon", required_argument, nullptr, 'd'},
		{"help", no_argument, nullptr, 'h'},          {nullptr, 0, nullptr, 0},
	};
	for (int c; (c = getopt_long(argc, argv, "h", longopts, nullptr)) != -1;) {
		switch (c) {
		case 't': opt.tactusd = optarg; break;
		case 'r': opt.rulesDir = optarg; break;
		case 'n': opt.runs = std::atoi(optarg); break;
		case 'd': opt.dbusDaemon = optarg; break;
		case 'h': return usage(stdout);
		default: return usage(stderr);
		}
	}
	if (opt.tactusd.empty() || opt.rulesDir.empty())
		return usage(stderr);
	// Three devices per run (two seats' keyboards, one uinput device); a
	// recording holds at most 64.
	if (opt.runs < 1 || opt.runs > 21) {
		std::fprintf(stderr, "--runs: 1 to 21 (a recording holds at most 64 devices, 3 per run)\n");
		return 2;
	}

	char tmpl[] = "/tmp/tactus-bench-XXXXXX";
	if (!mkdtemp(tmpl)) {
		std::perror("mkdtemp");
		return 1;
	}
	const std::string tmp = tmpl;
	chmod(tmp.c_str(), 0755);
	std::vector<Seat> seats;
	const std::string rec = tmp + "/latency.yml";
	if (!writeFile(tmp + "/bus.conf", kBusConfig) || !writeFile(rec, makeRecording(seats, opt.runs))) {
		std::fprintf(stderr, "cannot write to %s\n", tmp.c_str());
		return 1;
	}

	int status = 1;
	pid_t busPid = -1, daemonPid = -1;
	tactus::SdBusConnectionPtr bus;
	Listener listener;
	uint64_t replayStart = 0;
	do {
		// The private bus.
		int pfd[2];
		if (pipe2(pfd, O_CLOEXEC) < 0)
			break;
		busPid =
			spawn({opt.dbusDaemon, "--config-file=" + tmp + "/bus.conf", "--nofork",
			       "--address=unix:path=" + tmp + "/bus.sock", "--print-address=" + std::to_string(pfd[1])},
			      tmp + "/dbus-daemon.log", pfd[1]);
		close(pfd[1]);
		std::string address;
		char buf[512];
		struct pollfd p = {pfd[0], POLLIN, 0};
		while (address.find('\n') == std::string::npos && poll(&p, 1, 10'000) > 0) {
			ssize_t n = read(pfd[0], buf, sizeof buf);
			if (n <= 0)
				break;
			address.append(buf, static_cast<size_t>(n));
		}
		close(pfd[0]);
		if (address.find('\n') == std::string::npos) {
			std::fprintf(stderr, "dbus-daemon did not start:\n%s",
				     readFile(tmp + "/dbus-daemon.log").c_str());
			status = 77;
			break;
		}
		address.erase(address.find('\n'));

		// Subscribed before tactusd exists: AddMatch has been answered by
		// the time sd_bus_match_signal returns.
		bool connected = sd_bus_new(tactus::outPtr(bus)) >= 0;
		connected = connected && sd_bus_set_address(bus.get(), address.c_str()) >= 0 &&
			    sd_bus_set_bus_client(bus.get(), 1) >= 0 && sd_bus_start(bus.get()) >= 0;
		if (!connected) {
			std::fprintf(stderr, "cannot connect to %s\n", address.c_str());
			break;
		}
		if (sd_bus_match_signal(bus.get(), nullptr, nullptr, nullptr, tactus::kSessions.interface,
					"VerdictChanged", onVerdictChanged, &listener) < 0) {
			std::fprintf(stderr, "cannot subscribe to VerdictChanged\n");
			break;
		}

		setenv("DBUS_SYSTEM_BUS_ADDRESS", address.c_str(), 1);
		const std::string log = tmp + "/tactusd.log";
		daemonPid = spawn({opt.tactusd, "--replay", rec, "--real-time", "--keep-running", "--rules-dir",
				   opt.rulesDir, "--log-level", "debug"},
				  log);

		const uint64_t lastDue = kSlotStartUsec + static_cast<uint64_t>(2 * opt.runs) * kSlotUsec;
		uint64_t deadline = nowUsec() + 15'000'000;
		bool failed = false;
		while (!failed) {
			if (!replayStart) {
				const std::string text = readFile(log);
				const char *key = "replay clock: CLOCK_MONOTONIC start ";
				if (auto at = text.find(key); at != std::string::npos) {
					replayStart = std::strtoull(text.c_str() + at + std::strlen(key), nullptr, 10);
					deadline = replayStart + lastDue + 3'000'000;
				}
			}
			if (listener.arrivals.size() >= seats.size() || nowUsec() > deadline)
				break;
			if (waitpid(daemonPid, nullptr, WNOHANG) == daemonPid) {
				std::fprintf(stderr, "tactusd exited:\n%s", readFile(log).c_str());
				daemonPid = -1;
				failed = true;
				break;
			}
			int r;
			while ((r = sd_bus_process(bus.get(), nullptr)) > 0) {
			}
			if (r < 0) {
				std::fprintf(stderr, "bus: %s\n", std::strerror(-r));
				failed = true;
				break;
			}
			sd_bus_wait(bus.get(), replayStart ? 200'000 : 5'000);
		}
		if (failed)
			break;
		if (!replayStart) {
			std::fprintf(stderr, "tactusd did not log its replay clock (needs --log-level debug):\n%s",
				     readFile(log).c_str());
			break;
		}

		std::vector<double> synthetic, hardware;
		std::map<std::string, int> reasonCounts[2];
		for (auto &s : seats) {
			auto it = listener.arrivals.find("seat:" + s.name);
			if (it == listener.arrivals.end())
				continue;
			reasonCounts[s.kind == Kind::Synthetic ? 0 : 1][listener.reasons["seat:" + s.name]]++;
			const double ms =
				(static_cast<double>(it->second) - static_cast<double>(replayStart + s.dueOffset)) /
				1000.0;
			(s.kind == Kind::Synthetic ? synthetic : hardware).push_back(ms);
		}
		std::printf("VerdictChanged(\"injected\") latency, tactusd %s, one tactusd, %d seats, slots %" PRIu64
			    " ms apart\n",
			    opt.tactusd.c_str(), 2 * opt.runs, kSlotUsec / 1000);
		// Tails depend on what else the machine runs: say so beside them.
		std::string load = readFile("/proc/loadavg");
		load = load.substr(0, load.find(' '));
		std::printf("machine: %ld CPUs online, 1-min load average %s\n\n", sysconf(_SC_NPROCESSORS_ONLN),
			    load.c_str());
		printStats("synthetic device (uinput, not allow-listed; from its first key press's due time):",
			   synthetic, opt.runs);
		printStats("hardware keyboard at machine speed (superhuman-rate, 1 ms dwell, 2 ms stride; from the 4th "
			   "key's release due time):",
			   hardware, opt.runs);
		for (int k = 0; k < 2; k++) {
			std::printf("  %s reasons:", k ? "hardware" : "synthetic");
			for (const auto &[r, n] : reasonCounts[k])
				std::printf(" %s x%d", r.c_str(), n);
			std::printf("\n");
		}
		std::printf(
			"\nincludes: the replay's timer wake-up in tactusd (sd-event, CLOCK_MONOTONIC, 1 us "
			"accuracy),\n"
			"          tactusd's processing (provenance/timing evidence, verdict, log line, signal),\n"
			"          the bus round trip tactusd -> dbus-daemon -> this client, and sd-bus dispatch here\n"
			"excludes: the kernel -> evdev read (a replay has no device fd), and any client work after\n"
			"          receipt (locker, LockSession)\n");
		status = synthetic.size() == static_cast<size_t>(opt.runs) &&
					 hardware.size() == static_cast<size_t>(opt.runs)
				 ? 0
				 : 1;
		if (status)
			std::printf("\nmissing signals: see %s/tactusd.log (kept)\n", tmp.c_str());
	} while (false);

	bus.reset(); // flushed and closed before the bus goes away
	stop(daemonPid);
	stop(busPid);
	if (status == 0) {
		for (const char *f : {"bus.conf", "latency.yml", "dbus-daemon.log", "tactusd.log", "bus.sock"})
			unlink((tmp + "/" + f).c_str());
		rmdir(tmp.c_str());
	}
	return status;
}
