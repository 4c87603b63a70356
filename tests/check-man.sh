#!/bin/bash
# SPDX-License-Identifier: MIT
# Every man page renders without a groff warning.
set -u
if ! command -v groff >/dev/null; then
	echo "SKIP: groff is not installed"
	exit 77
fi
status=0
for page in "$@"; do
	out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
	if [ -n "$out" ]; then
		echo "FAIL: $page:"
		echo "$out"
		status=1
	else
		echo "ok: $page"
	fi
done
exit $status
