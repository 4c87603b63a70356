// SPDX-License-Identifier: MIT
#include "modality.h"

#include <array>

namespace tactus {

namespace {

struct ModalityNames {
	Modality modality;
	std::string_view name;
	std::string_view mismatch;
};

constexpr std::array<ModalityNames, 3> kModalities = {{
	{Modality::Keystroke, "keystroke", "rhythm-mismatch"},
	{Modality::Pointer, "pointer", "pointer-mismatch"},
	{Modality::Touch, "touch", "touch-mismatch"},
}};

} // namespace

std::string_view modalityName(Modality m)
{
	for (const auto &e : kModalities)
		if (e.modality == m)
			return e.name;
	return "unknown";
}

std::optional<Modality> modalityFromName(std::string_view name)
{
	for (const auto &e : kModalities)
		if (e.name == name)
			return e.modality;
	return std::nullopt;
}

std::optional<Modality> modalityFromTag(uint8_t tag)
{
	for (const auto &e : kModalities)
		if (static_cast<uint8_t>(e.modality) == tag)
			return e.modality;
	return std::nullopt;
}

std::string_view modalityMismatchReason(Modality m)
{
	for (const auto &e : kModalities)
		if (e.modality == m)
			return e.mismatch;
	return "behaviour-mismatch";
}

} // namespace tactus
