#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every callback a C library calls runs through the guard (issue 14:
"exceptions can cross C callbacks").

Finds each function handed to sd-bus (vtable getters, setters and methods,
object lookups, node enumerators, matches, filters, reply handlers), sd-event
(io, time, defer, post, exit, signal, child, inotify sources) and the udev
monitor in daemon/, dbus/, src/, tools/ and agent/, and checks its body: the
first call in it must be a guard (guardCallback() of src/base/util-guard.h,
or a function whose own first call is one: dbus/bus-util.h's guarded(),
daemon/log.h's logGuarded(), DeviceMonitor::guarded(), ...), or a function
that passes this check itself; a body that calls only libsystemd's C
functions (sd_*) needs no guard. Statements before the first call may only
take pointers out of userdata (casts and member access are not calls).
Properties made with BUS_PROPERTY_GETTER() are guarded by that macro, which
is checked too.

Usage: check-guarded-callbacks.py SOURCE_ROOT
Prints FILE:LINE: callback for each unguarded callback, exits 1 if there is one.
"""

import os
import re
import sys

# Registration call -> indexes (0-based) of its callback arguments.
REGISTRATIONS = {
    "SD_BUS_PROPERTY": [2],
    "SD_BUS_WRITABLE_PROPERTY": [2, 3],
    "SD_BUS_METHOD": [3],
    "SD_BUS_METHOD_WITH_ARGS": [3],
    "SD_BUS_METHOD_WITH_OFFSET": [3],
    "SD_BUS_METHOD_WITH_ARGS_OFFSET": [3],
    "sd_bus_add_match": [3],
    "sd_bus_add_match_async": [3, 4],
    "sd_bus_match_signal": [6],
    "sd_bus_match_signal_async": [6, 7],
    "sd_bus_call_method_async": [6],
    "sd_bus_call_async": [3],
    "sd_bus_add_filter": [2],
    "sd_bus_add_object": [3],
    "sd_bus_add_fallback": [3],
    "sd_bus_add_node_enumerator": [3],
    "sd_bus_add_fallback_vtable": [5],
    "sd_event_add_io": [4],
    "sd_event_add_time": [5],
    "sd_event_add_time_relative": [5],
    "sd_event_add_defer": [2],
    "sd_event_add_post": [2],
    "sd_event_add_exit": [2],
    "sd_event_add_signal": [3],
    "sd_event_add_child": [4],
    "sd_event_add_inotify": [4],
    "sd_device_monitor_start": [1],
}
# A BusImplementation (dbus/bus-objects.h) carries the lookup and the node
# enumerator bus-service.cc registers (as objects->find, objects->enumerate).
BUS_IMPLEMENTATION_CALLBACKS = [3, 4]
GUARD = "guardCallback"
NOT_CALLS = {"static_cast", "const_cast", "reinterpret_cast", "sizeof", "alignof", "decltype", "return", "if",
             "while", "for", "switch", "catch", "noexcept"}
NULL_ARGS = {"nullptr", "NULL", "0"}

COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')
CALL = re.compile(r"\b([A-Za-z_]\w*)\s*(?:<[^;{}()]*?>)?\s*\(")


def blank(m):
    return re.sub(r"[^\n]", " ", m.group(0))


def strip(text):
    text = COMMENT.sub(blank, text)
    return STRING.sub(lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', text)


def matching(code, i, open_, close):
    """Index just past the bracket closing the one at code[i]."""
    depth = 0
    for j in range(i, len(code)):
        if code[j] == open_:
            depth += 1
        elif code[j] == close:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(code)


def split_args(s):
    """Top-level comma-separated arguments of s (the text inside parentheses)."""
    args, depth, angle, start = [], 0, 0, 0
    for j, c in enumerate(s):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "<" and depth == 0 and re.search(r"\w\s*$", s[:j]):
            angle += 1
        elif c == ">" and depth == 0 and angle and s[j - 1] != "-":
            angle -= 1
        elif c == "," and depth == 0 and angle == 0:
            args.append(s[start:j].strip())
            start = j + 1
    args.append(s[start:].strip())
    return args


class Source:
    def __init__(self, root):
        self.files = {}
        for folder in ("daemon", "dbus", "src", "tools", "agent"):
            for dirpath, _, names in os.walk(os.path.join(root, folder)):
                for name in sorted(names):
                    if name.endswith((".cc", ".h")):
                        path = os.path.join(dirpath, name)
                        rel = os.path.relpath(path, root)
                        self.files[rel] = strip(open(path, encoding="utf-8").read())
        self.definitions = {}  # name -> [(file, line, body)]
        definition = re.compile(r"(?:^|[\s*&:>])(?:\w+::)*(\w+)\s*\(")
        for rel, code in self.files.items():
            for m in definition.finditer(code):
                name = m.group(1)
                if name in NOT_CALLS:
                    continue
                close = matching(code, m.end() - 1, "(", ")")
                rest = re.match(r"\s*(?:const\s*)?(?:noexcept\s*)?(?:override\s*)?(?:->\s*[\w:<>*& ]+?\s*)?\{",
                                code[close:])
                # A definition: at the start of a line (after its return
                # type), its parameter list followed by a body.
                line_start = code.rfind("\n", 0, m.start()) + 1
                if not rest:
                    continue
                head = code[line_start:m.start(1)]
                if re.search(r"[=;(),]|\breturn\b", head) or head.startswith(("\t", " ")):
                    continue  # a call or an expression, not a definition at namespace/class scope
                brace = close + rest.end() - 1
                body = code[brace + 1:matching(code, brace, "{", "}") - 1]
                self.definitions.setdefault(name, []).append((rel, code.count("\n", 0, m.start()) + 1, body))
        self.macro_guarded = self._macro_guarded()

    def _macro_guarded(self):
        """Names defined by BUS_PROPERTY_GETTER(); self.macro_guard: what the macro's body returns."""
        names = set()
        self.macro_guard = None
        macro_ok = False
        for code in self.files.values():
            m = re.search(r"#define\s+BUS_PROPERTY_GETTER\(([^)]*)\)((?:[^\n]*\\\n)*[^\n]*)", code)
            call = m and re.search(r"return\s+(\w+)\s*\(", m.group(2))
            if call:
                self.macro_guard = call.group(1)
                macro_ok = True
        if not macro_ok:
            return names
        for code in self.files.values():
            for m in re.finditer(r"^BUS_PROPERTY_GETTER\(\s*(\w+)", code, re.M):
                names.add(m.group(1))
        return names

    def first_call(self, body):
        """The name of the first call in body, skipping casts; None if none."""
        for m in CALL.finditer(body):
            if m.group(1) not in NOT_CALLS:
                return m.group(1), body[:m.start()]
        return None, body

    def guarded(self, name, seen=None):
        """(ok, why) for the function called name: does its body start with a guard?"""
        if name == GUARD:
            return True, ""
        seen = seen or set()
        if name in self.macro_guarded:
            ok, why = self.guarded(self.macro_guard, seen)
            return (True, "") if ok else (False, f"BUS_PROPERTY_GETTER's {self.macro_guard}(): {why}")
        if name in seen:
            return False, "recursive"
        seen.add(name)
        defs = self.definitions.get(name)
        if not defs:
            return False, "no definition found"
        for _, _, body in defs:
            ok, why = self.body_guarded(body, seen)
            if not ok:
                return False, why
        return True, ""

    def body_guarded(self, body, seen):
        called = [m.group(1) for m in CALL.finditer(body) if m.group(1) not in NOT_CALLS]
        if called and all(c.startswith("sd_") for c in called):
            return True, ""  # libsystemd's C calls only: nothing can throw
        first, before = self.first_call(body)
        if first is None:
            return True, ""
        # Before the guard: only pointers out of userdata (no call, no object built).
        for statement in before.split(";")[:-1]:
            if re.search(r"\bstd::|\bnew\b|\{", statement):
                return False, f"'{statement.strip()}' before the guard"
        if first == GUARD:
            return True, ""
        ok, why = self.guarded(first, seen)
        return (True, "") if ok else (False, f"first call {first}(): {why}")


def registrations(source):
    """(file, line, callback expression) of each callback handed to a C library."""
    names = "|".join(sorted(REGISTRATIONS, key=len, reverse=True))
    pattern = re.compile(r"\b(" + names + r")\s*\(")
    for rel, code in source.files.items():
        if rel.endswith("check-guarded-callbacks.py"):
            continue
        for m in pattern.finditer(code):
            if re.search(r"#\s*define[^\n]*$", code[:m.start()]):
                continue
            close = matching(code, m.end() - 1, "(", ")")
            args = split_args(code[m.end():close - 1])
            line = code.count("\n", 0, m.start()) + 1
            for i in REGISTRATIONS[m.group(1)]:
                if i < len(args):
                    yield rel, line, m.group(1), args[i]
        for m in re.finditer(r"\bBusImplementation\s+\w+\s*=\s*\{", code):
            close = matching(code, m.end() - 1, "{", "}")
            args = split_args(code[m.end():close - 1])
            line = code.count("\n", 0, m.start()) + 1
            for i in BUS_IMPLEMENTATION_CALLBACKS:
                if i < len(args):
                    yield rel, line, "BusImplementation", args[i]
        for m in re.finditer(r"\bfallbackObjects\s*<", code):
            if "constexpr BusImplementation fallbackObjects" in code[max(0, m.start() - 40):m.end()]:
                continue
            line = code.count("\n", 0, m.start()) + 1
            yield rel, line, "fallbackObjects", "findObject"
            yield rel, line, "fallbackObjects", "enumerateObjects"


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    source = Source(argv[1])
    found = checked = 0
    for rel, line, where, arg in registrations(source):
        if arg in NULL_ARGS or re.fullmatch(r"\w+->(find|enumerate)", arg):
            continue  # no callback; the BusImplementation's fields are checked where it is made
        if arg.startswith("["):
            brace = arg.find("{")
            ok, why = source.body_guarded(arg[brace + 1:arg.rfind("}")], set()) if brace >= 0 else (False, "?")
            name = "lambda"
        else:
            name = re.match(r"[&\s]*(?:\w+::)*(\w+)", arg)
            if not name:
                print(f"{rel}:{line}: {where}: cannot tell which function '{arg}' is")
                found += 1
                continue
            name = name.group(1)
            ok, why = source.guarded(name)
        checked += 1
        if not ok:
            print(f"{rel}:{line}: {where}: callback {name}() is not guarded ({why}); "
                  "run its body through guardCallback() (guarded(), logGuarded())")
            found += 1
    if checked < 10:
        print(f"check-guarded-callbacks: only {checked} callbacks found: wrong SOURCE_ROOT?")
        return 1
    print(f"check-guarded-callbacks: {checked} callbacks, {found} unguarded")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
