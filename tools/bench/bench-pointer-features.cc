// SPDX-License-Identifier: MIT
// Pointer features: the action segmenter (mouse move, point-and-click,
// drag-and-drop, with their kinematic features) per sample of an 8 kHz
// mouse, and the per-user scorer (quantile bins, naive Bayes against a
// background) per action. The session pointer path has its own benchmark
// (bench-pointer).
//   build/tools/bench/bench-pointer-features
#include "bench-loop.h"
#include "bench-streams.h"
#include "pointer-features.h"
#include "pointer-model.h"

#include <benchmark/benchmark.h>

using namespace tactus;

namespace {

/** An 8 kHz mouse's frames as the segmenter's samples (relative motion summed, left button). */
std::vector<PointerSample> samples(uint64_t seed, size_t events)
{
	const auto stream = bench::collect(bench::MouseStream(seed, 8000, 1'000'000), events);
	std::vector<PointerSample> out;
	double x = 0, y = 0;
	PointerSample s;
	for (const InputEvent &ev : stream) {
		if (ev.type == EV_REL && ev.code == REL_X)
			x += ev.value;
		else if (ev.type == EV_REL && ev.code == REL_Y)
			y += ev.value;
		else if (ev.type == EV_KEY && ev.code == BTN_LEFT)
			s.kind = ev.value ? PointerEventKind::ButtonDown : PointerEventKind::ButtonUp;
		else if (ev.type == EV_SYN) {
			s.timeUsec = ev.timeUsec;
			s.x = x;
			s.y = y;
			out.push_back(s);
			s.kind = PointerEventKind::Move;
		}
	}
	return out;
}

std::vector<PointerAction> actions(const std::vector<PointerSample> &in)
{
	return segmentPointerActions(in);
}

void BM_PointerSegmenter(benchmark::State &state)
{
	const auto in = samples(21, 600'000);
	PointerActionSegmenter segmenter;
	PointerAction a;
	const uint64_t made = bench::feedRepeatedly(state, in, 2'000'000, [&](const PointerSample &s) {
		segmenter.add(s);
		uint64_t n = 0;
		while (segmenter.pop(a))
			n++;
		return n;
	});
	state.counters["actions"] = static_cast<double>(made);
}
BENCHMARK(BM_PointerSegmenter)->Unit(benchmark::kMillisecond);

void BM_PointerScorer(benchmark::State &state)
{
	// One user's actions against four others' as the background.
	const auto user = actions(samples(31, 1'500'000));
	std::vector<PointerAction> background, population = user;
	for (uint64_t seed = 32; seed < 36; seed++)
		for (const PointerAction &a : actions(samples(seed, 1'000'000)))
			background.push_back(a);
	population.insert(population.end(), background.begin(), background.end());
	const PointerBinning binning = PointerBinning::fit(population, 10);
	PointerHistogram userHist(binning), backgroundHist(binning);
	for (const PointerAction &a : user)
		userHist.add(a);
	for (const PointerAction &a : background)
		backgroundHist.add(a);
	const PointerScorer scorer(binning, userHist, backgroundHist);
	double sum = 0;
	for (auto _ : state)
		for (const PointerAction &a : background)
			sum += scorer.llr(a);
	benchmark::DoNotOptimize(sum);
	state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * background.size()));
	state.SetLabel(std::to_string(user.size()) + " user, " + std::to_string(background.size()) +
		       " background actions");
}
BENCHMARK(BM_PointerScorer);

} // namespace

BENCHMARK_MAIN();
