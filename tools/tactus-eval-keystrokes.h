// SPDX-License-Identifier: MIT
#pragma once

// Shared by the keystroke verbs of tactus-eval: the Aalto files turned into
// keystroke feature rows by the library's extractor (the single source of
// what the model sees, in training and in evaluation), and the fixed
// validation split by participant.

#include "keystroke-features.h"
#include "util-result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tactus::eval {

/** Share of participants in the validation split, in percent. */
inline constexpr uint32_t kValidationPercent = 27;

/**
 * True if participant @p id belongs to the validation split: FNV-1a (32 bit)
 * of the id's text, modulo 100, below kValidationPercent. Training never sees
 * these participants; this is the only definition of the split.
 */
bool isValidationParticipant(std::string_view id);

/**
 * The keystroke model tactus-eval uses without --model: the source tree's
 * data/models/keystroke.tkm if present, else the installed one.
 */
std::string defaultModelPath();

/** One section's keystrokes as extractor rows, in press order. */
struct FeatureSection {
	std::string id;
	std::vector<KeystrokeRow> rows;
};

/** One participant's sections, ascending section id. */
struct FeatureParticipant {
	std::string id;
	bool validation = false;
	std::vector<FeatureSection> sections;
};

/** What reading saw. */
struct FeatureStats {
	uint64_t files = 0;
	uint64_t keystrokes = 0;
	uint64_t skippedRows = 0; ///< malformed or inconsistent rows of the reader
};

/**
 * Read every Aalto file under @p dir through a KeystrokeExtractor of @p set
 * (browser key codes mapped with jsKeyCodeToLinux, times ms -> µs, each
 * section a fresh sequence). Participants ascending by numeric id.
 */
Result<std::vector<FeatureParticipant>> readFeatureParticipants(const std::string &dir, KeyClassSet set,
								FeatureStats &stats);

} // namespace tactus::eval
