// SPDX-License-Identifier: MIT
#pragma once

// A small std::expected stand-in: C++20 has none and Debian 12's g++ ships
// <expected> only for C++23. Core code returns Result<T> instead of throwing;
// the daemon turns an Error into one log line and a return code.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace tactus {

/** What went wrong: a negative errno and a message for humans. */
struct Error {
	int errnum = 0;      ///< negative errno, e.g. -EINVAL
	std::string message; ///< complete sentence fragment, no trailing newline
};

/** Build an Error; @p errnum is a positive or negative errno. */
inline Error makeError(int errnum, std::string message)
{
	return Error{errnum > 0 ? -errnum : errnum, std::move(message)};
}

/** A value or an Error. */
template<typename T>
class [[nodiscard]] Result {
public:
	Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
	Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

	bool ok() const { return v_.index() == 0; }
	explicit operator bool() const { return ok(); }

	T &value() &
	{
		assert(ok());
		return std::get<0>(v_);
	}
	const T &value() const &
	{
		assert(ok());
		return std::get<0>(v_);
	}
	T &&value() &&
	{
		assert(ok());
		return std::get<0>(std::move(v_));
	}
	T &operator*() & { return value(); }
	const T &operator*() const & { return value(); }
	T *operator->() { return &value(); }
	const T *operator->() const { return &value(); }

	const Error &error() const
	{
		assert(!ok());
		return std::get<1>(v_);
	}

private:
	std::variant<T, Error> v_;
};

/** Result of an operation that yields nothing but may fail. */
template<>
class [[nodiscard]] Result<void> {
public:
	Result() = default;
	Result(Error error) : error_(std::move(error)), ok_(false) {}

	bool ok() const { return ok_; }
	explicit operator bool() const { return ok_; }
	const Error &error() const
	{
		assert(!ok_);
		return error_;
	}

private:
	Error error_;
	bool ok_ = true;
};

} // namespace tactus
