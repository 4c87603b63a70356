// SPDX-License-Identifier: MIT
#pragma once

// What an administrator should be told about an allow-list rule when it is
// loaded. Each rule kind gets the sentence that is true of it: who can make
// a device the rule matches depends on the provenance it matches
// (DESIGN.md, "Device provenance"), not only on whether it names a creator.

#include "allow-policy.h"

#include <string>
#include <vector>

namespace tactus {

/**
 * Warnings for @p rule, one sentence each (without the rule's name), empty
 * if there is nothing to say:
 *  - creator keys with a provenance no process makes (hardware, hypervisor,
 *    kernel-virtual, unknown): the rule never matches;
 *  - Allow=yes without creator keys, by what the rule can match: uinput or
 *    uhid (or no MatchProvenance) — any process that can open the node can
 *    make a matching device; hardware — no process can, but a USB device
 *    reports whatever name and ids it likes (BadUSB); bluetooth — only BlueZ
 *    makes them, but a paired device chooses its name and ids; hypervisor —
 *    the host's device configuration chooses them; unknown — nothing is
 *    known about where such a device comes from.
 * Deny rules without creator keys get none: spoofing a deny rule gains nothing.
 */
std::vector<std::string> allowRuleWarnings(const AllowRule &rule);

} // namespace tactus
