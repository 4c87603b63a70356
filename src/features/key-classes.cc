// SPDX-License-Identifier: MIT
#include "key-classes.h"

#include "util-name-table.h"

#include <linux/input-event-codes.h>

#include <array>

namespace tactus {

namespace {

struct CharKey {
	uint16_t code;
	KeyHand hand;
	KeyRow row;
	KeyFinger finger;
};

using H = KeyHand;
using R = KeyRow;
using F = KeyFinger;

// A touch-typist's QWERTY assignment; other layouts move letters, not keys,
// and classes describe key positions, so the table holds for them too.
constexpr std::array<CharKey, 48> kCharKeys = {{
	{KEY_GRAVE, H::Left, R::Number, F::Pinky},
	{KEY_1, H::Left, R::Number, F::Pinky},
	{KEY_2, H::Left, R::Number, F::Ring},
	{KEY_3, H::Left, R::Number, F::Middle},
	{KEY_4, H::Left, R::Number, F::Index},
	{KEY_5, H::Left, R::Number, F::Index},
	{KEY_6, H::Right, R::Number, F::Index},
	{KEY_7, H::Right, R::Number, F::Index},
	{KEY_8, H::Right, R::Number, F::Middle},
	{KEY_9, H::Right, R::Number, F::Ring},
	{KEY_0, H::Right, R::Number, F::Pinky},
	{KEY_MINUS, H::Right, R::Number, F::Pinky},
	{KEY_EQUAL, H::Right, R::Number, F::Pinky},
	{KEY_Q, H::Left, R::Top, F::Pinky},
	{KEY_W, H::Left, R::Top, F::Ring},
	{KEY_E, H::Left, R::Top, F::Middle},
	{KEY_R, H::Left, R::Top, F::Index},
	{KEY_T, H::Left, R::Top, F::Index},
	{KEY_Y, H::Right, R::Top, F::Index},
	{KEY_U, H::Right, R::Top, F::Index},
	{KEY_I, H::Right, R::Top, F::Middle},
	{KEY_O, H::Right, R::Top, F::Ring},
	{KEY_P, H::Right, R::Top, F::Pinky},
	{KEY_LEFTBRACE, H::Right, R::Top, F::Pinky},
	{KEY_RIGHTBRACE, H::Right, R::Top, F::Pinky},
	{KEY_BACKSLASH, H::Right, R::Top, F::Pinky},
	{KEY_A, H::Left, R::Home, F::Pinky},
	{KEY_S, H::Left, R::Home, F::Ring},
	{KEY_D, H::Left, R::Home, F::Middle},
	{KEY_F, H::Left, R::Home, F::Index},
	{KEY_G, H::Left, R::Home, F::Index},
	{KEY_H, H::Right, R::Home, F::Index},
	{KEY_J, H::Right, R::Home, F::Index},
	{KEY_K, H::Right, R::Home, F::Middle},
	{KEY_L, H::Right, R::Home, F::Ring},
	{KEY_SEMICOLON, H::Right, R::Home, F::Pinky},
	{KEY_APOSTROPHE, H::Right, R::Home, F::Pinky},
	{KEY_Z, H::Left, R::Bottom, F::Pinky},
	{KEY_X, H::Left, R::Bottom, F::Ring},
	{KEY_C, H::Left, R::Bottom, F::Middle},
	{KEY_V, H::Left, R::Bottom, F::Index},
	{KEY_B, H::Left, R::Bottom, F::Index},
	{KEY_N, H::Right, R::Bottom, F::Index},
	{KEY_M, H::Right, R::Bottom, F::Index},
	{KEY_COMMA, H::Right, R::Bottom, F::Middle},
	{KEY_DOT, H::Right, R::Bottom, F::Ring},
	{KEY_SLASH, H::Right, R::Bottom, F::Pinky},
	{KEY_102ND, H::Left, R::Bottom, F::Pinky},
}};

KeyClass modifier(KeyHand hand)
{
	return {KeyKind::Modifier, hand, R::None, F::None};
}

} // namespace

KeyClass keyClassOf(uint16_t code)
{
	switch (code) {
	case KEY_SPACE:
		return {KeyKind::Space, H::None, R::Thumb, F::Thumb};
	case KEY_BACKSPACE:
		return {KeyKind::Backspace, H::Right, R::Number, F::Pinky};
	case KEY_ENTER:
	case KEY_KPENTER:
		return {KeyKind::Enter, H::Right, R::Home, F::Pinky};
	case KEY_LEFTSHIFT:
	case KEY_LEFTCTRL:
	case KEY_LEFTALT:
	case KEY_LEFTMETA:
	case KEY_CAPSLOCK:
	case KEY_TAB:
		return modifier(H::Left);
	case KEY_RIGHTSHIFT:
	case KEY_RIGHTCTRL:
	case KEY_RIGHTALT:
	case KEY_RIGHTMETA:
		return modifier(H::Right);
	default:
		break;
	}
	for (const CharKey &k : kCharKeys)
		if (k.code == code)
			return {KeyKind::Character, k.hand, k.row, k.finger};
	return {};
}

unsigned keyClassIndex(const KeyClass &cls)
{
	return ((static_cast<unsigned>(cls.kind) * 3 + static_cast<unsigned>(cls.hand)) * 6 +
		static_cast<unsigned>(cls.row)) * 6 + static_cast<unsigned>(cls.finger);
}

std::string_view keyKindName(KeyKind kind)
{
	static constexpr auto kNames = makeNameTable<KeyKind>({
		{KeyKind::Other, "other"},
		{KeyKind::Character, "character"},
		{KeyKind::Modifier, "modifier"},
		{KeyKind::Space, "space"},
		{KeyKind::Backspace, "backspace"},
		{KeyKind::Enter, "enter"},
	});
	static_assert(kNames.oneToOne());
	return kNames.name(kind, "other");
}

} // namespace tactus
