#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""vm suite: crash safety on a real kernel (issue 14).

One boot, tactusd.service from the build tree, the test user logged in on
tty1 (a real logind session):
  1. SIGKILL in a loop while tactusd writes profiles: the host types on the
     USB keyboard all the while (the user enrolls: a profile save every 50
     keystrokes) and root calls ResetProfile every 0.3 s (a save each);
     KILLS times tactusd's main process gets SIGKILL at a random moment.
     systemd restarts it every time by itself (Restart=on-failure:
     NRestarts counts each kill), and each restarted tactusd loads the
     profile as the kill left it with its own loader: never set aside as
     unusable (the file is checksummed: a torn one would be), no
     temporaries left behind;
  1b. SIGKILL inside a profile write, deterministically: an LD_PRELOAD
     module (tests/vm/stop-in-write.cc, test-only, set by a unit drop-in)
     stops tactusd with SIGSTOP at a chosen point of the write ResetProfile
     makes: half the image written to the temporary, after its fsync, after
     the rename; SIGKILL there. The profile on disk is the old file byte
     for byte before the rename and the new one after it, and the restarted
     tactusd loads it and removes the temporary;
  2. verdicts across a crash: a uinput clone of the USB keyboard types, the
     session turns `injected`; after SIGKILL and systemd's restart the bus
     shows the same sessions with the same verdict, reasons and trust;
  3. the watchdog: tactusd is stopped with SIGSTOP; systemd's watchdog
     (WatchdogSec=30s, pinged by sd_event_set_watchdog) kills it with
     result `watchdog` and restarts it, and the session is still `injected`.
Restart counts are printed.

  python3 tests/vm/test-crash.py [--build-dir BUILD] [--workdir BUILD/vm]
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

import tactusvm

USER = tactusvm.TEST_USER
UID = tactusvm.TEST_UID
BUS = "org.tactus.Tactus1"
MANAGER = "/org/tactus/Tactus1"
SESSION_IFACE = "org.tactus.Session1"
KILLS = 5
LETTERS = list("qwertyuiopasdfghjklzxcvbnm")
PROFILES = "/var/lib/tactus/profiles"


def session_view(vm):
    """{session id: (Verdict, Reasons, Trust)} as the bus shows them."""
    out = vm.check(f"busctl --system --json=short call {BUS} {MANAGER} org.tactus.Manager1 ListSessions",
                   timeout=20)
    view = {}
    for row in json.loads(out)["data"][0]:
        sid, path = row[0], row[1]
        props = []
        for name in ("Verdict", "Reasons", "Trust"):
            o = vm.check(f"busctl --system --json=short get-property {BUS} {path} {SESSION_IFACE} {name}",
                         timeout=20)
            props.append(json.loads(o)["data"])
        view[sid] = (props[0], props[1], round(props[2], 6))
    return view


def main_pid(vm):
    return int(vmtest.unit_property(vm, "tactusd.service", "MainPID")["MainPID"])


def wait_restarted(vm, old_pid, timeout=60):
    """Wait until systemd has tactusd active again under another pid (Type=dbus:
    active once it owns its name); returns the new pid."""
    deadline = time.monotonic() + timeout
    while True:
        p = vmtest.unit_property(vm, "tactusd.service", "ActiveState", "MainPID")
        if p["ActiveState"] == "active" and int(p["MainPID"]) not in (0, old_pid):
            return int(p["MainPID"])
        if time.monotonic() > deadline:
            raise VmError(f"tactusd not restarted within {timeout}s: {p}")
        time.sleep(0.3)


def kill_and_snapshot(vm, i):
    """SIGKILL the main process, wait for it to be gone; the profile
    directory as the kill left it (names only)."""
    out = vm.check(f"pid=$(systemctl show -p MainPID --value tactusd.service); kill -KILL $pid; "
                   f"timeout 5 tail --pid=$pid -f /dev/null; echo $pid; ls -A {PROFILES}", timeout=30)
    lines = out.split()
    return int(lines[0]), lines[1:]


STOP_MODULE = "/usr/local/lib/tactus-test/stop-in-write.so"
STOP_CONTROL = "/run/tactus-stop-in-write"
STOP_STAGES = ("write", "fsync", "rename")


def preload_stop_module(vm, args):
    """Run tactusd with tests/vm/stop-in-write.so preloaded (a drop-in and
    a manual restart, which systemd does not count in NRestarts)."""
    built = os.path.join(os.path.abspath(args.build_dir), "tests", "stop-in-write.so")
    if not os.path.exists(built):
        raise VmError(f"{built} is not built (meson compile builds it with the vm tests)")
    vm.check(f"mkdir -p {os.path.dirname(STOP_MODULE)} /run/systemd/system/tactusd.service.d && "
             f"cp {built} {STOP_MODULE} && rm -f {STOP_CONTROL} && "
             f"printf '[Service]\\nEnvironment=LD_PRELOAD={STOP_MODULE} TACTUS_TEST_STOP_IN_WRITE={STOP_CONTROL}\\n' "
             f">/run/systemd/system/tactusd.service.d/50-stop-in-write.conf && "
             f"systemctl daemon-reload && systemctl restart tactusd.service", timeout=120)
    pid = main_pid(vm)
    maps = vm.check(f"grep -c stop-in-write /proc/{pid}/maps || true", timeout=10).strip()
    check(maps not in ("", "0"), f"tactusd (pid {pid}) runs with the stop-in-write module loaded")


def sha(vm, path):
    rc, out, _ = vm.run(f"sha256sum {path}", timeout=10)
    return out.split()[0] if rc == 0 else None


def stopped_in_write(vm, path, stage, profile):
    """ResetProfile with the module armed for @stage: tactusd stops inside the
    write, is SIGKILLed there and restarted by systemd. (old sha, sha at the
    stop, sha after the restart, temporaries at the stop, restarted pid)."""
    old = sha(vm, profile)
    pid = main_pid(vm)
    vm.check(f"echo {stage} >{STOP_CONTROL}", timeout=10)
    call = vm.start(f"busctl --system --timeout=60 call {BUS} {path} {SESSION_IFACE} ResetProfile", timeout=90)
    deadline = time.monotonic() + 60
    while vm.run(f"awk '{{print $3}}' /proc/{pid}/stat", timeout=10)[1].strip() != "T":
        if time.monotonic() > deadline:
            raise VmError(f"tactusd (pid {pid}) never stopped in the {stage} stage of a profile write")
        time.sleep(0.2)
    at_stop = sha(vm, profile)
    temps = [f for f in vm.check(f"ls -A {PROFILES}", timeout=10).split() if ".tmp-" in f]
    vm.check(f"rm -f {STOP_CONTROL}", timeout=10)
    killed, _ = kill_and_snapshot(vm, 0)
    call.wait()
    new_pid = wait_restarted(vm, killed)
    return old, at_stop, sha(vm, profile), temps, new_pid


def body(vm, args):
    preload_stop_module(vm, args)
    sid = vm.wait_session(USER, 300)
    path = f"{MANAGER}/session/{vmtest.bus_escape(sid)}"
    vmtest.wait_log(vm, lambda L: any(f"session {sid} added" in l for l in L), timeout=30,
                    what=f"'session {sid} added'")
    usb = vm.DISPLAYS["usb-kbd"]

    # 1. SIGKILL while writing profiles.
    stop = threading.Event()
    typed = [0]

    def typist():
        rng = random.Random(14)
        while not stop.is_set():
            key = rng.choice(LETTERS)
            vm.qmp.send_key(usb, key, True)
            time.sleep(rng.uniform(0.04, 0.09))
            vm.qmp.send_key(usb, key, False)
            typed[0] += 1
            stop.wait(rng.uniform(0.03, 0.12))

    typing = threading.Thread(target=typist, daemon=True)
    typing.start()
    resets = vm.start(f"echo $$ >/tmp/resets.pid; while :; do busctl --system call {BUS} {path} "
                      f"{SESSION_IFACE} ResetProfile >/dev/null 2>&1; sleep 0.3; done", timeout=600)
    time.sleep(8)  # the first templates and resets
    rng = random.Random(7)
    pid = main_pid(vm)
    t0 = time.monotonic()
    mid_write = 0
    for i in range(KILLS):
        time.sleep(rng.uniform(1.0, 3.0))
        killed, files = kill_and_snapshot(vm, i)
        tmp = [f for f in files if ".tmp-" in f]
        mid_write += bool(tmp)
        pid = wait_restarted(vm, killed)
        note(f"kill {i + 1}: pid {killed} killed, profile dir {files}; restarted as pid {pid}")
    stop.set()
    typing.join(timeout=10)
    vm.run("kill $(cat /tmp/resets.pid)", timeout=10)
    resets.wait()
    note(f"{KILLS} kills in {time.monotonic() - t0:.1f} s while {typed[0]} keys were typed; "
         f"{mid_write} kill(s) left a temporary behind (a write under way)")
    p = vmtest.unit_property(vm, "tactusd.service", "NRestarts", "ActiveState", "Result")
    check(p["NRestarts"] == str(KILLS) and p["ActiveState"] == "active",
          f"systemd restarted tactusd after each of {KILLS} SIGKILLs by itself: {p}")
    # Each start loads the profile the kill left with the daemon's own loader.
    lines = vmtest.wait_log(vm, lambda L: sum(f"profile of uid {UID}:" in l for l in L) >= KILLS + 1,
                            timeout=30, what=f"'profile of uid {UID}' after every restart")
    loads = [l for l in lines if f"profile of uid {UID}" in l]
    unusable = [l for l in loads if "unusable" in l]
    check(not unusable and sum("profile of uid" in l and "enrolled" in l for l in loads) >= KILLS + 1,
          f"after each SIGKILL the profile loaded ({len(loads)} loads, {len(unusable)} unusable): "
          f"{loads[-1] if loads else '-'}")
    left = vm.check(f"ls -A {PROFILES}", timeout=10).split()
    check(left == [f"{UID}.profile"], f"{PROFILES} holds the profile only: {left}")

    # 1b. SIGKILL at known points of a profile write.
    profile = f"{PROFILES}/{UID}.profile"
    for stage in STOP_STAGES:
        loads_before = sum(f"profile of uid {UID}:" in l for l in vmtest.tactusd_log(vm))
        old, at_stop, after, temps, pid = stopped_in_write(vm, path, stage, profile)
        lines = vmtest.wait_log(vm, lambda L: sum(f"profile of uid {UID}:" in l for l in L) > loads_before,
                                timeout=30, what=f"'profile of uid {UID}' after the {stage}-stage kill")
        load = [l for l in lines if f"profile of uid {UID}:" in l][-1]
        left = vm.check(f"ls -A {PROFILES}", timeout=10).split()
        # Before the rename the old file stands, whole; from the rename on,
        # the new one. A writer that wrote in place would leave half a file
        # at "write" (set aside as unusable on the next load).
        want = old if stage != "rename" else at_stop
        check(after == want and (at_stop == old) == (stage != "rename") and bool(temps) == (stage != "rename")
              and "unusable" not in load and left == [f"{UID}.profile"],
              f"SIGKILL after the {stage} step of a profile write: the profile is the "
              f"{'old' if stage != 'rename' else 'new'} file ({(after or '-')[:12]}; old {(old or '-')[:12]}, "
              f"at the stop {(at_stop or '-')[:12]}; temporaries at the stop {temps}); restarted as pid {pid}, "
              f"which loaded it ({load!r}) and left {left}")

    # 2. Verdicts across a crash.
    usb_node = [s for s, d in vmtest.ctl_devices(vm).items() if d["name"] == "QEMU QEMU USB Keyboard"][0]
    node = vmtest.start_injector_unit(vm, "crash-inject", ["uinput-clone", "--like", f"/dev/input/{usb_node}",
                                                           "--keys", "12", "--linger", "0.5"])
    vmtest.wait_log(vm, lambda L: node in vmtest.daemon_devices(L), timeout=30, what=f"'added' line for {node}")
    vm.check("touch /tmp/crash-inject.go", timeout=10)
    deadline = time.monotonic() + 20
    while (before := session_view(vm)).get(sid, ("",))[0] != "injected" and time.monotonic() < deadline:
        time.sleep(0.5)
    check(before.get(sid, ("",))[0] == "injected", f"before the crash, the bus shows {before}")
    pid = main_pid(vm)
    killed, _ = kill_and_snapshot(vm, KILLS)
    pid = wait_restarted(vm, killed)
    after = session_view(vm)
    check(after == before, f"after SIGKILL and systemd's restart: {after} (before: {before})")

    # 3. The watchdog.
    t0 = time.monotonic()
    vm.check(f"kill -STOP {pid}", timeout=10)
    new = wait_restarted(vm, pid, timeout=150)
    took = time.monotonic() - t0
    journal = vm.check("journalctl -b --no-pager -o cat -u tactusd.service", timeout=30)
    timeout_lines = [l for l in journal.splitlines() if "Watchdog timeout" in l]
    result_lines = [l for l in journal.splitlines() if "with result 'watchdog'" in l]
    check(timeout_lines and result_lines,
          f"SIGSTOPped pid {pid}: systemd's watchdog fired and restarted it as pid {new} after {took:.1f} s: "
          f"{(timeout_lines or ['no Watchdog timeout line'])[-1]}; {(result_lines or ['no watchdog result'])[-1]}")
    final = session_view(vm)
    check(final == before, f"after the watchdog restart: {final}")
    p = vmtest.unit_property(vm, "tactusd.service", "NRestarts", "ActiveState")
    note(f"restarts: {KILLS} SIGKILLs while learning + {len(STOP_STAGES)} inside a write + 1 with an injected "
         f"session + 1 by the watchdog; "
         f"systemd counts NRestarts={p['NRestarts']}")
    check(p["NRestarts"] == str(KILLS + len(STOP_STAGES) + 2) and p["ActiveState"] == "active",
          f"tactusd up at the end: {p}")


if __name__ == "__main__":
    sys.exit(vmtest.main(body, __doc__.split("\n\n")[0], vm_args={"session_agents": True, "boot_timeout": 420}))
