// SPDX-License-Identifier: MIT
//
// The driver for fuzz targets built without libFuzzer (g++ builds, as
// systemd's fuzz-main.c): feed each file named on the command line, or each
// file below each directory named, to LLVMFuzzerTestOneInput once. The
// corpus and the regression inputs run in every build this way; clang builds
// with -Dfuzzing=true link libFuzzer instead and search for new inputs.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

void runFile(const std::filesystem::path &path, unsigned &count)
{
	std::ifstream in(path, std::ios::binary);
	const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
	LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
	count++;
}

} // namespace

int main(int argc, char **argv)
{
	unsigned count = 0;
	for (int i = 1; i < argc; i++) {
		const std::string arg = argv[i];
		if (arg.starts_with("-"))
			continue; // libFuzzer options (-max_total_time=...) mean nothing here
		std::error_code ec;
		if (std::filesystem::is_directory(arg, ec)) {
			for (const auto &e : std::filesystem::recursive_directory_iterator(arg))
				if (e.is_regular_file())
					runFile(e.path(), count);
		} else {
			runFile(arg, count);
		}
	}
	std::printf("%u inputs run without a crash\n", count);
	return count > 0 ? 0 : 1;
}
