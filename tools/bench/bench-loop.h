// SPDX-License-Identifier: MIT
// The loop of the stage benchmarks (Google Benchmark): a recorded stream fed
// through a stateful stage once per iteration. Only for programs that link
// libbenchmark (bench-replay does not).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace tactus::bench {

/**
 * Feeds every item of @p in (events or samples: anything with a timeUsec in
 * µs) to @p feed once per benchmark iteration; each pass is shifted to start
 * @p gapUsec after the previous one ended, so stateful stages never see time
 * go back. @p feed returns how many outputs (actions, strokes) the item
 * completed; the total is returned, and items per second are reported.
 */
template<typename Item, typename Feed>
uint64_t feedRepeatedly(benchmark::State &state, const std::vector<Item> &in, uint64_t gapUsec, Feed &&feed)
{
	uint64_t made = 0, offset = 0;
	for (auto _ : state) {
		for (Item item : in) {
			item.timeUsec += offset;
			made += feed(item);
		}
		offset += in.back().timeUsec + gapUsec;
	}
	state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * in.size()));
	return made;
}

} // namespace tactus::bench
