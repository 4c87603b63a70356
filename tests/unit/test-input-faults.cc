// SPDX-License-Identifier: MIT
// Faults of issue 14 on the input path, each pinned by what broke it:
// exceptions from a sink reaching sd-event's C frames, an inotify queue
// overflow skipped silently, and a device node opened without checking it is
// the device that was described.

#include "device-monitor.h"
#include "live-source.h"
#include "replay-source.h"
#include "sd-ptr.h"
#include "sysfs-fixture.h"
#include "util-guard.h"

#include <gtest/gtest.h>
#include <systemd/sd-event.h>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

using namespace tactus;
namespace fs = std::filesystem;

namespace {

class ScratchDir {
public:
	ScratchDir()
	{
		char tmpl[] = "/tmp/tactus-test-XXXXXX";
		path_ = mkdtemp(tmpl);
	}
	~ScratchDir() { fs::remove_all(path_); }
	const std::string &path() const { return path_; }

private:
	std::string path_;
};

struct Loop {
	Loop() { EXPECT_GE(sd_event_new(outPtr(loop_)), 0); }
	sd_event *get() const { return loop_.get(); }
	void drain()
	{
		for (int i = 0; i < 1000; i++)
			if (sd_event_run(get(), 0) <= 0)
				break;
	}
	SdEventPtr loop_;
};

} // namespace

TEST(GuardCallback, ExceptionsBecomeErrnoAndAReport)
{
	std::vector<std::string> seen;
	auto report = [&](const CallbackFault &f) {
		seen.push_back(std::string(f.where) + " " + std::to_string(f.errnum) + " " + f.what);
		return f.errnum;
	};
	EXPECT_EQ(guardCallback(
			  "ok", [] { return 7; }, report),
		  7);
	EXPECT_EQ(guardCallback(
			  "oom", []() -> int { throw std::bad_alloc(); }, report),
		  -ENOMEM);
	EXPECT_EQ(guardCallback(
			  "logic", []() -> int { throw std::runtime_error("boom"); }, report),
		  -EIO);
	EXPECT_EQ(guardCallback(
			  "other", []() -> int { throw 42; }, report),
		  -EIO);
	EXPECT_EQ(seen,
		  (std::vector<std::string>{"oom -12 out of memory", "logic -5 boom", "other -5 unknown exception"}));
	// A report that throws too still yields the errno, and nothing escapes.
	EXPECT_EQ(guardCallback(
			  "twice", []() -> int { throw std::bad_alloc(); },
			  [](const CallbackFault &) -> int { throw std::bad_alloc(); }),
		  -ENOMEM);
	// What the report returns is the callback's result (0 keeps an sd-event source).
	EXPECT_EQ(guardCallback(
			  "keep", []() -> int { throw std::bad_alloc(); }, [](const CallbackFault &) { return 0; }),
		  0);
}

namespace {

// Throws std::bad_alloc from its first frame() call, as the daemon's
// pipeline may when memory runs out in the middle of building a log line.
class ThrowingSink final : public InputSink {
public:
	void deviceAdded(DeviceId, const DeviceInfo &) override {}
	void deviceRemoved(DeviceId) override {}
	void frame(DeviceId, Frame) override
	{
		if (calls++ == 0)
			throw std::bad_alloc();
		frames++;
	}
	void sourceFinished() override { finished = true; }
	void callbackFailed(const CallbackFault &fault) override
	{
		faults.push_back(std::string(fault.where) + " " + std::to_string(fault.errnum));
	}

	unsigned calls = 0;
	unsigned frames = 0;
	bool finished = false;
	std::vector<std::string> faults;
};

Recording keyRecording(unsigned frames)
{
	Recording rec;
	rec.path = "generated";
	RecordedDevice kbd;
	kbd.info.name = "kbd";
	rec.devices = {kbd};
	for (unsigned i = 0; i < frames; i++) {
		const uint64_t t = 1000 + i * 1000;
		rec.events.push_back({0, InputEvent{t, EV_KEY, KEY_A, static_cast<int32_t>(i % 2 == 0)}});
		rec.events.push_back({0, InputEvent{t, EV_SYN, SYN_REPORT, 0}});
	}
	return rec;
}

} // namespace

// Regression (issue 14): an exception from the sink unwound through
// sd-event's dispatch (out of sd_event_run, leaving the step source disabled
// and the replay stalled). Now the fault is reported once, that frame is
// lost and the replay finishes.
TEST(GuardCallback, ReplaySurvivesAThrowingSink)
{
	Loop loop;
	ThrowingSink sink;
	ReplayInputSource source(keyRecording(10), false);
	ASSERT_TRUE(source.start(loop.get(), sink).ok());
	EXPECT_NO_THROW(loop.drain());
	EXPECT_TRUE(sink.finished);
	EXPECT_EQ(sink.faults, (std::vector<std::string>{"replay step -12"}));
	EXPECT_EQ(sink.frames, 9u);
}

// Regression (issue 14): IN_Q_OVERFLOW (wd -1) was skipped, so the devices
// whose events the kernel dropped were never announced, nor those removed
// meanwhile withdrawn. Overflow the queue for real: more creations than
// fs.inotify.max_queued_events while the loop does not read, then a removal
// the kernel can no longer queue.
TEST(DeviceMonitor, InotifyQueueOverflowRescans)
{
	unsigned maxQueued = 0;
	std::ifstream("/proc/sys/fs/inotify/max_queued_events") >> maxQueued;
	if (maxQueued == 0 || maxQueued > 100000)
		GTEST_SKIP() << "fs.inotify.max_queued_events is " << maxQueued
			     << ": overflowing it would take too long";

	ScratchDir dir;
	const std::string input = dir.path() + "/input";
	ASSERT_EQ(mkdir(input.c_str(), 0755), 0);
	auto touch = [&](unsigned n) {
		const int fd =
			::open((input + "/event" + std::to_string(n)).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		ASSERT_GE(fd, 0);
		::close(fd);
	};
	touch(0);

	Loop loop;
	std::set<std::string> present;
	unsigned added = 0;
	DeviceMonitor::Options options;
	options.backend = DeviceMonitor::Backend::Inotify;
	options.devInputDir = input;
	auto monitor = DeviceMonitor::create(
		loop.get(), options,
		[&](const std::string &s) {
			present.insert(s);
			added++;
		},
		[&](const std::string &s) { present.erase(s); });
	ASSERT_TRUE(monitor.ok());
	ASSERT_TRUE((*monitor)->start().ok());
	ASSERT_EQ(present, (std::set<std::string>{"event0"}));

	const unsigned n = maxQueued + 200;
	for (unsigned i = 1; i <= n; i++)
		touch(i);
	ASSERT_EQ(unlink((input + "/event0").c_str()), 0);
	loop.drain();

	EXPECT_EQ(present.size(), n) << "devices on disk: " << n;
	EXPECT_EQ(present.count("event0"), 0u) << "removed while the queue was full";
	EXPECT_EQ(present.count("event" + std::to_string(n)), 1u) << "created after the overflow";
	EXPECT_EQ(added, n + 1) << "each device announced once";
}

namespace {

class IgnoreSink final : public InputSink {
public:
	void deviceAdded(DeviceId, const DeviceInfo &info) override { addedNames.push_back(info.name); }
	void deviceRemoved(DeviceId) override {}
	void frame(DeviceId, Frame) override {}
	void deviceIgnored(const std::string &sysname, const Error &why) override
	{
		ignored.push_back(sysname + ": " + why.message);
	}

	std::vector<std::string> addedNames;
	std::vector<std::string> ignored;
};

} // namespace

// Regression (issue 14): a device was described (sysfs, udev database:
// provenance, seat, allow-list) and its node opened afterwards without
// checking that the node is that device. Here the node is a stand-in
// (/dev/null, char 1:3) where the description says event4 is char 13:68.
TEST(LiveInputSource, OpenedNodeMustBeTheDescribedDevice)
{
	auto fixture = test::SysfsFixture::fromDataFile("qemu-guest.umockdev");
	ASSERT_TRUE(fixture.ok()) << fixture.error().message;
	ScratchDir dev;
	ASSERT_EQ(symlink("/dev/null", (dev.path() + "/event4").c_str()), 0);

	Loop loop;
	IgnoreSink sink;
	DeviceMonitor::Options options;
	options.backend = DeviceMonitor::Backend::Inotify;
	options.devInputDir = dev.path();
	LiveInputSource source(options, DeviceDescriber(fixture->roots(), ProvenanceRules()), dev.path());
	ASSERT_TRUE(source.start(loop.get(), sink).ok());
	loop.drain();

	EXPECT_TRUE(sink.addedNames.empty());
	ASSERT_EQ(sink.ignored.size(), 1u);
	EXPECT_NE(sink.ignored[0].find("event4: " + dev.path() +
				       "/event4 is not the device that was described "
				       "(char 1:3, expected char 13:68)"),
		  std::string::npos)
		<< sink.ignored[0];
}
