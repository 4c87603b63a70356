// SPDX-License-Identifier: MIT
// Allow-list rule files (allow.d/*.rules).
#include "allow-policy.h"
#include "fuzz-util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const auto r = tactus::AllowPolicy::parse(tactus::fuzz::text(data, size), "fuzz.rules");
	if (!r)
		tactus::fuzz::checkError(r.error(), "fuzz.rules");
	return 0;
}
