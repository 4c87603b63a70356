// SPDX-License-Identifier: MIT
#include "input-tally.h"

#include <algorithm>
#include <limits>

namespace tactus {

namespace {

uint32_t saturatingIncrement(uint32_t n)
{
	return n == std::numeric_limits<uint32_t>::max() ? n : n + 1;
}

} // namespace

void InputTally::add(SessionInputSource source, const std::string &device, Event event, uint64_t timeUsec)
{
	Source &s = sources_[{source, device}];
	switch (event) {
	case Event::Key:
		s.keyPresses = saturatingIncrement(s.keyPresses);
		if (s.pressTimes.size() < kMaxTimedPresses)
			s.pressTimes.push_back(timeUsec);
		if (isSyntheticSessionInput(source))
			syntheticKeys_++;
		break;
	case Event::Button: s.buttonPresses = saturatingIncrement(s.buttonPresses); break;
	case Event::Motion: s.motionEvents = saturatingIncrement(s.motionEvents); break;
	}
}

std::vector<SessionInputReport> InputTally::take(uint64_t windowUsec)
{
	std::vector<SessionInputReport> reports;
	for (auto &[key, s] : sources_) {
		SessionInputReport r;
		r.source = key.first;
		r.device = key.second;
		r.windowUsec = std::max<uint64_t>(windowUsec, 1);
		r.keyPresses = s.keyPresses;
		r.buttonPresses = s.buttonPresses;
		r.motionEvents = s.motionEvents;
		std::vector<uint64_t> &t = s.pressTimes;
		// The server's clock may step back (X Time wraps after 49 days):
		// intervals come from the sorted times.
		std::sort(t.begin(), t.end());
		if (t.size() >= 2 && r.keyPresses >= 2) {
			std::vector<uint64_t> gaps;
			gaps.reserve(t.size() - 1);
			for (size_t i = 1; i < t.size(); i++)
				gaps.push_back(t[i] - t[i - 1]);
			std::sort(gaps.begin(), gaps.end());
			r.activeUsec = std::min(t.back() - t.front(), r.windowUsec);
			r.minIntervalUsec = std::min(gaps.front(), r.activeUsec);
			r.medianIntervalUsec = std::min(gaps[gaps.size() / 2], r.activeUsec);
		}
		reports.push_back(std::move(r));
	}
	sources_.clear();
	syntheticKeys_ = 0;
	return reports;
}

} // namespace tactus
