// SPDX-License-Identifier: MIT
#pragma once

// A pointer device's evdev frames as PointerSamples in device-independent
// units (issue 12, "Pointer"), for the PointerActionSegmenter.
//
// The unit is the libinput "normalized" unit: a mouse count at 1000 DPI
// (1/1000 inch, 0.0254 mm), which libinput's flat pointer profile at its
// default speed maps 1:1 to screen pixels (libinput, doc/user/normalization-
// of-relative-motion.rst), so a model fitted on screen pixels (the Balabit
// challenge) reads it on the same scale within the acceleration's bend:
//   relative mice (REL_X/Y)   counts × 1000 / MOUSE_DPI, the udev hwdb
//                             property (systemd hwdb.d/70-mouse.hwdb, the
//                             default entry, marked '*', or the only one);
//                             fallback: 1000 DPI, libinput's own default;
//   absolute pointers and     (value − minimum) / resolution mm × 1000/25.4
//   tablets (ABS_X/Y)         when absinfo gives a resolution (units/mm);
//                             fallback: the axis range spread over a
//                             1920 × 1080 screen (QEMU's usb-tablet and
//                             virtio tablet report 0..32767 and no resolution);
//   touchpads                 the finger's ABS_X/Y movement, scaled as an
//                             absolute device, while one finger touches
//                             (BTN_TOUCH, BTN_TOOL_FINGER); the pointer does
//                             not jump where a finger lands; two or more
//                             fingers scroll and are not movement.
// Buttons (BTN_LEFT, BTN_RIGHT, BTN_MIDDLE) become ButtonDown/ButtonUp
// samples at the pointer's position; the wheel (REL_WHEEL, REL_HWHEEL and
// their hi-res forms) and two-finger touchpad scrolling are counted as
// scrolling, not movement. Times are the kernel's (µs).
// Pure code: no I/O.

#include "device-info.h"
#include "input-event.h"
#include "pointer-features.h"
#include "util-result.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tactus {

/** Device-independent pointer units per inch: the 1000-DPI normalization. */
inline constexpr double kPointerUnitsPerInch = 1000.0;
/** The DPI assumed for a relative mouse without a hwdb MOUSE_DPI entry (libinput's default). */
inline constexpr uint32_t kFallbackMouseDpi = 1000;
/** The screen an absolute device without a resolution is spread over, in units (pixels). */
inline constexpr double kFallbackScreenWidth = 1920.0, kFallbackScreenHeight = 1080.0;

/**
 * The default resolution of a hwdb MOUSE_DPI value ("400@125 *800@125
 * 1600@125", or "1000@500", or "800"): the entry marked '*', else the only
 * one. -EINVAL naming the problem for garbage, several unmarked entries, or a
 * resolution outside 1..100000.
 */
Result<uint32_t> parseMouseDpi(std::string_view value);

/** How one device's coordinates become units. */
struct PointerScale {
	enum class Kind : uint8_t { Relative, Absolute, Touchpad };
	enum class Source : uint8_t { MouseDpi, Resolution, Fallback };
	Kind kind = Kind::Relative;
	Source source = Source::Fallback;
	double x = 1.0, y = 1.0; ///< units per device count (relative) or axis unit (absolute)
	int32_t minX = 0, minY = 0;

	/** "relative, MOUSE_DPI 800", "absolute, 12 units/mm", "absolute, range over 1920x1080 (fallback)". */
	std::string describe() const;
};

/**
 * The scale of @p info: Relative for a mouse (caps.pointer), Touchpad for a
 * touchpad, Absolute for an absolute pointer; nullopt for a device that
 * moves no pointer. A MOUSE_DPI property that does not parse falls back to
 * 1000 DPI (its problem in @p problem, if given).
 */
std::optional<PointerScale> pointerScaleFor(const DeviceInfo &info, std::string *problem = nullptr);

/** Follows one pointer device and turns its frames into samples. */
class PointerSampler {
public:
	explicit PointerSampler(const PointerScale &scale);

	/**
	 * One evdev frame (ending in SYN_REPORT, or its events alone). Appends
	 * the samples it makes to @p out: a Move if the position changed, then
	 * each button change. Returns the number of scroll events in the frame.
	 */
	uint32_t frame(Frame events, std::vector<PointerSample> &out);
	/** Forget touch state (SYN_DROPPED, a new session); the position stays. */
	void reset();

	const PointerScale &scale() const { return scale_; }

private:
	PointerScale scale_;
	double x_ = 0, y_ = 0;          ///< the pointer, units
	bool haveAbs_ = false;          ///< an absolute device reported a position
	bool touching_ = false;         ///< touchpad: one finger down
	bool multi_ = false;            ///< touchpad: two or more fingers (scrolling, gestures)
	std::optional<double> fingerX_; ///< touchpad: last finger position, units
	std::optional<double> fingerY_;
};

} // namespace tactus
