// SPDX-License-Identifier: MIT
#pragma once

#include "input-event.h"

#include <linux/input.h>

#include <array>
#include <cstddef>

namespace tactus {

/**
 * Collects events into frames ending in SYN_REPORT, in a fixed buffer so the
 * hot path never allocates. A frame longer than the buffer (a multitouch
 * device with many slots can send a few hundred events) is delivered in
 * pieces; only the last piece ends in SYN_REPORT.
 */
class FrameAssembler {
public:
	static constexpr size_t kCapacity = 256;

	/**
	 * Add @p ev; calls @p emit(Frame) when a frame is complete or the buffer
	 * is full. Returns the number of frames emitted (0 or 1).
	 */
	template<typename Emit>
	int push(const InputEvent &ev, Emit &&emit)
	{
		events_[count_++] = ev;
		if ((ev.type == EV_SYN && ev.code == SYN_REPORT) || count_ == kCapacity) {
			emit(Frame(events_.data(), count_));
			count_ = 0;
			return 1;
		}
		return 0;
	}

	/**
	 * Deliver a partial frame (events without their SYN_REPORT), e.g. at
	 * the end of a recording cut off mid-frame. Returns frames emitted.
	 */
	template<typename Emit>
	int flush(Emit &&emit)
	{
		if (!count_)
			return 0;
		emit(Frame(events_.data(), count_));
		count_ = 0;
		return 1;
	}

	/** Forget a partial frame, e.g. after SYN_DROPPED: its events are stale. */
	void discard() { count_ = 0; }

	/** Number of events of the frame being collected. */
	size_t pending() const { return count_; }

private:
	std::array<InputEvent, kCapacity> events_{};
	size_t count_ = 0;
};

} // namespace tactus
