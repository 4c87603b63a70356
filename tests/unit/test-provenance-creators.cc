// SPDX-License-Identifier: MIT
#include "sysfs-fixture.h"
#include "uinput-creators.h"

#include <gtest/gtest.h>

using namespace tactus;
using test::SysfsFixture;

TEST(UinputCreators, UnitFromCgroupV2)
{
	EXPECT_EQ(unitFromCgroup("0::/user.slice/user-1000.slice/user@1000.service/app.slice/evil.service\n"),
		  "evil.service");
	EXPECT_EQ(unitFromCgroup("0::/system.slice/ydotool.service\n"), "ydotool.service");
	EXPECT_EQ(unitFromCgroup("0::/user.slice/user-1000.slice/session-2.scope\n"), "session-2.scope");
	EXPECT_EQ(unitFromCgroup("0::/user.slice/user-1000.slice/user@1000.service/app.slice/"
				 "app-gnome-org.gnome.Onboard-4711.scope\n"),
		  "app-gnome-org.gnome.Onboard-4711.scope");
	// A delegated subtree below a unit still belongs to the unit.
	EXPECT_EQ(unitFromCgroup("0::/system.slice/docker-0a1b.scope/init\n"), "docker-0a1b.scope");
	// The user manager itself.
	EXPECT_EQ(unitFromCgroup("0::/user.slice/user-1000.slice/user@1000.service/init.scope\n"), "init.scope");
	EXPECT_EQ(unitFromCgroup("0::/\n"), "");
	EXPECT_EQ(unitFromCgroup("0::/user.slice\n"), "");
	EXPECT_EQ(unitFromCgroup(""), "");
	EXPECT_EQ(unitFromCgroup("garbage without structure"), "");
	EXPECT_EQ(unitFromCgroup("0::/a.service/../b"), "a.service");
}

TEST(UinputCreators, UnitFromCgroupV1Hybrid)
{
	const char *hybrid = "12:pids:/system.slice/kbd.service\n"
			     "1:name=systemd:/system.slice/kbd.service\n"
			     "0::/system.slice/kbd-v2.service\n";
	// The unified line wins where there is one.
	EXPECT_EQ(unitFromCgroup(hybrid), "kbd-v2.service");
	const char *legacy = "11:devices:/system.slice/legacy.service\n"
			     "1:name=systemd:/system.slice/legacy.service\n";
	EXPECT_EQ(unitFromCgroup(legacy), "legacy.service");
}

TEST(UinputCreators, RealUidFromStatus)
{
	EXPECT_EQ(realUidFromStatus("Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t1\t1\t1\t1\n"), 1000u);
	EXPECT_EQ(realUidFromStatus("Uid:\t0\t0\t0\t0\n"), 0u);
	EXPECT_EQ(realUidFromStatus("Name:\tx\n"), std::nullopt);
	EXPECT_EQ(realUidFromStatus("Uid:\tabc\t0\n"), std::nullopt);
	EXPECT_EQ(realUidFromStatus("Uid:\t99999999999999999999\n"), std::nullopt);
	EXPECT_EQ(realUidFromStatus("Uid:\n"), std::nullopt);
}

TEST(UinputCreators, FindsHoldersSortedAndSkipsUnreadable)
{
	auto f = SysfsFixture::fromDataFile("uinput-clone.umockdev");
	ASSERT_TRUE(f) << f.error().message;
	std::vector<CreatorProcess> holders = findUinputHolders(f->roots().proc);
	// pid 1 holds no uinput, pid 4300 has no status, "self" is no pid.
	ASSERT_EQ(holders.size(), 2u);
	EXPECT_EQ(holders[0], (CreatorProcess{612, 0, "/usr/bin/ydotoold", "ydotoold", "ydotool.service"}));
	EXPECT_EQ(holders[1], (CreatorProcess{4242, 1000, "/home/mallory/.local/bin/evil", "evil", "evil.service"}));
}

TEST(UinputCreators, MissingOptionalFieldsStayEmpty)
{
	auto f = SysfsFixture::create();
	ASSERT_TRUE(f);
	// A kernel-thread-like entry: status only, no exe, comm or cgroup.
	ASSERT_TRUE(f->apply("R: 77\nA: status=Name:\\tx\\nUid:\\t42\\t42\\t42\\t42\\n\nL: fd/9=/dev/uinput\n"));
	std::vector<CreatorProcess> holders = findUinputHolders(f->roots().proc);
	ASSERT_EQ(holders.size(), 1u);
	EXPECT_EQ(holders[0], (CreatorProcess{77, 42, "", "", ""}));
}

TEST(UinputCreators, NotAPrefixMatch)
{
	auto f = SysfsFixture::create();
	ASSERT_TRUE(f);
	ASSERT_TRUE(f->apply(
		"R: 10\nA: status=Uid:\\t0\\t0\\t0\\t0\\n\nL: fd/3=/dev/uinput (deleted)\nL: fd/4=/dev/uinput2\n"
		"R: 11\nA: status=Uid:\\t0\\t0\\t0\\t0\\n\nL: fd/3=/dev/input/event3\n"));
	EXPECT_TRUE(findUinputHolders(f->roots().proc).empty());
}

TEST(UinputCreators, MissingProcIsEmpty)
{
	EXPECT_TRUE(findUinputHolders("/nonexistent/tactus-test/proc").empty());
	auto f = SysfsFixture::create();
	ASSERT_TRUE(f);
	EXPECT_TRUE(findUinputHolders(f->roots().proc).empty());
}
