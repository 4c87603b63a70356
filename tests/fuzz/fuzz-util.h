// SPDX-License-Identifier: MIT
#pragma once

// What every fuzz target checks besides "no crash, no sanitizer report":
// a parser rejects bad input with a clear error, "NAME:LINE: what" with a
// negative errno (STYLE.md: every parser has a test that feeds it garbage).

#include "util-result.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

/** libFuzzer's entry point, defined once per target (and called by fuzz-main.cc's corpus replay). */
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace tactus::fuzz {

/** Abort (a crash libFuzzer keeps) unless @p e names @p file and has a negative errno. */
inline void checkError(const Error &e, std::string_view file)
{
	if (e.errnum >= 0 || e.message.rfind(std::string(file) + ":", 0) != 0 || e.message.size() <= file.size() + 1) {
		std::fprintf(stderr, "bad error from the parser: errnum %d, message '%s'\n", e.errnum,
			     e.message.c_str());
		std::abort();
	}
}

inline std::string_view text(const uint8_t *data, size_t size)
{
	return {reinterpret_cast<const char *>(data), size};
}

} // namespace tactus::fuzz
