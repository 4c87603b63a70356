// SPDX-License-Identifier: MIT
#include "log.h"

#include "util-name-table.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

namespace tactus {

namespace {

struct LogState {
	const char *program = "tactus";
	LogLevel maxLevel = LogLevel::Info;
	bool journal = false;
};

LogState &state()
{
	static LogState s;
	return s;
}

// $JOURNAL_STREAM is "DEV:INODE" of the stream systemd connected to
// stdout/stderr; it only means something if stderr still is that stream.
bool stderrIsJournal()
{
	const char *env = std::getenv("JOURNAL_STREAM");
	if (!env)
		return false;
	unsigned long long dev = 0, ino = 0;
	if (std::sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return false;
	struct stat st;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void logLine(LogLevel level, const char *line)
{
	const LogState &s = state();
	if (s.journal)
		std::fprintf(stderr, "<%d>%s\n", static_cast<int>(level), line);
	else
		std::fprintf(stderr, "%s: %s\n", s.program, line);
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

void logStructured(LogLevel level, std::string_view messageId, const std::vector<LogField> &fields,
		   const std::string &message)
{
	const LogState &s = state();
	if (level > s.maxLevel)
		return;
	if (s.journal) {
		std::vector<std::string> items;
		items.reserve(fields.size() + 4);
		items.push_back("MESSAGE=" + message);
		items.push_back("PRIORITY=" + std::to_string(static_cast<int>(level)));
		items.push_back("MESSAGE_ID=" + std::string(messageId));
		items.push_back(std::string("SYSLOG_IDENTIFIER=") + s.program);
		for (const LogField &f : fields)
			items.push_back(f.name + "=" + f.value);
		std::vector<struct iovec> iov(items.size());
		for (size_t i = 0; i < items.size(); i++)
			iov[i] = {items[i].data(), items[i].size()};
		if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) >= 0)
			return;
	}
	logLine(level, message.c_str());
}

void logInit(const char *programName)
{
	state().program = programName;
	state().journal = stderrIsJournal();
	// One line per message even when stderr is a pipe or file.
	std::setvbuf(stderr, nullptr, _IOLBF, 0);
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
