// SPDX-License-Identifier: MIT
#include "touch-behaviour.h"

#include "profile-enrollment.h"

#include <algorithm>
#include <cmath>

namespace tactus {

namespace {

/** Learned strokes between two saves of a profile whose state did not change. */
constexpr uint64_t kSaveEvery = 50;

/** Axis angle of a swipe class (x right, y down), radians. */
double classAxis(TouchClass c)
{
	switch (c) {
	case TouchClass::Up: return -M_PI / 2;
	case TouchClass::Down: return M_PI / 2;
	case TouchClass::Left: return M_PI;
	default: return 0.0;
	}
}

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
	const double a = s[TouchFeature::Direction];
	if (a >= -M_PI / 4 && a < M_PI / 4)
		return TouchClass::Right;
	if (a >= M_PI / 4 && a < 3 * M_PI / 4)
		return TouchClass::Down;
	if (a >= -3 * M_PI / 4 && a < -M_PI / 4)
		return TouchClass::Up;
	return TouchClass::Left;
}

std::array<double, kTouchModelFeatures> touchModelFeatures(const TouchStroke &s)
{
	auto l = [](double v) { return std::log1p(std::max(0.0, v)); };
	double offset = 0;
	if (s.kind == TouchStrokeKind::Swipe) {
		offset = s[TouchFeature::Direction] - classAxis(touchClassOf(s));
		offset = std::remainder(offset, 2 * M_PI);
	}
	return {
		l(s[TouchFeature::Duration] * 1000.0),
		l(s[TouchFeature::PathLength]),
		l(s[TouchFeature::Chord]),
		s[TouchFeature::Straightness],
		offset,
		l(s[TouchFeature::MeanSpeed]),
		l(s[TouchFeature::MaxSpeed]),
		l(s[TouchFeature::MeanCurvature]),
		l(s[TouchFeature::MaxDeviation]),
		l(s[TouchFeature::MidPressure]),
		l(s[TouchFeature::MeanPressure]),
		l(s[TouchFeature::MidArea]),
		l(s[TouchFeature::MeanMajor]),
	};
}

ModelId touchModelId()
{
	return ModelId{"touch-stats", 1, static_cast<uint32_t>(kTouchRowWidth)};
}

TouchBehaviour::TouchBehaviour(const TouchBehaviourParams &params) : params_(params), modelId_(touchModelId())
{
	params_.windowStrokes = std::max<uint32_t>(params_.windowStrokes, 1);
	params_.strokesNeeded = std::max<uint64_t>(params_.strokesNeeded, 1);
}

void TouchBehaviour::restartWindow()
{
	inWindow_ = 0;
	windowLlr_ = 0.0;
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
			   int64_t realUs) const
{
	std::array<TouchFeatureStats, kTouchClasses> stats;
	if (!statsFromProfile(m, stats)) {
		// A section of the right model but unusable values: it starts afresh.
		m.templates.assign(kTouchClasses * kTouchRowWidth, 0.0F);
		for (TouchFeatureStats &s : stats)
			s = TouchFeatureStats(kTouchModelFeatures);
	}
	TouchFeatureStats &s = stats[static_cast<size_t>(c)];
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
}

void TouchBehaviour::stroke(const TouchStroke &s, Profile &profile, SessionTrust &trust, bool injection, int64_t realUs,
			    TouchOutcome &out)
{
	out.strokes++;
	const TouchClass c = touchClassOf(s);
	const std::array<double, kTouchModelFeatures> x = touchModelFeatures(s);
	const auto atUs = static_cast<int64_t>(s.endUsec);
	ModalityProfile *m = profile.find(Modality::Touch);
	std::array<TouchFeatureStats, kTouchClasses> stats;
	if (m && isScorable(*m, modelId_) && statsFromProfile(*m, stats)) {
		// A profile that was ready before this session (loaded from disk).
		if (auto change = trust.markReady(Modality::Touch, atUs))
			out.change = change;
		const TouchStatsScorer scorer(stats[static_cast<size_t>(c)], params_.model);
		if (scorer.usable()) {
			windowLlr_ += scorer.llr(x);
			if (++inWindow_ >= params_.windowStrokes) {
				WindowEvidence e;
				e.timestampUs = atUs;
				e.llr = std::clamp(windowLlr_, -params_.windowLlrLimit, params_.windowLlrLimit);
				e.modality = Modality::Touch;
				e.events = inWindow_;
				e.newEvents = inWindow_;
				out.windowDone = true;
				out.llr = e.llr;
				if (auto change = trust.add(e))
					out.change = change;
				restartWindow();
			}
		}
	}

	// Learning: never from what may be a machine's; after enrollment only at high trust.
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
	if (m->state == ProfileState::Ready && trust.trust() < params_.adaptMinTrust)
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
	if (ready(profile) && !trust.ready(Modality::Touch))
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
