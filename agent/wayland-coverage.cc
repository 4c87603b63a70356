// SPDX-License-Identifier: MIT
#include "wayland-coverage.h"

#include <algorithm>
#include <cctype>

namespace tactus {

namespace {

bool hasGlobal(const std::vector<std::string> &globals, std::string_view name)
{
	return std::find(globals.begin(), globals.end(), name) != globals.end();
}

bool anyGlobalStartsWith(const std::vector<std::string> &globals, std::string_view prefix)
{
	return std::any_of(globals.begin(), globals.end(), [&](const std::string &g) {
		return std::string_view(g).substr(0, prefix.size()) == prefix;
	});
}

std::string lower(std::string_view s)
{
	std::string out(s);
	for (char &c : out)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	return out;
}

WaylandCompositor fromDesktop(std::string_view desktop)
{
	// XDG_CURRENT_DESKTOP is a colon-separated list, most specific first.
	size_t start = 0;
	while (start <= desktop.size()) {
		const size_t end = std::min(desktop.find(':', start), desktop.size());
		const std::string item = lower(desktop.substr(start, end - start));
		if (item == "gnome" || item == "gnome-classic" || item == "ubuntu" || item == "unity")
			return WaylandCompositor::Gnome;
		if (item == "kde" || item == "plasma")
			return WaylandCompositor::Kde;
		if (item == "sway" || item == "hyprland" || item == "river" || item == "labwc" || item == "wayfire" ||
		    item == "wlroots" || item == "dwl" || item == "cage")
			return WaylandCompositor::Wlroots;
		start = end + 1;
	}
	return WaylandCompositor::Other;
}

} // namespace

std::string_view WaylandCoverage::name() const
{
	switch (compositor) {
	case WaylandCompositor::Gnome: return "GNOME";
	case WaylandCompositor::Kde: return "KDE";
	case WaylandCompositor::Wlroots: return "wlroots";
	case WaylandCompositor::Other: break;
	}
	return "other";
}

std::string WaylandCoverage::summary() const
{
	std::vector<std::string_view> unseen;
	if (virtualKeyboard)
		unseen.push_back("virtual-keyboard");
	if (virtualPointer)
		unseen.push_back("virtual-pointer");
	if (fakeInput)
		unseen.push_back("kde-fake-input");
	unseen.push_back("libei");
	std::string out(name());
	out += globalsKnown ? ": unseen: " : " (globals not read): unseen: ";
	for (size_t i = 0; i < unseen.size(); i++)
		out += std::string(i ? ", " : "") + std::string(unseen[i]);
	out += xwaylandObserved ? "; seen: XTEST of X clients (Xwayland)" : "; seen: nothing";
	return out;
}

WaylandCoverage describeWayland(std::string_view desktop, const std::vector<std::string> &globals, bool globalsKnown,
				bool xwaylandObserved)
{
	WaylandCoverage c;
	c.globalsKnown = globalsKnown;
	c.xwaylandObserved = xwaylandObserved;
	if (globalsKnown && anyGlobalStartsWith(globals, "zwlr_"))
		c.compositor = WaylandCompositor::Wlroots;
	else if (globalsKnown && anyGlobalStartsWith(globals, "org_kde_"))
		c.compositor = WaylandCompositor::Kde;
	else if (globalsKnown && hasGlobal(globals, "gtk_shell1"))
		c.compositor = WaylandCompositor::Gnome;
	else
		c.compositor = fromDesktop(desktop);
	if (globalsKnown) {
		c.virtualKeyboard = hasGlobal(globals, "zwp_virtual_keyboard_manager_v1");
		c.virtualPointer = hasGlobal(globals, "zwlr_virtual_pointer_manager_v1");
		c.fakeInput = hasGlobal(globals, "org_kde_kwin_fake_input");
	} else {
		// Without the registry: what the family ships.
		c.virtualKeyboard =
			c.compositor == WaylandCompositor::Wlroots || c.compositor == WaylandCompositor::Kde;
		c.virtualPointer = c.compositor == WaylandCompositor::Wlroots;
		c.fakeInput = c.compositor == WaylandCompositor::Kde;
	}
	return c;
}

} // namespace tactus
