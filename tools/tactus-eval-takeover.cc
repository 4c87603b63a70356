// SPDX-License-Identifier: MIT
// tactus-eval takeover: keystrokes until an impostor who takes over a session
// is `untrusted`, and genuine keystrokes per false `untrusted`, measured with
// the daemon's own per-session unit (KeystrokeBehaviour: sliding windows,
// enrollment from typing, the TrustModel) on Aalto-format typing. The
// figures are Bours's (Information Security Technical Report 17, 2012):
// impostor actions until lock-out, genuine actions per false lock-out.
// Targets from issue 10: median <= 40 and p90 <= 120 impostor keystrokes,
// >= 10,000 genuine keystrokes per false `untrusted`.

#include "tactus-eval-keystrokes.h"
#include "tactus-eval.h"

#include "keystroke-behaviour.h"
#include "keystroke-model.h"
#include "profile.h"
#include "verdict.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tactus::eval {

namespace {

/** The daemon's keystroke unit's parameters and the session trust's. */
struct TakeoverParams : KeystrokeBehaviourParams {
	TrustParams trust;
};

/** Issue 10's targets. */
constexpr double kTargetMedian = 40;
constexpr double kTargetP90 = 120;
constexpr double kTargetGenuinePerFalse = 10'000;

/** Pause between two sections of one typist (µs of the synthetic session clock). */
constexpr int64_t kSectionGapUs = 2'000'000;
/** Genuine keystrokes before the impostor shown in the plot. */
constexpr size_t kPlotGenuine = 150;
/** Impostor keystrokes shown after `untrusted` in the plot. */
constexpr size_t kPlotAfter = 40;
/** Example takeovers plotted: the first pair of the first this many enrolled participants. */
constexpr size_t kPlotExamples = 4;

struct Options {
	std::string dir;
	std::string model;
	std::string svg;
	bool validation = false;
	bool json = false;
	size_t pairs = 3;
	size_t limit = 0;           // 0: all
	size_t fold = 0, folds = 1; // participants whose index % folds == fold
	unsigned jobs = 0;
	TakeoverParams params; // what tactusd uses, unless --set
};

/**
 * Sets one tunable of @p p from "NAME=VALUE" (--set): window, stride (keys),
 * gain (keystroke modality), upper, lower, start (log-odds, nats),
 * llr-limit (nats), trusted-enter, trusted-leave, untrusted-enter,
 * untrusted-leave (trust, 0..1). False on an unknown name or a bad number.
 */
bool setParam(std::string_view text, TakeoverParams &p)
{
	size_t eq = text.find('=');
	if (eq == std::string_view::npos)
		return false;
	std::string name(text.substr(0, eq)), value(text.substr(eq + 1));
	char *end = nullptr;
	errno = 0;
	double v = strtod(value.c_str(), &end);
	if (value.empty() || errno != 0 || *end != '\0' || !std::isfinite(v))
		return false;
	TrustParams &t = p.trust;
	if (name == "window" || name == "stride") {
		if (v < 1 || v > 50 || v != std::floor(v))
			return false;
		(name == "window" ? p.windowKeys : p.strideKeys) = static_cast<uint32_t>(v);
		return true;
	}
	double *field = name == "gain"              ? &t.gain[0]
			: name == "upper"           ? &t.upperLogOdds
			: name == "lower"           ? &t.lowerLogOdds
			: name == "start"           ? &t.startLogOdds
			: name == "llr-limit"       ? &t.windowLlrLimit
			: name == "trusted-enter"   ? &t.trustedEnter
			: name == "trusted-leave"   ? &t.trustedLeave
			: name == "untrusted-enter" ? &t.untrustedEnter
			: name == "untrusted-leave" ? &t.untrustedLeave
						    : nullptr;
	if (!field)
		return false;
	*field = v;
	return true;
}

struct PairResult {
	size_t impostor = 0; ///< index into the evaluated participants
	uint64_t keys = 0;   ///< impostor keystrokes typed until `untrusted` (or all typed if not reached)
	bool reached = false;
};

struct ParticipantResult {
	bool enrolled = false;
	uint64_t enrollKeys = 0;     ///< keystrokes typed until the profile was ready
	uint64_t genuineKeys = 0;    ///< keystrokes scored after enrollment
	uint64_t falseUntrusted = 0; ///< genuine keystrokes that turned the session `untrusted`
	std::vector<PairResult> pairs;
	// Plot of the first pair: trust after each keystroke, the last genuine ones then the impostor's.
	std::vector<float> genuineTrace, impostorTrace;
};

/** A typist's session: the daemon's unit, its profile, the session clock. */
struct Session {
	KeystrokeBehaviour behaviour;
	SessionTrust trust;
	Profile profile;
	int64_t nowUs = 0;

	/** One keystroke; the verdict change it caused, if any. */
	std::optional<TrustChange> type(const KeystrokeRow &row, bool sectionStart)
	{
		nowUs += sectionStart ? kSectionGapUs : std::max<int64_t>(row.ppUs, 1);
		auto out = behaviour.keystroke(row, profile, trust, false, false, nowUs, 1'700'000'000'000'000 + nowUs);
		return out.change;
	}
};

ParticipantResult runParticipant(const KeystrokeModel &model, const TakeoverParams &params,
				 const std::vector<const FeatureParticipant *> &all, size_t index, size_t pairs,
				 bool trace)
{
	ParticipantResult res;
	const FeatureParticipant &me = *all[index];
	Session s{KeystrokeBehaviour(model, params), SessionTrust(0, {params.trust}), Profile{}, 0};
	s.profile.uid = 1000;
	for (const FeatureSection &sec : me.sections)
		for (size_t k = 0; k < sec.rows.size(); k++) {
			const bool ready = s.trust.verdict() != Verdict::Learning;
			auto change = s.type(sec.rows[k], k == 0);
			if (!ready) {
				res.enrollKeys++;
				continue;
			}
			res.genuineKeys++;
			if (change && change->to == Verdict::Untrusted) {
				// A false lock-out: the user re-authenticates, trust restarts.
				res.falseUntrusted++;
				s.trust.reset(s.nowUs);
				s.behaviour.restartWindow();
			}
			if (trace)
				res.genuineTrace.push_back(static_cast<float>(s.trust.trust()));
		}
	res.enrolled = s.trust.verdict() != Verdict::Learning;
	if (!res.enrolled)
		return res;
	if (res.genuineTrace.size() > kPlotGenuine)
		res.genuineTrace.erase(res.genuineTrace.begin(),
				       res.genuineTrace.end() - static_cast<std::ptrdiff_t>(kPlotGenuine));

	const size_t n = all.size();
	for (size_t j = 1; j <= pairs && j < n; j++) {
		PairResult pr;
		pr.impostor = (index + j) % n;
		const bool tracing = trace && j == 1;
		Session imp = s; // the state at the end of the user's own typing
		size_t after = 0;
		for (const FeatureSection &sec : all[pr.impostor]->sections) {
			for (size_t k = 0; k < sec.rows.size(); k++) {
				auto change = imp.type(sec.rows[k], k == 0);
				if (!pr.reached)
					pr.keys++;
				if (tracing)
					res.impostorTrace.push_back(static_cast<float>(imp.trust.trust()));
				if (!pr.reached && change && change->to == Verdict::Untrusted)
					pr.reached = true;
				if (pr.reached && (!tracing || ++after > kPlotAfter))
					break;
			}
			if (pr.reached && (!tracing || after > kPlotAfter))
				break;
		}
		res.pairs.push_back(pr);
	}
	return res;
}

/** Nearest-rank quantile @p q of @p v (sorted); UINT64_MAX stands for "not reached". */
uint64_t quantile(const std::vector<uint64_t> &v, double q)
{
	if (v.empty())
		return std::numeric_limits<uint64_t>::max();
	size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
	return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

std::string jsonString(std::string_view text)
{
	std::string out = "\"";
	for (char c : text) {
		if (c == '"' || c == '\\') {
			out += '\\';
			out += c;
		} else if (static_cast<unsigned char>(c) < 0x20) {
			char buf[8];
			snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
			out += buf;
		} else {
			out += c;
		}
	}
	return out + "\"";
}

std::string keysText(uint64_t v)
{
	return v == std::numeric_limits<uint64_t>::max() ? "not reached" : std::to_string(v);
}

std::string keysJson(uint64_t v)
{
	return v == std::numeric_limits<uint64_t>::max() ? "null" : std::to_string(v);
}

bool writeTrustSvg(const std::string &path, const std::string &title, const TrustParams &tp,
		   const std::vector<const ParticipantResult *> &examples, const std::vector<std::string> &labels)
{
	std::ofstream f(path);
	if (!f)
		return false;
	long xmin = 0, xmax = 1;
	for (const ParticipantResult *r : examples) {
		xmin = std::min(xmin, -static_cast<long>(r->genuineTrace.size()));
		xmax = std::max(xmax, static_cast<long>(r->impostorTrace.size()));
	}
	const double W = 780, H = 420, ml = 60, mr = 200, mt = 50, mb = 50;
	auto X = [&](double v) {
		return ml + (v - static_cast<double>(xmin)) / static_cast<double>(xmax - xmin) * (W - ml - mr);
	};
	auto Y = [&](double v) { return H - mb - v * (H - mt - mb); };
	char buf[512];
	f << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
	  << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
	f << "<text x=\"" << (W - mr + ml) / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">" << title
	  << "</text>\n";
	for (double v : {0.0, 0.25, 0.5, 0.75, 1.0}) {
		snprintf(buf, sizeof buf,
			 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
			 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n",
			 X(static_cast<double>(xmin)), Y(v), X(static_cast<double>(xmax)), Y(v), ml - 4, Y(v) + 4, v);
		f << buf;
	}
	const long step = xmax - xmin > 400 ? 100 : 50;
	for (long v = (xmin / step) * step; v <= xmax; v += step) {
		snprintf(buf, sizeof buf,
			 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
			 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%ld</text>\n",
			 X(static_cast<double>(v)), Y(0), X(static_cast<double>(v)), Y(1), X(static_cast<double>(v)),
			 H - mb + 16, v);
		f << buf;
	}
	// Verdict thresholds of the trust model.
	const struct {
		double v;
		const char *name, *colour;
	} thresholds[] = {
		{tp.trustedEnter, "trusted (enter)", "#2a9d3a"},
		{tp.trustedLeave, "trusted (leave)", "#8cc98f"},
		{tp.untrustedLeave, "untrusted (leave)", "#e8a0a0"},
		{tp.untrustedEnter, "untrusted (enter)", "#c0392b"},
	};
	for (const auto &t : thresholds) {
		snprintf(
			buf, sizeof buf,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"6 4\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s %.2f</text>\n",
			X(static_cast<double>(xmin)), Y(t.v), X(static_cast<double>(xmax)), Y(t.v), t.colour,
			X(static_cast<double>(xmax)) + 4, Y(t.v) + 4, t.colour, t.name, t.v);
		f << buf;
	}
	snprintf(buf, sizeof buf,
		 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\" stroke-width=\"1.5\"/>"
		 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">impostor starts</text>\n",
		 X(0), Y(0), X(0), Y(1), X(0), mt - 6);
	f << buf;
	snprintf(buf, sizeof buf,
		 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>\n", ml,
		 mt, W - ml - mr, H - mt - mb);
	f << buf;
	f << "<text x=\"" << (W - mr + ml) / 2 << "\" y=\"" << H - 12
	  << "\" text-anchor=\"middle\">keystrokes (0 = the impostor's first)</text>\n";
	f << "<text x=\"16\" y=\"" << H / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " << H / 2
	  << ")\">trust</text>\n";
	static const char *colours[] = {"#1f5fbf", "#d9822b", "#7b3fa0", "#2a9d8f", "#555555", "#b5651d"};
	for (size_t e = 0; e < examples.size(); e++) {
		const ParticipantResult &r = *examples[e];
		const char *colour = colours[e % (sizeof colours / sizeof *colours)];
		f << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.5\" points=\"";
		const long g = static_cast<long>(r.genuineTrace.size());
		for (long i = 0; i < g; i++) {
			snprintf(buf, sizeof buf, "%.1f,%.1f ", X(static_cast<double>(i - g + 1)),
				 Y(r.genuineTrace[static_cast<size_t>(i)]));
			f << buf;
		}
		for (size_t i = 0; i < r.impostorTrace.size(); i++) {
			snprintf(buf, sizeof buf, "%.1f,%.1f ", X(static_cast<double>(i + 1)), Y(r.impostorTrace[i]));
			f << buf;
		}
		f << "\"/>\n";
		// The legend, in the right margin between the two `untrusted` thresholds.
		snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>\n",
			 X(static_cast<double>(xmax)) + 4, Y(tp.untrustedLeave) + 30 + 16.0 * static_cast<double>(e),
			 colour, labels[e].c_str());
		f << buf;
	}
	f << "</svg>\n";
	return static_cast<bool>(f);
}

int usage(FILE *out)
{
	fprintf(out,
		"Usage: tactus-eval takeover DIR [--model FILE] [--validation] [--fold K/N] [--pairs K] [--limit N]\n"
		"                            [--jobs J] [--set NAME=VALUE]... [--json] [--svg FILE]\n"
		"Each participant enrolls by typing, types the rest of their sections, then each of the next K\n"
		"participants takes over a copy of that session: impostor keystrokes until `untrusted`, genuine\n"
		"keystrokes per false `untrusted`.\n"
		"--fold K/N keeps the participants whose index (in id order) modulo N is K: tune on one fold,\n"
		"report on another. --set changes one of tactusd's defaults: window, stride (keys), gain,\n"
		"upper, lower, start, llr-limit (nats), trusted-enter, trusted-leave, untrusted-enter,\n"
		"untrusted-leave (trust).\n");
	return out == stdout ? 0 : 2;
}

bool parseCount(const char *text, size_t lo, size_t hi, size_t &out)
{
	char *end = nullptr;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < lo || v > hi)
		return false;
	out = static_cast<size_t>(v);
	return true;
}

} // namespace

int runTakeover(std::span<char *const> args)
{
	// Across modalities: typing and the mouse (tactus-eval-fusion.cc).
	for (const char *a : args)
		if (std::string_view(a) == "--mouse")
			return runFusionTakeover(args);
	Options o;
	o.model = defaultModelPath();
	for (size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		auto value = [&]() -> const char * { return i + 1 < args.size() ? args[++i] : nullptr; };
		const char *v = nullptr;
		size_t count = 0;
		if (a == "--validation") {
			o.validation = true;
		} else if (a == "--json") {
			o.json = true;
		} else if (a == "--model" && (v = value())) {
			o.model = v;
		} else if (a == "--svg" && (v = value())) {
			o.svg = v;
		} else if (a == "--pairs" && (v = value()) && parseCount(v, 1, 1000, count)) {
			o.pairs = count;
		} else if (a == "--limit" && (v = value()) && parseCount(v, 1, 10'000'000, count)) {
			o.limit = count;
		} else if (a == "--set" && (v = value())) {
			if (!setParam(v, o.params)) {
				fprintf(stderr, "tactus-eval takeover: --set %s: unknown name or bad value\n", v);
				return 2;
			}
		} else if (a == "--fold" && (v = value())) {
			unsigned k = 0, n = 0;
			char tail = 0;
			if (sscanf(v, "%u/%u%c", &k, &n, &tail) != 2 || n < 1 || n > 100 || k >= n) {
				fprintf(stderr, "tactus-eval takeover: --fold %s: expected K/N with K < N\n", v);
				return 2;
			}
			o.fold = k;
			o.folds = n;
		} else if (a == "--jobs" && (v = value()) && parseCount(v, 1, 256, count)) {
			o.jobs = static_cast<unsigned>(count);
		} else if (a == "-h" || a == "--help") {
			return usage(stdout);
		} else if (!a.starts_with("-") && o.dir.empty()) {
			o.dir = args[i];
		} else {
			return usage(stderr);
		}
	}
	if (o.dir.empty())
		return usage(stderr);
	const auto t0 = std::chrono::steady_clock::now();
	auto model = KeystrokeModel::load(o.model);
	if (!model) {
		fprintf(stderr, "tactus-eval takeover: %s\n", model.error().message.c_str());
		return 1;
	}
	FeatureStats stats;
	auto parts = readFeatureParticipants(o.dir, model->classSet(), stats);
	if (!parts) {
		fprintf(stderr, "tactus-eval takeover: %s\n", parts.error().message.c_str());
		return 1;
	}
	if (o.params.strideKeys > o.params.windowKeys || o.params.windowKeys > model->maxKeys()) {
		fprintf(stderr, "tactus-eval takeover: --set: stride must not exceed window, window at most %zu\n",
			static_cast<size_t>(model->maxKeys()));
		return 2;
	}
	if (auto ok = o.params.trust.check(); !ok) {
		fprintf(stderr, "tactus-eval takeover: --set: %s\n", ok.error().message.c_str());
		return 2;
	}
	std::vector<const FeatureParticipant *> eval;
	size_t index = 0;
	for (const FeatureParticipant &p : *parts)
		if (!o.validation || p.validation)
			if (index++ % o.folds == o.fold)
				eval.push_back(&p);
	if (o.limit && eval.size() > o.limit)
		eval.resize(o.limit);
	if (eval.size() < 2) {
		fprintf(stderr, "tactus-eval takeover: %zu participants under %s; need at least 2\n", eval.size(),
			o.dir.c_str());
		return 1;
	}

	const TakeoverParams &params = o.params;
	const size_t n = eval.size();
	std::vector<ParticipantResult> results(n);
	std::atomic<size_t> next{0};
	unsigned jobs = o.jobs ? o.jobs : std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
	jobs = static_cast<unsigned>(std::min<size_t>(jobs, n));
	auto worker = [&]() {
		for (size_t i; (i = next.fetch_add(1)) < n;)
			results[i] = runParticipant(*model, params, eval, i, o.pairs,
						    !o.svg.empty() && i < 4 * kPlotExamples);
	};
	std::vector<std::thread> threads;
	for (unsigned j = 1; j < jobs; j++)
		threads.emplace_back(worker);
	worker();
	for (std::thread &t : threads)
		t.join();

	size_t enrolled = 0;
	uint64_t genuineKeys = 0, falseUntrusted = 0, impostorKeys = 0;
	std::vector<uint64_t> toUntrusted, enrollKeys, notReachedTyped;
	for (const ParticipantResult &r : results) {
		if (!r.enrolled)
			continue;
		enrolled++;
		enrollKeys.push_back(r.enrollKeys);
		genuineKeys += r.genuineKeys;
		falseUntrusted += r.falseUntrusted;
		for (const PairResult &p : r.pairs) {
			impostorKeys += p.keys;
			toUntrusted.push_back(p.reached ? p.keys : std::numeric_limits<uint64_t>::max());
			if (!p.reached)
				notReachedTyped.push_back(p.keys);
		}
	}
	std::sort(toUntrusted.begin(), toUntrusted.end());
	std::sort(enrollKeys.begin(), enrollKeys.end());
	std::sort(notReachedTyped.begin(), notReachedTyped.end());
	const size_t pairs = toUntrusted.size();
	const uint64_t median = quantile(toUntrusted, 0.5), p90 = quantile(toUntrusted, 0.9);
	const size_t notReached = notReachedTyped.size();
	const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	const bool haveRate = falseUntrusted > 0;
	const double perFalse = haveRate ? static_cast<double>(genuineKeys) / static_cast<double>(falseUntrusted) : 0;
	const size_t pairsPer = std::min(o.pairs, n - 1);

	std::string svgNote;
	if (!o.svg.empty()) {
		std::vector<const ParticipantResult *> examples;
		std::vector<std::string> labels;
		for (size_t i = 0; i < n && examples.size() < kPlotExamples; i++) {
			const ParticipantResult &r = results[i];
			if (!r.enrolled || r.pairs.empty() || r.impostorTrace.empty())
				continue;
			examples.push_back(&r);
			labels.push_back(
				eval[i]->id + " by " + eval[r.pairs[0].impostor]->id + ": " +
				(r.pairs[0].reached ? std::to_string(r.pairs[0].keys) + " keys" : "not reached"));
		}
		char title[200];
		snprintf(title, sizeof title,
			 "Takeover: trust per keystroke; to untrusted: median %s, p90 %s (%zu pairs)",
			 keysText(median).c_str(), keysText(p90).c_str(), pairs);
		if (!writeTrustSvg(o.svg, title, params.trust, examples, labels)) {
			fprintf(stderr, "tactus-eval takeover: cannot write %s\n", o.svg.c_str());
			return 1;
		}
		svgNote = o.svg;
	}

	if (o.json) {
		printf("{\"dir\": %s, \"model\": %s, \"model_version\": %s, \"validation\": %s,\n",
		       jsonString(o.dir).c_str(), jsonString(o.model).c_str(), jsonString(model->version()).c_str(),
		       o.validation ? "true" : "false");
		printf(" \"participants\": %zu, \"enrolled\": %zu, \"skipped_enrollment\": %zu, "
		       "\"pairs_per_participant\": "
		       "%zu, \"pairs\": %zu,\n",
		       n, enrolled, n - enrolled, pairsPer, pairs);
		printf(" \"window_keys\": %u, \"stride_keys\": %u, \"enrollment_templates\": %u, \"enrollment_keys\": "
		       "%" PRIu64 ", \"enroll_keys_median\": %s,\n",
		       params.windowKeys, params.strideKeys, params.enrollment.templatesNeeded,
		       params.enrollment.eventsNeeded, keysJson(quantile(enrollKeys, 0.5)).c_str());
		printf(" \"impostor_keys_to_untrusted\": {\"median\": %s, \"p90\": %s, \"not_reached\": %zu, "
		       "\"not_reached_typed_median\": %s, \"impostor_keys\": %" PRIu64 "},\n",
		       keysJson(median).c_str(), keysJson(p90).c_str(), notReached,
		       keysJson(quantile(notReachedTyped, 0.5)).c_str(), impostorKeys);
		printf(" \"genuine_keys\": %" PRIu64 ", \"false_untrusted\": %" PRIu64
		       ", \"genuine_keys_per_false_untrusted\": %s,\n",
		       genuineKeys, falseUntrusted, haveRate ? std::to_string(perFalse).c_str() : "null");
		printf(" \"targets\": {\"median\": %.0f, \"p90\": %.0f, \"genuine_keys_per_false_untrusted\": %.0f},\n",
		       kTargetMedian, kTargetP90, kTargetGenuinePerFalse);
		printf(" \"seconds\": %.1f}\n", seconds);
		return 0;
	}

	printf("tactus-eval takeover: %s\n", o.dir.c_str());
	printf("model            %s (version %s, class set %s)\n", o.model.c_str(), model->version().c_str(),
	       std::string(keyClassSetName(model->classSet())).c_str());
	printf("participants     %zu%s%s%s; %zu enrolled, %zu skipped (too little typing to enroll)\n", n,
	       o.validation ? " (validation split: FNV-1a(id) % 100 < 27; never seen in training)" : " (all)",
	       o.folds > 1 ? (" (fold " + std::to_string(o.fold) + "/" + std::to_string(o.folds) + ")").c_str() : "",
	       o.limit && n == o.limit ? " (--limit)" : "", enrolled, n - enrolled);
	const TrustParams &tp = params.trust;
	printf("trust            gain %.2f, log-odds %+.2f..%+.2f (start %+.2f), window llr limit %.1f;\n"
	       "                 trusted at >= %.2f (leave < %.2f), untrusted at <= %.3f (leave >= %.2f)\n",
	       tp.gain[0], tp.lowerLogOdds, tp.upperLogOdds, tp.startLogOdds, tp.windowLlrLimit, tp.trustedEnter,
	       tp.trustedLeave, tp.untrustedEnter, tp.untrustedLeave);
	printf("protocol         tactusd's KeystrokeBehaviour (window %u keys, stride %u).\n"
	       "                 Each participant P types their sections in order (ascending id; %.0f s between\n"
	       "                 sections) until the profile is ready (%u templates, %" PRIu64 " keystrokes); P's\n"
	       "                 remaining keystrokes are genuine: every change to `untrusted` is a false one,\n"
	       "                 after which P re-authenticates (trust restarts). Then for each of the next %zu\n"
	       "                 participants (id order, wrapping) a copy of P's session at the end of P's typing\n"
	       "                 gets that participant's sections: impostor keystrokes until `untrusted`.\n",
	       params.windowKeys, params.strideKeys, static_cast<double>(kSectionGapUs) / 1e6,
	       params.enrollment.templatesNeeded, params.enrollment.eventsNeeded, pairsPer);
	printf("pairs            %zu (%" PRIu64 " impostor keystrokes typed)\n", pairs, impostorKeys);
	printf("enrollment       median %s keystrokes to a ready profile\n",
	       keysText(quantile(enrollKeys, 0.5)).c_str());
	printf("impostor keystrokes to untrusted   median %-12s (target <= %.0f)\n", keysText(median).c_str(),
	       kTargetMedian);
	printf("                                   p90    %-12s (target <= %.0f)\n", keysText(p90).c_str(), kTargetP90);
	printf("                                   never untrusted: %zu of %zu pairs (median %s keystrokes typed)\n",
	       notReached, pairs, keysText(quantile(notReachedTyped, 0.5)).c_str());
	if (haveRate)
		printf("genuine keystrokes per false untrusted  %.0f = %" PRIu64 " / %" PRIu64 " (target >= %.0f)\n",
		       perFalse, genuineKeys, falseUntrusted, kTargetGenuinePerFalse);
	else
		printf("genuine keystrokes per false untrusted  > %" PRIu64 " (no false untrusted in %" PRIu64
		       " genuine keystrokes; target >= %.0f)\n",
		       genuineKeys, genuineKeys, kTargetGenuinePerFalse);
	if (!svgNote.empty())
		printf("plot             %s\n", svgNote.c_str());
	printf("time             %.1f s (%u threads)\n", seconds, jobs);
	return 0;
}

} // namespace tactus::eval
