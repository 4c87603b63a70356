// SPDX-License-Identifier: MIT
#include "injection-timing.h"

#include "util-name-table.h"

#include <algorithm>

namespace tactus {

KeystrokeTimingDetector::KeystrokeTimingDetector(const KeystrokeTimingConfig &config) : config_(config) {}

void KeystrokeTimingDetector::reset()
{
	*this = KeystrokeTimingDetector(config_);
}

std::array<uint32_t, KeystrokeTimingDetector::kRuleCount> KeystrokeTimingDetector::thresholds() const
{
	return {config_.instantDwellRun, config_.shortDwellRun, config_.rolloverRun, config_.rhythmRun,
		config_.cadenceRun,      config_.jitterRun,     config_.rateFastGaps};
}

const char *KeystrokeTimingDetector::ruleName(Rule rule)
{
	static constexpr auto kNames = makeNameTable<Rule>({
		{Rule::InstantDwell, "instant-dwell"},
		{Rule::ShortDwell, "short-dwell"},
		{Rule::SustainedRollover, "sustained-rollover"},
		{Rule::FixedRhythm, "fixed-rhythm"},
		{Rule::FixedCadence, "fixed-cadence"},
		{Rule::ConstantDwell, "constant-dwell"},
		{Rule::SustainedRate, "sustained-rate"},
	});
	static_assert(kNames.oneToOne() && kNames.size() == kRuleCount);
	// Every name is a string literal, so its data() is NUL-terminated.
	return kNames.name(rule, "unknown").data();
}

InjectionReason KeystrokeTimingDetector::ruleReason(Rule rule)
{
	switch (rule) {
	case Rule::InstantDwell:
	case Rule::ShortDwell:
	case Rule::SustainedRollover:
	case Rule::SustainedRate: return InjectionReason::SuperhumanRate;
	case Rule::FixedRhythm:
	case Rule::FixedCadence:
	case Rule::ConstantDwell: return InjectionReason::TooRegular;
	}
	return InjectionReason::TooRegular;
}

int KeystrokeTimingDetector::findHeld(uint16_t code) const
{
	for (unsigned i = 0; i < nheld_; i++)
		if (held_[i].code == code)
			return static_cast<int>(i);
	return -1;
}

InjectionEvidence KeystrokeTimingDetector::keyEvent(uint64_t timeUsec, uint16_t code, int32_t value)
{
	switch (value) {
	case 1: return press(timeUsec, code);
	case 0: return release(timeUsec, code);
	default:
		// Autorepeat of a held key says nothing about who holds it.
		InjectionEvidence e = last_;
		e.alarm = false;
		return e;
	}
}

InjectionEvidence KeystrokeTimingDetector::press(uint64_t t, uint16_t code)
{
	InjectionEvidence quiet = last_;
	quiet.alarm = false;

	// A press of a key already down is a repeat some layer synthesised, or a
	// lost release: either way no new keystroke.
	if (findHeld(code) >= 0 || nheld_ == kMaxHeld)
		return quiet;

	// The same key again right after itself (held-key repeat synthesised as
	// press/release pairs by some keyboards and by browsers, or a double
	// letter) is neutral: it neither extends nor breaks a run.
	// The next keystroke's gap runs from this press: a tool's pace goes on
	// through a double letter.
	if (haveLast_ && code == lastCode_) {
		held_[nheld_++] = Held{code, false, 0};
		if (t >= lastPressUsec_ && t - lastPressUsec_ <= config_.pauseUsec)
			lastPressUsec_ = t;
		return quiet;
	}

	Keystroke k;
	k.pressUsec = t;
	bool brk = seq_ == 0 || sinceBreak_ == 0 || t < lastPressUsec_ || t - lastPressUsec_ > config_.pauseUsec;
	k.gapUsec = brk ? 0 : t - lastPressUsec_;
	if (!brk && inRing(seq_ - 1))
		k.overlapped = !at(seq_ - 1).released;
	if (brk)
		sinceBreak_ = 0;
	at(seq_) = k;
	held_[nheld_++] = Held{code, true, seq_};
	seq_++;
	sinceBreak_++;
	lastCode_ = code;
	haveLast_ = true;
	lastPressUsec_ = t;
	return evaluate();
}

InjectionEvidence KeystrokeTimingDetector::release(uint64_t t, uint16_t code)
{
	InjectionEvidence quiet = last_;
	quiet.alarm = false;

	int idx = findHeld(code);
	if (idx < 0)
		return quiet;
	Held h = held_[static_cast<unsigned>(idx)];
	held_[static_cast<unsigned>(idx)] = held_[--nheld_];
	if (!h.counted || !inRing(h.seq))
		return quiet;
	Keystroke &k = at(h.seq);
	k.releaseUsec = std::max(t, k.pressUsec);
	k.released = true;
	return evaluate();
}

// Longest run of the newest keystrokes whose press→press gaps fit in
// @p gapBand and, unless @p dwellBand is UINT64_MAX, whose dwells fit in
// @p dwellBand (then the run starts at the newest released keystroke and
// counts only gaps between released keystrokes).
KeystrokeTimingDetector::BandRun KeystrokeTimingDetector::bandRun(uint64_t gapBand, double gapRel,
								  uint64_t dwellBand) const
{
	const uint32_t avail = std::min({seq_, kRing, sinceBreak_});
	const bool withDwell = dwellBand != UINT64_MAX;
	BandRun res;
	uint32_t i = 0;
	if (withDwell)
		while (i < avail && !at(seq_ - 1 - i).released)
			i++;
	for (; i < avail; i++) {
		const Keystroke &k = at(seq_ - 1 - i);
		if (withDwell) {
			if (!k.released)
				break;
			uint64_t dwell = k.releaseUsec - k.pressUsec;
			if (!res.dwells.fitsWith(dwell, dwellBand, config_.dwellRelBand))
				break;
			res.dwells.add(dwell);
			if (i + 1 >= avail || !at(seq_ - 2 - i).released)
				break;
		}
		if (!k.gapUsec || k.gapUsec > config_.cadenceMaxGapUsec ||
		    !res.gaps.fitsWith(k.gapUsec, gapBand, gapRel))
			break;
		res.gaps.add(k.gapUsec);
		res.run++;
	}
	return res;
}

InjectionEvidence KeystrokeTimingDetector::evaluate()
{
	const uint32_t avail = std::min({seq_, kRing, sinceBreak_});
	std::array<BandRun, kRuleCount> r{};
	auto of = [&r](Rule rule) -> BandRun & { return r[static_cast<unsigned>(rule)]; };

	// A keystroke the dwell rules cannot judge: a one-frame tap (press and
	// release handed over together) or part of a batch (queued reports
	// delivered at once). Neither extends nor breaks their runs.
	auto unjudged = [this](const Keystroke &k) {
		return k.releaseUsec - k.pressUsec < config_.oneFrameDwellUsec ||
		       (k.gapUsec && k.gapUsec < config_.batchGapUsec);
	};
	// instant-dwell: released keystrokes with a dwell no finger makes; keys
	// still down are skipped, not counted.
	{
		BandRun &res = of(Rule::InstantDwell);
		for (uint32_t i = 0; i < avail; i++) {
			const Keystroke &k = at(seq_ - 1 - i);
			if (!k.released || unjudged(k))
				continue;
			uint64_t dwell = k.releaseUsec - k.pressUsec;
			if (dwell >= config_.instantDwellUsec)
				break;
			res.run++;
			res.dwells.add(dwell);
			if (k.gapUsec)
				res.gaps.add(k.gapUsec);
		}
	}
	// short-dwell: keys let go almost at once, each in its own report before
	// the next press, at a typing pace. This is a HID device with a slower
	// poll (8–10 ms: low-speed USB, QEMU's usb-kbd) typing a script: each key
	// down for one poll, up for at least one. The flight condition keeps
	// out what browser-stamped data shows when a stalled page hands over
	// queued events in a batch (release and next press together).
	{
		BandRun &res = of(Rule::ShortDwell);
		uint32_t i = 0;
		while (i < avail && !at(seq_ - 1 - i).released)
			i++;
		for (; i < avail; i++) {
			const Keystroke &k = at(seq_ - 1 - i);
			if (!k.released)
				break;
			uint64_t dwell = k.releaseUsec - k.pressUsec;
			if (dwell >= config_.shortDwellUsec || dwell < config_.instantDwellUsec)
				break;
			res.run++;
			res.dwells.add(dwell);
			if (i + 1 >= avail)
				break;
			const Keystroke &prev = at(seq_ - 2 - i);
			if (!k.gapUsec || k.gapUsec > config_.shortDwellMaxGapUsec || !prev.released ||
			    prev.releaseUsec + config_.shortDwellMinFlightUsec > k.pressUsec)
				break;
			res.gaps.add(k.gapUsec);
		}
	}
	// sustained-rollover: fast presses each landing while the previous key
	// is still down. One or two is a fast typist; a stream is a machine.
	{
		BandRun &res = of(Rule::SustainedRollover);
		for (uint32_t i = 0; i < avail; i++) {
			const Keystroke &k = at(seq_ - 1 - i);
			if (!k.gapUsec || !k.overlapped || k.gapUsec > config_.rolloverGapUsec)
				break;
			res.run++;
			res.gaps.add(k.gapUsec);
		}
	}
	// sustained-rate: the pace of the whole window, not of a run. Counts
	// every keystroke, batches and one-frame taps included: the pace is
	// what no hand keeps up, whatever the holds look like.
	{
		BandRun &res = of(Rule::SustainedRate);
		std::array<uint64_t, kRing> gaps{};
		uint32_t n = 0;
		const uint32_t window = std::min({avail, config_.rateWindow, kRing});
		// The oldest keystroke of the window has its gap from one before it.
		for (uint32_t i = 0; i + 1 < window; i++) {
			const Keystroke &k = at(seq_ - 1 - i);
			if (!k.gapUsec)
				break;
			gaps[n++] = k.gapUsec;
			if (k.gapUsec <= config_.rateGapUsec) {
				res.run++;
				res.gaps.add(k.gapUsec);
			}
		}
		sustainedGapUsec_ = UINT64_MAX;
		const uint32_t need = config_.rateFastGaps;
		if (need > 0 && n >= need) {
			std::nth_element(gaps.begin(), gaps.begin() + (need - 1), gaps.begin() + n);
			sustainedGapUsec_ = gaps[need - 1];
		}
	}
	// fixed-cadence: consecutive gaps inside a band no human holds.
	of(Rule::FixedCadence) = bandRun(config_.cadenceBandUsec, 1e9, UINT64_MAX);
	// fixed-rhythm and constant-dwell: gaps inside a band while every dwell
	// is the same to the millisecond (a tool's fixed hold time).
	of(Rule::FixedRhythm) = bandRun(config_.rhythmBandUsec, config_.rhythmRelBand, config_.dwellBandUsec);
	of(Rule::ConstantDwell) = bandRun(config_.jitterBandUsec, 1e9, config_.dwellBandUsec);

	const auto need = thresholds();
	InjectionEvidence e;
	unsigned best = 0;
	double bestProgress = -1.0;
	for (unsigned i = 0; i < kRuleCount; i++) {
		runs_[i] = r[i].run;
		double p = std::min(1.0, static_cast<double>(r[i].run) / need[i]);
		// Ties go to the rule that alarms: superhuman-rate before too-regular.
		if (p > bestProgress) {
			bestProgress = p;
			best = i;
		}
	}
	const Rule rule = static_cast<Rule>(best);
	e.alarm = r[best].run >= need[best];
	e.reason = ruleReason(rule);
	e.rule = r[best].run ? ruleName(rule) : "";
	e.strength = bestProgress;
	e.run = r[best].run;
	e.meanGapMs = r[best].gaps.meanMs();
	e.spreadGapMs = r[best].gaps.spreadMs();
	e.meanDwellMs = r[best].dwells.meanMs();
	last_ = e;
	return e;
}

} // namespace tactus
