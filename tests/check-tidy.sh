#!/bin/bash
# SPDX-License-Identifier: MIT
# The library (src/) passes the clang-tidy checks the repository's
# .clang-tidy enables, with the build's compile_commands.json. Prints every
# finding once and exits 1 if there is one, or if clang-tidy itself fails;
# skipped (77) without clang-tidy.
# Usage: check-tidy.sh SOURCE_ROOT BUILD_ROOT
set -euo pipefail
root=${1:?usage: check-tidy.sh SOURCE_ROOT BUILD_ROOT}
build=${2:?usage: check-tidy.sh SOURCE_ROOT BUILD_ROOT}
clang_tidy=$(command -v clang-tidy || command -v clang-tidy-14 || true)
if [ -z "$clang_tidy" ]; then
	echo "clang-tidy not installed (Debian package clang-tidy): skipped"
	exit 77
fi
if [ ! -f "$build/compile_commands.json" ]; then
	echo "no $build/compile_commands.json: skipped"
	exit 77
fi
build=$(realpath "$build")
cd "$root"
root=$(pwd -P)
mapfile -t files < <(find src -name '*.cc' | sort)
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# Two processes at a time (the machines this runs on have two cores), one
# file each: clang-tidy 14 given several files in one process carries
# analyzer state from one to the next and reports a false
# clang-analyzer-valist.Uninitialized in recording-writer.cc.
rc=0
printf '%s\n' "${files[@]}" | xargs -P2 -n1 "$clang_tidy" -p "$build" --quiet >"$out" 2>"$err" || rc=$?

# A header's finding comes once per file including it, and paths come as
# the compile command spells them ("../src/x.cc", "/abs/build/../src/x.cc"):
# name each finding by its path from the source root, and count it once.
mapfile -t findings < <(grep ': warning: \|: error: ' "$out" | while IFS= read -r line; do
	path=${line%%:*}
	[[ $path = /* ]] || path=$build/$path
	echo "$(realpath -m --relative-to="$root" "$path"):${line#*:}"
done | sort -u)
for f in "${findings[@]}"; do
	echo "$f"
done
if [ ${#findings[@]} -ne 0 ]; then
	echo
	echo "clang-tidy says, in full:"
	cat "$out"
fi
if [ $rc -ne 0 ] && [ ${#findings[@]} -eq 0 ]; then
	echo "clang-tidy failed (xargs exit status $rc):"
	grep -v '^[0-9]* warnings\? generated\.$\|^Suppressed [0-9]* warnings\|^Use -header-filter\|NOLINT' "$err" || true
fi
echo "clang-tidy: ${#files[@]} files of src/, ${#findings[@]} findings"
[ ${#findings[@]} -eq 0 ] && [ $rc -eq 0 ]
