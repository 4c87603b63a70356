// SPDX-License-Identifier: MIT
#pragma once

// Keystroke timing evidence of injection on one keyboard: superhuman speed
// and machine regularity. Pure: no I/O, no allocation after construction,
// fixed-size rings. A key code is kept only to pair a press with its release
// and to tell a repeat of the same key; it never leaves this class.

#include "injection-evidence.h"

#include <array>
#include <cstdint>

namespace tactus {

/**
 * Thresholds of KeystrokeTimingDetector. The per-keystroke conditions (how
 * short a hold, how fast a pace) come from the devices: what one USB poll
 * makes, what a finger cannot. The run lengths and the sustained-rate gap
 * are fitted to human typing by cross-validation over the Aalto
 * participants (tactus-eval injection, "Threshold fit"); the defaults here
 * are that fit on all participants, and the eval checks they are no looser.
 *
 * No rule decides on a few keystrokes among human timing: one-frame taps
 * (press and release in one frame: on-screen keyboards, the kernel's
 * force-release quirk, hotkeys), batches (a Bluetooth keyboard flushing
 * its buffer after a radio stall) and tap-hold firmware (QMK/ZMK home-row
 * mods: 1 ms holds at a human pace) each raise nothing on their own.
 */
struct KeystrokeTimingConfig {
	/** A press→press gap longer than this (or time going backwards) ends every run. */
	uint64_t pauseUsec = 1'500'000;
	/**
	 * A press this soon after the previous press is part of a batch: the
	 * host received queued reports at once (Bluetooth after a radio stall,
	 * a stalled USB hub). No 1 kHz device makes press, release and the next
	 * press in under two polls; the dwell rules skip these keystrokes and
	 * leave them to sustained-rate, which counts them by pace.
	 */
	uint64_t batchGapUsec = 900;
	/**
	 * A hold shorter than this is a one-frame tap: press and release handed
	 * over together (an on-screen keyboard, a hotkey or force-release quirk
	 * key the driver releases itself, a batch). No USB poll up to 4 kHz is
	 * that short; the dwell rules skip these keystrokes.
	 */
	uint64_t oneFrameDwellUsec = 250;

	/**
	 * superhuman-rate / instant-dwell: press→release shorter than this (one
	 * USB poll, a tool's hold), and no one-frame tap...
	 */
	uint64_t instantDwellUsec = 1'500;
	/**
	 * ...on this many keystrokes in a row. Tap-hold firmware holds only its
	 * tap-hold keys for one poll, so a word's run of home-row letters ends at
	 * the next other key; never less than 10 ("alfalfas" is eight home-row
	 * letters).
	 */
	uint32_t instantDwellRun = 10;

	/**
	 * superhuman-rate / short-dwell: press→release shorter than this, and
	 * at least instantDwellUsec (a finger's tap on a key switch lasts tens
	 * of ms; a tool releases in the next report, one USB poll of 1–10 ms)...
	 */
	uint64_t shortDwellUsec = 20'000;
	/** ...each released at least this long before the next press (its own report: see below)... */
	uint64_t shortDwellMinFlightUsec = 2'000;
	/** ...with presses at most this far apart (16 keys/s and faster)... */
	uint64_t shortDwellMaxGapUsec = 60'000;
	/** ...on this many keystrokes in a row (fitted). */
	uint32_t shortDwellRun = 5;

	/** superhuman-rate / sustained-rollover: presses this close while the previous key is still down... */
	uint64_t rolloverGapUsec = 45'000;
	/** ...this many times in a row (fitted; a fast typist's rollover burst is a few). */
	uint32_t rolloverRun = 7;

	/**
	 * superhuman-rate / sustained-rate: of the press→press gaps among the
	 * last rateWindow keystrokes (since a pause), at least rateFastGaps are
	 * no longer than rateGapUsec (fitted). However irregular, a stream of
	 * keystrokes that keeps this pace is no person's: the fastest Aalto
	 * typists keep it for a few keys, not for a window. The few slow gaps
	 * allowed keep a tool's hiccups from resetting it; the many fast gaps
	 * required keep a Bluetooth batch (a dozen keys at once, then human
	 * gaps again) from filling it.
	 */
	uint32_t rateWindow = 20;
	uint32_t rateFastGaps = 18;
	uint64_t rateGapUsec = 70'000;

	/** too-regular: only gaps up to this count (slower typing is not an attack at speed). */
	uint64_t cadenceMaxGapUsec = 250'000;
	/** too-regular / fixed-cadence: press→press gaps all within this band (max − min)... */
	uint64_t cadenceBandUsec = 2'500;
	/** ...this many gaps in a row (fitted). */
	uint32_t cadenceRun = 15;

	/** too-regular / constant-dwell: gaps within this band (fixed delay + uniform jitter)... */
	uint64_t jitterBandUsec = 21'000;
	/** ...while dwell times stay within this band (max − min)... */
	uint64_t dwellBandUsec = 1'500;
	/** ...this many gaps in a row (fitted). */
	uint32_t jitterRun = 9;

	/** ...and within this fraction of their mean (a 1 ms band around a 3 ms dwell is no constant). */
	double dwellRelBand = 0.05;

	/** too-regular / fixed-rhythm: gaps within this band (and this fraction of their mean) while dwells stay
	 * constant... */
	uint64_t rhythmBandUsec = 8'000;
	double rhythmRelBand = 0.25;
	/** ...this many gaps in a row (fitted): the same hold and the same pace, keystroke after keystroke. */
	uint32_t rhythmRun = 9;
};

/**
 * Feed every EV_KEY event of one device, in order, with its kernel
 * timestamp; read the evidence each call returns.
 */
class KeystrokeTimingDetector {
public:
	/** The rules, in the order of runs(). */
	enum class Rule : uint8_t {
		InstantDwell,
		ShortDwell,
		SustainedRollover,
		FixedRhythm,
		FixedCadence,
		ConstantDwell,
		SustainedRate
	};
	static constexpr unsigned kRuleCount = 7;

	explicit KeystrokeTimingDetector(const KeystrokeTimingConfig &config = {});

	/**
	 * One EV_KEY event: @p value 1 press, 0 release, 2 autorepeat (ignored).
	 * Returns the evidence after it; `alarm` is set on every event at which
	 * some rule's run has reached its threshold.
	 */
	InjectionEvidence keyEvent(uint64_t timeUsec, uint16_t code, int32_t value);

	/** Forget everything (device reopened, SYN_DROPPED resync, section boundary). */
	void reset();

	/** Current run length of each rule (for evaluation margins). */
	const std::array<uint32_t, kRuleCount> &runs() const { return runs_; }
	/** Threshold of each rule, in the order of runs(). */
	std::array<uint32_t, kRuleCount> thresholds() const;
	/**
	 * The sustained-rate statistic now: the rateFastGaps-th shortest
	 * press→press gap (µs) among the last rateWindow keystrokes, UINT64_MAX
	 * while fewer gaps are known. The rule alarms when it is at most
	 * rateGapUsec; its minimum over human typing bounds that threshold.
	 */
	uint64_t sustainedGapUsec() const { return sustainedGapUsec_; }
	/** Stable name of @p rule. */
	static const char *ruleName(Rule rule);
	/** Reason code @p rule raises. */
	static InjectionReason ruleReason(Rule rule);

	const KeystrokeTimingConfig &config() const { return config_; }

private:
	static constexpr unsigned kRing = 32;    // keystrokes kept (power of two)
	static constexpr unsigned kMaxHeld = 32; // keys down at once we track

	struct Keystroke {
		uint64_t pressUsec = 0;
		uint64_t releaseUsec = 0; // 0 while held
		uint64_t gapUsec = 0;     // from the previous keystroke's press; 0 = none (first, after pause)
		bool overlapped = false;  // the previous keystroke was still down at this press
		bool released = false;
	};
	struct Held {
		uint16_t code = 0;
		bool counted = false; // false: a same-key repeat, not in the ring
		uint32_t seq = 0;
	};

	struct Band {
		uint64_t lo = UINT64_MAX;
		uint64_t hi = 0;
		uint64_t sum = 0;
		uint32_t n = 0;

		/** True if the band with @p v added is at most @p width wide and at most @p rel of its mean. */
		bool fitsWith(uint64_t v, uint64_t width, double rel = 1e9) const
		{
			uint64_t w = (hi > v ? hi : v) - (lo < v ? lo : v);
			double mean = static_cast<double>(sum + v) / (n + 1);
			return w <= width && static_cast<double>(w) <= rel * mean;
		}
		void add(uint64_t v)
		{
			lo = lo < v ? lo : v;
			hi = hi > v ? hi : v;
			sum += v;
			n++;
		}
		double meanMs() const { return n ? static_cast<double>(sum) / n / 1000.0 : 0.0; }
		double spreadMs() const { return n ? static_cast<double>(hi - lo) / 1000.0 : 0.0; }
	};
	struct BandRun {
		uint32_t run = 0;
		Band gaps;
		Band dwells;
	};

	BandRun bandRun(uint64_t gapBand, double gapRel, uint64_t dwellBand) const;
	InjectionEvidence press(uint64_t t, uint16_t code);
	InjectionEvidence release(uint64_t t, uint16_t code);
	InjectionEvidence evaluate();
	int findHeld(uint16_t code) const;
	Keystroke &at(uint32_t seq) { return ring_[seq & (kRing - 1)]; }
	const Keystroke &at(uint32_t seq) const { return ring_[seq & (kRing - 1)]; }
	bool inRing(uint32_t seq) const { return seq < seq_ && seq_ - seq <= kRing; }

	KeystrokeTimingConfig config_;
	std::array<Keystroke, kRing> ring_{};
	uint32_t seq_ = 0;        // keystrokes pushed so far
	uint32_t sinceBreak_ = 0; // keystrokes since the last pause or reset
	std::array<Held, kMaxHeld> held_{};
	unsigned nheld_ = 0;
	uint16_t lastCode_ = 0; // previous counted press, only to tell a same-key repeat
	bool haveLast_ = false;
	uint64_t lastPressUsec_ = 0;
	std::array<uint32_t, kRuleCount> runs_{};
	uint64_t sustainedGapUsec_ = UINT64_MAX;
	InjectionEvidence last_;
};

} // namespace tactus
