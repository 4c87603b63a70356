// SPDX-License-Identifier: MIT
// What the agent says it cannot see on Wayland, per compositor: the family
// from the registry's globals (else XDG_CURRENT_DESKTOP), the injection
// paths offered, and a summary that is a valid `unobservable` report.

#include "session-input.h"
#include "wayland-coverage.h"

#include <gtest/gtest.h>

namespace tactus {
namespace {

// Registry globals as these compositors advertise them (abridged).
const std::vector<std::string> kSway = {"wl_compositor",
					"wl_seat",
					"zwlr_layer_shell_v1",
					"zwp_virtual_keyboard_manager_v1",
					"zwlr_virtual_pointer_manager_v1",
					"ext_idle_notifier_v1"};
const std::vector<std::string> kKwin = {"wl_compositor", "wl_seat", "org_kde_kwin_fake_input",
					"zwp_virtual_keyboard_manager_v1", "org_kde_kwin_idle"};
const std::vector<std::string> kMutter = {"wl_compositor", "wl_seat", "gtk_shell1", "xdg_wm_base"};

bool validUnobservable(const WaylandCoverage &c)
{
	SessionInputReport r;
	r.source = SessionInputSource::Unobservable;
	r.device = c.summary();
	r.windowUsec = 10'000'000;
	return static_cast<bool>(r.validate());
}

TEST(WaylandCoverage, WlrootsOffersVirtualKeyboardAndPointerToEveryClient)
{
	const WaylandCoverage c = describeWayland("sway", kSway, true, false);
	EXPECT_EQ(c.compositor, WaylandCompositor::Wlroots);
	EXPECT_TRUE(c.virtualKeyboard);
	EXPECT_TRUE(c.virtualPointer);
	EXPECT_FALSE(c.fakeInput);
	EXPECT_EQ(c.summary(), "wlroots: unseen: virtual-keyboard, virtual-pointer, libei; seen: nothing");
	EXPECT_TRUE(validUnobservable(c));
}

TEST(WaylandCoverage, KdeHasFakeInput)
{
	const WaylandCoverage c = describeWayland("KDE", kKwin, true, true);
	EXPECT_EQ(c.compositor, WaylandCompositor::Kde);
	EXPECT_TRUE(c.fakeInput);
	EXPECT_TRUE(c.virtualKeyboard);
	EXPECT_FALSE(c.virtualPointer);
	EXPECT_EQ(c.summary(),
		  "KDE: unseen: virtual-keyboard, kde-fake-input, libei; seen: XTEST of X clients (Xwayland)");
}

TEST(WaylandCoverage, GnomeOffersNoVirtualKeyboardButLibei)
{
	const WaylandCoverage c = describeWayland("ubuntu:GNOME", kMutter, true, false);
	EXPECT_EQ(c.compositor, WaylandCompositor::Gnome);
	EXPECT_FALSE(c.virtualKeyboard || c.virtualPointer || c.fakeInput);
	EXPECT_EQ(c.summary(), "GNOME: unseen: libei; seen: nothing");
}

TEST(WaylandCoverage, GlobalsOutrankTheDesktopVariable)
{
	// A wlroots compositor started from a session that claims GNOME.
	EXPECT_EQ(describeWayland("GNOME", kSway, true, false).compositor, WaylandCompositor::Wlroots);
	// An unknown compositor offering a virtual keyboard is judged by it.
	const WaylandCoverage c = describeWayland("", {"wl_seat", "zwp_virtual_keyboard_manager_v1"}, true, false);
	EXPECT_EQ(c.compositor, WaylandCompositor::Other);
	EXPECT_TRUE(c.virtualKeyboard);
	EXPECT_EQ(c.summary(), "other: unseen: virtual-keyboard, libei; seen: nothing");
}

TEST(WaylandCoverage, WithoutTheRegistryTheFamilyDecides)
{
	EXPECT_EQ(describeWayland("Hyprland", {}, false, false).summary(),
		  "wlroots (globals not read): unseen: virtual-keyboard, virtual-pointer, libei; seen: nothing");
	EXPECT_EQ(describeWayland("X-Generic:plasma", {}, false, false).compositor, WaylandCompositor::Kde);
	EXPECT_EQ(describeWayland("GNOME-Classic:GNOME", {}, false, false).compositor, WaylandCompositor::Gnome);
}

TEST(WaylandCoverage, GarbageDesktopIsOther)
{
	const std::string garbage = std::string("\xff\xfe:::") + std::string(4000, 'x') + "\n\t";
	for (const std::string &d : {garbage, std::string(":"), std::string(""), std::string("gnomex")}) {
		const WaylandCoverage c = describeWayland(d, {}, false, false);
		EXPECT_EQ(c.compositor, WaylandCompositor::Other) << d.size();
		EXPECT_TRUE(validUnobservable(c)) << "the summary never carries the variable's bytes";
	}
	// Garbage globals do not confuse the family or overflow the summary.
	std::vector<std::string> junk(1000, std::string(300, '\x01'));
	junk.emplace_back("zwlr_\xff");
	const WaylandCoverage c = describeWayland("", junk, true, true);
	EXPECT_EQ(c.compositor, WaylandCompositor::Wlroots);
	EXPECT_TRUE(validUnobservable(c));
}

} // namespace
} // namespace tactus
