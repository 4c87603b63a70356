// SPDX-License-Identifier: MIT
#pragma once

// Reader for the touchscreen keystroke data of Antal et al. (MOBIKEY layout,
// Antal & Nemes 2016; see ../shared/datasets/README.md): one
// `Keystrokes.csv` per site folder, header
// `UserId, DeviceId, SessionId, Key, DownTime, UpTime, Pressure, FingerArea,
// RawX, RawY, gravityX, gravityY, gravityZ, Hands, PasswordType, Repetition`
// (a space after each comma), times in milliseconds, pressure and finger
// area as Android's MotionEvent reports them (0..1, device-scaled). Key
// labels are read only to check that a repetition typed the expected
// password, never printed. Malformed rows are counted and skipped. Used by
// tactus-eval and the tests, never by the daemon.

#include "util-result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** One key press on the touchscreen keyboard. */
struct MobikeyPress {
	int32_t user = 0, session = 0, passwordType = 0, repetition = 0;
	std::string key;       ///< the soft key's label (checked against the password, never printed)
	int64_t downMs = 0;    ///< DownTime
	int64_t upMs = 0;      ///< UpTime (≥ downMs)
	double pressure = 0;   ///< Pressure
	double fingerArea = 0; ///< FingerArea
};

/** What reading saw. */
struct MobikeyStats {
	uint64_t rows = 0;      ///< data rows read (header excluded)
	uint64_t malformed = 0; ///< rows skipped: wrong field count, bad or non-finite number, up before down
};

/** Parse one data line (no newline); false if malformed. */
bool parseMobikeyRow(std::string_view line, MobikeyPress &row);

/** Parse a whole `Keystrokes.csv` text (header line first). Error if the header is not MOBIKEY's. */
Result<std::vector<MobikeyPress>> parseMobikey(std::string_view text, MobikeyStats &stats);

/** Every `Keystrokes.csv` one folder below @p dir, in folder-name order; error if there is none. */
Result<std::vector<MobikeyPress>> readMobikeyDir(const std::string &dir, MobikeyStats &stats,
						 size_t maxBytes = 64u << 20);

} // namespace tactus
