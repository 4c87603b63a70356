// SPDX-License-Identifier: MIT
// KeystrokeBehaviour and the decider's keystroke path: enrollment from
// normal typing, nothing learned or scored while locked, scoring once the
// profile is ready, trust falling on evidence against the user, and
// re-authentication — with a tiny model whose calibration a test may set.

#include "decider.h"
#include "keystroke-behaviour.h"
#include "keystroke-model.h"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using namespace tactus;

namespace {

std::string fixturePath()
{
	const char *root = getenv("TACTUS_SOURCE_ROOT");
	return std::string(root ? root : ".") + "/tests/data/keystroke-model/tiny.tkm";
}

std::string readFile(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

// The tiny fixture model with its calibration line replaced (and its
// checksum recomputed): "calibration logistic A B" gives llr = A + B * distance.
Result<KeystrokeModel> modelWithCalibration(const std::string &calibration)
{
	std::string text = readFile(fixturePath());
	const size_t at = text.find("calibration ");
	if (at == std::string::npos)
		return makeError(-EINVAL, "fixture has no calibration line");
	const size_t end = text.find('\n', at);
	text.replace(at, end - at, calibration);
	const size_t trailer = text.rfind("crc32 ");
	std::string body = text.substr(0, trailer);
	char crc[32];
	snprintf(crc, sizeof(crc), "crc32 %08x\n", crc32(body));
	return KeystrokeModel::parse(body + crc, "tiny (test calibration)");
}

// Human-like keystroke rows, deterministic.
struct Typist {
	uint32_t state;
	int64_t holdMs, gapMs;
	explicit Typist(uint32_t seed, int64_t hold = 95, int64_t gap = 180) : state(seed), holdMs(hold), gapMs(gap) {}
	int64_t jitter(int64_t span)
	{
		state = state * 1103515245u + 12345u;
		return static_cast<int64_t>((state >> 16) % static_cast<uint32_t>(span));
	}
	KeystrokeRow row()
	{
		KeystrokeRow r;
		r.holdUs = (holdMs + jitter(40)) * 1000;
		r.ppUs = (gapMs + jitter(120)) * 1000;
		r.rpUs = r.ppUs - (holdMs + 20) * 1000;
		r.prUs = r.ppUs + r.holdUs;
		r.rrUs = r.ppUs;
		r.rollover = r.rpUs < 0;
		r.keyClass = static_cast<uint8_t>(jitter(6));
		return r;
	}
};

Profile freshProfile()
{
	Profile p;
	p.uid = 1000;
	return p;
}

} // namespace

TEST(KeystrokeBehaviour, EnrollsFromNormalTypingThenTrusts)
{
	auto model = KeystrokeModel::load(fixturePath());
	ASSERT_TRUE(model.ok()) << model.error().message;
	KeystrokeBehaviour k(*model, {});
	SessionTrust trust(0);
	Profile profile = freshProfile();
	Typist t(1);
	int64_t now = 0;
	unsigned saves = 0, published = 0, windows = 0;
	std::optional<TrustChange> enrolled;
	for (unsigned i = 0; i < 400 && !enrolled; i++) {
		now += 200'000;
		auto out = k.keystroke(t.row(), profile, trust, false, false, now, 1'700'000'000'000'000 + now);
		windows += out.windowDone;
		saves += out.learn.save;
		published += out.profileState;
		EXPECT_FALSE(out.scored);
		if (out.change)
			enrolled = out.change;
		if (!enrolled) {
			EXPECT_EQ(trust.verdict(), Verdict::Learning);
		}
	}
	ASSERT_TRUE(enrolled.has_value());
	EXPECT_EQ(enrolled->from, Verdict::Learning);
	EXPECT_EQ(enrolled->to, Verdict::Trusted);
	EXPECT_EQ(enrolled->cause, "enrolled");
	EXPECT_EQ(profile.state(), ProfileState::Ready);
	EXPECT_EQ(profile.enrollmentProgress(), 1.0);
	EXPECT_GE(saves, 5u); // one per template at least
	EXPECT_GT(published, 0u);
	// The first window needs 50 keystrokes, then one per 10.
	EXPECT_GE(windows, 5u);

	// Ready: windows are scored, with the model's calibration.
	bool scored = false;
	for (unsigned i = 0; i < 20; i++) {
		now += 200'000;
		auto out = k.keystroke(t.row(), profile, trust, false, false, now, 1'700'000'000'000'000 + now);
		if (out.scored) {
			scored = true;
			EXPECT_NEAR(out.llr, model->llr(out.distance), 1e-9);
			EXPECT_GE(out.distance, 0.0);
		}
	}
	EXPECT_TRUE(scored);
}

TEST(KeystrokeBehaviour, NothingLearnedOrScoredWhileLocked)
{
	auto model = KeystrokeModel::load(fixturePath());
	ASSERT_TRUE(model.ok()) << model.error().message;
	KeystrokeBehaviour k(*model, {});
	SessionTrust trust(0);
	Profile profile = freshProfile();
	Typist t(2);
	for (unsigned i = 0; i < 400; i++) {
		auto out = k.keystroke(t.row(), profile, trust, true, false, i * 200'000, 0);
		EXPECT_FALSE(out.windowDone);
		EXPECT_FALSE(out.learn.save);
	}
	EXPECT_EQ(profile.state(), ProfileState::None);
	// Unlocked: the window starts empty — 49 keystrokes make no window.
	for (unsigned i = 0; i < 49; i++)
		EXPECT_FALSE(
			k.keystroke(t.row(), profile, trust, false, false, 90'000'000 + i * 200'000, 0).windowDone);
	EXPECT_TRUE(k.keystroke(t.row(), profile, trust, false, false, 100'000'000, 0).windowDone);
}

TEST(KeystrokeBehaviour, NothingLearnedWhileInjectionEvidenceStands)
{
	auto model = KeystrokeModel::load(fixturePath());
	ASSERT_TRUE(model.ok()) << model.error().message;
	KeystrokeBehaviour k(*model, {});
	SessionTrust trust(0);
	Profile profile = freshProfile();
	Typist t(3);
	bool sawWindow = false;
	for (unsigned i = 0; i < 300; i++) {
		auto out = k.keystroke(t.row(), profile, trust, false, true, i * 200'000, 0);
		if (out.windowDone) {
			sawWindow = true;
			EXPECT_EQ(out.learn.skipReason, "injection-evidence");
		}
	}
	EXPECT_TRUE(sawWindow);
	EXPECT_NE(profile.state(), ProfileState::Ready);
	EXPECT_EQ(profile.enrollmentProgress(), 0.0);
}

TEST(KeystrokeBehaviour, EvidenceAgainstTheUserMakesTheSessionUntrustedAndReauthenticationRestarts)
{
	// Every window counts against the user: llr = -3 whatever the distance.
	auto model = modelWithCalibration("calibration logistic -3 0");
	ASSERT_TRUE(model.ok()) << model.error().message;
	KeystrokeBehaviour k(*model, {});
	SessionTrust trust(0);
	Profile profile = freshProfile();
	Typist t(4);
	int64_t now = 0;
	std::vector<Verdict> path;
	unsigned afterReady = 0;
	for (unsigned i = 0; i < 2000 && (path.empty() || path.back() != Verdict::Untrusted); i++) {
		now += 200'000;
		auto out = k.keystroke(t.row(), profile, trust, false, false, now, 0);
		if (profile.state() == ProfileState::Ready)
			afterReady++;
		if (out.change)
			path.push_back(out.change->to);
	}
	ASSERT_FALSE(path.empty());
	EXPECT_EQ(path.front(), Verdict::Trusted); // enrolled
	EXPECT_EQ(path.back(), Verdict::Untrusted);
	EXPECT_EQ(trust.reasons(), std::vector<std::string>{"rhythm-mismatch"});
	// Windows slide by 10: untrusted within a bounded number of keystrokes.
	EXPECT_LE(afterReady, 200u);

	auto reset = trust.reset(now);
	k.restartWindow();
	ASSERT_TRUE(reset.has_value());
	EXPECT_EQ(reset->to, Verdict::Trusted);
	EXPECT_EQ(trust.verdict(), Verdict::Trusted);
	// The window restarted too: the next window needs 50 new keystrokes.
	for (unsigned i = 0; i < 49; i++)
		EXPECT_FALSE(k.keystroke(t.row(), profile, trust, false, false, now + (i + 1) * 200'000, 0).windowDone);
}

TEST(KeystrokeBehaviour, ModelIdentityGoesIntoTheProfile)
{
	auto model = KeystrokeModel::load(fixturePath());
	ASSERT_TRUE(model.ok()) << model.error().message;
	const ModelId id = keystrokeModelId(*model);
	EXPECT_EQ(id.name, model->version());
	EXPECT_EQ(id.dim, model->embeddingSize());
	auto other = modelWithCalibration("calibration logistic 1 -1");
	ASSERT_TRUE(other.ok());
	// Same weights, same identity: calibration is not part of the templates.
	EXPECT_EQ(keystrokeModelId(*other), id);
}

// The decider's keystroke path: an allowed keyboard's key events become
// rows for the active session's behaviour; verdict changes and profile
// saves come back as actions; a synthetic device's keys never count.
TEST(PolicyDeciderBehaviour, KeyEventsEnrollTheSessionsUser)
{
	auto model = KeystrokeModel::load(fixturePath());
	ASSERT_TRUE(model.ok()) << model.error().message;
	std::map<DeviceId, PolicyDevice> devices;
	PolicyDecider decider(PolicySettings{}, [&devices](const std::function<void(const PolicyDevice &)> &visit) {
		for (const auto &[id, d] : devices)
			visit(d);
	});
	decider.setKeystrokeModel(&*model);
	Profile profile = freshProfile();
	PolicySession session;
	session.profile = &profile;
	EXPECT_FALSE(decider.profileReplaced(session, 0)); // learning, as before

	for (DeviceId id : {1, 2}) {
		PolicyDevice d;
		d.id = id;
		d.info.caps.keyboard = true;
		d.info.provenance = id == 1 ? Provenance::Hardware : Provenance::Uinput;
		PolicyDevice &stored = devices.emplace(id, std::move(d)).first->second;
		decider.deviceAdded(stored, AllowPolicy{}, 0);
		ASSERT_TRUE(stored.keystrokeRows.has_value());
	}
	const SessionResolver resolve = [&session] {
		SessionContext c;
		c.state = &session;
		c.realtimeUs = 1'700'000'000'000'000;
		return c;
	};
	Typist t(5);
	uint64_t ms = 1000;
	unsigned saves = 0, states = 0;
	std::vector<std::string> verdicts;
	const uint16_t keys[] = {KEY_A, KEY_S, KEY_D, KEY_F, KEY_J, KEY_K, KEY_L, KEY_E, KEY_I, KEY_SPACE};
	for (unsigned i = 0; i < 400; i++) {
		const uint16_t code = keys[i % 10];
		const uint64_t hold = 70 + t.jitter(60);
		for (const auto &frame :
		     {std::vector<InputEvent>{{ms * 1000, EV_KEY, code, 1}, {ms * 1000, EV_SYN, 0, 0}},
		      std::vector<InputEvent>{{(ms + hold) * 1000, EV_KEY, code, 0},
					      {(ms + hold) * 1000, EV_SYN, 0, 0}}}) {
			for (const auto &a : decider.frame(devices.at(1), frame, resolve)) {
				saves += a.kind == PolicyAction::Kind::SaveProfile;
				states += a.kind == PolicyAction::Kind::ProfileState;
				if (a.kind == PolicyAction::Kind::VerdictChanged)
					verdicts.push_back(a.reason + ": " + a.describe());
			}
		}
		ms += 150 + t.jitter(150);
	}
	EXPECT_EQ(profile.state(), ProfileState::Ready);
	EXPECT_GE(saves, 5u);
	EXPECT_GT(states, 0u);
	ASSERT_EQ(verdicts.size(), 1u);
	EXPECT_EQ(verdicts[0].rfind("keystroke-behaviour: learning -> trusted (enrolled)", 0), 0u) << verdicts[0];
	EXPECT_EQ(session.evidence.state().verdict, Verdict::Trusted);
	// No key appears in what the decider returns.
	for (const auto &v : verdicts)
		for (const char *name : {"KEY_", "key code", " 30 ", "a,"})
			EXPECT_EQ(v.find(name), std::string::npos) << v;

	// A uinput keyboard nobody allowed: injection evidence, and its keys
	// teach the profile nothing.
	const uint64_t seenBefore = profile.find(Modality::Keystroke)->eventsSeen;
	for (unsigned i = 0; i < 100; i++, ms += 200) {
		decider.frame(devices.at(2),
			      std::vector<InputEvent>{{ms * 1000, EV_KEY, KEY_A, 1}, {ms * 1000, EV_SYN, 0, 0}},
			      resolve);
		decider.frame(
			devices.at(2),
			std::vector<InputEvent>{{(ms + 90) * 1000, EV_KEY, KEY_A, 0}, {(ms + 90) * 1000, EV_SYN, 0, 0}},
			resolve);
	}
	EXPECT_EQ(session.evidence.state().verdict, Verdict::Injected);
	EXPECT_EQ(profile.find(Modality::Keystroke)->eventsSeen, seenBefore);
	// Re-authentication: injection evidence cleared, the behaviour's verdict is back.
	EXPECT_TRUE(PolicyDecider::reauthenticated(session, static_cast<int64_t>(ms) * 1000));
	EXPECT_EQ(session.evidence.state().verdict, Verdict::Trusted);
}

// Trust is published as it moves, not only when the verdict changes: a
// locker watching Trust sees it fall before the verdict leaves `trusted`.
TEST(PolicyDeciderBehaviour, TrustIsPublishedAsItMovesWithinAVerdict)
{
	// Mild evidence against the user in every window: llr = -0.3.
	auto model = modelWithCalibration("calibration logistic -0.3 0");
	ASSERT_TRUE(model.ok()) << model.error().message;
	std::map<DeviceId, PolicyDevice> devices;
	PolicyDecider decider(PolicySettings{}, [&devices](const std::function<void(const PolicyDevice &)> &visit) {
		for (const auto &[id, d] : devices)
			visit(d);
	});
	decider.setKeystrokeModel(&*model);
	Profile profile = freshProfile();
	PolicySession session;
	session.profile = &profile;
	PolicyDevice d;
	d.id = 1;
	d.info.caps.keyboard = true;
	d.info.provenance = Provenance::Hardware;
	PolicyDevice &keyboard = devices.emplace(1, std::move(d)).first->second;
	decider.deviceAdded(keyboard, AllowPolicy{}, 0);
	const SessionResolver resolve = [&session] {
		SessionContext c;
		c.state = &session;
		c.realtimeUs = 1'700'000'000'000'000;
		return c;
	};
	Typist t(6);
	uint64_t ms = 1000;
	double published = -1;
	Verdict verdict = Verdict::Learning;
	unsigned trustChanges = 0, verdictChanges = 0;
	for (unsigned i = 0; i < 1000; i++) {
		const uint64_t hold = 70 + t.jitter(60);
		for (const auto &frame :
		     {std::vector<InputEvent>{{ms * 1000, EV_KEY, KEY_A, 1}, {ms * 1000, EV_SYN, 0, 0}},
		      std::vector<InputEvent>{{(ms + hold) * 1000, EV_KEY, KEY_A, 0},
					      {(ms + hold) * 1000, EV_SYN, 0, 0}}}) {
			for (const auto &a : decider.frame(keyboard, frame, resolve)) {
				const VerdictState &shown = session.evidence.state();
				if (a.kind == PolicyAction::Kind::TrustChanged) {
					trustChanges++;
					EXPECT_EQ(shown.verdict, verdict); // within a verdict
					EXPECT_NE(shown.verdict, Verdict::Learning);
					EXPECT_GE(std::abs(shown.trust - published), kTrustPublishStep - 1e-12);
					published = shown.trust;
				} else if (a.kind == PolicyAction::Kind::VerdictChanged) {
					verdictChanges++;
					EXPECT_NE(shown.verdict, verdict);
					verdict = shown.verdict;
					published = shown.trust;
				}
			}
		}
		ms += 150 + t.jitter(150);
	}
	// learning -> trusted -> uncertain -> untrusted; trust fell in steps between.
	EXPECT_EQ(verdictChanges, 3u);
	EXPECT_EQ(session.evidence.state().verdict, Verdict::Untrusted);
	EXPECT_GE(trustChanges, 5u);
	// Trust never drifts from what was published by a step or more unannounced.
	EXPECT_LT(std::abs(session.trust->trust() - published), kTrustPublishStep);
	// Re-authentication after an untrusted behaviour verdict is a change to
	// publish (VerdictChanged), not only a new state behind the properties.
	EXPECT_TRUE(PolicyDecider::reauthenticated(session, static_cast<int64_t>(ms) * 1000));
	EXPECT_EQ(session.evidence.state().verdict, Verdict::Trusted);
	EXPECT_FALSE(PolicyDecider::reauthenticated(session, static_cast<int64_t>(ms + 1) * 1000)); // nothing new
}
