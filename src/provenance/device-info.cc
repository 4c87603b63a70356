// SPDX-License-Identifier: MIT
#include "device-info.h"

namespace tactus {

bool EvdevCodes::has(unsigned type, unsigned code) const
{
	// Every evdev device sends EV_SYN; files and fixtures need not list it.
	if (type == EV_SYN)
		return code <= SYN_MAX;
	if (type >= EV_CNT || !types.test(type))
		return false;
	switch (type) {
	case EV_KEY: return code < KEY_CNT && keys.test(code);
	case EV_REL: return code < REL_CNT && rels.test(code);
	case EV_ABS: return code < ABS_CNT && abs.test(code);
	case EV_SW: return code < SW_CNT && sws.test(code);
	case EV_MSC: return code < MSC_CNT && mscs.test(code);
	default: return true;
	}
}

void EvdevCodes::set(unsigned type, unsigned code)
{
	if (type >= EV_CNT)
		return;
	types.set(type);
	switch (type) {
	case EV_KEY:
		if (code < KEY_CNT)
			keys.set(code);
		break;
	case EV_REL:
		if (code < REL_CNT)
			rels.set(code);
		break;
	case EV_ABS:
		if (code < ABS_CNT)
			abs.set(code);
		break;
	case EV_SW:
		if (code < SW_CNT)
			sws.set(code);
		break;
	case EV_MSC:
		if (code < MSC_CNT)
			mscs.set(code);
		break;
	default: break;
	}
}

Capabilities deriveCapabilities(const EvdevCodes &c)
{
	Capabilities caps;
	bool hasKeys = false;
	if (c.types.test(EV_KEY))
		for (unsigned k = 1; k < KEY_CNT && !hasKeys; k++)
			hasKeys = !isButtonCode(k) && c.keys.test(k);
	caps.keys = hasKeys;
	// As udev's input_id: a keyboard has most of the first 32 keys (Esc, digits, Q..).
	if (hasKeys) {
		unsigned count = 0;
		for (unsigned k = KEY_ESC; k <= KEY_D; k++)
			count += c.keys.test(k);
		caps.keyboard = count >= 16;
	}
	const bool directProp = c.props.test(INPUT_PROP_DIRECT);
	const bool pointerProp = c.props.test(INPUT_PROP_POINTER);
	const bool hasMt = c.has(EV_ABS, ABS_MT_POSITION_X) && c.has(EV_ABS, ABS_MT_POSITION_Y);
	const bool hasAbsXY = c.has(EV_ABS, ABS_X) && c.has(EV_ABS, ABS_Y);
	const bool fingerTool = c.has(EV_KEY, BTN_TOOL_FINGER);
	const bool touch = c.has(EV_KEY, BTN_TOUCH);
	const bool mouseButton = c.has(EV_KEY, BTN_LEFT) || c.has(EV_KEY, BTN_MOUSE);

	if (c.has(EV_REL, REL_X) && c.has(EV_REL, REL_Y))
		caps.pointer = true;
	if (hasAbsXY || hasMt) {
		if (fingerTool && !c.has(EV_KEY, BTN_TOOL_PEN) && (pointerProp || !directProp))
			caps.touchpad = true;
		else if (directProp || (touch && !mouseButton && !fingerTool))
			caps.touchscreen = true;
		else if (mouseButton || c.has(EV_KEY, BTN_TOOL_PEN))
			caps.absPointer = true;
	}
	caps.switches = c.types.test(EV_SW) && c.sws.any();
	return caps;
}

std::string capabilitiesString(const Capabilities &caps)
{
	std::string out;
	auto add = [&](bool on, const char *name) {
		if (!on)
			return;
		if (!out.empty())
			out += ',';
		out += name;
	};
	add(caps.keyboard, "keyboard");
	add(caps.keys && !caps.keyboard, "keys");
	add(caps.pointer, "pointer");
	add(caps.absPointer, "tablet");
	add(caps.touchpad, "touchpad");
	add(caps.touchscreen, "touchscreen");
	add(caps.switches, "switch");
	return out.empty() ? "none" : out;
}

} // namespace tactus
