// SPDX-License-Identifier: MIT
#pragma once

// The only thing about a key that may leave the keystroke feature extractor
// (DESIGN.md, "Privacy"): which hand, row and finger region it sits under and
// whether it is a modifier, space, backspace or enter. Classes are coarse on
// purpose: no class identifies a key, so a sequence of classes is not text.

#include <cstdint>
#include <string_view>

namespace tactus {

/** Hand that types a key on a touch-typing QWERTY layout. */
enum class KeyHand : uint8_t { None, Left, Right };

/** Keyboard row, counted from the number row. */
enum class KeyRow : uint8_t { None, Number, Top, Home, Bottom, Thumb };

/** Finger region: index fingers cover two columns each. */
enum class KeyFinger : uint8_t { None, Pinky, Ring, Middle, Index, Thumb };

/** What kind of key it is, for the detector and the behaviour model. */
enum class KeyKind : uint8_t { Other, Character, Modifier, Space, Backspace, Enter };

/** Everything about one key that leaves the extractor. */
struct KeyClass {
	KeyKind kind = KeyKind::Other;
	KeyHand hand = KeyHand::None;
	KeyRow row = KeyRow::None;
	KeyFinger finger = KeyFinger::None;

	bool operator==(const KeyClass &) const = default;
};

/** Class of Linux key code @p code (linux/input-event-codes.h); unknown codes are Other. */
KeyClass keyClassOf(uint16_t code);

/** Compact index in [0, kKeyClassIndexCount) for per-class statistics tables. */
unsigned keyClassIndex(const KeyClass &cls);
/** Number of distinct values keyClassIndex() returns. */
inline constexpr unsigned kKeyClassIndexCount = 6 * 3 * 6 * 6;

/** Stable lower-case name of a kind ("character", "modifier", ...). */
std::string_view keyKindName(KeyKind kind);

} // namespace tactus
