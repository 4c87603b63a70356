// SPDX-License-Identifier: MIT
// The pointer model file's format 2 (issue 12): each action type's own
// calibration and the per-action clamp, read back and used by the scorer
// tactusd builds (pointerScorerFor); format 1 refused with a clear error;
// garbage in the new records refused naming the line; an action type without
// background actions (scrolling) not scored; and the pause-before-action
// feature the segmenter gives every movement action.

#include "pointer-features.h"
#include "pointer-model-file.h"
#include "pointer-model.h"
#include "splitmix64.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <string>
#include <vector>

using namespace tactus;

namespace {

/** Mouse moves of @p n samples 8 ms apart, each followed by @p pauseUs of stillness. */
std::vector<PointerSample> moves(uint64_t seed, int count, int n, uint64_t pauseUs, double step)
{
	SplitMix64 rng(seed);
	std::vector<PointerSample> out;
	uint64_t t = 1'000'000;
	double x = 100, y = 100;
	for (int k = 0; k < count; k++) {
		const double dx = rng.uniform(-step, step), dy = rng.uniform(-step, step);
		for (int i = 0; i < n; i++) {
			t += 8'000;
			x += dx;
			y += dy;
			out.push_back({t, x, y, PointerEventKind::Move});
		}
		t += pauseUs;
	}
	return out;
}

std::vector<PointerAction> actionsOf(const std::vector<PointerSample> &samples)
{
	return segmentPointerActions(samples);
}

/** A small model over two movement styles, with the second style's actions as background. */
std::unique_ptr<PointerModelData> smallModel()
{
	std::vector<PointerAction> a = actionsOf(moves(1, 200, 10, 1'500'000, 3)),
				   b = actionsOf(moves(2, 200, 20, 3'000'000, 12));
	std::vector<PointerAction> population = a;
	population.insert(population.end(), b.begin(), b.end());
	auto m = std::make_unique<PointerModelData>();
	m->name = "test-pointer-2";
	m->version = 7;
	m->params.bins = 6;
	m->binning = PointerBinning::fit(population, 6);
	m->background = PointerHistogram(m->binning);
	for (const PointerAction &x : b)
		m->background.add(x);
	m->calibration = {0.3, 0.1};
	m->typeCalibration[static_cast<size_t>(PointerActionType::MouseMove)] = PointerCalibration{0.5, -0.2};
	m->clip = 1.0;
	return m;
}

} // namespace

TEST(PointerFeatures, PauseBeforeAction)
{
	// Moves of 10 samples, 2.5 s of stillness after each (the 1 s pause ends them).
	const std::vector<PointerAction> acts = actionsOf(moves(3, 4, 10, 2'500'000, 5));
	ASSERT_EQ(acts.size(), 4u);
	const auto pause = [](const PointerAction &a) { return a[PointerFeature::PauseBeforeAction]; };
	EXPECT_DOUBLE_EQ(pause(acts[0]), kPauseBeforeActionCap); // nothing before it
	for (size_t k = 1; k < acts.size(); k++) {
		// From the previous move's last sample to this one's first: 2.5 s + one 8 ms step.
		EXPECT_NEAR(pause(acts[k]), 2.508, 1e-9) << k;
		EXPECT_NEAR(pause(acts[k]), static_cast<double>(acts[k].startUsec - acts[k - 1].endUsec) / 1e6, 1e-9);
	}
	// A long stillness is capped.
	const std::vector<PointerAction> far = actionsOf(moves(4, 2, 10, 600'000'000, 5));
	ASSERT_EQ(far.size(), 2u);
	EXPECT_DOUBLE_EQ(pause(far[1]), kPauseBeforeActionCap);
	EXPECT_EQ(pointerFeatureName(PointerFeature::PauseBeforeAction), "pause-before-action");
}

TEST(PointerFeatures, TimeSinceClick)
{
	// A move ending in a click, 3 s of stillness, a move, 1.5 s of stillness, a move ending in a click.
	std::vector<PointerSample> s;
	uint64_t t = 1'000'000;
	for (int i = 0; i < 8; i++)
		s.push_back({t += 8'000, 10.0 * i, 5.0 * i, PointerEventKind::Move});
	s.push_back({t += 200'000, 70, 35, PointerEventKind::ButtonDown});
	const uint64_t release = t += 100'000;
	s.push_back({release, 70, 35, PointerEventKind::ButtonUp});
	t += 3'000'000;
	const uint64_t moveStart = t + 8'000;
	for (int i = 0; i < 8; i++)
		s.push_back({t += 8'000, 70.0 - 10 * i, 35, PointerEventKind::Move});
	t += 1'500'000;
	for (int i = 0; i < 8; i++)
		s.push_back({t += 8'000, 10.0 * i, 300, PointerEventKind::Move});
	s.push_back({t += 150'000, 70, 300, PointerEventKind::ButtonDown});
	s.push_back({t += 90'000, 70, 300, PointerEventKind::ButtonUp});
	const std::vector<PointerAction> acts = actionsOf(s);
	ASSERT_EQ(acts.size(), 3u);
	EXPECT_EQ(acts[0].type, PointerActionType::PointClick);
	EXPECT_EQ(acts[1].type, PointerActionType::MouseMove); // ended by the 1.5 s pause
	EXPECT_EQ(acts[2].type, PointerActionType::PointClick);
	const auto since = [](const PointerAction &a) { return a[PointerFeature::TimeSinceClick]; };
	EXPECT_DOUBLE_EQ(since(acts[0]), kPauseBeforeActionCap);
	EXPECT_NEAR(since(acts[1]), static_cast<double>(moveStart - release) / 1e6, 1e-9);
	// The second click's action starts with its movement: still from the first release.
	EXPECT_NEAR(since(acts[2]), static_cast<double>(acts[2].startUsec - release) / 1e6, 1e-9);
	EXPECT_GT(since(acts[2]), since(acts[1]));
	EXPECT_EQ(pointerFeatureName(PointerFeature::TimeSinceClick), "time-since-click");
}

TEST(PointerModelFile, FormatTwoRoundTripAndScorer)
{
	auto m = smallModel();
	const std::string text = formatPointerModel(*m);
	EXPECT_EQ(text.rfind("tactus-pointer-model 2\n", 0), 0u);
	EXPECT_NE(text.find("\ntype-calibration mouse-move 0.5 -0.2\n"), std::string::npos);
	EXPECT_EQ(text.find("type-calibration point-click"), std::string::npos); // none: 'calibration' applies
	EXPECT_NE(text.find("\nclip 1\n"), std::string::npos);
	auto back = parsePointerModel(text);
	ASSERT_TRUE(back) << back.error().message;
	EXPECT_EQ(formatPointerModel(**back), text);
	const PointerModelData &b = **back;
	ASSERT_TRUE(b.typeCalibration[0]);
	EXPECT_DOUBLE_EQ(b.typeCalibration[0]->scale, 0.5);
	EXPECT_FALSE(b.typeCalibration[1]);
	EXPECT_DOUBLE_EQ(b.clip, 1.0);

	// tactusd's scorer: the type's calibration, then the clamp.
	const std::vector<PointerAction> probe = actionsOf(moves(5, 40, 10, 1'500'000, 3));
	PointerHistogram user(b.binning);
	for (const PointerAction &a : probe)
		user.add(a);
	const PointerScorer scorer = pointerScorerFor(b, user);
	EXPECT_DOUBLE_EQ(scorer.clip(), 1.0);
	bool clamped = false;
	for (const PointerAction &a : probe) {
		ASSERT_EQ(a.type, PointerActionType::MouseMove);
		EXPECT_DOUBLE_EQ(scorer.llr(a), 0.5 * scorer.raw(a) - 0.2);
		EXPECT_DOUBLE_EQ(scorer.evidence(a), std::clamp(scorer.llr(a), -1.0, 1.0));
		clamped = clamped || std::fabs(scorer.llr(a)) > 1.0;
	}
	EXPECT_TRUE(clamped); // the clamp was exercised
	// Without a clip (0) evidence is the llr.
	PointerScorer open = scorer;
	open.setClip(0);
	for (const PointerAction &a : probe)
		EXPECT_DOUBLE_EQ(open.evidence(a), open.llr(a));

	// The background has no scroll runs: scrolling is not scored.
	EXPECT_TRUE(b.scores(PointerActionType::MouseMove));
	EXPECT_FALSE(b.scores(PointerActionType::Scroll));
	EXPECT_TRUE(b.scores(PointerActionType::DragDrop)); // movement types always
}

TEST(PointerModelFile, FormatOneIsRefusedClearly)
{
	std::string text = formatPointerModel(*smallModel());
	text.replace(0, text.find('\n'), "tactus-pointer-model 1");
	auto r = parsePointerModel(text);
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().errnum, -EPROTONOSUPPORT);
	EXPECT_NE(r.error().message.find("version 1 is not supported"), std::string::npos) << r.error().message;
	EXPECT_NE(r.error().message.find("tactus-eval pointer-model"), std::string::npos) << r.error().message;
}

TEST(PointerModelFile, GarbageInTheNewRecordsIsRefused)
{
	const std::string good = formatPointerModel(*smallModel());
	const size_t line = good.find("type-calibration mouse-move");
	ASSERT_NE(line, std::string::npos);
	const size_t lineEnd = good.find('\n', line);
	const std::string lineNo = "line " + std::to_string(1 + std::count(good.begin(), good.begin() + line, '\n'));
	auto with = [&](const std::string &record) {
		std::string s = good;
		s.replace(line, lineEnd - line, record);
		return s;
	};
	auto refused = [](const std::string &text) {
		auto r = parsePointerModel(text);
		EXPECT_FALSE(r);
		if (r)
			return std::string();
		EXPECT_EQ(r.error().errnum, -EBADMSG) << r.error().message;
		return r.error().message;
	};
	for (const char *bad : {
		     "type-calibration",
		     "type-calibration mouse-move",
		     "type-calibration mouse-move 0.5",
		     "type-calibration wheel 0.5 0",
		     "type-calibration mouse-move x 0",
		     "type-calibration mouse-move 0.5 nan",
		     "type-calibration mouse-move 0.5 0 1",
		     "type-calibration mouse-move 1e999 0",
		     "type-calibration mouse-move -0.5 0", // would invert the type's evidence
		     "type-calibration mouse-move 0 0",
		     "clip",
		     "clip -1",
		     "clip 101",
		     "clip inf",
		     "clip 1 2",
		     "clip one",
	     }) {
		const std::string msg = refused(with(bad));
		EXPECT_NE(msg.find(lineNo), std::string::npos) << bad << ": " << msg;
	}
	// Each record at most once (per type).
	refused(with("type-calibration mouse-move 0.5 0\ntype-calibration mouse-move 0.5 0"));
	refused(good.substr(0, good.find("end\n")) + "clip 2\nend\n");
	// The global calibration's scale must be positive too.
	const size_t cal = good.find("\ncalibration ");
	ASSERT_NE(cal, std::string::npos);
	for (const char *scale : {"-0.3", "0"}) {
		std::string s = good;
		s.replace(cal + 13, s.find(' ', cal + 13) - (cal + 13), scale);
		refused(s);
	}
	// Optional: a file without them reads (identity of 'calibration', no clamp).
	std::string plain = with("# none");
	plain.replace(plain.find("clip 1\n"), 7, "");
	auto r = parsePointerModel(plain);
	ASSERT_TRUE(r) << r.error().message;
	EXPECT_FALSE((*r)->typeCalibration[0]);
	EXPECT_DOUBLE_EQ((*r)->clip, 0.0);
	// Random bytes in the new records never crash the parser.
	SplitMix64 rng(11);
	for (int i = 0; i < 300; i++) {
		std::string junk = good;
		for (int k = 0; k < 3; k++)
			junk[line + rng.next() % (lineEnd - line + 8)] = static_cast<char>(rng.next() & 0xff);
		auto j = parsePointerModel(junk);
		if (!j) {
			EXPECT_FALSE(j.error().message.empty());
		}
	}
}
