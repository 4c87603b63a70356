// SPDX-License-Identifier: MIT
#include "touchalytics-dataset.h"

#include "csv-row.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <fstream>

namespace tactus {

namespace {

constexpr std::string_view kHeader = "ID,DocID,F1,F2,F3,F4,F5,F6,F7,F8,F9,F10,PhoneID,F11,F12,F13,F14,F15,F16,F17,"
				     "F18,F19,F20,F21,F22,F23,F24,F25,F26,F27,F28,F29,FOrientation,F30";
constexpr size_t kColumns = 34;

std::string_view trimEnd(std::string_view s)
{
	while (!s.empty() && (s.back() == '\r' || s.back() == ' '))
		s.remove_suffix(1);
	return s;
}

} // namespace

TouchFeatures touchalyticsDaemonFeatures(const TouchalyticsStroke &row)
{
	TouchFeatures out(kTouchFeatureCount, 0.0);
	for (size_t f = 0; f < kTouchFeatureCount && kTouchalyticsFirstFeature + f < row.features.size(); f++)
		out[f] = row.features[kTouchalyticsFirstFeature + f];
	return out;
}

bool parseTouchalyticsRow(std::string_view line, TouchalyticsStroke &row)
{
	std::array<std::string_view, kColumns> f;
	line = trimEnd(line);
	if (!splitCsvRow(line, f))
		return false;
	if (!parseCsvNumber(f[0], row.user) || row.user < 1 || !parseCsvNumber(f[1], row.document) ||
	    !parseCsvNumber(f[12], row.phone))
		return false;
	row.features.assign(kTouchalyticsFeatures, 0.0);
	size_t k = 0;
	for (size_t i = 2; i < kColumns; i++) {
		if (i == 12 || i == 32) // PhoneID, FOrientation
			continue;
		if (!parseCsvNumber(f[i], row.features[k++]))
			return false;
	}
	return true;
}

Result<std::vector<TouchalyticsStroke>> parseTouchalytics(std::string_view text, TouchalyticsStats &stats)
{
	std::vector<TouchalyticsStroke> out;
	bool header = true;
	while (!text.empty()) {
		const size_t nl = text.find('\n');
		std::string_view line = text.substr(0, nl);
		text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
		line = trimEnd(line);
		if (header) {
			if (line != kHeader)
				return makeError(EINVAL, "not a Touchalytics feature file: unexpected header");
			header = false;
			continue;
		}
		if (line.empty())
			continue;
		stats.rows++;
		TouchalyticsStroke s;
		if (!parseTouchalyticsRow(line, s)) {
			stats.malformed++;
			continue;
		}
		out.push_back(std::move(s));
	}
	if (header)
		return makeError(EINVAL, "not a Touchalytics feature file: empty");
	return out;
}

Result<std::vector<TouchalyticsStroke>> readTouchalytics(const std::string &path, TouchalyticsStats &stats,
							 size_t maxBytes)
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
	auto r = parseTouchalytics(text, stats);
	if (!r)
		return makeError(r.error().errnum, path + ": " + r.error().message);
	return r;
}

} // namespace tactus
