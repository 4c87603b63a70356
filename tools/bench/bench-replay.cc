// SPDX-License-Identifier: MIT
// bench-replay: the whole per-event pipeline as tactusd runs it, replayed as
// fast as the CPU allows over a long generated recording, streamed (never
// held whole in memory): per device a FrameAssembler, then
// PolicyDecider::frame() (allow decision, key state, keystroke timing,
// new-keyboard burst, robotic pointer, the session's evidence, keystroke rows,
// the keystroke model's windows, trust) and what the daemon does with the
// actions (profile saves through the ProfileStore, counters).
//
// The desk: 20 devices (a USB keyboard and a USB mouse on each of 10 seats,
// classified with the shipped provenance rules and allowed by the packaged
// allow-list), 10 sessions whose users' profiles (10, in a temporary state
// directory) are first enrolled by typing until ready. Then seat 0 carries
// the load for --minutes of recording time: an --mouse-hz mouse moving
// continuously (strokes, pauses, clicks) and typing at --keys-per-second;
// the other 18 devices stay present and idle.
//
// Prints CPU seconds per million events (CLOCK_PROCESS_CPUTIME_ID around the
// pipeline only; generating the recording is not counted), the share of one
// core the load costs (pipeline CPU / recording time), peak RSS (getrusage
// ru_maxrss, or the highest sample if above: the kernel updates the
// high-water mark lazily) and the resident set sampled over the replay (/proc/self/statm)
// to show it stays flat. Figures, not a pass/fail test.
//
//   build/tools/bench/bench-replay [--minutes 60] [--mouse-hz 8000]
//       [--keys-per-second 10] [--model FILE.tkm] [--samples N]
//
// Not tactusd itself: a replayed recording gets pseudo-sessions, which have
// no profile; this program runs the same library calls the daemon's
// frame()/carryOut() make, with real sessions' profiles.
#include "allow-policy.h"
#include "bench-streams.h"
#include "config.h"
#include "decider.h"
#include "frame-assembler.h"
#include "keystroke-model.h"
#include "profile-enrollment.h"
#include "profile-store.h"
#include "provenance-classifier.h"
#include "provenance-rules.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace tactus;

namespace {

struct Options {
	double minutes = 60;
	double mouseHz = 8000;
	double keysPerSecond = 10;
	unsigned samples = 60;
	std::string model = std::string(TACTUS_SOURCE_ROOT) + "/data/models/keystroke.tkm";
};

constexpr unsigned kSeats = 10;

double cpuSeconds()
{
	timespec ts{};
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/** Resident set now, KiB. */
long residentKiB()
{
	std::ifstream statm("/proc/self/statm");
	long size = 0, resident = 0;
	statm >> size >> resident;
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

long peakKiB()
{
	rusage ru{};
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

bool parseDouble(const char *s, double lo, double hi, double &out)
{
	char *end = nullptr;
	const double v = std::strtod(s, &end);
	if (!end || *end || !(v >= lo && v <= hi))
		return false;
	out = v;
	return true;
}

int usage(int status)
{
	std::fprintf(status ? stderr : stdout,
		     "Usage: bench-replay [--minutes M] [--mouse-hz HZ] [--keys-per-second K] [--model FILE]"
		     " [--samples N]\n");
	return status;
}

/** A USB device on seat @p seat as the describer would report it, classified with @p rules. */
DeviceInfo usbDevice(unsigned seat, bool keyboard, const ProvenanceRules &rules)
{
	DeviceInfo info;
	const DeviceId id = seat * 2 + (keyboard ? 0 : 1);
	info.sysname = "event" + std::to_string(id + 3);
	info.name = keyboard ? "Example USB Keyboard" : "Example USB Optical Mouse";
	info.bustype = 0x03;
	info.vendor = 0x1234;
	info.product = keyboard ? 0x0001 : 0x0002;
	info.seat = seat == 0 ? "seat0" : "seat" + std::to_string(seat);
	info.caps.keyboard = keyboard;
	info.caps.keys = keyboard;
	info.caps.pointer = !keyboard;
	const std::string port = "1-" + std::to_string(id + 1);
	DeviceTopology topology;
	topology.syspath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/" + port + "/" + port + ":1.0/input/input" +
			   std::to_string(id + 3);
	topology.parents = {
		{"/sys/devices/pci0000:00/0000:00:14.0/usb1/" + port + "/" + port + ":1.0", port + ":1.0", "usb"},
		{"/sys/devices/pci0000:00/0000:00:14.0/usb1/" + port, port, "usb"}};
	RuleSubject subject;
	subject.name = info.name;
	subject.bustype = info.bustype;
	subject.vendor = info.vendor;
	subject.product = info.product;
	subject.parentSubsystems = {"usb", "usb"};
	ProvenanceDecision decision = classifyProvenance(topology, subject, rules, CreatorLookup{});
	info.provenance = decision.provenance;
	info.provenanceDetail = decision.detail;
	return info;
}

/** One generated event of one device. */
struct Timed {
	DeviceId device;
	InputEvent event;
};

class Desk {
public:
	Desk(const KeystrokeModel &model, ProfileStore &store, const ProvenanceRules &rules, const AllowPolicy &allow)
	    : store_(store), decider_(PolicySettings{}, [this](const auto &visit) {
		      for (const auto &[id, d] : devices_)
			      visit(d);
	      })
	{
		decider_.setKeystrokeModel(&model);
		for (unsigned seat = 0; seat < kSeats; seat++) {
			const uid_t uid = 1000 + seat;
			ProfileLoad loaded = store.loadOrSetAside(uid, 1'700'000'000'000'000);
			Profile profile;
			profile.uid = uid;
			if (loaded.profile)
				profile = std::move(*loaded.profile);
			restartIfModelChanged(profile, Modality::Keystroke, keystrokeModelId(model), EnrollmentParams{},
					      1'700'000'000'000'000);
			profiles_[uid] = std::move(profile);
			sessions_[seat].profile = &profiles_[uid];
			decider_.profileReplaced(sessions_[seat], 0);
			for (bool keyboard : {true, false}) {
				PolicyDevice d;
				d.id = seat * 2 + (keyboard ? 0 : 1);
				d.info = usbDevice(seat, keyboard, rules);
				PolicyDevice &stored = devices_.emplace(d.id, std::move(d)).first->second;
				decider_.deviceAdded(stored, allow, 0);
			}
		}
	}

	/** Deliver @p batch in order, as the reader and the daemon would. */
	void run(const std::vector<Timed> &batch)
	{
		for (const Timed &t : batch) {
			counters_[t.device].events++;
			assemblers_[t.device].push(t.event, [&](Frame frame) {
				PolicyDevice &device = devices_.at(t.device);
				counters_[t.device].frames++;
				const unsigned seat = t.device / 2;
				const SessionResolver resolve = [this, seat] {
					SessionContext c;
					c.state = &sessions_[seat];
					c.realtimeUs = 1'700'000'000'000'000;
					return c;
				};
				for (const PolicyAction &a : decider_.frame(device, frame, resolve)) {
					actions_[static_cast<size_t>(a.kind)]++;
					if (a.kind == PolicyAction::Kind::SaveProfile) {
						if (auto saved = store_.save(*sessions_[seat].profile); !saved)
							saveFailures_++;
					} else if (a.kind == PolicyAction::Kind::VerdictChanged) {
						(void)a.describe(); // the daemon logs it
					}
				}
			});
		}
	}

	const Profile &profile(unsigned seat) const { return *sessions_[seat].profile; }
	const PolicySession &session(unsigned seat) const { return sessions_[seat]; }
	uint64_t action(PolicyAction::Kind k) const { return actions_[static_cast<size_t>(k)]; }
	uint64_t saveFailures() const { return saveFailures_; }

private:
	struct Counters {
		uint64_t events = 0, frames = 0;
	};
	ProfileStore &store_;
	std::map<DeviceId, PolicyDevice> devices_;
	std::map<uid_t, Profile> profiles_;
	PolicySession sessions_[kSeats];
	PolicyDecider decider_;
	FrameAssembler assemblers_[kSeats * 2];
	Counters counters_[kSeats * 2];
	uint64_t actions_[8] = {};
	uint64_t saveFailures_ = 0;
};

} // namespace

int main(int argc, char **argv)
{
	Options o;
	for (int i = 1; i < argc; i++) {
		const std::string a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : nullptr;
		double samples = 0;
		if (a == "-h" || a == "--help")
			return usage(0);
		if (!v)
			return usage(2);
		if ((a == "--minutes" && parseDouble(v, 0.001, 24 * 60, o.minutes)) ||
		    (a == "--mouse-hz" && parseDouble(v, 1, 20000, o.mouseHz)) ||
		    (a == "--keys-per-second" && parseDouble(v, 0.1, 50, o.keysPerSecond)))
			i++;
		else if (a == "--samples" && parseDouble(v, 2, 10000, samples))
			o.samples = static_cast<unsigned>(samples), i++;
		else if (a == "--model")
			o.model = v, i++;
		else
			return usage(2);
	}

	auto model = KeystrokeModel::load(o.model);
	auto rules = ProvenanceRules::loadDirs({std::string(TACTUS_SOURCE_ROOT) + "/data/provenance"});
	auto allow = AllowPolicy::loadDirs({std::string(TACTUS_SOURCE_ROOT) + "/policy/allow.d"});
	for (const Error *e :
	     {model ? nullptr : &model.error(), rules ? nullptr : &rules.error(), allow ? nullptr : &allow.error()})
		if (e) {
			std::fprintf(stderr, "bench-replay: %s\n", e->message.c_str());
			return 1;
		}
	char dirTemplate[] = "/tmp/bench-replay-XXXXXX";
	if (!mkdtemp(dirTemplate)) {
		std::fprintf(stderr, "bench-replay: mkdtemp: %s\n", std::strerror(errno));
		return 1;
	}
	const std::string stateDir = dirTemplate;
	int status = 0;
	{
		auto store = ProfileStore::open(stateDir);
		if (!store) {
			std::fprintf(stderr, "bench-replay: %s\n", store.error().message.c_str());
			std::filesystem::remove_all(stateDir);
			return 1;
		}
		Desk desk(*model, *store, *rules, *allow);
		std::vector<Timed> batch;
		std::vector<InputEvent> frame;

		// Enrollment: every seat's user types until the profile is ready.
		const double enrollCpu0 = cpuSeconds();
		uint64_t now = 1'000'000, enrollKeys = 0;
		for (unsigned seat = 0; seat < kSeats; seat++) {
			bench::TypistStream typist(100 + seat, 6, now);
			for (unsigned k = 0; k < 20'000 && desk.profile(seat).state() != ProfileState::Ready; k++) {
				batch.clear();
				frame.clear();
				typist.frame(frame);
				for (const InputEvent &ev : frame)
					batch.push_back({seat * 2, ev});
				desk.run(batch);
				enrollKeys++;
			}
			now = std::max(now, typist.nextUsec());
		}
		unsigned ready = 0;
		for (unsigned seat = 0; seat < kSeats; seat++)
			ready += desk.profile(seat).state() == ProfileState::Ready;
		const double enrollCpu = cpuSeconds() - enrollCpu0;
		std::printf("enrollment: %u of %u profiles ready after %" PRIu64 " key frames (%.2f s CPU)\n", ready,
			    kSeats, enrollKeys, enrollCpu);

		// The load on seat 0, streamed in 100 ms batches.
		const uint64_t start = now + 1'000'000;
		const auto duration = static_cast<uint64_t>(o.minutes * 60e6);
		bench::MouseStream mouse(1, o.mouseHz, start);
		bench::TypistStream typist(2, o.keysPerSecond, start + 3'000);
		double pipelineCpu = 0;
		uint64_t events = 0;
		const uint64_t sampleEvery = std::max<uint64_t>(duration / o.samples, 100'000);
		uint64_t nextSample = start + sampleEvery;
		std::vector<std::pair<double, long>> rss; // (minutes, KiB)
		rss.emplace_back(0.0, residentKiB());
		for (uint64_t until = start + 100'000; until <= start + duration + 100'000; until += 100'000) {
			batch.clear();
			while (std::min(mouse.nextUsec(), typist.nextUsec()) < std::min(until, start + duration)) {
				frame.clear();
				const bool fromMouse = mouse.nextUsec() <= typist.nextUsec();
				if (fromMouse)
					mouse.frame(frame);
				else
					typist.frame(frame);
				for (const InputEvent &ev : frame)
					batch.push_back({fromMouse ? 1u : 0u, ev});
			}
			const double c0 = cpuSeconds();
			desk.run(batch);
			pipelineCpu += cpuSeconds() - c0;
			events += batch.size();
			if (until >= nextSample) {
				rss.emplace_back(static_cast<double>(until - start) / 60e6, residentKiB());
				nextSample += sampleEvery;
			}
		}

		const double seconds = static_cast<double>(duration) / 1e6;
		const PolicySession &s0 = desk.session(0);
		std::printf("recording: %.1f min on seat 0 (%.0f Hz mouse, %.1f keys/s), 20 devices, %u profiles: "
			    "%" PRIu64 " events\n",
			    o.minutes, o.mouseHz, o.keysPerSecond, kSeats, events);
		std::printf("pipeline CPU: %.3f s = %.3f s per million events = %.0f ns per event\n", pipelineCpu,
			    pipelineCpu / static_cast<double>(events) * 1e6,
			    pipelineCpu / static_cast<double>(events) * 1e9);
		std::printf("share of one core for this load: %.3f%%\n", 100.0 * pipelineCpu / seconds);
		std::printf("actions: %" PRIu64 " verdict changes, %" PRIu64 " trust changes, %" PRIu64
			    " profile saves (%" PRIu64 " failed), %" PRIu64 " grabs; seat 0 verdict %s, trust %.2f\n",
			    desk.action(PolicyAction::Kind::VerdictChanged),
			    desk.action(PolicyAction::Kind::TrustChanged), desk.action(PolicyAction::Kind::SaveProfile),
			    desk.saveFailures(), desk.action(PolicyAction::Kind::Grab),
			    std::string(verdictName(s0.evidence.state().verdict)).c_str(), s0.evidence.state().trust);
		long lo = rss[1 < rss.size() ? 1 : 0].second, hi = lo;
		for (size_t i = 1; i < rss.size(); i++) {
			lo = std::min(lo, rss[i].second);
			hi = std::max(hi, rss[i].second);
		}
		std::printf("resident set (KiB) at start %ld; from minute %.1f to the end: min %ld, max %ld, last %ld "
			    "(%zu samples)\n",
			    rss.front().second, rss.size() > 1 ? rss[1].first : 0.0, lo, hi, rss.back().second,
			    rss.size());
		const long peak = std::max(peakKiB(), hi);
		std::printf("peak RSS: %ld KiB = %.1f MiB (getrusage ru_maxrss %ld KiB, highest sample %ld KiB)\n",
			    peak, static_cast<double>(peak) / 1024.0, peakKiB(), hi);
		if (ready != kSeats) {
			std::fprintf(stderr, "bench-replay: only %u of %u profiles enrolled\n", ready, kSeats);
			status = 1;
		}
	}
	std::filesystem::remove_all(stateDir);
	return status;
}
