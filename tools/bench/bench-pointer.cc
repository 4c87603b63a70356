// SPDX-License-Identifier: MIT
// bench-pointer: the cost of tactusd's whole pointer path per evdev frame of
// a mouse (issue 12): PolicyDecider::frame() with a relative mouse of the
// seat — the robotic-pointer injection detector, PointerSampler (units),
// PointerActionSegmenter (actions and their features), the jiggler rule,
// PointerScorer (the shipped model, data/models/pointer.model, against a
// ready profile) and the session's one trust. One iteration is one frame of
// an 8,000 Hz mouse moving in strokes with clicks and pauses: REL_X, REL_Y,
// SYN_REPORT. Prints ns per frame and per event, and the share of one core
// that an 8,000 Hz mouse moving without a break costs (target < 1%).

#include "config.h"
#include "decider.h"
#include "pointer-model-file.h"
#include "splitmix64.h"

#include <benchmark/benchmark.h>
#include <linux/input-event-codes.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <vector>

using namespace tactus;

namespace {

constexpr double kRateHz = 8000.0;
constexpr uint64_t kPeriodUs = 125; // 8,000 Hz

/** A generated hand on an 8 kHz mouse: strokes of 0.2-0.6 s, a click, a pause of 0.3-1.5 s. */
std::vector<std::vector<InputEvent>> mouseFrames(uint64_t seed, size_t count)
{
	SplitMix64 rng(seed);
	std::vector<std::vector<InputEvent>> frames;
	uint64_t t = 1'000'000;
	while (frames.size() < count) {
		const auto n = static_cast<int>(rng.uniform(1600, 4800)); // 0.2-0.6 s of reports
		const double angle = rng.uniform(-M_PI, M_PI), peak = rng.uniform(3, 12);
		double ex = 0, ey = 0;
		for (int i = 0; i < n && frames.size() < count; i++) {
			t += kPeriodUs;
			const double s = static_cast<double>(i) / n;
			const double v = peak * std::sin(M_PI * s); // counts per report, bell-shaped
			ex += v * std::cos(angle + 0.3 * std::sin(6 * s));
			ey += v * std::sin(angle + 0.3 * std::sin(6 * s));
			const auto dx = static_cast<int32_t>(std::lround(ex)),
				   dy = static_cast<int32_t>(std::lround(ey));
			ex -= dx;
			ey -= dy;
			frames.push_back({{t, EV_REL, REL_X, dx}, {t, EV_REL, REL_Y, dy}, {t, EV_SYN, SYN_REPORT, 0}});
		}
		t += static_cast<uint64_t>(rng.uniform(150'000, 400'000));
		frames.push_back({{t, EV_KEY, BTN_LEFT, 1}, {t, EV_SYN, SYN_REPORT, 0}});
		t += static_cast<uint64_t>(rng.uniform(60'000, 140'000));
		frames.push_back({{t, EV_KEY, BTN_LEFT, 0}, {t, EV_SYN, SYN_REPORT, 0}});
		t += static_cast<uint64_t>(rng.uniform(300'000, 1'500'000));
	}
	return frames;
}

struct Bed {
	std::unique_ptr<PointerModelData> model;
	std::map<DeviceId, PolicyDevice> devices;
	std::unique_ptr<PolicyDecider> decider;
	Profile profile;
	PolicySession session;
	SessionResolver resolve;
	std::vector<std::vector<InputEvent>> frames;
	uint64_t shift = 0; // added to the times of a replayed pass, so time runs forward
	uint64_t span = 0;
};

Bed *bed()
{
	static std::unique_ptr<Bed> b = [] {
		auto m = loadPointerModel(std::string(TACTUS_SOURCE_ROOT) + "/data/models/pointer.model");
		if (!m) {
			fprintf(stderr, "bench-pointer: %s\n", m.error().message.c_str());
			return std::unique_ptr<Bed>();
		}
		auto x = std::make_unique<Bed>();
		x->model = std::move(*m);
		x->decider = std::make_unique<PolicyDecider>(
			PolicySettings{}, [d = &x->devices](const std::function<void(const PolicyDevice &)> &visit) {
				for (const auto &[id, dev] : *d)
					visit(dev);
			});
		PointerBehaviourParams params;
		params.actionsNeeded = 100;
		x->decider->setPointerModel(x->model.get(), params);
		PolicyDevice &mouse = x->devices[1];
		mouse.id = 1;
		mouse.info.sysname = "event9";
		mouse.info.caps.pointer = true;
		mouse.info.udevProperties["MOUSE_DPI"] = "*1600@1000";
		x->decider->deviceAdded(mouse, AllowPolicy{}, 0);
		x->profile.uid = 1000;
		x->session.profile = &x->profile;
		x->decider->profileReplaced(x->session, 0);
		x->resolve = [s = &x->session] {
			SessionContext c;
			c.state = s;
			c.realtimeUs = 1'700'000'000'000'000;
			return c;
		};
		// Enroll first (generated strokes), so the timed frames are scored.
		x->frames = mouseFrames(1, 400'000);
		for (const auto &f : x->frames)
			x->decider->frame(mouse, f, x->resolve);
		x->span = x->frames.back().back().timeUsec + 1'000'000;
		x->shift = x->span;
		if (x->profile.state() != ProfileState::Ready)
			fprintf(stderr, "bench-pointer: the profile did not become ready; timing the learning path\n");
		return x;
	}();
	return b.get();
}

void BM_PointerPath(benchmark::State &state)
{
	Bed *b = bed();
	if (!b) {
		state.SkipWithError("no pointer model");
		return;
	}
	PolicyDevice &mouse = b->devices[1];
	size_t i = 0;
	std::vector<InputEvent> frame;
	uint64_t events = 0;
	for (auto _ : state) {
		if (i == b->frames.size()) {
			i = 0;
			b->shift += b->span;
		}
		frame = b->frames[i++];
		for (InputEvent &e : frame)
			e.timeUsec += b->shift;
		events += frame.size();
		auto actions = b->decider->frame(mouse, frame, b->resolve);
		benchmark::DoNotOptimize(actions);
	}
	state.counters["events_per_frame"] =
		benchmark::Counter(static_cast<double>(events) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_PointerPath)->MinTime(2.0);

/** The console table, then per run: ns per frame and per event, % of one core at 8,000 Hz. */
class Reporter : public benchmark::ConsoleReporter {
public:
	void ReportRuns(const std::vector<Run> &runs) override
	{
		ConsoleReporter::ReportRuns(runs);
		for (const Run &r : runs) {
			if (r.error_occurred)
				continue;
			const double nsPerFrame = r.GetAdjustedCPUTime(); // time unit: ns
			const auto ev = r.counters.find("events_per_frame");
			const double perFrame = ev == r.counters.end() ? 3.0 : ev->second.value;
			printf("pointer path: %.0f ns per frame, %.0f ns per event (%.2f events per frame); "
			       "an %.0f Hz mouse moving costs %.3f%% of one core\n",
			       nsPerFrame, nsPerFrame / perFrame, perFrame, kRateHz,
			       nsPerFrame * kRateHz / 1e9 * 100.0);
		}
	}
};

} // namespace

int main(int argc, char **argv)
{
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	Reporter reporter;
	benchmark::RunSpecifiedBenchmarks(&reporter);
	benchmark::Shutdown();
	return 0;
}
