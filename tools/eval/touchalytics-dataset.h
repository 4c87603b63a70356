// SPDX-License-Identifier: MIT
#pragma once

// Reader for the Touchalytics per-stroke features (Frank et al., IEEE TIFS
// 2013; see ../shared/datasets/README.md): `randomRegDatav1.csv` and
// `randomVerDatav1.csv`, header
// `ID,DocID,F1..F10,PhoneID,F11..F29,FOrientation,F30`, one swipe a row.
// The 30 features F1..F30 are kept in order; PhoneID (the device, not the
// person) and FOrientation (constant 0 in this copy) are read but not
// features. Malformed rows are counted and skipped, never fatal. Used by
// tactus-eval and the tests, never by the daemon.

#include "touch-features.h"
#include "touch-model.h"
#include "util-result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** Number of Touchalytics stroke features (F1..F30). */
constexpr size_t kTouchalyticsFeatures = 30;

/** One row. */
struct TouchalyticsStroke {
	int32_t user = 0;       ///< ID (1..41)
	int32_t document = 0;   ///< DocID: which document or game the stroke was made in (1..7)
	int32_t phone = 0;      ///< PhoneID
	TouchFeatures features; ///< F1..F30, kTouchalyticsFeatures values
};

/** What reading saw. */
struct TouchalyticsStats {
	uint64_t rows = 0;      ///< data rows read (header excluded)
	uint64_t malformed = 0; ///< rows skipped: wrong field count, bad or non-finite number, ID < 1
};

/**
 * The features tactusd computes from a touchscreen's own events
 * (TouchFeature, Touchalytics F2..F28, kTouchFeatureCount values) of a row:
 * F1 (inter-stroke time), F29 (finger orientation) and F30 (phone
 * orientation) left out, see touch-features.h.
 */
TouchFeatures touchalyticsDaemonFeatures(const TouchalyticsStroke &row);

/** Parse one data line (no newline); false if malformed. */
bool parseTouchalyticsRow(std::string_view line, TouchalyticsStroke &row);

/** Parse a whole file's text (header line first). Error if the header is not Touchalytics'. */
Result<std::vector<TouchalyticsStroke>> parseTouchalytics(std::string_view text, TouchalyticsStats &stats);

/** Read and parse @p path (at most @p maxBytes). */
Result<std::vector<TouchalyticsStroke>> readTouchalytics(const std::string &path, TouchalyticsStats &stats,
							 size_t maxBytes = 64u << 20);

} // namespace tactus
