// SPDX-License-Identifier: MIT
// tactus-eval keystrokes: the verification protocol of
// ../shared/datasets/README.md with the shipped keystroke model;
// tactus-eval keystroke-features: the extractor's rows of a dataset, for
// training (tools/train); tactus-eval keystroke-bench: cost of one window.

#include "tactus-eval-keystrokes.h"
#include "tactus-eval.h"

#include "aalto-dataset.h"
#include "config.h"
#include "keystroke-model.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

namespace tactus::eval {

namespace {

constexpr size_t kEnrollment = 5;
constexpr size_t kGenuine = 5;
constexpr size_t kImpostors = 100;

bool numericLess(const std::string &a, const std::string &b)
{
	// Shorter digit strings are smaller numbers; ties by text.
	auto digits = [](const std::string &s) {
		return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
	};
	if (digits(a) && digits(b) && a.size() != b.size())
		return a.size() < b.size();
	return a < b;
}

struct Event {
	int64_t timeUs;
	int order; // releases before presses at one instant, a zero-hold release after its press
	size_t index;
	uint16_t code;
	int value;
};

void sectionRows(const AaltoSection &sec, KeystrokeExtractor &ex, std::vector<Event> &events,
		 std::vector<KeystrokeRow> &out)
{
	events.clear();
	for (size_t i = 0; i < sec.keys.size(); i++) {
		const AaltoKeystroke &k = sec.keys[i];
		int64_t p = k.pressMs * 1000, r = k.releaseMs * 1000;
		events.push_back({p, 1, i, k.code, 1});
		events.push_back({r, r == p ? 2 : 0, i, k.code, 0});
	}
	std::sort(events.begin(), events.end(), [](const Event &a, const Event &b) {
		if (a.timeUs != b.timeUs)
			return a.timeUs < b.timeUs;
		if (a.order != b.order)
			return a.order < b.order;
		return a.index < b.index;
	});
	ex.reset();
	out.clear();
	KeystrokeRow row;
	for (const Event &e : events) {
		ex.key(e.code, e.value, e.timeUs);
		while (ex.pop(row))
			out.push_back(row);
	}
	if (!events.empty())
		ex.flush(events.back().timeUs);
	while (ex.pop(row))
		out.push_back(row);
}

struct Options {
	std::string dir;
	std::string model;
	std::string plots;
	bool validation = false;
	bool json = false;
	size_t participants = 0; // 0 = all
};

// Equal error rate of distances (lower = genuine): the threshold where the
// false-reject and false-accept rates are closest, their mean.
double equalErrorRate(std::vector<float> g, std::vector<float> i)
{
	std::sort(g.begin(), g.end());
	std::sort(i.begin(), i.end());
	std::vector<float> thr;
	thr.reserve(g.size() + i.size());
	std::merge(g.begin(), g.end(), i.begin(), i.end(), std::back_inserter(thr));
	thr.erase(std::unique(thr.begin(), thr.end()), thr.end());
	double best = 2, eer = 1;
	for (float t : thr) {
		double frr = 1.0 - static_cast<double>(std::upper_bound(g.begin(), g.end(), t) - g.begin()) /
					   static_cast<double>(g.size());
		double far = static_cast<double>(std::upper_bound(i.begin(), i.end(), t) - i.begin()) /
			     static_cast<double>(i.size());
		if (std::fabs(frr - far) < best) {
			best = std::fabs(frr - far);
			eer = (frr + far) / 2;
		}
	}
	return eer;
}

// Acklam's rational approximation of the standard normal quantile (DET axes).
double probit(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
				   1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
				   6.680131188771972e+01, -1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
				   -2.549671500253066e+00, 4.374664141464968e+00,  2.938163982698783e+00};
	static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
				   3.754408661907416e+00};
	p = std::clamp(p, 1e-9, 1 - 1e-9);
	if (p < 0.02425) {
		double q = std::sqrt(-2 * std::log(p));
		return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		       ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	if (p > 1 - 0.02425)
		return -probit(1 - p);
	double q = p - 0.5, r = q * q;
	return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
	       (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

struct CurvePoint {
	double far, frr;
};

std::vector<CurvePoint> curve(std::vector<float> g, std::vector<float> i)
{
	std::sort(g.begin(), g.end());
	std::sort(i.begin(), i.end());
	std::vector<CurvePoint> out;
	const size_t steps = 400;
	float lo = std::min(g.front(), i.front()), hi = std::max(g.back(), i.back());
	for (size_t s = 0; s <= steps; s++) {
		float t = lo + (hi - lo) * static_cast<float>(s) / static_cast<float>(steps);
		double frr = 1.0 - static_cast<double>(std::upper_bound(g.begin(), g.end(), t) - g.begin()) /
					   static_cast<double>(g.size());
		double far = static_cast<double>(std::upper_bound(i.begin(), i.end(), t) - i.begin()) /
			     static_cast<double>(i.size());
		out.push_back({far, frr});
	}
	return out;
}

bool writeSvg(const std::string &path, const std::string &title, const std::string &xlabel, const std::string &ylabel,
	      const std::vector<std::pair<double, double>> &pts,
	      const std::vector<std::pair<double, std::string>> &ticks, double lo, double hi)
{
	std::ofstream f(path);
	if (!f)
		return false;
	const double W = 480, H = 480, m = 60;
	auto X = [&](double v) { return m + (v - lo) / (hi - lo) * (W - 2 * m); };
	auto Y = [&](double v) { return H - m - (v - lo) / (hi - lo) * (H - 2 * m); };
	char buf[256];
	f << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
	  << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
	f << "<text x=\"" << W / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">" << title << "</text>\n";
	for (const auto &[v, label] : ticks) {
		snprintf(buf, sizeof buf,
			 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
			 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			 X(v), Y(lo), X(v), Y(hi), X(lo), Y(v), X(hi), Y(v));
		f << buf;
		snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", X(v),
			 H - m + 16, label.c_str());
		f << buf;
		snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", m - 4,
			 Y(v) + 4, label.c_str());
		f << buf;
	}
	snprintf(buf, sizeof buf,
		 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"black\"/>\n", m, m,
		 W - 2 * m, H - 2 * m);
	f << buf;
	f << "<text x=\"" << W / 2 << "\" y=\"" << H - 16 << "\" text-anchor=\"middle\">" << xlabel << "</text>\n";
	f << "<text x=\"16\" y=\"" << H / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " << H / 2 << ")\">"
	  << ylabel << "</text>\n<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\" points=\"";
	for (const auto &[x, y] : pts) {
		snprintf(buf, sizeof buf, "%.1f,%.1f ", X(std::clamp(x, lo, hi)), Y(std::clamp(y, lo, hi)));
		f << buf;
	}
	f << "\"/>\n</svg>\n";
	return static_cast<bool>(f);
}

int usageKeystrokes(FILE *out)
{
	fprintf(out, "Usage: tactus-eval keystrokes DIR [--model FILE] [--validation] [--participants N] [--plots DIR] "
		     "[--json]\n");
	return out == stdout ? 0 : 2;
}

} // namespace

std::string defaultModelPath()
{
	std::string src = std::string(TACTUS_SOURCE_ROOT) + "/data/models/keystroke.tkm";
	if (std::filesystem::exists(src))
		return src;
	return std::string(TACTUS_DATADIR) + "/models/keystroke.tkm";
}

bool isValidationParticipant(std::string_view id)
{
	uint32_t h = 2166136261u;
	for (char c : id)
		h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
	return h % 100 < kValidationPercent;
}

Result<std::vector<FeatureParticipant>> readFeatureParticipants(const std::string &dir, KeyClassSet set,
								FeatureStats &stats)
{
	auto files = listAaltoFiles(dir);
	if (!files)
		return files.error();
	std::vector<FeatureParticipant> out;
	KeystrokeExtractor ex(set);
	std::vector<Event> events;
	for (const std::string &path : *files) {
		AaltoStats as;
		std::vector<FeatureParticipant> here;
		auto r = readAaltoFile(
			path,
			[&](const AaltoSection &sec) {
				if (here.empty() || here.back().id != sec.participant) {
					here.push_back({sec.participant, isValidationParticipant(sec.participant), {}});
				}
				FeatureSection fs{sec.section, {}};
				sectionRows(sec, ex, events, fs.rows);
				stats.keystrokes += fs.rows.size();
				here.back().sections.push_back(std::move(fs));
			},
			as);
		if (!r)
			return r.error();
		stats.files++;
		stats.skippedRows += as.malformed + as.inconsistent;
		for (FeatureParticipant &p : here)
			out.push_back(std::move(p));
	}
	// A participant split over files (or sections out of order) is merged.
	std::stable_sort(out.begin(), out.end(), [](const FeatureParticipant &a, const FeatureParticipant &b) {
		return numericLess(a.id, b.id);
	});
	std::vector<FeatureParticipant> merged;
	for (FeatureParticipant &p : out) {
		if (!merged.empty() && merged.back().id == p.id) {
			for (FeatureSection &s : p.sections)
				merged.back().sections.push_back(std::move(s));
		} else {
			merged.push_back(std::move(p));
		}
	}
	for (FeatureParticipant &p : merged)
		std::stable_sort(
			p.sections.begin(), p.sections.end(),
			[](const FeatureSection &a, const FeatureSection &b) { return numericLess(a.id, b.id); });
	return merged;
}

int runKeystrokeFeatures(std::span<char *const> args)
{
	if (args.size() != 2 || std::string_view(args[0]).starts_with("-")) {
		fprintf(stderr, "Usage: tactus-eval keystroke-features DIR OUT\n"
				"Writes the extractor's rows of every Aalto file under DIR (timings in µs, class\n"
				"indices of every class set; no key codes) to OUT, for tools/train.\n");
		return 2;
	}
	std::string dir = args[0], outPath = args[1];
	std::vector<std::vector<FeatureParticipant>> perSet;
	FeatureStats stats;
	for (KeyClassSet set : kKeyClassSets) {
		FeatureStats s;
		auto r = readFeatureParticipants(dir, set, s);
		if (!r) {
			fprintf(stderr, "tactus-eval keystroke-features: %s\n", r.error().message.c_str());
			return 1;
		}
		perSet.push_back(std::move(*r));
		stats = s;
	}
	std::string tmp = outPath + ".tmp";
	FILE *f = fopen(tmp.c_str(), "we");
	if (!f) {
		fprintf(stderr, "tactus-eval keystroke-features: %s: %s\n", tmp.c_str(), strerror(errno));
		return 1;
	}
	fprintf(f, "participant\tsection\tsplit\thold\tpp\trp\tpr\trr\trollover");
	for (KeyClassSet set : kKeyClassSets)
		fprintf(f, "\tclass_%s", std::string(keyClassSetName(set)).c_str());
	fprintf(f, "\n");
	for (KeyClassSet set : kKeyClassSets)
		fprintf(f, "# classes_%s %u\n", std::string(keyClassSetName(set)).c_str(), keyClassCount(set));
	fprintf(f, "# validation fnv1a32(participant) %% 100 < %u\n", kValidationPercent);
	const std::vector<FeatureParticipant> &base = perSet[0];
	for (size_t p = 0; p < base.size(); p++)
		for (size_t s = 0; s < base[p].sections.size(); s++) {
			const FeatureSection &sec = base[p].sections[s];
			for (size_t k = 0; k < sec.rows.size(); k++) {
				const KeystrokeRow &r = sec.rows[k];
				fprintf(f,
					"%s\t%s\t%d\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%" PRId64
					"\t%u",
					base[p].id.c_str(), sec.id.c_str(), base[p].validation ? 1 : 0, r.holdUs,
					r.ppUs, r.rpUs, r.prUs, r.rrUs, static_cast<unsigned>(r.rollover));
				for (const auto &ps : perSet)
					fprintf(f, "\t%u", static_cast<unsigned>(ps[p].sections[s].rows[k].keyClass));
				fprintf(f, "\n");
			}
		}
	if (fclose(f) != 0 || rename(tmp.c_str(), outPath.c_str()) != 0) {
		fprintf(stderr, "tactus-eval keystroke-features: %s: %s\n", outPath.c_str(), strerror(errno));
		return 1;
	}
	fprintf(stderr,
		"%" PRIu64 " files, %zu participants, %" PRIu64 " keystrokes (%" PRIu64 " rows skipped) -> %s\n",
		stats.files, base.size(), stats.keystrokes, stats.skippedRows, outPath.c_str());
	return 0;
}

int runKeystrokes(std::span<char *const> args)
{
	Options o;
	o.model = defaultModelPath();
	for (size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		auto value = [&]() -> const char * { return i + 1 < args.size() ? args[++i] : nullptr; };
		const char *v = nullptr;
		if (a == "--validation")
			o.validation = true;
		else if (a == "--model" && (v = value()))
			o.model = v;
		else if (a == "--plots" && (v = value()))
			o.plots = v;
		else if (a == "--json")
			o.json = true;
		else if (a == "--participants" && (v = value())) {
			o.participants = strtoul(v, nullptr, 10);
			if (o.participants < 2)
				return usageKeystrokes(stderr);
		} else if (a == "-h" || a == "--help")
			return usageKeystrokes(stdout);
		else if (!a.starts_with("-") && o.dir.empty())
			o.dir = args[i];
		else
			return usageKeystrokes(stderr);
	}
	if (o.dir.empty())
		return usageKeystrokes(stderr);
	auto model = KeystrokeModel::load(o.model);
	if (!model) {
		fprintf(stderr, "tactus-eval keystrokes: %s\n", model.error().message.c_str());
		return 1;
	}
	FeatureStats stats;
	auto parts = readFeatureParticipants(o.dir, model->classSet(), stats);
	if (!parts) {
		fprintf(stderr, "tactus-eval keystrokes: %s\n", parts.error().message.c_str());
		return 1;
	}
	std::vector<const FeatureParticipant *> eval;
	for (const FeatureParticipant &p : *parts)
		if ((!o.validation || p.validation) && p.sections.size() >= kEnrollment + kGenuine)
			eval.push_back(&p);
	if (o.participants > 0 && eval.size() > o.participants)
		eval.resize(o.participants); // a slice: the first N in id order
	if (eval.size() < 2) {
		fprintf(stderr, "tactus-eval keystrokes: %zu participants with >= %zu sections in %s, need 2\n",
			eval.size(), kEnrollment + kGenuine, o.dir.c_str());
		return 1;
	}

	// Embed every section once (its first maxKeys() rows).
	KeystrokeEmbedder embedder(*model);
	const Eigen::Index E = model->embeddingSize();
	std::vector<Eigen::MatrixXf> emb(eval.size());
	auto t0 = std::chrono::steady_clock::now();
	size_t windows = 0;
	for (size_t p = 0; p < eval.size(); p++) {
		const auto &secs = eval[p]->sections;
		emb[p].setZero(E, static_cast<Eigen::Index>(secs.size()));
		for (size_t s = 0; s < secs.size(); s++) {
			if (embedder.embed(secs[s].rows, emb[p].col(static_cast<Eigen::Index>(s))))
				windows++;
		}
	}
	double embedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

	const size_t n = eval.size();
	const size_t nImp = std::min(kImpostors, n - 1);
	std::vector<float> allG, allI;
	std::vector<double> eers;
	std::vector<float> g, im;
	for (size_t p = 0; p < n; p++) {
		const Eigen::MatrixXf &me = emb[p];
		const Eigen::Index ns = me.cols();
		Eigen::MatrixXf enroll = me.leftCols(kEnrollment);
		g.clear();
		im.clear();
		for (Eigen::Index s = ns - static_cast<Eigen::Index>(kGenuine); s < ns; s++)
			g.push_back(model->score(me.col(s), enroll));
		for (size_t j = 1; j <= nImp; j++) {
			const Eigen::MatrixXf &other = emb[(p + j) % n];
			im.push_back(model->score(other.col(other.cols() - 1), enroll));
		}
		eers.push_back(equalErrorRate(g, im));
		allG.insert(allG.end(), g.begin(), g.end());
		allI.insert(allI.end(), im.begin(), im.end());
	}
	double meanEer = std::accumulate(eers.begin(), eers.end(), 0.0) / static_cast<double>(eers.size());
	double globalEer = equalErrorRate(allG, allI);
	std::vector<float> si = allI;
	std::sort(si.begin(), si.end());
	float thr1 = si[static_cast<size_t>(0.01 * static_cast<double>(si.size()))];
	double frr1 = static_cast<double>(std::count_if(allG.begin(), allG.end(), [&](float d) { return d >= thr1; })) /
		      static_cast<double>(allG.size());
	double far1 = static_cast<double>(std::count_if(allI.begin(), allI.end(), [&](float d) { return d < thr1; })) /
		      static_cast<double>(allI.size());
	double llrG = 0, llrI = 0;
	for (float d : allG)
		llrG += model->llr(d);
	for (float d : allI)
		llrI += model->llr(d);
	llrG /= static_cast<double>(allG.size());
	llrI /= static_cast<double>(allI.size());

	if (o.json) {
		printf("{\"participants\": %zu, \"validation\": %s, \"genuine\": %zu, \"impostor\": %zu, "
		       "\"eer_mean\": %.6f, \"eer_global\": %.6f, \"frr_at_far1\": %.6f, \"llr_genuine\": %.4f, "
		       "\"llr_impostor\": %.4f, \"model_version\": \"%s\"}\n",
		       n, o.validation ? "true" : "false", allG.size(), allI.size(), meanEer, globalEer, frr1, llrG,
		       llrI, model->version().c_str());
		return 0;
	}
	printf("tactus-eval keystrokes: %s\n", o.dir.c_str());
	printf("model            %s (version %s, class set %s)\n", o.model.c_str(), model->version().c_str(),
	       std::string(keyClassSetName(model->classSet())).c_str());
	printf("participants     %zu%s\n", n,
	       o.validation ? " (validation split: FNV-1a(id) % 100 < 27; never seen in training)" : " (all)");
	printf("protocol         enrollment: first %zu sections; genuine: last %zu; impostors: last section of the "
	       "next "
	       "%zu participants; <= %zu keys each; score = %s\n",
	       kEnrollment, kGenuine, nImp, model->maxKeys(),
	       model->scoreRule() == KeystrokeScore::Centroid ? "distance to the mean of the enrollment embeddings"
							      : "mean distance to the enrollment embeddings");
	printf("attempts         %zu genuine, %zu impostor\n", allG.size(), allI.size());
	printf("EER per participant (mean)  %.2f%%\n", 100 * meanEer);
	printf("EER global                  %.2f%%\n", 100 * globalEer);
	printf("FRR at 1%% FAR (global)      %.2f%%  (threshold %.4f, FAR %.2f%%)\n", 100 * frr1, thr1, 100 * far1);
	printf("calibration      mean LLR genuine %+.2f, impostor %+.2f (natural log)\n", llrG, llrI);
	printf("embedding cost   %.3f ms per window (%zu windows, this build)\n",
	       embedMs / static_cast<double>(windows), windows);

	if (!o.plots.empty()) {
		std::error_code ec;
		std::filesystem::create_directories(o.plots, ec);
		std::vector<CurvePoint> c = curve(allG, allI);
		std::vector<std::pair<double, double>> roc, det;
		for (const CurvePoint &pt : c) {
			roc.push_back({pt.far, 1 - pt.frr});
			det.push_back({probit(pt.far), probit(pt.frr)});
		}
		std::vector<std::pair<double, std::string>> rocTicks, detTicks;
		for (double v : {0.0, 0.2, 0.4, 0.6, 0.8, 1.0})
			rocTicks.push_back({v, std::to_string(static_cast<int>(v * 100)) + "%"});
		for (double v : {0.001, 0.01, 0.05, 0.2, 0.5})
			detTicks.push_back({probit(v), (v < 0.01 ? "0.1" : std::to_string(static_cast<int>(v * 100))) +
							       std::string("%")});
		char title[200];
		snprintf(title, sizeof title, "Keystrokes ROC, %zu participants, global EER %.2f%%", n,
			 100 * globalEer);
		std::string rocPath = o.plots + "/keystrokes-roc.svg", detPath = o.plots + "/keystrokes-det.svg";
		bool ok = writeSvg(rocPath, title, "false accept rate", "true accept rate", roc, rocTicks, 0, 1);
		snprintf(title, sizeof title, "Keystrokes DET, %zu participants, global EER %.2f%%", n,
			 100 * globalEer);
		ok = ok && writeSvg(detPath, title, "false accept rate (normal deviate)",
				    "false reject rate (normal deviate)", det, detTicks, probit(0.0005), probit(0.6));
		if (!ok) {
			fprintf(stderr, "tactus-eval keystrokes: cannot write plots to %s\n", o.plots.c_str());
			return 1;
		}
		printf("plots            %s %s\n", rocPath.c_str(), detPath.c_str());
	}
	return 0;
}

int runKeystrokeBench(std::span<char *const> args)
{
	std::string path = defaultModelPath();
	size_t windows = 2000;
	for (size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		if (a == "--model" && i + 1 < args.size()) {
			path = args[++i];
		} else if (a == "--windows" && i + 1 < args.size()) {
			windows = strtoul(args[++i], nullptr, 10);
			if (windows < 1 || windows > 1'000'000) {
				fprintf(stderr, "tactus-eval keystroke-bench: --windows needs 1..1000000\n");
				return 2;
			}
		} else {
			fprintf(stderr, "Usage: tactus-eval keystroke-bench [--model FILE] [--windows N]\n");
			return a == "-h" || a == "--help" ? 0 : 2;
		}
	}
	auto model = KeystrokeModel::load(path);
	if (!model) {
		fprintf(stderr, "tactus-eval keystroke-bench: %s\n", model.error().message.c_str());
		return 1;
	}
	// A generated window (no real text): pseudo-random timings and classes.
	std::vector<KeystrokeRow> rows(model->maxKeys());
	uint32_t s = 12345;
	auto rnd = [&]() { return (s = s * 1664525u + 1013904223u) >> 8; };
	for (KeystrokeRow &r : rows) {
		r.holdUs = 60'000 + rnd() % 80'000;
		r.ppUs = 80'000 + rnd() % 200'000;
		r.rpUs = r.ppUs - 70'000;
		r.prUs = r.ppUs + r.holdUs;
		r.rrUs = r.ppUs;
		r.rollover = static_cast<uint8_t>(rnd() % 2);
		r.keyClass = static_cast<uint8_t>(rnd() % keyClassCount(model->classSet()));
	}
	KeystrokeEmbedder embedder(*model);
	Eigen::VectorXf e(model->embeddingSize());
	Eigen::MatrixXf enroll = Eigen::MatrixXf::Random(model->embeddingSize(), 5).colwise().normalized();
	embedder.embed(rows, e); // warm-up
	double sink = 0;
	// CPU time beside wall time: this machine is shared, and the wall clock
	// also counts other processes' turns.
	timespec c0, c1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	auto t0 = std::chrono::steady_clock::now();
	for (size_t w = 0; w < windows; w++) {
		rows[w % rows.size()].holdUs += 1;
		embedder.embed(rows, e);
		sink += model->llr(model->score(e, enroll));
	}
	double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	double cpuMs =
		static_cast<double>(c1.tv_sec - c0.tv_sec) * 1e3 + static_cast<double>(c1.tv_nsec - c0.tv_nsec) / 1e6;
	printf("keystroke window scoring: %.3f ms CPU, %.3f ms wall per window of %zu keystrokes (embed + 5-template "
	       "distance + LLR), %zu windows, model %s (score checksum %.3f)\n",
	       cpuMs / static_cast<double>(windows), ms / static_cast<double>(windows), rows.size(), windows,
	       path.c_str(), sink);
	return 0;
}

} // namespace tactus::eval
