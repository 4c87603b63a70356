// SPDX-License-Identifier: MIT
#include "profile-enrollment.h"

#include <algorithm>
#include <cmath>

namespace tactus {

namespace {

uint32_t templateCap(const EnrollmentParams &p)
{
	return std::clamp<uint32_t>(p.maxTemplates, 1, kMaxProfileTemplates);
}

uint32_t templatesNeeded(const EnrollmentParams &p)
{
	return std::clamp<uint32_t>(p.templatesNeeded, 1, templateCap(p));
}

void appendTemplate(ModalityProfile &m, std::span<const float> embedding, uint32_t cap)
{
	if (m.templateCount() >= cap) {
		size_t drop = (m.templateCount() - cap + 1) * m.model.dim;
		m.templates.erase(m.templates.begin(), m.templates.begin() + static_cast<ptrdiff_t>(drop));
	}
	m.templates.insert(m.templates.end(), embedding.begin(), embedding.end());
	m.eventsSinceTemplate = 0;
}

LearnResult skipped(std::string_view reason)
{
	LearnResult r;
	r.skipReason = reason;
	return r;
}

bool validEmbedding(std::span<const float> e, const ModelId &model)
{
	return model.dim > 0 && model.dim <= kMaxProfileDimension && e.size() == model.dim &&
	       std::all_of(e.begin(), e.end(), [](float f) { return std::isfinite(f); });
}

/** The checks every window passes before anything is learned; a skip reason or "". */
std::string_view refusal(const ModelId &model, const WindowSample &w, const LearningConditions &c)
{
	if (!validEmbedding(w.embedding, model))
		return "invalid-embedding";
	if (c.sessionLocked)
		return "session-locked";
	if (c.injectionEvidence)
		return "injection-evidence";
	return {};
}

} // namespace

std::string_view learnActionName(LearnAction a)
{
	switch (a) {
	case LearnAction::Skipped: return "skipped";
	case LearnAction::Counted: return "counted";
	case LearnAction::TemplateAdded: return "template-added";
	case LearnAction::Completed: return "completed";
	case LearnAction::Adapted: return "adapted";
	}
	return "skipped";
}

void restartEnrollment(ModalityProfile &m, const EnrollmentParams &params, int64_t nowUs)
{
	m.state = ProfileState::Enrolling;
	m.templates.clear();
	m.templatesNeeded = templatesNeeded(params);
	m.eventsSeen = 0;
	m.eventsNeeded = params.eventsNeeded;
	m.eventsSinceTemplate = 0;
	m.adaptations = 0;
	m.genuine = ScoreStats{};
	m.createdUs = nowUs;
	m.updatedUs = nowUs;
}

bool restartIfModelChanged(ModalityProfile &m, const ModelId &model, const EnrollmentParams &params, int64_t nowUs)
{
	if (m.model == model)
		return false;
	m.model = model;
	restartEnrollment(m, params, nowUs);
	return true;
}

bool restartIfModelChanged(Profile &profile, Modality modality, const ModelId &model, const EnrollmentParams &params,
			   int64_t nowUs)
{
	ModalityProfile *m = profile.find(modality);
	if (!m || !restartIfModelChanged(*m, model, params, nowUs))
		return false;
	profile.updatedUs = nowUs;
	return true;
}

bool isScorable(const ModalityProfile &m, const ModelId &model)
{
	return m.state == ProfileState::Ready && m.model == model && m.templateCount() > 0;
}

LearnResult learnWindow(ModalityProfile &m, const ModelId &model, const WindowSample &window,
			const LearningConditions &conditions, const EnrollmentParams &params, int64_t nowUs)
{
	if (std::string_view why = refusal(model, window, conditions); !why.empty())
		return skipped(why);

	LearnResult result;
	result.restarted = restartIfModelChanged(m, model, params, nowUs);
	result.save = result.restarted;
	const uint32_t cap = templateCap(params);
	const bool longEnough = window.events >= params.minWindowEvents;

	if (m.state != ProfileState::Ready) {
		// Needs follow the configuration, so a changed setting applies
		// to a profile that is still enrolling.
		m.templatesNeeded = templatesNeeded(params);
		m.eventsNeeded = params.eventsNeeded;
		m.eventsSeen += window.newEvents;
		m.eventsSinceTemplate += window.newEvents;
		m.updatedUs = nowUs;
		result.action = LearnAction::Counted;
		if (longEnough && m.eventsSinceTemplate >= params.eventsBetweenTemplates &&
		    m.templateCount() < m.templatesNeeded) {
			appendTemplate(m, window.embedding, cap);
			result.action = LearnAction::TemplateAdded;
			result.save = true;
		}
		if (m.templateCount() >= m.templatesNeeded && m.eventsSeen >= m.eventsNeeded) {
			m.state = ProfileState::Ready;
			result.action = LearnAction::Completed;
			result.save = true;
		}
		return result;
	}

	if (!(conditions.trust >= params.adaptMinTrust)) {
		result.action = LearnAction::Skipped;
		result.skipReason = "trust-low";
		return result;
	}
	m.genuine.add(window.score, params.scoreMemory);
	m.eventsSeen += window.newEvents;
	m.eventsSinceTemplate += window.newEvents;
	m.updatedUs = nowUs;
	result.action = LearnAction::Counted;
	if (longEnough && m.eventsSinceTemplate >= params.eventsBetweenAdaptations) {
		appendTemplate(m, window.embedding, cap);
		m.adaptations++;
		result.action = LearnAction::Adapted;
		result.save = true;
	}
	return result;
}

LearnResult learnWindow(Profile &profile, Modality modality, const ModelId &model, const WindowSample &window,
			const LearningConditions &conditions, const EnrollmentParams &params, int64_t nowUs)
{
	ModalityProfile *m = profile.find(modality);
	bool created = false;
	if (!m) {
		// State none: the section exists from the first window that
		// may be learned, not from one that is refused.
		if (std::string_view why = refusal(model, window, conditions); !why.empty())
			return skipped(why);
		ModalityProfile fresh;
		fresh.modality = modality;
		fresh.model = model;
		restartEnrollment(fresh, params, nowUs);
		profile.modalities.push_back(std::move(fresh));
		m = &profile.modalities.back();
		if (!profile.createdUs)
			profile.createdUs = nowUs;
		created = true;
	}
	LearnResult result = learnWindow(*m, model, window, conditions, params, nowUs);
	result.save = result.save || created;
	if (result.action != LearnAction::Skipped || result.restarted)
		profile.updatedUs = nowUs;
	return result;
}

} // namespace tactus
