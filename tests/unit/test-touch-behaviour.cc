// SPDX-License-Identifier: MIT
// The touch half of a session's behaviour (issue 12, "Touch"): generated
// multitouch type B frames (no real person's data) of a touchscreen through
// the stroke tracker, the statistics-only touch model and the session's
// trust: the profile is built, the same synthetic hand keeps the trust, a
// different one lowers it to `untrusted` with `touch-mismatch`; the touch
// section of a profile fed garbage is refused; the decider's touch path.

#include "decider.h"
#include "profile.h"
#include "splitmix64.h"
#include "touch-behaviour.h"
#include "touch-stats-model.h"

#include <gtest/gtest.h>

#include <linux/input-event-codes.h>

#include <cmath>
#include <limits>
#include <map>
#include <vector>

using namespace tactus;

namespace {

InputEvent ev(uint64_t t, uint16_t type, uint16_t code, int32_t value)
{
	InputEvent e;
	e.timeUsec = t;
	e.type = type;
	e.code = code;
	e.value = value;
	return e;
}

/** A generated touchscreen: 20 units/mm, pressure and contact major axis. */
DeviceInfo screenInfo(int32_t resolution = 20)
{
	DeviceInfo info;
	info.name = "tactus-test touchscreen";
	for (uint16_t c : {ABS_MT_SLOT, ABS_MT_TRACKING_ID, ABS_MT_POSITION_X, ABS_MT_POSITION_Y, ABS_MT_PRESSURE,
			   ABS_MT_TOUCH_MAJOR})
		info.codes.set(EV_ABS, c);
	info.codes.set(EV_KEY, BTN_TOUCH);
	info.codes.props.set(INPUT_PROP_DIRECT);
	info.caps = deriveCapabilities(info.codes);
	info.absAxes[ABS_MT_POSITION_X] = {0, 6000, resolution};
	info.absAxes[ABS_MT_POSITION_Y] = {0, 3400, resolution};
	info.absAxes[ABS_MT_PRESSURE] = {0, 255, 0};
	info.absAxes[ABS_MT_TOUCH_MAJOR] = {0, 30, 0};
	return info;
}

/**
 * A generated hand: vertical and horizontal swipes and taps, each with the
 * hand's own length, speed, bow, pressure and contact size, 8 ms frames.
 */
struct Hand {
	SplitMix64 rng;
	double lengthMm, speedMmS, bowMm, pressure, major;
	uint64_t t = 1'000'000;
	int32_t trackingId = 1;

	Hand(uint64_t seed, double length, double speed, double bow, double press, double size)
	    : rng(seed), lengthMm(length), speedMmS(speed), bowMm(bow), pressure(press), major(size)
	{
	}

	void stroke(std::vector<std::vector<InputEvent>> &frames)
	{
		const double kind = rng.uniform();
		double angle = 0;
		if (kind < 0.45)
			angle = rng.uniform() < 0.5 ? -M_PI / 2 : M_PI / 2; // reading: up and down
		else if (kind < 0.85)
			angle = rng.uniform() < 0.5 ? 0.0 : M_PI; // the image game: left and right
		const bool tap = kind >= 0.85;
		const double len = tap ? 0.0 : lengthMm * (1 + 0.12 * rng.normal());
		const double speed = speedMmS * (1 + 0.1 * rng.normal());
		const double duration = tap ? 0.09 * (1 + 0.1 * rng.normal()) : len / speed;
		const int n = std::max(3, static_cast<int>(duration / 0.008));
		const double x0 = 150 + rng.uniform(-20, 20), y0 = 85 + rng.uniform(-20, 20); // mm
		const double bow = tap ? 0.0 : bowMm * (1 + 0.15 * rng.normal());
		const double p = pressure * (1 + 0.05 * rng.normal()), m = major * (1 + 0.05 * rng.normal());
		auto pos = [&](double s, double &x, double &y) {
			const double along = len * s, side = bow * std::sin(M_PI * s);
			x = x0 + along * std::cos(angle) - side * std::sin(angle);
			y = y0 + along * std::sin(angle) + side * std::cos(angle);
		};
		for (int i = 0; i <= n; i++) {
			double x = 0, y = 0;
			pos(static_cast<double>(i) / n, x, y);
			std::vector<InputEvent> f;
			f.push_back(ev(t, EV_ABS, ABS_MT_SLOT, 0));
			if (i == 0)
				f.push_back(ev(t, EV_ABS, ABS_MT_TRACKING_ID, trackingId++));
			f.push_back(ev(t, EV_ABS, ABS_MT_POSITION_X, static_cast<int32_t>(std::lround(x * 20))));
			f.push_back(ev(t, EV_ABS, ABS_MT_POSITION_Y, static_cast<int32_t>(std::lround(y * 20))));
			f.push_back(ev(t, EV_ABS, ABS_MT_PRESSURE, static_cast<int32_t>(std::lround(p))));
			f.push_back(ev(t, EV_ABS, ABS_MT_TOUCH_MAJOR, static_cast<int32_t>(std::lround(m))));
			f.push_back(ev(t, EV_SYN, SYN_REPORT, 0));
			frames.push_back(std::move(f));
			t += 8'000;
		}
		frames.push_back({ev(t, EV_ABS, ABS_MT_SLOT, 0), ev(t, EV_ABS, ABS_MT_TRACKING_ID, -1),
				  ev(t, EV_SYN, SYN_REPORT, 0)});
		t += static_cast<uint64_t>(rng.uniform(400'000, 1'500'000));
	}

	std::vector<std::vector<InputEvent>> strokes(int count)
	{
		std::vector<std::vector<InputEvent>> frames;
		for (int i = 0; i < count; i++)
			stroke(frames);
		return frames;
	}
};

Hand user()
{
	return {61, 45, 220, 3, 60, 9};
}

Hand otherHand(uint64_t seed)
{
	return {seed, 70, 420, 9, 95, 14};
}

} // namespace

TEST(TouchAxes, ResolutionAndFallback)
{
	bool fallback = true;
	auto axes = touchAxesFor(screenInfo(), &fallback);
	ASSERT_TRUE(axes.has_value());
	EXPECT_FALSE(fallback);
	EXPECT_DOUBLE_EQ(axes->xResolution, 20.0);
	EXPECT_TRUE(axes->pressure);
	EXPECT_TRUE(axes->touchMajor);
	EXPECT_FALSE(axes->touchMinor);
	EXPECT_DOUBLE_EQ(axes->pressureMaximum, 255.0);
	EXPECT_DOUBLE_EQ(axes->majorMaximum, 30.0);
	// No resolution: the range spans the stated fallback panel.
	axes = touchAxesFor(screenInfo(0), &fallback);
	ASSERT_TRUE(axes.has_value());
	EXPECT_TRUE(fallback);
	EXPECT_DOUBLE_EQ(axes->xResolution, 6000.0 / kFallbackTouchWidthMm);
	EXPECT_DOUBLE_EQ(axes->yResolution, 3400.0 / kFallbackTouchHeightMm);
	// Not a type B touchscreen: no touch track.
	DeviceInfo mouse;
	mouse.codes.set(EV_REL, REL_X);
	mouse.codes.set(EV_REL, REL_Y);
	mouse.caps = deriveCapabilities(mouse.codes);
	EXPECT_FALSE(touchAxesFor(mouse).has_value());
}

TEST(TouchBehaviour, ClassesAndFeatures)
{
	TouchStroke s;
	s.kind = TouchStrokeKind::Swipe;
	const std::pair<double, TouchClass> flags[] = {
		{1, TouchClass::Down}, {2, TouchClass::Right}, {3, TouchClass::Up}, {4, TouchClass::Left}};
	for (const auto &[flag, c] : flags) {
		s.features[static_cast<size_t>(TouchFeature::DirectionFlag)] = flag;
		EXPECT_EQ(touchClassOf(s), c) << flag;
	}
	// The model's features: sign(x)·log(1 + |x|) of each, as the trainer squashes them.
	s.features[static_cast<size_t>(TouchFeature::Duration)] = 0.5;
	s.features[static_cast<size_t>(TouchFeature::StartY)] = -90;
	EXPECT_NEAR(touchModelFeatures(s)[static_cast<size_t>(TouchFeature::Duration)], std::log(1.5), 1e-12);
	EXPECT_NEAR(touchModelFeatures(s)[static_cast<size_t>(TouchFeature::StartY)], -std::log(91.0), 1e-12);
	s.kind = TouchStrokeKind::Tap;
	EXPECT_EQ(touchClassOf(s), TouchClass::Tap);
}

// The whole path on generated frames: enrollment from 200 strokes, the same
// hand stays trusted, another hand turns the session untrusted.
TEST(TouchBehaviour, EnrollsThenGenuineKeepsTrustAndAnotherHandLowersIt)
{
	TouchBehaviourParams params;
	TouchBehaviour b(params);
	SessionTrust trust(0);
	Profile profile;
	TouchTrack track(*touchAxesFor(screenInfo()), params.strokes);
	Hand hand = user();
	unsigned strokes = 0, saves = 0;
	for (const auto &f : hand.strokes(200)) {
		const TouchOutcome out = b.frame(track, f, profile, trust, false, false, 1'700'000'000'000'000);
		strokes += out.strokes;
		saves += out.save;
	}
	EXPECT_EQ(strokes, 200u);
	EXPECT_GT(saves, 0u);
	ASSERT_EQ(profile.state(), ProfileState::Ready);
	EXPECT_TRUE(b.ready(profile));
	ASSERT_TRUE(trust.ready(Modality::Touch));
	EXPECT_EQ(trust.verdict(), Verdict::Trusted);

	// The same hand: 220 more strokes, 20 windows; trust stays.
	double llr = 0;
	unsigned windows = 0;
	for (const auto &f : hand.strokes(220)) {
		const TouchOutcome out = b.frame(track, f, profile, trust, false, false, 0);
		if (out.windowDone) {
			windows++;
			llr += out.llr;
		}
	}
	EXPECT_GE(windows, 19u);
	EXPECT_GT(llr / windows, 0.0);
	EXPECT_EQ(trust.verdict(), Verdict::Trusted);

	// Another hand on the same screen.
	Hand other = otherHand(62);
	other.t = hand.t;
	other.trackingId = hand.trackingId;
	std::optional<TrustChange> last;
	unsigned otherStrokes = 0;
	for (const auto &f : other.strokes(120)) {
		const TouchOutcome out = b.frame(track, f, profile, trust, false, false, 0);
		otherStrokes += out.strokes;
		if (out.change)
			last = out.change;
		if (trust.verdict() == Verdict::Untrusted)
			break;
	}
	EXPECT_EQ(trust.verdict(), Verdict::Untrusted);
	EXPECT_LE(otherStrokes, 60u);
	ASSERT_TRUE(last.has_value());
	EXPECT_EQ(trust.reasons(), std::vector<std::string>{"touch-mismatch"});
}

// The pointer side's fault of a known kind, on touch: after enrollment a
// window is learned only once judged, at high trust *and* if its own LLR
// speaks for the user. An impostor close enough to the user that their
// windows score near 0 leaves the trust at its upper bound, where such a
// window changes nothing; learning on high trust alone took every one of
// their strokes into the profile, window after window, until it was theirs.
TEST(TouchBehaviour, NoAdaptationFromAnImpostorsNearNeutralWindowsAtHighTrust)
{
	TouchBehaviourParams params;
	TouchBehaviour b(params);
	SessionTrust trust(0);
	Profile profile;
	TouchTrack track(*touchAxesFor(screenInfo()), params.strokes);
	Hand hand = user();
	for (const auto &f : hand.strokes(200))
		b.frame(track, f, profile, trust, false, false, 1'700'000'000'000'000);
	ASSERT_TRUE(b.ready(profile));
	// The user: windows that speak for them are learned, whole, once judged.
	unsigned adapted = 0;
	for (const auto &f : hand.strokes(110)) {
		const TouchOutcome out = b.frame(track, f, profile, trust, false, false, 0);
		EXPECT_TRUE(out.learned == 0 || (out.windowDone && out.llr >= params.adaptMinLlr)) << out.llr;
		adapted += out.learned;
	}
	EXPECT_GT(adapted, 0u);
	ASSERT_GE(trust.trust(), params.adaptMinTrust);

	// A hand a little unlike the user's (two fifths of the way to
	// otherHand()): its first window scores near 0 and leaves the trust at
	// its upper bound; learning on high trust alone took that window's
	// strokes (and, window after window, more of a hand like it).
	Hand near(63, 55, 300, 5.4, 74, 11);
	near.t = hand.t;
	near.trackingId = hand.trackingId;
	const uint64_t seenBefore = profile.find(Modality::Touch)->eventsSeen;
	unsigned learned = 0, neutralAtHighTrust = 0, spokeForUser = 0;
	for (const auto &f : near.strokes(120)) {
		const TouchOutcome out = b.frame(track, f, profile, trust, false, false, 0);
		// Learned only as a whole judged window that spoke for the user.
		EXPECT_TRUE(out.learned == 0 ||
			    (out.windowDone && out.llr >= params.adaptMinLlr && out.learned == params.windowStrokes))
			<< out.learned << " strokes learned, window " << out.windowDone << " llr " << out.llr;
		learned += out.learned;
		if (out.windowDone && trust.trust() >= params.adaptMinTrust)
			(std::fabs(out.llr) < params.adaptMinLlr ? neutralAtHighTrust : spokeForUser)++;
	}
	EXPECT_GE(neutralAtHighTrust, 1u); // the fault's case: near 0, at high trust
	EXPECT_EQ(spokeForUser, 0u);
	EXPECT_EQ(learned, 0u);
	EXPECT_EQ(profile.find(Modality::Touch)->eventsSeen, seenBefore);
}

TEST(TouchBehaviour, NothingLearnedWhileLockedOrInjected)
{
	TouchBehaviour b;
	SessionTrust trust(0);
	Profile profile;
	TouchTrack track(*touchAxesFor(screenInfo()));
	Hand hand = user();
	for (const auto &f : hand.strokes(30))
		b.frame(track, f, profile, trust, true, false, 0);
	EXPECT_EQ(profile.find(Modality::Touch), nullptr);
	unsigned learned = 0;
	for (const auto &f : hand.strokes(30))
		learned += b.frame(track, f, profile, trust, false, true, 0).learned;
	EXPECT_EQ(learned, 0u);
}

// The touch section survives the profile file, and garbage in it is refused.
TEST(TouchBehaviour, ProfileSectionRoundTripAndGarbage)
{
	TouchBehaviourParams params;
	params.strokesNeeded = 50;
	TouchBehaviour b(params);
	SessionTrust trust(0);
	Profile profile;
	profile.uid = 1000;
	TouchTrack track(*touchAxesFor(screenInfo()));
	Hand hand = user();
	for (const auto &f : hand.strokes(60))
		b.frame(track, f, profile, trust, false, false, 1'700'000'000'000'000);
	ASSERT_TRUE(b.ready(profile));
	auto image = encodeProfile(profile);
	ASSERT_TRUE(image.ok()) << image.error().message;
	auto back = decodeProfile(*image, 1000);
	ASSERT_TRUE(back.ok()) << back.error().message;
	EXPECT_EQ(*back, profile);
	EXPECT_TRUE(b.ready(*back));

	const ModalityProfile &good = *profile.find(Modality::Touch);
	std::array<TouchFeatureStats, kTouchClasses> stats;
	ASSERT_TRUE(TouchBehaviour::statsFromProfile(good, stats));
	EXPECT_GT(stats[static_cast<size_t>(TouchClass::Tap)].count(), 0.0);
	// Generated garbage: wrong shapes, non-finite values, negative counts and variances.
	SplitMix64 rng(7);
	unsigned refused = 0, trials = 0;
	for (int i = 0; i < 200; i++) {
		ModalityProfile m = good;
		switch (i % 5) {
		case 0: m.templates.resize(m.templates.size() - 1 - (rng.next() % 20)); break;
		case 1: m.model.dim = static_cast<uint32_t>(rng.next() % 64); break;
		case 2: m.templates[rng.next() % m.templates.size()] = std::numeric_limits<float>::quiet_NaN(); break;
		case 3: m.templates[(rng.next() % kTouchClasses) * kTouchRowWidth] = -1.0F; break;
		case 4:
			m.templates[(rng.next() % kTouchClasses) * kTouchRowWidth + 1 + kTouchModelFeatures +
				    rng.next() % kTouchModelFeatures] = -static_cast<float>(rng.uniform(0.01, 1e6));
			break;
		}
		if (m.model.dim == kTouchRowWidth && m.templates.size() == good.templates.size() && i % 5 == 1)
			continue; // the draw left the shape intact
		trials++;
		refused += !TouchBehaviour::statsFromProfile(m, stats);
	}
	EXPECT_EQ(refused, trials);
	// A ready section with unusable statistics is not scored.
	Profile bad = profile;
	bad.find(Modality::Touch)->templates[1] = std::numeric_limits<float>::infinity();
	EXPECT_FALSE(b.ready(bad));
}

// The decider's path: a session where only the touchscreen is used is judged by it.
TEST(PolicyDeciderTouch, OnlyTheTouchscreenIsUsedAndTheSessionIsJudgedByIt)
{
	std::map<DeviceId, PolicyDevice> devices;
	PolicyDecider decider(PolicySettings{}, [&devices](const std::function<void(const PolicyDevice &)> &visit) {
		for (const auto &[id, d] : devices)
			visit(d);
	});
	TouchBehaviourParams params;
	params.strokesNeeded = 150;
	decider.setTouch(true, params);
	PolicyDevice &screen = devices[1];
	screen.id = 1;
	screen.info = screenInfo();
	decider.deviceAdded(screen, AllowPolicy{}, 0);
	ASSERT_TRUE(screen.touchTrack.has_value());
	EXPECT_FALSE(screen.pointerTrack.has_value());
	Profile profile;
	profile.uid = 1000;
	PolicySession session;
	session.profile = &profile;
	EXPECT_FALSE(decider.profileReplaced(session, 0));
	EXPECT_EQ(session.evidence.state().verdict, Verdict::Learning);
	const SessionResolver resolve = [&session] {
		SessionContext c;
		c.state = &session;
		c.realtimeUs = 1'700'000'000'000'000;
		return c;
	};
	Hand hand = user();
	auto frames = hand.strokes(260);
	Hand other = otherHand(63);
	other.t = hand.t;
	other.trackingId = hand.trackingId;
	for (auto &f : other.strokes(120))
		frames.push_back(std::move(f));
	std::vector<std::string> verdicts, reasons;
	unsigned saves = 0;
	for (const auto &f : frames)
		for (const PolicyAction &a : decider.frame(screen, f, resolve)) {
			saves += a.kind == PolicyAction::Kind::SaveProfile;
			if (a.kind == PolicyAction::Kind::VerdictChanged) {
				verdicts.emplace_back(verdictName(session.evidence.state().verdict));
				reasons.push_back(a.reason);
			}
		}
	ASSERT_GE(verdicts.size(), 2u);
	EXPECT_EQ(verdicts.front(), "trusted"); // enrolled from the touchscreen alone
	EXPECT_EQ(verdicts.back(), "untrusted");
	EXPECT_EQ(reasons.back(), "touch-mismatch");
	EXPECT_EQ(session.evidence.state().reasons, std::vector<std::string>{"touch-mismatch"});
	EXPECT_GT(saves, 0u);
	EXPECT_EQ(profile.state(), ProfileState::Ready);
}

// The touch behaviour's windows: 3 events make one window, its sum clamped;
// a restart forgets the window in progress.
TEST(EvidenceWindow, SumsClampsAndRestarts)
{
	EvidenceWindow w(Modality::Touch, 3, 1.5);
	EXPECT_FALSE(w.add(0.25, 1).has_value());
	EXPECT_FALSE(w.add(0.5, 2).has_value());
	std::optional<WindowEvidence> e = w.add(-0.25, 3);
	ASSERT_TRUE(e.has_value());
	EXPECT_DOUBLE_EQ(e->llr, 0.5);
	EXPECT_EQ(e->timestampUs, 3);
	EXPECT_EQ(e->modality, Modality::Touch);
	EXPECT_EQ(e->events, 3u);
	EXPECT_EQ(e->newEvents, 3u);
	EXPECT_EQ(w.pending(), 0u);
	w.add(-1.0, 4);
	w.restart();
	EXPECT_EQ(w.pending(), 0u);
	w.add(-1.0, 5);
	w.add(-1.0, 6);
	e = w.add(-1.0, 7);
	ASSERT_TRUE(e.has_value());
	EXPECT_DOUBLE_EQ(e->llr, -1.5); // −3 clamped
}
