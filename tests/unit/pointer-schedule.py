#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`tactus-eval pointer-schedule` and the test bed's reader of it
(tools/vm/tactusvm.py: PointerSchedule, replay_timing) on a generated
Balabit-format session: long silences with no button held are shortened to
--max-pause-ms, silences while a button is held and all timing within a
movement are kept, the segmenter's actions are marked, garbage is refused
with a clear error. Usage: pointer-schedule.py TACTUS-EVAL"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "vm"))
import tactusvm  # noqa: E402

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def session_rows():
    """A generated session: a point-and-click, 5 s idle, a drag held still
    for 3 s, 10 s idle, a wheel notch, a mouse move."""
    rows, t = [], 0.0

    def row(button, state, x, y):
        rows.append(f"{t:.3f},{t:.3f},{button},{state},{x},{y}")

    for i in range(8):
        row("NoButton", "Move", 100 + 10 * i, 200 + 3 * i)
        t += 0.016
    row("Left", "Pressed", 170, 221)
    t += 0.09
    row("Left", "Released", 170, 221)
    t += 5.0
    row("Left", "Pressed", 170, 221)
    for i in range(6):
        t += 0.016
        row("NoButton", "Drag", 170 + 5 * i, 221)
    t += 3.0
    row("Left", "Released", 195, 221)
    t += 10.0
    row("Scroll", "Down", 0, 0)
    for i in range(8):
        t += 0.02
        row("NoButton", "Move", 300 - 7 * i, 400 + 7 * i)
    return rows


def main(tool):
    with tempfile.TemporaryDirectory() as d:
        good = os.path.join(d, "session_1")
        with open(good, "w") as f:
            f.write("record timestamp,client timestamp,button,state,x,y\n" + "\n".join(session_rows()) + "\n")
        r = subprocess.run([tool, "pointer-schedule", "--balabit", good], capture_output=True, text=True)
        check(r.returncode == 0, f"runs on a generated session (exit {r.returncode}: {r.stderr.strip()})")
        s = tactusvm.PointerSchedule(r.stdout)
        check("2 pauses over 2000 ms" in s.summary and "(11.0 s removed)" in s.summary, f"summary: {s.summary}")
        ups = [row[0] for row in s.rows if row[1] == "up"]
        downs = [row[0] for row in s.rows if row[1] == "down"]
        # The first click ends at 218 ms; 5 s idle -> 2 s; the drag's 3 s hold kept.
        near = all(abs(a - b) <= 1 for a, b in zip(downs + ups, [128, 2218, 218, 5314]))
        check(len(downs) == 2 and len(ups) == 2 and near,
              f"presses at {downs} ms, releases at {ups} ms (idle shortened, the held drag kept)")
        wheel = [row for row in s.rows if row[1] == "wheel"]
        check(len(wheel) == 1 and wheel[0][2] == "down" and abs(wheel[0][0] - ups[1] - 2000) <= 1,
              f"the wheel notch 2 s after the drop: {wheel}")
        moves = [row[0] for row in s.rows if row[1] == "move"]
        check(abs(moves[1] - moves[0] - 16) <= 1 and abs(moves[-1] - moves[-2] - 20) <= 1, "timing within a movement kept")
        types = [t for _, t in s.actions]
        check(types[:2] == ["point-click", "drag-drop"], f"segmenter's actions: {types}")
        check(s.actions_by(ups[0]) == 1 and s.actions_by(10**9) == len(s.actions), "actions_by counts by time")
        lim = subprocess.run([tool, "pointer-schedule", "--balabit", good, "--seconds", "1"], capture_output=True,
                             text=True)
        check(lim.returncode == 0 and all(r[0] <= 1000 for r in tactusvm.PointerSchedule(lim.stdout).rows),
              "--seconds 1 stops at 1 s")

        # --dither-ms: every row late by 0..MS ms, order kept, the same
        # events and actions; the same seed gives the same schedule.
        def dithered(seed):
            r = subprocess.run([tool, "pointer-schedule", "--balabit", good, "--dither-ms", "16", "--dither-seed", seed],
                               capture_output=True, text=True)
            return r.returncode, tactusvm.PointerSchedule(r.stdout) if r.returncode == 0 else None
        rc1, d1 = dithered("1")
        rc2, d2 = dithered("1")
        rc3, d3 = dithered("2")
        ok = rc1 == rc2 == rc3 == 0
        check(ok and [r[1:] for r in d1.rows] == [r[1:] for r in s.rows] and len(d1.actions) == len(s.actions)
              and all(a[0] <= b[0] for a, b in zip(d1.rows, d1.rows[1:]))
              and d1.rows != s.rows and d1.rows == d2.rows and d1.rows != d3.rows,
              "--dither-ms 16: the same events in order, times moved, one seed one schedule")

        # Garbage: a file that is not Balabit's, a missing file, bad options.
        junk = os.path.join(d, "junk")
        with open(junk, "wb") as f:
            f.write(os.urandom(4096))
        for args, want, what in (([junk], 1, "random bytes"), ([os.path.join(d, "none")], 1, "a missing file"),
                                 ([good, "--max-pause-ms", "500"], 2, "a pause below the segmenter's 1 s"),
                                 ([good, "--seconds", "x"], 2, "a bad number"),
                                 ([good, "--seconds", "-1"], 2, "a negative number"),
                                 ([good, "--seconds", "99999999999"], 2, "a huge span"),
                                 ([good, "--dither-ms", "1001"], 2, "a dither over 1 s"),
                                 ([good, "--dither-ms"], 2, "a missing value")):
            r = subprocess.run([tool, "pointer-schedule", "--balabit", *args], capture_output=True, text=True)
            check(r.returncode == want and "pointer-schedule:" in r.stderr and not r.stdout,
                  f"{what}: exit {r.returncode}, {r.stderr.strip()[:100]!r}")
        for text in ("12 move 1", "x move 1 2", "5 down thumb 1 2", "5 wheel left", "5 warp 1 2",
                     "9 move 1 2\n3 move 1 2", "5 move 1 two", os.urandom(64).decode("latin-1")):
            try:
                tactusvm.PointerSchedule(text)
                check(False, f"PointerSchedule accepted {text[:20]!r}")
            except ValueError:
                pass
        check(True, "PointerSchedule refuses malformed lines")

        # replay_timing on made-up frames: a row the guest never saw alone
        # (merged) is skipped; interval errors are against host and schedule.
        sent = [(10.000, (0, "move", 10, 10)), (10.020, (16, "move", 20, 10)),
                (10.030, (32, "move", 30, 10)), (10.060, (48, "down", "left", 30, 10))]
        tab = s.to_tablet
        check(tab(0, 0) == (0, 0) and tab(1919, 1079) == (0x7fff, 0x7fff) and tab(5000, -3) == (0x7fff, 0),
              "to_tablet: the screen over the whole range, clamped")
        frames = [(100.002, *tab(10, 10), {}), (100.034, *tab(30, 10), {}), (100.065, *tab(30, 10), {272: 1})]
        t = tactusvm.replay_timing(sent, frames, tab)
        check(t["paired"] == 3 and t["vs_host"]["n"] == 2 and abs(t["vs_host"]["max"] - 2.0) < 1e-6
              and abs(t["vs_schedule"]["max"] - 15.0) < 1e-6,
              f"replay_timing pairs and interval errors: {t}")
    print("FAIL" if failures else "PASS")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
