// SPDX-License-Identifier: MIT
#pragma once

// One way to cut text into lines, for every reader of line-based text
// (INI-style files, evemu recordings, /proc and udev database files, the
// Aalto dataset): split at '\n' only, number lines from 1, count a last line
// without '\n', and never make an empty line out of a final '\n'. What a line
// may hold (length, UTF-8, control bytes) is the caller's rule, checked with
// textLineProblem() where the format wants it.

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace tactus {

/** One line of a text: its bytes without the '\n', and its 1-based number. */
struct TextLine {
	std::string_view text;
	unsigned number = 0;

	/** The text without one trailing '\r' (a CRLF file). */
	std::string_view withoutCr() const
	{
		return !text.empty() && text.back() == '\r' ? text.substr(0, text.size() - 1) : text;
	}
};

/**
 * The lines of a text, for a range-for:
 * `for (const TextLine &l : TextLines(text))`. The text must outlive the loop.
 */
class TextLines {
public:
	class Iterator {
	public:
		using value_type = TextLine;
		using difference_type = std::ptrdiff_t;

		Iterator() = default;
		Iterator(std::string_view text, size_t pos, unsigned number) : text_(text), pos_(pos), line_{{}, number}
		{
			cut();
		}
		const TextLine &operator*() const { return line_; }
		const TextLine *operator->() const { return &line_; }
		Iterator &operator++()
		{
			pos_ = next_;
			line_.number++;
			cut();
			return *this;
		}
		bool operator==(const Iterator &other) const { return pos_ == other.pos_; }

	private:
		void cut()
		{
			if (pos_ >= text_.size()) {
				pos_ = text_.size();
				line_.text = {};
				return;
			}
			size_t end = text_.find('\n', pos_);
			if (end == std::string_view::npos)
				end = text_.size();
			line_.text = text_.substr(pos_, end - pos_);
			next_ = end + 1;
		}

		std::string_view text_;
		size_t pos_ = 0;
		size_t next_ = 0;
		TextLine line_;
	};

	explicit TextLines(std::string_view text) : text_(text) {}
	Iterator begin() const { return Iterator(text_, 0, 1); }
	Iterator end() const { return Iterator(text_, text_.size(), 0); }

private:
	std::string_view text_;
};

/** What readLineLimited() found. */
enum class LineRead {
	End,     ///< no more input; @p line is empty
	Line,    ///< a whole line
	TooLong, ///< a line longer than the limit: its first bytes are kept, the rest was read and dropped
};

/**
 * Read one line of @p in into @p line, without the '\n' (a '\r' before it is
 * kept), keeping at most @p maxBytes of it: a hostile file with no newline
 * must not grow the line without bound. The line is read to its end either
 * way, so the next call starts on the next line.
 */
LineRead readLineLimited(std::istream &in, std::string &line, size_t maxBytes);

} // namespace tactus
