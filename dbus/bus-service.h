// SPDX-License-Identifier: MIT
#pragma once

#include "daemon.h"
#include "util-result.h"

#include <systemd/sd-bus.h>

#include <functional>
#include <list>
#include <memory>
#include <string>

namespace tactus {

/**
 * org.tactus.Tactus1 on the system bus: translates between the Daemon's
 * state and bus messages, nothing more. Objects are served from fallback
 * vtables with node enumerators, so `busctl tree` lists every session and
 * device; every state change is checked with polkit asynchronously before
 * the Daemon is asked to act.
 */
class BusService final : public DaemonObserver {
public:
	static constexpr const char *kBusName = "org.tactus.Tactus1";
	static constexpr const char *kManagerPath = "/org/tactus/Tactus1";
	static constexpr const char *kSessionPrefix = "/org/tactus/Tactus1/session";
	static constexpr const char *kDevicePrefix = "/org/tactus/Tactus1/device";

	BusService(sd_bus *bus, Daemon &daemon);
	~BusService() override;

	BusService(const BusService &) = delete;
	BusService &operator=(const BusService &) = delete;

	/** Register the objects; the name is requested by requestName(), once the daemon is ready. */
	Result<void> registerObjects();
	/** Take org.tactus.Tactus1 (Type=dbus units are ready when it appears). */
	Result<void> requestName();

	void sessionAdded(const SessionRecord &session) override;
	void sessionChanged(const SessionRecord &session, bool verdictChanged) override;
	void sessionRemoved(const SessionRecord &session) override;
	void deviceAdded(const DeviceRecord &device) override;
	void deviceRemoved(const DeviceRecord &device) override;
	void deviceChanged(const DeviceRecord &device) override;
	void modeChanged(const std::string &mode) override;

	/** Object path of session @p id. */
	static std::string sessionPath(const std::string &id);
	/** Object path of device @p sysname. */
	static std::string devicePath(const std::string &sysname);


	Daemon &daemon() { return daemon_; }
	sd_bus *bus() { return bus_; }

	/** Ask polkit about @p action for the sender of @p call, then run @p onAllowed or reply PermissionDenied. */
	int authorize(sd_bus_message *call, const char *action, std::function<Result<void>()> onAllowed);

private:
	struct PendingAuth {
		BusService *self;
		sd_bus_message *call;
		std::string action;
		std::function<Result<void>()> onAllowed;
		sd_bus_slot *slot = nullptr;
	};
	static int onPolkitReply(sd_bus_message *reply, void *userdata, sd_bus_error *error);
	void finishAuth(PendingAuth *auth, bool allowed, const std::string &why);

	sd_bus *bus_;
	Daemon &daemon_;
	std::list<sd_bus_slot *> slots_;
	std::list<std::unique_ptr<PendingAuth>> pending_;
};

/** Map an Error to a named bus error: NotFound, InvalidArgument, ... */
int setBusError(sd_bus_error *error, const Error &e);

} // namespace tactus
