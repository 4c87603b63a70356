// SPDX-License-Identifier: MIT
#include "profile.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace tactus {

namespace {

constexpr std::string_view kMagic = "TACTUSPF";
constexpr size_t kHeaderBytes = 20;   // magic, version, uid, payload length
constexpr size_t kTrailerBytes = 4;   // CRC-32
constexpr uint32_t kMaxSections = 64; // far more than modalities; bounds a garbage count early

uint32_t crc32Of(std::string_view bytes)
{
	// zlib's crc32 takes a uInt length; profiles are capped far below that.
	uLong crc = ::crc32(0L, Z_NULL, 0);
	crc = ::crc32(crc, reinterpret_cast<const Bytef *>(bytes.data()), static_cast<uInt>(bytes.size()));
	return static_cast<uint32_t>(crc);
}

class Writer {
public:
	void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
	void u16(uint16_t v) { le(v, 2); }
	void u32(uint32_t v) { le(v, 4); }
	void u64(uint64_t v) { le(v, 8); }
	void i64(int64_t v) { le(static_cast<uint64_t>(v), 8); }
	void f32(float v) { u32(std::bit_cast<uint32_t>(v)); }
	void f64(double v) { u64(std::bit_cast<uint64_t>(v)); }
	void bytes(std::string_view s) { out_.append(s); }
	void zeros(size_t n) { out_.append(n, '\0'); }
	/** Overwrite 4 bytes at @p at (a length reserved earlier). */
	void patchU32(size_t at, uint32_t v)
	{
		for (size_t i = 0; i < 4; i++)
			out_[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
	}
	size_t size() const { return out_.size(); }
	std::string &str() { return out_; }

private:
	void le(uint64_t v, size_t n)
	{
		for (size_t i = 0; i < n; i++)
			out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
	}
	std::string out_;
};

/** Bounds-checked little-endian reader; every getter fails once the data runs out. */
class Reader {
public:
	explicit Reader(std::string_view data) : data_(data) {}

	bool u8(uint8_t &v)
	{
		uint64_t x;
		if (!le(x, 1))
			return false;
		v = static_cast<uint8_t>(x);
		return true;
	}
	bool u16(uint16_t &v)
	{
		uint64_t x;
		if (!le(x, 2))
			return false;
		v = static_cast<uint16_t>(x);
		return true;
	}
	bool u32(uint32_t &v)
	{
		uint64_t x;
		if (!le(x, 4))
			return false;
		v = static_cast<uint32_t>(x);
		return true;
	}
	bool u64(uint64_t &v) { return le(v, 8); }
	bool i64(int64_t &v)
	{
		uint64_t x;
		if (!le(x, 8))
			return false;
		v = static_cast<int64_t>(x);
		return true;
	}
	bool f32(float &v)
	{
		uint32_t x;
		if (!u32(x))
			return false;
		v = std::bit_cast<float>(x);
		return true;
	}
	bool f64(double &v)
	{
		uint64_t x;
		if (!u64(x))
			return false;
		v = std::bit_cast<double>(x);
		return true;
	}
	bool bytes(size_t n, std::string_view &v)
	{
		if (remaining() < n)
			return false;
		v = data_.substr(pos_, n);
		pos_ += n;
		return true;
	}
	size_t remaining() const { return data_.size() - pos_; }

private:
	bool le(uint64_t &v, size_t n)
	{
		if (remaining() < n)
			return false;
		v = 0;
		for (size_t i = 0; i < n; i++)
			v |= uint64_t{static_cast<unsigned char>(data_[pos_ + i])} << (8 * i);
		pos_ += n;
		return true;
	}
	std::string_view data_;
	size_t pos_ = 0;
};

Error malformed(const std::string &what)
{
	return makeError(-EBADMSG, what);
}

bool isPrintableAscii(std::string_view s)
{
	return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

/** What is wrong with @p m for the format, or "" if nothing. */
std::string modalityProblem(const ModalityProfile &m)
{
	std::string_view name = modalityName(m.modality);
	auto problem = [&](const std::string &what) { return std::string(name) + " section: " + what; };
	if (m.state != ProfileState::Enrolling && m.state != ProfileState::Ready)
		return problem("invalid state " + std::to_string(static_cast<unsigned>(m.state)));
	if (m.model.name.size() > kMaxModelNameBytes || !isPrintableAscii(m.model.name))
		return problem("model name is not 0..64 bytes of printable ASCII");
	if (m.model.dim > kMaxProfileDimension)
		return problem("dimension " + std::to_string(m.model.dim) + " exceeds " +
			       std::to_string(kMaxProfileDimension));
	if (m.templatesNeeded < 1 || m.templatesNeeded > kMaxProfileTemplates)
		return problem("templates needed " + std::to_string(m.templatesNeeded) + " not in 1.." +
			       std::to_string(kMaxProfileTemplates));
	if (!m.templates.empty() && m.model.dim == 0)
		return problem("templates without a dimension");
	if (m.model.dim && m.templates.size() % m.model.dim)
		return problem("template data is not a multiple of the dimension");
	if (m.templateCount() > kMaxProfileTemplates)
		return problem(std::to_string(m.templateCount()) + " templates exceed " +
			       std::to_string(kMaxProfileTemplates));
	if (!m.templates.empty() && m.model.name.empty())
		return problem("templates without a model name");
	if (m.state == ProfileState::Ready && m.templates.empty())
		return problem("ready without templates");
	if (!std::all_of(m.templates.begin(), m.templates.end(), [](float f) { return std::isfinite(f); }))
		return problem("non-finite template value");
	if (!std::isfinite(m.genuine.mean) || !std::isfinite(m.genuine.variance) || m.genuine.variance < 0)
		return problem("invalid genuine score statistics");
	return {};
}

void encodeModality(Writer &w, const ModalityProfile &m)
{
	w.u8(static_cast<uint8_t>(m.state));
	w.zeros(3);
	w.u16(static_cast<uint16_t>(m.model.name.size()));
	w.bytes(m.model.name);
	w.u32(m.model.version);
	w.i64(m.createdUs);
	w.i64(m.updatedUs);
	w.u32(m.templatesNeeded);
	w.u64(m.eventsSeen);
	w.u64(m.eventsNeeded);
	w.u64(m.eventsSinceTemplate);
	w.u32(m.adaptations);
	w.u64(m.genuine.count);
	w.f64(m.genuine.mean);
	w.f64(m.genuine.variance);
	w.u32(m.model.dim);
	w.u32(static_cast<uint32_t>(m.templateCount()));
	for (float f : m.templates)
		w.f32(f);
}

Result<ModalityProfile> decodeModality(Modality modality, std::string_view body)
{
	std::string name(modalityName(modality));
	auto truncated = [&]() { return malformed(name + " section ends early"); };
	ModalityProfile m;
	m.modality = modality;
	Reader r(body);
	uint8_t state;
	std::string_view reserved;
	uint16_t nameLen;
	std::string_view modelName;
	if (!r.u8(state) || !r.bytes(3, reserved) || !r.u16(nameLen))
		return truncated();
	if (state != static_cast<uint8_t>(ProfileState::Enrolling) &&
	    state != static_cast<uint8_t>(ProfileState::Ready))
		return malformed(name + " section: invalid state " + std::to_string(state));
	if (reserved != std::string_view("\0\0\0", 3))
		return malformed(name + " section: reserved bytes are not zero");
	if (nameLen > kMaxModelNameBytes)
		return malformed(name + " section: model name of " + std::to_string(nameLen) + " bytes");
	if (!r.bytes(nameLen, modelName))
		return truncated();
	m.state = static_cast<ProfileState>(state);
	m.model.name = std::string(modelName);
	uint32_t count;
	if (!r.u32(m.model.version) || !r.i64(m.createdUs) || !r.i64(m.updatedUs) || !r.u32(m.templatesNeeded) ||
	    !r.u64(m.eventsSeen) || !r.u64(m.eventsNeeded) || !r.u64(m.eventsSinceTemplate) || !r.u32(m.adaptations) ||
	    !r.u64(m.genuine.count) || !r.f64(m.genuine.mean) || !r.f64(m.genuine.variance) || !r.u32(m.model.dim) ||
	    !r.u32(count))
		return truncated();
	if (m.model.dim > kMaxProfileDimension)
		return malformed(name + " section: dimension " + std::to_string(m.model.dim) + " exceeds " +
				 std::to_string(kMaxProfileDimension));
	if (count > kMaxProfileTemplates)
		return malformed(name + " section: " + std::to_string(count) + " templates exceed " +
				 std::to_string(kMaxProfileTemplates));
	// Both are bounded now, so the product cannot overflow.
	size_t values = size_t{count} * m.model.dim;
	if (r.remaining() != values * sizeof(float))
		return malformed(name + " section: " + std::to_string(r.remaining()) +
				 " bytes of templates, expected " + std::to_string(values * sizeof(float)));
	m.templates.resize(values);
	for (float &f : m.templates)
		if (!r.f32(f))
			return truncated();
	if (count && !m.model.dim)
		return malformed(name + " section: templates without a dimension");
	if (std::string problem = modalityProblem(m); !problem.empty())
		return malformed(problem);
	return m;
}

} // namespace

std::string_view profileStateName(ProfileState s)
{
	switch (s) {
	case ProfileState::None: return "none";
	case ProfileState::Enrolling: return "enrolling";
	case ProfileState::Ready: return "ready";
	}
	return "none";
}

void ScoreStats::add(double score, uint64_t cap)
{
	if (!std::isfinite(score))
		return;
	count++;
	// Welford with weight 1/n is the same update as the weighted one with
	// weight 1/cap, so one formula serves both regimes.
	double alpha = 1.0 / static_cast<double>(std::min(count, std::max<uint64_t>(cap, 1)));
	double diff = score - mean;
	double incr = alpha * diff;
	mean += incr;
	variance = (1.0 - alpha) * (variance + diff * incr);
}

std::span<const float> ModalityProfile::templateAt(size_t i) const
{
	assert(i < templateCount());
	return std::span<const float>(templates).subspan(i * model.dim, model.dim);
}

double ModalityProfile::progress() const
{
	if (state == ProfileState::Ready)
		return 1.0;
	double t = static_cast<double>(templateCount()) / std::max<uint32_t>(templatesNeeded, 1);
	double e = eventsNeeded ? static_cast<double>(eventsSeen) / static_cast<double>(eventsNeeded) : 1.0;
	return std::clamp(std::min(t, e), 0.0, 1.0);
}

ModalityProfile *Profile::find(Modality m)
{
	for (auto &s : modalities)
		if (s.modality == m)
			return &s;
	return nullptr;
}

const ModalityProfile *Profile::find(Modality m) const
{
	for (const auto &s : modalities)
		if (s.modality == m)
			return &s;
	return nullptr;
}

ProfileState Profile::state() const
{
	ProfileState best = ProfileState::None;
	for (const auto &m : modalities)
		best = std::max(best, m.state);
	return best;
}

double Profile::enrollmentProgress() const
{
	double best = 0.0;
	for (const auto &m : modalities)
		best = std::max(best, m.progress());
	return best;
}

Result<std::string> encodeProfile(const Profile &profile)
{
	for (size_t i = 0; i < profile.modalities.size(); i++) {
		const ModalityProfile &m = profile.modalities[i];
		if (!modalityFromTag(static_cast<uint8_t>(m.modality)))
			return makeError(-EINVAL,
					 "unknown modality " + std::to_string(static_cast<unsigned>(m.modality)));
		for (size_t j = 0; j < i; j++)
			if (profile.modalities[j].modality == m.modality)
				return makeError(-EINVAL, "two " + std::string(modalityName(m.modality)) + " sections");
		if (std::string problem = modalityProblem(m); !problem.empty())
			return makeError(-EINVAL, problem);
	}
	for (const auto &o : profile.unknown)
		if (modalityFromTag(o.tag))
			return makeError(-EINVAL, "opaque section with known tag " + std::to_string(o.tag));
	size_t sections = profile.modalities.size() + profile.unknown.size();
	if (sections > kMaxSections)
		return makeError(-EINVAL, std::to_string(sections) + " sections");

	Writer w;
	w.bytes(kMagic);
	w.u32(kProfileFormatVersion);
	w.u32(static_cast<uint32_t>(profile.uid));
	size_t payloadLengthAt = w.size();
	w.u32(0);
	w.i64(profile.createdUs);
	w.i64(profile.updatedUs);
	w.u32(static_cast<uint32_t>(sections));
	auto section = [&w](uint8_t tag, auto &&writeBody) {
		w.u8(tag);
		w.zeros(3);
		size_t lengthAt = w.size();
		w.u32(0);
		size_t start = w.size();
		writeBody();
		w.patchU32(lengthAt, static_cast<uint32_t>(w.size() - start));
	};
	for (const auto &m : profile.modalities)
		section(static_cast<uint8_t>(m.modality), [&] { encodeModality(w, m); });
	for (const auto &o : profile.unknown)
		section(o.tag, [&] { w.bytes(o.body); });
	if (w.size() + kTrailerBytes > kMaxProfileBytes)
		return makeError(-EFBIG, "profile of " + std::to_string(w.size() + kTrailerBytes) +
						 " bytes exceeds the limit of " + std::to_string(kMaxProfileBytes));
	w.patchU32(payloadLengthAt, static_cast<uint32_t>(w.size() - kHeaderBytes));
	w.u32(crc32Of(w.str()));
	return std::move(w.str());
}

Result<Profile> decodeProfile(std::string_view bytes, uid_t uid)
{
	if (bytes.empty())
		return malformed("empty file");
	if (bytes.size() > kMaxProfileBytes)
		return makeError(-EFBIG, "oversized: " + std::to_string(bytes.size()) + " bytes, the limit is " +
						 std::to_string(kMaxProfileBytes));
	if (bytes.substr(0, std::min(bytes.size(), kMagic.size())) !=
	    kMagic.substr(0, std::min(bytes.size(), kMagic.size())))
		return malformed("not a tactus profile (bad magic)");
	auto shortHeader = [&]() {
		return malformed("truncated: " + std::to_string(bytes.size()) + " bytes, shorter than a header");
	};
	Reader header(bytes.substr(std::min(bytes.size(), kMagic.size())));
	uint32_t version = 0, fileUid = 0, payloadLength = 0;
	if (!header.u32(version))
		return shortHeader();
	// The version is checked before anything else a newer format may
	// have changed: its layout, its checksum, its limits.
	if (version > kProfileFormatVersion)
		return makeError(-EPROTONOSUPPORT, "format version " + std::to_string(version) +
							   " is newer than this tactus reads (" +
							   std::to_string(kProfileFormatVersion) + ")");
	if (version == 0)
		return makeError(-EPROTONOSUPPORT, "invalid format version 0");
	if (bytes.size() < kHeaderBytes + kTrailerBytes || !header.u32(fileUid) || !header.u32(payloadLength))
		return shortHeader();
	size_t expected = kHeaderBytes + size_t{payloadLength} + kTrailerBytes;
	if (bytes.size() < expected)
		return malformed("truncated: " + std::to_string(bytes.size()) + " of " + std::to_string(expected) +
				 " bytes");
	if (bytes.size() > expected)
		return malformed(std::to_string(bytes.size() - expected) + " bytes after the end of the profile");
	Reader trailer(bytes.substr(expected - kTrailerBytes));
	uint32_t storedCrc = 0;
	(void)trailer.u32(storedCrc);
	uint32_t crc = crc32Of(bytes.substr(0, expected - kTrailerBytes));
	if (crc != storedCrc) {
		char buf[96];
		(void)snprintf(buf, sizeof(buf), "checksum mismatch (stored %08x, computed %08x)", storedCrc, crc);
		return malformed(buf);
	}
	if (fileUid != static_cast<uint32_t>(uid))
		return malformed("belongs to uid " + std::to_string(fileUid) + ", expected uid " + std::to_string(uid));

	Profile p;
	p.uid = uid;
	Reader r(bytes.substr(kHeaderBytes, payloadLength));
	uint32_t sections;
	if (!r.i64(p.createdUs) || !r.i64(p.updatedUs) || !r.u32(sections))
		return malformed("payload ends early");
	if (sections > kMaxSections)
		return malformed(std::to_string(sections) + " sections, at most " + std::to_string(kMaxSections));
	for (uint32_t i = 0; i < sections; i++) {
		uint8_t tag;
		std::string_view reserved, body;
		uint32_t length;
		if (!r.u8(tag) || !r.bytes(3, reserved) || !r.u32(length))
			return malformed("section " + std::to_string(i) + " header ends early");
		if (reserved != std::string_view("\0\0\0", 3))
			return malformed("section " + std::to_string(i) + ": reserved bytes are not zero");
		if (!r.bytes(length, body))
			return malformed("section " + std::to_string(i) + " of " + std::to_string(length) +
					 " bytes runs past the payload");
		auto modality = modalityFromTag(tag);
		if (!modality) {
			p.unknown.push_back(OpaqueSection{tag, std::string(body)});
			continue;
		}
		if (p.find(*modality))
			return malformed("two " + std::string(modalityName(*modality)) + " sections");
		auto m = decodeModality(*modality, body);
		if (!m)
			return m.error();
		p.modalities.push_back(std::move(*m));
	}
	if (r.remaining())
		return malformed(std::to_string(r.remaining()) + " bytes after the last section");
	return p;
}

bool isInvalidProfileError(const Error &e)
{
	return e.errnum == -EBADMSG || e.errnum == -EFBIG || e.errnum == -EPROTONOSUPPORT;
}

} // namespace tactus
