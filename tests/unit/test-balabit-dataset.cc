// SPDX-License-Identifier: MIT
// The Balabit mouse-dynamics reader: rows, sentinels, garbage, the folder
// layout and its labels. Generated fixtures only, never the data set.

#include "balabit-dataset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace tactus;

namespace {

const char *const kHeader = "record timestamp,client timestamp,button,state,x,y\n";

} // namespace

TEST(BalabitDataset, ParsesRows)
{
	const std::string text = std::string(kHeader) + "0.0,0.0,NoButton,Move,126,337\n"
							"0.5,0.0160000000615,Left,Pressed,129,337\r\n"
							"0.6,0.0319999998901,NoButton,Drag,136,337\n"
							"0.7,0.047,Left,Released,155,339\n"
							"0.8,0.05,Scroll,Down,155,339\n";
	BalabitStats stats;
	auto ev = parseBalabitSession(text, stats);
	ASSERT_TRUE(ev.ok()) << ev.error().message;
	ASSERT_EQ(ev->size(), 5u);
	EXPECT_EQ(stats.rows, 5u);
	EXPECT_EQ(stats.used, 5u);
	EXPECT_EQ((*ev)[1].button, BalabitButton::Left);
	EXPECT_EQ((*ev)[1].state, BalabitState::Pressed);
	EXPECT_DOUBLE_EQ((*ev)[1].clientSec, 0.0160000000615);
	EXPECT_EQ((*ev)[2].state, BalabitState::Drag);
	EXPECT_EQ((*ev)[3].x, 155);
	EXPECT_EQ((*ev)[3].y, 339);
	EXPECT_EQ((*ev)[4].button, BalabitButton::Scroll);
	EXPECT_EQ((*ev)[4].state, BalabitState::Down);
}

TEST(BalabitDataset, GarbageIsCountedAndSkipped)
{
	const std::string text = std::string(kHeader) +
				 "0.0,0.0,NoButton,Move,126,337\n"
				 "5103.046,5103.074,NoButton,Move,65535,65535\n" // the off-screen sentinel
				 "1,1,NoButton,Move,-3,5\n"                      // negative
				 "1,1,Banana,Move,3,5\n"                         // unknown button
				 "1,1,NoButton,Hover,3,5\n"                      // unknown state
				 "1,1,NoButton,Move,3\n"                         // short
				 "1,1,NoButton,Move,3,5,7\n"                     // long
				 "x,1,NoButton,Move,3,5\n"                       // not a number
				 "1,nan,NoButton,Move,3,5\n"                     // not finite
				 "1,1,NoButton,Move,3.5,5\n"                     // not an integer
				 "1,1,NoButton,Move,99999999999,5\n"             // beyond 32 bits
				 "\xff\xfe\x01,\n"                               // bytes
				 "2,2,NoButton,Move,10,10\n"
				 "3,1.5,NoButton,Move,11,10\n"; // client clock backwards
	BalabitStats stats;
	auto ev = parseBalabitSession(text, stats);
	ASSERT_TRUE(ev.ok()) << ev.error().message;
	EXPECT_EQ(ev->size(), 2u);
	EXPECT_EQ(stats.rows, 14u);
	EXPECT_EQ(stats.used, 2u);
	EXPECT_EQ(stats.offscreen, 2u);
	EXPECT_EQ(stats.malformed, 9u);
	EXPECT_EQ(stats.backwards, 1u);
}

TEST(BalabitDataset, NotABalabitFileIsAnError)
{
	BalabitStats stats;
	auto a = parseBalabitSession("PARTICIPANT_ID\tTEST_SECTION_ID\n1\t2\n", stats);
	ASSERT_FALSE(a.ok());
	EXPECT_NE(a.error().message.find("not a Balabit session"), std::string::npos);
	EXPECT_FALSE(parseBalabitSession("", stats).ok());
	EXPECT_FALSE(readBalabitSession("/nonexistent/tactus/session", stats).ok());
}

TEST(BalabitDataset, ListsSessionsWithLabels)
{
	namespace fs = std::filesystem;
	const fs::path dir = fs::path(testing::TempDir()) / "tactus-balabit";
	fs::remove_all(dir);
	fs::create_directories(dir / "training_files/user7");
	fs::create_directories(dir / "test_files/user7");
	fs::create_directories(dir / "test_files/user12");
	for (const char *f :
	     {"training_files/user7/session_2", "training_files/user7/session_1", "test_files/user7/session_9",
	      "test_files/user12/session_8", "test_files/user12/session_3"})
		std::ofstream(dir / f) << kHeader;
	std::ofstream(dir / "labels.csv") << "filename,is_illegal\nsession_9,1\nsession_8,0\n";
	auto files = listBalabit(dir.string());
	ASSERT_TRUE(files.ok()) << files.error().message;
	ASSERT_EQ(files->size(), 5u);
	EXPECT_TRUE((*files)[0].training);
	EXPECT_EQ((*files)[0].session, "session_1");
	EXPECT_EQ((*files)[1].session, "session_2");
	EXPECT_EQ((*files)[2].user, "user12");
	EXPECT_EQ((*files)[2].session, "session_3");
	EXPECT_EQ((*files)[2].illegal, -1); // no public label
	EXPECT_EQ((*files)[3].illegal, 0);
	EXPECT_EQ((*files)[4].user, "user7");
	EXPECT_EQ((*files)[4].illegal, 1);

	std::ofstream(dir / "labels.csv") << "filename,is_illegal\nsession_9,maybe\n";
	EXPECT_FALSE(listBalabit(dir.string()).ok());
	EXPECT_FALSE(listBalabit((dir / "nothing").string()).ok());
	fs::remove_all(dir);
}
