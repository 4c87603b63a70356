// SPDX-License-Identifier: MIT
// Touch features: the stroke tracker (type B slots into taps and swipes with
// pressure and contact size) per event of a one-finger touchscreen at 120 Hz.
//   build/tools/bench/bench-touch
#include "bench-loop.h"
#include "bench-streams.h"
#include "touch-features.h"

#include <benchmark/benchmark.h>

using namespace tactus;

namespace {

void BM_TouchStrokeTracker(benchmark::State &state)
{
	const auto events = bench::collect(bench::TouchStream(41, 120, 1'000'000), 200'000);
	TouchAxes axes;
	axes.xResolution = axes.yResolution = 10;
	axes.pressure = axes.touchMajor = true;
	TouchStrokeTracker tracker(axes);
	TouchStroke stroke;
	const uint64_t strokes = bench::feedRepeatedly(state, events, 1'000'000, [&](const InputEvent &ev) {
		tracker.event(ev);
		uint64_t n = 0;
		while (tracker.pop(stroke))
			n++;
		return n;
	});
	state.counters["strokes"] = static_cast<double>(strokes);
}
BENCHMARK(BM_TouchStrokeTracker)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
