// SPDX-License-Identifier: MIT
#pragma once

#include "device-monitor.h"
#include "device-reader.h"
#include "input-source.h"
#include "sysfs-device.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tactus {

/**
 * Live input: the DeviceMonitor says which evdev nodes exist, the
 * DeviceDescriber says what each is (sysfs, provenance), a DeviceReader per
 * node delivers its frames.
 */
class LiveInputSource final : public InputSource {
public:
	LiveInputSource(DeviceMonitor::Options monitorOptions, DeviceDescriber describer,
			std::string devDir = "/dev/input");
	~LiveInputSource() override;

	Result<void> start(sd_event *loop, InputSink &sink) override;
	std::string describe() const override;
	Result<void> setGrab(DeviceId id, bool grab) override;
	bool liveClock() const override { return true; }

private:
	void add(const std::string &sysname);
	void remove(const std::string &sysname);
	void removeId(DeviceId id);
	static int onDeferredFree(sd_event_source *source, void *userdata);

	struct Device {
		std::string sysname;
		std::unique_ptr<DeviceReader> reader;
	};

	DeviceMonitor::Options monitorOptions_;
	DeviceDescriber describer_;
	std::string devDir_;
	sd_event *loop_ = nullptr;
	InputSink *sink_ = nullptr;
	std::unique_ptr<DeviceMonitor> monitor_;
	std::map<DeviceId, Device> devices_;
	// Readers are freed from a deferred callback, never from inside their
	// own read handler, which is where an unplug is noticed.
	std::vector<std::unique_ptr<DeviceReader>> retired_;
	SdEventSourcePtr freeSource_; ///< after retired_: goes first
	DeviceId nextId_ = 1;
};

} // namespace tactus
