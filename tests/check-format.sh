#!/bin/bash
# SPDX-License-Identifier: MIT
# Every C++ source of the project is formatted as the repository's
# .clang-format says. Prints each file that drifts with the first lines of
# the difference and exits 1; skipped (77) without clang-format.
# Usage: check-format.sh SOURCE_ROOT
set -euo pipefail
root=${1:?usage: check-format.sh SOURCE_ROOT}
cd "$root"
clang_format=$(command -v clang-format || command -v clang-format-14 || true)
if [ -z "$clang_format" ]; then
	echo "clang-format not installed (Debian package clang-format): skipped"
	exit 77
fi
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files -- '*.cc' '*.h')
else
	mapfile -t files < <(find src daemon dbus tools tests -name '*.cc' -o -name '*.h' | sort)
fi
bad=0
for f in "${files[@]}"; do
	[ -f "$f" ] || continue
	if ! "$clang_format" --style=file "$f" | diff -u "$f" - >/tmp/check-format.$$ 2>&1; then
		echo "$f: not formatted as .clang-format says (fix: clang-format -i $f)"
		head -n 20 /tmp/check-format.$$ | sed 's/^/    /'
		bad=$((bad + 1))
	fi
done
rm -f /tmp/check-format.$$
echo "checked ${#files[@]} files: $bad not formatted"
[ $bad -eq 0 ]
