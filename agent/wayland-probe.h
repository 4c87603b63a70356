// SPDX-License-Identifier: MIT
#pragma once

// The Wayland registry's globals (interface names) of the session's
// compositor, read once with libwayland-client: connect to WAYLAND_DISPLAY,
// one roundtrip, disconnect. Built only where wayland-client is found.

#include "util-result.h"

#include <string>
#include <vector>

namespace tactus {

/** The interface names the compositor advertises; errors say why (no compositor, no libwayland-client). */
Result<std::vector<std::string>> waylandGlobals();

} // namespace tactus
