// SPDX-License-Identifier: MIT
#include "injection-burst.h"

#include <algorithm>

namespace tactus {

NewKeyboardBurstDetector::Device *NewKeyboardBurstDetector::find(DeviceId id)
{
	for (Device &d : devices_)
		if (d.used && d.id == id)
			return &d;
	return nullptr;
}

void NewKeyboardBurstDetector::deviceAdded(DeviceId id, uint64_t timeUsec, bool isKeyboard)
{
	Device *d = find(id);
	if (!d) {
		auto it = std::find_if(devices_.begin(), devices_.end(), [](const Device &x) { return !x.used; });
		if (it == devices_.end())
			return; // more devices than we track: they simply raise nothing
		d = &*it;
	}
	*d = Device{};
	d->used = true;
	d->id = id;
	d->keyboard = isKeyboard;
	d->addedUsec = timeUsec;
	for (const Device &o : devices_)
		if (o.used && o.id != id && o.keyboard && o.lastKeyUsec && o.lastKeyUsec <= timeUsec &&
		    timeUsec - o.lastKeyUsec <= config_.otherInUseUsec)
			d->suspect = true;
}

void NewKeyboardBurstDetector::deviceRemoved(DeviceId id)
{
	if (Device *d = find(id))
		*d = Device{};
}

InjectionEvidence NewKeyboardBurstDetector::keyEvent(DeviceId id, uint64_t timeUsec, uint16_t, int32_t value)
{
	InjectionEvidence e;
	e.reason = InjectionReason::NewKeyboardBurst;
	Device *d = find(id);
	if (!d || value != 1)
		return e;
	if (!d->firstKeyUsec)
		d->firstKeyUsec = timeUsec;
	d->lastKeyUsec = timeUsec;
	d->presses[d->npresses % kPresses] = timeUsec;
	d->npresses++;

	const bool fresh = d->keyboard && d->suspect && d->firstKeyUsec >= d->addedUsec &&
			   d->firstKeyUsec - d->addedUsec <= config_.firstKeyWithinUsec &&
			   timeUsec - d->addedUsec <= config_.watchUsec;
	if (!fresh)
		return e;
	// Presses of this device inside the burst window ending now.
	const uint32_t need = std::min<uint32_t>(config_.burstPresses, kPresses);
	uint32_t n = 0;
	uint64_t oldest = timeUsec;
	for (uint32_t i = 0; i < std::min<uint32_t>(d->npresses, kPresses); i++) {
		uint64_t t = d->presses[(d->npresses - 1 - i) % kPresses];
		if (t > timeUsec || timeUsec - t > config_.burstWindowUsec)
			break;
		n++;
		oldest = t;
	}
	e.rule = "new-keyboard-burst";
	e.run = n;
	e.strength = std::min(1.0, static_cast<double>(n) / need);
	e.meanGapMs = n > 1 ? static_cast<double>(timeUsec - oldest) / (n - 1) / 1000.0 : 0.0;
	e.alarm = n >= need;
	return e;
}

} // namespace tactus
