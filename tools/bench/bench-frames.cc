// SPDX-License-Identifier: MIT
// Frame assembly: the reader's FrameAssembler on an 8 kHz mouse's 3-event
// frames and on a multitouch device's long frames (delivered in pieces), and
// the replay path's parsers of the two recording formats (per event).
//   build/tools/bench/bench-frames [--benchmark_filter=...]
#include "bench-streams.h"
#include "config.h"
#include "frame-assembler.h"
#include "recording.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

using namespace tactus;

namespace {

void assemble(benchmark::State &state, const std::vector<InputEvent> &events)
{
	FrameAssembler assembler;
	size_t frames = 0;
	for (auto _ : state) {
		for (const InputEvent &ev : events)
			frames += assembler.push(ev, [](Frame f) { benchmark::DoNotOptimize(f.data()); });
	}
	benchmark::DoNotOptimize(frames);
	state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
}

void BM_FrameAssemblerMouse(benchmark::State &state)
{
	static const auto events = bench::collect(bench::MouseStream(1, 8000, 0), 30'000);
	assemble(state, events);
}
BENCHMARK(BM_FrameAssemblerMouse);

void BM_FrameAssemblerLongFrames(benchmark::State &state)
{
	// Ten fingers of position/pressure/size per frame, 300+ events: more
	// than the buffer, so every frame goes out in two pieces.
	std::vector<InputEvent> events;
	for (uint64_t t = 0; t < 100; t++) {
		for (int rep = 0; rep < 6; rep++)
			for (int32_t slot = 0; slot < 10; slot++)
				for (uint16_t code : {ABS_MT_SLOT, ABS_MT_POSITION_X, ABS_MT_POSITION_Y,
						      ABS_MT_PRESSURE, ABS_MT_TOUCH_MAJOR})
					events.push_back({t * 8000, EV_ABS, code, slot});
		events.push_back({t * 8000, EV_SYN, SYN_REPORT, 0});
	}
	assemble(state, events);
}
BENCHMARK(BM_FrameAssemblerLongFrames);

std::string readFile(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::stringstream s;
	s << in.rdbuf();
	return s.str();
}

void BM_ParseLibinputRecord(benchmark::State &state)
{
	const std::string text =
		readFile(std::string(TACTUS_SOURCE_ROOT) + "/tests/data/recordings/keyboard-mouse.yml");
	size_t events = 0;
	for (auto _ : state) {
		auto r = parseLibinputRecord(text, "keyboard-mouse.yml");
		if (!r) {
			state.SkipWithError(r.error().message.c_str());
			return;
		}
		events += r->events.size();
	}
	state.SetItemsProcessed(static_cast<int64_t>(events));
	state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseLibinputRecord)->Unit(benchmark::kMillisecond);

void BM_ParseEvemu(benchmark::State &state)
{
	const std::string text = readFile(std::string(TACTUS_SOURCE_ROOT) + "/tests/data/recordings/keyboard.evemu");
	size_t events = 0;
	for (auto _ : state) {
		auto r = parseEvemu(text, "keyboard.evemu");
		if (!r) {
			state.SkipWithError(r.error().message.c_str());
			return;
		}
		events += r->events.size();
	}
	state.SetItemsProcessed(static_cast<int64_t>(events));
}
BENCHMARK(BM_ParseEvemu);

} // namespace

BENCHMARK_MAIN();
