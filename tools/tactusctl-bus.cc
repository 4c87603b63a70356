// SPDX-License-Identifier: MIT
#include "tactusctl-bus.h"

#include "log.h"
#include "util-strings.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tactus::ctl {

namespace {

constexpr const char *kPropertiesInterface = "org.freedesktop.DBus.Properties";

// A human may need a while to type a password into a polkit agent;
// polkit itself gives up after a few minutes.
constexpr uint64_t kInteractiveTimeoutUsec = 300ull * 1000 * 1000;

// Errors meaning "the object went away between listing and reading it".
bool isGone(const SdBusError &error)
{
	return error.hasName("org.freedesktop.DBus.Error.UnknownObject") ||
	       error.hasName("org.freedesktop.DBus.Error.UnknownInterface") || error.hasName(kErrorNotFound);
}

int getAll(sd_bus *bus, const std::string &path, const char *interface, SdBusMessagePtr &reply, SdBusError &error)
{
	return sd_bus_call_method(bus, kBusName, path.c_str(), kPropertiesInterface, "GetAll", error.get(),
				  outPtr(reply), "s", interface);
}

int parseSession(sd_bus_message *m, SessionView &s)
{
	return forEachProperty(m, [&s](std::string_view name, const char *contents, sd_bus_message *v) {
		if (name == "Id")
			return readVariant(v, contents, s.id);
		if (name == "User")
			return readVariant(v, contents, s.uid);
		if (name == "UserName")
			return readVariant(v, contents, s.userName);
		if (name == "Seat")
			return readVariant(v, contents, s.seat);
		if (name == "Pseudo")
			return readVariant(v, contents, s.pseudo);
		if (name == "Active")
			return readVariant(v, contents, s.active);
		if (name == "Locked")
			return readVariant(v, contents, s.locked);
		if (name == "Verdict")
			return readVariant(v, contents, s.verdict);
		if (name == "Trust")
			return readVariant(v, contents, s.trust);
		if (name == "Reasons")
			return readVariant(v, contents, s.reasons);
		if (name == "ProfileState")
			return readVariant(v, contents, s.profileState);
		if (name == "EnrollmentProgress")
			return readVariant(v, contents, s.enrollmentProgress);
		return 0; // a property this tactusctl does not know: newer daemon
	});
}

int parseDevice(sd_bus_message *m, DeviceView &d)
{
	return forEachProperty(m, [&d](std::string_view name, const char *contents, sd_bus_message *v) {
		if (name == "SysName")
			return readVariant(v, contents, d.sysname);
		if (name == "Name")
			return readVariant(v, contents, d.name);
		if (name == "SysPath")
			return readVariant(v, contents, d.syspath);
		if (name == "Provenance")
			return readVariant(v, contents, d.provenance);
		if (name == "ProvenanceDetail")
			return readVariant(v, contents, d.provenanceDetail);
		if (name == "Creators")
			return readVariant(v, contents, d.creators);
		if (name == "Capabilities")
			return readVariant(v, contents, d.capabilities);
		if (name == "Bus")
			return readVariant(v, contents, d.bus);
		if (name == "Vendor")
			return readVariant(v, contents, d.vendor);
		if (name == "Product")
			return readVariant(v, contents, d.product);
		if (name == "Seat")
			return readVariant(v, contents, d.seat);
		if (name == "Allowed")
			return readVariant(v, contents, d.allowed);
		if (name == "Grabbed")
			return readVariant(v, contents, d.grabbed);
		if (name == "GrabReason")
			return readVariant(v, contents, d.grabReason);
		return 0;
	});
}

// Object paths from ListSessions (a(sousss)) or ListDevices (a(soss)):
// the second field of each entry.
int listPaths(sd_bus *bus, const char *method, const char *entry, std::vector<std::string> &paths, SdBusError &error)
{
	SdBusMessagePtr reply;
	int r = sd_bus_call_method(bus, kBusName, kManagerPath, kManagerInterface, method, error.get(), outPtr(reply),
				   "");
	if (r < 0)
		return r;
	const std::string inner = std::string(entry).substr(1, std::strlen(entry) - 2);
	r = sd_bus_message_enter_container(reply.get(), 'a', entry);
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(reply.get(), 'r', inner.c_str())) > 0) {
		const char *id = nullptr;
		const char *path = nullptr;
		r = sd_bus_message_read(reply.get(), "so", &id, &path);
		if (r < 0)
			return r;
		paths.emplace_back(path);
		r = sd_bus_message_skip(reply.get(), inner.c_str() + 2);
		if (r >= 0)
			r = sd_bus_message_exit_container(reply.get());
		if (r < 0)
			return r;
	}
	return r < 0 ? r : sd_bus_message_exit_container(reply.get());
}

/**
 * A text-mode polkit agent for the length of one call, as systemctl does:
 * without a graphical agent, an auth_admin action would otherwise fail
 * without asking. --fallback leaves an existing agent in charge.
 */
class TtyAgent {
public:
	explicit TtyAgent(bool wanted)
	{
		static const char *const kAgent = "/usr/bin/pkttyagent";
		// Root needs no password, and without a terminal nobody could type one.
		if (!wanted || geteuid() == 0 || !isatty(STDIN_FILENO) || access(kAgent, X_OK) != 0)
			return;
		int fds[2];
		if (pipe2(fds, O_CLOEXEC) < 0)
			return;
		pid_ = fork();
		if (pid_ == 0) {
			// The agent closes the notify fd once it is registered.
			const int notify = dup(fds[1]); // without O_CLOEXEC
			char fd[16];
			std::snprintf(fd, sizeof(fd), "%d", notify);
			execl(kAgent, kAgent, "--notify-fd", fd, "--fallback", static_cast<char *>(nullptr));
			_exit(127);
		}
		close(fds[1]);
		if (pid_ > 0) {
			struct pollfd p = {fds[0], POLLIN, 0};
			char c;
			if (poll(&p, 1, 5000) > 0)
				(void)!read(fds[0], &c, 1);
		}
		close(fds[0]);
	}
	~TtyAgent()
	{
		if (pid_ <= 0)
			return;
		kill(pid_, SIGTERM);
		int status;
		while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
		}
	}
	TtyAgent(const TtyAgent &) = delete;
	TtyAgent &operator=(const TtyAgent &) = delete;

private:
	pid_t pid_ = -1;
};

} // namespace

int forEachProperty(sd_bus_message *m,
		    const std::function<int(std::string_view name, const char *contents, sd_bus_message *m)> &read)
{
	int r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const char *name = nullptr;
		const char *contents = nullptr;
		r = sd_bus_message_read(m, "s", &name);
		if (r >= 0)
			r = sd_bus_message_peek_type(m, nullptr, &contents);
		if (r >= 0)
			r = sd_bus_message_enter_container(m, 'v', contents);
		if (r >= 0)
			r = read(name, contents, m);
		if (r == 0)
			r = sd_bus_message_skip(m, contents);
		if (r >= 0)
			r = sd_bus_message_exit_container(m); // variant
		if (r >= 0)
			r = sd_bus_message_exit_container(m); // dict entry
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

std::string safeText(std::string_view s, size_t maxBytes)
{
	return sanitizeForDisplay(s, maxBytes);
}

int reportCallError(const SdBusError &error, int r, const char *what)
{
	if (error.hasName("org.freedesktop.DBus.Error.ServiceUnknown") ||
	    error.hasName("org.freedesktop.DBus.Error.NameHasNoOwner")) {
		log_error("tactusd is not running (%s has no owner on the system bus)", kBusName);
		return kExitNotRunning;
	}
	if (error.isSet()) {
		log_error("%s (%s)", safeText(error.message() ? error.message() : "", 512).c_str(),
			  safeText(error.name(), 128).c_str());
		return kExitFailure;
	}
	log_error("%s: %s", what, std::strerror(-r));
	return kExitFailure;
}

int connectSystemBus(SdBusConnectionPtr &bus, bool quiet)
{
	const int r = sd_bus_open_system_with_description(outPtr(bus), "tactusctl");
	if (r < 0) {
		if (!quiet)
			log_error("tactusd is not running: cannot connect to the system bus (%s)", std::strerror(-r));
		return r;
	}
	return 0;
}

int daemonRunning(sd_bus *bus)
{
	SdBusError error;
	SdBusMessagePtr reply;
	int r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
				   "NameHasOwner", error.get(), outPtr(reply), "s", kBusName);
	if (r < 0)
		return r;
	int owned = 0;
	r = sd_bus_message_read(reply.get(), "b", &owned);
	return r < 0 ? r : owned != 0;
}

int connectToDaemon(SdBusConnectionPtr &bus)
{
	if (connectSystemBus(bus) < 0)
		return kExitNotRunning; // no system bus, so no tactusd on it
	const int r = daemonRunning(bus.get());
	if (r < 0) {
		log_error("Cannot ask the system bus about %s: %s", kBusName, std::strerror(-r));
		return kExitFailure;
	}
	if (r == 0) {
		log_error("tactusd is not running (%s has no owner on the system bus)", kBusName);
		return kExitNotRunning;
	}
	return kExitOk;
}

int getManager(sd_bus *bus, ManagerView &out, SdBusError &error)
{
	SdBusMessagePtr reply;
	const int r = getAll(bus, kManagerPath, kManagerInterface, reply, error);
	if (r < 0)
		return r;
	return forEachProperty(reply.get(), [&out](std::string_view name, const char *contents, sd_bus_message *v) {
		if (name == "Version")
			return readVariant(v, contents, out.version);
		if (name == "Mode")
			return readVariant(v, contents, out.mode);
		if (name == "LogindAvailable")
			return readVariant(v, contents, out.logindAvailable);
		return 0;
	});
}

int getSession(sd_bus *bus, const std::string &path, SessionView &out, SdBusError &error)
{
	SdBusMessagePtr reply;
	int r = getAll(bus, path, kSessions.interface, reply, error);
	if (r < 0)
		return r;
	out.path = path;
	return parseSession(reply.get(), out);
}

int getSessions(sd_bus *bus, std::vector<SessionView> &out, SdBusError &error)
{
	std::vector<std::string> paths;
	int r = listPaths(bus, "ListSessions", "(sousss)", paths, error);
	if (r < 0)
		return r;
	for (const auto &path : paths) {
		SessionView s;
		SdBusError one;
		r = getSession(bus, path, s, one);
		if (r < 0 && isGone(one))
			continue; // logged out meanwhile
		if (r < 0) {
			sd_bus_error_copy(error.get(), one.get());
			return r;
		}
		out.push_back(std::move(s));
	}
	return 0;
}

int getDevices(sd_bus *bus, std::vector<DeviceView> &out, SdBusError &error)
{
	std::vector<std::string> paths;
	int r = listPaths(bus, "ListDevices", "(soss)", paths, error);
	if (r < 0)
		return r;
	for (const auto &path : paths) {
		DeviceView d;
		SdBusError one;
		SdBusMessagePtr reply;
		r = getAll(bus, path, kDevices.interface, reply, one);
		if (r < 0 && isGone(one))
			continue; // unplugged meanwhile
		if (r < 0) {
			sd_bus_error_copy(error.get(), one.get());
			return r;
		}
		d.path = path;
		r = parseDevice(reply.get(), d);
		if (r < 0)
			return r;
		out.push_back(std::move(d));
	}
	return 0;
}

int ownSessionPath(sd_bus *bus, std::string &path, SdBusError &error)
{
	SdBusMessagePtr reply;
	int r = sd_bus_call_method(bus, kBusName, kManagerPath, kManagerInterface, "GetSessionByPID", error.get(),
				   outPtr(reply), "u", 0u);
	if (r < 0)
		return r;
	const char *p = nullptr;
	r = sd_bus_message_read(reply.get(), "o", &p);
	if (r >= 0)
		path = p;
	return r;
}

int callStateChange(sd_bus *bus, const Options &options, const std::string &path, const char *interface,
		    const char *method, SdBusError &error, const char *signature, const char *arg)
{
	SdBusMessagePtr call;
	int r = sd_bus_message_new_method_call(bus, outPtr(call), kBusName, path.c_str(), interface, method);
	if (r < 0)
		return r;
	r = sd_bus_message_set_allow_interactive_authorization(call.get(), options.askPassword);
	if (r >= 0 && signature)
		r = sd_bus_message_append(call.get(), signature, arg);
	if (r < 0)
		return r;
	const TtyAgent agent(options.askPassword);
	return sd_bus_call(bus, call.get(), options.askPassword ? kInteractiveTimeoutUsec : 0, error.get(), nullptr);
}

std::string joinList(const std::vector<std::string> &items, std::string_view empty)
{
	if (items.empty())
		return std::string(empty);
	std::string out;
	for (const auto &item : items)
		out += (out.empty() ? "" : ",") + safeText(item, 64);
	return out;
}

std::string jsonStringArray(const std::vector<std::string> &items)
{
	std::string out = "[";
	for (size_t i = 0; i < items.size(); i++)
		out += (i ? "," : "") + jsonQuote(safeText(items[i]));
	return out + "]";
}

int readVariant(sd_bus_message *m, const char *contents, std::string &out)
{
	if (std::strcmp(contents, "s") != 0)
		return 0;
	const char *s = nullptr;
	const int r = sd_bus_message_read(m, "s", &s);
	if (r >= 0)
		out = s;
	return r < 0 ? r : 1;
}

int readVariant(sd_bus_message *m, const char *contents, bool &out)
{
	if (std::strcmp(contents, "b") != 0)
		return 0;
	int b = 0;
	const int r = sd_bus_message_read(m, "b", &b);
	out = b != 0;
	return r < 0 ? r : 1;
}

int readVariant(sd_bus_message *m, const char *contents, double &out)
{
	if (std::strcmp(contents, "d") != 0)
		return 0;
	const int r = sd_bus_message_read(m, "d", &out);
	return r < 0 ? r : 1;
}

int readVariant(sd_bus_message *m, const char *contents, uint32_t &out)
{
	if (std::strcmp(contents, "u") != 0)
		return 0;
	const int r = sd_bus_message_read(m, "u", &out);
	return r < 0 ? r : 1;
}

int readVariant(sd_bus_message *m, const char *contents, uint16_t &out)
{
	if (std::strcmp(contents, "q") != 0)
		return 0;
	const int r = sd_bus_message_read(m, "q", &out);
	return r < 0 ? r : 1;
}

int readVariant(sd_bus_message *m, const char *contents, std::vector<std::string> &out)
{
	if (std::strcmp(contents, "as") != 0)
		return 0;
	char **strv = nullptr;
	const int r = sd_bus_message_read_strv(m, &strv);
	out.clear();
	for (char **s = strv; s && *s; s++) {
		out.emplace_back(*s);
		std::free(*s);
	}
	std::free(strv);
	return r < 0 ? r : 1;
}

int readVariant(sd_bus_message *m, const char *contents, std::vector<CreatorView> &out)
{
	if (std::strcmp(contents, "a(uussss)") != 0)
		return 0;
	int r = sd_bus_message_enter_container(m, 'a', "(uussss)");
	if (r < 0)
		return r;
	out.clear();
	for (;;) {
		CreatorView c;
		const char *exe = nullptr, *comm = nullptr, *unit = nullptr, *userUnit = nullptr;
		r = sd_bus_message_read(m, "(uussss)", &c.pid, &c.uid, &exe, &comm, &unit, &userUnit);
		if (r <= 0)
			break;
		c.exe = exe;
		c.comm = comm;
		c.unit = unit;
		c.userUnit = userUnit;
		out.push_back(std::move(c));
	}
	if (r < 0)
		return r;
	r = sd_bus_message_exit_container(m);
	return r < 0 ? r : 1;
}

} // namespace tactus::ctl
