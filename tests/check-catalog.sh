#!/bin/bash
# SPDX-License-Identifier: MIT
# The journal catalog as journalctl itself reads it: indexed into a scratch
# root with `journalctl --root --update-catalog`, every MESSAGE_ID of
# daemon/journal-events.h is listed (`--list-catalog`) as a tactus entry with
# its subject, and no other tactus entry is. Usage: check-catalog.sh CATALOG HEADER
set -u
catalog=$1 header=$2
if ! command -v journalctl >/dev/null; then
	echo "SKIP: journalctl is not installed"
	exit 77
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/lib/systemd/catalog"
cp "$catalog" "$root/usr/lib/systemd/catalog/tactus.catalog"
if ! out=$(journalctl --root="$root" --update-catalog 2>&1) || [ -n "$out" ]; then
	echo "FAIL: journalctl --update-catalog: $out"
	exit 1
fi
listed=$(journalctl --root="$root" --list-catalog 2>&1)
ids=$(grep -oE '"[0-9a-f]{32}"' "$header" | tr -d '"' | sort -u)
status=0
for id in $ids; do
	line=$(grep "^$id tactus: " <<<"$listed")
	if [ -z "$line" ]; then
		echo "FAIL: $id (journal-events.h) not in the catalog"
		status=1
	else
		echo "ok: $line"
	fi
done
extra=$(grep -oE '^[0-9a-f]{32}' <<<"$listed" | grep -vxF "$ids")
if [ -n "$extra" ]; then
	echo "FAIL: catalog ids not in journal-events.h: $extra"
	status=1
fi
[ -n "$ids" ] || { echo "FAIL: no id in $header"; status=1; }
exit $status
