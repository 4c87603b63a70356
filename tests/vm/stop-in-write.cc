// SPDX-License-Identifier: MIT
/*
 * Test-only fault injection for crash safety (issue 14): an LD_PRELOAD
 * module that stops the process it is loaded into (SIGSTOP, to itself) in
 * the middle of writing a profile, so a test can SIGKILL it at a known
 * point of the write instead of hoping a random kill lands there. It is
 * never installed and tactusd has no code for it: production behaviour
 * cannot depend on it (LD_PRELOAD is set by the test's unit drop-in only).
 *
 *   TACTUS_TEST_STOP_IN_WRITE=/run/stop-in-write  (a file the test writes)
 *
 * When a file whose name ends in ".profile" or holds ".profile.tmp-" is
 * opened for writing, the control file is read; its first word arms one
 * stop in that write:
 *   write   half of the first write(2) to it is written, then stop (a torn
 *           file, if the writer wrote in place);
 *   fsync   after fsync(2) of it, before it is renamed;
 *   rename  after rename(2) of it into place, before the directory's fsync.
 * Anything else (or no file) arms nothing. One stop per open; after SIGCONT
 * the call returns as it would have.
 */
// open and open64 (and openat, openat64) are each interposed by name: no
// header may turn one into the other.
#undef _FILE_OFFSET_BITS

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

enum class Stage { None, Write, Fsync, Rename };

int armedFd = -1;
Stage armed = Stage::None;

/** The next definition of @p name (libc's), as a function of type @p F. */
template<typename F>
F next(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);
	if (!f)
		std::abort();
	return reinterpret_cast<F>(f);
}

bool profileName(const char *name)
{
	const size_t n = name ? std::strlen(name) : 0;
	return n && (std::strstr(name, ".profile.tmp-") || (n >= 8 && std::strcmp(name + n - 8, ".profile") == 0));
}

Stage wanted()
{
	const char *path = std::getenv("TACTUS_TEST_STOP_IN_WRITE");
	char word[16] = "";
	if (!path)
		return Stage::None;
	static auto realOpen = next<int (*)(const char *, int, ...)>("open");
	static auto realRead = next<ssize_t (*)(int, void *, size_t)>("read");
	static auto realClose = next<int (*)(int)>("close");
	const int fd = realOpen(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return Stage::None;
	const ssize_t n = realRead(fd, word, sizeof(word) - 1);
	realClose(fd);
	if (n <= 0)
		return Stage::None;
	word[n] = 0;
	if (std::strncmp(word, "write", 5) == 0)
		return Stage::Write;
	if (std::strncmp(word, "fsync", 5) == 0)
		return Stage::Fsync;
	if (std::strncmp(word, "rename", 6) == 0)
		return Stage::Rename;
	return Stage::None;
}

void stop()
{
	armed = Stage::None;
	armedFd = -1;
	std::raise(SIGSTOP);
}

int opened(int fd, const char *name, int flags)
{
	if (fd >= 0 && (flags & (O_WRONLY | O_RDWR)) && profileName(name)) {
		armed = wanted();
		armedFd = armed == Stage::None ? -1 : fd;
	}
	return fd;
}

mode_t modeArgument(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? static_cast<mode_t>(va_arg(ap, unsigned)) : 0;
}

} // namespace

extern "C" {

int openat(int dirfd, const char *name, int flags, ...)
{
	static auto real = next<int (*)(int, const char *, int, ...)>("openat");
	va_list ap;
	va_start(ap, flags);
	const mode_t mode = modeArgument(flags, ap);
	va_end(ap);
	return opened(real(dirfd, name, flags, mode), name, flags);
}

int openat64(int dirfd, const char *name, int flags, ...)
{
	static auto real = next<int (*)(int, const char *, int, ...)>("openat64");
	va_list ap;
	va_start(ap, flags);
	const mode_t mode = modeArgument(flags, ap);
	va_end(ap);
	return opened(real(dirfd, name, flags, mode), name, flags);
}

int open(const char *name, int flags, ...)
{
	static auto real = next<int (*)(const char *, int, ...)>("open");
	va_list ap;
	va_start(ap, flags);
	const mode_t mode = modeArgument(flags, ap);
	va_end(ap);
	return opened(real(name, flags, mode), name, flags);
}

int open64(const char *name, int flags, ...)
{
	static auto real = next<int (*)(const char *, int, ...)>("open64");
	va_list ap;
	va_start(ap, flags);
	const mode_t mode = modeArgument(flags, ap);
	va_end(ap);
	return opened(real(name, flags, mode), name, flags);
}

ssize_t write(int fd, const void *buf, size_t count)
{
	static auto real = next<ssize_t (*)(int, const void *, size_t)>("write");
	if (armed == Stage::Write && fd == armedFd && count > 1) {
		const ssize_t n = real(fd, buf, count / 2);
		stop();
		return n;
	}
	return real(fd, buf, count);
}

int fsync(int fd)
{
	static auto real = next<int (*)(int)>("fsync");
	const int r = real(fd);
	if (armed == Stage::Fsync && fd == armedFd)
		stop();
	return r;
}

int close(int fd)
{
	static auto real = next<int (*)(int)>("close");
	// The rename stop outlives the fd: rename(2) comes after close(2).
	if (fd == armedFd && armed != Stage::Rename) {
		armed = Stage::None;
		armedFd = -1;
	}
	return real(fd);
}

int renameat(int olddirfd, const char *oldname, int newdirfd, const char *newname)
{
	static auto real = next<int (*)(int, const char *, int, const char *)>("renameat");
	const int r = real(olddirfd, oldname, newdirfd, newname);
	if (r == 0 && armed == Stage::Rename && profileName(oldname))
		stop();
	return r;
}

int rename(const char *oldname, const char *newname)
{
	static auto real = next<int (*)(const char *, const char *)>("rename");
	const int r = real(oldname, newname);
	if (r == 0 && armed == Stage::Rename && profileName(oldname))
		stop();
	return r;
}

} // extern "C"
