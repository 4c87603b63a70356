// SPDX-License-Identifier: MIT
#include "pointer-behaviour.h"

#include "profile-enrollment.h"

#include <algorithm>
#include <cmath>

namespace tactus {

namespace {

/** Counts are halved before any reaches this: exact in binary32, and old behaviour fades. */
constexpr float kHalveAt = 8'388'608.0F; // 2^23
/** Learned actions between two saves of a profile whose state did not change. */
constexpr uint32_t kSaveEvery = 50;

size_t rowWidth(unsigned bins)
{
	return 1 + kPointerFeatureCount * bins;
}

PointerSegmenterConfig segmenterConfig(const PointerModelData &model)
{
	PointerSegmenterConfig c;
	c.pauseUsec = model.pauseMs * 1000;
	return c;
}

} // namespace

ModelId pointerModelId(const PointerModelData &model)
{
	ModelId id;
	id.name = model.name.substr(0, kMaxModelNameBytes);
	id.version = model.version;
	id.dim = static_cast<uint32_t>(rowWidth(model.params.bins));
	return id;
}

PointerTrack::PointerTrack(const PointerScale &scale, const PointerModelData &model)
    : sampler(scale), segmenter(segmenterConfig(model))
{
	const PointerSegmenterConfig c = segmenterConfig(model);
	idleUs = std::max(c.pauseUsec, c.scrollPauseUsec);
	samples.reserve(16);
}

void PointerTrack::reset()
{
	sampler.reset();
	segmenter.reset();
	pending = false;
	held = 0;
}

std::optional<uint64_t> PointerTrack::flushDueUs() const
{
	if (!pending || held > 0)
		return std::nullopt;
	return lastSampleUs + idleUs + 1;
}

PointerBehaviour::PointerBehaviour(const PointerModelData &model, const PointerBehaviourParams &params)
    : model_(model), params_(params), modelId_(pointerModelId(model)), jiggler_(params.jiggler), user_(model.binning)
{
	params_.windowActions = std::max<uint32_t>(params_.windowActions, 1);
	params_.actionsNeeded = std::max<uint64_t>(params_.actionsNeeded, 1);
	unjudged_.reserve(params_.windowActions);
}

void PointerBehaviour::restartWindow()
{
	inWindow_ = 0;
	windowLlr_ = 0.0;
	unjudged_.clear();
}

void PointerBehaviour::adapt(Profile &profile, int64_t realUs, PointerOutcome &out)
{
	ModalityProfile *m = profile.find(Modality::Pointer);
	if (!m || m->model != modelId_ || m->state != ProfileState::Ready)
		return;
	for (const PointerAction &a : unjudged_) {
		learn(*m, a, realUs);
		out.learned++;
		if (m->eventsSeen % kSaveEvery == 0)
			out.save = true;
	}
	if (!unjudged_.empty())
		profile.updatedUs = realUs;
}

bool PointerBehaviour::ready(const Profile &profile) const
{
	const ModalityProfile *m = profile.find(Modality::Pointer);
	return m && isScorable(*m, modelId_) && m->templates.size() == kPointerActionTypes * m->model.dim;
}

bool PointerBehaviour::histogramFromProfile(const ModalityProfile &m, PointerHistogram &out)
{
	const size_t width = m.model.dim;
	if (width < 1 || m.templates.size() != kPointerActionTypes * width)
		return false;
	const size_t perType = width - 1;
	std::array<uint64_t, kPointerActionTypes> types{};
	std::vector<uint64_t> cells;
	cells.reserve(kPointerActionTypes * perType);
	for (size_t t = 0; t < kPointerActionTypes; t++) {
		const float *row = m.templates.data() + t * width;
		types[t] = static_cast<uint64_t>(std::max(0.0F, row[0]));
		for (size_t i = 1; i < width; i++)
			cells.push_back(static_cast<uint64_t>(std::max(0.0F, row[i])));
	}
	return out.setCounts(types, cells);
}

void PointerBehaviour::rebuildScorer(const ModalityProfile &m)
{
	sinceRescore_ = 0;
	if (!histogramFromProfile(m, user_)) {
		scorer_.reset();
		return;
	}
	scorer_.emplace(pointerScorerFor(model_, user_));
}

void PointerBehaviour::learn(ModalityProfile &m, const PointerAction &a, int64_t realUs)
{
	const size_t width = m.model.dim;
	if (m.templates.size() != kPointerActionTypes * width)
		m.templates.assign(kPointerActionTypes * width, 0.0F);
	float *row = m.templates.data() + static_cast<size_t>(a.type) * width;
	row[0] += 1.0F;
	const unsigned bins = model_.params.bins;
	for (size_t f = 0; f < kPointerFeatureCount; f++)
		row[1 + f * bins + model_.binning.bin(a.type, f, a.features[f])] += 1.0F;
	if (row[0] >= kHalveAt)
		for (float &c : m.templates)
			c = std::floor(c / 2.0F);
	m.eventsSeen++;
	m.eventsSinceTemplate++;
	m.updatedUs = realUs;
	if (m.state == ProfileState::Enrolling && m.eventsSeen >= m.eventsNeeded)
		m.state = ProfileState::Ready;
	sinceRescore_++;
}

void PointerBehaviour::action(const PointerAction &a, Profile &profile, SessionTrust &trust, bool injection,
			      int64_t realUs, PointerOutcome &out)
{
	out.actions++;
	// Jigglers and twitches never count; nor do actions of a type the model cannot score (scrolling:
	// its background has none).
	if (!jiggler_.counts(a) || !model_.scores(a.type)) {
		out.ignored++;
		return;
	}
	const auto atUs = static_cast<int64_t>(a.endUsec);
	ModalityProfile *m = profile.find(Modality::Pointer);
	if (m && isScorable(*m, modelId_)) {
		// A profile that was ready before this session (loaded from disk).
		if (auto change = trust.markReady(Modality::Pointer, atUs))
			out.change = change;
		if (!scorer_ || sinceRescore_ >= params_.rescoreEvery)
			rebuildScorer(*m);
		if (scorer_) {
			windowLlr_ += scorer_->evidence(a); // the model's calibration of the type, clamped
			if (!injection && unjudged_.size() < params_.windowActions)
				unjudged_.push_back(a);
			if (++inWindow_ >= params_.windowActions) {
				WindowEvidence e;
				e.timestampUs = atUs;
				e.llr = std::clamp(windowLlr_, -params_.windowLlrLimit, params_.windowLlrLimit);
				e.modality = Modality::Pointer;
				e.events = inWindow_;
				e.newEvents = inWindow_;
				out.windowDone = true;
				out.llr = e.llr;
				if (auto change = trust.add(e))
					out.change = change;
				// Adaptation: the window's actions, now judged, if the
				// window spoke for the user at high trust.
				if (!injection && e.llr >= params_.adaptMinLlr &&
				    trust.trust() >= params_.adaptMinTrust)
					adapt(profile, realUs, out);
				restartWindow();
			}
		}
	}

	// Learning: never from what may be a machine's; after enrollment only
	// through a judged window (above).
	if (injection)
		return;
	const ProfileState stateBefore = profile.state();
	const int percentBefore = static_cast<int>(profile.enrollmentProgress() * 100.0);
	if (!m) {
		profile.modalities.emplace_back();
		m = &profile.modalities.back();
		m->modality = Modality::Pointer;
		m->model = modelId_;
		restartEnrollment(*m, EnrollmentParams{}, realUs);
		m->templatesNeeded = kPointerActionTypes;
		m->eventsNeeded = params_.actionsNeeded;
		if (profile.createdUs == 0)
			profile.createdUs = realUs;
		out.save = true;
	} else if (m->model != modelId_) {
		// Another model's histogram is not comparable: enrollment restarts.
		m->model = modelId_;
		restartEnrollment(*m, EnrollmentParams{}, realUs);
		m->templatesNeeded = kPointerActionTypes;
		m->eventsNeeded = params_.actionsNeeded;
		scorer_.reset();
		out.save = true;
	}
	if (m->state == ProfileState::Ready)
		return;
	if (m->state == ProfileState::Enrolling) {
		// A reset profile got the keystroke rules' needs: the pointer's are these.
		m->templatesNeeded = kPointerActionTypes;
		m->eventsNeeded = params_.actionsNeeded;
	}
	const ProfileState modalityBefore = m->state;
	learn(*m, a, realUs);
	profile.updatedUs = realUs;
	out.learned++;
	if (m->state != modalityBefore || m->eventsSeen % kSaveEvery == 0)
		out.save = true;
	if (profile.state() != stateBefore || static_cast<int>(profile.enrollmentProgress() * 100.0) != percentBefore)
		out.profileState = true;

	// Enrollment completed: the first ready modality starts trust afresh.
	if (ready(profile) && !trust.ready(Modality::Pointer)) {
		scorer_.reset();
		if (auto change = trust.markReady(Modality::Pointer, atUs); change && !out.change)
			out.change = change;
	}
}

PointerOutcome PointerBehaviour::frame(PointerTrack &track, Frame events, Profile &profile, SessionTrust &trust,
				       bool locked, bool injection, int64_t realUs)
{
	PointerOutcome out;
	track.samples.clear();
	const uint32_t scrolls = track.sampler.frame(events, track.samples);
	if (locked) {
		// The locker's clicks: neither learned nor scored, and no action
		// spans the lock.
		track.segmenter.reset();
		restartWindow();
		return out;
	}
	if (scrolls && !events.empty())
		jiggler_.scroll(events.back().timeUsec);
	const bool wasJiggling = jiggler_.jiggling();
	PointerAction a;
	for (const PointerSample &s : track.samples) {
		jiggler_.sample(s);
		track.segmenter.add(s);
		track.pending = true;
		track.lastSampleUs = s.timeUsec;
		if (s.kind == PointerEventKind::ButtonDown)
			track.held++;
		else if (s.kind == PointerEventKind::ButtonUp && track.held > 0)
			track.held--;
		while (track.segmenter.pop(a))
			action(a, profile, trust, injection, realUs, out);
	}
	out.jigglingStarted = !wasJiggling && jiggler_.jiggling();
	return out;
}

PointerOutcome PointerBehaviour::idle(PointerTrack &track, uint64_t nowUs, Profile &profile, SessionTrust &trust,
				      bool locked, bool injection, int64_t realUs)
{
	PointerOutcome out;
	const std::optional<uint64_t> due = track.flushDueUs();
	if (!due || nowUs < *due)
		return out;
	track.pending = false;
	if (locked) {
		track.segmenter.reset();
		restartWindow();
		return out;
	}
	// The segmenter's pause has passed with no sample: what the next
	// sample would end (a movement, a scroll run) ends now.
	track.segmenter.flush();
	PointerAction a;
	while (track.segmenter.pop(a))
		action(a, profile, trust, injection, realUs, out);
	return out;
}

} // namespace tactus
