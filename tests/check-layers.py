#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The dependency rules of docs/ARCHITECTURE.md, checked on the source tree.

1. A file in src/<folder>/ includes project headers only from its own folder
   or from folders listed before it in src/meson.build's tactus_folders.
2. Nothing in src/ includes a header of daemon/, dbus/ or tools/ (no D-Bus,
   no logging, no dataset reader in the library).
3. daemon/ and dbus/ never include tools/eval/ headers.

Usage: check-layers.py SOURCE_ROOT
Prints every violation as FILE:LINE: message and exits 1 if there is one.
"""

import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_order(root):
    text = open(os.path.join(root, "src", "meson.build"), encoding="utf-8").read()
    m = re.search(r"tactus_folders\s*=\s*\[(.*?)\]", text, re.S)
    if not m:
        raise SystemExit("check-layers: no tactus_folders list in src/meson.build")
    return re.findall(r"'([^']+)'", m.group(1))


def headers_in(directory):
    found = {}
    for dirpath, _, files in os.walk(directory):
        for name in files:
            if name.endswith(".h"):
                found.setdefault(name, []).append(os.path.join(dirpath, name))
    return found


def sources(directory):
    for dirpath, _, files in os.walk(directory):
        for name in sorted(files):
            if name.endswith((".h", ".cc")):
                yield os.path.join(dirpath, name)


def includes(path):
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield number, m.group(1)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    root = sys.argv[1]
    order = folder_order(root)
    rank = {folder: i for i, folder in enumerate(order)}
    library = {}
    for folder in order:
        for name, paths in headers_in(os.path.join(root, "src", folder)).items():
            library[name] = folder
    outside = {}
    for top in ("daemon", "dbus", "tools"):
        for name, paths in headers_in(os.path.join(root, top)).items():
            for p in paths:
                outside[name] = os.path.relpath(p, root)
    problems = []
    checked = 0

    for folder in order:
        for path in sources(os.path.join(root, "src", folder)):
            checked += 1
            rel = os.path.relpath(path, root)
            for number, header in includes(path):
                name = os.path.basename(header)
                if header in ("config.h",):
                    continue
                if name in library:
                    dep = library[name]
                    if rank[dep] > rank[folder]:
                        problems.append("%s:%d: src/%s may not include src/%s/%s (a later stage)"
                                        % (rel, number, folder, dep, name))
                elif name in outside:
                    problems.append("%s:%d: the library may not include %s" % (rel, number, outside[name]))
                else:
                    problems.append("%s:%d: unknown project header %s" % (rel, number, header))
    for stray in sorted(set(os.listdir(os.path.join(root, "src"))) - set(order) - {"meson.build"}):
        problems.append("src/%s: not a folder listed in tactus_folders" % stray)

    evaluation = headers_in(os.path.join(root, "tools", "eval"))
    for top in ("daemon", "dbus"):
        for path in sources(os.path.join(root, top)):
            checked += 1
            for number, header in includes(path):
                if os.path.basename(header) in evaluation:
                    problems.append("%s:%d: %s may not include the evaluation library's %s"
                                    % (os.path.relpath(path, root), number, top, header))

    for p in sorted(set(problems)):
        print(p)
    print("checked %d files against %d stages: %d problems" % (checked, len(order), len(set(problems))))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
