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
#include "splitmix64.h"

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
#include <optional>
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
	bool validation = false, development = false, select = false;
	size_t pairs = 2, limit = 0;
	unsigned jobs = 2;
	uint64_t ditherMs = 0; ///< the Balabit rows' times dithered (readBalabitActions), ms
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
	if (value.empty() || *end || !std::isfinite(v) || (v < 0 && name != "pointer-adapt-llr"))
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
	else if (name == "pointer-adapt-llr")
		o.pointer.adaptMinLlr = v;
	else
		return false;
	return true;
}

/**
 * A Balabit session's rows as the samples a pointer device gives tactusd:
 * moves and buttons at their positions, and wheel ticks (the schedule's
 * "wheel up|down": scroll rows carry no position of their own, so at the
 * last one). µs from the client clock.
 */
std::vector<PointerSample> devicePointerSamples(const std::vector<BalabitEvent> &events)
{
	std::vector<PointerSample> out;
	out.reserve(events.size());
	double x = 0, y = 0;
	for (const BalabitEvent &e : events) {
		PointerSample s;
		s.timeUsec = static_cast<uint64_t>(std::llround(e.clientSec * 1e6));
		if (e.button == BalabitButton::Scroll) {
			if (e.state != BalabitState::Up && e.state != BalabitState::Down)
				continue;
			s.kind = PointerEventKind::Scroll;
			s.wheel = e.state == BalabitState::Up ? 1 : -1;
			s.x = x;
			s.y = y;
		} else {
			s.x = x = e.x;
			s.y = y = e.y;
			if (e.state == BalabitState::Pressed)
				s.kind = PointerEventKind::ButtonDown;
			else if (e.state == BalabitState::Released)
				s.kind = PointerEventKind::ButtonUp;
		}
		out.push_back(s);
	}
	return out;
}

/**
 * @p s as one evdev frame of an absolute pointer at @p t (µs) into @p frame:
 * ABS_X/Y where they changed since @p lastX / @p lastY (updated), BTN_LEFT
 * for a button, REL_WHEEL for a wheel tick; empty if nothing changed.
 */
void sampleFrame(const PointerSample &s, uint64_t t, double &lastX, double &lastY, std::vector<InputEvent> &frame)
{
	frame.clear();
	if (s.kind == PointerEventKind::Scroll) {
		frame.push_back(ev(t, EV_REL, REL_WHEEL, s.wheel));
	} else {
		if (s.x != lastX)
			frame.push_back(ev(t, EV_ABS, ABS_X, static_cast<int32_t>(s.x)));
		if (s.y != lastY)
			frame.push_back(ev(t, EV_ABS, ABS_Y, static_cast<int32_t>(s.y)));
		lastX = s.x;
		lastY = s.y;
		if (s.kind != PointerEventKind::Move)
			frame.push_back(ev(t, EV_KEY, BTN_LEFT, s.kind == PointerEventKind::ButtonDown));
	}
	if (!frame.empty())
		frame.push_back(ev(t, EV_SYN, SYN_REPORT, 0));
}

/**
 * Samples of one Balabit session on the replay timeline of
 * `tactus-eval pointer-schedule`: silences over @p maxPauseUsec with no
 * button held shortened to it, µs from the first row, at most @p limitUsec
 * (0: all).
 */
std::vector<PointerSample> replayTimeline(const std::vector<PointerSample> &in, uint64_t maxPauseUsec,
					  uint64_t limitUsec)
{
	std::vector<PointerSample> out;
	out.reserve(in.size());
	uint64_t t = 0;
	int held = 0;
	for (size_t i = 0; i < in.size(); i++) {
		if (i > 0) {
			const uint64_t gap =
				in[i].timeUsec > in[i - 1].timeUsec ? in[i].timeUsec - in[i - 1].timeUsec : 0;
			t += held == 0 && gap > maxPauseUsec ? maxPauseUsec : gap;
		}
		if (limitUsec && t > limitUsec)
			break;
		PointerSample s = in[i];
		s.timeUsec = t;
		if (s.kind == PointerEventKind::ButtonDown)
			held++;
		else if (s.kind == PointerEventKind::ButtonUp)
			held = std::max(0, held - 1);
		out.push_back(s);
	}
	return out;
}

/** A sample of one of the replay's pointers. */
struct ReplaySample {
	PointerSample s;
	size_t device = 0;
};

/**
 * @p in cut into @p parts consecutive pieces as tests/vm/test-pointer.py's
 * split() cuts a schedule (each cut at the first silence of at least 1 s
 * with no button held after its share of the time), each piece on its own
 * device from 0 µs, merged in time order.
 */
std::vector<ReplaySample> splitReplay(const std::vector<PointerSample> &in, size_t parts)
{
	std::vector<size_t> cuts = {0};
	const uint64_t span = in.empty() ? 0 : in.back().timeUsec;
	int held = 0;
	for (size_t i = 1, k = 1; i < in.size(); i++) {
		const PointerSample &prev = in[i - 1];
		held += prev.kind == PointerEventKind::ButtonDown ? 1
			: prev.kind == PointerEventKind::ButtonUp ? -1
								  : 0;
		if (k < parts &&
		    static_cast<double>(in[i].timeUsec) >= static_cast<double>(k * span) / static_cast<double>(parts) &&
		    held <= 0 && in[i].timeUsec - prev.timeUsec >= 1'000'000) {
			cuts.push_back(i);
			k++;
		}
	}
	cuts.push_back(in.size());
	std::vector<ReplaySample> out;
	out.reserve(in.size());
	for (size_t p = 0; p + 1 < cuts.size(); p++)
		for (size_t i = cuts[p]; i < cuts[p + 1]; i++) {
			ReplaySample r{in[i], p};
			r.s.timeUsec -= in[cuts[p]].timeUsec;
			out.push_back(r);
		}
	std::stable_sort(out.begin(), out.end(),
			 [](const ReplaySample &a, const ReplaySample &b) { return a.s.timeUsec < b.s.timeUsec; });
	return out;
}

/** What one run of the takeover printed. */
struct Summary {
	Counts total;
	size_t enrolled = 0, keysReady = 0, notReached = 0;
	std::vector<uint64_t> actions; ///< impostor actions to untrusted; max() if not reached
	std::vector<double> seconds;   ///< impostor seconds to untrusted; infinity if not reached
};

std::string settingsLine(const Options &o)
{
	char buf[256];
	snprintf(buf, sizeof buf,
		 "pointer window %u actions (llr limit %.1f), pointer gain %.2f, keystroke gain %.2f, pointer "
		 "enrollment %" PRIu64 " actions",
		 o.pointer.windowActions, o.pointer.windowLlrLimit, o.trust.trust.gain[1], o.trust.trust.gain[0],
		 o.pointer.actionsNeeded);
	return buf;
}

/** Genuine mouse actions per false untrusted by the mouse; all of them if none. */
double actionsPerFalse(const Summary &s)
{
	return s.total.falseByMouse ? static_cast<double>(s.total.actions) / static_cast<double>(s.total.falseByMouse)
				    : static_cast<double>(s.total.actions);
}

void printSummary(const Summary &s)
{
	printf("enrolled         %zu with a ready pointer profile (%zu with a ready keystroke profile)\n", s.enrolled,
	       s.keysReady);
	auto per = [](uint64_t genuine, uint64_t falses) {
		return falses ? std::to_string(genuine / falses)
			      : std::string("no false untrusted in ") + std::to_string(genuine);
	};
	printf("genuine          %" PRIu64 " keystrokes, %" PRIu64 " mouse actions judged; false untrusted: %" PRIu64
	       " by typing, %" PRIu64 " by the mouse\n",
	       s.total.keys, s.total.actions, s.total.falseByKeys, s.total.falseByMouse);
	printf("                 keystrokes per false untrusted: %s; mouse actions per false untrusted: %s\n",
	       per(s.total.keys, s.total.falseByKeys).c_str(), per(s.total.actions, s.total.falseByMouse).c_str());
	auto count = [](uint64_t v) {
		return v == std::numeric_limits<uint64_t>::max() ? std::string("not reached") : std::to_string(v);
	};
	printf("impostor mouse   %zu takeovers: actions to untrusted median %s, p90 %s; seconds median %.1f, p90 %.1f;"
	       " not reached within %" PRIu64 " actions: %zu\n",
	       s.actions.size(), count(quantileOf(s.actions, 0.5)).c_str(), count(quantileOf(s.actions, 0.9)).c_str(),
	       quantileOf(s.seconds, 0.5), quantileOf(s.seconds, 0.9), kImpostorMaxActions, s.notReached);
}

/** Genuine mouse actions per false untrusted a setting must reach to be chosen by --select. */
constexpr double kSelectMinActionsPerFalse = 10'000;
/** Median impostor actions to untrusted a setting must stay within when none reaches the floor above. */
constexpr uint64_t kSelectMaxMedianActions = 100;

/**
 * --select: every pointer setting of the grid (window, llr limit, gain,
 * enrollment) evaluated. Chosen is the setting with at least
 * kSelectMinActionsPerFalse genuine mouse actions per false untrusted that
 * catches the most takeovers within kImpostorMaxActions actions, then the
 * one with the lowest median actions to untrusted, then the most genuine
 * actions per false untrusted. When no setting reaches that floor, a
 * genuine user's peace comes first among the settings that still do the
 * job: of those that catch every takeover within kImpostorMaxActions
 * actions and half of them within kSelectMaxMedianActions, the one with the
 * most genuine actions per false untrusted (the fastest detection alone
 * would pick the setting that alarms most). Meant for development users
 * (--development): the held-out users then measure the chosen setting once.
 */
template<typename Evaluate>
int selectPointerSettings(const Options &base, Evaluate evaluate)
{
	const uint32_t windows[] = {5, 10, 20};
	const double limits[] = {2.0, 3.0, 6.0};
	const double gains[] = {0.5, 1.0, 2.0};
	const uint64_t enrollments[] = {300};
	printf("select           rule: at least %.0f genuine mouse actions per false untrusted, then the most "
	       "takeovers caught within %" PRIu64 " actions, then the lowest median actions, then the fewest false "
	       "untrusted; if none reaches %.0f, the fewest false untrusted of those catching every takeover, "
	       "half within %" PRIu64 " actions\n",
	       kSelectMinActionsPerFalse, kImpostorMaxActions, kSelectMinActionsPerFalse, kSelectMaxMedianActions);
	printf("%6s %5s %5s %6s | %9s %9s %9s %7s %7s | %8s %12s\n", "window", "limit", "gain", "enroll", "caught",
	       "median", "p90", "med s", "p90 s", "false", "actions/false");
	std::optional<Options> best;
	Summary bestSum;
	auto better = [&](const Summary &a, const Summary &b) {
		const bool okA = actionsPerFalse(a) >= kSelectMinActionsPerFalse,
			   okB = actionsPerFalse(b) >= kSelectMinActionsPerFalse;
		if (okA != okB)
			return okA;
		const uint64_t ma = quantileOf(a.actions, 0.5), mb = quantileOf(b.actions, 0.5);
		if (!okA) {
			// The fallback: every takeover caught, half within the median bound.
			const bool jobA = a.notReached == 0 && ma <= kSelectMaxMedianActions,
				   jobB = b.notReached == 0 && mb <= kSelectMaxMedianActions;
			if (jobA != jobB)
				return jobA;
			if (actionsPerFalse(a) != actionsPerFalse(b))
				return actionsPerFalse(a) > actionsPerFalse(b);
		}
		if (a.notReached != b.notReached)
			return a.notReached < b.notReached;
		if (ma != mb)
			return ma < mb;
		return actionsPerFalse(a) > actionsPerFalse(b);
	};
	for (uint64_t enrollment : enrollments)
		for (uint32_t window : windows)
			for (double limit : limits)
				for (double gain : gains) {
					Options o = base;
					o.pointer.windowActions = window;
					o.pointer.windowLlrLimit = limit;
					o.trust.trust.gain[1] = gain;
					o.pointer.actionsNeeded = enrollment;
					const Summary s = evaluate(o);
					auto count = [](uint64_t v) {
						return v == std::numeric_limits<uint64_t>::max() ? std::string("-")
												 : std::to_string(v);
					};
					printf("%6u %5.1f %5.2f %6" PRIu64
					       " | %5zu/%-3zu %9s %9s %7.1f %7.1f | %8" PRIu64 " %12.0f\n",
					       window, limit, gain, enrollment, s.actions.size() - s.notReached,
					       s.actions.size(), count(quantileOf(s.actions, 0.5)).c_str(),
					       count(quantileOf(s.actions, 0.9)).c_str(), quantileOf(s.seconds, 0.5),
					       quantileOf(s.seconds, 0.9), s.total.falseByMouse, actionsPerFalse(s));
					fflush(stdout);
					if (!best || better(s, bestSum)) {
						best = o;
						bestSum = s;
					}
				}
	printf("chosen           %s\n", settingsLine(*best).c_str());
	printSummary(bestSum);
	return 0;
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
		} else if (a == "--select") {
			o.select = true;
		} else if (a == "--pairs" && (v = value()) && parseU64(v, n) && n >= 1 && n <= 10) {
			o.pairs = n;
		} else if (a == "--limit" && (v = value()) && parseU64(v, n) && n >= 1) {
			o.limit = n;
		} else if (a == "--jobs" && (v = value()) && parseU64(v, n) && n >= 1 && n <= 64) {
			o.jobs = static_cast<unsigned>(n);
		} else if (a == "--dither-ms") {
			if (!(v = value()) || !parseU64(v, n) || n > 1000) {
				fprintf(stderr, "tactus-eval takeover: --dither-ms needs a count in 0..1000\n");
				return 2;
			}
			o.ditherMs = n;
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
				"[--development] [--select]\n"
				"         [--model FILE] [--pointer-model FILE] [--pairs K] [--limit N] [--jobs J] "
				"[--dither-ms MS]\n"
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
	if (!readBalabitActions(o.mouseDir, seg, true, sessions, static_cast<double>(o.ditherMs)))
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
	// the pointer model is fitted the same way on the held-out users'
	// training sessions instead (the other fold: bins, background and
	// calibration from 5 users, none of them the person or an impostor;
	// no test session or label of anyone is read).
	std::unique_ptr<PointerModelData> devModel;
	if (o.development) {
		std::map<std::string, bool> others;
		for (const auto &[u, dev] : split)
			if (!dev)
				others[u] = true;
		devModel = fitPointerModel(sessions, others, (*pointerModel)->params.bins,
					   (*pointerModel)->params.smoothing, (*pointerModel)->pauseMs);
		devModel->name = "balabit-nb-other-fold";
	}
	// One run of every person with the settings of @p r.
	auto evaluate = [&](const Options &r) {
		std::vector<PersonResult> results(n);
		std::atomic<size_t> next{0};
		auto worker = [&]() {
			for (size_t i; (i = next.fetch_add(1)) < n;) {
				const std::string &mine = users[i % h];
				std::vector<const MouseStream *> imps;
				for (size_t j = 1; j <= r.pairs && j < h; j++)
					imps.push_back(&impostor.at(users[(i + j) % h]));
				const PointerModelData &pm = r.development ? *devModel : **pointerModel;
				results[i] = runPerson(*keyModel, pm, r, *typists[i], streams.at(mine), imps);
			}
		};
		std::vector<std::thread> threads;
		for (unsigned j = 1; j < std::min<size_t>(r.jobs, n); j++)
			threads.emplace_back(worker);
		worker();
		for (std::thread &t : threads)
			t.join();
		Summary sum;
		for (const PersonResult &p : results) {
			sum.keysReady += p.enrolledKeys;
			if (!p.enrolledMouse)
				continue;
			sum.enrolled++;
			sum.total.keys += p.genuine.keys;
			sum.total.actions += p.genuine.actions;
			sum.total.falseByKeys += p.genuine.falseByKeys;
			sum.total.falseByMouse += p.genuine.falseByMouse;
			for (const PairResult &pr : p.pairs) {
				// Not reached counts as never: above every reached one in the quantiles.
				sum.notReached += !pr.reached;
				sum.actions.push_back(pr.reached ? pr.actions : std::numeric_limits<uint64_t>::max());
				sum.seconds.push_back(pr.reached ? pr.seconds
								 : std::numeric_limits<double>::infinity());
			}
		}
		return sum;
	};

	std::string userList;
	for (const std::string &u : users)
		userList += " " + u;
	printf("tactus-eval takeover across modalities (typing: %s, mouse: %s)\n", o.dir.c_str(), o.mouseDir.c_str());
	printf("people           %zu: Aalto %s participant k with Balabit %s user k mod %zu (%s)\n", n,
	       o.validation ? "validation" : "any", o.development ? "development" : "held-out", h,
	       userList.c_str() + 1);
	if (o.development)
		printf("models           keystroke %s; pointer fitted as %s on the held-out users' training sessions "
		       "(the other fold: neither the person's nor the impostors')\n",
		       o.model.c_str(), o.pointerModel.c_str());
	else
		printf("models           keystroke %s; pointer %s (%s v%u)\n", o.model.c_str(), o.pointerModel.c_str(),
		       (*pointerModel)->name.c_str(), (*pointerModel)->version);
	if (o.select)
		return selectPointerSettings(o, evaluate);
	printf("settings         %s\n", settingsLine(o).c_str());
	printSummary(evaluate(o));
	return 0;
}

namespace {

/** One phase of pointer-replay: its devices' frames in time order. */
struct ReplayPhase {
	std::vector<std::pair<size_t, std::vector<InputEvent>>> frames; ///< (device, frame ending in SYN_REPORT)
	size_t devices = 0;
};

/** A Balabit session as tests/vm/test-pointer.py replays it: split into @p streams absolute pointers. */
Result<ReplayPhase> balabitPhase(const std::string &file, uint64_t maxPauseMs, uint64_t streams, uint64_t seconds,
				 uint64_t ditherMs, uint64_t jitterMs, uint64_t seed, uint64_t base)
{
	BalabitStats stats;
	auto events = readBalabitSession(file, stats);
	if (!events)
		return events.error();
	// The schedule's own dither, as `pointer-schedule --dither-ms` (seed 1) makes it.
	addDeliveryJitter(*events, static_cast<double>(ditherMs), 1);
	std::vector<ReplaySample> s = splitReplay(
		replayTimeline(devicePointerSamples(*events), maxPauseMs * 1000, streams * seconds * 1'000'000),
		streams);
	// A test bed's delivery, after the split as the test cuts its schedule: each sample late by
	// 0..jitterMs (fixed seed), each device's order kept.
	if (jitterMs > 0) {
		SplitMix64 rng(seed);
		std::vector<uint64_t> last(streams, 0);
		for (ReplaySample &r : s) {
			r.s.timeUsec = std::max(last[r.device],
						r.s.timeUsec + static_cast<uint64_t>(rng.uniform(
								       0.0, 1000.0 * static_cast<double>(jitterMs))));
			last[r.device] = r.s.timeUsec;
		}
		std::stable_sort(s.begin(), s.end(), [](const ReplaySample &a, const ReplaySample &b) {
			return a.s.timeUsec < b.s.timeUsec;
		});
	}
	ReplayPhase phase;
	phase.devices = streams;
	std::vector<double> lastX(streams, -1), lastY(streams, -1);
	std::vector<InputEvent> frame;
	for (const ReplaySample &r : s) {
		sampleFrame(r.s, base + r.s.timeUsec, lastX[r.device], lastY[r.device], frame);
		if (!frame.empty())
			phase.frames.emplace_back(r.device, frame);
	}
	return phase;
}

} // namespace

int runPointerReplay(std::span<char *const> args)
{
	Options o;
	o.pointer.actionsNeeded = 100; // the vm test's [Enrollment] PointerStrokes=
	o.pointerModel = std::string(TACTUS_SOURCE_ROOT) + "/data/models/pointer.model";
	std::string files[2];
	uint64_t maxPauseMs = 2000, genuineSeconds = 200, impostorSeconds = 120, streams = 4, jitterMs = 0, seed = 1,
		 ditherMs = 0;
	bool verbose = false;
	for (size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		auto value = [&]() -> const char * { return i + 1 < args.size() ? args[++i] : nullptr; };
		const char *v = nullptr;
		if (a == "--genuine" && (v = value())) {
			files[0] = v;
		} else if (a == "--impostor" && (v = value())) {
			files[1] = v;
		} else if (a == "--pointer-model" && (v = value())) {
			o.pointerModel = v;
		} else if (a == "--max-pause-ms" && (v = value()) && parseU64(v, maxPauseMs) && maxPauseMs >= 1000 &&
			   maxPauseMs <= kMaxReplayPauseMs) {
		} else if (a == "--genuine-seconds" && (v = value()) && parseU64(v, genuineSeconds) &&
			   genuineSeconds <= kMaxReplaySeconds) {
		} else if (a == "--impostor-seconds" && (v = value()) && parseU64(v, impostorSeconds) &&
			   impostorSeconds <= kMaxReplaySeconds) {
		} else if (a == "--dither-ms" && (v = value()) && parseU64(v, ditherMs) && ditherMs <= 1000) {
		} else if (a == "--streams" && (v = value()) && parseU64(v, streams) && streams >= 1 && streams <= 16) {
		} else if (a == "--jitter-ms" && (v = value()) && parseU64(v, jitterMs) && jitterMs <= 1000) {
		} else if (a == "--seed" && (v = value()) && parseU64(v, seed)) {
		} else if (a == "--verbose" || a == "-v") {
			verbose = true;
		} else if (a == "--set" && (v = value())) {
			if (!setParam(v, o)) {
				fprintf(stderr, "tactus-eval pointer-replay: --set %s: unknown name or bad value\n", v);
				return 2;
			}
		} else {
			fprintf(stderr,
				"Usage: tactus-eval pointer-replay --genuine FILE --impostor FILE "
				"[--pointer-model FILE]\n"
				"         [--max-pause-ms MS] [--streams N] [--dither-ms MS] [--jitter-ms MS] [--seed "
				"N] "
				"[--genuine-seconds S] "
				"[--impostor-seconds S] "
				"[--verbose]\n"
				"         (S at most 10000, MS 1000..60000 for --max-pause-ms, 0..1000 otherwise)\n"
				"         [--set "
				"pointer-gain=G|pointer-window=N|pointer-llr-limit=L|pointer-enrollment=N|pointer-"
				"adapt-llr=L]\n");
			return 2;
		}
	}
	if (files[0].empty() || files[1].empty()) {
		fprintf(stderr, "tactus-eval pointer-replay: --genuine FILE and --impostor FILE are required\n");
		return 2;
	}
	if (auto ok = o.trust.trust.check(); !ok) {
		fprintf(stderr, "tactus-eval pointer-replay: %s\n", ok.error().message.c_str());
		return 2;
	}
	auto pointerModel = loadPointerModel(o.pointerModel);
	if (!pointerModel) {
		fprintf(stderr, "tactus-eval pointer-replay: %s\n", pointerModel.error().message.c_str());
		return 1;
	}
	ReplayPhase phases[2];
	const uint64_t limits[2] = {genuineSeconds, impostorSeconds};
	for (int k = 0; k < 2; k++) {
		// The impostor's replay starts 10 s after the genuine user's end (at most 10,000 s).
		auto phase = balabitPhase(files[k], maxPauseMs, streams, limits[k], ditherMs, jitterMs,
					  2 * seed + static_cast<uint64_t>(k), k == 0 ? 0 : 10'010'000'000);
		if (!phase) {
			fprintf(stderr, "tactus-eval pointer-replay: %s\n", phase.error().message.c_str());
			return 1;
		}
		phases[k] = std::move(*phase);
	}

	const PointerModelData &pm = **pointerModel;
	PointerScale scale; // the replay's positions are the challenge's pixels already
	scale.kind = PointerScale::Kind::Absolute;
	scale.source = PointerScale::Source::Resolution;
	std::vector<PointerTrack> tracks(streams, PointerTrack(scale, pm));
	PointerBehaviour pointer(pm, o.pointer);
	SessionTrust trust(0, o.trust);
	Profile profile;
	profile.uid = 1000;
	printf("tactus-eval pointer-replay: model %s (%s v%u, %u bins, pause %" PRIu64 " ms)\n", o.pointerModel.c_str(),
	       pm.name.c_str(), pm.version, pm.params.bins, pm.pauseMs);
	printf("settings         pointer window %u actions (llr limit %.1f), pointer gain %.2f, enrollment %" PRIu64
	       " actions\n",
	       o.pointer.windowActions, o.pointer.windowLlrLimit, o.trust.trust.gain[1], o.pointer.actionsNeeded);
	int rc = 0;
	for (int phase = 0; phase < 2; phase++) {
		const ReplayPhase &s = phases[phase];
		const Verdict goal = phase == 0 ? Verdict::Trusted : Verdict::Untrusted;
		uint64_t actions = 0, counted = 0, learned = 0, windows = 0;
		double llrSum = 0;
		bool reached = false;
		const uint64_t t0 = s.frames.empty() ? 0 : s.frames.front().second.front().timeUsec;
		uint64_t now = t0;
		auto account = [&](const PointerOutcome &out) {
			actions += out.actions;
			counted += out.actions - out.ignored;
			learned += out.learned;
			if (out.windowDone) {
				windows++;
				llrSum += out.llr;
				if (verbose)
					printf("  %s window %3" PRIu64
					       " at %7.1f s: llr %+6.2f, trust %.3f (%s), learned %" PRIu64 "\n",
					       phase == 0 ? "genuine " : "impostor", windows,
					       static_cast<double>(now - t0) / 1e6, out.llr, trust.trust(),
					       std::string(verdictName(trust.verdict())).c_str(), learned);
			}
			if (!reached && trust.verdict() == goal && (phase == 1 || pointer.ready(profile))) {
				reached = true;
				printf("%-16s %s after %" PRIu64 " actions (%" PRIu64 " counted, %" PRIu64
				       " learned), %.1f s of the replay; %" PRIu64 " windows, mean llr %+.2f\n",
				       phase == 0 ? "genuine" : "impostor", std::string(verdictName(goal)).c_str(),
				       actions, counted, learned, static_cast<double>(now - t0) / 1e6, windows,
				       windows ? llrSum / static_cast<double>(windows) : 0.0);
			}
		};
		for (size_t i = 0; i < s.frames.size() && !reached; i++) {
			const auto &[d, frame] = s.frames[i];
			const uint64_t t = frame.back().timeUsec;
			// As tactusd's timer does: a device silent for its segmenter's pause ends its action.
			for (PointerTrack &tr : tracks) {
				const std::optional<uint64_t> due = tr.flushDueUs();
				if (due && *due <= t && !reached) {
					now = std::max(now, *due);
					account(pointer.idle(tr, *due, profile, trust, false, false,
							     1'700'000'000'000'000 + static_cast<int64_t>(*due)));
				}
			}
			if (reached)
				break;
			now = t;
			account(pointer.frame(tracks[d], frame, profile, trust, false, false,
					      1'700'000'000'000'000 + static_cast<int64_t>(t)));
		}
		if (!reached) {
			printf("%-16s not %s after %" PRIu64 " actions (%" PRIu64 " counted, %" PRIu64
			       " learned), %.1f s; "
			       "%" PRIu64 " windows, mean llr %+.2f; trust %.3f (%s)\n",
			       phase == 0 ? "genuine" : "impostor", std::string(verdictName(goal)).c_str(), actions,
			       counted, learned, static_cast<double>(now - t0) / 1e6, windows,
			       windows ? llrSum / static_cast<double>(windows) : 0.0, trust.trust(),
			       std::string(verdictName(trust.verdict())).c_str());
			rc = 1;
			break;
		}
		// The test stops every stream once the verdict is reached: actions in progress are lost.
		for (PointerTrack &tr : tracks)
			tr.reset();
	}
	return rc;
}

} // namespace tactus::eval
