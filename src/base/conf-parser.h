// SPDX-License-Identifier: MIT
#pragma once

// The one tokenizer for tactus's INI-style files (tactus.conf and its
// drop-ins, allow-list rules, provenance rules), in the dialect of systemd's
// conf-parser.c:
//
//   - a UTF-8 byte-order mark at the start of the file is skipped;
//   - lines end at '\n'; a '\r' before it (CRLF) and blanks around keys,
//     values and section titles are dropped;
//   - empty lines and lines whose first non-blank character is '#' or ';'
//     are comments; a '#' after a value is part of the value;
//   - "[Title]" starts a section, "Key=value" sets a key of the current one
//     (split at the first '='); a key before the first section is an error;
//   - no line continuation (systemd's trailing '\'): no value of these
//     files needs more than a line, so a trailing '\' stays part of the
//     value, as it always has;
//   - every line must be valid UTF-8, without control characters other than
//     tab and CR, and at most maxLineBytes long.
//
// What sections and keys mean is the caller's business: the parser hands
// each section header and each assignment to a callback, in file order, and
// stops at the first error. Every error reads "FILE:LINE: message".

#include "util-result.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

namespace tactus {

/** "FILE:LINE: message" (-EINVAL), the one shape of errors in these files. */
Error confError(std::string_view fileName, unsigned line, std::string_view message);

/** One "Key=value" line: key and value trimmed, the key never empty. */
struct ConfAssignment {
	std::string_view section; ///< title of the section it is in
	std::string_view key;
	std::string_view value;
	unsigned line = 0;
};

/** What a format accepts besides the common syntax. */
struct ConfSyntax {
	/** Longer lines are not hand-written; refuse rather than guess. */
	size_t maxLineBytes = 4096;
	/** Refuse a larger text as a whole ("FILE: larger than N bytes", -EFBIG); nullopt: no limit. */
	std::optional<size_t> maxFileBytes;
	/** How errors spell an assignment: "expected KEY=VALUE, missing '='". */
	std::string_view assignmentForm = "KEY=VALUE";
	/** False: "empty value for KEY" is an error (rule files); true: passed on (tactus.conf resets the key). */
	bool emptyValues = true;
	/** True: a key twice in one section is an error, "duplicate key KEY in section 'TITLE'". */
	bool uniqueKeysPerSection = false;
};

/** What the caller does with each part of a file; errors it returns stop the parse as they are. */
struct ConfHandler {
	/** A "[Title]" line, title trimmed and not empty. */
	std::function<Result<void>(std::string_view title, unsigned line)> sectionStart;
	/** The end of a section: the next header, or the end of the file. May be empty. */
	std::function<Result<void>()> sectionEnd;
	/** A "Key=value" line inside a section. */
	std::function<Result<void>(const ConfAssignment &assignment)> assignment;
};

/** Tokenize @p text, named @p fileName in errors, and hand it to @p handler. */
Result<void> parseConf(std::string_view text, std::string_view fileName, const ConfSyntax &syntax,
		       const ConfHandler &handler);

} // namespace tactus
