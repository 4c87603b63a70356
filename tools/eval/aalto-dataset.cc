// SPDX-License-Identifier: MIT
#include "aalto-dataset.h"

#include "util-lines.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

namespace tactus {

namespace {

constexpr size_t kFields = 9;

bool parseInt(std::string_view s, int64_t &out)
{
	if (s.empty() || s.size() > 18)
		return false;
	auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
	return ec == std::errc() && p == s.data() + s.size();
}

// The JS keyCode values of a US layout (the browsers' legacy codes).
constexpr std::array<std::pair<int, uint16_t>, 40> kJsKeys = {{
	{8, KEY_BACKSPACE},   {9, KEY_TAB},          {13, KEY_ENTER},       {16, KEY_LEFTSHIFT}, {17, KEY_LEFTCTRL},
	{18, KEY_LEFTALT},    {20, KEY_CAPSLOCK},    {27, KEY_ESC},         {32, KEY_SPACE},     {33, KEY_PAGEUP},
	{34, KEY_PAGEDOWN},   {35, KEY_END},         {36, KEY_HOME},        {37, KEY_LEFT},      {38, KEY_UP},
	{39, KEY_RIGHT},      {40, KEY_DOWN},        {45, KEY_INSERT},      {46, KEY_DELETE},    {91, KEY_LEFTMETA},
	{92, KEY_RIGHTMETA},  {93, KEY_COMPOSE},     {186, KEY_SEMICOLON},  {187, KEY_EQUAL},    {188, KEY_COMMA},
	{189, KEY_MINUS},     {190, KEY_DOT},        {191, KEY_SLASH},      {192, KEY_GRAVE},    {219, KEY_LEFTBRACE},
	{220, KEY_BACKSLASH}, {221, KEY_RIGHTBRACE}, {222, KEY_APOSTROPHE}, {59, KEY_SEMICOLON}, {61, KEY_EQUAL},
	{173, KEY_MINUS},     {226, KEY_102ND},      {225, KEY_RIGHTALT},   {144, KEY_NUMLOCK},  {145, KEY_SCROLLLOCK},
}};

constexpr std::array<uint16_t, 26> kLetters = {
	KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
	KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z,
};
constexpr std::array<uint16_t, 10> kKeypad = {KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4,
					      KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9};
constexpr std::array<uint16_t, 10> kDigits = {KEY_0, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9};

class SectionBuilder {
public:
	SectionBuilder(const AaltoSectionFn &fn, AaltoStats &stats, const AaltoLimits &limits)
	    : fn_(fn), stats_(stats), limits_(limits)
	{
	}

	void add(const AaltoRow &row)
	{
		if (!cur_.keys.empty() && (row.participant != cur_.participant || row.section != cur_.section))
			flush();
		if (cur_.keys.size() >= limits_.maxSectionKeystrokes)
			flush();
		if (cur_.keys.empty()) {
			cur_.participant.assign(row.participant);
			cur_.section.assign(row.section);
		}
		uint16_t code = jsKeyCodeToLinux(row.jsKeyCode);
		if (code == KEY_UNKNOWN)
			stats_.unknownKeys++;
		cur_.keys.push_back({row.pressMs, row.releaseMs, code});
		stats_.keystrokes++;
	}

	void flush()
	{
		if (cur_.keys.empty())
			return;
		std::stable_sort(
			cur_.keys.begin(), cur_.keys.end(),
			[](const AaltoKeystroke &a, const AaltoKeystroke &b) { return a.pressMs < b.pressMs; });
		stats_.sections++;
		fn_(cur_);
		cur_.keys.clear();
	}

private:
	const AaltoSectionFn &fn_;
	AaltoStats &stats_;
	const AaltoLimits &limits_;
	AaltoSection cur_;
};

} // namespace

uint16_t jsKeyCodeToLinux(int js)
{
	if (js >= 65 && js <= 90)
		return kLetters[static_cast<size_t>(js - 65)];
	if (js >= 48 && js <= 57)
		return kDigits[static_cast<size_t>(js - 48)];
	if (js >= 96 && js <= 105) // numeric keypad digits
		return kKeypad[static_cast<size_t>(js - 96)];
	for (const auto &[j, code] : kJsKeys)
		if (j == js)
			return code;
	return KEY_UNKNOWN;
}

bool parseAaltoRow(std::string_view line, AaltoRow &row)
{
	if (!line.empty() && line.back() == '\r')
		line.remove_suffix(1);
	// Split on tabs; SENTENCE and USER_INPUT are free text and LETTER may be
	// a tab itself, so the numeric fields are taken from the right.
	std::array<std::string_view, 16> f;
	size_t n = 0;
	size_t pos = 0;
	while (n < f.size()) {
		size_t tab = line.find('\t', pos);
		f[n++] = line.substr(pos, tab == std::string_view::npos ? std::string_view::npos : tab - pos);
		if (tab == std::string_view::npos)
			break;
		pos = tab + 1;
		if (n == f.size())
			return false;
	}
	if (n < kFields)
		return false;
	int64_t participant = 0, section = 0, key = 0;
	if (!parseInt(f[0], participant) || !parseInt(f[1], section) || !parseInt(f[n - 1], key))
		return false;
	if (key < 0 || key > 65535)
		return false;
	// PRESS_TIME RELEASE_TIME LETTER KEYCODE: if LETTER was a tab, one more field.
	for (size_t extra = 0; extra <= n - kFields; extra++) {
		size_t pi = n - 4 - extra, ri = n - 3 - extra;
		int64_t press = 0, release = 0;
		if (parseInt(f[pi], press) && parseInt(f[ri], release) && press >= 0 && release >= 0) {
			row.participant = f[0];
			row.section = f[1];
			row.pressMs = press;
			row.releaseMs = release;
			row.jsKeyCode = static_cast<int>(key);
			return true;
		}
	}
	return false;
}

void readAaltoStream(std::istream &in, const AaltoSectionFn &fn, AaltoStats &stats, const AaltoLimits &limits)
{
	SectionBuilder builder(fn, stats, limits);
	std::string line;
	bool first = true;
	LineRead read;
	while ((read = readLineLimited(in, line, limits.maxLineBytes)) != LineRead::End) {
		const bool tooLong = read == LineRead::TooLong;
		if (first) {
			first = false;
			if (line.rfind("PARTICIPANT_ID", 0) == 0)
				continue;
		}
		if (line.empty() || line == "\r")
			continue;
		stats.rows++;
		AaltoRow row;
		if (tooLong || !parseAaltoRow(line, row)) {
			stats.malformed++;
			continue;
		}
		if (row.releaseMs < row.pressMs) {
			stats.inconsistent++;
			continue;
		}
		builder.add(row);
	}
	builder.flush();
}

Result<void> readAaltoFile(const std::string &path, const AaltoSectionFn &fn, AaltoStats &stats,
			   const AaltoLimits &limits)
{
	std::ifstream in(path, std::ios::binary);
	if (!in)
		return makeError(errno ? errno : EIO, path + ": " + strerror(errno ? errno : EIO));
	std::vector<char> buf(1 << 16);
	in.rdbuf()->pubsetbuf(buf.data(), static_cast<std::streamsize>(buf.size()));
	stats.files++;
	readAaltoStream(in, fn, stats, limits);
	return {};
}

Result<std::vector<std::string>> listAaltoFiles(const std::string &dir)
{
	std::error_code ec;
	std::vector<std::string> out;
	std::filesystem::directory_iterator it(dir, ec);
	if (ec)
		return makeError(ec.value(), dir + ": " + ec.message());
	for (const auto &entry : it) {
		if (!entry.is_regular_file(ec))
			continue;
		std::string name = entry.path().filename().string();
		if (name.size() > 4 && name.ends_with(".txt") && name != "readme.txt" && name != "README.txt")
			out.push_back(entry.path().string());
	}
	std::sort(out.begin(), out.end());
	if (out.empty())
		return makeError(ENOENT, dir + ": no participant files (*.txt)");
	return out;
}

} // namespace tactus
