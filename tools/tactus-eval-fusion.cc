// SPDX-License-Identifier: MIT
// tactus-eval takeover DIR --mouse BALABIT: a takeover across modalities
// (issue 12, "Fusion"), measured with the daemon's own per-session units:
// KeystrokeBehaviour and PointerBehaviour feeding one SessionTrust. A person
// types (Aalto) and moves the mouse (Balabit), both enrolling and then being
// scored; then an impostor takes over the session with the mouse only.
// Printed: impostor actions and seconds until `untrusted`, and genuine
// keystrokes and genuine mouse actions per false `untrusted`.
//
// Pairing. No data set has one person's typing and mouse; a person here is
// Aalto participant k (validation participants with --validation, never
// seen by the keystroke model's training) with Balabit user k mod H of the
// H held-out users (never seen by the pointer model, fitted on the
// development users' training sessions only). The person's mouse: that
// user's training sessions, then their test sessions labelled genuine. The
// impostor: another held-out Balabit user's training sessions (their own
// movement), for each of the next --pairs users. The two streams are
// independent people, so the typing says nothing of the mouse and vice
// versa: what fusion can do with real people who type and point is not
// measured here, only how the session trust combines two independent
// streams and how fast the mouse alone convicts.

#include "config.h"
#include "tactus-eval-keystrokes.h"
#include "tactus-eval-pointer-model.h"
#include "tactus-eval.h"

#include "keystroke-behaviour.h"
#include "keystroke-model.h"
#include "pointer-behaviour.h"
#include "pointer-model-file.h"
#include "profile.h"
#include "session-trust.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace tactus::eval {

namespace {

constexpr int64_t kSectionGapUs = 2'000'000;
constexpr int64_t kChunkUs = 60'000'000;       // mouse time between two typed sections
constexpr uint64_t kImpostorMaxActions = 2000; // give up after this many impostor actions

struct Options {
	std::string dir, mouseDir, model, pointerModel;
	bool validation = false, development = false;
	size_t pairs = 2, limit = 0;
	unsigned jobs = 2;
	KeystrokeBehaviourParams keys;
	PointerBehaviourParams pointer;
	SessionTrustParams trust;
};

/** A Balabit user's mouse stream: samples with session boundaries. */
struct MouseStream {
	std::vector<std::vector<PointerSample>> sessions;
};

/** The daemon's per-session units, one person's profile, the session clock. */
struct Session {
	KeystrokeBehaviour keys;
	PointerBehaviour pointer;
	PointerTrack track;
	SessionTrust trust;
	Profile profile;
	int64_t nowUs = 0;
};

struct Counts {
	uint64_t keys = 0, actions = 0; // genuine, scored while the session was judged
	uint64_t falseByKeys = 0, falseByMouse = 0;
};

struct PairResult {
	uint64_t actions = 0; // impostor actions (segmented) until untrusted
	double seconds = 0;   // impostor mouse time until untrusted
	bool reached = false;
};

struct PersonResult {
	bool enrolledKeys = false, enrolledMouse = false;
	Counts genuine;
	std::vector<PairResult> pairs;
};

InputEvent ev(uint64_t t, uint16_t type, uint16_t code, int32_t value)
{
	return InputEvent{t, type, code, value};
}

/**
 * Feed mouse samples [from, to) of @p s as absolute frames (pixels are the
 * units) at the session clock; returns the change that turned the session
 * untrusted, if any, through @p onChange.
 */
template<typename OnAction>
void feedMouse(Session &session, const std::vector<PointerSample> &s, size_t from, size_t to, OnAction onAction)
{
	if (from >= to)
		return;
	const uint64_t t0 = s[from].timeUsec;
	const int64_t base = session.nowUs;
	std::vector<InputEvent> frame;
	double lastX = -1, lastY = -1;
	for (size_t i = from; i < to; i++) {
		const PointerSample &p = s[i];
		const auto t = static_cast<uint64_t>(base + static_cast<int64_t>(p.timeUsec - t0));
		frame.clear();
		if (p.x != lastX)
			frame.push_back(ev(t, EV_ABS, ABS_X, static_cast<int32_t>(p.x)));
		if (p.y != lastY)
			frame.push_back(ev(t, EV_ABS, ABS_Y, static_cast<int32_t>(p.y)));
		lastX = p.x;
		lastY = p.y;
		if (p.kind != PointerEventKind::Move)
			frame.push_back(ev(t, EV_KEY, BTN_LEFT, p.kind == PointerEventKind::ButtonDown));
		if (frame.empty())
			continue;
		frame.push_back(ev(t, EV_SYN, SYN_REPORT, 0));
		PointerOutcome out = session.pointer.frame(session.track, frame, session.profile, session.trust, false,
							   false, 1'700'000'000'000'000 + static_cast<int64_t>(t));
		session.nowUs = static_cast<int64_t>(t);
		if (!onAction(out, t))
			return;
	}
	session.nowUs += kSectionGapUs;
}

PersonResult runPerson(const KeystrokeModel &keyModel, const PointerModelData &pointerModel, const Options &o,
		       const FeatureParticipant &typist, const MouseStream &mouse,
		       const std::vector<const MouseStream *> &impostors)
{
	PersonResult res;
	PointerScale scale;
	scale.kind = PointerScale::Kind::Absolute;
	scale.source = PointerScale::Source::Resolution;
	Session s{KeystrokeBehaviour(keyModel, o.keys),
		  PointerBehaviour(pointerModel, o.pointer),
		  PointerTrack(scale, pointerModel),
		  SessionTrust(0, o.trust),
		  Profile{},
		  0};
	s.profile.uid = 1000;

	auto countChange = [&](const std::optional<TrustChange> &c) {
		if (c && c->to == Verdict::Untrusted) {
			if (c->window && c->window->modality == Modality::Pointer)
				res.genuine.falseByMouse++;
			else
				res.genuine.falseByKeys++;
			// A false lock-out: the user re-authenticates, trust restarts.
			s.trust.reset(s.nowUs);
			s.keys.restartWindow();
			s.pointer.restartWindow();
		}
	};
	// Interleave: one typed section, then a minute of mouse, until both end.
	size_t section = 0, mouseSession = 0, mouseAt = 0;
	while (section < typist.sections.size() || mouseSession < mouse.sessions.size()) {
		if (section < typist.sections.size()) {
			const FeatureSection &sec = typist.sections[section++];
			for (size_t k = 0; k < sec.rows.size(); k++) {
				s.nowUs += k == 0 ? kSectionGapUs : std::max<int64_t>(sec.rows[k].ppUs, 1);
				const bool judged = s.trust.anyReady();
				auto out = s.keys.keystroke(sec.rows[k], s.profile, s.trust, false, false, s.nowUs,
							    1'700'000'000'000'000 + s.nowUs);
				if (judged)
					res.genuine.keys++;
				countChange(out.change);
			}
		}
		if (mouseSession < mouse.sessions.size()) {
			const auto &ms = mouse.sessions[mouseSession];
			size_t end = mouseAt;
			while (end < ms.size() &&
			       ms[end].timeUsec - ms[mouseAt].timeUsec < static_cast<uint64_t>(kChunkUs))
				end++;
			feedMouse(s, ms, mouseAt, end, [&](const PointerOutcome &out, uint64_t) {
				if (s.trust.anyReady())
					res.genuine.actions += out.actions - out.ignored;
				countChange(out.change);
				return true;
			});
			mouseAt = end;
			if (mouseAt >= ms.size()) {
				mouseSession++;
				mouseAt = 0;
				s.track.segmenter.flush();
			}
		}
	}
	res.enrolledKeys = s.keys.ready(s.profile);
	res.enrolledMouse = s.pointer.ready(s.profile);
	if (!res.enrolledMouse)
		return res;

	for (const MouseStream *imp : impostors) {
		Session t = s;          // the session as the person left it
		t.trust.reset(t.nowUs); // just authenticated: the most favourable start for the impostor
		PairResult pr;
		const int64_t start = t.nowUs;
		for (const auto &ms : imp->sessions) {
			feedMouse(t, ms, 0, ms.size(), [&](const PointerOutcome &out, uint64_t at) {
				pr.actions += out.actions;
				if (out.change && out.change->to == Verdict::Untrusted) {
					pr.reached = true;
					pr.seconds = static_cast<double>(static_cast<int64_t>(at) - start) / 1e6;
					return false;
				}
				return pr.actions < kImpostorMaxActions;
			});
			if (pr.reached || pr.actions >= kImpostorMaxActions)
				break;
		}
		res.pairs.push_back(pr);
	}
	return res;
}

template<typename T>
T quantileOf(std::vector<T> v, double q)
{
	if (v.empty())
		return T{};
	std::sort(v.begin(), v.end());
	const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
	return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

bool setParam(std::string_view text, Options &o)
{
	const size_t eq = text.find('=');
	if (eq == std::string_view::npos)
		return false;
	const std::string name(text.substr(0, eq)), value(text.substr(eq + 1));
	char *end = nullptr;
	const double v = strtod(value.c_str(), &end);
	if (value.empty() || *end || !std::isfinite(v) || v < 0)
		return false;
	if (name == "pointer-gain")
		o.trust.trust.gain[1] = v;
	else if (name == "keystroke-gain")
		o.trust.trust.gain[0] = v;
	else if (name == "pointer-llr-limit" && v > 0)
		o.pointer.windowLlrLimit = v;
	else if (name == "pointer-window" && v >= 1 && v <= 100 && v == std::floor(v))
		o.pointer.windowActions = static_cast<uint32_t>(v);
	else if (name == "pointer-enrollment" && v >= 10 && v <= 100'000 && v == std::floor(v))
		o.pointer.actionsNeeded = static_cast<uint64_t>(v);
	else
		return false;
	return true;
}

} // namespace

int runFusionTakeover(std::span<char *const> args)
{
	Options o;
	o.model = defaultModelPath();
	o.pointerModel = std::string(TACTUS_SOURCE_ROOT) + "/data/models/pointer.model";
	if (!std::filesystem::exists(o.pointerModel))
		o.pointerModel = std::string(TACTUS_DATADIR) + "/models/pointer.model";
	for (size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		auto value = [&]() -> const char * { return i + 1 < args.size() ? args[++i] : nullptr; };
		const char *v = nullptr;
		uint64_t n = 0;
		if (a == "--mouse" && (v = value())) {
			o.mouseDir = v;
		} else if (a == "--model" && (v = value())) {
			o.model = v;
		} else if (a == "--pointer-model" && (v = value())) {
			o.pointerModel = v;
		} else if (a == "--validation") {
			o.validation = true;
		} else if (a == "--development") {
			o.development = true;
		} else if (a == "--pairs" && (v = value()) && parseU64(v, n) && n >= 1 && n <= 10) {
			o.pairs = n;
		} else if (a == "--limit" && (v = value()) && parseU64(v, n) && n >= 1) {
			o.limit = n;
		} else if (a == "--jobs" && (v = value()) && parseU64(v, n) && n >= 1 && n <= 64) {
			o.jobs = static_cast<unsigned>(n);
		} else if (a == "--set" && (v = value())) {
			if (!setParam(v, o)) {
				fprintf(stderr, "tactus-eval takeover: --set %s: unknown name or bad value\n", v);
				return 2;
			}
		} else if (!a.starts_with("-") && o.dir.empty()) {
			o.dir = std::string(a);
		} else {
			fprintf(stderr,
				"Usage: tactus-eval takeover AALTO_DIR --mouse BALABIT_DIR [--validation] "
				"[--development]\n"
				"         [--model FILE] [--pointer-model FILE] [--pairs K] [--limit N] [--jobs J]\n"
				"         [--set "
				"pointer-gain=G|keystroke-gain=G|pointer-window=N|pointer-llr-limit=L|pointer-"
				"enrollment=N]\n");
			return 2;
		}
	}
	if (o.dir.empty() || o.mouseDir.empty()) {
		fprintf(stderr, "tactus-eval takeover: AALTO_DIR and --mouse BALABIT_DIR are required\n");
		return 2;
	}
	if (auto ok = o.trust.trust.check(); !ok) {
		fprintf(stderr, "tactus-eval takeover: %s\n", ok.error().message.c_str());
		return 2;
	}
	auto keyModel = KeystrokeModel::load(o.model);
	if (!keyModel) {
		fprintf(stderr, "tactus-eval takeover: %s\n", keyModel.error().message.c_str());
		return 1;
	}
	auto pointerModel = loadPointerModel(o.pointerModel);
	if (!pointerModel) {
		fprintf(stderr, "tactus-eval takeover: %s\n", pointerModel.error().message.c_str());
		return 1;
	}
	FeatureStats stats;
	auto parts = readFeatureParticipants(o.dir, keyModel->classSet(), stats);
	if (!parts) {
		fprintf(stderr, "tactus-eval takeover: %s\n", parts.error().message.c_str());
		return 1;
	}
	std::vector<const FeatureParticipant *> typists;
	for (const FeatureParticipant &p : *parts)
		if (!o.validation || p.validation)
			typists.push_back(&p);
	if (o.limit && typists.size() > o.limit)
		typists.resize(o.limit);

	PointerSegmenterConfig seg;
	seg.pauseUsec = (*pointerModel)->pauseMs * 1000;
	std::vector<BalabitSessionActions> sessions;
	if (!readBalabitActions(o.mouseDir, seg, true, sessions))
		return 1;
	const std::map<std::string, bool> split = balabitDevelopmentSplit(sessions);
	// Held-out users by default: the shipped model never saw them.
	std::vector<std::string> users;
	for (const auto &[u, dev] : split)
		if (dev == o.development)
			users.push_back(u);
	std::map<std::string, MouseStream> streams;  // training, then genuine test sessions
	std::map<std::string, MouseStream> impostor; // training sessions only
	for (const auto &s : sessions) {
		if (s.training) {
			streams[s.user].sessions.push_back(s.samples);
			impostor[s.user].sessions.push_back(s.samples);
		}
	}
	for (const auto &s : sessions)
		if (!s.training && s.illegal == 0)
			streams[s.user].sessions.push_back(s.samples);
	if (users.size() < 2 || typists.empty()) {
		fprintf(stderr, "tactus-eval takeover: need at least 2 Balabit users and one typist\n");
		return 1;
	}

	const size_t n = typists.size(), h = users.size();
	// Development users are in the shipped model's background: for them,
	// the model is fitted again per person on the development users other
	// than the person's and the impostors' (as the held-out users are
	// scored: neither in the background).
	std::vector<std::unique_ptr<PointerModelData>> devModels(h);
	if (o.development)
		for (size_t k = 0; k < h; k++) {
			std::map<std::string, bool> others;
			for (size_t m = 0; m < h; m++)
				if (m != k && (m + h - k) % h > o.pairs)
					others[users[m]] = true;
			if (others.size() < 2) {
				fprintf(stderr,
					"tactus-eval takeover: --development needs more users than --pairs + 2\n");
				return 1;
			}
			devModels[k] = fitPointerModel(sessions, others, (*pointerModel)->params.bins,
						       (*pointerModel)->params.smoothing, (*pointerModel)->pauseMs);
			devModels[k]->name = "balabit-nb-dev-fold";
		}
	std::vector<PersonResult> results(n);
	std::atomic<size_t> next{0};
	auto worker = [&]() {
		for (size_t i; (i = next.fetch_add(1)) < n;) {
			const std::string &mine = users[i % h];
			std::vector<const MouseStream *> imps;
			for (size_t j = 1; j <= o.pairs && j < h; j++)
				imps.push_back(&impostor.at(users[(i + j) % h]));
			const PointerModelData &pm = o.development ? *devModels[i % h] : **pointerModel;
			results[i] = runPerson(*keyModel, pm, o, *typists[i], streams.at(mine), imps);
		}
	};
	std::vector<std::thread> threads;
	for (unsigned j = 1; j < std::min<size_t>(o.jobs, n); j++)
		threads.emplace_back(worker);
	worker();
	for (std::thread &t : threads)
		t.join();

	Counts total;
	size_t enrolled = 0, keysReady = 0, notReached = 0;
	std::vector<uint64_t> actions;
	std::vector<double> seconds;
	for (const PersonResult &r : results) {
		keysReady += r.enrolledKeys;
		if (!r.enrolledMouse)
			continue;
		enrolled++;
		total.keys += r.genuine.keys;
		total.actions += r.genuine.actions;
		total.falseByKeys += r.genuine.falseByKeys;
		total.falseByMouse += r.genuine.falseByMouse;
		for (const PairResult &p : r.pairs) {
			// Not reached counts as never: above every reached one in the quantiles.
			notReached += !p.reached;
			actions.push_back(p.reached ? p.actions : std::numeric_limits<uint64_t>::max());
			seconds.push_back(p.reached ? p.seconds : std::numeric_limits<double>::infinity());
		}
	}
	std::string userList;
	for (const std::string &u : users)
		userList += " " + u;
	printf("tactus-eval takeover across modalities (typing: %s, mouse: %s)\n", o.dir.c_str(), o.mouseDir.c_str());
	printf("people           %zu: Aalto %s participant k with Balabit %s user k mod %zu (%s)\n", n,
	       o.validation ? "validation" : "any", o.development ? "development" : "held-out", h,
	       userList.c_str() + 1);
	if (o.development)
		printf("models           keystroke %s; pointer refitted per person on the other development users "
		       "(neither the person's nor the impostors')\n",
		       o.model.c_str());
	else
		printf("models           keystroke %s; pointer %s (%s v%u)\n", o.model.c_str(), o.pointerModel.c_str(),
		       (*pointerModel)->name.c_str(), (*pointerModel)->version);
	printf("settings         pointer window %u actions (llr limit %.1f), pointer gain %.2f, keystroke gain %.2f, "
	       "pointer enrollment %" PRIu64 " actions\n",
	       o.pointer.windowActions, o.pointer.windowLlrLimit, o.trust.trust.gain[1], o.trust.trust.gain[0],
	       o.pointer.actionsNeeded);
	printf("enrolled         %zu with a ready pointer profile (%zu with a ready keystroke profile)\n", enrolled,
	       keysReady);
	auto per = [](uint64_t genuine, uint64_t falses) {
		return falses ? std::to_string(genuine / falses)
			      : std::string("no false untrusted in ") + std::to_string(genuine);
	};
	printf("genuine          %" PRIu64 " keystrokes, %" PRIu64 " mouse actions judged; false untrusted: %" PRIu64
	       " by typing, %" PRIu64 " by the mouse\n",
	       total.keys, total.actions, total.falseByKeys, total.falseByMouse);
	printf("                 keystrokes per false untrusted: %s; mouse actions per false untrusted: %s\n",
	       per(total.keys, total.falseByKeys).c_str(), per(total.actions, total.falseByMouse).c_str());
	auto count = [](uint64_t v) {
		return v == std::numeric_limits<uint64_t>::max() ? std::string("not reached") : std::to_string(v);
	};
	printf("impostor mouse   %zu takeovers: actions to untrusted median %s, p90 %s; seconds median %.1f, p90 %.1f;"
	       " not reached within %" PRIu64 " actions: %zu\n",
	       actions.size(), count(quantileOf(actions, 0.5)).c_str(), count(quantileOf(actions, 0.9)).c_str(),
	       quantileOf(seconds, 0.5), quantileOf(seconds, 0.9), kImpostorMaxActions, notReached);
	return 0;
}

} // namespace tactus::eval
