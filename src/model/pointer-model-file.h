// SPDX-License-Identifier: MIT
#pragma once

// The population side of the pointer model as a data file (issue 12): what
// tactusd needs to score a user's pointer actions besides the user's own
// histogram — the quantile bin edges, the background histogram of other
// people, the Platt calibration and the segmentation pause, all fitted on the
// Balabit challenge's training sessions (never its test labels) by
// `tactus-eval pointer-model DIR --output FILE` (tools/tactus-eval-pointer-model.cc).
// Aggregate counts only: no trajectory, no person's data can be read back.
//
// Text, one record per line, '#' comments and blank lines ignored:
//   tactus-pointer-model 2            magic and format version (first line)
//   name NAME                         printable ASCII, no spaces, ≤ 64 bytes
//   version N                         bumped whenever the fit changes (profiles restart)
//   bins B                            2..64
//   smoothing A                       Laplace α, > 0
//   pause-ms MS                       segmentation pause, 10..60000
//   calibration SCALE OFFSET          llr = SCALE · raw + OFFSET
//   type-calibration TYPE SCALE OFFSET   optional, at most once per type: that type's own (else 'calibration')
//   clip NATS                         optional, once: each action's llr clamped to ±NATS, 0..100 (0: none)
//   edges TYPE FEATURE E1 .. Ek       k < B, strictly ascending (every type × feature once)
//   background-types C0 C1 C2 C3      action counts per type
//   background TYPE FEATURE C0 .. C(B-1)   (every type × feature once)
//   end
// TYPE is an action type name (mouse-move, point-click, drag-drop, scroll), FEATURE a
// feature name (pointerFeatureName()). Anything else is an error naming the line.
// Scroll runs are not scored unless the background has some (the model knows
// nothing of how other people scroll: Balabit's scroll rows are not in it).
//
// Format history: 1 had no type-calibration and clip records and two features
// fewer (no pause-before-action, time-since-click); it is refused with a clear error (its bins
// cannot score the features of today's actions): make a new file with
// `tactus-eval pointer-model`.

#include "pointer-features.h"
#include "pointer-model.h"
#include "util-result.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tactus {

/** The pointer model file format version this tactus reads and writes. */
inline constexpr uint32_t kPointerModelFormat = 2;
/** Pointer model files larger than this are refused (bytes). */
inline constexpr size_t kMaxPointerModelBytes = size_t{1} << 20;

/** A loaded pointer model: population binning, background, calibration, settings. Not copyable (the
 * background refers to the binning). */
struct PointerModelData {
	std::string name;
	uint32_t version = 0;
	PointerModelParams params;
	uint64_t pauseMs = 1000;
	PointerCalibration calibration;
	/** Per action type: the type's own calibration (`type-calibration`); none: `calibration`. */
	std::array<std::optional<PointerCalibration>, kPointerActionTypes> typeCalibration{};
	/** Each action's llr clamped to ±clip nats before windows add them (0: none). */
	double clip = 0.0;
	PointerBinning binning;
	PointerHistogram background{binning};

	PointerModelData() = default;
	PointerModelData(const PointerModelData &) = delete;
	PointerModelData &operator=(const PointerModelData &) = delete;

	/**
	 * True if actions of type @p t are scored (and learned): every movement
	 * type; scroll runs only if the background has some (else the user's
	 * scrolling would count for them against a background that never
	 * scrolls, whoever scrolls).
	 */
	bool scores(PointerActionType t) const
	{
		return t != PointerActionType::Scroll || background.actions(PointerActionType::Scroll) > 0;
	}
};

/**
 * The scorer of @p user's histogram (same binning as @p model) under @p model:
 * its background and smoothing, each type's calibration and the clamp
 * (PointerScorer::evidence()). @p model outlives the scorer.
 */
PointerScorer pointerScorerFor(const PointerModelData &model, const PointerHistogram &user);

/**
 * Parse a pointer model file's text. -EBADMSG with "line N: what" for
 * garbage, a wrong magic, a missing or repeated record, a value out of
 * range; -EPROTONOSUPPORT for another format version; -EFBIG above
 * kMaxPointerModelBytes.
 */
Result<std::unique_ptr<PointerModelData>> parsePointerModel(std::string_view text);

/** Read and parse @p path (errors as parsePointerModel(), or the errno of the read, naming the path). */
Result<std::unique_ptr<PointerModelData>> loadPointerModel(const std::string &path);

/** The file text of @p model; parsePointerModel() reads it back to an equal model. */
std::string formatPointerModel(const PointerModelData &model);

} // namespace tactus
