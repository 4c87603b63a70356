// SPDX-License-Identifier: MIT
#include "device-bus.h"

#include "sysfs-read.h"
#include "util-name-table.h"

#include <linux/input.h>

#include <cstdio>

namespace tactus {

namespace {

// Every BUS_* of linux/input.h, named as the kernel names the constant.
constexpr auto kBusNames = makeNameTable<uint16_t>({
	{BUS_PCI, "pci"},
	{BUS_ISAPNP, "isapnp"},
	{BUS_USB, "usb"},
	{BUS_HIL, "hil"},
	{BUS_BLUETOOTH, "bluetooth"},
	{BUS_VIRTUAL, "virtual"},
	{BUS_ISA, "isa"},
	{BUS_I8042, "i8042"},
	{BUS_XTKBD, "xtkbd"},
	{BUS_RS232, "rs232"},
	{BUS_GAMEPORT, "gameport"},
	{BUS_PARPORT, "parport"},
	{BUS_AMIGA, "amiga"},
	{BUS_ADB, "adb"},
	{BUS_I2C, "i2c"},
	{BUS_HOST, "host"},
	{BUS_GSC, "gsc"},
	{BUS_ATARI, "atari"},
	{BUS_SPI, "spi"},
	{BUS_RMI, "rmi"},
	{BUS_CEC, "cec"},
	{BUS_INTEL_ISHTP, "intel-ishtp"},
	{0x20, "amd-sfh"}, // BUS_AMD_SFH, newer than some distributions' kernel headers
});
static_assert(kBusNames.oneToOne());

} // namespace

std::string busName(uint16_t bustype)
{
	if (auto name = kBusNames.find(bustype))
		return std::string(*name);
	char buf[8];
	(void)std::snprintf(buf, sizeof(buf), "0x%04x", bustype);
	return buf;
}

std::optional<uint16_t> busFromName(std::string_view name)
{
	if (auto bus = kBusNames.fromName(name))
		return bus;
	if (name.size() > 2 && name.substr(0, 2) == "0x") {
		auto v = parseHex16(name);
		if (v)
			return *v;
	}
	return std::nullopt;
}

} // namespace tactus
