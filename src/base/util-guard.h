// SPDX-License-Identifier: MIT
#pragma once

// The one wall between C++ exceptions and the C libraries that call back into
// tactus (sd-bus getters, methods, lookups, node enumerators and reply
// handlers; sd-event sources; the udev monitor). An exception unwinding
// through C frames is undefined behaviour (in practice std::terminate, or a
// half-updated sd-bus/sd-event state), so every such callback runs its body
// through guardCallback(). The library has no logging: the caller's @p onFault
// decides what a fault becomes (daemon/log.h's logGuarded() logs it,
// dbus/bus-util.h's guarded() also sets an sd_bus_error).

#include <cerrno>
#include <exception>
#include <new>

namespace tactus {

/** What a guarded callback caught. Valid only during the onFault call. */
struct CallbackFault {
	const char *where; ///< the callback, e.g. "evdev read"
	int errnum;        ///< -ENOMEM for std::bad_alloc, -EIO for anything else
	const char *what;  ///< the exception's what(), or a fixed text
};

namespace guard_detail {

template<typename OnFault>
int faulted(OnFault &onFault, const CallbackFault &fault) noexcept
{
	try {
		return onFault(fault);
	} catch (...) {
		return fault.errnum; // reporting failed too: the errno is all that is left
	}
}

} // namespace guard_detail

/**
 * Run @p body (returning int, a C callback's result) so that no exception
 * leaves it: an exception is handed to @p onFault as a CallbackFault, and
 * what onFault returns is the callback's result (its errnum, or 0 to keep an
 * sd-event source enabled). An exception from onFault itself yields errnum.
 */
template<typename Body, typename OnFault>
int guardCallback(const char *where, Body &&body, OnFault &&onFault) noexcept
{
	try {
		return body();
	} catch (const std::bad_alloc &) {
		return guard_detail::faulted(onFault, CallbackFault{where, -ENOMEM, "out of memory"});
	} catch (const std::exception &e) {
		return guard_detail::faulted(onFault, CallbackFault{where, -EIO, e.what()});
	} catch (...) {
		return guard_detail::faulted(onFault, CallbackFault{where, -EIO, "unknown exception"});
	}
}

} // namespace tactus
