// SPDX-License-Identifier: MIT
// tactusd's structured journal entries (issue 14, "a fleet"): the message
// catalog daemon/tactus.catalog has the format journalctl --update-catalog
// reads (systemd's catalog.c), its ids are exactly the MESSAGE_IDs the code
// sends, every @FIELD@ it shows is a field the entry carries, and entries
// carry session, verdict, device, provenance and creator fields, sanitised,
// never a key.
#include "config.h"
#include "daemon.h"
#include "journal-events.h"

#include <systemd/sd-id128.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

using namespace tactus;

namespace {

std::string sourceRoot()
{
	const char *root = std::getenv("TACTUS_SOURCE_ROOT");
	return root ? root : TACTUS_SOURCE_ROOT;
}

std::string readFile(const std::filesystem::path &path)
{
	std::ifstream in(path, std::ios::binary);
	std::ostringstream out;
	out << in.rdbuf();
	return out.str();
}

struct CatalogEntry {
	std::string id;
	std::multimap<std::string, std::string> headers;
	std::string body;
};

/**
 * Parse a catalog as systemd's catalog_import_file() does, stricter where
 * it only warns: '#' lines are comments; an entry starts with "-- ID" (32
 * lowercase hex digits, as `systemd-id128 new` prints) at the start or after
 * an empty line; "Key: value" headers up to an empty line, then the body up
 * to the next entry. Errors: "LINE: what".
 */
std::vector<CatalogEntry> parseCatalog(const std::string &text, std::string &error)
{
	std::vector<CatalogEntry> entries;
	std::istringstream in(text);
	std::string line;
	bool afterEmpty = true, inHeaders = false;
	unsigned n = 0;
	static const std::regex idLine("-- ([0-9a-f]{32})");
	static const std::regex header("([A-Z][A-Za-z-]*): (.+)");
	while (std::getline(in, line)) {
		n++;
		std::smatch m;
		if (!line.empty() && line[0] == '#')
			continue;
		if (line.empty()) {
			if (inHeaders && !entries.empty())
				inHeaders = false;
			afterEmpty = true;
			continue;
		}
		if (afterEmpty && line.rfind("-- ", 0) == 0) {
			if (!std::regex_match(line, m, idLine)) {
				error = std::to_string(n) + ": not a message id line: " + line;
				return {};
			}
			sd_id128_t id;
			if (sd_id128_from_string(m[1].str().c_str(), &id) < 0) {
				error = std::to_string(n) + ": sd_id128_from_string refuses " + m[1].str();
				return {};
			}
			entries.push_back({m[1].str(), {}, {}});
			inHeaders = true;
			afterEmpty = false;
			continue;
		}
		afterEmpty = false;
		if (entries.empty()) {
			error = std::to_string(n) + ": text before the first entry";
			return {};
		}
		if (inHeaders) {
			if (!std::regex_match(line, m, header)) {
				error = std::to_string(n) + ": not a header (Key: value): " + line;
				return {};
			}
			entries.back().headers.emplace(m[1].str(), m[2].str());
		} else {
			entries.back().body += line + "\n";
		}
	}
	return entries;
}

// A session on seat0 whose verdict just turned injected, and the uinput
// keyboard that did it, created by a named process in a named unit.
struct Sample {
	SessionRecord session;
	DeviceRecord device;

	Sample()
	{
		session.info.id = "3";
		session.info.uid = 1000;
		session.info.userName = "alice";
		session.info.seat = "seat0";
		session.evidence.addInjection("synthetic-device");
		device.info.sysname = "event9";
		device.info.name = "ydotoold virtual device";
		device.info.bustype = 0x06;
		device.info.vendor = 0x2333;
		device.info.product = 0x6666;
		device.info.provenance = Provenance::Uinput;
		device.info.provenanceDetail = "/devices/virtual/input";
		device.info.creators.push_back({812, 1000, "/usr/bin/ydotoold", "ydotoold", "ydotool.service", ""});
		device.allowed = false;
		device.allowedWhy = "synthetic, not allow-listed";
		device.grabReason = "synthetic-device";
		device.keysDown.set(30);
	}

	/** One entry of every kind, as the daemon builds them. */
	std::vector<JournalEntry> all() const
	{
		return {
			journalVerdictChanged(session, "synthetic-device", "synthetic-device from event9", &device),
			journalDeviceGrabbed(device, 1234),
			journalGrabDeferred(device, "synthetic-device", &session),
			journalGrabRefused(device, "superhuman-rate", "the only keyboard of seat0", &session),
			journalLockRequested(session.info, "synthetic-device"),
			journalLockAccepted(session.info.id, "synthetic-device"),
			journalLockFailed(session.info.id, "synthetic-device",
					  "org.freedesktop.DBus.Error.AccessDenied", LogLevel::Warning,
					  "session 3: logind refused to lock it"),
		};
	}
};

std::set<std::string> fieldNames(const JournalEntry &e)
{
	std::set<std::string> names;
	for (const auto &f : e.fields)
		names.insert(f.name);
	return names;
}

} // namespace

TEST(JournalCatalog, FormatAsJournalctlReadsIt)
{
	std::string error;
	const auto entries = parseCatalog(readFile(sourceRoot() + "/daemon/tactus.catalog"), error);
	ASSERT_EQ(error, "");
	ASSERT_EQ(entries.size(), kJournalMessages.size());
	for (const auto &e : entries) {
		SCOPED_TRACE(e.id);
		EXPECT_EQ(e.headers.count("Subject"), 1U);
		EXPECT_EQ(e.headers.count("Defined-By"), 1U);
		EXPECT_GE(e.headers.count("Documentation"), 1U);
		for (const auto &[key, value] : e.headers)
			EXPECT_TRUE(key == "Subject" || key == "Defined-By" || key == "Documentation" ||
				    key == "Support")
				<< key;
		EXPECT_FALSE(e.body.empty());
	}
}

TEST(JournalCatalog, ParserRefusesGarbage)
{
	std::string error;
	EXPECT_TRUE(parseCatalog("Subject: no id\n", error).empty());
	EXPECT_NE(error, "");
	error.clear();
	EXPECT_TRUE(parseCatalog("-- 1234\nSubject: x\n\nbody\n", error).empty());
	EXPECT_NE(error, "");
	error.clear();
	EXPECT_TRUE(parseCatalog("-- c8aed5b9281e4dfd8f449972da37ef00\nnot a header\n\nbody\n", error).empty());
	EXPECT_NE(error, "");
	error.clear();
	EXPECT_TRUE(parseCatalog("-- c8aed5b9281e4dfd8f449972da37ef00\n\xff\x01\n", error).empty());
	EXPECT_NE(error, "");
}

TEST(JournalCatalog, IdsAreExactlyTheCodesIds)
{
	std::string error;
	const auto entries = parseCatalog(readFile(sourceRoot() + "/daemon/tactus.catalog"), error);
	ASSERT_EQ(error, "");
	std::set<std::string> catalog, code;
	for (const auto &e : entries)
		EXPECT_TRUE(catalog.insert(e.id).second) << "twice in the catalog: " << e.id;
	for (const auto &m : kJournalMessages) {
		EXPECT_TRUE(code.insert(std::string(m.id)).second) << "two messages share " << m.id;
		sd_id128_t id;
		EXPECT_GE(sd_id128_from_string(std::string(m.id).c_str(), &id), 0) << m.id;
	}
	EXPECT_EQ(catalog, code);

	// Every 32-hex-digit string literal in the daemon's and the bus adapter's
	// sources is one of kJournalMessages: no MESSAGE_ID sent around them.
	static const std::regex literal("\"([0-9a-fA-F]{32})\"");
	for (const char *dir : {"daemon", "dbus"})
		for (const auto &file : std::filesystem::directory_iterator(sourceRoot() + "/" + dir)) {
			const std::string text = readFile(file.path());
			for (std::sregex_iterator it(text.begin(), text.end(), literal), end; it != end; ++it)
				EXPECT_TRUE(code.count((*it)[1].str()))
					<< file.path() << " has id " << (*it)[1].str() << " outside kJournalMessages";
		}

	// And every entry the daemon builds uses one of them.
	for (const auto &e : Sample().all())
		EXPECT_TRUE(code.count(std::string(e.message.id))) << e.message.name;
}

TEST(JournalCatalog, SubstitutedFieldsAreSent)
{
	std::string error;
	const auto entries = parseCatalog(readFile(sourceRoot() + "/daemon/tactus.catalog"), error);
	ASSERT_EQ(error, "");
	std::map<std::string, std::set<std::string>> sent;
	for (const auto &e : Sample().all())
		sent[std::string(e.message.id)] = fieldNames(e);
	static const std::regex substitution("@([A-Z0-9_]+)@");
	for (const auto &e : entries) {
		std::string text = e.body;
		for (const auto &[key, value] : e.headers)
			text += value + "\n";
		for (std::sregex_iterator it(text.begin(), text.end(), substitution), end; it != end; ++it)
			EXPECT_TRUE(sent[e.id].count((*it)[1].str())) << e.id << " shows @" << (*it)[1].str() << "@";
	}
}

TEST(JournalEvents, VerdictChangeNamesSessionDeviceAndCreator)
{
	const Sample s;
	const JournalEntry e = s.all()[0];
	EXPECT_EQ(e.message.id, kJournalVerdictChanged.id);
	EXPECT_EQ(e.level, LogLevel::Notice);
	EXPECT_EQ(e.field("TACTUS_SESSION"), "3");
	EXPECT_EQ(e.field("TACTUS_USER"), "alice");
	EXPECT_EQ(e.field("TACTUS_UID"), "1000");
	EXPECT_EQ(e.field("TACTUS_SEAT"), "seat0");
	EXPECT_EQ(e.field("TACTUS_VERDICT"), "injected");
	EXPECT_EQ(e.field("TACTUS_REASONS"), "synthetic-device");
	EXPECT_EQ(e.field("TACTUS_CAUSE"), "synthetic-device");
	EXPECT_EQ(e.field("TACTUS_DEVICE"), "event9");
	EXPECT_EQ(e.field("TACTUS_DEVICE_ID"), "2333:6666");
	EXPECT_EQ(e.field("TACTUS_DEVICE_BUS"), "virtual");
	EXPECT_EQ(e.field("TACTUS_PROVENANCE"), "uinput");
	EXPECT_EQ(e.field("TACTUS_ALLOWED"), "no");
	EXPECT_EQ(e.field("TACTUS_CREATOR_PID"), "812");
	EXPECT_EQ(e.field("TACTUS_CREATOR_EXE"), "/usr/bin/ydotoold");
	EXPECT_EQ(e.field("TACTUS_CREATOR_UNIT"), "ydotool.service");
	// The text is the line tactusd logged before structured entries.
	EXPECT_EQ(e.text.rfind("session 3 verdict injected (trust ", 0), 0U) << e.text;
	EXPECT_NE(e.text.find(", reasons synthetic-device): synthetic-device from event9"), std::string::npos)
		<< e.text;

	// Without a device (re-authentication), no device fields.
	const JournalEntry ack = journalVerdictChanged(s.session, "re-authenticated", "re-authenticated", nullptr);
	EXPECT_EQ(ack.field("TACTUS_DEVICE"), "");
	EXPECT_EQ(fieldNames(ack).count("TACTUS_PROVENANCE"), 0U);
}

TEST(JournalEvents, EveryCreatorIsListed)
{
	Sample s;
	s.device.info.creators.push_back({900, 0, "/usr/sbin/keyd", "keyd", "", "keyd.service"});
	const JournalEntry e = journalDeviceGrabbed(s.device, -1);
	std::vector<std::string> pids, userUnits;
	for (const auto &f : e.fields) {
		if (f.name == "TACTUS_CREATOR_PID")
			pids.push_back(f.value);
		if (f.name == "TACTUS_CREATOR_USER_UNIT")
			userUnits.push_back(f.value);
	}
	EXPECT_EQ(pids, (std::vector<std::string>{"812", "900"}));
	EXPECT_EQ(userUnits, (std::vector<std::string>{"", "keyd.service"}));
	EXPECT_EQ(e.field("TACTUS_GRAB_DELAY_USEC"), "");
	EXPECT_EQ(e.field("TACTUS_HELD_KEYS"), "1");
	EXPECT_EQ(e.text, "device event9 grabbed (synthetic-device): its input reaches nobody until it is unplugged or "
			  "released; keys it held stay down for other readers");
	EXPECT_EQ(journalDeviceGrabbed(s.device, 1234).field("TACTUS_GRAB_DELAY_USEC"), "1234");
}

TEST(JournalEvents, HostileDeviceNameIsSanitised)
{
	Sample s;
	// Whoever creates a uinput device chooses its name: newlines could forge
	// fields in a forwarded syslog line, and bytes need not be UTF-8.
	s.device.info.name = std::string("kbd\nTACTUS_VERDICT=trusted\x01\xff") + std::string(5000, 'x');
	s.device.info.creators[0].exe = "/tmp/evil\nexe";
	for (const auto &e : s.all())
		for (const auto &f : e.fields) {
			EXPECT_EQ(f.value.find('\n'), std::string::npos) << f.name;
			EXPECT_EQ(f.value.find('\x01'), std::string::npos) << f.name;
			EXPECT_EQ(f.value.find('\xff'), std::string::npos) << f.name;
			EXPECT_LE(f.value.size(), 1024U) << f.name;
		}
}

TEST(JournalEvents, FieldNamesAreJournalFieldNames)
{
	// sd_journal_sendv() drops fields whose name is not uppercase letters,
	// digits and '_' (not leading); ours all start with TACTUS_.
	static const std::regex name("TACTUS_[A-Z0-9_]+");
	for (const auto &e : Sample().all())
		for (const auto &f : e.fields)
			EXPECT_TRUE(std::regex_match(f.name, name)) << f.name;
}

TEST(JournalEvents, OutsideTheJournalOneStderrLine)
{
	unsetenv("JOURNAL_STREAM");
	logInit("tactusd");
	testing::internal::CaptureStderr();
	logJournalEntry(Sample().all()[4]);
	EXPECT_EQ(testing::internal::GetCapturedStderr(),
		  "tactusd: session 3: asking logind to lock it (synthetic-device)\n");
}

// Plain lines and structured entries must reach the journal in the order
// tactusd wrote them: journald reads a stderr stream and the native socket
// in its own order, so when stderr is the journal everything goes through
// the one native socket (systemd's log.c does the same).

namespace {

std::vector<std::map<std::string, std::string>> &sentEntries()
{
	static std::vector<std::map<std::string, std::string>> sent;
	return sent;
}

int recordEntry(const struct iovec *iov, int n)
{
	std::map<std::string, std::string> entry;
	for (int i = 0; i < n; i++) {
		const std::string item(static_cast<const char *>(iov[i].iov_base), iov[i].iov_len);
		const size_t eq = item.find('=');
		entry.emplace(item.substr(0, eq), item.substr(eq + 1));
	}
	sentEntries().push_back(std::move(entry));
	return 0;
}

int refuseEntry(const struct iovec *, int)
{
	return -ECONNREFUSED;
}

/** The journal target with @p send for one test; the defaults again afterwards. */
class JournalTarget {
public:
	explicit JournalTarget(LogJournalSend send) : previous_(logSetJournalSend(send))
	{
		sentEntries().clear();
		logSetTarget(LogTarget::Journal);
	}
	~JournalTarget()
	{
		logSetJournalSend(previous_);
		logSetTarget(LogTarget::Stderr);
		logSetMaxLevel(LogLevel::Info);
	}
	JournalTarget(const JournalTarget &) = delete;
	JournalTarget &operator=(const JournalTarget &) = delete;

private:
	LogJournalSend previous_;
};

struct stat streamStat(dev_t dev, ino_t ino)
{
	struct stat st = {};
	st.st_dev = dev;
	st.st_ino = ino;
	return st;
}

} // namespace

TEST(LogTarget, JournalOnlyWhenStderrIsThatStream)
{
	const struct stat st = streamStat(8, 1234);
	EXPECT_EQ(logTargetFor("8:1234", st), LogTarget::Journal);
	EXPECT_EQ(logTargetFor("8:1235", st), LogTarget::Stderr) << "another stream of the journal";
	EXPECT_EQ(logTargetFor("9:1234", st), LogTarget::Stderr);
	EXPECT_EQ(logTargetFor(nullptr, st), LogTarget::Stderr) << "not started with StandardError=journal";
	const struct stat big = streamStat(0xfd00000000ULL, 0xffffffffffffULL);
	EXPECT_EQ(logTargetFor("1086626725888:281474976710655", big), LogTarget::Journal) << "64-bit numbers";
}

TEST(LogTarget, GarbageIsNotTheJournal)
{
	const struct stat st = streamStat(8, 1234);
	for (const char *bad : {"", ":", "8", "8:", ":1234", "8:1234x", " 8:1234", "8 :1234", "+8:1234", "-8:1234",
				"8:-1234", "8:1234:5", "0x8:1234", "8;1234", "18446744073709551624:1234"})
		EXPECT_EQ(logTargetFor(bad, st), LogTarget::Stderr) << '"' << bad << '"';
}

TEST(LogTarget, LogInitComparesWithStderrItself)
{
	// CaptureStderr puts a file on fd 2: $JOURNAL_STREAM naming that file
	// is the journal, one naming anything else is not.
	JournalTarget journal(recordEntry);
	testing::internal::CaptureStderr();
	struct stat st;
	ASSERT_EQ(fstat(STDERR_FILENO, &st), 0);
	const std::string self = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
	const std::string other = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);
	setenv("JOURNAL_STREAM", other.c_str(), 1);
	logInit("tactusd");
	log_info("line one");
	setenv("JOURNAL_STREAM", self.c_str(), 1);
	logInit("tactusd");
	log_info("line two");
	unsetenv("JOURNAL_STREAM");
	logInit("tactusd");
	EXPECT_EQ(testing::internal::GetCapturedStderr(), "tactusd: line one\n");
	ASSERT_EQ(sentEntries().size(), 1U);
	EXPECT_EQ(sentEntries()[0]["MESSAGE"], "line two");
}

TEST(LogTarget, JournalGetsLinesAndEntriesAsOneStreamInWriteOrder)
{
	JournalTarget journal(recordEntry);
	const JournalEntry entry = Sample().all()[4];
	testing::internal::CaptureStderr();
	log_info("session 3: re-authentication acknowledged, trust restarts");
	logJournalEntry(entry);
	log_warning("device event9: kernel buffer overrun (SYN_DROPPED), state resynced");
	log_debug("below the level: dropped");
	EXPECT_EQ(testing::internal::GetCapturedStderr(), "") << "nothing through the stderr stream";
	auto &sent = sentEntries();
	ASSERT_EQ(sent.size(), 3U);
	EXPECT_EQ(sent[0]["MESSAGE"], "session 3: re-authentication acknowledged, trust restarts");
	EXPECT_EQ(sent[0]["PRIORITY"], "6");
	EXPECT_EQ(sent[0]["SYSLOG_IDENTIFIER"], "tactusd");
	EXPECT_EQ(sent[0]["SYSLOG_FACILITY"], "3");
	EXPECT_EQ(sent[0].count("MESSAGE_ID"), 0U);
	EXPECT_EQ(sent[1]["MESSAGE"], entry.text);
	EXPECT_EQ(sent[1]["MESSAGE_ID"], std::string(kJournalLockRequested.id));
	EXPECT_EQ(sent[1]["PRIORITY"], std::to_string(static_cast<int>(entry.level)));
	EXPECT_EQ(sent[1]["SYSLOG_IDENTIFIER"], "tactusd");
	EXPECT_EQ(sent[1]["TACTUS_SESSION"], entry.field("TACTUS_SESSION"));
	EXPECT_EQ(sent[2]["MESSAGE"], "device event9: kernel buffer overrun (SYN_DROPPED), state resynced");
	EXPECT_EQ(sent[2]["PRIORITY"], "4");
}

TEST(LogTarget, RefusedByTheJournalTheLineGoesToStderr)
{
	JournalTarget journal(refuseEntry);
	testing::internal::CaptureStderr();
	log_notice("mode set to enforce");
	logJournalEntry(Sample().all()[4]);
	EXPECT_EQ(testing::internal::GetCapturedStderr(),
		  "<5>mode set to enforce\n<6>session 3: asking logind to lock it (synthetic-device)\n");
}
