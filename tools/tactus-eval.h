// SPDX-License-Identifier: MIT
#pragma once

// tactus-eval: offline evaluation of tactus's detectors and models on public
// datasets and generated input. One verb per evaluation, each in its own
// file (tactus-eval-<verb>.cc), dispatched from the table in tactus-eval.cc.

#include <cstdint>
#include <span>
#include <string_view>

namespace tactus::eval {

/** A verb's entry point: @p args excludes the program name and the verb. Returns the exit status. */
using VerbFn = int (*)(std::span<char *const> args);

/**
 * An option's unsigned decimal number, all of @p s (digits only: no sign,
 * blank, 0x or octal); false on anything else, empty or above 2^64 - 1.
 */
bool parseU64(const char *s, uint64_t &out);

/** Bounds of pointer-schedule's and pointer-replay's --seconds / --max-pause-ms: s, ms. */
inline constexpr uint64_t kMaxReplaySeconds = 10'000, kMaxReplayPauseMs = 60'000;

int runInjection(std::span<char *const> args);
int runPointerInjection(std::span<char *const> args);
int runMouse(std::span<char *const> args);
int runPointerModel(std::span<char *const> args);
int runTouch(std::span<char *const> args);
int runMobileKeystrokes(std::span<char *const> args);
int runBench(std::span<char *const> args);
int runKeystrokes(std::span<char *const> args);
int runTypingSchedule(std::span<char *const> args);
int runPointerSchedule(std::span<char *const> args);
int runKeystrokeFeatures(std::span<char *const> args);
int runKeystrokeBench(std::span<char *const> args);
int runKeyClasses(std::span<char *const> args);
int runTakeover(std::span<char *const> args);
/** `takeover DIR --mouse BALABIT`: typing and the mouse into one session trust, the impostor's mouse only. */
int runFusionTakeover(std::span<char *const> args);
/** `pointer-replay --genuine FILE --impostor FILE`: the vm-pointer test's enrollment and takeover on the host. */
int runPointerReplay(std::span<char *const> args);

} // namespace tactus::eval
