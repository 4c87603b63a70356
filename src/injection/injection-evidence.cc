// SPDX-License-Identifier: MIT
#include "injection-evidence.h"

#include "util-name-table.h"

#include <cstdio>

namespace tactus {

std::string_view injectionReasonName(InjectionReason reason)
{
	static constexpr auto kNames = makeNameTable<InjectionReason>({
		{InjectionReason::SuperhumanRate, "superhuman-rate"},
		{InjectionReason::TooRegular, "too-regular"},
		{InjectionReason::NewKeyboardBurst, "new-keyboard-burst"},
		{InjectionReason::RoboticPointer, "robotic-pointer"},
	});
	static_assert(kNames.oneToOne());
	return kNames.name(reason, "unknown");
}

std::string InjectionEvidence::describe() const
{
	char buf[256];
	std::string_view name = injectionReasonName(reason);
	(void)snprintf(buf, sizeof(buf),
		       "%.*s (%.*s): strength %.2f, run of %u, interval %.1f ms (spread %.1f ms), dwell %.1f ms",
		       static_cast<int>(name.size()), name.data(), static_cast<int>(rule.size()), rule.data(), strength,
		       run, meanGapMs, spreadGapMs, meanDwellMs);
	return buf;
}

} // namespace tactus
