// SPDX-License-Identifier: MIT
#pragma once

// What every interface file of the bus adapter shares: text fit for a
// message, named errors, no exception into sd-bus.

#include "log.h"
#include "tactus-bus.h"
#include "util-guard.h"
#include "util-result.h"
#include "util-strings.h"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <string>
#include <vector>

namespace tactus {

/**
 * Text as it may reach a message: valid UTF-8 without control characters
 * (device names are chosen by whoever made the device).
 */
inline std::string busString(const std::string &s, size_t maxBytes = 256)
{
	return sanitizeForDisplay(s, maxBytes);
}

/**
 * Run @p body, a callback sd-bus calls (method, getter, lookup, node
 * enumerator), through guardCallback(): an exception becomes one log line
 * naming @p where and org.tactus.Error.Failed ("Out of memory" for
 * std::bad_alloc) in @p error; none unwinds through sd-bus's C frames.
 */
template<typename F>
int guarded(sd_bus_error *error, const char *where, F &&body)
{
	return guardCallback(where, body, [error](const CallbackFault &f) {
		log_error("%s: %s, failing the call", f.where, f.what);
		sd_bus_error_set(error, kErrorFailed, f.errnum == -ENOMEM ? "Out of memory" : "Internal error");
		return f.errnum;
	});
}

/**
 * Check the result @p r of an sd_bus_emit_*() or sd_bus_send() of @p what
 * on @p path: a failure is logged ("…, ignoring"), a signal is never
 * retried. Returns @p r.
 */
int checkEmitted(int r, const char *what, const std::string &path);

/** A strv of @p paths for a node enumerator, which sd-bus frees. */
int nodeList(const std::vector<std::string> &paths, char ***nodes);

/** Append @p items as an "as", each through busString(). */
int appendStrv(sd_bus_message *m, const std::vector<std::string> &items);

/** Map an Error to a named bus error: NotFound, InvalidArgument, ... */
int setBusError(sd_bus_error *error, const Error &e);

} // namespace tactus

/**
 * A property getter: @p var is the object of type @p Type the property
 * belongs to (the userdata sd-bus passes: the manager's BusService, or the
 * session or device the object lookup found), @p expr appends the value.
 * (@p Type and @p var name a type and a variable: they cannot be
 * parenthesised.)
 */
// NOLINTBEGIN(bugprone-macro-parentheses)
#define BUS_PROPERTY_GETTER(fn, Type, var, expr)                                                                       \
	int fn(sd_bus *, const char *, const char *, const char *, sd_bus_message *reply, void *userdata,              \
	       sd_bus_error *error)                                                                                    \
	{                                                                                                              \
		[[maybe_unused]] Type &var = *static_cast<Type *>(userdata);                                           \
		return guarded(error, #fn, [&] { return (expr); });                                                    \
	}
// NOLINTEND(bugprone-macro-parentheses)
