// SPDX-License-Identifier: MIT
#include "recording-writer.h"

#include "util-strings.h"

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace tactus {

namespace {

// Code point of the UTF-8 sequence at s[i] and its length, or length 0 if malformed.

// Printable in YAML and not a line break, so it can stay as it is inside quotes.
bool keepAsIs(uint32_t cp)
{
	if (cp >= 0x20 && cp <= 0x7e)
		return true;
	if (cp < 0xa0 || cp == 0xfeff || cp == 0x2028 || cp == 0x2029)
		return false;
	return cp <= 0xfffd || cp >= 0x10000;
}

__attribute__((format(printf, 2, 3))) void appendf(std::string &out, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	const int n = std::vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		out.append(buf, std::min(static_cast<size_t>(n), sizeof(buf) - 1));
}

void appendCodes(std::string &out, const DeviceInfo &info)
{
	const EvdevCodes &codes = info.codes;
	out += "    codes:\n";
	for (unsigned type = 0; type < EV_CNT; type++) {
		if (!codes.types.test(type))
			continue;
		appendf(out, "      %u: [", type);
		const char *sep = "";
		auto list = [&](const auto &bits) {
			for (size_t code = 0; code < bits.size(); code++)
				if (bits.test(code)) {
					appendf(out, "%s%zu", sep, code);
					sep = ", ";
				}
		};
		switch (type) {
		case EV_SYN: out += "0, 1, 2, 3"; break; // SYN_REPORT, _CONFIG, _MT_REPORT, _DROPPED
		case EV_KEY: list(codes.keys); break;
		case EV_REL: list(codes.rels); break;
		case EV_ABS: list(codes.abs); break;
		case EV_SW: list(codes.sws); break;
		case EV_MSC: list(codes.mscs); break;
		default: break; // DeviceInfo keeps no codes for LEDs, sounds, repeat, ff
		}
		out += "]\n";
	}
	if (codes.types.test(EV_ABS)) {
		// Replay tools need an entry per axis; fuzz and flat are not kept.
		out += "    absinfo:\n";
		for (size_t code = 0; code < codes.abs.size(); code++) {
			if (!codes.abs.test(code))
				continue;
			const auto a = info.absAxes.find(static_cast<uint16_t>(code));
			const AbsAxis axis = a == info.absAxes.end() ? AbsAxis{} : a->second;
			appendf(out, "      %zu: [%d, %d, 0, 0, %d]\n", code, axis.minimum, axis.maximum,
				axis.resolution);
		}
	}
	out += "    properties: [";
	const char *sep = "";
	for (size_t p = 0; p < codes.props.size(); p++)
		if (codes.props.test(p)) {
			appendf(out, "%s%zu", sep, p);
			sep = ", ";
		}
	out += "]\n";
}

void appendTactus(std::string &out, const RecordedDevice &dev)
{
	const DeviceInfo &info = dev.info;
	if (!dev.provenanceRecorded && info.provenance == Provenance::Unknown)
		return;
	out += "  tactus:\n";
	out += "    provenance: ";
	out += provenanceName(info.provenance);
	out += '\n';
	if (!info.provenanceDetail.empty())
		out += "    detail: " + yamlQuote(info.provenanceDetail) + "\n";
	out += "    seat: " + yamlQuote(info.seat) + "\n";
	if (!info.creators.empty()) {
		out += "    creators:\n";
		for (const CreatorProcess &c : info.creators) {
			appendf(out, "    - {pid: %ld, uid: %lu, ", static_cast<long>(c.pid),
				static_cast<unsigned long>(c.uid));
			out += "exe: " + yamlQuote(c.exe) + ", comm: " + yamlQuote(c.comm) +
			       ", unit: " + yamlQuote(c.unit);
			if (!c.userUnit.empty())
				out += ", user_unit: " + yamlQuote(c.userUnit);
			out += "}\n";
		}
	}
}

} // namespace

std::string yamlQuote(std::string_view s)
{
	std::string out = "\"";
	for (size_t i = 0; i < s.size();) {
		uint32_t cp = 0;
		const size_t len = decodeUtf8(s, i, cp);
		if (len == 1 && (cp == '"' || cp == '\\')) {
			out += '\\';
			out += static_cast<char>(cp);
		} else if (len > 0 && keepAsIs(cp)) {
			out.append(s.substr(i, len));
		} else {
			// One escape per byte, also for valid but unprintable sequences,
			// so that the reader gets back exactly these bytes.
			const size_t n = len == 0 ? 1 : len;
			for (size_t k = 0; k < n; k++)
				appendf(out, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(s[i + k])));
			i += n;
			continue;
		}
		i += len;
	}
	out += '"';
	return out;
}

std::string RecordingWriter::toString() const
{
	const size_t ndev = rec_.devices.size();
	std::vector<std::vector<const InputEvent *>> perDevice(ndev);
	for (const RecordedEvent &e : rec_.events)
		if (e.device < ndev)
			perDevice[e.device].push_back(&e.event);

	std::string out;
	out.reserve(4096 + rec_.events.size() * 48);
	out += "# libinput record\n";
	out += "# written by tactus; the tactus: mappings are its extension of the format\n";
	out += "version: 1\n";
	appendf(out, "ndevices: %zu\n", ndev);
	out += "libinput:\n  version: \"unknown\"\n  git: \"unknown\"\n";
	out += "system:\n  os: \"unknown\"\n  kernel: \"unknown\"\n  dmi: \"unknown\"\n";
	out += "devices:\n";
	for (size_t d = 0; d < ndev; d++) {
		const RecordedDevice &dev = rec_.devices[d];
		const DeviceInfo &info = dev.info;
		out += "- node: " + yamlQuote(info.devnode) + "\n";
		out += "  evdev:\n";
		out += "    name: " + yamlQuote(info.name) + "\n";
		appendf(out, "    id: [%u, %u, %u, %u]\n", unsigned{info.bustype}, unsigned{info.vendor},
			unsigned{info.product}, unsigned{info.version});
		appendCodes(out, info);
		if (info.seat != "seat0" && !dev.provenanceRecorded && info.provenance == Provenance::Unknown)
			out += "  udev:\n    properties:\n    - " + yamlQuote("ID_SEAT=" + info.seat) + "\n";
		appendTactus(out, dev);
		if (perDevice[d].empty()) {
			out += "  events: []\n";
			continue;
		}
		out += "  events:\n";
		bool frameOpen = false;
		for (const InputEvent *e : perDevice[d]) {
			if (!frameOpen) {
				out += "  - evdev:\n";
				frameOpen = true;
			}
			appendf(out, "    - [%3llu, %6u, %3u, %3u, %7d]\n",
				static_cast<unsigned long long>(e->timeUsec / 1'000'000),
				static_cast<unsigned>(e->timeUsec % 1'000'000), unsigned{e->type}, unsigned{e->code},
				e->value);
			if (e->type == EV_SYN && e->code == SYN_REPORT)
				frameOpen = false;
		}
	}
	return out;
}

Result<void> RecordingWriter::writeFile(const std::string &path) const
{
	const std::string text = toString();
	std::string tmp = path + ".XXXXXX";
	const int fd = mkostemp(tmp.data(), O_CLOEXEC);
	if (fd < 0) {
		const int err = errno;
		return makeError(-err, path + ": cannot create temporary file: " + std::strerror(err));
	}
	size_t done = 0;
	while (done < text.size()) {
		const ssize_t n = write(fd, text.data() + done, text.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			const int err = n < 0 ? errno : EIO;
			close(fd);
			unlink(tmp.c_str());
			return makeError(-err, path + ": write failed: " + std::strerror(err));
		}
		done += static_cast<size_t>(n);
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		const int err = errno;
		unlink(tmp.c_str());
		return makeError(-err, path + ": write failed: " + std::strerror(err));
	}
	if (rename(tmp.c_str(), path.c_str()) < 0) {
		const int err = errno;
		unlink(tmp.c_str());
		return makeError(-err, path + ": rename failed: " + std::strerror(err));
	}
	return {};
}

} // namespace tactus
