// SPDX-License-Identifier: MIT
#include "keystroke-model.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>

namespace tactus {

namespace {

constexpr std::string_view kMagic = "tactus-keystroke-model";
constexpr size_t kMaxFileBytes = 64 << 20;
constexpr unsigned kTimings = 6; // hold, pp, rp, pr, rr, rollover

std::vector<std::string_view> words(std::string_view line)
{
	std::vector<std::string_view> out;
	size_t pos = 0;
	while (pos < line.size()) {
		size_t end = line.find(' ', pos);
		if (end == std::string_view::npos)
			end = line.size();
		if (end > pos)
			out.push_back(line.substr(pos, end - pos));
		pos = end + 1;
	}
	return out;
}

bool parseUnsigned(std::string_view s, unsigned &out, unsigned max)
{
	unsigned v = 0;
	auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
	if (ec != std::errc() || p != s.data() + s.size() || v > max)
		return false;
	out = v;
	return true;
}

bool parseDouble(std::string_view s, double &out)
{
	// std::from_chars for double is in libstdc++ 11+; Debian 12 has 12.
	auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
	return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

struct TensorSpec {
	std::string name;
	unsigned rows = 0;
	unsigned cols = 0;
};

} // namespace

class KeystrokeModelParser {
public:
	KeystrokeModelParser(std::string_view bytes, const std::string &name) : bytes_(bytes), name_(name) {}

	Error fail(const std::string &what) const { return makeError(EINVAL, name_ + ": " + what); }

	Result<KeystrokeModel> run(KeystrokeModel &m);

private:
	std::string_view bytes_;
	const std::string &name_;
};

uint32_t crc32(std::string_view bytes)
{
	// zlib's CRC-32 (the one profiles use too, and Python's zlib.crc32).
	return static_cast<uint32_t>(
		::crc32_z(0L, reinterpret_cast<const Bytef *>(bytes.data()), static_cast<z_size_t>(bytes.size())));
}

Result<KeystrokeModel> KeystrokeModel::load(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	if (!in)
		return makeError(errno ? errno : EIO, path + ": " + strerror(errno ? errno : EIO));
	std::string bytes;
	std::array<char, 65536> buf;
	while (in) {
		in.read(buf.data(), buf.size());
		bytes.append(buf.data(), static_cast<size_t>(in.gcount()));
		if (bytes.size() > kMaxFileBytes)
			return makeError(EFBIG, path + ": larger than " + std::to_string(kMaxFileBytes) + " bytes");
	}
	if (in.bad())
		return makeError(EIO, path + ": read error");
	return parse(bytes, path);
}

Result<KeystrokeModel> KeystrokeModel::parse(std::string_view bytes, const std::string &name)
{
	KeystrokeModel m;
	KeystrokeModelParser p(bytes, name);
	return p.run(m);
}

Result<KeystrokeModel> KeystrokeModelParser::run(KeystrokeModel &m)
{
	if (bytes_.size() > kMaxFileBytes)
		return fail("larger than " + std::to_string(kMaxFileBytes) + " bytes");
	if (!bytes_.starts_with(kMagic))
		return fail("not a tactus keystroke model (no \"tactus-keystroke-model\" header)");

	// Trailer first: nothing else is trusted before the checksum matches.
	size_t trailer = bytes_.rfind("crc32 ");
	if (trailer == std::string_view::npos || bytes_.size() - trailer != 15 || bytes_.back() != '\n')
		return fail("truncated: no \"crc32\" trailer at the end");
	uint32_t want = 0;
	std::string_view hex = bytes_.substr(trailer + 6, 8);
	auto [hp, hec] = std::from_chars(hex.data(), hex.data() + hex.size(), want, 16);
	if (hec != std::errc() || hp != hex.data() + hex.size())
		return fail("malformed crc32 trailer");
	std::string_view body = bytes_.substr(0, trailer);

	// Header lines up to "end".
	std::map<std::string, std::vector<std::string_view>, std::less<>> keys;
	std::vector<TensorSpec> tensors;
	size_t pos = 0;
	bool ended = false;
	unsigned format = 1;
	unsigned lineNo = 0;
	while (pos < body.size()) {
		size_t nl = body.find('\n', pos);
		if (nl == std::string_view::npos)
			return fail("truncated header (no \"end\" line)");
		std::string_view line = body.substr(pos, nl - pos);
		pos = nl + 1;
		lineNo++;
		std::vector<std::string_view> w = words(line);
		if (lineNo == 1) {
			unsigned version = 0;
			if (w.size() != 2 || w[0] != kMagic || !parseUnsigned(w[1], version, 1'000'000))
				return fail("malformed first line");
			if (version > kKeystrokeModelFormat)
				return fail("format version " + std::to_string(version) +
					    " is newer than this tactus reads (" +
					    std::to_string(kKeystrokeModelFormat) + ")");
			if (version < 1)
				return fail("format version 0 is not valid");
			format = version;
			continue;
		}
		if (line == "end") {
			ended = true;
			break;
		}
		if (w.empty())
			return fail("empty header line " + std::to_string(lineNo));
		if (w[0] == "tensor") {
			TensorSpec t;
			if (w.size() != 4 || !parseUnsigned(w[2], t.rows, 1 << 16) ||
			    !parseUnsigned(w[3], t.cols, 1 << 16))
				return fail("malformed tensor line " + std::to_string(lineNo));
			t.name = std::string(w[1]);
			tensors.push_back(std::move(t));
			continue;
		}
		keys[std::string(w[0])] = std::vector<std::string_view>(w.begin() + 1, w.end());
	}
	if (!ended)
		return fail("truncated header (no \"end\" line)");
	if (crc32(body) != want)
		return fail("checksum mismatch (file corrupt or truncated)");

	auto need = [&](const char *key, size_t n) -> const std::vector<std::string_view> * {
		auto it = keys.find(key);
		if (it == keys.end() || it->second.size() != n)
			return nullptr;
		return &it->second;
	};
	const std::vector<std::string_view> *v;
	if (!(v = need("model-version", 1)))
		return fail("missing or malformed \"model-version\"");
	m.version_ = std::string((*v)[0]);
	unsigned layers = 0, hidden = 0, embed = 0;
	v = need("architecture", 7);
	if (!v || (*v)[0] != "lstm" || (*v)[1] != "layers" || !parseUnsigned((*v)[2], layers, 8) ||
	    (*v)[3] != "hidden" || !parseUnsigned((*v)[4], hidden, 4096) || (*v)[5] != "embed" ||
	    !parseUnsigned((*v)[6], embed, 4096) || layers < 1 || hidden < 1 || embed < 1)
		return fail("missing or malformed \"architecture\" (want: lstm layers L hidden H embed E)");
	unsigned classes = 0;
	v = need("class-set", 2);
	if (!v)
		return fail("missing or malformed \"class-set\"");
	std::optional<KeyClassSet> set = keyClassSetByName((*v)[0]);
	if (!set)
		return fail("unknown class set \"" + std::string((*v)[0]) + "\"");
	if (!parseUnsigned((*v)[1], classes, 255) || classes != keyClassCount(*set))
		return fail("class set " + std::string((*v)[0]) + " has " + std::to_string(keyClassCount(*set)) +
			    " classes, the file says " + std::string((*v)[1]));
	v = need("transform", 6);
	if (!v || (*v)[0] != "clip-ms" || !parseDouble((*v)[1], m.clipMs_) || (*v)[2] != "log-scale-ms" ||
	    !parseDouble((*v)[3], m.logScaleMs_) || (*v)[4] != "rollover-max" ||
	    !parseDouble((*v)[5], m.rolloverMax_) || m.clipMs_ <= 0 || m.logScaleMs_ <= 0)
		return fail("missing or malformed \"transform\"");
	unsigned maxKeys = 0;
	if (!(v = need("max-keys", 1)) || !parseUnsigned((*v)[0], maxKeys, 100'000) || maxKeys < 1)
		return fail("missing or malformed \"max-keys\"");
	for (const char *key : {"input-mean", "input-std"}) {
		if (!(v = need(key, kTimings)))
			return fail(std::string("missing or malformed \"") + key + "\" (want 6 numbers)");
		std::array<double, 6> &dst = std::string_view(key) == "input-mean" ? m.mean_ : m.std_;
		for (size_t i = 0; i < kTimings; i++)
			if (!parseDouble((*v)[i], dst[i]))
				return fail(std::string("malformed number in \"") + key + "\"");
	}
	for (double s : m.std_)
		if (!(s > 0))
			return fail("\"input-std\" must be positive");
	unsigned members = 1;
	if (format >= 2 && keys.contains("members") &&
	    (!(v = need("members", 1)) || !parseUnsigned((*v)[0], members, 8) || members < 1))
		return fail("malformed \"members\" (want 1..8)");
	if (format >= 2) {
		v = need("score", 1);
		if (v && (*v)[0] == "centroid")
			m.score_ = KeystrokeScore::Centroid;
		else if (v && (*v)[0] == "mean-distance")
			m.score_ = KeystrokeScore::MeanDistance;
		else
			return fail("missing or unknown \"score\" (want: centroid or mean-distance)");
	}
	v = need("calibration", 3);
	if (!v || (*v)[0] != "logistic" || !parseDouble((*v)[1], m.calibA_) || !parseDouble((*v)[2], m.calibB_))
		return fail("missing or malformed \"calibration\" (want: logistic A B)");

	// Tensors: exactly the PyTorch parameters of this architecture.
	std::vector<TensorSpec> expected;
	const unsigned in0 = kTimings + classes;
	for (unsigned k = 0; k < members; k++) {
		const std::string p = members > 1 ? "m" + std::to_string(k) + "." : "";
		for (unsigned l = 0; l < layers; l++) {
			// "m0.lstm.weight_ih_l1": member prefix, parameter, layer.
			auto name = [&](std::string_view parameter) {
				std::string n = p;
				n += parameter;
				n += std::to_string(l);
				return n;
			};
			expected.push_back({name("lstm.weight_ih_l"), 4 * hidden, l == 0 ? in0 : hidden});
			expected.push_back({name("lstm.weight_hh_l"), 4 * hidden, hidden});
			expected.push_back({name("lstm.bias_ih_l"), 4 * hidden, 1});
			expected.push_back({name("lstm.bias_hh_l"), 4 * hidden, 1});
		}
		expected.push_back({p + "proj.weight", embed, hidden});
		expected.push_back({p + "proj.bias", embed, 1});
	}
	if (tensors.size() != expected.size())
		return fail("has " + std::to_string(tensors.size()) + " tensors, architecture needs " +
			    std::to_string(expected.size()));
	size_t floats = 0;
	for (size_t i = 0; i < expected.size(); i++) {
		const TensorSpec &t = tensors[i], &e = expected[i];
		if (t.name != e.name)
			return fail("tensor " + std::to_string(i) + " is \"" + t.name + "\", expected \"" + e.name +
				    "\"");
		if (t.rows != e.rows || t.cols != e.cols)
			return fail("tensor " + t.name + " is " + std::to_string(t.rows) + "x" +
				    std::to_string(t.cols) + ", architecture needs " + std::to_string(e.rows) + "x" +
				    std::to_string(e.cols));
		floats += size_t{t.rows} * t.cols;
	}
	std::string_view data = body.substr(pos);
	if (data.size() != floats * 4)
		return fail("tensor data is " + std::to_string(data.size()) + " bytes, header says " +
			    std::to_string(floats * 4));

	size_t off = 0;
	bool finite = true;
	auto take = [&](const TensorSpec &t) {
		Eigen::MatrixXf mat(t.rows, t.cols);
		for (unsigned r = 0; r < t.rows; r++)
			for (unsigned c = 0; c < t.cols; c++) {
				uint32_t u;
				std::memcpy(&u, data.data() + off, 4);
				if constexpr (std::endian::native == std::endian::big)
					u = __builtin_bswap32(u);
				float f;
				std::memcpy(&f, &u, 4);
				finite = finite && std::isfinite(f);
				mat(r, c) = f;
				off += 4;
			}
		return mat;
	};
	size_t ti = 0;
	for (unsigned k = 0; k < members; k++) {
		KeystrokeModel::Member member;
		for (unsigned l = 0; l < layers; l++) {
			KeystrokeModel::Layer layer;
			layer.wih = take(tensors[ti++]);
			layer.whh = take(tensors[ti++]);
			Eigen::MatrixXf bih = take(tensors[ti++]);
			Eigen::MatrixXf bhh = take(tensors[ti++]);
			layer.bias = bih.col(0) + bhh.col(0);
			member.layers.push_back(std::move(layer));
		}
		member.proj = take(tensors[ti++]);
		member.projBias = take(tensors[ti++]).col(0);
		m.members_.push_back(std::move(member));
	}
	if (!finite)
		return fail("tensor data holds NaN or infinite values");
	m.classSet_ = *set;
	m.classes_ = classes;
	m.hidden_ = hidden;
	m.embed_ = embed;
	m.maxKeys_ = maxKeys;
	return std::move(m);
}

KeystrokeEmbedder::KeystrokeEmbedder(const KeystrokeModel &model)
    : model_(model), in_(kTimings + model.classes_, static_cast<Eigen::Index>(model.maxKeys_)),
      gates_(4 * model.hidden_, static_cast<Eigen::Index>(model.maxKeys_)),
      hs_(model.hidden_, static_cast<Eigen::Index>(model.maxKeys_)), g_(4 * model.hidden_), act_(4 * model.hidden_),
      h_(model.hidden_), c_(model.hidden_)
{
}

bool KeystrokeEmbedder::embed(std::span<const KeystrokeRow> rows, Eigen::Ref<Eigen::VectorXf> out)
{
	const KeystrokeModel &m = model_;
	const Eigen::Index n = static_cast<Eigen::Index>(std::min(rows.size(), m.maxKeys_));
	if (n == 0)
		return false;

	in_.leftCols(n).setZero();
	for (Eigen::Index t = 0; t < n; t++) {
		const KeystrokeRow &r = rows[static_cast<size_t>(t)];
		const bool first = t == 0;
		const std::array<double, 5> us = {
			static_cast<double>(r.holdUs), first ? 0.0 : static_cast<double>(r.ppUs),
			first ? 0.0 : static_cast<double>(r.rpUs), first ? 0.0 : static_cast<double>(r.prUs),
			first ? 0.0 : static_cast<double>(r.rrUs)};
		for (size_t k = 0; k < us.size(); k++) {
			double ms = std::clamp(us[k] / 1000.0, -m.clipMs_, m.clipMs_);
			double x = std::copysign(std::log1p(std::fabs(ms) / m.logScaleMs_), ms);
			in_(static_cast<Eigen::Index>(k), t) = static_cast<float>((x - m.mean_[k]) / m.std_[k]);
		}
		double roll = first ? 0.0 : std::min(static_cast<double>(r.rollover), m.rolloverMax_);
		in_(5, t) = static_cast<float>((roll - m.mean_[5]) / m.std_[5]);
		if (r.keyClass < m.classes_)
			in_(kTimings + r.keyClass, t) = 1.0f;
	}

	const auto E = static_cast<Eigen::Index>(m.embed_);
	for (size_t k = 0; k < m.members_.size(); k++) {
		const KeystrokeModel::Member &member = m.members_[k];
		runMember(member, n);
		auto segment = out.segment(static_cast<Eigen::Index>(k) * E, E);
		segment.noalias() = member.proj * h_;
		segment += member.projBias;
		segment /= std::max(segment.norm(), 1e-12f);
	}
	if (m.members_.size() > 1)
		out /= std::sqrt(static_cast<float>(m.members_.size()));
	return true;
}

void KeystrokeEmbedder::runMember(const KeystrokeModel::Member &member, Eigen::Index n)
{
	const Eigen::Index H = model_.hidden_;
	for (size_t l = 0; l < member.layers.size(); l++) {
		const KeystrokeModel::Layer &layer = member.layers[l];
		// Input contributions for all steps at once (one GEMM), then the recurrence.
		if (l == 0)
			gates_.leftCols(n).noalias() = layer.wih * in_.leftCols(n);
		else
			gates_.leftCols(n).noalias() = layer.wih * hs_.leftCols(n);
		h_.setZero();
		c_.setZero();
		for (Eigen::Index t = 0; t < n; t++) {
			g_ = gates_.col(t) + layer.bias;
			g_.noalias() += layer.whh * h_;
			// PyTorch's gate order: input, forget, cell, output.
			act_.head(2 * H) = g_.head(2 * H).array().logistic();
			act_.segment(2 * H, H) = g_.segment(2 * H, H).array().tanh();
			act_.tail(H) = g_.tail(H).array().logistic();
			c_.array() = act_.segment(H, H).array() * c_.array() +
				     act_.head(H).array() * act_.segment(2 * H, H).array();
			h_.array() = act_.tail(H).array() * c_.array().tanh();
			hs_.col(t) = h_;
		}
	}
}

float meanDistance(const Eigen::Ref<const Eigen::VectorXf> &probe, const Eigen::Ref<const Eigen::MatrixXf> &enrollment)
{
	if (enrollment.cols() == 0)
		return 0.0f;
	return (enrollment.colwise() - probe).colwise().norm().mean();
}

float centroidDistance(const Eigen::Ref<const Eigen::VectorXf> &probe,
		       const Eigen::Ref<const Eigen::MatrixXf> &enrollment)
{
	if (enrollment.cols() == 0)
		return 0.0f;
	return (enrollment.rowwise().mean() - probe).norm();
}

float KeystrokeModel::score(const Eigen::Ref<const Eigen::VectorXf> &probe,
			    const Eigen::Ref<const Eigen::MatrixXf> &enrollment) const
{
	return score_ == KeystrokeScore::Centroid ? centroidDistance(probe, enrollment)
						  : meanDistance(probe, enrollment);
}

} // namespace tactus
