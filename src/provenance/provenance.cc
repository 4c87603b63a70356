// SPDX-License-Identifier: MIT
#include "provenance.h"

#include "util-name-table.h"

namespace tactus {

namespace {

constexpr auto kProvenanceNames = makeNameTable<Provenance>({
	{Provenance::Unknown, "unknown"},
	{Provenance::Hardware, "hardware"},
	{Provenance::Hypervisor, "hypervisor"},
	{Provenance::Bluetooth, "bluetooth"},
	{Provenance::Uhid, "uhid"},
	{Provenance::Uinput, "uinput"},
	{Provenance::KernelVirtual, "kernel-virtual"},
});
static_assert(kProvenanceNames.oneToOne());

} // namespace

std::string_view provenanceName(Provenance p)
{
	return kProvenanceNames.name(p, "unknown");
}

std::optional<Provenance> provenanceFromName(std::string_view name)
{
	return kProvenanceNames.fromName(name);
}

} // namespace tactus
