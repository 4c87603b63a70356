// SPDX-License-Identifier: MIT
#pragma once

// A user's behaviour profile: per modality, the enrollment templates and
// aggregate statistics the scorer needs, and nothing else (DESIGN.md,
// "Privacy"): no key, no key class, no sequence of either, no text. This
// file holds the value type and its on-disk encoding; profile-store.h reads
// and writes the files, profile-enrollment.h decides how a profile learns.
//
// File format, version 1. Integers little-endian, floats IEEE 754 binary32
// (templates) or binary64 (statistics), little-endian; times are
// CLOCK_REALTIME in µs since the Unix epoch.
//
//   offset  size  field
//   0       8     magic "TACTUSPF"            (same in every version)
//   8       4     u32 format version (1)       (same place in every version)
//   12      4     u32 uid the profile belongs to
//   16      4     u32 payload length P
//   20      P     payload
//   20+P    4     u32 CRC-32 (zlib, ISO-HDLC) of bytes [0, 20+P)
//
//   payload:  i64 created, i64 updated, u32 section count, then per section
//             u8 modality tag, 3 zero bytes, u32 body length L, L bytes body.
//             Known tags (Modality) appear at most once; a section with an
//             unknown tag is kept verbatim and written back unchanged.
//   modality body:
//             u8 state (1 enrolling, 2 ready), 3 zero bytes,
//             u16 model name length n (0..64), n bytes printable ASCII,
//             u32 model version, i64 created, i64 updated,
//             u32 templates needed, u64 events seen, u64 events needed,
//             u64 events since the last template, u32 adaptations,
//             u64 genuine score count, f64 mean, f64 variance,
//             u32 dimension D, u32 template count N, N × D f32 (row-major,
//             oldest template first).
//
// A file is whole or it is rejected: its size must be exactly 24 + P, the
// CRC must match, every field must be in range and every section fully used.

#include "modality.h"
#include "util-result.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace tactus {

/** The newest profile format version this code reads and the one it writes. */
inline constexpr uint32_t kProfileFormatVersion = 1;
/** Profile files larger than this are rejected before they are read (bytes). */
inline constexpr size_t kMaxProfileBytes = size_t{1} << 20;
/** Most templates one modality may hold (format limit; EnrollmentParams picks the working cap). */
inline constexpr uint32_t kMaxProfileTemplates = 128;
/** Largest embedding dimension a profile may hold. */
inline constexpr uint32_t kMaxProfileDimension = 512;
/** Longest model name, in bytes. */
inline constexpr size_t kMaxModelNameBytes = 64;

/** Where a user's profile stands, per modality and overall; the bus property `ProfileState`. */
enum class ProfileState : uint8_t {
	None = 0,      ///< nothing learned yet (never written to a file)
	Enrolling = 1, ///< learning from normal use; not scored
	Ready = 2,     ///< templates complete; scored, adapts slowly
};

/** "none", "enrolling", "ready". */
std::string_view profileStateName(ProfileState s);

/**
 * Which scorer made a profile's templates. Templates are only comparable to
 * embeddings from the same model name, version and dimension.
 */
struct ModelId {
	std::string name;     ///< e.g. "keystroke-lstm"; printable ASCII, ≤ 64 bytes
	uint32_t version = 0; ///< bumped whenever the weights change
	uint32_t dim = 0;     ///< embedding dimension D, 1..kMaxProfileDimension

	bool operator==(const ModelId &) const = default;
};

/**
 * Running mean and variance of the genuine user's window scores, for
 * adaptation and per-user calibration. Welford's update (Welford 1962,
 * Technometrics 4(3)) until @c count reaches the cap, then an exponentially
 * weighted update with weight 1/cap (Finch 2009, "Incremental calculation of
 * weighted mean and variance"), so old sessions fade out.
 */
struct ScoreStats {
	uint64_t count = 0;    ///< scores seen (counts on past the cap)
	double mean = 0.0;     ///< in the scorer's units
	double variance = 0.0; ///< population variance, ≥ 0

	/** Add one score; @p cap ≥ 1 is the count after which old scores decay. Non-finite scores are ignored. */
	void add(double score, uint64_t cap);
	bool operator==(const ScoreStats &) const = default;
};

/** What a profile knows about one modality. */
struct ModalityProfile {
	Modality modality = Modality::Keystroke;
	ProfileState state = ProfileState::Enrolling; ///< Enrolling or Ready (None is never stored)
	ModelId model;                                ///< the model the templates were made with
	int64_t createdUs = 0;                        ///< CLOCK_REALTIME µs; enrollment (re)started
	int64_t updatedUs = 0;                        ///< CLOCK_REALTIME µs; last change
	uint32_t templatesNeeded = 1;                 ///< templates to complete enrollment, ≥ 1
	uint64_t eventsSeen = 0;                      ///< events (keystrokes, strokes) learned from
	uint64_t eventsNeeded = 0;                    ///< events to complete enrollment
	uint64_t eventsSinceTemplate = 0;             ///< learned events since the newest template was taken
	uint32_t adaptations = 0;                     ///< templates taken after enrollment completed
	ScoreStats genuine;                           ///< genuine window scores seen while ready
	std::vector<float> templates;                 ///< N × model.dim, row-major, oldest first

	/** Number of templates N. */
	size_t templateCount() const { return model.dim ? templates.size() / model.dim : 0; }
	/** Template @p i (0 = oldest) as D floats. */
	std::span<const float> templateAt(size_t i) const;
	/** Enrollment progress in [0, 1]: the lesser of templates and events against their needs; 1 when ready. */
	double progress() const;

	bool operator==(const ModalityProfile &) const = default;
};

/** A section of a newer format's modality this version cannot read, kept verbatim. */
struct OpaqueSection {
	uint8_t tag = 0;
	std::string body;

	bool operator==(const OpaqueSection &) const = default;
};

/** One user's profile: a file `<uid>.profile`. */
struct Profile {
	uid_t uid = 0;
	int64_t createdUs = 0;                   ///< CLOCK_REALTIME µs
	int64_t updatedUs = 0;                   ///< CLOCK_REALTIME µs
	std::vector<ModalityProfile> modalities; ///< at most one per Modality
	std::vector<OpaqueSection> unknown;      ///< sections of modalities this version does not know

	/** The section for @p m, nullptr if the profile has none. */
	ModalityProfile *find(Modality m);
	const ModalityProfile *find(Modality m) const;
	/**
	 * The overall state for the bus: Ready if any modality is ready (it can
	 * be scored), else Enrolling if any is enrolling, else None.
	 */
	ProfileState state() const;
	/** EnrollmentProgress for the bus, in [0, 1]: 1 if ready, else the most advanced modality's progress. */
	double enrollmentProgress() const;

	bool operator==(const Profile &) const = default;
};

/**
 * The file image of @p profile. Fails with -EINVAL if the profile breaks an
 * invariant the format checks (template count not a multiple of the
 * dimension, limits, duplicate modality, non-finite values), -EFBIG if the
 * image would exceed kMaxProfileBytes.
 */
Result<std::string> encodeProfile(const Profile &profile);

/**
 * Parse a file image, checking it belongs to @p uid. Errors name what is
 * wrong (not the file; the caller knows it): -EBADMSG for an empty,
 * truncated, garbage, checksum-failing, malformed or wrong-uid image,
 * -EFBIG for one larger than kMaxProfileBytes, -EPROTONOSUPPORT for a format
 * version this code does not read (newer, or 0).
 */
Result<Profile> decodeProfile(std::string_view bytes, uid_t uid);

/** True if @p e (from decodeProfile or ProfileStore::load) means the file is unusable and should be set aside. */
bool isInvalidProfileError(const Error &e);

} // namespace tactus
