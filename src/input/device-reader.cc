// SPDX-License-Identifier: MIT
#include "device-reader.h"

#include <libevdev/libevdev.h>
#include <systemd/sd-event.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

namespace tactus {

namespace {

InputEvent toInputEvent(const struct input_event &ev)
{
	InputEvent out;
	out.timeUsec =
		static_cast<uint64_t>(ev.input_event_sec) * 1000000u + static_cast<uint64_t>(ev.input_event_usec);
	out.type = ev.type;
	out.code = ev.code;
	out.value = ev.value;
	return out;
}

std::string devnumText(dev_t devnum)
{
	return std::to_string(major(devnum)) + ":" + std::to_string(minor(devnum));
}

} // namespace

DeviceReader::DeviceReader(DeviceId id, InputSink &sink, GoneCallback onGone)
    : id_(id), sink_(sink), onGone_(std::move(onGone))
{
}

DeviceReader::~DeviceReader()
{
	moreSource_.reset();
	source_.reset(); // before libevdev and the fd it reads
	if (evdev_)
		libevdev_free(evdev_);
}

Result<std::unique_ptr<DeviceReader>> DeviceReader::open(sd_event *loop, const std::string &devnode, dev_t devnum,
							 DeviceId id, InputSink &sink, GoneCallback onGone)
{
	std::unique_ptr<DeviceReader> reader(new DeviceReader(id, sink, std::move(onGone)));

	reader->fd_.reset(::open(devnode.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
	if (!reader->fd_.valid())
		return makeError(errno, "open " + devnode + ": " + std::strerror(errno));

	// The description (provenance, seat, allow-list) was made for devnum;
	// a node that is something else now must not be read in its name.
	struct stat st;
	if (fstat(reader->fd_.get(), &st) < 0)
		return makeError(errno, "fstat " + devnode + ": " + std::strerror(errno));
	if (!S_ISCHR(st.st_mode) || st.st_rdev != devnum)
		return makeError(-ENODEV, devnode + " is not the device that was described (" +
						  (S_ISCHR(st.st_mode) ? "char " + devnumText(st.st_rdev)
								       : "not a char device") +
						  ", expected char " + devnumText(devnum) + ")");

	int r = libevdev_new_from_fd(reader->fd_.get(), &reader->evdev_);
	if (r < 0)
		return makeError(r, "libevdev on " + devnode + ": " + std::strerror(-r));

	// The kernel's default is CLOCK_REALTIME, which jumps with NTP and
	// settimeofday(); rhythm needs a clock that only moves forward.
	r = libevdev_set_clock_id(reader->evdev_, CLOCK_MONOTONIC);
	if (r < 0)
		return makeError(r, "EVIOCSCLOCKID on " + devnode + ": " + std::strerror(-r));

	r = sd_event_add_io(loop, outPtr(reader->source_), reader->fd_.get(), EPOLLIN, onReadable, reader.get());
	if (r < 0)
		return makeError(r, "watching " + devnode + ": " + std::strerror(-r));
	sd_event_source_set_description(reader->source_.get(), "evdev");

	// Events libevdev read ahead when a wakeup stopped at its limit wake
	// nothing (the fd is not readable for them): this source reads on.
	r = sd_event_add_defer(loop, outPtr(reader->moreSource_), onMore, reader.get());
	if (r < 0)
		return makeError(r, "watching " + devnode + ": " + std::strerror(-r));
	sd_event_source_set_enabled(reader->moreSource_.get(), SD_EVENT_OFF);
	sd_event_source_set_description(reader->moreSource_.get(), "evdev-read-ahead");

	return reader;
}

std::map<uint16_t, AbsAxis> DeviceReader::absAxes() const
{
	std::map<uint16_t, AbsAxis> out;
	if (!libevdev_has_event_type(evdev_, EV_ABS))
		return out;
	for (unsigned code = 0; code <= ABS_MAX; code++) {
		const input_absinfo *a = libevdev_get_abs_info(evdev_, code);
		if (a)
			out[static_cast<uint16_t>(code)] = AbsAxis{a->minimum, a->maximum, a->resolution};
	}
	return out;
}

int DeviceReader::onReadable(sd_event_source *, int, uint32_t revents, void *userdata)
{
	auto *self = static_cast<DeviceReader *>(userdata);
	return guardCallback(
		"evdev read",
		[&] {
			// Drained what was left first: the final key releases of an
			// unplugged keyboard still belong to the session. Not all
			// read yet: the next wakeup reads on (the hangup stays).
			const bool all = self->drain();
			if (all && (revents & (EPOLLHUP | EPOLLERR)))
				self->markGone();
			else if (!all)
				self->readOnLater();
			return 0;
		},
		[self](const CallbackFault &fault) {
			// The frame being delivered is lost; the next read goes on.
			self->sink_.callbackFailed(fault);
			return 0;
		});
}

int DeviceReader::onMore(sd_event_source *, void *userdata)
{
	auto *self = static_cast<DeviceReader *>(userdata);
	return guardCallback(
		"evdev read",
		[&] {
			if (!self->drain())
				self->readOnLater();
			return 0;
		},
		[self](const CallbackFault &fault) {
			self->sink_.callbackFailed(fault);
			return 0;
		});
}

void DeviceReader::readOnLater()
{
	if (gone_)
		return;
	// A readable fd wakes the io source again by itself (level-triggered);
	// only what sits in libevdev's queue alone needs this.
	struct pollfd p = {fd_.get(), POLLIN, 0};
	if (::poll(&p, 1, 0) == 0)
		sd_event_source_set_enabled(moreSource_.get(), SD_EVENT_ONESHOT);
}

void DeviceReader::deliver(const struct input_event &ev)
{
	frames_.push(toInputEvent(ev), [this](Frame frame) { sink_.frame(id_, frame); });
}

bool DeviceReader::drain()
{
	struct input_event ev;
	unsigned flags = LIBEVDEV_READ_FLAG_NORMAL;
	unsigned events = 0;

	while (!gone_) {
		// A resync is finished in one go: libevdev drops the rest of its
		// state delta if the next call reads normally.
		if (events >= kMaxEventsPerWakeup && !(flags & LIBEVDEV_READ_FLAG_SYNC))
			return false;
		const int r = libevdev_next_event(evdev_, flags, &ev);
		if (r == -EAGAIN) {
			if (flags & LIBEVDEV_READ_FLAG_SYNC) {
				// Resync finished: back to the normal stream.
				flags = LIBEVDEV_READ_FLAG_NORMAL;
				continue;
			}
			return true;
		}
		events++;
		if (r == LIBEVDEV_READ_STATUS_SYNC) {
			if (!(flags & LIBEVDEV_READ_FLAG_SYNC)) {
				// SYN_DROPPED: the half-read frame is stale, and
				// what follows is libevdev's state delta, not
				// something a hand did at that moment.
				frames_.discard();
				resyncs_++;
				sink_.eventsDropped(id_);
				flags = LIBEVDEV_READ_FLAG_SYNC;
				continue;
			}
			deliver(ev);
			continue;
		}
		if (r == LIBEVDEV_READ_STATUS_SUCCESS) {
			deliver(ev);
			continue;
		}
		// -ENODEV on unplug, anything else is just as final for this fd.
		// libevdev reads ahead on every call: what an earlier read() took
		// from the kernel is still in its queue, complete frames a reader
		// gets nowhere else (the kernel empties its buffer on unplug).
		deliverQueued();
		markGone();
		return true;
	}
	return true;
}

void DeviceReader::deliverQueued()
{
	struct input_event ev;
	// With READ_FLAG_BLOCKING libevdev reads from the fd only once its own
	// queue is empty; the fd is O_NONBLOCK, so that read never waits (on a
	// gone device it is -ENODEV, which ends the loop).
	while (libevdev_next_event(evdev_, LIBEVDEV_READ_FLAG_NORMAL | LIBEVDEV_READ_FLAG_BLOCKING, &ev) ==
	       LIBEVDEV_READ_STATUS_SUCCESS)
		deliver(ev);
}

void DeviceReader::finish()
{
	if (gone_)
		return;
	// No per-wakeup limit: nothing reads this device after this call.
	struct input_event ev;
	for (;;) {
		const int r = libevdev_next_event(evdev_, LIBEVDEV_READ_FLAG_NORMAL, &ev);
		if (r == LIBEVDEV_READ_STATUS_SUCCESS) {
			deliver(ev);
			continue;
		}
		if (r == LIBEVDEV_READ_STATUS_SYNC) {
			// SYN_DROPPED at the very end: the device is going away, a
			// state delta would describe nothing a hand did.
			frames_.discard();
			resyncs_++;
			sink_.eventsDropped(id_);
			break;
		}
		if (r != -EAGAIN)
			deliverQueued();
		break;
	}
	markGone();
}

Result<void> DeviceReader::setGrab(bool grab)
{
	const int r = libevdev_grab(evdev_, grab ? LIBEVDEV_GRAB : LIBEVDEV_UNGRAB);
	if (r < 0)
		return makeError(r, std::string(grab ? "EVIOCGRAB" : "EVIOCGRAB release") + ": " + std::strerror(-r));
	return {};
}

void DeviceReader::markGone()
{
	if (gone_)
		return;
	gone_ = true;
	sd_event_source_set_enabled(source_.get(), SD_EVENT_OFF);
	sd_event_source_set_enabled(moreSource_.get(), SD_EVENT_OFF);
	if (onGone_)
		onGone_(id_);
}

} // namespace tactus
