// SPDX-License-Identifier: MIT
// `evemu-record` text, as tactusd --replay and tactus-eval read it.
#include "fuzz-util.h"
#include "recording.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tactus::RecordingLimits limits;
	limits.maxEvents = 100'000;
	const auto r = tactus::parseEvemu(tactus::fuzz::text(data, size), "fuzz.evemu", limits);
	if (!r)
		tactus::fuzz::checkError(r.error(), "fuzz.evemu");
	return 0;
}
