// SPDX-License-Identifier: MIT
#pragma once

// The X11 side of the agent: XInput2 raw events (XI_RawKeyPress,
// XI_RawButtonPress, XI_RawMotion) on the root window, each attributed to
// the slave device it came from. A slave with the "XTEST Device" property is
// XTEST (xdotool, auto-type); one with a "Device Node" property is backed by
// an evdev node (the evdev and libinput drivers set it), so tactusd sees the
// same input; any other slave is a virtual device of the X server or a
// driver (xrdp, Xvnc). A key event's key code is never read.

#include "input-tally.h"
#include "util-result.h"

#include <map>
#include <memory>
#include <string>

struct _XDisplay;

namespace tactus {

/** One X display's input, by source, into an InputTally. */
class X11Observer {
public:
	/** Connect to @p display (null: $DISPLAY) and select raw events; errors say why (no XInput 2.2, ...). */
	static Result<std::unique_ptr<X11Observer>> open(const char *display);
	~X11Observer();

	X11Observer(const X11Observer &) = delete;
	X11Observer &operator=(const X11Observer &) = delete;

	/** The connection's file descriptor, to poll. */
	int fd() const;
	/** Read every pending event into @p tally (Xlib's I/O error handler ends the program if the server goes). */
	void dispatch(InputTally &tally);
	/** How many slave devices of each kind the server has now, for the log: "2 xtest, 0 virtual, 3 evdev". */
	std::string describeDevices() const;

private:
	struct Slave {
		SessionInputSource source;
		std::string name;
	};

	explicit X11Observer(_XDisplay *display) : display_(display) {}
	/** Re-read the slave devices and their kinds (at start and when the hierarchy changes). */
	void refreshDevices();

	_XDisplay *display_;
	int xiOpcode_ = 0;
	std::map<int, Slave> slaves_; ///< by device id
};

} // namespace tactus
