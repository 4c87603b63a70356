// SPDX-License-Identifier: MIT
#include "uinput-creators.h"

#include "sysfs-read.h"
#include "util-lines.h"
#include "util-strings.h"

#include <systemd/sd-login.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace tactus {

namespace {

/** Parse a decimal pid; /proc also holds "self", "sys", ... which are not processes. */
std::optional<pid_t> parsePid(std::string_view s)
{
	if (s.empty() || s.size() > 10)
		return std::nullopt;
	long value = 0;
	auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
	if (ec != std::errc() || ptr != s.data() + s.size() || value <= 0 || value > std::numeric_limits<pid_t>::max())
		return std::nullopt;
	return static_cast<pid_t>(value);
}

bool holdsDevice(const std::string &procRoot, const std::string &pidDir, dev_t node)
{
	const std::string fdDir = procRoot + "/" + pidDir + "/fd/";
	auto fds = listDirectory(fdDir);
	if (!fds)
		return false;
	for (const std::string &fd : *fds) {
		// Sockets, pipes and anonymous inodes ("socket:[123]") are no
		// device node; skip them without a stat.
		auto target = readLink(fdDir + fd);
		if (!target || target->empty() || (*target)[0] != '/')
			continue;
		// The magic link leads to the open file itself, whatever path it was
		// opened by and whether that still exists. AT_STATX_DONT_SYNC: a
		// file on FUSE or NFS is answered from the cache, so a process
		// holding one cannot stall tactusd in its getattr.
		struct statx stx {};
		if (::statx(AT_FDCWD, (fdDir + fd).c_str(), AT_STATX_DONT_SYNC, STATX_TYPE, &stx) == 0 &&
		    S_ISCHR(stx.stx_mode) && makedev(stx.stx_rdev_major, stx.stx_rdev_minor) == node)
			return true;
	}
	return false;
}

std::string takeString(char *s)
{
	std::string out = s ? s : "";
	std::free(s);
	return out;
}

} // namespace

dev_t uinputDeviceNumber()
{
	return makedev(10, 223);
}

dev_t uhidDeviceNumber()
{
	return makedev(10, 239);
}

CreatorUnits systemdUnitsOf(pid_t pid)
{
	CreatorUnits u;
	char *unit = nullptr;
	if (sd_pid_get_unit(pid, &unit) >= 0)
		u.unit = takeString(unit);
	char *userUnit = nullptr;
	if (sd_pid_get_user_unit(pid, &userUnit) >= 0)
		u.userUnit = takeString(userUnit);
	return u;
}

std::optional<uid_t> realUidFromStatus(std::string_view text)
{
	for (const TextLine &l : TextLines(text)) {
		std::string_view line = l.text;
		if (line.substr(0, 4) != "Uid:")
			continue;
		std::string_view rest = trim(line.substr(4));
		size_t stop = rest.find_first_of(" \t");
		std::string_view first = rest.substr(0, stop);
		unsigned long uid = 0;
		auto [ptr, ec] = std::from_chars(first.data(), first.data() + first.size(), uid);
		if (ec != std::errc() || ptr != first.data() + first.size() || first.empty() ||
		    uid > std::numeric_limits<uid_t>::max())
			return std::nullopt;
		return static_cast<uid_t>(uid);
	}
	return std::nullopt;
}

std::optional<CreatorProcess> readCreatorProcess(const std::string &procRoot, pid_t pid, const CreatorUnitLookup &units)
{
	const std::string dir = procRoot + "/" + std::to_string(pid);
	auto status = readFileLimited(dir + "/status");
	if (!status)
		return std::nullopt;
	auto uid = realUidFromStatus(*status);
	if (!uid)
		return std::nullopt;

	CreatorProcess p;
	p.pid = pid;
	p.uid = *uid;
	// exe needs ptrace access and vanishes for kernel threads; optional.
	if (auto exe = readLink(dir + "/exe"))
		p.exe = std::move(*exe);
	if (auto comm = readSysfsAttribute(dir + "/comm"))
		p.comm = std::move(*comm);
	if (units) {
		CreatorUnits u = units(pid);
		p.unit = std::move(u.unit);
		p.userUnit = std::move(u.userUnit);
	}
	return p;
}

std::vector<CreatorProcess> findDeviceHolders(const std::string &procRoot, dev_t node, const CreatorUnitLookup &units)
{
	std::vector<CreatorProcess> out;
	auto entries = listDirectory(procRoot);
	if (!entries)
		return out;
	for (const std::string &entry : *entries) {
		auto pid = parsePid(entry);
		if (!pid || !holdsDevice(procRoot, entry, node))
			continue;
		// The process may have exited since; then it is no candidate anyway.
		if (auto p = readCreatorProcess(procRoot, *pid, units))
			out.push_back(std::move(*p));
	}
	std::sort(out.begin(), out.end(),
		  [](const CreatorProcess &a, const CreatorProcess &b) { return a.pid < b.pid; });
	return out;
}

} // namespace tactus
