#!/bin/bash
# SPDX-License-Identifier: MIT
# The bus API's companion files agree with each other and with the tools
# that read them:
#   the interface XML is well-formed, and every state-changing method in it
#     names a polkit action;
#   the polkit .policy is valid (against polkit's DTD when installed) and
#     defines exactly the actions the XML names, each fully described;
#   the bus .conf is valid, lets only root own the name, denies Set, allows
#     every interface of the XML, and dbus-daemon accepts it;
#   the udev rules parse as KEY{attr}OP"value" pairs (the commented examples
#     too) and use only the documented TACTUS_* values.
# Usage: check-policy-files.sh INTERFACE.xml ACTIONS.policy BUS.conf RULES
set -u

if [ $# -ne 4 ]; then
	echo "usage: $0 INTERFACE.xml ACTIONS.policy BUS.conf UDEV.rules" >&2
	exit 2
fi
xml=$1 policy=$2 busconf=$3 rules=$4

if ! command -v xmllint >/dev/null; then
	echo "SKIP: xmllint is not installed (libxml2-utils)"
	exit 77
fi

status=0
fail() {
	echo "FAIL: $*"
	status=1
}
ok() {
	echo "ok: $*"
}
# xpath VALUE-EXPRESSION FILE: the string value, "" on no match.
xpath() {
	xmllint --xpath "$1" "$2" 2>/dev/null
}

# --- interface XML -----------------------------------------------------------
if out=$(xmllint --noout "$xml" 2>&1); then
	ok "$(basename "$xml") is well-formed"
else
	fail "$(basename "$xml") is not well-formed:"
	echo "$out"
fi

# Read methods are the ones named Get* and List*; every other method changes
# state, and its comment must say which polkit action guards it, or say
# "No polkit action:" and why (ReportSessionInput: the caller's identity,
# checked against logind, is the whole check).
methods=$(xpath '//method/@name' "$xml" | sed -n 's/.*name="\([^"]*\)".*/\1/p')
mutating=0
exempt=()
for m in $methods; do
	case $m in Get* | List*) continue ;; esac
	comment=$(xpath "string(//method[@name='$m']/preceding-sibling::comment()[1])" "$xml")
	if grep -q 'No polkit action:' <<<"$comment"; then
		exempt+=("$m")
		continue
	fi
	mutating=$((mutating + 1))
	if ! grep -Eq 'org\.tactus\.[a-z][a-z-]*' <<<"$comment"; then
		fail "method $m changes state but its comment names no polkit action"
	fi
done
ok "$mutating state-changing methods each name a polkit action"
if [ ${#exempt[@]} -gt 0 ]; then
	ok "without a polkit action, each saying why: ${exempt[*]}"
fi

# Action ids are lower-case (interfaces and errors are CamelCase).
xml_actions=$(grep -Eo 'org\.tactus\.[a-z][a-z-]*[a-z]' "$xml" | sort -u)
if [ -z "$xml_actions" ]; then
	fail "$(basename "$xml") names no polkit action"
fi

# --- polkit actions ----------------------------------------------------------
dtd=/usr/share/polkit-1/policyconfig-1.dtd
if [ -r "$dtd" ]; then
	if out=$(xmllint --noout --dtdvalid "$dtd" "$policy" 2>&1); then
		ok "$(basename "$policy") is valid against $dtd"
	else
		fail "$(basename "$policy") is not valid against $dtd:"
		echo "$out"
	fi
elif out=$(xmllint --noout "$policy" 2>&1); then
	ok "$(basename "$policy") is well-formed ($dtd not installed, DTD not checked)"
else
	fail "$(basename "$policy") is not well-formed:"
	echo "$out"
fi

policy_actions=$(xpath '//action/@id' "$policy" | sed -n 's/.*id="\([^"]*\)".*/\1/p' | sort)
if [ -n "$(uniq -d <<<"$policy_actions")" ]; then
	fail "actions defined twice: $(uniq -d <<<"$policy_actions" | tr '\n' ' ')"
fi
for a in $xml_actions; do
	grep -qxF "$a" <<<"$policy_actions" || fail "action $a is named in $(basename "$xml") but not defined in $(basename "$policy")"
done
for a in $policy_actions; do
	grep -qxF "$a" <<<"$xml_actions" || fail "action $a is defined but no method of $(basename "$xml") uses it"
	for part in description message defaults/allow_any defaults/allow_inactive defaults/allow_active; do
		value=$(xpath "normalize-space(//action[@id='$a']/$part)" "$policy")
		[ -n "$value" ] || fail "action $a has no $part"
	done
	# Letting anyone at all (remote, inactive) change state without
	# authenticating is never a sensible default here.
	any=$(xpath "normalize-space(//action[@id='$a']/defaults/allow_any)" "$policy")
	[ "$any" = yes ] && fail "action $a: allow_any=yes lets any caller change state"
done
ok "actions agree between the XML and the policy: $(echo $policy_actions)"

# --- bus policy --------------------------------------------------------------
# dbus does not install its busconfig DTD; validate when someone has it.
busdtd=""
for d in /usr/share/xml/dbus-1/busconfig.dtd /usr/share/dbus-1/busconfig.dtd; do
	[ -r "$d" ] && busdtd=$d && break
done
if [ -n "$busdtd" ]; then
	if out=$(xmllint --noout --dtdvalid "$busdtd" "$busconf" 2>&1); then
		ok "$(basename "$busconf") is valid against $busdtd"
	else
		fail "$(basename "$busconf") is not valid against $busdtd:"
		echo "$out"
	fi
elif out=$(xmllint --noout "$busconf" 2>&1); then
	ok "$(basename "$busconf") is well-formed (busconfig DTD not installed, DTD not checked)"
else
	fail "$(basename "$busconf") is not well-formed:"
	echo "$out"
fi

name=org.tactus.Tactus1
owners=$(xpath "count(//policy/allow[@own='$name'])" "$busconf")
root_owns=$(xpath "count(//policy[@user='root']/allow[@own='$name'])" "$busconf")
if [ "$owners" != 1 ] || [ "$root_owns" != 1 ]; then
	fail "$name must be ownable by root only (allow own rules: $owners, for root: $root_owns)"
else
	ok "only root may own $name"
fi
if [ "$(xpath "count(//allow[@own_prefix] | //allow[@own='*'])" "$busconf")" != 0 ]; then
	fail "$(basename "$busconf") allows owning by prefix or wildcard"
fi
default='//policy[@context="default"]'
for iface in $(xpath '//interface/@name' "$xml" | sed -n 's/.*name="\([^"]*\)".*/\1/p') \
	org.freedesktop.DBus.Introspectable org.freedesktop.DBus.Peer; do
	n=$(xpath "count($default/allow[@send_destination='$name' and @send_interface='$iface' and not(@send_member)])" "$busconf")
	[ "$n" = 1 ] || fail "default context does not allow calls to $iface"
done
for member in Get GetAll; do
	n=$(xpath "count($default/allow[@send_destination='$name' and @send_interface='org.freedesktop.DBus.Properties' and @send_member='$member'])" "$busconf")
	[ "$n" = 1 ] || fail "default context does not allow Properties.$member"
done
if [ "$(xpath "count($default/deny[@send_destination='$name' and @send_interface='org.freedesktop.DBus.Properties' and @send_member='Set'])" "$busconf")" != 1 ]; then
	fail "default context does not deny Properties.Set"
fi
# A bare allow send_destination would open every interface, Set included.
if [ "$(xpath "count($default/allow[@send_destination='$name' and not(@send_interface)])" "$busconf")" != 0 ]; then
	fail "default context allows every interface of $name"
fi
ok "callers may use the interfaces of $(basename "$xml"), Properties Get/GetAll (not Set), Introspectable, Peer"

if command -v dbus-daemon >/dev/null; then
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' EXIT
	cat >"$scratch/bus.conf" <<-EOF
		<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
		 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
		<busconfig>
		  <type>custom</type>
		  <listen>unix:dir=$scratch</listen>
		  <auth>EXTERNAL</auth>
		  <policy context="default"><allow user="*"/></policy>
		  <include>$(realpath "$busconf")</include>
		</busconfig>
	EOF
	# dbus-daemon refuses to start on an included file it cannot parse;
	# started forked, it prints address and pid once it is up.
	if out=$(dbus-daemon --config-file="$scratch/bus.conf" --fork --print-address=1 --print-pid=1 2>&1); then
		pid=$(sed -n 2p <<<"$out")
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
		ok "dbus-daemon accepts $(basename "$busconf")"
	else
		fail "dbus-daemon rejects $(basename "$busconf"):"
		echo "$out"
	fi
else
	echo "skipped: dbus-daemon is not installed, $(basename "$busconf") not loaded"
fi

# --- udev rules --------------------------------------------------------------
# systemd 252 has no "udevadm verify", and "udevadm test" only runs the
# installed rules against a real device, so the syntax is checked here:
# every line is a comment or comma-separated KEY{attr}OP"value" pairs, match
# keys with ==/!=, assignment keys with =/+=/-=/:=. Commented examples that
# look like rules ("#KEY...") are checked the same way: they get copied.
match_keys='ACTION|DEVPATH|KERNEL|KERNELS|SUBSYSTEM|SUBSYSTEMS|DRIVER|DRIVERS|ATTRS|TAGS|TEST|PROGRAM|RESULT|CONST|SYSCTL'
assign_keys='NAME|SYMLINK|OWNER|GROUP|MODE|SECLABEL|RUN|LABEL|GOTO|IMPORT|OPTIONS|TAG|SYSCTL'
both_keys='ENV|ATTR|TAG|NAME|SYMLINK|SYSCTL|TEST|PROGRAM|RESULT|CONST|DEVPATH'
pair_re='^[[:space:]]*([A-Z]+)(\{[^}]+\})?[[:space:]]*(==|!=|\+=|-=|:=|=)[[:space:]]*"([^"\\]|\\.)*"[[:space:]]*'
declare -A labels=() gotos=()
lineno=0 rules_checked=0 examples_checked=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	example=0
	if [[ $line =~ ^#[A-Z]+(\{[^}]*\})?(==|!=|=|\+=) ]]; then
		line=${line#\#}
		example=1
	fi
	[[ $line =~ ^[[:space:]]*(#.*)?$ ]] && continue
	rest=$line
	while [ -n "$rest" ]; do
		if ! [[ $rest =~ $pair_re ]]; then
			fail "$(basename "$rules"):$lineno: not a KEY{attr}OP\"value\" pair: ${rest:0:60}"
			break
		fi
		key=${BASH_REMATCH[1]} attr=${BASH_REMATCH[2]} op=${BASH_REMATCH[3]}
		value=${BASH_REMATCH[0]#*\"}
		value=${value%\"*}
		rest=${rest:${#BASH_REMATCH[0]}}
		if [[ $op == "==" || $op == "!=" ]]; then
			[[ $key =~ ^($match_keys|$both_keys)$ ]] || fail "$(basename "$rules"):$lineno: $key cannot be matched with $op"
		else
			[[ $key =~ ^($assign_keys|$both_keys)$ ]] || fail "$(basename "$rules"):$lineno: $key cannot be assigned with $op"
		fi
		case "$key$attr$op" in
		LABEL=) labels[$value]=1 ;;
		GOTO=) gotos[$value]=$lineno ;;
		"ENV{TACTUS_TRUST}=") [[ $value =~ ^(allow|deny)$ ]] || fail "$(basename "$rules"):$lineno: TACTUS_TRUST must be allow or deny, not '$value'" ;;
		"ENV{TACTUS_IGNORE}=") [ "$value" = 1 ] || fail "$(basename "$rules"):$lineno: TACTUS_IGNORE must be 1, not '$value'" ;;
		esac
		if [ -n "$rest" ]; then
			if [[ $rest =~ ^,[[:space:]]* ]]; then
				rest=${rest:${#BASH_REMATCH[0]}}
				[ -n "$rest" ] || fail "$(basename "$rules"):$lineno: trailing comma"
			else
				fail "$(basename "$rules"):$lineno: expected ',' before: ${rest:0:60}"
				break
			fi
		fi
	done
	if [ $example = 1 ]; then
		examples_checked=$((examples_checked + 1))
	else
		rules_checked=$((rules_checked + 1))
	fi
done <"$rules"
for g in "${!gotos[@]}"; do
	[ -n "${labels[$g]:-}" ] || fail "$(basename "$rules"):${gotos[$g]}: GOTO=\"$g\" has no LABEL"
done
grep -q '^[^#]*TAG+="tactus"' "$rules" || fail "$(basename "$rules") does not tag devices for tactus"
ok "$(basename "$rules"): $rules_checked rules and $examples_checked commented examples parse"
if udevadm verify --help >/dev/null 2>&1; then
	if out=$(udevadm verify --resolve-names=never "$rules" 2>&1); then
		ok "udevadm verify accepts $(basename "$rules")"
	else
		fail "udevadm verify rejects $(basename "$rules"):"
		echo "$out"
	fi
else
	echo "skipped: this udevadm has no 'verify' (systemd < 254); syntax checked above"
fi

exit $status
