// SPDX-License-Identifier: MIT
// tactus-eval pointer-model: fits the pointer model file tactusd ships
// (data/models/pointer.model) on the Balabit challenge's training sessions
// of the development users only (the held-out users stay unseen, for the
// takeover evaluation and the vm test); test sessions and labels are never
// read. The file holds bin edges, the background histogram (aggregate
// counts), the calibration and the segmentation pause.

#include "tactus-eval-pointer-model.h"
#include "tactus-eval.h"

#include "pointer-model.h"
#include "profile.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace tactus::eval {

std::vector<PointerSample> balabitSamples(const std::vector<BalabitEvent> &events)
{
	std::vector<PointerSample> out;
	out.reserve(events.size());
	for (const BalabitEvent &e : events) {
		if (e.button == BalabitButton::Scroll)
			continue;
		PointerSample s;
		s.timeUsec = static_cast<uint64_t>(std::llround(e.clientSec * 1e6));
		s.x = e.x;
		s.y = e.y;
		if (e.state == BalabitState::Pressed)
			s.kind = PointerEventKind::ButtonDown;
		else if (e.state == BalabitState::Released)
			s.kind = PointerEventKind::ButtonUp;
		out.push_back(s);
	}
	return out;
}

bool readBalabitActions(const std::string &dir, const PointerSegmenterConfig &config, bool tests,
			std::vector<BalabitSessionActions> &out, double ditherMs)
{
	auto files = listBalabit(dir);
	if (!files) {
		fprintf(stderr, "tactus-eval: %s\n", files.error().message.c_str());
		return false;
	}
	BalabitStats stats;
	uint64_t index = 0;
	for (const BalabitFile &f : *files) {
		index++;
		if (!f.training && (!tests || f.illegal < 0))
			continue;
		auto ev = readBalabitSession(f.path, stats);
		if (!ev) {
			fprintf(stderr, "tactus-eval: %s, ignoring\n", ev.error().message.c_str());
			continue;
		}
		addDeliveryJitter(*ev, ditherMs, index);
		BalabitSessionActions s;
		s.user = f.user;
		s.name = f.session;
		s.training = f.training;
		s.illegal = f.illegal;
		s.samples = balabitSamples(*ev);
		s.actions = segmentPointerActions(s.samples, config);
		out.push_back(std::move(s));
	}
	return true;
}

std::map<std::string, bool> balabitDevelopmentSplit(const std::vector<BalabitSessionActions> &sessions)
{
	std::map<std::string, bool> users;
	for (const auto &s : sessions)
		if (s.training)
			users[s.user] = false;
	size_t i = 0;
	for (auto &[u, dev] : users)
		dev = i++ < (users.size() + 1) / 2;
	return users;
}

std::unique_ptr<PointerModelData> fitPointerModel(const std::vector<BalabitSessionActions> &sessions,
						  const std::map<std::string, bool> &users, unsigned bins,
						  double smoothing, uint64_t pauseMs)
{
	auto m = std::make_unique<PointerModelData>();
	m->params.bins = bins;
	m->params.smoothing = smoothing;
	m->pauseMs = pauseMs;
	std::map<std::string, std::vector<const BalabitSessionActions *>> training;
	std::vector<PointerAction> population;
	for (const auto &s : sessions)
		if (s.training && users.count(s.user)) {
			training[s.user].push_back(&s);
			population.insert(population.end(), s.actions.begin(), s.actions.end());
		}
	m->binning = PointerBinning::fit(population, bins);
	m->background = PointerHistogram(m->binning);
	for (const PointerAction &a : population)
		m->background.add(a);

	// Calibration: enroll on even sessions, score the odd ones of the user
	// (genuine) and of the others (impostor, at most 3,000 per other user).
	std::map<std::string, PointerHistogram> half;
	PointerHistogram all(m->binning);
	for (const auto &[u, list] : training) {
		PointerHistogram h(m->binning);
		for (size_t i = 0; i < list.size(); i += 2)
			for (const PointerAction &a : list[i]->actions)
				h.add(a);
		all.merge(h);
		half.emplace(u, h);
	}
	std::vector<double> genuine, impostor;
	std::array<std::vector<double>, kPointerActionTypes> genuineOf, impostorOf; // by action type
	for (const auto &[u, _] : training) {
		PointerHistogram bg = all;
		bg.merge(half.at(u), -1);
		const PointerScorer scorer(m->binning, half.at(u), bg, m->params);
		for (const auto &[v, list] : training) {
			size_t taken = 0;
			for (size_t i = 1; i < list.size(); i += 2)
				for (const PointerAction &a : list[i]->actions) {
					const auto t = static_cast<size_t>(a.type) % kPointerActionTypes;
					if (u == v) {
						genuine.push_back(scorer.normalised(a));
						genuineOf[t].push_back(genuine.back());
					} else if (taken++ < 3000) {
						impostor.push_back(scorer.normalised(a));
						impostorOf[t].push_back(impostor.back());
					}
				}
		}
	}
	m->calibration = PointerCalibration::fit(genuine, impostor);
	// Each action type its own calibration where it has kTypeCalibrationMin genuine and impostor
	// actions, and each action's llr clamped: what `tactus-eval mouse` chose (--type-calibration 200,
	// --clip 1).
	for (size_t t = 0; t < kPointerActionTypes; t++)
		if (genuineOf[t].size() >= kTypeCalibrationMin && impostorOf[t].size() >= kTypeCalibrationMin)
			m->typeCalibration[t] = PointerCalibration::fit(genuineOf[t], impostorOf[t]);
	m->clip = kPointerLlrClip;
	return m;
}

int runPointerModel(std::span<char *const> args)
{
	std::string dir, output;
	// 17 bins: the most a profile row holds; chosen by `tactus-eval mouse --global-calibration --pause-ms
	// 1000 --cv` (10 bins 0.9241, 12 0.9274, 14 0.9286, 15 0.9285, 16 0.9290, 17 0.9293).
	uint64_t bins = 17, pauseMs = 1000, version = 1, ditherMs = 0;
	bool allUsers = false;
	for (size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		auto value = [&]() -> const char * { return i + 1 < args.size() ? args[++i] : nullptr; };
		if (a == "--output" || a == "-o") {
			const char *v = value();
			if (!v)
				return fprintf(stderr, "tactus-eval pointer-model: --output needs a file\n"), 2;
			output = v;
		} else if (a == "--bins") {
			const char *v = value();
			// A profile row holds the type's count and every feature's bins (kMaxProfileDimension).
			constexpr uint64_t kMaxBins = (kMaxProfileDimension - 1) / kPointerFeatureCount;
			if (!v || !parseU64(v, bins) || bins < 2 || bins > kMaxBins)
				return fprintf(stderr,
					       "tactus-eval pointer-model: --bins needs a count in 2..%" PRIu64
					       " (a profile row holds 1 + %zu features x bins counts, at most %u)\n",
					       kMaxBins, kPointerFeatureCount, kMaxProfileDimension),
				       2;
		} else if (a == "--version") {
			const char *v = value();
			if (!v || !parseU64(v, version) || version > UINT32_MAX)
				return fprintf(stderr, "tactus-eval pointer-model: --version needs a count\n"), 2;
		} else if (a == "--all-users") {
			allUsers = true;
		} else if (a == "--dither-ms") {
			const char *v = value();
			if (!v || !parseU64(v, ditherMs) || ditherMs > 1000)
				return fprintf(stderr,
					       "tactus-eval pointer-model: --dither-ms needs a count in 0..1000\n"),
				       2;
		} else if (a == "-h" || a == "--help") {
			printf("Usage: tactus-eval pointer-model DIR --output FILE [--bins N] [--version N] "
			       "[--dither-ms MS] [--all-users]\n");
			return 0;
		} else if (!a.empty() && a[0] != '-' && dir.empty()) {
			dir = std::string(a);
		} else {
			fprintf(stderr, "tactus-eval pointer-model: unknown option '%.*s'\n",
				static_cast<int>(a.size()), a.data());
			return 2;
		}
	}
	if (dir.empty() || output.empty()) {
		fprintf(stderr, "tactus-eval pointer-model: DIR (the unpacked balabit-mouse folder) and --output FILE "
				"are required\n");
		return 2;
	}
	PointerSegmenterConfig seg;
	seg.pauseUsec = pauseMs * 1000;
	std::vector<BalabitSessionActions> sessions;
	if (!readBalabitActions(dir, seg, false, sessions, static_cast<double>(ditherMs)))
		return 1;
	std::map<std::string, bool> users = balabitDevelopmentSplit(sessions);
	if (!allUsers)
		std::erase_if(users, [](const auto &u) { return !u.second; });
	if (users.size() < 2) {
		fprintf(stderr, "tactus-eval pointer-model: need the training sessions of at least 2 users\n");
		return 1;
	}
	auto m = fitPointerModel(sessions, users, static_cast<unsigned>(bins), 1.0, pauseMs);
	m->name = allUsers ? "balabit-nb-all" : "balabit-nb-dev";
	m->version = static_cast<uint32_t>(version);
	std::string text = "# tactus pointer model: Balabit Mouse Dynamics Challenge training sessions of users";
	for (const auto &[u, _] : users)
		text += " " + u;
	text += "\n# (test sessions and labels not read). Made by: tactus-eval pointer-model DIR --output FILE "
		"--bins " +
		std::to_string(bins) + " --version " + std::to_string(version) +
		(ditherMs ? " --dither-ms " + std::to_string(ditherMs) : std::string()) +
		(allUsers ? " --all-users" : "") + "\n";
	text += formatPointerModel(*m);
	std::ofstream f(output, std::ios::binary | std::ios::trunc);
	f << text;
	f.close();
	if (!f) {
		fprintf(stderr, "tactus-eval pointer-model: cannot write %s\n", output.c_str());
		return 1;
	}
	printf("pointer model %s: %zu users, %llu background actions, %u bins, calibration llr = %.4f * raw %+.4f\n",
	       output.c_str(), users.size(), static_cast<unsigned long long>(m->background.actions()), m->params.bins,
	       m->calibration.scale, m->calibration.offset);
	return 0;
}

} // namespace tactus::eval
