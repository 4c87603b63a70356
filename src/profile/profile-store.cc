// SPDX-License-Identifier: MIT
#include "profile-store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace tactus {

namespace {

constexpr std::string_view kProfileSuffix = ".profile";
constexpr std::string_view kSetAsideInfix = ".profile.corrupt-";
constexpr std::string_view kTemporaryInfix = ".profile.tmp-";

std::string profileName(uid_t uid)
{
	return std::to_string(uid) + std::string(kProfileSuffix);
}

/** Temporaries are hidden files, `.<uid>.profile.tmp-<unique>`, so no reader mistakes one for a profile. */
std::string temporaryPrefix(uid_t uid)
{
	return "." + std::to_string(uid) + std::string(kTemporaryInfix);
}

std::string setAsidePrefix(uid_t uid)
{
	return std::to_string(uid) + std::string(kSetAsideInfix);
}

bool startsWith(std::string_view s, std::string_view prefix)
{
	return s.substr(0, prefix.size()) == prefix;
}

Error errnoError(int err, const std::string &what)
{
	return makeError(-err, what + ": " + std::strerror(err));
}

Result<void> writeAll(int fd, std::string_view data)
{
	while (!data.empty()) {
		ssize_t n = ::write(fd, data.data(), data.size());
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return makeError(-errno, "");
		}
		data.remove_prefix(static_cast<size_t>(n));
	}
	return {};
}

/** "20240501T120000.123456Z" for @p us since the epoch, UTC: sorts like the time it names. */
std::string utcStamp(int64_t us)
{
	time_t secs = static_cast<time_t>(us / 1000000);
	long frac = static_cast<long>(us % 1000000);
	if (frac < 0) {
		secs -= 1;
		frac += 1000000;
	}
	struct tm tm {};
	if (!::gmtime_r(&secs, &tm))
		return "unknown-time";
	char buf[64];
	(void)snprintf(buf, sizeof(buf), "%04d%02d%02dT%02d%02d%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
	return buf;
}

} // namespace

Result<ProfileStore> ProfileStore::open(const std::string &stateDir)
{
	std::string path = stateDir + "/profiles";
	UniqueFd state(::open(stateDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!state.valid())
		return errnoError(errno, "cannot open state directory " + stateDir);
	if (::mkdirat(state.get(), "profiles", 0700) < 0 && errno != EEXIST)
		return errnoError(errno, "cannot create " + path);
	UniqueFd dir(::openat(state.get(), "profiles", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	if (!dir.valid())
		return errnoError(errno, "cannot open " + path);
	struct stat st {};
	if (::fstat(dir.get(), &st) < 0)
		return errnoError(errno, "cannot stat " + path);
	// Profiles are personal data: nobody but the daemon lists them.
	if ((st.st_mode & 07777) != 0700 && ::fchmod(dir.get(), 0700) < 0)
		return errnoError(errno, "cannot make " + path + " mode 0700");
	ProfileStore store(std::move(dir), std::move(path));
	store.removeTemporaries("");
	return store;
}

std::string ProfileStore::path(uid_t uid) const
{
	return dirPath_ + "/" + profileName(uid);
}

Result<std::optional<Profile>> ProfileStore::load(uid_t uid) const
{
	const std::string file = path(uid);
	auto invalid = [&](const std::string &what) { return makeError(-EBADMSG, file + ": " + what); };
	// O_NONBLOCK: a FIFO planted in place of a profile must not hang the daemon.
	UniqueFd fd(::openat(dir_.get(), profileName(uid).c_str(),
			     O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK));
	if (!fd.valid()) {
		if (errno == ENOENT)
			return std::optional<Profile>();
		if (errno == ELOOP)
			return invalid("is a symbolic link");
		return errnoError(errno, "cannot open " + file);
	}
	struct stat st {};
	if (::fstat(fd.get(), &st) < 0)
		return errnoError(errno, "cannot stat " + file);
	if (!S_ISREG(st.st_mode))
		return invalid("not a regular file");
	if (st.st_size > static_cast<off_t>(kMaxProfileBytes))
		return makeError(-EFBIG, file + ": oversized: " + std::to_string(st.st_size) + " bytes, the limit is " +
						 std::to_string(kMaxProfileBytes));
	// Read at most one byte past the limit, in case it grows under us.
	std::string bytes(kMaxProfileBytes + 1, '\0');
	size_t have = 0;
	while (have < bytes.size()) {
		ssize_t n = ::read(fd.get(), bytes.data() + have, bytes.size() - have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errnoError(errno, "cannot read " + file);
		}
		if (n == 0)
			break;
		have += static_cast<size_t>(n);
	}
	bytes.resize(have);
	auto profile = decodeProfile(bytes, uid);
	if (!profile)
		return makeError(profile.error().errnum, file + ": " + profile.error().message);
	return std::optional<Profile>(std::move(*profile));
}

Result<void> ProfileStore::save(const Profile &profile)
{
	const std::string file = path(profile.uid);
	auto image = encodeProfile(profile);
	if (!image)
		return makeError(image.error().errnum, "cannot encode " + file + ": " + image.error().message);

	const std::string prefix = temporaryPrefix(profile.uid);
	removeTemporaries(prefix);
	std::string tmpName;
	UniqueFd fd;
	for (int attempt = 0; attempt < 100 && !fd.valid(); attempt++) {
		struct timespec ts {};
		::clock_gettime(CLOCK_MONOTONIC, &ts);
		char unique[64];
		(void)snprintf(unique, sizeof(unique), "%d-%u-%ld", static_cast<int>(::getpid()), tmpCounter_++,
			       static_cast<long>(ts.tv_nsec));
		tmpName = prefix + unique;
		fd.reset(::openat(dir_.get(), tmpName.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
				  0600));
		if (!fd.valid() && errno != EEXIST)
			return errnoError(errno, "cannot create a temporary file in " + dirPath_);
	}
	if (!fd.valid())
		return makeError(-EEXIST, "cannot create a temporary file in " + dirPath_);

	auto fail = [&](int err, const std::string &what) -> Result<void> {
		::unlinkat(dir_.get(), tmpName.c_str(), 0);
		return errnoError(err, what);
	};
	// The mode is set before any byte is written, whatever the umask.
	if (::fchmod(fd.get(), 0600) < 0)
		return fail(errno, "cannot make " + dirPath_ + "/" + tmpName + " mode 0600");
	if (auto w = writeAll(fd.get(), *image); !w)
		return fail(-w.error().errnum, "cannot write " + dirPath_ + "/" + tmpName);
	// Data first, then the name: after a crash the new name never points
	// at blocks that did not reach the disk.
	if (::fsync(fd.get()) < 0)
		return fail(errno, "cannot fsync " + dirPath_ + "/" + tmpName);
	if (::close(fd.release()) < 0)
		return fail(errno, "cannot close " + dirPath_ + "/" + tmpName);
	if (::renameat(dir_.get(), tmpName.c_str(), dir_.get(), profileName(profile.uid).c_str()) < 0)
		return fail(errno, "cannot rename " + dirPath_ + "/" + tmpName + " to " + file);
	return syncDirectory();
}

Result<std::string> ProfileStore::setAside(uid_t uid, int64_t nowUs)
{
	const std::string name = profileName(uid);
	const std::string base = setAsidePrefix(uid) + utcStamp(nowUs);
	std::string target;
	for (int n = 0; n < 100; n++) {
		char suffix[8] = "";
		if (n)
			(void)snprintf(suffix, sizeof(suffix), "-%02d", n);
		target = base + suffix;
		// Never replace an earlier set-aside file: it is evidence too.
		int r = ::renameat2(dir_.get(), name.c_str(), dir_.get(), target.c_str(), RENAME_NOREPLACE);
		if (r < 0 && errno == EINVAL) {
			// A filesystem without RENAME_NOREPLACE: link() never replaces either.
			r = ::linkat(dir_.get(), name.c_str(), dir_.get(), target.c_str(), 0);
			if (r == 0)
				::unlinkat(dir_.get(), name.c_str(), 0);
		}
		if (r == 0)
			break;
		if (errno != EEXIST)
			return errnoError(errno, "cannot set aside " + path(uid));
		target.clear();
	}
	if (target.empty())
		return makeError(-EEXIST, "cannot set aside " + path(uid) + ": too many set-aside files at " + base);

	auto kept = setAsideFiles(uid);
	if (kept && kept->size() > kMaxSetAside) {
		// Keep the newest: they say what went wrong lately.
		for (size_t i = 0; i + kMaxSetAside < kept->size(); i++)
			::unlinkat(dir_.get(), (*kept)[i].c_str(), 0);
	}
	if (auto s = syncDirectory(); !s)
		return s.error();
	return dirPath_ + "/" + target;
}

ProfileLoad ProfileStore::loadOrSetAside(uid_t uid, int64_t nowUs)
{
	ProfileLoad out;
	auto loaded = load(uid);
	if (loaded) {
		out.profile = std::move(*loaded);
		return out;
	}
	out.problem = loaded.error();
	if (!isInvalidProfileError(loaded.error()))
		return out;
	auto moved = setAside(uid, nowUs);
	if (moved) {
		out.setAsidePath = *moved;
	} else {
		out.problem->message += "; " + moved.error().message;
	}
	return out;
}

Result<Profile> ProfileStore::reset(uid_t uid, int64_t nowUs, const EnrollmentParams &params)
{
	auto loaded = load(uid);
	Profile profile;
	if (loaded && *loaded) {
		profile = std::move(**loaded);
	} else if (!loaded) {
		if (!isInvalidProfileError(loaded.error()))
			return loaded.error();
		if (auto moved = setAside(uid, nowUs); !moved)
			return moved.error();
	}
	profile.uid = uid;
	if (!profile.createdUs)
		profile.createdUs = nowUs;
	profile.updatedUs = nowUs;
	for (auto &m : profile.modalities)
		restartEnrollment(m, params, nowUs);
	if (auto saved = save(profile); !saved)
		return saved.error();
	return profile;
}

Result<void> ProfileStore::forget(uid_t uid)
{
	auto names = listNames();
	if (!names)
		return names.error();
	const std::string profile = profileName(uid);
	const std::string aside = setAsidePrefix(uid);
	const std::string temporary = temporaryPrefix(uid);
	for (const auto &name : *names) {
		if (name != profile && !startsWith(name, aside) && !startsWith(name, temporary))
			continue;
		if (::unlinkat(dir_.get(), name.c_str(), 0) < 0 && errno != ENOENT)
			return errnoError(errno, "cannot delete " + dirPath_ + "/" + name);
	}
	return syncDirectory();
}

Result<std::vector<std::string>> ProfileStore::setAsideFiles(uid_t uid) const
{
	auto names = listNames();
	if (!names)
		return names.error();
	std::vector<std::string> out;
	const std::string prefix = setAsidePrefix(uid);
	for (auto &name : *names)
		if (startsWith(name, prefix))
			out.push_back(std::move(name));
	std::sort(out.begin(), out.end());
	return out;
}

void ProfileStore::removeTemporaries(const std::string &prefix)
{
	auto names = listNames();
	if (!names)
		return;
	for (const auto &name : *names) {
		bool temporary = prefix.empty() ? name.size() > 1 && name[0] == '.' &&
							  name.find(kTemporaryInfix) != std::string::npos
						: startsWith(name, prefix);
		if (temporary)
			::unlinkat(dir_.get(), name.c_str(), 0);
	}
}

Result<std::vector<std::string>> ProfileStore::listNames() const
{
	// fdopendir() takes the descriptor over, so it gets its own.
	int fd = ::openat(dir_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errnoError(errno, "cannot open " + dirPath_);
	DIR *d = ::fdopendir(fd);
	if (!d) {
		int err = errno;
		::close(fd);
		return errnoError(err, "cannot list " + dirPath_);
	}
	std::vector<std::string> names;
	errno = 0;
	while (struct dirent *e = ::readdir(d)) {
		std::string_view name = e->d_name;
		if (name != "." && name != "..")
			names.emplace_back(name);
	}
	int err = errno;
	::closedir(d);
	if (err)
		return errnoError(err, "cannot list " + dirPath_);
	return names;
}

Result<void> ProfileStore::syncDirectory() const
{
	if (::fsync(dir_.get()) < 0)
		return errnoError(errno, "cannot fsync " + dirPath_);
	return {};
}

} // namespace tactus
