// SPDX-License-Identifier: MIT
// tactus-eval mobile-keystrokes: what touchscreen pressure and finger area
// add to typing rhythm, on the Android keystroke data of Antal et al.
// (MOBIKEY layout, Antal & Nemes 2016; issue 12). Every participant typed
// three fixed passwords about 20 times in each of 3 sessions. A repetition
// counts if it typed its password's most common key sequence (computed from
// the data, never printed); it becomes one feature vector:
//   timing   hold time of each key, down-down and up-down time of each pair (ms)
//   touch    pressure and finger area of each key
// Detector: scaled Manhattan distance to the user's template (Araújo et al.
// 2005; Killourhy & Maxion, DSN 2009): Σ_j |x_j − μ_j| / a_j with μ the
// enrollment mean and a the mean absolute deviation per feature. It has no
// setting to tune, so every user is reported. Protocols:
//   mixed     odd repetitions enrolled, even ones verified (all sessions)
//   sessions  the first session enrolled, the later ones verified
// Impostor attempts: the verified repetitions of every other participant for
// the same password.

#include "tactus-eval.h"

#include "mobikey-dataset.h"
#include "roc-curve.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace tactus::eval {

namespace {

struct Options {
	std::string dir;
	bool json = false;
};

int parseOptions(std::span<char *const> args, Options &o)
{
	for (std::string_view a : args) {
		if (a == "--json") {
			o.json = true;
		} else if (a == "-h" || a == "--help") {
			printf("Usage: tactus-eval mobile-keystrokes DIR [--json]\n");
			return -1;
		} else if (!a.empty() && a[0] != '-' && o.dir.empty()) {
			o.dir = std::string(a);
		} else {
			fprintf(stderr, "tactus-eval mobile-keystrokes: unknown option '%.*s'\n",
				static_cast<int>(a.size()), a.data());
			return 2;
		}
	}
	if (o.dir.empty()) {
		fprintf(stderr, "tactus-eval mobile-keystrokes: DIR is required (the unpacked mobile-keystrokes "
				"folder)\n");
		return 2;
	}
	return 0;
}

enum class FeatureSet { Timing, Touch, Both };
constexpr std::array<FeatureSet, 3> kFeatureSets = {FeatureSet::Timing, FeatureSet::Touch, FeatureSet::Both};

const char *name(FeatureSet s)
{
	switch (s) {
	case FeatureSet::Timing: return "timing";
	case FeatureSet::Touch: return "pressure+area";
	case FeatureSet::Both: return "timing+pressure+area";
	}
	return "?";
}

/** One repetition of a password that typed the expected keys. */
struct Attempt {
	int32_t session = 0;
	std::vector<double> timing, touch;
};

std::vector<double> features(const Attempt &a, FeatureSet s)
{
	std::vector<double> out;
	if (s != FeatureSet::Touch)
		out.insert(out.end(), a.timing.begin(), a.timing.end());
	if (s != FeatureSet::Timing)
		out.insert(out.end(), a.touch.begin(), a.touch.end());
	return out;
}

/** Scaled Manhattan template: per-feature mean and mean absolute deviation of the enrollment. */
struct Template {
	std::vector<double> mean, mad;

	explicit Template(const std::vector<std::vector<double>> &enroll)
	{
		const size_t n = enroll.front().size();
		mean.assign(n, 0);
		mad.assign(n, 0);
		for (const auto &x : enroll)
			for (size_t j = 0; j < n; j++)
				mean[j] += x[j] / static_cast<double>(enroll.size());
		for (const auto &x : enroll)
			for (size_t j = 0; j < n; j++)
				mad[j] += std::fabs(x[j] - mean[j]) / static_cast<double>(enroll.size());
	}
	/** Distance (higher = more likely an impostor); features with no spread count by a tiny floor. */
	double score(const std::vector<double> &x) const
	{
		double d = 0;
		for (size_t j = 0; j < mean.size(); j++)
			d += std::fabs(x[j] - mean[j]) / std::max(mad[j], 1e-6 + 1e-3 * std::fabs(mean[j]));
		return d;
	}
};

struct Row {
	std::string protocol;
	int32_t password = 0;
	FeatureSet set = FeatureSet::Timing;
	RocSummary global;
	double meanUserEer = 0;
	size_t users = 0;
};

} // namespace

int runMobileKeystrokes(std::span<char *const> args)
{
	Options o;
	if (int rc = parseOptions(args, o))
		return rc < 0 ? 0 : rc;
	MobikeyStats stats;
	auto presses = readMobikeyDir(o.dir, stats);
	if (!presses) {
		fprintf(stderr, "tactus-eval mobile-keystrokes: %s\n", presses.error().message.c_str());
		return 1;
	}
	// Repetitions: (password, user, session, repetition) → presses in time order.
	using RepKey = std::tuple<int32_t, int32_t, int32_t, int32_t>;
	std::map<RepKey, std::vector<const MobikeyPress *>> reps;
	for (const MobikeyPress &p : *presses)
		reps[{p.passwordType, p.user, p.session, p.repetition}].push_back(&p);
	std::map<int32_t, std::map<std::vector<std::string>, size_t>> sequences; // password → key sequence → count
	for (auto &[k, v] : reps) {
		std::stable_sort(v.begin(), v.end(),
				 [](const MobikeyPress *a, const MobikeyPress *b) { return a->downMs < b->downMs; });
		std::vector<std::string> keys;
		for (const MobikeyPress *p : v)
			keys.push_back(p->key);
		sequences[std::get<0>(k)][keys]++;
	}
	std::map<int32_t, std::vector<std::string>> expected;
	for (const auto &[pw, counts] : sequences)
		expected[pw] = std::max_element(counts.begin(), counts.end(), [](const auto &a, const auto &b) {
				       return a.second < b.second;
			       })->first;

	// password → user → attempts in (session, repetition) order.
	std::map<int32_t, std::map<int32_t, std::vector<Attempt>>> attempts;
	uint64_t kept = 0, dropped = 0;
	for (const auto &[k, v] : reps) {
		const auto &[pw, user, session, rep] = k;
		bool ok = v.size() == expected.at(pw).size() && v.size() >= 2;
		for (size_t i = 0; ok && i < v.size(); i++)
			ok = v[i]->key == expected.at(pw)[i];
		if (!ok) {
			dropped++;
			continue;
		}
		Attempt a;
		a.session = session;
		for (size_t i = 0; i < v.size(); i++) {
			a.timing.push_back(static_cast<double>(v[i]->upMs - v[i]->downMs));
			if (i + 1 < v.size()) {
				a.timing.push_back(static_cast<double>(v[i + 1]->downMs - v[i]->downMs));
				a.timing.push_back(static_cast<double>(v[i + 1]->downMs - v[i]->upMs));
			}
			a.touch.push_back(v[i]->pressure);
			a.touch.push_back(v[i]->fingerArea);
		}
		attempts[pw][user].push_back(std::move(a));
		kept++;
	}

	std::vector<Row> rows;
	std::map<int32_t, size_t> usersPerPassword;
	for (const char *protocol : {"mixed", "sessions"}) {
		const bool bySession = std::string_view(protocol) == "sessions";
		for (const auto &[pw, byUser] : attempts) {
			std::map<int32_t, std::vector<const Attempt *>> enroll, verify;
			for (const auto &[u, list] : byUser) {
				int32_t first = list.front().session;
				for (const Attempt &a : list)
					first = std::min(first, a.session);
				for (size_t i = 0; i < list.size(); i++) {
					const bool e = bySession ? list[i].session == first : i % 2 == 0;
					(e ? enroll : verify)[u].push_back(&list[i]);
				}
			}
			std::vector<int32_t> users;
			for (const auto &[u, e] : enroll)
				if (e.size() >= 5 && verify.contains(u))
					users.push_back(u);
			usersPerPassword[pw] = users.size();
			for (FeatureSet set : kFeatureSets) {
				Row r;
				r.protocol = protocol;
				r.password = pw;
				r.set = set;
				std::vector<double> g, i;
				double eers = 0;
				for (int32_t u : users) {
					std::vector<std::vector<double>> x;
					for (const Attempt *a : enroll.at(u))
						x.push_back(features(*a, set));
					const Template t(x);
					std::vector<double> ug, ui;
					for (int32_t v : users)
						for (const Attempt *a : verify.at(v))
							(u == v ? ug : ui).push_back(t.score(features(*a, set)));
					eers += summarizeRoc(ug, ui).eer;
					g.insert(g.end(), ug.begin(), ug.end());
					i.insert(i.end(), ui.begin(), ui.end());
				}
				r.users = users.size();
				r.meanUserEer = users.empty() ? 0 : eers / static_cast<double>(users.size());
				r.global = summarizeRoc(g, i);
				rows.push_back(std::move(r));
			}
		}
	}

	if (o.json) {
		printf("{\n  \"rows\": %" PRIu64 ", \"malformed\": %" PRIu64 ", \"repetitions\": %" PRIu64
		       ", \"dropped\": %" PRIu64 ",\n  \"results\": [\n",
		       stats.rows, stats.malformed, kept, dropped);
		for (size_t k = 0; k < rows.size(); k++) {
			const Row &r = rows[k];
			printf("    {\"protocol\": \"%s\", \"password\": %d, \"features\": \"%s\", \"users\": %zu, "
			       "\"genuine\": %zu, \"impostor\": %zu, \"mean_user_eer\": %.4f, \"eer\": %.4f, "
			       "\"auc\": %.4f}%s\n",
			       r.protocol.c_str(), r.password, name(r.set), r.users, r.global.genuine,
			       r.global.impostor, r.meanUserEer, r.global.eer, r.global.auc,
			       k + 1 < rows.size() ? "," : "");
		}
		printf("  ]\n}\n");
		return 0;
	}
	printf("tactus-eval mobile-keystrokes (Antal et al., %s)\n", o.dir.c_str());
	printf("  rows %" PRIu64 ", malformed %" PRIu64 "; repetitions kept %" PRIu64
	       ", dropped (other keys than the password's) %" PRIu64 "\n",
	       stats.rows, stats.malformed, kept, dropped);
	printf("  detector: scaled Manhattan (no settings); user EER: mean of each user's own EER; EER: one "
	       "threshold\n\n");
	printf("  %-9s %8s %-21s %5s %7s %8s %9s %7s %7s\n", "protocol", "password", "features", "users", "genuine",
	       "impostor", "user EER", "EER", "AUC");
	for (const Row &r : rows)
		printf("  %-9s %8d %-21s %5zu %7zu %8zu %8.2f%% %6.2f%% %7.4f\n", r.protocol.c_str(), r.password,
		       name(r.set), r.users, r.global.genuine, r.global.impostor, 100 * r.meanUserEer,
		       100 * r.global.eer, r.global.auc);
	return 0;
}

} // namespace tactus::eval
