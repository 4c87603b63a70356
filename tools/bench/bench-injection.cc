// SPDX-License-Identifier: MIT
// Injection timing and evidence, per event: the keystroke timing detector
// and the new-keyboard burst detector on human-paced typing, the robotic
// pointer detector on an 8 kHz mouse, and the decider's whole frame path
// (allow decision made, key state, every detector, the session's evidence)
// for a keyboard and for that mouse, without a behaviour model.
//   build/tools/bench/bench-injection
#include "bench-streams.h"
#include "decider.h"
#include "injection-burst.h"
#include "injection-pointer.h"
#include "injection-timing.h"

#include <benchmark/benchmark.h>

#include <map>

using namespace tactus;

namespace {

const std::vector<InputEvent> &typing()
{
	static const auto events = bench::collect(bench::TypistStream(7, 6, 1'000'000), 60'000);
	return events;
}

const std::vector<InputEvent> &mouse()
{
	static const auto events = bench::collect(bench::MouseStream(8, 8000, 1'000'000), 240'000);
	return events;
}

void BM_KeystrokeTiming(benchmark::State &state)
{
	KeystrokeTimingDetector detector;
	const auto &events = typing();
	uint64_t alarms = 0, keys = 0, offset = 0;
	for (auto _ : state) {
		for (const InputEvent &ev : events)
			if (ev.type == EV_KEY) {
				alarms += detector.keyEvent(ev.timeUsec + offset, ev.code, ev.value).alarm;
				keys++;
			}
		offset += events.back().timeUsec + 1'000'000;
	}
	state.counters["alarms"] = static_cast<double>(alarms);
	state.SetItemsProcessed(static_cast<int64_t>(keys));
}
BENCHMARK(BM_KeystrokeTiming);

void BM_NewKeyboardBurst(benchmark::State &state)
{
	NewKeyboardBurstDetector detector;
	detector.deviceAdded(1, 0, true);
	const auto &events = typing();
	uint64_t keys = 0, offset = 0;
	for (auto _ : state) {
		for (const InputEvent &ev : events)
			if (ev.type == EV_KEY) {
				benchmark::DoNotOptimize(
					detector.keyEvent(1, ev.timeUsec + offset, ev.code, ev.value).alarm);
				keys++;
			}
		offset += events.back().timeUsec + 1'000'000;
	}
	state.SetItemsProcessed(static_cast<int64_t>(keys));
}
BENCHMARK(BM_NewKeyboardBurst);

void BM_PointerInjection(benchmark::State &state)
{
	PointerInjectionDetector detector;
	const auto &events = mouse();
	uint64_t alarms = 0, offset = 0;
	for (auto _ : state) {
		for (const InputEvent &ev : events)
			alarms += detector.event(ev.timeUsec + offset, ev.type, ev.code, ev.value).alarm;
		offset += events.back().timeUsec + 1'000'000;
	}
	state.counters["alarms"] = static_cast<double>(alarms);
	state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
}
BENCHMARK(BM_PointerInjection);

/** The decider's frame() for every frame of @p events on one hardware device of kind @p caps. */
void deciderFrames(benchmark::State &state, const std::vector<InputEvent> &events, Capabilities caps)
{
	std::map<DeviceId, PolicyDevice> devices;
	PolicyDecider decider(PolicySettings{}, [&devices](const auto &visit) {
		for (const auto &[id, d] : devices)
			visit(d);
	});
	PolicySession session;
	const SessionResolver resolve = [&session] {
		SessionContext c;
		c.state = &session;
		return c;
	};
	PolicyDevice d;
	d.id = 1;
	d.info.caps = caps;
	d.info.provenance = Provenance::Hardware;
	PolicyDevice &device = devices.emplace(1, std::move(d)).first->second;
	decider.deviceAdded(device, AllowPolicy{}, 0);
	std::vector<InputEvent> frame;
	uint64_t actions = 0, offset = 0;
	for (auto _ : state) {
		size_t start = 0;
		for (size_t i = 0; i < events.size(); i++) {
			if (events[i].type != EV_SYN)
				continue;
			frame.assign(events.begin() + static_cast<ptrdiff_t>(start),
				     events.begin() + static_cast<ptrdiff_t>(i) + 1);
			for (InputEvent &ev : frame)
				ev.timeUsec += offset;
			actions += decider.frame(device, frame, resolve).size();
			start = i + 1;
		}
		offset += events.back().timeUsec + 1'000'000;
	}
	state.counters["actions"] = static_cast<double>(actions);
	state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
}

void BM_DeciderKeyboardFrames(benchmark::State &state)
{
	Capabilities caps;
	caps.keyboard = caps.keys = true;
	deciderFrames(state, typing(), caps);
}
BENCHMARK(BM_DeciderKeyboardFrames);

void BM_DeciderMouseFrames(benchmark::State &state)
{
	Capabilities caps;
	caps.pointer = true;
	deciderFrames(state, mouse(), caps);
}
BENCHMARK(BM_DeciderMouseFrames);

} // namespace

BENCHMARK_MAIN();
