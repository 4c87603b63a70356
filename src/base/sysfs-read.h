// SPDX-License-Identifier: MIT
#pragma once

// Small, bounded readers for sysfs, procfs and data files. Every read has a
// size limit because device names and /proc contents are not ours to trust.

#include "util-result.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** Read at most @p maxBytes of @p path; longer files are an error (-EFBIG). */
Result<std::string> readFileLimited(const std::string &path, size_t maxBytes = size_t{64} * 1024);

/** Read a sysfs attribute and drop the one trailing newline the kernel adds. */
Result<std::string> readSysfsAttribute(const std::string &path);

/** readlink(2) of @p path into a string. */
Result<std::string> readLink(const std::string &path);

/** Parse "0003" / "0x0003" (sysfs id files, rules) as a 16-bit hex number. */
Result<uint16_t> parseHex16(std::string_view text);

/**
 * Parse a sysfs bitmask ("capabilities/key"): hex words separated by spaces,
 * most significant word first, each @p wordBits wide (the kernel's unsigned
 * long). Returns the set bit numbers in ascending order.
 */
Result<std::vector<unsigned>> parseSysfsBitmask(std::string_view text, unsigned wordBits = sizeof(unsigned long) * 8);

/** Entries of directory @p path except "." and ".."; sorted by name. */
Result<std::vector<std::string>> listDirectory(const std::string &path);

} // namespace tactus
