#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""vm suite: in enforce mode the lock is re-armed when the session is unlocked.

Issue 11 item 9: the lock used to be requested once per session and re-armed
only by AcknowledgeReauthentication, which the lockers people run (GNOME
Shell, KDE, swaylock) never call, so after the first lock and unlock every
later attack went unanswered. One boot, tactusd.service from the build tree
with Mode=enforce and OnInjected=publish lock grab, the autologin user
tactustest on tty1 (the active seat0 session). Nobody calls
AcknowledgeReauthentication. Three attacks by uinput keyboards
(tools/vm/guest-inject, each its own transient unit):
  1. the first: logind's Lock signal goes out, tactusd's Locked turns true;
     then a locker's way of unlocking: LockedHint set true, then false
     (SetLockedHint, as GNOME Shell does; logind sends no Unlock then);
     tactusd logs the lock re-armed and Locked turns false;
  2. the second attack: Lock again; then `loginctl unlock-session` (the
     Unlock signal); re-armed again;
  3. the third attack: Lock again; then unlocked once more;
  4. a refused lock (issue 14: LockSession was sent without a reply handler,
     so "locking" was logged whatever logind said): a mandatory bus policy
     drop-in denies LockSession to everyone, the fourth attack's request is
     refused by the bus, and tactusd says so ("refused to lock it") instead of
     "locking"; Locked stays false.
tactusd logs one "locking" line per accepted attack, three in all.
Before all of it, in the same boot (step 0, issue 14): a uinput device udev
has not finished (a test rule's PROGRAM sleeps 60 s: in sysfs and /dev,
without udev's database entry) is neither added nor on the bus after
tactusd restarts and enumerates; once udev has run its rules it is added
with their ID_SEAT and TACTUS_TRUST (the rule gives it seat1 and allow).

  python3 tests/vm/test-relock.py [--build-dir BUILD] [--workdir BUILD/vm]
Exits 0 on success, 1 on failure, 77 when this host cannot run the test bed.
"""
import sys
import time

import vmtest
from vmtest import (MANAGER, check, conf_dir, get, note, object_path, wait_get, wait_session,
                    wait_since, write_guest)

USER = vmtest.tactusvm.TEST_USER
KEYS = 6


def attack(vm, n, sid, sp, kbd0, logind_path):
    """A uinput keyboard types KEYS keys; returns the Lock signals logind sent meanwhile."""
    unit = f"tactus-test-relock-{n}"
    mark = len(vmtest.tactusd_log(vm))
    monitor = vmtest.start_signal_monitor(vm, [
        "type='signal',interface='org.freedesktop.login1.Session',member='Lock'"])
    node = vmtest.start_injector_unit(vm, unit, ["uinput-clone", "--like", f"/dev/input/{kbd0}", "--keys",
                                                 str(KEYS), "--gap-min", "0.15", "--gap-max", "0.25",
                                                 "--hold", "0.05", "--seed", str(n), "--linger", "1"])
    wait_since(vm, mark, lambda L: any(l.startswith(f"device {node} added:") for l in L),
               what=f"'added' line for {node}")
    vm.check(f"touch /tmp/{unit}.go", timeout=10)
    s = wait_get(vm, sp, "org.tactus.Session1", {"Locked": True}, timeout=20)
    lines = wait_since(vm, mark, lambda L: vmtest.removals(L, node), timeout=60, what=f"'removed' line for {node}")
    signals = vmtest.stop_signal_monitor(vm, monitor)
    locks = [p for m, p, _ in signals if m == "Lock"]
    locking = [l for l in lines if l.startswith(f"session {sid}: locking")]
    check(s == {"Locked": True} and locks == [logind_path] and len(locking) == 1,
          f"attack {n} ({node}): tactusd's Locked={s['Locked']}, logind's Lock signals {locks}, "
          f"tactusd: {locking}")
    v = get(vm, sp, "org.tactus.Session1", "Verdict")["Verdict"]
    note(f"attack {n}: verdict {v}")
    return locks


def rearmed(vm, sid, sp, mark, how):
    lines = wait_since(vm, mark, lambda L: any(f"session {sid}: lock re-armed" in l for l in L), timeout=20,
                       what="'lock re-armed' line")
    s = wait_get(vm, sp, "org.tactus.Session1", {"Locked": False}, timeout=10)
    unlocked = [l for l in lines if l.startswith(f"session {sid} unlocked") or "re-armed" in l]
    check(s == {"Locked": False} and any("re-armed" in l for l in unlocked),
          f"{how}: Locked={s['Locked']}, tactusd: {unlocked}")


DENY_LOCK = """<?xml version="1.0"?>
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- tests/vm/test-relock.py: nobody may ask logind to lock a session -->
<busconfig>
  <policy context="mandatory">
    <deny send_destination="org.freedesktop.login1" send_interface="org.freedesktop.login1.Manager"
          send_member="LockSession"/>
  </policy>
</busconfig>
"""


def refused_lock(vm, sid, sp, kbd0):
    """The bus refuses LockSession: tactusd reports the refusal, never "locking"."""
    mark = len(vmtest.tactusd_log(vm))
    vm.check(f"loginctl unlock-session {sid}", timeout=20)
    rearmed(vm, sid, sp, mark, "loginctl unlock-session before the refused lock")
    write_guest(vm, "/etc/dbus-1/system.d/zz-tactus-test-deny-lock.conf", DENY_LOCK)
    vm.check("busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig",
             timeout=20)
    time.sleep(1)
    unit = "tactus-test-relock-refused"
    mark = len(vmtest.tactusd_log(vm))
    node = vmtest.start_injector_unit(vm, unit, ["uinput-clone", "--like", f"/dev/input/{kbd0}", "--keys",
                                                 str(KEYS), "--gap-min", "0.15", "--gap-max", "0.25",
                                                 "--hold", "0.05", "--seed", "4", "--linger", "1"])
    wait_since(vm, mark, lambda L: any(l.startswith(f"device {node} added:") for l in L),
               what=f"'added' line for {node}")
    vm.check(f"touch /tmp/{unit}.go", timeout=10)
    lines = wait_since(vm, mark, lambda L: any(f"session {sid}: logind refused to lock it" in l for l in L),
                       timeout=60, what="'refused to lock it' line")
    refused = [l for l in lines if f"session {sid}: logind refused to lock it" in l]
    locking = [l for l in lines if l.startswith(f"session {sid}: locking")]
    s = get(vm, sp, "org.tactus.Session1", "Locked")
    check(len(refused) == 1 and "AccessDenied" in refused[0] and not locking and s == {"Locked": False},
          f"a refused LockSession: tactusd {refused + locking}, Locked={s['Locked']}")
    wait_since(vm, mark, lambda L: vmtest.removals(L, node), timeout=60, what=f"'removed' line for {node}")
    vm.check("rm -f /etc/dbus-1/system.d/zz-tactus-test-deny-lock.conf && busctl --system call "
             "org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig", timeout=20)


UNINIT_NAME = "tactus-vm uninitialised keyboard"
UNINIT_RULE = "/run/udev/rules.d/99-tactus-vm-uninitialised.rules"
UNINIT_UDEV_SECONDS = 60


def uninitialised_device(vm, like):
    """Step 0 (issue 14): enumeration skips devices udev has not finished
    (sd_device_get_is_initialized), else they are described without their
    udev properties and keep that description. A test rule gives the device
    ID_SEAT=seat1 and TACTUS_TRUST=allow after a PROGRAM that sleeps
    UNINIT_UDEV_SECONDS, so the device exists in sysfs and /dev (the kernel
    makes both) without udev's database entry while tactusd restarts and
    enumerates (udev's other events go on meanwhile)."""
    # Only on "add": a remove event that slept too would hold back, for a
    # minute, the next device given the same event number (udev orders the
    # events of one device number).
    vmtest.write_guest(vm, UNINIT_RULE, f'ACTION=="add", SUBSYSTEM=="input", KERNEL=="event*", '
                       f'ATTRS{{name}}=="{UNINIT_NAME}", '
                       f'PROGRAM="/bin/sleep {UNINIT_UDEV_SECONDS}", ENV{{ID_SEAT}}="seat1", '
                       'ENV{TACTUS_TRUST}="allow"\n')
    vm.check("udevadm control --reload", timeout=30)
    sysname = vmtest.start_injector_unit(vm, "tactus-uninit", ["uinput-clone", "--like", f"/dev/input/{like}",
                                                               "--name", UNINIT_NAME, "--keys", "0",
                                                               "--timeout", "240", "--linger", "0"],
                                         timeout=120)
    db = "/run/udev/data/c" + vm.check(f"cat /sys/class/input/{sysname}/dev", timeout=20).strip()
    mark = len(vmtest.tactusd_log(vm))
    vm.check("systemctl restart tactusd.service", timeout=60)
    vmtest.wait_since(vm, mark, lambda L: any("publishing on the bus" in l for l in L), timeout=60,
                      what="'publishing on the bus' after the restart")
    time.sleep(2)  # anything enumeration would announce is announced by now
    early = vmtest.additions(vmtest.log_since(vm, mark), sysname)
    on_bus = sysname in vmtest.ctl_devices(vm)
    pending = vm.run(f"test -e {db}", timeout=20)[0] != 0
    check(pending and not early and not on_bus,
          f"{sysname}, not yet initialised by udev ({db} {'absent' if pending else 'present: too late to tell'}),"
          f" is neither added nor on the bus after tactusd enumerated"
          + (f"; added as {early[0]}" if early else "") + ("; on the bus" if on_bus else ""))
    lines = vmtest.wait_since(vm, mark, lambda L: vmtest.additions(L, sysname), timeout=UNINIT_UDEV_SECONDS + 60,
                              what=f"'added' line for {sysname} once udev ran")
    added = vmtest.additions(lines, sysname)
    props = vmtest.get(vm, vmtest.object_path(vm, "GetDevice", sysname), "org.tactus.Device1", "Seat", "Allowed")
    check(len(added) == 1 and added[0]["seat"] == "seat1" and props == {"Seat": "seat1", "Allowed": True},
          f"{sysname} added once udev ran its rules, with them: {len(added)} 'added' line(s), seat "
          f"{[a['seat'] for a in added]}, Device1 {props}")
    vm.check("touch /tmp/tactus-uninit.go", timeout=10)
    vmtest.wait_log(vm, lambda L: vmtest.removals(L, sysname), timeout=30, what=f"'removed' line for {sysname}")
    vm.check(f"rm -f {UNINIT_RULE} && udevadm control --reload && udevadm settle --timeout=90", timeout=120)
    vmtest.check_device_list(vm, "after the uninitialised device")


def body(vm, args):
    confdir = conf_dir(args.build_dir)
    vmtest.wait_log(vm, lambda L: any("publishing on the bus" in l for l in L), timeout=60,
                    what="'publishing on the bus'")
    kbd0 = [n for n, d in vmtest.ctl_devices(vm).items() if d["name"] == "QEMU QEMU USB Keyboard"]
    if not check(len(kbd0) == 1, f"the emulated USB keyboard is {kbd0}"):
        return
    kbd0 = kbd0[0]
    uninitialised_device(vm, kbd0)
    sid = wait_session(vm)
    vmtest.wait_log(vm, lambda L: any(f"session {sid} added" in l for l in L), timeout=30,
                    what=f"'session {sid} added'")
    write_guest(vm, f"{confdir}/tactus.conf", "# tests/vm/test-relock.py\n[Daemon]\nMode=enforce\n\n"
                "[Actions]\nOnInjected=publish lock grab\n")
    mark = len(vmtest.tactusd_log(vm))
    vm.check("systemctl restart tactusd.service", timeout=90)
    # The autologin session can end and come back under a new id in the
    # test bed (getty restarts it): take the one there is now.
    time.sleep(2)
    sid = wait_session(vm)
    wait_since(vm, mark, lambda L: any(f"session {sid} added" in l for l in L), what=f"session {sid} added")
    mode = get(vm, MANAGER, "org.tactus.Manager1", "Mode")["Mode"]
    check(mode == "enforce", f"Manager1 Mode={mode}")
    sp = object_path(vm, "GetSession", sid)
    logind_path = vm.check(f"busctl --system call org.freedesktop.login1 /org/freedesktop/login1 "
                           f"org.freedesktop.login1.Manager GetSession s {sid}", timeout=20).split('"')[1]
    s = get(vm, sp, "org.tactus.Session1", "Verdict", "Locked")
    check(s == {"Verdict": "learning", "Locked": False}, f"before the attacks: session {sid} {s}")

    attack(vm, 1, sid, sp, kbd0, logind_path)
    # A locker's unlock: it set LockedHint when it locked and clears it when
    # the person authenticates; logind sends no Unlock signal for that.
    set_hint = (f"busctl --system call org.freedesktop.login1 {logind_path} "
                f"org.freedesktop.login1.Session SetLockedHint b")
    vm.check(f"{set_hint} true", timeout=20)
    time.sleep(1)
    mark = len(vmtest.tactusd_log(vm))
    vm.check(f"{set_hint} false", timeout=20)
    rearmed(vm, sid, sp, mark, "a locker clears LockedHint (true -> false)")

    attack(vm, 2, sid, sp, kbd0, logind_path)
    mark = len(vmtest.tactusd_log(vm))
    vm.check(f"loginctl unlock-session {sid}", timeout=20)
    rearmed(vm, sid, sp, mark, "loginctl unlock-session (the Unlock signal)")

    attack(vm, 3, sid, sp, kbd0, logind_path)
    locking = [l for l in vmtest.tactusd_log(vm) if l.startswith(f"session {sid}: locking")]
    check(len(locking) == 3, f"tactusd asked logind to lock {len(locking)} times for 3 attacks (no "
          f"AcknowledgeReauthentication in between)")

    refused_lock(vm, sid, sp, kbd0)
    acks = [l for l in vmtest.tactusd_log(vm) if "re-authentication acknowledged" in l]
    check(not acks, f"nobody acknowledged re-authentication: {acks}")
    p = vmtest.unit_property(vm, "tactusd.service", "ActiveState", "NRestarts")
    check(p == {"ActiveState": "active", "NRestarts": "0"}, f"tactusd up through all of it: {p}")


if __name__ == "__main__":
    # A generous boot limit, as vm-storm's: on a loaded 2-core host the TCG boot alone can take minutes.
    sys.exit(vmtest.main(body, __doc__.split("\n\n")[0], vm_args={"boot_timeout": 420}))
