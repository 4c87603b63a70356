// SPDX-License-Identifier: MIT
#include "touch-behaviour.h"

#include "profile-enrollment.h"

#include <algorithm>
#include <cmath>

namespace tactus {

namespace {

/** Learned strokes between two saves of a profile whose state did not change. */
constexpr uint64_t kSaveEvery = 50;

void startEnrollment(ModalityProfile &m, const ModelId &id, uint64_t needed, int64_t realUs)
{
	m.model = id;
	restartEnrollment(m, EnrollmentParams{}, realUs);
	m.templatesNeeded = kTouchClasses;
	m.eventsNeeded = needed;
	m.templates.assign(kTouchClasses * kTouchRowWidth, 0.0F);
}

} // namespace

TouchClass touchClassOf(const TouchStroke &s)
{
	if (s.kind == TouchStrokeKind::Tap)
		return TouchClass::Tap;
	// Touchalytics' flag: 1 down, 2 right, 3 up, 4 left.
	switch (static_cast<int>(s[TouchFeature::DirectionFlag])) {
	case 1: return TouchClass::Down;
	case 2: return TouchClass::Right;
	case 3: return TouchClass::Up;
	default: return TouchClass::Left;
	}
}

std::array<double, kTouchModelFeatures> touchModelFeatures(const TouchStroke &s)
{
	std::array<double, kTouchModelFeatures> out{};
	for (size_t f = 0; f < kTouchModelFeatures; f++)
		out[f] = std::copysign(std::log1p(std::fabs(s.features[f])), s.features[f]);
	return out;
}

ModelId touchModelId()
{
	return ModelId{"touch-stats", 2, static_cast<uint32_t>(kTouchRowWidth)};
}

TouchBehaviour::TouchBehaviour(const TouchBehaviourParams &params)
    : params_(params), modelId_(touchModelId()),
      window_(Modality::Touch, std::max<uint32_t>(params.windowStrokes, 1), params.windowLlrLimit)
{
	params_.windowStrokes = std::max<uint32_t>(params_.windowStrokes, 1);
	params_.strokesNeeded = std::max<uint64_t>(params_.strokesNeeded, 1);
	contactParams_ = noContactParams_ = params_.model;
	if (params_.weighted) {
		contactParams_.weights = kTouchStatsWeights;
		noContactParams_.weights = kTouchStatsWeightsNoContact;
	}
	unjudged_.reserve(2 * static_cast<size_t>(params_.windowStrokes));
}

void TouchBehaviour::restartWindow()
{
	window_.restart();
	unjudged_.clear();
}

bool TouchBehaviour::cachedStats(const ModalityProfile &m)
{
	if (statsOf_ != &m || statsSeen_ != m.eventsSeen || statsUpdatedUs_ != m.updatedUs) {
		statsOk_ = statsFromProfile(m, stats_);
		statsOf_ = &m;
		statsSeen_ = m.eventsSeen;
		statsUpdatedUs_ = m.updatedUs;
	}
	return statsOk_;
}

void TouchBehaviour::adapt(Profile &profile, int64_t realUs, TouchOutcome &out)
{
	ModalityProfile *m = profile.find(Modality::Touch);
	if (!m || m->model != modelId_ || m->state != ProfileState::Ready)
		return;
	for (const Pending &p : unjudged_) {
		learn(*m, p.c, p.x, realUs);
		out.learned++;
		if (m->eventsSeen % kSaveEvery == 0)
			out.save = true;
	}
	if (!unjudged_.empty())
		profile.updatedUs = realUs;
}

bool TouchBehaviour::ready(const Profile &profile) const
{
	const ModalityProfile *m = profile.find(Modality::Touch);
	std::array<TouchFeatureStats, kTouchClasses> stats;
	return m && isScorable(*m, modelId_) && statsFromProfile(*m, stats);
}

bool TouchBehaviour::statsFromProfile(const ModalityProfile &m, std::array<TouchFeatureStats, kTouchClasses> &out)
{
	if (m.model.dim != kTouchRowWidth || m.templates.size() != kTouchClasses * kTouchRowWidth)
		return false;
	std::array<TouchFeatureStats, kTouchClasses> parsed;
	std::array<double, kTouchModelFeatures> mean{}, variance{};
	for (size_t c = 0; c < kTouchClasses; c++) {
		const float *row = m.templates.data() + c * kTouchRowWidth;
		for (size_t f = 0; f < kTouchModelFeatures; f++) {
			mean[f] = row[1 + f];
			variance[f] = row[1 + kTouchModelFeatures + f];
		}
		parsed[c] = TouchFeatureStats(kTouchModelFeatures);
		if (!parsed[c].assign(row[0], mean, variance))
			return false;
	}
	out = std::move(parsed);
	return true;
}

void TouchBehaviour::learn(ModalityProfile &m, TouchClass c, const std::array<double, kTouchModelFeatures> &x,
			   int64_t realUs)
{
	if (!cachedStats(m)) {
		// A section of the right model but unusable values: it starts afresh.
		m.templates.assign(kTouchClasses * kTouchRowWidth, 0.0F);
		for (TouchFeatureStats &s : stats_)
			s = TouchFeatureStats(kTouchModelFeatures);
	}
	TouchFeatureStats &s = stats_[static_cast<size_t>(c)];
	s.add(x);
	if (s.count() >= kTouchFadeAt)
		s.halve();
	float *row = m.templates.data() + static_cast<size_t>(c) * kTouchRowWidth;
	row[0] = static_cast<float>(s.count());
	for (size_t f = 0; f < kTouchModelFeatures; f++) {
		row[1 + f] = static_cast<float>(s.mean(f));
		row[1 + kTouchModelFeatures + f] = static_cast<float>(s.variance(f));
	}
	m.eventsSeen++;
	m.eventsSinceTemplate++;
	m.updatedUs = realUs;
	if (m.state == ProfileState::Enrolling && m.eventsSeen >= m.eventsNeeded)
		m.state = ProfileState::Ready;
	// stats_ now holds what the section holds (the float rounding of the stored copy aside).
	statsOk_ = true;
	statsOf_ = &m;
	statsSeen_ = m.eventsSeen;
	statsUpdatedUs_ = m.updatedUs;
}

void TouchBehaviour::stroke(const TouchStroke &s, Profile &profile, SessionTrust &trust, bool injection, int64_t realUs,
			    TouchOutcome &out)
{
	out.strokes++;
	const TouchClass c = touchClassOf(s);
	const std::array<double, kTouchModelFeatures> x = touchModelFeatures(s);
	const auto atUs = static_cast<int64_t>(s.endUsec);
	ModalityProfile *m = profile.find(Modality::Touch);
	if (m && isScorable(*m, modelId_) && cachedStats(*m)) {
		// A profile that was ready before this session (loaded from disk).
		if (auto change = trust.markReady(Modality::Touch, atUs))
			out.change = change;
		const TouchStatsScorer scorer(stats_[static_cast<size_t>(c)],
					      s.contact ? contactParams_ : noContactParams_);
		// Kept until the window is judged; a class too thin to be scored yet is learned with the
		// window that judges the strokes around it.
		if (!injection && unjudged_.size() < 2 * static_cast<size_t>(params_.windowStrokes))
			unjudged_.push_back({c, x});
		if (scorer.usable()) {
			if (const std::optional<WindowEvidence> e = window_.add(scorer.llr(x), atUs)) {
				out.windowDone = true;
				out.llr = e->llr;
				if (auto change = trust.add(*e))
					out.change = change;
				// Adaptation: the window's strokes, now judged, if the window spoke for the user at
				// high trust.
				if (!injection && e->llr >= params_.adaptMinLlr &&
				    trust.trust() >= params_.adaptMinTrust)
					adapt(profile, realUs, out);
				unjudged_.clear();
			}
		}
	}

	// Learning: never from what may be a machine's; after enrollment only through a judged window (above).
	if (injection)
		return;
	const ProfileState stateBefore = profile.state();
	const int percentBefore = static_cast<int>(profile.enrollmentProgress() * 100.0);
	if (!m) {
		profile.modalities.emplace_back();
		m = &profile.modalities.back();
		m->modality = Modality::Touch;
		startEnrollment(*m, modelId_, params_.strokesNeeded, realUs);
		if (profile.createdUs == 0)
			profile.createdUs = realUs;
		out.save = true;
	} else if (m->model != modelId_) {
		// Another model's statistics are not comparable: enrollment restarts.
		startEnrollment(*m, modelId_, params_.strokesNeeded, realUs);
		out.save = true;
	}
	if (m->state == ProfileState::Ready)
		return;
	if (m->state == ProfileState::Enrolling) {
		// A reset profile got the keystroke rules' needs: the touch ones are these.
		m->templatesNeeded = kTouchClasses;
		m->eventsNeeded = params_.strokesNeeded;
	}
	const ProfileState modalityBefore = m->state;
	learn(*m, c, x, realUs);
	profile.updatedUs = realUs;
	out.learned++;
	if (m->state != modalityBefore || m->eventsSeen % kSaveEvery == 0)
		out.save = true;
	if (profile.state() != stateBefore || static_cast<int>(profile.enrollmentProgress() * 100.0) != percentBefore)
		out.profileState = true;

	// Enrollment completed: the first ready modality starts trust afresh.
	if (!trust.ready(Modality::Touch) && ready(profile))
		if (auto change = trust.markReady(Modality::Touch, atUs); change && !out.change)
			out.change = change;
}

TouchOutcome TouchBehaviour::frame(TouchTrack &track, Frame events, Profile &profile, SessionTrust &trust, bool locked,
				   bool injection, int64_t realUs)
{
	TouchOutcome out;
	for (const InputEvent &e : events)
		track.tracker.event(e);
	TouchStroke s;
	if (locked) {
		// The locker's taps: neither learned nor scored.
		while (track.tracker.pop(s)) {
		}
		restartWindow();
		return out;
	}
	while (track.tracker.pop(s))
		stroke(s, profile, trust, injection, realUs, out);
	return out;
}

} // namespace tactus
