// SPDX-License-Identifier: MIT
// tactus-eval injection: the keystroke timing detector's thresholds fitted
// by cross-validation over the Aalto participants, its false alarms on the
// held-out folds (and of the shipped thresholds on everyone), beside UKIP's
// rule, and keystrokes to detection of generated attack profiles.

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
constexpr unsigned kRandomKeystrokes = 100;        // the randomised scripts' length (issue 11)
constexpr unsigned kUkipWindow = 5;
constexpr int64_t kUkipGapMs = 50;

struct Options {
	std::string aalto;
	unsigned runs = 1000;
	uint64_t seed = 0x7461637475ULL; // "tactu"
	unsigned folds = 5;
	bool json = false;
};

struct HumanResult {
	uint64_t participants = 0;
	uint64_t events = 0;
	uint64_t alarms = 0; // events at which the detector raised an alarm
	uint64_t alarmSections = 0;
	std::map<std::string, uint64_t> alarmsByReason;
	std::map<std::string, uint64_t> alarmsByRule;
	std::array<uint32_t, KeystrokeTimingDetector::kRuleCount> maxRun{};
	uint64_t minSustainedGapUsec = UINT64_MAX;
	uint64_t ukipWindows = 0;
	uint64_t ukipFires = 0;
	std::vector<std::string> examples; // participant/section of the first alarms
};

/** One participant's sections, in file order. */
struct Participant {
	std::string id;
	std::vector<AaltoSection> sections;
};

/** What one participant's typing reached on each rule: the data a fit sees. */
struct Margins {
	std::array<uint32_t, KeystrokeTimingDetector::kRuleCount> maxRun{};
	uint64_t minSustainedGapUsec = UINT64_MAX;
};

/** One fold's (or everyone's) fitted thresholds, from the margins of its training participants. */
struct FoldFit {
	Margins seen; // the longest runs and the shortest sustained-rate statistic of the training participants
	KeystrokeTimingConfig config;
};

struct AttackResult {
	AttackProfile profile;
	unsigned limit = 0;             // keystrokes it must be caught within; 0: figures only
	std::vector<unsigned> toDetect; // keystrokes; kMaxKeystrokes + 1 = missed
	std::map<std::string, uint64_t> firstReason;
	unsigned median = 0, p95 = 0, worst = 0;
	double within4 = 0, within10 = 0, within20 = 0;
	uint64_t missed = 0;
};

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
		} else if (a == "--folds") {
			const char *s = value();
			if (!s || !parseU64(s, v) || v < 2 || v > 100)
				return fprintf(stderr, "tactus-eval injection: --folds needs a count in 2..100\n"), 2;
			o.folds = static_cast<unsigned>(v);
		} else if (a == "--json") {
			o.json = true;
		} else if (a == "-h" || a == "--help") {
			printf("Usage: tactus-eval injection --aalto DIR [--runs N] [--seed S] [--folds K] [--json]\n");
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

// Replays one participant through @p det (reset first): sections in file
// order, each as press/release events in time order, sections far apart.
// Calls @p onEvent(section, evidence) after every event.
template<class Fn>
void replay(const Participant &p, KeystrokeTimingDetector &det, Fn &&onEvent)
{
	det.reset();
	uint64_t clock = 0;
	std::vector<InputEvent> events;
	for (const AaltoSection &s : p.sections) {
		const int64_t base = s.keys.empty() ? 0 : s.keys.front().pressMs;
		const uint64_t start = clock + kSectionPauseUsec;
		events.clear();
		for (const AaltoKeystroke &k : s.keys) {
			uint64_t pr = start + static_cast<uint64_t>(k.pressMs - base) * 1000;
			uint64_t r = start + static_cast<uint64_t>(k.releaseMs - base) * 1000;
			events.push_back({pr, EV_KEY, k.code, 1});
			events.push_back({r, EV_KEY, k.code, 0});
		}
		std::stable_sort(events.begin(), events.end(), [](const InputEvent &a, const InputEvent &b) {
			return a.timeUsec != b.timeUsec ? a.timeUsec < b.timeUsec : a.value < b.value;
		});
		for (const InputEvent &ev : events) {
			onEvent(s, det.keyEvent(ev.timeUsec, ev.code, ev.value));
			clock = std::max(clock, ev.timeUsec);
		}
	}
}

// Runs @p p through a detector with @p config, adding alarms and margins to @p res.
void replayInto(const Participant &p, const KeystrokeTimingConfig &config, HumanResult &res, Margins *margins)
{
	KeystrokeTimingDetector det(config);
	res.participants++;
	const AaltoSection *alarmed = nullptr;
	replay(p, det, [&](const AaltoSection &s, const InjectionEvidence &e) {
		res.events++;
		const auto &runs = det.runs();
		for (unsigned i = 0; i < runs.size(); i++) {
			res.maxRun[i] = std::max(res.maxRun[i], runs[i]);
			if (margins)
				margins->maxRun[i] = std::max(margins->maxRun[i], runs[i]);
		}
		res.minSustainedGapUsec = std::min(res.minSustainedGapUsec, det.sustainedGapUsec());
		if (margins)
			margins->minSustainedGapUsec = std::min(margins->minSustainedGapUsec, det.sustainedGapUsec());
		if (!e.alarm)
			return;
		res.alarms++;
		res.alarmsByReason[std::string(injectionReasonName(e.reason))]++;
		res.alarmsByRule[std::string(e.rule)]++;
		if (alarmed != &s) {
			res.alarmSections++;
			if (res.examples.size() < 10)
				res.examples.push_back(p.id + "/" + s.section + ": " + e.describe());
		}
		alarmed = &s;
	});
}

// UKIP's rule: a window of 5 presses whose 4 gaps are all ≤ 50 ms.
void ukip(const Participant &p, HumanResult &res)
{
	for (const AaltoSection &s : p.sections)
		for (size_t i = kUkipWindow - 1; i < s.keys.size(); i++) {
			res.ukipWindows++;
			bool fast = true;
			for (size_t j = i + 1 - kUkipWindow + 1; j <= i && fast; j++)
				fast = s.keys[j].pressMs - s.keys[j - 1].pressMs <= kUkipGapMs;
			if (fast)
				res.ukipFires++;
		}
}

// A run length no human reached: twice the longest run the training
// participants typed, plus one, and at least the rule's floor (the field
// case it must not fire on). Twice, because the longest run of unseen
// people is larger than that of the seen ones (issue 11: 2 seen, 4 unseen).
uint32_t fitRun(uint32_t longestHuman, uint32_t floor)
{
	return std::max(floor, 2 * longestHuman + 1);
}

// The sustained-rate gap: 80% of the shortest window statistic the training
// participants reached (a 25% faster pace than any of them kept), whole ms.
uint64_t fitRateGap(uint64_t shortestHuman)
{
	if (shortestHuman == UINT64_MAX)
		return KeystrokeTimingConfig{}.rateGapUsec;
	return shortestHuman * 4 / 5 / 1000 * 1000;
}

FoldFit fit(const std::vector<const Margins *> &train)
{
	FoldFit f;
	for (const Margins *m : train) {
		for (unsigned i = 0; i < m->maxRun.size(); i++)
			f.seen.maxRun[i] = std::max(f.seen.maxRun[i], m->maxRun[i]);
		f.seen.minSustainedGapUsec = std::min(f.seen.minSustainedGapUsec, m->minSustainedGapUsec);
	}
	using R = KeystrokeTimingDetector::Rule;
	auto seen = [&](R r) { return f.seen.maxRun[static_cast<unsigned>(r)]; };
	KeystrokeTimingConfig &c = f.config;
	c.instantDwellRun = fitRun(seen(R::InstantDwell), 10); // "alfalfas": 8 home-row taps in a row
	c.shortDwellRun = fitRun(seen(R::ShortDwell), 4);
	c.rolloverRun = fitRun(seen(R::SustainedRollover), 4);
	c.rhythmRun = fitRun(seen(R::FixedRhythm), 4);
	c.cadenceRun = fitRun(seen(R::FixedCadence), 4);
	c.jitterRun = fitRun(seen(R::ConstantDwell), 4);
	c.rateGapUsec = fitRateGap(f.seen.minSustainedGapUsec);
	return f;
}

/** The fitted values of @p c, in rule order, the last one the sustained-rate gap in ms. */
std::array<uint64_t, KeystrokeTimingDetector::kRuleCount + 1> fittedValues(const KeystrokeTimingConfig &c)
{
	return {c.instantDwellRun, c.shortDwellRun, c.rolloverRun,  c.rhythmRun,
		c.cadenceRun,      c.jitterRun,     c.rateFastGaps, c.rateGapUsec / 1000};
}

struct HumanEval {
	AaltoStats stats;
	HumanResult shipped; // the shipped thresholds on everyone (in-sample for the fit on everyone)
	HumanResult heldOut; // each fold's fitted thresholds on that fold's participants
	std::vector<FoldFit> folds;
	FoldFit all;
	std::vector<std::string> looser; // shipped thresholds looser than the fit on everyone
};

int runHuman(const Options &o, HumanEval &h)
{
	auto files = listAaltoFiles(o.aalto);
	if (!files) {
		fprintf(stderr, "tactus-eval injection: %s\n", files.error().message.c_str());
		return 1;
	}
	std::vector<Participant> people;
	for (const std::string &f : *files) {
		auto r = readAaltoFile(
			f,
			[&](const AaltoSection &s) {
				if (people.empty() || people.back().id != s.participant)
					people.push_back({s.participant, {}});
				people.back().sections.push_back(s);
			},
			h.stats);
		if (!r)
			fprintf(stderr, "tactus-eval injection: %s, ignoring\n", r.error().message.c_str());
	}
	// Folds by position in file-name order: participant i is in fold i mod K.
	std::vector<Margins> margins(people.size());
	const KeystrokeTimingConfig shipped;
	for (size_t i = 0; i < people.size(); i++) {
		replayInto(people[i], shipped, h.shipped, &margins[i]);
		ukip(people[i], h.shipped);
	}
	std::vector<const Margins *> everyone;
	for (const Margins &m : margins)
		everyone.push_back(&m);
	h.all = fit(everyone);
	for (unsigned f = 0; f < o.folds; f++) {
		std::vector<const Margins *> train;
		for (size_t i = 0; i < people.size(); i++)
			if (i % o.folds != f)
				train.push_back(&margins[i]);
		h.folds.push_back(fit(train));
		for (size_t i = f; i < people.size(); i += o.folds)
			replayInto(people[i], h.folds.back().config, h.heldOut, nullptr);
	}
	const auto want = fittedValues(h.all.config);
	const auto have = fittedValues(shipped);
	for (unsigned i = 0; i < want.size(); i++) {
		const bool gap = i == want.size() - 1;
		if (gap ? have[i] > want[i] : have[i] < want[i])
			h.looser.push_back(i < KeystrokeTimingDetector::kRuleCount
						   ? KeystrokeTimingDetector::ruleName(
							     static_cast<KeystrokeTimingDetector::Rule>(i))
						   : "sustained-rate gap");
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

// Keystrokes a profile of @p r must be caught within: its own target, else
// the standard profiles' (tool hold at a 1 ms poll is caught by instant-dwell,
// at a slower poll by short-dwell: within the shipped run of each; the rest
// within 10 as before, or the shipped run of the rule that catches them).
unsigned limitOf(const AttackProfile &p)
{
	if (p.target || p.pace == AttackPace::Random)
		return p.target;
	const KeystrokeTimingConfig c;
	if (p.fastTarget)
		return p.pollMs > 1.0 ? c.shortDwellRun : c.instantDwellRun;
	return std::max<unsigned>(10, std::max(c.instantDwellRun, c.shortDwellRun));
}

void runAttacks(const Options &o, std::vector<AttackResult> &out)
{
	auto profiles = standardAttackProfiles();
	const size_t standard = profiles.size();
	for (const AttackProfile &p : randomisedAttackProfiles())
		profiles.push_back(p);
	for (size_t pi = 0; pi < profiles.size(); pi++) {
		AttackResult r;
		r.profile = profiles[pi];
		r.limit = limitOf(r.profile);
		// The randomised scripts type 100 keys; a stick's payload
		// is longer.
		const unsigned keystrokes = pi < standard ? kMaxKeystrokes : kRandomKeystrokes;
		SplitMix64 seeds(o.seed ^ (0x100000001b3ULL * (pi + 1)));
		for (unsigned run = 0; run < o.runs; run++) {
			auto ev = generateAttack(r.profile, seeds.next(), keystrokes);
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
		auto within = [&s](unsigned n) {
			return static_cast<double>(
				       std::count_if(s.begin(), s.end(), [n](unsigned v) { return v <= n; })) /
			       static_cast<double>(s.size());
		};
		r.within4 = within(4);
		r.within10 = within(10);
		r.within20 = within(20);
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

void printHuman(const char *title, const HumanResult &h)
{
	printf("  %s: %" PRIu64 " alarms in %" PRIu64 " sections (%" PRIu64 " participants, %" PRIu64 " events)\n",
	       title, h.alarms, h.alarmSections, h.participants, h.events);
	for (const auto &[rule, n] : h.alarmsByRule)
		printf("    %-32s %12" PRIu64 "\n", rule.c_str(), n);
	for (const std::string &e : h.examples)
		printf("    alarm: %s\n", e.c_str());
}

void printText(const Options &o, const HumanEval &h, const std::vector<AttackResult> &attacks)
{
	const KeystrokeTimingConfig shipped;
	const auto need = KeystrokeTimingDetector(shipped).thresholds();
	printf("tactus-eval injection (runs %u, seed %" PRIu64 ", %u folds)\n\n", o.runs, o.seed, o.folds);
	printf("Human typing (Aalto, %s)\n", o.aalto.c_str());
	printf("  participants %" PRIu64 ", sections %" PRIu64 ", keystrokes %" PRIu64 ", events %" PRIu64 "\n",
	       h.shipped.participants, h.stats.sections, h.stats.keystrokes, h.shipped.events);
	printf("  rows skipped: %" PRIu64 " malformed, %" PRIu64 " with release before press (of %" PRIu64
	       " rows); %" PRIu64 " keystrokes with an unmapped key code (kept)\n",
	       h.stats.malformed, h.stats.inconsistent, h.stats.rows, h.stats.unknownKeys);

	printf("\nThreshold fit: participant i in fold i mod %u; each fold's thresholds fitted on the other folds\n"
	       "(run = 2 x longest human run + 1, at least the rule's floor; sustained-rate gap = 80%% of the\n"
	       "shortest human window statistic: the %u-th shortest of the gaps among %u keystrokes)\n",
	       o.folds, shipped.rateFastGaps, shipped.rateWindow);
	printf("  %-22s", "rule");
	for (unsigned f = 0; f < h.folds.size(); f++)
		printf(" %9s", ("fold " + std::to_string(f + 1)).c_str());
	printf(" %9s %9s\n", "all", "shipped");
	const auto shippedValues = fittedValues(shipped);
	for (unsigned i = 0; i < shippedValues.size(); i++) {
		const bool gap = i == KeystrokeTimingDetector::kRuleCount;
		std::string name =
			gap ? "sustained-rate gap ms"
			    : KeystrokeTimingDetector::ruleName(static_cast<KeystrokeTimingDetector::Rule>(i));
		auto cell = [&](const FoldFit &f) {
			const uint64_t seen = gap ? f.seen.minSustainedGapUsec / 1000 : f.seen.maxRun[i];
			return std::to_string(fittedValues(f.config)[i]) + " (" + std::to_string(seen) + ")";
		};
		printf("  %-22s", name.c_str());
		for (const FoldFit &f : h.folds)
			printf(" %9s", cell(f).c_str());
		printf(" %9s %9" PRIu64 "\n", cell(h.all).c_str(), shippedValues[i]);
	}
	printf("  (in brackets: the longest run, or the shortest statistic in ms, of the participants fitted on)\n");
	for (const std::string &l : h.looser)
		printf("  WARNING: the shipped %s is looser than the fit on all participants\n", l.c_str());

	printf("\nFalse alarms\n");
	printHuman("held-out folds (each fold's fit on its unseen participants)", h.heldOut);
	printHuman("shipped thresholds on all participants (in-sample)", h.shipped);
	printf("  %-44s %8" PRIu64 " %10.2f per 100k (of %" PRIu64 " 5-press windows)\n",
	       "UKIP rule (5 presses, gaps <= 50 ms)", h.shipped.ukipFires,
	       h.shipped.ukipWindows ? 1e5 * static_cast<double>(h.shipped.ukipFires) / h.shipped.ukipWindows : 0.0,
	       h.shipped.ukipWindows);
	printf("  margin: longest human run per rule / shipped run that alarms\n");
	for (unsigned i = 0; i < KeystrokeTimingDetector::kRuleCount; i++)
		printf("    %-20s %3u / %u\n",
		       KeystrokeTimingDetector::ruleName(static_cast<KeystrokeTimingDetector::Rule>(i)),
		       h.shipped.maxRun[i], need[i]);
	printf("    %-20s %3" PRIu64 " ms / %" PRIu64 " ms (shortest human statistic / shipped gap)\n",
	       "sustained-rate gap", h.shipped.minSustainedGapUsec / 1000, shipped.rateGapUsec / 1000);

	printf("\nKeystrokes to detection, shipped thresholds (%u runs per profile; missed = not caught in %u "
	       "keystrokes,"
	       " %u for random-*)\n",
	       o.runs, kMaxKeystrokes, kRandomKeystrokes);
	printf("  %-38s %6s %6s %6s %7s %7s %7s %6s  %s\n", "profile", "median", "p95", "worst", "<=4", "<=10", "<=20",
	       "target", "first rule");
	for (const AttackResult &r : attacks) {
		std::string rules;
		for (const auto &[k, n] : r.firstReason)
			rules += (rules.empty() ? "" : ", ") + k + " " + std::to_string(n);
		printf("  %-38s %6s %6s %6s %6.1f%% %6.1f%% %6.1f%% %6s  %s\n", r.profile.name.c_str(),
		       countStr(r.median).c_str(), countStr(r.p95).c_str(), countStr(r.worst).c_str(), 100 * r.within4,
		       100 * r.within10, 100 * r.within20, r.limit ? ("<=" + std::to_string(r.limit)).c_str() : "-",
		       rules.c_str());
	}
}

void printJsonHuman(const char *key, const HumanResult &h, const char *end)
{
	printf("    \"%s\": {\"alarms\": %" PRIu64 ", \"alarm_sections\": %" PRIu64 ", \"participants\": %" PRIu64
	       ", \"alarms_by_rule\": {",
	       key, h.alarms, h.alarmSections, h.participants);
	bool first = true;
	for (const auto &[rule, n] : h.alarmsByRule) {
		printf("%s\"%s\": %" PRIu64, first ? "" : ", ", jsonEscape(rule).c_str(), n);
		first = false;
	}
	printf("}}%s\n", end);
}

void printJson(const Options &o, const HumanEval &h, const std::vector<AttackResult> &attacks)
{
	printf("{\n  \"runs\": %u,\n  \"seed\": %" PRIu64 ",\n  \"folds\": %u,\n  \"max_keystrokes\": %u,\n", o.runs,
	       o.seed, o.folds, kMaxKeystrokes);
	printf("  \"human\": {\"participants\": %" PRIu64 ", \"sections\": %" PRIu64 ", \"keystrokes\": %" PRIu64
	       ", \"events\": %" PRIu64 ", \"rows\": %" PRIu64 ", \"malformed_rows\": %" PRIu64
	       ", \"inconsistent_rows\": %" PRIu64 ", \"unknown_keys\": %" PRIu64 ",\n",
	       h.shipped.participants, h.stats.sections, h.stats.keystrokes, h.shipped.events, h.stats.rows,
	       h.stats.malformed, h.stats.inconsistent, h.stats.unknownKeys);
	printf("    \"alarms\": %" PRIu64 ", \"shipped_alarms\": %" PRIu64 ",\n", h.heldOut.alarms, h.shipped.alarms);
	printJsonHuman("held_out", h.heldOut, ",");
	printJsonHuman("shipped", h.shipped, ",");
	printf("    \"shipped_looser_than_fit\": [");
	for (size_t i = 0; i < h.looser.size(); i++)
		printf("%s\"%s\"", i ? ", " : "", jsonEscape(h.looser[i]).c_str());
	printf("],\n    \"ukip_windows\": %" PRIu64 ", \"ukip_fires\": %" PRIu64 ", \"ukip_per_100k\": %.3f},\n",
	       h.shipped.ukipWindows, h.shipped.ukipFires,
	       h.shipped.ukipWindows ? 1e5 * static_cast<double>(h.shipped.ukipFires) / h.shipped.ukipWindows : 0.0);
	printf("  \"attacks\": [\n");
	for (size_t i = 0; i < attacks.size(); i++) {
		const AttackResult &r = attacks[i];
		printf("    {\"profile\": \"%s\", \"limit\": %u, \"median\": %u, \"p95\": %u, \"worst\": %u, "
		       "\"missed\": %" PRIu64 ", \"within4\": %.4f, \"within10\": %.4f, \"within20\": %.4f}%s\n",
		       jsonEscape(r.profile.name).c_str(), r.limit, r.median, r.p95, r.worst, r.missed, r.within4,
		       r.within10, r.within20, i + 1 < attacks.size() ? "," : "");
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
	HumanEval human;
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
