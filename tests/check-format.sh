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

# Tracked files and new ones not yet added (but not ignored ones such as
# build/); a tree without git (a release tarball) is searched instead.
if git rev-parse --git-dir >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cc' '*.h' | sort -u)
else
	mapfile -t files < <(find src daemon dbus tools tests \( -name '*.cc' -o -name '*.h' \) | sort)
fi
diff_out=$(mktemp)
trap 'rm -f "$diff_out"' EXIT
checked=0
bad=0
for f in "${files[@]}"; do
	[ -f "$f" ] || continue # deleted in the work tree, not yet in the index
	checked=$((checked + 1))
	if ! "$clang_format" --style=file "$f" | diff -u "$f" - >"$diff_out" 2>&1; then
		echo "$f: not formatted as .clang-format says (fix: clang-format -i $f)"
		head -n 20 "$diff_out" | sed 's/^/    /'
		bad=$((bad + 1))
	fi
done
echo "clang-format: checked $checked files, $bad not formatted"
[ $bad -eq 0 ]
