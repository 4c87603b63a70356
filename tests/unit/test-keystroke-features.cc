// SPDX-License-Identifier: MIT
// Key classes and the keystroke feature extractor: classes never identify a
// key, rows hold the documented timings in press order, and nothing about a
// key code survives in a row.

#include "key-classes.h"
#include "keystroke-features.h"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

#include <set>
#include <vector>

using namespace tactus;

namespace {

std::vector<KeystrokeRow> drain(KeystrokeExtractor &ex)
{
	std::vector<KeystrokeRow> out;
	KeystrokeRow r;
	while (ex.pop(r))
		out.push_back(r);
	return out;
}

} // namespace

TEST(KeyClasses, KindsOfKeys)
{
	EXPECT_EQ(keyKindOf(KEY_SPACE), KeyKind::Space);
	EXPECT_EQ(keyKindOf(KEY_BACKSPACE), KeyKind::Backspace);
	EXPECT_EQ(keyKindOf(KEY_ENTER), KeyKind::Enter);
	EXPECT_EQ(keyKindOf(KEY_LEFTSHIFT), KeyKind::Modifier);
	EXPECT_EQ(keyKindOf(KEY_RIGHTSHIFT), KeyKind::Modifier);
	EXPECT_EQ(keyKindOf(KEY_A), KeyKind::Character);
	EXPECT_EQ(keyKindOf(KEY_SLASH), KeyKind::Character);
	EXPECT_EQ(keyKindOf(KEY_F23), KeyKind::Other);
	EXPECT_EQ(keyKindName(KeyKind::Backspace), "backspace");
}

TEST(KeyClasses, EveryCharacterClassHoldsThreeLetters)
{
	for (KeyClassSet set : kKeyClassSets) {
		const unsigned n = keyClassCount(set);
		ASSERT_LE(n, kMaxKeyClasses);
		std::vector<unsigned> letters(n, 0);
		for (uint16_t code : letterKeyCodes())
			letters[keyClassOf(set, code)]++;
		for (unsigned c = kFirstCharacterClass; c < n; c++)
			EXPECT_GE(letters[c], 3u) << keyClassSetName(set) << " class " << c;
		// Every key code maps into range, and every character class is used.
		std::set<unsigned> used;
		for (unsigned code = 0; code < KEY_CNT; code++) {
			uint8_t c = keyClassOf(set, static_cast<uint16_t>(code));
			ASSERT_LT(c, n) << keyClassSetName(set) << " code " << code;
			if (keyKindOf(static_cast<uint16_t>(code)) == KeyKind::Character) {
				EXPECT_GE(c, kFirstCharacterClass);
				used.insert(c);
			} else {
				EXPECT_LT(c, kFirstCharacterClass);
			}
		}
		EXPECT_EQ(used.size(), n - kFirstCharacterClass) << keyClassSetName(set);
		EXPECT_EQ(keyClassSetByName(keyClassSetName(set)), set);
	}
	EXPECT_FALSE(keyClassSetByName("qwerty"));
}

TEST(KeyClasses, PositionsNotLetters)
{
	EXPECT_EQ(keyClassOf(KeyClassSet::Hand, KEY_A), keyClassOf(KeyClassSet::Hand, KEY_T));
	EXPECT_NE(keyClassOf(KeyClassSet::Hand, KEY_A), keyClassOf(KeyClassSet::Hand, KEY_P));
	EXPECT_EQ(keyClassOf(KeyClassSet::HandRow, KEY_N), keyClassOf(KeyClassSet::HandRow, KEY_H));
	EXPECT_EQ(keyClassOf(KeyClassSet::HandRow, KEY_1), keyClassOf(KeyClassSet::HandRow, KEY_Q));
	EXPECT_NE(keyClassOf(KeyClassSet::Column, KEY_F), keyClassOf(KeyClassSet::Column, KEY_G));
	EXPECT_EQ(keyClassOf(KeyClassSet::None, KEY_Q), keyClassOf(KeyClassSet::None, KEY_SLASH));
	EXPECT_EQ(keyClassOf(KeyClassSet::None, KEY_SPACE), 1);
}

TEST(KeystrokeFeatures, TimingsOfOverlappingKeys)
{
	KeystrokeExtractor ex(KeyClassSet::Hand);
	// T down 1000, H down 1080 (rollover), T up 1100, H up 1170, E down 1300, E up 1390 (µs x 1000).
	ex.key(KEY_T, 1, 1'000'000);
	ex.key(KEY_H, 1, 1'080'000);
	ex.key(KEY_H, 2, 1'100'000); // auto-repeat ignored
	EXPECT_TRUE(drain(ex).empty());
	ex.key(KEY_T, 0, 1'100'000);
	ex.key(KEY_H, 0, 1'170'000);
	ex.key(KEY_E, 1, 1'300'000);
	ex.key(KEY_E, 0, 1'390'000);
	auto rows = drain(ex);
	ASSERT_EQ(rows.size(), 3u);
	EXPECT_EQ(rows[0], (KeystrokeRow{100'000, 0, 0, 0, 0, 0, keyClassOf(KeyClassSet::Hand, KEY_T)}));
	EXPECT_EQ(rows[1],
		  (KeystrokeRow{90'000, 80'000, -20'000, 170'000, 70'000, 1, keyClassOf(KeyClassSet::Hand, KEY_H)}));
	EXPECT_EQ(rows[2],
		  (KeystrokeRow{90'000, 220'000, 130'000, 310'000, 220'000, 0, keyClassOf(KeyClassSet::Hand, KEY_E)}));
	EXPECT_NE(rows[0].keyClass, rows[1].keyClass);
}

TEST(KeystrokeFeatures, PressOrderWhenReleasedOutOfOrder)
{
	KeystrokeExtractor ex(KeyClassSet::None);
	ex.key(KEY_LEFTSHIFT, 1, 0);
	ex.key(KEY_A, 1, 50'000);
	ex.key(KEY_A, 0, 120'000);
	EXPECT_TRUE(drain(ex).empty()) << "shift is still held; rows come in press order";
	ex.key(KEY_LEFTSHIFT, 0, 200'000);
	auto rows = drain(ex);
	ASSERT_EQ(rows.size(), 2u);
	EXPECT_EQ(rows[0].holdUs, 200'000);
	EXPECT_EQ(rows[0].keyClass, 4); // modifier
	EXPECT_EQ(rows[1].holdUs, 70'000);
	EXPECT_EQ(rows[1].rpUs, 50'000 - 200'000);
	EXPECT_EQ(rows[1].rrUs, 120'000 - 200'000);
	EXPECT_EQ(rows[1].rollover, 1);
}

TEST(KeystrokeFeatures, ResetStartsNewSequenceAndFlushCompletes)
{
	KeystrokeExtractor ex(KeyClassSet::None);
	ex.key(KEY_A, 1, 0);
	ex.key(KEY_A, 0, 10'000);
	ex.reset();
	ex.key(KEY_B, 1, 5'000'000);
	ex.flush(5'080'000);
	auto rows = drain(ex);
	ASSERT_EQ(rows.size(), 1u);
	EXPECT_EQ(rows[0].ppUs, 0);
	EXPECT_EQ(rows[0].holdUs, 80'000);
	// Stray releases and unknown values do nothing.
	ex.key(KEY_C, 0, 6'000'000);
	ex.key(KEY_C, 7, 6'000'000);
	EXPECT_TRUE(drain(ex).empty());
}

TEST(KeystrokeFeatures, BoundedUnderHostileStreams)
{
	KeystrokeExtractor ex(KeyClassSet::Column);
	// Press 40 keys and never release: the window stays bounded, the oldest complete.
	for (unsigned i = 0; i < 40; i++)
		ex.key(static_cast<uint16_t>(KEY_Q + i % 10), 1, i * 1000);
	auto rows = drain(ex);
	EXPECT_GE(rows.size(), 40u - KeystrokeExtractor::kMaxPending);
	// A press of a key still held completes the old keystroke first.
	KeystrokeExtractor ex2(KeyClassSet::None);
	ex2.key(KEY_A, 1, 0);
	ex2.key(KEY_A, 1, 30'000);
	ex2.key(KEY_A, 0, 50'000);
	rows = drain(ex2);
	ASSERT_EQ(rows.size(), 2u);
	EXPECT_EQ(rows[0].holdUs, 30'000);
	EXPECT_EQ(rows[1].holdUs, 20'000);
	EXPECT_EQ(rows[1].rollover, 0);
	// Nobody draining: rows beyond kMaxReady are dropped and counted.
	KeystrokeExtractor ex3(KeyClassSet::None);
	for (unsigned i = 0; i < 100; i++) {
		ex3.key(KEY_A, 1, i * 100'000);
		ex3.key(KEY_A, 0, i * 100'000 + 50'000);
	}
	EXPECT_EQ(drain(ex3).size(), KeystrokeExtractor::kMaxReady);
	EXPECT_EQ(ex3.droppedRows(), 100u - KeystrokeExtractor::kMaxReady);
}
