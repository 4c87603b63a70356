// SPDX-License-Identifier: MIT
#pragma once

// Sysfs, udev-database and /proc trees for tests, expanded from text files in
// tests/data/sysfs/ into a temporary directory with real symlinks.
//
// The format is a subset of umockdev-record's, one record per device:
//   P: /devices/...      a sysfs device directory (relative to SYS)
//   E: KEY=VALUE         uevent property; SUBSYSTEM makes the subsystem link
//                        (and SYS/class/SUBSYSTEM/NAME for class devices),
//                        MAJOR+MINOR make the dev attribute, and non-kernel
//                        keys (ID_SEAT, ID_INPUT_*, ...) go to RUN/udev/data/cMAJ:MIN
//   A: FILE=VALUE        attribute text with C escapes (\n, \\, \t, \xNN)
//   H: FILE=HEX          attribute as hex bytes (binary-safe)
//   L: NAME=TARGET       symlink inside the device directory
//   N:, S:               device node and its /dev links; read and ignored
// and one tactus extension for processes:
//   R: PID               a /proc/PID directory; A:, H: and L: lines below it
//                        create files and links there (L: fd/3=/dev/uinput);
//                        A: unit=NAME and A: user_unit=NAME give the units
//                        roots().unitsOf reports (libsystemd's sd_pid_get_unit
//                        and sd_pid_get_user_unit read the real /proc only)
// Holders are found by device number and a test cannot mknod, so an fd link
// to /dev/uinput is made to kUinputStandIn and one to /dev/uhid to
// kUhidStandIn, whose numbers roots() gives as uinput and uhid.
// Lines starting with '#' are comments.

#include "sysfs-device.h"
#include "util-result.h"

#include <string>
#include <string_view>

namespace tactus::test {

inline constexpr const char *kUinputStandIn = "/dev/full";  ///< 1:7 on every Linux
inline constexpr const char *kUhidStandIn = "/dev/urandom"; ///< 1:9

/** A temporary SYS/PROC/RUN tree; removed when the fixture is destroyed. */
class SysfsFixture {
public:
	/** Create an empty tree (sys, proc, run) in a new temporary directory. */
	static Result<SysfsFixture> create();
	/** Create a tree from tests/data/sysfs/@p name (below $TACTUS_SOURCE_ROOT). */
	static Result<SysfsFixture> fromDataFile(std::string_view name);

	SysfsFixture(SysfsFixture &&other) noexcept;
	SysfsFixture &operator=(SysfsFixture &&) = delete;
	SysfsFixture(const SysfsFixture &) = delete;
	SysfsFixture &operator=(const SysfsFixture &) = delete;
	~SysfsFixture();

	/** Add the records of @p text (format above) to the tree. */
	Result<void> apply(std::string_view text);
	/** Roots to hand to DeviceDescriber. */
	const SystemRoots &roots() const { return roots_; }
	/** Absolute path of @p rel below the temporary directory ("sys/devices/..."). */
	std::string path(std::string_view rel) const { return base_ + "/" + std::string(rel); }
	/** Write @p content to path(@p rel), creating directories. */
	Result<void> writeFile(std::string_view rel, std::string_view content) const;
	/** Remove path(@p rel) (file, link or whole directory). */
	void remove(std::string_view rel) const;

private:
	SysfsFixture() = default;

	std::string base_;
	SystemRoots roots_;
};

/** Source tree root from $TACTUS_SOURCE_ROOT (set by tests/meson.build). */
std::string sourceRoot();

} // namespace tactus::test
