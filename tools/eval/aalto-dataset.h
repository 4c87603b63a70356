// SPDX-License-Identifier: MIT
#pragma once

// Reader for the Aalto 136M keystrokes files (one participant per file,
// tab-separated, with a header; see ../shared/datasets/README.md). Streams
// line by line, so file size does not matter; malformed rows are counted and
// skipped, never fatal. Used by tactus-eval, not by the daemon.

#include "util-result.h"

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** One keystroke of a section; times in milliseconds of the browser clock. */
struct AaltoKeystroke {
	int64_t pressMs = 0;
	int64_t releaseMs = 0;
	uint16_t code = 0; ///< Linux key code (KEY_UNKNOWN if the JS code has no mapping)
};

/** One section (a sentence typed), keystrokes in press order. */
struct AaltoSection {
	std::string participant;
	std::string section;
	std::vector<AaltoKeystroke> keys;
};

/** What reading saw. */
struct AaltoStats {
	uint64_t rows = 0;         ///< data rows read (header excluded)
	uint64_t keystrokes = 0;   ///< rows used
	uint64_t malformed = 0;    ///< rows skipped: wrong field count, non-integer time or key code
	uint64_t inconsistent = 0; ///< rows skipped: release before press
	uint64_t unknownKeys = 0;  ///< rows used whose JS key code has no Linux mapping
	uint64_t sections = 0;
	uint64_t files = 0;
};

/** One parsed row. */
struct AaltoRow {
	std::string_view participant;
	std::string_view section;
	int64_t pressMs = 0;
	int64_t releaseMs = 0;
	int jsKeyCode = 0;
};

/** Parse one data line (no trailing newline); false if malformed. */
bool parseAaltoRow(std::string_view line, AaltoRow &row);

/** Linux key code for a JavaScript `keyCode` (65 = A, 16 = Shift, ...); KEY_UNKNOWN if none. */
uint16_t jsKeyCodeToLinux(int jsKeyCode);

/** Called once per section, keystrokes sorted by press time. */
using AaltoSectionFn = std::function<void(const AaltoSection &)>;

/** Limits against hostile input. */
struct AaltoLimits {
	size_t maxLineBytes = 1 << 20;         ///< longer lines are malformed (and skipped to their end)
	size_t maxSectionKeystrokes = 100'000; ///< a longer section is delivered in pieces
};

/** Read a whole stream of one participant's file; never fails, counts what it skips. */
void readAaltoStream(std::istream &in, const AaltoSectionFn &fn, AaltoStats &stats, const AaltoLimits &limits = {});

/** Read @p path; an error only if it cannot be opened. */
Result<void> readAaltoFile(const std::string &path, const AaltoSectionFn &fn, AaltoStats &stats,
			   const AaltoLimits &limits = {});

/** The participant files (`*_keystrokes.txt`, or any `*.txt`) under @p dir, sorted by name. */
Result<std::vector<std::string>> listAaltoFiles(const std::string &dir);

} // namespace tactus
