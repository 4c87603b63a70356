// SPDX-License-Identifier: MIT
#pragma once

// Logging for the daemon and the tools (the library never logs). Lines go to
// stderr; when stderr is the journal ($JOURNAL_STREAM), every line and every
// structured entry goes through sd_journal_sendv() instead, as systemd's own
// daemons log (src/basic/log.c): one socket, so the journal keeps the order
// they were written in. A stderr stream and the native socket are two
// sockets journald reads in its own order.

#include "util-guard.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct iovec;
struct stat;

namespace tactus {

enum class LogLevel { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

template<typename E, size_t N>
class NameTable;

/** syslog's level names, as journalctl -p takes them: "err", "warning", "notice", "info", "debug". */
const NameTable<LogLevel, 5> &logLevelNames();

/** Where lines and structured entries go. */
enum class LogTarget {
	Stderr,  ///< "PROGRAM: line" on stderr (a terminal, a pipe, a file); structured entries as their message
	Journal, ///< everything through sd_journal_sendv(); "<N>line" on stderr only if the journal refuses it
};

/**
 * The target for a process whose stderr is @p stderrStat: Journal when
 * @p journalStream (the value of $JOURNAL_STREAM, "DEVICE:INODE" in decimal,
 * as systemd sets it for StandardError=journal; systemd.exec(5)) names that
 * very stream (st_dev and st_ino, as systemd's log.c compares them), so a
 * stderr redirected since, or an inherited variable, counts as Stderr;
 * Stderr too when @p journalStream is null or not two numbers.
 */
LogTarget logTargetFor(const char *journalStream, const struct stat &stderrStat);

// The setters below change process-wide state without a lock: call them at
// start-up (and in tests) before anything logs from another thread.

/** Set the program name (SYSLOG_IDENTIFIER, stderr prefix) and the target, logTargetFor() of this process. */
void logInit(const char *programName);
/** Override the target logInit() chose (tests). */
void logSetTarget(LogTarget target);
/** The function Journal sends through, sd_journal_sendv() by default; returns the previous one (tests). */
using LogJournalSend = int (*)(const struct iovec *iov, int n);
LogJournalSend logSetJournalSend(LogJournalSend send);
/** Messages above @p level are dropped. */
void logSetMaxLevel(LogLevel level);
/** Parse a logLevelNames() name, or "error" for "err"; false if unknown. */
bool logParseLevel(const std::string &text, LogLevel &level);

/** Log one line at @p level. */
void logMessage(LogLevel level, const char *format, ...) __attribute__((format(printf, 2, 3)));

/** One field of a structured journal entry: NAME (uppercase, digits, '_', not leading '_') and its value. */
struct LogField {
	std::string name;
	std::string value;
};

/**
 * Log one structured entry (sd_journal_sendv(3)): MESSAGE=@p message,
 * PRIORITY, SYSLOG_FACILITY, MESSAGE_ID=@p messageId (32 lowercase hex
 * digits, an id of the catalog `tactus.catalog`), SYSLOG_IDENTIFIER and
 * @p fields, which may repeat a name (the journal keeps every value). When
 * stderr is not the journal, or the journal refuses the entry, only
 * @p message goes to stderr as logMessage() writes it, so no line is lost or
 * doubled.
 */
void logStructured(LogLevel level, std::string_view messageId, const std::vector<LogField> &fields,
		   const std::string &message);

/** Log an error and return @p err (a negative errno), so callers log and return in one step. */
int logError(int err, const char *format, ...) __attribute__((format(printf, 2, 3)));

/**
 * Run @p body, the work of a C callback (sd-event source, sd-bus reply
 * handler), through guardCallback(): an exception becomes one error line
 * naming @p where and the callback returns @p onFault (0 keeps an sd-event
 * source enabled; a negative errno disables it).
 */
template<typename Body>
int logGuarded(const char *where, Body &&body, int onFault = 0) noexcept
{
	return guardCallback(where, body, [onFault](const CallbackFault &f) {
		logMessage(LogLevel::Error, "%s: %s, ignoring", f.where, f.what);
		return onFault;
	});
}

/**
 * At most one message per interval, for a warning a device can cause at will
 * (SYN_DROPPED under a flood): the first goes out at once, later ones within
 * the interval are only counted, and the next one allowed carries the count
 * (systemd's RateLimit with a burst of 1).
 */
class LogRateLimit {
public:
	explicit LogRateLimit(uint64_t intervalUsec) : interval_(intervalUsec) {}

	/**
	 * True if a message may go out at @p nowUsec (CLOCK_MONOTONIC µs); then
	 * @p suppressed is how many were held back since the last one.
	 */
	bool allow(uint64_t nowUsec, uint64_t &suppressed)
	{
		if (any_ && nowUsec < last_ + interval_) {
			held_++;
			return false;
		}
		any_ = true;
		last_ = nowUsec;
		suppressed = held_;
		held_ = 0;
		return true;
	}

private:
	uint64_t interval_;
	uint64_t last_ = 0;
	uint64_t held_ = 0;
	bool any_ = false;
};

} // namespace tactus

#define log_error(...) ::tactus::logMessage(::tactus::LogLevel::Error, __VA_ARGS__)
#define log_warning(...) ::tactus::logMessage(::tactus::LogLevel::Warning, __VA_ARGS__)
#define log_notice(...) ::tactus::logMessage(::tactus::LogLevel::Notice, __VA_ARGS__)
#define log_info(...) ::tactus::logMessage(::tactus::LogLevel::Info, __VA_ARGS__)
#define log_debug(...) ::tactus::logMessage(::tactus::LogLevel::Debug, __VA_ARGS__)
