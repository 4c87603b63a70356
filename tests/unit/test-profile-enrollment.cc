// SPDX-License-Identifier: MIT
// How a profile learns: none → enrolling → ready, slow adaptation, and every
// rule that stops learning.

#include "profile-enrollment.h"
#include "profile-fixture.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace tactus;
using namespace tactus::test;

namespace {

constexpr int64_t kT0 = 1714567200000000;

/** A D-float embedding whose values are all @p v. */
std::vector<float> embedding(float v, uint32_t dim = 8)
{
	return std::vector<float>(dim, v);
}

/** A full window of 50 keystrokes, @p fresh of them new. */
WindowSample window(const std::vector<float> &e, uint32_t fresh = 5, double score = std::nan(""))
{
	WindowSample w;
	w.embedding = e;
	w.events = 50;
	w.newEvents = fresh;
	w.score = score;
	return w;
}

LearningConditions normalUse(double trust = 0.0)
{
	LearningConditions c;
	c.trust = trust;
	return c;
}

/**
 * Feed windows sliding by 5 keystrokes until the keystroke section is ready;
 * returns the number of windows it took (0 if it never got there in @p max).
 */
int enroll(Profile &p, const EnrollmentParams &params, int max = 1000)
{
	std::vector<float> e = embedding(0.5f);
	for (int i = 1; i <= max; i++) {
		e[0] = static_cast<float>(i); // each window differs, to see which became templates
		LearnResult r =
			learnWindow(p, Modality::Keystroke, sampleModel(), window(e), normalUse(), params, kT0 + i);
		if (r.action == LearnAction::Completed)
			return i;
	}
	return 0;
}

/** A keystroke section that just completed enrollment with the default parameters. */
Profile readyProfile(const EnrollmentParams &params = {})
{
	Profile p;
	p.uid = 1000;
	EXPECT_GT(enroll(p, params), 0);
	return p;
}

} // namespace

TEST(ProfileEnrollment, NoneToEnrollingToReady)
{
	EnrollmentParams params; // 5 templates, 250 events, a template every 50
	Profile p;
	p.uid = 1000;
	EXPECT_EQ(p.state(), ProfileState::None);

	std::vector<float> e = embedding(0.5f);
	std::vector<double> progress;
	int completedAt = 0;
	for (int i = 1; i <= 100 && !completedAt; i++) {
		e[0] = static_cast<float>(i);
		LearnResult r =
			learnWindow(p, Modality::Keystroke, sampleModel(), window(e), normalUse(), params, kT0 + i);
		EXPECT_TRUE(r.skipReason.empty());
		if (i == 1) {
			EXPECT_EQ(p.state(), ProfileState::Enrolling);
			EXPECT_EQ(p.createdUs, kT0 + 1);
			EXPECT_TRUE(r.save) << "state none → enrolling must be saved";
		}
		// A template every 10th window: 10 × 5 new keystrokes = 50.
		if (i % 10 == 0) {
			EXPECT_EQ(r.action, i == 50 ? LearnAction::Completed : LearnAction::TemplateAdded) << i;
			EXPECT_TRUE(r.save);
		} else {
			EXPECT_EQ(r.action, LearnAction::Counted) << i;
		}
		progress.push_back(p.enrollmentProgress());
		if (r.action == LearnAction::Completed)
			completedAt = i;
	}
	EXPECT_EQ(completedAt, 50);
	EXPECT_EQ(p.state(), ProfileState::Ready);
	EXPECT_EQ(p.enrollmentProgress(), 1.0);
	const ModalityProfile &m = *p.find(Modality::Keystroke);
	EXPECT_EQ(m.eventsSeen, 250u);
	ASSERT_EQ(m.templateCount(), 5u);
	// Disjoint windows: the 10th, 20th, ... 50th.
	for (size_t t = 0; t < 5; t++)
		EXPECT_EQ(m.templateAt(t)[0], static_cast<float>(10 * (t + 1)));
	// Progress never goes back and ends at 1.
	for (size_t i = 1; i < progress.size(); i++)
		EXPECT_GE(progress[i], progress[i - 1]);
	EXPECT_DOUBLE_EQ(progress[9], 0.2);
	EXPECT_TRUE(isScorable(m, sampleModel()));
}

TEST(ProfileEnrollment, BothNeedsMustBeMet)
{
	EnrollmentParams params;
	params.eventsNeeded = 400; // more events than 5 templates × 50
	Profile p;
	int windows = enroll(p, params);
	EXPECT_EQ(windows, 80); // 400 / 5
	EXPECT_EQ(p.find(Modality::Keystroke)->templateCount(), 5u) << "no more templates than needed while enrolling";
}

TEST(ProfileEnrollment, ShortWindowsAreNotTemplates)
{
	EnrollmentParams params;
	Profile p;
	std::vector<float> e = embedding(0.5f);
	WindowSample w = window(e, 10);
	w.events = params.minWindowEvents - 1;
	for (int i = 0; i < 20; i++) {
		LearnResult r = learnWindow(p, Modality::Keystroke, sampleModel(), w, normalUse(), params, kT0);
		EXPECT_EQ(r.action, LearnAction::Counted);
	}
	const ModalityProfile &m = *p.find(Modality::Keystroke);
	EXPECT_EQ(m.templateCount(), 0u);
	EXPECT_EQ(m.eventsSeen, 200u);
	// The next full window is taken at once: enough events came since.
	w.events = 50;
	EXPECT_EQ(learnWindow(p, Modality::Keystroke, sampleModel(), w, normalUse(), params, kT0).action,
		  LearnAction::TemplateAdded);
}

TEST(ProfileEnrollment, NothingIsLearnedWhileLocked)
{
	EnrollmentParams params;
	LearningConditions locked = normalUse(1.0);
	locked.sessionLocked = true;
	std::vector<float> e = embedding(0.5f);

	// From none: the section is not even created.
	Profile none;
	LearnResult r = learnWindow(none, Modality::Keystroke, sampleModel(), window(e, 50), locked, params, kT0);
	EXPECT_EQ(r.action, LearnAction::Skipped);
	EXPECT_EQ(r.skipReason, "session-locked");
	EXPECT_FALSE(r.save);
	EXPECT_EQ(none, Profile{});

	// Enrolling and ready: nothing changes, not even a counter.
	Profile enrolling;
	ASSERT_EQ(
		learnWindow(enrolling, Modality::Keystroke, sampleModel(), window(e), normalUse(), params, kT0).action,
		LearnAction::Counted);
	Profile ready = readyProfile();
	for (Profile *p : {&enrolling, &ready}) {
		const Profile before = *p;
		for (int i = 0; i < 500; i++)
			EXPECT_EQ(learnWindow(*p, Modality::Keystroke, sampleModel(), window(e, 50, 1.0), locked,
					      params, kT0 + i)
					  .skipReason,
				  "session-locked");
		EXPECT_EQ(*p, before);
	}
}

TEST(ProfileEnrollment, NothingIsLearnedWhileInjectionEvidenceStands)
{
	EnrollmentParams params;
	LearningConditions injected = normalUse(1.0);
	injected.injectionEvidence = true;
	std::vector<float> e = embedding(0.5f);

	Profile none;
	EXPECT_EQ(
		learnWindow(none, Modality::Keystroke, sampleModel(), window(e, 50), injected, params, kT0).skipReason,
		"injection-evidence");
	EXPECT_EQ(none, Profile{});

	Profile ready = readyProfile();
	const Profile before = ready;
	for (int i = 0; i < 500; i++)
		EXPECT_EQ(learnWindow(ready, Modality::Keystroke, sampleModel(), window(e, 50, 1.0), injected, params,
				      kT0 + i)
				  .skipReason,
			  "injection-evidence");
	EXPECT_EQ(ready, before);
}

TEST(ProfileEnrollment, AdaptationOnlyWhileTrustIsHigh)
{
	EnrollmentParams params;
	Profile p = readyProfile();
	const Profile before = p;
	std::vector<float> e = embedding(9.0f);

	// Below the trust bar: nothing, not even the score statistics.
	for (double trust : {0.0, 0.5, params.adaptMinTrust - 1e-9, std::nan("")}) {
		LearnResult r = learnWindow(p, Modality::Keystroke, sampleModel(), window(e, 50, 1.0), normalUse(trust),
					    params, kT0);
		EXPECT_EQ(r.action, LearnAction::Skipped);
		EXPECT_EQ(r.skipReason, "trust-low");
	}
	EXPECT_EQ(p, before);

	// At high trust: counted, statistics updated, and one template per
	// 1,000 keystrokes: slow.
	int adapted = 0;
	for (int i = 1; i <= 400; i++) {
		LearnResult r = learnWindow(p, Modality::Keystroke, sampleModel(), window(e, 5, 2.0),
					    normalUse(params.adaptMinTrust), params, kT0 + i);
		if (r.action == LearnAction::Adapted) {
			adapted++;
			EXPECT_EQ(i % 200, 0) << "adapted after " << 5 * i << " keystrokes";
			EXPECT_TRUE(r.save);
		} else {
			EXPECT_EQ(r.action, LearnAction::Counted);
			EXPECT_FALSE(r.save);
		}
	}
	const ModalityProfile &m = *p.find(Modality::Keystroke);
	EXPECT_EQ(adapted, 2);
	EXPECT_EQ(m.adaptations, 2u);
	EXPECT_EQ(m.templateCount(), 7u);
	EXPECT_EQ(m.templateAt(6)[0], 9.0f);
	EXPECT_EQ(m.genuine.count, 400u);
	EXPECT_DOUBLE_EQ(m.genuine.mean, 2.0);
	EXPECT_EQ(m.state, ProfileState::Ready);
}

TEST(ProfileEnrollment, AdaptationReplacesTheOldestAtTheCap)
{
	EnrollmentParams params;
	params.maxTemplates = 6;
	params.eventsBetweenAdaptations = 50;
	Profile p = readyProfile(params);
	ModalityProfile &m = *p.find(Modality::Keystroke);
	ASSERT_EQ(m.templateCount(), 5u);
	std::vector<float> first(m.templateAt(0).begin(), m.templateAt(0).end());
	std::vector<float> second(m.templateAt(1).begin(), m.templateAt(1).end());
	for (int k = 0; k < 3; k++) {
		std::vector<float> e = embedding(100.0f + static_cast<float>(k));
		EXPECT_EQ(learnWindow(m, sampleModel(), window(e, 50), normalUse(1.0), params, kT0).action,
			  LearnAction::Adapted);
	}
	ASSERT_EQ(m.templateCount(), 6u);
	// The two oldest went, the newest three are at the end, oldest first.
	EXPECT_NE(std::vector<float>(m.templateAt(0).begin(), m.templateAt(0).end()), first);
	EXPECT_NE(std::vector<float>(m.templateAt(0).begin(), m.templateAt(0).end()), second);
	EXPECT_EQ(m.templateAt(3)[0], 100.0f);
	EXPECT_EQ(m.templateAt(5)[0], 102.0f);
	EXPECT_TRUE(encodeProfile(p));
}

TEST(ProfileEnrollment, AnotherModelVersionRestartsEnrollment)
{
	EnrollmentParams params;
	Profile p = readyProfile();
	ModelId newer = sampleModel(4);
	EXPECT_TRUE(isScorable(*p.find(Modality::Keystroke), sampleModel()));
	EXPECT_FALSE(isScorable(*p.find(Modality::Keystroke), newer)) << "templates of model 3 scored by model 4";

	// On load: the daemon adopts the running model before scoring.
	Profile loaded = p;
	EXPECT_TRUE(restartIfModelChanged(loaded, Modality::Keystroke, newer, params, kT0 + 99));
	const ModalityProfile &m = *loaded.find(Modality::Keystroke);
	EXPECT_EQ(m.state, ProfileState::Enrolling);
	EXPECT_EQ(m.model, newer);
	EXPECT_EQ(m.templateCount(), 0u);
	EXPECT_EQ(m.eventsSeen, 0u);
	EXPECT_EQ(m.createdUs, kT0 + 99);
	EXPECT_EQ(loaded.updatedUs, kT0 + 99);
	EXPECT_EQ(loaded.enrollmentProgress(), 0.0);
	EXPECT_FALSE(restartIfModelChanged(loaded, Modality::Keystroke, newer, params, kT0 + 100));
	EXPECT_FALSE(restartIfModelChanged(loaded, Modality::Touch, newer, params, kT0 + 100));

	// Or on the next window, which then counts towards the new enrollment.
	std::vector<float> e = embedding(0.5f);
	LearnResult r = learnWindow(p, Modality::Keystroke, newer, window(e), normalUse(1.0), params, kT0 + 200);
	EXPECT_TRUE(r.restarted);
	EXPECT_TRUE(r.save);
	EXPECT_EQ(r.action, LearnAction::Counted);
	EXPECT_EQ(p.find(Modality::Keystroke)->eventsSeen, 5u);
	EXPECT_EQ(p.state(), ProfileState::Enrolling);

	// A dimension change is another model too, even under the same name and version.
	Profile q = readyProfile();
	ModelId wider = sampleModel(3, 16);
	std::vector<float> e16 = embedding(0.5f, 16);
	r = learnWindow(q, Modality::Keystroke, wider, window(e16), normalUse(1.0), params, kT0);
	EXPECT_TRUE(r.restarted);
	EXPECT_EQ(q.find(Modality::Keystroke)->model.dim, 16u);
}

TEST(ProfileEnrollment, InvalidEmbeddingsAreSkipped)
{
	EnrollmentParams params;
	Profile p;
	std::vector<float> shortE = embedding(0.5f, 7);
	EXPECT_EQ(
		learnWindow(p, Modality::Keystroke, sampleModel(), window(shortE), normalUse(), params, kT0).skipReason,
		"invalid-embedding");
	std::vector<float> nan = embedding(0.5f);
	nan[3] = std::nanf("");
	EXPECT_EQ(learnWindow(p, Modality::Keystroke, sampleModel(), window(nan), normalUse(), params, kT0).skipReason,
		  "invalid-embedding");
	EXPECT_EQ(p, Profile{});
}

TEST(ProfileEnrollment, ChangedNeedsApplyWhileEnrolling)
{
	EnrollmentParams params;
	Profile p;
	p.uid = 1000;
	std::vector<float> e = embedding(0.5f);
	for (int i = 0; i < 30; i++)
		(void)learnWindow(p, Modality::Keystroke, sampleModel(), window(e), normalUse(), params, kT0);
	EXPECT_DOUBLE_EQ(p.enrollmentProgress(), 3.0 / 5.0);
	// The administrator lowers the need: the next window completes it.
	params.templatesNeeded = 3;
	params.eventsNeeded = 150;
	EXPECT_EQ(learnWindow(p, Modality::Keystroke, sampleModel(), window(e), normalUse(), params, kT0).action,
		  LearnAction::Completed);
}

TEST(ProfileEnrollment, ModalitiesLearnApart)
{
	EnrollmentParams params;
	Profile p = readyProfile();
	std::vector<float> e = embedding(0.5f);
	LearnResult r = learnWindow(p, Modality::Pointer, sampleModel(), window(e), normalUse(), params, kT0);
	EXPECT_EQ(r.action, LearnAction::Counted);
	EXPECT_EQ(p.find(Modality::Pointer)->state, ProfileState::Enrolling);
	EXPECT_EQ(p.find(Modality::Keystroke)->state, ProfileState::Ready);
	EXPECT_EQ(p.state(), ProfileState::Ready);
}

TEST(ProfileEnrollment, ActionNames)
{
	EXPECT_EQ(learnActionName(LearnAction::Skipped), "skipped");
	EXPECT_EQ(learnActionName(LearnAction::TemplateAdded), "template-added");
	EXPECT_EQ(learnActionName(LearnAction::Completed), "completed");
	EXPECT_EQ(learnActionName(LearnAction::Adapted), "adapted");
}
