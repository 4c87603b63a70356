// SPDX-License-Identifier: MIT
#include "mobikey-dataset.h"

#include "csv-row.h"

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

} // namespace

bool parseMobikeyRow(std::string_view line, MobikeyPress &row)
{
	std::array<std::string_view, kColumns> f;
	line = trim(line);
	if (!splitCsvRow(line, f))
		return false;
	// The key "," would split its row: such rows have 17 fields and are rejected above.
	row.key = std::string(trim(f[3]));
	return !row.key.empty() && parseCsvNumber(trim(f[0]), row.user) && parseCsvNumber(trim(f[2]), row.session) &&
	       parseCsvNumber(trim(f[4]), row.downMs) && parseCsvNumber(trim(f[5]), row.upMs) &&
	       row.upMs >= row.downMs && parseCsvNumber(trim(f[6]), row.pressure) &&
	       parseCsvNumber(trim(f[7]), row.fingerArea) && parseCsvNumber(trim(f[14]), row.passwordType) &&
	       parseCsvNumber(trim(f[15]), row.repetition);
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
