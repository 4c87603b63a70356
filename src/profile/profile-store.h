// SPDX-License-Identifier: MIT
#pragma once

// Profiles on disk: one file per user, `<state dir>/profiles/<uid>.profile`,
// in a directory of mode 0700, files of mode 0600 (DESIGN.md, "Privacy").
// Writes are atomic: a temporary file in the same directory, fsync, rename
// over the old file, fsync of the directory; a crash at any moment leaves
// the old or the new profile, never a mix. A file that cannot be used
// (corrupt, truncated, oversized, another uid's, a newer format) is set
// aside under a new name, never deleted at once, so enrollment restarts and
// the evidence stays for a human to look at.
//
// The store does no logging; it returns what happened for the daemon to log.

#include "profile-enrollment.h"
#include "profile.h"
#include "util-fd.h"
#include "util-result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace tactus {

/** What ProfileStore::loadOrSetAside() found. */
struct ProfileLoad {
	std::optional<Profile> profile; ///< the profile, or nullopt: none usable (enrollment starts afresh)
	std::optional<Error> problem;   ///< why the file was not used (log once), nullopt if it was or there was none
	std::string setAsidePath;       ///< where an unusable file went, "" if none was set aside
};

/** The profiles directory of one state directory. Not thread-safe; one daemon owns it. */
class ProfileStore {
public:
	/** Set-aside files kept per user: older ones beyond this are removed so a broken disk cannot fill it. */
	static constexpr size_t kMaxSetAside = 3;

	/**
	 * Open (creating, mode 0700) `@p stateDir/profiles` and remove temporary
	 * files a crash left behind. @p stateDir must exist (the daemon's is
	 * /var/lib/tactus, made by systemd's StateDirectory=).
	 */
	static Result<ProfileStore> open(const std::string &stateDir);

	/** The profiles directory, e.g. "/var/lib/tactus/profiles". */
	const std::string &directory() const { return dirPath_; }
	/** Path of @p uid's profile file. */
	std::string path(uid_t uid) const;

	/**
	 * Read @p uid's profile: nullopt if there is none. Errors name the file:
	 * isInvalidProfileError() for a file that must be set aside, any other
	 * error (permission, I/O) for one that must be left alone. A file over
	 * kMaxProfileBytes is rejected from its size, without reading it.
	 */
	Result<std::optional<Profile>> load(uid_t uid) const;

	/**
	 * Atomically replace @p profile.uid's file by @p profile (mode 0600).
	 * Stale temporary files of that user are removed first.
	 */
	Result<void> save(const Profile &profile);

	/**
	 * Rename @p uid's profile to `<uid>.profile.corrupt-<UTC time>` (made
	 * unique with a counter) and remove the oldest set-aside files beyond
	 * kMaxSetAside. @p nowUs is CLOCK_REALTIME in µs. Returns the new path.
	 */
	Result<std::string> setAside(uid_t uid, int64_t nowUs);

	/**
	 * load(), and if the file is unusable, setAside() it. The daemon calls
	 * this when a user's session starts: it never throws and never hands
	 * back a profile it should not trust.
	 */
	ProfileLoad loadOrSetAside(uid_t uid, int64_t nowUs);

	/**
	 * ResetProfile: restart enrollment of every modality in @p uid's profile
	 * (restartEnrollment()) and write it at once; an unusable file is set
	 * aside first. Returns the profile now on disk (for the bus), which has
	 * no modality if there was no profile.
	 */
	Result<Profile> reset(uid_t uid, int64_t nowUs, const EnrollmentParams &params);

	/** ForgetProfile: delete every file of @p uid (profile, set-aside copies, temporaries). No file is fine. */
	Result<void> forget(uid_t uid);

	/** Every set-aside file of @p uid, oldest first (by name). */
	Result<std::vector<std::string>> setAsideFiles(uid_t uid) const;

private:
	ProfileStore(UniqueFd dir, std::string dirPath) : dir_(std::move(dir)), dirPath_(std::move(dirPath)) {}

	/** Remove temporaries whose name starts with @p prefix ("" = every temporary). */
	void removeTemporaries(const std::string &prefix);
	Result<std::vector<std::string>> listNames() const;
	Result<void> syncDirectory() const;

	UniqueFd dir_;
	std::string dirPath_;
	unsigned tmpCounter_ = 0; ///< makes temporary names unique within this process
};

} // namespace tactus
