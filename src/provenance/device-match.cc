// SPDX-License-Identifier: MIT
#include "device-match.h"

#include "device-bus.h"
#include "sysfs-read.h"

#include <cerrno>
#include <fnmatch.h>

namespace tactus {

bool globMatch(const std::string &pattern, std::string_view value, int flags)
{
	if (value.find('\0') != std::string_view::npos)
		return false;
	return ::fnmatch(pattern.c_str(), std::string(value).c_str(), flags) == 0;
}

std::optional<Result<void>> IdentityMatch::setIdentityKey(std::string_view key, std::string_view value)
{
	const std::string k(key);
	if (key == "MatchName") {
		matchName = std::string(value);
	} else if (key == "MatchBus") {
		auto bus = busFromName(value);
		if (!bus)
			return Result<void>(makeError(-EINVAL, "unknown bus '" + std::string(value) + "'"));
		matchBus = *bus;
	} else if (key == "MatchVendor" || key == "MatchProduct") {
		// The 0x keeps a reader from taking 046d for a decimal number.
		if (value.size() < 3 || value.substr(0, 2) != "0x")
			return Result<void>(makeError(-EINVAL, k + " needs a hex value like 0x046d"));
		auto id = parseHex16(value);
		if (!id)
			return Result<void>(makeError(-EINVAL, k + ": " + id.error().message));
		(key == "MatchVendor" ? matchVendor : matchProduct) = *id;
	} else {
		return std::nullopt;
	}
	return Result<void>();
}

bool IdentityMatch::hasIdentityKey() const
{
	return matchName || matchVendor || matchProduct || matchBus;
}

bool IdentityMatch::matchesIdentity(std::string_view name, uint16_t bustype, uint16_t vendor, uint16_t product) const
{
	if (matchName && !globMatch(*matchName, name))
		return false;
	if (matchVendor && *matchVendor != vendor)
		return false;
	if (matchProduct && *matchProduct != product)
		return false;
	if (matchBus && *matchBus != bustype)
		return false;
	return true;
}

} // namespace tactus
