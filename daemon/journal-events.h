// SPDX-License-Identifier: MIT
#pragma once

// The journal entries a security team collects from a fleet: one per verdict
// change and per injection decision (grab, deferred grab, refused grab, lock
// requested, accepted, failed), each with a stable MESSAGE_ID explained in
// the catalog daemon/tactus.catalog (installed to
// /usr/lib/systemd/catalog/tactus.catalog, shown by `journalctl -x`) and
// fields named TACTUS_*, so `journalctl MESSAGE_ID=... TACTUS_VERDICT=...`,
// systemd-journal-upload and syslog forwarders select them without parsing
// text. Fields carry session, user, verdict, reason codes, device identity,
// provenance and creator processes; never a key or text typed (docs/
// ARCHITECTURE.md, "Privacy boundaries"). The message text is the log line
// tactusd wrote before these entries existed, so readers of `-o cat` see no
// change.

#include "log.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

struct PolicyDevice;
struct SessionInfo;
struct SessionRecord;

/** One entry of the catalog: its MESSAGE_ID and a short name for tests and docs. */
struct JournalMessage {
	std::string_view id;   ///< 32 lowercase hex digits (`systemd-id128 new`), never changed once released
	std::string_view name; ///< "verdict-changed", ...
};

// Generated once with `systemd-id128 new`; each is in daemon/tactus.catalog.
inline constexpr JournalMessage kJournalVerdictChanged{"c8aed5b9281e4dfd8f449972da37ef00", "verdict-changed"};
inline constexpr JournalMessage kJournalDeviceGrabbed{"63302a3d6d3f42af9ad0f3bf94a5249e", "device-grabbed"};
inline constexpr JournalMessage kJournalGrabDeferred{"c82b673b10774dae8b54ec8217fb8d53", "grab-deferred"};
inline constexpr JournalMessage kJournalGrabRefused{"9951a1de13d6417cad593894246c6cc5", "grab-refused"};
inline constexpr JournalMessage kJournalLockRequested{"aede80c455d24ec3b200affc869ce74d", "lock-requested"};
inline constexpr JournalMessage kJournalLockAccepted{"b24e9e3d24b5435f94948d5245762b8f", "lock-accepted"};
inline constexpr JournalMessage kJournalLockFailed{"91a2e5e535274319af89589cfaa239f0", "lock-failed"};

/** Every message tactusd sends with a MESSAGE_ID: the catalog has exactly these. */
inline constexpr std::array<JournalMessage, 7> kJournalMessages{
	kJournalVerdictChanged, kJournalDeviceGrabbed, kJournalGrabDeferred, kJournalGrabRefused,
	kJournalLockRequested,  kJournalLockAccepted,  kJournalLockFailed,
};

/** A structured entry before it is sent: what the unit tests look at. */
struct JournalEntry {
	LogLevel level = LogLevel::Notice;
	JournalMessage message;
	std::string text; ///< MESSAGE=
	std::vector<LogField> fields;

	/** The first value of field @p name, "" if absent. */
	std::string field(std::string_view name) const;
};

/** Send @p entry: logStructured() (stderr line outside the journal). */
void logJournalEntry(const JournalEntry &entry);

/**
 * Session fields: TACTUS_SESSION, TACTUS_USER, TACTUS_UID, TACTUS_SEAT.
 * Device fields: TACTUS_DEVICE (sysname), TACTUS_DEVICE_NAME (sanitised:
 * its creator chose it), TACTUS_DEVICE_BUS, TACTUS_DEVICE_ID (vendor:product,
 * 4 hex digits each), TACTUS_DEVICE_SEAT, TACTUS_PROVENANCE,
 * TACTUS_PROVENANCE_DETAIL, TACTUS_ALLOWED (yes/no), TACTUS_ALLOWED_WHY,
 * TACTUS_CREATOR (one line for all creators, "unknown" if none is known) and
 * per creator process TACTUS_CREATOR_PID, TACTUS_CREATOR_UID,
 * TACTUS_CREATOR_EXE, TACTUS_CREATOR_UNIT, TACTUS_CREATOR_USER_UNIT
 * (repeated fields, in the creators' order).
 */
std::vector<LogField> journalSessionFields(const SessionInfo &session);
std::vector<LogField> journalDeviceFields(const PolicyDevice &device);

/**
 * The session's verdict changed (already in @p session's evidence): fields
 * of the session, TACTUS_VERDICT, TACTUS_TRUST (0.00-1.00), TACTUS_REASONS
 * (comma-separated reason codes, "" if none), TACTUS_CAUSE (@p cause: the
 * evidence's reason code, "re-authenticated", "profile-reset", ...) and, when
 * a device's input decided it, the device's fields. @p why is the text
 * after the verdict in MESSAGE.
 */
JournalEntry journalVerdictChanged(const SessionRecord &session, std::string_view cause, const std::string &why,
				   const PolicyDevice *device);

/**
 * EVIOCGRAB took effect on @p device: device fields, TACTUS_GRAB_REASON,
 * TACTUS_GRAB_DELAY_USEC (µs from the device's last event to the grab, when
 * @p delayUsec >= 0) and TACTUS_HELD_KEYS (a count).
 */
JournalEntry journalDeviceGrabbed(const PolicyDevice &device, int64_t delayUsec);
/** A grab waits until the device's held keys come up: device fields, TACTUS_GRAB_REASON, TACTUS_HELD_KEYS. */
JournalEntry journalGrabDeferred(const PolicyDevice &device, const std::string &reason, const SessionRecord *session);
/** The no-lock-out rule refused a grab: device fields, TACTUS_GRAB_REASON, TACTUS_REFUSED_WHY. */
JournalEntry journalGrabRefused(const PolicyDevice &device, const std::string &reason, const std::string &why,
				const SessionRecord *session);

/** tactusd asked logind to lock the session: session fields, TACTUS_LOCK_REASON. */
JournalEntry journalLockRequested(const SessionInfo &session, std::string_view reason);
/** logind accepted LockSession: TACTUS_SESSION, TACTUS_LOCK_REASON. */
JournalEntry journalLockAccepted(const std::string &sessionId, std::string_view reason);
/**
 * The session could not be locked: TACTUS_SESSION, TACTUS_LOCK_REASON,
 * TACTUS_LOCK_ERROR (a D-Bus error name, an errno name, or "no-logind" /
 * "no-system-bus") and @p text as MESSAGE.
 */
JournalEntry journalLockFailed(const std::string &sessionId, std::string_view reason, std::string_view error,
			       LogLevel level, std::string text);

} // namespace tactus
