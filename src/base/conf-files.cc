// SPDX-License-Identifier: MIT
#include "conf-files.h"

#include "sysfs-read.h"

#include <array>
#include <cerrno>
#include <map>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace tactus {

namespace {

bool endsWith(std::string_view s, std::string_view suffix)
{
	return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/** An empty regular file or /dev/null (through a symlink): the name is masked. */
bool isMask(const std::string &path)
{
	struct stat st {};
	if (::stat(path.c_str(), &st) < 0)
		return false; // dangling or unreadable: the caller's read reports it
	if (S_ISCHR(st.st_mode))
		return major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
	return S_ISREG(st.st_mode) && st.st_size == 0;
}

} // namespace

bool isHiddenOrBackupFile(std::string_view name)
{
	if (name.empty() || name[0] == '.' || name == "lost+found" || name == "aquota.user" || name == "aquota.group" ||
	    name.back() == '~')
		return true;
	size_t dot = name.rfind('.');
	if (dot == std::string_view::npos)
		return false;
	// systemd's list, which it means to keep closed.
	static constexpr std::array<std::string_view, 18> kBackupExtensions = {
		"ignore",   "rpmnew",    "rpmsave",  "rpmorig",     "dpkg-old",    "dpkg-new",
		"dpkg-tmp", "dpkg-dist", "dpkg-bak", "dpkg-backup", "dpkg-remove", "ucf-new",
		"ucf-old",  "ucf-dist",  "swp",      "bak",         "old",         "new",
	};
	std::string_view ext = name.substr(dot + 1);
	for (std::string_view b : kBackupExtensions)
		if (ext == b)
			return true;
	return false;
}

Result<std::vector<ConfFile>> listConfFiles(const std::vector<std::string> &dirs, std::string_view suffix)
{
	// Name -> path; a later directory overrides an earlier one, the way
	// /etc overrides /usr/share in systemd and libinput. std::map keeps the
	// names in byte order.
	std::map<std::string, std::string> files;
	for (const std::string &dir : dirs) {
		auto names = listDirectory(dir);
		if (!names) {
			if (names.error().errnum == -ENOENT || names.error().errnum == -ENOTDIR)
				continue;
			return names.error();
		}
		const std::string dirSlash = dir + "/";
		for (const std::string &n : *names) {
			if (n.size() <= suffix.size() || !endsWith(n, suffix) || isHiddenOrBackupFile(n))
				continue;
			files[n] = dirSlash + n;
		}
	}

	std::vector<ConfFile> out;
	for (auto &[name, path] : files) {
		if (isMask(path))
			continue;
		out.push_back(ConfFile{name, std::move(path)});
	}
	return out;
}

} // namespace tactus
