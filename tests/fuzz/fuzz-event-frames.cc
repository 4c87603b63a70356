// SPDX-License-Identifier: MIT
// Raw evdev events, as a device chooses them, into what tactusd runs on
// every frame: the frame assembler, the decider (allow decision, key state,
// keystroke timing, new-keyboard burst, robotic pointer, keystroke rows and
// the behaviour model's windows with the fixture model and a profile), and
// the behaviour features of pointers (action segmenter) and touchscreens
// (stroke tracker). Any event order, any code and value, times that jump or stand still.
#include "config.h"
#include "decider.h"
#include "frame-assembler.h"
#include "fuzz-util.h"
#include "keystroke-model.h"
#include "pointer-features.h"
#include "touch-features.h"
#include "util-strings.h"

#include <linux/input-event-codes.h>

#include <array>
#include <cmath>
#include <map>
#include <memory>

using namespace tactus;
using tactus::fuzz::check;

namespace {

const KeystrokeModel *fixtureModel()
{
	static const std::unique_ptr<KeystrokeModel> model = [] {
		auto m = KeystrokeModel::load(std::string(TACTUS_SOURCE_ROOT) + "/tests/data/keystroke-model/tiny.tkm");
		if (!m) {
			std::fprintf(stderr, "fixture model: %s\n", m.error().message.c_str());
			std::abort();
		}
		return std::make_unique<KeystrokeModel>(std::move(*m));
	}();
	return model.get();
}

// Each event takes 8 bytes: device, time step, type, code (2), value (3).
constexpr uint16_t kTypes[] = {EV_SYN, EV_KEY, EV_REL, EV_ABS, EV_MSC, EV_SW, EV_LED, EV_REP};
enum DeviceIndex : uint8_t { Keyboard, SyntheticKeyboard, Mouse, Touchscreen, kDevices };

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz::ByteReader in(data, size);
	std::map<DeviceId, PolicyDevice> devices;
	PolicyDecider decider(PolicySettings{true, true, true}, [&devices](const auto &visit) {
		for (const auto &[id, d] : devices)
			visit(d);
	});
	decider.setKeystrokeModel(fixtureModel());
	Profile profile;
	profile.uid = 1000;
	PolicySession session;
	session.profile = &profile;
	decider.profileReplaced(session, 0);
	const bool locked = in.take<uint8_t>() & 1;
	const SessionResolver resolve = [&session, locked] {
		SessionContext c;
		c.state = &session;
		c.locked = locked;
		c.realtimeUs = 1'700'000'000'000'000;
		return c;
	};

	for (DeviceId id = 0; id < kDevices; id++) {
		PolicyDevice d;
		d.id = id;
		d.info.sysname = "event" + std::to_string(id);
		d.info.caps.keyboard = id == Keyboard || id == SyntheticKeyboard;
		d.info.caps.pointer = id == Mouse;
		d.info.caps.touchscreen = id == Touchscreen;
		d.info.provenance = id == SyntheticKeyboard ? Provenance::Uinput : Provenance::Hardware;
		decider.deviceAdded(devices.emplace(id, std::move(d)).first->second, AllowPolicy{}, id * 1000);
	}
	std::array<FrameAssembler, kDevices> assemblers;
	PointerActionSegmenter segmenter;
	TouchAxes axes;
	axes.pressure = axes.touchMajor = true;
	TouchStrokeTracker touch(axes);
	double x = 0, y = 0;
	uint64_t now = 1'000'000;

	while (in.remaining() >= 8) {
		const uint8_t which = in.take<uint8_t>();
		const DeviceId id = which % kDevices;
		// Mostly small steps, sometimes a jump (or none: equal stamps).
		const uint8_t step = in.take<uint8_t>();
		now += (which & 0x80) ? uint64_t{step} << 20 : step * uint64_t{250};
		InputEvent ev;
		ev.timeUsec = now; // the kernel's stamps never go backwards; the parsers refuse it in recordings
		const uint8_t type = in.take<uint8_t>();
		ev.type = type < 0xf0 ? kTypes[type % std::size(kTypes)] : type % EV_CNT;
		ev.code = in.take<uint16_t>();
		if (ev.type == EV_SYN)
			ev.code %= 4; // SYN_REPORT, SYN_CONFIG, SYN_MT_REPORT, SYN_DROPPED
		else if (ev.type == EV_REL || ev.type == EV_ABS)
			ev.code %= 0x40;
		ev.value = static_cast<int32_t>(in.take<uint16_t>() | (uint32_t{in.take<uint8_t>()} << 16)) - 0x800000;
		if (ev.type == EV_KEY)
			ev.value = ev.value & 0xff ? (ev.value & 3) % 3 : ev.value;

		PolicyDevice &device = devices.at(id);
		if (ev.type == EV_SYN && ev.code == SYN_DROPPED) {
			assemblers[id].discard();
			decider.eventsDropped(device);
			if (id == Touchscreen)
				touch.event(ev);
			continue;
		}
		assemblers[id].push(ev, [&](Frame frame) {
			for (const PolicyAction &a : decider.frame(device, frame, resolve)) {
				check(isValidUtf8(a.describe()), "an action's description is invalid UTF-8");
				if (a.kind == PolicyAction::Kind::Grab)
					PolicyDecider::grabbed(device, a.reason);
			}
		});
		if (id == Touchscreen) {
			touch.event(ev);
			TouchStroke stroke;
			while (touch.pop(stroke))
				for (double f : stroke.features)
					check(std::isfinite(f), "a touch stroke feature is not finite");
		} else if (id == Mouse) {
			PointerSample s;
			s.timeUsec = ev.timeUsec;
			if (ev.type == EV_REL && ev.code == REL_X)
				x += ev.value;
			else if (ev.type == EV_REL && ev.code == REL_Y)
				y += ev.value;
			else if (ev.type == EV_KEY && ev.code == BTN_LEFT && ev.value != 2)
				s.kind = ev.value ? PointerEventKind::ButtonDown : PointerEventKind::ButtonUp;
			else
				continue;
			s.x = x;
			s.y = y;
			segmenter.add(s);
			PointerAction action;
			while (segmenter.pop(action))
				for (double f : action.features)
					check(std::isfinite(f), "a pointer action feature is not finite");
		}
	}
	segmenter.flush();
	PointerAction action;
	while (segmenter.pop(action))
		for (double f : action.features)
			check(std::isfinite(f), "a pointer action feature is not finite");
	for (auto &[id, d] : devices)
		decider.deviceRemoved(d);
	return 0;
}
