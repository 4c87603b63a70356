// SPDX-License-Identifier: MIT
// KeystrokeTimingDetector: scripts of EV_KEY events, generated human typing
// and every standard attack profile.

#include "injection-attacks.h"
#include "injection-timing.h"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace tactus;

namespace {

struct Outcome {
	unsigned alarms = 0;
	unsigned firstAlarmKeystroke = 0; // presses fed when the first alarm came; 0 = none
	InjectionEvidence first;
	std::vector<std::string> lines; // describe() of every alarm
};

Outcome feed(KeystrokeTimingDetector &det, const std::vector<InputEvent> &events)
{
	Outcome o;
	unsigned presses = 0;
	for (const InputEvent &e : events) {
		if (e.value == 1)
			presses++;
		InjectionEvidence ev = det.keyEvent(e.timeUsec, e.code, e.value);
		EXPECT_GE(ev.strength, 0.0);
		EXPECT_LE(ev.strength, 1.0);
		if (ev.alarm) {
			if (!o.alarms) {
				o.firstAlarmKeystroke = presses;
				o.first = ev;
			}
			o.alarms++;
			o.lines.push_back(ev.describe());
		}
	}
	return o;
}

Outcome feed(const std::vector<InputEvent> &events)
{
	KeystrokeTimingDetector det;
	return feed(det, events);
}

InputEvent key(uint64_t ms, uint16_t code, int32_t value)
{
	return InputEvent{ms * 1000, EV_KEY, code, value};
}

} // namespace

TEST(InjectionTiming, HumanLikeTypingRaisesNothing)
{
	for (uint64_t seed = 1; seed <= 40; seed++) {
		for (double median : {90.0, 130.0, 200.0}) {
			Outcome o = feed(generateHumanTyping(seed, 2000, median));
			EXPECT_EQ(o.alarms, 0u) << "seed " << seed << " median " << median
						<< (o.lines.empty() ? "" : ": " + o.lines.front());
		}
	}
}

TEST(InjectionTiming, EveryAttackProfileCaughtWithinTarget)
{
	for (const AttackProfile &p : standardAttackProfiles()) {
		const unsigned limit = p.fastTarget ? 4 : 10;
		for (uint64_t seed = 1; seed <= 200; seed++) {
			Outcome o = feed(generateAttack(p, seed * 7919 + 1, 60));
			ASSERT_GT(o.alarms, 0u) << p.name << " seed " << seed << " never caught";
			EXPECT_LE(o.firstAlarmKeystroke, limit) << p.name << " seed " << seed;
		}
	}
}

TEST(InjectionTiming, RawInjectionIsSuperhuman)
{
	AttackProfile raw{"raw", AttackPace::Raw, 0, 0, AttackHold::Tool, true};
	Outcome o = feed(generateAttack(raw, 42, 20));
	ASSERT_GT(o.alarms, 0u);
	EXPECT_EQ(o.first.reason, InjectionReason::SuperhumanRate);
	EXPECT_EQ(injectionReasonName(o.first.reason), "superhuman-rate");
	EXPECT_DOUBLE_EQ(o.first.strength, 1.0);
}

TEST(InjectionTiming, FixedDelayWithHumanHoldIsTooRegular)
{
	AttackProfile p{"fixed", AttackPace::Fixed, 50, 0, AttackHold::Fixed, false};
	Outcome o = feed(generateAttack(p, 7, 30));
	ASSERT_GT(o.alarms, 0u);
	EXPECT_EQ(o.first.reason, InjectionReason::TooRegular);
	EXPECT_EQ(injectionReasonName(o.first.reason), "too-regular");
}

TEST(InjectionTiming, StrengthGrowsBeforeAlarm)
{
	// Raw injection: each keystroke adds evidence before the alarm.
	KeystrokeTimingDetector det;
	double prev = 0.0;
	uint64_t t = 1000;
	const uint16_t keys[] = {KEY_H, KEY_E, KEY_L, KEY_O};
	for (unsigned i = 0; i < 3; i++) {
		det.keyEvent(t * 1000, keys[i], 1);
		InjectionEvidence e = det.keyEvent(t * 1000 + 600, keys[i], 0);
		EXPECT_FALSE(e.alarm);
		EXPECT_GT(e.strength, prev);
		prev = e.strength;
		t += 4;
	}
	det.keyEvent(t * 1000, keys[3], 1);
	EXPECT_TRUE(det.keyEvent(t * 1000 + 600, keys[3], 0).alarm);
}

TEST(InjectionTiming, AutorepeatOfHeldKeyRaisesNothing)
{
	// Backspace held for 3 s: kernel autorepeat at 33 ms after 250 ms.
	std::vector<InputEvent> ev;
	ev.push_back(key(1000, KEY_BACKSPACE, 1));
	for (uint64_t t = 1250; t < 4000; t += 33)
		ev.push_back(key(t, KEY_BACKSPACE, 2));
	ev.push_back(key(4000, KEY_BACKSPACE, 0));
	EXPECT_EQ(feed(ev).alarms, 0u);

	// Some keyboards and browsers repeat as press/release pairs of the same
	// key at a perfectly fixed rate (20 ms, 19 ms hold): neutral, too.
	std::vector<InputEvent> pairs;
	pairs.push_back(key(900, KEY_A, 1));
	pairs.push_back(key(980, KEY_A, 0));
	for (uint64_t t = 1000; t < 3000; t += 20) {
		pairs.push_back(key(t, KEY_BACKSPACE, 1));
		pairs.push_back(key(t + 19, KEY_BACKSPACE, 0));
	}
	EXPECT_EQ(feed(pairs).alarms, 0u);
}

TEST(InjectionTiming, RolloverBurstOfFastTypistRaisesNothing)
{
	// 3 overlapping presses 15 ms apart, then normal typing; repeated.
	std::vector<InputEvent> ev;
	uint64_t t = 1000;
	const uint16_t burst[] = {KEY_T, KEY_H, KEY_E};
	const uint16_t normal[] = {KEY_SPACE, KEY_Q, KEY_U, KEY_I, KEY_C, KEY_K, KEY_SPACE};
	const uint64_t flights[] = {160, 210, 140, 260, 180, 230, 150};
	const uint64_t dwells[] = {95, 70, 120, 85, 105, 60, 90};
	for (int round = 0; round < 50; round++) {
		for (unsigned i = 0; i < 3; i++)
			ev.push_back(key(t + 15 * i, burst[i], 1));
		for (unsigned i = 0; i < 3; i++)
			ev.push_back(key(t + 15 * i + 80 + 7 * i, burst[i], 0));
		t += 30 + 190;
		for (unsigned i = 0; i < 7; i++) {
			ev.push_back(key(t, normal[i], 1));
			ev.push_back(key(t + dwells[(i + round) % 7], normal[i], 0));
			t += flights[(i * 3 + round) % 7];
		}
	}
	std::stable_sort(ev.begin(), ev.end(),
			 [](const InputEvent &a, const InputEvent &b) { return a.timeUsec < b.timeUsec; });
	Outcome o = feed(ev);
	EXPECT_EQ(o.alarms, 0u) << (o.lines.empty() ? "" : o.lines.front());
}

TEST(InjectionTiming, PauseEndsRun)
{
	// Three instant keystrokes, a long pause, three more: never four in a row.
	std::vector<InputEvent> ev;
	const uint16_t keys[] = {KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H};
	for (unsigned i = 0; i < 6; i++) {
		uint64_t t = 1000 + 5 * i + (i >= 3 ? 5000 : 0);
		ev.push_back(InputEvent{t * 1000, EV_KEY, keys[i], 1});
		ev.push_back(InputEvent{t * 1000 + 500, EV_KEY, keys[i], 0});
	}
	EXPECT_EQ(feed(ev).alarms, 0u);
}

TEST(InjectionTiming, ResetForgets)
{
	KeystrokeTimingDetector det;
	const uint16_t keys[] = {KEY_A, KEY_S, KEY_D, KEY_F};
	for (unsigned i = 0; i < 3; i++) {
		det.keyEvent((1000 + 5 * i) * 1000, keys[i], 1);
		det.keyEvent((1000 + 5 * i) * 1000 + 500, keys[i], 0);
	}
	det.reset();
	det.keyEvent(1100'000, keys[3], 1);
	EXPECT_FALSE(det.keyEvent(1100'500, keys[3], 0).alarm);
	EXPECT_EQ(det.runs()[0], 1u);
}

TEST(InjectionTiming, KeyCodesNeverInEvidence)
{
	// Whatever is typed, the evidence text carries no key code or key name.
	AttackProfile raw{"raw", AttackPace::Raw, 0, 0, AttackHold::Tool, true};
	Outcome o = feed(generateAttack(raw, 3, 50));
	ASSERT_FALSE(o.lines.empty());
	// Drive a detector with one unusual code so a leak would be recognisable.
	KeystrokeTimingDetector det;
	std::vector<std::string> lines;
	for (unsigned i = 0; i < 12; i++) {
		uint16_t code = i % 2 ? KEY_F23 : KEY_KPJPCOMMA; // 193 and 95
		InjectionEvidence a = det.keyEvent(1'000'000 + i * 3000, code, 1);
		InjectionEvidence b = det.keyEvent(1'000'000 + i * 3000 + 400, code, 0);
		for (const InjectionEvidence &e : {a, b}) {
			if (e.alarm)
				lines.push_back(e.describe());
			EXPECT_EQ(e.rule.find("193"), std::string_view::npos);
		}
	}
	ASSERT_FALSE(lines.empty());
	for (const std::string &l : lines) {
		EXPECT_EQ(l.find("193"), std::string::npos) << l;
		EXPECT_EQ(l.find(" 95"), std::string::npos) << l;
		EXPECT_EQ(l.find("KEY_"), std::string::npos) << l;
	}
	for (const std::string &l : o.lines) {
		EXPECT_TRUE(l.starts_with("superhuman-rate") || l.starts_with("too-regular")) << l;
		EXPECT_EQ(l.find("KEY_"), std::string::npos) << l;
	}
}

TEST(InjectionTiming, SustainedOverlappingStreamIsSuperhuman)
{
	// A tool that presses every 12 ms and holds each key 50 ms, hold and
	// pace both varied so no regularity rule applies: only speed remains.
	std::vector<InputEvent> ev;
	const uint16_t keys[] = {KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L, KEY_Q};
	uint64_t t = 1'000'000;
	SplitMix64 rng(5);
	for (unsigned i = 0; i < 10; i++) {
		ev.push_back(InputEvent{t, EV_KEY, keys[i], 1});
		ev.push_back(InputEvent{t + static_cast<uint64_t>(rng.uniform(30'000, 70'000)), EV_KEY, keys[i], 0});
		t += static_cast<uint64_t>(rng.uniform(6'000, 30'000));
	}
	std::stable_sort(ev.begin(), ev.end(),
			 [](const InputEvent &a, const InputEvent &b) { return a.timeUsec < b.timeUsec; });
	Outcome o = feed(ev);
	ASSERT_GT(o.alarms, 0u);
	EXPECT_EQ(o.first.rule, "sustained-rollover");
	EXPECT_EQ(o.first.reason, InjectionReason::SuperhumanRate);
	EXPECT_LE(o.firstAlarmKeystroke, 7u);
}

namespace {

// Keystrokes from (hold, flight) pairs in ms: each key held `hold`, the next
// pressed `flight` after this one's release. Distinct letters in turn.
std::vector<InputEvent> tapStream(const std::vector<std::pair<double, double>> &taps, uint64_t startMs = 1000)
{
	const uint16_t keys[] = {KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L, KEY_Q, KEY_W, KEY_E};
	std::vector<InputEvent> ev;
	double t = static_cast<double>(startMs) * 1000.0;
	for (size_t i = 0; i < taps.size(); i++) {
		const uint16_t code = keys[i % std::size(keys)];
		ev.push_back(InputEvent{static_cast<uint64_t>(t), EV_KEY, code, 1});
		t += taps[i].first * 1000.0;
		ev.push_back(InputEvent{static_cast<uint64_t>(t), EV_KEY, code, 0});
		t += taps[i].second * 1000.0;
	}
	return ev;
}

} // namespace

TEST(InjectionTiming, SlowPollScriptIsShortDwell)
{
	// What the guest kernel stamped for QEMU's usb-kbd typing a script with
	// no delay (8 ms poll, one report per poll, TCG jitter): each key down
	// one poll, up one poll. No hold is instant, no band is tight.
	Outcome o = feed(tapStream({{8.3, 8.0}, {10.3, 5.4}, {7.6, 5.9}, {7.7, 8.2}, {8.8, 8.1}, {7.5, 7.8}}));
	ASSERT_GT(o.alarms, 0u);
	EXPECT_EQ(o.first.rule, "short-dwell");
	EXPECT_EQ(o.first.reason, InjectionReason::SuperhumanRate);
	EXPECT_EQ(o.firstAlarmKeystroke, 4u);

	// The same at a 10 ms poll with one late report (a 14 ms hold).
	o = feed(tapStream({{10.1, 10.0}, {14.1, 11.8}, {9.9, 10.2}, {10.0, 9.8}, {10.2, 10.1}}));
	ASSERT_GT(o.alarms, 0u);
	EXPECT_EQ(o.first.rule, "short-dwell");
	EXPECT_EQ(o.firstAlarmKeystroke, 4u);
}

TEST(InjectionTiming, ShortDwellNeedsEveryConditionInARow)
{
	// Three short taps, then one a finger makes (35 ms), then three more:
	// never four in a row.
	EXPECT_EQ(feed(tapStream({{8, 8}, {8, 8}, {8, 8}, {35, 8}, {8, 8}, {8, 8}, {8, 8}})).alarms, 0u);
	// Release and next press together (a browser handing over a stalled
	// queue shows this; so would a same-report key change): no separate
	// key-up report, not this rule.
	EXPECT_EQ(feed(tapStream({{3, 0.5}, {2, 1}, {3, 0}, {2, 1}, {3, 0.5}, {2, 1}, {3, 1}, {2, 0}})).alarms, 0u);
	// Short holds at a pace of 10 keys/s: not fast enough to be this rule.
	EXPECT_EQ(feed(tapStream({{8, 92}, {9, 120}, {7, 85}, {10, 140}, {8, 100}, {9, 110}})).alarms, 0u);
	// Instant holds belong to instant-dwell, not to this rule.
	Outcome o = feed(tapStream({{0.5, 8}, {0.6, 8}, {0.4, 8}, {0.5, 8}, {0.5, 8}}));
	ASSERT_GT(o.alarms, 0u);
	EXPECT_EQ(o.first.rule, "instant-dwell");
}
