// SPDX-License-Identifier: MIT
#pragma once

#include "recording.h"
#include "util-result.h"

#include <string>
#include <string_view>

namespace tactus {

/**
 * Writes a Recording as `libinput record` YAML (version 1) with the tactus
 * extension (a `tactus:` mapping per device carrying provenance, seat and
 * creators), so that parseLibinputRecord() reads back exactly what was
 * written. Events are written as given; replacing key codes by key classes
 * is the caller's business.
 */
class RecordingWriter {
public:
	explicit RecordingWriter(const Recording &recording) : rec_(recording) {}

	/** The whole file as text. */
	std::string toString() const;

	/** Write the file to @p path atomically (temporary file, then rename). */
	Result<void> writeFile(const std::string &path) const;

private:
	const Recording &rec_;
};

/**
 * Quote @p s as a YAML double-quoted scalar; bytes that are not printable
 * UTF-8 become \xNN so that invalid UTF-8 survives (see parseLibinputRecord).
 */
std::string yamlQuote(std::string_view s);

} // namespace tactus
