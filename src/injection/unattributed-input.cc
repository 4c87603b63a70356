// SPDX-License-Identifier: MIT
#include "unattributed-input.h"

namespace tactus {

std::optional<uint64_t> UnattributedInputWatch::idleHint(bool idle, uint64_t nowUsec)
{
	const std::optional<bool> before = idle_;
	idle_ = idle;
	if (idle || before != true)
		return std::nullopt;
	resumedUsec_ = nowUsec;
	return due();
}

std::optional<uint64_t> UnattributedInputWatch::due() const
{
	if (!resumedUsec_)
		return std::nullopt;
	return *resumedUsec_ + params_.graceUsec;
}

std::optional<UnattributedInputWatch::Finding> UnattributedInputWatch::check(uint64_t nowUsec,
									     uint64_t lastSeatInputUsec)
{
	const std::optional<uint64_t> when = due();
	if (!when || nowUsec < *when)
		return std::nullopt;
	const uint64_t resumed = *resumedUsec_;
	resumedUsec_.reset();
	const uint64_t from = resumed > params_.lookbackUsec ? resumed - params_.lookbackUsec : 0;
	if (lastSeatInputUsec != 0 && lastSeatInputUsec >= from)
		return std::nullopt; // the seat's own input explains it (or came during the grace)
	Finding finding;
	finding.resumedUsec = resumed;
	finding.seatQuietUsec = lastSeatInputUsec != 0 && resumed > lastSeatInputUsec ? resumed - lastSeatInputUsec : 0;
	return finding;
}

} // namespace tactus
