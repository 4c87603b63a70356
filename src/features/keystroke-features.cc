// SPDX-License-Identifier: MIT
#include "keystroke-features.h"

#include <algorithm>

namespace tactus {

KeystrokeExtractor::KeystrokeExtractor(KeyClassSet set) : set_(set) {}

void KeystrokeExtractor::key(uint16_t code, int value, int64_t timeUs)
{
	if (value == 2)
		return;
	if (value == 1) {
		// A second press of a key still held (a lost release): the old
		// keystroke ends here.
		uint8_t held = 0;
		for (size_t i = 0; i < pendingCount_; i++) {
			Pending &p = pending_[(pendingHead_ + i) % kMaxPending];
			if (p.released)
				continue;
			if (p.code == code)
				complete(i, timeUs);
			else
				held = static_cast<uint8_t>(std::min(held + 1, 255));
		}
		if (pendingCount_ == kMaxPending) {
			complete(0, timeUs);
			emitReady();
			if (pendingCount_ == kMaxPending) // cannot happen: the oldest was just completed
				return;
		}
		Pending &p = pending_[(pendingHead_ + pendingCount_) % kMaxPending];
		p = Pending{code, false, held, keyClassOf(set_, code), timeUs, timeUs};
		pendingCount_++;
		return;
	}
	if (value != 0)
		return;
	for (size_t i = 0; i < pendingCount_; i++) {
		const Pending &p = pending_[(pendingHead_ + i) % kMaxPending];
		if (!p.released && p.code == code) {
			complete(i, timeUs);
			break;
		}
	}
	emitReady();
}

void KeystrokeExtractor::complete(size_t index, int64_t timeUs)
{
	Pending &p = pending_[(pendingHead_ + index) % kMaxPending];
	p.released = true;
	p.releaseUs = std::max(timeUs, p.pressUs);
	p.code = 0; // the key code is not needed any more
}

void KeystrokeExtractor::emitReady()
{
	while (pendingCount_ > 0) {
		Pending &p = pending_[pendingHead_];
		if (!p.released)
			break;
		KeystrokeRow row;
		row.holdUs = p.releaseUs - p.pressUs;
		if (havePrevious_) {
			row.ppUs = p.pressUs - prevPressUs_;
			row.rpUs = p.pressUs - prevReleaseUs_;
			row.prUs = p.releaseUs - prevPressUs_;
			row.rrUs = p.releaseUs - prevReleaseUs_;
		}
		row.rollover = p.rollover;
		row.keyClass = p.keyClass;
		havePrevious_ = true;
		prevPressUs_ = p.pressUs;
		prevReleaseUs_ = p.releaseUs;
		p = Pending{};
		pendingHead_ = (pendingHead_ + 1) % kMaxPending;
		pendingCount_--;

		if (readyCount_ == kMaxReady) {
			readyHead_ = (readyHead_ + 1) % kMaxReady;
			readyCount_--;
			dropped_++;
		}
		ready_[(readyHead_ + readyCount_) % kMaxReady] = row;
		readyCount_++;
	}
}

bool KeystrokeExtractor::pop(KeystrokeRow &row)
{
	if (readyCount_ == 0)
		return false;
	row = ready_[readyHead_];
	ready_[readyHead_] = KeystrokeRow{};
	readyHead_ = (readyHead_ + 1) % kMaxReady;
	readyCount_--;
	return true;
}

void KeystrokeExtractor::flush(int64_t timeUs)
{
	for (size_t i = 0; i < pendingCount_; i++)
		if (!pending_[(pendingHead_ + i) % kMaxPending].released)
			complete(i, timeUs);
	emitReady();
}

void KeystrokeExtractor::reset()
{
	pending_.fill(Pending{});
	pendingHead_ = pendingCount_ = 0;
	ready_.fill(KeystrokeRow{});
	readyHead_ = readyCount_ = 0;
	havePrevious_ = false;
	prevPressUs_ = prevReleaseUs_ = 0;
}

} // namespace tactus
