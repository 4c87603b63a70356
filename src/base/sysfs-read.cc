// SPDX-License-Identifier: MIT
#include "sysfs-read.h"
#include "util-strings.h"

#include "util-fd.h"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

namespace tactus {

Result<std::string> readFileLimited(const std::string &path, size_t maxBytes)
{
	UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
	if (!fd.valid())
		return makeError(-errno, "cannot open " + path);

	std::string out;
	char buf[4096];
	for (;;) {
		ssize_t n = ::read(fd.get(), buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return makeError(-errno, "cannot read " + path);
		}
		if (n == 0)
			break;
		if (out.size() + static_cast<size_t>(n) > maxBytes)
			return makeError(-EFBIG, path + " is larger than " + std::to_string(maxBytes) + " bytes");
		out.append(buf, static_cast<size_t>(n));
	}
	return out;
}

Result<std::string> readSysfsAttribute(const std::string &path)
{
	auto text = readFileLimited(path);
	if (!text)
		return text.error();
	// Only the one newline sysfs appends: the rest of a device name is the
	// creator's bytes and is kept as is.
	if (!text->empty() && text->back() == '\n')
		text->pop_back();
	return text;
}

Result<std::string> readLink(const std::string &path)
{
	std::string buf(256, '\0');
	for (;;) {
		ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
		if (n < 0)
			return makeError(-errno, "cannot read link " + path);
		if (static_cast<size_t>(n) < buf.size()) {
			buf.resize(static_cast<size_t>(n));
			return buf;
		}
		if (buf.size() >= 65536)
			return makeError(-ENAMETOOLONG, "link target of " + path + " too long");
		buf.resize(buf.size() * 2);
	}
}

Result<uint16_t> parseHex16(std::string_view text)
{
	std::string_view s = text;
	if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s.remove_prefix(2);
	if (s.empty() || s.size() > 4)
		return makeError(-EINVAL, "not a 16-bit hex number: '" + std::string(text.substr(0, 32)) + "'");
	unsigned value = 0;
	for (char c : s) {
		int digit;
		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			return makeError(-EINVAL, "not a 16-bit hex number: '" + std::string(text.substr(0, 32)) + "'");
		value = value * 16 + static_cast<unsigned>(digit);
	}
	return static_cast<uint16_t>(value);
}

Result<std::vector<unsigned>> parseSysfsBitmask(std::string_view text, unsigned wordBits)
{
	// More words than any evdev bitmask needs (KEY_CNT is 768 bits) is not
	// something the kernel writes.
	constexpr size_t kMaxWords = 256;
	if (wordBits != 32 && wordBits != 64)
		return makeError(-EINVAL, "unsupported bitmask word size");
	if (!text.empty() && text.back() == '\n')
		text.remove_suffix(1);

	std::vector<std::string_view> words;
	size_t pos = 0;
	while (pos < text.size()) {
		if (text[pos] == ' ') {
			pos++;
			continue;
		}
		size_t end = text.find(' ', pos);
		if (end == std::string_view::npos)
			end = text.size();
		words.push_back(text.substr(pos, end - pos));
		if (words.size() > kMaxWords)
			return makeError(-EINVAL, "bitmask has too many words");
		pos = end;
	}
	if (words.empty())
		return makeError(-EINVAL, "empty bitmask");

	std::vector<unsigned> bits;
	const size_t maxDigits = wordBits / 4;
	for (size_t i = 0; i < words.size(); i++) {
		std::string_view word = words[i];
		if (word.size() > maxDigits)
			return makeError(-EINVAL, "bitmask word '" + std::string(word.substr(0, 32)) + "' is too wide");
		uint64_t value = 0;
		for (char c : word) {
			int d = hexDigitValue(c);
			if (d < 0)
				return makeError(-EINVAL,
						 "bitmask word '" + std::string(word.substr(0, 32)) + "' is not hex");
			value = (value << 4) | static_cast<uint64_t>(d);
		}
		// The last word holds bits 0..wordBits-1.
		const unsigned base = static_cast<unsigned>(words.size() - 1 - i) * wordBits;
		for (unsigned b = 0; b < wordBits; b++)
			if (value & (uint64_t{1} << b))
				bits.push_back(base + b);
	}
	std::sort(bits.begin(), bits.end());
	return bits;
}

Result<std::vector<std::string>> listDirectory(const std::string &path)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return makeError(-errno, "cannot open directory " + path);
	// fdopendir takes over the descriptor; closedir closes it.
	std::unique_ptr<DIR, int (*)(DIR *)> dir(::fdopendir(fd), ::closedir);
	if (!dir) {
		int err = errno;
		::close(fd);
		return makeError(-err, "cannot open directory " + path);
	}
	std::vector<std::string> names;
	errno = 0;
	while (struct dirent *de = ::readdir(dir.get())) {
		std::string_view n = de->d_name;
		if (n != "." && n != "..")
			names.emplace_back(n);
		errno = 0;
	}
	if (errno != 0)
		return makeError(-errno, "cannot read directory " + path);
	std::sort(names.begin(), names.end());
	return names;
}

} // namespace tactus
