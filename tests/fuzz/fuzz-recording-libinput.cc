// SPDX-License-Identifier: MIT
// `libinput record` YAML, as tactusd --replay and tactus-eval read it.
#include "fuzz-util.h"
#include "recording.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tactus::RecordingLimits limits;
	limits.maxEvents = 100'000; // bounded memory per input
	const auto r = tactus::parseLibinputRecord(tactus::fuzz::text(data, size), "fuzz.yml", limits);
	if (!r)
		tactus::fuzz::checkError(r.error(), "fuzz.yml");
	return 0;
}
