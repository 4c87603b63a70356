# SPDX-License-Identifier: MIT
"""tactus real-kernel test bed: boot the host's Debian kernel under QEMU over
the host's own root filesystem and drive it.

    with Vm(workdir="build/vm") as vm:          # boots, waits for the agent
        vm.wait_running()                       # systemctl is-system-running --wait
        rc, out, err = vm.run("ls /dev/uinput", timeout=10)
        vm.qmp.send_key("video0", "a", True)

Layout of a boot (see README.md in this folder): the initramfs (busybox-static
plus the kernel modules needed to reach the root) mounts / of the host over
virtio-9p read-only, puts a tmpfs overlay on top, copies a per-boot "stage"
tree (machine-id, test user, unit masks, the guest agent) and optionally an
install tree (a meson DESTDIR) onto it, then switch_roots into systemd.

Stdlib only, Debian's python3.
"""
import atexit
import base64
import ctypes
import glob
import gzip
import hashlib
import heapq
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77

# Modules the initramfs loads (with their dependencies from modules.dep).
# Those needed for the root come first; the rest would be loaded by udev in
# the guest anyway, loading them early makes device discovery quicker.
INITRAMFS_MODULES = [
    "virtio_pci", "virtio_console", "9pnet_virtio", "9p", "overlay",
    "virtio_input", "evdev", "uinput", "uhid", "hid_generic", "usbhid",
    "xhci_pci", "psmouse", "atkbd",
]

# Units of the host that must never start in the guest even though they are
# pulled in statically (not through /etc/systemd/system/*.wants, which the
# guest's /init removes wholesale).
MASKED_UNITS = [
    "systemd-timesyncd.service",       # no network, and it would fail
    "systemd-networkd-wait-online.service",
    "systemd-firstboot.service",       # we write machine-id ourselves
    "systemd-machine-id-commit.service",
    "systemd-pstore.service",
    "systemd-repart.service",
    "systemd-random-seed.service",     # nothing to persist across boots
    "apt-daily.timer", "apt-daily-upgrade.timer", "man-db.timer",
    "e2scrub_all.timer", "e2scrub_reap.service", "fstrim.timer",
    "dpkg-db-backup.timer", "logrotate.timer",
    "remote-fs.target",
    "serial-getty@ttyS0.service",      # the serial line is our console log
    # The host's /.dockerenv makes the guest's systemd think it runs in a
    # container ("Detected virtualization docker"), so the getty generator
    # adds a getty on /dev/console (= ttyS0) too.
    "console-getty.service",
    "sys-kernel-config.mount",         # no configfs users here
]

TEST_USER = "tactustest"
TEST_UID = 4242
# Vm(second_user=True): a second, unprivileged user with autologin on tty2,
# so seat0 has two sessions and a VT switch moves between them.
SECOND_USER = "tactustest2"
SECOND_UID = 4243
# Vm(session_agents=True): each autologin shell starts this, so the host can
# run commands *inside* that user's logind session (Vm.run_in_session).
SESSION_AGENT = "/usr/local/libexec/tactus-vm-session"
SESSION_SOCKET = "tactus-vm-session.sock"  # in the user's XDG_RUNTIME_DIR


class VmSkip(Exception):
    """The test bed cannot run on this host; the message says why."""


class VmError(Exception):
    """The guest failed (boot timeout, agent gone, QMP error...)."""


def log(msg):
    print(f"tactus-vm: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Host discovery and the initramfs


def _version_key(ver):
    return [int(p) if p.isdigit() else p for p in re.split(r"[.\-+~]", ver)]


def find_kernel():
    """Newest /boot/vmlinuz-* that has a /lib/modules tree: (path, version)."""
    found = []
    for path in glob.glob("/boot/vmlinuz-*"):
        ver = os.path.basename(path)[len("vmlinuz-"):]
        if os.path.isfile(f"/lib/modules/{ver}/modules.dep") and os.access(path, os.R_OK):
            found.append((_version_key(ver), path, ver))
    if not found:
        raise VmSkip("no readable /boot/vmlinuz-* with /lib/modules/<version>/modules.dep "
                     "(run tools/setup-vm-deps)")
    found.sort(key=lambda t: t[0])
    return found[-1][1], found[-1][2]


def find_qemu():
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        raise VmSkip("qemu-system-x86_64 not found (run tools/setup-vm-deps)")
    return qemu


def find_busybox():
    for path in ("/bin/busybox", "/usr/bin/busybox"):
        if os.path.isfile(path):
            out = subprocess.run(["file", "-L", path], capture_output=True, text=True) \
                if shutil.which("file") else None
            if out is None or "statically linked" in out.stdout or "static-pie" in out.stdout:
                return path
    raise VmSkip("no static busybox (install busybox-static)")


def _norm(name):
    return name.replace("-", "_")


def resolve_modules(ver, names):
    """Module files (relative to /lib/modules/ver) for names, dependencies first.
    Built-in modules are skipped; unknown ones are reported and skipped."""
    base = f"/lib/modules/{ver}"
    deps = {}
    with open(f"{base}/modules.dep") as f:
        for line in f:
            mod, _, rest = line.partition(":")
            deps[_norm(os.path.basename(mod).split(".ko")[0])] = (mod, rest.split())
    builtin = set()
    if os.path.exists(f"{base}/modules.builtin"):
        with open(f"{base}/modules.builtin") as f:
            builtin = {_norm(os.path.basename(l.strip()).split(".ko")[0]) for l in f}
    by_path = {v[0]: k for k, v in deps.items()}
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        mod, mdeps = deps[name]
        # modules.dep lists the full transitive closure, deepest last.
        for d in reversed(mdeps):
            visit(by_path[d])
        order.append(mod)

    for n in names:
        n = _norm(n)
        if n in deps:
            visit(n)
        elif n not in builtin:
            log(f"module {n} not found in {base}, ignoring")
    return order


def _cpio_newc(entries):
    """entries: (name, mode, data-bytes-or-link-target). Returns newc archive."""
    out = io.BytesIO()
    ino = 1
    for name, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        if isinstance(data, str):
            data = data.encode()
        nameb = name.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08x}" for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nameb), 0))
        out.write(hdr.encode() + nameb)
        out.write(b"\0" * (-(110 + len(nameb)) % 4))
        out.write(data)
        out.write(b"\0" * (-len(data) % 4))
        ino += 1
    return out.getvalue()


def build_initramfs(workdir, kernel_ver):
    """Build (or reuse) workdir/initramfs-<ver>.cpio.gz. Rebuilt when the
    kernel, its module tree, busybox or init.sh change."""
    busybox = find_busybox()
    init = os.path.join(HERE, "init.sh")
    mods = resolve_modules(kernel_ver, INITRAMFS_MODULES)
    base = f"/lib/modules/{kernel_ver}"
    h = hashlib.sha256()
    for p in [busybox, init, f"{base}/modules.dep"] + [f"{base}/{m}" for m in mods]:
        st = os.stat(p)
        h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    h.update(repr(INITRAMFS_MODULES).encode())
    stamp = h.hexdigest()[:16]
    out = os.path.join(workdir, f"initramfs-{kernel_ver}-{stamp}.cpio.gz")
    if os.path.exists(out):
        return out
    for old in glob.glob(os.path.join(workdir, "initramfs-*.cpio.gz")):
        os.unlink(old)
    entries = []
    for d in ("bin", "dev", "proc", "sys", "modules", "lower", "rw", "newroot", "tmp"):
        entries.append((d, 0o040755, b""))
    entries.append(("dev/console", 0o020600, b""))  # placeholder; devtmpfs replaces
    with open(busybox, "rb") as f:
        entries.append(("bin/busybox", 0o100755, f.read()))
    entries.append(("bin/sh", 0o120777, "busybox"))
    with open(init, "rb") as f:
        entries.append(("init", 0o100755, f.read()))
    order = []
    for m in mods:
        flat = os.path.basename(m)
        with open(f"{base}/{m}", "rb") as f:
            entries.append((f"modules/{flat}", 0o100644, f.read()))
        order.append(flat)
    entries.append(("modules/order", 0o100644, "\n".join(order) + "\n"))
    tmp = out + ".tmp"
    with gzip.open(tmp, "wb", compresslevel=3) as f:
        f.write(_cpio_newc(entries))
    os.replace(tmp, out)
    log(f"built {out} ({len(mods)} modules)")
    return out


# --------------------------------------------------------------------------
# The per-boot stage tree copied onto the guest's overlay


def _write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


# The session agent, written into the stage as SESSION_AGENT. `serve` runs
# as the user, started by the autologin shell, so it and every command it
# runs belong to that user's logind session (its session-N.scope: what
# sd_pid_get_session() and polkit look at). It listens on
# $XDG_RUNTIME_DIR/tactus-vm-session.sock (mode 0600: the user and root).
# `call UID TIMEOUT CMD-BASE64` is the client, run as root by the guest agent
# (Vm.run_in_session); it prints the command's stdout and stderr and exits
# with its status.
SESSION_AGENT_SOURCE = r"""#!/usr/bin/python3
# tactus-vm session agent (generated by tools/vm/tactusvm.py)
import base64, json, os, signal, socket, subprocess, sys, threading

NAME = "tactus-vm-session.sock"


def handle(conn):
    with conn:
        f = conn.makefile("rb")
        req = json.loads(f.readline())
        timed_out = False
        proc = subprocess.Popen(["/bin/sh", "-c", req["cmd"]], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True, cwd=os.path.expanduser("~"))
        try:
            out, err = proc.communicate(timeout=req.get("timeout"))
        except subprocess.TimeoutExpired:
            timed_out = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            out, err = proc.communicate()
        reply = {"rc": proc.returncode, "out": base64.b64encode(out).decode(),
                 "err": base64.b64encode(err).decode(), "timed_out": timed_out}
        conn.sendall(json.dumps(reply).encode() + b"\n")


def serve():
    path = os.path.join(os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}", NAME)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    os.umask(0o077)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path + ".new")
    sock.listen(16)
    os.rename(path + ".new", path)  # appears only once it accepts
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def call(uid, timeout, cmd_b64):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(f"/run/user/{uid}/{NAME}")
    cmd = base64.b64decode(cmd_b64).decode()
    sock.sendall(json.dumps({"cmd": cmd, "timeout": float(timeout)}).encode() + b"\n")
    line = sock.makefile("rb").readline()
    if not line:
        sys.exit("tactus-vm-session: the agent closed the connection")
    r = json.loads(line)
    sys.stdout.buffer.write(base64.b64decode(r["out"]))
    sys.stderr.buffer.write(base64.b64decode(r["err"]))
    if r["timed_out"]:
        sys.stderr.write(f"[tactus-vm-session: killed after {timeout}s]\n")
    rc = r["rc"]
    sys.exit(rc if rc >= 0 else 128 - rc)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve()
    elif sys.argv[1:2] == ["call"] and len(sys.argv) == 5:
        call(*sys.argv[2:])
    else:
        sys.exit("usage: tactus-vm-session serve | call UID TIMEOUT CMD-BASE64")
"""


def build_stage(stage, extra_units=(), second_user=False, session_agents=False):
    """Files laid over the host tree in the guest. The host's own /etc is read
    here (we are root) and amended, never changed. second_user adds
    SECOND_USER with autologin on tty2; session_agents makes each autologin
    shell start the session agent (SESSION_AGENT_SOURCE)."""
    if os.path.exists(stage):
        shutil.rmtree(stage)
    etc = os.path.join(stage, "etc")
    sysd = os.path.join(etc, "systemd/system")
    os.makedirs(sysd)
    _write(f"{etc}/machine-id", hashlib.md5(os.urandom(16)).hexdigest() + "\n", 0o444)
    _write(f"{etc}/hostname", "tactus-vm\n")
    _write(f"{etc}/hosts", "127.0.0.1 localhost\n127.0.1.1 tactus-vm\n::1 localhost\n")
    # The host's fstab may name disks the guest has not got.
    _write(f"{etc}/fstab", "# tactus-vm: root is a 9p+tmpfs overlay set up by the initramfs\n")
    # Debian's tmpfiles.d/tmp.conf empties /tmp at boot ("D"); on the overlay
    # that whites out the host's /tmp, and with it a checkout or build tree
    # under /tmp (as CI makes). Keep /tmp, do not clean it.
    _write(f"{etc}/tmpfiles.d/tmp.conf", "# tactus-vm: the host's /tmp must stay visible\nd /tmp 1777 root root -\n")

    # Test users with a home, added to the host's account databases. Neither
    # is in any group but its own: not an admin for polkit.
    users = [(TEST_USER, TEST_UID, "tty1")] + ([(SECOND_USER, SECOND_UID, "tty2")] if second_user else [])

    def amend(name, entries, mode):
        names = tuple(u + ":" for u, _ in entries)
        try:
            with open(f"/etc/{name}") as f:
                lines = [l for l in f.read().splitlines() if not l.startswith(names)]
        except FileNotFoundError:
            lines = []
        _write(f"{etc}/{name}", "\n".join(lines + [l for _, l in entries]) + "\n", mode)
    amend("passwd", [(u, f"{u}:x:{i}:{i}:tactus test user:/home/{u}:/bin/bash") for u, i, _ in users], 0o644)
    amend("group", [(u, f"{u}:x:{i}:") for u, i, _ in users], 0o644)
    amend("shadow", [(u, f"{u}::19000:0:99999:7:::") for u, i, _ in users], 0o640)
    amend("gshadow", [(u, f"{u}:!::") for u, i, _ in users], 0o640)
    for name in ("shadow", "gshadow"):
        try:
            shutil.chown(f"{etc}/{name}", "root", "shadow")
        except (LookupError, PermissionError):
            pass
    for user, uid, _ in users:
        home = os.path.join(stage, "home", user)
        os.makedirs(home)
        if session_agents:
            # The login shell (bash -l) of the autologin starts the session
            # agent in the background, then stays the tty's interactive shell.
            _write(f"{home}/.bash_profile", f"""\
# tactus-vm: a command agent inside this logind session (see tactusvm.py)
setsid -f /usr/bin/python3 {SESSION_AGENT} serve </dev/null >/dev/null 2>&1
""")
            os.chown(f"{home}/.bash_profile", uid, uid)
        os.chown(home, uid, uid)
        os.chmod(home, 0o700)

    for unit in MASKED_UNITS:
        os.symlink("/dev/null", os.path.join(sysd, unit))

    # The agent: a copy of guest-agent, started as early as its port exists.
    agent = os.path.join(stage, "usr/local/libexec/tactus-vm-agent")
    os.makedirs(os.path.dirname(agent))
    shutil.copy(os.path.join(HERE, "guest-agent"), agent)
    os.chmod(agent, 0o755)
    _write(f"{sysd}/tactus-vm-agent.service", """\
[Unit]
Description=tactus test-bed command agent (virtio-serial org.tactus.agent)
DefaultDependencies=no
After=systemd-udevd.service
Before=shutdown.target
Conflicts=shutdown.target

[Service]
ExecStart=/usr/bin/python3 -u /usr/local/libexec/tactus-vm-agent
Restart=always
RestartSec=1

[Install]
WantedBy=sysinit.target
""")
    # Autologin on tty1 gives the test user a real, active logind session on
    # seat0 (what polkit's allow_active checks look at).
    #
    # login(1) -f (what agetty --autologin runs) never clears login.defs'
    # LOGIN_TIMEOUT alarm (Debian: 60 s) before pam_open_session, and
    # pam_systemd waits there until logind has started user@UID.service and
    # the session scope. In a TCG guest on a loaded host that took longer
    # than 60 s: SIGALRM ended login inside its PAM session, session-N.scope
    # failed, the getty restarted and logind made a new session under a new
    # id. No timeout in the guest: the autologin waits for as long as the
    # user manager takes.
    try:
        with open("/etc/login.defs") as f:
            defs = [l for l in f.read().splitlines() if not re.match(r"\s*LOGIN_TIMEOUT\b", l)]
    except FileNotFoundError:
        defs = []
    _write(f"{etc}/login.defs", "\n".join(defs + [
        "# tactus-vm: no alarm around autologin's PAM session (tools/vm/tactusvm.py)",
        "LOGIN_TIMEOUT 0"]) + "\n")
    for user, _, tty in users:
        _write(f"{sysd}/getty@{tty}.service.d/autologin.conf", f"""\
[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin {user} --noclear %I $TERM
""")
    if session_agents:
        _write(os.path.join(stage, SESSION_AGENT.lstrip("/")), SESSION_AGENT_SOURCE, 0o755)
    wants = {
        "sysinit.target.wants": ["tactus-vm-agent.service"],
        "getty.target.wants": [f"getty@{tty}.service" for _, _, tty in users],
        "multi-user.target.wants": list(extra_units),
    }
    for d, units in wants.items():
        os.makedirs(os.path.join(sysd, d), exist_ok=True)
        for u in units:
            # systemd goes by the link's name; the target is for humans.
            src = f"/etc/systemd/system/{u}" if os.path.exists(os.path.join(sysd, u)) \
                else "/lib/systemd/system/" + re.sub(r"@[^.]+\.", "@.", u)
            os.symlink(src, os.path.join(sysd, d, u))
    return stage


# --------------------------------------------------------------------------
# Pointer replay: a recorded person's movements through the emulated tablet

ABS_MAX = 0x7fff  # QMP "abs" axis range, 0..ABS_MAX (usb-tablet, virtio-tablet)
BALABIT_SCREEN = (1920, 1080)  # the Balabit sessions' screen (largest x, y seen: 1919, 1079)


class PointerSchedule:
    """What `tactus-eval pointer-schedule --balabit FILE` prints, parsed:
    rows (ms, "move", x, y) | (ms, "down"|"up", button, x, y) |
    (ms, "wheel", "up"|"down") in screen pixels, and the library
    segmenter's action ends (ms, type) on the same timeline. `summary` is the
    tool's own header line. Raises ValueError on any line it cannot read."""

    KINDS = {"move": 2, "down": 3, "up": 3, "wheel": 1, "action": 1}

    def __init__(self, text, screen=BALABIT_SCREEN):
        self.screen = screen
        self.rows, self.actions, self.summary = [], [], ""
        for n, line in enumerate(text.splitlines(), 1):
            if line.startswith("#"):
                if "pointer-schedule:" in line:
                    self.summary = line.split("pointer-schedule:", 1)[1].strip()
                continue
            f = line.split()
            if len(f) < 2 or f[1] not in self.KINDS or len(f) != 2 + self.KINDS[f[1]] or not f[0].isdigit():
                raise ValueError(f"pointer schedule line {n}: {line[:80]!r}")
            ms = int(f[0])
            if f[1] == "action":
                self.actions.append((ms, f[2]))
                continue
            args = [int(v) for v in f[-2:]] if f[1] != "wheel" else []
            if f[1] in ("down", "up") and f[2] not in ("left", "right", "middle") or \
                    f[1] == "wheel" and f[2] not in ("up", "down"):
                raise ValueError(f"pointer schedule line {n}: {line[:80]!r}")
            self.rows.append((ms, f[1], *([f[2]] if f[1] in ("down", "up", "wheel") else []), *args))
        if any(b[0] < a[0] for a, b in zip(self.rows, self.rows[1:])):
            raise ValueError("pointer schedule: times go backwards")

    def to_tablet(self, x, y):
        """A screen pixel as tablet units: the screen spread over the
        tablet's whole range on each axis, as QEMU's tablets cover the whole
        display (and as tactusd reads a tablet without a resolution: its
        range over a 1920 x 1080 screen)."""
        return (min(ABS_MAX, max(0, round(x * ABS_MAX / (self.screen[0] - 1)))),
                min(ABS_MAX, max(0, round(y * ABS_MAX / (self.screen[1] - 1)))))

    def actions_by(self, ms):
        """Actions the segmenter had completed by schedule time ms."""
        return sum(1 for t, _ in self.actions if t <= ms)


def pointer_frames(evread_lines):
    """guest-evread lines (--types abs,key,syn) of an absolute pointer as
    frames: (kernel time s, x, y, {button code: value}) at each SYN_REPORT."""
    frames, x, y, keys = [], None, None, {}
    for line in evread_lines:
        if not line.startswith("{") or '"t"' not in line:
            continue
        e = json.loads(line)
        if e["type"] == 3 and e["code"] == 0:
            x = e["value"]
        elif e["type"] == 3 and e["code"] == 1:
            y = e["value"]
        elif e["type"] == 1:
            keys[e["code"]] = e["value"]
        elif e["type"] == 0 and e["code"] == 0:
            frames.append((e["t"], x, y, keys))
            keys = {}
    return frames


def replay_timing(sent, frames, to_tablet, window=64):
    """How faithfully the guest's kernel timestamps follow a replay.
    @sent: (host time, row) from Qmp.replay_pointer; @frames: pointer_frames();
    @to_tablet: the schedule's PointerSchedule.to_tablet.
    Each guest frame is paired with the first not yet paired row (within
    `window` rows) that put the pointer at its position (and, for a button
    frame, changed a button): rows the guest never saw as a frame of their
    own were merged by QEMU's HID queue (it coalesces motion the guest has
    not polled yet). Returns a dict: rows (position rows sent), frames
    (guest frames), paired, and for consecutive pairs less than 1 s apart the
    |guest interval - host interval| and |guest interval - schedule
    interval| in ms: each {median, mean, p90, max, n}."""
    rows = [(t, r) for t, r in sent if r[1] != "wheel"]
    pairs, i = [], 0
    for ft, fx, fy, keys in frames:
        for j in range(i, min(i + window, len(rows))):
            t, r = rows[j]
            x, y = (r[2], r[3]) if r[1] == "move" else (r[3], r[4])
            if to_tablet(x, y) == (fx, fy) and (r[1] == "move") == (not keys):
                pairs.append((ft, t, r[0] / 1000.0))
                i = j + 1
                break

    def stats(errors):
        if not errors:
            return {"n": 0}
        s = sorted(errors)
        return {"n": len(s), "median": s[len(s) // 2], "mean": sum(s) / len(s),
                "p90": s[int(0.9 * (len(s) - 1))], "max": s[-1]}

    host, sched = [], []
    for (g0, h0, s0), (g1, h1, s1) in zip(pairs, pairs[1:]):
        if s1 - s0 < 1.0:
            host.append(abs((g1 - g0) - (h1 - h0)) * 1000)
            sched.append(abs((g1 - g0) - (s1 - s0)) * 1000)
    return {"rows": len(rows), "frames": len(frames), "paired": len(pairs),
            "vs_host": stats(host), "vs_schedule": stats(sched)}


def timing_summary(t):
    """One line of replay_timing()'s figures."""
    def s(d):
        return (f"median {d['median']:.1f}, mean {d['mean']:.1f}, p90 {d['p90']:.1f}, max {d['max']:.1f} ms "
                f"(n={d['n']})") if d["n"] else "no pairs"
    return (f"{t['rows']} rows sent, {t['frames']} guest frames, {t['paired']} paired; "
            f"|guest - host interval| {s(t['vs_host'])}; |guest - schedule interval| {s(t['vs_schedule'])}")


TABLET_NAME = "QEMU QEMU USB Tablet"  # the usb-tablet's evdev name in the guest


class EvdevRecording:
    """guest-evread recording the device called `name` in the guest (abs,
    key and SYN_REPORT events, kernel timestamps) until stop()."""

    def __init__(self, vm, name=TABLET_NAME, limit=3600):
        self.vm = vm
        self.ready = f"/tmp/evread-ready-{os.getpid()}-{id(self)}"
        self.end = f"/tmp/evread-stop-{os.getpid()}-{id(self)}"
        vm.run(f"rm -f {self.ready} {self.end}", timeout=10)
        self.job = vm.start(f"{HERE}/guest-evread --name '{name}' --types abs,key,syn --count 100000000 "
                            f"--timeout {limit:.0f} --ready {self.ready} --stop {self.end}", timeout=limit + 30)
        deadline = time.monotonic() + 90  # python's start under TCG on a loaded host
        while vm.run(f"test -e {self.ready}", timeout=20)[0] != 0:
            if self.job.finished() or time.monotonic() > deadline:
                rc, out, err = self.job.wait(timeout=5) if self.job.finished() else (None, "", "")
                raise VmError(f"guest-evread did not open *{name}* (exit {rc}: {err.strip()[-300:]})")
            time.sleep(0.2)

    def stop(self):
        """The frames recorded (pointer_frames())."""
        time.sleep(0.5)  # the last reports reach the guest
        self.vm.run(f"touch {self.end}", timeout=10)
        rc, out, err = self.job.wait()
        if rc != 0:
            raise VmError(f"guest-evread exited {rc}: {err.strip()[-300:]}")
        return pointer_frames(out.splitlines())


def replay_measured(vm, schedule, display="video0", name=TABLET_NAME, stop=None, sent=None):
    """Qmp.replay_pointer on `display` while guest-evread records the
    device called `name` in the guest (kernel timestamps): returns
    (rows sent, replay_timing() dict). `stop`, `sent` as for replay_pointer."""
    rec = EvdevRecording(vm, name, limit=(schedule.rows[-1][0] / 1000.0 if schedule.rows else 0) + 120)
    sent = [] if sent is None else sent
    count = vm.qmp.replay_pointer(display, schedule, stop=stop, sent=sent)
    return count, replay_timing(sent, rec.stop(), schedule.to_tablet)


# --------------------------------------------------------------------------
# tactus itself in the guest


def install_tree(build_dir, dest=None, rebuild=True):
    """`meson install --destdir` of build_dir into a fresh tree for
    Vm(install_dir=...); returns its path (default BUILD/vm/destdir).

    The host is merged-/usr (/lib -> usr/lib): files meson puts under the
    destdir's /lib, /bin, /sbin are moved below usr/ so that copying the tree
    onto the guest's / never meets a directory where a symlink is."""
    build_dir = os.path.abspath(build_dir)
    dest = os.path.abspath(dest or os.path.join(build_dir, "vm", "destdir"))
    if os.path.exists(dest):
        shutil.rmtree(dest)
    cmd = ["meson", "install", "-C", build_dir, "--destdir", dest, "--quiet"]
    if not rebuild:
        cmd.append("--no-rebuild")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise VmError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    for top in sorted(os.listdir(dest)):
        host = os.path.join("/", top)
        if not os.path.islink(host) or not os.path.isdir(host):
            continue
        target = os.path.join(dest, os.path.relpath(os.path.realpath(host), "/"))
        src = os.path.join(dest, top)
        for root, dirs, files in os.walk(src):
            rel = os.path.relpath(root, src)
            os.makedirs(os.path.join(target, rel), exist_ok=True)
            for f in files:
                os.replace(os.path.join(root, f), os.path.join(target, rel, f))
        shutil.rmtree(src)
    return dest


class JournalFollower:
    """`journalctl -f` through the agent: poll() returns the journal lines
    written since the previous call (a cursor keeps the place)."""

    def __init__(self, vm, args="-u tactusd.service", output="short-monotonic"):
        self.vm, self.args, self.output = vm, args, output
        self.cursor = None

    def poll(self, timeout=20):
        where = f"--after-cursor='{self.cursor}'" if self.cursor else "-b"
        rc, out, err = self.vm.run(f"journalctl --no-pager --show-cursor -o {self.output} "
                                   f"{self.args} {where}", timeout=timeout)
        lines = []
        for line in out.splitlines():
            if line.startswith("-- cursor: "):
                self.cursor = line[len("-- cursor: "):].strip()
            elif line and not line.startswith("-- No entries --"):
                lines.append(line)
        return lines


# --------------------------------------------------------------------------
# QMP


class Qmp:
    """Minimal QMP client over a unix socket. Events are kept in .events."""

    def __init__(self, path, timeout=30):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.file = self.sock.makefile("rwb")
        self.events = []
        self.lock = threading.Lock()
        greeting = self._read()
        if "QMP" not in greeting:
            raise VmError(f"unexpected QMP greeting {greeting}")
        self.execute("qmp_capabilities")

    def _read(self):
        line = self.file.readline()
        if not line:
            raise VmError("QMP connection closed")
        return json.loads(line)

    def execute(self, command, **arguments):
        """Run a QMP command; returns its "return" value or raises VmError."""
        msg = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        with self.lock:
            self.file.write(json.dumps(msg).encode() + b"\n")
            self.file.flush()
            while True:
                reply = self._read()
                if "event" in reply:
                    self.events.append(reply)
                    continue
                if "error" in reply:
                    raise VmError(f"QMP {command}: {reply['error'].get('desc', reply['error'])}")
                return reply.get("return")

    # Input. QEMU routes input-send-event by *display console*: every input
    # device in the guest is bound to its own display (see Vm.DEVICES), and
    # "device" here names that display (video0...), never the input device.

    def send_events(self, display, events):
        args = {"events": events}
        if display is not None:
            args["device"] = display
        return self.execute("input-send-event", **args)

    def send_key(self, display, qcode, down):
        return self.send_events(display, [
            {"type": "key", "data": {"down": bool(down), "key": {"type": "qcode", "data": qcode}}}])

    def type_keys(self, display, qcodes, gap=0.05, hold=0.02):
        """Press and release each qcode; presses start `gap` seconds apart on
        the host's monotonic clock, each held `hold` seconds. Returns the host
        times (time.monotonic) of each press."""
        times = []
        start = time.monotonic()
        for i, q in enumerate(qcodes):
            target = start + i * gap
            while (now := time.monotonic()) < target:
                time.sleep(min(target - now, 0.005))
            times.append(time.monotonic())
            self.send_key(display, q, True)
            release = times[-1] + hold
            while (now := time.monotonic()) < release:
                time.sleep(release - now)
            self.send_key(display, q, False)
        return times

    def type_paced(self, display, qcodes, gaps, hold=0.03):
        """Press qcodes[i], then wait gaps[i] before the next press (host
        monotonic clock); each key is held min(hold, gap/2). Returns the host
        times of the presses."""
        times = []
        t = time.monotonic()
        for q, gap in zip(qcodes, gaps):
            while (now := time.monotonic()) < t:
                time.sleep(min(t - now, 0.005))
            times.append(time.monotonic())
            self.send_key(display, q, True)
            release = times[-1] + min(hold, gap / 2)
            while (now := time.monotonic()) < release:
                time.sleep(release - now)
            self.send_key(display, q, False)
            t += gap
        return times

    def type_script(self, display, qcodes, per_key=0.016):
        """Type qcodes as a keyboard running a script with no delay: each
        key's press and release go to QEMU in one input-send-event, one
        keystroke every per_key seconds (host monotonic clock). usb-kbd
        hands the guest one event per 8 ms poll from a 16-entry queue, so at
        16 ms per keystroke nothing is dropped and the guest sees what a
        HID device sending one report per poll produces: each key down one
        poll, up one poll. Returns the host times of the sends."""
        times = []
        t = time.monotonic()
        for q in qcodes:
            while (now := time.monotonic()) < t:
                time.sleep(min(t - now, 0.002))
            times.append(time.monotonic())
            self.send_events(display, [
                {"type": "key", "data": {"down": True, "key": {"type": "qcode", "data": q}}},
                {"type": "key", "data": {"down": False, "key": {"type": "qcode", "data": q}}}])
            t += per_key
        return times

    def move_mouse(self, display, dx, dy):
        """Relative motion (usb-mouse, virtio-mouse, PS/2 mouse)."""
        return self.send_events(display, [
            {"type": "rel", "data": {"axis": "x", "value": int(dx)}},
            {"type": "rel", "data": {"axis": "y", "value": int(dy)}}])

    def move_abs(self, display, x, y):
        """Absolute position (usb-tablet, virtio-tablet), 0..0x7fff each axis."""
        return self.send_events(display, [
            {"type": "abs", "data": {"axis": "x", "value": int(x)}},
            {"type": "abs", "data": {"axis": "y", "value": int(y)}}])

    def click(self, display, button="left", down=True):
        return self.send_events(display, [
            {"type": "btn", "data": {"down": bool(down), "button": button}}])

    def replay_pointer(self, display, schedule, stop=None, sent=None, start=None):
        """Replay a PointerSchedule (screen pixels, ms) through the absolute
        pointer bound to `display` (the usb-tablet: 0..0x7fff per axis) with
        the schedule's timing on the host's monotonic clock. Positions go
        through schedule.to_tablet (the screen over the tablet's whole
        range, as QEMU's tablets cover the display). Each row is its own
        input-send-event (QEMU syncs a report per command: a press and its
        release in one command would never reach the guest). Rows are sent
        in order and never early; a late row is sent at once (the lag is in
        the returned times). `stop()`, if given, is asked before each row;
        replay ends when it returns true. @sent, if given, receives
        (host time, row) for each row sent. `start`: the host monotonic
        time of the schedule's 0 ms (default 0.1 s from now). Returns the
        rows sent."""
        return self.replay_pointers([(display, schedule)], stop=stop, sent=sent, start=start)[0]

    def replay_pointers(self, streams, stop=None, sent=None, start=None):
        """replay_pointer for several (display, PointerSchedule) streams at
        once, from one thread: their rows merged by time and sent in that
        order on the one QMP connection, so no stream waits for another's
        thread to be scheduled (Python switches threads every 5 ms) or for
        the QMP lock. @sent receives (host time, row) of the first stream's
        rows. Returns the rows sent per stream."""
        def events_of(schedule, row):
            def pos(x, y):
                tx, ty = schedule.to_tablet(x, y)
                return [{"type": "abs", "data": {"axis": "x", "value": tx}},
                        {"type": "abs", "data": {"axis": "y", "value": ty}}]
            kind = row[1]
            if kind == "move":
                return pos(row[2], row[3])
            if kind in ("down", "up"):
                return pos(row[3], row[4]) + [
                    {"type": "btn", "data": {"down": kind == "down", "button": row[2]}}]
            # wheel: the press turns the wheel one notch; its release is no event
            b = "wheel-up" if row[2] == "up" else "wheel-down"
            return [{"type": "btn", "data": {"down": True, "button": b}},
                    {"type": "btn", "data": {"down": False, "button": b}}]

        counts = [0] * len(streams)
        start = time.monotonic() + 0.1 if start is None else start
        merged = heapq.merge(*[[(row[0], i, k) for k, row in enumerate(sched.rows)]
                               for i, (_, sched) in enumerate(streams)])
        for ms, i, k in merged:
            if stop is not None and stop():
                break
            display, schedule = streams[i]
            row = schedule.rows[k]
            target = start + ms / 1000.0
            while (now := time.monotonic()) < target:
                time.sleep(min(target - now, 0.004))
            t = time.monotonic()
            self.send_events(display, events_of(schedule, row))
            if sent is not None and i == 0:
                sent.append((t, row))
            counts[i] += 1
        return counts

    def device_add(self, driver, id, **props):
        return self.execute("device_add", driver=driver, id=id, **props)

    def device_del(self, id, timeout=20):
        """Unplug and wait until QEMU has removed it (the guest must let go)."""
        self.execute("device_del", id=id)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if id not in self.peripherals():
                return
            time.sleep(0.2)
        raise VmError(f"device_del {id}: still present after {timeout}s")

    def peripherals(self):
        """ids of the devices given an id (-device ...,id= or device_add)."""
        return [p["name"] for p in self.execute("qom-list", path="/machine/peripheral")
                if p.get("type", "").startswith("child<")]

    def quit(self):
        try:
            self.execute("quit")
        except (VmError, OSError):
            pass

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --------------------------------------------------------------------------
# The agent channel


class Agent:
    """Host side of guest-agent: JSON lines over a unix socket that QEMU
    connects to the guest's virtio-serial port org.tactus.agent."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.lock = threading.Lock()
        self.cond = threading.Condition()
        self.replies = {}
        self.pongs = {}
        self.next_id = 1
        self.closed = False
        self.boot_id = None
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        buf = b""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    try:
                        msg = json.loads(line)
                    except ValueError:
                        continue
                    with self.cond:
                        if "hello" in msg:
                            self.boot_id = msg.get("boot_id")
                        elif "pong" in msg:
                            self.boot_id = msg.get("boot_id")
                            self.pongs[msg["pong"]] = True
                        elif "id" in msg:
                            self.replies[msg["id"]] = msg
                        self.cond.notify_all()
        except OSError:
            pass
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def _send(self, obj):
        with self.lock:
            self.sock.sendall(json.dumps(obj).encode() + b"\n")

    def wait_ready(self, deadline):
        """Ping until the agent answers or the deadline passes."""
        n = 0
        while time.monotonic() < deadline:
            n += 1
            self._send({"ping": n})
            with self.cond:
                self.cond.wait_for(lambda: n in self.pongs or self.closed, timeout=1.0)
                if n in self.pongs:
                    return True
                if self.closed:
                    return False
        return False

    def start(self, cmd, timeout=60, user=None, stdin=None):
        """Start cmd in the guest; returns a handle for wait()."""
        with self.lock:
            rid = self.next_id
            self.next_id += 1
        req = {"id": rid, "cmd": cmd, "timeout": timeout}
        if user:
            req["user"] = user
        if stdin:
            req["stdin"] = base64.b64encode(stdin if isinstance(stdin, bytes) else stdin.encode()).decode()
        self._send(req)
        return AgentJob(self, rid, cmd, timeout)


class AgentJob:
    def __init__(self, agent, rid, cmd, timeout):
        self.agent, self.rid, self.cmd, self.timeout = agent, rid, cmd, timeout

    def finished(self):
        """True once the command's reply has arrived."""
        with self.agent.cond:
            return self.rid in self.agent.replies

    def wait(self, timeout=None):
        """(rc, out, err) as str. Raises VmError if the agent dies or does not
        answer within timeout (default: the command's own timeout + 15 s)."""
        limit = (self.timeout or 0) + 15 if timeout is None else timeout
        a = self.agent
        with a.cond:
            ok = a.cond.wait_for(lambda: self.rid in a.replies or a.closed, timeout=limit)
            if self.rid not in a.replies:
                raise VmError(f"guest command {self.cmd!r}: "
                              + ("agent connection closed" if ok else f"no answer in {limit}s"))
            r = a.replies.pop(self.rid)
        out = base64.b64decode(r["out"]).decode(errors="replace")
        err = base64.b64decode(r["err"]).decode(errors="replace")
        if r.get("timed_out"):
            err += f"\n[tactus-vm: killed after {self.timeout}s]\n"
        return r["rc"], out, err


# --------------------------------------------------------------------------
# The VM


_live = set()


def _kill_all():
    for vm in list(_live):
        vm.kill()


atexit.register(_kill_all)


def _on_sigterm(signum, frame):
    _kill_all()
    raise SystemExit(128 + signum)


def _pdeathsig():
    # QEMU dies with its parent even if the parent is SIGKILLed.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Vm:
    """One guest boot. Use as a context manager; QEMU is killed on exit."""

    # Each input device gets its own display console so input-send-event can
    # address it ("device": "videoN"). video2 has no device bound: events sent
    # to it reach the unbound i8042 keyboard/mouse the pc machine always has
    # (do not add "-device i8042": a second controller swallows those events).
    # video3 is for hot-plugging.
    DEVICES = [
        "-vga", "none",
        "-device", "VGA,id=video0",
        "-device", "secondary-vga,id=video1",
        "-device", "secondary-vga,id=video2",
        "-device", "secondary-vga,id=video3",
        "-device", "qemu-xhci,id=xhci",
        "-device", "usb-kbd,id=kbd0,bus=xhci.0,display=video0",
        "-device", "usb-tablet,id=tablet0,bus=xhci.0,display=video0",
        "-device", "virtio-keyboard-pci,id=vkbd0,display=video1",
        "-device", "virtio-mouse-pci,id=vmouse0,display=video1",
    ]
    # Which display drives which device (for tests).
    DISPLAYS = {"usb-kbd": "video0", "usb-tablet": "video0", "virtio-keyboard": "video1",
                "virtio-mouse": "video1", "i8042": "video2", "hotplug": "video3"}

    def __init__(self, workdir, install_dir=None, boot_timeout=420, memory="2G", smp=2,
                 extra_args=(), extra_units=(), kernel_args="", second_user=False, session_agents=False):
        self.workdir = os.path.abspath(workdir)
        self.second_user, self.session_agents = second_user, session_agents
        self.install_dir = os.path.abspath(install_dir) if install_dir else None
        self.boot_timeout = boot_timeout
        self.memory, self.smp = memory, smp
        self.extra_args, self.extra_units, self.kernel_args = list(extra_args), extra_units, kernel_args
        self.proc = None
        self.qmp = None
        self.agent = None
        self.boot_seconds = None
        self.rundir = None
        self.journal_dumped = False

    # -- lifetime

    def __enter__(self):
        try:
            self.boot()
        except BaseException:
            self.kill()
            raise
        return self

    def __exit__(self, etype, exc, tb):
        try:
            if etype is not None and not issubclass(etype, (VmSkip, KeyboardInterrupt)):
                self.dump_journal()
        finally:
            self.shutdown()
        return False

    def boot(self):
        if os.geteuid() != 0:
            raise VmSkip("the test bed needs root (QEMU exports / over 9p as the caller)")
        qemu = find_qemu()
        kernel, ver = find_kernel()
        os.makedirs(self.workdir, exist_ok=True)
        initrd = build_initramfs(self.workdir, ver)
        if self.install_dir and not os.path.isdir(self.install_dir):
            raise VmError(f"--install-dir {self.install_dir} is not a directory")
        # Keep the logs of the last few boots only.
        runs = sorted(glob.glob(os.path.join(self.workdir, "run-*")), key=os.path.getmtime)
        for old in runs[:-4]:
            shutil.rmtree(old, ignore_errors=True)
        self.rundir = tempfile.mkdtemp(prefix="run-", dir=self.workdir)
        stage = build_stage(os.path.join(self.rundir, "stage"), self.extra_units,
                            second_user=self.second_user, session_agents=self.session_agents)
        self.console_log = os.path.join(self.rundir, "console.log")
        qmp_path = os.path.join(self.rundir, "qmp.sock")
        agent_path = os.path.join(self.rundir, "agent.sock")
        cmdline = (f"console=ttyS0 rdinit=/init panic=-1 loglevel=4 quiet "
                   f"tactus.stage={stage} "
                   + (f"tactus.install={self.install_dir} " if self.install_dir else "")
                   + "systemd.unit=multi-user.target systemd.show_status=error "
                   "systemd.journald.forward_to_console=0 "
                   "modprobe.blacklist=bochs,bochs_drm,floppy,pcspkr,snd_pcsp "
                   + self.kernel_args)
        args = [
            qemu, "-accel", "tcg", "-cpu", "max", "-smp", str(self.smp), "-m", self.memory,
            "-display", "none", "-monitor", "none", "-no-reboot", "-no-user-config",
            "-nodefaults", "-serial", f"file:{self.console_log}",
            "-kernel", kernel, "-initrd", initrd, "-append", cmdline,
            "-fsdev", "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap",
            "-device", "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot",
            "-device", "virtio-serial-pci,id=vser",
            "-chardev", f"socket,id=agent,path={agent_path},server=on,wait=off",
            "-device", "virtserialport,bus=vser.0,chardev=agent,name=org.tactus.agent",
            "-qmp", f"unix:{qmp_path},server=on,wait=off",
        ] + self.DEVICES + self.extra_args
        with open(os.path.join(self.rundir, "qemu.cmd"), "w") as f:
            f.write(" ".join(args) + "\n")
        self.qemu_log = os.path.join(self.rundir, "qemu.log")
        t0 = time.monotonic()
        log(f"booting {kernel} (run dir {self.rundir})")
        try:
            signal.signal(signal.SIGTERM, _on_sigterm)
        except ValueError:
            pass  # not the main thread: atexit and PDEATHSIG still apply
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=open(self.qemu_log, "wb"), stderr=subprocess.STDOUT,
                                     start_new_session=True, preexec_fn=_pdeathsig)
        _live.add(self)
        deadline = t0 + self.boot_timeout
        self.qmp = Qmp(self._wait_socket(qmp_path, deadline))
        self.agent = Agent(self._wait_socket(agent_path, deadline))
        if not self.agent.wait_ready(deadline):
            self.fail_boot(f"guest agent did not answer within {self.boot_timeout}s")
        self.t0 = t0
        log(f"agent up after {time.monotonic() - t0:.1f}s")

    def _wait_socket(self, path, deadline):
        while not os.path.exists(path):
            if self.proc.poll() is not None:
                self.fail_boot(f"QEMU exited with {self.proc.returncode}")
            if time.monotonic() > deadline:
                self.fail_boot("QEMU did not create its sockets")
            time.sleep(0.05)
        return path

    def wait_running(self, timeout=None):
        """Wait for systemctl is-system-running --wait; returns its state
        (running or degraded). Fails the boot otherwise or on timeout."""
        remaining = self.t0 + self.boot_timeout - time.monotonic() if timeout is None else timeout
        if remaining <= 0:
            self.fail_boot("boot timeout")
        try:
            rc, out, err = self.run("systemctl is-system-running --wait", timeout=max(remaining, 1))
        except VmError as e:
            self.fail_boot(str(e))
        state = out.strip()
        if state not in ("running", "degraded"):
            self.fail_boot(f"system state {state!r} ({err.strip()})")
        self.boot_seconds = time.monotonic() - self.t0
        return state

    def fail_boot(self, why):
        tail = self.console_tail(60)
        if self.agent is not None and self.agent.boot_id:
            self.dump_journal()  # the agent is up: the journal says more
        self.kill()
        raise VmError(f"boot failed: {why}\n--- console log tail ({self.console_log}) ---\n{tail}")

    def console_tail(self, n=60):
        try:
            with open(self.console_log, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except (OSError, AttributeError):
            return "(no console log)"

    # -- commands

    def start(self, cmd, timeout=60, user=None, stdin=None):
        if self.proc is None or self.proc.poll() is not None:
            raise VmError("the guest is not running")
        return self.agent.start(cmd, timeout=timeout, user=user, stdin=stdin)

    def run(self, cmd, timeout=60, user=None, stdin=None):
        """Run cmd with /bin/sh -c in the guest as root (or user): (rc, out, err)."""
        return self.start(cmd, timeout=timeout, user=user, stdin=stdin).wait()

    def run_in_session(self, user, cmd, timeout=60):
        """Run cmd with /bin/sh -c as `user` *inside* that user's autologin
        logind session (needs Vm(session_agents=True)): (rc, out, err)."""
        if not self.session_agents:
            raise VmError("run_in_session needs Vm(session_agents=True)")
        uid = {TEST_USER: TEST_UID, SECOND_USER: SECOND_UID}[user]
        b64 = base64.b64encode(cmd.encode()).decode()
        return self.run(f"/usr/bin/python3 {SESSION_AGENT} call {uid} {timeout} {b64}", timeout=timeout + 10)

    def wait_session(self, user, timeout=60):
        """Wait until user's session agent answers; returns the logind
        session id it runs in (XDG_SESSION_ID, checked against /proc)."""
        deadline = time.monotonic() + timeout
        while True:
            rc, out, err = self.run_in_session(user, 'echo "$XDG_SESSION_ID"; '
                                               "cat /proc/self/cgroup", timeout=10)
            if rc == 0:
                sid, cgroup = out.split("\n", 1)
                if sid and f"/session-{sid}.scope" in cgroup:
                    return sid
                raise VmError(f"{user}'s session agent is not in a session scope: {out!r}")
            if time.monotonic() > deadline:
                raise VmError(f"{user}'s session agent did not answer within {timeout}s: {err.strip()}")
            time.sleep(0.5)

    def check(self, cmd, timeout=60, user=None):
        """run() that raises VmError on a non-zero status; returns stdout."""
        rc, out, err = self.run(cmd, timeout=timeout, user=user)
        if rc != 0:
            raise VmError(f"guest command {cmd!r} failed with {rc}:\n{out}{err}")
        return out

    def dump_journal(self, lines=150):
        """Save the guest journal to the run dir and print its tail (from the
        console log when the agent is gone)."""
        if self.rundir is None or self.journal_dumped:
            return
        self.journal_dumped = True
        text = None
        if self.proc is not None and self.proc.poll() is None and self.agent is not None:
            try:
                rc, text, err = self.run("journalctl -b --no-pager -o short-monotonic", timeout=30)
                failed = self.run("systemctl --failed --no-legend --plain", timeout=15)[1]
                text += "\n--- failed units ---\n" + failed
            except VmError:
                text = None
        if text is None:
            text = "(agent unreachable; console log)\n" + self.console_tail(10_000)
        path = os.path.join(self.rundir, "journal.txt")
        with open(path, "w") as f:
            f.write(text)
        tail = "\n".join(text.splitlines()[-lines:])
        print(f"--- guest journal tail (full: {path}) ---\n{tail}\n--- end of journal ---",
              file=sys.stderr, flush=True)

    # -- end

    def shutdown(self, timeout=10):
        """Ask QEMU to quit, then make sure it is gone."""
        if self.proc is not None and self.proc.poll() is None and self.qmp is not None:
            self.qmp.quit()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for c in (self.qmp, getattr(self.agent, "sock", None)):
            try:
                c.close() if c is not None else None
            except OSError:
                pass
        _live.discard(self)


def skip(reason):
    print(f"SKIP: {reason}", flush=True)
    sys.exit(SKIP)
