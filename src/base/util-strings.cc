// SPDX-License-Identifier: MIT
#include "util-strings.h"

#include <cstdio>

namespace tactus {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 if it is malformed.
size_t utf8SequenceLength(std::string_view s, size_t i)
{
	uint32_t cp;
	return decodeUtf8(s, i, cp);
}

bool isInvisibleControl(std::string_view s, size_t i, size_t len)
{
	uint32_t cp = 0;
	if (len < 2 || decodeUtf8(s, i, cp) != len)
		return false;
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

} // namespace

size_t decodeUtf8(std::string_view s, size_t i, uint32_t &cp)
{
	auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
	const unsigned char c = byte(i);
	size_t len;
	if (c < 0x80) {
		cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (i + len > s.size())
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((byte(i + k) & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (byte(i + k) & 0x3f);
	}
	static constexpr uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < minimum[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

bool isValidUtf8(std::string_view s)
{
	for (size_t i = 0; i < s.size();) {
		const size_t len = utf8SequenceLength(s, i);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

std::string sanitizeForDisplay(std::string_view s, size_t maxBytes)
{
	std::string out;
	out.reserve(s.size() < maxBytes ? s.size() : maxBytes);
	for (size_t i = 0; i < s.size();) {
		const size_t len = utf8SequenceLength(s, i);
		const unsigned char c = static_cast<unsigned char>(s[i]);
		std::string piece;
		if (len == 0 || (len == 1 && (c < 0x20 || c == 0x7f)) || (len == 1 && c == '\\')) {
			char buf[8];
			if (c == '\\')
				piece = "\\\\";
			else {
				(void)std::snprintf(buf, sizeof(buf), "\\x%02x", c);
				piece = buf;
			}
			i += 1;
		} else if (isInvisibleControl(s, i, len)) {
			// Valid UTF-8, but a terminal or a text view acts on it:
			// C1 controls (CSI U+009B starts an escape sequence), line
			// separators and bidi overrides that reorder what is shown.
			for (size_t k = 0; k < len; k++) {
				char buf[8];
				(void)std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(s[i + k]));
				piece += buf;
			}
			i += len;
		} else {
			piece.assign(s.substr(i, len));
			i += len;
		}
		if (out.size() + piece.size() > maxBytes) {
			out += "…";
			break;
		}
		out += piece;
	}
	return out;
}

std::optional<std::string> textLineProblem(std::string_view line, size_t maxBytes)
{
	if (line.size() > maxBytes)
		return "line longer than " + std::to_string(maxBytes) + " bytes";
	if (!isValidUtf8(line))
		return std::string("line is not valid UTF-8");
	for (char c : line)
		if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return std::string("control character in line");
	return std::nullopt;
}

std::string_view trim(std::string_view s)
{
	const auto isSpace = [](char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
	};
	while (!s.empty() && isSpace(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && isSpace(s.back()))
		s.remove_suffix(1);
	return s;
}

std::string jsonQuote(std::string_view s)
{
	const std::string safe = isValidUtf8(s) ? std::string(s) : sanitizeForDisplay(s, s.size() * 4 + 4);
	std::string out = "\"";
	for (const char ch : safe) {
		const unsigned char c = static_cast<unsigned char>(ch);
		switch (c) {
		case '"': out += "\\\""; break;
		case '\\': out += "\\\\"; break;
		case '\n': out += "\\n"; break;
		case '\t': out += "\\t"; break;
		case '\r': out += "\\r"; break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char buf[8];
				(void)std::snprintf(buf, sizeof(buf), "\\u%04x", c);
				out += buf;
			} else {
				out += ch;
			}
		}
	}
	out += '"';
	return out;
}

int hexDigitValue(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

} // namespace tactus
