// SPDX-License-Identifier: MIT
// tactus-eval key-classes: for every key class set, its classes, how many
// letter keys each character class holds (at least three, DESIGN.md) and its
// leakage: the share of dictionary words whose class sequence no other word
// shares, i.e. words a sequence of classes would still single out.

#include "tactus-eval.h"

#include "key-classes.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tactus::eval {

namespace {

constexpr const char *kDefaultWords = "/usr/share/dict/words";

// Lines made only of a-z (so no proper nouns, apostrophes or accents), deduplicated.
bool readWords(const std::string &path, std::vector<std::string> &out, size_t &lines)
{
	std::ifstream in(path);
	if (!in)
		return false;
	std::set<std::string> seen;
	std::string w;
	while (std::getline(in, w)) {
		lines++;
		if (w.empty())
			continue;
		bool ok = true;
		for (char c : w)
			ok = ok && c >= 'a' && c <= 'z';
		if (ok)
			seen.insert(w);
	}
	out.assign(seen.begin(), seen.end());
	return true;
}

} // namespace

int runKeyClasses(std::span<char *const> args)
{
	std::string wordsPath = kDefaultWords;
	for (size_t i = 0; i < args.size(); i++) {
		std::string_view a = args[i];
		if (a == "--words" && i + 1 < args.size()) {
			wordsPath = args[++i];
		} else {
			fprintf(stderr, "Usage: tactus-eval key-classes [--words FILE]\n");
			return a == "-h" || a == "--help" ? 0 : 2;
		}
	}
	std::vector<std::string> words;
	size_t lines = 0;
	if (!readWords(wordsPath, words, lines)) {
		fprintf(stderr, "tactus-eval key-classes: cannot read %s (Debian package wamerican)\n",
			wordsPath.c_str());
		return 1;
	}
	if (words.empty()) {
		fprintf(stderr, "tactus-eval key-classes: no lower-case a-z words in %s\n", wordsPath.c_str());
		return 1;
	}
	const auto letters = letterKeyCodes();
	printf("words: %s, %zu lines, %zu distinct words of only a-z (lower case)\n", wordsPath.c_str(), lines,
	       words.size());
	printf("leakage = share of those words whose key-class sequence no other word shares\n\n");
	printf("%-10s %7s %9s %12s %s\n", "set", "classes", "char cls", "leakage", "letters per character class");
	int status = 0;
	for (KeyClassSet set : kKeyClassSets) {
		const unsigned n = keyClassCount(set);
		std::vector<std::string> members(n);
		for (size_t l = 0; l < letters.size(); l++)
			members[keyClassOf(set, letters[l])].push_back(static_cast<char>('a' + l));
		size_t minLetters = 26;
		std::string desc;
		for (unsigned c = kFirstCharacterClass; c < n; c++) {
			minLetters = std::min(minLetters, members[c].size());
			desc += (desc.empty() ? "" : " ") + members[c];
		}
		std::map<std::string, unsigned> count;
		for (const std::string &w : words) {
			std::string seq;
			for (char ch : w)
				seq.push_back(
					static_cast<char>(keyClassOf(set, letters[static_cast<size_t>(ch - 'a')])));
			count[seq]++;
		}
		size_t unique = 0;
		for (const auto &[seq, k] : count)
			unique += k == 1;
		printf("%-10s %7u %9u %11.2f%% %s%s\n", std::string(keyClassSetName(set)).c_str(), n,
		       n - kFirstCharacterClass,
		       100.0 * static_cast<double>(unique) / static_cast<double>(words.size()), desc.c_str(),
		       minLetters < 3 ? "  VIOLATES >= 3 letters" : "");
		if (minLetters < 3)
			status = 1;
	}
	return status;
}

} // namespace tactus::eval
