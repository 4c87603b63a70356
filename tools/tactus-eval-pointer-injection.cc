// SPDX-License-Identifier: MIT
// tactus-eval pointer-injection: false alarms of the robotic-pointer
// detector on every stroke of the Balabit mouse data (real people), and
// strokes to detection of generated scripted pointers (issue 11, item 6).

#include "tactus-eval.h"

#include "balabit-dataset.h"
#include "injection-attacks.h"
#include "injection-pointer.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace tactus::eval {

namespace {

constexpr unsigned kMaxStrokes = 20; // an attack not caught by then counts as missed

struct Options {
	std::string balabit;
	unsigned runs = 200;
	uint64_t seed = 0x706f696e74ULL; // "point"
	bool json = false;
};

/** One replay mode's tally over all Balabit sessions. */
struct HumanTally {
	uint64_t sessions = 0, frames = 0;
	uint64_t judged = 0;       // strokes long, fast enough to judge
	uint64_t axisAligned = 0;  // of those, along an axis (judged by the constant-step rule only)
	uint64_t constantStep = 0; // robotic by the constant-step rule
	uint64_t eased = 0;        // robotic by the eased-line rule
	uint64_t alarms = 0;
	std::map<std::string, uint64_t> alarmsByRule;
	double maxConstantShare = 0;            // margin of the constant-step rule
	double minDeviation = INFINITY;         // margin: the straightest oblique human stroke
	double minRoughnessStraight = INFINITY; // margin: the smoothest straight oblique human stroke
	std::vector<std::string> examples;
};

struct AttackTally {
	PointerAttackProfile profile;
	std::vector<unsigned> toDetect; // strokes; kMaxStrokes + 1 = missed
	unsigned median = 0, worst = 0;
	uint64_t missed = 0;
};

int parseOptions(std::span<char *const> args, Options &o)
{
	for (size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		auto value = [&]() -> const char * { return i + 1 < args.size() ? args[++i] : nullptr; };
		uint64_t v = 0;
		if (a == "--balabit") {
			const char *s = value();
			if (!s)
				return fprintf(stderr, "tactus-eval pointer-injection: --balabit needs a directory\n"),
				       2;
			o.balabit = s;
		} else if (a == "--runs") {
			const char *s = value();
			if (!s || !parseU64(s, v) || v == 0 || v > 1'000'000)
				return fprintf(stderr,
					       "tactus-eval pointer-injection: --runs needs a count in 1..1000000\n"),
				       2;
			o.runs = static_cast<unsigned>(v);
		} else if (a == "--seed") {
			const char *s = value();
			if (!s || !parseU64(s, v))
				return fprintf(stderr, "tactus-eval pointer-injection: --seed needs an integer\n"), 2;
			o.seed = v;
		} else if (a == "--json") {
			o.json = true;
		} else if (a == "-h" || a == "--help") {
			printf("Usage: tactus-eval pointer-injection --balabit DIR [--runs N] [--seed S] [--json]\n");
			return -1;
		} else {
			fprintf(stderr, "tactus-eval pointer-injection: unknown option '%.*s'\n",
				static_cast<int>(a.size()), a.data());
			return 2;
		}
	}
	if (o.balabit.empty()) {
		fprintf(stderr, "tactus-eval pointer-injection: --balabit DIR is required (the unpacked "
				"balabit-mouse folder)\n");
		return 2;
	}
	return 0;
}

class Replay {
public:
	Replay(HumanTally &tally, bool absolute) : tally_(tally), absolute_(absolute) {}

	void session(const BalabitFile &f, const std::vector<BalabitEvent> &events)
	{
		det_.reset();
		int32_t maxX = 1, maxY = 1;
		for (const BalabitEvent &e : events) {
			maxX = std::max(maxX, e.x);
			maxY = std::max(maxY, e.y);
		}
		// The screen the session ran on, as far as the pointer reached.
		det_.setAbsRange(0, absolute_ ? maxX : 0, 0, absolute_ ? maxY : 0);
		tally_.sessions++;
		bool havePos = false;
		int32_t x = 0, y = 0;
		for (const BalabitEvent &e : events) {
			const uint64_t t = 1'000'000 + static_cast<uint64_t>(std::llround(e.clientSec * 1e6));
			if (e.button == BalabitButton::Scroll) {
				// Scroll rows carry no position of their own (often 0,0).
			} else if (absolute_) {
				ev(f, t, EV_ABS, ABS_X, e.x);
				ev(f, t, EV_ABS, ABS_Y, e.y);
			} else if (havePos && (e.x != x || e.y != y)) {
				if (e.x != x)
					ev(f, t, EV_REL, REL_X, e.x - x);
				if (e.y != y)
					ev(f, t, EV_REL, REL_Y, e.y - y);
			}
			if (e.button != BalabitButton::Scroll) {
				havePos = true;
				x = e.x;
				y = e.y;
			}
			const uint16_t button = e.button == BalabitButton::Right    ? BTN_RIGHT
						: e.button == BalabitButton::Middle ? BTN_MIDDLE
										    : BTN_LEFT;
			if (e.state == BalabitState::Pressed)
				ev(f, t, EV_KEY, button, 1);
			else if (e.state == BalabitState::Released)
				ev(f, t, EV_KEY, button, 0);
			else if (e.button == BalabitButton::Scroll)
				ev(f, t, EV_REL, REL_WHEEL, e.state == BalabitState::Up ? 1 : -1);
			ev(f, t, EV_SYN, SYN_REPORT, 0);
			tally_.frames++;
		}
		// Judge the last stroke: a click after a pause ends it.
		ev(f, UINT64_MAX / 2, EV_KEY, BTN_LEFT, 1);
		ev(f, UINT64_MAX / 2, EV_SYN, SYN_REPORT, 0);
	}

private:
	void ev(const BalabitFile &f, uint64_t t, uint16_t type, uint16_t code, int32_t value)
	{
		const InjectionEvidence e = det_.event(t, type, code, value);
		if (type == EV_SYN && !e.rule.empty() && e.rule == "robotic-stroke") {
			const PointerStrokeGeometry &g = det_.lastStroke();
			tally_.judged++;
			tally_.axisAligned += g.axisAligned;
			tally_.constantStep += g.constantStep;
			tally_.eased += g.eased;
			tally_.maxConstantShare = std::max(tally_.maxConstantShare, g.constantShare);
			if (!g.axisAligned) {
				tally_.minDeviation = std::min(tally_.minDeviation, g.deviation);
				if (g.deviation <= PointerInjectionConfig{}.maxDeviation)
					tally_.minRoughnessStraight =
						std::min(tally_.minRoughnessStraight, g.roughness);
			}
		}
		if (e.alarm) {
			tally_.alarms++;
			tally_.alarmsByRule[std::string(e.rule)]++;
			if (tally_.examples.size() < 10)
				tally_.examples.push_back(f.user + "/" + f.session + ": " + e.describe());
		}
	}

	HumanTally &tally_;
	bool absolute_;
	PointerInjectionDetector det_;
};

unsigned percentile(const std::vector<unsigned> &sorted, double q)
{
	if (sorted.empty())
		return 0;
	size_t idx = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
	return sorted[std::min(idx, sorted.size() - 1)];
}

std::vector<AttackTally> runAttacks(const Options &o)
{
	std::vector<AttackTally> out;
	auto profiles = standardPointerAttackProfiles();
	for (size_t pi = 0; pi < profiles.size(); pi++) {
		AttackTally r;
		r.profile = profiles[pi];
		SplitMix64 seeds(o.seed ^ (0x100000001b3ULL * (pi + 1)));
		for (unsigned run = 0; run < o.runs; run++) {
			const auto ev = generatePointerAttack(r.profile, seeds.next(), kMaxStrokes);
			PointerInjectionDetector det;
			if (r.profile.absolute)
				det.setAbsRange(0, 32767, 0, 32767);
			unsigned strokes = 1;
			unsigned detected = kMaxStrokes + 1;
			for (const InputEvent &e : ev) {
				if (e.type == EV_KEY && e.value == 1)
					strokes++;
				if (det.event(e.timeUsec, e.type, e.code, e.value).alarm) {
					// The alarm comes with the click that ends a stroke.
					detected = strokes - 1;
					break;
				}
			}
			r.toDetect.push_back(std::max(1u, detected));
		}
		std::vector<unsigned> s = r.toDetect;
		std::sort(s.begin(), s.end());
		r.median = percentile(s, 0.5);
		r.worst = s.back();
		r.missed = static_cast<uint64_t>(std::count(s.begin(), s.end(), kMaxStrokes + 1));
		out.push_back(std::move(r));
	}
	return out;
}

std::string countStr(unsigned v)
{
	return v > kMaxStrokes ? ">" + std::to_string(kMaxStrokes) : std::to_string(v);
}

void printTally(const char *mode, const HumanTally &h)
{
	const PointerInjectionConfig c;
	printf("  %-9s sessions %" PRIu64 ", frames %" PRIu64 ", strokes judged %" PRIu64 " (%" PRIu64
	       " along an axis); robotic strokes: constant-step %" PRIu64 ", eased %" PRIu64 "; alarms %" PRIu64 "\n",
	       mode, h.sessions, h.frames, h.judged, h.axisAligned, h.constantStep, h.eased, h.alarms);
	for (const auto &[rule, n] : h.alarmsByRule)
		printf("    %-20s %" PRIu64 "\n", rule.c_str(), n);
	printf("    margins: largest share of one step vector %.2f (robotic >= %.2f); straightest oblique stroke "
	       "%.2f units off its line (robotic <= %.2f); smoothest of those within it %.2f (robotic <= %.2f)\n",
	       h.maxConstantShare, c.constantStepShare, h.minDeviation, c.maxDeviation, h.minRoughnessStraight,
	       c.maxRoughness);
	for (const std::string &e : h.examples)
		printf("    alarm: %s\n", e.c_str());
}

double jsonNumber(double v)
{
	return std::isfinite(v) ? v : -1.0;
}

void printJsonTally(const char *mode, const HumanTally &h, bool last)
{
	printf("    \"%s\": {\"sessions\": %" PRIu64 ", \"frames\": %" PRIu64 ", \"judged\": %" PRIu64
	       ", \"axis_aligned\": %" PRIu64 ", \"constant_step\": %" PRIu64 ", \"eased\": %" PRIu64
	       ", \"alarms\": %" PRIu64 ", \"max_constant_share\": %.4f, \"min_deviation\": %.4f, "
	       "\"min_roughness_straight\": %.4f}%s\n",
	       mode, h.sessions, h.frames, h.judged, h.axisAligned, h.constantStep, h.eased, h.alarms,
	       h.maxConstantShare, jsonNumber(h.minDeviation), jsonNumber(h.minRoughnessStraight), last ? "" : ",");
}

} // namespace

int runPointerInjection(std::span<char *const> args)
{
	Options o;
	if (int rc = parseOptions(args, o))
		return rc < 0 ? 0 : rc;
	auto files = listBalabit(o.balabit);
	if (!files) {
		fprintf(stderr, "tactus-eval pointer-injection: %s\n", files.error().message.c_str());
		return 1;
	}
	HumanTally absTally, relTally;
	Replay absReplay(absTally, true), relReplay(relTally, false);
	BalabitStats stats;
	for (const BalabitFile &f : *files) {
		auto ev = readBalabitSession(f.path, stats);
		if (!ev) {
			fprintf(stderr, "tactus-eval pointer-injection: %s, ignoring\n", ev.error().message.c_str());
			continue;
		}
		absReplay.session(f, *ev);
		relReplay.session(f, *ev);
	}
	const auto attacks = runAttacks(o);
	if (o.json) {
		printf("{\n  \"runs\": %u,\n  \"seed\": %" PRIu64 ",\n  \"max_strokes\": %u,\n", o.runs, o.seed,
		       kMaxStrokes);
		printf("  \"human\": {\"rows\": %" PRIu64 ", \"used\": %" PRIu64 ", \"malformed\": %" PRIu64
		       ", \"offscreen\": %" PRIu64 ",\n",
		       stats.rows, stats.used, stats.malformed, stats.offscreen);
		printJsonTally("absolute", absTally, false);
		printJsonTally("relative", relTally, true);
		printf("  },\n  \"attacks\": [\n");
		for (size_t i = 0; i < attacks.size(); i++) {
			const AttackTally &r = attacks[i];
			printf("    {\"profile\": \"%s\", \"median\": %u, \"worst\": %u, \"missed\": %" PRIu64 "}%s\n",
			       r.profile.name.c_str(), r.median, r.worst, r.missed, i + 1 < attacks.size() ? "," : "");
		}
		printf("  ]\n}\n");
		return 0;
	}
	printf("tactus-eval pointer-injection (runs %u, seed %" PRIu64 ")\n\n", o.runs, o.seed);
	printf("False alarms on people's pointer strokes (Balabit, %s)\n", o.balabit.c_str());
	printf("  rows %" PRIu64 ": used %" PRIu64 ", malformed %" PRIu64 ", off-screen %" PRIu64
	       ", clock backwards %" PRIu64 "\n",
	       stats.rows, stats.used, stats.malformed, stats.offscreen, stats.backwards);
	printTally("absolute", absTally);
	printTally("relative", relTally);
	printf("\nStrokes to detection (%u runs per profile; missed = not caught in %u strokes)\n", o.runs,
	       kMaxStrokes);
	printf("  %-52s %6s %6s %8s\n", "profile", "median", "worst", "missed");
	for (const AttackTally &r : attacks)
		printf("  %-52s %6s %6s %8" PRIu64 "\n", r.profile.name.c_str(), countStr(r.median).c_str(),
		       countStr(r.worst).c_str(), r.missed);
	return 0;
}

} // namespace tactus::eval
