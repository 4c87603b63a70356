// SPDX-License-Identifier: MIT
#pragma once

#include "device-info.h"
#include "input-event.h"
#include "util-guard.h"
#include "util-result.h"

#include <memory>
#include <string>

struct sd_event;

namespace tactus {

/**
 * Receives what an InputSource produces. Live devices and replayed recordings
 * call the same sink in the same order: deviceAdded, frames, deviceRemoved.
 */
class InputSink {
public:
	virtual ~InputSink() = default;

	/** A device appeared; @p id stays valid until deviceRemoved(). */
	virtual void deviceAdded(DeviceId id, const DeviceInfo &info) = 0;
	/** A device went away (unplug, ENODEV, end of its recording). */
	virtual void deviceRemoved(DeviceId id) = 0;
	/** One complete evdev frame, SYN_REPORT included. Valid only during the call. */
	virtual void frame(DeviceId id, Frame events) = 0;
	/** The kernel dropped events (SYN_DROPPED); the device state was resynced. */
	virtual void eventsDropped(DeviceId /*id*/) {}
	/** A device could not be opened or described; it is not followed. */
	virtual void deviceIgnored(const std::string & /*sysname*/, const Error & /*why*/) {}
	/** The source has nothing more to deliver (end of a recording). */
	virtual void sourceFinished() {}
	/**
	 * A callback of the source's (an evdev read, a hotplug event, a replay
	 * step) threw @p fault, caught by guardCallback() before it reached
	 * sd-event; what it was doing is lost, the source goes on. The library
	 * does not log: the daemon does, here.
	 */
	virtual void callbackFailed(const CallbackFault & /*fault*/) {}
};

/** A producer of device and event callbacks that runs on an sd-event loop. */
class InputSource {
public:
	virtual ~InputSource() = default;

	/** Attach to @p loop and start delivering to @p sink; sink must outlive the source. */
	virtual Result<void> start(sd_event *loop, InputSink &sink) = 0;
	/** Human-readable description for the start-up log line. */
	virtual std::string describe() const = 0;

	/**
	 * Take (@p grab true) or drop exclusive access to a device: while
	 * grabbed, its events reach tactusd only, not the session. A replay
	 * honours it by delivering nothing more from the device.
	 */
	virtual Result<void> setGrab(DeviceId id, bool grab) = 0;
	/**
	 * True if event times are this machine's CLOCK_MONOTONIC, as the
	 * kernel stamped them (now minus an event's time is how long ago it
	 * happened); false for recorded times.
	 */
	virtual bool liveClock() const { return false; }
};

} // namespace tactus
