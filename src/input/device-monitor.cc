// SPDX-License-Identifier: MIT
#include "device-monitor.h"

#include "util-name-table.h"

#include <systemd/sd-device.h>
#include <systemd/sd-event.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <dirent.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace tactus {

namespace {

std::string parentDir(const std::string &path)
{
	const auto slash = path.find_last_of('/');
	if (slash == std::string::npos || slash == 0)
		return "/";
	return path.substr(0, slash);
}

std::string baseName(const std::string &path)
{
	const auto slash = path.find_last_of('/');
	return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

bool isEvdevSysname(std::string_view name)
{
	constexpr std::string_view prefix = "event";
	if (name.size() <= prefix.size() || name.size() > prefix.size() + 9 || name.substr(0, prefix.size()) != prefix)
		return false;
	return std::all_of(name.begin() + prefix.size(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool evdevSysnameLess(const std::string &a, const std::string &b)
{
	if (a.size() != b.size())
		return a.size() < b.size();
	return a < b;
}

DeviceMonitor::DeviceMonitor(sd_event *loop, const Options &options, Callback added, Callback removed,
			     FaultCallback onFault)
    : loop_(loop), options_(options), backend_(options.backend), added_(std::move(added)), removed_(std::move(removed)),
      onFault_(std::move(onFault))
{
	if (backend_ == Backend::Auto) {
		const std::string control = options_.runDir + "/udev/control";
		backend_ = access(control.c_str(), F_OK) == 0 ? Backend::Udev : Backend::Inotify;
	}
}

DeviceMonitor::~DeviceMonitor()
{
	if (udevMonitor_)
		sd_device_monitor_stop(udevMonitor_.get());
}

Result<std::unique_ptr<DeviceMonitor>> DeviceMonitor::create(sd_event *loop, const Options &options, Callback added,
							     Callback removed, FaultCallback onFault)
{
	return std::unique_ptr<DeviceMonitor>(
		new DeviceMonitor(loop, options, std::move(added), std::move(removed), std::move(onFault)));
}

std::string_view DeviceMonitor::backendName(Backend backend)
{
	static constexpr auto kNames = makeNameTable<Backend>({
		{Backend::Auto, "auto"},
		{Backend::Udev, "udev"},
		{Backend::Inotify, "inotify"},
	});
	static_assert(kNames.oneToOne());
	return kNames.name(backend, "auto");
}

Result<std::vector<std::string>> DeviceMonitor::enumerate() const
{
	std::vector<std::string> names;

	if (backend_ == Backend::Udev) {
		SdDeviceEnumeratorPtr e;
		int r = sd_device_enumerator_new(outPtr(e));
		if (r < 0)
			return makeError(r, std::string("sd_device_enumerator_new: ") + std::strerror(-r));
		r = sd_device_enumerator_add_match_subsystem(e.get(), "input", 1);
		if (r >= 0)
			r = sd_device_enumerator_add_match_sysname(e.get(), "event*");
		if (r < 0)
			return makeError(r, std::string("sd-device match: ") + std::strerror(-r));
		for (sd_device *d = sd_device_enumerator_get_device_first(e.get()); d;
		     d = sd_device_enumerator_get_device_next(e.get())) {
			const char *sysname = nullptr;
			if (sd_device_get_sysname(d, &sysname) < 0 || !sysname || !isEvdevSysname(sysname))
				continue;
			// Not finished by udev yet: its add event comes once the rules ran.
			// (sd-device's enumerator leaves such nodes out by default too; this
			// does not depend on that default.)
			if (sd_device_get_is_initialized(d) <= 0)
				continue;
			names.emplace_back(sysname);
		}
	} else {
		DIR *dir = opendir(options_.devInputDir.c_str());
		if (!dir) {
			if (errno == ENOENT)
				return names; // no input devices at all, not an error
			return makeError(errno, "opendir " + options_.devInputDir + ": " + std::strerror(errno));
		}
		while (const dirent *de = readdir(dir))
			if (isEvdevSysname(de->d_name))
				names.emplace_back(de->d_name);
		closedir(dir);
	}

	std::sort(names.begin(), names.end(), evdevSysnameLess);
	return names;
}

Result<void> DeviceMonitor::start()
{
	Result<void> r = backend_ == Backend::Udev ? startUdev() : startInotify();
	if (!r)
		return r;

	auto names = enumerate();
	if (!names)
		return names.error();
	for (const auto &name : *names)
		report(name, true);
	return {};
}

void DeviceMonitor::report(const std::string &sysname, bool present)
{
	// Both backends can announce a device twice (enumeration racing a
	// hotplug event, IN_CREATE followed by IN_ATTRIB); callers see one add
	// and one remove per device.
	if (present) {
		if (present_.insert(sysname).second && added_)
			added_(sysname);
	} else {
		if (present_.erase(sysname) && removed_)
			removed_(sysname);
	}
}

Result<void> DeviceMonitor::startUdev()
{
	int r = sd_device_monitor_new(outPtr(udevMonitor_));
	if (r < 0)
		return makeError(r, std::string("sd_device_monitor_new: ") + std::strerror(-r));
	r = sd_device_monitor_filter_add_match_subsystem_devtype(udevMonitor_.get(), "input", nullptr);
	if (r < 0)
		return makeError(r, std::string("sd_device_monitor filter: ") + std::strerror(-r));
	r = sd_device_monitor_attach_event(udevMonitor_.get(), loop_);
	if (r < 0)
		return makeError(r, std::string("sd_device_monitor_attach_event: ") + std::strerror(-r));
	r = sd_device_monitor_start(udevMonitor_.get(), onUdevEvent, this);
	if (r < 0)
		return makeError(r, std::string("sd_device_monitor_start: ") + std::strerror(-r));
	return {};
}

int DeviceMonitor::guarded(const char *where, const std::function<void()> &body)
{
	return guardCallback(
		where,
		[&] {
			body();
			return 0;
		},
		[this](const CallbackFault &fault) {
			if (onFault_)
				onFault_(fault);
			return 0; // keep the source: the next event is reported
		});
}

int DeviceMonitor::onUdevEvent(sd_device_monitor *, sd_device *device, void *userdata)
{
	auto *self = static_cast<DeviceMonitor *>(userdata);
	return self->guarded("udev event", [&] {
		const char *sysname = nullptr;
		if (sd_device_get_sysname(device, &sysname) < 0 || !sysname || !isEvdevSysname(sysname))
			return;

		sd_device_action_t action;
		if (sd_device_get_action(device, &action) < 0)
			return;
		switch (action) {
		case SD_DEVICE_ADD:
		case SD_DEVICE_CHANGE:
		case SD_DEVICE_BIND: self->report(sysname, true); break;
		case SD_DEVICE_REMOVE: self->report(sysname, false); break;
		default: break;
		}
	});
}

Result<void> DeviceMonitor::startInotify()
{
	inotifyFd_.reset(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
	if (!inotifyFd_.valid())
		return makeError(errno, std::string("inotify_init1: ") + std::strerror(errno));

	int r = sd_event_add_io(loop_, outPtr(inotifySource_), inotifyFd_.get(), EPOLLIN, onInotify, this);
	if (r < 0)
		return makeError(r, std::string("watching inotify: ") + std::strerror(-r));
	sd_event_source_set_description(inotifySource_.get(), "dev-input-inotify");

	return watchInputDir();
}

Result<void> DeviceMonitor::watchInputDir()
{
	dirWatch_ = inotify_add_watch(inotifyFd_.get(), options_.devInputDir.c_str(),
				      IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_ATTRIB | IN_DELETE_SELF |
					      IN_MOVE_SELF | IN_ONLYDIR);
	if (dirWatch_ >= 0) {
		if (parentWatch_ >= 0) {
			inotify_rm_watch(inotifyFd_.get(), parentWatch_);
			parentWatch_ = -1;
		}
		return {};
	}
	if (errno != ENOENT)
		return makeError(errno, "inotify on " + options_.devInputDir + ": " + std::strerror(errno));

	// /dev/input appears with the first input device: wait for it in /dev.
	const std::string parent = parentDir(options_.devInputDir);
	if (parentWatch_ < 0) {
		parentWatch_ =
			inotify_add_watch(inotifyFd_.get(), parent.c_str(), IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
		if (parentWatch_ < 0)
			return makeError(errno, "inotify on " + parent + ": " + std::strerror(errno));
	}
	return {};
}

int DeviceMonitor::onInotify(sd_event_source *, int, uint32_t, void *userdata)
{
	auto *self = static_cast<DeviceMonitor *>(userdata);
	return self->guarded("inotify event", [self] { self->handleInotify(); });
}

void DeviceMonitor::rescan()
{
	auto names = enumerate();
	if (!names)
		return; // the directory is gone: its IN_DELETE_SELF says so
	const std::set<std::string> now(names->begin(), names->end());
	std::vector<std::string> gone;
	for (const auto &s : present_)
		if (!now.count(s))
			gone.push_back(s);
	for (const auto &s : gone)
		report(s, false);
	for (const auto &s : *names)
		report(s, true);
}

void DeviceMonitor::handleInotify()
{
	alignas(struct inotify_event) char buf[4096];
	const std::string dirName = baseName(options_.devInputDir);
	bool rewatch = false; // devInputDir appeared or went away
	bool overflowed = false;

	for (;;) {
		const ssize_t n = read(inotifyFd_.get(), buf, sizeof(buf));
		if (n <= 0)
			break;
		for (ssize_t off = 0; off < n;) {
			const auto *ev = reinterpret_cast<const struct inotify_event *>(buf + off);
			off += static_cast<ssize_t>(sizeof(*ev) + ev->len);
			const std::string name = ev->len ? ev->name : "";

			if (ev->mask & IN_Q_OVERFLOW) {
				// The kernel dropped events (wd -1): what came and went
				// meanwhile is unknown, so look again.
				overflowed = true;
				continue;
			}
			if (ev->wd == parentWatch_) {
				if (name == dirName)
					rewatch = true;
				continue;
			}
			if (ev->wd != dirWatch_)
				continue;
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
				// /dev/input went away: every device with it.
				dirWatch_ = -1;
				auto gone = present_;
				for (const auto &s : gone)
					report(s, false);
				rewatch = true;
				continue;
			}
			if (!isEvdevSysname(name))
				continue;
			if (ev->mask & (IN_DELETE | IN_MOVED_FROM))
				report(name, false);
			else
				report(name, true);
		}
	}

	if ((rewatch || overflowed) && dirWatch_ < 0) {
		if (!watchInputDir())
			return;
		if (dirWatch_ >= 0)
			this->rescan();
	} else if (overflowed && dirWatch_ >= 0) {
		this->rescan();
	}
}

} // namespace tactus
