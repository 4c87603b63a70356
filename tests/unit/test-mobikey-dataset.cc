// SPDX-License-Identifier: MIT
// The MOBIKEY touchscreen keystroke reader: rows, garbage, the folder
// layout. Generated fixtures only, never the data set.

#include "mobikey-dataset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace tactus;

namespace {

const char *const kHeader = "UserId, DeviceId, SessionId, Key, DownTime, UpTime, Pressure, FingerArea, RawX, RawY, "
			    "gravityX, gravityY, gravityZ, Hands, PasswordType, Repetition\n";

} // namespace

TEST(MobikeyDataset, ParsesRows)
{
	const std::string text =
		std::string(kHeader) +
		"100, DEV1,3, q,6143583,6143715,0.120000005,0.225806445,638.75,938.18,0.7,6.1,7.6,2,1,4\n"
		"101, DEV1,0, Shift\xe2\x86\x91,10,10,0,0,1,1,0,0,0,1,2,0\r\n";
	MobikeyStats stats;
	auto r = parseMobikey(text, stats);
	ASSERT_TRUE(r.ok()) << r.error().message;
	ASSERT_EQ(r->size(), 2u);
	EXPECT_EQ(stats.rows, 2u);
	EXPECT_EQ(stats.malformed, 0u);
	const MobikeyPress &p = (*r)[0];
	EXPECT_EQ(p.user, 100);
	EXPECT_EQ(p.session, 3);
	EXPECT_EQ(p.key, "q");
	EXPECT_EQ(p.downMs, 6143583);
	EXPECT_EQ(p.upMs, 6143715);
	EXPECT_DOUBLE_EQ(p.pressure, 0.120000005);
	EXPECT_DOUBLE_EQ(p.fingerArea, 0.225806445);
	EXPECT_EQ(p.passwordType, 1);
	EXPECT_EQ(p.repetition, 4);
	EXPECT_EQ((*r)[1].key, "Shift\xe2\x86\x91");
}

TEST(MobikeyDataset, GarbageIsCountedAndSkipped)
{
	const std::string good = "100, D,0, a,10,20,0.1,0.2,1,1,0,0,0,2,0,0\n";
	const std::string text = std::string(kHeader) + good +
				 "100, D,0, a,10,20,0.1,0.2,1,1,0,0,0,2,0\n"     // short
				 "100, D,0, a,10,20,0.1,0.2,1,1,0,0,0,2,0,0,9\n" // long (or the key \",\")
				 "x, D,0, a,10,20,0.1,0.2,1,1,0,0,0,2,0,0\n"     // not a number
				 "100, D,0, a,30,20,0.1,0.2,1,1,0,0,0,2,0,0\n"   // up before down
				 "100, D,0, a,10,20,nan,0.2,1,1,0,0,0,2,0,0\n"   // not finite
				 "100, D,0, ,10,20,0.1,0.2,1,1,0,0,0,2,0,0\n"    // no key
				 "\xff\xfe\x01,\n" +
				 good + "\n";
	MobikeyStats stats;
	auto r = parseMobikey(text, stats);
	ASSERT_TRUE(r.ok()) << r.error().message;
	EXPECT_EQ(r->size(), 2u);
	EXPECT_EQ(stats.rows, 9u);
	EXPECT_EQ(stats.malformed, 7u);
	EXPECT_FALSE(parseMobikey("UserId,Key\n1,a\n", stats).ok());
	EXPECT_FALSE(parseMobikey("", stats).ok());
}

TEST(MobikeyDataset, ReadsEverySiteFolder)
{
	namespace fs = std::filesystem;
	const fs::path dir = fs::path(testing::TempDir()) / "mobikey-test";
	fs::remove_all(dir);
	MobikeyStats stats;
	EXPECT_FALSE(readMobikeyDir(dir.string(), stats).ok()); // missing
	fs::create_directories(dir / "siteB");
	fs::create_directories(dir / "siteA");
	fs::create_directories(dir / "empty");
	std::ofstream(dir / "siteB" / "Keystrokes.csv") << kHeader << "200, D,0, b,1,2,0.1,0.2,1,1,0,0,0,2,0,0\n";
	std::ofstream(dir / "siteA" / "Keystrokes.csv") << kHeader << "100, D,0, a,1,2,0.1,0.2,1,1,0,0,0,2,0,0\n";
	auto r = readMobikeyDir(dir.string(), stats);
	ASSERT_TRUE(r.ok()) << r.error().message;
	ASSERT_EQ(r->size(), 2u);
	EXPECT_EQ((*r)[0].user, 100); // folder-name order
	EXPECT_EQ((*r)[1].user, 200);
	std::ofstream(dir / "siteA" / "Keystrokes.csv") << "not,a,header\n";
	EXPECT_FALSE(readMobikeyDir(dir.string(), stats).ok());
	fs::remove_all(dir);
}
