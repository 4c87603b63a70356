// SPDX-License-Identifier: MIT
// tactus-eval bench: per-event cost of the injection detectors. Figures, not
// pass/fail; the input is generated before the clock starts.

#include "tactus-eval.h"

#include "injection-attacks.h"
#include "injection-burst.h"
#include "injection-pointer.h"
#include "injection-timing.h"

#include <linux/input-event-codes.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace tactus::eval {

namespace {

template<typename Fn>
double nsPerEvent(size_t events, Fn &&fn)
{
	auto t0 = std::chrono::steady_clock::now();
	fn();
	auto t1 = std::chrono::steady_clock::now();
	return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()) /
	       static_cast<double>(events);
}

} // namespace

int runBench(std::span<char *const> args)
{
	uint64_t target = 10'000'000;
	for (size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		if (a == "--events" && i + 1 < args.size()) {
			char *end = nullptr;
			target = strtoull(args[++i], &end, 10);
			if (!end || *end || target < 1000 || target > 1'000'000'000) {
				fprintf(stderr, "tactus-eval bench: --events needs a count in 1000..1000000000\n");
				return 2;
			}
		} else {
			fprintf(stderr, "Usage: tactus-eval bench [--events N]\n");
			return a == "-h" || a == "--help" ? 0 : 2;
		}
	}

	// Human-like typing and a raw attack, replayed over and over.
	const auto human = generateHumanTyping(1, 100'000, 120.0);
	AttackProfile raw{"raw", AttackPace::Raw, 0, 0, AttackHold::Tool, true};
	const auto attack = generateAttack(raw, 2, 100'000);
	const size_t reps = (target + human.size() - 1) / human.size();
	uint64_t alarms = 0;

	KeystrokeTimingDetector det;
	double humanNs = nsPerEvent(reps * human.size(), [&] {
		for (size_t r = 0; r < reps; r++) {
			det.reset();
			for (const InputEvent &e : human)
				alarms += det.keyEvent(e.timeUsec, e.code, e.value).alarm;
		}
	});
	const size_t repsA = (target + attack.size() - 1) / attack.size();
	double attackNs = nsPerEvent(repsA * attack.size(), [&] {
		for (size_t r = 0; r < repsA; r++) {
			det.reset();
			for (const InputEvent &e : attack)
				alarms += det.keyEvent(e.timeUsec, e.code, e.value).alarm;
		}
	});

	NewKeyboardBurstDetector burst;
	burst.deviceAdded(1, 0, true);
	burst.deviceAdded(2, 0, true);
	double burstNs = nsPerEvent(reps * human.size(), [&] {
		for (size_t r = 0; r < reps; r++)
			for (const InputEvent &e : human)
				alarms += burst.keyEvent(1, e.timeUsec, e.code, e.value).alarm;
	});

	// A mouse moving in wobbly strokes: REL_X, REL_Y, SYN_REPORT per 1 ms frame.
	std::vector<InputEvent> mouse;
	SplitMix64 rng(3);
	uint64_t t = 1'000'000;
	for (int s = 0; s < 10'000; s++) {
		for (int f = 0; f < 30; f++) {
			t += 1000;
			mouse.push_back({t, EV_REL, REL_X, static_cast<int32_t>(rng.uniform(-3, 12))});
			mouse.push_back({t, EV_REL, REL_Y, static_cast<int32_t>(rng.uniform(-4, 6))});
			mouse.push_back({t, EV_SYN, SYN_REPORT, 0});
		}
		t += 300'000;
	}
	PointerInjectionDetector pointer;
	const size_t repsP = (target + mouse.size() - 1) / mouse.size();
	double pointerNs = nsPerEvent(repsP * mouse.size(), [&] {
		for (size_t r = 0; r < repsP; r++) {
			pointer.reset();
			for (const InputEvent &e : mouse)
				alarms += pointer.event(e.timeUsec, e.type, e.code, e.value).alarm;
		}
	});

	printf("tactus-eval bench (per evdev event, this machine, one core)\n");
	printf("  %-44s %10s %8s\n", "detector / input", "events", "ns/event");
	printf("  %-44s %10zu %8.1f\n", "KeystrokeTimingDetector / human-like typing", reps * human.size(), humanNs);
	printf("  %-44s %10zu %8.1f\n", "KeystrokeTimingDetector / raw injection", repsA * attack.size(), attackNs);
	printf("  %-44s %10zu %8.1f\n", "NewKeyboardBurstDetector / human-like typing", reps * human.size(), burstNs);
	printf("  %-44s %10zu %8.1f\n", "PointerInjectionDetector / mouse strokes", repsP * mouse.size(), pointerNs);
	printf("  (alarm events seen: %" PRIu64 ")\n", alarms);
	return 0;
}

} // namespace tactus::eval
