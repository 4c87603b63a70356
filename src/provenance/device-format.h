// SPDX-License-Identifier: MIT
#pragma once

#include "device-bus.h"
#include "device-info.h"

#include <string>
#include <string_view>

namespace tactus {

/**
 * One line about a device for logs and tables; the name is sanitised
 * because whoever created the device chose it:
 * `"AT Translated Set 2 keyboard" provenance=hardware (parent serio serio0) bus=i8042 id=0001:0001 seat=seat0
 * caps=keyboard`
 */
std::string formatDeviceLine(const DeviceInfo &info);

/** The creators of a uinput or uhid device: "pid 812 uid 1000 exe /usr/bin/ydotoold unit ydotool.service; ..." (and
 * "user-unit NAME" for a process of a user's manager) or "unknown". */
std::string formatCreators(const DeviceInfo &info);

/** A device as one JSON object (one line), for `tactusctl --json`. */
std::string formatDeviceJson(const DeviceInfo &info);

} // namespace tactus
