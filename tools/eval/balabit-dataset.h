// SPDX-License-Identifier: MIT
#pragma once

// Reader for the Balabit Mouse Dynamics Challenge data (see
// ../shared/datasets/README.md): one CSV per remote-desktop session,
// `record timestamp,client timestamp,button,state,x,y`, times in seconds,
// positions in screen pixels. Malformed rows are counted and skipped, never
// fatal; rows at the 65535 sentinel position (the pointer outside the
// remote window) are counted and skipped too. Used by tactus-eval and the
// tests, never by the daemon.

#include "util-result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** The `button` column. */
enum class BalabitButton : uint8_t { None, Left, Right, Middle, Scroll };
/** The `state` column. */
enum class BalabitState : uint8_t { Move, Drag, Pressed, Released, Up, Down };

/** One row. */
struct BalabitEvent {
	double recordSec = 0; ///< server clock, seconds from the session's start
	double clientSec = 0; ///< client clock, seconds (ticks of ~15.6 ms)
	BalabitButton button = BalabitButton::None;
	BalabitState state = BalabitState::Move;
	int32_t x = 0, y = 0; ///< screen pixels
};

/** What reading saw. */
struct BalabitStats {
	uint64_t rows = 0;      ///< data rows read (header excluded)
	uint64_t used = 0;      ///< rows kept
	uint64_t malformed = 0; ///< rows skipped: wrong field count, bad number, unknown button or state
	uint64_t offscreen = 0; ///< rows skipped: position at the sentinel (x or y ≥ 65535) or negative
	uint64_t backwards = 0; ///< rows skipped: client time earlier than the row before
};

/** One session file of the data set. */
struct BalabitFile {
	std::string user;    ///< "user7"
	std::string session; ///< "session_0041905381"
	std::string path;
	bool training = false;
	/** Test files: 1 another person (impostor), 0 the user (genuine), -1 no public label. */
	int illegal = -1;
};

/** Parse one data line (no newline); false if malformed. */
bool parseBalabitRow(std::string_view line, BalabitEvent &row);

/** Parse a whole session text (header line first). Error only if the header is not Balabit's. */
Result<std::vector<BalabitEvent>> parseBalabitSession(std::string_view text, BalabitStats &stats);

/** Read and parse @p path (at most @p maxBytes). */
Result<std::vector<BalabitEvent>> readBalabitSession(const std::string &path, BalabitStats &stats,
						     size_t maxBytes = 256u << 20);

/**
 * The sessions under @p dir (`training_files/userN/...`, `test_files/userN/...`,
 * labels from `labels.csv`), sorted by user then session. An error if
 * neither folder exists or `labels.csv` is malformed.
 */
Result<std::vector<BalabitFile>> listBalabit(const std::string &dir);

/**
 * A test bed's or thin client's delivery (SPICE, RDP, USB redirection):
 * each row's client time made late by a uniform 0..@p jitterMs ms, drawn
 * from SplitMix64(@p seed), the order kept (a row never earlier than the one
 * before it). Positions are untouched. @p jitterMs 0 leaves @p rows as they are.
 */
void addDeliveryJitter(std::vector<BalabitEvent> &rows, double jitterMs, uint64_t seed);

} // namespace tactus
