// SPDX-License-Identifier: MIT
#include "device-format.h"

#include "util-strings.h"

#include <cstdio>

namespace tactus {

namespace {

std::string hex4(uint16_t v)
{
	char buf[8];
	(void)std::snprintf(buf, sizeof(buf), "%04x", v);
	return buf;
}

} // namespace

std::string formatCreators(const DeviceInfo &info)
{
	if (info.creators.empty())
		return "unknown";
	std::string out;
	for (const auto &c : info.creators) {
		if (!out.empty())
			out += "; ";
		out += "pid " + std::to_string(c.pid) + " uid " + std::to_string(c.uid);
		out += " exe " + (c.exe.empty() ? std::string("?") : sanitizeForDisplay(c.exe));
		if (!c.unit.empty())
			out += " unit " + sanitizeForDisplay(c.unit);
		if (!c.userUnit.empty())
			out += " user-unit " + sanitizeForDisplay(c.userUnit);
	}
	return out;
}

std::string formatDeviceLine(const DeviceInfo &info)
{
	std::string line = "\"" + sanitizeForDisplay(info.name, 128) + "\"";
	line += " provenance=" + std::string(provenanceName(info.provenance));
	if (!info.provenanceDetail.empty())
		line += " (" + sanitizeForDisplay(info.provenanceDetail, 160) + ")";
	line += " bus=" + busName(info.bustype);
	line += " id=" + hex4(info.vendor) + ":" + hex4(info.product);
	line += " seat=" + sanitizeForDisplay(info.seat, 64);
	line += " caps=" + capabilitiesString(info.caps);
	if (info.provenance == Provenance::Uinput || !info.creators.empty())
		line += " creator=" + formatCreators(info);
	return line;
}

std::string formatDeviceJson(const DeviceInfo &info)
{
	std::string out = "{";
	out += "\"sysname\":" + jsonQuote(info.sysname);
	out += ",\"devnode\":" + jsonQuote(info.devnode);
	out += ",\"syspath\":" + jsonQuote(info.syspath);
	out += ",\"name\":" + jsonQuote(info.name);
	out += ",\"bus\":" + jsonQuote(busName(info.bustype));
	out += ",\"vendor\":" + std::to_string(info.vendor);
	out += ",\"product\":" + std::to_string(info.product);
	out += ",\"version\":" + std::to_string(info.version);
	out += ",\"seat\":" + jsonQuote(info.seat);
	out += ",\"provenance\":" + jsonQuote(provenanceName(info.provenance));
	out += ",\"provenance_detail\":" + jsonQuote(info.provenanceDetail);
	out += ",\"capabilities\":" + jsonQuote(capabilitiesString(info.caps));
	out += ",\"creators\":[";
	for (size_t i = 0; i < info.creators.size(); i++) {
		const auto &c = info.creators[i];
		if (i)
			out += ",";
		out += "{\"pid\":" + std::to_string(c.pid) + ",\"uid\":" + std::to_string(c.uid) +
		       ",\"exe\":" + jsonQuote(c.exe) + ",\"comm\":" + jsonQuote(c.comm) +
		       ",\"unit\":" + jsonQuote(c.unit) + ",\"user_unit\":" + jsonQuote(c.userUnit) + "}";
	}
	out += "]}";
	return out;
}

} // namespace tactus
