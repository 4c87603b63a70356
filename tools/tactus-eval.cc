// SPDX-License-Identifier: MIT
// tactus-eval: prints error rates and costs of tactus's detectors; figures,
// not verdicts. See tactus-eval(1).

#include "tactus-eval.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

bool tactus::eval::parseU64(const char *s, uint64_t &out)
{
	// strtoull would take "-1" (as 2^64 - 1), leading blanks, 0x and octal.
	if (!s || *s < '0' || *s > '9')
		return false;
	char *end = nullptr;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || !end || *end || end == s)
		return false;
	out = v;
	return true;
}

namespace {

struct Verb {
	std::string_view name;
	tactus::eval::VerbFn fn;
	std::string_view help;
};

constexpr std::array<Verb, 15> kVerbs = {{
	{"injection", tactus::eval::runInjection,
	 "--aalto DIR [--runs N] [--seed S] [--folds K] [--json]   thresholds fitted by cross-validation, held-out "
	 "false alarms, keystrokes to detection"},
	{"pointer-injection", tactus::eval::runPointerInjection,
	 "--balabit DIR [--runs N] [--seed S] [--json]   pointer false alarms on Balabit, strokes to detection"},
	{"mouse", tactus::eval::runMouse,
	 "DIR [--plots DIR] [--bins N] [--smoothing A] [--pause-ms MS] [--global-calibration] [--json]   pointer "
	 "verification on Balabit"},
	{"pointer-model", tactus::eval::runPointerModel,
	 "DIR --output FILE [--bins N] [--version N] [--all-users]   fit the shipped pointer model on Balabit "
	 "training sessions"},
	{"touch", tactus::eval::runTouch,
	 "DIR [--plots DIR] [--bins N] [--smoothing A] [--pooled] [--json]   touch verification on Touchalytics: EER "
	 "per k "
	 "strokes"},
	{"mobile-keystrokes", tactus::eval::runMobileKeystrokes,
	 "DIR [--json]   touchscreen typing: EER with and without pressure and finger area"},
	{"bench", tactus::eval::runBench, "[--events N]   per-event cost of the injection detectors"},
	{"keystrokes", tactus::eval::runKeystrokes,
	 "DIR [--model FILE] [--validation] [--plots DIR]   keystroke verification: EER, FRR at 1% FAR, ROC/DET"},
	{"takeover", tactus::eval::runTakeover,
	 "DIR [--model FILE] [--validation] [--pairs K] [--limit N] [--json] [--svg FILE]   keystrokes to untrusted"},
	{"keystroke-features", tactus::eval::runKeystrokeFeatures,
	 "DIR OUT   the extractor's rows of Aalto files, for tools/train"},
	{"keystroke-bench", tactus::eval::runKeystrokeBench,
	 "[--model FILE] [--windows N]   cost of scoring one window"},
	{"typing-schedule", tactus::eval::runTypingSchedule,
	 "--aalto FILE [--first N] [--sections N] [--class-set S] [--seed S]   a participant's timing with generated "
	 "keys"},
	{"pointer-schedule", tactus::eval::runPointerSchedule,
	 "--balabit FILE [--max-pause-ms MS] [--seconds N]   a Balabit session's pointer events and timing, for "
	 "replay"},
	{"pointer-replay", tactus::eval::runPointerReplay,
	 "--genuine FILE --impostor FILE [--set NAME=V] [--verbose]   vm-pointer's enrollment and takeover on the "
	 "host"},
	{"key-classes", tactus::eval::runKeyClasses, "[--words FILE]   key class sets: letters per class, leakage"},
}};

void usage(FILE *out)
{
	fprintf(out, "Usage: tactus-eval VERB [OPTIONS]\n\nVerbs:\n");
	for (const Verb &v : kVerbs)
		fprintf(out, "  %-18.*s %.*s\n", static_cast<int>(v.name.size()), v.name.data(),
			static_cast<int>(v.help.size()), v.help.data());
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	std::string_view verb = argv[1];
	if (verb == "-h" || verb == "--help" || verb == "help") {
		usage(stdout);
		return 0;
	}
	for (const Verb &v : kVerbs)
		if (v.name == verb)
			return v.fn(std::span<char *const>(argv + 2, static_cast<size_t>(argc - 2)));
	fprintf(stderr, "tactus-eval: unknown verb '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
