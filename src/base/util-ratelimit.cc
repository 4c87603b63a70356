// SPDX-License-Identifier: MIT
#include "util-ratelimit.h"

namespace tactus {

bool RateLimit::below(uint64_t nowUsec)
{
	if (intervalUsec_ == 0 || burst_ == 0)
		return true;
	if (!started_ || nowUsec < begin_ || nowUsec - begin_ >= intervalUsec_) {
		started_ = true;
		begin_ = nowUsec;
		count_ = 0;
	}
	if (count_ < burst_) {
		count_++;
		return true;
	}
	suppressed_++;
	return false;
}

uint64_t RateLimit::takeSuppressed()
{
	const uint64_t n = suppressed_;
	suppressed_ = 0;
	return n;
}

} // namespace tactus
