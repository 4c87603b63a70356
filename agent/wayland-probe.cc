// SPDX-License-Identifier: MIT
#include "wayland-probe.h"

#include <cerrno>

#ifdef TACTUS_HAVE_WAYLAND
#include <wayland-client.h>
#endif

namespace tactus {

#ifdef TACTUS_HAVE_WAYLAND
namespace {

void onGlobal(void *data, wl_registry *, uint32_t, const char *interface, uint32_t)
{
	if (interface)
		static_cast<std::vector<std::string> *>(data)->emplace_back(interface);
}

void onGlobalRemove(void *, wl_registry *, uint32_t) {}

const wl_registry_listener kListener = {onGlobal, onGlobalRemove};

} // namespace

Result<std::vector<std::string>> waylandGlobals()
{
	wl_display *display = wl_display_connect(nullptr);
	if (!display)
		return makeError(-errno ? -errno : -ENOENT, "cannot connect to the Wayland compositor");
	std::vector<std::string> globals;
	wl_registry *registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &kListener, &globals);
	const int r = wl_display_roundtrip(display);
	wl_registry_destroy(registry);
	wl_display_disconnect(display);
	if (r < 0)
		return makeError(-EIO, "the Wayland compositor did not answer the registry");
	return globals;
}
#else
Result<std::vector<std::string>> waylandGlobals()
{
	return makeError(-ENOTSUP, "built without libwayland-client");
}
#endif

} // namespace tactus
