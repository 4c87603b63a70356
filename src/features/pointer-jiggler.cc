// SPDX-License-Identifier: MIT
#include "pointer-jiggler.h"

#include <algorithm>
#include <cmath>

namespace tactus {

JigglerRule::JigglerRule(const JigglerRuleParams &params) : params_(params) {}

void JigglerRule::reset()
{
	inBurst_ = false;
	smallRun_ = 0;
	jiggling_ = false;
	extent_ = 0;
}

void JigglerRule::human()
{
	inBurst_ = false;
	smallRun_ = 0;
	jiggling_ = false;
}

void JigglerRule::endBurst()
{
	if (!inBurst_)
		return;
	inBurst_ = false;
	if (extent_ > params_.smallUnits) {
		smallRun_ = 0;
		jiggling_ = false;
		return;
	}
	// A small burst: part of a regular run if it began long enough after the previous one.
	if (smallRun_ > 0 && burstStartUs_ - lastSmallStartUs_ < params_.minIntervalUs)
		smallRun_ = 0;
	smallRun_++;
	lastSmallStartUs_ = burstStartUs_;
	if (smallRun_ >= params_.minBursts && !jiggling_) {
		jiggling_ = true;
		episodes_++;
	}
}

void JigglerRule::sample(const PointerSample &s)
{
	if (s.kind != PointerEventKind::Move) {
		human();
		return;
	}
	if (inBurst_ && s.timeUsec >= lastUs_ && s.timeUsec - lastUs_ > params_.burstGapUs)
		endBurst();
	if (!inBurst_) {
		inBurst_ = true;
		burstStartUs_ = s.timeUsec;
		startX_ = s.x;
		startY_ = s.y;
		extent_ = 0;
	}
	lastUs_ = s.timeUsec;
	extent_ = std::max(extent_, std::hypot(s.x - startX_, s.y - startY_));
	// A large movement ends jiggling at once, without waiting for the burst's end.
	if (extent_ > params_.smallUnits) {
		smallRun_ = 0;
		jiggling_ = false;
	}
}

void JigglerRule::scroll(uint64_t /*timeUsec*/)
{
	human();
}

void JigglerRule::key(uint64_t /*timeUsec*/)
{
	human();
}

bool JigglerRule::counts(const PointerAction &a) const
{
	if (jiggling_)
		return false;
	if (a.type == PointerActionType::MouseMove && a[PointerFeature::Chord] < params_.minActionUnits &&
	    a[PointerFeature::PathLength] < params_.minActionUnits)
		return false;
	return true;
}

} // namespace tactus
