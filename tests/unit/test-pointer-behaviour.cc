// SPDX-License-Identifier: MIT
// The pointer half of a session's behaviour (issue 12): evdev frames to
// device-independent samples (MOUSE_DPI, absinfo resolution, fallbacks), the
// pointer model file (round trip and garbage), the jiggler rule on generated
// jiggler and genuine streams, enrollment and scoring in PointerBehaviour,
// and the decider's pointer path: a session where only the mouse moves is
// judged by the mouse.

#include "config.h"
#include "decider.h"
#include "pointer-behaviour.h"
#include "pointer-jiggler.h"
#include "pointer-model-file.h"
#include "pointer-sampler.h"
#include "splitmix64.h"

#include <gtest/gtest.h>

#include <linux/input-event-codes.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <vector>

using namespace tactus;

namespace {

/** A generated hand: moves to random targets with a bell-shaped speed profile, then clicks. */
struct Hand {
	SplitMix64 rng;
	double speed;  ///< peak units/s
	double wobble; ///< sideways units at mid-path
	uint64_t t = 1'000'000;
	double x = 500, y = 500;

	Hand(uint64_t seed, double peakSpeed, double sideways) : rng(seed), speed(peakSpeed), wobble(sideways) {}

	/** One movement and click as samples (8 ms apart); the pause after it included in the next start. */
	void gesture(std::vector<PointerSample> &out)
	{
		const double tx = rng.uniform(100, 1800), ty = rng.uniform(100, 1000);
		const double dist = std::hypot(tx - x, ty - y);
		const double duration = std::max(0.15, 2.0 * dist / speed); // mean speed half the peak
		const int n = std::max(6, static_cast<int>(duration / 0.008));
		const double x0 = x, y0 = y;
		const double side = wobble * rng.uniform(0.5, 1.5);
		for (int i = 1; i <= n; i++) {
			const double s = static_cast<double>(i) / n;
			const double p = s * s * (3 - 2 * s); // smoothstep: bell-shaped speed
			const double nx = -(ty - y0) / std::max(dist, 1.0), ny = (tx - x0) / std::max(dist, 1.0);
			const double off = side * std::sin(M_PI * p);
			x = x0 + (tx - x0) * p + nx * off;
			y = y0 + (ty - y0) * p + ny * off;
			t += 8'000;
			out.push_back({t, std::round(x), std::round(y), PointerEventKind::Move});
		}
		t += static_cast<uint64_t>(rng.uniform(150'000, 400'000));
		out.push_back({t, std::round(x), std::round(y), PointerEventKind::ButtonDown});
		t += static_cast<uint64_t>(rng.uniform(60'000, 140'000));
		out.push_back({t, std::round(x), std::round(y), PointerEventKind::ButtonUp});
		t += static_cast<uint64_t>(rng.uniform(1'200'000, 3'000'000));
	}
};

std::vector<PointerAction> actionsOf(const std::vector<PointerSample> &samples)
{
	return segmentPointerActions(samples);
}

/** A small model: bins from two styles, the background of the fast straight style. */
std::unique_ptr<PointerModelData> testModel()
{
	std::vector<PointerSample> slow, fast;
	Hand a(1, 900, 60), b(2, 4000, 5);
	for (int i = 0; i < 300; i++) {
		a.gesture(slow);
		b.gesture(fast);
	}
	std::vector<PointerAction> population = actionsOf(slow), other = actionsOf(fast);
	population.insert(population.end(), other.begin(), other.end());
	auto m = std::make_unique<PointerModelData>();
	m->name = "test-pointer";
	m->version = 3;
	m->params.bins = 8;
	m->binning = PointerBinning::fit(population, 8);
	m->background = PointerHistogram(m->binning);
	for (const PointerAction &x : other)
		m->background.add(x);
	m->calibration = {0.25, 0.0};
	return m;
}

InputEvent ev(uint64_t t, uint16_t type, uint16_t code, int32_t value)
{
	return InputEvent{t, type, code, value};
}

/** Samples of a relative 1000-DPI mouse as evdev frames. */
std::vector<std::vector<InputEvent>> relFrames(const std::vector<PointerSample> &samples)
{
	std::vector<std::vector<InputEvent>> frames;
	double x = samples.empty() ? 0 : samples.front().x, y = samples.empty() ? 0 : samples.front().y;
	for (const PointerSample &s : samples) {
		std::vector<InputEvent> f;
		if (s.kind == PointerEventKind::Move) {
			const auto dx = static_cast<int32_t>(std::lround(s.x - x)),
				   dy = static_cast<int32_t>(std::lround(s.y - y));
			if (dx)
				f.push_back(ev(s.timeUsec, EV_REL, REL_X, dx));
			if (dy)
				f.push_back(ev(s.timeUsec, EV_REL, REL_Y, dy));
			x += dx;
			y += dy;
		} else {
			f.push_back(ev(s.timeUsec, EV_KEY, BTN_LEFT, s.kind == PointerEventKind::ButtonDown));
		}
		if (f.empty())
			continue;
		f.push_back(ev(s.timeUsec, EV_SYN, SYN_REPORT, 0));
		frames.push_back(std::move(f));
	}
	return frames;
}

DeviceInfo mouseInfo(std::string dpi = {})
{
	DeviceInfo info;
	info.sysname = "event7";
	info.name = "Test Mouse";
	info.caps.pointer = true;
	if (!dpi.empty())
		info.udevProperties["MOUSE_DPI"] = dpi;
	return info;
}

} // namespace

TEST(PointerSampler, MouseDpiParses)
{
	EXPECT_EQ(*parseMouseDpi("1000@500"), 1000u);
	EXPECT_EQ(*parseMouseDpi("800"), 800u);
	EXPECT_EQ(*parseMouseDpi("400@125 *800@125 1600@125"), 800u);
	EXPECT_EQ(*parseMouseDpi("  *1200@1000  "), 1200u);
}

TEST(PointerSampler, MouseDpiGarbageIsRefused)
{
	for (const char *bad : {"", " ", "abc", "800@", "@125", "0@125", "200000", "400 800", "*400 *800", "8OO",
				"-800", "800@12x", "\xff\xfe", "*"}) {
		auto r = parseMouseDpi(bad);
		EXPECT_FALSE(r) << bad;
		if (!r) {
			EXPECT_EQ(r.error().errnum, -EINVAL);
			EXPECT_NE(r.error().message.find("MOUSE_DPI"), std::string::npos);
		}
	}
}

TEST(PointerSampler, ScalesAndFallbacks)
{
	auto rel = pointerScaleFor(mouseInfo("*400@125 800@125"));
	ASSERT_TRUE(rel);
	EXPECT_EQ(rel->kind, PointerScale::Kind::Relative);
	EXPECT_EQ(rel->source, PointerScale::Source::MouseDpi);
	EXPECT_DOUBLE_EQ(rel->x, 2.5); // a 400-DPI count is 2.5 thousandths of an inch
	std::string problem;
	auto fallback = pointerScaleFor(mouseInfo("garbage"), &problem);
	ASSERT_TRUE(fallback);
	EXPECT_EQ(fallback->source, PointerScale::Source::Fallback);
	EXPECT_DOUBLE_EQ(fallback->x, 1.0);
	EXPECT_FALSE(problem.empty());

	DeviceInfo tablet;
	tablet.caps.absPointer = true;
	tablet.absAxes[ABS_X] = {0, 32767, 0};
	tablet.absAxes[ABS_Y] = {0, 32767, 0};
	auto qemu = pointerScaleFor(tablet);
	ASSERT_TRUE(qemu);
	EXPECT_EQ(qemu->source, PointerScale::Source::Fallback);
	EXPECT_NEAR(qemu->x * 32767, 1920.0, 1e-9);
	EXPECT_NEAR(qemu->y * 32767, 1080.0, 1e-9);
	tablet.absAxes[ABS_X] = {0, 21600, 100}; // 100 units/mm
	tablet.absAxes[ABS_Y] = {0, 13500, 100};
	auto wacom = pointerScaleFor(tablet);
	ASSERT_TRUE(wacom);
	EXPECT_EQ(wacom->source, PointerScale::Source::Resolution);
	EXPECT_NEAR(wacom->x * 100, 1000 / 25.4, 1e-9); // one mm in thousandths of an inch

	DeviceInfo keyboard;
	keyboard.caps.keyboard = true;
	EXPECT_FALSE(pointerScaleFor(keyboard));
}

TEST(PointerSampler, RelativeFramesAndButtons)
{
	PointerSampler s(*pointerScaleFor(mouseInfo("500")));
	std::vector<PointerSample> out;
	const InputEvent f1[] = {ev(10, EV_REL, REL_X, 4), ev(10, EV_REL, REL_Y, -2), ev(10, EV_SYN, SYN_REPORT, 0)};
	EXPECT_EQ(s.frame(f1, out), 0u);
	ASSERT_EQ(out.size(), 1u);
	EXPECT_EQ(out[0].kind, PointerEventKind::Move);
	EXPECT_DOUBLE_EQ(out[0].x, 8.0); // 500 DPI: 2 units per count
	EXPECT_DOUBLE_EQ(out[0].y, -4.0);
	const InputEvent f2[] = {ev(20, EV_KEY, BTN_LEFT, 1), ev(20, EV_REL, REL_WHEEL, 1),
				 ev(20, EV_SYN, SYN_REPORT, 0)};
	EXPECT_EQ(s.frame(f2, out), 1u); // one scroll
	ASSERT_EQ(out.size(), 2u);
	EXPECT_EQ(out[1].kind, PointerEventKind::ButtonDown);
	EXPECT_DOUBLE_EQ(out[1].x, 8.0);
}

TEST(PointerSampler, TouchpadFingerDoesNotJumpThePointer)
{
	DeviceInfo pad;
	pad.caps.touchpad = true;
	pad.absAxes[ABS_X] = {0, 3000, 30};
	pad.absAxes[ABS_Y] = {0, 2000, 30};
	PointerSampler s(*pointerScaleFor(pad));
	std::vector<PointerSample> out;
	auto touch = [&](uint64_t t, int x, int y, int down) {
		std::vector<InputEvent> f;
		if (down >= 0)
			f.push_back(ev(t, EV_KEY, BTN_TOUCH, down));
		f.push_back(ev(t, EV_ABS, ABS_X, x));
		f.push_back(ev(t, EV_ABS, ABS_Y, y));
		f.push_back(ev(t, EV_SYN, SYN_REPORT, 0));
		s.frame(f, out);
	};
	touch(1, 100, 100, 1);
	touch(2, 130, 100, -1); // 30 units = 1 mm right
	ASSERT_EQ(out.size(), 1u);
	EXPECT_NEAR(out[0].x, 1000 / 25.4, 1e-9);
	const InputEvent up[] = {ev(3, EV_KEY, BTN_TOUCH, 0), ev(3, EV_SYN, SYN_REPORT, 0)};
	s.frame(up, out);
	touch(4, 2900, 1900, 1); // lands far away: no movement
	EXPECT_EQ(out.size(), 1u);
	touch(5, 2900, 1930, -1);
	ASSERT_EQ(out.size(), 2u);
	EXPECT_NEAR(out[1].x, 1000 / 25.4, 1e-9);
	EXPECT_NEAR(out[1].y, 1000 / 25.4, 1e-9);
}

TEST(PointerModelFile, RoundTrip)
{
	auto m = testModel();
	const std::string text = formatPointerModel(*m);
	auto back = parsePointerModel(text);
	ASSERT_TRUE(back) << back.error().message;
	EXPECT_EQ(formatPointerModel(**back), text);
	EXPECT_EQ((*back)->name, "test-pointer");
	EXPECT_EQ((*back)->version, 3u);
	EXPECT_EQ((*back)->background.actions(), m->background.actions());
	// Same scores from the file as from the fit.
	const std::vector<PointerAction> probe = [] {
		std::vector<PointerSample> s;
		Hand h(9, 900, 60);
		for (int i = 0; i < 20; i++)
			h.gesture(s);
		return actionsOf(s);
	}();
	PointerHistogram user(m->binning), userBack((*back)->binning);
	for (const PointerAction &a : probe) {
		user.add(a);
		userBack.add(a);
	}
	const PointerScorer one(m->binning, user, m->background, m->params, m->calibration);
	const PointerScorer two((*back)->binning, userBack, (*back)->background, (*back)->params, (*back)->calibration);
	for (const PointerAction &a : probe)
		EXPECT_DOUBLE_EQ(one.llr(a), two.llr(a));
}

TEST(PointerModelFile, GarbageIsRefused)
{
	const std::string good = formatPointerModel(*testModel());
	auto refused = [](std::string_view text, int errnum) {
		auto r = parsePointerModel(text);
		EXPECT_FALSE(r) << text.substr(0, 80);
		if (!r) {
			EXPECT_EQ(r.error().errnum, errnum) << r.error().message;
		}
		return r ? std::string() : r.error().message;
	};
	refused("", -EBADMSG);
	refused("\x7f"
		"ELF\x02\x01\x01",
		-EBADMSG);
	refused("tactus-pointer-model 3\n", -EPROTONOSUPPORT);
	refused("tactus-pointer-model one\n", -EBADMSG);
	refused(good.substr(0, good.size() / 2), -EBADMSG);        // truncated
	refused(good.substr(0, good.rfind("end")), -EBADMSG);      // no end
	refused(good + "edges mouse-move duration 1\n", -EBADMSG); // after end
	std::string s = good;
	s.replace(s.find("bins 8"), 6, "bins 1");
	EXPECT_NE(refused(s, -EBADMSG).find("line 4"), std::string::npos);
	s = good;
	s.replace(s.find("edges mouse-move duration"), 25, "edges mouse-move velocity");
	refused(s, -EBADMSG); // unknown feature
	s = good;
	const size_t at = s.find("background mouse-move duration");
	s.insert(s.find('\n', at), " 7"); // one count too many
	refused(s, -EBADMSG);
	s = good;
	s.replace(s.find("calibration"), 11, "calibrate");
	refused(s, -EBADMSG);
	refused(std::string(kMaxPointerModelBytes + 1, '#'), -EFBIG);
	// Random bytes never crash the parser and are always refused.
	SplitMix64 rng(5);
	for (int i = 0; i < 200; i++) {
		std::string junk = good;
		for (int k = 0; k < 4; k++)
			junk[rng.next() % junk.size()] = static_cast<char>(rng.next() & 0xff);
		auto r = parsePointerModel(junk);
		(void)r; // either refused with a message, or a harmless change of a number
		if (!r) {
			EXPECT_FALSE(r.error().message.empty());
		}
	}
}

TEST(PointerModelFile, TheShippedModelLoads)
{
	const char *env = std::getenv("TACTUS_SOURCE_ROOT");
	const std::string root = env && *env ? std::string(env) : std::string(TACTUS_SOURCE_ROOT);
	auto m = loadPointerModel(root + "/data/models/pointer.model");
	ASSERT_TRUE(m) << m.error().message;
	EXPECT_GT((*m)->background.actions(), 10'000u);
	EXPECT_GT((*m)->calibration.scale, 0.0);
	EXPECT_LE(pointerModelId(**m).dim, kMaxProfileDimension);
}

// A generated jiggler: a 1-2 px nudge (and back) every 4 s, no clicks, no keys.
TEST(JigglerRule, GeneratedJigglerIsCaughtAndNeverCounts)
{
	JigglerRule rule;
	PointerActionSegmenter seg;
	SplitMix64 rng(11);
	uint64_t t = 1'000'000;
	double x = 700;
	unsigned counted = 0, actions = 0;
	PointerAction a;
	for (int i = 0; i < 200; i++) {
		// A hardware jiggler draws a small circle in ~0.3 s; a KVM nudges a pixel.
		const int steps = i % 2 ? 2 : 12;
		for (int k = 0; k < steps; k++) {
			t += 25'000;
			const double r = i % 2 ? 1 : 40;
			PointerSample s{t, x + r * std::cos(2 * M_PI * k / steps),
					400 + r * std::sin(2 * M_PI * k / steps), PointerEventKind::Move};
			rule.sample(s);
			seg.add(s);
			while (seg.pop(a)) {
				actions++;
				counted += rule.counts(a);
			}
		}
		t += static_cast<uint64_t>(rng.uniform(3'000'000, 5'000'000));
		x += rng.uniform(-2, 2);
	}
	EXPECT_TRUE(rule.jiggling());
	EXPECT_EQ(rule.episodes(), 1u);
	EXPECT_GT(actions, 50u); // the circles are actions to the segmenter ...
	EXPECT_LE(counted, 1u);  // ... and count for no one: at most one before the rule could tell
	// A click is a person: jiggling ends.
	rule.sample({t, x, 400, PointerEventKind::ButtonDown});
	EXPECT_FALSE(rule.jiggling());
	// So does a key.
	for (int i = 0; i < 4; i++) {
		t += 4'000'000;
		rule.sample({t, x + 1, 400, PointerEventKind::Move});
		rule.sample({t + 8'000, x, 400, PointerEventKind::Move});
	}
	rule.sample({t + 5'000'000, x, 401, PointerEventKind::Move});
	EXPECT_TRUE(rule.jiggling());
	rule.key(t + 5'100'000);
	EXPECT_FALSE(rule.jiggling());
}

TEST(JigglerRule, GenuineStreamIsNotFlagged)
{
	JigglerRule rule;
	std::vector<PointerSample> samples;
	Hand h(12, 1500, 30);
	for (int i = 0; i < 300; i++)
		h.gesture(samples);
	// Reading: now and then a small nudge of the hand without a click.
	unsigned counted = 0, total = 0;
	PointerActionSegmenter seg;
	PointerAction a;
	for (const PointerSample &s : samples) {
		rule.sample(s);
		EXPECT_FALSE(rule.jiggling());
		seg.add(s);
		while (seg.pop(a)) {
			total++;
			counted += rule.counts(a);
		}
	}
	EXPECT_EQ(rule.episodes(), 0u);
	EXPECT_GE(total, 290u);
	EXPECT_GE(counted * 10, total * 9); // at least 90% of a person's actions count
}

TEST(PointerBehaviour, EnrollsThenScoresAndImpostorIsUntrusted)
{
	auto model = testModel();
	PointerBehaviourParams params;
	params.actionsNeeded = 200;
	PointerBehaviour b(*model, params);
	SessionTrust trust(0);
	Profile profile;
	profile.uid = 1000;
	PointerTrack track(*pointerScaleFor(mouseInfo()), *model);
	std::vector<PointerSample> samples;
	Hand user(21, 900, 60);
	for (int i = 0; i < 220; i++)
		user.gesture(samples);
	std::optional<TrustChange> enrolled;
	unsigned saves = 0;
	for (const auto &f : relFrames(samples)) {
		auto out = b.frame(track, f, profile, trust, false, false, 1'700'000'000'000'000);
		saves += out.save;
		if (out.change)
			enrolled = out.change;
	}
	ASSERT_TRUE(enrolled);
	EXPECT_EQ(enrolled->cause, "enrolled");
	EXPECT_EQ(trust.verdict(), Verdict::Trusted);
	EXPECT_TRUE(b.ready(profile));
	EXPECT_GE(saves, 2u);
	const ModalityProfile *m = profile.find(Modality::Pointer);
	ASSERT_NE(m, nullptr);
	EXPECT_EQ(m->model, pointerModelId(*model));
	EXPECT_EQ(m->templateCount(), kPointerActionTypes);
	// The profile round-trips through its file format.
	auto bytes = encodeProfile(profile);
	ASSERT_TRUE(bytes) << bytes.error().message;
	auto decoded = decodeProfile(*bytes, 1000);
	ASSERT_TRUE(decoded) << decoded.error().message;
	EXPECT_EQ(*decoded, profile);

	// The user goes on: trust stays, and the profile adapts by whole
	// windows, each learned once it is judged the user's.
	samples.clear();
	for (int i = 0; i < 60; i++)
		user.gesture(samples);
	unsigned adapted = 0;
	for (const auto &f : relFrames(samples)) {
		auto out = b.frame(track, f, profile, trust, false, false, 1'700'000'000'000'000);
		EXPECT_TRUE(out.learned == 0 ||
			    (out.windowDone && out.llr >= params.adaptMinLlr && out.learned == params.windowActions));
		adapted += out.learned;
	}
	EXPECT_EQ(trust.verdict(), Verdict::Trusted);
	EXPECT_GT(adapted, 0u);

	// Someone else takes the mouse: untrusted, pointer-mismatch.
	Hand impostor(22, 4000, 5);
	impostor.t = user.t;
	samples.clear();
	for (int i = 0; i < 60; i++)
		impostor.gesture(samples);
	unsigned actions = 0, learned = 0;
	for (const auto &f : relFrames(samples)) {
		auto out = b.frame(track, f, profile, trust, false, false, 1'700'000'000'000'000);
		actions += out.actions;
		learned += out.learned;
		if (trust.verdict() == Verdict::Untrusted)
			break;
	}
	EXPECT_EQ(trust.verdict(), Verdict::Untrusted);
	EXPECT_EQ(trust.reasons(), std::vector<std::string>{"pointer-mismatch"});
	EXPECT_LE(actions, 60u);
	EXPECT_EQ(learned, 0u); // the impostor taught the profile nothing
}

// vm-pointer under delivery jitter: at the trust's upper bound, windows
// that do not speak for the user (here: every window, the bar set above
// the window clamp) teach a ready profile nothing, however high the trust.
TEST(PointerBehaviour, NoAdaptationFromWindowsThatDoNotSpeakForTheUser)
{
	auto model = testModel();
	PointerBehaviourParams params;
	params.actionsNeeded = 200;
	params.adaptMinLlr = params.windowLlrLimit + 0.5;
	PointerBehaviour b(*model, params);
	SessionTrust trust(0);
	Profile profile;
	profile.uid = 1000;
	PointerTrack track(*pointerScaleFor(mouseInfo()), *model);
	std::vector<PointerSample> samples;
	Hand user(21, 900, 60);
	for (int i = 0; i < 280; i++)
		user.gesture(samples);
	unsigned learned = 0, afterReady = 0, windows = 0;
	for (const auto &f : relFrames(samples)) {
		const bool wasReady = b.ready(profile);
		auto out = b.frame(track, f, profile, trust, false, false, 1'700'000'000'000'000);
		learned += out.learned;
		if (wasReady) {
			afterReady += out.learned;
			windows += out.windowDone;
		}
	}
	EXPECT_TRUE(b.ready(profile));
	EXPECT_EQ(trust.verdict(), Verdict::Trusted);
	EXPECT_GE(learned, 200u);
	EXPECT_GT(windows, 5u);
	EXPECT_EQ(afterReady, 0u);
	EXPECT_EQ(profile.find(Modality::Pointer)->eventsSeen, learned);
}

// A movement ends by the segmenter's pause even if nothing follows
// (tactusd's timer calls idle()): on a fake clock, not before the pause,
// then the same action the next movement would have ended; never while a
// button is held; and never twice.
TEST(PointerBehaviour, IdleEndsTheMovementAfterThePause)
{
	auto model = testModel();
	const auto scale = *pointerScaleFor(mouseInfo());
	// A: still after the movement, the timer ends it; B: the next movement ends it.
	PointerBehaviour a(*model, {}), b(*model, {});
	SessionTrust trustA(0), trustB(0);
	Profile profileA, profileB;
	PointerTrack trackA(scale, *model), trackB(scale, *model);
	std::vector<PointerSample> move;
	for (int i = 1; i <= 30; i++)
		move.push_back({1'000'000 + static_cast<uint64_t>(i) * 8'000, 500.0 + 12 * i, 500.0 + 3 * i,
				PointerEventKind::Move});
	const uint64_t last = move.back().timeUsec;
	for (const auto &f : relFrames(move)) {
		EXPECT_EQ(a.frame(trackA, f, profileA, trustA, false, false, 0).actions, 0u);
		EXPECT_EQ(b.frame(trackB, f, profileB, trustB, false, false, 0).actions, 0u);
	}
	ASSERT_TRUE(trackA.flushDueUs());
	const uint64_t due = *trackA.flushDueUs();
	EXPECT_EQ(due, last + model->pauseMs * 1000 + 1);
	// Not yet: the pause has not passed.
	EXPECT_EQ(a.idle(trackA, due - 1, profileA, trustA, false, false, 0).actions, 0u);
	auto out = a.idle(trackA, due, profileA, trustA, false, false, 0);
	EXPECT_EQ(out.actions, 1u);
	EXPECT_EQ(out.learned, 1u);
	EXPECT_FALSE(trackA.flushDueUs());
	EXPECT_EQ(a.idle(trackA, due + 10'000'000, profileA, trustA, false, false, 0).actions, 0u);

	// The next movement, 5 s later: for B it ends the first; A has nothing left to end.
	std::vector<PointerSample> next;
	for (int i = 1; i <= 2; i++)
		next.push_back({last + 5'000'000 + static_cast<uint64_t>(i) * 8'000, 900.0 - 10 * i, 590.0,
				PointerEventKind::Move});
	uint32_t endedA = 0, endedB = 0;
	for (const auto &f : relFrames(next)) {
		endedA += a.frame(trackA, f, profileA, trustA, false, false, 0).actions;
		endedB += b.frame(trackB, f, profileB, trustB, false, false, 0).actions;
	}
	EXPECT_EQ(endedA, 0u);
	EXPECT_EQ(endedB, 1u);
	// The same action: the same histogram learned.
	ASSERT_NE(profileA.find(Modality::Pointer), nullptr);
	ASSERT_NE(profileB.find(Modality::Pointer), nullptr);
	EXPECT_EQ(profileA.find(Modality::Pointer)->templates, profileB.find(Modality::Pointer)->templates);

	// A button held: a drag has no pause, nothing is due until the release.
	std::vector<PointerSample> drag = {{last + 6'000'000, 880, 590, PointerEventKind::ButtonDown}};
	for (int i = 1; i <= 10; i++)
		drag.push_back({last + 6'000'000 + static_cast<uint64_t>(i) * 8'000, 880.0 + 5 * i, 590.0,
				PointerEventKind::Move});
	for (const auto &f : relFrames(drag))
		a.frame(trackA, f, profileA, trustA, false, false, 0);
	EXPECT_FALSE(trackA.flushDueUs());
	EXPECT_EQ(a.idle(trackA, last + 60'000'000, profileA, trustA, false, false, 0).actions, 0u);
}

TEST(PointerBehaviour, NothingLearnedWhileLockedOrInjected)
{
	auto model = testModel();
	PointerBehaviour b(*model, {});
	SessionTrust trust(0);
	Profile profile;
	PointerTrack track(*pointerScaleFor(mouseInfo()), *model);
	std::vector<PointerSample> samples;
	Hand user(31, 900, 60);
	for (int i = 0; i < 40; i++)
		user.gesture(samples);
	for (const auto &f : relFrames(samples))
		EXPECT_EQ(b.frame(track, f, profile, trust, true, false, 0).actions, 0u);
	EXPECT_EQ(profile.find(Modality::Pointer), nullptr);
	unsigned actions = 0;
	for (const auto &f : relFrames(samples)) {
		auto out = b.frame(track, f, profile, trust, false, true, 0);
		actions += out.actions;
		EXPECT_EQ(out.learned, 0u);
	}
	EXPECT_GT(actions, 0u);
	EXPECT_EQ(profile.find(Modality::Pointer), nullptr);
}

// The decider's pointer path: a mouse of the seat feeds the session's
// behaviour; with only the mouse moving, the mouse decides the verdict.
TEST(PolicyDeciderPointer, OnlyTheMouseMovesAndTheSessionIsJudgedByIt)
{
	auto model = testModel();
	std::map<DeviceId, PolicyDevice> devices;
	PolicyDecider decider(PolicySettings{}, [&devices](const std::function<void(const PolicyDevice &)> &visit) {
		for (const auto &[id, d] : devices)
			visit(d);
	});
	PointerBehaviourParams params;
	params.actionsNeeded = 150;
	decider.setPointerModel(model.get(), params);
	PolicyDevice &mouse = devices[1];
	mouse.id = 1;
	mouse.info = mouseInfo("*1000@125");
	decider.deviceAdded(mouse, AllowPolicy{}, 0);
	ASSERT_TRUE(mouse.pointerTrack.has_value());
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
	std::vector<PointerSample> samples;
	Hand user(41, 900, 60), impostor(42, 4000, 5);
	for (int i = 0; i < 200; i++)
		user.gesture(samples);
	impostor.t = user.t;
	for (int i = 0; i < 80; i++)
		impostor.gesture(samples);
	std::vector<std::string> verdicts, reasons;
	unsigned saves = 0;
	for (const auto &f : relFrames(samples))
		for (const PolicyAction &a : decider.frame(mouse, f, resolve)) {
			saves += a.kind == PolicyAction::Kind::SaveProfile;
			if (a.kind == PolicyAction::Kind::VerdictChanged) {
				verdicts.emplace_back(verdictName(session.evidence.state().verdict));
				reasons.push_back(a.reason);
			}
		}
	ASSERT_GE(verdicts.size(), 2u);
	EXPECT_EQ(verdicts.front(), "trusted"); // enrolled from the mouse alone
	EXPECT_EQ(verdicts.back(), "untrusted");
	EXPECT_EQ(reasons.back(), "pointer-mismatch");
	EXPECT_EQ(session.evidence.state().reasons, std::vector<std::string>{"pointer-mismatch"});
	EXPECT_GT(saves, 0u);
	EXPECT_EQ(profile.state(), ProfileState::Ready);
}

// A jiggler on the seat of an enrolled, trusted session: its movement is
// ignored, so it neither raises trust nor counts as presence (confidence).
TEST(PolicyDeciderPointer, JigglerRaisesNoTrust)
{
	auto model = testModel();
	PointerBehaviourParams params;
	params.actionsNeeded = 100;
	PointerBehaviour b(*model, params);
	SessionTrust trust(0);
	Profile profile;
	PointerTrack track(*pointerScaleFor(mouseInfo()), *model);
	std::vector<PointerSample> samples;
	Hand user(51, 900, 60);
	for (int i = 0; i < 120; i++)
		user.gesture(samples);
	for (const auto &f : relFrames(samples))
		b.frame(track, f, profile, trust, false, false, 0);
	ASSERT_TRUE(trust.anyReady());
	const uint64_t windows = trust.model().windows();
	// An hour of jiggling: a 30-unit circle every 4 s.
	uint64_t t = user.t;
	std::vector<PointerSample> jig;
	for (int i = 0; i < 900; i++) {
		for (int k = 0; k < 12; k++) {
			t += 25'000;
			jig.push_back({t, 600 + 30 * std::cos(2 * M_PI * k / 12),
				       300 + 30 * std::sin(2 * M_PI * k / 12), PointerEventKind::Move});
		}
		t += 4'000'000;
	}
	unsigned ignored = 0, actions = 0;
	for (const auto &f : relFrames(jig)) {
		auto out = b.frame(track, f, profile, trust, false, false, 0);
		ignored += out.ignored;
		actions += out.actions;
	}
	EXPECT_GT(actions, 800u);
	// The first two circles pass before the rule can tell; nothing after.
	EXPECT_LE(actions - ignored, 2u);
	EXPECT_LE(trust.model().windows(), windows + 1);
	EXPECT_LT(trust.model().confidence(static_cast<int64_t>(t)), 0.01); // an hour without presence
	EXPECT_TRUE(b.jiggler().jiggling());
}
