"""Time to the first painted screen of `callsim` against a bare Textual app, both started the
same way: a fresh Python process in a pseudo-terminal of 80x24, timed from spawn until its
first screen's text reaches the terminal. Prints the medians and their ratio (target < 1.5).

    .venv/bin/python scripts/bench_app_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("bare textual app is ready")
        yield Footer()

Bare().run()
"""
CALLSIM_MARKER = b"Who will you call?"
BARE_MARKER = b"bare textual app is ready"
TIMEOUT_S = 30.0


def time_to_marker(argv: list[str], marker: bytes, env: dict[str, str]) -> float:
    """Seconds from spawning `argv` in an 80x24 pseudo-terminal until `marker` is written."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - start < TIMEOUT_S:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                if marker in seen:
                    return time.perf_counter() - start
            if proc.poll() is not None:
                break
        tail = seen[-400:].decode(errors="replace")
        raise RuntimeError(f"{argv} never painted {marker!r}; last output: {tail!r}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        os.close(master)


def main() -> int:
    """Run both apps alternately and print the medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each app (7)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, TERM="xterm-256color", CALLSIM_DATA_DIR=data, COLUMNS="80")
        env.pop("TEXTUAL", None)
        callsim = [sys.executable, "-m", "simulator"]
        bare = [sys.executable, "-c", BARE_APP]
        time_to_marker(bare, BARE_MARKER, env)  # warm the OS file cache for both
        time_to_marker(callsim, CALLSIM_MARKER, env)
        bare_times, callsim_times = [], []
        for _ in range(args.runs):
            bare_times.append(time_to_marker(bare, BARE_MARKER, env))
            callsim_times.append(time_to_marker(callsim, CALLSIM_MARKER, env))
    bare_median = statistics.median(bare_times)
    callsim_median = statistics.median(callsim_times)
    ratio = callsim_median / bare_median
    print(f"bare Textual app  median {bare_median * 1000:6.0f} ms  ({args.runs} runs)")
    print(f"callsim           median {callsim_median * 1000:6.0f} ms  ({args.runs} runs)")
    print(f"ratio {ratio:.2f}x (target < 1.5x)")
    return 0 if ratio < 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
