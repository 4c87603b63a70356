// SPDX-License-Identifier: MIT
#pragma once

#include "input-source.h"

#include <map>
#include <memory>
#include <string>

struct sd_event;

namespace tactus {

/** What tactusd counts per device. Counts, never which keys. */
struct DeviceCounters {
	uint64_t frames = 0;
	uint64_t keyPresses = 0;
	uint64_t keyReleases = 0;
	uint64_t keyRepeats = 0;
	uint64_t buttonEvents = 0; ///< BTN_* codes: mouse and touch buttons
	uint64_t relEvents = 0;
	uint64_t absEvents = 0;
	uint64_t otherEvents = 0;  ///< MSC, SW, LED, ...
	uint64_t resyncs = 0;      ///< SYN_DROPPED recoveries
};

/**
 * All daemon state in one context object (like systemd's Manager): the
 * event loop, the input source, and what is known about each device.
 */
class Daemon final : public InputSink {
public:
	struct Options {
		bool exitWhenSourceFinishes = true; ///< replay: stop the loop at the end
	};

	Daemon(sd_event *loop, std::unique_ptr<InputSource> source, Options options);

	/** Start the input source; the caller then runs the loop. */
	int start();

	void deviceAdded(DeviceId id, const DeviceInfo &info) override;
	void deviceRemoved(DeviceId id) override;
	void frame(DeviceId id, Frame events) override;
	void eventsDropped(DeviceId id) override;
	void deviceIgnored(const std::string &sysname, const Error &why) override;
	void sourceFinished() override;

private:
	struct Device {
		DeviceInfo info;
		DeviceCounters counters;
	};

	void logCounters(const char *what, const Device &device) const;

	sd_event *loop_;
	std::unique_ptr<InputSource> source_;
	Options options_;
	std::map<DeviceId, Device> devices_;
	uint64_t totalFrames_ = 0;
	unsigned devicesSeen_ = 0;
};

} // namespace tactus
