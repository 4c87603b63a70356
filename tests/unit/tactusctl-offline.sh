#!/bin/bash
# SPDX-License-Identifier: MIT
# tactusctl without tactusd: on a private, empty bus every bus verb says
# "tactusd is not running" and exits 3 (as `systemctl is-active` for a
# stopped unit), usage errors exit 2, and `devices`
# falls back to reading sysfs. Usage: tactusctl-offline.sh TACTUSCTL RULES_DIR
set -u
ctl=$1
rules=$2

if ! command -v dbus-daemon >/dev/null; then
	echo "SKIP: dbus-daemon is not installed"
	exit 77
fi

tmp=$(mktemp -d)
bus_pid=
cleanup() {
	[ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# A bus of our own with nobody on it: the machine's system bus may well
# have a real tactusd.
cat >"$tmp/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$tmp/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$tmp/bus.conf" --fork --nopidfile --print-pid=3 3>"$tmp/pid" || {
	echo "SKIP: cannot start a private dbus-daemon"
	exit 77
}
bus_pid=$(head -n1 "$tmp/pid")
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/bus"

failures=0
# expect STATUS STDERR-PATTERN ARGS...: run tactusctl, check both.
expect() {
	local want=$1 pattern=$2
	shift 2
	"$ctl" "$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: tactusctl $*: exit $got, expected $want"
		sed 's/^/  stderr: /' "$tmp/err"
		failures=$((failures + 1))
	elif [ -n "$pattern" ] && ! grep -q -- "$pattern" "$tmp/err"; then
		echo "FAIL: tactusctl $*: stderr lacks '$pattern'"
		sed 's/^/  stderr: /' "$tmp/err"
		failures=$((failures + 1))
	else
		echo "ok: tactusctl $* (exit $got)"
	fi
}

not_running="tactusd is not running"
for verb in status sessions monitor ack reset-profile forget "set-mode enforce" "release event3" "ack c2"; do
	# shellcheck disable=SC2086
	expect 3 "$not_running" $verb
done
expect 3 "$not_running" --json status

# A bus that is not there at all means the same to the user.
DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-bus" expect 3 "$not_running" status

expect 2 "Unknown command" frobnicate
expect 2 "takes no arguments" status extra
expect 2 "takes at most one argument" ack c1 c2
expect 2 "needs exactly one argument" release
expect 2 "needs exactly one argument" set-mode
expect 2 "must be 'monitor' or 'enforce'" set-mode paranoid
expect 2 "only apply to 'devices'" --root /nonexistent sessions
expect 2 "unrecognized option" --frobnicate status
expect 2 "Usage:"
expect 0 "" --help
expect 0 "" --version

# devices falls back to sysfs and says so.
expect 0 "showing the devices as read from sysfs" --rules-dir "$rules" devices
expect 0 "showing the devices as read from sysfs" --json --rules-dir "$rules" devices
if grep -qv '^{.*}$' "$tmp/out"; then
	echo "FAIL: --json devices printed a line that is not a JSON object"
	cat "$tmp/out"
	failures=$((failures + 1))
fi
# An empty captured tree is no error, just no devices.
mkdir -p "$tmp/root/sys/class/input"
expect 0 "" --root "$tmp/root" --rules-dir "$rules" devices
grep -q "No input devices" "$tmp/out" || {
	echo "FAIL: devices --root on an empty tree did not say 'No input devices'"
	failures=$((failures + 1))
}

[ "$failures" = 0 ] || exit 1
exit 0
