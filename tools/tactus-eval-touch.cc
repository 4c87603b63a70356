// SPDX-License-Identifier: MIT
// tactus-eval touch: touch behaviour verification on the Touchalytics
// per-stroke features (Frank et al., IEEE TIFS 2013; issue 12). Each user is
// enrolled, every verification stroke of every user of the same group is
// scored against that user's template, and strokes are aggregated by adding
// calibrated LLRs over k consecutive strokes (Frank et al. combine k ≤ 11).
// Three protocols:
//   files      enroll on randomRegDatav1.csv, verify on randomVerDatav1.csv
//              (this copy splits strokes at random, so both files hold every
//              session: close to the study's intra-session case);
//   documents  both files pooled, enroll on the strokes of DocID 1, 2 and 4,
//              verify on those of DocID 3 and 5 (the copy has no session
//              column; documents 1–3 are reading, vertical swipes, and 4–5
//              the image game, horizontal swipes, so each task is enrolled
//              and verified on different documents: inter-session);
//   week       enroll on DocID 1–5, verify on DocID 6–7, the documents of the
//              study's session a week later (only some users have them).
// Users are split into development users (ID ≡ 1 mod 3), on which the bins,
// smoothing and calibration are chosen and fitted and whose strokes form the
// background, and held-out users (the rest), whose figures are the ones to
// report: neither their strokes nor their labels are looked at while
// choosing, and their impostors are other held-out users, never in the
// background.

#include "tactus-eval.h"

#include "evidence-window.h"
#include "roc-curve.h"
#include "touch-features.h"
#include "touch-model.h"
#include "touch-stats-model.h"
#include "touchalytics-dataset.h"
#include "trust-model.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace tactus::eval {

namespace {

constexpr std::array<unsigned, 11> kWindowStrokes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}; // the k curve

struct Options {
	std::string dir;
	std::string plots;
	bool json = false;
	bool byDirection =
		true; // chosen on the development users (files k=11 EER 1.94% -> 1.16%, documents 5.00% -> 3.83%)
	TouchModelParams model{20, 1.0}; // chosen on the development users (5, 10, 20, 30, 40 bins; α 0.3, 1, 3)
	bool stats = false;              // --scorer stats: the statistics-only model tactusd runs
	TouchStatsParams statsParams;
	bool weights = false;     // --weights: per-feature term weights fitted on the development users
	double ridge = 1e-3;      // --ridge: their L2 penalty
	bool selectTrust = false; // --select-trust: the trust settings (window, limit, gain) on the calibrated llrs
	bool samePhone = false;   // --same-phone: impostors only from users of the same phone
	std::map<int32_t, int32_t> phone; // user → PhoneID
	bool noContact = false;           // --no-contact: pressure and contact size as a device without them (0)
	bool cohortNorm = false;          // --norm cohort: Z-norm against the development users' strokes
	bool allFeatures = false;         // --features all: the 30 published features, not the 27 tactusd computes
	size_t flagIndex = static_cast<size_t>(TouchFeature::DirectionFlag); // F9 in the feature vector
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
				return fprintf(stderr, "tactus-eval touch: --plots needs a directory\n"), 2;
			o.plots = s;
		} else if (a == "--bins") {
			const char *s = value();
			if (!s || !parseU64(s, v) || v < 2 || v > 100)
				return fprintf(stderr, "tactus-eval touch: --bins needs a count in 2..100\n"), 2;
			o.model.bins = static_cast<unsigned>(v);
		} else if (a == "--smoothing") {
			const char *s = value();
			char *end = nullptr;
			double d = s ? strtod(s, &end) : 0;
			if (!s || !end || *end || !(d > 0) || d > 1000)
				return fprintf(stderr, "tactus-eval touch: --smoothing needs a number in (0, 1000]\n"),
				       2;
			o.model.smoothing = d;
		} else if (a == "--norm") {
			const char *s = value();
			const std::string_view n = s ? s : "";
			o.cohortNorm = n == "cohort";
			if (n == "none" || n == "cohort")
				o.model.norm = TouchNorm::None;
			else if (n == "background")
				o.model.norm = TouchNorm::Background;
			else if (n == "span")
				o.model.norm = TouchNorm::Span;
			else if (n == "gauss")
				o.model.norm = TouchNorm::TwoGaussian;
			else
				return fprintf(stderr, "tactus-eval touch: --norm needs none, background, span, gauss "
						       "or cohort\n"),
				       2;
		} else if (a == "--z-cap" || a == "--sd-floor") {
			const char *s = value();
			char *end = nullptr;
			const double d = s ? strtod(s, &end) : 0;
			if (!s || !end || *end || !(d > 0) || d > 100)
				return fprintf(stderr, "tactus-eval touch: %.*s needs a number in (0, 100]\n",
					       static_cast<int>(a.size()), a.data()),
				       2;
			(a == "--z-cap" ? o.statsParams.zCap : o.statsParams.sdFloor) = d;
		} else if (a == "--scorer") {
			const char *s = value();
			const std::string_view n = s ? s : "";
			if (n == "bins")
				o.stats = false;
			else if (n == "stats")
				o.stats = true;
			else
				return fprintf(stderr, "tactus-eval touch: --scorer needs bins or stats\n"), 2;
		} else if (a == "--features") {
			const char *s = value();
			const std::string_view n = s ? s : "";
			if (n == "all" || n == "daemon")
				o.allFeatures = n == "all";
			else
				return fprintf(stderr, "tactus-eval touch: --features needs daemon or all\n"), 2;
			o.flagIndex = o.allFeatures ? 8 : static_cast<size_t>(TouchFeature::DirectionFlag);
		} else if (a == "--select-trust") {
			o.selectTrust = true;
		} else if (a == "--same-phone") {
			o.samePhone = true;
		} else if (a == "--no-contact") {
			o.noContact = true;
		} else if (a == "--weights") {
			o.weights = true;
		} else if (a == "--ridge") {
			const char *s = value();
			char *end = nullptr;
			const double d = s ? strtod(s, &end) : 0;
			if (!s || !end || *end || !(d >= 0) || d > 1000)
				return fprintf(stderr, "tactus-eval touch: --ridge needs a number in [0, 1000]\n"), 2;
			o.ridge = d;
		} else if (a == "--json") {
			o.json = true;
		} else if (a == "--pooled") {
			o.byDirection = false;
		} else if (a == "-h" || a == "--help") {
			printf("Usage: tactus-eval touch DIR [--plots DIR] [--bins N] [--smoothing A] [--pooled] "
			       "[--norm none|background|span|gauss|cohort] "
			       "[--scorer bins|stats] [--z-cap Z] [--sd-floor S] [--features daemon|all] [--weights] "
			       "[--ridge L] [--no-contact] [--same-phone] [--select-trust] "
			       "[--json]\n");
			return -1;
		} else if (!a.empty() && a[0] != '-' && o.dir.empty()) {
			o.dir = std::string(a);
		} else {
			fprintf(stderr, "tactus-eval touch: unknown option '%.*s'\n", static_cast<int>(a.size()),
				a.data());
			return 2;
		}
	}
	if (o.noContact && o.allFeatures) {
		fprintf(stderr, "tactus-eval touch: --no-contact needs the daemon's features\n");
		return 2;
	}
	if (o.dir.empty()) {
		fprintf(stderr, "tactus-eval touch: DIR is required (the unpacked touchalytics-features folder)\n");
		return 2;
	}
	return 0;
}

/** Touchalytics F9 (at @p flag in the vector), the up/down/left/right flag, as a class 0..3 (the stats scorer's
 * classes). */
size_t strokeFlag(const TouchFeatures &s, size_t flag)
{
	return s.size() > flag && s[flag] >= 1 && s[flag] <= 4 ? static_cast<size_t>(s[flag]) - 1 : 0;
}

/** sign(x)·log(1 + |x|) of every feature: heavy tails tamed for the stats scorer. */
TouchFeatures squash(const TouchFeatures &s)
{
	TouchFeatures out(s.size());
	for (size_t i = 0; i < s.size(); i++)
		out[i] = std::copysign(std::log1p(std::fabs(s[i])), s[i]);
	return out;
}

/** 1 for a horizontal stroke (F9, the up/down/left/right flag at @p flag, is 2 or 4), 0 otherwise. */
size_t strokeClass(const TouchFeatures &s, size_t flag)
{
	return s.size() > flag && (s[flag] == 2 || s[flag] == 4) ? 1 : 0;
}

bool isDevelopment(int32_t user)
{
	return user % 3 == 1;
}

/** Enrollment and verification strokes per user for one protocol. */
struct Split {
	std::string name;
	std::map<int32_t, std::vector<TouchFeatures>> enroll, verify;
};

struct Row {
	std::string protocol, group;
	unsigned k = 1;
	RocSummary roc;         ///< one threshold for everyone
	double meanUserEer = 0; ///< each claimed user's own threshold
	double medianUserEer = 0;
	size_t users = 0;
};

/** −Σ llr over consecutive non-overlapping windows of @p k strokes (higher = impostor). */
void windows(const std::vector<double> &llr, unsigned k, std::vector<double> &out)
{
	for (size_t i = 0; i + k <= llr.size(); i += k) {
		double sum = 0;
		for (size_t j = i; j < i + k; j++)
			sum += llr[j];
		out.push_back(-sum);
	}
}

/** One trust setting of the touch modality and what it did on a group's streams of strokes. */
struct TrustRun {
	uint32_t window = 11;
	double limit = 1.5, gain = 2.0;
	uint64_t genuineStrokes = 0, falseUntrusted = 0;
	std::vector<uint64_t> toUntrusted; ///< per takeover, strokes until untrusted (UINT64_MAX: not reached)
	size_t caught() const
	{
		return static_cast<size_t>(std::count_if(toUntrusted.begin(), toUntrusted.end(),
							 [](uint64_t v) { return v != UINT64_MAX; }));
	}
	uint64_t median() const
	{
		if (toUntrusted.empty())
			return UINT64_MAX;
		std::vector<uint64_t> v = toUntrusted;
		std::sort(v.begin(), v.end());
		return v[v.size() / 2];
	}
};

/**
 * The session's trust (TrustModel, touch windows through EvidenceWindow, as
 * tactusd runs them) over @p llr[claimed][v]: each user's own strokes as a
 * genuine stream (a false `untrusted` is counted and trust reset, as after
 * re-authentication), every other user's strokes as a takeover from full
 * trust (strokes until `untrusted`).
 */
TrustRun simulateTrust(const std::map<int32_t, std::map<int32_t, std::vector<double>>> &llr, uint32_t window,
		       double limit, double gain)
{
	TrustRun run;
	run.window = window;
	run.limit = limit;
	run.gain = gain;
	TrustParams params;
	params.gain[static_cast<size_t>(Modality::Touch) - 1] = gain;
	for (const auto &[u, byUser] : llr)
		for (const auto &[v, strokes] : byUser) {
			int64_t now = 1;
			TrustModel trust(now, params);
			EvidenceWindow w(Modality::Touch, window, limit);
			uint64_t n = 0, reached = UINT64_MAX;
			for (double l : strokes) {
				n++;
				const std::optional<WindowEvidence> e = w.add(l, ++now);
				if (!e)
					continue;
				trust.addWindow(*e);
				if (trust.verdict() != Verdict::Untrusted)
					continue;
				if (u == v) {
					run.falseUntrusted++;
					trust.reset(++now);
				} else {
					reached = n;
					break;
				}
			}
			if (u == v)
				run.genuineStrokes += n;
			else
				run.toUntrusted.push_back(reached);
		}
	return run;
}

struct ProtocolResult {
	std::vector<Row> rows;
	PointerCalibration calibration;
	double llrGenuine = 0, llrImpostor = 0; ///< mean calibrated llr per held-out stroke
	std::vector<double> weights;            ///< --weights: the fitted term weights
	double weightsBias = 0;
	size_t enrollStrokes = 0, verifyStrokes = 0;
	std::vector<TrustRun> trustDev, trustHeld; ///< --select-trust: every setting on each group
	/** Development users, windows of 11: the share whose clamped sum (±1.5) reaches tactusd's adaptMinLlr (1). */
	double adaptGenuine = 0, adaptImpostor = 0;
	double clampGenuine = 0, clampImpostor = 0; ///< the same at the clamp, 1.5 nats
};

ProtocolResult evaluate(const Split &split, const Options &o)
{
	const TouchModelParams &params = o.model;
	const bool byDirection = o.byDirection, stats = o.stats;
	const TouchStatsParams &statsParams = o.statsParams;
	const size_t flag = o.flagIndex;
	// May v's strokes be scored as an impostor's against u? (--same-phone: only on u's phone.)
	auto impostorOk = [&](int32_t u, int32_t v) {
		return !o.samePhone || (o.phone.contains(u) && o.phone.contains(v) && o.phone.at(u) == o.phone.at(v));
	};
	ProtocolResult res;
	std::vector<int32_t> dev, held, devAll; // devAll: development users with enrollment strokes
	for (const auto &[u, s] : split.enroll) {
		if (s.empty())
			continue;
		if (isDevelopment(u))
			devAll.push_back(u);
		if (!split.verify.contains(u) || split.verify.at(u).empty())
			continue;
		(isDevelopment(u) ? dev : held).push_back(u);
		res.enrollStrokes += s.size();
		res.verifyStrokes += split.verify.at(u).size();
	}
	// Bins and background from the development users' enrollment strokes,
	// one set per stroke class (all strokes, or vertical and horizontal).
	const size_t classes = byDirection ? 2 : 1;
	auto classOf = [&](const TouchFeatures &s) -> size_t { return byDirection ? strokeClass(s, flag) : 0; };
	std::array<TouchBinning, 2> binning;
	for (size_t c = 0; c < classes; c++) {
		std::vector<TouchFeatures> population;
		for (int32_t u : devAll)
			for (const TouchFeatures &s : split.enroll.at(u))
				if (classOf(s) == c)
					population.push_back(s);
		binning[c] = TouchBinning::fit(population, params.bins);
	}
	std::map<int32_t, std::array<TouchHistogram, 2>> templates;
	for (const auto *group : {&devAll, &held})
		for (int32_t u : *group) {
			std::array<TouchHistogram, 2> h{TouchHistogram(binning[0]), TouchHistogram(binning[1])};
			for (const TouchFeatures &s : split.enroll.at(u))
				h[classOf(s)].add(s);
			templates.emplace(u, h);
		}
	// One scorer per class for claimed user @p u against the other development users.
	auto scorers = [&](int32_t claimed, PointerCalibration cal) {
		std::vector<TouchScorer> out;
		for (size_t c = 0; c < classes; c++) {
			TouchHistogram bg(binning[c]);
			for (int32_t u : devAll)
				if (u != claimed)
					bg.merge(templates.at(u)[c]);
			out.emplace_back(binning[c], templates.at(claimed)[c], bg, params, cal);
		}
		return out;
	};

	// Calibration on the development users alone (genuine: own verification
	// strokes; impostor: the other development users').
	// The stats scorer: per user and direction flag, mean and variance of the squashed features.
	std::map<int32_t, std::array<TouchFeatureStats, 4>> userStats;
	if (stats)
		for (const auto *group : {&devAll, &held})
			for (int32_t u : *group) {
				std::array<TouchFeatureStats, 4> &st = userStats[u];
				for (TouchFeatureStats &x : st)
					x = TouchFeatureStats(split.enroll.at(u).front().size());
				for (const TouchFeatures &s : split.enroll.at(u))
					st[strokeFlag(s, flag)].add(squash(s));
			}
	// Uncalibrated score of stroke @p s against claimed user @p u (> 0 favours the user).
	auto rawScore = [&](const std::vector<TouchScorer> &sc, int32_t u, const TouchFeatures &s) {
		if (!stats)
			return sc[classOf(s)].normalized(s);
		TouchStatsParams p = statsParams;
		p.calibration = {-1.0, 0.0};
		return TouchStatsScorer(userStats.at(u)[strokeFlag(s, flag)], p).llr(squash(s));
	};
	// Cohort Z-norm (--norm cohort): each claimed user's raw scores shifted
	// and scaled by the mean and deviation of the scores the development
	// users' enrollment strokes get against that user (never the user's
	// own), so one threshold fits users whose impostors score differently.
	std::map<int32_t, std::pair<double, double>> cohort; // claimed user → (mean, sd)
	auto cohortOf = [&](const std::vector<TouchScorer> &sc, int32_t u) {
		if (auto it = cohort.find(u); it != cohort.end())
			return it->second;
		double sum = 0, sum2 = 0, n = 0;
		for (int32_t v : devAll)
			if (v != u)
				for (const TouchFeatures &s : split.enroll.at(v)) {
					const double r = rawScore(sc, u, s);
					sum += r;
					sum2 += r * r;
					n += 1;
				}
		const double mean = n > 0 ? sum / n : 0.0;
		const double sd = n > 1 ? std::sqrt(std::max(1e-12, sum2 / n - mean * mean)) : 1.0;
		return cohort[u] = {mean, sd};
	};
	// Per-feature evidence terms (--weights).
	auto termsOf = [&](const std::vector<TouchScorer> &sc, int32_t u, const TouchFeatures &s,
			   std::vector<double> &out) {
		if (!stats)
			return sc[classOf(s)].terms(s, out);
		TouchStatsScorer(userStats.at(u)[strokeFlag(s, flag)], statsParams).terms(squash(s), out);
	};
	TouchTermWeights weights;
	if (o.weights) {
		std::vector<std::vector<double>> wg, wi;
		std::vector<double> t;
		for (int32_t u : dev) {
			const std::vector<TouchScorer> sc = scorers(u, {});
			for (int32_t v : dev)
				for (const TouchFeatures &s : split.verify.at(v)) {
					if (u != v && !impostorOk(u, v))
						continue;
					termsOf(sc, u, s, t);
					(u == v ? wg : wi).push_back(t);
				}
		}
		weights = TouchTermWeights::fit(wg, wi, o.ridge);
		res.weights = weights.weights;
		res.weightsBias = weights.bias;
	}
	auto score = [&](const std::vector<TouchScorer> &sc, int32_t u, const TouchFeatures &s) {
		if (o.weights) {
			std::vector<double> t;
			termsOf(sc, u, s, t);
			return weights(t);
		}
		const double r = rawScore(sc, u, s);
		if (!o.cohortNorm)
			return r;
		const auto [mean, sd] = cohortOf(sc, u);
		return (r - mean) / sd;
	};
	std::vector<double> calG, calI;
	for (int32_t u : dev) {
		const std::vector<TouchScorer> sc = scorers(u, {});
		for (int32_t v : dev)
			if (u == v || impostorOk(u, v))
				for (const TouchFeatures &s : split.verify.at(v))
					(u == v ? calG : calI).push_back(score(sc, u, s));
	}
	// The weights' logistic regression is calibrated already.
	res.calibration = o.weights ? PointerCalibration{1.0, 0.0} : PointerCalibration::fit(calG, calI);

	uint64_t nG = 0, nI = 0;
	for (const auto &[groupName, group] :
	     {std::pair<const char *, const std::vector<int32_t> *>{"development", &dev}, {"held-out", &held}}) {
		// llr[claimed][v] = calibrated llr of each verification stroke of v.
		std::map<int32_t, std::map<int32_t, std::vector<double>>> llr;
		for (int32_t u : *group) {
			const std::vector<TouchScorer> sc = scorers(u, res.calibration);
			for (int32_t v : *group)
				for (const TouchFeatures &s : split.verify.at(v)) {
					if (v != u && !impostorOk(u, v))
						break;
					const double l = res.calibration(score(sc, u, s));
					llr[u][v].push_back(l);
					if (group == &held) {
						(u == v ? res.llrGenuine : res.llrImpostor) += l;
						(u == v ? nG : nI)++;
					}
				}
		}
		if (group == &dev) {
			// What tactusd's touch adaptation would learn (TouchBehaviourParams: windows of 11 within
			// ±1.5 nats, learned at adaptMinLlr 1 and above).
			uint64_t n[2] = {0, 0}, over[2] = {0, 0}, clamp[2] = {0, 0};
			for (const auto &[u, byUser] : llr)
				for (const auto &[v, l] : byUser) {
					std::vector<double> w;
					windows(l, 11, w);
					for (double x : w) {
						n[u != v]++;
						over[u != v] += std::clamp(-x, -1.5, 1.5) >= 1.0;
						clamp[u != v] += -x >= 1.5;
					}
				}
			res.adaptGenuine = n[0] ? static_cast<double>(over[0]) / static_cast<double>(n[0]) : 0;
			res.adaptImpostor = n[1] ? static_cast<double>(over[1]) / static_cast<double>(n[1]) : 0;
			res.clampGenuine = n[0] ? static_cast<double>(clamp[0]) / static_cast<double>(n[0]) : 0;
			res.clampImpostor = n[1] ? static_cast<double>(clamp[1]) / static_cast<double>(n[1]) : 0;
		}
		for (unsigned k : kWindowStrokes) {
			std::vector<double> g, i, userEers;
			for (int32_t u : *group) {
				std::vector<double> ug, ui;
				for (const auto &[v, l] : llr.at(u))
					if (v == u || impostorOk(u, v))
						windows(l, k, v == u ? ug : ui);
				if (!ug.empty() && !ui.empty())
					userEers.push_back(summarizeRoc(ug, ui).eer);
				g.insert(g.end(), ug.begin(), ug.end());
				i.insert(i.end(), ui.begin(), ui.end());
			}
			Row r;
			r.protocol = split.name;
			r.group = groupName;
			r.k = k;
			r.roc = summarizeRoc(g, i);
			r.users = userEers.size();
			if (!userEers.empty()) {
				double sum = 0;
				for (double e : userEers)
					sum += e;
				r.meanUserEer = sum / static_cast<double>(userEers.size());
				std::sort(userEers.begin(), userEers.end());
				const size_t n = userEers.size();
				r.medianUserEer = n % 2 ? userEers[n / 2] : (userEers[n / 2 - 1] + userEers[n / 2]) / 2;
			}
			res.rows.push_back(std::move(r));
		}
		if (o.selectTrust)
			for (uint32_t window : {5u, 11u})
				for (double limit : {1.5, 3.0})
					for (double gain : {0.5, 1.0, 2.0, 3.0, 4.0})
						(group == &dev ? res.trustDev : res.trustHeld)
							.push_back(simulateTrust(llr, window, limit, gain));
	}
	res.llrGenuine = nG ? res.llrGenuine / static_cast<double>(nG) : 0;
	res.llrImpostor = nI ? res.llrImpostor / static_cast<double>(nI) : 0;
	return res;
}

} // namespace

int runTouch(std::span<char *const> args)
{
	Options o;
	if (int rc = parseOptions(args, o))
		return rc < 0 ? 0 : rc;
	TouchalyticsStats stats;
	auto reg = readTouchalytics(o.dir + "/randomRegDatav1.csv", stats);
	auto ver = reg ? readTouchalytics(o.dir + "/randomVerDatav1.csv", stats) : reg;
	if (!reg || !ver) {
		fprintf(stderr, "tactus-eval touch: %s\n", (!reg ? reg : ver).error().message.c_str());
		return 1;
	}
	// The features tactusd computes from evdev strokes (F2..F28), unless --features all.
	auto features = [&](const TouchalyticsStroke &s) {
		if (o.allFeatures)
			return s.features;
		TouchFeatures f = touchalyticsDaemonFeatures(s);
		if (o.noContact) // what tactusd's strokes hold on a device without pressure or contact size
			f[static_cast<size_t>(TouchFeature::MidPressure)] =
				f[static_cast<size_t>(TouchFeature::MidArea)] = 0;
		return f;
	};
	Split files{"files", {}, {}}, documents{"documents", {}, {}}, week{"week", {}, {}};
	for (const auto *set : {&*reg, &*ver})
		for (const TouchalyticsStroke &s : *set)
			o.phone[s.user] = s.phone;
	for (const TouchalyticsStroke &s : *reg)
		files.enroll[s.user].push_back(features(s));
	for (const TouchalyticsStroke &s : *ver)
		files.verify[s.user].push_back(features(s));
	for (const auto *set : {&*reg, &*ver})
		for (const TouchalyticsStroke &s : *set) {
			const int32_t d = s.document;
			if (d == 1 || d == 2 || d == 4)
				documents.enroll[s.user].push_back(features(s));
			else if (d == 3 || d == 5)
				documents.verify[s.user].push_back(features(s));
			(d <= 5 ? week.enroll : week.verify)[s.user].push_back(features(s));
		}
	if (files.enroll.size() < 4) {
		fprintf(stderr, "tactus-eval touch: need strokes of at least 4 users in %s\n", o.dir.c_str());
		return 1;
	}
	std::string devUsers, heldUsers;
	for (const auto &[u, _] : files.enroll) {
		std::string &list = isDevelopment(u) ? devUsers : heldUsers;
		list += (list.empty() ? "" : " ") + std::to_string(u);
	}
	const ProtocolResult results[] = {evaluate(files, o), evaluate(documents, o), evaluate(week, o)};

	if (o.json) {
		const TouchTermWeights &shipped = o.noContact ? kTouchStatsWeightsNoContact : kTouchStatsWeights;
		std::string sw;
		for (double x : shipped.weights) {
			char buf[32];
			snprintf(buf, sizeof buf, "%s%.6f", sw.empty() ? "" : ", ", x);
			sw += buf;
		}
		printf("{\n  \"shipped_weights\": [%s], \"shipped_weights_bias\": %.6f,\n", sw.c_str(), shipped.bias);
		printf("  \"rows\": %" PRIu64 ", \"malformed\": %" PRIu64 ", \"users\": %zu, \"bins\": %u, "
		       "\"smoothing\": %g, \"by_direction\": %s, \"features\": %zu,\n  \"protocols\": [\n",
		       stats.rows, stats.malformed, files.enroll.size(), o.model.bins, o.model.smoothing,
		       o.byDirection ? "true" : "false", o.allFeatures ? kTouchalyticsFeatures : kTouchFeatureCount);
		for (size_t p = 0; p < std::size(results); p++) {
			const ProtocolResult &r = results[p];
			std::string w;
			for (double x : r.weights) {
				char buf[32];
				snprintf(buf, sizeof buf, "%s%.6f", w.empty() ? "" : ", ", x);
				w += buf;
			}
			printf("    {\"protocol\": \"%s\", \"enroll_strokes\": %zu, \"verify_strokes\": %zu, "
			       "\"calibration\": [%.6f, %.6f], \"weights\": [%s], \"weights_bias\": %.6f, "
			       "\"llr_genuine\": %.4f, \"llr_impostor\": %.4f}%s\n",
			       r.rows.front().protocol.c_str(), r.enrollStrokes, r.verifyStrokes, r.calibration.scale,
			       r.calibration.offset, w.c_str(), r.weightsBias, r.llrGenuine, r.llrImpostor,
			       p + 1 < std::size(results) ? "," : "");
		}
		printf("  ],\n  \"results\": [\n");
		bool first = true;
		for (const ProtocolResult &r : results)
			for (const Row &x : r.rows) {
				printf("%s    {\"protocol\": \"%s\", \"group\": \"%s\", \"strokes\": %u, \"genuine\": "
				       "%zu, "
				       "\"impostor\": %zu, \"auc\": %.4f, \"eer\": %.4f, \"users\": %zu, "
				       "\"mean_user_eer\": %.4f, \"median_user_eer\": %.4f}",
				       first ? "" : ",\n", x.protocol.c_str(), x.group.c_str(), x.k, x.roc.genuine,
				       x.roc.impostor, x.roc.auc, x.roc.eer, x.users, x.meanUserEer, x.medianUserEer);
				first = false;
			}
		printf("\n  ]\n}\n");
	} else {
		const size_t nFeatures = o.allFeatures ? kTouchalyticsFeatures : kTouchFeatureCount;
		printf("tactus-eval touch (Touchalytics features, %s)\n", o.dir.c_str());
		printf("  features: %s\n", o.allFeatures ? "all 30 published (F1..F30)"
							 : "the 27 tactusd computes from evdev strokes (F2..F28)");
		printf("  rows %" PRIu64 ", malformed %" PRIu64 "; users %zu\n", stats.rows, stats.malformed,
		       files.enroll.size());
		printf("  development users (bins, smoothing, calibration, background): %s\n", devUsers.c_str());
		printf("  held-out users (reported): %s\n", heldUsers.c_str());
		if (o.stats)
			printf("  model: per user and direction flag, mean and variance of the %zu features "
			       "(sign·log1p), "
			       "d = mean min(z², %g²), σ ≥ %g; raw = −d; k strokes: Σ llr\n",
			       nFeatures, o.statsParams.zCap, o.statsParams.sdFloor);
		else
			printf("  model: naive Bayes over %zu features, %u quantile bins, smoothing %g, %s; k strokes: "
			       "Σ "
			       "llr\n",
			       nFeatures, o.model.bins, o.model.smoothing,
			       o.byDirection ? "one template per direction (vertical, horizontal)" : "one template");
		for (const ProtocolResult &r : results)
			printf("  %-9s enroll %zu strokes, verify %zu; llr = %.4f * raw %+.4f; mean llr per held-out "
			       "stroke: genuine %+.3f, impostor %+.3f\n",
			       r.rows.front().protocol.c_str(), r.enrollStrokes, r.verifyStrokes, r.calibration.scale,
			       r.calibration.offset, r.llrGenuine, r.llrImpostor);
		for (const ProtocolResult &r : results)
			printf("  %-9s development windows of 11 within +-1.5 nats at 1 nat or more (tactusd adapts "
			       "from them): genuine %.1f%%, impostor %.2f%%; at the clamp: %.1f%%, %.2f%%\n",
			       r.rows.front().protocol.c_str(), 100 * r.adaptGenuine, 100 * r.adaptImpostor,
			       100 * r.clampGenuine, 100 * r.clampImpostor);
		printf("\n  %-9s %-11s %2s %8s %8s %7s %7s %9s %9s\n", "protocol", "users", "k", "genuine", "impostor",
		       "AUC", "EER", "user EER", "median");
		for (const ProtocolResult &r : results)
			for (const Row &x : r.rows)
				printf("  %-9s %-11s %2u %8zu %8zu %7.4f %6.2f%% %8.2f%% %8.2f%%\n", x.protocol.c_str(),
				       x.group.c_str(), x.k, x.roc.genuine, x.roc.impostor, x.roc.auc, 100 * x.roc.eer,
				       100 * x.meanUserEer, 100 * x.medianUserEer);
		printf("  (EER: one threshold for everyone; user EER: mean of each claimed user's own EER; median: "
		       "the\n"
		       "   median of each claimed user's own EER, the aggregation Frank et al. 2013 report)\n");
	}
	if (o.selectTrust) {
		// Chosen on the development users of the documents protocol (inter-session): the fewest false
		// `untrusted`, then the most takeovers caught, then the lowest median strokes to `untrusted`.
		const ProtocolResult &r = results[1];
		auto med = [](uint64_t v) { return v == UINT64_MAX ? std::string("-") : std::to_string(v); };
		printf("\n  trust settings, documents protocol (rule on the development users: fewest false "
		       "untrusted, then most takeovers caught, then lowest median strokes):\n");
		printf("  %6s %5s %5s | %-34s | %-34s\n", "window", "limit", "gain",
		       "development: false/genuine, caught, median", "held-out: false/genuine, caught, median");
		size_t best = 0;
		for (size_t i = 0; i < r.trustDev.size(); i++) {
			const TrustRun &d = r.trustDev[i], &h = r.trustHeld[i], &b = r.trustDev[best];
			printf("  %6u %5.1f %5.2f | %3" PRIu64 "/%-6" PRIu64 " %4zu/%-4zu %6s       | %3" PRIu64
			       "/%-6" PRIu64 " %4zu/%-4zu %6s\n",
			       d.window, d.limit, d.gain, d.falseUntrusted, d.genuineStrokes, d.caught(),
			       d.toUntrusted.size(), med(d.median()).c_str(), h.falseUntrusted, h.genuineStrokes,
			       h.caught(), h.toUntrusted.size(), med(h.median()).c_str());
			if (d.falseUntrusted != b.falseUntrusted ? d.falseUntrusted < b.falseUntrusted
			    : d.caught() != b.caught()           ? d.caught() > b.caught()
								 : d.median() < b.median())
				best = i;
		}
		const TrustRun &h = r.trustHeld[best];
		printf("  chosen: window %u, limit %.1f, gain %.2f; held-out: %" PRIu64 " false untrusted in %" PRIu64
		       " genuine strokes, %zu of %zu takeovers caught, median %s strokes\n",
		       h.window, h.limit, h.gain, h.falseUntrusted, h.genuineStrokes, h.caught(), h.toUntrusted.size(),
		       med(h.median()).c_str());
	}
	if (!o.plots.empty()) {
		std::vector<RocSeries> series;
		for (const ProtocolResult &r : results)
			for (const Row &x : r.rows) {
				if (x.group != "held-out")
					continue;
				char label[96];
				snprintf(label, sizeof label, "%s, %u stroke%s: EER %.1f%%", x.protocol.c_str(), x.k,
					 x.k == 1 ? "" : "s", 100 * x.roc.eer);
				series.push_back({label, x.roc.roc});
			}
		const std::string path = o.plots + "/touch-roc.svg";
		if (!writeRocSvg(path, "Touchalytics: touch verification, held-out users", series)) {
			fprintf(stderr, "tactus-eval touch: cannot write %s\n", path.c_str());
			return 1;
		}
		if (!o.json)
			printf("\n  plot %s\n", path.c_str());
	}
	return 0;
}

} // namespace tactus::eval
