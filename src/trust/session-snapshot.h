// SPDX-License-Identifier: MIT
#pragma once

// What of a session's evidence survives a daemon restart: tactusd writes the
// snapshots of all its sessions to its runtime directory
// (`/run/tactus/sessions`, kept across restarts by the unit's
// RuntimeDirectoryPreserve=restart) whenever a verdict or trust changes, and
// gives each session found there its evidence back when it starts again. A
// crash (or a SIGKILL, or the watchdog) must not turn an `injected` or
// `untrusted` session back into a trusted one.
//
// The file is text, one session per line, fields in a fixed order:
//
//   tactus-sessions 1
//   session ID lock-requested=0|1 injected=REASONS notes=REASONS trust=TRUST
//
// ID: 1-64 bytes of [A-Za-z0-9:_.-] (logind ids, `seat:NAME` pseudo-sessions);
// REASONS: `-` or up to 16 comma-separated reason codes of 1-64 bytes of
// [a-z0-9-]; TRUST: `-` (no session trust yet) or the TrustState as
// `LOGODDS,VERDICT,SINCETOP0,SINCETOP1,SINCETOP2,MASS,MASSATUS,WINDOWS`.
// Reason codes only: nothing in it names a key.

#include "trust-model.h"
#include "util-result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** One session's evidence as it must survive a restart. */
struct SessionSnapshot {
	std::string id;                            ///< the session id (logind's, or `seat:NAME`)
	std::vector<std::string> injectionReasons; ///< standing injection evidence; empty: not injected
	std::vector<std::string> notes;            ///< SessionEvidence notes
	bool lockRequested = false;                ///< LockSession asked for and not yet answered by an unlock
	std::optional<TrustState> trust; ///< the session trust model's state (SessionTrust::model()), if it had one

	bool operator==(const SessionSnapshot &) const = default;
};

/** Most sessions a file may hold; more is a damaged file. */
constexpr size_t kMaxSessionSnapshots = 4096;

/** The file's text for @p sessions; a session whose id or reasons the format cannot hold is left out. */
std::string formatSessionSnapshots(const std::vector<SessionSnapshot> &sessions);

/**
 * Parse formatSessionSnapshots() text. Errors (-EINVAL, "line N: ...")
 * for a missing or other header, an unknown or misplaced field, a bad id,
 * reason code or number, a duplicate session or more than
 * kMaxSessionSnapshots sessions.
 */
Result<std::vector<SessionSnapshot>> parseSessionSnapshots(std::string_view text);

} // namespace tactus
