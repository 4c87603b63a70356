// SPDX-License-Identifier: MIT
#pragma once

// Enum <-> name in one table per enum, as systemd's
// DEFINE_STRING_TABLE_LOOKUP: the names a user reads and writes (verdicts,
// provenance classes, bus types, config values) are spelled once, and the
// name and from-name functions cannot disagree.
//
//   constexpr auto kVerdictNames = makeNameTable<Verdict>({
//           {Verdict::Learning, "learning"},
//           {Verdict::Injected, "injected"},
//   });
//   static_assert(kVerdictNames.oneToOne());
//
// A value may have more than one name (an alias): name() gives the first,
// fromName() accepts each.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace tactus {

/** A fixed table of enum values and their names. */
template<typename E, size_t N>
class NameTable {
public:
	using Entry = std::pair<E, std::string_view>;

	constexpr NameTable(const std::array<Entry, N> &entries) : entries_(entries) {}

	/** The (first) name of @p value, nullopt if the table has none. */
	constexpr std::optional<std::string_view> find(E value) const
	{
		for (const Entry &e : entries_)
			if (e.first == value)
				return e.second;
		return std::nullopt;
	}

	/** The name of @p value, or @p fallback if the table has none. */
	constexpr std::string_view name(E value, std::string_view fallback) const
	{
		return find(value).value_or(fallback);
	}

	/** The value named exactly @p name, nullopt if none is. */
	constexpr std::optional<E> fromName(std::string_view name) const
	{
		for (const Entry &e : entries_)
			if (e.second == name)
				return e.first;
		return std::nullopt;
	}

	/** Every name in table order, separated by @p separator ("monitor|enforce"), for error messages. */
	std::string joinedNames(std::string_view separator) const
	{
		std::string out;
		for (const Entry &e : entries_) {
			if (!out.empty())
				out += separator;
			out += e.second;
		}
		return out;
	}

	/** True if no name stands twice and no name is empty: for a static_assert beside the table. */
	constexpr bool unique() const
	{
		for (size_t i = 0; i < N; i++) {
			if (entries_[i].second.empty())
				return false;
			for (size_t j = i + 1; j < N; j++)
				if (entries_[i].second == entries_[j].second)
					return false;
		}
		return true;
	}

	/** True if every value has exactly one name (no aliases): name() and fromName() are inverse. */
	constexpr bool oneToOne() const
	{
		for (size_t i = 0; i < N; i++)
			for (size_t j = i + 1; j < N; j++)
				if (entries_[i].first == entries_[j].first)
					return false;
		return unique();
	}

	constexpr size_t size() const { return N; }
	constexpr auto begin() const { return entries_.begin(); }
	constexpr auto end() const { return entries_.end(); }

private:
	std::array<Entry, N> entries_;
};

/** A NameTable of the entries given, their count deduced. */
template<typename E, size_t N>
constexpr NameTable<E, N> makeNameTable(const std::pair<E, std::string_view> (&entries)[N])
{
	std::array<std::pair<E, std::string_view>, N> a{};
	for (size_t i = 0; i < N; i++)
		a[i] = entries[i];
	return NameTable<E, N>(a);
}

} // namespace tactus
