#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""vm suite: software injection as tactusd sees it on a real kernel.

One boot, tactusd.service running from the build tree. Each injector runs in
the guest as its own transient unit (systemd-run), so attribution can be
checked by unit as well as by pid and executable:
  1. a uinput clone of the emulated USB keyboard (tools/vm/guest-inject
     uinput-clone): same name, BUS_USB, 0627:0001, same version and key bits;
     tactusd must say provenance=uinput and name the creating process (pid =
     the unit's MainPID, exe python3, unit tactus-test-clone.service);
  2. the same clone made through another node of the device (mknod
     /tmp/tactus-uinput c 10 223: not the path /dev/uinput): still uinput,
     attributed to its creator (holders are found by device number);
  3. a uhid keyboard on bus 0x03 (UHID_CREATE2 on /dev/uhid): provenance=uhid,
     its creator named;
  4. a uhid keyboard on bus 0x05 made by a process that is not BlueZ:
     provenance=uhid (the bus is the creator's choice), its creator named;
  5. the same from a process of the system unit bluetooth.service (BlueZ's;
     no bluetoothd runs in the guest, the injector stands in for it):
     provenance=bluetooth;
each typed on at machine speed (2-12 ms gaps) and destroyed; tactusd's
removal line must count every key, and its device list must equal
/sys/class/input/event* while each device exists and after it is gone.

  python3 tests/vm/test-injection.py [--build-dir BUILD] [--workdir BUILD/vm]
Exits 0 on success, 1 on failure, 77 when this host cannot run the test bed.
"""
import sys
import time

import vmtest
from vmtest import VmError, check, note

KEYS = 40


def run_injector(vm, unit, args):
    """Start guest-inject as the transient unit `unit`; returns once tactusd
    logged the device: (sysname, added-dict, tactusctl-dict, MainPID)."""
    node = vmtest.start_injector_unit(vm, unit, list(args) + ["--keys", str(KEYS), "--gap-min", "0.002",
                                                              "--gap-max", "0.012", "--linger", "1"])
    lines = vmtest.wait_log(vm, lambda L: vmtest.daemon_devices(L).get(node), timeout=30,
                            what=f"'added' line for {node}")
    added = vmtest.daemon_devices(lines)[node]
    ctl = vmtest.ctl_devices(vm).get(node, {})
    pid = int(vmtest.unit_property(vm, f"{unit}.service", "MainPID")["MainPID"])
    note(f"{unit}.service (pid {pid}) created {node}; tactusd: \"{added['name']}\" "
         f"provenance={added['provenance']} ({added['detail']}) bus={added['bus']} "
         f"id={added['vendor']}:{added['product']}" + (f" creator={added['creator']}" if added["creator"] else ""))
    vmtest.check_device_list(vm, f"with {node} from {unit}")
    return node, added, ctl, pid


def finish(vm, unit, node, label):
    """Let the injector type and exit; check tactusd counted every key."""
    vm.check(f"touch /tmp/{unit}.go", timeout=10)
    lines = vmtest.wait_log(vm, lambda L: vmtest.removals(L, node), timeout=60,
                            what=f"'removed' line for {node}")
    r = vmtest.removals(lines, node)[-1]
    if r["resyncs"] == 0:
        check(r["down"] == KEYS and r["up"] == KEYS,
              f"{label}: removed with keys {r['down']} down/{r['up']} up ({KEYS} typed at 2-12 ms gaps)")
    else:
        # The kernel's per-client buffer (64 events for a keyboard: about ten
        # keys typed) overflowed while tactusd was not scheduled: the kernel
        # said SYN_DROPPED and libevdev's resync released what it had seen
        # pressed. What tactusd counts is then a lower bound, and it must
        # still be consistent and say that events were lost.
        print(f"note: {label}: the kernel dropped events ({r['resyncs']} SYN_DROPPED; a loaded host "
              f"starved the guest): {r['down']} of {KEYS} presses seen", flush=True)
        check(0 < r["down"] <= KEYS and r["down"] == r["up"],
              f"{label}: removed with keys {r['down']} down/{r['up']} up after {r['resyncs']} resyncs "
              f"({KEYS} typed at 2-12 ms gaps; presses and releases must still pair)")
    deadline = time.monotonic() + 20
    while vm.run(f"systemctl is-active --quiet {unit}.service", timeout=10)[0] == 0:
        if time.monotonic() > deadline:
            raise VmError(f"{unit} did not exit")
        time.sleep(0.2)
    out = vm.run(f"journalctl -b --no-pager -o cat -u {unit}.service", timeout=20)[1]
    typed = [l for l in out.splitlines() if l.startswith("guest-inject: typed")]
    check(len(typed) == 1, f"{label}: injector finished ({typed[0] if typed else out.strip()})")
    vmtest.check_device_list(vm, f"after {label} is gone")


def body(vm, args):
    ctl = vmtest.ctl_devices(vm)
    usb = [s for s, d in ctl.items() if d["name"] == "QEMU QEMU USB Keyboard"]
    if not check(len(usb) == 1, f"the emulated USB keyboard is {usb}"):
        return
    orig = ctl[usb[0]]
    # The clone copies name, ids and bits from the real node (evemu-describe's job, done by ioctl).
    unit = "tactus-test-clone"
    node, a, c, pid = run_injector(vm, unit, ["uinput-clone", "--like", f"/dev/input/{usb[0]}"])
    check(c.get("name") == orig["name"] and c.get("bus") == "usb" and c.get("vendor") == orig["vendor"]
          and c.get("product") == orig["product"] and c.get("version") == orig.get("version"),
          f"uinput clone claims the real keyboard's identity: {c.get('name')!r} bus {c.get('bus')} "
          f"{c.get('vendor', 0):04x}:{c.get('product', 0):04x} v{c.get('version', 0):x}")
    check(a["provenance"] == "uinput" and c.get("provenance") == "uinput",
          f"uinput clone: tactusd says {a['provenance']}, tactusctl {c.get('provenance')} (want uinput)")
    creators = c.get("creators", [])
    mine = [x for x in creators if x["pid"] == pid]
    check(len(mine) == 1 and mine[0]["exe"].startswith("/usr/bin/python3")
          and mine[0]["unit"] == f"{unit}.service" and mine[0]["uid"] == 0,
          f"uinput clone attributed to its creator: pid {pid} in {unit}.service, got {creators}")
    check(f"pid {pid} " in (a["creator"] or "") and f"unit {unit}.service" in (a["creator"] or ""),
          f"tactusd's log names the creator: {a['creator']}")
    finish(vm, unit, node, "uinput clone")

    # Another node of /dev/uinput: the path says nothing, the number does.
    other = "/tmp/tactus-uinput"
    vm.check(f"rm -f {other} && mknod -m 600 {other} c 10 223", timeout=10)
    unit = "tactus-test-clone-node"
    node, a, c, pid = run_injector(vm, unit, ["uinput-clone", "--like", f"/dev/input/{usb[0]}", "--node", other])
    links = vm.run(f"ls -l /proc/{pid}/fd | grep -c ' -> {other}$'", timeout=10)[1].strip()
    note(f"pid {pid} holds {other} ({links} fd): not the path /dev/uinput")
    mine = [x for x in c.get("creators", []) if x["pid"] == pid]
    check(a["provenance"] == "uinput" and len(mine) == 1 and mine[0]["unit"] == f"{unit}.service"
          and mine[0].get("user_unit") == "",
          f"uinput clone made through {other}: {a['provenance']}, attributed to pid {pid} in {unit}.service "
          f"(system unit, no user unit): {c.get('creators')}")
    finish(vm, unit, node, f"uinput clone through {other}")

    # uhid: bus 0x03 is made up; bus 0x05 is bluetooth only if BlueZ made it.
    for bus, unit, want, busname in ((0x03, "tactus-test-uhid", "uhid", "usb"),
                                     (0x05, "tactus-test-bt", "uhid", "bluetooth"),
                                     (0x05, "bluetooth", "bluetooth", "bluetooth")):
        name = f"tactus-test uhid keyboard bus {bus:#04x} by {unit}"
        node, a, c, pid = run_injector(vm, unit, ["uhid", "--bus", hex(bus), "--name", name])
        check(a["name"] == name and a["bus"] == busname and a["provenance"] == want
              and c.get("provenance") == want,
              f"uhid bus {bus:#04x} made by {unit}.service: tactusd {a['provenance']} ({a['detail']}), tactusctl "
              f"{c.get('provenance')}, bus {a['bus']} (want {want})")
        mine = [x for x in c.get("creators", []) if x["pid"] == pid]
        check(len(mine) == 1 and mine[0]["unit"] == f"{unit}.service" and f"pid {pid} " in (a["creator"] or ""),
              f"uhid bus {bus:#04x}: attributed to its creator pid {pid} in {unit}.service: {c.get('creators')}")
        finish(vm, unit, node, f"uhid bus {bus:#04x} by {unit}")

    ignoring = [l for l in vmtest.tactusd_log(vm) if "ignoring" in l]
    check(not ignoring, "no 'ignoring' line" + (f": {ignoring}" if ignoring else ""))
    p = vmtest.unit_property(vm, "tactusd.service", "ActiveState", "NRestarts")
    check(p["ActiveState"] == "active" and p["NRestarts"] == "0", f"tactusd still up: {p}")


if __name__ == "__main__":
    sys.exit(vmtest.main(body, __doc__.split("\n\n")[0]))
