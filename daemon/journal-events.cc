// SPDX-License-Identifier: MIT
#include "journal-events.h"

#include "daemon.h"
#include "device-bus.h"
#include "device-format.h"
#include "util-strings.h"

#include <cstdio>

namespace tactus {

namespace {

std::string hex4(uint16_t v)
{
	char buf[8];
	(void)std::snprintf(buf, sizeof(buf), "%04x", v);
	return buf;
}

std::string formatTrust(double trust)
{
	char buf[16];
	(void)std::snprintf(buf, sizeof(buf), "%.2f", trust);
	return buf;
}

void append(std::vector<LogField> &to, std::vector<LogField> from)
{
	for (auto &f : from)
		to.push_back(std::move(f));
}

std::string sessionName(const std::string &id)
{
	return sanitizeForDisplay(id, 64);
}

} // namespace

std::string JournalEntry::field(std::string_view name) const
{
	for (const LogField &f : fields)
		if (f.name == name)
			return f.value;
	return {};
}

void logJournalEntry(const JournalEntry &entry)
{
	logStructured(entry.level, entry.message.id, entry.fields, entry.text);
}

std::vector<LogField> journalSessionFields(const SessionInfo &session)
{
	return {
		{"TACTUS_SESSION", sessionName(session.id)},
		{"TACTUS_USER", sanitizeForDisplay(session.userName, 64)},
		{"TACTUS_UID", std::to_string(session.uid)},
		{"TACTUS_SEAT", sanitizeForDisplay(session.seat, 64)},
	};
}

std::vector<LogField> journalDeviceFields(const PolicyDevice &device)
{
	const DeviceInfo &info = device.info;
	std::vector<LogField> fields{
		{"TACTUS_DEVICE", sanitizeForDisplay(info.sysname, 32)},
		{"TACTUS_DEVICE_NAME", sanitizeForDisplay(info.name, 128)},
		{"TACTUS_DEVICE_BUS", busName(info.bustype)},
		{"TACTUS_DEVICE_ID", hex4(info.vendor) + ":" + hex4(info.product)},
		{"TACTUS_DEVICE_SEAT", sanitizeForDisplay(info.seat, 64)},
		{"TACTUS_PROVENANCE", std::string(provenanceName(info.provenance))},
		{"TACTUS_PROVENANCE_DETAIL", sanitizeForDisplay(info.provenanceDetail, 160)},
		{"TACTUS_ALLOWED", device.allowed ? "yes" : "no"},
		{"TACTUS_ALLOWED_WHY", sanitizeForDisplay(device.allowedWhy, 160)},
		{"TACTUS_CREATOR", formatCreators(info)},
	};
	for (const CreatorProcess &c : info.creators) {
		fields.push_back({"TACTUS_CREATOR_PID", std::to_string(c.pid)});
		fields.push_back({"TACTUS_CREATOR_UID", std::to_string(c.uid)});
		fields.push_back({"TACTUS_CREATOR_EXE", sanitizeForDisplay(c.exe)});
		fields.push_back({"TACTUS_CREATOR_UNIT", sanitizeForDisplay(c.unit)});
		fields.push_back({"TACTUS_CREATOR_USER_UNIT", sanitizeForDisplay(c.userUnit)});
	}
	return fields;
}

JournalEntry journalVerdictChanged(const SessionRecord &session, std::string_view cause, const std::string &why,
				   const PolicyDevice *device)
{
	const VerdictState &v = session.evidence.state();
	std::string reasons;
	for (const auto &r : v.reasons)
		reasons += (reasons.empty() ? "" : ",") + r;
	const std::string verdict(verdictName(v.verdict));
	JournalEntry e{LogLevel::Notice, kJournalVerdictChanged, {}, journalSessionFields(session.info)};
	e.text = "session " + sessionName(session.info.id) + " verdict " + verdict + " (trust " + formatTrust(v.trust) +
		 (reasons.empty() ? "" : ", reasons " + reasons) + "): " + why;
	e.fields.push_back({"TACTUS_VERDICT", verdict});
	e.fields.push_back({"TACTUS_TRUST", formatTrust(v.trust)});
	e.fields.push_back({"TACTUS_REASONS", reasons});
	e.fields.push_back({"TACTUS_CAUSE", sanitizeForDisplay(cause, 64)});
	if (device)
		append(e.fields, journalDeviceFields(*device));
	return e;
}

JournalEntry journalDeviceGrabbed(const PolicyDevice &device, int64_t delayUsec)
{
	JournalEntry e{LogLevel::Notice, kJournalDeviceGrabbed, {}, journalDeviceFields(device)};
	char delay[64] = "";
	if (delayUsec >= 0)
		(void)std::snprintf(delay, sizeof(delay), " %.2f ms after its last event",
				    static_cast<double>(delayUsec) / 1000.0);
	const size_t held = device.keysDown.count();
	e.text = "device " + sanitizeForDisplay(device.info.sysname, 32) + " grabbed (" + device.grabReason + ")" +
		 delay + ": its input reaches nobody until it is unplugged or released" +
		 (held ? "; keys it held stay down for other readers" : "");
	e.fields.push_back({"TACTUS_GRAB_REASON", device.grabReason});
	if (delayUsec >= 0)
		e.fields.push_back({"TACTUS_GRAB_DELAY_USEC", std::to_string(delayUsec)});
	e.fields.push_back({"TACTUS_HELD_KEYS", std::to_string(held)});
	return e;
}

JournalEntry journalGrabDeferred(const PolicyDevice &device, const std::string &reason, const SessionRecord *session)
{
	JournalEntry e{LogLevel::Notice, kJournalGrabDeferred, {}, journalDeviceFields(device)};
	const size_t held = device.keysDown.count();
	e.text = "device " + sanitizeForDisplay(device.info.sysname, 32) + ": grab (" + reason + ") waits until its " +
		 std::to_string(held) + " held key(s) come up";
	e.fields.push_back({"TACTUS_GRAB_REASON", reason});
	e.fields.push_back({"TACTUS_HELD_KEYS", std::to_string(held)});
	if (session)
		append(e.fields, journalSessionFields(session->info));
	return e;
}

JournalEntry journalGrabRefused(const PolicyDevice &device, const std::string &reason, const std::string &why,
				const SessionRecord *session)
{
	JournalEntry e{LogLevel::Notice, kJournalGrabRefused, {}, journalDeviceFields(device)};
	e.text = "device " + sanitizeForDisplay(device.info.sysname, 32) + ": not grabbing: " + why;
	e.fields.push_back({"TACTUS_GRAB_REASON", reason});
	e.fields.push_back({"TACTUS_REFUSED_WHY", why});
	if (session)
		append(e.fields, journalSessionFields(session->info));
	return e;
}

JournalEntry journalLockRequested(const SessionInfo &session, std::string_view reason)
{
	JournalEntry e{LogLevel::Info, kJournalLockRequested, {}, journalSessionFields(session)};
	e.text = "session " + sessionName(session.id) + ": asking logind to lock it (" + std::string(reason) + ")";
	e.fields.push_back({"TACTUS_LOCK_REASON", std::string(reason)});
	return e;
}

JournalEntry journalLockAccepted(const std::string &sessionId, std::string_view reason)
{
	JournalEntry e{LogLevel::Notice, kJournalLockAccepted, {}, {}};
	e.text = "session " + sessionName(sessionId) + ": locking (" + std::string(reason) +
		 "): logind accepted LockSession";
	e.fields.push_back({"TACTUS_SESSION", sessionName(sessionId)});
	e.fields.push_back({"TACTUS_LOCK_REASON", std::string(reason)});
	return e;
}

JournalEntry journalLockFailed(const std::string &sessionId, std::string_view reason, std::string_view error,
			       LogLevel level, std::string text)
{
	JournalEntry e{level, kJournalLockFailed, std::move(text), {}};
	e.fields.push_back({"TACTUS_SESSION", sessionName(sessionId)});
	e.fields.push_back({"TACTUS_LOCK_REASON", std::string(reason)});
	e.fields.push_back({"TACTUS_LOCK_ERROR", sanitizeForDisplay(error, 128)});
	return e;
}

} // namespace tactus
