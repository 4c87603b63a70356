// SPDX-License-Identifier: MIT
#pragma once

// The only thing about a key that may leave the keystroke feature extractor
// (DESIGN.md, "Privacy"): its kind (character, space, enter, backspace,
// modifier, other) and, for character keys, a coarse class from one of a few
// class sets over US QWERTY physical positions (Linux key codes are positions,
// so the classes hold for every layout). Every character class of every set
// holds at least three letter keys, so no class identifies a key; how much a
// sequence of classes still reveals is measured by `tactus-eval key-classes`
// (the share of dictionary words whose class sequence no other word shares).

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tactus {

/** What kind of key it is, for the detectors and the behaviour model. */
enum class KeyKind : uint8_t { Other, Character, Modifier, Space, Backspace, Enter };

/** Kind of Linux key code @p code (linux/input-event-codes.h); unknown codes are Other. */
KeyKind keyKindOf(uint16_t code);

/** Stable lower-case name of a kind ("character", "modifier", ...). */
std::string_view keyKindName(KeyKind kind);

/**
 * A partition of character keys into coarse classes. Class indices are the
 * same layout in every set: 0 other, 1 space, 2 enter, 3 backspace,
 * 4 modifier, then the character classes from kFirstCharacterClass on.
 * Digits and punctuation join the letter class of their hand, row or column.
 */
enum class KeyClassSet : uint8_t {
	None,    ///< one character class
	Hand,    ///< left hand, right hand
	HandRow, ///< per hand: top (+ number row), home, bottom; right home+bottom merged (n, m alone are 2 letters)
	Finger,  ///< left pinky, ring, middle, index; right index; right middle+ring+pinky
	Column,  ///< Finger with both index fingers split into inner and outer column (8 classes)
};

/** All class sets, in the order of their enum values. */
inline constexpr KeyClassSet kKeyClassSets[] = {KeyClassSet::None, KeyClassSet::Hand, KeyClassSet::HandRow,
						KeyClassSet::Finger, KeyClassSet::Column};

/** First character class index; below it are the non-character classes. */
inline constexpr uint8_t kFirstCharacterClass = 5;

/** Largest class count of any set (for fixed-size tables). */
inline constexpr unsigned kMaxKeyClasses = 13;

/** Number of classes of @p set, non-character ones included. */
unsigned keyClassCount(KeyClassSet set);

/** Class index in [0, keyClassCount(set)) of Linux key code @p code. */
uint8_t keyClassOf(KeyClassSet set, uint16_t code);

/** Stable name of @p set: "none", "hand", "hand-row", "finger", "column". */
std::string_view keyClassSetName(KeyClassSet set);

/** Set named @p name (as keyClassSetName() spells it), if any. */
std::optional<KeyClassSet> keyClassSetByName(std::string_view name);

/** The 26 letter key codes (KEY_A..KEY_Z in alphabetical order of their letters). */
std::span<const uint16_t> letterKeyCodes();

} // namespace tactus
