// SPDX-License-Identifier: MIT
#pragma once

// What every interface file of the bus adapter shares: text fit for a
// message, named errors, no exception into sd-bus.

#include "tactus-bus.h"
#include "util-result.h"
#include "util-strings.h"

#include <systemd/sd-bus.h>

#include <new>
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

/** Run @p body; an exception becomes org.tactus.Error.Failed: none may unwind through sd-bus's C frames. */
template<typename F>
int guarded(sd_bus_error *error, F &&body)
{
	try {
		return body();
	} catch (const std::bad_alloc &) {
		return sd_bus_error_set(error, kErrorFailed, "Out of memory");
	} catch (...) {
		return sd_bus_error_set(error, kErrorFailed, "Internal error");
	}
}

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
		return guarded(error, [&] { return (expr); });                                                         \
	}
// NOLINTEND(bugprone-macro-parentheses)
