// SPDX-License-Identifier: MIT
#include "uinput-creators.h"

#include "sysfs-read.h"
#include "util-lines.h"
#include "util-strings.h"

#include <algorithm>
#include <charconv>
#include <limits>

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

bool endsWith(std::string_view s, std::string_view suffix)
{
	return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/** Last "*.service" or "*.scope" component of a cgroup path. */
std::string unitFromCgroupPath(std::string_view path)
{
	std::string unit;
	size_t pos = 0;
	while (pos <= path.size()) {
		size_t end = path.find('/', pos);
		if (end == std::string_view::npos)
			end = path.size();
		std::string_view part = path.substr(pos, end - pos);
		if (endsWith(part, ".service") || endsWith(part, ".scope"))
			unit = std::string(part);
		pos = end + 1;
	}
	return unit;
}

bool holdsUinput(const std::string &procRoot, const std::string &pidDir)
{
	const std::string fdDir = procRoot + "/" + pidDir + "/fd/";
	auto fds = listDirectory(fdDir);
	if (!fds)
		return false;
	for (const std::string &fd : *fds) {
		auto target = readLink(fdDir + fd);
		if (target && *target == "/dev/uinput")
			return true;
	}
	return false;
}

} // namespace

std::string unitFromCgroup(std::string_view text)
{
	std::string v1;
	for (const TextLine &l : TextLines(text)) {
		std::string_view line = l.text;
		if (line.substr(0, 3) == "0::")
			return unitFromCgroupPath(line.substr(3));
		// cgroup v1 / hybrid: systemd keeps its own named hierarchy.
		size_t tag = line.find(":name=systemd:");
		if (tag != std::string_view::npos && v1.empty())
			v1 = unitFromCgroupPath(line.substr(tag + 14));
	}
	return v1;
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

std::optional<CreatorProcess> readCreatorProcess(const std::string &procRoot, pid_t pid)
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
	if (auto cgroup = readFileLimited(dir + "/cgroup"))
		p.unit = unitFromCgroup(*cgroup);
	return p;
}

std::vector<CreatorProcess> findUinputHolders(const std::string &procRoot)
{
	std::vector<CreatorProcess> out;
	auto entries = listDirectory(procRoot);
	if (!entries)
		return out;
	for (const std::string &entry : *entries) {
		auto pid = parsePid(entry);
		if (!pid || !holdsUinput(procRoot, entry))
			continue;
		// The process may have exited since; then it is no candidate anyway.
		if (auto p = readCreatorProcess(procRoot, *pid))
			out.push_back(std::move(*p));
	}
	std::sort(out.begin(), out.end(),
		  [](const CreatorProcess &a, const CreatorProcess &b) { return a.pid < b.pid; });
	return out;
}

} // namespace tactus
