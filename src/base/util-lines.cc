// SPDX-License-Identifier: MIT
#include "util-lines.h"

#include <istream>

namespace tactus {

LineRead readLineLimited(std::istream &in, std::string &line, size_t maxBytes)
{
	line.clear();
	bool any = false;
	bool tooLong = false;
	int c;
	while ((c = in.get()) != std::istream::traits_type::eof()) {
		any = true;
		if (c == '\n')
			break;
		if (line.size() < maxBytes)
			line.push_back(static_cast<char>(c));
		else
			tooLong = true;
	}
	if (!any)
		return LineRead::End;
	return tooLong ? LineRead::TooLong : LineRead::Line;
}

} // namespace tactus
