// SPDX-License-Identifier: MIT
#include "recording.h"
#include "recording-internal.h"
#include "util-lines.h"
#include "util-strings.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tactus {

namespace recording_detail {

Error parseError(std::string_view name, size_t line, std::string_view what)
{
	std::string msg;
	msg.reserve(name.size() + what.size() + 16);
	msg.append(name);
	msg += ':';
	msg += std::to_string(line);
	msg += ": ";
	msg.append(what);
	return makeError(-EINVAL, std::move(msg));
}

unsigned maxCodeForType(unsigned type)
{
	switch (type) {
	case EV_SYN: return SYN_MAX;
	case EV_KEY: return KEY_MAX;
	case EV_REL: return REL_MAX;
	case EV_ABS: return ABS_MAX;
	case EV_MSC: return MSC_MAX;
	case EV_SW: return SW_MAX;
	case EV_LED: return LED_MAX;
	case EV_SND: return SND_MAX;
	case EV_REP: return REP_MAX;
	case EV_FF: return FF_MAX;
	case EV_FF_STATUS: return FF_STATUS_MAX;
	default: return KEY_MAX; // EV_PWR and unnamed types have no own maximum
	}
}

std::optional<std::string> checkEventCode(const EvdevCodes &codes, uint64_t type, uint64_t code)
{
	if (type > EV_MAX)
		return "event type " + std::to_string(type) + " out of range";
	if (code > maxCodeForType(static_cast<unsigned>(type)))
		return "event code " + std::to_string(code) + " out of range for type " + std::to_string(type);
	// Every device sends SYN_REPORT whether or not it lists EV_SYN.
	if (type == EV_SYN)
		return std::nullopt;
	if (!codes.types.test(type))
		return "event type " + std::to_string(type) + " not advertised by the device";
	if (!codes.has(static_cast<unsigned>(type), static_cast<unsigned>(code)))
		return "event code " + std::to_string(type) + "/" + std::to_string(code) +
		       " not advertised by the device";
	return std::nullopt;
}

std::optional<std::string> checkTime(int64_t sec, int64_t usec, uint64_t &out)
{
	if (sec < 0 || usec < 0)
		return std::string("negative time");
	if (usec >= 1'000'000)
		return "usec " + std::to_string(usec) + " out of range (>= 1000000)";
	if (static_cast<uint64_t>(sec) > kMaxSeconds)
		return "time " + std::to_string(sec) + "s out of range";
	out = static_cast<uint64_t>(sec) * 1'000'000u + static_cast<uint64_t>(usec);
	return std::nullopt;
}

void finishDevice(DeviceInfo &info)
{
	info.caps = deriveCapabilities(info.codes);
	const auto slash = info.devnode.rfind('/');
	info.sysname = slash == std::string::npos ? info.devnode : info.devnode.substr(slash + 1);
	info.syspath.clear();
}

void mergeEvents(Recording &rec, std::vector<std::vector<InputEvent>> &perDevice)
{
	size_t total = 0;
	for (const auto &v : perDevice)
		total += v.size();
	rec.events.clear();
	rec.events.reserve(total);
	for (size_t d = 0; d < perDevice.size(); d++) {
		for (const auto &ev : perDevice[d])
			rec.events.push_back(RecordedEvent{static_cast<uint32_t>(d), ev});
		// Free as we go so peak memory stays near one copy of the events.
		std::vector<InputEvent>().swap(perDevice[d]);
	}
	// Stable: equal times keep device index order, and each device's own order.
	std::stable_sort(rec.events.begin(), rec.events.end(), [](const RecordedEvent &a, const RecordedEvent &b) {
		return a.event.timeUsec < b.event.timeUsec;
	});
}

std::optional<int64_t> parseDecimal(std::string_view s)
{
	bool negative = false;
	if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
		negative = s.front() == '-';
		s.remove_prefix(1);
	}
	if (s.empty() || s.size() > 18)
		return std::nullopt;
	int64_t v = 0;
	for (const char c : s) {
		if (c < '0' || c > '9')
			return std::nullopt;
		v = v * 10 + (c - '0');
	}
	return negative ? -v : v;
}

std::optional<uint64_t> parseHex(std::string_view s)
{
	if (s.empty() || s.size() > 16)
		return std::nullopt;
	uint64_t v = 0;
	for (const char c : s) {
		unsigned d;
		if (c >= '0' && c <= '9')
			d = static_cast<unsigned>(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = static_cast<unsigned>(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = static_cast<unsigned>(c - 'A' + 10);
		else
			return std::nullopt;
		v = (v << 4) | d;
	}
	return v;
}

} // namespace recording_detail

namespace {

using recording_detail::parseError;

bool startsWith(std::string_view s, std::string_view prefix)
{
	return s.substr(0, prefix.size()) == prefix;
}

// Decide the format from the first lines, so a file's name never matters.
enum class Detected { Evemu, Libinput, Unknown };

Detected detectFormat(std::string_view text, size_t &firstContentLine)
{
	firstContentLine = 1;
	bool sawContent = false;
	for (const TextLine &line : TextLines(text)) {
		// Only the head of the file is needed; bound the scan so it stays cheap.
		if (line.number > 10000)
			break;
		const std::string_view l = line.withoutCr();
		if (startsWith(l, "# EVEMU"))
			return Detected::Evemu;
		if (l.empty() || l.front() == '#' || l == "---")
			continue;
		if (!sawContent) {
			sawContent = true;
			firstContentLine = line.number;
			if (startsWith(l, "N:") || startsWith(l, "I:"))
				return Detected::Evemu;
		}
		if (startsWith(l, "version:") || startsWith(l, "devices:") || startsWith(l, "ndevices:"))
			return Detected::Libinput;
	}
	return Detected::Unknown;
}

} // namespace

Result<Recording> loadRecording(const std::string &path, const RecordingLimits &limits)
{
	const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		const int err = errno;
		return makeError(-err, path + ": cannot open: " + std::strerror(err));
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return makeError(-EINVAL, path + ":1: not a regular file");
	}
	if (static_cast<uint64_t>(st.st_size) > limits.maxFileBytes) {
		close(fd);
		return parseError(path, 1,
				  "file too large (" + std::to_string(st.st_size) + " bytes, limit " +
					  std::to_string(limits.maxFileBytes) + ")");
	}

	std::string text;
	text.resize(static_cast<size_t>(st.st_size));
	size_t have = 0;
	for (;;) {
		// The file may grow under us; never read past the limit.
		if (have == text.size()) {
			if (text.size() > limits.maxFileBytes)
				break;
			text.resize(std::min(limits.maxFileBytes + 1, text.size() + 65536));
		}
		const ssize_t n = read(fd, text.data() + have, text.size() - have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			const int err = errno;
			close(fd);
			return makeError(-err, path + ": read failed: " + std::strerror(err));
		}
		if (n == 0)
			break;
		have += static_cast<size_t>(n);
	}
	close(fd);
	text.resize(have);
	if (text.size() > limits.maxFileBytes)
		return parseError(path, 1, "file too large (limit " + std::to_string(limits.maxFileBytes) + " bytes)");

	if (trim(text).empty())
		return parseError(path, 1, "empty file");

	size_t firstLine = 1;
	switch (detectFormat(text, firstLine)) {
	case Detected::Evemu: return parseEvemu(text, path, limits);
	case Detected::Libinput: return parseLibinputRecord(text, path, limits);
	case Detected::Unknown: break;
	}
	return parseError(path, firstLine, "unrecognised format: neither libinput record YAML nor evemu");
}

} // namespace tactus
