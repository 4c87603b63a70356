// SPDX-License-Identifier: MIT
#include "injection-attacks.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace tactus {

namespace {

constexpr std::array<uint16_t, 27> kKeys = {
	KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,     KEY_N,
	KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z, KEY_SPACE,
};

uint16_t randomKey(SplitMix64 &rng)
{
	return kKeys[rng.next() % kKeys.size()];
}

InputEvent keyEvent(uint64_t t, uint16_t code, int32_t value)
{
	return InputEvent{t, EV_KEY, code, value};
}

// Sort by time; at equal times a release goes first, as a USB keyboard
// report that releases one key and presses another is decoded.
void sortEvents(std::vector<InputEvent> &ev)
{
	std::stable_sort(ev.begin(), ev.end(), [](const InputEvent &a, const InputEvent &b) {
		if (a.timeUsec != b.timeUsec)
			return a.timeUsec < b.timeUsec;
		return a.value < b.value;
	});
}

} // namespace

std::vector<AttackProfile> standardAttackProfiles()
{
	std::vector<AttackProfile> out;
	struct Variant {
		AttackHold hold;
		double pollMs;
	};
	for (Variant v : {Variant{AttackHold::Tool, 1.0}, Variant{AttackHold::Fixed, 1.0},
			  Variant{AttackHold::Tool, 8.0}, Variant{AttackHold::Tool, 10.0}}) {
		char h[40];
		snprintf(h, sizeof(h), "%s%s", v.hold == AttackHold::Tool ? "tool-hold" : "fixed-hold",
			 v.pollMs == 1.0   ? ""
			 : v.pollMs == 8.0 ? "/poll-8ms"
					   : "/poll-10ms");
		char name[96];
		const bool tool = v.hold == AttackHold::Tool;
		snprintf(name, sizeof(name), "raw/%s", h);
		out.push_back({name, AttackPace::Raw, 0.0, 0.0, v.hold, tool, v.pollMs});
		// Beyond the issue's list: a tool that lets go of a key and
		// presses the next in the same report (a rollover report,
		// flight 0), keys one poll apart.
		if (tool) {
			snprintf(name, sizeof(name), "same-report/%s", h);
			out.push_back({name, AttackPace::Fixed, 0.0, 0.0, v.hold, false, v.pollMs});
		}
		for (double d : {10.0, 20.0, 50.0, 100.0}) {
			snprintf(name, sizeof(name), "fixed-%gms/%s", d, h);
			out.push_back({name, AttackPace::Fixed, d, 0.0, v.hold, tool && d <= 20.0, v.pollMs});
		}
		for (double d : {10.0, 20.0, 50.0, 100.0}) {
			snprintf(name, sizeof(name), "fixed-%gms+jitter-20ms/%s", d, h);
			out.push_back({name, AttackPace::FixedJitter, d, 20.0, v.hold, false, v.pollMs});
		}
	}
	return out;
}

std::vector<AttackProfile> randomisedAttackProfiles()
{
	std::vector<AttackProfile> out;
	AttackProfile issue;
	issue.name = "random-gap-30-50ms/hold-20-40ms";
	issue.pace = AttackPace::Random;
	issue.hold = AttackHold::Random;
	issue.meanGapMs = 40.0; // uniform ±25%: 30–50 ms, holds 50–100%: 20–40 ms
	issue.target = 20;
	out.push_back(issue);
	for (AttackJitter j : {AttackJitter::Uniform, AttackJitter::Gaussian}) {
		for (double rate : {15.0, 20.0, 25.0, 30.0, 40.0}) {
			AttackProfile p;
			char name[96];
			snprintf(name, sizeof(name), "random-%s/%g-keys-per-s",
				 j == AttackJitter::Uniform ? "uniform" : "gaussian", rate);
			p.name = name;
			p.pace = AttackPace::Random;
			p.hold = AttackHold::Random;
			p.meanGapMs = 1000.0 / rate;
			p.jitter = j;
			p.target = rate >= 20.0 ? 20 : 0;
			out.push_back(p);
		}
	}
	return out;
}

namespace {

// A Random profile: presses scheduled press→press, each held its own time.
std::vector<InputEvent> generateRandomAttack(const AttackProfile &p, SplitMix64 &rng, unsigned keystrokes,
					     uint64_t startUsec)
{
	std::vector<InputEvent> ev;
	ev.reserve(2 * keystrokes);
	const double pollUs = p.pollMs * 1000.0;
	const double phase = rng.uniform(0.0, pollUs);
	auto host = [&](double deviceUs) { return std::ceil((deviceUs - phase) / pollUs) * pollUs + phase; };
	const double mean = p.meanGapMs * 1000.0;
	auto gap = [&] {
		if (p.jitter == AttackJitter::Uniform)
			return rng.uniform(0.75 * mean, 1.25 * mean);
		return std::max(1000.0, mean * (1.0 + 0.2 * rng.normal()));
	};
	auto hold = [&] {
		if (p.jitter == AttackJitter::Uniform)
			return rng.uniform(0.5 * mean, mean);
		return std::max(1000.0, mean * (0.75 + 0.15 * rng.normal()));
	};
	double t = static_cast<double>(startUsec);
	uint16_t prev = 0;
	double prevRelease = 0.0;
	for (unsigned i = 0; i < keystrokes; i++) {
		uint16_t code = randomKey(rng);
		if (code == prev) // a double letter: the tool must release first
			t = std::max(t, prevRelease + pollUs);
		const double press = host(t);
		const double release = std::max(host(t + hold()), press + pollUs);
		const double lat = rng.uniform(0.0, 100.0);
		ev.push_back(keyEvent(static_cast<uint64_t>(press + lat), code, 1));
		ev.push_back(keyEvent(static_cast<uint64_t>(release + rng.uniform(0.0, 100.0)), code, 0));
		prev = code;
		prevRelease = release;
		t += gap();
	}
	// A key released after the same key's next press cannot happen: keep
	// each key's events paired in order (a double letter waited above).
	sortEvents(ev);
	return ev;
}

} // namespace

std::vector<InputEvent> generateAttack(const AttackProfile &p, uint64_t seed, unsigned keystrokes, uint64_t startUsec)
{
	SplitMix64 rng(seed);
	if (p.pace == AttackPace::Random)
		return generateRandomAttack(p, rng, keystrokes, startUsec);
	std::vector<InputEvent> ev;
	ev.reserve(2 * keystrokes);
	const double pollUs = p.pollMs * 1000.0;
	const double phase = rng.uniform(0.0, pollUs);
	const double holdUs = p.hold == AttackHold::Tool ? 1000.0 : rng.uniform(30'000.0, 120'000.0);
	// The host sees a report at the first poll after the device queued it,
	// plus interrupt latency.
	const uint64_t latencySeed = rng.next();
	auto host = [&](double deviceUs) {
		double polls = std::ceil((deviceUs - phase) / pollUs);
		return polls * pollUs + phase;
	};
	// One report, one interrupt: events of the same poll share a timestamp.
	auto latency = [&](double atUs) {
		SplitMix64 l(latencySeed ^ static_cast<uint64_t>(atUs));
		return l.uniform(0.0, 100.0);
	};
	double t = static_cast<double>(startUsec);
	uint16_t prev = 0;
	for (unsigned i = 0; i < keystrokes; i++) {
		uint16_t code = randomKey(rng);
		if (code == prev) // a typed double letter: the tool must release first
			code = kKeys[(static_cast<size_t>(std::find(kKeys.begin(), kKeys.end(), code) - kKeys.begin()) +
				      1) %
				     kKeys.size()];
		prev = code;
		double pressPoll = host(t);
		double releasePoll = std::max(host(t + holdUs), pressPoll + pollUs);
		ev.push_back(keyEvent(static_cast<uint64_t>(pressPoll + latency(pressPoll)), code, 1));
		ev.push_back(keyEvent(static_cast<uint64_t>(releasePoll + latency(releasePoll)), code, 0));
		double delayUs = 0.0;
		switch (p.pace) {
		case AttackPace::Raw: delayUs = rng.uniform(0.0, 7000.0); break;
		case AttackPace::Fixed: delayUs = p.delayMs * 1000.0; break;
		case AttackPace::FixedJitter: delayUs = (p.delayMs + rng.uniform(0.0, p.jitterMs)) * 1000.0; break;
		case AttackPace::Random: break; // generateRandomAttack
		}
		t = releasePoll + delayUs;
	}
	sortEvents(ev);
	return ev;
}

std::vector<InputEvent> generateHumanTyping(uint64_t seed, unsigned keystrokes, double medianFlightMs,
					    uint64_t startUsec)
{
	SplitMix64 rng(seed);
	std::vector<InputEvent> ev;
	ev.reserve(2 * keystrokes);
	double t = static_cast<double>(startUsec);
	uint16_t prev = 0;
	double prevRelease = 0.0;
	for (unsigned i = 0; i < keystrokes; i++) {
		uint16_t code = randomKey(rng);
		bool dbl = rng.uniform() < 0.02;
		if (dbl && prev)
			code = prev;
		else if (code == prev)
			code = kKeys[(rng.next() % (kKeys.size() - 1) + 1 +
				      static_cast<size_t>(std::find(kKeys.begin(), kKeys.end(), code) -
							  kKeys.begin())) %
				     kKeys.size()];
		if (code == prev && t < prevRelease + 15'000.0)
			t = prevRelease + 15'000.0 + rng.uniform(0.0, 30'000.0);
		double dwellUs = 90'000.0 * std::exp(0.3 * rng.normal());
		ev.push_back(keyEvent(static_cast<uint64_t>(t), code, 1));
		ev.push_back(keyEvent(static_cast<uint64_t>(t + dwellUs), code, 0));
		prev = code;
		prevRelease = t + dwellUs;
		t += medianFlightMs * 1000.0 * std::exp(0.5 * rng.normal());
	}
	sortEvents(ev);
	return ev;
}

} // namespace tactus

// ---- Pointer attack profiles (issue 11, item 6) ----------------------------

namespace tactus {

double pointerEase(PointerEasing e, double s)
{
	s = std::clamp(s, 0.0, 1.0);
	switch (e) {
	case PointerEasing::Linear: return s;
	case PointerEasing::InOutQuad: return s < 0.5 ? 2 * s * s : 1 - std::pow(-2 * s + 2, 2) / 2;
	case PointerEasing::InOutCubic: return s < 0.5 ? 4 * s * s * s : 1 - std::pow(-2 * s + 2, 3) / 2;
	case PointerEasing::InOutSine: return -(std::cos(M_PI * s) - 1) / 2;
	case PointerEasing::MinimumJerk: return s * s * s * (10 - 15 * s + 6 * s * s);
	}
	return s;
}

std::vector<PointerAttackProfile> standardPointerAttackProfiles()
{
	std::vector<PointerAttackProfile> out;
	char name[96];
	struct Pace {
		double intervalMs, jitterMs;
	};
	const Pace paces[] = {{8, 0}, {8, 1.5}, {10, 0}, {10, 1.5}, {16, 5}};
	for (Pace pc : paces) {
		for (bool randomStep : {false, true}) {
			PointerAttackProfile p;
			p.path = PointerPath::ConstantStep;
			if (randomStep)
				p.stepX = p.stepY = 0;
			p.intervalMs = pc.intervalMs;
			p.jitterMs = pc.jitterMs;
			snprintf(name, sizeof(name), "steps-%s/%gms", randomStep ? "random" : "6,3", pc.intervalMs);
			p.name = name;
			if (pc.jitterMs > 0) {
				snprintf(name, sizeof(name), "+jitter-%gms", pc.jitterMs);
				p.name += name;
			}
			out.push_back(p);
		}
	}
	struct Ease {
		PointerEasing e;
		const char *name;
	};
	const Ease eases[] = {{PointerEasing::Linear, "linear"},
			      {PointerEasing::InOutQuad, "in-out-quad"},
			      {PointerEasing::InOutCubic, "in-out-cubic"},
			      {PointerEasing::InOutSine, "in-out-sine"},
			      {PointerEasing::MinimumJerk, "minimum-jerk"}};
	for (Ease ez : eases) {
		for (PointerPath path : {PointerPath::EasedSteps, PointerPath::EasedClock}) {
			for (Pace pc : {Pace{10, 0}, Pace{8, 1.5}}) {
				for (bool absolute : {false, true}) {
					if (absolute && (path != PointerPath::EasedSteps || pc.jitterMs > 0))
						continue;
					PointerAttackProfile p;
					p.path = path;
					p.easing = ez.e;
					p.intervalMs = pc.intervalMs;
					p.jitterMs = pc.jitterMs;
					p.absolute = absolute;
					snprintf(name, sizeof(name), "eased-%s/%s/%gms%s%s", ez.name,
						 path == PointerPath::EasedSteps ? "by-step" : "by-clock",
						 pc.intervalMs, pc.jitterMs > 0 ? "+jitter-1.5ms" : "",
						 absolute ? "/absolute" : "");
					p.name = name;
					out.push_back(p);
				}
			}
		}
	}
	return out;
}

std::vector<InputEvent> generatePointerAttack(const PointerAttackProfile &p, uint64_t seed, unsigned strokes,
					      uint64_t startUsec)
{
	SplitMix64 rng(seed);
	std::vector<InputEvent> ev;
	double t = static_cast<double>(startUsec);
	// Absolute pointers start somewhere inside the 0..32767 range.
	int64_t ax = 16384, ay = 16384;
	auto emit = [&](uint64_t at, int64_t dx, int64_t dy) {
		if (p.absolute) {
			ax += dx;
			ay += dy;
			ev.push_back({at, EV_ABS, ABS_X, static_cast<int32_t>(ax)});
			ev.push_back({at, EV_ABS, ABS_Y, static_cast<int32_t>(ay)});
		} else {
			if (dx)
				ev.push_back({at, EV_REL, REL_X, static_cast<int32_t>(dx)});
			if (dy)
				ev.push_back({at, EV_REL, REL_Y, static_cast<int32_t>(dy)});
		}
		ev.push_back({at, EV_SYN, SYN_REPORT, 0});
	};
	for (unsigned s = 0; s < strokes; s++) {
		int stepX = p.stepX, stepY = p.stepY;
		if (p.path == PointerPath::ConstantStep && stepX == 0 && stepY == 0) {
			while (stepX == 0 && stepY == 0) {
				stepX = static_cast<int>(rng.next() % 17) - 8;
				stepY = static_cast<int>(rng.next() % 17) - 8;
			}
		}
		if (p.path == PointerPath::ConstantStep && s % 2 == 1) { // back and forth
			stepX = -stepX;
			stepY = -stepY;
		}
		// An absolute stroke stays in range: aim it back at the centre half.
		double angle = rng.uniform(0, 2 * M_PI);
		const double length = rng.uniform(200, 800);
		if (p.absolute)
			angle = std::atan2(16384.0 - static_cast<double>(ay), 16384.0 - static_cast<double>(ax)) +
				rng.uniform(-1.0, 1.0);
		const double duration = p.frames * p.intervalMs * 1000.0;
		const double t0 = t;
		int64_t sentX = 0, sentY = 0;
		for (unsigned i = 1; i <= p.frames; i++) {
			t += p.intervalMs * 1000.0 + rng.uniform(0.0, p.jitterMs * 1000.0);
			int64_t dx = stepX, dy = stepY;
			if (p.path != PointerPath::ConstantStep) {
				const double f = p.path == PointerPath::EasedSteps ? static_cast<double>(i) / p.frames
										   : std::min(1.0, (t - t0) / duration);
				const double pos = length * pointerEase(p.easing, f);
				const int64_t tx = std::llround(pos * std::cos(angle));
				const int64_t ty = std::llround(pos * std::sin(angle));
				dx = tx - sentX;
				dy = ty - sentY;
			}
			sentX += dx;
			sentY += dy;
			if (dx || dy)
				emit(static_cast<uint64_t>(t), dx, dy);
		}
		t += rng.uniform(300'000, 800'000);
		const double hold = rng.uniform(60'000, 110'000);
		ev.push_back({static_cast<uint64_t>(t), EV_KEY, BTN_LEFT, 1});
		ev.push_back({static_cast<uint64_t>(t), EV_SYN, SYN_REPORT, 0});
		ev.push_back({static_cast<uint64_t>(t + hold), EV_KEY, BTN_LEFT, 0});
		ev.push_back({static_cast<uint64_t>(t + hold), EV_SYN, SYN_REPORT, 0});
		t += hold + rng.uniform(200'000, 600'000);
	}
	return ev;
}

} // namespace tactus
