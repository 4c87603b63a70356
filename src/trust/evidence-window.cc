// SPDX-License-Identifier: MIT
#include "evidence-window.h"

#include <algorithm>

namespace tactus {

EvidenceWindow::EvidenceWindow(Modality modality, uint32_t events, double llrLimit)
    : modality_(modality), events_(std::max<uint32_t>(events, 1)), llrLimit_(llrLimit)
{
}

std::optional<WindowEvidence> EvidenceWindow::add(double llr, int64_t atUs)
{
	sum_ += llr;
	if (++count_ < events_)
		return std::nullopt;
	WindowEvidence e;
	e.timestampUs = atUs;
	e.llr = std::clamp(sum_, -llrLimit_, llrLimit_);
	e.modality = modality_;
	e.events = count_;
	e.newEvents = count_; // windows do not overlap: every event is new
	restart();
	return e;
}

void EvidenceWindow::restart()
{
	count_ = 0;
	sum_ = 0.0;
}

} // namespace tactus
