// SPDX-License-Identifier: MIT
#pragma once

// The Balabit side of the fusion work (issue 12): training sessions as the
// library's pointer actions, the pointer model file fitted on a set of
// users' training sessions (`tactus-eval pointer-model`), and the split of
// users into development and held-out, the same as `tactus-eval mouse`'s
// (the first half by name develops; the rest is never looked at while
// choosing settings).

#include "balabit-dataset.h"
#include "pointer-features.h"
#include "pointer-model-file.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tactus::eval {

/** One Balabit session as samples (scrolling skipped) and actions. */
struct BalabitSessionActions {
	std::string user, name;
	bool training = false;
	int illegal = -1;
	std::vector<PointerSample> samples; ///< times µs from the client clock, positions in pixels
	std::vector<PointerAction> actions;
};

/** Samples of a Balabit session's rows (scrolling is no movement; µs from the client clock). */
std::vector<PointerSample> balabitSamples(const std::vector<BalabitEvent> &events);

/** Genuine and impostor actions an action type needs for a calibration of its own (`tactus-eval mouse
 * --type-calibration`'s choice). */
inline constexpr size_t kTypeCalibrationMin = 200;

/**
 * Read every training session (and the labelled test sessions if @p tests)
 * of @p dir; errors on stderr. @p ditherMs: each row's client time late by
 * 0..ditherMs ms (addDeliveryJitter, the k-th file in listBalabit() order
 * seeded k + 1), so that times the challenge's logger quantised to its
 * 1/64 s timer tick spread as kernel timestamps do (the shipped model:
 * 16 ms).
 */
bool readBalabitActions(const std::string &dir, const PointerSegmenterConfig &config, bool tests,
			std::vector<BalabitSessionActions> &out, double ditherMs = 0);

/** Users by name, and whether each is a development user (the first half by name). */
std::map<std::string, bool> balabitDevelopmentSplit(const std::vector<BalabitSessionActions> &sessions);

/**
 * Fit the model on the training sessions of @p users: quantile bins and the
 * background on all their training actions; the Platt calibration on
 * genuine and impostor raw scores with each user enrolled on their even
 * sessions and scored on the odd ones (as `tactus-eval mouse`), pooled over
 * the users, once for all action types and once per type
 * (kTypeCalibrationMin); the clamp kPointerLlrClip. Test sessions and labels
 * are never read.
 */
std::unique_ptr<PointerModelData> fitPointerModel(const std::vector<BalabitSessionActions> &sessions,
						  const std::map<std::string, bool> &users, unsigned bins,
						  double smoothing, uint64_t pauseMs);

} // namespace tactus::eval
