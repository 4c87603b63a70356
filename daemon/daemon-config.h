// SPDX-License-Identifier: MIT
#pragma once

// tactus.conf(5): the daemon's configuration, systemd-style INI. One main
// file, then drop-ins in name order, each overriding keys the earlier ones
// set. Every key is one entry of a table in daemon-config.cc (parser,
// default, formatter), so adding a key does not touch the parser.
//
// (Not "config.h": that name is the build's generated header, and a
// daemon/config.h would shadow it for every file in daemon/.)

#include "log.h"
#include "util-result.h"

#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** Monitor publishes verdicts only; enforce also carries out the actions. */
enum class Mode { Monitor, Enforce };

/** What to do on a verdict, besides publishing it on the bus (always done). */
struct Actions {
	bool lock = false; ///< lock the session through logind
	bool grab = false; ///< EVIOCGRAB the offending device (OnInjected only)

	bool operator==(const Actions &) const = default;
};

/** The whole configuration; default member values are the documented defaults. */
struct Config {
	struct DaemonSection {
		Mode mode = Mode::Monitor;
		LogLevel logLevel = LogLevel::Info;
		bool operator==(const DaemonSection &) const = default;
	};
	struct VerdictSection {
		double trustedAbove = 0.7;   ///< trust above this: trusted
		double untrustedBelow = 0.3; ///< trust below this: untrusted; < trustedAbove
		double hysteresis = 0.05;    ///< how far trust must cross back to leave a verdict
		bool operator==(const VerdictSection &) const = default;
	};
	struct EnrollmentSection {
		unsigned keystrokes = 250; ///< key presses before a keystroke profile is ready (≥ 5 templates of 50)
		unsigned pointerStrokes = 300; ///< pointer strokes before a pointer profile is ready
		unsigned touchStrokes = 200;   ///< touchscreen strokes before a touch profile is ready
		bool operator==(const EnrollmentSection &) const = default;
	};
	struct ActionsSection {
		Actions onInjected{.lock = true, .grab = false};
		Actions onUntrusted{};
		bool operator==(const ActionsSection &) const = default;
	};

	DaemonSection daemon;
	VerdictSection verdict;
	EnrollmentSection enrollment;
	ActionsSection actions;

	bool operator==(const Config &) const = default;
};

/** A known key, for documentation checks and tools. */
struct ConfigKeyName {
	std::string_view section;
	std::string_view key;
};

/** Every key tactus.conf accepts, in documentation order. */
std::vector<ConfigKeyName> configKeys();

/**
 * The files to read for configuration directory @p dir (normally
 * TACTUS_SYSCONFDIR): DIR/tactus.conf, then DIR/tactus.conf.d/\*.conf sorted
 * by name. A missing drop-in directory is fine; the main file is listed
 * whether or not it exists (loadConfig() skips missing files).
 */
Result<std::vector<std::string>> configFiles(const std::string &dir);

/**
 * Read @p files in order, each overriding what the earlier ones set. A
 * missing file is skipped; any other read error, or a parse error, fails.
 */
Result<Config> loadConfig(const std::vector<std::string> &files);

/**
 * Parse one file's @p text on top of @p base. Errors are
 * "FILE:LINE: message" with @p fileName as FILE.
 */
Result<Config> parseConfig(std::string_view text, std::string_view fileName, Config base = {});

/** One line for the start-up log: every key with its value, "Key=value" separated by spaces. */
std::string describeConfig(const Config &config);

/** "monitor" or "enforce". */
std::string_view modeName(Mode mode);

} // namespace tactus
