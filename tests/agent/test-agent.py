#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tactus-session-agent on an Xvfb display against the real tactusd on a
private bus (the bus suite's set-up: tests/bus/test-bus.py), typed into
through XTEST with xdotool, as a script or a password manager would.

    test-agent.py --tactusd PATH --fake-polkit PATH [--agent PATH] TEST

TEST is one of the functions named test_* below (dashes for underscores).
Exit 0 on success, 1 on failure (with the logs), 77 when something needed is
missing (the agent is not built, Xvfb or xdotool are not installed, not root).
Typed text is generated (a fixed-seed PRNG over lower-case letters): no
person's typing.
"""

import argparse
import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('test_bus', os.path.join(HERE, '..', 'bus', 'test-bus.py'))
bus_suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bus_suite)
Bus, Skip, Failure, check, wait_for = (bus_suite.Bus, bus_suite.Skip, bus_suite.Failure, bus_suite.check,
                                       bus_suite.wait_for)
SESSION, SESSION_IF = bus_suite.SESSION, bus_suite.SESSION_IF
RECORDING = os.path.join(bus_suite.RECORDINGS, 'two-seats.yml')

# The fields of a report, as the agent prints them and ReportSessionInput takes them.
REPORT_FIELDS = ['source', 'device', 'client', 'window_us', 'key_presses', 'button_presses', 'motion_events',
                 'active_us', 'median_interval_us', 'min_interval_us']
TIMING_FIELDS = {'window_us', 'active_us', 'median_interval_us', 'min_interval_us'}


def generated_text(seed, length):
    rng = random.Random(seed)
    return ''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(length))


class Session:
    """A Bus (dbus-daemon, fake polkit, tactusd replaying two-seats.yml),
    an Xvfb display and the agent on it."""

    def __init__(self, opts, burst):
        self.opts = opts
        self.burst = burst
        self.bus = Bus(opts, RECORDING)
        self.display = None

    def __enter__(self):
        self.bus.__enter__()
        try:
            self.start_x()
            self.bus.spawn('agent', [self.opts.agent, '--display', self.display, '--interval', '30',
                                     '--burst', str(self.burst), '--print'],
                           stdout='agent.out', stderr='agent.log')
            wait_for(lambda: 'observing X display' in self.bus.read('agent.log'), 10, 'the agent to start')
            # Xvfb's own keyboard and pointer have no evdev node: virtual
            # devices (nothing drives them here); no evdev node anywhere.
            check('2 xtest, 2 virtual, 0 evdev-backed' in self.bus.read('agent.log'),
                  "the agent sees Xvfb's two XTEST devices, its two device-less ones, no evdev-backed one")
        except BaseException:
            self.dump()
            self.bus.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and not issubclass(exc_type, Skip):
            self.dump()
        return self.bus.__exit__(exc_type, exc, tb)

    def dump(self):
        for title, name in (('agent stderr', 'agent.log'), ('agent reports', 'agent.out'), ('Xvfb', 'xvfb.log')):
            print(f'----- {title} -----')
            print(self.bus.read(name), end='')

    def start_x(self):
        read_fd, write_fd = os.pipe()
        self.bus.spawn('xvfb', ['Xvfb', '-displayfd', str(write_fd), '-nolisten', 'tcp', '-screen', '0',
                                '640x480x24'], pass_fds=(write_fd,))
        os.close(write_fd)
        number = b''
        deadline = time.monotonic() + 20
        while not number.endswith(b'\n'):
            if time.monotonic() > deadline:
                raise Failure('Xvfb did not print its display number')
            chunk = os.read(read_fd, 64)
            if not chunk:
                raise Failure('Xvfb exited before printing its display number')
            number += chunk
        os.close(read_fd)
        self.display = ':' + number.decode().strip()
        check(True, f'Xvfb on display {self.display}')

    def type(self, text, delay_ms):
        # `--clearmodifiers` off, no window: XTEST input to the focused root.
        p = subprocess.run(['xdotool', 'type', '--delay', str(delay_ms), text],
                           env=dict(os.environ, DISPLAY=self.display), capture_output=True, timeout=60)
        if p.returncode != 0:
            raise Failure(f'xdotool type failed: {p.stderr.decode(errors="replace")}')

    def reports(self):
        out = []
        for line in self.bus.read('agent.out').splitlines():
            out.append(json.loads(line))
        return out

    def key_reports(self):
        return [r for r in self.reports() if r['key_presses'] > 0]

    def bus_reports(self):
        """The ReportSessionInput calls the bus monitor saw, as dicts."""
        calls = [m for m in self.bus.monitor() if m.get('type') == 'method_call' and
                 m.get('member') == 'ReportSessionInput']
        out = []
        for m in calls:
            check(m['payload']['type'] == 'ssstuuuttt', f'ReportSessionInput signature {m["payload"]["type"]}')
            out.append(dict(zip(REPORT_FIELDS, m['payload']['data'])))
        return out


def typing_arrives(opts, delay_ms, length, rate_ok, what, idle_s=0):
    with Session(opts, burst=length) as s:
        check(s.bus.get(SESSION, SESSION_IF, 'Verdict') == 'learning', 'the session starts learning')
        time.sleep(idle_s)
        s.type(generated_text(delay_ms, length), delay_ms)
        wait_for(lambda: s.key_reports(), 15, 'the agent to report the typing')
        report = s.key_reports()[0]
        print(f'report: {report}')
        check(report['source'] == 'xtest' and report['device'] == 'Virtual core XTEST keyboard',
              'attributed to the XTEST keyboard')
        check(report['key_presses'] == length, f'{length} key presses counted ({report["key_presses"]})')
        rate = (length - 1) * 1e6 / max(report['active_us'], 1000)
        check(rate_ok(rate, report), f'{what}: {rate:.1f} presses/s, median interval '
                                     f'{report["median_interval_us"] / 1000:.1f} ms')
        s.bus.wait_verdict('injected')
        check('synthetic-session-input' in s.bus.get(SESSION, SESSION_IF, 'Reasons'),
              'the session is injected, reason synthetic-session-input')
        wait_for(lambda: f'{length} key presses at' in s.bus.read('tactusd.log'), 5, "the rate in tactusd's log")
        line = next(ln for ln in s.bus.read('tactusd.log').splitlines() if f'{length} key presses at' in ln)
        check(True, f'tactusd logs it: {line.strip()}')
        check(s.bus.get(bus_suite.SEAT1_SESSION, SESSION_IF, 'Verdict') == 'learning',
              'the other session (seat1) stays learning')


def test_xtest_human(opts):
    """Human-paced XTEST typing, 150 ms from press to press (6.7 keys/s), 20
    generated letters: a password manager's auto-type or a careful script.
    xdotool spends --delay on each keystroke, half after the press and half
    after the release, so --delay 300 is 150 ms press to press (measured
    here: --delay 150 gives 76 ms). It is XTEST all the same:
    synthetic-session-input, with a rate a person could type at."""
    typing_arrives(opts, 300, 20,
                   lambda rate, r: 5.5 < rate < 7.5 and 140_000 <= r['median_interval_us'] <= 170_000,
                   'human-paced')


def test_xtest_machine(opts):
    """Machine-speed XTEST typing (xdotool --delay 0, 200 generated letters):
    synthetic-session-input, at a rate no hand reaches."""
    typing_arrives(opts, 0, 200, lambda rate, r: rate > 100.0 and r['median_interval_us'] < 5_000,
                   'machine-speed')


def test_idle_first(opts):
    """Typing that starts long after the agent did, as in a desktop session:
    the agent waits 35 s, past dbus-daemon's auth_timeout (30 s: a
    connection that has not authenticated and sent Hello by then is closed,
    "Connection has not authenticated soon enough"), then xdotool types 20
    generated letters at machine speed; they still arrive as
    synthetic-session-input. sd-bus sends Hello only while the connection is
    processed: the agent once left it alone until its first report, and in
    the vm suite's X session (vm-session-agent) every report after the
    first 30 s failed with "Transport endpoint is not connected"."""
    typing_arrives(opts, 0, 20, lambda rate, r: rate > 20.0, 'after 35 s idle', idle_s=35)


def test_no_key_codes(opts):
    """The agent's reports carry counts and timings only. Two generated texts
    of the same length, different letters, each one report (--burst 60):
    the agent's printed reports and the ReportSessionInput calls on the bus
    have exactly the documented fields, no string field holds typed text,
    and with the timing fields set aside the two reports are identical, so
    nothing in them depends on which keys were pressed. The agent's log
    holds no typed text either."""
    length = 60
    a, b = generated_text(1, length), generated_text(2, length)
    check(a != b and sorted(a) != sorted(b), 'two different generated texts')
    with Session(opts, burst=length) as s:
        s.type(a, 5)
        wait_for(lambda: len(s.key_reports()) == 1, 15, 'the report of the first text')
        s.type(b, 5)
        wait_for(lambda: len(s.key_reports()) == 2, 15, 'the report of the second text')
        wait_for(lambda: len([r for r in s.bus_reports() if r['key_presses']]) == 2, 5,
                 'both reports on the bus')
        printed, sent = s.key_reports(), [r for r in s.bus_reports() if r['key_presses']]
        for r in s.reports():
            check(list(r) == REPORT_FIELDS, f'printed report fields are exactly {REPORT_FIELDS}')
        check([{k: v for k, v in r.items()} for r in printed] == sent,
              'what the agent printed is what it sent on the bus')
        typed = set()
        for text in (a, b):
            typed |= {text[i:i + 3] for i in range(len(text) - 2)}
        for r in printed:
            for field in ('source', 'device', 'client'):
                check(not any(t in r[field] for t in typed), f'{field} {r[field]!r} holds no typed text')
        check(all(t not in s.bus.read('agent.log') for t in typed), "the agent's log holds no typed text")
        check(all(t not in s.bus.read('tactusd.log') for t in typed), "tactusd's log holds no typed text")
        untimed = [{k: v for k, v in r.items() if k not in TIMING_FIELDS} for r in printed]
        print(f'reports without timings: {untimed}')
        check(untimed[0] == untimed[1] and untimed[0]['key_presses'] == length,
              'apart from timings, the reports of two different texts are identical')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tactusd', required=True)
    parser.add_argument('--fake-polkit', required=True)
    parser.add_argument('--agent')
    parser.add_argument('test', choices=[n[5:].replace('_', '-') for n in globals() if n.startswith('test_')])
    opts = parser.parse_args()

    if not opts.agent:
        print('SKIP: tactus-session-agent is not built (pkg-config x11 and xi: libx11-dev libxi-dev)')
        return 77
    for tool in ('dbus-daemon', 'busctl', 'dbus-send', 'Xvfb', 'xdotool'):
        if not shutil.which(tool):
            print(f'SKIP: {tool} is not installed (tools/setup-deps --tests)')
            return 77
    if os.geteuid() != 0:
        print('SKIP: needs root: without logind, the pseudo-session the agent reports into belongs to uid 0')
        return 77
    signal.signal(signal.SIGTERM, lambda *_: sys.exit('FAIL: terminated'))
    test = globals()['test_' + opts.test.replace('-', '_')]
    try:
        test(opts)
    except Skip as e:
        print(f'SKIP: {e}')
        return 77
    except Failure as e:
        print(f'FAIL: {e}')
        return 1
    print(f'PASS: {opts.test}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
