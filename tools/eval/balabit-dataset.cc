// SPDX-License-Identifier: MIT
#include "balabit-dataset.h"

#include "csv-row.h"
#include "splitmix64.h"
#include "util-lines.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <tuple>

namespace tactus {

namespace {

constexpr std::string_view kHeader = "record timestamp,client timestamp,button,state,x,y";
constexpr int32_t kOffscreen = 65535;

} // namespace

bool parseBalabitRow(std::string_view line, BalabitEvent &row)
{
	std::array<std::string_view, 6> f;
	if (!splitCsvRow(line, f))
		return false;
	if (!parseCsvNumber(f[0], row.recordSec) || !parseCsvNumber(f[1], row.clientSec) || row.clientSec < 0 ||
	    row.recordSec < 0 || !parseCsvNumber(f[4], row.x) || !parseCsvNumber(f[5], row.y))
		return false;
	static const std::map<std::string_view, BalabitButton> buttons = {
		{"NoButton", BalabitButton::None}, {"Left", BalabitButton::Left},     {"Right", BalabitButton::Right},
		{"Middle", BalabitButton::Middle}, {"Scroll", BalabitButton::Scroll},
	};
	static const std::map<std::string_view, BalabitState> states = {
		{"Move", BalabitState::Move},         {"Drag", BalabitState::Drag}, {"Pressed", BalabitState::Pressed},
		{"Released", BalabitState::Released}, {"Up", BalabitState::Up},     {"Down", BalabitState::Down},
	};
	auto b = buttons.find(f[2]);
	auto s = states.find(f[3]);
	if (b == buttons.end() || s == states.end())
		return false;
	row.button = b->second;
	row.state = s->second;
	return true;
}

Result<std::vector<BalabitEvent>> parseBalabitSession(std::string_view text, BalabitStats &stats)
{
	std::vector<BalabitEvent> out;
	bool header = true;
	double lastClient = 0;
	for (const TextLine &l : TextLines(text)) {
		const std::string_view line = l.withoutCr();
		if (header) {
			if (line != kHeader)
				return makeError(EINVAL, "not a Balabit session: the first line is not '" +
								 std::string(kHeader) + "'");
			header = false;
			continue;
		}
		if (line.empty())
			continue;
		stats.rows++;
		BalabitEvent e;
		if (!parseBalabitRow(line, e)) {
			stats.malformed++;
			continue;
		}
		if (e.x < 0 || e.y < 0 || e.x >= kOffscreen || e.y >= kOffscreen) {
			stats.offscreen++;
			continue;
		}
		if (!out.empty() && e.clientSec < lastClient) {
			stats.backwards++;
			continue;
		}
		lastClient = e.clientSec;
		stats.used++;
		out.push_back(e);
	}
	if (header)
		return makeError(EINVAL, "not a Balabit session: empty");
	return out;
}

Result<std::vector<BalabitEvent>> readBalabitSession(const std::string &path, BalabitStats &stats, size_t maxBytes)
{
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
	auto r = parseBalabitSession(text, stats);
	if (!r)
		return makeError(r.error().errnum, path + ": " + r.error().message);
	return r;
}

Result<std::vector<BalabitFile>> listBalabit(const std::string &dir)
{
	namespace fs = std::filesystem;
	std::map<std::string, int> labels;
	{
		std::ifstream in(dir + "/labels.csv");
		std::string line;
		unsigned number = 0;
		while (in && std::getline(in, line)) {
			number++;
			if (!line.empty() && line.back() == '\r')
				line.pop_back();
			if (number == 1 && line.starts_with("filename,"))
				continue;
			if (line.empty())
				continue;
			const size_t comma = line.find(',');
			const std::string_view v = comma == std::string::npos
							   ? std::string_view{}
							   : std::string_view(line).substr(comma + 1);
			if (comma == 0 || (v != "0" && v != "1"))
				return makeError(EINVAL, dir + "/labels.csv:" + std::to_string(number) +
								 ": want 'filename,is_illegal' with is_illegal 0 or 1");
			labels[line.substr(0, comma)] = v == "1";
		}
	}
	std::vector<BalabitFile> out;
	bool any = false;
	for (const auto &[folder, training] : {std::pair{"training_files", true}, std::pair{"test_files", false}}) {
		std::error_code ec;
		fs::directory_iterator users(fs::path(dir) / folder, ec);
		if (ec)
			continue;
		any = true;
		for (const auto &u : users) {
			if (!u.is_directory(ec))
				continue;
			fs::directory_iterator sessions(u.path(), ec);
			if (ec)
				continue;
			for (const auto &s : sessions) {
				if (!s.is_regular_file(ec))
					continue;
				BalabitFile f;
				f.user = u.path().filename().string();
				f.session = s.path().filename().string();
				f.path = s.path().string();
				f.training = training;
				if (!training) {
					auto l = labels.find(f.session);
					f.illegal = l == labels.end() ? -1 : l->second;
				}
				out.push_back(std::move(f));
			}
		}
	}
	if (!any)
		return makeError(ENOENT, dir + ": no training_files/ or test_files/ folder");
	// Training files first, then by user and session.
	std::sort(out.begin(), out.end(), [](const BalabitFile &a, const BalabitFile &b) {
		return std::tuple(!a.training, a.user, a.session) < std::tuple(!b.training, b.user, b.session);
	});
	return out;
}

void addDeliveryJitter(std::vector<BalabitEvent> &rows, double jitterMs, uint64_t seed)
{
	if (!(jitterMs > 0))
		return;
	SplitMix64 rng(seed);
	double prev = -std::numeric_limits<double>::infinity();
	for (BalabitEvent &e : rows) {
		e.clientSec = std::max(prev, e.clientSec + rng.uniform(0.0, jitterMs / 1000.0));
		prev = e.clientSec;
	}
}

} // namespace tactus
