// SPDX-License-Identifier: MIT
#include "log.h"

#include "util-name-table.h"

#include <charconv>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>
#include <utility>

namespace tactus {

namespace {

struct LogState {
	const char *program = "tactus";
	LogLevel maxLevel = LogLevel::Info;
	LogTarget target = LogTarget::Stderr;
	LogJournalSend send = sd_journal_sendv;
};

LogState &state()
{
	static LogState s;
	return s;
}

// LOG_DAEMON >> 3, what a service's stderr stream is filed under by default
// (SyslogFacility=daemon); systemd's log.c sends it with every entry too.
constexpr int kSyslogFacilityDaemon = 3;

void writeStderr(LogLevel level, const char *line)
{
	const LogState &s = state();
	if (s.target == LogTarget::Journal)
		std::fprintf(stderr, "<%d>%s\n", static_cast<int>(level), line);
	else
		std::fprintf(stderr, "%s: %s\n", s.program, line);
}

// One entry through the journal's native socket; false if it was refused.
bool sendToJournal(LogLevel level, const std::string &message, std::string_view messageId,
		   const std::vector<LogField> &fields)
{
	const LogState &s = state();
	std::vector<std::string> items;
	items.reserve(fields.size() + 5);
	items.push_back("MESSAGE=" + message);
	items.push_back("PRIORITY=" + std::to_string(static_cast<int>(level)));
	items.push_back("SYSLOG_FACILITY=" + std::to_string(kSyslogFacilityDaemon));
	items.push_back(std::string("SYSLOG_IDENTIFIER=") + s.program);
	if (!messageId.empty())
		items.push_back("MESSAGE_ID=" + std::string(messageId));
	for (const LogField &f : fields)
		items.push_back(f.name + "=" + f.value);
	std::vector<struct iovec> iov(items.size());
	for (size_t i = 0; i < items.size(); i++)
		iov[i] = {items[i].data(), items[i].size()};
	return s.send(iov.data(), static_cast<int>(iov.size())) >= 0;
}

// Never throws: a line that cannot be built for the journal (no memory) goes
// to stderr, which cannot fail that way, so no log call can end the daemon.
void logLine(LogLevel level, const char *line) noexcept
{
	if (state().target == LogTarget::Journal) {
		try {
			if (sendToJournal(level, line, {}, {}))
				return;
		} catch (...) { // std::bad_alloc building the fields
		}
	}
	writeStderr(level, line);
}

// The format is checked at logMessage()'s and logError()'s callers.
__attribute__((format(printf, 2, 0))) void logV(LogLevel level, const char *format, va_list ap)
{
	const LogState &s = state();
	if (level > s.maxLevel)
		return;
	char line[2048];
	std::vsnprintf(line, sizeof(line), format, ap);
	logLine(level, line);
}

} // namespace

LogTarget logTargetFor(const char *journalStream, const struct stat &stderrStat)
{
	if (!journalStream)
		return LogTarget::Stderr;
	// Two decimal numbers and a colon, nothing else (no sign, no spaces).
	const std::string_view text(journalStream);
	const size_t colon = text.find(':');
	if (colon == std::string_view::npos)
		return LogTarget::Stderr;
	auto number = [](std::string_view digits, unsigned long long &value) {
		const char *end = digits.data() + digits.size();
		auto [ptr, ec] = std::from_chars(digits.data(), end, value);
		return !digits.empty() && ec == std::errc() && ptr == end;
	};
	unsigned long long dev = 0, ino = 0;
	if (!number(text.substr(0, colon), dev) || !number(text.substr(colon + 1), ino))
		return LogTarget::Stderr;
	return stderrStat.st_dev == dev && stderrStat.st_ino == ino ? LogTarget::Journal : LogTarget::Stderr;
}

void logStructured(LogLevel level, std::string_view messageId, const std::vector<LogField> &fields,
		   const std::string &message)
{
	const LogState &s = state();
	if (level > s.maxLevel)
		return;
	if (s.target == LogTarget::Journal && sendToJournal(level, message, messageId, fields))
		return;
	writeStderr(level, message.c_str());
}

void logInit(const char *programName)
{
	state().program = programName;
	// $JOURNAL_STREAM only means something while stderr still is that stream.
	struct stat st;
	state().target =
		fstat(STDERR_FILENO, &st) == 0 ? logTargetFor(std::getenv("JOURNAL_STREAM"), st) : LogTarget::Stderr;
	// One line per message even when stderr is a pipe or file.
	std::setvbuf(stderr, nullptr, _IOLBF, 0);
}

void logSetTarget(LogTarget target)
{
	state().target = target;
}

LogJournalSend logSetJournalSend(LogJournalSend send)
{
	return std::exchange(state().send, send);
}

void logSetMaxLevel(LogLevel level)
{
	state().maxLevel = level;
}

const NameTable<LogLevel, 5> &logLevelNames()
{
	static constexpr auto kNames = makeNameTable<LogLevel>({
		{LogLevel::Error, "err"},
		{LogLevel::Warning, "warning"},
		{LogLevel::Notice, "notice"},
		{LogLevel::Info, "info"},
		{LogLevel::Debug, "debug"},
	});
	static_assert(kNames.oneToOne());
	return kNames;
}

bool logParseLevel(const std::string &text, LogLevel &level)
{
	// --log-level also takes "error", which people type for "err".
	auto parsed = text == "error" ? LogLevel::Error : logLevelNames().fromName(text);
	if (!parsed)
		return false;
	level = *parsed;
	return true;
}

void logMessage(LogLevel level, const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	logV(level, format, ap);
	va_end(ap);
}

int logError(int err, const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	logV(LogLevel::Error, format, ap);
	va_end(ap);
	return err;
}

} // namespace tactus
