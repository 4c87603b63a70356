// SPDX-License-Identifier: MIT
#include "x11-observer.h"

#include <X11/Xlib.h>
#include <X11/extensions/XI2.h>
#include <X11/extensions/XInput2.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tactus {

namespace {

// The property names the X server (XTEST) and the evdev/libinput drivers set.
constexpr const char *kXtestProperty = "XTEST Device";
constexpr const char *kDeviceNodeProperty = "Device Node";

bool hasProperty(Display *display, int device, Atom property)
{
	if (property == None)
		return false;
	int n = 0;
	Atom *atoms = XIListProperties(display, device, &n);
	bool found = false;
	for (int i = 0; i < n && !found; i++)
		found = atoms[i] == property;
	if (atoms)
		XFree(atoms);
	return found;
}

} // namespace

Result<std::unique_ptr<X11Observer>> X11Observer::open(const char *name)
{
	Display *display = XOpenDisplay(name);
	if (!display)
		return makeError(-ENOTCONN,
				 std::string("cannot open X display ") +
					 (name ? name : (std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "(unset)")));
	std::unique_ptr<X11Observer> self(new X11Observer(display));
	int event = 0;
	int error = 0;
	if (!XQueryExtension(display, "XInputExtension", &self->xiOpcode_, &event, &error))
		return makeError(-ENOTSUP, "the X server has no XInput extension");
	int major = 2;
	int minor = 2;
	if (XIQueryVersion(display, &major, &minor) != Success || major < 2 || (major == 2 && minor < 2))
		return makeError(-ENOTSUP, "the X server lacks XInput 2.2 (raw events with their source)");

	// Raw events of every device, slaves included: each event is counted
	// once, from its slave (the master's copy is skipped).
	unsigned char bits[XIMaskLen(XI_LASTEVENT)] = {};
	XISetMask(bits, XI_RawKeyPress);
	XISetMask(bits, XI_RawButtonPress);
	XISetMask(bits, XI_RawMotion);
	XISetMask(bits, XI_HierarchyChanged);
	XIEventMask mask;
	mask.deviceid = XIAllDevices;
	mask.mask_len = sizeof(bits);
	mask.mask = bits;
	XISelectEvents(display, DefaultRootWindow(display), &mask, 1);
	self->refreshDevices();
	XFlush(display);
	return self;
}

X11Observer::~X11Observer()
{
	XCloseDisplay(display_);
}

int X11Observer::fd() const
{
	return ConnectionNumber(display_);
}

void X11Observer::refreshDevices()
{
	slaves_.clear();
	const Atom xtest = XInternAtom(display_, kXtestProperty, True);
	const Atom node = XInternAtom(display_, kDeviceNodeProperty, True);
	int n = 0;
	XIDeviceInfo *devices = XIQueryDevice(display_, XIAllDevices, &n);
	for (int i = 0; i < n; i++) {
		const XIDeviceInfo &d = devices[i];
		if (d.use != XISlaveKeyboard && d.use != XISlavePointer && d.use != XIFloatingSlave)
			continue;
		SessionInputSource source = SessionInputSource::VirtualDevice;
		if (hasProperty(display_, d.deviceid, xtest))
			source = SessionInputSource::Xtest;
		else if (hasProperty(display_, d.deviceid, node))
			source = SessionInputSource::Evdev;
		slaves_[d.deviceid] = Slave{source, d.name ? d.name : ""};
	}
	if (devices)
		XIFreeDeviceInfo(devices);
}

std::string X11Observer::describeDevices() const
{
	unsigned xtest = 0;
	unsigned virt = 0;
	unsigned evdev = 0;
	for (const auto &[id, slave] : slaves_) {
		xtest += slave.source == SessionInputSource::Xtest;
		virt += slave.source == SessionInputSource::VirtualDevice;
		evdev += slave.source == SessionInputSource::Evdev;
	}
	char buf[96];
	(void)snprintf(buf, sizeof(buf), "%u xtest, %u virtual, %u evdev-backed slave devices", xtest, virt, evdev);
	return buf;
}

void X11Observer::dispatch(InputTally &tally)
{
	while (XPending(display_)) {
		XEvent ev;
		XNextEvent(display_, &ev);
		XGenericEventCookie *cookie = &ev.xcookie;
		if (cookie->type != GenericEvent || cookie->extension != xiOpcode_ || !XGetEventData(display_, cookie))
			continue;
		if (cookie->evtype == XI_HierarchyChanged) {
			refreshDevices();
		} else {
			const auto *raw = static_cast<const XIRawEvent *>(cookie->data);
			// Raw events come once per slave and once per master; only
			// the slave's copy names the source. `detail` (the key code)
			// is never read.
			const auto slave = slaves_.find(raw->deviceid);
			if (slave != slaves_.end()) {
				InputTally::Event event = InputTally::Event::Motion;
				if (cookie->evtype == XI_RawKeyPress)
					event = InputTally::Event::Key;
				else if (cookie->evtype == XI_RawButtonPress)
					event = InputTally::Event::Button;
				tally.add(slave->second.source, slave->second.name, event,
					  static_cast<uint64_t>(raw->time) * 1000);
			}
		}
		XFreeEventData(display_, cookie);
	}
}

} // namespace tactus
