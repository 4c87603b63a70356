// SPDX-License-Identifier: MIT
#include "mobikey-dataset.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace tactus {

namespace {

constexpr std::string_view kHeader = "UserId, DeviceId, SessionId, Key, DownTime, UpTime, Pressure, FingerArea, RawX, "
				     "RawY, gravityX, gravityY, gravityZ, Hands, PasswordType, Repetition";
constexpr size_t kColumns = 16;

std::string_view trim(std::string_view s)
{
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
		s.remove_suffix(1);
	return s;
}

bool parseDouble(std::string_view s, double &out)
{
	s = trim(s);
	if (s.empty())
		return false;
	const char *end = s.data() + s.size();
	auto [p, ec] = std::from_chars(s.data(), end, out);
	return ec == std::errc() && p == end && std::isfinite(out);
}

template<typename T>
bool parseInt(std::string_view s, T &out)
{
	s = trim(s);
	if (s.empty())
		return false;
	const char *end = s.data() + s.size();
	auto [p, ec] = std::from_chars(s.data(), end, out);
	return ec == std::errc() && p == end;
}

} // namespace

bool parseMobikeyRow(std::string_view line, MobikeyPress &row)
{
	std::array<std::string_view, kColumns> f;
	size_t n = 0;
	line = trim(line);
	while (true) {
		const size_t comma = line.find(',');
		if (n == f.size())
			return false;
		f[n++] = line.substr(0, comma);
		if (comma == std::string_view::npos)
			break;
		line.remove_prefix(comma + 1);
	}
	if (n != f.size())
		return false;
	// The key "," would split its row: such rows have 17 fields and are rejected above.
	row.key = std::string(trim(f[3]));
	return !row.key.empty() && parseInt(f[0], row.user) && parseInt(f[2], row.session) &&
	       parseInt(f[4], row.downMs) && parseInt(f[5], row.upMs) && row.upMs >= row.downMs &&
	       parseDouble(f[6], row.pressure) && parseDouble(f[7], row.fingerArea) &&
	       parseInt(f[14], row.passwordType) && parseInt(f[15], row.repetition);
}

Result<std::vector<MobikeyPress>> parseMobikey(std::string_view text, MobikeyStats &stats)
{
	std::vector<MobikeyPress> out;
	bool header = true;
	while (!text.empty()) {
		const size_t nl = text.find('\n');
		std::string_view line = text.substr(0, nl);
		text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
		line = trim(line);
		if (header) {
			if (line.starts_with("\xef\xbb\xbf"))
				line.remove_prefix(3);
			if (line != kHeader)
				return makeError(EINVAL, "not a MOBIKEY Keystrokes.csv: unexpected header");
			header = false;
			continue;
		}
		if (line.empty())
			continue;
		stats.rows++;
		MobikeyPress p;
		if (!parseMobikeyRow(line, p)) {
			stats.malformed++;
			continue;
		}
		out.push_back(std::move(p));
	}
	if (header)
		return makeError(EINVAL, "not a MOBIKEY Keystrokes.csv: empty");
	return out;
}

Result<std::vector<MobikeyPress>> readMobikeyDir(const std::string &dir, MobikeyStats &stats, size_t maxBytes)
{
	namespace fs = std::filesystem;
	std::error_code ec;
	std::vector<std::string> paths;
	for (const auto &e : fs::directory_iterator(dir, ec))
		if (e.is_directory() && fs::is_regular_file(e.path() / "Keystrokes.csv"))
			paths.push_back((e.path() / "Keystrokes.csv").string());
	if (ec)
		return makeError(ec.value(), dir + ": " + ec.message());
	if (paths.empty())
		return makeError(ENOENT, dir + ": no */Keystrokes.csv");
	std::sort(paths.begin(), paths.end());
	std::vector<MobikeyPress> out;
	for (const std::string &path : paths) {
		std::ifstream in(path, std::ios::binary);
		if (!in)
			return makeError(errno ? errno : EIO, path + ": cannot open");
		std::string text;
		std::array<char, 1 << 16> buf;
		while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
			text.append(buf.data(), static_cast<size_t>(in.gcount()));
			if (text.size() > maxBytes)
				return makeError(EFBIG, path + ": larger than " + std::to_string(maxBytes) + " bytes");
		}
		auto r = parseMobikey(text, stats);
		if (!r)
			return makeError(r.error().errnum, path + ": " + r.error().message);
		out.insert(out.end(), std::make_move_iterator(r->begin()), std::make_move_iterator(r->end()));
	}
	return out;
}

} // namespace tactus
