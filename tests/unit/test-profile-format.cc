// SPDX-License-Identifier: MIT
// The profile file format: round trip, and every way an image can be bad.

#include "profile-fixture.h"
#include "profile.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <random>

using namespace tactus;
using namespace tactus::test;

namespace {

// Offsets of the version 1 layout (profile.h).
constexpr size_t kVersionAt = 8;
constexpr size_t kUidAt = 12;
constexpr size_t kPayloadLengthAt = 16;
constexpr size_t kFirstSectionAt = 40;   // after created, updated, section count
constexpr size_t kFirstBodyAt = 48;      // after tag, 3 reserved, length
constexpr size_t kFirstModelNameAt = 54; // after state, 3 reserved, name length

void putU32(std::string &s, size_t at, uint32_t v)
{
	for (size_t i = 0; i < 4; i++)
		s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

uint32_t getU32(const std::string &s, size_t at)
{
	uint32_t v = 0;
	for (size_t i = 0; i < 4; i++)
		v |= uint32_t{static_cast<unsigned char>(s[at + i])} << (8 * i);
	return v;
}

/** Recompute the trailing CRC, so a test reaches the checks behind it. */
void reseal(std::string &image)
{
	uLong crc = ::crc32(0L, Z_NULL, 0);
	crc = ::crc32(crc, reinterpret_cast<const Bytef *>(image.data()), static_cast<uInt>(image.size() - 4));
	putU32(image, image.size() - 4, static_cast<uint32_t>(crc));
}

/** The error decoding @p image as uid 1000 must give; fails the test if it decodes. */
Error decodeError(const std::string &image, uid_t uid = 1000)
{
	auto r = decodeProfile(image, uid);
	EXPECT_FALSE(r) << "decoded an image that should be rejected";
	return r ? Error{} : r.error();
}

} // namespace

TEST(ProfileFormat, RoundTrip)
{
	Profile p = sampleProfile();
	std::string image = encodeOk(p);
	EXPECT_EQ(image.substr(0, 8), "TACTUSPF");
	EXPECT_EQ(getU32(image, kVersionAt), kProfileFormatVersion);
	EXPECT_EQ(getU32(image, kUidAt), 1000u);
	EXPECT_EQ(image.size(), 24 + getU32(image, kPayloadLengthAt));
	auto back = decodeProfile(image, 1000);
	ASSERT_TRUE(back) << back.error().message;
	EXPECT_EQ(*back, p);
	// Encoding is deterministic: the same profile, the same bytes.
	EXPECT_EQ(encodeOk(*back), image);
}

TEST(ProfileFormat, RoundTripEmptyAndExtremeValues)
{
	Profile empty;
	empty.uid = 0;
	auto back = decodeProfile(encodeOk(empty), 0);
	ASSERT_TRUE(back) << back.error().message;
	EXPECT_EQ(*back, empty);
	EXPECT_EQ(back->state(), ProfileState::None);

	Profile p = sampleProfile(4294967294u);
	p.createdUs = -1; // before the epoch: a bad clock, still a valid number
	p.modalities[0].templates[0] = -3.4e38f;
	p.modalities[0].templates[1] = 1e-45f; // subnormal
	p.modalities[0].eventsSeen = UINT64_MAX;
	back = decodeProfile(encodeOk(p), 4294967294u);
	ASSERT_TRUE(back) << back.error().message;
	EXPECT_EQ(*back, p);
}

TEST(ProfileFormat, RoundTripAllModalitiesAtTheLimits)
{
	Profile p;
	p.uid = 1000;
	for (Modality m : {Modality::Keystroke, Modality::Pointer, Modality::Touch}) {
		ModalityProfile s = sampleSection(m, ProfileState::Ready, 0, 0.0f);
		s.model = ModelId{std::string(kMaxModelNameBytes, 'm'), 9, kMaxProfileDimension};
		s.templatesNeeded = kMaxProfileTemplates;
		s.templates.assign(size_t{kMaxProfileTemplates} * kMaxProfileDimension, 0.5f);
		p.modalities.push_back(std::move(s));
	}
	std::string image = encodeOk(p);
	EXPECT_LE(image.size(), kMaxProfileBytes);
	auto back = decodeProfile(image, 1000);
	ASSERT_TRUE(back) << back.error().message;
	EXPECT_EQ(*back, p);
}

TEST(ProfileFormat, UnknownSectionKeptVerbatim)
{
	Profile p = sampleProfile();
	p.unknown.push_back(OpaqueSection{200, std::string("\x01\x02\0\x03", 4)});
	std::string image = encodeOk(p);
	auto back = decodeProfile(image, 1000);
	ASSERT_TRUE(back) << back.error().message;
	EXPECT_EQ(back->unknown, p.unknown);
	EXPECT_EQ(encodeOk(*back), image);
}

TEST(ProfileFormat, EmptyImage)
{
	Error e = decodeError("");
	EXPECT_EQ(e.errnum, -EBADMSG);
	EXPECT_NE(e.message.find("empty"), std::string::npos) << e.message;
	EXPECT_TRUE(isInvalidProfileError(e));
}

TEST(ProfileFormat, Garbage)
{
	std::mt19937 rng(10);
	for (size_t size : {1, 7, 24, 100, 4096}) {
		std::string g(size, '\0');
		for (char &c : g)
			c = static_cast<char>(rng());
		Error e = decodeError(g);
		EXPECT_EQ(e.errnum, -EBADMSG) << e.message;
		EXPECT_NE(e.message.find("bad magic"), std::string::npos) << e.message;
	}
	Error text = decodeError("uid=1000\ntemplates=1,2,3\n");
	EXPECT_NE(text.message.find("bad magic"), std::string::npos) << text.message;
}

TEST(ProfileFormat, EveryByteFlipIsCaught)
{
	const std::string image = encodeOk(sampleProfile());
	for (size_t i = 0; i < image.size(); i++) {
		for (unsigned char mask : {0x01, 0x80, 0xff}) {
			std::string bad = image;
			bad[i] = static_cast<char>(bad[i] ^ mask);
			auto r = decodeProfile(bad, 1000);
			ASSERT_FALSE(r) << "flip 0x" << std::hex << unsigned{mask} << " at offset " << std::dec << i
					<< " went unnoticed";
			EXPECT_TRUE(isInvalidProfileError(r.error())) << i << ": " << r.error().message;
		}
	}
}

TEST(ProfileFormat, TruncationAtEveryOffsetIsCaught)
{
	const std::string image = encodeOk(sampleProfile());
	for (size_t len = 0; len < image.size(); len++) {
		auto r = decodeProfile(std::string_view(image).substr(0, len), 1000);
		ASSERT_FALSE(r) << "truncated to " << len << " of " << image.size() << " bytes went unnoticed";
		EXPECT_EQ(r.error().errnum, -EBADMSG) << len << ": " << r.error().message;
		if (len >= 8) {
			EXPECT_NE(r.error().message.find("truncated"), std::string::npos)
				<< len << ": " << r.error().message;
		}
	}
}

TEST(ProfileFormat, TrailingBytesAreCaught)
{
	std::string image = encodeOk(sampleProfile());
	Error e = decodeError(image + std::string(1, '\0'));
	EXPECT_NE(e.message.find("after the end"), std::string::npos) << e.message;
}

TEST(ProfileFormat, Oversized)
{
	std::string image = encodeOk(sampleProfile());
	image.resize(kMaxProfileBytes + 1, '\0');
	Error e = decodeError(image);
	EXPECT_EQ(e.errnum, -EFBIG);
	EXPECT_NE(e.message.find("oversized"), std::string::npos) << e.message;
	EXPECT_TRUE(isInvalidProfileError(e));

	// Nor is one written.
	Profile big = sampleProfile();
	big.unknown.push_back(OpaqueSection{99, std::string(kMaxProfileBytes, 'x')});
	auto enc = encodeProfile(big);
	ASSERT_FALSE(enc);
	EXPECT_EQ(enc.error().errnum, -EFBIG);
}

TEST(ProfileFormat, FutureVersion)
{
	std::string image = encodeOk(sampleProfile());
	putU32(image, kVersionAt, kProfileFormatVersion + 1);
	reseal(image);
	Error e = decodeError(image);
	EXPECT_EQ(e.errnum, -EPROTONOSUPPORT);
	EXPECT_NE(e.message.find("format version 2 is newer"), std::string::npos) << e.message;
	EXPECT_TRUE(isInvalidProfileError(e));

	// A newer format may change everything after the version: its
	// version is what is reported, not a checksum or a length.
	std::string future = "TACTUSPF";
	future += std::string("\x07\0\0\0", 4);
	future += "a layout this version has never seen";
	e = decodeError(future);
	EXPECT_EQ(e.errnum, -EPROTONOSUPPORT);
	EXPECT_NE(e.message.find("format version 7 is newer"), std::string::npos) << e.message;

	putU32(image, kVersionAt, 0);
	reseal(image);
	EXPECT_EQ(decodeError(image).errnum, -EPROTONOSUPPORT);
}

TEST(ProfileFormat, WrongUid)
{
	std::string image = encodeOk(sampleProfile(1000));
	Error e = decodeError(image, 1001);
	EXPECT_EQ(e.errnum, -EBADMSG);
	EXPECT_NE(e.message.find("belongs to uid 1000, expected uid 1001"), std::string::npos) << e.message;
	EXPECT_TRUE(isInvalidProfileError(e));
}

TEST(ProfileFormat, ChecksumMismatchIsNamed)
{
	std::string image = encodeOk(sampleProfile());
	image[kFirstSectionAt - 1] ^= 0x10;
	Error e = decodeError(image);
	EXPECT_NE(e.message.find("checksum mismatch"), std::string::npos) << e.message;
}

// The checks behind the checksum: an image a buggy or hostile writer sealed
// with a valid CRC is still rejected if a field is out of range.
TEST(ProfileFormat, SealedButMalformed)
{
	const std::string image = encodeOk(sampleProfile());
	auto expectRejected = [](std::string bad, const char *what) -> std::string {
		reseal(bad);
		auto r = decodeProfile(bad, 1000);
		EXPECT_FALSE(r) << what;
		if (r)
			return {};
		EXPECT_EQ(r.error().errnum, -EBADMSG) << what;
		return r.error().message;
	};

	std::string bad = image;
	bad[kFirstBodyAt] = 0; // state None is never stored
	EXPECT_NE(expectRejected(bad, "state 0").find("invalid state"), std::string::npos);
	bad = image;
	bad[kFirstBodyAt] = 9;
	expectRejected(bad, "state 9");
	bad = image;
	bad[kFirstBodyAt + 1] = 1;
	EXPECT_NE(expectRejected(bad, "reserved").find("reserved"), std::string::npos);
	bad = image;
	bad[kFirstSectionAt + 2] = 1;
	EXPECT_NE(expectRejected(bad, "section reserved").find("reserved"), std::string::npos);
	bad = image;
	bad[kFirstModelNameAt] = '\n';
	EXPECT_NE(expectRejected(bad, "model name").find("model name"), std::string::npos);

	// A template value that is not a number.
	Profile nan = sampleProfile();
	std::string nanImage = encodeOk(nan);
	size_t lastFloat = nanImage.size() - 4 - 4; // the last template value of the last section
	putU32(nanImage, lastFloat, 0x7fc00000);
	EXPECT_NE(expectRejected(nanImage, "NaN").find("non-finite"), std::string::npos);

	// Section count beyond the sections present.
	bad = image;
	putU32(bad, 36, 3);
	expectRejected(bad, "section count");
	// A section claiming more bytes than the payload has.
	bad = image;
	putU32(bad, kFirstSectionAt + 4, 1u << 30);
	EXPECT_NE(expectRejected(bad, "section length").find("runs past"), std::string::npos);
}

TEST(ProfileFormat, DuplicateModalityIsRejected)
{
	Profile p = sampleProfile();
	Profile single;
	single.uid = 1000;
	single.modalities.push_back(p.modalities[0]);
	std::string one = encodeOk(single);
	// Build the payload with the keystroke section twice by hand.
	size_t sectionBytes = one.size() - 4 - kFirstSectionAt;
	std::string section = one.substr(kFirstSectionAt, sectionBytes);
	std::string twice = one.substr(0, kFirstSectionAt) + section + section + std::string(4, '\0');
	putU32(twice, 36, 2);
	putU32(twice, kPayloadLengthAt, static_cast<uint32_t>(twice.size() - 24));
	reseal(twice);
	Error e = decodeError(twice);
	EXPECT_NE(e.message.find("two keystroke sections"), std::string::npos) << e.message;

	// And the encoder refuses to write one.
	Profile dup = single;
	dup.modalities.push_back(single.modalities[0]);
	auto enc = encodeProfile(dup);
	ASSERT_FALSE(enc);
	EXPECT_EQ(enc.error().errnum, -EINVAL);
}

TEST(ProfileFormat, EncoderChecksInvariants)
{
	auto refused = [](const Profile &p) {
		auto r = encodeProfile(p);
		EXPECT_FALSE(r);
		return r ? std::string() : r.error().message;
	};
	Profile p = sampleProfile();
	p.modalities[0].templates.pop_back();
	EXPECT_NE(refused(p).find("multiple of the dimension"), std::string::npos);
	p = sampleProfile();
	p.modalities[0].templates.clear();
	EXPECT_NE(refused(p).find("ready without templates"), std::string::npos);
	p = sampleProfile();
	p.modalities[0].model.dim = kMaxProfileDimension + 1;
	EXPECT_NE(refused(p).find("dimension"), std::string::npos);
	p = sampleProfile();
	p.modalities[0].templates[3] = std::nanf("");
	EXPECT_NE(refused(p).find("non-finite"), std::string::npos);
	p = sampleProfile();
	p.modalities[0].genuine.variance = -1;
	EXPECT_NE(refused(p).find("statistics"), std::string::npos);
	p = sampleProfile();
	p.modalities[0].templatesNeeded = 0;
	EXPECT_NE(refused(p).find("templates needed"), std::string::npos);
	p = sampleProfile();
	p.modalities[0].model.name = "has space";
	EXPECT_NE(refused(p).find("model name"), std::string::npos);
	p = sampleProfile();
	p.unknown.push_back(OpaqueSection{1, "x"});
	EXPECT_NE(refused(p).find("known tag"), std::string::npos);
}

TEST(ProfileFormat, StateAndProgress)
{
	Profile p;
	EXPECT_EQ(p.state(), ProfileState::None);
	EXPECT_EQ(p.enrollmentProgress(), 0.0);
	EXPECT_EQ(profileStateName(p.state()), "none");

	ModalityProfile m = sampleSection(Modality::Keystroke, ProfileState::Enrolling, 2, 0.0f);
	m.templatesNeeded = 5;
	m.eventsNeeded = 250;
	m.eventsSeen = 200; // events ahead of templates: templates decide
	EXPECT_DOUBLE_EQ(m.progress(), 2.0 / 5.0);
	m.eventsSeen = 50; // templates ahead of events: events decide
	EXPECT_DOUBLE_EQ(m.progress(), 50.0 / 250.0);
	p.modalities.push_back(m);
	EXPECT_EQ(p.state(), ProfileState::Enrolling);
	EXPECT_DOUBLE_EQ(p.enrollmentProgress(), 0.2);

	p.modalities.push_back(sampleSection(Modality::Pointer, ProfileState::Ready, 1, 0.0f));
	EXPECT_EQ(p.state(), ProfileState::Ready);
	EXPECT_EQ(p.enrollmentProgress(), 1.0);
	EXPECT_EQ(profileStateName(p.state()), "ready");
	EXPECT_NE(p.find(Modality::Pointer), nullptr);
	EXPECT_EQ(p.find(Modality::Touch), nullptr);
}

TEST(ProfileFormat, ScoreStatsMatchBatchThenForget)
{
	std::mt19937 rng(3);
	std::normal_distribution<double> n(2.0, 0.5);
	std::vector<double> xs(500);
	ScoreStats s;
	for (double &x : xs) {
		x = n(rng);
		s.add(x, 1000);
	}
	double mean = 0, var = 0;
	for (double x : xs)
		mean += x;
	mean /= static_cast<double>(xs.size());
	for (double x : xs)
		var += (x - mean) * (x - mean);
	var /= static_cast<double>(xs.size());
	EXPECT_EQ(s.count, 500u);
	EXPECT_NEAR(s.mean, mean, 1e-9);
	EXPECT_NEAR(s.variance, var, 1e-9);

	// Past the cap, old scores fade: after a shift the mean follows.
	for (int i = 0; i < 20000; i++)
		s.add(5.0, 1000);
	EXPECT_NEAR(s.mean, 5.0, 1e-3);
	EXPECT_LT(s.variance, 0.01);
	uint64_t before = s.count;
	s.add(std::nan(""), 1000);
	s.add(INFINITY, 1000);
	EXPECT_EQ(s.count, before);
	EXPECT_TRUE(std::isfinite(s.mean));
}

TEST(ProfileFormat, ModalityNames)
{
	for (Modality m : {Modality::Keystroke, Modality::Pointer, Modality::Touch}) {
		EXPECT_EQ(modalityFromName(modalityName(m)), m);
		EXPECT_EQ(modalityFromTag(static_cast<uint8_t>(m)), m);
	}
	EXPECT_EQ(modalityMismatchReason(Modality::Keystroke), "rhythm-mismatch");
	EXPECT_EQ(modalityMismatchReason(Modality::Pointer), "pointer-mismatch");
	EXPECT_FALSE(modalityFromTag(0));
	EXPECT_FALSE(modalityFromTag(4));
	EXPECT_FALSE(modalityFromName("voice"));
}
