// SPDX-License-Identifier: MIT
#pragma once

// Helpers shared by the recording parsers; not part of the public API.

#include "recording.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tactus::recording_detail {

/** Largest seconds value accepted, so that sec * 1e6 + usec cannot overflow. */
constexpr uint64_t kMaxSeconds = 1'000'000'000'000ull;

/** Longest string (detail, exe, unit, node) accepted besides the name. */
constexpr size_t kMaxStringBytes = 4096;

/** Build "NAME:LINE: what" as an -EINVAL Error. */
Error parseError(std::string_view name, size_t line, std::string_view what);

/** Largest valid code for @p type, as linux/input-event-codes.h defines it. */
unsigned maxCodeForType(unsigned type);

/**
 * Why an event of @p type / @p code may not come from a device with @p codes,
 * or nullopt if it may. EV_SYN is always allowed.
 */
std::optional<std::string> checkEventCode(const EvdevCodes &codes, uint64_t type, uint64_t code);

/**
 * Why a timestamp is invalid (negative, usec out of range, too large), or
 * nullopt; on success @p out holds the time in microseconds.
 */
std::optional<std::string> checkTime(int64_t sec, int64_t usec, uint64_t &out);

/** Fill the derived fields (caps, sysname) of a parsed device. */
void finishDevice(DeviceInfo &info);

/**
 * Merge per-device event lists (each already in time order) into
 * @p rec.events: by time, ties broken by device index so the result is stable.
 */
void mergeEvents(Recording &rec, std::vector<std::vector<InputEvent>> &perDevice);

/** Parse a decimal integer (optional sign); nullopt on anything else or overflow. */
std::optional<int64_t> parseDecimal(std::string_view s);

/** Parse hex digits without prefix (at most 16); nullopt on anything else. */
std::optional<uint64_t> parseHex(std::string_view s);

} // namespace tactus::recording_detail
