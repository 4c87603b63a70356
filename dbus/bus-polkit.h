// SPDX-License-Identifier: MIT
#pragma once

#include "sd-ptr.h"
#include "util-result.h"

#include <systemd/sd-bus.h>

#include <functional>
#include <list>
#include <memory>
#include <string>

namespace tactus {

/**
 * polkit's word on every state change, asked asynchronously (systemd's
 * bus-polkit.c): the method call waits, tactusd does not, and the reply
 * comes when polkit has answered.
 */
class BusPolkit {
public:
	explicit BusPolkit(sd_bus *bus);
	~BusPolkit();

	BusPolkit(const BusPolkit &) = delete;
	BusPolkit &operator=(const BusPolkit &) = delete;

	/**
	 * Ask polkit about @p action for the sender of @p call, then reply to
	 * @p call with what @p onAllowed returns, or PermissionDenied. Returns
	 * 1 (the reply comes later) or the result of replying with an error now.
	 */
	int authorize(sd_bus_message *call, const char *action, std::function<Result<void>()> onAllowed);

private:
	struct Pending {
		BusPolkit *self;
		SdBusMessagePtr call;
		std::string action;
		std::function<Result<void>()> onAllowed;
		SdBusSlotPtr slot;
	};
	static int onReply(sd_bus_message *reply, void *userdata, sd_bus_error *error);
	void answered(Pending *pending, sd_bus_message *reply);
	void finish(Pending *pending, bool allowed, const std::string &why);

	SdBusPtr bus_;
	std::list<std::unique_ptr<Pending>> pending_;
};

} // namespace tactus
