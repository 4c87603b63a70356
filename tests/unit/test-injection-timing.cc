// SPDX-License-Identifier: MIT
// KeystrokeTimingDetector: scripts of EV_KEY events, generated human typing
// and every standard attack profile.

#include "injection-attacks.h"
#include "injection-timing.h"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
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
	// No rule decides on fewer keystrokes than its fitted run: a tool's own
	// hold is caught within the instant-dwell run (1 ms poll) or the
	// short-dwell run (8–10 ms polls), every other profile within 10.
	const KeystrokeTimingConfig c;
	for (const AttackProfile &p : standardAttackProfiles()) {
		const unsigned limit = p.fastTarget ? (p.pollMs > 1.0 ? c.shortDwellRun : c.instantDwellRun) : 10;
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
	const unsigned run = det.config().instantDwellRun;
	double prev = 0.0;
	uint64_t t = 1000;
	const uint16_t keys[] = {KEY_H, KEY_E, KEY_L, KEY_O};
	for (unsigned i = 0; i + 1 < run; i++) {
		det.keyEvent(t * 1000, keys[i % 4], 1);
		InjectionEvidence e = det.keyEvent(t * 1000 + 600, keys[i % 4], 0);
		EXPECT_FALSE(e.alarm);
		EXPECT_GT(e.strength, prev);
		prev = e.strength;
		t += 4;
	}
	det.keyEvent(t * 1000, keys[(run - 1) % 4], 1);
	EXPECT_TRUE(det.keyEvent(t * 1000 + 600, keys[(run - 1) % 4], 0).alarm);
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
	// Nine instant keystrokes, a long pause, nine more: never a run.
	std::vector<InputEvent> ev;
	const uint16_t keys[] = {KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H};
	for (unsigned i = 0; i < 18; i++) {
		uint64_t t = 1000 + 5 * i + (i >= 9 ? 5000 : 0);
		ev.push_back(InputEvent{t * 1000, EV_KEY, keys[i % 6], 1});
		ev.push_back(InputEvent{t * 1000 + 500, EV_KEY, keys[i % 6], 0});
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
	for (unsigned i = 0; i < 20; i++) {
		ev.push_back(InputEvent{t, EV_KEY, keys[i % 10], 1});
		ev.push_back(
			InputEvent{t + static_cast<uint64_t>(rng.uniform(30'000, 70'000)), EV_KEY, keys[i % 10], 0});
		t += static_cast<uint64_t>(rng.uniform(6'000, 30'000));
	}
	std::stable_sort(ev.begin(), ev.end(),
			 [](const InputEvent &a, const InputEvent &b) { return a.timeUsec < b.timeUsec; });
	Outcome o = feed(ev);
	ASSERT_GT(o.alarms, 0u);
	EXPECT_EQ(o.first.rule, "sustained-rollover");
	EXPECT_EQ(o.first.reason, InjectionReason::SuperhumanRate);
	EXPECT_LE(o.firstAlarmKeystroke, KeystrokeTimingConfig{}.rolloverRun + 1);
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
	EXPECT_EQ(o.firstAlarmKeystroke, KeystrokeTimingConfig{}.shortDwellRun);

	// The same at a 10 ms poll with one late report (a 14 ms hold).
	o = feed(tapStream({{10.1, 10.0}, {14.1, 11.8}, {9.9, 10.2}, {10.0, 9.8}, {10.2, 10.1}, {10.0, 10.1}}));
	ASSERT_GT(o.alarms, 0u);
	EXPECT_EQ(o.first.rule, "short-dwell");
	EXPECT_EQ(o.firstAlarmKeystroke, KeystrokeTimingConfig{}.shortDwellRun);
}

TEST(InjectionTiming, ShortDwellNeedsEveryConditionInARow)
{
	// Four short taps, then one a finger makes (35 ms), then four more:
	// never a run.
	EXPECT_EQ(feed(tapStream({{8, 8}, {8, 8}, {8, 8}, {8, 8}, {35, 8}, {8, 8}, {8, 8}, {8, 8}, {8, 8}})).alarms,
		  0u);
	// Release and next press together (a browser handing over a stalled
	// queue shows this; so would a same-report key change): no separate
	// key-up report, not this rule.
	EXPECT_EQ(feed(tapStream({{3, 0.5}, {2, 1}, {3, 0}, {2, 1}, {3, 0.5}, {2, 1}, {3, 1}, {2, 0}})).alarms, 0u);
	// Short holds at a pace of 10 keys/s: not fast enough to be this rule.
	EXPECT_EQ(feed(tapStream({{8, 92}, {9, 120}, {7, 85}, {10, 140}, {8, 100}, {9, 110}})).alarms, 0u);
	// Instant holds belong to instant-dwell, not to this rule.
	Outcome o = feed(tapStream({{0.5, 8},
				    {0.6, 8},
				    {0.4, 8},
				    {0.5, 8},
				    {0.5, 8},
				    {0.6, 8},
				    {0.4, 8},
				    {0.5, 8},
				    {0.5, 8},
				    {0.5, 8},
				    {0.5, 8}}));
	ASSERT_GT(o.alarms, 0u);
	EXPECT_EQ(o.first.rule, "instant-dwell");
}

// Issue 11, item 1: one-frame taps among human timing are not injection.

namespace {

// Generated words typed at about 5 keys/s on a tap-hold (home-row mods)
// board: the home-row letters a s d f j k l ; reach the host as a press and
// a release one poll apart (@p tapHoldUs), every other key is held 60–120 ms;
// gaps 90–220 ms. Words of up to eight home-row letters in a row.
std::vector<InputEvent> tapHoldTyping(uint64_t seed, unsigned keystrokes, uint64_t tapHoldUs)
{
	const uint16_t homeRow[] = {KEY_A, KEY_S, KEY_D, KEY_F, KEY_J, KEY_K, KEY_L, KEY_SEMICOLON};
	const uint16_t others[] = {KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O, KEY_P};
	SplitMix64 rng(seed);
	std::vector<InputEvent> ev;
	uint64_t t = 1'000'000;
	uint16_t prev = 0;
	unsigned i = 0;
	while (i < keystrokes) {
		// A word: a run of 1–8 home-row letters, a few other letters, a space.
		const unsigned run = 1 + static_cast<unsigned>(rng.below(8));
		std::vector<uint16_t> word;
		for (unsigned k = 0; k < run; k++)
			word.push_back(homeRow[rng.below(8)]);
		for (unsigned k = 0, n = static_cast<unsigned>(rng.below(4)); k < n; k++)
			word.push_back(others[rng.below(10)]);
		word.push_back(KEY_SPACE);
		for (uint16_t code : word) {
			if (code == prev)
				continue;
			const bool tap = std::find(std::begin(homeRow), std::end(homeRow), code) != std::end(homeRow);
			const uint64_t hold = tap ? tapHoldUs : static_cast<uint64_t>(rng.uniform(60'000, 120'000));
			ev.push_back(InputEvent{t, EV_KEY, code, 1});
			ev.push_back(InputEvent{t + hold, EV_KEY, code, 0});
			t += static_cast<uint64_t>(rng.uniform(90'000, 220'000));
			prev = code;
			i++;
		}
	}
	std::stable_sort(ev.begin(), ev.end(), [](const InputEvent &a, const InputEvent &b) {
		return a.timeUsec != b.timeUsec ? a.timeUsec < b.timeUsec : a.value < b.value;
	});
	return ev;
}

} // namespace

TEST(InjectionTiming, TapHoldFirmwareAtHumanPaceRaisesNothing)
{
	// 1 ms taps at a 1 kHz poll, 0.125 ms at 8 kHz; 5 keys/s.
	for (uint64_t tapHold : {1'000u, 125u}) {
		for (uint64_t seed = 1; seed <= 30; seed++) {
			Outcome o = feed(tapHoldTyping(seed, 600, tapHold));
			EXPECT_EQ(o.alarms, 0u) << "tap " << tapHold << " us, seed " << seed
						<< (o.lines.empty() ? "" : ": " + o.lines.front());
		}
	}
	// Four home-row taps in a row, each a poll apart (a fast roll the
	// firmware resolves at once), inside ordinary typing: still nothing.
	std::vector<InputEvent> ev = tapHoldTyping(99, 40, 1'000);
	const uint64_t t = ev.back().timeUsec + 200'000;
	const uint16_t roll[] = {KEY_S, KEY_A, KEY_D, KEY_F};
	for (unsigned i = 0; i < 4; i++) {
		ev.push_back(InputEvent{t + i * 2'000, EV_KEY, roll[i], 1});
		ev.push_back(InputEvent{t + i * 2'000 + 1'000, EV_KEY, roll[i], 0});
	}
	for (const InputEvent &e : tapHoldTyping(100, 40, 1'000)) {
		InputEvent shifted = e;
		shifted.timeUsec += t + 100'000;
		ev.push_back(shifted);
	}
	EXPECT_EQ(feed(ev).alarms, 0u);
}

TEST(InjectionTiming, BluetoothBatchAfterRadioStallRaisesNothing)
{
	for (uint64_t seed = 1; seed <= 50; seed++) {
		SplitMix64 rng(seed);
		std::vector<InputEvent> ev = generateHumanTyping(seed, 60, 170.0);
		// The radio stalls 2 s, then hands over a dozen buffered keystrokes
		// at once: holds and gaps under a millisecond.
		uint64_t t = ev.back().timeUsec + 2'000'000;
		const uint16_t keys[] = {KEY_H, KEY_E, KEY_L, KEY_O, KEY_W, KEY_R,
					 KEY_D, KEY_T, KEY_Y, KEY_P, KEY_A, KEY_N};
		for (uint16_t code : keys) {
			const auto hold = static_cast<uint64_t>(rng.uniform(30, 400));
			ev.push_back(InputEvent{t, EV_KEY, code, 1});
			ev.push_back(InputEvent{t + hold, EV_KEY, code, 0});
			t += hold + static_cast<uint64_t>(rng.uniform(20, 500));
		}
		// Then normal typing again.
		for (const InputEvent &e : generateHumanTyping(seed + 1000, 60, 170.0, t + 150'000))
			ev.push_back(e);
		Outcome o = feed(ev);
		EXPECT_EQ(o.alarms, 0u) << "seed " << seed << (o.lines.empty() ? "" : ": " + o.lines.front());
	}
	// A tool that types in such batches again and again is no stalled
	// radio: twelve keys at once every 100 ms is 120 keys/s.
	std::vector<InputEvent> ev;
	SplitMix64 rng(77);
	uint64_t t = 1'000'000;
	const uint16_t keys[] = {KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y};
	for (unsigned batch = 0; batch < 6; batch++) {
		for (unsigned i = 0; i < 12; i++) {
			const auto hold = static_cast<uint64_t>(rng.uniform(30, 400));
			ev.push_back(InputEvent{t, EV_KEY, keys[i % 6], 1});
			ev.push_back(InputEvent{t + hold, EV_KEY, keys[i % 6], 0});
			t += hold + static_cast<uint64_t>(rng.uniform(20, 500));
		}
		t += 100'000;
	}
	Outcome o = feed(ev);
	ASSERT_GT(o.alarms, 0u);
	EXPECT_EQ(o.first.rule, "sustained-rate");
	EXPECT_EQ(o.first.reason, InjectionReason::SuperhumanRate);
}

TEST(InjectionTiming, OneFrameTapsAtHumanPaceRaiseNothing)
{
	// An on-screen keyboard (press and release in one frame), hotkeys,
	// and force-release quirk keys (the driver's release microseconds
	// after the press), at a human pace, for a long while.
	for (uint64_t releaseAfter : {0u, 15u, 200u}) {
		SplitMix64 rng(releaseAfter + 1);
		std::vector<InputEvent> ev;
		uint64_t t = 1'000'000;
		const uint16_t keys[] = {KEY_H, KEY_E, KEY_L, KEY_O, KEY_VOLUMEUP, KEY_VOLUMEDOWN, KEY_MUTE, KEY_T};
		for (unsigned i = 0; i < 300; i++) {
			const uint16_t code = keys[i % 8];
			ev.push_back(InputEvent{t, EV_KEY, code, 1});
			ev.push_back(InputEvent{t + releaseAfter, EV_KEY, code, 0});
			t += static_cast<uint64_t>(rng.uniform(150'000, 600'000));
		}
		Outcome o = feed(ev);
		EXPECT_EQ(o.alarms, 0u) << releaseAfter << (o.lines.empty() ? "" : ": " + o.lines.front());
	}
}

// Issue 11, item 5: randomised scripts at a sustained superhuman rate.
TEST(InjectionTiming, RandomisedScriptAtSustainedRateIsCaught)
{
	// 100 keys, gaps uniform 30–50 ms, holds uniform 20–40 ms.
	AttackProfile issue = randomisedAttackProfiles().front();
	ASSERT_EQ(issue.name, "random-gap-30-50ms/hold-20-40ms");
	std::vector<unsigned> at;
	for (uint64_t seed = 1; seed <= 200; seed++) {
		const auto ev = generateAttack(issue, seed, 100);
		Outcome o = feed(ev);
		ASSERT_GT(o.alarms, 0u) << "seed " << seed;
		EXPECT_EQ(o.first.reason, InjectionReason::SuperhumanRate);
		EXPECT_EQ(o.first.rule, "sustained-rate");
		at.push_back(o.firstAlarmKeystroke);
	}
	std::sort(at.begin(), at.end());
	EXPECT_LE(at[at.size() / 2], 20u);
	EXPECT_LE(at.back(), 30u);

	// The whole family at 20 keys/s and more: none missed.
	for (const AttackProfile &p : randomisedAttackProfiles()) {
		if (!p.target)
			continue;
		for (uint64_t seed = 1; seed <= 50; seed++)
			EXPECT_GT(feed(generateAttack(p, seed * 31 + 7, 100)).alarms, 0u) << p.name << " seed " << seed;
	}
}

TEST(InjectionTiming, SustainedRateNeedsTheWholeWindow)
{
	// Bursts of 9 keys at 25 keys/s, each followed by a human gap: every
	// window of 19 gaps holds at least two slow ones, so never 18 fast.
	KeystrokeTimingDetector det;
	SplitMix64 rng(3);
	const uint16_t keys[] = {KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H};
	uint64_t t = 1'000'000;
	unsigned n = 0;
	for (unsigned round = 0; round < 20; round++) {
		for (unsigned i = 0; i < 9; i++, n++) {
			EXPECT_FALSE(det.keyEvent(t, keys[n % 6], 1).alarm);
			EXPECT_FALSE(
				det.keyEvent(t + static_cast<uint64_t>(rng.uniform(15'000, 30'000)), keys[n % 6], 0)
					.alarm);
			t += i == 8 ? 300'000 : static_cast<uint64_t>(rng.uniform(35'000, 45'000));
		}
	}
	// The window's statistic is what the eval fits the gap on.
	EXPECT_LT(det.sustainedGapUsec(), UINT64_MAX);
}
