// SPDX-License-Identifier: MIT
// tactus-eval mouse: pointer behaviour verification on the Balabit Mouse
// Dynamics Challenge data (issue 12). Each user is enrolled on their training
// sessions; each labelled test session claimed to be that user is scored
// (higher = more likely someone else): ROC AUC and EER per session and per
// window of N actions. Calibration is fitted on the training sessions alone
// (half of each user's sessions enrolled, the other half scored); the test
// labels only count. Users are reported in two groups, development (the
// first half by name, where any setting may be tried) and held-out (never
// looked at while choosing settings). --cv prints a label-free criterion:
// open-set cross-validation on the development users' training sessions
// (impostors neither in the background nor in the calibration fit).

#include "tactus-eval.h"

#include "balabit-dataset.h"
#include "pointer-features.h"
#include "pointer-model.h"
#include "roc-curve.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

namespace tactus::eval {

namespace {

constexpr std::array<unsigned, 3> kWindowActions = {1, 10, 50};

struct Options {
	std::string dir;
	std::string plots;
	bool json = false;
	// Chosen by --cv (open-set CV on the development users' training
	// sessions, AUC): 10 bins and 1 s pause 0.8941; 20 bins 0.9015; pause
	// 500 ms 0.8947, 2 s 0.9058, 3 s 0.9062, 5 s 0.9029 (20 bins); 2 s with
	// 30 bins 0.9088, 3 s 0.9084, 5 s 0.9038; 40 bins (1 s) 0.9041.
	PointerModelParams model{30, 1.0, true};
	uint64_t pauseMs = 2000;
	size_t impostorCap = 3000;      // per other user, for calibration
	bool perUserCalibration = true; // chosen on the development users (per-session AUC 0.878 -> 0.894)
	// 0 none (naive Bayes + calibration), 1 per user, 2 per user and action type, 3 one per action type for
	// every user (fitted on the pooled terms of all users' genuine and impostor actions), calibrated per user
	int weights = 0;
	double ridge = 0.01; // L2 penalty of the feature weights
	bool scroll = false; // scroll runs as actions of their own (--scroll; CV AUC 0.8941 -> 0.8900, so off)
	bool cv = false;     // print the training-session cross-validation figures
	std::string dump;    // write every action's features here (--dump FILE, TSV), for tools/train/
	// Session score: 0 mean, 1 median, 2 trimmed mean (10% each side), 3
	// mean of LLRs clamped to ±clip, 4 mean of tanh(llr/2). Chosen by --cv
	// and the development users: clip 1 (CV AUC 0.9088 -> 0.9108,
	// development users' per-session AUC 0.900 -> 0.916).
	int accumulate = 3;
	double clip = kPointerLlrClip; // nats
	// Per-type calibration where a type has this many genuine and impostor
	// actions (0: off). Chosen with the clamp by --cv and the development
	// users: 200 (CV 0.9108 -> 0.9189, development 0.916 -> 0.919; 50: 0.9186,
	// 500: 0.9174).
	size_t typeCalMin = 200;
	bool ubmAll = false;      // the background includes the claimed user (a universal background model)
	bool openCal = false;     // calibrate each impostor's actions against a background without them
	uint64_t cvSeconds = 0;   // CV pieces by time (this many seconds) instead of 50 actions
	uint32_t minPoints = 4;   // segmenter's shortest action (samples)
	std::vector<size_t> drop; // features left out (--drop name,name)
	int tnorm = 0; // 0 none, 1 minus the cohort's mean score, 2 z against the cohort, 3 minus the cohort's best
	// Delivery jitter added to every session read (addDeliveryJitter; the
	// k-th file by name gets seed k + 1): features that a thin client's or a
	// VM's jitter destroys show here.
	uint64_t jitterMs = 0;
	// The genuine mean of the normalisation (--norm) from the user's own
	// training actions, prequential (each scored before it is learned, the
	// scorer rebuilt every 25 actions, from this many on; 0: the analytic
	// mean): what tactusd can keep in a profile.
	uint64_t ownGenuine = 0;
};

/** How one user's raw terms become calibrated llrs. */
struct UserFit {
	PointerCalibration calibration;
	std::array<PointerCalibration, kPointerActionTypes> typeCalibration;
	bool perType = false;
	PointerWeights weights;
};

struct Session {
	std::string user, name;
	int illegal = -1;
	std::vector<PointerAction> actions;
};

struct Scored {
	bool development = false;
	bool impostor = false;
	std::string user;
	std::vector<double> llr;                 // per action, calibrated
	std::vector<std::vector<double>> cohort; // per other enrolled user, their llr of each action
};

int parseOptions(std::span<char *const> args, Options &o)
{
	for (size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		auto value = [&]() -> const char * { return i + 1 < args.size() ? args[++i] : nullptr; };
		uint64_t v = 0;
		if (a == "--plots") {
			const char *s = value();
			if (!s)
				return fprintf(stderr, "tactus-eval mouse: --plots needs a directory\n"), 2;
			o.plots = s;
		} else if (a == "--bins") {
			const char *s = value();
			if (!s || !parseU64(s, v) || v < 2 || v > 100)
				return fprintf(stderr, "tactus-eval mouse: --bins needs a count in 2..100\n"), 2;
			o.model.bins = static_cast<unsigned>(v);
		} else if (a == "--smoothing") {
			const char *s = value();
			char *end = nullptr;
			double d = s ? strtod(s, &end) : 0;
			if (!s || !end || *end || !(d > 0) || d > 1000)
				return fprintf(stderr, "tactus-eval mouse: --smoothing needs a number in (0, 1000]\n"),
				       2;
			o.model.smoothing = d;
		} else if (a == "--pause-ms") {
			const char *s = value();
			if (!s || !parseU64(s, v) || v < 10 || v > 60'000)
				return fprintf(stderr, "tactus-eval mouse: --pause-ms needs a count in 10..60000\n"), 2;
			o.pauseMs = v;
		} else if (a == "--json") {
			o.json = true;
		} else if (a == "--global-calibration") {
			o.perUserCalibration = false;
		} else if (a == "--weights") {
			const char *s = value();
			const std::string_view w = s ? s : "";
			if (w == "none")
				o.weights = 0;
			else if (w == "user")
				o.weights = 1;
			else if (w == "user-type")
				o.weights = 2;
			else if (w == "global")
				o.weights = 3;
			else
				return fprintf(stderr,
					       "tactus-eval mouse: --weights needs none, user, user-type or global\n"),
				       2;
		} else if (a == "--ridge") {
			const char *s = value();
			char *end = nullptr;
			double d = s ? strtod(s, &end) : -1;
			if (!s || !end || *end || !(d >= 0) || d > 1000)
				return fprintf(stderr, "tactus-eval mouse: %.*s needs a number in [0, 1000]\n",
					       static_cast<int>(a.size()), a.data()),
				       2;
			o.ridge = d;
		} else if (a == "--uniform-smoothing") {
			o.model.perFeatureBins = false;
		} else if (a == "--scroll") {
			o.scroll = true;
		} else if (a == "--accumulate") {
			const char *s = value();
			const std::string_view w = s ? s : "";
			if (w == "mean")
				o.accumulate = 0;
			else if (w == "median")
				o.accumulate = 1;
			else if (w == "trim")
				o.accumulate = 2;
			else if (w == "clip")
				o.accumulate = 3;
			else if (w == "prob")
				o.accumulate = 4;
			else
				return fprintf(stderr, "tactus-eval mouse: --accumulate needs mean, median, trim, clip "
						       "or prob\n"),
				       2;
		} else if (a == "--clip") {
			const char *s = value();
			char *end = nullptr;
			double d = s ? strtod(s, &end) : -1;
			if (!s || !end || *end || !(d > 0) || d > 1000)
				return fprintf(stderr, "tactus-eval mouse: --clip needs a number in (0, 1000]\n"), 2;
			o.clip = d;
		} else if (a == "--bin-kernel") {
			const char *s = value();
			char *end = nullptr;
			double d = s ? strtod(s, &end) : -1;
			if (!s || !end || *end || !(d >= 0) || d > 100)
				return fprintf(stderr, "tactus-eval mouse: --bin-kernel needs a number in [0, 100]\n"),
				       2;
			o.model.binKernel = d;
		} else if (a == "--type-calibration") {
			const char *s = value();
			if (!s || !parseU64(s, v) || v > 100000)
				return fprintf(stderr, "tactus-eval mouse: --type-calibration needs a count in "
						       "0..100000 (0: off)\n"),
				       2;
			o.typeCalMin = v;
		} else if (a == "--ubm-all") {
			o.ubmAll = true;
		} else if (a == "--open-calibration") {
			o.openCal = true;
		} else if (a == "--cv-seconds") {
			const char *s = value();
			if (!s || !parseU64(s, v) || v < 10 || v > 100000)
				return fprintf(stderr, "tactus-eval mouse: --cv-seconds needs a count in 10..100000\n"),
				       2;
			o.cvSeconds = v;
		} else if (a == "--min-points") {
			const char *s = value();
			if (!s || !parseU64(s, v) || v < 2 || v > 100)
				return fprintf(stderr, "tactus-eval mouse: --min-points needs a count in 2..100\n"), 2;
			o.minPoints = static_cast<uint32_t>(v);
		} else if (a == "--drop") {
			const char *s = value();
			std::string_view list = s ? s : "";
			while (!list.empty()) {
				const size_t comma = list.find(',');
				const std::string_view name = list.substr(0, comma);
				size_t f = 0;
				while (f < kPointerFeatureCount &&
				       pointerFeatureName(static_cast<PointerFeature>(f)) != name)
					f++;
				if (f == kPointerFeatureCount)
					return fprintf(stderr, "tactus-eval mouse: --drop: no feature '%.*s'\n",
						       static_cast<int>(name.size()), name.data()),
					       2;
				o.drop.push_back(f);
				list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
			}
		} else if (a == "--tnorm") {
			const char *s = value();
			const std::string_view w = s ? s : "";
			if (w == "none")
				o.tnorm = 0;
			else if (w == "mean")
				o.tnorm = 1;
			else if (w == "z")
				o.tnorm = 2;
			else if (w == "max")
				o.tnorm = 3;
			else
				return fprintf(stderr, "tactus-eval mouse: --tnorm needs none, mean, z or max\n"), 2;
		} else if (a == "--norm") {
			const char *s = value();
			const std::string_view w = s ? s : "";
			bool found = false;
			for (PointerNorm n : {PointerNorm::None, PointerNorm::Impostor, PointerNorm::Midpoint,
					      PointerNorm::Pooled, PointerNorm::Gaussian, PointerNorm::Linear})
				if (pointerNormName(n) == w) {
					o.model.norm = n;
					found = true;
				}
			if (!found)
				return fprintf(stderr, "tactus-eval mouse: --norm needs none, impostor-z, midpoint, "
						       "pooled-z, gaussian or linear\n"),
				       2;
		} else if (a == "--own-genuine") {
			const char *s = value();
			if (!s || !parseU64(s, v) || v < 1 || v > 100000)
				return fprintf(stderr, "tactus-eval mouse: --own-genuine needs a count in 1..100000\n"),
				       2;
			o.ownGenuine = v;
		} else if (a == "--cv") {
			o.cv = true;
		} else if (a == "--jitter-ms") {
			const char *s = value();
			if (!s || !parseU64(s, v) || v > 1000)
				return fprintf(stderr,
					       "tactus-eval mouse: --jitter-ms needs milliseconds in 0..1000\n"),
				       2;
			o.jitterMs = v;
		} else if (a == "--dump") {
			const char *s = value();
			if (!s)
				return fprintf(stderr, "tactus-eval mouse: --dump needs a file\n"), 2;
			o.dump = s;
		} else if (a == "-h" || a == "--help") {
			printf("Usage: tactus-eval mouse DIR [--plots DIR] [--bins N] [--smoothing A] [--pause-ms MS] "
			       "[--accumulate mean|median|trim|clip|prob] [--clip NATS] "
			       "[--global-calibration] [--uniform-smoothing] [--scroll] [--weights "
			       "none|user|user-type] [--ridge L] [--bin-kernel H] [--type-calibration N] "
			       "[--open-calibration] [--ubm-all] [--tnorm none|mean|z|max] "
			       "[--norm none|impostor-z|midpoint|pooled-z|gaussian|linear] [--own-genuine N] "
			       "[--min-points N] "
			       "[--drop FEATURE,...] [--cv] [--cv-seconds S] [--jitter-ms MS] [--dump FILE] "
			       "[--json]\n");
			return -1;
		} else if (!a.empty() && a[0] != '-' && o.dir.empty()) {
			o.dir = std::string(a);
		} else {
			fprintf(stderr, "tactus-eval mouse: unknown option '%.*s'\n", static_cast<int>(a.size()),
				a.data());
			return 2;
		}
	}
	if (o.model.norm != PointerNorm::None && o.weights) {
		fprintf(stderr, "tactus-eval mouse: --norm assumes the plain naive Bayes (no --weights)\n");
		return 2;
	}
	if (o.dir.empty()) {
		fprintf(stderr, "tactus-eval mouse: DIR is required (the unpacked balabit-mouse folder)\n");
		return 2;
	}
	return 0;
}

/** A Balabit session as the library's pointer samples, cut into actions. */
std::vector<PointerAction> actionsOf(const std::vector<BalabitEvent> &events, const PointerSegmenterConfig &config,
				     bool scroll)
{
	std::vector<PointerSample> samples;
	samples.reserve(events.size());
	for (const BalabitEvent &e : events) {
		PointerSample s;
		s.timeUsec = static_cast<uint64_t>(std::llround(e.clientSec * 1e6));
		s.x = e.x;
		s.y = e.y;
		if (e.button == BalabitButton::Scroll) {
			if (!scroll)
				continue;
			s.kind = PointerEventKind::Scroll;
			s.wheel = e.state == BalabitState::Up ? 1 : -1;
		} else if (e.state == BalabitState::Pressed)
			s.kind = PointerEventKind::ButtonDown;
		else if (e.state == BalabitState::Released)
			s.kind = PointerEventKind::ButtonUp;
		samples.push_back(s);
	}
	return segmentPointerActions(samples, config);
}

/** Per-window scores (@p score of the window's llrs: higher = impostor) of consecutive non-overlapping windows of
 * @p n actions. */
template<typename Score>
void windows(const Scored &s, unsigned n, std::vector<double> &genuine, std::vector<double> &impostor,
	     const Score &score)
{
	auto cut = [&](const std::vector<double> &v, size_t i) {
		return std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(i),
					   v.begin() + static_cast<std::ptrdiff_t>(i + n));
	};
	for (size_t i = 0; i + n <= s.llr.size(); i += n) {
		std::vector<std::vector<double>> c;
		for (const auto &v : s.cohort)
			c.push_back(cut(v, i));
		(s.impostor ? impostor : genuine).push_back(score(cut(s.llr, i), c));
	}
}

struct Group {
	const char *name;
	int development; // 1 dev, 0 held-out, -1 all
};

} // namespace

int runMouse(std::span<char *const> args)
{
	Options o;
	if (int rc = parseOptions(args, o))
		return rc < 0 ? 0 : rc;
	auto files = listBalabit(o.dir);
	if (!files) {
		fprintf(stderr, "tactus-eval mouse: %s\n", files.error().message.c_str());
		return 1;
	}
	PointerSegmenterConfig seg;
	seg.pauseUsec = o.pauseMs * 1000;
	seg.minPoints = o.minPoints;

	std::map<std::string, std::vector<std::vector<PointerAction>>> training; // user → sessions
	std::vector<Session> tests;
	BalabitStats stats;
	uint64_t unlabelled = 0, fileIndex = 0;
	for (const BalabitFile &f : *files) {
		fileIndex++;
		if (!f.training && f.illegal < 0) {
			unlabelled++;
			continue;
		}
		auto ev = readBalabitSession(f.path, stats);
		if (!ev) {
			fprintf(stderr, "tactus-eval mouse: %s, ignoring\n", ev.error().message.c_str());
			continue;
		}
		addDeliveryJitter(*ev, static_cast<double>(o.jitterMs), fileIndex);
		std::vector<PointerAction> acts = actionsOf(*ev, seg, o.scroll);
		for (PointerAction &x : acts)
			for (size_t d : o.drop)
				x.features[d] = 0;
		if (f.training)
			training[f.user].push_back(std::move(acts));
		else
			tests.push_back({f.user, f.session, f.illegal, std::move(acts)});
	}
	if (training.size() < 2) {
		fprintf(stderr, "tactus-eval mouse: need training sessions of at least 2 users in %s\n", o.dir.c_str());
		return 1;
	}
	if (!o.dump.empty()) {
		// One row per action: split, user, session (training: its index), label, type, start, features.
		FILE *out = fopen(o.dump.c_str(), "we");
		if (!out) {
			fprintf(stderr, "tactus-eval mouse: cannot write %s: %s\n", o.dump.c_str(), strerror(errno));
			return 1;
		}
		fprintf(out, "split\tuser\tsession\tillegal\ttype\tstart_us");
		for (size_t f = 0; f < kPointerFeatureCount; f++)
			fprintf(out, "\t%s", std::string(pointerFeatureName(static_cast<PointerFeature>(f))).c_str());
		fprintf(out, "\n");
		auto row = [&](const char *split, const std::string &user, const std::string &session, int illegal,
			       const PointerAction &x) {
			fprintf(out, "%s\t%s\t%s\t%d\t%u\t%" PRIu64, split, user.c_str(), session.c_str(), illegal,
				static_cast<unsigned>(x.type), x.startUsec);
			for (double v : x.features)
				fprintf(out, "\t%.9g", v);
			fprintf(out, "\n");
		};
		for (const auto &[u, sessions] : training)
			for (size_t i = 0; i < sessions.size(); i++)
				for (const PointerAction &x : sessions[i])
					row("train", u, std::to_string(i), 0, x);
		for (const Session &t : tests)
			for (const PointerAction &x : t.actions)
				row("test", t.user, t.name, t.illegal, x);
		if (fclose(out) != 0) {
			fprintf(stderr, "tactus-eval mouse: cannot write %s\n", o.dump.c_str());
			return 1;
		}
	}
	std::vector<std::string> users;
	for (const auto &[u, _] : training)
		users.push_back(u);
	std::map<std::string, bool> development;
	for (size_t i = 0; i < users.size(); i++)
		development[users[i]] = i < (users.size() + 1) / 2;

	// Bins from every training action of every user (no labels involved).
	std::vector<PointerAction> population;
	uint64_t trainingActions = 0;
	for (const auto &[u, sessions] : training)
		for (const auto &s : sessions)
			population.insert(population.end(), s.begin(), s.end());
	trainingActions = population.size();
	uint64_t scrollActions = 0;
	for (const PointerAction &a : population)
		scrollActions += a.type == PointerActionType::Scroll;
	const PointerBinning binning = PointerBinning::fit(population, o.model.bins);
	population.clear();
	population.shrink_to_fit();

	// Calibration (and feature weights) on the training sessions only:
	// enroll on even sessions, score the odd ones of the user (genuine) and
	// of the others (impostor).
	std::map<std::string, PointerHistogram> halfA;
	for (const auto &[u, sessions] : training) {
		PointerHistogram a(binning);
		for (size_t i = 0; i < sessions.size(); i += 2)
			for (const PointerAction &x : sessions[i])
				a.add(x);
		halfA.emplace(u, a);
	}
	auto backgroundOf = [&](const std::string &claimed, const std::vector<std::string> &among) {
		PointerHistogram bg(binning);
		for (const std::string &v : among)
			if (v != claimed || o.ubmAll)
				bg.merge(halfA.at(v));
		return bg;
	};
	// --own-genuine: each type's fraction of the analytic separation the user's actions keep, prequential.
	auto ownFraction = [&](const std::vector<std::vector<PointerAction>> &sessions, size_t from, size_t step,
			       const PointerHistogram &bg, PointerScorer &target) {
		if (!o.ownGenuine)
			return;
		PointerHistogram h(binning);
		std::optional<PointerScorer> sc;
		size_t seen = 0, since = 0;
		std::array<double, kPointerActionTypes> sum{};
		std::array<size_t, kPointerActionTypes> n{};
		for (size_t i = from; i < sessions.size(); i += step)
			for (const PointerAction &x : sessions[i]) {
				if (seen >= o.ownGenuine) {
					if (!sc || since >= 25) {
						sc.emplace(binning, h, bg, o.model);
						since = 0;
					}
					const PointerScoreMoments &m = sc->moments(x.type);
					const double d = m.genuineMean - m.impostorMean;
					if (d > 1e-6) {
						sum[static_cast<size_t>(x.type)] += (sc->raw(x) - m.impostorMean) / d;
						n[static_cast<size_t>(x.type)]++;
					}
				}
				h.add(x);
				seen++;
				since++;
			}
		for (size_t t = 0; t < kPointerActionTypes; t++)
			if (n[t])
				target.setGenuineFraction(static_cast<PointerActionType>(t), sum[t] / n[t]);
	};
	std::vector<double> calG, calI;              // raw scores of every user, for --global-calibration
	std::vector<PointerActionType> calGT, calIT; // their action types
	auto fitUser = [&](const PointerScorer &scorer, const std::vector<const PointerAction *> &gen,
			   const std::vector<const PointerAction *> &imp) {
		UserFit f;
		if (o.weights == 1 || o.weights == 2) {
			std::vector<PointerTerms> tg(gen.size()), ti(imp.size());
			std::vector<PointerActionType> yg, yi;
			for (size_t i = 0; i < gen.size(); i++) {
				scorer.terms(*gen[i], tg[i]);
				yg.push_back(gen[i]->type);
			}
			for (size_t i = 0; i < imp.size(); i++) {
				scorer.terms(*imp[i], ti[i]);
				yi.push_back(imp[i]->type);
			}
			f.weights = PointerWeights::fit(tg, yg, ti, yi, o.ridge, o.weights == 2);
			return f;
		}
		std::vector<double> g, i;
		for (const PointerAction *x : gen)
			g.push_back(scorer.normalised(*x));
		for (const PointerAction *x : imp)
			i.push_back(scorer.normalised(*x));
		calG.insert(calG.end(), g.begin(), g.end());
		calI.insert(calI.end(), i.begin(), i.end());
		for (const PointerAction *x : gen)
			calGT.push_back(x->type);
		for (const PointerAction *x : imp)
			calIT.push_back(x->type);
		f.calibration = PointerCalibration::fit(g, i);
		f.typeCalibration.fill(f.calibration);
		if (o.typeCalMin) {
			f.perType = true;
			for (size_t t = 0; t < kPointerActionTypes; t++) {
				std::vector<double> gt, it;
				for (size_t k = 0; k < gen.size(); k++)
					if (static_cast<size_t>(gen[k]->type) == t)
						gt.push_back(g[k]);
				for (size_t k = 0; k < imp.size(); k++)
					if (static_cast<size_t>(imp[k]->type) == t)
						it.push_back(i[k]);
				if (gt.size() >= o.typeCalMin && it.size() >= o.typeCalMin)
					f.typeCalibration[t] = PointerCalibration::fit(gt, it);
			}
		}
		return f;
	};
	// Calibration of u's scorer (background: @p among but u) with each
	// impostor's actions scored against a background without them.
	auto fitOpen = [&](const std::string &u, const std::vector<std::string> &among,
			   const std::vector<const PointerAction *> &gen,
			   const std::map<std::string, std::vector<const PointerAction *>> &impBy) {
		UserFit f;
		std::vector<double> g, i;
		{
			const PointerScorer scorer(binning, halfA.at(u), backgroundOf(u, among), o.model);
			for (const PointerAction *x : gen)
				g.push_back(scorer.normalised(*x));
		}
		for (const auto &[v, acts] : impBy) {
			std::vector<std::string> without;
			for (const std::string &w : among)
				if (w != v)
					without.push_back(w);
			const PointerScorer scorer(binning, halfA.at(u), backgroundOf(u, without), o.model);
			for (const PointerAction *x : acts)
				i.push_back(scorer.normalised(*x));
		}
		calG.insert(calG.end(), g.begin(), g.end());
		calI.insert(calI.end(), i.begin(), i.end());
		f.calibration = PointerCalibration::fit(g, i);
		return f;
	};
	auto sessionScore = [&](const std::vector<double> &llrIn) {
		std::vector<double> llr = llrIn;
		if (o.accumulate == 1 || o.accumulate == 2)
			std::sort(llr.begin(), llr.end());
		if (o.accumulate == 1) {
			const size_t n = llr.size();
			return -(n % 2 ? llr[n / 2] : (llr[n / 2 - 1] + llr[n / 2]) / 2);
		}
		size_t lo = 0, hi = llr.size();
		if (o.accumulate == 2) {
			lo = llr.size() / 10;
			hi = llr.size() - lo;
		}
		if (o.accumulate == 3)
			return -pointerMeanEvidence(llr, o.clip);
		double sum = 0;
		for (size_t k = lo; k < hi; k++)
			sum += o.accumulate == 4 ? std::tanh(llr[k] / 2) : llr[k];
		return -sum / static_cast<double>(hi - lo);
	};
	// Test normalisation (T-norm; Auckenthaler et al., "Score normalization
	// for text-independent speaker verification systems", DSP 10, 2000):
	// the claimed user's score against the same actions' scores under the
	// other enrolled users' models.
	auto normScore = [&](const std::vector<double> &llr, const std::vector<std::vector<double>> &cohort) {
		const double s = sessionScore(llr);
		if (!o.tnorm || cohort.empty())
			return s;
		double m = 0, m2 = 0, best = 1e300;
		for (const auto &c : cohort) {
			const double v = sessionScore(c);
			m += v;
			m2 += v * v;
			best = std::min(best, v);
		}
		m /= static_cast<double>(cohort.size());
		const double sd = std::sqrt(std::max(1e-12, m2 / static_cast<double>(cohort.size()) - m * m));
		return o.tnorm == 1 ? s - m : o.tnorm == 2 ? (s - m) / sd : s - best;
	};
	// --weights global: the terms of every listed user's genuine and impostor actions under their own scorer,
	// pooled, fit one weighting per action type.
	struct FitInput {
		const PointerScorer *scorer;
		std::vector<const PointerAction *> gen, imp;
	};
	auto globalWeights = [&](const std::vector<FitInput> &in) {
		std::vector<PointerTerms> tg, ti;
		std::vector<PointerActionType> yg, yi;
		for (const FitInput &f : in) {
			for (const PointerAction *x : f.gen) {
				tg.emplace_back();
				f.scorer->terms(*x, tg.back());
				yg.push_back(x->type);
			}
			for (const PointerAction *x : f.imp) {
				ti.emplace_back();
				f.scorer->terms(*x, ti.back());
				yi.push_back(x->type);
			}
		}
		return PointerWeights::fit(tg, yg, ti, yi, o.ridge, true);
	};
	std::map<std::string, UserFit> userFit;
	std::vector<PointerScorer> fitScorers;
	std::vector<FitInput> fitInputs;
	fitScorers.reserve(users.size());
	for (const std::string &u : users) {
		const PointerHistogram bg = backgroundOf(u, users);
		PointerScorer scorer(binning, halfA.at(u), bg, o.model);
		ownFraction(training.at(u), 0, 2, bg, scorer);
		std::vector<const PointerAction *> gen, imp;
		std::map<std::string, std::vector<const PointerAction *>> impBy;
		for (const std::string &v : users) {
			const auto &sessions = training.at(v);
			size_t taken = 0;
			for (size_t i = 1; i < sessions.size(); i += 2)
				for (const PointerAction &x : sessions[i]) {
					if (u == v)
						gen.push_back(&x);
					else if (taken++ < o.impostorCap) {
						imp.push_back(&x);
						impBy[v].push_back(&x);
					}
				}
		}
		if (o.weights == 3) {
			fitScorers.push_back(scorer);
			fitInputs.push_back({&fitScorers.back(), gen, imp});
			continue;
		}
		userFit[u] = o.openCal ? fitOpen(u, users, gen, impBy) : fitUser(scorer, gen, imp);
	}
	if (o.weights == 3) {
		const PointerWeights w = globalWeights(fitInputs);
		for (size_t k = 0; k < users.size(); k++) {
			fitScorers[k].setWeights(w);
			userFit[users[k]] = fitUser(fitScorers[k], fitInputs[k].gen, fitInputs[k].imp);
			userFit[users[k]].weights = w;
		}
	}
	const PointerCalibration calibration = PointerCalibration::fit(calG, calI);
	// --global-calibration with --type-calibration: one calibration per action type for everyone (what tactusd
	// has: the model file's), pooled over every user's raw scores.
	std::array<PointerCalibration, kPointerActionTypes> globalTypeCalibration;
	globalTypeCalibration.fill(calibration);
	if (o.typeCalMin && calGT.size() == calG.size() && calIT.size() == calI.size())
		for (size_t t = 0; t < kPointerActionTypes; t++) {
			std::vector<double> gt, it;
			for (size_t k = 0; k < calG.size(); k++)
				if (static_cast<size_t>(calGT[k]) == t)
					gt.push_back(calG[k]);
			for (size_t k = 0; k < calI.size(); k++)
				if (static_cast<size_t>(calIT[k]) == t)
					it.push_back(calI[k]);
			if (gt.size() >= o.typeCalMin && it.size() >= o.typeCalMin)
				globalTypeCalibration[t] = PointerCalibration::fit(gt, it);
		}
	const bool userCalibration = o.perUserCalibration || o.weights == 1 || o.weights == 2;

	// Cross-validation on the development users' training sessions (no test
	// session, no label): templates of the even sessions against the other
	// development users; the odd sessions cut into pseudo-sessions of
	// kCvChunk actions, those of sessions 1, 5, ... for fitting the
	// calibration/weights, those of sessions 3, 7, ... for scoring (session
	// score as for the test sessions), so fitting and scoring never share a
	// session.
	RocSummary cvRoc;
	if (o.cv) {
		constexpr size_t kCvChunk = 50;
		std::vector<std::string> dev;
		for (const std::string &u : users)
			if (development.at(u))
				dev.push_back(u);
		struct Chunk {
			std::string user;
			const PointerAction *begin, *end;
		};
		std::vector<Chunk> fitChunks, evalChunks;
		for (const std::string &v : dev) {
			const auto &sessions = training.at(v);
			for (size_t i = 1; i < sessions.size(); i += 2) {
				auto &to = i % 4 == 3 ? evalChunks : fitChunks;
				const auto &acts = sessions[i];
				if (!o.cvSeconds) {
					for (size_t k = 0; k + kCvChunk <= acts.size(); k += kCvChunk)
						to.push_back({v, &acts[k], &acts[k] + kCvChunk});
					continue;
				}
				for (size_t k = 0; k < acts.size();) {
					size_t e = k;
					while (e < acts.size() &&
					       acts[e].startUsec < acts[k].startUsec + o.cvSeconds * 1'000'000)
						e++;
					to.push_back({v, &acts[k], &acts[0] + e});
					k = e;
				}
			}
		}
		// Open set: impostor v is neither in u's background nor among the
		// impostors the calibration/weights are fitted on (the test's
		// impostors need not be among the ten users either).
		std::vector<double> g, i;
		for (const std::string &v : dev) {
			std::vector<std::string> known;
			for (const std::string &w : dev)
				if (w != v)
					known.push_back(w);
			// Every known user's scorer, calibrated without v.
			std::map<std::string, PointerScorer> scorers;
			std::vector<PointerScorer> cvScorers;
			std::vector<FitInput> cvInputs;
			cvScorers.reserve(known.size());
			auto install = [&](const std::string &u, PointerScorer scorer, const UserFit &f) {
				scorer.setWeights(f.weights);
				scorer.setCalibration(o.perUserCalibration || o.weights ? f.calibration : calibration);
				if (f.perType && o.perUserCalibration)
					for (size_t t = 0; t < kPointerActionTypes; t++)
						scorer.setCalibration(static_cast<PointerActionType>(t),
								      f.typeCalibration[t]);
				scorers.emplace(u, scorer);
			};
			for (const std::string &u : known) {
				const PointerHistogram knownBg = backgroundOf(u, known);
				PointerScorer scorer(binning, halfA.at(u), knownBg, o.model);
				ownFraction(training.at(u), 0, 2, knownBg, scorer);
				std::vector<const PointerAction *> gen, imp;
				std::map<std::string, std::vector<const PointerAction *>> impBy;
				std::map<std::string, size_t> taken;
				for (const Chunk &c : fitChunks)
					for (const PointerAction *x = c.begin; x != c.end; x++)
						if (c.user == u)
							gen.push_back(x);
						else if (c.user != v && taken[c.user]++ < o.impostorCap) {
							imp.push_back(x);
							impBy[c.user].push_back(x);
						}
				if (o.weights == 3) {
					cvScorers.push_back(scorer);
					cvInputs.push_back({&cvScorers.back(), gen, imp});
					continue;
				}
				const UserFit f = o.openCal ? fitOpen(u, known, gen, impBy) : fitUser(scorer, gen, imp);
				install(u, scorer, f);
			}
			if (o.weights == 3) {
				const PointerWeights w = globalWeights(cvInputs);
				for (size_t k = 0; k < known.size(); k++) {
					cvScorers[k].setWeights(w);
					UserFit f = fitUser(cvScorers[k], cvInputs[k].gen, cvInputs[k].imp);
					f.weights = w;
					install(known[k], cvScorers[k], f);
				}
			}
			auto score = [&](const std::string &u, const Chunk &c) {
				auto llrOf = [&](const PointerScorer &sc) {
					std::vector<double> llr;
					for (const PointerAction *x = c.begin; x != c.end; x++)
						llr.push_back(sc.llr(*x));
					return llr;
				};
				std::vector<std::vector<double>> cohort;
				if (o.tnorm)
					for (const auto &[w, sc] : scorers)
						if (w != u)
							cohort.push_back(llrOf(sc));
				return normScore(llrOf(scorers.at(u)), cohort);
			};
			for (const std::string &u : known) {
				for (const Chunk &c : evalChunks)
					if (c.user == u)
						g.push_back(score(u, c));
				for (const std::vector<Chunk> *set : {&fitChunks, &evalChunks})
					for (const Chunk &c : *set)
						if (c.user == v)
							i.push_back(score(u, c));
			}
		}
		cvRoc = summarizeRoc(g, i);
	}

	// Templates on all training sessions; backgrounds of everyone else.
	std::map<std::string, PointerHistogram> templates;
	PointerHistogram all(binning);
	for (const auto &[u, sessions] : training) {
		PointerHistogram h(binning);
		for (const auto &s : sessions)
			for (const PointerAction &x : s)
				h.add(x);
		all.merge(h);
		templates.emplace(u, h);
	}
	std::map<std::string, PointerScorer> scorers;
	for (const std::string &u : users) {
		PointerHistogram bg = all;
		if (!o.ubmAll)
			bg.merge(templates.at(u), -1);
		PointerScorer scorer(binning, templates.at(u), bg, o.model,
				     userCalibration ? userFit.at(u).calibration : calibration);
		ownFraction(training.at(u), 0, 1, bg, scorer);
		scorer.setWeights(userFit.at(u).weights);
		if (userFit.at(u).perType && o.perUserCalibration)
			for (size_t t = 0; t < kPointerActionTypes; t++)
				scorer.setCalibration(static_cast<PointerActionType>(t),
						      userFit.at(u).typeCalibration[t]);
		if (!userCalibration)
			for (size_t t = 0; t < kPointerActionTypes; t++)
				scorer.setCalibration(static_cast<PointerActionType>(t), globalTypeCalibration[t]);
		scorers.emplace(u, scorer);
	}
	std::vector<Scored> scored;
	uint64_t emptySessions = 0, unknownUser = 0, testActions = 0;
	double llrG = 0, llrI = 0;
	uint64_t nG = 0, nI = 0;
	for (const Session &t : tests) {
		auto sc = scorers.find(t.user);
		if (sc == scorers.end()) {
			unknownUser++;
			continue;
		}
		if (t.actions.empty()) {
			emptySessions++;
			continue;
		}
		const PointerScorer &scorer = sc->second;
		Scored s;
		s.development = development.at(t.user);
		s.user = t.user;
		s.impostor = t.illegal == 1;
		for (const PointerAction &x : t.actions) {
			s.llr.push_back(scorer.llr(x));
			(s.impostor ? llrI : llrG) += s.llr.back();
			(s.impostor ? nI : nG)++;
		}
		if (o.tnorm)
			for (const auto &[w, other] : scorers) {
				if (w == t.user)
					continue;
				s.cohort.emplace_back();
				for (const PointerAction &x : t.actions)
					s.cohort.back().push_back(other.llr(x));
			}
		testActions += t.actions.size();
		scored.push_back(std::move(s));
	}

	// Session score: −mean llr per action; windows: −Σ llr over N actions.
	const Group groups[] = {{"all users", -1}, {"development users", 1}, {"held-out users", 0}};
	struct Row {
		std::string group, unit;
		RocSummary roc;
	};
	std::vector<Row> rows;
	for (const Group &g : groups) {
		std::vector<double> sg, si;
		for (const Scored &s : scored) {
			if (g.development >= 0 && s.development != (g.development == 1))
				continue;
			(s.impostor ? si : sg).push_back(normScore(s.llr, s.cohort));
		}
		rows.push_back({g.name, "session", summarizeRoc(sg, si)});
		for (unsigned n : kWindowActions) {
			std::vector<double> wg, wi;
			for (const Scored &s : scored)
				if (g.development < 0 || s.development == (g.development == 1))
					windows(s, n, wg, wi, normScore);
			rows.push_back(
				{g.name, std::to_string(n) + (n == 1 ? " action" : " actions"), summarizeRoc(wg, wi)});
		}
	}

	std::string devUsers, heldUsers;
	for (const std::string &u : users)
		(development.at(u) ? devUsers : heldUsers) +=
			(development.at(u) ? devUsers : heldUsers).empty() ? u : " " + u;

	if (o.json) {
		printf("{\n  \"users\": %zu, \"training_actions\": %" PRIu64 ", \"test_sessions\": %zu, "
		       "\"test_actions\": %" PRIu64 ", \"empty_sessions\": %" PRIu64 ",\n",
		       users.size(), trainingActions, scored.size(), testActions, emptySessions);
		printf("  \"bins\": %u, \"smoothing\": %g, \"pause_ms\": %" PRIu64 ", \"calibration\": [%.6f, %.6f],\n",
		       o.model.bins, o.model.smoothing, o.pauseMs, calibration.scale, calibration.offset);
		printf("  \"accumulate\": %d, \"clip\": %g, \"type_calibration\": %zu,\n", o.accumulate,
		       o.accumulate == 3 ? o.clip : 0.0, o.typeCalMin);
		if (o.cv)
			printf("  \"cv_auc\": %.4f, \"cv_eer\": %.4f,\n", cvRoc.auc, cvRoc.eer);
		printf("  \"llr_genuine\": %.4f, \"llr_impostor\": %.4f,\n  \"results\": [\n", nG ? llrG / nG : 0.0,
		       nI ? llrI / nI : 0.0);
		for (size_t i = 0; i < rows.size(); i++)
			printf("    {\"group\": \"%s\", \"unit\": \"%s\", \"genuine\": %zu, \"impostor\": %zu, "
			       "\"auc\": %.4f, \"eer\": %.4f}%s\n",
			       rows[i].group.c_str(), rows[i].unit.c_str(), rows[i].roc.genuine, rows[i].roc.impostor,
			       rows[i].roc.auc, rows[i].roc.eer, i + 1 < rows.size() ? "," : "");
		printf("  ]\n}\n");
	} else {
		printf("tactus-eval mouse (Balabit, %s)\n", o.dir.c_str());
		printf("  rows %" PRIu64 ": used %" PRIu64 ", malformed %" PRIu64 ", off-screen %" PRIu64 "\n",
		       stats.rows, stats.used, stats.malformed, stats.offscreen);
		printf("  users %zu; training actions %" PRIu64 "; labelled test sessions scored %zu (%" PRIu64
		       " actions), without actions %" PRIu64 ", unlabelled skipped %" PRIu64 "\n",
		       users.size(), trainingActions, scored.size(), testActions, emptySessions, unlabelled);
		printf("  development users: %s\n  held-out users:    %s\n", devUsers.c_str(), heldUsers.c_str());
		if (o.scroll)
			printf("  scroll runs (scroll rhythm actions) among the training actions: %" PRIu64 "\n",
			       scrollActions);
		printf("  model: %u quantile bins, smoothing %g, movement pause %" PRIu64
		       " ms; %s (fitted on training sessions; global calibration: llr = %.4f * raw %+.4f)\n",
		       o.model.bins, o.model.smoothing, o.pauseMs,
		       o.weights == 3   ? "feature weights per action type for everyone, per-user calibration"
		       : o.weights == 2 ? "per-user and per-type feature weights"
		       : o.weights == 1 ? "per-user feature weights"
		       : o.perUserCalibration && o.typeCalMin ? "per-user calibration per action type"
		       : o.perUserCalibration                 ? "per-user calibration"
							      : "global calibration",
		       calibration.scale, calibration.offset);
		printf("  session score: %s\n", o.accumulate == 0   ? "mean LLR of its actions"
						: o.accumulate == 1 ? "median LLR"
						: o.accumulate == 2 ? "10%-trimmed mean LLR"
						: o.accumulate == 4 ? "mean tanh(LLR/2)"
								    : "mean LLR, each clamped to +-clip");
		if (o.accumulate == 3)
			printf("  (clip %g nats)\n", o.clip);
		printf("  mean calibrated llr per test action: genuine %+.3f, impostor %+.3f\n", nG ? llrG / nG : 0.0,
		       nI ? llrI / nI : 0.0);
		if (o.cv)
			printf("  cross-validation on the development users' training sessions (50-action pieces): "
			       "AUC %.4f, EER %.2f%% (%zu genuine, %zu impostor)\n",
			       cvRoc.auc, 100 * cvRoc.eer, cvRoc.genuine, cvRoc.impostor);
		printf("\n");
		printf("  %-18s %-11s %8s %8s %7s %7s\n", "users", "unit", "genuine", "impostor", "AUC", "EER");
		for (const Row &r : rows)
			printf("  %-18s %-11s %8zu %8zu %7.4f %6.2f%%\n", r.group.c_str(), r.unit.c_str(),
			       r.roc.genuine, r.roc.impostor, r.roc.auc, 100 * r.roc.eer);
	}
	if (!o.plots.empty()) {
		std::vector<RocSeries> series;
		for (const Row &r : rows) {
			if (r.group != "all users")
				continue;
			char label[96];
			snprintf(label, sizeof label, "%s: AUC %.3f, EER %.1f%%",
				 r.unit == "session" ? "per session" : r.unit.c_str(), r.roc.auc, 100 * r.roc.eer);
			series.push_back({label, r.roc.roc});
		}
		const std::string path = o.plots + "/mouse-roc.svg";
		if (!writeRocSvg(path, "Balabit: pointer verification, all users", series)) {
			fprintf(stderr, "tactus-eval mouse: cannot write %s\n", path.c_str());
			return 1;
		}
		if (!o.json)
			printf("\n  plot %s\n", path.c_str());
	}
	return 0;
}

} // namespace tactus::eval
