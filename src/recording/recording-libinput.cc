// SPDX-License-Identifier: MIT
//
// `libinput record` YAML (file format version 1), read with libyaml's event
// API. Device descriptions are small and become a little tree; the event
// lists can be hundreds of megabytes and are streamed straight into
// InputEvents, so memory stays proportional to the events, not to YAML nodes.

#include "recording-internal.h"
#include "recording.h"
#include "util-strings.h"

#include <yaml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace tactus {

namespace {

using namespace recording_detail;

// Nesting and size bounds for the non-event parts of a device: real files
// stay far below them (KEY_CNT codes at most), hostile ones stop here.
constexpr unsigned kMaxDepth = 32;
constexpr size_t kMaxNodesPerTree = 1u << 18;

struct YNode {
	enum class Kind : uint8_t { Scalar, Sequence, Mapping };

	Kind kind = Kind::Scalar;
	bool plain = false; ///< unquoted scalar: the only style that may be a number
	bool doubleQuoted = false;
	size_t line = 0;   ///< 1-based
	std::string value; ///< scalar text as libyaml decoded it
	std::string raw;   ///< double-quoted scalars: our own decoding (\xNN = byte)
	bool hasRaw = false;
	std::vector<YNode> items; ///< sequence items, or key, value, key, value, ...

	bool isNull() const
	{
		return kind == Kind::Scalar && plain && (value.empty() || value == "~" || value == "null");
	}

	/** Value of @p key in a mapping, or nullptr. */
	const YNode *get(std::string_view key) const
	{
		if (kind != Kind::Mapping)
			return nullptr;
		for (size_t i = 0; i + 1 < items.size(); i += 2)
			if (items[i].kind == Kind::Scalar && items[i].value == key)
				return &items[i + 1];
		return nullptr;
	}

	/** The string as the file meant it: raw bytes for double-quoted scalars. */
	const std::string &text() const { return hasRaw ? raw : value; }
};

void appendUtf8(std::string &out, uint32_t cp)
{
	if (cp < 0x80) {
		out += static_cast<char>(cp);
	} else if (cp < 0x800) {
		out += static_cast<char>(0xc0 | (cp >> 6));
		out += static_cast<char>(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out += static_cast<char>(0xe0 | (cp >> 12));
		out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
		out += static_cast<char>(0x80 | (cp & 0x3f));
	} else {
		out += static_cast<char>(0xf0 | (cp >> 18));
		out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
		out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
		out += static_cast<char>(0x80 | (cp & 0x3f));
	}
}

/*
 * Decode a single-line double-quoted YAML scalar (quotes included) so that
 * \xNN yields the byte NN rather than the code point U+00NN. That is the only
 * way a device name with invalid UTF-8 can survive a round trip through YAML,
 * and it is how RecordingWriter escapes such bytes. nullopt if the text holds
 * anything this decoder does not handle; the caller then keeps libyaml's value.
 */
std::optional<std::string> decodeDoubleQuoted(std::string_view s)
{
	if (s.size() < 2 || s.front() != '"' || s.back() != '"')
		return std::nullopt;
	s = s.substr(1, s.size() - 2);
	std::string out;
	out.reserve(s.size());
	for (size_t i = 0; i < s.size(); i++) {
		const char c = s[i];
		if (c == '\n' || c == '\r' || c == '"')
			return std::nullopt;
		if (c != '\\') {
			out += c;
			continue;
		}
		if (++i >= s.size())
			return std::nullopt;
		size_t hexDigits = 0;
		switch (s[i]) {
		case '0': out += '\0'; break;
		case 'a': out += '\a'; break;
		case 'b': out += '\b'; break;
		case 't':
		case '\t': out += '\t'; break;
		case 'n': out += '\n'; break;
		case 'v': out += '\v'; break;
		case 'f': out += '\f'; break;
		case 'r': out += '\r'; break;
		case 'e': out += '\x1b'; break;
		case ' ': out += ' '; break;
		case '"': out += '"'; break;
		case '/': out += '/'; break;
		case '\\': out += '\\'; break;
		case 'N': appendUtf8(out, 0x85); break;
		case '_': appendUtf8(out, 0xa0); break;
		case 'L': appendUtf8(out, 0x2028); break;
		case 'P': appendUtf8(out, 0x2029); break;
		case 'x': hexDigits = 2; break;
		case 'u': hexDigits = 4; break;
		case 'U': hexDigits = 8; break;
		default: return std::nullopt;
		}
		if (hexDigits == 0)
			continue;
		if (i + hexDigits >= s.size())
			return std::nullopt;
		const auto v = parseHex(s.substr(i + 1, hexDigits));
		if (!v)
			return std::nullopt;
		i += hexDigits;
		if (hexDigits == 2)
			out += static_cast<char>(*v);
		else if (*v > 0x10ffff || (*v >= 0xd800 && *v <= 0xdfff))
			return std::nullopt;
		else
			appendUtf8(out, static_cast<uint32_t>(*v));
	}
	return out;
}

/** Where scalarSource() stopped: a byte offset and the libyaml mark (line, column) it stands for. */
struct SourceCursor {
	size_t pos = 0;
	size_t line = 0;
	size_t column = 0;
};

/*
 * The source bytes of a scalar that starts and ends on one line. libyaml
 * marks count characters, not bytes, and count NEL, LS and PS as line
 * breaks, so walk the text the same way. Scalars arrive in document order,
 * so the walk goes on from @p cursor instead of the start of the text:
 * parsing stays linear in the file size however many scalars it holds.
 */
std::optional<std::string_view> scalarSource(std::string_view text, SourceCursor &cursor, const yaml_mark_t &start,
					     const yaml_mark_t &end)
{
	if (start.line != end.line || end.column < start.column)
		return std::nullopt;
	// Never happens for events in document order; stay correct if it does.
	if (start.line < cursor.line || (start.line == cursor.line && start.column < cursor.column))
		cursor = {};
	size_t pos = cursor.pos;
	auto byte = [&](size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
	while (cursor.line < start.line && pos < text.size()) {
		const unsigned c = byte(pos);
		size_t lineBreak = 0;
		if (c == '\n')
			lineBreak = 1;
		else if (c == '\r')
			lineBreak = byte(pos + 1) == '\n' ? 2 : 1;
		else if (c == 0xc2 && byte(pos + 1) == 0x85)
			lineBreak = 2;
		else if (c == 0xe2 && byte(pos + 1) == 0x80 && (byte(pos + 2) == 0xa8 || byte(pos + 2) == 0xa9))
			lineBreak = 3;
		if (lineBreak != 0) {
			pos += lineBreak;
			cursor.line++;
			cursor.column = 0;
		} else {
			pos++;
		}
	}
	auto advanceChars = [&](size_t p, size_t n) {
		while (n > 0 && p < text.size()) {
			p++;
			while (p < text.size() && (byte(p) & 0xc0) == 0x80)
				p++;
			n--;
		}
		return p;
	};
	if (cursor.line != start.line)
		return std::nullopt; // the text ended first
	const size_t from = advanceChars(pos, start.column - cursor.column);
	const size_t to = advanceChars(from, end.column - start.column);
	cursor = SourceCursor{to, end.line, end.column};
	if (from >= text.size() || to > text.size())
		return std::nullopt;
	return text.substr(from, to - from);
}

class LibinputParser {
public:
	LibinputParser(std::string_view text, std::string_view name, const RecordingLimits &limits)
	    : text_(text), name_(name), limits_(limits)
	{
		yaml_parser_initialize(&parser_);
		// libyaml asserts a non-null input; an empty string_view may have none.
		static constexpr unsigned char kEmpty[] = "";
		yaml_parser_set_input_string(
			&parser_, text.empty() ? kEmpty : reinterpret_cast<const unsigned char *>(text.data()),
			text.size());
		yaml_parser_set_encoding(&parser_, YAML_UTF8_ENCODING);
	}

	~LibinputParser()
	{
		if (haveEvent_)
			yaml_event_delete(&ev_);
		yaml_parser_delete(&parser_);
	}

	LibinputParser(const LibinputParser &) = delete;
	LibinputParser &operator=(const LibinputParser &) = delete;

	Result<Recording> run();

private:
	struct PendingEvent {
		InputEvent event;
		size_t line;
	};

	bool next();
	bool fail(size_t line, std::string_view what)
	{
		if (!error_)
			error_ = parseError(name_, line, what);
		return false;
	}
	size_t line() const { return ev_.start_mark.line + 1; }
	yaml_event_type_t type() const { return ev_.type; }
	bool isNullScalar() const;

	bool buildNode(YNode &out, unsigned depth, size_t &budget);
	bool skipNode();
	bool parseDevice();
	bool parseEvents(std::vector<PendingEvent> &events);
	bool parseFrame(std::vector<PendingEvent> &events, size_t &incompleteFrameLine);
	bool readFrameEvent(std::vector<PendingEvent> &events);

	bool applyEvdev(const YNode &evdev, DeviceInfo &info);
	bool applyTactus(const YNode &node, RecordedDevice &dev);
	bool applyUdev(const YNode &node, DeviceInfo &info);

	bool toInt(const YNode &n, int64_t min, int64_t max, std::string_view what, int64_t &out);
	bool toString(const YNode &n, size_t maxBytes, std::string_view what, std::string &out);

	std::string_view text_;
	std::string_view name_;
	const RecordingLimits &limits_;
	yaml_parser_t parser_;
	yaml_event_t ev_{};
	bool haveEvent_ = false;
	std::optional<Error> error_;
	SourceCursor source_; ///< how far scalarSource() has walked text_

	Recording rec_;
	std::vector<std::vector<InputEvent>> perDevice_;
	size_t totalEvents_ = 0;
};

bool LibinputParser::next()
{
	if (haveEvent_) {
		yaml_event_delete(&ev_);
		haveEvent_ = false;
	}
	if (!yaml_parser_parse(&parser_, &ev_)) {
		std::string what = "not valid YAML: ";
		what += parser_.problem ? parser_.problem : "parse error";
		if (parser_.context) {
			what += " ";
			what += parser_.context;
		}
		size_t l = parser_.problem_mark.line + 1;
		if (parser_.error == YAML_READER_ERROR) {
			// The reader (bad UTF-8, control bytes) reports a byte offset, not a mark.
			const size_t end = std::min(parser_.problem_offset, text_.size());
			l = 1;
			for (size_t i = 0; i < end; i++)
				l += text_[i] == '\n';
		}
		// At end of input libyaml points one past the last line.
		const size_t lines = static_cast<size_t>(std::count(text_.begin(), text_.end(), '\n')) +
				     (!text_.empty() && text_.back() != '\n');
		return fail(std::clamp<size_t>(l, 1, std::max<size_t>(lines, 1)), what);
	}
	haveEvent_ = true;
	if (ev_.type == YAML_ALIAS_EVENT)
		return fail(line(), "YAML aliases are not supported in recordings");
	return true;
}

bool LibinputParser::isNullScalar() const
{
	if (ev_.type != YAML_SCALAR_EVENT || ev_.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const std::string_view v(reinterpret_cast<const char *>(ev_.data.scalar.value), ev_.data.scalar.length);
	return v.empty() || v == "~" || v == "null";
}

// The current event starts the node; on return it is the node's last event.
bool LibinputParser::buildNode(YNode &out, unsigned depth, size_t &budget)
{
	if (depth > kMaxDepth)
		return fail(line(), "nesting too deep");
	if (budget == 0)
		return fail(line(), "too many entries in device description");
	budget--;
	out.line = line();
	switch (ev_.type) {
	case YAML_SCALAR_EVENT: {
		out.kind = YNode::Kind::Scalar;
		out.value.assign(reinterpret_cast<const char *>(ev_.data.scalar.value), ev_.data.scalar.length);
		out.plain = ev_.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		out.doubleQuoted = ev_.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		if (out.doubleQuoted) {
			if (const auto src = scalarSource(text_, source_, ev_.start_mark, ev_.end_mark))
				if (auto raw = decodeDoubleQuoted(*src)) {
					out.raw = std::move(*raw);
					out.hasRaw = true;
				}
		}
		return true;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		const bool mapping = ev_.type == YAML_MAPPING_START_EVENT;
		out.kind = mapping ? YNode::Kind::Mapping : YNode::Kind::Sequence;
		const yaml_event_type_t endType = mapping ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
		for (;;) {
			if (!next())
				return false;
			if (ev_.type == endType)
				return true;
			out.items.emplace_back();
			if (!buildNode(out.items.back(), depth + 1, budget))
				return false;
		}
	}
	default: return fail(line(), "unexpected YAML structure");
	}
}

// The current event starts the node; on return it is the node's last event.
bool LibinputParser::skipNode()
{
	size_t depth = 0;
	for (;;) {
		switch (ev_.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: depth++; break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth == 0)
				return fail(line(), "unexpected end of collection");
			depth--;
			break;
		case YAML_SCALAR_EVENT: break;
		default: return fail(line(), "unexpected YAML structure");
		}
		if (depth == 0)
			return true;
		if (!next())
			return false;
	}
}

bool LibinputParser::toInt(const YNode &n, int64_t min, int64_t max, std::string_view what, int64_t &out)
{
	if (n.kind != YNode::Kind::Scalar || !n.plain)
		return fail(n.line, std::string(what) + " must be a number");
	const auto v = parseDecimal(n.value);
	if (!v)
		return fail(n.line,
			    std::string(what) + " must be a number, not '" + sanitizeForDisplay(n.value, 40) + "'");
	if (*v < min || *v > max)
		return fail(n.line, std::string(what) + " " + std::to_string(*v) + " out of range [" +
					    std::to_string(min) + ", " + std::to_string(max) + "]");
	out = *v;
	return true;
}

bool LibinputParser::toString(const YNode &n, size_t maxBytes, std::string_view what, std::string &out)
{
	if (n.kind != YNode::Kind::Scalar)
		return fail(n.line, std::string(what) + " must be a string");
	const std::string &s = n.text();
	if (s.size() > maxBytes)
		return fail(n.line, std::string(what) + " too long (" + std::to_string(s.size()) + " bytes, limit " +
					    std::to_string(maxBytes) + ")");
	out = s;
	return true;
}

Result<Recording> LibinputParser::run()
{
	rec_.format = RecordingFormat::LibinputRecord;
	rec_.path = std::string(name_);

	auto result = [&]() -> bool {
		if (text_.size() > limits_.maxFileBytes)
			return fail(1, "file too large (limit " + std::to_string(limits_.maxFileBytes) + " bytes)");
		if (!next() || !next())
			return false;
		if (ev_.type == YAML_STREAM_END_EVENT)
			return fail(1, "empty file");
		if (!next())
			return false;
		if (ev_.type != YAML_MAPPING_START_EVENT)
			return fail(line(), "not a libinput recording: top level is not a mapping");

		std::optional<int64_t> version, ndevices;
		bool sawDevices = false;
		size_t ndevicesLine = 1;
		for (;;) {
			if (!next())
				return false;
			if (ev_.type == YAML_MAPPING_END_EVENT)
				break;
			if (ev_.type != YAML_SCALAR_EVENT)
				return fail(line(), "top-level key is not a string");
			const std::string key(reinterpret_cast<const char *>(ev_.data.scalar.value),
					      ev_.data.scalar.length);
			const size_t keyLine = line();
			if (!next())
				return false;
			if (key == "version" || key == "ndevices") {
				YNode n;
				size_t budget = 1;
				if (!buildNode(n, 0, budget))
					return false;
				int64_t v;
				if (key == "version") {
					if (version)
						return fail(keyLine, "duplicate key 'version'");
					if (!toInt(n, 0, std::numeric_limits<int32_t>::max(), "version", v))
						return false;
					if (v != 1)
						return fail(n.line, "unsupported libinput record version " +
									    std::to_string(v) + " (only 1 is known)");
					version = v;
				} else {
					if (ndevices)
						return fail(keyLine, "duplicate key 'ndevices'");
					if (!toInt(n, 0, std::numeric_limits<int32_t>::max(), "ndevices", v))
						return false;
					if (static_cast<uint64_t>(v) > limits_.maxDevices)
						return fail(n.line, "ndevices " + std::to_string(v) +
									    " exceeds the limit of " +
									    std::to_string(limits_.maxDevices));
					ndevices = v;
					ndevicesLine = n.line;
				}
			} else if (key == "devices") {
				if (sawDevices)
					return fail(keyLine, "duplicate key 'devices'");
				sawDevices = true;
				if (isNullScalar())
					continue;
				if (ev_.type != YAML_SEQUENCE_START_EVENT)
					return fail(line(), "'devices' must be a list");
				for (;;) {
					if (!next())
						return false;
					if (ev_.type == YAML_SEQUENCE_END_EVENT)
						break;
					if (!parseDevice())
						return false;
				}
			} else {
				// libinput:, system: and anything newer: must be ignored, says the format.
				if (!skipNode())
					return false;
			}
		}
		if (!next())
			return false;
		if (ev_.type != YAML_DOCUMENT_END_EVENT)
			return fail(line(), "trailing content after the recording");
		if (!next())
			return false;
		if (ev_.type != YAML_STREAM_END_EVENT)
			return fail(line(), "trailing content: more than one YAML document");
		if (!version)
			return fail(1, "not a libinput recording: missing 'version'");
		if (!sawDevices)
			return fail(1, "not a libinput recording: missing 'devices'");
		if (rec_.devices.empty())
			return fail(1, "recording has no devices");
		if (ndevices && static_cast<size_t>(*ndevices) != rec_.devices.size())
			return fail(ndevicesLine, "ndevices is " + std::to_string(*ndevices) + " but the file has " +
							  std::to_string(rec_.devices.size()) + " devices");
		return true;
	}();

	if (!result)
		return error_ ? *error_ : parseError(name_, 1, "invalid recording");
	mergeEvents(rec_, perDevice_);
	return std::move(rec_);
}

// The current event starts one item of the devices list.
bool LibinputParser::parseDevice()
{
	const size_t deviceLine = line();
	if (rec_.devices.size() >= limits_.maxDevices)
		return fail(deviceLine, "more than " + std::to_string(limits_.maxDevices) + " devices");
	if (ev_.type != YAML_MAPPING_START_EVENT)
		return fail(deviceLine, "device entry is not a mapping");

	RecordedDevice dev;
	std::optional<YNode> evdev, tactus, udev;
	std::vector<PendingEvent> events;
	bool sawEvents = false, sawNode = false;
	for (;;) {
		if (!next())
			return false;
		if (ev_.type == YAML_MAPPING_END_EVENT)
			break;
		if (ev_.type != YAML_SCALAR_EVENT)
			return fail(line(), "device key is not a string");
		const std::string key(reinterpret_cast<const char *>(ev_.data.scalar.value), ev_.data.scalar.length);
		const size_t keyLine = line();
		if (!next())
			return false;
		size_t budget = kMaxNodesPerTree;
		auto takeTree = [&](std::optional<YNode> &slot) {
			if (slot)
				return fail(keyLine, "duplicate key '" + key + "'");
			slot.emplace();
			if (!buildNode(*slot, 0, budget))
				return false;
			// Errors about the mapping as a whole point at its key.
			slot->line = keyLine;
			return true;
		};
		if (key == "evdev") {
			if (!takeTree(evdev))
				return false;
		} else if (key == "tactus") {
			if (!takeTree(tactus))
				return false;
		} else if (key == "udev") {
			if (!takeTree(udev))
				return false;
		} else if (key == "node") {
			if (sawNode)
				return fail(keyLine, "duplicate key 'node'");
			sawNode = true;
			YNode n;
			if (!buildNode(n, 0, budget) || !toString(n, kMaxStringBytes, "node", dev.info.devnode))
				return false;
		} else if (key == "events") {
			if (sawEvents)
				return fail(keyLine, "duplicate key 'events'");
			sawEvents = true;
			if (!parseEvents(events))
				return false;
		} else {
			if (!skipNode())
				return false;
		}
	}

	if (!evdev)
		return fail(deviceLine, "device has no 'evdev' description");
	if (!applyEvdev(*evdev, dev.info))
		return false;
	if (udev && !applyUdev(*udev, dev.info))
		return false;
	if (tactus && !applyTactus(*tactus, dev))
		return false;

	std::vector<InputEvent> out;
	out.reserve(events.size());
	for (const auto &p : events) {
		if (auto why = checkEventCode(dev.info.codes, p.event.type, p.event.code))
			return fail(p.line, *why);
		out.push_back(p.event);
	}
	finishDevice(dev.info);
	rec_.devices.push_back(std::move(dev));
	perDevice_.push_back(std::move(out));
	return true;
}

// The current event starts the value of `events:`.
bool LibinputParser::parseEvents(std::vector<PendingEvent> &events)
{
	if (isNullScalar())
		return true;
	if (ev_.type != YAML_SEQUENCE_START_EVENT)
		return fail(line(), "'events' must be a list");
	size_t incompleteFrameLine = 0;
	for (;;) {
		if (!next())
			return false;
		if (ev_.type == YAML_SEQUENCE_END_EVENT)
			return true;
		if (ev_.type != YAML_MAPPING_START_EVENT)
			return fail(line(), "events entry is not a mapping");
		// One entry may hold evdev:, libinput: and hid: keys; only evdev matters.
		for (;;) {
			if (!next())
				return false;
			if (ev_.type == YAML_MAPPING_END_EVENT)
				break;
			if (ev_.type != YAML_SCALAR_EVENT)
				return fail(line(), "events key is not a string");
			const bool isEvdev = std::string_view(reinterpret_cast<const char *>(ev_.data.scalar.value),
							      ev_.data.scalar.length) == "evdev";
			if (!next())
				return false;
			if (isEvdev) {
				if (!parseFrame(events, incompleteFrameLine))
					return false;
			} else if (!skipNode()) {
				return false;
			}
		}
	}
}

// The current event starts the value of one `evdev:` frame.
bool LibinputParser::parseFrame(std::vector<PendingEvent> &events, size_t &incompleteFrameLine)
{
	if (isNullScalar())
		return true;
	if (ev_.type != YAML_SEQUENCE_START_EVENT)
		return fail(line(), "evdev frame must be a list of events");
	const size_t before = events.size();
	for (;;) {
		if (!next())
			return false;
		if (ev_.type == YAML_SEQUENCE_END_EVENT)
			break;
		if (events.size() == before && incompleteFrameLine != 0)
			return fail(incompleteFrameLine, "event frame does not end with SYN_REPORT");
		if (!readFrameEvent(events))
			return false;
	}
	if (events.size() > before) {
		const InputEvent &last = events.back().event;
		incompleteFrameLine = (last.type == EV_SYN && last.code == SYN_REPORT) ? 0 : events.back().line;
	}
	return true;
}

// The current event starts one `[sec, usec, type, code, value]` list.
bool LibinputParser::readFrameEvent(std::vector<PendingEvent> &events)
{
	const size_t evLine = line();
	if (ev_.type != YAML_SEQUENCE_START_EVENT)
		return fail(evLine, "evdev event must be a list [sec, usec, type, code, value]");
	int64_t v[5];
	for (int i = 0; i < 5; i++) {
		if (!next())
			return false;
		if (ev_.type == YAML_SEQUENCE_END_EVENT)
			return fail(evLine, "evdev event has " + std::to_string(i) +
						    " fields, needs 5 [sec, usec, type, code, value]");
		if (ev_.type != YAML_SCALAR_EVENT || ev_.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			return fail(line(), "evdev event field must be a number");
		const auto n = parseDecimal(std::string_view(reinterpret_cast<const char *>(ev_.data.scalar.value),
							     ev_.data.scalar.length));
		if (!n)
			return fail(line(), "evdev event field must be a number");
		v[i] = *n;
	}
	if (!next())
		return false;
	if (ev_.type != YAML_SEQUENCE_END_EVENT)
		return fail(evLine, "evdev event has more than 5 fields");

	InputEvent e;
	if (auto why = checkTime(v[0], v[1], e.timeUsec))
		return fail(evLine, *why);
	if (v[2] < 0 || v[2] > EV_MAX)
		return fail(evLine, "event type " + std::to_string(v[2]) + " out of range");
	if (v[3] < 0 || v[3] > KEY_MAX)
		return fail(evLine, "event code " + std::to_string(v[3]) + " out of range");
	if (v[4] < std::numeric_limits<int32_t>::min() || v[4] > std::numeric_limits<int32_t>::max())
		return fail(evLine, "event value " + std::to_string(v[4]) + " out of range");
	e.type = static_cast<uint16_t>(v[2]);
	e.code = static_cast<uint16_t>(v[3]);
	e.value = static_cast<int32_t>(v[4]);
	if (!events.empty() && e.timeUsec < events.back().event.timeUsec)
		return fail(evLine, "time goes backwards (" + std::to_string(e.timeUsec) + "us after " +
					    std::to_string(events.back().event.timeUsec) + "us)");
	if (totalEvents_ >= limits_.maxEvents)
		return fail(evLine, "more than " + std::to_string(limits_.maxEvents) + " events");
	totalEvents_++;
	events.push_back(PendingEvent{e, evLine});
	return true;
}

bool LibinputParser::applyEvdev(const YNode &evdev, DeviceInfo &info)
{
	if (evdev.kind != YNode::Kind::Mapping)
		return fail(evdev.line, "'evdev' must be a mapping");

	const YNode *name = evdev.get("name");
	if (!name)
		return fail(evdev.line, "evdev: missing 'name'");
	if (!toString(*name, limits_.maxNameBytes, "device name", info.name))
		return false;

	const YNode *id = evdev.get("id");
	if (!id)
		return fail(evdev.line, "evdev: missing 'id'");
	if (id->kind != YNode::Kind::Sequence || id->items.size() != 4)
		return fail(id->line, "evdev: 'id' must be a list [bustype, vendor, product, version]");
	uint16_t *fields[] = {&info.bustype, &info.vendor, &info.product, &info.version};
	for (size_t i = 0; i < 4; i++) {
		int64_t v;
		if (!toInt(id->items[i], 0, 0xffff, "id field", v))
			return false;
		*fields[i] = static_cast<uint16_t>(v);
	}

	const YNode *codes = evdev.get("codes");
	if (!codes)
		return fail(evdev.line, "evdev: missing 'codes'");
	if (codes->kind != YNode::Kind::Mapping)
		return fail(codes->line, "evdev: 'codes' must be a mapping of type: [codes]");
	for (size_t i = 0; i + 1 < codes->items.size(); i += 2) {
		int64_t type;
		if (!toInt(codes->items[i], 0, EV_MAX, "event type", type))
			return false;
		const YNode &list = codes->items[i + 1];
		if (list.isNull()) {
			info.codes.types.set(static_cast<size_t>(type));
			continue;
		}
		if (list.kind != YNode::Kind::Sequence)
			return fail(list.line, "codes of a type must be a list");
		info.codes.types.set(static_cast<size_t>(type));
		for (const YNode &c : list.items) {
			int64_t code;
			if (!toInt(c, 0, maxCodeForType(static_cast<unsigned>(type)), "event code", code))
				return false;
			info.codes.set(static_cast<unsigned>(type), static_cast<unsigned>(code));
		}
	}

	if (const YNode *absinfo = evdev.get("absinfo"); absinfo && !absinfo->isNull()) {
		if (absinfo->kind != YNode::Kind::Mapping)
			return fail(absinfo->line, "evdev: 'absinfo' must be a mapping");
		for (size_t i = 0; i + 1 < absinfo->items.size(); i += 2) {
			int64_t code, v;
			if (!toInt(absinfo->items[i], 0, ABS_MAX, "absinfo code", code))
				return false;
			const YNode &a = absinfo->items[i + 1];
			if (a.kind != YNode::Kind::Sequence || a.items.size() < 5 || a.items.size() > 6)
				return fail(a.line, "absinfo must be [min, max, fuzz, flat, resolution]");
			std::array<int32_t, 6> field{};
			for (size_t k = 0; k < a.items.size(); k++) {
				if (!toInt(a.items[k], std::numeric_limits<int32_t>::min(),
					   std::numeric_limits<int32_t>::max(), "absinfo field", v))
					return false;
				field[k] = static_cast<int32_t>(v);
			}
			info.absAxes[static_cast<uint16_t>(code)] = AbsAxis{field[0], field[1], field[4]};
		}
	}

	if (const YNode *props = evdev.get("properties"); props && !props->isNull()) {
		if (props->kind != YNode::Kind::Sequence)
			return fail(props->line, "evdev: 'properties' must be a list");
		for (const YNode &p : props->items) {
			int64_t v;
			if (!toInt(p, 0, INPUT_PROP_MAX, "input property", v))
				return false;
			info.codes.props.set(static_cast<size_t>(v));
		}
	}
	return true;
}

bool LibinputParser::applyUdev(const YNode &udev, DeviceInfo &info)
{
	if (udev.isNull())
		return true;
	if (udev.kind != YNode::Kind::Mapping)
		return fail(udev.line, "'udev' must be a mapping");
	const YNode *props = udev.get("properties");
	if (!props || props->isNull())
		return true;
	if (props->kind != YNode::Kind::Sequence)
		return fail(props->line, "udev: 'properties' must be a list");
	for (const YNode &p : props->items) {
		std::string s;
		if (!toString(p, kMaxStringBytes, "udev property", s))
			return false;
		if (s.rfind("ID_SEAT=", 0) == 0 && s.size() > 8)
			info.seat = s.substr(8);
	}
	return true;
}

bool LibinputParser::applyTactus(const YNode &node, RecordedDevice &dev)
{
	if (node.kind != YNode::Kind::Mapping)
		return fail(node.line, "'tactus' must be a mapping");
	DeviceInfo &info = dev.info;
	const YNode *prov = node.get("provenance");
	if (!prov)
		return fail(node.line, "tactus: missing 'provenance'");
	std::string name;
	if (!toString(*prov, 64, "provenance", name))
		return false;
	const auto p = provenanceFromName(name);
	if (!p)
		return fail(prov->line, "unknown provenance '" + sanitizeForDisplay(name, 64) + "'");
	info.provenance = *p;
	dev.provenanceRecorded = true;

	if (const YNode *d = node.get("detail"); d && !d->isNull())
		if (!toString(*d, kMaxStringBytes, "provenance detail", info.provenanceDetail))
			return false;
	if (const YNode *s = node.get("seat"); s && !s->isNull()) {
		if (!toString(*s, 256, "seat", info.seat))
			return false;
		if (info.seat.empty())
			return fail(s->line, "seat must not be empty");
	}
	if (const YNode *cs = node.get("creators"); cs && !cs->isNull()) {
		if (cs->kind != YNode::Kind::Sequence)
			return fail(cs->line, "tactus: 'creators' must be a list");
		for (const YNode &c : cs->items) {
			if (c.kind != YNode::Kind::Mapping)
				return fail(c.line, "creator must be a mapping");
			CreatorProcess cp;
			int64_t v;
			if (const YNode *n = c.get("pid")) {
				if (!toInt(*n, 0, std::numeric_limits<int32_t>::max(), "pid", v))
					return false;
				cp.pid = static_cast<pid_t>(v);
			}
			if (const YNode *n = c.get("uid")) {
				if (!toInt(*n, 0, std::numeric_limits<uint32_t>::max(), "uid", v))
					return false;
				cp.uid = static_cast<uid_t>(v);
			}
			const std::pair<const char *, std::string *> strings[] = {
				{"exe", &cp.exe}, {"comm", &cp.comm}, {"unit", &cp.unit}, {"user_unit", &cp.userUnit}};
			for (const auto &[key, dst] : strings)
				if (const YNode *n = c.get(key); n && !n->isNull())
					if (!toString(*n, kMaxStringBytes, key, *dst))
						return false;
			info.creators.push_back(std::move(cp));
		}
	}
	return true;
}

} // namespace

Result<Recording> parseLibinputRecord(std::string_view text, std::string_view name, const RecordingLimits &limits)
{
	LibinputParser parser(text, name, limits);
	return parser.run();
}

} // namespace tactus
