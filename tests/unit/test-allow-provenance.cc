// SPDX-License-Identifier: MIT
// Allow-list rules against provenance and creators (issue 11 items 4 and 8):
// the load-time warnings say what is true of each rule kind, and system and
// user units are different keys.
#include "allow-policy.h"
#include "allow-warnings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace tactus;

namespace {

AllowRule ruleOf(const std::string &body)
{
	auto p = AllowPolicy::parse("[r]\n" + body, "t.rules");
	EXPECT_TRUE(p) << p.error().message;
	if (!p || p->size() != 1)
		return {};
	return p->rules()[0];
}

std::string warningOf(const std::string &body)
{
	std::vector<std::string> w = allowRuleWarnings(ruleOf(body));
	EXPECT_LE(w.size(), 1u);
	return w.empty() ? std::string() : w[0];
}

bool contains(const std::string &s, const std::string &part)
{
	return s.find(part) != std::string::npos;
}

CreatorProcess process(uid_t uid, std::string unit, std::string userUnit)
{
	CreatorProcess c;
	c.pid = 4711;
	c.uid = uid;
	c.exe = "/usr/bin/keyd";
	c.comm = "keyd";
	c.unit = std::move(unit);
	c.userUnit = std::move(userUnit);
	return c;
}

DeviceInfo uinputBy(CreatorProcess c)
{
	DeviceInfo info;
	info.name = "keyd virtual keyboard";
	info.provenance = Provenance::Uinput;
	info.creators = {std::move(c)};
	return info;
}

bool allows(const std::string &body, const DeviceInfo &info)
{
	auto p = AllowPolicy::parse("[r]\n" + body, "t.rules");
	EXPECT_TRUE(p) << p.error().message;
	return p && p->decide(info).allow;
}

} // namespace

// The reported input: a YubiKey allowed by ids on hardware was told "any
// process can make a device that matches it", which is false.
TEST(AllowWarnings, HardwareRuleIsNotToldAnyProcessCanMakeIt)
{
	const std::string w =
		warningOf("MatchVendor=0x1050\nMatchProduct=0x0407\nMatchProvenance=hardware\nAllow=yes\n");
	EXPECT_FALSE(contains(w, "any process")) << w;
	EXPECT_FALSE(contains(w, "matches no creator")) << w;
	EXPECT_TRUE(contains(w, "no process can make a hardware device")) << w;
	EXPECT_TRUE(contains(w, "any USB device")) << w;
}

TEST(AllowWarnings, EachProvenanceGetsWhatIsTrueOfIt)
{
	const struct {
		const char *provenance;
		const char *says;  // must be in the warning ("" = no warning)
		const char *never; // must not be
	} cases[] = {
		{"uinput", "any process that can open /dev/uinput can make", "/dev/uhid"},
		{"uhid", "any process that can open /dev/uhid can make", "/dev/uinput"},
		{"hardware", "no process can make a hardware device", "any process"},
		{"bluetooth", "only BlueZ and the kernel make them", "any process"},
		{"hypervisor", "only the hypervisor makes them", "any process"},
		{"unknown", "unknown provenance", "any process"},
		{"kernel-virtual", "", "any process"},
	};
	for (const auto &c : cases) {
		const std::string w =
			warningOf("MatchName=x*\nMatchProvenance=" + std::string(c.provenance) + "\nAllow=yes\n");
		if (*c.says)
			EXPECT_TRUE(contains(w, c.says)) << c.provenance << ": " << w;
		else
			EXPECT_EQ(w, "") << c.provenance;
		EXPECT_FALSE(contains(w, c.never)) << c.provenance << ": " << w;
	}
	// No provenance: both nodes, and USB devices too.
	const std::string any = warningOf("MatchName=Onboard*\nAllow=yes\n");
	EXPECT_TRUE(contains(any, "/dev/uinput or /dev/uhid")) << any;
	EXPECT_TRUE(contains(any, "any USB device")) << any;
}

TEST(AllowWarnings, CreatorKeysOnDevicesWithoutCreatorsNeverMatch)
{
	for (const char *p : {"hardware", "hypervisor", "kernel-virtual", "unknown"}) {
		const std::string body = "MatchCreatorUid=0\nMatchProvenance=" + std::string(p) + "\nAllow=yes\n";
		EXPECT_TRUE(contains(warningOf(body), "never matches")) << p;
		// And it indeed never matches such a device.
		DeviceInfo info;
		info.provenance = *provenanceFromName(p);
		EXPECT_FALSE(allows(body, info)) << p;
	}
	// BlueZ is the creator of a bluetooth uhid device; uinput and uhid have creators.
	for (const char *p : {"bluetooth", "uinput", "uhid"})
		EXPECT_EQ(warningOf("MatchCreatorUid=0\nMatchProvenance=" + std::string(p) + "\nAllow=yes\n"), "") << p;
}

TEST(AllowWarnings, DenyRulesAndCreatorRulesAreQuiet)
{
	EXPECT_EQ(warningOf("MatchVendor=0x16c0\nMatchProduct=0x27db\nAllow=no\n"), "");
	EXPECT_EQ(warningOf("MatchCreatorUnit=keyd.service\nMatchProvenance=uinput\nAllow=yes\n"), "");
	EXPECT_EQ(warningOf("MatchCreatorUserUnit=app-*onboard*\nMatchCreatorUid=1000\nAllow=yes\n"), "");
	// spoofable() agrees: only rules that can match a synthetic device.
	EXPECT_TRUE(ruleOf("MatchName=x\nMatchProvenance=uinput\nAllow=yes\n").spoofable());
	EXPECT_TRUE(ruleOf("MatchName=x\nAllow=yes\n").spoofable());
	EXPECT_FALSE(ruleOf("MatchName=x\nMatchProvenance=hardware\nAllow=yes\n").spoofable());
}

// Issue 11 item 8: MatchCreatorUnit was the last unit of the cgroup path, so
// a user could run "keyd.service" in their own manager and match a rule
// meant for the system's keyd. System and user units are different keys.
TEST(AllowCreatorUnits, SystemAndUserUnitsAreDifferentThings)
{
	const std::string systemRule = "MatchCreatorUnit=keyd.service\nMatchProvenance=uinput\nAllow=yes\n";
	EXPECT_TRUE(allows(systemRule, uinputBy(process(0, "keyd.service", ""))));
	// The user's own unit of that name: sd_pid_get_unit says user@1000.service.
	EXPECT_FALSE(allows(systemRule, uinputBy(process(1000, "user@1000.service", "keyd.service"))));

	const std::string userRule = "MatchCreatorUserUnit=keyd.service\nMatchCreatorUid=1000\nAllow=yes\n";
	EXPECT_TRUE(allows(userRule, uinputBy(process(1000, "user@1000.service", "keyd.service"))));
	// A system unit of that name is no user unit.
	EXPECT_FALSE(allows(userRule, uinputBy(process(1000, "keyd.service", ""))));
	// Unknown never matches, not even '*'.
	EXPECT_FALSE(allows("MatchCreatorUserUnit=*\nAllow=yes\n", uinputBy(process(0, "keyd.service", ""))));
	EXPECT_TRUE(ruleOf("MatchCreatorUserUnit=x\nAllow=yes\n").hasCreatorKey());
}
