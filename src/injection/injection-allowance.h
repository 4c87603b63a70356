// SPDX-License-Identifier: MIT
#pragma once

// A bounded allowance for hardware that types at machine speed on purpose:
// an OTP token (YubiKey: 32–48 modhex letters and Enter per touch), a
// barcode scanner (8–13 digits and Enter). The allow-list grants a device a
// burst length and the key kinds a burst may hold; timing evidence raised
// inside a burst that stays within both is waived, and raised after all the
// moment the burst leaves them. Whoever builds a USB device chooses its ids,
// so the kinds are what makes spoofing pay little: a device claiming Yubico
// ids can type modhex letters and Enter, never a space, a '|' or a '/'.
//
// Privacy: a key's kind is looked at here, at the event, and forgotten; the
// tracker keeps a count and one bit, never a key or a kind per keystroke.

#include "injection-evidence.h"
#include "util-result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tactus {

/** Key kinds a burst may hold (bits of BurstAllowance::kinds); "kinds" in the allow-list. */
enum class BurstKey : uint32_t {
	Modhex = 1U << 0,  ///< the 16 letters of YubiKey modhex: c b d e f g h i j k l n r t u v
	Letters = 1U << 1, ///< a–z
	Digits = 1U << 2,  ///< 0–9, top row and keypad
	Enter = 1U << 3,   ///< Enter and keypad Enter
	Tab = 1U << 4,     ///< Tab (scanners configured to end with Tab)
	Shift = 1U << 5,   ///< left and right Shift (upper-case letters)
};

/** What an allow rule grants: bursts of at most maxKeystrokes presses, every key of one of kinds. */
struct BurstAllowance {
	uint32_t maxKeystrokes = 0;
	uint32_t kinds = 0; ///< BurstKey bits
};

/**
 * Parse a space- or comma-separated list of kind names (modhex, letters,
 * digits, enter, tab, shift) into BurstKey bits; an error names the bad word.
 */
Result<uint32_t> parseKeyKinds(std::string_view text);

/** The names of @p kinds, space-separated, for logs ("modhex enter"). */
std::string keyKindNames(uint32_t kinds);

/** True if key @p code (a Linux KEY_* code) is of one of @p kinds. */
bool keyIsOfKinds(uint16_t code, uint32_t kinds);

/**
 * Tracks one device's current burst against its allowance. A burst is the
 * presses since a pause longer than @p pauseUsec (the timing rules' own).
 */
class BurstAllowanceTracker {
public:
	explicit BurstAllowanceTracker(const BurstAllowance &allowance, uint64_t pauseUsec = 1'500'000)
	    : allowance_(allowance), pauseUsec_(pauseUsec)
	{
	}

	/** One EV_KEY event of the device (value 1 press, 0 release, 2 repeat), before its evidence is judged. */
	void keyEvent(uint64_t timeUsec, uint16_t code, int32_t value);

	/**
	 * Judges the timing evidence @p e raised at the current event. An alarm
	 * inside a burst within the allowance is waived (returned with alarm
	 * false, and kept); once the burst leaves the allowance the first kept
	 * alarm is returned raised, on the event that left it.
	 */
	InjectionEvidence judge(const InjectionEvidence &e);

	/** True while the current burst is within the allowance. */
	bool within() const { return within_; }
	/** Presses in the current burst. */
	uint32_t presses() const { return presses_; }
	const BurstAllowance &allowance() const { return allowance_; }

	/** Forget the burst (events lost). */
	void reset();

private:
	BurstAllowance allowance_;
	uint64_t pauseUsec_;
	uint64_t lastPressUsec_ = 0;
	bool started_ = false;
	uint32_t presses_ = 0;
	bool within_ = true;
	std::optional<InjectionEvidence> waived_; // the first alarm waived in this burst
	bool raised_ = false;                     // this burst's waived alarm was raised after all
};

} // namespace tactus
