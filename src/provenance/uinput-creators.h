// SPDX-License-Identifier: MIT
#pragma once

// A uinput device exists only while its creator keeps /dev/uinput open, and
// a uhid device only while its creator keeps /dev/uhid open, so the
// processes holding that character device open when a device appears are its
// candidates. Holders are found by device number (st_rdev of the open file),
// never by the fd's link text: a process may open the device through another
// node (mknod anywhere, a private mount), and the text says nothing then.

#include "provenance.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace tactus {

/** Device number of /dev/uinput (misc 10:223, Documentation/admin-guide/devices.txt). */
dev_t uinputDeviceNumber();
/** Device number of /dev/uhid (misc 10:239, Documentation/admin-guide/devices.txt). */
dev_t uhidDeviceNumber();

/** The systemd units a process belongs to. */
struct CreatorUnits {
	std::string unit; ///< system unit (sd_pid_get_unit): "ydotool.service", "session-2.scope", "user@1000.service"
	std::string userUnit; ///< unit in the user's manager (sd_pid_get_user_unit): "keyd.service"; "" outside one
};

/** Looks up a process's units; SystemRoots::unitsOf, replaceable for fixtures. */
using CreatorUnitLookup = std::function<CreatorUnits(pid_t)>;

/** Units of the live process @p pid from libsystemd (sd_pid_get_unit, sd_pid_get_user_unit); "" where it has none
 * or is gone. */
CreatorUnits systemdUnitsOf(pid_t pid);

/** Processes that hold the character device @p node open now: some PROC/PID/fd/N whose stat() is a character
 * device with st_rdev == @p node. Each with pid, uid (real uid from status), exe, comm and units from @p units
 * (may be empty: no units). Unreadable processes are skipped. Sorted by pid. */
std::vector<CreatorProcess> findDeviceHolders(const std::string &procRoot, dev_t node, const CreatorUnitLookup &units);

/** Read one process's identity from PROC/@p pid, units from @p units; nullopt if its status is unreadable. */
std::optional<CreatorProcess> readCreatorProcess(const std::string &procRoot, pid_t pid,
						 const CreatorUnitLookup &units);

/** Real uid from the text of /proc/PID/status ("Uid:\tREAL\tEFFECTIVE..."); nullopt if absent. */
std::optional<uid_t> realUidFromStatus(std::string_view statusText);

} // namespace tactus
