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
#include <string>
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

/** Abort with @p what (a finding libFuzzer keeps) unless @p ok. */
inline void check(bool ok, const char *what)
{
	if (!ok) {
		std::fprintf(stderr, "invariant broken: %s\n", what);
		std::abort();
	}
}

/**
 * Takes typed values off the front of a fuzz input, as LLVM's
 * FuzzedDataProvider does (it is not in Debian's clang 14 headers for g++):
 * past the end every value is 0 and every string empty.
 */
class ByteReader {
public:
	ByteReader(const uint8_t *data, size_t size) : data_(data), size_(size) {}

	bool empty() const { return size_ == 0; }
	size_t remaining() const { return size_; }

	template<typename T>
	T take()
	{
		T v = 0;
		for (size_t i = 0; i < sizeof(T) && size_; i++, data_++, size_--)
			v = static_cast<T>(v | static_cast<T>(static_cast<T>(*data_) << (8 * i)));
		return v;
	}
	/** A string of up to @p max bytes, its length taken from the input first. */
	std::string string(size_t max)
	{
		size_t n = take<uint16_t>() % (max + 1);
		n = n < size_ ? n : size_;
		std::string s(reinterpret_cast<const char *>(data_), n);
		data_ += n;
		size_ -= n;
		return s;
	}

private:
	const uint8_t *data_;
	size_t size_;
};

} // namespace tactus::fuzz
