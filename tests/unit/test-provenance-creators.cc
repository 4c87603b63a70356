// SPDX-License-Identifier: MIT
#include "sysfs-fixture.h"
#include "uinput-creators.h"

#include "provenance-classifier.h"

#include <gtest/gtest.h>
#include <systemd/sd-login.h>

#include <cstdlib>
#include <filesystem>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace tactus;
using test::kUinputStandIn;
using test::SysfsFixture;

namespace {

std::vector<CreatorProcess> uinputHolders(const SysfsFixture &f)
{
	return findDeviceHolders(f.roots().proc, f.roots().uinput, f.roots().unitsOf);
}

} // namespace

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
	std::vector<CreatorProcess> holders = uinputHolders(*f);
	// pid 1 holds no uinput, pid 4300 has no status, "self" is no pid.
	ASSERT_EQ(holders.size(), 2u);
	EXPECT_EQ(holders[0], (CreatorProcess{612, 0, "/usr/bin/ydotoold", "ydotoold", "ydotool.service", ""}));
	// A user's service: its system unit is the user manager, its own name
	// is a user unit, which the user chose.
	EXPECT_EQ(holders[1], (CreatorProcess{4242, 1000, "/home/mallory/.local/bin/evil", "evil", "user@1000.service",
					      "evil.service"}));
	// Nobody holds /dev/uhid there.
	EXPECT_TRUE(findDeviceHolders(f->roots().proc, f->roots().uhid, f->roots().unitsOf).empty());
}

TEST(UinputCreators, MissingOptionalFieldsStayEmpty)
{
	auto f = SysfsFixture::create();
	ASSERT_TRUE(f);
	// A kernel-thread-like entry: status only, no exe, comm or cgroup.
	ASSERT_TRUE(f->apply("R: 77\nA: status=Name:\\tx\\nUid:\\t42\\t42\\t42\\t42\\n\nL: fd/9=/dev/uinput\n"));
	std::vector<CreatorProcess> holders = uinputHolders(*f);
	ASSERT_EQ(holders.size(), 1u);
	EXPECT_EQ(holders[0], (CreatorProcess{77, 42, "", "", "", ""}));
}

TEST(UinputCreators, NotAPrefixMatch)
{
	auto f = SysfsFixture::create();
	ASSERT_TRUE(f);
	ASSERT_TRUE(f->apply(
		"R: 10\nA: status=Uid:\\t0\\t0\\t0\\t0\\n\nL: fd/3=/dev/uinput (deleted)\nL: fd/4=/dev/uinput2\n"
		"R: 11\nA: status=Uid:\\t0\\t0\\t0\\t0\\n\nL: fd/3=/dev/input/event3\n"));
	EXPECT_TRUE(uinputHolders(*f).empty());
}

// Issue 11 item 8: the device, not the path it was opened by. Before, a
// holder was an fd whose link text was "/dev/uinput": a process that made
// its own node (mknod /tmp/u c 10 223) or opened it in a private mount
// namespace was missed, and a file merely named /dev/uinput counted.
TEST(UinputCreators, HoldersByDeviceNumberNotPath)
{
	auto f = SysfsFixture::create();
	ASSERT_TRUE(f);
	// Another node of the same device: a path that says nothing.
	const std::string node = f->path("home/mallory/.cache/n");
	std::error_code ec;
	std::filesystem::create_directories(f->path("home/mallory/.cache"), ec);
	ASSERT_FALSE(ec);
	ASSERT_EQ(::symlink(kUinputStandIn, node.c_str()), 0);
	// A regular file named like the node.
	ASSERT_TRUE(f->writeFile("fake/dev/uinput", "not a device"));
	ASSERT_TRUE(f->apply("R: 20\nA: status=Uid:\\t1000\\t1000\\t1000\\t1000\\n\nL: fd/7=" + node +
			     "\n"
			     "R: 21\nA: status=Uid:\\t1000\\t1000\\t1000\\t1000\\n\nL: fd/3=" +
			     f->path("fake/dev/uinput") +
			     "\n"
			     // Another character device.
			     "R: 22\nA: status=Uid:\\t0\\t0\\t0\\t0\\n\nL: fd/3=/dev/null\n"));
	std::vector<CreatorProcess> holders = uinputHolders(*f);
	ASSERT_EQ(holders.size(), 1u);
	EXPECT_EQ(holders[0].pid, 20);
	EXPECT_EQ(holders[0].uid, 1000u);
}

TEST(UinputCreators, UhidHoldersAreSeparate)
{
	auto f = SysfsFixture::create();
	ASSERT_TRUE(f);
	ASSERT_TRUE(f->apply("R: 30\nA: status=Uid:\\t0\\t0\\t0\\t0\\n\nA: unit=bluetooth.service\\n\n"
			     "L: fd/9=/dev/uhid\n"
			     "R: 31\nA: status=Uid:\\t0\\t0\\t0\\t0\\n\nL: fd/3=/dev/uinput\n"));
	std::vector<CreatorProcess> uhid = findDeviceHolders(f->roots().proc, f->roots().uhid, f->roots().unitsOf);
	ASSERT_EQ(uhid.size(), 1u);
	EXPECT_EQ(uhid[0].pid, 30);
	EXPECT_EQ(uhid[0].unit, "bluetooth.service");
	EXPECT_TRUE(isBluez(uhid[0]));
	std::vector<CreatorProcess> uinput = uinputHolders(*f);
	ASSERT_EQ(uinput.size(), 1u);
	EXPECT_EQ(uinput[0].pid, 31);
	EXPECT_FALSE(isBluez(uinput[0]));
}

TEST(UinputCreators, DeviceNumbers)
{
	EXPECT_EQ(uinputDeviceNumber(), makedev(10, 223));
	EXPECT_EQ(uhidDeviceNumber(), makedev(10, 239));
	SystemRoots live;
	EXPECT_EQ(live.uinput, makedev(10, 223));
	EXPECT_EQ(live.uhid, makedev(10, 239));
}

// libsystemd on this very process: a system unit, or none outside systemd.
TEST(UinputCreators, SystemdUnitsOfSelf)
{
	CreatorUnits u = systemdUnitsOf(::getpid());
	char *unit = nullptr;
	if (sd_pid_get_unit(::getpid(), &unit) >= 0) {
		EXPECT_EQ(u.unit, unit);
		std::free(unit);
	} else {
		EXPECT_EQ(u.unit, "");
	}
	EXPECT_EQ(systemdUnitsOf(-1).unit, "");
}

TEST(UinputCreators, MissingProcIsEmpty)
{
	EXPECT_TRUE(findDeviceHolders("/nonexistent/tactus-test/proc", uinputDeviceNumber(), nullptr).empty());
	auto f = SysfsFixture::create();
	ASSERT_TRUE(f);
	EXPECT_TRUE(uinputHolders(*f).empty());
}
