// SPDX-License-Identifier: MIT
#include "sysfs-fixture.h"
#include "util-strings.h"

#include "config.h"
#include "sysfs-read.h"
#include "util-lines.h"

#include <array>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <optional>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace tactus::test {

namespace {

// Subsystems that sysfs shows as /sys/class/X; all others are /sys/bus/X.
constexpr std::array<std::string_view, 10> kClassSubsystems = {
	"input", "misc", "sound", "bluetooth", "dmi", "hidraw", "leds", "tty", "net", "rfkill",
};

// uevent keys the kernel writes; everything else in E: lines is udev's.
constexpr std::array<std::string_view, 25> kKernelKeys = {
	"ACTION",   "DEVPATH", "SUBSYSTEM", "DEVNAME", "DEVTYPE", "DRIVER",   "MAJOR",     "MINOR", "SEQNUM",
	"MODALIAS", "PRODUCT", "NAME",      "PHYS",    "UNIQ",    "PROP",     "EV",        "KEY",   "REL",
	"ABS",      "MSC",     "SW",        "LED",     "HID_ID",  "HID_NAME", "INTERFACE",
};

template<size_t N>
bool contains(const std::array<std::string_view, N> &list, std::string_view s)
{
	for (std::string_view x : list)
		if (x == s)
			return true;
	return false;
}

Error fixtureError(unsigned line, const std::string &message)
{
	return makeError(-EINVAL, "fixture line " + std::to_string(line) + ": " + message);
}

std::optional<std::string> unescape(std::string_view s)
{
	std::string out;
	for (size_t i = 0; i < s.size(); i++) {
		if (s[i] != '\\') {
			out += s[i];
			continue;
		}
		if (++i >= s.size())
			return std::nullopt;
		switch (s[i]) {
		case 'n': out += '\n'; break;
		case 't': out += '\t'; break;
		case 'r': out += '\r'; break;
		case '\\': out += '\\'; break;
		case 'x': {
			int hi = i + 1 < s.size() ? hexDigitValue(s[i + 1]) : -1;
			int lo = i + 2 < s.size() ? hexDigitValue(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return std::nullopt;
			out += static_cast<char>(hi * 16 + lo);
			i += 2;
			break;
		}
		default: return std::nullopt;
		}
	}
	return out;
}

std::optional<std::string> unhex(std::string_view s)
{
	std::string out;
	std::string digits;
	for (char c : s)
		if (c != ' ')
			digits += c;
	if (digits.size() % 2)
		return std::nullopt;
	for (size_t i = 0; i < digits.size(); i += 2) {
		int hi = hexDigitValue(digits[i]), lo = hexDigitValue(digits[i + 1]);
		if (hi < 0 || lo < 0)
			return std::nullopt;
		out += static_cast<char>(hi * 16 + lo);
	}
	return out;
}

Result<void> writeAll(const std::string &path, std::string_view content)
{
	std::error_code ec;
	fs::create_directories(fs::path(path).parent_path(), ec);
	if (ec)
		return makeError(ec.value(), "cannot create directory for " + path);
	int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return makeError(-errno, "cannot create " + path);
	size_t done = 0;
	while (done < content.size()) {
		ssize_t n = ::write(fd, content.data() + done, content.size() - done);
		if (n < 0) {
			int err = errno;
			::close(fd);
			return makeError(-err, "cannot write " + path);
		}
		done += static_cast<size_t>(n);
	}
	::close(fd);
	return {};
}

Result<void> makeLink(const fs::path &link, const std::string &target)
{
	std::error_code ec;
	fs::create_directories(link.parent_path(), ec);
	fs::remove(link, ec);
	fs::create_symlink(target, link, ec);
	if (ec)
		return makeError(ec.value(), "cannot create link " + link.string());
	return {};
}

/** One P: or R: record as read from the file. */
struct Record {
	bool process = false;
	std::string path; ///< "/devices/..." or the pid
	unsigned line = 0;
	std::vector<std::pair<std::string, std::string>> env;
	std::vector<std::pair<std::string, std::string>> files;
	std::vector<std::pair<std::string, std::string>> links;

	std::string envValue(std::string_view key) const
	{
		for (const auto &[k, v] : env)
			if (k == key)
				return v;
		return {};
	}
};

Result<std::vector<Record>> parseRecords(std::string_view text)
{
	std::vector<Record> records;
	for (const TextLine &l : TextLines(text)) {
		const std::string_view line = l.text;
		const unsigned lineNo = l.number;
		if (line.empty() || line[0] == '#')
			continue;
		if (line.size() < 3 || line[1] != ':' || line[2] != ' ')
			return fixtureError(lineNo, "expected 'X: ...'");
		const char tag = line[0];
		std::string_view rest = line.substr(3);
		if (tag == 'P' || tag == 'R') {
			Record r;
			r.process = tag == 'R';
			r.path = std::string(rest);
			r.line = lineNo;
			if (!r.process &&
			    (r.path.substr(0, 9) != "/devices/" || r.path.find("..") != std::string::npos))
				return fixtureError(lineNo, "P: must be a path below /devices/");
			records.push_back(std::move(r));
			continue;
		}
		if (records.empty())
			return fixtureError(lineNo, "line before the first P: or R:");
		// Device node name and its /dev symlinks: tactus derives the node from sysfs.
		if (tag == 'N' || tag == 'S')
			continue;
		size_t eq = rest.find('=');
		if (eq == std::string_view::npos || eq == 0)
			return fixtureError(lineNo, "expected NAME=VALUE");
		std::string key(rest.substr(0, eq));
		std::string_view value = rest.substr(eq + 1);
		if (key.find("..") != std::string::npos || key[0] == '/')
			return fixtureError(lineNo, "file name escapes the device directory");
		Record &r = records.back();
		switch (tag) {
		case 'E': r.env.emplace_back(key, std::string(value)); break;
		case 'L': r.links.emplace_back(key, std::string(value)); break;
		case 'A':
		case 'H': {
			auto content = tag == 'A' ? unescape(value) : unhex(value);
			if (!content)
				return fixtureError(lineNo, "bad escape or hex in value");
			r.files.emplace_back(key, std::move(*content));
			break;
		}
		default: return fixtureError(lineNo, std::string("unknown tag '") + tag + "'");
		}
	}
	return records;
}

} // namespace

std::string sourceRoot()
{
	const char *env = std::getenv("TACTUS_SOURCE_ROOT");
	return env && *env ? std::string(env) : std::string(TACTUS_SOURCE_ROOT);
}

Result<SysfsFixture> SysfsFixture::create()
{
	const char *tmp = std::getenv("TMPDIR");
	std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/tactus-sysfs-XXXXXX";
	if (!::mkdtemp(templ.data()))
		return makeError(-errno, "mkdtemp failed");
	SysfsFixture f;
	f.base_ = templ;
	f.roots_.sys = templ + "/sys";
	f.roots_.proc = templ + "/proc";
	f.roots_.run = templ + "/run";
	struct stat uinput {};
	struct stat uhid {};
	if (::stat(kUinputStandIn, &uinput) < 0 || ::stat(kUhidStandIn, &uhid) < 0)
		return makeError(-errno, std::string("no ") + kUinputStandIn + " or " + kUhidStandIn);
	f.roots_.uinput = uinput.st_rdev;
	f.roots_.uhid = uhid.st_rdev;
	// libsystemd reads the real /proc only: units come from PROC/PID/unit
	// and PROC/PID/user_unit here.
	f.roots_.unitsOf = [proc = f.roots_.proc](pid_t pid) {
		const std::string dir = proc + "/" + std::to_string(pid);
		CreatorUnits u;
		if (auto unit = readSysfsAttribute(dir + "/unit"))
			u.unit = std::move(*unit);
		if (auto userUnit = readSysfsAttribute(dir + "/user_unit"))
			u.userUnit = std::move(*userUnit);
		return u;
	};
	std::error_code ec;
	for (const std::string &d :
	     {f.roots_.sys + "/devices", f.roots_.sys + "/class/input", f.roots_.proc, f.roots_.run + "/udev/data"}) {
		fs::create_directories(d, ec);
		if (ec)
			return makeError(ec.value(), "cannot create " + d);
	}
	return f;
}

Result<SysfsFixture> SysfsFixture::fromDataFile(std::string_view name)
{
	const std::string file = sourceRoot() + "/tests/data/sysfs/" + std::string(name);
	auto text = readFileLimited(file, 4 * 1024 * 1024);
	if (!text)
		return text.error();
	auto f = create();
	if (!f)
		return f.error();
	auto applied = f->apply(*text);
	if (!applied)
		return makeError(applied.error().errnum, file + ": " + applied.error().message);
	return f;
}

SysfsFixture::SysfsFixture(SysfsFixture &&other) noexcept
    : base_(std::move(other.base_)), roots_(std::move(other.roots_))
{
	other.base_.clear();
}

SysfsFixture::~SysfsFixture()
{
	// Never let a bug turn this into rm -rf of something that is not ours.
	if (base_.find("/tactus-sysfs-") == std::string::npos)
		return;
	std::error_code ec;
	fs::remove_all(base_, ec);
}

Result<void> SysfsFixture::writeFile(std::string_view rel, std::string_view content) const
{
	return writeAll(path(rel), content);
}

void SysfsFixture::remove(std::string_view rel) const
{
	std::error_code ec;
	fs::remove_all(path(rel), ec);
}

Result<void> SysfsFixture::apply(std::string_view text)
{
	auto records = parseRecords(text);
	if (!records)
		return records.error();

	// Device directories first, so that links can point at any of them.
	std::vector<std::string> devicePaths;
	for (const Record &r : *records) {
		const std::string dir = r.process ? roots_.proc + "/" + r.path : roots_.sys + r.path;
		std::error_code ec;
		fs::create_directories(dir, ec);
		if (ec)
			return makeError(ec.value(), "cannot create " + dir);
		if (!r.process)
			devicePaths.push_back(r.path);
	}

	for (const Record &r : *records) {
		const std::string dir = r.process ? roots_.proc + "/" + r.path : roots_.sys + r.path;
		for (const auto &[file, content] : r.files) {
			auto written = writeAll(dir + "/" + file, content);
			if (!written)
				return written;
		}
		for (const auto &[name, target] : r.links) {
			// A test cannot mknod: creator nodes are real character
			// devices with other numbers, which roots() looks for.
			std::string to = target;
			if (r.process && to == "/dev/uinput")
				to = kUinputStandIn;
			else if (r.process && to == "/dev/uhid")
				to = kUhidStandIn;
			auto linked = makeLink(dir + "/" + name, to);
			if (!linked)
				return linked;
		}
		if (r.process)
			continue;

		const fs::path devPath = fs::path("/sys") / r.path.substr(1);
		const std::string subsystem = r.envValue("SUBSYSTEM");
		const bool isClass = contains(kClassSubsystems, subsystem);
		if (!subsystem.empty()) {
			const fs::path target = fs::path("/sys") / (isClass ? "class" : "bus") / subsystem;
			auto linked = makeLink(dir + "/subsystem", target.lexically_relative(devPath).string());
			if (!linked)
				return linked;
			if (isClass) {
				const std::string name = devPath.filename().string();
				const fs::path classDir = fs::path("/sys/class") / subsystem;
				linked = makeLink(roots_.sys + "/class/" + subsystem + "/" + name,
						  devPath.lexically_relative(classDir).string());
				if (!linked)
					return linked;
			}
		}

		// Class devices link to their parent device, unless they have none
		// (/devices/virtual/CLASS/NAME).
		if (isClass && !fs::exists(dir + "/device")) {
			fs::path parent = devPath.parent_path();
			const bool parentless = parent.parent_path() == "/sys/devices/virtual";
			for (; !parentless && parent != "/sys/devices" && parent != "/sys";
			     parent = parent.parent_path()) {
				const std::string rel = "/" + parent.lexically_relative("/sys").string();
				bool recorded = false;
				for (const std::string &p : devicePaths)
					recorded |= p == rel;
				if (recorded) {
					auto linked =
						makeLink(dir + "/device", parent.lexically_relative(devPath).string());
					if (!linked)
						return linked;
					break;
				}
			}
		}

		const std::string major = r.envValue("MAJOR"), minor = r.envValue("MINOR");
		if (!major.empty() && !minor.empty()) {
			if (!fs::exists(dir + "/dev")) {
				auto written = writeAll(dir + "/dev", major + ":" + minor + "\n");
				if (!written)
					return written;
			}
			std::string db;
			for (const auto &[k, v] : r.env)
				if (!contains(kKernelKeys, k))
					db += "E:" + k + "=" + v + "\n";
			if (!db.empty()) {
				auto written = writeAll(roots_.run + "/udev/data/c" + major + ":" + minor, db);
				if (!written)
					return written;
			}
		}
	}
	return {};
}

} // namespace tactus::test
