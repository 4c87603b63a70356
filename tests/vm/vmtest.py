# SPDX-License-Identifier: MIT
"""Shared pieces of the vm suite's tactusd tests: boot the guest with tactus
installed from the build tree and tactusd.service enabled, check helpers,
readers of tactusd's journal lines, and the failure report (guest journal
and `journalctl -u tactusd`)."""
import argparse
import base64
import json
import os
import re
import shlex
import statistics
import sys
import time
import traceback

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(SRC, "tools", "vm"))
import tactusvm  # noqa: E402
from tactusvm import VmError  # noqa: E402

# The guest sees the host's / over 9p: tools run there from this same path.
EVREAD = os.path.join(SRC, "tools", "vm", "guest-evread")
INJECT = os.path.join(SRC, "tools", "vm", "guest-inject")
TACTUSCTL = "/usr/local/bin/tactusctl"

# tactusd's own lines (daemon/daemon.cc), read with journalctl -o cat.
ADDED = re.compile(r'^device (event\d+) added: "(.*)" provenance=(\S+)(?: \((.*)\))? '
                   r'bus=(\S+) id=([0-9a-f]{4}):([0-9a-f]{4}) seat=(\S*) caps=(\S+)(?: creator=(.*?))?'
                   r'((?: [a-z_]+=\S+)*)$')  # later fields (allowed=...) tolerated
REMOVED = re.compile(r'^device (event\d+) removed: (\d+) frames, keys (\d+) down/(\d+) up/(\d+) repeat, '
                     r'buttons (\d+), rel (\d+), abs (\d+), other (\d+), resyncs (\d+)$')
COUNTERS = ("frames", "down", "up", "repeat", "buttons", "rel", "abs", "other", "resyncs")

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)
    return ok


def note(what):
    print("     " + what, flush=True)


def tactusd_log(vm):
    """tactusd's messages of this boot, oldest first."""
    return vm.check("journalctl -b --no-pager -o cat -u tactusd.service", timeout=30).splitlines()


def parse_added(line):
    m = ADDED.match(line)
    if not m:
        return None
    keys = ("sysname", "name", "provenance", "detail", "bus", "vendor", "product", "seat", "caps", "creator",
            "extra")
    return dict(zip(keys, m.groups()))


def parse_removed(line):
    m = REMOVED.match(line)
    if not m:
        return None
    return {"sysname": m.group(1), **{k: int(v) for k, v in zip(COUNTERS, m.groups()[1:])}}


def daemon_devices(lines):
    """What tactusd holds now, replaying its added/removed lines: {sysname: added-dict}."""
    current = {}
    for line in lines:
        if (a := parse_added(line)):
            current[a["sysname"]] = a
        elif (r := parse_removed(line)):
            current.pop(r["sysname"], None)
    return current


def removals(lines, sysname):
    return [r for l in lines if (r := parse_removed(l)) and r["sysname"] == sysname]


def additions(lines, sysname):
    return [a for l in lines if (a := parse_added(l)) and a["sysname"] == sysname]


def sys_devices(vm):
    """{eventN: name} from /sys/class/input in the guest."""
    out = vm.check("for d in /sys/class/input/event*; do [ -e \"$d\" ] && "
                   "echo \"${d##*/} $(cat $d/device/name)\"; done; true", timeout=60)
    return dict(l.split(" ", 1) for l in out.splitlines() if " " in l)


def ctl_devices(vm):
    """tactusctl --json devices in the guest: {sysname: dict}."""
    out = vm.check(f"{TACTUSCTL} --json devices", timeout=30)
    return {d["sysname"]: d for d in (json.loads(l) for l in out.splitlines() if l.startswith("{"))}


def wait_log(vm, pred, timeout=30, what="tactusd log line"):
    """Poll tactusd's log until pred(lines) is true; returns the lines."""
    deadline = time.monotonic() + timeout
    while True:
        lines = tactusd_log(vm)
        if pred(lines):
            return lines
        if time.monotonic() > deadline:
            raise VmError(f"no {what} within {timeout}s")
        time.sleep(0.3)


BUS = "org.tactus.Tactus1"
MANAGER = "/org/tactus/Tactus1"


def conf_dir(build_dir):
    """TACTUS_SYSCONFDIR of the build (what the installed tactusd reads)."""
    try:
        with open(os.path.join(build_dir, "config.h")) as f:
            m = re.search(r'#define TACTUS_SYSCONFDIR "([^"]+)"', f.read())
    except OSError as e:
        raise VmError(f"cannot read {build_dir}/config.h: {e}")
    if not m:
        raise VmError(f"no TACTUS_SYSCONFDIR in {build_dir}/config.h")
    return m.group(1)


def write_guest(vm, path, text, timeout=20):
    """Write text to path in the guest (base64 over the console: any bytes)."""
    b64 = base64.b64encode(text.encode()).decode()
    vm.check(f"mkdir -p {shlex.quote(os.path.dirname(path))} && echo {b64} | base64 -d > {shlex.quote(path)}",
             timeout=timeout)


def get(vm, path, iface, *names, timeout=20):
    """busctl get-property of tactusd's object: {name: value}; `timeout` s for the call."""
    out = vm.check(f"busctl --system --json=short get-property {BUS} {path} {iface} " + " ".join(names),
                   timeout=timeout)
    values = [json.loads(l)["data"] for l in out.splitlines() if l.startswith("{")]
    if len(values) != len(names):
        raise VmError(f"get-property {names} at {path}: {out!r}")
    return dict(zip(names, values))


def wait_get(vm, path, iface, expected, timeout=20, call_timeout=20):
    """Poll until every property in `expected` has its value (a callable
    value is a predicate); returns the last read."""
    deadline = time.monotonic() + timeout
    while True:
        got = get(vm, path, iface, *expected, timeout=call_timeout)
        if all(v(got[k]) if callable(v) else got[k] == v for k, v in expected.items()) \
                or time.monotonic() > deadline:
            return got
        time.sleep(0.3)


def call(vm, path, iface, method, sig="", *args):
    """busctl call on tactusd's object; the reply as busctl prints it."""
    out = vm.check(f"busctl --system call {BUS} {path} {iface} {method} {sig} "
                   + " ".join(shlex.quote(str(a)) for a in args), timeout=30)
    return out.strip()


def object_path(vm, method, arg):
    """Manager1.GetSession/GetDevice(arg): the object path."""
    out = call(vm, MANAGER, "org.tactus.Manager1", method, "s", arg)
    m = re.match(r'o "([^"]+)"', out)
    if not m:
        raise VmError(f"{method}({arg}): {out!r}")
    return m.group(1)


def wait_session(vm, timeout=90):
    """The id of the test user's logind session on seat0, once it exists."""
    deadline = time.monotonic() + timeout
    while True:
        out = vm.run("loginctl list-sessions --no-legend", timeout=20)[1]
        for l in out.splitlines():
            f = l.split()
            if len(f) >= 4 and f[2] == tactusvm.TEST_USER and f[3] == "seat0":
                return f[0]
        if time.monotonic() > deadline:
            raise VmError(f"no seat0 session of {tactusvm.TEST_USER}: {out!r}")
        time.sleep(0.5)


def log_since(vm, mark):
    """tactusd's log lines after the first `mark` ones."""
    return tactusd_log(vm)[mark:]


def wait_since(vm, mark, pred, timeout=30, what="tactusd log line"):
    """wait_log on the lines after the first `mark` ones."""
    return wait_log(vm, lambda L: pred(L[mark:]), timeout=timeout, what=what)[mark:]


def check_device_list(vm, label):
    """tactusd's device set (from its journal) == /sys/class/input/event* in the guest.
    Retried for a few seconds: udev and tactusd may still be catching up."""
    deadline = time.monotonic() + 10
    while True:
        sysfs = set(sys_devices(vm))
        daemon = set(daemon_devices(tactusd_log(vm)))
        if sysfs == daemon or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    return check(sysfs == daemon and sysfs,
                 f"{label}: tactusd's devices == /sys/class/input ({' '.join(sorted(sysfs))})"
                 + ("" if sysfs == daemon else f"; only sysfs: {sorted(sysfs - daemon)}, "
                    f"only tactusd: {sorted(daemon - sysfs)}"))


def unit_property(vm, unit, *props):
    out = vm.check(f"systemctl show {unit} " + " ".join(f"-p {p}" for p in props), timeout=20)
    return dict(l.split("=", 1) for l in out.splitlines() if "=" in l)


def read_while(vm, action, count, name=None, device=None, timeout=30, types="key"):
    """Start guest-evread on a device, run action() once it is open, and
    return (action's result, events the reader printed)."""
    ready = f"/tmp/evread-ready-{time.monotonic_ns()}"
    which = f"--device {device}" if device else f"--name '{name}'"
    job = vm.start(f"{EVREAD} {which} --count {count} --timeout {timeout} "
                   f"--ready {ready} --types {types}", timeout=timeout + 10)
    deadline = time.monotonic() + timeout
    while vm.run(f"test -e {ready}", timeout=10)[0] != 0:
        if time.monotonic() > deadline:
            raise VmError(f"guest-evread on {name or device!r} never got ready: {job.wait(5)}")
        time.sleep(0.1)
    result = action()
    rc, out, err = job.wait()
    if rc != 0:
        note(f"guest-evread rc={rc} {err.strip()}")
    return result, [e for e in (json.loads(l) for l in out.splitlines() if l.startswith("{")) if "t" in e]


def start_injector_unit(vm, unit, args, timeout=30):
    """Run tools/vm/guest-inject with @args as the transient unit @unit; it
    makes its device, then waits for /tmp/UNIT.go to type. Returns the
    device's sysname once it exists (within @timeout s: python3's start
    alone took 38 s in a guest on a host at load 17)."""
    ready = f"/tmp/{unit}.ready"
    vm.check(f"systemd-run --quiet --collect --unit={unit} --service-type=exec /usr/bin/python3 {INJECT} "
             + " ".join(shlex.quote(a) for a in args) + f" --ready {ready} --go /tmp/{unit}.go", timeout=30)
    deadline = time.monotonic() + timeout
    while (r := vm.run(f"cat {ready}", timeout=10))[0] != 0:
        if time.monotonic() > deadline:
            raise VmError(f"{unit} never created its device: "
                          + vm.run(f"journalctl -b --no-pager -u {unit}", timeout=20)[1])
        time.sleep(0.2)
    return r[1].strip()


MONITOR_PID = "/tmp/vmtest-monitor.pid"


def bus_escape(label):
    """sd_bus_path_encode()'s escaping of one path element: [A-Za-z0-9]
    stay (but a leading digit), everything else is _XX; "" is "_". tactusd
    answers on this canonical path only."""
    if not label:
        return "_"
    return "".join(c if c.isascii() and (c.isalpha() or (c.isdigit() and i > 0)) else f"_{ord(c):02x}"
                   for i, c in enumerate(label))


def start_signal_monitor(vm, matches, timeout=400):
    """dbus-monitor on the system bus for the match rules in @matches, in the
    background, listening once this returns. Returns the job."""
    job = vm.start("dbus-monitor --system " + " ".join(shlex.quote(m) for m in matches)
                   + f" & echo $! >{MONITOR_PID}; wait", timeout=timeout)
    deadline = time.monotonic() + 20
    while vm.run(f"test -s {MONITOR_PID}", timeout=10)[0] != 0:
        if time.monotonic() > deadline:
            raise VmError("dbus-monitor did not start")
        time.sleep(0.2)
    time.sleep(1)  # let it register its matches
    return job


def stop_signal_monitor(vm, job, raw=None):
    """Stop the monitor; [(member, path, first string argument)] it saw, in
    order. @raw: a list that receives (rc, stdout, stderr) of the monitor."""
    time.sleep(1)
    vm.run(f"kill $(cat {MONITOR_PID}); rm -f {MONITOR_PID}", timeout=10)
    rc, out, err = job.wait()
    if raw is not None:
        raw.append((rc, out, err))
    seen = []
    for block in re.split(r"\n(?=signal )", out):
        m = re.search(r"path=(\S+); interface=\S+; member=(\w+)", block)
        if m and m.group(2) not in ("NameAcquired", "NameLost"):
            arg = re.search(r'^\s+string "([^"]*)"', block, re.M)
            seen.append((m.group(2), m.group(1), arg.group(1) if arg else None))
    return seen


def interval_deviation(host_times, events):
    """|guest interval - host interval| in ms for consecutive key presses."""
    presses = [e["t"] for e in events if e["type"] == 1 and e["value"] == 1]
    return presses, [abs((g1 - g0) - (h1 - h0)) * 1000
                     for g0, g1, h0, h1 in zip(presses, presses[1:], host_times, host_times[1:])]


def summary(dev):
    return f"mean {statistics.mean(dev):.2f} ms, median {statistics.median(dev):.2f} ms, max {max(dev):.2f} ms"


def main(body, doc, vm_args=None):
    """Parse the common options, install tactus, boot with tactusd.service
    enabled, run body(vm, args); report, and on failure print the guest
    journal and tactusd's log. Returns the exit status (0, 1 or 77).
    vm_args: more keyword arguments for tactusvm.Vm (second_user=True...)."""
    p = argparse.ArgumentParser(description=doc)
    build_root = os.environ.get("TACTUS_BUILD_ROOT", os.path.join(SRC, "build"))
    p.add_argument("--build-dir", default=build_root, help="meson build dir to install from")
    p.add_argument("--workdir", default=os.path.join(build_root, "vm"))
    a = p.parse_args()
    t_start = time.monotonic()
    test = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    vm = None
    try:
        if os.geteuid() != 0:
            raise tactusvm.VmSkip("the test bed needs root (QEMU exports / over 9p as the caller)")
        tactusvm.find_qemu()
        tactusvm.find_kernel()
        dest = tactusvm.install_tree(a.build_dir, os.path.join(a.workdir, f"destdir-{test}"),
                                     rebuild=False)
        with tactusvm.Vm(a.workdir, install_dir=dest, extra_units=["tactusd.service"], **(vm_args or {})) as vm:
            state = vm.wait_running()
            note(f"boot to {state}: {vm.boot_seconds:.1f} s")
            try:
                body(vm, a)
            except VmError as e:
                failures.append(str(e))
            except Exception:  # noqa: BLE001 - a test bug is a failure with the guest logs
                traceback.print_exc()
                failures.append("test raised " + traceback.format_exc().splitlines()[-1])
            if failures:
                print_tactusd_log(vm)
                raise VmError("failed: " + "; ".join(failures))
    except tactusvm.VmSkip as e:
        tactusvm.skip(str(e))
    except VmError as e:
        print(f"FAIL: {e}", flush=True)
        note(f"whole test: {time.monotonic() - t_start:.1f} s")
        return 1
    note(f"whole test: {time.monotonic() - t_start:.1f} s")
    print("PASS", flush=True)
    return 0


def print_tactusd_log(vm):
    try:
        rc, out, err = vm.run("journalctl -b --no-pager -o short-monotonic -u tactusd.service; "
                              "systemctl status --no-pager tactusd.service", timeout=30)
        print(f"--- journalctl -u tactusd ---\n{out}{err}--- end of tactusd log ---", flush=True)
    except VmError as e:
        print(f"(tactusd log unavailable: {e})", flush=True)
