// SPDX-License-Identifier: MIT
#pragma once

// The decisions about input, in one unit (DESIGN.md, "Data flow": decisions
// in the library, actions in the daemon). It takes a device's frames and the
// state of the session they count for, runs the injection detectors, and
// returns what should happen, in the order it should happen: grab the
// device, publish a new verdict, lock the session. The daemon carries the
// actions out (EVIOCGRAB, logind, log, bus) and reports back whether a grab
// took effect; it decides nothing itself. The behaviour models plug in here.

#include "allow-policy.h"
#include "device-info.h"
#include "injection-allowance.h"
#include "injection-burst.h"
#include "injection-evidence.h"
#include "injection-pointer.h"
#include "injection-timing.h"
#include "input-event.h"
#include "keystroke-behaviour.h"
#include "keystroke-features.h"
#include "pointer-behaviour.h"
#include "profile.h"
#include "session-input.h"
#include "session-snapshot.h"
#include "session-trust.h"
#include "touch-behaviour.h"
#include "verdict.h"

#include <linux/input-event-codes.h>

#include <bitset>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** What the policy keeps of one device: whether its input counts, its grab, its detectors. */
struct PolicyDevice {
	DeviceId id = 0;
	DeviceInfo info;
	bool allowed = true;    ///< its input is accepted (synthetic devices only when allow-listed)
	std::string allowedWhy; ///< "hardware", "udev TACTUS_TRUST=allow", "synthetic, not allow-listed"
	bool grabbed = false;   ///< set by PolicyDecider::grabbed() once the daemon's grab took effect
	std::string grabReason;
	bool grabRefused = false; ///< the no-lock-out rule said no; logged once
	/**
	 * A grab decided while keys of the device were down waits for them to
	 * come up (its reason; empty: none waiting). A grab takes the device
	 * from every other reader mid-keystroke: the compositor would never see
	 * those releases and would auto-repeat the key into the session.
	 */
	std::string grabPending;
	std::bitset<KEY_CNT> keysDown;     ///< EV_KEY codes down (keys and buttons), for grabPending
	uint64_t lastEventUsec = 0;        ///< kernel time of its latest frame, for the grab's delay
	uint64_t keyPresses = 0;           ///< key presses so far (a count, never which keys)
	KeystrokeTimingDetector keyTiming; ///< human limits of typing, on every keyboard, hardware included
	/**
	 * The allow rule's burst allowance (an OTP token, a barcode scanner):
	 * timing evidence inside a burst within it is waived. Keeps a count and
	 * one bit, never a key.
	 */
	std::optional<BurstAllowanceTracker> burstAllowance;
	PointerInjectionDetector pointerMotion;
	/** Keystroke rows for the behaviour model: allowed keyboards, when a model is loaded. */
	std::optional<KeystrokeExtractor> keystrokeRows;
	/** Pointer samples and actions for the behaviour model: pointer devices, when a pointer model is loaded. */
	std::optional<PointerTrack> pointerTrack;
	/** Touch strokes for the touch behaviour: multitouch touchscreens, when touch is judged. */
	std::optional<TouchTrack> touchTrack;
};

/** What the policy keeps of one session besides logind's view of it. */
struct PolicySession {
	SessionEvidence evidence;
	/**
	 * LockSession was asked for since the session was last unlocked (or
	 * re-authenticated): no second request while the first stands.
	 */
	bool lockRequested = false;
	/**
	 * The session user's profile, kept by the daemon (one per uid, shared
	 * by the user's sessions); null: none (a pseudo-session, no state
	 * directory) and no behaviour is learned or scored.
	 */
	Profile *profile = nullptr;
	/**
	 * The session's one trust, fed by every modality (SessionTrust: learning
	 * until a modality's profile is ready); made by the decider with the
	 * profile or the first behaviour.
	 */
	std::unique_ptr<SessionTrust> trust;
	/** Keystroke behaviour: the window of keystrokes; made by the decider with the first keystroke. */
	std::unique_ptr<KeystrokeBehaviour> keystrokes;
	/** Pointer behaviour: the jiggler rule, the window of actions, the scorer; made with the first action. */
	std::unique_ptr<PointerBehaviour> pointer;
	/** Touch behaviour: the window of strokes; made with the first stroke. */
	std::unique_ptr<TouchBehaviour> touch;
};

/**
 * Trust is published again when it has moved by at least this much since it
 * was last published (0..1), so a locker or `busctl` sees it follow the
 * typing without a PropertiesChanged per window (one every 10 keystrokes).
 */
constexpr double kTrustPublishStep = 0.02;

/** The session a frame counts for: the active session of the device's seat. */
struct SessionContext {
	PolicySession *state = nullptr; ///< null: the seat has no active session; evidence is dropped
	bool locked = false;            ///< logind's LockedHint
	int64_t realtimeUs = 0;         ///< CLOCK_REALTIME µs now, for profile timestamps
};

/**
 * Finds the session a frame counts for. Called only when a frame raises
 * evidence, so the common frame costs no session lookup.
 */
using SessionResolver = std::function<SessionContext()>;

/** One thing the daemon should do, in the order returned. */
struct PolicyAction {
	enum class Kind : uint8_t {
		Grab,           ///< EVIOCGRAB the device now, then call PolicyDecider::grabbed()
		GrabWaits,      ///< a grab waits for the device's held keys to come up (log it)
		GrabRefused,    ///< the no-lock-out rule refused a grab (log `detail`)
		VerdictChanged, ///< the session's verdict changed: log `reason` + describe(), publish
		LockSession,    ///< ask logind to lock the session
		SaveProfile,    ///< the session user's profile learned something worth keeping: save it
		ProfileState,   ///< the profile's state or enrollment progress changed: publish
		TrustChanged,   ///< trust moved by kTrustPublishStep or more, the verdict did not: publish Trust
		Notice,         ///< log `reason` and `detail` once (a jiggler's episode began); nothing else
	};
	Kind kind = Kind::Grab;
	std::string reason; ///< reason code, e.g. "superhuman-rate"
	std::string detail; ///< GrabRefused: why; VerdictChanged for a denied/synthetic device: allowedWhy
	/** The detector's evidence behind a VerdictChanged from timing (alarm false otherwise). */
	InjectionEvidence evidence;
	/** For key evidence, the device's key press at which it was decided (0: not key evidence). */
	uint64_t atKeyPress = 0;

	/**
	 * The detail of a VerdictChanged for the log: aggregate timings and the
	 * key press count, never a key. Formatted only when asked for: the
	 * daemon grabs first and formats after.
	 */
	std::string describe() const;
};

/** Settings of the responses (tactus.conf(5) [Actions], and the mode). */
struct PolicySettings {
	bool enforce = false;        ///< Mode=enforce: carry responses out; monitor only publishes
	bool grabOnInjected = false; ///< OnInjected= includes grab
	bool lockOnInjected = false; ///< OnInjected= includes lock
};

/** Calls @p visit for every device the daemon keeps, for the no-lock-out rule. */
using ForEachPolicyDevice = std::function<void(const std::function<void(const PolicyDevice &)> &visit)>;

/**
 * Whether a device's input is accepted, before any timing is looked at.
 * Synthetic devices are evidence of injection unless the admin allowed
 * them: first the udev property TACTUS_TRUST (set by rules the admin
 * controls, never by the device's creator), then the allow-list files,
 * then the provenance. Sets device.allowed, device.allowedWhy and, for an
 * allow rule with a burst allowance, device.burstAllowance.
 */
void decideAllowed(PolicyDevice &device, const AllowPolicy &policy);

/**
 * Evidence no hand can produce: a synthetic device nobody allowed, or a
 * device a deny rule names. Timing evidence of any kind (superhuman-rate
 * too) is a threshold on a statistic: firmware, a radio or a driver can put
 * a real person's typing across it, so it never takes away the only
 * keyboard of a seat; nor can rhythm that is too regular, a new keyboard's
 * burst or robotic pointer motion.
 */
bool isUnequivocal(std::string_view reason);

/**
 * The no-lock-out rule: never take away the only keyboard (or pointer) of a
 * seat on anything less than unequivocal evidence, or the person could not
 * even type their password into the locker. False with @p why if refused.
 */
bool mayGrab(const PolicyDevice &device, std::string_view reason, const ForEachPolicyDevice &devices, std::string &why);

/** The decisions about input for all devices and sessions of the daemon. */
class PolicyDecider {
public:
	PolicyDecider(PolicySettings settings, ForEachPolicyDevice devices);

	const PolicySettings &settings() const { return settings_; }
	/**
	 * Mode change. Monitor mode takes no action: a grab still waiting for
	 * keys to come up is dropped (grabs made stay until released); the
	 * caller passes every device to @p devices for that.
	 */
	void setEnforce(bool enforce, const std::function<void(const std::function<void(PolicyDevice &)> &)> &devices);

	/**
	 * A device appeared: decides whether its input is allowed.
	 * @p nowUsec CLOCK_MONOTONIC µs when it appeared, 0 if it was present
	 * when tactusd started (a keyboard present at start-up is no new keyboard).
	 */
	void deviceAdded(PolicyDevice &device, const AllowPolicy &allow, uint64_t nowUsec);
	void deviceRemoved(const PolicyDevice &device);

	/**
	 * One frame of @p device (kernel timestamps in µs). Returns the actions
	 * for the daemon, in order (usually none). Updates the device's key
	 * state and detectors, and the evidence of the session @p session
	 * resolves to.
	 */
	std::vector<PolicyAction> frame(PolicyDevice &device, Frame events, const SessionResolver &session);
	/**
	 * A timer at @p nowUsec (CLOCK_MONOTONIC µs): if @p device is an allowed
	 * pointer whose action in progress is due to end by the segmenter's
	 * pause (PointerTrack::flushDueUs()), it ends now and counts for the
	 * session @p session resolves to, as frame() counts it. Returns the
	 * actions, in order.
	 */
	std::vector<PolicyAction> pointerIdle(PolicyDevice &device, uint64_t nowUsec, const SessionResolver &session);
	/** When pointerIdle() has work for @p device: CLOCK_MONOTONIC µs, nullopt if none. */
	static std::optional<uint64_t> pointerIdleDue(const PolicyDevice &device);

	/** Events were lost (SYN_DROPPED): gaps measured across the hole mean nothing. */
	void eventsDropped(PolicyDevice &device);

	/** The daemon's grab of @p device for @p reason took effect. */
	static void grabbed(PolicyDevice &device, std::string reason);
	/** An administrator released the grab (or cancelled a waiting one). */
	static void released(PolicyDevice &device);

	/**
	 * The user re-authenticated: injection evidence is cleared and trust
	 * restarts from a clean state (@p nowUs CLOCK_MONOTONIC µs); true if
	 * the verdict changed.
	 */
	static bool reauthenticated(PolicySession &session, int64_t nowUs);

	/**
	 * logind reports the session unlocked (LockedHint true → false, or the
	 * Unlock signal): whoever unlocked it answered the locker, so the lock
	 * is re-armed and the next injection evidence asks for it again. The
	 * lockers people run (GNOME Shell, KDE, swaylock) never call
	 * AcknowledgeReauthentication; without this a session would be locked
	 * once and never again. The verdict stays until that call. True if a
	 * lock request was standing.
	 */
	static bool unlocked(PolicySession &session);

	/**
	 * The session's profile was set, replaced (reset) or emptied (forget):
	 * behaviour restarts from it (@p nowUs CLOCK_MONOTONIC µs). True if
	 * the session's verdict changed.
	 */
	bool profileReplaced(PolicySession &session, int64_t nowUs) const;

	/** What of @p session (id @p id) must survive a daemon restart (session-snapshot.h). */
	static SessionSnapshot snapshot(const std::string &id, const PolicySession &session);
	/**
	 * After a daemon restart, give @p session (its profile already set,
	 * profileReplaced() done) the evidence of @p saved: injection evidence
	 * and notes stand again, a standing lock request is not repeated, and
	 * the session's trust resumes where it was (when the session has a
	 * profile with a ready modality and the decider its model; @p nowUs
	 * CLOCK_MONOTONIC µs).
	 * True if the published state (verdict, trust, reasons) changed.
	 */
	bool restore(PolicySession &session, const SessionSnapshot &saved, int64_t nowUs) const;

	/**
	 * What a session's own agent reported of input that never touched the
	 * kernel (SessionInputReport, validated by the caller): synthetic input
	 * (XTEST, an X device without an evdev node) the allow-list does not
	 * allow is injection evidence "synthetic-session-input", with the same
	 * responses as a synthetic device except the grab (there is no device
	 * to grab); input from evdev-backed X devices while no evdev device of
	 * the seat produced any (@p seatEvdevEvents over the report's window)
	 * is the note "unattributable-input"; an unobservable display server is
	 * the note "session-input-unobservable". Notes never lock. @p seat is
	 * the session's seat; @p allowedWhy gets the allow-list's word for
	 * synthetic input (empty: none matched). Returns the actions in order.
	 */
	std::vector<PolicyAction> sessionInput(PolicySession &session, bool locked, const SessionInputReport &report,
					       const AllowPolicy &allow, const std::string &seat,
					       uint64_t seatEvdevEvents, std::string &allowedWhy) const;

	/**
	 * Input reached @p session (logind's IdleHint went false) while no
	 * evdev device of its seat produced any (UnattributedInputWatch's
	 * Finding, @p detail says how long the seat was quiet): the note
	 * "unattributable-input", never a lock, in monitor and enforce mode
	 * alike. Returns a VerdictChanged action if the note is new.
	 */
	static std::vector<PolicyAction> unattributedInput(PolicySession &session, const std::string &detail);

	/**
	 * The keystroke model (null: none, sessions stay `learning`), kept
	 * alive by the caller. Set before devices are added.
	 */
	void setKeystrokeModel(const KeystrokeModel *model, const KeystrokeBehaviourParams &params = {});
	const KeystrokeModel *keystrokeModel() const { return model_; }
	/**
	 * The pointer model (null: none, pointer input is not judged), kept
	 * alive by the caller. Set before devices are added.
	 */
	void setPointerModel(const PointerModelData *model, const PointerBehaviourParams &params = {});
	const PointerModelData *pointerModel() const { return pointerModel_; }
	/**
	 * Judge touchscreen strokes (the statistics-only touch model, no model
	 * file) with @p params; off by default. Set before devices are added.
	 */
	void setTouch(bool enabled, const TouchBehaviourParams &params = {});
	bool touchEnabled() const { return touch_; }
	/** The parameters of every session's trust made from now on (they must check()). */
	void setTrustParams(const SessionTrustParams &params) { trustParams_ = params; }

private:
	/** Resolves the session at most once per frame. */
	struct LazySession {
		const SessionResolver &resolve;
		std::optional<SessionContext> context;
		SessionContext &get()
		{
			if (!context)
				context = resolve();
			return *context;
		}
	};

	void evidence(PolicyDevice &device, LazySession &session, PolicyAction verdict,
		      std::vector<PolicyAction> &actions);
	void checkTiming(PolicyDevice &device, Frame events, uint64_t presses, LazySession &session,
			 std::vector<PolicyAction> &actions);
	void behaviour(PolicyDevice &device, Frame events, LazySession &session, std::vector<PolicyAction> &actions);
	void keystroke(const KeystrokeRow &row, SessionContext &session, int64_t nowUs,
		       std::vector<PolicyAction> &actions);
	void pointer(PolicyDevice &device, Frame events, LazySession &session, std::vector<PolicyAction> &actions);
	void touch(PolicyDevice &device, Frame events, LazySession &session, std::vector<PolicyAction> &actions);
	/** The session's trust, made (and its readiness taken from the profile) if it has none yet. */
	SessionTrust &trustOf(PolicySession &session, int64_t nowUs) const;
	/** Publish what a behaviour's outcome changed: save, profile state, verdict or trust. */
	static void outcome(PolicySession &session, bool save, bool profileState, bool scored,
			    const std::optional<TrustChange> &change, std::string_view fallbackReason,
			    const std::string &detail, std::vector<PolicyAction> &actions);

	PolicySettings settings_;
	ForEachPolicyDevice devices_;
	std::map<std::string, NewKeyboardBurstDetector> burst_; ///< per seat
	const KeystrokeModel *model_ = nullptr;
	KeystrokeBehaviourParams behaviourParams_;
	const PointerModelData *pointerModel_ = nullptr;
	PointerBehaviourParams pointerParams_;
	bool touch_ = false;
	TouchBehaviourParams touchParams_;
	SessionTrustParams trustParams_;
};

} // namespace tactus
