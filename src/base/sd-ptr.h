// SPDX-License-Identifier: MIT
#pragma once

// Owning holders for libsystemd's reference-counted handles, one set for the
// whole tree (library, daemon, bus adapter, tactusctl, tests): a
// std::unique_ptr whose deleter is the handle's own unref function, as
// systemd's _cleanup_(sd_bus_unrefp). Header only: it names sd-bus types but
// puts no bus code into libtactus.

#include <systemd/sd-bus.h>
#include <systemd/sd-device.h>
#include <systemd/sd-event.h>
#include <systemd/sd-login.h>

#include <memory>

namespace tactus {

/** Calls @p Unref on a non-null handle. */
template<typename T, auto Unref>
struct SdUnref {
	void operator()(T *p) const { Unref(p); }
};

/** A handle owned by one reference, dropped with @p Unref. */
template<typename T, auto Unref>
using SdPtr = std::unique_ptr<T, SdUnref<T, Unref>>;

using SdEventPtr = SdPtr<sd_event, sd_event_unref>;
/** Disabled before the last reference goes: a callback can never run on a freed owner. */
using SdEventSourcePtr = SdPtr<sd_event_source, sd_event_source_disable_unref>;

/** A reference to a connection somebody else owns (and closes). */
using SdBusPtr = SdPtr<sd_bus, sd_bus_unref>;
/** The connection itself: queued messages are flushed and the connection closed with it. */
using SdBusConnectionPtr = SdPtr<sd_bus, sd_bus_flush_close_unref>;
using SdBusMessagePtr = SdPtr<sd_bus_message, sd_bus_message_unref>;
/** A match, vtable, enumerator or pending call: dropping it unregisters or cancels it. */
using SdBusSlotPtr = SdPtr<sd_bus_slot, sd_bus_slot_unref>;
using SdBusCredsPtr = SdPtr<sd_bus_creds, sd_bus_creds_unref>;

using SdDeviceEnumeratorPtr = SdPtr<sd_device_enumerator, sd_device_enumerator_unref>;
using SdDeviceMonitorPtr = SdPtr<sd_device_monitor, sd_device_monitor_unref>;
using SdLoginMonitorPtr = SdPtr<sd_login_monitor, sd_login_monitor_unref>;

/**
 * Fills a holder through a C out-parameter, as C++23's std::out_ptr:
 * `r = sd_event_new(outPtr(loop));`. The holder takes the handle when the
 * full expression ends, so use it from the next statement on.
 */
template<typename Holder>
class OutPtr {
public:
	explicit OutPtr(Holder &holder) : holder_(holder) {}
	~OutPtr() { holder_.reset(raw_); }
	OutPtr(const OutPtr &) = delete;
	OutPtr &operator=(const OutPtr &) = delete;

	operator typename Holder::pointer *() { return &raw_; }

private:
	Holder &holder_;
	typename Holder::pointer raw_ = nullptr;
};

/** See OutPtr. */
template<typename Holder>
OutPtr<Holder> outPtr(Holder &holder)
{
	return OutPtr<Holder>(holder);
}

/** An sd_bus_error that frees itself. */
class SdBusError {
public:
	SdBusError() = default;
	~SdBusError() { sd_bus_error_free(&error_); }
	SdBusError(const SdBusError &) = delete;
	SdBusError &operator=(const SdBusError &) = delete;

	sd_bus_error *get() { return &error_; }
	bool isSet() const { return sd_bus_error_is_set(&error_); }
	bool hasName(const char *name) const { return sd_bus_error_has_name(&error_, name); }
	const char *name() const { return error_.name; }
	const char *message() const { return error_.message; }

private:
	sd_bus_error error_ = SD_BUS_ERROR_NULL;
};

} // namespace tactus
