// SPDX-License-Identifier: MIT
//
// `evemu-record` text files: one device description (N:, I:, P:, B:, A:,
// L:, S: lines) followed by E: event lines, as evemu's evemu_read() and
// evemu_read_event() accept them.

#include "recording-internal.h"
#include "recording.h"
#include "util-lines.h"
#include "util-strings.h"

#include <array>
#include <limits>
#include <string>
#include <vector>

namespace tactus {

namespace {

using namespace recording_detail;

bool startsWith(std::string_view s, std::string_view prefix)
{
	return s.substr(0, prefix.size()) == prefix;
}

// Whitespace-separated fields; at most @p max + 1 so a hostile line cannot
// make us allocate much, and the caller still sees that there were too many.
std::vector<std::string_view> splitFields(std::string_view s, size_t max)
{
	std::vector<std::string_view> out;
	size_t i = 0;
	while (i < s.size() && out.size() <= max) {
		while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= s.size())
			break;
		const size_t start = i;
		while (i < s.size() && s[i] != ' ' && s[i] != '\t')
			i++;
		out.push_back(s.substr(start, i - start));
	}
	return out;
}

class EvemuParser {
public:
	EvemuParser(std::string_view text, std::string_view name, const RecordingLimits &limits)
	    : text_(text), name_(name), limits_(limits)
	{
	}

	Result<Recording> run();

private:
	bool fail(std::string_view what)
	{
		if (!error_)
			error_ = parseError(name_, line_, what);
		return false;
	}
	bool parseLine(std::string_view l);
	bool parseComment(std::string_view l);
	bool parseMask(std::string_view body, bool props);
	bool parseAbs(std::string_view body);
	bool parseEvent(std::string_view body);
	bool needDescription(bool wantId);

	std::string_view text_;
	std::string_view name_;
	const RecordingLimits &limits_;
	std::optional<Error> error_;
	size_t line_ = 0;

	unsigned minorVersion_ = 0;
	bool haveName_ = false;
	bool haveId_ = false;
	bool inEvents_ = false;
	RecordedDevice dev_;
	std::array<size_t, EV_CNT> maskBytes_{};
	size_t propBytes_ = 0;
	std::vector<InputEvent> events_;
};

Result<Recording> EvemuParser::run()
{
	line_ = 1;
	if (text_.size() > limits_.maxFileBytes)
		return parseError(name_, 1,
				  "file too large (limit " + std::to_string(limits_.maxFileBytes) + " bytes)");
	if (trim(text_).empty())
		return parseError(name_, 1, "empty file");

	// Errors after the loop point at the last line.
	for (const TextLine &l : TextLines(text_)) {
		line_ = l.number;
		if (!parseLine(l.withoutCr()))
			return *error_;
	}
	if (!haveName_)
		return parseError(name_, line_, "not an evemu recording: missing 'N:' device name line");
	if (!haveId_)
		return parseError(name_, line_, "evemu recording: missing 'I:' id line");

	finishDevice(dev_.info);
	Recording rec;
	rec.path = std::string(name_);
	rec.format = RecordingFormat::Evemu;
	rec.devices.push_back(std::move(dev_));
	std::vector<std::vector<InputEvent>> perDevice;
	perDevice.push_back(std::move(events_));
	mergeEvents(rec, perDevice);
	return rec;
}

bool EvemuParser::parseLine(std::string_view l)
{
	if (l.find('\0') != std::string_view::npos)
		return fail("NUL byte in file");
	if (line_ == 1 && startsWith(l, "# EVEMU ")) {
		const std::string_view v = trim(l.substr(8));
		const size_t dot = v.find('.');
		const auto major = parseDecimal(v.substr(0, dot));
		const auto minor =
			dot == std::string_view::npos ? std::optional<int64_t>(0) : parseDecimal(v.substr(dot + 1));
		if (!major || !minor || *minor < 0 || *minor > 1000)
			return fail("invalid EVEMU version '" + sanitizeForDisplay(v, 40) + "'");
		if (*major != 1)
			return fail("unsupported EVEMU version " + std::string(v) + " (only 1.x is known)");
		minorVersion_ = static_cast<unsigned>(*minor);
		return true;
	}
	// evemu writes the name raw, so it may hold any byte but NUL and newline;
	// the data lines must be text.
	if (startsWith(l, "N:")) {
		if (haveName_)
			return fail("second 'N:' line: an evemu file describes one device");
		std::string_view name = l.substr(2);
		while (!name.empty() && (name.front() == ' ' || name.front() == '\t'))
			name.remove_prefix(1);
		if (name.empty())
			return fail("empty device name");
		if (name.size() > limits_.maxNameBytes)
			return fail("device name too long (" + std::to_string(name.size()) + " bytes, limit " +
				    std::to_string(limits_.maxNameBytes) + ")");
		dev_.info.name = std::string(name);
		haveName_ = true;
		return true;
	}
	// Comments may quote the name too (evemu's "# Input device name:").
	const std::string_view t = trim(l);
	if (t.empty())
		return true;
	if (t.front() == '#')
		return parseComment(t);
	if (!isValidUtf8(l))
		return fail("not valid UTF-8");

	// Since EVEMU 1.1 a comment may follow data on the same line.
	std::string_view data = l;
	if (const size_t hash = data.find('#'); hash != std::string_view::npos)
		data = data.substr(0, hash);
	data = trim(data);
	if (data.size() < 2 || data[1] != ':')
		return fail("unexpected line '" + sanitizeForDisplay(data, 40) + "'");
	const std::string_view body = data.substr(2);
	switch (data[0]) {
	case 'I': {
		if (!haveName_)
			return fail("'I:' line before the 'N:' name line");
		if (haveId_)
			return fail("second 'I:' line");
		const auto f = splitFields(body, 4);
		if (f.size() != 4)
			return fail("'I:' needs 4 hex numbers: bustype vendor product version");
		uint16_t *fields[] = {&dev_.info.bustype, &dev_.info.vendor, &dev_.info.product, &dev_.info.version};
		for (size_t i = 0; i < 4; i++) {
			const auto v = parseHex(f[i]);
			if (!v || *v > 0xffff)
				return fail("'I:' field '" + sanitizeForDisplay(f[i], 20) +
					    "' is not a 16-bit hex number");
			*fields[i] = static_cast<uint16_t>(*v);
		}
		haveId_ = true;
		return true;
	}
	case 'P': return needDescription(true) && parseMask(body, true);
	case 'B': return needDescription(true) && parseMask(body, false);
	case 'A': return needDescription(true) && parseAbs(body);
	case 'L':
	case 'S':
		// LED and switch states at recording time; replay does not need them.
		return needDescription(true);
	case 'E':
		if (!haveId_)
			return fail("event before the device description ('N:' and 'I:' lines)");
		inEvents_ = true;
		return parseEvent(body);
	default: return fail("unexpected line '" + sanitizeForDisplay(data, 40) + "'");
	}
}

bool EvemuParser::needDescription(bool wantId)
{
	if (inEvents_)
		return fail("device description line after events");
	if (wantId && !haveId_)
		return fail("device description line before the 'N:' and 'I:' lines");
	return true;
}

bool EvemuParser::parseComment(std::string_view l)
{
	// tactus's own extension: provenance survives in a comment, which evemu ignores.
	static constexpr std::string_view kTag = "tactus-provenance:";
	std::string_view rest = trim(l.substr(1));
	if (!startsWith(rest, kTag))
		return true;
	const std::string_view name = trim(rest.substr(kTag.size()));
	const auto p = provenanceFromName(name);
	if (!p)
		return fail("unknown provenance '" + sanitizeForDisplay(name, 64) + "'");
	dev_.info.provenance = *p;
	dev_.provenanceRecorded = true;
	return true;
}

bool EvemuParser::parseMask(std::string_view body, bool props)
{
	const auto f = splitFields(body, props ? 8 : 9);
	const size_t need = props ? 8 : 9;
	if (f.size() != need)
		return fail(std::string(props ? "'P:'" : "'B:'") + " needs " + std::to_string(need) + " hex numbers");
	unsigned type = 0;
	size_t first = 0;
	if (!props) {
		const auto t = parseHex(f[0]);
		if (!t || *t >= EV_CNT)
			return fail("'B:' event type '" + sanitizeForDisplay(f[0], 20) + "' out of range");
		type = static_cast<unsigned>(*t);
		first = 1;
	}
	size_t &offset = props ? propBytes_ : maskBytes_[type];
	const unsigned maxBit = props ? INPUT_PROP_MAX : maxCodeForType(type);
	// evemu pads each bitmask to whole lines of 8 bytes; more than that is garbage.
	if (offset * 8 > maxBit + 64)
		return fail(std::string("too many ") + (props ? "'P:'" : "'B:'") + " lines");
	for (size_t i = first; i < f.size(); i++) {
		const auto byte = parseHex(f[i]);
		if (!byte || *byte > 0xff)
			return fail("bitmask byte '" + sanitizeForDisplay(f[i], 20) + "' is not a hex byte");
		for (unsigned bit = 0; bit < 8; bit++) {
			if (!(*byte & (1u << bit)))
				continue;
			const size_t code = offset * 8 + (i - first) * 8 + bit;
			if (code > maxBit)
				return fail("bit " + std::to_string(code) + " out of range");
			if (props)
				dev_.info.codes.props.set(code);
			else
				dev_.info.codes.set(type, static_cast<unsigned>(code));
		}
	}
	offset += 8;
	return true;
}

bool EvemuParser::parseAbs(std::string_view body)
{
	// Files before EVEMU 1.2 have no resolution field.
	const size_t need = minorVersion_ > 1 ? 6 : 5;
	const auto f = splitFields(body, 6);
	if (f.size() != need && f.size() != 6)
		return fail("'A:' needs code min max fuzz flat" + std::string(need == 6 ? " resolution" : ""));
	const auto code = parseHex(f[0]);
	if (!code || *code > ABS_MAX)
		return fail("'A:' axis '" + sanitizeForDisplay(f[0], 20) + "' out of range");
	std::array<int32_t, 6> field{};
	for (size_t i = 1; i < f.size(); i++) {
		const auto v = parseDecimal(f[i]);
		if (!v || *v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max())
			return fail("'A:' field '" + sanitizeForDisplay(f[i], 20) + "' is not a 32-bit number");
		field[i] = static_cast<int32_t>(*v);
	}
	// code min max fuzz flat [resolution]
	dev_.info.absAxes[static_cast<uint16_t>(*code)] = AbsAxis{field[1], field[2], f.size() == 6 ? field[5] : 0};
	return true;
}

bool EvemuParser::parseEvent(std::string_view body)
{
	const auto f = splitFields(body, 4);
	if (f.size() != 4)
		return fail("'E:' needs sec.usec type code value");
	const size_t dot = f[0].find('.');
	if (dot == std::string_view::npos)
		return fail("event time '" + sanitizeForDisplay(f[0], 30) + "' is not sec.usec");
	const std::string_view secText = f[0].substr(0, dot);
	const std::string_view usecText = f[0].substr(dot + 1);
	const auto sec = parseDecimal(secText);
	const auto usec = parseDecimal(usecText);
	if (!sec || !usec || usecText.empty() || usecText.front() == '-' || usecText.front() == '+')
		return fail("event time '" + sanitizeForDisplay(f[0], 30) + "' is not sec.usec");
	InputEvent e;
	if (auto why = checkTime(secText.front() == '-' ? -1 : *sec, *usec, e.timeUsec))
		return fail(*why);
	const auto type = parseHex(f[1]);
	const auto code = parseHex(f[2]);
	if (!type || !code)
		return fail("event type and code must be hex numbers");
	if (auto why = checkEventCode(dev_.info.codes, *type, *code))
		return fail(*why);
	const auto value = parseDecimal(f[3]);
	if (!value || *value < std::numeric_limits<int32_t>::min() || *value > std::numeric_limits<int32_t>::max())
		return fail("event value '" + sanitizeForDisplay(f[3], 20) + "' is not a 32-bit number");
	e.type = static_cast<uint16_t>(*type);
	e.code = static_cast<uint16_t>(*code);
	e.value = static_cast<int32_t>(*value);
	if (!events_.empty() && e.timeUsec < events_.back().timeUsec)
		return fail("time goes backwards (" + std::to_string(e.timeUsec) + "us after " +
			    std::to_string(events_.back().timeUsec) + "us)");
	if (events_.size() >= limits_.maxEvents)
		return fail("more than " + std::to_string(limits_.maxEvents) + " events");
	events_.push_back(e);
	return true;
}

} // namespace

Result<Recording> parseEvemu(std::string_view text, std::string_view name, const RecordingLimits &limits)
{
	EvemuParser parser(text, name, limits);
	return parser.run();
}

} // namespace tactus
