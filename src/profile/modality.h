// SPDX-License-Identifier: MIT
#pragma once

// The kinds of behaviour tactus verifies. Profiles keep one section per
// modality and the trust model fuses evidence from all of them, so both use
// this one list. The numeric values are written to profile files: never
// renumber, only append.

#include <cstdint>
#include <optional>
#include <string_view>

namespace tactus {

/** A kind of behavioural evidence (DESIGN.md, "Behaviour"). */
enum class Modality : uint8_t {
	Keystroke = 1, ///< typing rhythm
	Pointer = 2,   ///< mouse and touchpad movement
	Touch = 3,     ///< touchscreen swipes and taps, touchpad gestures
};

/** Stable lower-case name: "keystroke", "pointer", "touch". */
std::string_view modalityName(Modality m);
/** Inverse of modalityName(). */
std::optional<Modality> modalityFromName(std::string_view name);
/** The modality with file tag @p tag, nullopt for a tag this version does not know. */
std::optional<Modality> modalityFromTag(uint8_t tag);
/**
 * The reason code a verdict carries when this modality's evidence speaks
 * against the user: "rhythm-mismatch", "pointer-mismatch", "touch-mismatch".
 */
std::string_view modalityMismatchReason(Modality m);

} // namespace tactus
