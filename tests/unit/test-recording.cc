// SPDX-License-Identifier: MIT
#include "config.h"
#include "recording-writer.h"
#include "recording.h"
#include "splitmix64.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace tactus;

namespace {

std::string dataDir()
{
	const char *root = std::getenv("TACTUS_SOURCE_ROOT");
	return std::string(root ? root : TACTUS_SOURCE_ROOT) + "/tests/data/recordings";
}

std::string fixture(const std::string &name)
{
	return dataDir() + "/" + name;
}

std::string readFile(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

Recording load(const std::string &name, const RecordingLimits &limits = {})
{
	auto r = loadRecording(fixture(name), limits);
	if (!r) {
		ADD_FAILURE() << name << ": " << r.error().message;
		return {};
	}
	return std::move(r).value();
}

void expectSameDevice(const RecordedDevice &a, const RecordedDevice &b)
{
	EXPECT_EQ(a.info.name, b.info.name);
	EXPECT_EQ(a.info.devnode, b.info.devnode);
	EXPECT_EQ(a.info.sysname, b.info.sysname);
	EXPECT_EQ(a.info.bustype, b.info.bustype);
	EXPECT_EQ(a.info.vendor, b.info.vendor);
	EXPECT_EQ(a.info.product, b.info.product);
	EXPECT_EQ(a.info.version, b.info.version);
	EXPECT_EQ(a.info.seat, b.info.seat);
	EXPECT_EQ(a.info.provenance, b.info.provenance);
	EXPECT_EQ(a.info.provenanceDetail, b.info.provenanceDetail);
	EXPECT_EQ(a.info.creators, b.info.creators);
	EXPECT_EQ(a.info.codes, b.info.codes);
	EXPECT_EQ(a.info.caps, b.info.caps);
	EXPECT_EQ(a.info.absAxes, b.info.absAxes);
	EXPECT_EQ(a.provenanceRecorded, b.provenanceRecorded);
}

void expectSameEvents(const Recording &a, const Recording &b)
{
	ASSERT_EQ(a.events.size(), b.events.size());
	for (size_t i = 0; i < a.events.size(); i++) {
		EXPECT_EQ(a.events[i].device, b.events[i].device) << "event " << i;
		EXPECT_EQ(a.events[i].event, b.events[i].event) << "event " << i;
	}
}

} // namespace

struct GoodFixture {
	const char *file;
	RecordingFormat format;
	size_t devices;
	const char *firstName;
	uint16_t bustype, vendor, product;
	size_t events;
	InputEvent first;
	InputEvent last;
	Provenance provenance;
};

class RecordingGood : public testing::TestWithParam<GoodFixture> {};

TEST_P(RecordingGood, ParsesWithExpectedContent)
{
	const GoodFixture &f = GetParam();
	const Recording rec = load(f.file);
	EXPECT_EQ(rec.format, f.format);
	EXPECT_EQ(rec.path, fixture(f.file));
	ASSERT_EQ(rec.devices.size(), f.devices);
	const DeviceInfo &d = rec.devices[0].info;
	EXPECT_EQ(d.name, f.firstName);
	EXPECT_EQ(d.bustype, f.bustype);
	EXPECT_EQ(d.vendor, f.vendor);
	EXPECT_EQ(d.product, f.product);
	EXPECT_EQ(d.provenance, f.provenance);
	EXPECT_EQ(rec.devices[0].provenanceRecorded, f.provenance != Provenance::Unknown);
	EXPECT_TRUE(d.syspath.empty());
	ASSERT_EQ(rec.events.size(), f.events);
	EXPECT_EQ(rec.events.front().event, f.first);
	EXPECT_EQ(rec.events.back().event, f.last);
	for (size_t i = 1; i < rec.events.size(); i++)
		ASSERT_LE(rec.events[i - 1].event.timeUsec, rec.events[i].event.timeUsec) << "event " << i;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RecordingGood,
			 testing::Values(GoodFixture{"keyboard.evemu",
						     RecordingFormat::Evemu,
						     1,
						     "tactus fixture keyboard",
						     3,
						     0x1d6b,
						     0x0104,
						     42,
						     {1, EV_MSC, MSC_SCAN, 0x70004},
						     {1'175'001, EV_SYN, SYN_REPORT, 0},
						     Provenance::Hardware},
					 GoodFixture{"keyboard.yml",
						     RecordingFormat::LibinputRecord,
						     1,
						     "tactus fixture keyboard",
						     3,
						     0x1d6b,
						     0x0104,
						     42,
						     {1, EV_MSC, MSC_SCAN, 0x70004},
						     {1'175'001, EV_SYN, SYN_REPORT, 0},
						     Provenance::Unknown},
					 GoodFixture{"mouse.evemu",
						     RecordingFormat::Evemu,
						     1,
						     "tactus fixture mouse",
						     3,
						     0x1d6b,
						     0x0104,
						     128,
						     {1, EV_REL, REL_X, 1},
						     {710'001, EV_SYN, SYN_REPORT, 0},
						     Provenance::Uinput},
					 GoodFixture{"raw-name.evemu",
						     RecordingFormat::Evemu,
						     1,
						     "tactus \xff\xfe keyboard",
						     0x19,
						     1,
						     1,
						     6,
						     {1, EV_MSC, MSC_SCAN, 0x70004},
						     {95'001, EV_SYN, SYN_REPORT, 0},
						     Provenance::Unknown},
					 GoodFixture{"uinput-tactus.yml",
						     RecordingFormat::LibinputRecord,
						     1,
						     "ydotoold virtual device",
						     3,
						     0x1234,
						     0x5678,
						     7,
						     {5'000'010, EV_KEY, KEY_A, 1},
						     {5'000'040, EV_KEY, KEY_S, 1},
						     Provenance::Uinput},
					 GoodFixture{"keyboard-mouse.yml",
						     RecordingFormat::LibinputRecord,
						     2,
						     "tactus test keyboard",
						     3,
						     0x1d6b,
						     0x0104,
						     3706,
						     {500'000, EV_MSC, MSC_SCAN, 0x7000f},
						     {61'374'667, EV_SYN, SYN_REPORT, 0},
						     Provenance::Hardware}),
			 [](const testing::TestParamInfo<GoodFixture> &p) {
				 std::string n = p.param.file;
				 for (char &c : n)
					 if (!isalnum(static_cast<unsigned char>(c)))
						 c = '_';
				 return n;
			 });

TEST(Recording, DevicesAndCapabilities)
{
	const Recording km = load("keyboard-mouse.yml");
	ASSERT_EQ(km.devices.size(), 2u);
	const DeviceInfo &kbd = km.devices[0].info;
	const DeviceInfo &mouse = km.devices[1].info;
	EXPECT_EQ(kbd.devnode, "/dev/input/event20");
	EXPECT_EQ(kbd.sysname, "event20");
	EXPECT_TRUE(kbd.caps.keyboard);
	EXPECT_FALSE(kbd.caps.pointer);
	EXPECT_TRUE(kbd.codes.has(EV_MSC, MSC_SCAN));
	EXPECT_TRUE(kbd.codes.types.test(EV_LED));
	EXPECT_EQ(kbd.provenanceDetail, "generated by tactus-gen-recording");
	EXPECT_EQ(mouse.name, "tactus test mouse");
	EXPECT_TRUE(mouse.caps.pointer);
	EXPECT_FALSE(mouse.caps.keyboard);
	EXPECT_TRUE(mouse.codes.has(EV_REL, REL_WHEEL));

	size_t perDevice[2] = {0, 0};
	uint64_t lastTime[2] = {0, 0};
	for (const RecordedEvent &e : km.events) {
		ASSERT_LT(e.device, 2u);
		perDevice[e.device]++;
		EXPECT_LE(lastTime[e.device], e.event.timeUsec);
		lastTime[e.device] = e.event.timeUsec;
	}
	EXPECT_EQ(perDevice[0], 1308u);
	EXPECT_EQ(perDevice[1], 2398u);
	// About a minute of input, both devices busy until near the end.
	EXPECT_GT(lastTime[0], 45'000'000u);
	EXPECT_GT(lastTime[1], 45'000'000u);

	const Recording u = load("uinput-tactus.yml");
	const DeviceInfo &ui = u.devices[0].info;
	EXPECT_EQ(ui.seat, "seat1");
	EXPECT_EQ(ui.provenanceDetail, "parentless, /dev/uinput held by pid 812");
	ASSERT_EQ(ui.creators.size(), 1u);
	EXPECT_EQ(ui.creators[0], (CreatorProcess{812, 1000, "/usr/bin/ydotoold", "ydotoold", "ydotoold.service"}));
}

TEST(Recording, EvemuAndLibinputAgree)
{
	const Recording ev = load("keyboard.evemu");
	const Recording li = load("keyboard.yml");
	ASSERT_EQ(ev.devices.size(), 1u);
	ASSERT_EQ(li.devices.size(), 1u);
	EXPECT_EQ(ev.devices[0].info.codes, li.devices[0].info.codes);
	EXPECT_EQ(ev.devices[0].info.caps, li.devices[0].info.caps);
	EXPECT_TRUE(li.devices[0].info.caps.keyboard);
	EXPECT_EQ(ev.devices[0].info.name, li.devices[0].info.name);
	expectSameEvents(ev, li);
}

struct BadFixture {
	const char *file;
	size_t line;
	const char *what;
};

class RecordingBad : public testing::TestWithParam<BadFixture> {};

TEST_P(RecordingBad, FailsNamingFileLineAndCause)
{
	const BadFixture &f = GetParam();
	const auto r = loadRecording(fixture(f.file));
	ASSERT_FALSE(r.ok()) << f.file;
	const std::string prefix = fixture(f.file) + ":" + std::to_string(f.line) + ": ";
	EXPECT_EQ(r.error().message.substr(0, prefix.size()), prefix) << r.error().message;
	EXPECT_NE(r.error().message.find(f.what), std::string::npos) << r.error().message;
	EXPECT_EQ(r.error().errnum, -EINVAL);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RecordingBad,
			 testing::Values(BadFixture{"bad-truncated.yml", 49, "not valid YAML"},
					 BadFixture{"bad-wrong-type.yml", 49, "type 2 not advertised"},
					 BadFixture{"bad-missing-code.yml", 49, "1/272 not advertised"},
					 BadFixture{"bad-type-range.yml", 49, "type 40 out of range"},
					 BadFixture{"bad-backwards.yml", 48, "backwards"},
					 BadFixture{"bad-negative-time.yml", 35, "negative time"},
					 BadFixture{"bad-usec.yml", 48, "usec 1000000"},
					 BadFixture{"bad-huge-ndevices.yml", 3, "ndevices 4000000000 out of range"},
					 BadFixture{"bad-invalid-utf8-name.yml", 16, "invalid leading UTF-8 octet"},
					 BadFixture{"bad-garbage.yml", 95, "not valid YAML"},
					 BadFixture{"bad-version.yml", 2, "unsupported libinput record version 2"},
					 BadFixture{"bad-string-number.yml", 17, "must be a number"},
					 BadFixture{"bad-missing-name.yml", 13, "missing 'name'"},
					 BadFixture{"bad-no-devices.yml", 1, "no devices"},
					 BadFixture{"bad-trailing.yml", 95, "more than one YAML document"},
					 BadFixture{"bad-provenance.yml", 33, "unknown provenance 'alien'"},
					 BadFixture{"bad-frame.yml", 45, "does not end with SYN_REPORT"},
					 BadFixture{"bad-empty.yml", 1, "empty file"},
					 BadFixture{"bad-short-event.yml", 49, "has 4 fields"},
					 BadFixture{"bad-truncated.evemu", 35, "sec.usec"},
					 BadFixture{"bad-wrong-type.evemu", 38, "type 3 not advertised"},
					 BadFixture{"bad-missing-code.evemu", 38, "1/272 not advertised"},
					 BadFixture{"bad-type-range.evemu", 38, "type 64 out of range"},
					 BadFixture{"bad-backwards.evemu", 37, "backwards"},
					 BadFixture{"bad-negative-time.evemu", 31, "negative time"},
					 BadFixture{"bad-usec.evemu", 37, "usec 1000000"},
					 BadFixture{"bad-huge-count.evemu", 22, "too many 'B:' lines"},
					 BadFixture{"bad-invalid-utf8.evemu", 38, "not valid UTF-8"},
					 BadFixture{"bad-garbage.evemu", 73, "NUL byte"},
					 BadFixture{"bad-version.evemu", 1, "unsupported EVEMU version 2.0"},
					 BadFixture{"bad-missing-id.evemu", 6, "before the 'N:' and 'I:' lines"},
					 BadFixture{"bad-string-number.evemu", 6, "not a 16-bit hex number"},
					 BadFixture{"bad-provenance.evemu", 4, "unknown provenance 'alien'"},
					 BadFixture{"bad-second-device.evemu", 73, "second 'N:' line"},
					 BadFixture{"bad-empty.evemu", 1, "empty file"}),
			 [](const testing::TestParamInfo<BadFixture> &p) {
				 std::string n = p.param.file;
				 for (char &c : n)
					 if (!isalnum(static_cast<unsigned char>(c)))
						 c = '_';
				 return n;
			 });

// Every bad-* file, also ones added later without a table entry, must fail with FILE:LINE:.
TEST(Recording, EveryBadFixtureFails)
{
	// FILE:LINE: with a positive line number right after the file name.
	auto located = [](const std::string &msg, const std::string &path) {
		if (msg.rfind(path + ":", 0) != 0)
			return false;
		size_t i = path.size() + 1, digits = 0;
		while (i < msg.size() && isdigit(static_cast<unsigned char>(msg[i])))
			i++, digits++;
		return digits > 0 && msg.compare(i, 2, ": ") == 0 && msg[path.size() + 1] != '0';
	};
	size_t count = 0;
	for (const auto &entry : std::filesystem::directory_iterator(dataDir())) {
		const std::string file = entry.path().filename().string();
		if (file.rfind("bad-", 0) != 0)
			continue;
		count++;
		const auto r = loadRecording(entry.path().string());
		ASSERT_FALSE(r.ok()) << file;
		EXPECT_NE(r.error().message.find(file), std::string::npos) << r.error().message;
		EXPECT_TRUE(located(r.error().message, entry.path().string())) << r.error().message;
	}
	EXPECT_GE(count, 30u);
}

TEST(Recording, Limits)
{
	RecordingLimits one;
	one.maxDevices = 1;
	auto r = loadRecording(fixture("keyboard-mouse.yml"), one);
	ASSERT_FALSE(r.ok());
	EXPECT_NE(r.error().message.find(":4: ndevices 2 exceeds"), std::string::npos) << r.error().message;

	RecordingLimits few;
	few.maxEvents = 10;
	r = loadRecording(fixture("keyboard.yml"), few);
	ASSERT_FALSE(r.ok());
	EXPECT_NE(r.error().message.find("more than 10 events"), std::string::npos) << r.error().message;
	r = loadRecording(fixture("keyboard.evemu"), few);
	ASSERT_FALSE(r.ok());
	EXPECT_NE(r.error().message.find("more than 10 events"), std::string::npos) << r.error().message;

	RecordingLimits shortName;
	shortName.maxNameBytes = 5;
	for (const char *f : {"keyboard.yml", "keyboard.evemu"}) {
		r = loadRecording(fixture(f), shortName);
		ASSERT_FALSE(r.ok());
		EXPECT_NE(r.error().message.find("name too long"), std::string::npos) << r.error().message;
	}

	RecordingLimits small;
	small.maxFileBytes = 100;
	r = loadRecording(fixture("keyboard.yml"), small);
	ASSERT_FALSE(r.ok());
	EXPECT_NE(r.error().message.find(":1: file too large"), std::string::npos) << r.error().message;

	r = loadRecording(fixture("does-not-exist.yml"));
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.error().errnum, -ENOENT);
}

// Found by the fuzz-recording-libinput corpus run: an empty string_view
// (data() null) reached libyaml, whose assertion aborted the process.
TEST(Recording, EmptyViewIsAnError)
{
	for (const bool evemu : {false, true}) {
		const auto r =
			evemu ? parseEvemu(std::string_view(), "mem") : parseLibinputRecord(std::string_view(), "mem");
		ASSERT_FALSE(r.ok());
		EXPECT_NE(r.error().message.find("mem:1: empty file"), std::string::npos) << r.error().message;
	}
}

TEST(Recording, UnknownFormatIsAnError)
{
	const auto r = parseLibinputRecord("just: text\n", "mem.yml");
	ASSERT_FALSE(r.ok());
	EXPECT_NE(r.error().message.find("mem.yml:1: "), std::string::npos) << r.error().message;
	const auto e = parseEvemu("hello\n", "mem.evemu");
	ASSERT_FALSE(e.ok());
	EXPECT_NE(e.error().message.find("mem.evemu:1: unexpected line"), std::string::npos) << e.error().message;
	// Deeply nested junk must be refused, not recursed into.
	std::string deep = "version: 1\ndevices:\n- evdev: ";
	deep += std::string(5000, '[');
	const auto d = parseLibinputRecord(deep, "deep.yml");
	ASSERT_FALSE(d.ok());
}

TEST(RecordingWriter, QuotesHostileNames)
{
	EXPECT_EQ(yamlQuote("plain"), "\"plain\"");
	EXPECT_EQ(yamlQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
	EXPECT_EQ(yamlQuote("\xc3\xa4"), "\"\xc3\xa4\"");
	EXPECT_EQ(yamlQuote("x\xffy"), "\"x\\xffy\"");
	EXPECT_EQ(yamlQuote("\n\x1b"), "\"\\x0a\\x1b\"");
	EXPECT_EQ(yamlQuote("\xc2\x85"), "\"\\xc2\\x85\""); // NEL: valid UTF-8 but a YAML line break
}

TEST(RecordingWriter, RoundTripsBundledRecording)
{
	const Recording a = load("keyboard-mouse.yml");
	const std::string text = RecordingWriter(a).toString();
	auto b = parseLibinputRecord(text, "roundtrip.yml");
	ASSERT_TRUE(b.ok()) << b.error().message;
	ASSERT_EQ(a.devices.size(), b->devices.size());
	for (size_t i = 0; i < a.devices.size(); i++)
		expectSameDevice(a.devices[i], b->devices[i]);
	expectSameEvents(a, *b);
	// The generator writes through RecordingWriter, so the bundled file is a fixed point.
	EXPECT_EQ(text, readFile(fixture("keyboard-mouse.yml")));
}

TEST(RecordingWriter, RoundTripsHostileDevice)
{
	Recording rec;
	RecordedDevice dev;
	static constexpr char kHostile[] = "evil\x01\xff\xfe\"\\ name \xe2\x80\xa8 \xc3\xa4\n";
	dev.info.name = std::string(kHostile, sizeof(kHostile) - 1);
	dev.info.devnode = "/dev/input/event9";
	dev.info.sysname = "event9";
	dev.info.bustype = BUS_VIRTUAL;
	dev.info.vendor = 0xffff;
	dev.info.product = 1;
	dev.info.version = 2;
	dev.info.seat = "seat-\"x\"";
	dev.info.provenance = Provenance::Uinput;
	dev.info.provenanceDetail = "held by \xff";
	dev.info.creators = {{42, 1000, "/tmp/a b\"c", "x\ty", ""},
			     {7, 0, "", "", "user@1000.service", "evil.service"}};
	dev.provenanceRecorded = true;
	dev.info.codes.set(EV_KEY, KEY_A);
	dev.info.codes.set(EV_ABS, ABS_X);
	dev.info.codes.set(EV_ABS, ABS_Y);
	// Axis ranges survive the round trip, extremes included (issue 11).
	dev.info.absAxes[ABS_X] = AbsAxis{-2147483647 - 1, 2147483647, 0};
	dev.info.absAxes[ABS_Y] = AbsAxis{0, 32767, 12};
	dev.info.codes.set(EV_SW, SW_LID);
	dev.info.codes.props.set(INPUT_PROP_DIRECT);
	dev.info.caps = deriveCapabilities(dev.info.codes);
	rec.devices.push_back(dev);

	RecordedDevice plain;
	plain.info.name = "plain";
	plain.info.devnode = "/dev/input/event10";
	plain.info.sysname = "event10";
	plain.info.seat = "seat2";
	plain.info.codes.set(EV_REL, REL_X);
	plain.info.codes.set(EV_REL, REL_Y);
	plain.info.caps = deriveCapabilities(plain.info.codes);
	rec.devices.push_back(plain);

	rec.events = {
		// Equal times: device index order, as the parser merges them.
		{0, {0, EV_KEY, KEY_A, 1}},
		{0, {0, EV_SYN, SYN_REPORT, 0}},
		{1, {0, EV_REL, REL_X, -5}},
		{1, {0, EV_SYN, SYN_REPORT, 0}},
		{0, {1'500'000, EV_ABS, ABS_X, -2147483647 - 1}},
		{0, {1'500'000, EV_SYN, SYN_REPORT, 0}},
		{1, {4'000'000'123, EV_REL, REL_Y, 2147483647}},
	};

	auto back = parseLibinputRecord(RecordingWriter(rec).toString(), "hostile.yml");
	ASSERT_TRUE(back.ok()) << back.error().message;
	ASSERT_EQ(back->devices.size(), 2u);
	expectSameDevice(rec.devices[0], back->devices[0]);
	expectSameDevice(rec.devices[1], back->devices[1]);
	expectSameEvents(rec, *back);

	const std::string path = testing::TempDir() + "tactus-roundtrip.yml";
	ASSERT_TRUE(RecordingWriter(rec).writeFile(path).ok());
	auto fromFile = loadRecording(path);
	ASSERT_TRUE(fromFile.ok()) << fromFile.error().message;
	expectSameEvents(rec, *fromFile);
	std::filesystem::remove(path);
}

// Flip, insert and delete bytes of the good fixtures; each parse must end in
// ok or an error, never a crash or a hang (run under ASan/UBSan in CI).
TEST(Recording, MutatedInputsNeverCrash)
{
	struct Source {
		std::string name;
		std::string text;
		bool evemu;
	};
	std::vector<Source> sources;
	for (const char *f : {"keyboard.yml", "uinput-tactus.yml", "keyboard.evemu", "mouse.evemu", "raw-name.evemu"})
		sources.push_back({f, readFile(fixture(f)), std::string(f).ends_with(".evemu")});
	// The head of the big recording: both device descriptions and some frames.
	const std::string km = readFile(fixture("keyboard-mouse.yml"));
	sources.push_back({"keyboard-mouse.yml", km.substr(0, 6000), false});
	for (const auto &s : sources)
		ASSERT_FALSE(s.text.empty()) << s.name;

	static constexpr char kInteresting[] = "\0\xff\xc3\n\r\t:[]{}-#\"'\\&*!|>%@`,?0123456789.EBNI ";
	SplitMix64 rng{0x5eed};
	const auto start = std::chrono::steady_clock::now();
	size_t ok = 0, failed = 0;
	for (unsigned iter = 0; iter < 10000; iter++) {
		const Source &src = sources[iter % sources.size()];
		std::string t = src.text;
		const unsigned edits = 1 + static_cast<unsigned>(rng.next() % 4);
		for (unsigned e = 0; e < edits && !t.empty(); e++) {
			const size_t pos = rng.next() % t.size();
			const char c = (rng.next() & 1) ? kInteresting[rng.next() % (sizeof(kInteresting) - 1)]
							: static_cast<char>(rng.next());
			switch (rng.next() % 4) {
			case 0: t[pos] = static_cast<char>(t[pos] ^ (1 << (rng.next() % 8))); break;
			case 1: t.insert(pos, 1, c); break;
			case 2: t.erase(pos, 1 + rng.next() % 8); break;
			default: t.resize(pos); break; // truncate
			}
		}
		const auto r = src.evemu ? parseEvemu(t, src.name) : parseLibinputRecord(t, src.name);
		if (r.ok()) {
			ok++;
		} else {
			failed++;
			ASSERT_EQ(r.error().message.rfind(src.name + ":", 0), 0u) << r.error().message;
		}
	}
	EXPECT_GT(ok, 0u);
	EXPECT_GT(failed, 0u);
	const auto elapsed = std::chrono::steady_clock::now() - start;
	EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 20);
}

// Issue 11, item 6: a recording's axis ranges reach the device description
// (libinput record `absinfo`, evemu `A:`), as the live reader's EVIOCGABS
// does, so a replayed absolute pointer has its ranges.
TEST(Recording, AbsoluteAxisRangesAreKept)
{
	const std::string yml = R"(version: 1
ndevices: 1
libinput:
  version: "1.22.0"
system:
  kernel: "6.1.0"
devices:
- node: /dev/input/event5
  evdev:
    name: "tactus test tablet"
    id: [3, 1575, 1, 1]
    codes:
      0: [0, 1, 2, 3]
      1: [272, 273]
      3: [0, 1]
    absinfo:
      0: [0, 32767, 0, 0, 0]
      1: [-100, 9000, 4, 8, 40]
    properties: []
  events:
  - evdev:
    - [  0,      0,   3,   0,    10]
    - [  0,      0,   0,   0,     0]
)";
	auto li = parseLibinputRecord(yml, "tablet.yml");
	ASSERT_TRUE(li.ok()) << li.error().message;
	const auto &axes = li->devices.at(0).info.absAxes;
	ASSERT_EQ(axes.size(), 2u);
	EXPECT_EQ(axes.at(ABS_X), (AbsAxis{0, 32767, 0}));
	EXPECT_EQ(axes.at(ABS_Y), (AbsAxis{-100, 9000, 40}));

	const std::string evemu = "# EVEMU 1.3\nN: tactus test tablet\nI: 0003 0627 0001 0001\n"
				  "P: 00 00 00 00 00 00 00 00\n"
				  "B: 00 0b 00 00 00 00 00 00 00\n"
				  "B: 03 03 00 00 00 00 00 00 00\n"
				  "A: 00 0 32767 0 0 0\nA: 01 -100 9000 4 8 40\n"
				  "E: 0.000000 0003 0000 0010\nE: 0.000000 0000 0000 0000\n";
	auto ev = parseEvemu(evemu, "tablet.evemu");
	ASSERT_TRUE(ev.ok()) << ev.error().message;
	EXPECT_EQ(ev->devices.at(0).info.absAxes, li->devices.at(0).info.absAxes);
}

namespace {

/*
 * A one-device libinput recording whose udev properties are @p n
 * double-quoted scalars, one per line (@p flow false) or all on one line in
 * a flow sequence (@p flow true).
 */
std::string quotedPropertiesRecording(size_t n, bool flow)
{
	std::string t = "version: 1\nndevices: 1\ndevices:\n- node: /dev/input/event3\n"
			"  evdev:\n    name: \"tactus fixture keyboard\"\n    id: [3, 1, 2, 3]\n"
			"    codes:\n      0: [0]\n      1: [30]\n  udev:\n    properties:";
	t += flow ? " [" : "\n";
	for (size_t i = 0; i < n; i++) {
		const std::string p = "\"TACTUS_P" + std::to_string(i) + "=\\x41\"";
		if (flow)
			t += (i ? ", " : "") + p;
		else
			t += "    - " + p + "\n";
	}
	t += flow ? "]\n" : "";
	t += "  events:\n  - evdev:\n    - [0, 1, 1, 30, 1]\n    - [0, 1, 0, 0, 0]\n";
	return t;
}

/** An evemu recording with @p n key events and as many comment lines. */
std::string manyLinesEvemu(size_t n)
{
	std::string t = "# EVEMU 1.3\nN: tactus fixture keyboard\nI: 0003 0001 0002 0003\n"
			"B: 00 03 00 00 00 00 00 00 00\nB: 01 00 00 00 40 00 00 00 00\n";
	for (size_t i = 0; i < n; i++) {
		const std::string time = "0." + std::to_string(100000 + i);
		t += "# \"comment " + std::to_string(i) + "\"\n";
		t += "E: " + time + " 0001 001e " + std::to_string(i % 2) + "\n";
		t += "E: " + time + " 0000 0000 0\n";
	}
	return t;
}

/** Best of three wall-clock times of @p f, in seconds. */
template<typename F>
double bestSeconds(F &&f)
{
	double best = 1e9;
	for (int i = 0; i < 3; i++) {
		const auto t0 = std::chrono::steady_clock::now();
		f();
		best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
	}
	return best;
}

} // namespace

// Regression (issue 14): every double-quoted scalar re-scanned the file from
// its start to find its source bytes, so 20k quoted udev properties took 6 s.
// Parsing must be linear: four times the input takes about four times as long
// (quadratic would be 16), and 40k properties parse well within a second.
TEST(Recording, ParseTimeIsLinearInQuotedScalars)
{
	for (const bool flow : {false, true}) {
		const std::string small = quotedPropertiesRecording(10'000, flow);
		const std::string large = quotedPropertiesRecording(40'000, flow);
		auto parse = [](const std::string &t) {
			const auto r = parseLibinputRecord(t, "mem.yml");
			ASSERT_TRUE(r.ok()) << r.error().message;
			ASSERT_EQ(r->devices.size(), 1u);
		};
		const double tSmall = bestSeconds([&] { parse(small); });
		const double tLarge = bestSeconds([&] { parse(large); });
		RecordProperty(flow ? "flow_40k_seconds" : "block_40k_seconds", std::to_string(tLarge));
		EXPECT_LT(tLarge, 2.0) << (flow ? "flow" : "block") << ": 40k quoted scalars";
		// A floor of 5 ms keeps timer noise on a tiny small-case time out of the ratio.
		EXPECT_LT(tLarge / std::max(tSmall, 0.005), 8.0)
			<< (flow ? "flow" : "block") << ": 10k took " << tSmall << " s, 40k took " << tLarge << " s";
	}
}

TEST(Recording, EvemuParseTimeIsLinear)
{
	const std::string small = manyLinesEvemu(25'000);
	const std::string large = manyLinesEvemu(100'000);
	auto parse = [](const std::string &t) {
		const auto r = parseEvemu(t, "mem.evemu");
		ASSERT_TRUE(r.ok()) << r.error().message;
	};
	const double tSmall = bestSeconds([&] { parse(small); });
	const double tLarge = bestSeconds([&] { parse(large); });
	EXPECT_LT(tLarge, 2.0);
	EXPECT_LT(tLarge / std::max(tSmall, 0.005), 8.0) << "25k took " << tSmall << " s, 100k took " << tLarge << " s";
}
