// SPDX-License-Identifier: MIT
#pragma once

// Names of the bus types a device reports (BUS_* of linux/input.h), one
// table for printing (logs, tactusctl, the Device1.Bus property) and for
// reading (MatchBus= of allow-list and provenance rules).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tactus {

/** Reported bus type as a short name ("usb", "i8042"), "0x00ab" if it has none. Untrusted: for display only. */
std::string busName(uint16_t bustype);

/** Bus type for a MatchBus value: a BUS_* name ("usb", "i8042", "host", ...) or a hex number "0x19". */
std::optional<uint16_t> busFromName(std::string_view name);

} // namespace tactus
