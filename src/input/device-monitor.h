// SPDX-License-Identifier: MIT
#pragma once

#include "sd-ptr.h"
#include "util-fd.h"
#include "util-guard.h"
#include "util-result.h"

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/**
 * Tells which evdev nodes exist and when they come and go. Two backends:
 * udev (sd-device enumeration and the udev monitor, used when udevd runs,
 * so a device is announced only after its rules ran) and inotify on
 * /dev/input (containers, initramfs, hosts without udevd), which also copes
 * with /dev/input not existing yet.
 */
class DeviceMonitor {
public:
	enum class Backend {
		Auto, ///< udev if udevd runs (RUN/udev/control exists), else inotify
		Udev,
		Inotify,
	};

	struct Options {
		Backend backend = Backend::Auto;
		std::string devInputDir = "/dev/input"; ///< inotify backend
		std::string runDir = "/run";            ///< where udev/control tells udevd runs
	};

	/** Called with an evdev sysname ("event3"). */
	using Callback = std::function<void(const std::string &sysname)>;
	/** Called when a callback threw (caught before sd-event); the event is lost. */
	using FaultCallback = std::function<void(const CallbackFault &fault)>;

	/** Create a monitor on @p loop; it reports nothing until start(). */
	static Result<std::unique_ptr<DeviceMonitor>> create(sd_event *loop, const Options &options, Callback added,
							     Callback removed, FaultCallback onFault = nullptr);
	~DeviceMonitor();

	DeviceMonitor(const DeviceMonitor &) = delete;
	DeviceMonitor &operator=(const DeviceMonitor &) = delete;

	/** Start following hotplug, then report every present device through the added callback. */
	Result<void> start();

	/** The backend in use after Auto was resolved. */
	Backend backend() const { return backend_; }
	/** "udev" or "inotify". */
	static std::string_view backendName(Backend backend);

	/**
	 * Evdev sysnames present now, sorted by number ("event2" before
	 * "event10"). With udev, only devices udev has finished: the others
	 * lack their udev properties (ID_SEAT, TACTUS_TRUST, TACTUS_IGNORE) and
	 * come with udev's add event.
	 */
	Result<std::vector<std::string>> enumerate() const;

private:
	DeviceMonitor(sd_event *loop, const Options &options, Callback added, Callback removed, FaultCallback onFault);
	/** Report every present device as added and every vanished one as removed. */
	void rescan();
	int guarded(const char *where, const std::function<void()> &body);
	Result<void> startUdev();
	Result<void> startInotify();
	Result<void> watchInputDir();
	void handleInotify();
	void report(const std::string &sysname, bool present);

	static int onUdevEvent(sd_device_monitor *monitor, sd_device *device, void *userdata);
	static int onInotify(sd_event_source *source, int fd, uint32_t revents, void *userdata);

	sd_event *loop_;
	Options options_;
	Backend backend_;
	Callback added_;
	Callback removed_;
	FaultCallback onFault_;
	SdDeviceMonitorPtr udevMonitor_;
	UniqueFd inotifyFd_;
	SdEventSourcePtr inotifySource_; ///< after inotifyFd_: goes before the fd is closed
	int dirWatch_ = -1;              ///< watch on devInputDir
	int parentWatch_ = -1;           ///< watch on its parent while devInputDir is missing
	std::set<std::string> present_;
};

/** True for "event" followed by decimal digits only. */
bool isEvdevSysname(std::string_view name);

/** Sort key for evdev sysnames: event2 < event10. */
bool evdevSysnameLess(const std::string &a, const std::string &b);

} // namespace tactus
