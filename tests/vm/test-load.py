#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""vm suite: an 8,000 Hz mouse and continuous typing at once (issue 14).

One boot, tactusd.service running from the build tree. For LOAD_SECONDS:
  - `tools/vm/guest-storm mouse --hz 8000` in the guest: a uinput mouse
    writing one REL_X/REL_Y/SYN_REPORT frame per write(2), paced at 8 kHz
    or as fast as the TCG guest can go (the achieved rate is printed);
  - the host types random letters on a hot-plugged QEMU usb-kbd, about 10
    keys per second, all the while.
Then both devices go away and tactusd's removal lines are checked: the
keyboard with no resync and every press released, the mouse with every
frame it missed accounted for by a SYN_DROPPED resync (the share read is
printed: a TCG guest does not always run tactusd within the 2.6 ms the
kernel's 64-event buffer holds at 8 kHz). tactusd's CPU share over the interval
(utime+stime from /proc/PID/stat) and its RSS before and after are
printed; it must be up with no restart.

  python3 tests/vm/test-load.py [--build-dir BUILD] [--workdir BUILD/vm]
Exits 0 on success, 1 on failure, 77 when this host cannot run the test bed.
"""
import json
import os
import random
import sys
import threading
import time

import vmtest
from vmtest import VmError, check, note

STORM = os.path.join(vmtest.SRC, "tools", "vm", "guest-storm")
LOAD_SECONDS = 120
LETTERS = list("qwertyuiopasdfghjklzxcvbnm")


def cpu_and_rss(vm, pid):
    """(utime+stime seconds, VmRSS KiB, guest CLOCK_MONOTONIC seconds) of @pid."""
    out = vm.check(f"cat /proc/{pid}/stat; grep VmRSS /proc/{pid}/status; getconf CLK_TCK; cat /proc/uptime",
                   timeout=20).splitlines()
    fields = out[0][out[0].rindex(")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of proc(5)
    return ticks / int(out[2]), int(out[1].split()[1]), float(out[3].split()[0])


def body(vm, args):
    vmtest.wait_log(vm, lambda L: any("publishing on the bus" in l for l in L), timeout=60,
                    what="'publishing on the bus'")
    D = vm.DISPLAYS
    pid = int(vmtest.unit_property(vm, "tactusd.service", "MainPID")["MainPID"])

    # The keyboard: hot-plugged, so unplugging it at the end logs its counts.
    before = set(vmtest.sys_devices(vm))
    vm.qmp.device_add("usb-kbd", "loadkbd", bus="xhci.0", display=D["hotplug"])
    lines = vmtest.wait_log(vm, lambda L: set(vmtest.daemon_devices(L)) - before, timeout=30,
                            what="'added' line for the hot-plugged usb-kbd")
    new = sorted(set(vmtest.daemon_devices(lines)) - before)
    if len(new) != 1:
        raise VmError(f"hot-plugged usb-kbd: tactusd added {new}")
    kbd = new[0]

    vm.run("rm -f /tmp/mouse.ready /tmp/mouse.go", timeout=10)
    job = vm.start(f"/usr/bin/python3 {STORM} mouse --hz 8000 --seconds {LOAD_SECONDS} "
                   f"--ready /tmp/mouse.ready --go /tmp/mouse.go --linger 1", timeout=LOAD_SECONDS + 120)
    deadline = time.monotonic() + 30
    while (rd := vm.run("cat /tmp/mouse.ready", timeout=10))[0] != 0:
        if time.monotonic() > deadline:
            raise VmError(f"guest-storm mouse never got ready: {job.wait(5)}")
        time.sleep(0.2)
    mouse = rd[1].strip()
    vmtest.wait_log(vm, lambda L: vmtest.additions(L, mouse), timeout=30, what=f"'added' line for {mouse}")
    note(f"mouse {mouse} (uinput), keyboard {kbd} (hot-plugged usb-kbd)")

    cpu0, rss0, t0 = cpu_and_rss(vm, pid)
    vm.check("touch /tmp/mouse.go", timeout=10)
    pressed = [0]
    stop = threading.Event()

    def typist():
        rng = random.Random(14)
        while not stop.is_set():
            key = rng.choice(LETTERS)
            vm.qmp.send_key(D["hotplug"], key, True)
            time.sleep(0.03)
            vm.qmp.send_key(D["hotplug"], key, False)
            pressed[0] += 1
            stop.wait(rng.uniform(0.05, 0.12))

    typing = threading.Thread(target=typist, daemon=True)
    typing.start()
    mid = []
    time.sleep(LOAD_SECONDS / 2)
    mid.append(vm.run("busctl --system get-property org.tactus.Tactus1 /org/tactus/Tactus1 "
                      "org.tactus.Manager1 Mode", timeout=60))
    rc, out, err = job.wait()
    stop.set()
    typing.join(timeout=10)
    cpu1, rss1, t1 = cpu_and_rss(vm, pid)
    res = json.loads([l for l in out.splitlines() if l.startswith("{")][-1]) if rc == 0 else {}
    check(rc == 0, f"guest-storm mouse: {res or err.strip()[-300:]}")
    note(f"mouse: {res.get('frames')} frames in {res.get('seconds')} s: {res.get('per_second')} Hz achieved "
         f"(asked 8000)")
    note(f"typing: {pressed[0]} keys on the usb-kbd over the same interval")
    share = (cpu1 - cpu0) / (t1 - t0)
    note(f"tactusd CPU: {cpu1 - cpu0:.2f} s of CPU over {t1 - t0:.1f} s = {share * 100:.1f}% of one guest CPU "
         f"(TCG-emulated)")
    note(f"tactusd RSS: {rss0} KiB before the load, {rss1} KiB after ({rss1 - rss0:+d} KiB)")
    check(mid and mid[0][0] == 0, f"mid-load bus read: {mid[0][1].strip() if mid else '-'}")

    time.sleep(1)
    vm.qmp.device_del("loadkbd")
    lines = vmtest.wait_log(vm, lambda L: vmtest.removals(L, mouse) and vmtest.removals(L, kbd), timeout=60,
                            what=f"'removed' lines for {mouse} and {kbd}")
    m, k = vmtest.removals(lines, mouse)[-1], vmtest.removals(lines, kbd)[-1]
    note(f"tactusd on {mouse}: {m['frames']} frames, rel {m['rel']}, resyncs {m['resyncs']}; "
         f"on {kbd}: keys {k['down']} down/{k['up']} up, resyncs {k['resyncs']}")
    # The kernel keeps 64 events (21 frames, 2.6 ms at 8 kHz) for each
    # reader of a mouse: a TCG guest does not always run tactusd that soon,
    # so frames are dropped (SYN_DROPPED) and libevdev resyncs. What tactusd
    # read must be what was written (zero motions are dropped by the input
    # core: one REL event per frame here), every drop resynced.
    frames = res.get("frames", 0)
    note(f"the mouse: tactusd read {m['frames']} of {frames} frames ({100.0 * m['frames'] / max(1, frames):.1f}%), "
         f"{m['resyncs']} SYN_DROPPED resyncs")
    check(0 < m["frames"] <= frames and m["rel"] == m["frames"] and m["buttons"] == 0
          and (m["frames"] == frames or m["resyncs"] > 0),
          f"the mouse: every frame tactusd missed is accounted for by a resync ({m['frames']} read, "
          f"{m['rel']} motions, {m['resyncs']} resyncs)")
    # A device that overruns its buffer all the time must not flood the journal.
    warned = [l for l in lines if l.startswith(f"device {mouse}: kernel buffer overrun")]
    check(len(warned) <= LOAD_SECONDS // 10 + 2,
          f"SYN_DROPPED warnings for {mouse}: {len(warned)} journal lines for {m['resyncs']} resyncs "
          f"(at most one per 10 s)")
    # QEMU's usb-kbd itself loses presses when the guest is slow (its HID
    # queue), so the keyboard is checked for tactusd's own losses: none.
    # Under an 8 kHz mouse in a loaded TCG guest the keyboard's buffer can
    # overrun too (3 resyncs in one run here): libevdev's resync must leave
    # no key down that is up (every press with its release).
    note(f"the keyboard: {k['resyncs']} SYN_DROPPED resyncs")
    check(k["down"] == k["up"] and 0 < k["down"] <= pressed[0],
          f"the keyboard: {k['down']} of {pressed[0]} presses reached tactusd, each with its release "
          f"(no key state lost, {k['resyncs']} resyncs)")
    p = vmtest.unit_property(vm, "tactusd.service", "ActiveState", "NRestarts", "MainPID")
    check(p["ActiveState"] == "active" and p["NRestarts"] == "0" and int(p["MainPID"]) == pid,
          f"tactusd up under load: {p}")
    vmtest.check_device_list(vm, "after the load")


if __name__ == "__main__":
    # A generous boot limit: on a loaded 2-core host the TCG boot alone can take minutes.
    sys.exit(vmtest.main(body, __doc__.split("\n\n")[0], vm_args={"boot_timeout": 420}))
