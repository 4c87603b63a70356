#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""vm suite: the Debian package, installed into a guest that has no tactus.

One boot without tactus installed from the build tree. The .deb is the one
tools/build-deb left in BUILD/deb while its stamp matches the sources;
otherwise this test runs tools/build-deb first (minutes: a whole optimised
build of what the package installs; 77 where a build dependency is
missing). In the guest, two pieces of the host's dpkg setup are removed
first (a container's policy-rc.d that forbids starting services, man-db's
auto-update flag; see body()). Checks, in order:
  1. `dpkg -i` succeeds (its dependencies are the host's packages) and
     started tactusd.service itself (deb-systemd-invoke);
  2. tactusd.service is enabled by the package's preset (UnitFilePreset=
     enabled, the multi-user.target.wants link) and running, NRestarts=0;
  3. the files are where Debian puts them (daemon in /usr/libexec, unit and
     preset under /lib/systemd, bus policy, polkit actions, udev rules, man
     pages, catalog in /usr/lib/systemd/catalog, copyright), nothing under
     /usr/local, and the catalog is indexed (`journalctl --list-catalog`);
  4. `busctl` sees org.tactus.Tactus1 owned by tactusd's main pid, and
     `tactusctl status` answers;
  5. a uinput keyboard turns the session `injected`: the journal has the
     structured entry (MESSAGE_ID, TACTUS_VERDICT, TACTUS_PROVENANCE=uinput,
     the creator's pid and unit) and `journalctl -x` shows the catalog text;
     the man page's per-host query answers with this host;
  6. `dpkg --purge` stops the service and removes its files, its enable
     link, /var/lib/tactus and /etc/tactus; the bus name is gone.

  python3 tests/vm/test-deb.py [--build-dir BUILD] [--workdir BUILD/vm]
Exits 0 on success, 1 on failure, 77 when this host cannot run the test bed
or build the package.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

import vmtest
from vmtest import VmError, check, note

tactusvm = vmtest.tactusvm
VERDICT_ID = "c8aed5b9281e4dfd8f449972da37ef00"
# path in the guest -> what it is (Debian 12: units, presets and udev rules
# under /lib, the journal catalog under /usr/lib as systemd's pkg-config says).
FILES = {
    "/usr/libexec/tactusd": "daemon",
    "/usr/bin/tactusctl": "client",
    "/lib/systemd/system/tactusd.service": "unit",
    "/lib/systemd/system-preset/80-tactus.preset": "preset",
    "/usr/share/dbus-1/system.d/org.tactus.Tactus1.conf": "bus policy",
    "/usr/share/polkit-1/actions/org.tactus.Tactus1.policy": "polkit actions",
    "/lib/udev/rules.d/70-tactus.rules": "udev rules",
    "/usr/share/man/man8/tactusd.8.gz": "man page",
    "/usr/share/man/man5/tactus.conf.5.gz": "man page",
    "/usr/lib/systemd/catalog/tactus.catalog": "journal catalog",
    "/usr/share/tactus/provenance": "provenance rules",
    "/usr/share/doc/tactus/copyright": "copyright",
}


def find_deb(build_dir):
    """The .deb for these sources: reused if its stamp matches, else built."""
    out = os.path.join(build_dir, "deb")
    tool = os.path.join(vmtest.SRC, "tools", "build-deb")
    if subprocess.run([tool, "--check-stamp", out]).returncode == 0:
        note(f"reusing {out} (stamp matches the sources)")
    else:
        t0 = time.monotonic()
        r = subprocess.run([tool, out])
        if r.returncode == 77:
            raise tactusvm.VmSkip("cannot build the package here (tools/build-deb exited 77)")
        if r.returncode != 0:
            raise VmError(f"tools/build-deb failed ({r.returncode})")
        note(f"built the package: {time.monotonic() - t0:.0f} s")
    debs = glob.glob(os.path.join(out, "tactus_*.deb"))
    if len(debs) != 1:
        raise VmError(f"want one tactus .deb in {out}, found {debs}")
    lintian = open(os.path.join(out, "lintian.log"), encoding="utf-8", errors="replace").read().splitlines()
    bad = [l for l in lintian if l[:2] in ("E:", "W:")]
    check(not bad, "lintian: no error or warning" + (f": {bad}" if bad else "")
          + f" ({len(lintian)} line(s) of info/pedantic/overrides in {out}/lintian.log)")
    return os.path.realpath(debs[0])


def wait_for(vm, cmd, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        rc, out, err = vm.run(cmd, timeout=20)
        if rc == 0:
            return out
        if time.monotonic() > deadline:
            raise VmError(f"{what}: {out}{err}")
        time.sleep(0.5)


def seat0_session(vm):
    """The `loginctl list-sessions` line of tactustest's autologin on seat0
    (the test bed sets no LOGIN_TIMEOUT: on a loaded host the autologin
    waits as long as the user manager takes to start; tools/vm/tactusvm.py)."""
    cmd = "loginctl list-sessions --no-legend | awk '$3 == \"tactustest\" && $4 == \"seat0\"' | grep ."
    return wait_for(vm, cmd, 180, "no seat0 session of tactustest")


def journal_entries(vm, match):
    out = vm.check(f"journalctl -b --no-pager -o json {match}", timeout=30)
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def body(vm, deb):
    check(vm.run("dpkg-query -W tactus", timeout=20)[0] != 0 and vm.run("test -e /usr/libexec/tactusd",
                                                                       timeout=10)[0] != 0,
          "the guest starts without tactus")
    # The guest boots over the host's root, so it has the host's dpkg
    # configuration; two pieces of it are for the host, not for a booted
    # machine (both only in the guest's tmpfs overlay):
    # - a container image's /usr/sbin/policy-rc.d ("exit 101": no service may
    #   start): deb-systemd-invoke would then not start tactusd.service and
    #   the postinst would leave it stopped, as it does inside `docker build`;
    # - man-db's flag file: with it, man-db's trigger (our man pages) runs
    #   `mandb -pq`, which stats every man page of the host's tree over 9p
    #   (minutes under TCG) for nothing this test looks at. Without it the
    #   trigger prints "Not building database" (man-db(8): auto-update).
    vm.check("rm -f /usr/sbin/policy-rc.d /var/lib/man-db/auto-update", timeout=20)
    t0 = time.monotonic()
    rc, out, err = vm.run(f"DEBIAN_FRONTEND=noninteractive dpkg -i {deb}", timeout=480)
    if not check(rc == 0, f"dpkg -i {os.path.basename(deb)}: exit {rc} ({time.monotonic() - t0:.1f} s)"):
        note(out + err)
        return
    refused = [l for l in (out + err).splitlines() if "policy-rc.d" in l]
    check(not refused, "dpkg -i: no service start refused" + (f": {refused}" if refused else ""))

    # 2. enabled through the preset, running.
    p = vmtest.unit_property(vm, "tactusd.service", "UnitFileState", "UnitFilePreset", "ActiveState",
                             "SubState", "NRestarts", "MainPID", "FragmentPath")
    check(p["UnitFileState"] == "enabled" and p["UnitFilePreset"] == "enabled",
          f"tactusd.service UnitFileState={p['UnitFileState']} UnitFilePreset={p['UnitFilePreset']}")
    link = vm.run("readlink /etc/systemd/system/multi-user.target.wants/tactusd.service", timeout=10)[1].strip()
    check(link == "/lib/systemd/system/tactusd.service", f"multi-user.target.wants link -> {link!r}")
    wait_for(vm, "systemctl is-active --quiet tactusd.service", 60, "tactusd.service not active")
    p = vmtest.unit_property(vm, "tactusd.service", "ActiveState", "SubState", "NRestarts", "MainPID",
                             "FragmentPath")
    check(p["ActiveState"] == "active" and p["SubState"] == "running" and p["NRestarts"] == "0"
          and p["FragmentPath"] == "/lib/systemd/system/tactusd.service",
          f"tactusd.service {p['ActiveState']}/{p['SubState']} NRestarts={p['NRestarts']} from {p['FragmentPath']}")

    # 3. files where Debian puts them; the catalog indexed by systemd's dpkg trigger.
    listed = set(vm.check("dpkg -L tactus", timeout=20).splitlines())
    for path, what in FILES.items():
        check(path in listed and vm.run(f"test -e {path}", timeout=10)[0] == 0, f"{what}: {path}")
    local = sorted(f for f in listed if f.startswith("/usr/local"))
    check(not local, "nothing under /usr/local" + (f": {local}" if local else ""))
    catalog = vm.check("journalctl --list-catalog", timeout=30)
    ours = [l for l in catalog.splitlines() if l.split(" ", 1)[0] in {VERDICT_ID}]
    check(len(ours) == 1 and "tactus:" in ours[0], f"journal catalog indexed: {ours}")

    # 4. the bus name, owned by the main pid.
    wait_for(vm, "busctl --system status org.tactus.Tactus1 >/dev/null", 30, "org.tactus.Tactus1 not on the bus")
    owner = vm.check("busctl --system status org.tactus.Tactus1 | sed -n 's/^PID=//p'", timeout=20).strip()
    check(owner == p["MainPID"], f"busctl: org.tactus.Tactus1 owned by pid {owner} (MainPID {p['MainPID']})")
    rc, out, err = vm.run("tactusctl status", timeout=20)
    check(rc == 0, f"tactusctl status: exit {rc}: {' / '.join(out.strip().splitlines()[:2])}{err.strip()}")

    # 5. a structured verdict entry, end to end.
    sessions = seat0_session(vm)
    sid = sessions.split()[0]
    vmtest.TACTUSCTL = "/usr/bin/tactusctl"
    usb = [s for s, d in vmtest.ctl_devices(vm).items() if d["name"] == "QEMU QEMU USB Keyboard"]
    if check(len(usb) == 1, f"the emulated USB keyboard is {usb}"):
        unit = "tactus-test-deb-clone"
        node = vmtest.start_injector_unit(vm, unit, ["uinput-clone", "--like", f"/dev/input/{usb[0]}", "--keys",
                                                     "10", "--gap-min", "0.05", "--gap-max", "0.1", "--linger", "1"])
        pid = vmtest.unit_property(vm, f"{unit}.service", "MainPID")["MainPID"]
        vm.check(f"touch /tmp/{unit}.go", timeout=10)
        match = f"MESSAGE_ID={VERDICT_ID} TACTUS_VERDICT=injected"
        wait_for(vm, f"journalctl -b --no-pager -o cat {match} | grep -q .", 60,
                 "no structured injected-verdict entry")
        e = journal_entries(vm, match)[-1]
        want = {"TACTUS_SESSION": sid, "TACTUS_USER": "tactustest", "TACTUS_UID": "4242", "TACTUS_SEAT": "seat0",
                "TACTUS_DEVICE": node, "TACTUS_PROVENANCE": "uinput", "TACTUS_ALLOWED": "no",
                "TACTUS_CREATOR_PID": pid, "TACTUS_CREATOR_UNIT": f"{unit}.service",
                "_SYSTEMD_UNIT": "tactusd.service", "PRIORITY": "5", "SYSLOG_IDENTIFIER": "tactusd"}
        got = {k: e.get(k) for k in want}
        check(got == want, f"journal entry {VERDICT_ID} fields: {got}" + ("" if got == want else f", want {want}"))
        check(e.get("MESSAGE", "").startswith(f"session {sid} verdict injected"), f"MESSAGE: {e.get('MESSAGE')!r}")
        note("fields: " + " ".join(sorted(k for k in e if k.startswith("TACTUS_"))))
        explained = vm.check(f"journalctl -b --no-pager -x {match}", timeout=30)
        subject = f"Subject: Session {sid} verdict is now injected"
        check(subject in explained and "injected, trust " in explained,
              f"journalctl -x shows the catalog text ({subject!r}): "
              + " | ".join(l.strip() for l in explained.splitlines() if "Subject:" in l or "trust " in l))
        hosts = vm.check(f"journalctl -b --no-pager {match} -o cat --output-fields=_HOSTNAME | sort | uniq -c",
                         timeout=30).strip()
        hostname = vm.check("hostname", timeout=10).strip()
        check(hostname in hosts, f"per-host query of tactusd(8): {hosts!r} (hostname {hostname})")
        wait_for(vm, f"! systemctl is-active --quiet {unit}.service", 30, f"{unit} did not exit")

    # 6. purge.
    check(vm.run("test -d /var/lib/tactus && test -d /etc/tactus", timeout=10)[0] == 0,
          "state and configuration directories exist before the purge")
    t0 = time.monotonic()
    rc, out, err = vm.run("DEBIAN_FRONTEND=noninteractive dpkg --purge tactus", timeout=120)
    check(rc == 0, f"dpkg --purge tactus: exit {rc} ({time.monotonic() - t0:.1f} s)" + ("" if rc == 0 else out + err))
    left = [path for path in list(FILES) + ["/var/lib/tactus", "/etc/tactus",
                                            "/etc/systemd/system/multi-user.target.wants/tactusd.service"]
            if vm.run(f"test -e {path} || test -L {path}", timeout=10)[0] == 0]
    check(not left, "purge removed files, state and the enable link" + (f"; left: {left}" if left else ""))
    check(vm.run("systemctl is-active --quiet tactusd.service", timeout=10)[0] != 0, "tactusd.service stopped")
    check(vm.run("busctl --system status org.tactus.Tactus1", timeout=10)[0] != 0, "org.tactus.Tactus1 is gone")
    status = vm.run("dpkg-query -W -f='${Status}' tactus", timeout=10)[1]
    check("installed" not in status or "not-installed" in status, f"dpkg status after purge: {status!r}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    build_root = os.environ.get("TACTUS_BUILD_ROOT", os.path.join(vmtest.SRC, "build"))
    p.add_argument("--build-dir", default=build_root, help="meson build dir; the package goes to BUILD/deb")
    p.add_argument("--workdir", default=os.path.join(build_root, "vm"))
    a = p.parse_args()
    t_start = time.monotonic()
    try:
        if os.geteuid() != 0:
            raise tactusvm.VmSkip("the test bed needs root (QEMU exports / over 9p as the caller)")
        tactusvm.find_qemu()
        tactusvm.find_kernel()
        deb = find_deb(a.build_dir)
        t_vm = time.monotonic()
        with tactusvm.Vm(a.workdir) as vm:
            state = vm.wait_running()
            note(f"boot to {state}: {vm.boot_seconds:.1f} s")
            try:
                body(vm, deb)
            except VmError as e:
                vmtest.failures.append(str(e))
            if vmtest.failures:
                vmtest.print_tactusd_log(vm)
                raise VmError("failed: " + "; ".join(vmtest.failures))
        note(f"guest part: {time.monotonic() - t_vm:.1f} s")
    except tactusvm.VmSkip as e:
        tactusvm.skip(str(e))
    except VmError as e:
        print(f"FAIL: {e}", flush=True)
        note(f"whole test: {time.monotonic() - t_start:.1f} s")
        return 1
    note(f"whole test: {time.monotonic() - t_start:.1f} s")
    print("PASS", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
