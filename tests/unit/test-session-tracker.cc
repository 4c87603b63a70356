// SPDX-License-Identifier: MIT
// The session tracker against a stand-in logind (issue 14: "the session
// tracker keeps an entry for every session ever seen; a slow LockedHint reply
// can overwrite a newer value").
//
// The real SessionTracker, its real sd-login calls and its real bus code: the
// test binary enters a mount namespace of its own and puts a tmpfs on
// /run/systemd, where it writes the session files sd-login reads
// (sd_get_sessions(3), sd_session_get_seat(3), ... and sd_login_monitor(3)'s
// inotify watches), and a private dbus-daemon carries a fake
// org.freedesktop.login1 that holds back the replies to Get(LockedHint) until
// the test sends them and emits the Lock and PropertiesChanged signals logind
// sends. Skipped (77) without the privilege to do so or without dbus-daemon.

#include "sd-ptr.h"
#include "session-tracker.h"

#include <gtest/gtest.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

using namespace tactus;
namespace fs = std::filesystem;

namespace {

constexpr const char *kRun = "/run/systemd";
constexpr const char *kSessionPrefix = "/org/freedesktop/login1/session";

std::string g_busAddress; // the private dbus-daemon (main())

/** Write sd-login's file for session @p id as logind does: a new file renamed into place. */
void writeSession(const std::string &id, const std::string &seat, bool active = true)
{
	const std::string dir = std::string(kRun) + "/sessions/";
	{
		std::ofstream f(dir + "." + id);
		f << "UID=4242\nUSER=tactus-test\nACTIVE=" << (active ? 1 : 0)
		  << "\nSTATE=" << (active ? "active" : "online") << "\nTYPE=x11\nCLASS=user\n";
		if (!seat.empty())
			f << "SEAT=" << seat << "\n";
	}
	ASSERT_EQ(rename((dir + "." + id).c_str(), (dir + id).c_str()), 0);
}

void removeSession(const std::string &id)
{
	ASSERT_EQ(unlink((std::string(kRun) + "/sessions/" + id).c_str()), 0);
}

std::string sessionPath(const std::string &id)
{
	char *path = nullptr;
	EXPECT_GE(sd_bus_path_encode(kSessionPrefix, id.c_str(), &path), 0);
	std::string out = path ? path : "";
	std::free(path);
	return out;
}

SdBusConnectionPtr connect(sd_event *loop)
{
	SdBusConnectionPtr bus;
	sd_bus *b = nullptr;
	EXPECT_GE(sd_bus_new(&b), 0);
	bus.reset(b);
	EXPECT_GE(sd_bus_set_address(b, g_busAddress.c_str()), 0);
	EXPECT_GE(sd_bus_set_bus_client(b, 1), 0);
	EXPECT_GE(sd_bus_start(b), 0);
	EXPECT_GE(sd_bus_attach_event(b, loop, SD_EVENT_PRIORITY_NORMAL), 0);
	return bus;
}

/** org.freedesktop.login1 as far as SessionTracker uses it, with its replies held back. */
class FakeLogind {
public:
	explicit FakeLogind(sd_event *loop) : bus_(connect(loop))
	{
		EXPECT_GE(sd_bus_request_name(bus_.get(), "org.freedesktop.login1", 0), 0);
		EXPECT_GE(sd_bus_add_fallback(bus_.get(), outPtr(slot_), kSessionPrefix, onCall, this), 0);
	}
	~FakeLogind() { sd_bus_flush(bus_.get()); }

	/** The Get(LockedHint) calls not answered yet, by session path. */
	size_t held(const std::string &id) const
	{
		size_t n = 0;
		for (const auto &m : gets_)
			n += sessionPath(id) == sd_bus_message_get_path(m.get());
		return n;
	}
	/** Answer the oldest held Get of session @p id with @p hint. */
	void reply(const std::string &id, bool hint)
	{
		for (auto it = gets_.begin(); it != gets_.end(); ++it) {
			if (sessionPath(id) != sd_bus_message_get_path(it->get()))
				continue;
			EXPECT_GE(sd_bus_reply_method_return(it->get(), "v", "b", static_cast<int>(hint)), 0);
			gets_.erase(it);
			return;
		}
		ADD_FAILURE() << "no Get(LockedHint) of session " << id << " held";
	}
	/** PropertiesChanged of org.freedesktop.login1.Session @p id: @p property (boolean) is @p value. */
	void propertyChanged(const std::string &id, const char *property, bool value)
	{
		sd_bus_message *raw = nullptr;
		ASSERT_GE(sd_bus_message_new_signal(bus_.get(), &raw, sessionPath(id).c_str(),
						    "org.freedesktop.DBus.Properties", "PropertiesChanged"),
			  0);
		SdBusMessagePtr m(raw);
		ASSERT_GE(sd_bus_message_append(m.get(), "sa{sv}as", "org.freedesktop.login1.Session", 1, property, "b",
						static_cast<int>(value), 0),
			  0);
		ASSERT_GE(sd_bus_send(bus_.get(), m.get(), nullptr), 0);
	}
	/** logind's Lock signal on session @p id. */
	void lock(const std::string &id)
	{
		ASSERT_GE(sd_bus_emit_signal(bus_.get(), sessionPath(id).c_str(), "org.freedesktop.login1.Session",
					     "Lock", ""),
			  0);
	}

private:
	static int onCall(sd_bus_message *m, void *userdata, sd_bus_error *)
	{
		auto *self = static_cast<FakeLogind *>(userdata);
		if (!sd_bus_message_is_method_call(m, "org.freedesktop.DBus.Properties", "Get"))
			return 0;
		self->gets_.emplace_back(sd_bus_message_ref(m));
		return 1; // answered later, by reply()
	}

	SdBusConnectionPtr bus_;
	SdBusSlotPtr slot_;
	std::vector<SdBusMessagePtr> gets_;
};

class SessionTrackerTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		for (const auto &entry : fs::directory_iterator(std::string(kRun) + "/sessions"))
			fs::remove(entry.path());
		ASSERT_GE(sd_event_new(outPtr(loop_)), 0);
		logind_ = std::make_unique<FakeLogind>(loop_.get());
		bus_ = connect(loop_.get());
		// FakeLogind owns org.freedesktop.login1 already: sd_bus_request_name() waited for the bus.
	}
	void TearDown() override
	{
		tracker_.reset();
		bus_.reset();
		logind_.reset();
		loop_.reset();
	}

	void startTracker()
	{
		SessionTracker::Callbacks callbacks;
		callbacks.removed = [&](const SessionInfo &info) { removed_.push_back(info.id); };
		auto tracker = SessionTracker::create(loop_.get(), bus_.get(), std::move(callbacks));
		ASSERT_TRUE(tracker.ok()) << tracker.error().message;
		tracker_ = std::move(*tracker);
		ASSERT_TRUE(tracker_->logindAvailable()) << "the stand-in /run/systemd is not taken for logind";
		ASSERT_TRUE(tracker_->start().ok());
	}

	/** Run the loop until @p done, at most 5 s. */
	bool runUntil(const std::function<bool()> &done)
	{
		const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
		while (!done()) {
			if (std::chrono::steady_clock::now() > end)
				return false;
			sd_event_run(loop_.get(), 10'000);
		}
		return true;
	}

	/**
	 * Everything the fake sent so far has been handled by the tracker: a
	 * Peer.Ping from the tracker's connection is answered after it, and
	 * the bus keeps one sender's messages in order.
	 */
	void sync()
	{
		bool answered = false;
		SdBusSlotPtr slot;
		ASSERT_GE(sd_bus_call_method_async(
				  bus_.get(), outPtr(slot), "org.freedesktop.login1", "/org/freedesktop/login1",
				  "org.freedesktop.DBus.Peer", "Ping",
				  [](sd_bus_message *, void *userdata, sd_bus_error *) {
					  *static_cast<bool *>(userdata) = true;
					  return 0;
				  },
				  &answered, ""),
			  0);
		ASSERT_TRUE(runUntil([&] { return answered; })) << "no answer to Peer.Ping";
	}

	bool locked(const std::string &id) const { return tracker_->sessions().at(id).locked; }

	SdEventPtr loop_;
	std::unique_ptr<FakeLogind> logind_;
	SdBusConnectionPtr bus_;
	std::unique_ptr<SessionTracker> tracker_;
	std::vector<std::string> removed_;
};

} // namespace

// Regression (issue 14): the Get(LockedHint) sent when a session appears was
// answered after logind had announced a newer value; the reply, carrying the
// value from before, overwrote it and the locked session counted as unlocked.
TEST_F(SessionTrackerTest, SlowLockedHintReplyDoesNotOverwriteANewerValue)
{
	writeSession("2", "seat0");
	startTracker();
	ASSERT_EQ(tracker_->sessions().count("2"), 1u);
	ASSERT_TRUE(runUntil([&] { return logind_->held("2") == 1; })) << "no Get(LockedHint) of session 2";

	logind_->propertyChanged("2", "LockedHint", true); // the locker locked meanwhile
	ASSERT_TRUE(runUntil([&] { return locked("2"); }));
	logind_->reply("2", false); // the value from before the lock, late
	sync();
	EXPECT_TRUE(locked("2")) << "an older LockedHint reply overwrote the newer PropertiesChanged value";

	// A reply in time is applied.
	writeSession("3", "seat0", false);
	ASSERT_TRUE(runUntil([&] { return logind_->held("3") == 1; })) << "no Get(LockedHint) of session 3";
	logind_->reply("3", true);
	ASSERT_TRUE(runUntil([&] { return locked("3"); }));
}

// Regression (issue 14): the tracker kept lock state for every session id it
// ever heard of: each logind signal about a session it does not follow (an
// ssh session, which has no seat) and each late reply about a session already
// closed made an entry that nothing removed.
TEST_F(SessionTrackerTest, ClosedAndUnfollowedSessionsLeaveNoEntries)
{
	writeSession("2", "seat0");
	writeSession("3", "seat0", false);
	writeSession("ssh1", ""); // seatless: not followed
	startTracker();
	ASSERT_EQ(tracker_->sessions().size(), 2u);
	ASSERT_TRUE(runUntil([&] { return logind_->held("2") == 1 && logind_->held("3") == 1; }));
	logind_->reply("2", false);

	// Session 3 closes while its Get is unanswered ...
	removeSession("3");
	ASSERT_TRUE(runUntil([&] { return !removed_.empty(); })) << "session 3 never removed";
	EXPECT_EQ(removed_, (std::vector<std::string>{"3"}));
	// ... and the reply comes anyway; so do signals about sessions never followed.
	logind_->reply("3", true);
	for (int i = 0; i < 50; i++) {
		const std::string id = "c" + std::to_string(i);
		logind_->propertyChanged(id, "LockedHint", true);
		logind_->lock(id);
	}
	logind_->propertyChanged("ssh1", "LockedHint", true);
	logind_->lock("3");
	sync();

	EXPECT_EQ(tracker_->sessions().size(), 1u);
	EXPECT_EQ(tracker_->lockEntries(), 1u) << "lock state kept for sessions closed or never followed";

	// Sessions come and go: the entries follow the sessions alive.
	for (int i = 10; i < 40; i++) {
		const std::string id = std::to_string(i);
		writeSession(id, "seat0", false);
		ASSERT_TRUE(runUntil([&] { return logind_->held(id) == 1; })) << "no Get(LockedHint) of session " << id;
		removeSession(id);
		ASSERT_TRUE(runUntil([&] { return !removed_.empty() && removed_.back() == id; }))
			<< "session " << id << " never removed";
		logind_->reply(id, true);
	}
	sync();
	EXPECT_EQ(tracker_->sessions().size(), 1u);
	EXPECT_EQ(tracker_->lockEntries(), 1u) << "lock state kept for closed sessions";
	EXPECT_FALSE(locked("2"));
}

namespace {

/** Why this process cannot stand in for logind, or "" once it does. */
std::string enterPrivateRun()
{
	if (unshare(CLONE_NEWNS) < 0)
		return std::string("unshare(CLONE_NEWNS): ") + std::strerror(errno);
	if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0)
		return std::string("making / private: ") + std::strerror(errno);
	std::error_code ec;
	fs::create_directories(kRun, ec);
	if (mount("tmpfs", kRun, "tmpfs", 0, "mode=0755") < 0)
		return std::string("tmpfs on /run/systemd: ") + std::strerror(errno);
	// sd_booted(3) looks for system/; sd_login_monitor_new(3) watches the other four.
	for (const char *d : {"system", "seats", "sessions", "users", "machines"})
		fs::create_directories(std::string(kRun) + "/" + d, ec);
	if (ec)
		return "populating /run/systemd: " + ec.message();
	std::ofstream(std::string(kRun) + "/seats/seat0") << "IS_SEAT0=1\nCAN_MULTI_SESSION=1\n";
	return "";
}

/** Start a private dbus-daemon; its address, or "" (with @p why set). */
std::string startBus(const std::string &dir, pid_t &pid, std::string &why)
{
	const std::string conf = dir + "/bus.conf";
	std::ofstream(conf) << "<busconfig><type>session</type><listen>unix:path=" << dir
			    << "/bus</listen><auth>EXTERNAL</auth><policy context=\"default\">"
			       "<allow user=\"*\"/><allow own=\"*\"/><allow send_destination=\"*\"/>"
			       "<allow send_type=\"method_call\"/><allow send_type=\"signal\"/>"
			       "<allow send_type=\"method_return\"/><allow send_type=\"error\"/>"
			       "<allow receive_type=\"signal\"/><allow receive_type=\"method_call\"/>"
			       "<allow receive_type=\"method_return\"/><allow receive_type=\"error\"/>"
			       "</policy></busconfig>\n";
	pid = fork();
	if (pid == 0) {
		// Dies with the test, and keeps no pipe of the test runner open.
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (const int null = open("/dev/null", O_WRONLY | O_CLOEXEC); null >= 0)
			dup2(null, STDOUT_FILENO);
		execlp("dbus-daemon", "dbus-daemon", "--nofork", "--nopidfile", "--nosyslog",
		       ("--config-file=" + conf).c_str(), static_cast<char *>(nullptr));
		_exit(127);
	}
	for (int i = 0; i < 500; i++) {
		struct stat st;
		if (stat((dir + "/bus").c_str(), &st) == 0)
			return "unix:path=" + dir + "/bus";
		int status = 0;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			why = "dbus-daemon did not start (not installed?)";
			return "";
		}
		usleep(10'000);
	}
	why = "dbus-daemon made no socket in 5 s";
	return "";
}

} // namespace

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	std::string why = enterPrivateRun();
	if (!why.empty()) {
		std::printf("SKIP: cannot stand in for logind: %s\n", why.c_str());
		return 77;
	}
	char tmpl[] = "/tmp/tactus-tracker-XXXXXX";
	const std::string dir = mkdtemp(tmpl);
	pid_t busPid = -1;
	g_busAddress = startBus(dir, busPid, why);
	if (g_busAddress.empty()) {
		std::printf("SKIP: %s\n", why.c_str());
		fs::remove_all(dir);
		return 77;
	}
	const int result = RUN_ALL_TESTS();
	kill(busPid, SIGTERM);
	waitpid(busPid, nullptr, 0);
	fs::remove_all(dir);
	return result;
}
