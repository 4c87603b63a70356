#!/bin/bash
# SPDX-License-Identifier: MIT
# tactusd --replay prints each device with provenance and event counts, the
# same on every run, and equal to the reviewed expectation beside the
# recording. Malformed recordings fail with the file and line named.
set -euo pipefail
tactusd=$(realpath "$1")
recording=$2
expected=$(realpath "$3")
bad_dir=$(realpath "$4")

# Run beside the recording so the output names it the same way on every
# machine.
run() {
	(cd "$(dirname "$recording")" && "$tactusd" --no-bus --replay "$(basename "$recording")" 2>&1)
}

first=$(run)
second=$(run)
if [ "$first" != "$second" ]; then
	echo "FAIL: two replays of the same recording printed different output"
	diff <(echo "$first") <(echo "$second") || true
	exit 1
fi
if ! diff -u "$expected" <(echo "$first"); then
	echo "FAIL: replay output differs from $expected"
	exit 1
fi
echo "ok: replay output stable and as expected ($(echo "$first" | wc -l) lines)"

# Every malformed recording: exit status 1, one error naming file:line, no crash.
shopt -s nullglob
count=0
for bad in "$bad_dir"/bad-*; do
	set +e
	out=$("$tactusd" --no-bus --replay "$bad" 2>&1)
	rc=$?
	set -e
	if [ $rc -ne 1 ]; then
		echo "FAIL: $bad: exit status $rc, expected 1"
		echo "$out"
		exit 1
	fi
	if ! grep -qF "$bad:" <<<"$out"; then
		echo "FAIL: $bad: error does not name the file and line:"
		echo "$out"
		exit 1
	fi
	count=$((count + 1))
done
if [ $count -eq 0 ]; then
	echo "FAIL: no malformed recordings found in $bad_dir"
	exit 1
fi
echo "ok: $count malformed recordings rejected with file:line"
