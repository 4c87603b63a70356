// SPDX-License-Identifier: MIT
// Per-user profile files (STATE/profiles/UID.profile), which a crash, a full
// disk or an editor may have damaged.
#include "fuzz-util.h"
#include "profile.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const auto r = tactus::decodeProfile(tactus::fuzz::text(data, size), 1000);
	if (!r && r.error().errnum >= 0) {
		std::fprintf(stderr, "decodeProfile failed with errnum %d: %s\n", r.error().errnum,
			     r.error().message.c_str());
		std::abort();
	}
	// What decodes must encode again, and decode from its own image.
	if (r) {
		const auto image = tactus::encodeProfile(*r);
		if (!image || !tactus::decodeProfile(*image, 1000)) {
			std::fprintf(stderr, "a decoded profile does not round-trip: %s\n",
				     image ? "re-decoding failed" : image.error().message.c_str());
			std::abort();
		}
	}
	return 0;
}
