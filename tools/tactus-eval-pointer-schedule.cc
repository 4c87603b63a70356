// SPDX-License-Identifier: MIT
// tactus-eval pointer-schedule: one Balabit session's pointer events with
// their original timing, for a test bed to replay through an emulated
// pointer (tools/vm: the USB tablet). Times come from the client clock;
// silences longer than --max-pause while no button is held are shortened to
// --max-pause (longer than the segmenter's 1 s pause, so every action keeps
// its own timing and its boundaries). The library's action segmenter runs on
// the same (shortened) timeline and marks where each action ends, so a test
// can count the actions it sent. --dither-ms makes every row late by
// 0..MS ms (fixed seed, order kept): the challenge's logger stamped rows with
// a 1/64 s timer, and a replay on those ticks would reach the guest's kernel
// on them (or not) depending on the test bed's own delivery noise.

#include "tactus-eval.h"

#include "balabit-dataset.h"
#include "pointer-features.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace tactus::eval {

namespace {

const char *buttonName(BalabitButton b)
{
	switch (b) {
	case BalabitButton::Right: return "right";
	case BalabitButton::Middle: return "middle";
	default: return "left";
	}
}

} // namespace

int runPointerSchedule(std::span<char *const> args)
{
	std::string file;
	uint64_t maxPauseMs = 2000, seconds = 0, ditherMs = 0, seed = 1;
	for (size_t i = 0; i < args.size(); i++) {
		const std::string a = args[i];
		const char *v = i + 1 < args.size() ? args[i + 1] : nullptr;
		if (a == "--balabit" && v) {
			file = v;
			i++;
		} else if (a == "--max-pause-ms" && v && parseU64(v, maxPauseMs) && maxPauseMs >= 1000 &&
			   maxPauseMs <= kMaxReplayPauseMs) {
			i++;
		} else if (a == "--seconds" && v && parseU64(v, seconds) && seconds <= kMaxReplaySeconds) {
			i++;
		} else if (a == "--dither-ms" && v && parseU64(v, ditherMs) && ditherMs <= 1000) {
			i++;
		} else if (a == "--dither-seed" && v && parseU64(v, seed)) {
			i++;
		} else {
			fprintf(stderr,
				"tactus-eval pointer-schedule: bad or unexpected '%s' (--max-pause-ms is 1000..%" PRIu64
				", --seconds at most %" PRIu64 ", --dither-ms 0..1000)\n",
				a.c_str(), kMaxReplayPauseMs, kMaxReplaySeconds);
			return 2;
		}
	}
	if (file.empty()) {
		fprintf(stderr, "tactus-eval pointer-schedule: need --balabit FILE (one session)\n");
		return 2;
	}
	BalabitStats stats;
	auto events = readBalabitSession(file, stats);
	if (!events) {
		fprintf(stderr, "tactus-eval pointer-schedule: %s\n", events.error().message.c_str());
		return 1;
	}
	addDeliveryJitter(*events, static_cast<double>(ditherMs), seed);

	// The shortened timeline, µs from the first row.
	PointerSegmenterConfig config;
	PointerActionSegmenter seg(config);
	const uint64_t maxPauseUsec = maxPauseMs * 1000;
	const uint64_t limitUsec = seconds * 1'000'000;
	uint64_t t = 0, span = 0, shortened = 0, shortenedUsec = 0, lines = 0;
	uint64_t actions[kPointerActionTypes] = {};
	int held = 0;
	bool first = true;
	double lastSec = 0;
	std::string out;
	char buf[96];
	PointerAction action;
	auto popActions = [&] {
		while (seg.pop(action)) {
			actions[static_cast<size_t>(action.type)]++;
			snprintf(buf, sizeof buf, "%" PRIu64 " action %.*s\n", action.endUsec / 1000,
				 static_cast<int>(pointerActionTypeName(action.type).size()),
				 pointerActionTypeName(action.type).data());
			out += buf;
		}
	};
	for (const BalabitEvent &e : *events) {
		if (!first) {
			const auto gap =
				static_cast<uint64_t>(std::llround(std::max(0.0, e.clientSec - lastSec) * 1e6));
			if (held == 0 && gap > maxPauseUsec) {
				shortened++;
				shortenedUsec += gap - maxPauseUsec;
				t += maxPauseUsec;
			} else {
				t += gap;
			}
		}
		first = false;
		lastSec = e.clientSec;
		if (limitUsec && t > limitUsec)
			break;
		span = t;
		const uint64_t ms = t / 1000;
		if (e.button == BalabitButton::Scroll) {
			// Scroll rows carry no position of their own (often 0,0).
			if (e.state == BalabitState::Up || e.state == BalabitState::Down) {
				snprintf(buf, sizeof buf, "%" PRIu64 " wheel %s\n", ms,
					 e.state == BalabitState::Up ? "up" : "down");
				out += buf;
				lines++;
			}
			continue;
		}
		PointerSample s;
		s.timeUsec = t;
		s.x = e.x;
		s.y = e.y;
		const char *kind = "move";
		if (e.state == BalabitState::Pressed) {
			s.kind = PointerEventKind::ButtonDown;
			kind = "down";
			held++;
		} else if (e.state == BalabitState::Released) {
			s.kind = PointerEventKind::ButtonUp;
			kind = "up";
			held = std::max(0, held - 1);
		}
		if (s.kind == PointerEventKind::Move)
			snprintf(buf, sizeof buf, "%" PRIu64 " move %d %d\n", ms, e.x, e.y);
		else
			snprintf(buf, sizeof buf, "%" PRIu64 " %s %s %d %d\n", ms, kind, buttonName(e.button), e.x,
				 e.y);
		out += buf;
		lines++;
		seg.add(s);
		popActions();
	}
	seg.flush();
	popActions();
	printf("# tactus-eval pointer-schedule: %" PRIu64 " rows, %" PRIu64 " events over %.1f s; %" PRIu64
	       " pauses over %" PRIu64 " ms with no button held shortened to it (%.1f s removed); actions: %" PRIu64
	       " mouse-move, %" PRIu64 " point-click, %" PRIu64 " drag-drop\n",
	       stats.rows, lines, static_cast<double>(span) / 1e6, shortened, maxPauseMs,
	       static_cast<double>(shortenedUsec) / 1e6, actions[0], actions[1], actions[2]);
	printf("# ms move X Y | ms down|up BUTTON X Y | ms wheel up|down | ms action TYPE (an action ends; "
	       "X Y screen pixels)\n");
	fputs(out.c_str(), stdout);
	return 0;
}

} // namespace tactus::eval
