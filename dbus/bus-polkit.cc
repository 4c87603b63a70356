// SPDX-License-Identifier: MIT
#include "bus-polkit.h"

#include "bus-util.h"
#include "log.h"

#include <cerrno>
#include <cstring>

namespace tactus {

BusPolkit::BusPolkit(sd_bus *bus) : bus_(sd_bus_ref(bus)) {}

BusPolkit::~BusPolkit() = default;

int BusPolkit::authorize(sd_bus_message *call, const char *action, std::function<Result<void>()> onAllowed)
{
	const char *sender = sd_bus_message_get_sender(call);
	auto pending = std::make_unique<Pending>(
		Pending{this, SdBusMessagePtr(sd_bus_message_ref(call)), action, std::move(onAllowed), nullptr});

	SdBusMessagePtr request;
	int r = sd_bus_message_new_method_call(bus_.get(), outPtr(request), "org.freedesktop.PolicyKit1",
					       "/org/freedesktop/PolicyKit1/Authority",
					       "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
	const uint32_t flags = sd_bus_message_get_allow_interactive_authorization(call) > 0 ? 1u : 0u;
	if (r >= 0)
		r = sd_bus_message_append(request.get(), "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s",
					  sender ? sender : "", action, 0, flags, "");
	if (r >= 0)
		r = sd_bus_call_async(bus_.get(), outPtr(pending->slot), request.get(), onReply, pending.get(), 0);
	if (r < 0)
		return sd_bus_reply_method_errorf(call, kErrorFailed, "Cannot ask polkit: %s", std::strerror(-r));
	pending_.push_back(std::move(pending));
	return 1; // the reply comes later
}

int BusPolkit::onReply(sd_bus_message *reply, void *userdata, sd_bus_error *)
{
	auto *pending = static_cast<Pending *>(userdata);
	BusPolkit *self = pending->self;
	return guardCallback(
		"polkit reply",
		[&] {
			self->answered(pending, reply);
			return 0;
		},
		[&](const CallbackFault &f) {
			// The call still gets an answer, and nothing unwinds into sd-bus,
			// nor does an error return close the connection.
			log_error("%s: %s, failing the call", f.where, f.what);
			sd_bus_reply_method_errorf(pending->call.get(), kErrorFailed, "Internal error: %s", f.what);
			self->pending_.remove_if(
				[pending](const std::unique_ptr<Pending> &p) { return p.get() == pending; });
			return 0;
		});
}

void BusPolkit::answered(Pending *pending, sd_bus_message *reply)
{
	if (sd_bus_message_is_method_error(reply, nullptr)) {
		const sd_bus_error *e = sd_bus_message_get_error(reply);
		finish(pending, false, std::string("polkit is not available (") + (e && e->name ? e->name : "?") + ")");
		return;
	}
	int authorized = 0, challenge = 0;
	int r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
	if (r >= 0)
		r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
	if (r < 0) {
		finish(pending, false, "polkit sent a malformed answer");
		return;
	}
	finish(pending, authorized != 0,
	       challenge ? "authentication is required (try again with interactive authorization)" : "not authorized");
}

void BusPolkit::finish(Pending *pending, bool allowed, const std::string &why)
{
	sd_bus_message *call = pending->call.get();
	if (allowed) {
		Result<void> r = Result<void>();
		try {
			r = pending->onAllowed();
		} catch (...) {
			r = makeError(-ENOMEM, "internal error");
		}
		if (r) {
			sd_bus_reply_method_return(call, "");
		} else {
			SdBusError error;
			setBusError(error.get(), r.error());
			sd_bus_reply_method_error(call, error.get());
		}
	} else {
		const char *sender = sd_bus_message_get_sender(call);
		log_notice("denied %s to %s: %s", pending->action.c_str(),
			   sanitizeForDisplay(sender ? sender : "?", 64).c_str(), why.c_str());
		sd_bus_reply_method_errorf(call, kErrorPermissionDenied, "%s: %s", pending->action.c_str(),
					   why.c_str());
	}
	pending_.remove_if([pending](const std::unique_ptr<Pending> &p) { return p.get() == pending; });
}

} // namespace tactus
