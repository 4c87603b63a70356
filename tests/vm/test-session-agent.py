#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""vm suite: tactus-session-agent in a real X server reading evdev.

One boot, tactusd.service running from the build tree. The guest runs Xorg
(the dummy video driver, xf86-input-libinput reading every evdev node of
seat0) for vt7 and a logind session of the test user of type x11 on seat0
vt7, as a display manager makes one (`su -l` with pam_systemd);
tactus-session-agent runs in that session on display :0 as the test user
(--print --interval 1). The dummy driver asks Xorg for no console
(HW_SKIP_CONSOLE: Xorg logs "using VT number 7" but never opens the VT nor
switches to it, unlike Xorg with a KMS driver), so the test switches the
foreground VT itself (`busybox chvt 7`; the host has no kbd package): logind
makes the session on a seat's VT active when that VT is the foreground one
(/sys/class/tty/tty0/active), and the autologin session on tty1 goes
inactive. Checks, in order:
  1. the emulated USB keyboard typed from the host through QMP (20
     generated keys, 150-300 ms gaps) reaches the agent as `evdev` input of
     the "QEMU QEMU USB Keyboard" slave, never as `xtest`; the session stays
     `learning` with no reasons;
  2. a uinput keyboard (tools/vm/guest-inject uinput-clone of the USB
     keyboard, 20 keys) that Xorg reads like any other evdev node: the agent
     reports it as `evdev`, never `xtest`; tactusd's own evidence for it is
     `synthetic-device` (its provenance), not the agent's; root's
     AcknowledgeReauthentication brings back `learning`;
  3. the discrepancy signal: logind IdleHint set true then false by root
     (what a desktop's idle monitor does) after QMP typing raises nothing,
     neither does the agent's `evdev` report of it (right after 2's uinput
     keyboard went away: tactusd once lost a removed device's counts from
     the seat's input and called this typing unattributable);
     after `xdotool type` (XTEST: input no evdev device of the seat made) it
     adds the note `unattributable-input` and tactusd logs it; monitor mode,
     no lock;
  4. `xdotool type` (20 generated letters, 100 ms apart) in the same X
     server arrives as `xtest` with its key presses; in monitor mode the
     session turns `injected` with `synthetic-session-input` and is not
     locked;
  5. enforce mode (CONFDIR/tactus.conf: Mode=enforce, OnInjected=publish
     lock), the session acknowledged (tactusd keeps a verdict over a
     restart) and tactusd restarted under the running agent: `xdotool type` again
     turns the session `injected` and tactusd asks logind to lock it
     (Locked=true, its lock line).
The rate: in 4 the agent's reports of the XTEST keyboard carry the median
press-to-press interval of `xdotool type --delay 100` (checked within
30-600 ms, printed) and tactusd's verdict line carries one report's count
and rate ("N key presses at R/s (median M ms"); in 5 `--delay 10` is
printed the same way. Under TCG on a loaded host the X server bunches or
spreads XTEST events (medians of 69-84 ms were seen for --delay 10 and
74-221 ms for --delay 100), so the two are not compared; the host-side
agent-xtest-human/-machine tests check the rates themselves.

  python3 tests/vm/test-session-agent.py [--build-dir BUILD] [--workdir BUILD/vm]
Exits 0 on success, 1 on failure, 77 when this host cannot run the test bed
or lacks Xorg, the dummy driver, xf86-input-libinput or xdotool
(tools/setup-vm-deps installs them).
"""
import argparse
import json
import os
import random
import re
import shlex
import shutil
import sys
import time

import vmtest
from vmtest import VmError, check, conf_dir, note, write_guest

USER = vmtest.tactusvm.TEST_USER
BUS = "org.tactus.Tactus1"
MANAGER = "/org/tactus/Tactus1"
SESSION_IF = "org.tactus.Session1"
AGENT = "/usr/local/libexec/tactus-session-agent"
AGENT_OUT = "/tmp/tactus-agent.out"
AGENT_ERR = "/tmp/tactus-agent.err"
XORG_LOG = "/tmp/Xorg.0.log"
XORG_CONF = """\
# tests/vm/test-session-agent.py: no display hardware, input from evdev
Section "ServerFlags"
    Option "AutoAddDevices" "true"
    Option "AutoEnableDevices" "true"
EndSection
# GLX took 20 s of software-renderer setup in the TCG guest; nothing here draws
Section "Module"
    Disable "glx"
EndSection
Section "Device"
    Identifier "dummy"
    Driver "dummy"
    VideoRam 16384
EndSection
Section "Monitor"
    Identifier "monitor"
    HorizSync 5.0-1000.0
    VertRefresh 5.0-200.0
EndSection
Section "Screen"
    Identifier "screen"
    Device "dummy"
    Monitor "monitor"
    DefaultDepth 24
    SubSection "Display"
        Depth 24
        Modes "1024x768"
    EndSubSection
EndSection
"""
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
KEYS = 20
timings = {}


def host_has_xorg():
    """Xorg and what the test needs of it exist on the host (= the guest's
    root), and the build has the agent (it needs libX11 and libXi)."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--build-dir", default=os.environ.get("TACTUS_BUILD_ROOT",
                                                         os.path.join(vmtest.SRC, "build")))
    build_dir = p.parse_known_args()[0].build_dir
    if not os.path.exists(os.path.join(build_dir, "agent", "tactus-session-agent")):
        vmtest.tactusvm.skip(f"tactus-session-agent is not built in {build_dir} (needs libx11-dev, libxi-dev)")
    need = {"Xorg": os.path.exists("/usr/lib/xorg/Xorg"),
            "the dummy video driver": os.path.exists("/usr/lib/xorg/modules/drivers/dummy_drv.so"),
            "xf86-input-libinput": os.path.exists("/usr/lib/xorg/modules/input/libinput_drv.so"),
            "xdotool": shutil.which("xdotool") is not None}
    missing = [k for k, v in need.items() if not v]
    if missing:
        vmtest.tactusvm.skip("not installed: " + ", ".join(missing)
                             + " (tools/setup-vm-deps: xserver-xorg-core xserver-xorg-video-dummy "
                             "xserver-xorg-input-libinput xdotool)")


# A loaded guest answers slowly: a minute per bus call, 40 s for a verdict.
def get(vm, path, iface, *names):
    return vmtest.get(vm, path, iface, *names, timeout=60)


def wait_get(vm, path, expected, timeout=40):
    """Poll the session's properties until `expected` holds (a callable value
    is a predicate); returns the last read."""
    return vmtest.wait_get(vm, path, SESSION_IF, expected, timeout=timeout, call_timeout=60)


def session_path(vm, sid):
    out = vm.check(f"busctl --system call {BUS} {MANAGER} org.tactus.Manager1 GetSession s {sid}", timeout=60)
    return out.split('"')[1]


def acknowledge(vm, sp):
    vm.check(f"busctl --system call {BUS} {sp} {SESSION_IF} AcknowledgeReauthentication", timeout=30)
    s = wait_get(vm, sp, {"Verdict": "learning", "Reasons": []})
    check(s == {"Verdict": "learning", "Reasons": []}, f"root's AcknowledgeReauthentication: {s}")


def set_idle_hint(vm, logind_path, idle):
    vm.check(f"busctl --system call org.freedesktop.login1 {logind_path} org.freedesktop.login1.Session "
             f"SetIdleHint b {'true' if idle else 'false'}", timeout=60)


class Agent:
    """The agent's JSON report lines (it prints one per source and window)."""

    def __init__(self, vm):
        self.vm = vm
        self.mark = 0

    def lines(self):
        out = self.vm.run(f"cat {AGENT_OUT}", timeout=60)[1]
        return [json.loads(l) for l in out.splitlines() if l.startswith("{")]

    def since_mark(self):
        return self.lines()[self.mark:]

    def set_mark(self):
        self.mark = len(self.lines())

    def wait_keys(self, source, count, timeout=40):
        """Reports since the mark once `source` reached `count` key presses
        (and one more window, to see that nothing else arrives)."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.since_mark()
            if sum(r["key_presses"] for r in got if r["source"] == source) >= count:
                time.sleep(1.5)  # one more report window
                return self.since_mark()
            if time.monotonic() > deadline:
                return got
            time.sleep(0.5)


def keys_by_source(reports):
    by = {}
    for r in reports:
        if r["key_presses"]:
            k = (r["source"], r["device"])
            by[k] = by.get(k, 0) + r["key_presses"]
    return by


def x11_session(vm):
    """The id of USER's x11 session, or None."""
    for l in vm.check("loginctl list-sessions --no-legend", timeout=60).splitlines():
        f = l.split()
        if len(f) >= 3 and f[2] == USER:
            t = vm.run(f"loginctl show-session {f[0]} -p Type --value", timeout=60)[1].split()
            if t[:1] == ["x11"]:
                return f[0]
    return None


def start_x_session(vm):
    """A logind x11 session of USER on seat0 vt7 running the agent, then
    Xorg, then vt7 in the foreground; returns the session id once it is
    active and tactusd has it."""
    write_guest(vm, "/tmp/xorg-dummy.conf", XORG_CONF, timeout=60)
    # The session first, as a display manager opens it; its shell waits
    # for the X socket, then runs the agent on :0.
    inner = (f"while [ ! -S /tmp/.X11-unix/X0 ]; do sleep 0.2; done; "
             f"DISPLAY=:0 exec {AGENT} --print --interval 1 > {AGENT_OUT} 2> {AGENT_ERR}")
    vm.check("setsid -f env XDG_SESSION_TYPE=x11 XDG_SESSION_CLASS=user XDG_SEAT=seat0 XDG_VTNR=7 "
             f"su -l {USER} -c {shlex.quote(inner)} < /dev/null > /tmp/su.log 2>&1", timeout=60)
    deadline = time.monotonic() + 180  # ~10 s on an idle host; minutes on a loaded one
    while (sid := x11_session(vm)) is None:
        if time.monotonic() > deadline:
            raise VmError("no x11 session of the test user: " + vm.run("cat /tmp/su.log; loginctl")[1])
        time.sleep(0.3)
    note("logind: " + vm.run(f"loginctl show-session {sid} -p Type -p Class -p Seat -p VTNr -p Active",
                             timeout=60)[1].replace("\n", " "))
    t0 = time.monotonic()
    vm.check(f"setsid -f /usr/lib/xorg/Xorg :0 vt7 -config /tmp/xorg-dummy.conf -nolisten tcp -noreset "
             f"-logfile {XORG_LOG} < /dev/null > /tmp/Xorg.out 2>&1", timeout=60)
    while vm.run("DISPLAY=:0 xdpyinfo > /dev/null 2>&1", timeout=60)[0] != 0:
        if time.monotonic() > deadline:
            raise VmError("Xorg did not come up: " + vm.run(f"tail -30 {XORG_LOG}; cat /tmp/Xorg.out")[1])
        time.sleep(0.5)
    timings["Xorg up"] = time.monotonic() - t0
    # The dummy driver leaves the VT alone (HW_SKIP_CONSOLE, see the
    # docstring): bring vt7 to the foreground as Xorg with a KMS driver
    # would. busybox: the host need not have kbd's chvt.
    vm.check("busybox chvt 7", timeout=60)
    switched = time.monotonic()
    while vm.run(f"loginctl show-session {sid} -p Active --value", timeout=60)[1].strip() != "yes":
        if time.monotonic() > deadline:
            raise VmError(f"session {sid} never became active: "
                          + vm.run(f"loginctl; loginctl show-session {sid}; cat /sys/class/tty/tty0/active")[1])
        if time.monotonic() - switched > 10:
            # logind missed the switch (under load): switch away and back
            vm.check("busybox chvt 1; sleep 1; busybox chvt 7", timeout=60)
            switched = time.monotonic()
        time.sleep(0.3)
    fg = vm.check("cat /sys/class/tty/tty0/active", timeout=60).strip()
    check(fg == "tty7", f"Xorg up, vt7 in the foreground ({fg}), session {sid} of {USER} (Type=x11, seat0, "
          "vt7) is the active one")
    vmtest.wait_log(vm, lambda L: any(f"session {sid} added" in l for l in L), timeout=60,
                    what=f"'session {sid} added'")
    while not vm.run(f"grep -q 'observing X display' {AGENT_ERR}", timeout=60)[0] == 0:
        if time.monotonic() > deadline:
            raise VmError("the agent did not start: " + vm.run(f"cat {AGENT_ERR} /tmp/su.log")[1])
        time.sleep(0.3)
    note("agent: " + vm.run(f"cat {AGENT_ERR}", timeout=60)[1].strip())
    pid = vm.check("pgrep -xf '" + AGENT + " --print --interval 1'", timeout=60).split()[0]
    in_session = vm.run(f"grep -o 'session-{sid}.scope' /proc/{pid}/cgroup", timeout=60)[1].strip()
    uid = vm.check(f"awk '/^Uid:/ {{print $2}}' /proc/{pid}/status", timeout=60).strip()
    check(in_session == f"session-{sid}.scope" and uid == str(vmtest.tactusvm.TEST_UID),
          f"the agent (pid {pid}) runs in session-{sid}.scope as uid {uid} ({USER})")
    return sid


def wait_xorg_device(vm, node, timeout=60):
    deadline = time.monotonic() + timeout
    while vm.run(f"grep -q '(/dev/input/{node})' {XORG_LOG}", timeout=60)[0] != 0:
        if time.monotonic() > deadline:
            raise VmError(f"Xorg never added /dev/input/{node}: " + vm.run(f"tail -20 {XORG_LOG}")[1])
        time.sleep(0.3)


def type_qmp(vm, keys, seed):
    rng = random.Random(seed)
    gaps = [rng.uniform(0.15, 0.30) for _ in range(keys)]
    letters = [rng.choice(LETTERS) for _ in range(keys)]
    for key, gap in zip(letters, gaps):
        vm.qmp.type_keys(vm.DISPLAYS["usb-kbd"], [key], gap=0, hold=0.06)
        time.sleep(gap)


def xdotool(vm, seed, delay_ms=100):
    rng = random.Random(seed)
    text = "".join(rng.choice(LETTERS) for _ in range(KEYS))
    vm.check(f"DISPLAY=:0 xdotool type --delay {delay_ms} {text}", timeout=60)


def xtest_medians(reports):
    """The median press-to-press intervals (ms) of the agent's XTEST
    keyboard reports that hold two or more presses."""
    return [r["median_interval_us"] / 1000 for r in reports
            if r["source"] == "xtest" and r["key_presses"] >= 2]


# tactusd's verdict line for the agent's report (daemon.cc, SessionInputReport::describe)
AGENT_VERDICT = re.compile(r"synthetic-session-input reported by the session agent: xtest '([^']*)': "
                           r"(\d+) key presses at (>=)?([\d.]+)/s \(median ([\d.]+) ms")


def agent_verdict_lines(vm, mark):
    """[(device, presses, rate /s, median ms)] of tactusd's verdict lines since @mark."""
    return [(m.group(1), int(m.group(2)), float(m.group(4)), float(m.group(5)))
            for l in vmtest.tactusd_log(vm)[mark:] if (m := AGENT_VERDICT.search(l))]


def body(vm, args):
    t0 = time.monotonic()
    confdir = conf_dir(args.build_dir)
    sid = start_x_session(vm)
    sp = session_path(vm, sid)
    logind_path = vm.check(f"busctl --system call org.freedesktop.login1 /org/freedesktop/login1 "
                           f"org.freedesktop.login1.Manager GetSession s {sid}", timeout=60).split('"')[1]
    s = get(vm, sp, SESSION_IF, "UserName", "Active", "Verdict")
    check(s == {"UserName": USER, "Active": True, "Verdict": "learning"}, f"tactusd's session {sid}: {s}")
    timings["X session ready"] = time.monotonic() - t0
    agent = Agent(vm)
    kbd0 = [n for n, d in vmtest.ctl_devices(vm).items() if d["name"] == "QEMU QEMU USB Keyboard"][0]

    # 1. the emulated USB keyboard
    print("---- 1 USB keyboard through QMP", flush=True)
    wait_xorg_device(vm, kbd0)
    agent.set_mark()
    type_qmp(vm, KEYS, 1)
    by = keys_by_source(agent.wait_keys("evdev", KEYS))
    check(by.get(("evdev", "QEMU QEMU USB Keyboard"), 0) == KEYS and not any(k[0] != "evdev" for k in by),
          f"USB keyboard: the agent saw {KEYS} presses from the evdev-backed slave, nothing else: {by}")
    s = get(vm, sp, SESSION_IF, "Verdict", "Reasons")
    check(s == {"Verdict": "learning", "Reasons": []}, f"USB keyboard: session {sid} {s}")

    # 2. a uinput keyboard Xorg reads
    print("---- 2 uinput keyboard", flush=True)
    unit = "tactus-test-inject"
    mark = len(vmtest.tactusd_log(vm))
    node = vmtest.start_injector_unit(vm, unit, ["uinput-clone", "--like", f"/dev/input/{kbd0}", "--keys",
                                                 str(KEYS), "--gap-min", "0.15", "--gap-max", "0.3",
                                                 "--hold", "0.06", "--seed", "2", "--linger", "1"])
    wait_xorg_device(vm, node)
    agent.set_mark()
    vm.check(f"touch /tmp/{unit}.go", timeout=10)
    by = keys_by_source(agent.wait_keys("evdev", KEYS))
    check(by.get(("evdev", "QEMU QEMU USB Keyboard"), 0) == KEYS and not any(k[0] != "evdev" for k in by),
          f"uinput keyboard in Xorg: the agent reports {KEYS} evdev presses, no xtest: {by}")
    s = wait_get(vm, sp, {"Verdict": "injected"})
    check(s == {"Verdict": "injected"} and get(vm, sp, SESSION_IF, "Reasons")["Reasons"] == ["synthetic-device"],
          f"uinput keyboard: session {sid} injected by tactusd's own evidence (synthetic-device): "
          f"{get(vm, sp, SESSION_IF, 'Reasons')}")
    check(not [l for l in vmtest.tactusd_log(vm)[mark:] if "synthetic-session-input" in l],
          "no synthetic-session-input for the uinput keyboard")
    acknowledge(vm, sp)

    # 3. IdleHint false with and without evdev input
    print("---- 3 IdleHint: input no evdev device made", flush=True)
    set_idle_hint(vm, logind_path, True)
    # IdleHint goes false while the USB keyboard types, as a desktop's idle
    # monitor clears it on the first key (the call's latency in a loaded
    # guest is no part of the test)
    job = vm.start(f"busctl --system call org.freedesktop.login1 {logind_path} org.freedesktop.login1.Session "
                   "SetIdleHint b false", timeout=60)
    type_qmp(vm, 8, 3)
    job.wait()
    time.sleep(3)
    s = get(vm, sp, SESSION_IF, "Verdict", "Reasons")
    check(s == {"Verdict": "learning", "Reasons": []},
          f"IdleHint true → USB keyboard typing → IdleHint false: nothing unattributable, {s}")
    time.sleep(3)  # the seat's evdev input falls out of the look-back
    mark = len(vmtest.tactusd_log(vm))
    set_idle_hint(vm, logind_path, True)
    xdotool(vm, 4)
    set_idle_hint(vm, logind_path, False)
    s = wait_get(vm, sp, {"Reasons": lambda r: "unattributable-input" in r}, timeout=15)
    check("unattributable-input" in s["Reasons"],
          f"IdleHint true → xdotool → IdleHint false: note unattributable-input, {s}")
    lines = [l for l in vmtest.tactusd_log(vm)[mark:] if "IdleHint" in l]
    check(any("no evdev device of seat0" in l for l in lines), f"tactusd logs it: {lines}")

    # 4. xdotool, monitor mode
    print("---- 4 xdotool type, monitor", flush=True)
    acknowledge(vm, sp)
    agent.set_mark()
    mark = len(vmtest.tactusd_log(vm))
    t1 = time.monotonic()
    xdotool(vm, 5)
    reports = agent.wait_keys("xtest", KEYS)
    by = keys_by_source(reports)
    timings["xdotool 20 keys → reported"] = time.monotonic() - t1
    check(by.get(("xtest", "Virtual core XTEST keyboard"), 0) == KEYS and not any(k[0] != "xtest" for k in by),
          f"xdotool: the agent reports {KEYS} xtest presses of the XTEST keyboard: {by}")
    human = xtest_medians(reports)
    check(bool(human) and all(30 <= m <= 600 for m in human),
          f"xdotool --delay 100: the agent's median intervals per report {[round(m, 1) for m in human]} ms "
          "(within 30-600: the X server stamps XTEST events when it runs them, a loaded guest bunches them)")
    s = wait_get(vm, sp, {"Verdict": "injected"})
    s = get(vm, sp, SESSION_IF, "Verdict", "Reasons", "Locked")
    check(s["Verdict"] == "injected" and "synthetic-session-input" in s["Reasons"] and s["Locked"] is False,
          f"monitor: session {sid} {s}")
    lines = agent_verdict_lines(vm, mark)
    sent = [(r["key_presses"], r["median_interval_us"] / 1000) for r in reports if r["source"] == "xtest"]
    check(len(lines) == 1 and lines[0][0] == "Virtual core XTEST keyboard" and lines[0][2] > 0
          and (lines[0][1], lines[0][3]) in sent,
          f"monitor: tactusd's verdict line carries the rate of one of the agent's reports (device, presses, "
          f"/s, median ms): {lines}; the agent's (presses, median ms): {sent}")

    # 5. enforce
    print("---- 5 xdotool type, enforce", flush=True)
    # tactusd keeps a session's verdict over a restart (/run/tactus/sessions):
    # acknowledged first, so the restarted tactusd starts it learning
    acknowledge(vm, sp)
    write_guest(vm, f"{confdir}/tactus.conf", "# tests/vm/test-session-agent.py\n[Daemon]\nMode=enforce\n\n"
                "[Actions]\nOnInjected=publish lock\n", timeout=60)
    mark = len(vmtest.tactusd_log(vm))
    vm.check("systemctl restart tactusd.service", timeout=90)
    vmtest.wait_log(vm, lambda L: any(f"session {sid} added" in l for l in L[mark:]), timeout=30,
                    what=f"session {sid} re-added")
    sp = session_path(vm, sid)
    s = get(vm, sp, SESSION_IF, "Verdict", "Locked")
    check(s == {"Verdict": "learning", "Locked": False}, f"enforce, tactusd restarted: session {sid} {s}")
    agent.set_mark()
    xdotool(vm, 6, delay_ms=10)
    reports = agent.wait_keys("xtest", KEYS)
    check(sum(r["key_presses"] for r in reports if r["source"] == "xtest") == KEYS,
          f"xdotool --delay 10: the agent reports {KEYS} xtest presses, median intervals per report "
          f"{[round(m, 1) for m in xtest_medians(reports)]} ms")
    s = wait_get(vm, sp, {"Verdict": "injected", "Locked": True})
    s = get(vm, sp, SESSION_IF, "Verdict", "Reasons", "Locked")
    check(s["Verdict"] == "injected" and "synthetic-session-input" in s["Reasons"] and s["Locked"] is True,
          f"enforce: session {sid} {s}")
    lines = agent_verdict_lines(vm, mark)
    sent = [(r["key_presses"], r["median_interval_us"] / 1000) for r in reports if r["source"] == "xtest"]
    check(len(lines) == 1 and (lines[0][1], lines[0][3]) in sent,
          f"enforce: tactusd's verdict line (device, presses, /s, median ms): {lines}; the agent's: {sent}")
    locks = [l for l in vmtest.tactusd_log(vm)[mark:] if "lock" in l.lower() and sid in l]
    check(bool(locks), f"tactusd's lock lines: {locks}")
    p = vmtest.unit_property(vm, "tactusd.service", "ActiveState", "NRestarts")
    check(p == {"ActiveState": "active", "NRestarts": "0"}, f"tactusd up through all of it: {p}")
    alive = vm.run(f"pgrep -xf '{AGENT} --print --interval 1'", timeout=60)[0] == 0
    check(alive, "the agent outlived tactusd's restart")
    timings["body"] = time.monotonic() - t0
    note("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


def body_with_logs(vm, args):
    """body(); on a failure, the agent's and Xorg's logs too."""
    try:
        body(vm, args)
    finally:
        if vmtest.failures or sys.exc_info()[0] is not None:
            rc, out, err = vm.run(f"tail -20 {AGENT_ERR}; tail -5 {AGENT_OUT}; grep -E '\\((EE|WW)\\)' {XORG_LOG}",
                                  timeout=60)
            print(f"--- agent stderr, last reports, Xorg errors ---\n{out}{err}--- end ---", flush=True)


if __name__ == "__main__":
    host_has_xorg()
    sys.exit(vmtest.main(body_with_logs, __doc__.split("\n\n")[0], vm_args={"boot_timeout": 420}))
