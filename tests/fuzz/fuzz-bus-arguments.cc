// SPDX-License-Identifier: MIT
// Bus method arguments as tactusd's handlers take them apart: object paths
// a client names (Session1/Device1 lookups), Manager1.GetSession/GetDevice
// and SetMode strings, and Session1.ReportSessionInput's "ssstuuuttt"
// (checked with SessionInputReport::validate(), then judged by the decider),
// which any process of the session's user may send.
#include "decider.h"
#include "fuzz-util.h"
#include "session-input.h"
#include "tactus-bus.h"
#include "util-strings.h"

#include <cmath>
#include <cstring>

using namespace tactus;
using tactus::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz::ByteReader in(data, size);

	// A name a client asks for, and a path it calls on.
	const std::string name = in.string(512);
	const std::string path = in.string(512);
	for (const BusObjectFamily &family : {kSessions, kDevices}) {
		const std::string encoded = busPathEncode(family.prefix, name);
		if (name.find('\0') == std::string::npos) {
			check(!encoded.empty() && sd_bus_object_path_is_valid(encoded.c_str()),
			      "encoded an invalid path");
			check(busPathDecode(encoded.c_str(), family.prefix) == name,
			      "a path does not decode to its name");
		}
		const std::string decoded = busPathDecode(path.c_str(), family.prefix);
		if (!decoded.empty())
			check(busPathEncode(family.prefix, decoded) == path.c_str(),
			      "a non-canonical path named an object");
	}
	const std::string shown = sanitizeForDisplay(name, 64);
	check(isValidUtf8(shown) && shown.size() <= 64 + std::strlen("…"), "sanitizeForDisplay broke its bounds");

	// ReportSessionInput: source, device, client, then the counts.
	SessionInputReport report;
	const std::string source = in.string(64);
	report.device = in.string(300);
	report.client = in.string(300);
	report.windowUsec = in.take<uint64_t>();
	report.keyPresses = in.take<uint32_t>();
	report.buttonPresses = in.take<uint32_t>();
	report.motionEvents = in.take<uint32_t>();
	report.activeUsec = in.take<uint64_t>();
	report.medianIntervalUsec = in.take<uint64_t>();
	report.minIntervalUsec = in.take<uint64_t>();
	const auto kind = sessionInputSourceFromName(source);
	if (!kind)
		return 0;
	check(sessionInputSourceName(*kind) == source, "a source name does not round-trip");
	report.source = *kind;
	if (auto valid = report.validate(); !valid) {
		check(valid.error().errnum < 0 && !valid.error().message.empty(), "a refusal without a reason");
		return 0;
	}
	const double rate = report.keyRate();
	check(std::isfinite(rate) && rate >= 0, "keyRate is not a finite rate");
	check(isValidUtf8(report.describe()), "describe() gave invalid UTF-8");

	// The decider's judgement, twice (a second report on the same session).
	PolicyDecider decider(PolicySettings{true, true, true}, [](const auto &) {});
	PolicySession session;
	const bool locked = in.take<uint8_t>() & 1;
	const uint64_t seatEvents = in.take<uint32_t>();
	for (int i = 0; i < 2; i++) {
		std::string why;
		for (const PolicyAction &a :
		     decider.sessionInput(session, locked, report, AllowPolicy{}, "seat0", seatEvents, why))
			check(isValidUtf8(a.describe()), "an action's description is invalid UTF-8");
	}
	return 0;
}
