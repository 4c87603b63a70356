// SPDX-License-Identifier: MIT
// Keystroke features and the model window: the extractor turning key events
// into rows (per key event), the shipped model's embedding of one 50-row
// window (data/models/keystroke.tkm: two LSTMs), and KeystrokeBehaviour per
// keystroke over enrollment and scoring (a window every few keystrokes, the
// profile learned into and scored against).
//   build/tools/bench/bench-keystrokes [--model FILE.tkm]
#include "bench-streams.h"
#include "config.h"
#include "keystroke-behaviour.h"
#include "keystroke-features.h"
#include "keystroke-model.h"
#include "session-trust.h"

#include <benchmark/benchmark.h>

#include <cstring>

using namespace tactus;

namespace {

std::string modelPath = std::string(TACTUS_SOURCE_ROOT) + "/data/models/keystroke.tkm";

const KeystrokeModel *model(benchmark::State &state)
{
	static auto loaded = KeystrokeModel::load(modelPath);
	if (!loaded) {
		state.SkipWithError(loaded.error().message.c_str());
		return nullptr;
	}
	return &*loaded;
}

/** Rows of generated typing through the extractor, as tactusd makes them. */
std::vector<KeystrokeRow> rows(KeyClassSet set, size_t n)
{
	const auto events = bench::collect(bench::TypistStream(11, 6, 1'000'000), n * 6 + 60);
	KeystrokeExtractor extractor(set);
	std::vector<KeystrokeRow> out;
	KeystrokeRow row;
	for (const InputEvent &ev : events)
		if (ev.type == EV_KEY) {
			extractor.key(ev.code, ev.value, static_cast<int64_t>(ev.timeUsec));
			while (extractor.pop(row))
				out.push_back(row);
		}
	out.resize(std::min(out.size(), n));
	return out;
}

void BM_KeystrokeExtractor(benchmark::State &state)
{
	const auto events = bench::collect(bench::TypistStream(12, 6, 1'000'000), 60'000);
	KeystrokeExtractor extractor(KeyClassSet::Hand);
	KeystrokeRow row;
	uint64_t keys = 0, made = 0;
	int64_t offset = 0;
	for (auto _ : state) {
		for (const InputEvent &ev : events)
			if (ev.type == EV_KEY) {
				extractor.key(ev.code, ev.value, static_cast<int64_t>(ev.timeUsec) + offset);
				keys++;
				while (extractor.pop(row))
					made++;
			}
		offset += static_cast<int64_t>(events.back().timeUsec) + 1'000'000;
	}
	state.counters["rows"] = static_cast<double>(made);
	state.SetItemsProcessed(static_cast<int64_t>(keys));
}
BENCHMARK(BM_KeystrokeExtractor);

void BM_EmbedWindow(benchmark::State &state)
{
	const KeystrokeModel *m = model(state);
	if (!m)
		return;
	const auto window = rows(m->classSet(), static_cast<size_t>(state.range(0)));
	KeystrokeEmbedder embedder(*m);
	Eigen::VectorXf out(m->embeddingSize());
	for (auto _ : state) {
		embedder.embed(window, out);
		benchmark::DoNotOptimize(out.data());
	}
	state.SetItemsProcessed(state.iterations());
	state.SetLabel(std::to_string(window.size()) + " rows");
}
BENCHMARK(BM_EmbedWindow)->Arg(50)->Unit(benchmark::kMicrosecond);

void BM_KeystrokeBehaviour(benchmark::State &state)
{
	const KeystrokeModel *m = model(state);
	if (!m)
		return;
	const auto typed = rows(m->classSet(), 3000);
	KeystrokeBehaviour behaviour(*m, {});
	SessionTrust trust(0);
	Profile profile;
	profile.uid = 1000;
	int64_t now = 1'000'000;
	auto type = [&](const KeystrokeRow &row) {
		now += row.ppUs > 0 ? row.ppUs : 150'000;
		return behaviour.keystroke(row, profile, trust, false, false, now, 1'700'000'000'000'000 + now)
			.windowDone;
	};
	// Enrollment first, untimed: the figure is the steady state, a ready
	// profile scored (and adapted) every window.
	size_t next = 0;
	while (profile.state() != ProfileState::Ready && next < 2000)
		type(typed[next++]);
	uint64_t windows = 0, keys = 0;
	for (auto _ : state) {
		for (size_t i = 0; i < 500; i++, keys++)
			windows += type(typed[(next + keys) % typed.size()]);
	}
	state.counters["windows"] = static_cast<double>(windows);
	state.SetLabel(std::string("profile ") + std::string(profileStateName(profile.state())));
	state.SetItemsProcessed(static_cast<int64_t>(keys));
}
BENCHMARK(BM_KeystrokeBehaviour)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
	// --model FILE (before Google Benchmark's own flags).
	std::vector<char *> args;
	for (int i = 0; i < argc; i++) {
		if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc)
			modelPath = argv[++i];
		else
			args.push_back(argv[i]);
	}
	int n = static_cast<int>(args.size());
	benchmark::Initialize(&n, args.data());
	if (benchmark::ReportUnrecognizedArguments(n, args.data()))
		return 2;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
