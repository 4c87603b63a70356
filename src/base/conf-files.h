// SPDX-License-Identifier: MIT
#pragma once

// Which files of drop-in directories are read, and in which order, in the
// manner of systemd's conf-files.c, for tactus.conf.d, allow.d and the
// provenance rules:
//
//   - a file counts if its name ends in the suffix (".conf", ".rules") and is
//     not hidden or a backup: a name starting with '.', ending in '~', or
//     ending in one of systemd's package-manager and editor extensions
//     (.rpmnew, .rpmsave, .rpmorig, .dpkg-old, .dpkg-new, .dpkg-tmp,
//     .dpkg-dist, .dpkg-bak, .dpkg-backup, .dpkg-remove, .ucf-new, .ucf-old,
//     .ucf-dist, .swp, .bak, .old, .new, .ignore);
//   - directories are given from lowest to highest priority (packaged data
//     first, /etc last); a name in a later directory replaces the same name
//     in every earlier one;
//   - the files are then read in lexical (byte) order of their names, across
//     all directories;
//   - masking: a file that is empty or a symlink to /dev/null, where it
//     wins, leaves its name out altogether (it disables the packaged file of
//     the same name, as `ln -s /dev/null` does for a unit);
//   - a directory that does not exist (or is not a directory) is fine; any
//     other error reading a directory is an error. Entries are not checked
//     further: one that cannot be read (a directory named "x.conf") fails
//     when the caller reads it.

#include "util-result.h"

#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** One file to read: its name (for messages and overriding) and where it is. */
struct ConfFile {
	std::string name; ///< e.g. "50-default.rules"
	std::string path; ///< e.g. "/etc/tactus/allow.d/50-default.rules"

	bool operator==(const ConfFile &) const = default;
};

/** True for a hidden or backup file name, which no drop-in directory reads (systemd's hidden_or_backup_file()). */
bool isHiddenOrBackupFile(std::string_view name);

/** The files of @p dirs (lowest priority first) whose names end in @p suffix, in the order to read them. */
Result<std::vector<ConfFile>> listConfFiles(const std::vector<std::string> &dirs, std::string_view suffix);

} // namespace tactus
