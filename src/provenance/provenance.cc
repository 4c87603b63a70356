// SPDX-License-Identifier: MIT
#include "provenance.h"

#include <array>
#include <utility>

namespace tactus {

namespace {

constexpr std::array<std::pair<Provenance, std::string_view>, 7> kNames = {{
	{Provenance::Unknown, "unknown"},
	{Provenance::Hardware, "hardware"},
	{Provenance::Hypervisor, "hypervisor"},
	{Provenance::Bluetooth, "bluetooth"},
	{Provenance::Uhid, "uhid"},
	{Provenance::Uinput, "uinput"},
	{Provenance::KernelVirtual, "kernel-virtual"},
}};

} // namespace

std::string_view provenanceName(Provenance p)
{
	for (const auto &[value, name] : kNames)
		if (value == p)
			return name;
	return "unknown";
}

std::optional<Provenance> provenanceFromName(std::string_view name)
{
	for (const auto &[value, n] : kNames)
		if (n == name)
			return value;
	return std::nullopt;
}

} // namespace tactus
