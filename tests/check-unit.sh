#!/bin/bash
# SPDX-License-Identifier: MIT
# systemd-analyze verify accepts the unit. Its ExecStart names the install
# path, which need not exist on a build machine, so a copy pointing at the
# binary from the build tree is verified instead; nothing else changes.
set -u
unit=$(realpath "$1")
tactusd=$(realpath "$2")
if ! command -v systemd-analyze >/dev/null; then
	echo "SKIP: systemd-analyze is not installed"
	exit 77
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
name=$(basename "$unit")
sed "s|^ExecStart=[^ ]*|ExecStart=$tactusd|" "$unit" >"$scratch/$name"
if ! out=$(systemd-analyze verify --man=no "$scratch/$name" 2>&1) || [ -n "$out" ]; then
	echo "FAIL: systemd-analyze verify $name:"
	echo "$out"
	exit 1
fi
echo "ok: $name verifies"
echo "systemd-analyze security exposure (offline, informational):"
systemd-analyze security --offline=yes "$scratch/$name" 2>/dev/null | tail -n 1 || true
