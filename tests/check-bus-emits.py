#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every signal tactusd sends is checked (issue 14: "sd_bus_emit_* results
are dropped").

A call to sd_bus_emit_*() or sd_bus_send() in daemon/ or dbus/ must not be a
statement of its own: its result goes to checkEmitted() (dbus/bus-util.h:
logged, "…, ignoring"), or into a variable or a return, where the code
handles it. A bare call (or one cast to void) drops a failure without a
word: a client then waits for a VerdictChanged that never comes and nobody
can tell why.

Usage: check-bus-emits.py SOURCE_ROOT
Prints every dropped result as FILE:LINE: the call, and exits 1 if there is one.
"""

import os
import re
import sys

CALL = re.compile(r"\bsd_bus_(?:emit_\w+|send)\s*\(")
COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def dropped(text):
    """(line, call) of each call whose statement starts with the call itself."""
    code = COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    for m in CALL.finditer(code):
        start = max(code.rfind(c, 0, m.start()) for c in ";{}")
        prefix = code[start + 1:m.start()].strip()
        # A label or a case is not a use of the result.
        prefix = re.sub(r"^(?:case\b[^:]*|default|\w+)\s*:(?!:)\s*", "", prefix)
        if prefix in ("", "(void)", "(void) "):
            yield code.count("\n", 0, m.start()) + 1, m.group(0).rstrip("( ")


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    root = argv[1]
    found = checked = 0
    for folder in ("daemon", "dbus"):
        for dirpath, _, files in os.walk(os.path.join(root, folder)):
            for name in sorted(files):
                if not name.endswith((".cc", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                text = open(path, encoding="utf-8").read()
                checked += len(CALL.findall(COMMENT.sub("", text)))
                for line, call in dropped(text):
                    print(f"{os.path.relpath(path, root)}:{line}: the result of {call}() is dropped; "
                          "pass it to checkEmitted() or handle it")
                    found += 1
    if checked == 0:
        print("check-bus-emits: no sd_bus_emit_*/sd_bus_send call found: wrong SOURCE_ROOT?")
        return 1
    print(f"check-bus-emits: {checked} calls, {found} with their result dropped")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
