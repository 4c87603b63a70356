// SPDX-License-Identifier: MIT
#pragma once

#include "bus-polkit.h"
#include "daemon.h"
#include "sd-ptr.h"
#include "tactus-bus.h"
#include "util-result.h"

#include <systemd/sd-bus.h>

#include <string>
#include <vector>

namespace tactus {

/**
 * org.tactus.Tactus1 on the system bus: translates between the Daemon's
 * state and bus messages, nothing more. One file per interface
 * (bus-manager.cc, bus-session.cc, bus-device.cc); sessions and devices are
 * fallback objects with node enumerators, so `busctl tree` lists every one;
 * every state change is checked with polkit (bus-polkit.cc) before the
 * Daemon is asked to act.
 */
class BusService final : public DaemonObserver {
public:
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
	void sessionTrustChanged(const SessionRecord &session) override;
	void sessionRemoved(const SessionRecord &session) override;
	void deviceAdded(const DeviceRecord &device) override;
	void deviceRemoved(const DeviceRecord &device) override;
	void deviceChanged(const DeviceRecord &device) override;
	void modeChanged(const std::string &mode) override;

	Daemon &daemon() { return daemon_; }
	BusPolkit &polkit() { return polkit_; }

	/** The service a vtable, lookup or enumerator was registered with, from its userdata. */
	static BusService &fromUserdata(void *userdata) { return *static_cast<BusService *>(userdata); }
	/**
	 * The service serving method call @p m to a session or device object,
	 * whose handler receives the object the lookup found, not the service:
	 * the userdata of the vtable's slot (sd_bus_get_current_slot(3)).
	 */
	static BusService &current(sd_bus_message *m);

private:
	void objectAdded(const std::string &path);
	void objectRemoved(const std::string &path);

	SdBusPtr bus_;
	Daemon &daemon_;
	std::vector<SdBusSlotPtr> slots_;
	BusPolkit polkit_;
};

} // namespace tactus
