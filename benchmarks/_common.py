"""What every benchmark shares: the data folder, child processes measured for time and peak RSS.

A benchmark module is `benchmarks/bench_<name>.py` exposing `run(table, scale)`: it adds rows to the
shared rich table (columns in COLUMNS) and compares parcours with its baseline in the same run;
`scale=1.0` is the size the issue names. `python benchmarks/run.py <name>` runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
GIB = 1024**3
COLUMNS = ("benchmark", "contender", "data", "time", "peak RSS", "throughput", "target", "notes")


def measured(args: list[str]) -> tuple[float, float, int, str]:
    """Run a child process; return (wall seconds, CPU seconds user + system, peak RSS, stdout).

    The CPU seconds tell the work done whatever else runs on the machine: on a shared 2-core
    machine the wall time of the same run varies threefold with the load."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    out = proc.stdout.read() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {out}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, out


def run_child(args: list[str]) -> tuple[float, int, str]:
    """Run a child process; return (wall seconds, peak RSS bytes, its stdout)."""
    seconds, _, rss, out = measured(args)
    return seconds, rss, out
