// SPDX-License-Identifier: MIT
#pragma once

#include "frame-assembler.h"
#include "input-source.h"
#include "sd-ptr.h"
#include "util-fd.h"
#include "util-result.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <sys/types.h>

struct libevdev;

namespace tactus {

/**
 * Events one wakeup reads from a device at most. A device that writes
 * faster than tactusd reads (a flood into SYN_DROPPED) must not keep the
 * event loop to itself: the bus, the other devices and the watchdog's ping
 * go first, then the rest is read (the io source is level-triggered; what
 * libevdev already read ahead is read on from a defer source).
 */
constexpr unsigned kMaxEventsPerWakeup = 512;

/**
 * Reads one evdev node with libevdev on an sd-event loop and hands complete
 * frames to an InputSink. Timestamps are switched to CLOCK_MONOTONIC
 * (EVIOCSCLOCKID) so they compare with the daemon's clock; SYN_DROPPED is
 * resynced through libevdev; ENODEV (unplug) is reported once through
 * @p onGone. The device is never grabbed.
 */
class DeviceReader {
public:
	using GoneCallback = std::function<void(DeviceId)>;

	/**
	 * Open @p devnode read-only and non-blocking and start reading it on
	 * @p loop. The opened node must be the character device @p devnum (the
	 * one that was described; libinput checks st_rdev the same way): a node
	 * replaced between describing and opening is -ENODEV, not read.
	 */
	static Result<std::unique_ptr<DeviceReader>> open(sd_event *loop, const std::string &devnode, dev_t devnum,
							  DeviceId id, InputSink &sink, GoneCallback onGone);
	~DeviceReader();

	DeviceReader(const DeviceReader &) = delete;
	DeviceReader &operator=(const DeviceReader &) = delete;

	DeviceId id() const { return id_; }
	/** EVIOCGRAB: while grabbed, no other reader (the compositor) gets the events. */
	Result<void> setGrab(bool grab);
	/** The absinfo of every absolute axis the device has (EVIOCGABS, read by libevdev at open). */
	std::map<uint16_t, AbsAxis> absAxes() const;
	/**
	 * The device is gone (its hotplug removal came first): deliver every
	 * complete frame still readable, the kernel's buffer and what libevdev
	 * read ahead, then report it gone through @p onGone like an ENODEV.
	 * A device the kernel has already torn down reads -ENODEV: the kernel
	 * discards its client buffers on unplug (drivers/input/evdev.c,
	 * evdev_read() after evdev_mark_dead()), so what was not read before
	 * is lost there, not here.
	 */
	void finish();
	/** Number of SYN_DROPPED resyncs so far. */
	unsigned resyncs() const { return resyncs_; }

private:
	DeviceReader(DeviceId id, InputSink &sink, GoneCallback onGone);
	static int onReadable(sd_event_source *source, int fd, uint32_t revents, void *userdata);
	static int onMore(sd_event_source *source, void *userdata);
	/** drain() stopped at its limit: read on at the next loop iteration if only libevdev's queue holds events. */
	void readOnLater();
	/** Read and deliver what is there, at most kMaxEventsPerWakeup events; true if it read all (EAGAIN). */
	bool drain();
	void deliver(const struct input_event &ev);
	/** Deliver the events libevdev has queued already, without reading the fd while it has some. */
	void deliverQueued();
	void markGone();

	DeviceId id_;
	InputSink &sink_;
	GoneCallback onGone_;
	UniqueFd fd_;
	libevdev *evdev_ = nullptr;
	SdEventSourcePtr source_;
	SdEventSourcePtr moreSource_; ///< defer source: events libevdev read ahead, see readOnLater()
	FrameAssembler frames_;
	unsigned resyncs_ = 0;
	bool gone_ = false;
};

} // namespace tactus
