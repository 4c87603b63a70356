// SPDX-License-Identifier: MIT
// tactus-eval typing-schedule: one Aalto participant's keystroke timing with
// generated keys, for a test bed to type through an emulated keyboard. Each
// keystroke keeps its press and release times and its key class (in the
// model's class set), but the key is drawn at random among the keys of that
// class: the schedule carries the person's rhythm, never their text.

#include "tactus-eval.h"

#include "aalto-dataset.h"
#include "key-classes.h"
#include "splitmix64.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace tactus::eval {

namespace {

// Keys a schedule may use: the ones every emulated keyboard has and a test
// bed can name (letters, digits, space, enter, backspace, left shift, and
// the punctuation of the main block).
std::vector<uint16_t> candidateKeys()
{
	std::vector<uint16_t> keys(letterKeyCodes().begin(), letterKeyCodes().end());
	for (uint16_t k : {KEY_1,     KEY_2,   KEY_3,         KEY_4,          KEY_5,     KEY_6,         KEY_7,
			   KEY_8,     KEY_9,   KEY_0,         KEY_SPACE,      KEY_ENTER, KEY_BACKSPACE, KEY_LEFTSHIFT,
			   KEY_COMMA, KEY_DOT, KEY_SEMICOLON, KEY_APOSTROPHE, KEY_SLASH, KEY_MINUS})
		keys.push_back(k);
	return keys;
}

struct Event {
	int64_t ms;
	uint16_t code;
	int value;
};

} // namespace

int runTypingSchedule(std::span<char *const> args)
{
	std::string file, setName = "hand-row";
	unsigned first = 0, count = 5;
	uint64_t seed = 1;
	for (size_t i = 0; i < args.size(); i++) {
		const std::string a = args[i];
		auto next = [&]() -> const char * { return i + 1 < args.size() ? args[++i] : nullptr; };
		const char *v = nullptr;
		if (a == "--aalto" && (v = next()))
			file = v;
		else if (a == "--class-set" && (v = next()))
			setName = v;
		else if (a == "--first" && (v = next()))
			first = static_cast<unsigned>(std::stoul(v));
		else if (a == "--sections" && (v = next()))
			count = static_cast<unsigned>(std::stoul(v));
		else if (a == "--seed" && (v = next()))
			seed = std::stoull(v);
		else {
			fprintf(stderr, "tactus-eval typing-schedule: unexpected '%s'\n", a.c_str());
			return 2;
		}
	}
	const auto set = keyClassSetByName(setName);
	if (file.empty() || !set) {
		fprintf(stderr, "tactus-eval typing-schedule: need --aalto FILE and a known --class-set\n");
		return 2;
	}

	// Keys of each class, among the candidates.
	std::map<uint8_t, std::vector<uint16_t>> byClass;
	for (uint16_t k : candidateKeys())
		byClass[keyClassOf(*set, k)].push_back(k);

	std::vector<AaltoSection> sections;
	AaltoStats stats;
	auto r = readAaltoFile(
		file, [&](const AaltoSection &s) { sections.push_back(s); }, stats);
	if (!r) {
		fprintf(stderr, "tactus-eval typing-schedule: %s\n", r.error().message.c_str());
		return 1;
	}
	std::stable_sort(sections.begin(), sections.end(), [](const AaltoSection &a, const AaltoSection &b) {
		return std::stol(a.section) < std::stol(b.section);
	});

	SplitMix64 rng(seed);
	std::vector<Event> events;
	int64_t offset = 0; // sections follow each other after a 1.5 s pause
	unsigned used = 0, keystrokes = 0, skipped = 0;
	for (unsigned s = first; s < sections.size() && used < count; s++, used++) {
		const auto &keys = sections[s].keys;
		if (keys.empty())
			continue;
		const int64_t base = keys.front().pressMs;
		int64_t last = 0;
		for (const auto &k : keys) {
			auto pool = byClass.find(keyClassOf(*set, k.code));
			if (pool == byClass.end() || pool->second.empty() || k.releaseMs <= k.pressMs) {
				skipped++;
				continue;
			}
			const uint16_t code = pool->second[rng.next() % pool->second.size()];
			const int64_t press = offset + (k.pressMs - base);
			const int64_t release = offset + (k.releaseMs - base);
			events.push_back({press, code, 1});
			events.push_back({release, code, 0});
			last = std::max(last, release);
			keystrokes++;
		}
		offset = last + 1500;
	}
	// Time order; a release before a press at the same millisecond. The same
	// generated key pressed again while still down would be a repeat on a
	// real keyboard: such overlaps are dropped by the consumer, not here.
	std::stable_sort(events.begin(), events.end(),
			 [](const Event &a, const Event &b) { return a.ms != b.ms ? a.ms < b.ms : a.value < b.value; });
	printf("# tactus-eval typing-schedule: %u sections from %u, %u keystrokes (%u skipped), class set %s, seed "
	       "%llu\n",
	       used, first, keystrokes, skipped, std::string(keyClassSetName(*set)).c_str(),
	       static_cast<unsigned long long>(seed));
	printf("# ms linux-key-code value\n");
	for (const Event &e : events)
		printf("%lld %u %d\n", static_cast<long long>(e.ms), e.code, e.value);
	return 0;
}

} // namespace tactus::eval
