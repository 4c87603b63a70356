// SPDX-License-Identifier: MIT
#include "key-classes.h"

#include <linux/input-event-codes.h>

#include <array>

namespace tactus {

namespace {

enum class Hand : uint8_t { Left, Right };
enum class Row : uint8_t { Number, Top, Home, Bottom };

// Column counted from the left pinky's home column (A = 0, S = 1, ... ;
// -1 = outside it, further left). Touch typing: 0 pinky, 1 ring, 2 middle,
// 3-4 left index, 5-6 right index, 7.. right middle, ring, pinky.
struct CharKey {
	uint16_t code;
	Row row;
	int8_t column;
};

constexpr std::array<CharKey, 48> kCharKeys = {{
	{KEY_GRAVE, Row::Number, -1},
	{KEY_1, Row::Number, 0},
	{KEY_2, Row::Number, 1},
	{KEY_3, Row::Number, 2},
	{KEY_4, Row::Number, 3},
	{KEY_5, Row::Number, 4},
	{KEY_6, Row::Number, 5},
	{KEY_7, Row::Number, 6},
	{KEY_8, Row::Number, 7},
	{KEY_9, Row::Number, 8},
	{KEY_0, Row::Number, 9},
	{KEY_MINUS, Row::Number, 10},
	{KEY_EQUAL, Row::Number, 11},
	{KEY_Q, Row::Top, 0},
	{KEY_W, Row::Top, 1},
	{KEY_E, Row::Top, 2},
	{KEY_R, Row::Top, 3},
	{KEY_T, Row::Top, 4},
	{KEY_Y, Row::Top, 5},
	{KEY_U, Row::Top, 6},
	{KEY_I, Row::Top, 7},
	{KEY_O, Row::Top, 8},
	{KEY_P, Row::Top, 9},
	{KEY_LEFTBRACE, Row::Top, 10},
	{KEY_RIGHTBRACE, Row::Top, 11},
	{KEY_BACKSLASH, Row::Top, 12},
	{KEY_A, Row::Home, 0},
	{KEY_S, Row::Home, 1},
	{KEY_D, Row::Home, 2},
	{KEY_F, Row::Home, 3},
	{KEY_G, Row::Home, 4},
	{KEY_H, Row::Home, 5},
	{KEY_J, Row::Home, 6},
	{KEY_K, Row::Home, 7},
	{KEY_L, Row::Home, 8},
	{KEY_SEMICOLON, Row::Home, 9},
	{KEY_APOSTROPHE, Row::Home, 10},
	{KEY_102ND, Row::Bottom, -1},
	{KEY_Z, Row::Bottom, 0},
	{KEY_X, Row::Bottom, 1},
	{KEY_C, Row::Bottom, 2},
	{KEY_V, Row::Bottom, 3},
	{KEY_B, Row::Bottom, 4},
	{KEY_N, Row::Bottom, 5},
	{KEY_M, Row::Bottom, 6},
	{KEY_COMMA, Row::Bottom, 7},
	{KEY_DOT, Row::Bottom, 8},
	{KEY_SLASH, Row::Bottom, 9},
}};

constexpr std::array<uint16_t, 26> kLetters = {
	KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
	KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z,
};

constexpr uint8_t kOther = 0, kSpace = 1, kEnter = 2, kBackspace = 3, kModifier = 4;

const CharKey *charKey(uint16_t code)
{
	for (const CharKey &k : kCharKeys)
		if (k.code == code)
			return &k;
	return nullptr;
}

Hand handOf(const CharKey &k)
{
	return k.column <= 4 ? Hand::Left : Hand::Right;
}

// Character class offset (from kFirstCharacterClass) of @p k in @p set.
uint8_t characterClass(KeyClassSet set, const CharKey &k)
{
	const bool left = handOf(k) == Hand::Left;
	// Touch-typing finger column: 0..4 left (pinky, ring, middle, index
	// outer, index inner), 5..6 right index (inner, outer), 7 the rest.
	const int c = k.column < 0 ? 0 : (k.column > 7 ? 7 : k.column);
	switch (set) {
	case KeyClassSet::None: return 0;
	case KeyClassSet::Hand: return left ? 0 : 1;
	case KeyClassSet::HandRow:
		switch (k.row) {
		case Row::Number:
		case Row::Top: return left ? 0 : 3;
		case Row::Home: return left ? 1 : 4;
		case Row::Bottom: return left ? 2 : 4;
		}
		return 0;
	case KeyClassSet::Finger: {
		constexpr std::array<uint8_t, 8> kFinger = {0, 1, 2, 3, 3, 4, 4, 5};
		return kFinger[static_cast<size_t>(c)];
	}
	case KeyClassSet::Column: return static_cast<uint8_t>(c);
	}
	return 0;
}

} // namespace

KeyKind keyKindOf(uint16_t code)
{
	switch (code) {
	case KEY_SPACE: return KeyKind::Space;
	case KEY_BACKSPACE: return KeyKind::Backspace;
	case KEY_ENTER:
	case KEY_KPENTER: return KeyKind::Enter;
	case KEY_LEFTSHIFT:
	case KEY_RIGHTSHIFT:
	case KEY_LEFTCTRL:
	case KEY_RIGHTCTRL:
	case KEY_LEFTALT:
	case KEY_RIGHTALT:
	case KEY_LEFTMETA:
	case KEY_RIGHTMETA:
	case KEY_CAPSLOCK:
	case KEY_TAB: return KeyKind::Modifier;
	default: break;
	}
	return charKey(code) ? KeyKind::Character : KeyKind::Other;
}

std::string_view keyKindName(KeyKind kind)
{
	switch (kind) {
	case KeyKind::Character: return "character";
	case KeyKind::Modifier: return "modifier";
	case KeyKind::Space: return "space";
	case KeyKind::Backspace: return "backspace";
	case KeyKind::Enter: return "enter";
	case KeyKind::Other: break;
	}
	return "other";
}

unsigned keyClassCount(KeyClassSet set)
{
	switch (set) {
	case KeyClassSet::None: return kFirstCharacterClass + 1;
	case KeyClassSet::Hand: return kFirstCharacterClass + 2;
	case KeyClassSet::HandRow: return kFirstCharacterClass + 5;
	case KeyClassSet::Finger: return kFirstCharacterClass + 6;
	case KeyClassSet::Column: return kFirstCharacterClass + 8;
	}
	return kFirstCharacterClass;
}

uint8_t keyClassOf(KeyClassSet set, uint16_t code)
{
	switch (keyKindOf(code)) {
	case KeyKind::Space: return kSpace;
	case KeyKind::Enter: return kEnter;
	case KeyKind::Backspace: return kBackspace;
	case KeyKind::Modifier: return kModifier;
	case KeyKind::Other: return kOther;
	case KeyKind::Character: break;
	}
	return static_cast<uint8_t>(kFirstCharacterClass + characterClass(set, *charKey(code)));
}

std::string_view keyClassSetName(KeyClassSet set)
{
	switch (set) {
	case KeyClassSet::None: return "none";
	case KeyClassSet::Hand: return "hand";
	case KeyClassSet::HandRow: return "hand-row";
	case KeyClassSet::Finger: return "finger";
	case KeyClassSet::Column: return "column";
	}
	return "none";
}

std::optional<KeyClassSet> keyClassSetByName(std::string_view name)
{
	for (KeyClassSet s : kKeyClassSets)
		if (keyClassSetName(s) == name)
			return s;
	return std::nullopt;
}

std::span<const uint16_t> letterKeyCodes()
{
	return kLetters;
}

} // namespace tactus
