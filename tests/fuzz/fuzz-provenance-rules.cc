// SPDX-License-Identifier: MIT
// Provenance rule files (provenance/*.rules).
#include "fuzz-util.h"
#include "provenance-rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const auto r = tactus::ProvenanceRules::parse(tactus::fuzz::text(data, size), "fuzz.rules");
	if (!r)
		tactus::fuzz::checkError(r.error(), "fuzz.rules");
	return 0;
}
