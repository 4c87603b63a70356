// SPDX-License-Identifier: MIT
// Profiles on disk: modes, atomic replacement under SIGKILL, unusable files
// set aside with a named error, ForgetProfile and ResetProfile.

#include "profile-fixture.h"
#include "profile-store.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

using namespace tactus;
using namespace tactus::test;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kNow = 1714567200000000; // 2024-05-01T12:40:00Z

ProfileStore openStore(const TempDir &dir)
{
	auto store = ProfileStore::open(dir.path());
	EXPECT_TRUE(store) << store.error().message;
	if (!store)
		std::abort();
	return std::move(*store);
}

std::string readFile(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeFile(const std::string &path, std::string_view data)
{
	std::ofstream out(path, std::ios::binary | std::ios::trunc);
	out.write(data.data(), static_cast<std::streamsize>(data.size()));
	ASSERT_TRUE(out.good()) << path;
}

unsigned modeOf(const std::string &path)
{
	struct stat st {};
	EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
	return st.st_mode & 07777;
}

/** Names in the profiles directory, sorted. */
std::vector<std::string> listing(const ProfileStore &store)
{
	std::vector<std::string> names;
	for (const auto &e : fs::directory_iterator(store.directory()))
		names.push_back(e.path().filename().string());
	std::sort(names.begin(), names.end());
	return names;
}

/** load() must fail with an invalid-file error naming the file and containing @p what. */
void expectInvalid(const ProfileStore &store, uid_t uid, const std::string &what)
{
	auto r = store.load(uid);
	ASSERT_FALSE(r) << "loaded a profile that should be rejected (" << what << ")";
	EXPECT_TRUE(isInvalidProfileError(r.error())) << r.error().message;
	EXPECT_EQ(r.error().message.rfind(store.path(uid) + ": ", 0), 0u) << r.error().message;
	EXPECT_NE(r.error().message.find(what), std::string::npos) << r.error().message;
}

/** Restores the umask at the end of a test. */
class UmaskGuard {
public:
	explicit UmaskGuard(mode_t mask) : old_(::umask(mask)) {}
	~UmaskGuard() { ::umask(old_); }

private:
	mode_t old_;
};

} // namespace

TEST(ProfileStore, OpenMakesAPrivateDirectory)
{
	TempDir dir;
	UmaskGuard umask(0);
	ProfileStore store = openStore(dir);
	EXPECT_EQ(store.directory(), dir.path() + "/profiles");
	EXPECT_EQ(modeOf(store.directory()), 0700u);

	// An existing directory with a loose mode is tightened.
	ASSERT_EQ(::chmod(store.directory().c_str(), 0755), 0);
	ProfileStore again = openStore(dir);
	EXPECT_EQ(modeOf(again.directory()), 0700u);

	auto missing = ProfileStore::open(dir.path() + "/no-such-dir");
	ASSERT_FALSE(missing);
	EXPECT_EQ(missing.error().errnum, -ENOENT);
	EXPECT_NE(missing.error().message.find("no-such-dir"), std::string::npos);
}

TEST(ProfileStore, SaveLoadRoundTrip)
{
	TempDir dir;
	ProfileStore store = openStore(dir);
	auto none = store.load(1000);
	ASSERT_TRUE(none) << none.error().message;
	EXPECT_FALSE(*none);

	Profile p = sampleProfile(1000);
	ASSERT_TRUE(store.save(p));
	EXPECT_EQ(store.path(1000), store.directory() + "/1000.profile");
	auto back = store.load(1000);
	ASSERT_TRUE(back) << back.error().message;
	ASSERT_TRUE(*back);
	EXPECT_EQ(**back, p);

	// Replacing keeps one file and no temporary.
	p.modalities[0].eventsSeen += 100;
	ASSERT_TRUE(store.save(p));
	back = store.load(1000);
	ASSERT_TRUE(back && *back);
	EXPECT_EQ(**back, p);
	EXPECT_EQ(listing(store), std::vector<std::string>{"1000.profile"});
}

TEST(ProfileStore, FilesAreMode0600WhateverTheUmask)
{
	TempDir dir;
	ProfileStore store = openStore(dir);
	UmaskGuard umask(0);
	ASSERT_TRUE(store.save(sampleProfile(1000)));
	EXPECT_EQ(modeOf(store.path(1000)), 0600u);

	// A file someone loosened is replaced by a 0600 one.
	ASSERT_EQ(::chmod(store.path(1000).c_str(), 0644), 0);
	ASSERT_TRUE(store.save(sampleProfile(1000)));
	EXPECT_EQ(modeOf(store.path(1000)), 0600u);
}

TEST(ProfileStore, SaveRefusesAnInvalidProfile)
{
	TempDir dir;
	ProfileStore store = openStore(dir);
	ASSERT_TRUE(store.save(sampleProfile(1000)));
	Profile bad = sampleProfile(1000, 5.0f);
	bad.modalities[0].templates.pop_back();
	auto r = store.save(bad);
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().errnum, -EINVAL);
	EXPECT_NE(r.error().message.find("1000.profile"), std::string::npos) << r.error().message;
	// The old profile is untouched and no temporary is left.
	auto back = store.load(1000);
	ASSERT_TRUE(back && *back);
	EXPECT_EQ(**back, sampleProfile(1000));
	EXPECT_EQ(listing(store), std::vector<std::string>{"1000.profile"});
}

TEST(ProfileStore, EveryKindOfBadFileIsNamed)
{
	TempDir dir;
	ProfileStore store = openStore(dir);
	const std::string path = store.path(1000);
	const std::string image = encodeOk(sampleProfile(1000));

	writeFile(path, "");
	expectInvalid(store, 1000, "empty file");

	writeFile(path, "#!/bin/sh\nrm -rf /\n");
	expectInvalid(store, 1000, "bad magic");

	std::string flipped = image;
	flipped[image.size() / 2] ^= 0x04;
	writeFile(path, flipped);
	expectInvalid(store, 1000, "checksum mismatch");

	// A sample of truncation points, including inside the header.
	for (size_t len : {size_t{1}, size_t{12}, size_t{23}, size_t{24}, image.size() / 3, image.size() - 1}) {
		writeFile(path, image.substr(0, len));
		expectInvalid(store, 1000, len < 8 ? "" : "truncated");
	}

	std::string future = image;
	future[8] = 2;
	writeFile(path, future);
	expectInvalid(store, 1000, "format version 2 is newer");

	// Another user's profile copied over this one.
	writeFile(path, encodeOk(sampleProfile(1001)));
	expectInvalid(store, 1000, "belongs to uid 1001, expected uid 1000");

	fs::remove(path);
	fs::create_symlink(dir.path() + "/elsewhere", path);
	expectInvalid(store, 1000, "symbolic link");

	fs::remove(path);
	fs::create_directory(path);
	expectInvalid(store, 1000, "not a regular file");

	fs::remove(path);
	ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
	expectInvalid(store, 1000, "not a regular file"); // and did not block
}

TEST(ProfileStore, OversizedIsRejectedFromItsSize)
{
	TempDir dir;
	ProfileStore store = openStore(dir);
	const std::string path = store.path(1000);
	// A sparse 8 GiB file: reading it would take long and need the memory.
	{
		int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(::ftruncate(fd, off_t{8} << 30), 0);
		::close(fd);
	}
	auto start = std::chrono::steady_clock::now();
	auto r = store.load(1000);
	auto took = std::chrono::steady_clock::now() - start;
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().errnum, -EFBIG);
	EXPECT_NE(r.error().message.find(path + ": oversized: 8589934592 bytes"), std::string::npos)
		<< r.error().message;
	EXPECT_LT(took, std::chrono::milliseconds(100));

	// Just over the limit, too.
	std::string image = encodeOk(sampleProfile(1000));
	image.resize(kMaxProfileBytes + 1, 'x');
	writeFile(path, image);
	expectInvalid(store, 1000, "oversized");
}

// A file that cannot be read may be fine: it is reported, never set aside.
TEST(ProfileStore, IoErrorsAreNotInvalidFiles)
{
	TempDir dir;
	ProfileStore store = openStore(dir);
	ASSERT_TRUE(store.save(sampleProfile(1000)));
	// Root reads anything, so root checks as nobody, in a child: the
	// directory is 0700 root's, so every lookup in it is denied.
	const bool root = ::geteuid() == 0;
	if (!root) {
		ASSERT_EQ(::chmod(store.path(1000).c_str(), 0), 0);
	}
	auto check = [&]() -> int {
		auto r = store.load(1000);
		if (r)
			return 10;
		if (r.error().errnum != -EACCES || isInvalidProfileError(r.error()))
			return 11;
		if (r.error().message.find(store.path(1000)) == std::string::npos)
			return 12;
		ProfileLoad l = store.loadOrSetAside(1000, kNow);
		if (l.profile || !l.problem || !l.setAsidePath.empty())
			return 13;
		return 0;
	};
	if (!root) {
		EXPECT_EQ(check(), 0);
	} else {
		pid_t pid = ::fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			if (::setresgid(65534, 65534, 65534) < 0 || ::setresuid(65534, 65534, 65534) < 0)
				::_exit(20);
			::_exit(check());
		}
		int status = 0;
		ASSERT_EQ(::waitpid(pid, &status, 0), pid);
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(WEXITSTATUS(status), 0) << "10 loaded, 11 wrong error, 12 unnamed file, 13 set aside";
	}
	EXPECT_TRUE(fs::exists(store.path(1000)));
	EXPECT_TRUE(store.setAsideFiles(1000)->empty());
}

TEST(ProfileStore, UnusableFileIsSetAsideWithItsBytes)
{
	TempDir dir;
	ProfileStore store = openStore(dir);
	std::string bad = encodeOk(sampleProfile(1000));
	bad.resize(bad.size() - 10);
	writeFile(store.path(1000), bad);

	ProfileLoad l = store.loadOrSetAside(1000, kNow);
	EXPECT_FALSE(l.profile);
	ASSERT_TRUE(l.problem);
	EXPECT_NE(l.problem->message.find("1000.profile: truncated"), std::string::npos) << l.problem->message;
	EXPECT_EQ(l.setAsidePath, store.directory() + "/1000.profile.corrupt-20240501T124000.000000Z");
	EXPECT_EQ(readFile(l.setAsidePath), bad);
	EXPECT_FALSE(fs::exists(store.path(1000)));

	// Enrollment restarts: no profile now, and a new one can be written.
	ProfileLoad after = store.loadOrSetAside(1000, kNow);
	EXPECT_FALSE(after.profile);
	EXPECT_FALSE(after.problem);
	ASSERT_TRUE(store.save(sampleProfile(1000)));
	after = store.loadOrSetAside(1000, kNow);
	ASSERT_TRUE(after.profile);
	EXPECT_FALSE(after.problem);
}

TEST(ProfileStore, SetAsideFilesAreBoundedAndNeverReplaced)
{
	TempDir dir;
	ProfileStore store = openStore(dir);
	std::vector<std::string> made;
	for (int i = 0; i < 6; i++) {
		writeFile(store.path(1000), "garbage " + std::to_string(i));
		// The same clock twice: the second must not replace the first.
		ProfileLoad l = store.loadOrSetAside(1000, kNow + (i / 2) * 1000000);
		ASSERT_FALSE(l.setAsidePath.empty()) << (l.problem ? l.problem->message : "");
		made.push_back(l.setAsidePath);
	}
	EXPECT_EQ(fs::path(made[1]).filename(), "1000.profile.corrupt-20240501T124000.000000Z-01");
	auto kept = store.setAsideFiles(1000);
	ASSERT_TRUE(kept);
	ASSERT_EQ(kept->size(), ProfileStore::kMaxSetAside);
	// The newest are kept, with their own bytes.
	for (size_t i = 0; i < ProfileStore::kMaxSetAside; i++) {
		size_t from = made.size() - ProfileStore::kMaxSetAside + i;
		EXPECT_EQ(store.directory() + "/" + (*kept)[i], made[from]);
		EXPECT_EQ(readFile(made[from]), "garbage " + std::to_string(from));
	}
	// Another user's set-aside files are not counted against this one.
	writeFile(store.path(10), "garbage");
	ASSERT_FALSE(store.loadOrSetAside(10, kNow).setAsidePath.empty());
	EXPECT_EQ(store.setAsideFiles(1000)->size(), ProfileStore::kMaxSetAside);
	EXPECT_EQ(store.setAsideFiles(10)->size(), 1u);
}

TEST(ProfileStore, ForgetDeletesOnlyThatUsersFiles)
{
	TempDir dir;
	ProfileStore store = openStore(dir);
	ASSERT_TRUE(store.save(sampleProfile(100)));
	writeFile(store.path(100), "garbage");
	ASSERT_FALSE(store.loadOrSetAside(100, kNow).setAsidePath.empty());
	ASSERT_TRUE(store.save(sampleProfile(100)));
	writeFile(store.directory() + "/.100.profile.tmp-crashed", "partial");
	ASSERT_TRUE(store.save(sampleProfile(10)));
	ASSERT_TRUE(store.save(sampleProfile(1000)));
	writeFile(store.path(1000), "garbage");
	ASSERT_FALSE(store.loadOrSetAside(1000, kNow).setAsidePath.empty());

	ASSERT_TRUE(store.forget(100));
	std::vector<std::string> names = listing(store);
	EXPECT_EQ(names, (std::vector<std::string>{"10.profile", "1000.profile.corrupt-20240501T124000.000000Z"}));
	auto gone = store.load(100);
	ASSERT_TRUE(gone);
	EXPECT_FALSE(*gone);
	// Forgetting a user without files is fine.
	EXPECT_TRUE(store.forget(4242));
}

TEST(ProfileStore, ResetRestartsEnrollment)
{
	TempDir dir;
	ProfileStore store = openStore(dir);
	EnrollmentParams params;
	Profile p = sampleProfile(1000);
	ASSERT_TRUE(store.save(p));

	auto r = store.reset(1000, kNow, params);
	ASSERT_TRUE(r) << r.error().message;
	EXPECT_EQ(r->state(), ProfileState::Enrolling);
	EXPECT_EQ(r->enrollmentProgress(), 0.0);
	ASSERT_EQ(r->modalities.size(), 2u);
	for (const auto &m : r->modalities) {
		EXPECT_EQ(m.state, ProfileState::Enrolling);
		EXPECT_TRUE(m.templates.empty());
		EXPECT_EQ(m.eventsSeen, 0u);
		EXPECT_EQ(m.genuine.count, 0u);
		EXPECT_EQ(m.createdUs, kNow);
	}
	EXPECT_EQ(r->createdUs, p.createdUs);
	auto onDisk = store.load(1000);
	ASSERT_TRUE(onDisk && *onDisk);
	EXPECT_EQ(**onDisk, *r);

	// No profile: reset leaves an empty one (state none).
	r = store.reset(1001, kNow, params);
	ASSERT_TRUE(r);
	EXPECT_EQ(r->state(), ProfileState::None);

	// An unusable file is set aside first.
	writeFile(store.path(1002), "garbage");
	r = store.reset(1002, kNow, params);
	ASSERT_TRUE(r) << r.error().message;
	EXPECT_EQ(r->state(), ProfileState::None);
	EXPECT_EQ(store.setAsideFiles(1002)->size(), 1u);
}

TEST(ProfileStore, TemporariesAreIgnoredAndCleanedUp)
{
	TempDir dir;
	{
		ProfileStore store = openStore(dir);
		ASSERT_TRUE(store.save(sampleProfile(1000)));
		// What a crash between create and rename leaves.
		writeFile(store.directory() + "/.1000.profile.tmp-123-0-456", "half a profi");
		writeFile(store.directory() + "/.1001.profile.tmp-123-1-789", "");
		auto p = store.load(1000);
		ASSERT_TRUE(p && *p);
		EXPECT_EQ(**p, sampleProfile(1000));
		// A save of one user clears that user's leftovers only.
		ASSERT_TRUE(store.save(sampleProfile(1000, 2.0f)));
		EXPECT_EQ(listing(store), (std::vector<std::string>{".1001.profile.tmp-123-1-789", "1000.profile"}));
	}
	// Opening the store (daemon start) clears them all.
	ProfileStore store = openStore(dir);
	EXPECT_EQ(listing(store), std::vector<std::string>{"1000.profile"});
}

// A writer killed with SIGKILL at any moment leaves the old or the new
// profile, never a torn one. (SIGKILL loses nothing the kernel accepted, so
// this proves the rename protocol; the fsyncs guard against power loss,
// which a unit test cannot cut.)
TEST(ProfileStore, KilledWriterLeavesOldOrNew)
{
	TempDir dir;
	// Large profiles, so a kill often lands inside a write.
	auto big = [](float seed) {
		Profile p;
		p.uid = 1000;
		ModalityProfile m = sampleSection(Modality::Keystroke, ProfileState::Ready, 0, seed);
		m.model = ModelId{"keystroke-test", 1, 256};
		m.templates.assign(size_t{kMaxProfileTemplates} * 256, seed);
		p.modalities.push_back(std::move(m));
		return p;
	};
	const Profile a = big(1.0f), b = big(2.0f);
	{
		ProfileStore store = openStore(dir);
		ASSERT_TRUE(store.save(a));
	}
	std::mt19937 rng(20240501);
	std::uniform_int_distribution<int> delayUs(0, 30000);
	int sawA = 0, sawB = 0, leftovers = 0;
	constexpr int kRounds = 40;
	for (int round = 0; round < kRounds; round++) {
		pid_t pid = ::fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			auto store = ProfileStore::open(dir.path());
			if (!store)
				::_exit(2);
			for (unsigned i = 0;; i++)
				if (!store->save(i % 2 ? a : b))
					::_exit(3);
		}
		std::this_thread::sleep_for(std::chrono::microseconds(1000 + delayUs(rng)));
		ASSERT_EQ(::kill(pid, SIGKILL), 0);
		int status = 0;
		ASSERT_EQ(::waitpid(pid, &status, 0), pid);
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			<< "the writer stopped by itself, status " << status;

		for (const auto &e : fs::directory_iterator(dir.path() + "/profiles"))
			if (e.path().filename().string().rfind(".1000.profile.tmp-", 0) == 0)
				leftovers++;
		// Read without opening the store, which would clear temporaries.
		auto image = readFile(dir.path() + "/profiles/1000.profile");
		auto p = decodeProfile(image, 1000);
		ASSERT_TRUE(p) << "round " << round << ": torn profile: " << p.error().message;
		if (*p == a)
			sawA++;
		else if (*p == b)
			sawB++;
		else
			FAIL() << "round " << round << ": a profile that is neither the old nor the new";
	}
	EXPECT_EQ(sawA + sawB, kRounds);
	RecordProperty("killed_mid_write", leftovers);
	std::cout << "[          ] " << kRounds << " kills: " << sawA << " old, " << sawB << " new, " << leftovers
		  << " left a temporary\n";
	ProfileStore store = openStore(dir);
	EXPECT_EQ(listing(store), std::vector<std::string>{"1000.profile"});
}
