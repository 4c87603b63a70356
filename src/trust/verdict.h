// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** What tactus concludes about a session's input (DESIGN.md, "Verdicts"). */
enum class Verdict {
	Learning, ///< no ready profile yet; injection checks still run
	Trusted,
	Uncertain,
	Untrusted,
	Injected,
};

/** Stable lower-case name used on the bus and in logs. */
std::string_view verdictName(Verdict v);
/** Inverse of verdictName(). */
std::optional<Verdict> verdictFromName(std::string_view name);

/** Verdict, trust and reasons: what VerdictChanged carries, as one value. */
struct VerdictState {
	Verdict verdict = Verdict::Learning;
	double trust = 0.5;               ///< 0 = none, 1 = full
	std::vector<std::string> reasons; ///< stable reason codes, most important first

	bool operator==(const VerdictState &) const = default;
};

/**
 * The evidence of one session and the verdict that follows from it. Pure:
 * the daemon feeds it, the bus publishes what it returns. Until the
 * behaviour model exists, the only evidence is injection evidence; a session
 * without a ready profile is `learning`.
 */
class SessionEvidence {
public:
	/** Injection evidence (reason code such as "synthetic-device"); true if the verdict changed. */
	bool addInjection(std::string_view reason);
	/**
	 * The behaviour models' verdict (learning, trusted, uncertain,
	 * untrusted), trust in [0, 1] and reasons (e.g. "rhythm-mismatch").
	 * Injection evidence keeps priority: while it stands, the published
	 * state stays `injected` and this is remembered for after the reset.
	 * True if the published state changed.
	 */
	bool setBehaviour(Verdict verdict, double trust, std::vector<std::string> reasons);
	/**
	 * The user re-authenticated: injection evidence is cleared and the
	 * state is the behaviour's again (learning until a profile is ready);
	 * true if the verdict changed.
	 */
	bool reset();
	/** Injection evidence stands (until reset()). */
	bool injected() const { return injected_; }
	/**
	 * A note on the session that changes no verdict and no trust: a reason
	 * code appended to the published reasons (e.g. "unattributable-input",
	 * "session-input-unobservable") until reset(). True if the published
	 * state changed.
	 */
	bool addNote(std::string_view reason);

	const VerdictState &state() const { return state_; }
	/** The standing injection reasons, in order (empty unless injected()). */
	std::vector<std::string> injectionReasons() const;
	/** The addNote() reasons, in order. */
	const std::vector<std::string> &notes() const { return notes_; }
	/**
	 * After a daemon restart: the injection evidence @p injectionReasons
	 * (none: not injected) and @p notes stand again, on top of the
	 * behaviour state. True if the published state changed.
	 */
	bool restore(const std::vector<std::string> &injectionReasons, const std::vector<std::string> &notes);

private:
	VerdictState state_;
	VerdictState behaviour_;         ///< the behaviour models' state, published when not injected
	std::vector<std::string> notes_; ///< addNote() reasons, published after the others
	bool injected_ = false;

	/** @p base with the notes appended; becomes the published state. True if it changed. */
	bool publish(VerdictState base);
};

} // namespace tactus
