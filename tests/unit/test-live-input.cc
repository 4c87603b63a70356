// SPDX-License-Identifier: MIT
// The live-input path without a kernel: frame assembly, the inotify hotplug
// backend on a scratch directory, and replay through the same sink.

#include "device-format.h"
#include "device-monitor.h"
#include "frame-assembler.h"
#include "replay-source.h"
#include "sd-ptr.h"

#include <gtest/gtest.h>
#include <systemd/sd-event.h>

#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace tactus;
namespace fs = std::filesystem;

namespace {

InputEvent ev(uint64_t t, uint16_t type, uint16_t code, int32_t value)
{
	return InputEvent{t, type, code, value};
}

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

void touch(const std::string &path)
{
	int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ASSERT_GE(fd, 0) << path;
	::close(fd);
}

struct Loop {
	Loop() { EXPECT_GE(sd_event_new(outPtr(loop_)), 0); }
	sd_event *get() const { return loop_.get(); }
	// Run until the loop has nothing left to do right now.
	void drain()
	{
		for (int i = 0; i < 100; i++)
			if (sd_event_run(get(), 0) <= 0)
				break;
	}
	SdEventPtr loop_;
};

} // namespace

TEST(FrameAssembler, EmitsOnSynReport)
{
	FrameAssembler fa;
	std::vector<std::vector<InputEvent>> frames;
	auto emit = [&](Frame f) { frames.emplace_back(f.begin(), f.end()); };
	EXPECT_EQ(fa.push(ev(1, EV_MSC, MSC_SCAN, 4), emit), 0);
	EXPECT_EQ(fa.push(ev(1, EV_KEY, KEY_A, 1), emit), 0);
	EXPECT_EQ(fa.push(ev(1, EV_SYN, SYN_REPORT, 0), emit), 1);
	ASSERT_EQ(frames.size(), 1u);
	EXPECT_EQ(frames[0].size(), 3u);
	EXPECT_EQ(frames[0][1], ev(1, EV_KEY, KEY_A, 1));
	EXPECT_EQ(fa.pending(), 0u);
}

TEST(FrameAssembler, SplitsOverlongFrames)
{
	FrameAssembler fa;
	std::vector<size_t> sizes;
	auto emit = [&](Frame f) { sizes.push_back(f.size()); };
	for (size_t i = 0; i < FrameAssembler::kCapacity + 10; i++)
		fa.push(ev(1, EV_ABS, ABS_MT_POSITION_X, static_cast<int32_t>(i)), emit);
	fa.push(ev(1, EV_SYN, SYN_REPORT, 0), emit);
	ASSERT_EQ(sizes.size(), 2u);
	EXPECT_EQ(sizes[0], FrameAssembler::kCapacity);
	EXPECT_EQ(sizes[1], 11u);
}

TEST(FrameAssembler, DiscardDropsStaleEvents)
{
	FrameAssembler fa;
	std::vector<size_t> sizes;
	auto emit = [&](Frame f) { sizes.push_back(f.size()); };
	fa.push(ev(1, EV_REL, REL_X, 3), emit);
	fa.discard();
	fa.push(ev(2, EV_SYN, SYN_REPORT, 0), emit);
	ASSERT_EQ(sizes.size(), 1u);
	EXPECT_EQ(sizes[0], 1u);
}

TEST(DeviceMonitor, EvdevSysnames)
{
	EXPECT_TRUE(isEvdevSysname("event0"));
	EXPECT_TRUE(isEvdevSysname("event123"));
	EXPECT_FALSE(isEvdevSysname("event"));
	EXPECT_FALSE(isEvdevSysname("mouse0"));
	EXPECT_FALSE(isEvdevSysname("event1x"));
	EXPECT_FALSE(isEvdevSysname("event1234567890"));
	EXPECT_TRUE(evdevSysnameLess("event2", "event10"));
	EXPECT_FALSE(evdevSysnameLess("event10", "event2"));
}

TEST(DeviceMonitor, InotifyEnumeratesAndFollowsHotplug)
{
	ScratchDir dir;
	const std::string input = dir.path() + "/input";
	ASSERT_EQ(mkdir(input.c_str(), 0755), 0);
	touch(input + "/event10");
	touch(input + "/event2");
	touch(input + "/mouse0");

	Loop loop;
	std::vector<std::string> log;
	DeviceMonitor::Options options;
	options.backend = DeviceMonitor::Backend::Inotify;
	options.devInputDir = input;
	auto monitor = DeviceMonitor::create(
		loop.get(), options, [&](const std::string &s) { log.push_back("+" + s); },
		[&](const std::string &s) { log.push_back("-" + s); });
	ASSERT_TRUE(monitor.ok());
	ASSERT_TRUE((*monitor)->start().ok());
	EXPECT_EQ(log, (std::vector<std::string>{"+event2", "+event10"}));

	log.clear();
	touch(input + "/event3");
	chmod((input + "/event3").c_str(), 0660); // IN_ATTRIB: must not announce twice
	unlink((input + "/event2").c_str());
	touch(input + "/js0");
	loop.drain();
	EXPECT_EQ(log, (std::vector<std::string>{"+event3", "-event2"}));
}

TEST(DeviceMonitor, InotifyWaitsForMissingInputDir)
{
	ScratchDir dir;
	const std::string input = dir.path() + "/input";

	Loop loop;
	std::vector<std::string> log;
	DeviceMonitor::Options options;
	options.backend = DeviceMonitor::Backend::Inotify;
	options.devInputDir = input;
	auto monitor = DeviceMonitor::create(
		loop.get(), options, [&](const std::string &s) { log.push_back("+" + s); },
		[&](const std::string &s) { log.push_back("-" + s); });
	ASSERT_TRUE(monitor.ok());
	ASSERT_TRUE((*monitor)->start().ok());
	EXPECT_TRUE(log.empty());

	// The first device creates /dev/input and its node at once.
	ASSERT_EQ(mkdir(input.c_str(), 0755), 0);
	touch(input + "/event0");
	loop.drain();
	touch(input + "/event1");
	loop.drain();
	EXPECT_EQ(log, (std::vector<std::string>{"+event0", "+event1"}));

	// And when the directory goes, so do its devices.
	log.clear();
	fs::remove_all(input);
	loop.drain();
	EXPECT_EQ(log, (std::vector<std::string>{"-event0", "-event1"}));
}

TEST(DeviceMonitor, AutoPicksInotifyWithoutUdevd)
{
	ScratchDir dir;
	Loop loop;
	DeviceMonitor::Options options;
	options.runDir = dir.path(); // no udev/control here
	auto monitor = DeviceMonitor::create(loop.get(), options, nullptr, nullptr);
	ASSERT_TRUE(monitor.ok());
	EXPECT_EQ((*monitor)->backend(), DeviceMonitor::Backend::Inotify);

	ASSERT_EQ(mkdir((dir.path() + "/udev").c_str(), 0755), 0);
	touch(dir.path() + "/udev/control");
	auto udev = DeviceMonitor::create(loop.get(), options, nullptr, nullptr);
	ASSERT_TRUE(udev.ok());
	EXPECT_EQ((*udev)->backend(), DeviceMonitor::Backend::Udev);
}

namespace {

// Records what a source delivers, as text, so tests compare whole streams.
class TraceSink final : public InputSink {
public:
	void deviceAdded(DeviceId id, const DeviceInfo &info) override
	{
		trace.push_back("add " + std::to_string(id) + " " + info.name);
	}
	void deviceRemoved(DeviceId id) override { trace.push_back("remove " + std::to_string(id)); }
	void frame(DeviceId id, Frame events) override
	{
		std::string s = "frame " + std::to_string(id) + " @" + std::to_string(events.front().timeUsec) +
				" n=" + std::to_string(events.size());
		trace.push_back(s);
	}
	void sourceFinished() override { finished = true; }

	std::vector<std::string> trace;
	bool finished = false;
};

Recording twoDeviceRecording()
{
	Recording rec;
	rec.path = "generated";
	RecordedDevice kbd;
	kbd.info.name = "kbd";
	RecordedDevice mouse;
	mouse.info.name = "mouse";
	rec.devices = {kbd, mouse};
	rec.events = {
		{0, ev(1000, EV_KEY, KEY_A, 1)},      {0, ev(1000, EV_SYN, SYN_REPORT, 0)},
		{1, ev(1500, EV_REL, REL_X, 2)},      {0, ev(2000, EV_KEY, KEY_A, 0)},
		{1, ev(1500, EV_SYN, SYN_REPORT, 0)}, {0, ev(2000, EV_SYN, SYN_REPORT, 0)},
		{1, ev(9000, EV_REL, REL_Y, 1)}, // cut off: no SYN_REPORT
	};
	return rec;
}

} // namespace

TEST(ReplaySource, DeliversFramesInRecordedOrder)
{
	Loop loop;
	TraceSink sink;
	ReplayInputSource source(twoDeviceRecording());
	ASSERT_TRUE(source.start(loop.get(), sink).ok());
	loop.drain();
	EXPECT_TRUE(sink.finished);
	EXPECT_EQ(sink.trace, (std::vector<std::string>{
				      "add 1 kbd",
				      "add 2 mouse",
				      "frame 1 @1000 n=2",
				      "frame 2 @1500 n=2",
				      "frame 1 @2000 n=2",
				      "frame 2 @9000 n=1",
				      "remove 1",
				      "remove 2",
			      }));
}

// Replay cuts frames exactly as a live device's FrameAssembler does: a
// multitouch frame longer than its buffer arrives in pieces, the last one
// ending in SYN_REPORT.
TEST(ReplaySource, SplitsOverlongFramesLikeLiveInput)
{
	Recording rec;
	rec.path = "generated";
	RecordedDevice touch;
	touch.info.name = "touch";
	rec.devices = {touch};
	const size_t n = FrameAssembler::kCapacity + 44;
	for (size_t i = 0; i < n; i++)
		rec.events.push_back({0, ev(1000 + i, EV_ABS, ABS_MT_POSITION_X, static_cast<int32_t>(i))});
	rec.events.push_back({0, ev(5000, EV_SYN, SYN_REPORT, 0)});

	// What the live path's assembler makes of the same events.
	FrameAssembler live;
	std::vector<size_t> liveSizes;
	for (const auto &e : rec.events)
		live.push(e.event, [&liveSizes](Frame f) { liveSizes.push_back(f.size()); });

	Loop loop;
	TraceSink sink;
	ReplayInputSource source(std::move(rec));
	ASSERT_TRUE(source.start(loop.get(), sink).ok());
	loop.drain();
	ASSERT_EQ(liveSizes, (std::vector<size_t>{FrameAssembler::kCapacity, 45}));
	EXPECT_EQ(sink.trace, (std::vector<std::string>{
				      "add 1 touch",
				      "frame 1 @1000 n=" + std::to_string(FrameAssembler::kCapacity),
				      "frame 1 @" + std::to_string(1000 + FrameAssembler::kCapacity) + " n=45",
				      "remove 1",
			      }));
}

TEST(ReplaySource, RealTimeKeepsThePace)
{
	Loop loop;
	TraceSink sink;
	Recording rec = twoDeviceRecording();
	ReplayInputSource source(std::move(rec), true);
	ASSERT_TRUE(source.start(loop.get(), sink).ok());
	uint64_t start = 0, end = 0;
	sd_event_now(loop.get(), CLOCK_MONOTONIC, &start);
	for (int i = 0; i < 1000 && !sink.finished; i++)
		sd_event_run(loop.get(), 100000);
	sd_event_now(loop.get(), CLOCK_MONOTONIC, &end);
	EXPECT_TRUE(sink.finished);
	// 8 ms between first and last event; allow generous scheduling slack.
	EXPECT_GE(end - start, 7000u);
	EXPECT_EQ(sink.trace.size(), 8u);
}

TEST(DeviceFormat, HostileNamesAreSanitised)
{
	DeviceInfo info;
	info.sysname = "event7";
	info.name = std::string("evil\n\x1b[2Jname\xff") + std::string(4096, 'x');
	info.bustype = BUS_USB;
	info.vendor = 0x046d;
	info.product = 0xc52b;
	info.provenance = Provenance::Uinput;
	info.creators = {CreatorProcess{42, 1000, "/usr/bin/ydotoold", "ydotoold", "ydotool.service"}};
	const std::string line = formatDeviceLine(info);
	EXPECT_EQ(line.find('\n'), std::string::npos);
	EXPECT_EQ(line.find('\x1b'), std::string::npos);
	EXPECT_LT(line.size(), 600u);
	EXPECT_NE(line.find("provenance=uinput"), std::string::npos);
	EXPECT_NE(line.find("bus=usb id=046d:c52b"), std::string::npos);
	EXPECT_NE(line.find("pid 42 uid 1000 exe /usr/bin/ydotoold unit ydotool.service"), std::string::npos);

	const std::string json = formatDeviceJson(info);
	EXPECT_EQ(json.find('\n'), std::string::npos);
	EXPECT_NE(json.find("\"provenance\":\"uinput\""), std::string::npos);
}

TEST(Capabilities, KeyboardMouseTouchpad)
{
	EvdevCodes kbd;
	for (unsigned k = KEY_ESC; k <= KEY_D; k++)
		kbd.set(EV_KEY, k);
	EXPECT_TRUE(deriveCapabilities(kbd).keyboard);
	EXPECT_EQ(capabilitiesString(deriveCapabilities(kbd)), "keyboard");

	EvdevCodes power;
	power.set(EV_KEY, KEY_POWER);
	EXPECT_EQ(capabilitiesString(deriveCapabilities(power)), "keys");

	EvdevCodes mouse;
	mouse.set(EV_REL, REL_X);
	mouse.set(EV_REL, REL_Y);
	mouse.set(EV_KEY, BTN_LEFT);
	EXPECT_TRUE(deriveCapabilities(mouse).pointer);

	EvdevCodes pad;
	pad.set(EV_ABS, ABS_X);
	pad.set(EV_ABS, ABS_Y);
	pad.set(EV_KEY, BTN_TOOL_FINGER);
	pad.set(EV_KEY, BTN_LEFT);
	pad.props.set(INPUT_PROP_POINTER);
	EXPECT_TRUE(deriveCapabilities(pad).touchpad);

	EvdevCodes screen;
	screen.set(EV_ABS, ABS_MT_POSITION_X);
	screen.set(EV_ABS, ABS_MT_POSITION_Y);
	screen.props.set(INPUT_PROP_DIRECT);
	EXPECT_TRUE(deriveCapabilities(screen).touchscreen);

	EvdevCodes tablet; // QEMU usb-tablet
	tablet.set(EV_ABS, ABS_X);
	tablet.set(EV_ABS, ABS_Y);
	tablet.set(EV_KEY, BTN_LEFT);
	EXPECT_TRUE(deriveCapabilities(tablet).absPointer);

	EXPECT_FALSE(kbd.has(EV_REL, REL_X));
	EXPECT_TRUE(mouse.has(EV_SYN, SYN_REPORT));
	kbd.set(EV_MAX + 5, 1); // ignored, not a crash
}
