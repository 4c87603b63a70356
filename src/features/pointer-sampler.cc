// SPDX-License-Identifier: MIT
#include "pointer-sampler.h"

#include <linux/input-event-codes.h>

#include <cerrno>
#include <charconv>
#include <cstdio>

namespace tactus {

namespace {

constexpr double kMmPerInch = 25.4;

bool parseCount(std::string_view s, uint32_t &v)
{
	const char *end = s.data() + s.size();
	auto r = std::from_chars(s.data(), end, v);
	return !s.empty() && r.ec == std::errc() && r.ptr == end;
}

/** One absolute axis as units per axis unit: resolution if known, else the range over @p screen. */
double absScale(const AbsAxis &a, double screen, bool &fallback)
{
	if (a.resolution > 0)
		return kPointerUnitsPerInch / kMmPerInch / a.resolution;
	fallback = true;
	const double range = static_cast<double>(a.maximum) - static_cast<double>(a.minimum);
	return range > 0 ? screen / range : 1.0;
}

} // namespace

Result<uint32_t> parseMouseDpi(std::string_view value)
{
	// "400@125 *800@125 1600@125": resolutions at report rates; '*' marks the default.
	std::optional<uint32_t> marked, only;
	size_t entries = 0;
	size_t i = 0;
	while (i < value.size()) {
		while (i < value.size() && (value[i] == ' ' || value[i] == '\t'))
			i++;
		size_t j = i;
		while (j < value.size() && value[j] != ' ' && value[j] != '\t')
			j++;
		if (j == i)
			break;
		std::string_view e = value.substr(i, j - i);
		i = j;
		const bool star = e.front() == '*';
		if (star)
			e.remove_prefix(1);
		std::string_view dpiText = e.substr(0, e.find('@'));
		uint32_t dpi = 0, rate = 0;
		if (!parseCount(dpiText, dpi) || dpi < 1 || dpi > 100'000)
			return makeError(-EINVAL, "MOUSE_DPI: not a resolution in 1..100000");
		if (dpiText.size() < e.size() && !parseCount(e.substr(dpiText.size() + 1), rate))
			return makeError(-EINVAL, "MOUSE_DPI: not a report rate after '@'");
		entries++;
		if (star) {
			if (marked)
				return makeError(-EINVAL, "MOUSE_DPI: more than one default ('*') entry");
			marked = dpi;
		}
		only = dpi;
	}
	if (marked)
		return *marked;
	if (entries == 1)
		return *only;
	return makeError(-EINVAL, entries ? "MOUSE_DPI: several resolutions and none marked '*'" : "MOUSE_DPI: empty");
}

std::string PointerScale::describe() const
{
	char buf[128];
	const char *name = kind == Kind::Relative ? "relative" : kind == Kind::Touchpad ? "touchpad" : "absolute";
	switch (source) {
	case Source::MouseDpi:
		(void)snprintf(buf, sizeof buf, "%s, MOUSE_DPI %.0f", name, kPointerUnitsPerInch / x);
		break;
	case Source::Resolution:
		(void)snprintf(buf, sizeof buf, "%s, %.1f units/mm", name, kPointerUnitsPerInch / kMmPerInch / x);
		break;
	case Source::Fallback:
		if (kind == Kind::Relative)
			(void)snprintf(buf, sizeof buf, "relative, %u DPI (fallback)", kFallbackMouseDpi);
		else
			(void)snprintf(buf, sizeof buf, "%s, range over %.0fx%.0f (fallback)", name,
				       kFallbackScreenWidth, kFallbackScreenHeight);
		break;
	}
	return buf;
}

std::optional<PointerScale> pointerScaleFor(const DeviceInfo &info, std::string *problem)
{
	PointerScale s;
	if (info.caps.pointer) {
		s.kind = PointerScale::Kind::Relative;
		uint32_t dpi = kFallbackMouseDpi;
		if (auto p = info.udevProperties.find("MOUSE_DPI"); p != info.udevProperties.end()) {
			if (auto parsed = parseMouseDpi(p->second)) {
				dpi = *parsed;
				s.source = PointerScale::Source::MouseDpi;
			} else if (problem) {
				*problem = parsed.error().message;
			}
		}
		s.x = s.y = kPointerUnitsPerInch / dpi;
		return s;
	}
	if (!info.caps.absPointer && !info.caps.touchpad)
		return std::nullopt;
	s.kind = info.caps.touchpad ? PointerScale::Kind::Touchpad : PointerScale::Kind::Absolute;
	const auto x = info.absAxes.find(ABS_X), y = info.absAxes.find(ABS_Y);
	if (x == info.absAxes.end() || y == info.absAxes.end()) {
		s.source = PointerScale::Source::Fallback;
		return s;
	}
	bool fallback = false;
	s.x = absScale(x->second, kFallbackScreenWidth, fallback);
	s.y = absScale(y->second, kFallbackScreenHeight, fallback);
	s.minX = x->second.minimum;
	s.minY = y->second.minimum;
	s.source = fallback ? PointerScale::Source::Fallback : PointerScale::Source::Resolution;
	return s;
}

PointerSampler::PointerSampler(const PointerScale &scale) : scale_(scale) {}

void PointerSampler::reset()
{
	touching_ = false;
	multi_ = false;
	fingerX_.reset();
	fingerY_.reset();
}

uint32_t PointerSampler::frame(Frame events, std::vector<PointerSample> &out)
{
	if (events.empty())
		return 0;
	const uint64_t t = events.back().timeUsec;
	const double x0 = x_, y0 = y_;
	uint32_t scroll = 0;
	std::optional<double> absX, absY;
	struct Button {
		uint16_t code;
		bool down;
	};
	std::array<Button, 8> buttons{};
	size_t nButtons = 0;
	for (const InputEvent &ev : events) {
		switch (ev.type) {
		case EV_REL:
			if (ev.code == REL_X)
				x_ += ev.value * scale_.x;
			else if (ev.code == REL_Y)
				y_ += ev.value * scale_.y;
			else if (ev.code == REL_WHEEL || ev.code == REL_HWHEEL || ev.code == REL_WHEEL_HI_RES ||
				 ev.code == REL_HWHEEL_HI_RES)
				scroll++;
			break;
		case EV_ABS:
			if (ev.code == ABS_X)
				absX = (ev.value - scale_.minX) * scale_.x;
			else if (ev.code == ABS_Y)
				absY = (ev.value - scale_.minY) * scale_.y;
			break;
		case EV_KEY:
			if (ev.code == BTN_LEFT || ev.code == BTN_RIGHT || ev.code == BTN_MIDDLE) {
				if (ev.value != 2 && nButtons < buttons.size())
					buttons[nButtons++] = {ev.code, ev.value != 0};
			} else if (ev.code == BTN_TOUCH) {
				touching_ = ev.value != 0;
				if (!touching_) {
					fingerX_.reset();
					fingerY_.reset();
				}
			} else if (ev.code == BTN_TOOL_DOUBLETAP || ev.code == BTN_TOOL_TRIPLETAP ||
				   ev.code == BTN_TOOL_QUADTAP || ev.code == BTN_TOOL_QUINTTAP) {
				if (ev.value)
					multi_ = true;
				else if (ev.code == BTN_TOOL_DOUBLETAP)
					multi_ = false;
			}
			break;
		default: break;
		}
	}
	if (scale_.kind == PointerScale::Kind::Absolute) {
		if (absX)
			x_ = *absX;
		if (absY)
			y_ = *absY;
		if (absX || absY)
			haveAbs_ = true;
	} else if (scale_.kind == PointerScale::Kind::Touchpad) {
		// The finger's movement moves the pointer; where it lands does not.
		if (touching_ && !multi_) {
			if (absX) {
				if (fingerX_)
					x_ += *absX - *fingerX_;
				fingerX_ = absX;
			}
			if (absY) {
				if (fingerY_)
					y_ += *absY - *fingerY_;
				fingerY_ = absY;
			}
		} else {
			if (multi_ && touching_ && (absX || absY))
				scroll++;
			fingerX_ = touching_ && !multi_ ? absX : std::nullopt;
			fingerY_ = touching_ && !multi_ ? absY : std::nullopt;
		}
	}
	if (x_ != x0 || y_ != y0)
		out.push_back({t, x_, y_, PointerEventKind::Move});
	for (size_t i = 0; i < nButtons; i++)
		out.push_back({t, x_, y_, buttons[i].down ? PointerEventKind::ButtonDown : PointerEventKind::ButtonUp});
	return scroll;
}

} // namespace tactus
