#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""vm suite: tactusd's sessions on the system bus, with real logind and polkitd.

One boot, tactusd.service running from the build tree, two users with
autologin on seat0: tactustest (uid 4242, tty1, active) and tactustest2
(uid 4243, tty2, not an admin). Each autologin shell runs the test bed's
session agent, so commands run *inside* that user's logind session
(Vm.run_in_session). Checks, in order:
  1. the unit with its hardening: `systemd-analyze security` exposure <= 2.5
     (the figure is printed), Type=dbus, BusName=org.tactus.Tactus1, and the
     name owned by tactusd's main pid;
  2. each session has its object: `busctl tree` lists
     /org/tactus/Tactus1/session/<escaped id>, its properties (User, UserName,
     Seat, Active, Locked, Pseudo, Verdict learning) are right,
     GetSessionByPID(0) from inside the session returns it (and from outside
     any session is NotFound), `tactusctl status` and `sessions` show it;
  3. a VT switch (chvt 2) moves input: Active flips on both objects, a uinput
     keyboard typing then makes only tactustest2's session `injected`;
     switching back (logind ActivateSession) leaves tactustest's `learning`,
     and emulated-keyboard input on it keeps it so;
  4. lock and unlock: `loginctl lock-session` (Lock signal) and LockedHint set
     by the session's user turn tactusd's Locked on ("learning paused" in its
     journal) and off again;
  5. re-authentication: a uinput keyboard makes tactustest's session
     `injected`; its own user's AcknowledgeReauthentication (polkit
     allow_active) brings it back to `learning` with no reasons; a
     dbus-monitor saw VerdictChanged injected, then learning; tactusd's
     journal is one stream (every entry through the native socket, the
     acknowledgement line before its verdict entry);
  6. permissions through the real polkitd: tactustest2 can neither reset
     tactustest's profile nor acknowledge for it, nor acknowledge its own
     inactive session (PermissionDenied); root resets it.

  python3 tests/vm/test-sessions.py [--build-dir BUILD] [--workdir BUILD/vm]
Exits 0 on success, 1 on failure, 77 when this host cannot run the test bed.
"""
import json
import re
import shlex
import sys
import time

import vmtest
from vmtest import INJECT, TACTUSCTL, VmError, check, note

USER1, UID1 = vmtest.tactusvm.TEST_USER, vmtest.tactusvm.TEST_UID
USER2, UID2 = vmtest.tactusvm.SECOND_USER, vmtest.tactusvm.SECOND_UID
BUS = "org.tactus.Tactus1"
MANAGER = "/org/tactus/Tactus1"
SESSION_IFACE = "org.tactus.Session1"
MAX_EXPOSURE = 2.5
INJECT_KEYS = 20


bus_escape = vmtest.bus_escape


def session_path(sid):
    return f"{MANAGER}/session/{bus_escape(sid)}"


def props(vm, path, *names):
    """Properties of org.tactus.Session1 at path, read with busctl --json."""
    out = vm.check(f"busctl --system --json=short get-property {BUS} {path} {SESSION_IFACE} " + " ".join(names),
                   timeout=20)
    values = [json.loads(l)["data"] for l in out.splitlines() if l.startswith("{")]
    if len(values) != len(names):
        raise VmError(f"get-property {names} at {path}: {out!r}")
    return dict(zip(names, values))


def wait_props(vm, path, expected, timeout=20, what=None):
    """Poll until the properties at path have the expected values; returns
    what was read last (the caller checks it)."""
    deadline = time.monotonic() + timeout
    while True:
        got = props(vm, path, *expected)
        if got == expected or time.monotonic() > deadline:
            return got
        time.sleep(0.3)


def dbus_call(vm, path, iface, method, *args, user=None):
    """dbus-send a method call, as root (outside any session) or as user
    inside that user's logind session: (ok, error name, reply or message)."""
    cmd = (f"dbus-send --system --print-reply --dest={BUS} {path} {iface}.{method} "
           + " ".join(shlex.quote(a) for a in args))
    rc, out, err = vm.run_in_session(user, cmd, timeout=30) if user else vm.run(cmd, timeout=30)
    if rc == 0:
        return True, None, out
    m = re.search(r"Error (\S+): (.*)", err)
    return False, m.group(1) if m else None, (m.group(2) if m else err.strip())


def log_has(vm, text, timeout=15):
    """tactusd's journal contains a line with text (polled)."""
    try:
        vmtest.wait_log(vm, lambda L: any(text in l for l in L), timeout=timeout, what=repr(text))
        return True
    except VmError:
        return False


# -- 1. the unit


def check_unit(vm):
    rc, out, err = vm.run("systemd-analyze security --no-pager tactusd.service", timeout=120)
    m = re.search(r"Overall exposure level for tactusd\.service: ([0-9.]+) (\S+)", out)
    if check(rc == 0 and m is not None, "systemd-analyze security tactusd.service prints an exposure level"
             + ("" if m else f": rc={rc} {err.strip()} {out[-300:]!r}")):
        note(f"in the guest: {m.group(0)}")
        check(float(m.group(1)) <= MAX_EXPOSURE, f"exposure {m.group(1)} <= {MAX_EXPOSURE}")
    p = vmtest.unit_property(vm, "tactusd.service", "Type", "BusName", "MainPID", "ActiveState", "NRestarts")
    check(p["Type"] == "dbus" and p["BusName"] == BUS and p["ActiveState"] == "active",
          f"tactusd.service Type={p['Type']} BusName={p['BusName']} {p['ActiveState']}")
    out = vm.check(f"busctl --system status {BUS}", timeout=20)
    owner = dict(l.split("=", 1) for l in out.splitlines() if "=" in l)
    check(owner.get("PID") == p["MainPID"] and owner.get("Unit") == "tactusd.service" and owner.get("UID") == "0",
          f"{BUS} is owned by tactusd's main pid {p['MainPID']} (busctl status: PID={owner.get('PID')} "
          f"Unit={owner.get('Unit')} UID={owner.get('UID')} Exe={owner.get('Exe')})")


# -- 2. the session objects


def check_objects(vm, s1, s2):
    out = vm.check("loginctl list-sessions --no-legend", timeout=20)
    note("loginctl: " + "; ".join(" ".join(l.split()) for l in out.splitlines()))
    p1, p2 = session_path(s1), session_path(s2)
    tree = vm.check(f"busctl --system tree --list {BUS}", timeout=20).split()
    check(p1 in tree and p2 in tree, f"busctl tree lists {p1} ({USER1}) and {p2} ({USER2})")
    a = props(vm, p1, "Id", "User", "UserName", "Seat", "Active", "Locked", "Pseudo", "Verdict", "Reasons")
    check(a == {"Id": s1, "User": UID1, "UserName": USER1, "Seat": "seat0", "Active": True, "Locked": False,
                "Pseudo": False, "Verdict": "learning", "Reasons": []},
          f"{p1}: {a}")
    b = props(vm, p2, "User", "Seat", "Active", "Verdict")
    check(b == {"User": UID2, "Seat": "seat0", "Active": False, "Verdict": "learning"}, f"{p2}: {b}")
    ok, err, out = dbus_call(vm, MANAGER, "org.tactus.Manager1", "GetSession", f"string:{s1}")
    check(ok and p1 in out, f"GetSession('{s1}') = {p1}")

    for user, path in ((USER1, p1), (USER2, p2)):
        rc, out, err = vm.run_in_session(user, f"busctl --system call {BUS} {MANAGER} org.tactus.Manager1 "
                                         "GetSessionByPID u 0", timeout=30)
        check(rc == 0 and out.strip() == f'o "{path}"',
              f"GetSessionByPID(0) inside {user}'s session: {out.strip() or err.strip()}")
    ok, err, msg = dbus_call(vm, MANAGER, "org.tactus.Manager1", "GetSessionByPID", "uint32:0")
    check(not ok and err == "org.tactus.Error.NotFound",
          f"GetSessionByPID(0) from outside any session (root, system.slice): {err}: {msg}")

    rc, out, err = vm.run_in_session(USER1, f"{TACTUSCTL} status", timeout=30)
    own = [l.strip() for l in out.splitlines() if "Your session" in l or "Verdict" in l]
    check(rc == 0 and f"Your session: {s1} (user {USER1}, seat seat0, active, unlocked)" in out
          and "Verdict: learning" in out, f"tactusctl status in {USER1}'s session: {own or err.strip()}")
    rc, out, err = vm.run_in_session(USER1, f"{TACTUSCTL} --json status", timeout=30)
    st = json.loads(out) if rc == 0 and out.startswith("{") else {}
    check(st.get("logind") is True and st.get("sessions") == 2 and (st.get("own_session") or {}).get("id") == s1,
          f"tactusctl --json status: logind {st.get('logind')}, {st.get('sessions')} sessions, "
          f"own {(st.get('own_session') or {}).get('id')}")
    out = vm.check(f"{TACTUSCTL} sessions", timeout=30)
    rows = {l.split()[0]: l.split() for l in out.splitlines()[1:] if l.strip()}
    check(rows.get(s1, [])[1:6] == [USER1, "seat0", "yes", "no", "learning"]
          and rows.get(s2, [])[1:6] == [USER2, "seat0", "no", "no", "learning"],
          "tactusctl sessions: " + " | ".join(" ".join(r) for r in rows.values()))


# -- 3. a VT switch


def usb_keyboard(vm):
    usb = [s for s, d in vmtest.ctl_devices(vm).items() if d["name"] == "QEMU QEMU USB Keyboard"]
    if len(usb) != 1:
        raise VmError(f"the emulated USB keyboard is {usb}")
    return usb[0]


def inject(vm, like, tag):
    """A uinput clone of `like` types INJECT_KEYS keys once tactusd has the
    device open; returns its sysname."""
    ready, go = f"/tmp/inject-{tag}.ready", f"/tmp/inject-{tag}.go"
    job = vm.start(f"/usr/bin/python3 {INJECT} uinput-clone --like /dev/input/{like} --ready {ready} --go {go} "
                   f"--keys {INJECT_KEYS} --gap-min 0.005 --gap-max 0.015 --linger 0.5", timeout=90)
    deadline = time.monotonic() + 30
    while (r := vm.run(f"cat {ready}", timeout=10))[0] != 0:
        if time.monotonic() > deadline:
            raise VmError(f"guest-inject never created its device: {job.wait(5)}")
        time.sleep(0.2)
    node = r[1].strip()
    vmtest.wait_log(vm, lambda L: node in vmtest.daemon_devices(L), timeout=30, what=f"'added' line for {node}")
    vm.check(f"touch {go}", timeout=10)
    rc, out, err = job.wait()
    if rc != 0:
        raise VmError(f"guest-inject failed ({rc}): {out}{err}")
    vmtest.wait_log(vm, lambda L: vmtest.removals(L, node), timeout=30, what=f"'removed' line for {node}")
    return node


def wait_logind_active(vm, sid, timeout=20):
    deadline = time.monotonic() + timeout
    while vm.run(f"loginctl show-session {sid} -p Active --value", timeout=10)[1].strip() != "yes":
        if time.monotonic() > deadline:
            raise VmError(f"logind never made session {sid} active")
        time.sleep(0.3)


def vt_switch(vm, s1, s2, usb):
    p1, p2 = session_path(s1), session_path(s2)
    vm.check("busybox chvt 2", timeout=20)
    wait_logind_active(vm, s2)
    vt = vm.run("cat /sys/class/tty/tty0/active", timeout=10)[1].strip()
    note(f"chvt 2: the foreground VT is {vt}; logind says session {s2} is active")
    a, b = wait_props(vm, p1, {"Active": False}), wait_props(vm, p2, {"Active": True})
    check(a == {"Active": False} and b == {"Active": True},
          f"after chvt 2: tactusd's Active {s1}={a['Active']} {s2}={b['Active']}")
    check(log_has(vm, f"session {s2} became active on seat seat0") and log_has(vm, f"session {s1} is no longer active"),
          "tactusd logged the switch")

    node = inject(vm, usb, "vt2")
    b = wait_props(vm, p2, {"Verdict": "injected", "Reasons": ["synthetic-device"]})
    check(b == {"Verdict": "injected", "Reasons": ["synthetic-device"]},
          f"a uinput keyboard ({node}) typing on VT 2: {USER2}'s session {s2} {b}")
    a = props(vm, p1, "Verdict", "Reasons")
    check(a == {"Verdict": "learning", "Reasons": []}, f"{USER1}'s inactive session {s1} stays {a}")
    check(log_has(vm, f"session {s2} verdict injected"), f"tactusd logged session {s2}'s verdict")

    vm.check(f"loginctl activate {s1}", timeout=20)  # logind ActivateSession: the VT goes back to 1
    wait_logind_active(vm, s1)
    a, b = wait_props(vm, p1, {"Active": True}), wait_props(vm, p2, {"Active": False})
    check(a == {"Active": True} and b == {"Active": False},
          f"after loginctl activate {s1}: tactusd's Active {s1}={a['Active']} {s2}={b['Active']}")
    # The emulated (hypervisor) USB keyboard is allowed: typing on it now
    # counts for session s1 and must not turn it.
    vm.qmp.type_keys(vm.DISPLAYS["usb-kbd"], ["a", "s", "d", "f", "j", "k", "l"], gap=0.12)
    time.sleep(1)
    a, b = props(vm, p1, "Verdict", "Reasons"), props(vm, p2, "Verdict", "Reasons")
    check(a == {"Verdict": "learning", "Reasons": []},
          f"back on VT 1, after typing on the emulated keyboard: {USER1}'s session {s1} still {a}")
    check(b == {"Verdict": "injected", "Reasons": ["synthetic-device"]},
          f"{USER2}'s session {s2} keeps its own evidence: {b}")


# -- 4. lock and unlock


def lock_unlock(vm, s1):
    p1 = session_path(s1)
    vm.check(f"loginctl lock-session {s1}", timeout=20)
    a = wait_props(vm, p1, {"Locked": True})
    check(a == {"Locked": True}, f"loginctl lock-session {s1} (Lock signal): tactusd's Locked={a['Locked']}")
    check(log_has(vm, f"session {s1} locked: learning paused"), "tactusd's journal: learning paused")
    vm.check(f"loginctl unlock-session {s1}", timeout=20)
    a = wait_props(vm, p1, {"Locked": False})
    check(a == {"Locked": False}, f"loginctl unlock-session {s1} (Unlock signal): Locked={a['Locked']}")
    check(log_has(vm, f"session {s1} unlocked"), "tactusd's journal: unlocked")

    hint = (f"busctl --system call org.freedesktop.login1 /org/freedesktop/login1/session/{bus_escape(s1)} "
            "org.freedesktop.login1.Session SetLockedHint b")
    rc, out, err = vm.run_in_session(USER1, hint + " true", timeout=30)
    check(rc == 0, f"{USER1} sets its session's LockedHint" + ("" if rc == 0 else f": {err.strip()}"))
    lh = vm.run(f"loginctl show-session {s1} -p LockedHint --value", timeout=10)[1].strip()
    a = wait_props(vm, p1, {"Locked": True})
    check(a == {"Locked": True}, f"LockedHint=true (logind says {lh}): tactusd's Locked={a['Locked']}")
    n_paused = sum(1 for l in vmtest.tactusd_log(vm) if f"session {s1} locked: learning paused" in l)
    check(n_paused == 2, f"tactusd's journal says learning paused again ({n_paused} times in all)")
    rc, out, err = vm.run_in_session(USER1, hint + " false", timeout=30)
    a = wait_props(vm, p1, {"Locked": False})
    check(rc == 0 and a == {"Locked": False}, f"LockedHint=false: Locked={a['Locked']}")

    # A real locker: logind's Lock, the locker sets LockedHint, and on unlock
    # clears it; logind sends no Unlock then. tactusd must not stay locked.
    vm.run(f"loginctl lock-session {s1}", timeout=20)
    wait_props(vm, p1, {"Locked": True})
    vm.run_in_session(USER1, hint + " true", timeout=30)
    rc, out, err = vm.run_in_session(USER1, hint + " false", timeout=30)
    a = wait_props(vm, p1, {"Locked": False})
    check(rc == 0 and a == {"Locked": False},
          f"Lock signal, LockedHint true, then false (a locker's unlock): Locked={a['Locked']}")


# -- 5. re-authentication


def reauthenticate(vm, s1, s2, usb):
    p1, p2 = session_path(s1), session_path(s2)
    monitor = vmtest.start_signal_monitor(vm, [f"type='signal',sender='{BUS}',path='{p1}'"], timeout=240)
    node = inject(vm, usb, "vt1")
    a = wait_props(vm, p1, {"Verdict": "injected", "Reasons": ["synthetic-device"]})
    check(a == {"Verdict": "injected", "Reasons": ["synthetic-device"]},
          f"a uinput keyboard ({node}) typing on VT 1: {USER1}'s session {s1} {a}")
    ok, err, msg = dbus_call(vm, p1, SESSION_IFACE, "AcknowledgeReauthentication", user=USER1)
    check(ok, f"{USER1} acknowledges re-authentication from its active session (polkit allow_active)"
          + ("" if ok else f": {err}: {msg}"))
    a = wait_props(vm, p1, {"Verdict": "learning", "Reasons": []})
    check(a == {"Verdict": "learning", "Reasons": []}, f"then session {s1} is {a}")
    check(log_has(vm, f"session {s1}: re-authentication acknowledged"), "tactusd logged the acknowledgement")
    journal_order(vm, s1)
    signals = [(m, a) for m, _, a in vmtest.stop_signal_monitor(vm, monitor)]
    verdicts = [a for m, a in signals if m == "VerdictChanged"]
    changed = [a for m, a in signals if m == "PropertiesChanged"]
    check(verdicts == ["injected", "learning"] and changed.count(SESSION_IFACE) >= 2,
          f"dbus-monitor on {p1}: VerdictChanged {verdicts}, PropertiesChanged x{len(changed)}")
    b = props(vm, p2, "Verdict")
    check(b == {"Verdict": "injected"}, f"session {s2} is untouched: {b}")


def journal_order(vm, s1):
    """tactusd's plain lines and structured entries are one ordered stream:
    all came through the journal's native socket (a stderr stream is a
    second socket journald reads in its own order), and the acknowledgement
    line is before the verdict entry tactusd sent right after it."""
    out = vm.check("journalctl -b --no-pager -o json _COMM=tactusd", timeout=30)
    entries = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    transports = {}
    for e in entries:
        transports[e.get("_TRANSPORT")] = transports.get(e.get("_TRANSPORT"), 0) + 1
    check(entries and set(transports) == {"journal"},
          f"tactusd's {len(entries)} journal entries all came through the native socket: {transports}")
    ack = [i for i, e in enumerate(entries)
           if str(e.get("MESSAGE", "")).startswith(f"session {s1}: re-authentication acknowledged")]
    verdict = [i for i, e in enumerate(entries)
               if e.get("TACTUS_CAUSE") == "re-authenticated" and e.get("TACTUS_SESSION") == s1]
    check(len(ack) == 1 and len(verdict) == 1 and ack[0] < verdict[0],
          f"journal order: the acknowledgement line (entry {ack}) before its verdict entry (entry {verdict})")


# -- 6. permissions


def permissions(vm, s1, s2):
    p1, p2 = session_path(s1), session_path(s2)
    ok, err, msg = dbus_call(vm, p1, SESSION_IFACE, "ResetProfile", user=USER2)
    check(not ok and err == "org.tactus.Error.PermissionDenied",
          f"{USER2} ResetProfile on {USER1}'s session (polkit auth_admin, no agent): {err}: {msg}")
    ok, err, msg = dbus_call(vm, p1, SESSION_IFACE, "AcknowledgeReauthentication", user=USER2)
    check(not ok and err == "org.tactus.Error.PermissionDenied",
          f"{USER2} AcknowledgeReauthentication on {USER1}'s session: {err}: {msg}")
    ok, err, msg = dbus_call(vm, p2, SESSION_IFACE, "AcknowledgeReauthentication", user=USER2)
    check(not ok and err == "org.tactus.Error.PermissionDenied",
          f"{USER2} AcknowledgeReauthentication on its own *inactive* session (polkit allow_inactive "
          f"auth_admin_keep): {err}: {msg}")
    check(props(vm, p2, "Verdict") == {"Verdict": "injected"}, f"session {s2} is still injected")
    check(log_has(vm, "denied org.tactus.reset-profile to"), "tactusd logged polkit's no")
    ok, err, msg = dbus_call(vm, p1, SESSION_IFACE, "ResetProfile")
    check(ok, "root ResetProfile on it succeeds" + ("" if ok else f": {err}: {msg}"))
    check(log_has(vm, f"session {s1}: profile of uid {UID1} reset"), "tactusd logged the reset")


def body(vm, args):
    check_unit(vm)
    s1, s2 = vm.wait_session(USER1, 90), vm.wait_session(USER2, 90)
    note(f"{USER1} runs in logind session {s1}, {USER2} in {s2}")
    check(s1 != s2, "two distinct sessions")
    # tactusd follows logind through sd-login's monitor: give it a moment.
    vmtest.wait_log(vm, lambda L: all(any(f"session {s} added" in l for l in L) for s in (s1, s2)),
                    timeout=20, what="'session added' lines for both")
    usb = usb_keyboard(vm)
    check_objects(vm, s1, s2)
    vt_switch(vm, s1, s2, usb)
    lock_unlock(vm, s1)
    reauthenticate(vm, s1, s2, usb)
    permissions(vm, s1, s2)
    p = vmtest.unit_property(vm, "tactusd.service", "NRestarts", "ActiveState")
    check(p == {"NRestarts": "0", "ActiveState": "active"}, f"tactusd stayed up through all of it ({p})")


if __name__ == "__main__":
    sys.exit(vmtest.main(body, __doc__.split("\n\n")[0], vm_args={"second_user": True, "session_agents": True}))
