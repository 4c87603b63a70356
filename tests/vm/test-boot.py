#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""vm suite: the test bed itself. Boots the guest and checks that systemd
comes up, the input devices QEMU emulates appear, keys sent over QMP arrive
with kernel timestamps that keep the host's timing, and a hot-plugged USB
keyboard comes and goes.

  python3 tests/vm/test-boot.py --workdir build/vm [--install-dir DESTDIR]

Exits 0 on success, 1 on failure, 77 when this host cannot run the test bed.
"""
import argparse
import os
import statistics
import sys
import time

import vmtest
from vmtest import EVREAD, VmError, check, failures, tactusvm

IMPORTANT_UNITS = ["dbus.service", "systemd-logind.service", "systemd-udevd.service",
                   "systemd-journald.service", "tactus-vm-agent.service"]
KEYS = 20
GAP = 0.050


def input_devices(vm):
    """{eventN: name} in the guest."""
    out = vm.check("for d in /sys/class/input/event*; do "
                   "echo \"${d##*/} $(cat $d/device/name)\"; done", timeout=20)
    return dict(l.split(" ", 1) for l in out.splitlines() if " " in l)


def key_timing(vm, label, name, display):
    host, events = vmtest.read_while(
        vm, lambda: vm.qmp.type_keys(display, ["shift"] * KEYS, gap=GAP, hold=0.02), count=KEYS, name=name)
    presses, dev = vmtest.interval_deviation(host, events)
    releases = [e for e in events if e["type"] == 1 and e["value"] == 0]
    if not check(len(presses) == KEYS and len(releases) >= KEYS - 1,
                 f"{label}: {len(presses)}/{KEYS} presses, {len(releases)} releases arrived"):
        return
    mean, worst = statistics.mean(dev), max(dev)
    print(f"     {label}: interval deviation guest vs host over {len(dev)} gaps of "
          f"{GAP * 1000:.0f} ms: mean {mean:.2f} ms, max {worst:.2f} ms")
    # USB HID polls every 10 ms and TCG adds jitter; a mean beyond 15 ms means
    # timestamps no longer follow the host's timing.
    check(mean < 15 and worst < 60, f"{label}: kernel timestamps follow host timing")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workdir", default=os.path.join(os.environ.get("TACTUS_BUILD_ROOT", "build"), "vm"))
    p.add_argument("--install-dir")
    a = p.parse_args()
    t_start = time.monotonic()
    try:
        with tactusvm.Vm(a.workdir, install_dir=a.install_dir) as vm:
            state = vm.wait_running()
            print(f"     boot to {state}: {vm.boot_seconds:.1f} s")
            failed = vm.run("systemctl --failed --no-legend --plain", timeout=20)[1].strip()
            if state == "degraded":
                print("     failed units:\n       " + failed.replace("\n", "\n       "))
            check(not any(u in failed for u in IMPORTANT_UNITS),
                  f"system {state}, no important unit failed")

            check(vm.run("test -c /dev/uinput", timeout=10)[0] == 0, "/dev/uinput exists")
            # getty's autologin runs after multi-user is reached; on a
            # loaded host it can take a while longer.
            deadline = time.monotonic() + 90
            while True:
                rc, out, _ = vm.run("loginctl list-sessions --no-legend", timeout=20)
                if (rc == 0 and tactusvm.TEST_USER in out and "seat0" in out) or time.monotonic() > deadline:
                    break
                time.sleep(1)
            check(rc == 0 and tactusvm.TEST_USER in out and "seat0" in out,
                  f"{tactusvm.TEST_USER} has a seat0 session (autologin): {out.strip()}")
            rc, out, err = vm.run("busctl call org.freedesktop.PolicyKit1 "
                                  "/org/freedesktop/PolicyKit1/Authority "
                                  "org.freedesktop.DBus.Properties Get ss "
                                  "org.freedesktop.PolicyKit1.Authority BackendName", timeout=30)
            check(rc == 0, f"polkitd answers on the system bus: {out.strip()}{err.strip()}")
            rc, out, _ = vm.run("id -un; echo $HOME", timeout=10, user=tactusvm.TEST_USER)
            check(out.split() == [tactusvm.TEST_USER, f"/home/{tactusvm.TEST_USER}"],
                  f"commands run as {tactusvm.TEST_USER}")

            devices = input_devices(vm)
            for ev, name in sorted(devices.items()):
                print(f"     {ev}: {name}")
            names = " | ".join(devices.values())
            for want in ("USB Keyboard", "USB Tablet", "Virtio Keyboard", "Virtio Mouse",
                         "AT Translated Set 2 keyboard"):
                check(want in names, f"input device *{want}* present")

            D = vm.DISPLAYS
            key_timing(vm, "usb-kbd", "USB Keyboard", D["usb-kbd"])
            key_timing(vm, "virtio-keyboard", "Virtio Keyboard", D["virtio-keyboard"])
            key_timing(vm, "i8042", "AT Translated Set 2 keyboard", D["i8042"])

            _, ev = vmtest.read_while(vm, lambda: [vm.qmp.move_mouse(D["virtio-mouse"], 5, -3) for _ in range(3)],
                                      count=4, name="Virtio Mouse", types="rel", timeout=20)
            check(any(e["type"] == 2 for e in ev), f"virtio-mouse: {len(ev)} rel events arrived")
            _, ev = vmtest.read_while(vm, lambda: [vm.qmp.move_abs(D["usb-tablet"], 1000 * i, 2000 + i)
                                                   for i in range(1, 4)],
                                      count=2, name="USB Tablet", types="abs", timeout=20)
            check(any(e["type"] == 3 for e in ev), f"usb-tablet: {len(ev)} abs events arrived")

            # Hot-plug: a keystroke-injection stick is a usb-kbd appearing late.
            before = input_devices(vm)
            vm.qmp.device_add("usb-kbd", "stick0", bus="xhci.0", display=D["hotplug"])
            new = {}
            deadline = time.monotonic() + 30
            while not new and time.monotonic() < deadline:
                time.sleep(0.3)
                new = {k: v for k, v in input_devices(vm).items() if k not in before}
            if check(len(new) == 1, f"hot-plugged usb-kbd appears: {new}"):
                node = next(iter(new))
                ready = "/tmp/hp-ready"
                job = vm.start(f"{EVREAD} --device /dev/input/{node} --count 2 --timeout 20 "
                               f"--ready {ready}", timeout=30)
                while vm.run(f"test -e {ready}", timeout=10)[0] != 0:
                    time.sleep(0.1)
                vm.qmp.type_keys(D["hotplug"], ["a", "b"], gap=0.05)
                rc, out, err = job.wait()
                check(rc == 0, f"keys typed on the hot-plugged keyboard arrive on {node}")
                vm.qmp.device_del("stick0")
                gone = False
                deadline = time.monotonic() + 30
                while not gone and time.monotonic() < deadline:
                    gone = node not in input_devices(vm)
                    if not gone:
                        time.sleep(0.3)
                check(gone, f"device_del removes {node}")
            if failures:
                raise VmError("failed: " + "; ".join(failures))
    except tactusvm.VmSkip as e:
        tactusvm.skip(str(e))
    except VmError as e:
        print(f"FAIL: {e}", flush=True)
        print(f"     whole test: {time.monotonic() - t_start:.1f} s")
        return 1
    print(f"     whole test: {time.monotonic() - t_start:.1f} s")
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
