// SPDX-License-Identifier: MIT
// tactus.conf(5) and its drop-ins.
#include "daemon-config.h"
#include "fuzz-util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const auto r = tactus::parseConfig(tactus::fuzz::text(data, size), "fuzz.conf");
	if (!r)
		tactus::fuzz::checkError(r.error(), "fuzz.conf");
	return 0;
}
