// SPDX-License-Identifier: MIT
#pragma once

// The comma-separated rows of the public datasets' files (Balabit mouse,
// Touchalytics features, MOBIKEY keystrokes): a fixed number of fields, none
// quoted, and numbers that must fill their field.

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace tactus {

/**
 * Splits @p line at commas into @p fields (views into @p line). True only if
 * the line has exactly N fields; fewer or more is a malformed row.
 */
template<size_t N>
bool splitCsvRow(std::string_view line, std::array<std::string_view, N> &fields)
{
	size_t n = 0;
	while (true) {
		const size_t comma = line.find(',');
		if (n == N)
			return false;
		fields[n++] = line.substr(0, comma);
		if (comma == std::string_view::npos)
			break;
		line.remove_prefix(comma + 1);
	}
	return n == N;
}

/**
 * The whole of @p s as a number of type T (std::from_chars: no sign but '-',
 * no spaces). False for an empty field, trailing text, a value out of T's
 * range or, for floating point, one that is not finite.
 */
template<typename T>
bool parseCsvNumber(std::string_view s, T &out)
{
	if (s.empty())
		return false;
	const char *end = s.data() + s.size();
	auto [p, ec] = std::from_chars(s.data(), end, out);
	if (ec != std::errc() || p != end)
		return false;
	if constexpr (std::is_floating_point_v<T>)
		return std::isfinite(out);
	return true;
}

} // namespace tactus
