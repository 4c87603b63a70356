// SPDX-License-Identifier: MIT
#include "conf-parser.h"

#include "util-lines.h"
#include "util-strings.h"

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

namespace tactus {

Error confError(std::string_view fileName, unsigned line, std::string_view message)
{
	return makeError(-EINVAL, std::string(fileName) + ":" + std::to_string(line) + ": " + std::string(message));
}

Result<void> parseConf(std::string_view text, std::string_view fileName, const ConfSyntax &syntax,
		       const ConfHandler &handler)
{
	if (syntax.maxFileBytes && text.size() > *syntax.maxFileBytes)
		return makeError(-EFBIG, std::string(fileName) + ": larger than " +
						 std::to_string(*syntax.maxFileBytes) + " bytes");
	// Editors on other systems write a byte-order mark; systemd skips it too.
	constexpr std::string_view kBom = "\xef\xbb\xbf";
	if (text.substr(0, kBom.size()) == kBom)
		text.remove_prefix(kBom.size());

	std::string_view section; // "" until the first header; points into text
	bool inSection = false;
	std::vector<std::string_view> seenKeys; // of the current section, for uniqueKeysPerSection

	auto endSection = [&]() -> Result<void> {
		if (!inSection || !handler.sectionEnd)
			return {};
		return handler.sectionEnd();
	};

	for (const TextLine &l : TextLines(text)) {
		if (auto problem = textLineProblem(l.text, syntax.maxLineBytes))
			return confError(fileName, l.number, *problem);

		std::string_view line = trim(l.text);
		if (line.empty() || line[0] == '#' || line[0] == ';')
			continue;

		if (line[0] == '[') {
			if (line.back() != ']')
				return confError(fileName, l.number, "unterminated section header");
			std::string_view title = trim(line.substr(1, line.size() - 2));
			if (title.empty())
				return confError(fileName, l.number, "empty section name");
			if (auto ended = endSection(); !ended)
				return ended;
			section = title;
			inSection = true;
			seenKeys.clear();
			if (handler.sectionStart) {
				if (auto started = handler.sectionStart(title, l.number); !started)
					return started;
			}
			continue;
		}

		size_t eq = line.find('=');
		if (eq == std::string_view::npos)
			return confError(fileName, l.number,
					 "expected " + std::string(syntax.assignmentForm) + ", missing '='");
		if (!inSection)
			return confError(fileName, l.number, "key outside of a [section]");
		ConfAssignment a{section, trim(line.substr(0, eq)), trim(line.substr(eq + 1)), l.number};
		if (a.key.empty())
			return confError(fileName, l.number, "empty key");
		if (!syntax.emptyValues && a.value.empty())
			return confError(fileName, l.number, "empty value for " + std::string(a.key));
		if (syntax.uniqueKeysPerSection) {
			if (std::find(seenKeys.begin(), seenKeys.end(), a.key) != seenKeys.end())
				return confError(fileName, l.number,
						 "duplicate key " + std::string(a.key) + " in section '" +
							 std::string(section) + "'");
			seenKeys.push_back(a.key);
		}
		if (handler.assignment) {
			if (auto assigned = handler.assignment(a); !assigned)
				return assigned;
		}
	}
	return endSection();
}

} // namespace tactus
