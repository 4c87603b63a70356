#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# tactus-eval takeover on a generated Aalto-format directory: two synthetic
# typists with very different timing (generated key codes, never real text),
# the tiny fixture model (random weights: the figures mean nothing, the
# bookkeeping does). Checks that the program runs, that its counts add up,
# that --json parses and --svg is well-formed SVG, and that bad arguments
# exit 2.
# Usage: eval-takeover.py TACTUS_EVAL TINY_MODEL
import json
import random
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

SECTIONS = 15
KEYS = 47  # per section, as in the Aalto data

HEADER = "PARTICIPANT_ID\tTEST_SECTION_ID\tSENTENCE\tUSER_INPUT\tKEYSTROKE_ID\tPRESS_TIME\tRELEASE_TIME\tLETTER\tKEYCODE\n"


def write_typist(directory, pid, hold_ms, gap_ms, seed):
    rng = random.Random(seed)
    t = 1_600_000_000_000
    lines = [HEADER]
    kid = 0
    for s in range(SECTIONS):
        section = 100 * pid + s
        t += 5000
        for _ in range(KEYS):
            code = rng.choice([32] + list(range(65, 91)))  # space, A..Z
            hold = max(5, int(rng.gauss(hold_ms, hold_ms / 8)))
            t += max(10, int(rng.gauss(gap_ms, gap_ms / 6)))
            kid += 1
            letter = " " if code == 32 else chr(code).lower()
            lines.append(f"{pid}\t{section}\tgenerated\tgenerated\t{kid}\t{t}\t{t + hold}\t{letter}\t{code}\n")
    (directory / f"{pid}_keystrokes.txt").write_text("".join(lines))


def main():
    tactus_eval, model = sys.argv[1], sys.argv[2]
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "aalto"
        d.mkdir()
        write_typist(d, 1, hold_ms=70, gap_ms=110, seed=1)   # fast, short holds
        write_typist(d, 2, hold_ms=180, gap_ms=420, seed=2)  # slow, long holds
        svg = Path(tmp) / "takeover.svg"
        run = subprocess.run([tactus_eval, "takeover", str(d), "--model", model, "--json", "--svg", str(svg)],
                             capture_output=True, text=True, timeout=120)
        check(run.returncode == 0, f"exit {run.returncode}: {run.stderr}")
        r = json.loads(run.stdout)
        print(json.dumps(r, indent=1))
        own = SECTIONS * KEYS
        check(r["participants"] == 2, "participants != 2")
        check(r["enrolled"] + r["skipped_enrollment"] == r["participants"], "enrolled + skipped != participants")
        check(r["enrolled"] == 2, "a synthetic typist did not enroll")
        check(r["pairs_per_participant"] == 1, "with 2 participants each has 1 impostor")
        check(r["pairs"] == r["enrolled"] * r["pairs_per_participant"], "pairs != enrolled x pairs per participant")
        enroll = r["enroll_keys_median"]
        check(enroll is not None and r["enrollment_keys"] <= enroll < own, f"enrollment took {enroll} keystrokes")
        # Both typists type the same number of keystrokes and enroll alike.
        check(r["genuine_keys"] == 2 * (own - enroll), f"genuine keys {r['genuine_keys']} != 2 x ({own} - {enroll})")
        imp = r["impostor_keys_to_untrusted"]
        check(0 <= imp["not_reached"] <= r["pairs"], "not_reached out of range")
        check(imp["impostor_keys"] <= r["pairs"] * own, "more impostor keystrokes than typed")
        if imp["not_reached"] == r["pairs"]:
            check(imp["median"] is None and imp["p90"] is None, "median/p90 given though never reached")
        if imp["median"] is not None:
            check(1 <= imp["median"] <= own, "median out of range")
        if imp["median"] is not None and imp["p90"] is not None:
            check(imp["median"] <= imp["p90"], "median > p90")
        if r["false_untrusted"] == 0:
            check(r["genuine_keys_per_false_untrusted"] is None, "a rate without false untrusted")
        else:
            check(abs(r["genuine_keys_per_false_untrusted"] - r["genuine_keys"] / r["false_untrusted"]) < 1,
                  "rate != genuine / false untrusted")
        check(r["targets"] == {"median": 40, "p90": 120, "genuine_keys_per_false_untrusted": 10000}, "targets")
        root = ET.parse(svg).getroot()
        check(root.tag.endswith("svg"), "not an svg")
        check(len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 2, "svg: expected 2 trust curves")

        text = subprocess.run([tactus_eval, "takeover", str(d), "--model", model, "--pairs", "1"],
                              capture_output=True, text=True, timeout=120)
        check(text.returncode == 0 and "impostor keystrokes to untrusted" in text.stdout, "text output")
        for bad in (["--pairs", "0"], ["--pairs", "x"], ["--limit"], ["--bogus"], []):
            b = subprocess.run([tactus_eval, "takeover"] + ([str(d)] if bad else []) + bad + ["--model", model],
                               capture_output=True, text=True, timeout=60)
            check(b.returncode == 2, f"{bad}: exit {b.returncode}, expected 2")
        one = Path(tmp) / "one"
        one.mkdir()
        write_typist(one, 3, 100, 200, 3)
        b = subprocess.run([tactus_eval, "takeover", str(one), "--model", model], capture_output=True, text=True,
                           timeout=60)
        check(b.returncode == 1, "one participant: expected exit 1")

    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
