// SPDX-License-Identifier: MIT
#pragma once

// A uinput device exists only while its creator keeps /dev/uinput open, so
// the processes holding it open when a device appears are its candidates.

#include "provenance.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** Processes that hold /dev/uinput open now (readlink of any PROC/PID/fd/N == "/dev/uinput"): pid, uid (real uid from
 * status), exe, comm, systemd unit from PROC/PID/cgroup (last *.service or *.scope component of the cgroup v2 "0::"
 * line). Unreadable processes are skipped. Sorted by pid. */
std::vector<CreatorProcess> findUinputHolders(const std::string &procRoot);

/** Read one process's identity from PROC/@p pid; nullopt if its status is unreadable. */
std::optional<CreatorProcess> readCreatorProcess(const std::string &procRoot, pid_t pid);

/** systemd unit from the text of /proc/PID/cgroup (v2 "0::" line, else v1 "name=systemd"); "" if none. */
std::string unitFromCgroup(std::string_view cgroupText);

/** Real uid from the text of /proc/PID/status ("Uid:\tREAL\tEFFECTIVE..."); nullopt if absent. */
std::optional<uid_t> realUidFromStatus(std::string_view statusText);

} // namespace tactus
