// SPDX-License-Identifier: MIT
#include "pointer-model-file.h"

#include "sysfs-read.h"
#include "util-lines.h"
#include "util-strings.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

namespace tactus {

namespace {

std::optional<PointerActionType> typeFromName(std::string_view s)
{
	for (size_t t = 0; t < kPointerActionTypes; t++)
		if (pointerActionTypeName(static_cast<PointerActionType>(t)) == s)
			return static_cast<PointerActionType>(t);
	return std::nullopt;
}

std::optional<size_t> featureFromName(std::string_view s)
{
	for (size_t f = 0; f < kPointerFeatureCount; f++)
		if (pointerFeatureName(static_cast<PointerFeature>(f)) == s)
			return f;
	return std::nullopt;
}

std::vector<std::string_view> fields(std::string_view line)
{
	std::vector<std::string_view> out;
	size_t i = 0;
	while (i < line.size()) {
		while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
			i++;
		size_t j = i;
		while (j < line.size() && line[j] != ' ' && line[j] != '\t')
			j++;
		if (j > i)
			out.push_back(line.substr(i, j - i));
		i = j;
	}
	return out;
}

bool number(std::string_view s, double &v)
{
	const char *end = s.data() + s.size();
	auto r = std::from_chars(s.data(), end, v);
	return r.ec == std::errc() && r.ptr == end && std::isfinite(v);
}

bool number(std::string_view s, uint64_t &v)
{
	const char *end = s.data() + s.size();
	auto r = std::from_chars(s.data(), end, v);
	return r.ec == std::errc() && r.ptr == end;
}

} // namespace

Result<std::unique_ptr<PointerModelData>> parsePointerModel(std::string_view text)
{
	if (text.size() > kMaxPointerModelBytes)
		return makeError(-EFBIG,
				 "pointer model larger than " + std::to_string(kMaxPointerModelBytes) + " bytes");
	auto model = std::make_unique<PointerModelData>();
	std::array<std::array<std::vector<double>, kPointerFeatureCount>, kPointerActionTypes> edges{};
	std::array<std::array<bool, kPointerFeatureCount>, kPointerActionTypes> haveEdges{}, haveBackground{};
	std::array<std::array<std::vector<uint64_t>, kPointerFeatureCount>, kPointerActionTypes> background{};
	std::array<uint64_t, kPointerActionTypes> types{};
	bool magic = false, end = false, haveName = false, haveVersion = false, haveBins = false, haveSmoothing = false,
	     havePause = false, haveCalibration = false, haveTypes = false, haveClip = false;
	std::array<bool, kPointerActionTypes> haveTypeCalibration{};
	size_t lineNo = 0;
	size_t pos = 0;
	auto bad = [&](const std::string &what) {
		return makeError(-EBADMSG, "line " + std::to_string(lineNo) + ": " + what);
	};
	while (pos < text.size()) {
		size_t nl = text.find('\n', pos);
		std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
		pos = nl == std::string_view::npos ? text.size() : nl + 1;
		lineNo++;
		if (auto problem = textLineProblem(line, 4096))
			return bad(*problem);
		line = trim(line);
		if (line.empty() || line[0] == '#')
			continue;
		if (end)
			return bad("text after 'end'");
		const std::vector<std::string_view> f = fields(line);
		const std::string_view key = f[0];
		if (!magic) {
			uint64_t v = 0;
			if (key != "tactus-pointer-model" || f.size() != 2 || !number(f[1], v))
				return bad("not a tactus pointer model (expected 'tactus-pointer-model VERSION')");
			if (v != kPointerModelFormat)
				return makeError(-EPROTONOSUPPORT,
						 "pointer model format version " + std::to_string(v) +
							 " is not supported (this tactus reads " +
							 std::to_string(kPointerModelFormat) +
							 "; make a new model with 'tactus-eval pointer-model')");
			magic = true;
			continue;
		}
		auto once = [&](bool &seen) -> bool {
			const bool first = !seen;
			seen = true;
			return first;
		};
		uint64_t u = 0;
		if (key == "name") {
			if (!once(haveName) || f.size() != 2 || f[1].size() > 64)
				return bad("'name' needs one word of at most 64 bytes, once");
			model->name = std::string(f[1]);
		} else if (key == "version") {
			if (!once(haveVersion) || f.size() != 2 || !number(f[1], u) || u > UINT32_MAX)
				return bad("'version' needs one 32-bit count, once");
			model->version = static_cast<uint32_t>(u);
		} else if (key == "bins") {
			if (!once(haveBins) || f.size() != 2 || !number(f[1], u) || u < 2 || u > 64)
				return bad("'bins' needs one count in 2..64, once");
			model->params.bins = static_cast<unsigned>(u);
		} else if (key == "smoothing") {
			double d = 0;
			if (!once(haveSmoothing) || f.size() != 2 || !number(f[1], d) || !(d > 0) || d > 1000)
				return bad("'smoothing' needs one number in (0, 1000], once");
			model->params.smoothing = d;
		} else if (key == "pause-ms") {
			if (!once(havePause) || f.size() != 2 || !number(f[1], u) || u < 10 || u > 60'000)
				return bad("'pause-ms' needs one count in 10..60000, once");
			model->pauseMs = u;
		} else if (key == "calibration") {
			// A scale of 0 or below would drop or invert the evidence.
			if (!once(haveCalibration) || f.size() != 3 || !number(f[1], model->calibration.scale) ||
			    !(model->calibration.scale > 0) || !number(f[2], model->calibration.offset))
				return bad("'calibration' needs two numbers (scale > 0, offset), once");
		} else if (key == "type-calibration") {
			const auto t = f.size() == 4 ? typeFromName(f[1]) : std::nullopt;
			if (!t)
				return bad("'type-calibration' needs an action type and two numbers (scale, offset)");
			PointerCalibration c;
			if (!once(haveTypeCalibration[static_cast<size_t>(*t)]) || !number(f[2], c.scale) ||
			    !(c.scale > 0) || !number(f[3], c.offset))
				return bad("'type-calibration' needs two numbers (scale > 0, offset), once per type");
			model->typeCalibration[static_cast<size_t>(*t)] = c;
		} else if (key == "clip") {
			if (!once(haveClip) || f.size() != 2 || !number(f[1], model->clip) || model->clip < 0 ||
			    model->clip > 100)
				return bad("'clip' needs one number in [0, 100] (nats), once");
		} else if (key == "background-types") {
			if (!once(haveTypes) || f.size() != 1 + kPointerActionTypes)
				return bad("'background-types' needs one count per action type, once");
			for (size_t t = 0; t < kPointerActionTypes; t++)
				if (!number(f[1 + t], types[t]))
					return bad("'background-types': not a count");
		} else if (key == "edges" || key == "background") {
			if (!haveBins)
				return bad("'" + std::string(key) + "' before 'bins'");
			if (f.size() < 3)
				return bad("'" + std::string(key) + "' needs an action type and a feature");
			const auto t = typeFromName(f[1]);
			const auto feature = featureFromName(f[2]);
			if (!t || !feature)
				return bad("unknown action type or feature '" + sanitizeForDisplay(f[1], 32) + " " +
					   sanitizeForDisplay(f[2], 32) + "'");
			const auto ti = static_cast<size_t>(*t);
			if (key == "edges") {
				if (!once(haveEdges[ti][*feature]))
					return bad("edges repeated");
				if (f.size() - 3 >= model->params.bins)
					return bad("more edges than bins - 1");
				for (size_t i = 3; i < f.size(); i++) {
					double d = 0;
					if (!number(f[i], d) || (i > 3 && !(d > edges[ti][*feature].back())))
						return bad("edges must be strictly ascending finite numbers");
					edges[ti][*feature].push_back(d);
				}
			} else {
				if (!once(haveBackground[ti][*feature]))
					return bad("background repeated");
				if (f.size() - 3 != model->params.bins)
					return bad("background needs one count per bin");
				for (size_t i = 3; i < f.size(); i++) {
					uint64_t c = 0;
					if (!number(f[i], c))
						return bad("background: not a count");
					background[ti][*feature].push_back(c);
				}
			}
		} else if (key == "end") {
			if (f.size() != 1)
				return bad("'end' takes nothing");
			end = true;
		} else {
			return bad("unknown record '" + sanitizeForDisplay(key, 32) + "'");
		}
	}
	lineNo++;
	if (!magic)
		return bad("empty: not a tactus pointer model");
	if (!end)
		return bad("truncated: no 'end'");
	if (!haveName || !haveVersion || !haveBins || !haveSmoothing || !havePause || !haveCalibration || !haveTypes)
		return bad("a record is missing (name, version, bins, smoothing, pause-ms, calibration, "
			   "background-types)");
	std::vector<uint64_t> cells;
	cells.reserve(kPointerActionTypes * kPointerFeatureCount * model->params.bins);
	for (size_t t = 0; t < kPointerActionTypes; t++)
		for (size_t f = 0; f < kPointerFeatureCount; f++) {
			if (!haveEdges[t][f] || !haveBackground[t][f])
				return bad(std::string("edges or background missing for ") +
					   std::string(pointerActionTypeName(static_cast<PointerActionType>(t))) + " " +
					   std::string(pointerFeatureName(static_cast<PointerFeature>(f))));
			cells.insert(cells.end(), background[t][f].begin(), background[t][f].end());
		}
	if (!PointerBinning::fromEdges(model->params.bins, edges, model->binning))
		return bad("bin edges out of shape");
	model->background = PointerHistogram(model->binning);
	if (!model->background.setCounts(types, cells))
		return bad("background out of shape");
	return model;
}

PointerScorer pointerScorerFor(const PointerModelData &model, const PointerHistogram &user)
{
	PointerScorer scorer(model.binning, user, model.background, model.params, model.calibration);
	for (size_t t = 0; t < kPointerActionTypes; t++)
		scorer.setCalibration(static_cast<PointerActionType>(t),
				      model.typeCalibration[t].value_or(model.calibration));
	scorer.setClip(model.clip);
	return scorer;
}

Result<std::unique_ptr<PointerModelData>> loadPointerModel(const std::string &path)
{
	auto text = readFileLimited(path, kMaxPointerModelBytes + 1);
	if (!text)
		return makeError(text.error().errnum, path + ": " + text.error().message);
	auto model = parsePointerModel(*text);
	if (!model)
		return makeError(model.error().errnum, path + ": " + model.error().message);
	return model;
}

std::string formatPointerModel(const PointerModelData &model)
{
	std::string out;
	char buf[64];
	auto num = [&](double v) {
		// Shortest text that reads back to the same double.
		auto r = std::to_chars(buf, buf + sizeof buf, v);
		out += ' ';
		out.append(buf, r.ptr);
	};
	out += "tactus-pointer-model " + std::to_string(kPointerModelFormat) + "\n";
	out += "name " + model.name + "\nversion " + std::to_string(model.version) + "\n";
	out += "bins " + std::to_string(model.params.bins) + "\nsmoothing";
	num(model.params.smoothing);
	out += "\npause-ms " + std::to_string(model.pauseMs) + "\ncalibration";
	num(model.calibration.scale);
	num(model.calibration.offset);
	out += "\n";
	for (size_t t = 0; t < kPointerActionTypes; t++) {
		if (!model.typeCalibration[t])
			continue;
		out += "type-calibration " + std::string(pointerActionTypeName(static_cast<PointerActionType>(t)));
		num(model.typeCalibration[t]->scale);
		num(model.typeCalibration[t]->offset);
		out += "\n";
	}
	out += "clip";
	num(model.clip);
	out += "\n";
	for (size_t t = 0; t < kPointerActionTypes; t++)
		for (size_t f = 0; f < kPointerFeatureCount; f++) {
			const auto type = static_cast<PointerActionType>(t);
			out += "edges " + std::string(pointerActionTypeName(type)) + " " +
			       std::string(pointerFeatureName(static_cast<PointerFeature>(f)));
			for (double e : model.binning.edges(type, f))
				num(e);
			out += "\n";
		}
	out += "background-types";
	for (size_t t = 0; t < kPointerActionTypes; t++)
		out += " " + std::to_string(model.background.actions(static_cast<PointerActionType>(t)));
	out += "\n";
	for (size_t t = 0; t < kPointerActionTypes; t++)
		for (size_t f = 0; f < kPointerFeatureCount; f++) {
			const auto type = static_cast<PointerActionType>(t);
			out += "background " + std::string(pointerActionTypeName(type)) + " " +
			       std::string(pointerFeatureName(static_cast<PointerFeature>(f)));
			for (unsigned b = 0; b < model.params.bins; b++)
				out += " " + std::to_string(model.background.count(type, f, b));
			out += "\n";
		}
	out += "end\n";
	return out;
}

} // namespace tactus
