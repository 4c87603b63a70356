// SPDX-License-Identifier: MIT
#include "live-source.h"

#include <systemd/sd-event.h>

#include "sysfs-read.h"
#include "util-strings.h"

#include <cerrno>
#include <cstdio>
#include <sys/sysmacros.h>

namespace tactus {

LiveInputSource::LiveInputSource(DeviceMonitor::Options monitorOptions, DeviceDescriber describer, std::string devDir)
    : monitorOptions_(std::move(monitorOptions)), describer_(std::move(describer)), devDir_(std::move(devDir))
{
}

LiveInputSource::~LiveInputSource() = default;

Result<void> LiveInputSource::start(sd_event *loop, InputSink &sink)
{
	loop_ = loop;
	sink_ = &sink;

	int r = sd_event_add_defer(loop_, outPtr(freeSource_), onDeferredFree, this);
	if (r < 0)
		return makeError(r, "deferred free source");
	sd_event_source_set_enabled(freeSource_.get(), SD_EVENT_OFF);

	auto monitor = DeviceMonitor::create(
		loop_, monitorOptions_, [this](const std::string &s) { add(s); },
		[this](const std::string &s) { remove(s); },
		[this](const CallbackFault &f) { sink_->callbackFailed(f); });
	if (!monitor)
		return monitor.error();
	monitor_ = std::move(*monitor);
	return monitor_->start();
}

std::string LiveInputSource::describe() const
{
	const auto backend = monitor_ ? monitor_->backend() : monitorOptions_.backend;
	return "live evdev devices (hotplug via " + std::string(DeviceMonitor::backendName(backend)) + ")";
}

Result<void> LiveInputSource::setGrab(DeviceId id, bool grab)
{
	auto it = devices_.find(id);
	if (it == devices_.end())
		return makeError(-ENODEV, "device is gone");
	return it->second.reader->setGrab(grab);
}

namespace {

// The dev attribute ("13:67") of SYS/class/input/@p sysname, as sd-device's
// sd_device_get_devnum() reads it.
Result<dev_t> readDevnum(const std::string &sys, const std::string &sysname)
{
	auto text = readSysfsAttribute(sys + "/class/input/" + sysname + "/dev");
	if (!text)
		return text.error();
	unsigned maj = 0, min = 0;
	char end = 0;
	if (std::sscanf(text->c_str(), "%u:%u%c", &maj, &min, &end) != 2)
		return makeError(-EINVAL,
				 sysname + ": malformed dev attribute '" + sanitizeForDisplay(*text, 32) + "'");
	return makedev(maj, min);
}

} // namespace

void LiveInputSource::add(const std::string &sysname)
{
	// The node number first, then the description: the node opened below
	// must still be that number, so the description is the opened device's.
	const auto devnum = readDevnum(describer_.roots().sys, sysname);
	if (!devnum) {
		sink_->deviceIgnored(sysname, devnum.error());
		return;
	}
	auto info = describer_.describe(sysname);
	if (!info) {
		sink_->deviceIgnored(sysname, info.error());
		return;
	}

	// The admin's udev rules can take a device out of tactus's view
	// entirely (udev/70-tactus.rules documents it).
	const auto ignore = info->udevProperties.find("TACTUS_IGNORE");
	if (ignore != info->udevProperties.end() && ignore->second == "1") {
		sink_->deviceIgnored(sysname, makeError(-EPERM, "udev property TACTUS_IGNORE=1"));
		return;
	}

	const DeviceId id = nextId_++;
	const std::string devnode = devDir_ + "/" + sysname;
	auto reader =
		DeviceReader::open(loop_, devnode, *devnum, id, *sink_, [this](DeviceId gone) { removeId(gone); });
	if (!reader) {
		sink_->deviceIgnored(sysname, reader.error());
		return;
	}
	info->devnode = devnode;
	// Axis ranges are only in the node (sysfs has none): teleports and
	// distances on absolute pointers need them.
	info->absAxes = (*reader)->absAxes();
	devices_.emplace(id, Device{sysname, std::move(*reader)});
	sink_->deviceAdded(id, *info);
}

void LiveInputSource::remove(const std::string &sysname)
{
	for (auto &[id, device] : devices_) {
		if (device.sysname == sysname) {
			// What the reader can still read comes before the removal:
			// an unplugged keyboard's last releases belong to the session.
			// finish() reports the device gone (removeId) itself.
			const DeviceId gone = id;
			device.reader->finish();
			removeId(gone);
			return;
		}
	}
}

void LiveInputSource::removeId(DeviceId id)
{
	auto it = devices_.find(id);
	if (it == devices_.end())
		return; // monitor and reader both noticed the unplug
	retired_.push_back(std::move(it->second.reader));
	devices_.erase(it);
	sd_event_source_set_enabled(freeSource_.get(), SD_EVENT_ONESHOT);
	sink_->deviceRemoved(id);
}

int LiveInputSource::onDeferredFree(sd_event_source *, void *userdata)
{
	auto *self = static_cast<LiveInputSource *>(userdata);
	return guardCallback(
		"freeing readers",
		[self] {
			self->retired_.clear();
			return 0;
		},
		[self](const CallbackFault &f) {
			self->sink_->callbackFailed(f);
			return 0;
		});
}

} // namespace tactus
