// SPDX-License-Identifier: MIT
#include "injection-allowance.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <utility>

namespace tactus {

namespace {

constexpr std::array<std::pair<std::string_view, BurstKey>, 6> kKindNames = {{
	{"modhex", BurstKey::Modhex},
	{"letters", BurstKey::Letters},
	{"digits", BurstKey::Digits},
	{"enter", BurstKey::Enter},
	{"tab", BurstKey::Tab},
	{"shift", BurstKey::Shift},
}};

constexpr std::array<uint16_t, 16> kModhex = {KEY_C, KEY_B, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I,
					      KEY_J, KEY_K, KEY_L, KEY_N, KEY_R, KEY_T, KEY_U, KEY_V};
constexpr std::array<uint16_t, 26> kLetters = {KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I,
					       KEY_J, KEY_K, KEY_L, KEY_M, KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R,
					       KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z};
constexpr std::array<uint16_t, 20> kDigits = {KEY_0,   KEY_1,   KEY_2,   KEY_3,   KEY_4,   KEY_5,   KEY_6,
					      KEY_7,   KEY_8,   KEY_9,   KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3,
					      KEY_KP4, KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9};

template<size_t N>
bool in(const std::array<uint16_t, N> &set, uint16_t code)
{
	return std::find(set.begin(), set.end(), code) != set.end();
}

bool has(uint32_t kinds, BurstKey k)
{
	return (kinds & static_cast<uint32_t>(k)) != 0;
}

} // namespace

Result<uint32_t> parseKeyKinds(std::string_view text)
{
	uint32_t kinds = 0;
	size_t i = 0;
	while (i < text.size()) {
		if (text[i] == ' ' || text[i] == ',' || text[i] == '\t') {
			i++;
			continue;
		}
		size_t end = text.find_first_of(" ,\t", i);
		if (end == std::string_view::npos)
			end = text.size();
		const std::string_view word = text.substr(i, end - i);
		auto it = std::find_if(kKindNames.begin(), kKindNames.end(),
				       [word](const auto &p) { return p.first == word; });
		if (it == kKindNames.end())
			return makeError(-EINVAL, "unknown key kind '" + std::string(word) +
							  "' (modhex, letters, digits, enter, tab, shift)");
		kinds |= static_cast<uint32_t>(it->second);
		i = end;
	}
	if (!kinds)
		return makeError(-EINVAL, "no key kind given (modhex, letters, digits, enter, tab, shift)");
	return kinds;
}

std::string keyKindNames(uint32_t kinds)
{
	std::string out;
	for (const auto &[name, kind] : kKindNames)
		if (has(kinds, kind)) {
			if (!out.empty())
				out += ' ';
			out += name;
		}
	return out;
}

bool keyIsOfKinds(uint16_t code, uint32_t kinds)
{
	return (has(kinds, BurstKey::Modhex) && in(kModhex, code)) ||
	       (has(kinds, BurstKey::Letters) && in(kLetters, code)) ||
	       (has(kinds, BurstKey::Digits) && in(kDigits, code)) ||
	       (has(kinds, BurstKey::Enter) && (code == KEY_ENTER || code == KEY_KPENTER)) ||
	       (has(kinds, BurstKey::Tab) && code == KEY_TAB) ||
	       (has(kinds, BurstKey::Shift) && (code == KEY_LEFTSHIFT || code == KEY_RIGHTSHIFT));
}

void BurstAllowanceTracker::reset()
{
	*this = BurstAllowanceTracker(allowance_, pauseUsec_);
}

void BurstAllowanceTracker::keyEvent(uint64_t timeUsec, uint16_t code, int32_t value)
{
	if (value != 1)
		return;
	if (!started_ || timeUsec < lastPressUsec_ || timeUsec - lastPressUsec_ > pauseUsec_) {
		presses_ = 0;
		within_ = true;
		waived_.reset();
		raised_ = false;
	}
	started_ = true;
	lastPressUsec_ = timeUsec;
	presses_++;
	// The kind is judged here and forgotten: only whether the burst is
	// still within the allowance is kept.
	if (presses_ > allowance_.maxKeystrokes || !keyIsOfKinds(code, allowance_.kinds))
		within_ = false;
}

InjectionEvidence BurstAllowanceTracker::judge(const InjectionEvidence &e)
{
	if (within_) {
		if (e.alarm && !waived_)
			waived_ = e;
		InjectionEvidence quiet = e;
		quiet.alarm = false;
		return quiet;
	}
	if (!e.alarm && waived_ && !raised_) {
		raised_ = true;
		InjectionEvidence late = *waived_;
		late.alarm = true;
		return late;
	}
	return e;
}

} // namespace tactus
