// SPDX-License-Identifier: MIT
#pragma once

// What the agent can and cannot see on Wayland, per compositor. No Wayland
// client may watch other clients' input, so the agent can only say what is
// out of its sight: which injection paths the compositor offers (from the
// registry's globals: a virtual keyboard or pointer any client may bind,
// KDE's fake input; libei through the remote-desktop portal everywhere) and
// whether anything is seen at all (XTEST of X clients, through Xwayland).
// The report goes out as source `unobservable` with this summary as its
// device, so the verdict carries "session-input-unobservable" rather than
// a false "quiet". Pure: the caller passes XDG_CURRENT_DESKTOP and the
// globals (wayland-probe reads them).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tactus {

/** Compositor families whose injection paths differ. */
enum class WaylandCompositor : uint8_t {
	Gnome,   ///< mutter: no virtual-keyboard protocol for clients; libei (RemoteDesktop portal, mutter's own)
	Kde,     ///< KWin: org_kde_kwin_fake_input, zwp_virtual_keyboard_manager_v1 (input methods), libei
	Wlroots, ///< sway, Hyprland, river, labwc, wayfire...: zwp_virtual_keyboard_manager_v1 and
		 ///< zwlr_virtual_pointer_manager_v1 for every client (wtype)
	Other,   ///< anything else: judged by its globals alone
};

struct WaylandCoverage {
	WaylandCompositor compositor = WaylandCompositor::Other;
	bool globalsKnown = false;     ///< the registry was read (else the protocol items are what the family offers)
	bool virtualKeyboard = false;  ///< zwp_virtual_keyboard_manager_v1 offered
	bool virtualPointer = false;   ///< zwlr_virtual_pointer_manager_v1 offered
	bool fakeInput = false;        ///< org_kde_kwin_fake_input offered
	bool xwaylandObserved = false; ///< the agent watches Xwayland: X clients' XTEST is seen

	/** "GNOME", "KDE", "wlroots", "other". */
	std::string_view name() const;
	/**
	 * One line, at most 256 bytes of ASCII, for the report's device field
	 * and the log: "wlroots: unseen: virtual-keyboard, virtual-pointer,
	 * libei; seen: nothing".
	 */
	std::string summary() const;
};

/**
 * The coverage for a session whose XDG_CURRENT_DESKTOP is @p desktop
 * (colon-separated, any case; may be empty or garbage) and whose registry
 * offers @p globals (interface names; @p globalsKnown false: not read). The
 * globals decide the family where they name it (zwlr_* → wlroots,
 * org_kde_* → KDE, gtk_shell1 → GNOME), else the desktop does.
 */
WaylandCoverage describeWayland(std::string_view desktop, const std::vector<std::string> &globals, bool globalsKnown,
				bool xwaylandObserved);

} // namespace tactus
