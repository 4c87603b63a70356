// SPDX-License-Identifier: MIT
#include "session-input.h"

#include "util-name-table.h"
#include "util-strings.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace tactus {

namespace {

constexpr auto kSourceNames = makeNameTable<SessionInputSource>({
	{SessionInputSource::Xtest, "xtest"},
	{SessionInputSource::VirtualDevice, "virtual-device"},
	{SessionInputSource::Evdev, "evdev"},
	{SessionInputSource::Unobservable, "unobservable"},
});
static_assert(kSourceNames.oneToOne());

constexpr uint64_t kMaxWindowUsec = 24ULL * 3600 * 1000000;
constexpr size_t kMaxNameBytes = 256;

Result<void> invalid(const std::string &what)
{
	return makeError(-EINVAL, what);
}

} // namespace

std::string_view sessionInputSourceName(SessionInputSource source)
{
	return kSourceNames.name(source, "unobservable");
}

std::optional<SessionInputSource> sessionInputSourceFromName(std::string_view name)
{
	return kSourceNames.fromName(name);
}

bool isSyntheticSessionInput(SessionInputSource source)
{
	return source == SessionInputSource::Xtest || source == SessionInputSource::VirtualDevice;
}

double SessionInputReport::keyRate() const
{
	if (keyPresses < 2)
		return 0.0;
	// X11's clock counts ms: presses within one ms have a span of 0, and
	// the span is known to 1 ms at best, so the rate is a lower bound.
	const uint64_t span = std::max<uint64_t>(activeUsec, kClockResolutionUsec);
	return static_cast<double>(keyPresses - 1) * 1e6 / static_cast<double>(span);
}

Result<void> SessionInputReport::validate() const
{
	if (windowUsec == 0 || windowUsec > kMaxWindowUsec)
		return invalid("window_us must be between 1 µs and one day, not " + std::to_string(windowUsec));
	if (activeUsec > windowUsec)
		return invalid("active_us " + std::to_string(activeUsec) + " exceeds window_us " +
			       std::to_string(windowUsec));
	if (keyPresses < 2 && (activeUsec || medianIntervalUsec || minIntervalUsec))
		return invalid("key intervals need at least two key presses");
	if (medianIntervalUsec > activeUsec || minIntervalUsec > medianIntervalUsec)
		return invalid("key intervals must satisfy min <= median <= active_us");
	for (const std::string *name : {&device, &client})
		if (name->size() > kMaxNameBytes || !isValidUtf8(*name))
			return invalid("names must be valid UTF-8 of at most 256 bytes");
	if (source == SessionInputSource::Unobservable && carriesInput())
		return invalid("an unobservable source cannot carry counts");
	return {};
}

std::string SessionInputReport::describe() const
{
	char buf[256];
	std::string text = std::string(sessionInputSourceName(source)) + " '" + sanitizeForDisplay(device, 64) + "'";
	if (!client.empty())
		text += " (client '" + sanitizeForDisplay(client, 64) + "')";
	if (source == SessionInputSource::Unobservable) {
		(void)snprintf(buf, sizeof(buf), ": nothing observable for %.1f s",
			       static_cast<double>(windowUsec) / 1e6);
		return text + buf;
	}
	(void)snprintf(buf, sizeof(buf), ": %u key presses", keyPresses);
	text += buf;
	if (keyPresses >= 2) {
		(void)snprintf(buf, sizeof(buf), " at %s%.1f/s (median %.1f ms, min %.1f ms)",
			       activeUsec < kClockResolutionUsec ? ">=" : "", keyRate(),
			       static_cast<double>(medianIntervalUsec) / 1e3,
			       static_cast<double>(minIntervalUsec) / 1e3);
		text += buf;
	}
	(void)snprintf(buf, sizeof(buf), ", %u button presses, %u motion events in %.1f s", buttonPresses, motionEvents,
		       static_cast<double>(windowUsec) / 1e6);
	return text + buf;
}

} // namespace tactus
