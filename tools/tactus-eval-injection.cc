// SPDX-License-Identifier: MIT
// tactus-eval injection: false alarms of the keystroke timing detector over
// every keystroke of the Aalto data, beside UKIP's rule, and keystrokes to
// detection of generated attack profiles.

#include "tactus-eval.h"

#include "aalto-dataset.h"
#include "injection-attacks.h"
#include "injection-timing.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace tactus::eval {

namespace {

constexpr uint64_t kSectionPauseUsec = 10'000'000; // between sections: far longer than any rule's pause
constexpr unsigned kMaxKeystrokes = 200;           // an attack not caught by then counts as missed
constexpr unsigned kUkipWindow = 5;
constexpr int64_t kUkipGapMs = 50;

struct Options {
	std::string aalto;
	unsigned runs = 1000;
	uint64_t seed = 0x7461637475ULL; // "tactu"
	bool json = false;
};

struct HumanResult {
	AaltoStats stats;
	uint64_t participants = 0;
	uint64_t events = 0;
	uint64_t alarms = 0; // events at which the detector raised an alarm
	uint64_t alarmSections = 0;
	std::map<std::string, uint64_t> alarmsByReason;
	std::map<std::string, uint64_t> alarmsByRule;
	std::array<uint32_t, KeystrokeTimingDetector::kRuleCount> maxRun{};
	uint64_t ukipWindows = 0;
	uint64_t ukipFires = 0;
	std::vector<std::string> examples; // participant/section of the first alarms
};

struct AttackResult {
	AttackProfile profile;
	std::vector<unsigned> toDetect; // keystrokes; kMaxKeystrokes + 1 = missed
	std::map<std::string, uint64_t> firstReason;
	unsigned median = 0, p95 = 0, worst = 0;
	double within4 = 0, within10 = 0;
	uint64_t missed = 0;
};

bool parseU64(const char *s, uint64_t &out)
{
	char *end = nullptr;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || !end || *end || end == s)
		return false;
	out = v;
	return true;
}

int parseOptions(std::span<char *const> args, Options &o)
{
	for (size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		auto value = [&]() -> const char * { return i + 1 < args.size() ? args[++i] : nullptr; };
		uint64_t v = 0;
		if (a == "--aalto") {
			const char *s = value();
			if (!s)
				return fprintf(stderr, "tactus-eval injection: --aalto needs a directory\n"), 2;
			o.aalto = s;
		} else if (a == "--runs") {
			const char *s = value();
			if (!s || !parseU64(s, v) || v == 0 || v > 10'000'000)
				return fprintf(stderr, "tactus-eval injection: --runs needs a count in 1..10000000\n"),
				       2;
			o.runs = static_cast<unsigned>(v);
		} else if (a == "--seed") {
			const char *s = value();
			if (!s || !parseU64(s, v))
				return fprintf(stderr, "tactus-eval injection: --seed needs an integer\n"), 2;
			o.seed = v;
		} else if (a == "--json") {
			o.json = true;
		} else if (a == "-h" || a == "--help") {
			printf("Usage: tactus-eval injection --aalto DIR [--runs N] [--seed S] [--json]\n");
			return -1;
		} else {
			fprintf(stderr, "tactus-eval injection: unknown option '%.*s'\n", static_cast<int>(a.size()),
				a.data());
			return 2;
		}
	}
	if (o.aalto.empty()) {
		fprintf(stderr,
			"tactus-eval injection: --aalto DIR is required (the unpacked aalto-keystrokes folder)\n");
		return 2;
	}
	return 0;
}

// Replays one participant: sections in file order, each as press/release
// events in time order, separated by a long pause.
class HumanReplay {
public:
	explicit HumanReplay(HumanResult &res) : res_(res) {}

	void section(const AaltoSection &s)
	{
		if (s.participant != participant_) {
			participant_ = s.participant;
			detector_.reset();
			res_.participants++;
			clock_ = 0;
		}
		const int64_t base = s.keys.empty() ? 0 : s.keys.front().pressMs;
		const uint64_t start = clock_ + kSectionPauseUsec;
		events_.clear();
		for (const AaltoKeystroke &k : s.keys) {
			uint64_t p = start + static_cast<uint64_t>(k.pressMs - base) * 1000;
			uint64_t r = start + static_cast<uint64_t>(k.releaseMs - base) * 1000;
			events_.push_back({p, EV_KEY, k.code, 1});
			events_.push_back({r, EV_KEY, k.code, 0});
		}
		std::stable_sort(events_.begin(), events_.end(), [](const InputEvent &a, const InputEvent &b) {
			return a.timeUsec != b.timeUsec ? a.timeUsec < b.timeUsec : a.value < b.value;
		});
		bool alarmed = false;
		for (const InputEvent &ev : events_) {
			InjectionEvidence e = detector_.keyEvent(ev.timeUsec, ev.code, ev.value);
			res_.events++;
			const auto &runs = detector_.runs();
			for (unsigned i = 0; i < runs.size(); i++)
				res_.maxRun[i] = std::max(res_.maxRun[i], runs[i]);
			if (e.alarm) {
				res_.alarms++;
				res_.alarmsByReason[std::string(injectionReasonName(e.reason))]++;
				res_.alarmsByRule[std::string(e.rule)]++;
				if (!alarmed && res_.examples.size() < 10)
					res_.examples.push_back(s.participant + "/" + s.section + ": " + e.describe());
				alarmed = true;
			}
			clock_ = std::max(clock_, ev.timeUsec);
		}
		if (alarmed)
			res_.alarmSections++;
		ukip(s);
	}

private:
	// UKIP's rule: a window of 5 presses whose 4 gaps are all ≤ 50 ms.
	void ukip(const AaltoSection &s)
	{
		for (size_t i = kUkipWindow - 1; i < s.keys.size(); i++) {
			res_.ukipWindows++;
			bool fast = true;
			for (size_t j = i + 1 - kUkipWindow + 1; j <= i && fast; j++)
				fast = s.keys[j].pressMs - s.keys[j - 1].pressMs <= kUkipGapMs;
			if (fast)
				res_.ukipFires++;
		}
	}

	HumanResult &res_;
	KeystrokeTimingDetector detector_;
	std::string participant_;
	uint64_t clock_ = 0;
	std::vector<InputEvent> events_;
};

int runHuman(const Options &o, HumanResult &res)
{
	auto files = listAaltoFiles(o.aalto);
	if (!files) {
		fprintf(stderr, "tactus-eval injection: %s\n", files.error().message.c_str());
		return 1;
	}
	HumanReplay replay(res);
	for (const std::string &f : *files) {
		auto r = readAaltoFile(
			f, [&](const AaltoSection &s) { replay.section(s); }, res.stats);
		if (!r)
			fprintf(stderr, "tactus-eval injection: %s, ignoring\n", r.error().message.c_str());
	}
	return 0;
}

unsigned percentile(const std::vector<unsigned> &sorted, double q)
{
	if (sorted.empty())
		return 0;
	size_t idx = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
	return sorted[std::min(idx, sorted.size() - 1)];
}

void runAttacks(const Options &o, std::vector<AttackResult> &out)
{
	auto profiles = standardAttackProfiles();
	for (size_t pi = 0; pi < profiles.size(); pi++) {
		AttackResult r;
		r.profile = profiles[pi];
		SplitMix64 seeds(o.seed ^ (0x100000001b3ULL * (pi + 1)));
		for (unsigned run = 0; run < o.runs; run++) {
			auto ev = generateAttack(r.profile, seeds.next(), kMaxKeystrokes);
			KeystrokeTimingDetector det;
			unsigned presses = 0;
			unsigned detected = kMaxKeystrokes + 1;
			for (const InputEvent &e : ev) {
				if (e.value == 1)
					presses++;
				InjectionEvidence ev2 = det.keyEvent(e.timeUsec, e.code, e.value);
				if (ev2.alarm) {
					detected = presses;
					r.firstReason[std::string(injectionReasonName(ev2.reason)) + "/" +
						      std::string(ev2.rule)]++;
					break;
				}
			}
			r.toDetect.push_back(detected);
		}
		std::vector<unsigned> s = r.toDetect;
		std::sort(s.begin(), s.end());
		r.median = percentile(s, 0.5);
		r.p95 = percentile(s, 0.95);
		r.worst = s.back();
		r.missed = static_cast<uint64_t>(std::count(s.begin(), s.end(), kMaxKeystrokes + 1));
		r.within4 = static_cast<double>(std::count_if(s.begin(), s.end(), [](unsigned v) { return v <= 4; })) /
			    s.size();
		r.within10 =
			static_cast<double>(std::count_if(s.begin(), s.end(), [](unsigned v) { return v <= 10; })) /
			s.size();
		out.push_back(std::move(r));
	}
}

std::string countStr(unsigned v)
{
	return v > kMaxKeystrokes ? ">" + std::to_string(kMaxKeystrokes) : std::to_string(v);
}

std::string jsonEscape(std::string_view s)
{
	std::string o;
	for (char c : s) {
		if (c == '"' || c == '\\') {
			o += '\\';
			o += c;
		} else if (static_cast<unsigned char>(c) < 0x20) {
			char b[8];
			snprintf(b, sizeof(b), "\\u%04x", c);
			o += b;
		} else {
			o += c;
		}
	}
	return o;
}

void printText(const Options &o, const HumanResult &h, const std::vector<AttackResult> &attacks)
{
	const auto need = KeystrokeTimingDetector().thresholds();
	printf("tactus-eval injection (runs %u, seed %" PRIu64 ")\n\n", o.runs, o.seed);
	printf("False alarms on human typing (Aalto, %s)\n", o.aalto.c_str());
	printf("  participants %" PRIu64 ", sections %" PRIu64 ", keystrokes %" PRIu64 ", events %" PRIu64 "\n",
	       h.participants, h.stats.sections, h.stats.keystrokes, h.events);
	printf("  rows skipped: %" PRIu64 " malformed, %" PRIu64 " with release before press (of %" PRIu64
	       " rows); %" PRIu64 " keystrokes with an unmapped key code (kept)\n",
	       h.stats.malformed, h.stats.inconsistent, h.stats.rows, h.stats.unknownKeys);
	printf("  %-34s %12s %12s\n", "", "alarms", "per 100k win");
	printf("  %-34s %12" PRIu64 " %12s   (%" PRIu64 " sections)\n", "tactus timing detector", h.alarms, "-",
	       h.alarmSections);
	for (const auto &[reason, n] : h.alarmsByReason)
		printf("    %-32s %12" PRIu64 "\n", reason.c_str(), n);
	printf("  %-34s %12" PRIu64 " %12.2f   (of %" PRIu64 " 5-press windows)\n",
	       "UKIP rule (5 presses, gaps <= 50 ms)", h.ukipFires,
	       h.ukipWindows ? 1e5 * static_cast<double>(h.ukipFires) / h.ukipWindows : 0.0, h.ukipWindows);
	printf("  margin: longest human run per rule / run that alarms\n");
	for (unsigned i = 0; i < KeystrokeTimingDetector::kRuleCount; i++)
		printf("    %-20s %3u / %u\n",
		       KeystrokeTimingDetector::ruleName(static_cast<KeystrokeTimingDetector::Rule>(i)), h.maxRun[i],
		       need[i]);
	for (const std::string &e : h.examples)
		printf("  alarm: %s\n", e.c_str());

	printf("\nKeystrokes to detection (%u runs per profile; missed = not caught in %u keystrokes)\n", o.runs,
	       kMaxKeystrokes);
	printf("  %-38s %6s %6s %6s %8s %8s %7s  %s\n", "profile", "median", "p95", "worst", "<=4", "<=10", "target",
	       "first rule");
	for (const AttackResult &r : attacks) {
		std::string rules;
		for (const auto &[k, n] : r.firstReason)
			rules += (rules.empty() ? "" : ", ") + k + " " + std::to_string(n);
		printf("  %-38s %6s %6s %6s %7.1f%% %7.1f%% %7s  %s\n", r.profile.name.c_str(),
		       countStr(r.median).c_str(), countStr(r.p95).c_str(), countStr(r.worst).c_str(), 100 * r.within4,
		       100 * r.within10, r.profile.fastTarget ? "<=4" : "<=10", rules.c_str());
	}
}

void printJson(const Options &o, const HumanResult &h, const std::vector<AttackResult> &attacks)
{
	printf("{\n  \"runs\": %u,\n  \"seed\": %" PRIu64 ",\n  \"max_keystrokes\": %u,\n", o.runs, o.seed,
	       kMaxKeystrokes);
	printf("  \"human\": {\"participants\": %" PRIu64 ", \"sections\": %" PRIu64 ", \"keystrokes\": %" PRIu64
	       ", \"events\": %" PRIu64 ", \"rows\": %" PRIu64 ", \"malformed_rows\": %" PRIu64
	       ", \"inconsistent_rows\": %" PRIu64 ", \"unknown_keys\": %" PRIu64 ",\n",
	       h.participants, h.stats.sections, h.stats.keystrokes, h.events, h.stats.rows, h.stats.malformed,
	       h.stats.inconsistent, h.stats.unknownKeys);
	printf("    \"alarms\": %" PRIu64 ", \"alarm_sections\": %" PRIu64 ", \"alarms_by_reason\": {", h.alarms,
	       h.alarmSections);
	bool first = true;
	for (const auto &[reason, n] : h.alarmsByReason) {
		printf("%s\"%s\": %" PRIu64, first ? "" : ", ", jsonEscape(reason).c_str(), n);
		first = false;
	}
	printf("},\n    \"ukip_windows\": %" PRIu64 ", \"ukip_fires\": %" PRIu64 ", \"ukip_per_100k\": %.3f},\n",
	       h.ukipWindows, h.ukipFires,
	       h.ukipWindows ? 1e5 * static_cast<double>(h.ukipFires) / h.ukipWindows : 0.0);
	printf("  \"attacks\": [\n");
	for (size_t i = 0; i < attacks.size(); i++) {
		const AttackResult &r = attacks[i];
		printf("    {\"profile\": \"%s\", \"fast_target\": %s, \"median\": %u, \"p95\": %u, \"worst\": %u, "
		       "\"missed\": %" PRIu64 ", \"within4\": %.4f, \"within10\": %.4f}%s\n",
		       jsonEscape(r.profile.name).c_str(), r.profile.fastTarget ? "true" : "false", r.median, r.p95,
		       r.worst, r.missed, r.within4, r.within10, i + 1 < attacks.size() ? "," : "");
	}
	printf("  ]\n}\n");
}

} // namespace

int runInjection(std::span<char *const> args)
{
	Options o;
	int rc = parseOptions(args, o);
	if (rc)
		return rc < 0 ? 0 : rc;
	HumanResult human;
	if (int hr = runHuman(o, human))
		return hr;
	std::vector<AttackResult> attacks;
	runAttacks(o, attacks);
	if (o.json)
		printJson(o, human, attacks);
	else
		printText(o, human, attacks);
	return 0;
}

} // namespace tactus::eval
