// SPDX-License-Identifier: MIT
#include "daemon.h"

#include "device-format.h"
#include "log.h"
#include "util-strings.h"

#include <linux/input.h>
#include <systemd/sd-event.h>

#include <cinttypes>

namespace tactus {

Daemon::Daemon(sd_event *loop, std::unique_ptr<InputSource> source, Options options)
	: loop_(loop), source_(std::move(source)), options_(options)
{
}

int Daemon::start()
{
	log_info("input: %s", source_->describe().c_str());
	auto r = source_->start(loop_, *this);
	if (!r)
		return logError(r.error().errnum, "Failed to start input: %s", r.error().message.c_str());
	if (devices_.empty())
		log_info("no input devices present yet");
	return 0;
}

void Daemon::deviceAdded(DeviceId id, const DeviceInfo &info)
{
	devices_[id] = Device{info, {}};
	devicesSeen_++;
	log_info("device %s added: %s", sanitizeForDisplay(info.sysname, 32).c_str(), formatDeviceLine(info).c_str());
}

void Daemon::logCounters(const char *what, const Device &device) const
{
	const DeviceCounters &c = device.counters;
	log_info("device %s %s: %" PRIu64 " frames, keys %" PRIu64 " down/%" PRIu64 " up/%" PRIu64
		 " repeat, buttons %" PRIu64 ", rel %" PRIu64 ", abs %" PRIu64 ", other %" PRIu64
		 ", resyncs %" PRIu64,
		 sanitizeForDisplay(device.info.sysname, 32).c_str(), what, c.frames, c.keyPresses, c.keyReleases,
		 c.keyRepeats, c.buttonEvents, c.relEvents, c.absEvents, c.otherEvents, c.resyncs);
}

void Daemon::deviceRemoved(DeviceId id)
{
	auto it = devices_.find(id);
	if (it == devices_.end())
		return;
	logCounters("removed", it->second);
	devices_.erase(it);
}

void Daemon::frame(DeviceId id, Frame events)
{
	auto it = devices_.find(id);
	if (it == devices_.end())
		return;
	DeviceCounters &c = it->second.counters;
	c.frames++;
	totalFrames_++;
	// Key events are counted, never shown: which key was pressed is exactly
	// what tactus promises not to know outside the feature extractor.
	for (const InputEvent &ev : events) {
		switch (ev.type) {
		case EV_SYN:
			break;
		case EV_KEY:
			if (ev.code >= BTN_MISC && ev.code < KEY_OK)
				c.buttonEvents++;
			else if (ev.value == 1)
				c.keyPresses++;
			else if (ev.value == 0)
				c.keyReleases++;
			else
				c.keyRepeats++;
			break;
		case EV_REL:
			c.relEvents++;
			break;
		case EV_ABS:
			c.absEvents++;
			break;
		default:
			c.otherEvents++;
			break;
		}
	}
}

void Daemon::eventsDropped(DeviceId id)
{
	auto it = devices_.find(id);
	if (it == devices_.end())
		return;
	it->second.counters.resyncs++;
	log_warning("device %s: kernel buffer overrun (SYN_DROPPED), state resynced",
		    sanitizeForDisplay(it->second.info.sysname, 32).c_str());
}

void Daemon::deviceIgnored(const std::string &sysname, const Error &why)
{
	log_warning("device %s: %s, ignoring", sanitizeForDisplay(sysname, 32).c_str(),
		    sanitizeForDisplay(why.message, 512).c_str());
}

void Daemon::sourceFinished()
{
	log_info("input finished: %u devices, %" PRIu64 " frames", devicesSeen_, totalFrames_);
	if (options_.exitWhenSourceFinishes)
		sd_event_exit(loop_, 0);
}

} // namespace tactus
