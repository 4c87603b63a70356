// SPDX-License-Identifier: MIT
#include "keystroke-behaviour.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <span>

namespace tactus {

ModelId keystrokeModelId(const KeystrokeModel &model)
{
	ModelId id;
	id.name = model.version().substr(0, kMaxModelNameBytes);
	id.version = kKeystrokeModelFormat;
	id.dim = model.embeddingSize();
	return id;
}

KeystrokeBehaviour::KeystrokeBehaviour(const KeystrokeModel &model, const KeystrokeBehaviourParams &params)
    : model_(model), params_(params), modelId_(keystrokeModelId(model)), embedder_(model)
{
	params_.windowKeys = std::clamp<uint32_t>(params_.windowKeys, 1,
						  static_cast<uint32_t>(std::max<size_t>(model.maxKeys(), 1)));
	params_.strideKeys = std::clamp<uint32_t>(params_.strideKeys, 1, params_.windowKeys);
	window_.reserve(params_.windowKeys);
	ordered_.reserve(params_.windowKeys);
	embedding_.resize(model.embeddingSize());
}

void KeystrokeBehaviour::restartWindow()
{
	window_.clear();
	head_ = 0;
	sinceWindow_ = 0;
}

bool KeystrokeBehaviour::ready(const Profile &profile) const
{
	const ModalityProfile *m = profile.find(Modality::Keystroke);
	return m && isScorable(*m, modelId_);
}

KeystrokeOutcome KeystrokeBehaviour::keystroke(const KeystrokeRow &row, Profile &profile, SessionTrust &trust,
					       bool locked, bool injection, int64_t monoUs, int64_t realUs)
{
	KeystrokeOutcome out;
	if (locked) {
		// The password typed into the locker: never learned, never
		// scored, and no window may hold it together with other typing.
		restartWindow();
		return out;
	}
	if (window_.size() < params_.windowKeys) {
		window_.push_back(row);
	} else {
		window_[head_] = row;
		head_ = (head_ + 1) % window_.size();
	}
	sinceWindow_++;
	if (window_.size() < params_.windowKeys || sinceWindow_ < params_.strideKeys)
		return out;

	// The window in keystroke order.
	ordered_.clear();
	for (size_t i = 0; i < window_.size(); i++)
		ordered_.push_back(window_[(head_ + i) % window_.size()]);
	const uint32_t fresh = sinceWindow_;
	sinceWindow_ = 0;
	if (!embedder_.embed(ordered_, embedding_))
		return out;
	out.windowDone = true;

	const ProfileState stateBefore = profile.state();
	const double progressBefore = profile.enrollmentProgress();

	WindowSample sample;
	sample.embedding = std::span<const float>(embedding_.data(), static_cast<size_t>(embedding_.size()));
	sample.events = static_cast<uint32_t>(ordered_.size());
	sample.newEvents = std::min<uint32_t>(fresh, sample.events);

	const ModalityProfile *m = profile.find(Modality::Keystroke);
	if (m && isScorable(*m, modelId_)) {
		// A profile that was ready before this session (loaded from disk).
		out.change = trust.markReady(Modality::Keystroke, monoUs);
		const auto n = static_cast<Eigen::Index>(m->templateCount());
		const auto d = static_cast<Eigen::Index>(m->model.dim);
		// Templates are stored N × D row-major: as a D × N column-major
		// matrix, each column is one template.
		templates_ = Eigen::Map<const Eigen::MatrixXf>(m->templates.data(), d, n);
		out.distance = model_.score(embedding_, templates_);
		out.llr = model_.llr(out.distance);
		out.scored = true;
		sample.score = out.distance;
		WindowEvidence evidence;
		evidence.timestampUs = monoUs;
		evidence.llr = out.llr;
		evidence.modality = Modality::Keystroke;
		evidence.events = sample.events;
		evidence.newEvents = sample.newEvents;
		if (auto change = trust.add(evidence))
			out.change = change;
	}

	LearningConditions conditions;
	conditions.sessionLocked = false;
	conditions.injectionEvidence = injection;
	conditions.trust = trust.trust();
	out.learn = learnWindow(profile, Modality::Keystroke, modelId_, sample, conditions, params_.enrollment, realUs);
	out.profileState = profile.state() != stateBefore || profile.enrollmentProgress() != progressBefore;

	// Enrollment completed: scoring starts from a fresh trust, the
	// enrollment itself being the user's own typing (unless another
	// modality of the session is already judged).
	if (ready(profile) && !trust.ready(Modality::Keystroke))
		if (auto change = trust.markReady(Modality::Keystroke, monoUs); change && !out.change)
			out.change = change;
	return out;
}

} // namespace tactus
