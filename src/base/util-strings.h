// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tactus {

/**
 * Decode the UTF-8 sequence at @p s[@p i] into @p cp; returns its length in
 * bytes, or 0 if it is malformed (overlong, surrogate, > U+10FFFF, cut off).
 */
size_t decodeUtf8(std::string_view s, size_t i, uint32_t &cp);

/** True if @p s is well-formed UTF-8 (no overlongs, no surrogates). */
bool isValidUtf8(std::string_view s);

/**
 * Make an attacker-controlled string (a device name, a path) safe to put in a
 * log line, a table or a D-Bus message: invalid UTF-8 bytes and control
 * characters become \xNN escapes and the result is cut to @p maxBytes
 * (on a character boundary, with "…" appended when cut).
 */
std::string sanitizeForDisplay(std::string_view s, size_t maxBytes = 256);

/**
 * What is wrong with one line of a text file tactus reads (rules, allow-list,
 * tactus.conf): longer than @p maxBytes, not UTF-8, or holding a control
 * character other than tab and CR. nullopt for a good line.
 */
std::optional<std::string> textLineProblem(std::string_view line, size_t maxBytes);

/** Remove leading and trailing ASCII whitespace. */
std::string_view trim(std::string_view s);

/** Quote @p s for JSON output (including the surrounding quotes). */
std::string jsonQuote(std::string_view s);

/** Value of hexadecimal digit @p c (0-9, a-f, A-F), or -1 if it is none. */
int hexDigitValue(char c);

} // namespace tactus
