#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tactus at work on the real-kernel test bed, as a screen locker would see it.

  python3 tools/vm/demo.py --build-dir build [--workdir build/vm] [--seed N]

Installs the build tree into the guest (meson install --destdir), boots it
with tactusd.service enabled and streams tactusd's journal from the guest as
it is written (polled through the agent with a cursor every 0.5 s), while it
plays, with narration:
  1. a person types on the emulated USB keyboard (key sequences from a
     fixed-seed PRNG, never text; 80-300 ms gaps) and moves the USB tablet
     and the virtio mouse; then swaps the keyboard, so tactusd prints what it
     counted on it;
  2. a uinput injection: a process clones the USB keyboard (same name,
     BUS_USB, 0627:0001) and types at 3-12 ms gaps;
  3. a USB keyboard hot-plugged over QMP types at 1-8 ms gaps, then is
     unplugged.
The verdict logic arrives with later issues: for now tactusd shows devices,
their provenance and the event flow (counts, never keys). Exits 77 when the
test bed cannot run here (not root, no QEMU or kernel).
"""
import argparse
import os
import random
import re
import sys
import threading
import time

HERE = os.path.dirname(os.path.realpath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import tactusvm  # noqa: E402

INJECT = os.path.join(HERE, "guest-inject")  # same path in the guest (9p)
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
out_lock = threading.Lock()
t_start = time.monotonic()


def say(text):
    with out_lock:
        print(f"\n[{time.monotonic() - t_start:6.1f}s] >> {text}", flush=True)


def show(line):
    with out_lock:
        print(f"    {line}", flush=True)


class Streamer(threading.Thread):
    """Prints tactusd's journal lines from the guest as they are written."""

    def __init__(self, vm):
        super().__init__(daemon=True)
        self.follower = tactusvm.JournalFollower(vm)
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.flush()
            self.stop.wait(0.5)

    def flush(self):
        try:
            for line in self.follower.poll():
                # "[   54.87] tactus-vm tactusd[222]: ..." -> "[   54.87] tactusd[222]: ..."
                show("journal " + re.sub(r"^(\[[ \d.]+\]) \S+ ", r"\1 ", line))
        except tactusvm.VmError as e:
            show(f"(journal unavailable: {e})")

    def finish(self):
        self.stop.set()
        self.join(5)
        self.flush()


def human_typing(vm, rng, display, n):
    """Human pace: 80-300 ms between presses, 40-120 ms dwell, pauses now and then."""
    keys, gaps = [], []
    for i in range(n):
        keys.append("spc" if rng.random() < 0.15 else rng.choice(LETTERS))
        gaps.append(rng.uniform(0.080, 0.300) + (rng.uniform(0.4, 0.9) if rng.random() < 0.08 else 0))
    t0 = time.monotonic()
    for q, gap in zip(keys, gaps):
        vm.qmp.send_key(display, q, True)
        time.sleep(rng.uniform(0.040, min(0.120, gap * 0.6)))
        vm.qmp.send_key(display, q, False)
        t0 += gap
        time.sleep(max(0.0, t0 - time.monotonic()))
    return sum(gaps)


def tablet_stroke(vm, rng, display, steps=40):
    """A curved stroke across the tablet at ~60 Hz."""
    x0, y0 = rng.randint(0x1000, 0x3000), rng.randint(0x1000, 0x6000)
    x1, y1 = rng.randint(0x4000, 0x7000), rng.randint(0x1000, 0x6000)
    bend = rng.uniform(-0x1000, 0x1000)
    for i in range(steps + 1):
        t = i / steps
        e = t * t * (3 - 2 * t)  # ease in and out, as a hand does
        x = x0 + (x1 - x0) * e
        y = y0 + (y1 - y0) * e + bend * 4 * t * (1 - t)
        vm.qmp.move_abs(display, x, y)
        time.sleep(0.016)
    vm.qmp.click(display, "left", True)
    time.sleep(rng.uniform(0.08, 0.15))
    vm.qmp.click(display, "left", False)


def node_of(vm, name):
    out = vm.check(f"grep -lx '{name}' /sys/class/input/event*/device/name || true", timeout=20)
    nodes = [p.split("/")[-3] for p in out.split()]
    return nodes[0] if nodes else None


def wait_added(vm, node, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rc, out, _ = vm.run(f"journalctl -b -o cat -u tactusd.service | grep -c 'device {node} added'",
                            timeout=20)
        if rc == 0 and int(out.strip() or 0) > 0:
            return True
        time.sleep(0.3)
    return False


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build-dir", default="build")
    p.add_argument("--workdir")
    p.add_argument("--seed", type=int, default=2024)
    a = p.parse_args()
    workdir = a.workdir or os.path.join(a.build_dir, "vm")
    rng = random.Random(a.seed)
    try:
        if os.geteuid() != 0:
            raise tactusvm.VmSkip("the test bed needs root (QEMU exports / over 9p as the caller)")
        tactusvm.find_qemu()
        tactusvm.find_kernel()
        say(f"installing {a.build_dir} into a tree for the guest (meson install --destdir)")
        dest = tactusvm.install_tree(a.build_dir, os.path.join(workdir, "destdir-demo"))
        say("booting the test bed: host kernel under QEMU (tcg, 2 vCPUs), real systemd, udev, "
            "dbus, logind; tactusd.service enabled (about 30-60 s)")
        with tactusvm.Vm(workdir, install_dir=dest, extra_units=["tactusd.service"]) as vm:
            state = vm.wait_running()
            say(f"guest {state} after {vm.boot_seconds:.0f} s; tactusd's journal follows, "
                "as it is written")
            streamer = Streamer(vm)
            streamer.start()
            time.sleep(1.5)
            D = vm.DISPLAYS
            say("what tactusd sees, as `tactusctl devices` in the guest shows it:")
            for line in vm.check("/usr/local/bin/tactusctl devices", timeout=30).splitlines():
                show(line)

            say("1. a person at the desk: typing on the emulated USB keyboard at human pace "
                "(80-300 ms between keys; generated key sequences, never text)")
            took = human_typing(vm, rng, D["usb-kbd"], 80)
            show(f"(80 keys in {took:.1f} s)")
            say("   ... moving the USB tablet (curved strokes, clicks) and the virtio mouse")
            for _ in range(4):
                tablet_stroke(vm, rng, D["usb-tablet"])
                time.sleep(rng.uniform(0.2, 0.6))
            for _ in range(60):
                vm.qmp.move_mouse(D["virtio-mouse"], rng.randint(-6, 9), rng.randint(-5, 5))
                time.sleep(0.016)
            say("   ... and typing again")
            took = human_typing(vm, rng, D["usb-kbd"], 60)
            show(f"(60 keys in {took:.1f} s)")
            say("   the person swaps keyboards: unplugging the USB keyboard makes tactusd print what it "
                "counted on it (counts, never keys), and the new one is classified as it arrives")
            vm.qmp.device_del("kbd0")
            vm.qmp.device_add("usb-kbd", "kbd1", bus="xhci.0", display=D["usb-kbd"])
            time.sleep(3)
            human_typing(vm, rng, D["usb-kbd"], 10)

            usb = node_of(vm, "QEMU QEMU USB Keyboard")
            say(f"2. software injection: a process opens /dev/uinput and clones the USB keyboard "
                f"(/dev/input/{usb}: same name, BUS_USB, 0627:0001), then types 120 keys at 3-12 ms")
            vm.check(f"systemd-run --quiet --collect --unit=demo-injector --service-type=exec "
                     f"/usr/bin/python3 {INJECT} uinput-clone --like /dev/input/{usb} --ready /tmp/inj.ready "
                     f"--go /tmp/inj.go --keys 120 --gap-min 0.003 --gap-max 0.012 --seed {a.seed} "
                     f"--linger 1", timeout=30)
            deadline = time.monotonic() + 20
            while (r := vm.run("cat /tmp/inj.ready", timeout=10))[0] != 0 and time.monotonic() < deadline:
                time.sleep(0.2)
            wait_added(vm, r[1].strip())
            vm.check("touch /tmp/inj.go", timeout=10)
            time.sleep(4)

            say("3. a keystroke-injection stick: a USB keyboard is hot-plugged (QMP device_add) and "
                "types a script of 80 keys with no delay (one report per 8 ms poll), then is pulled out")
            before = set(vm.check("ls /sys/class/input", timeout=10).split())
            vm.qmp.device_add("usb-kbd", "stick0", bus="xhci.0", display=D["hotplug"])
            stick = None
            deadline = time.monotonic() + 30
            while stick is None and time.monotonic() < deadline:
                new = set(vm.check("ls /sys/class/input", timeout=10).split()) - before
                stick = next((n for n in new if n.startswith("event")), None)
                time.sleep(0.3)
            if stick:
                wait_added(vm, stick)
            vm.qmp.type_script(D["hotplug"], [rng.choice(LETTERS) for _ in range(80)])
            time.sleep(1.5)
            vm.qmp.device_del("stick0")
            time.sleep(2)

            say("4. systemctl stop tactusd: a clean exit")
            vm.check("systemctl stop tactusd.service", timeout=60)
            time.sleep(1)
            streamer.finish()
            say("done. tactusd classified every device by its sysfs topology, not by what it claims: "
                "the emulated devices are 'hypervisor', the uinput clone of the USB keyboard is "
                "'uinput' with its creating process and unit; the counts show the event flow "
                "(never keys), and session verdict lines appear where tactusd has them.")
    except tactusvm.VmSkip as e:
        print(f"demo: the test bed cannot run here: {e}", file=sys.stderr)
        return 77
    except tactusvm.VmError as e:
        print(f"demo: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
