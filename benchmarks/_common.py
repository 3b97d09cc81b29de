"""What every benchmark shares: the data folder, child processes measured for time and peak RSS.

A benchmark module is `benchmarks/bench_<name>.py` exposing `run(table, scale)`: it adds rows to the
shared rich table (columns in COLUMNS) and compares parcours with its baseline in the same run;
`scale=1.0` is the size the issue names. `python benchmarks/run.py <name>` runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
GIB = 1024**3
COLUMNS = ("benchmark", "contender", "data", "time", "peak RSS", "throughput", "target", "notes")


class ChildProcessFailedError(RuntimeError):
    """A measured child process exited with an error; ``detail``: the last line it wrote to
    stderr (else its stdout)."""

    def __init__(self, args: list[str], detail: str) -> None:
        super().__init__(f"{' '.join(args)} failed: {detail}")
        self.detail = detail


def measured(args: list[str], python: str | Path = sys.executable) -> tuple[float, float, int, str]:
    """Run a child process (``python``: another interpreter, e.g. a baseline's own venv); return
    (wall seconds, CPU seconds user + system, peak RSS, stdout).

    The CPU seconds tell the work done whatever else runs on the machine: on a shared 2-core
    machine the wall time of the same run varies threefold with the load."""
    with tempfile.TemporaryFile(mode="w+") as errors:  # a file, not a pipe nobody reads yet
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(python), *args], stdout=subprocess.PIPE, stderr=errors, text=True
        )
        out = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            lines = errors.read().strip().splitlines()
            raise ChildProcessFailedError(args, lines[-1] if lines else out)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, out


def run_child(args: list[str], python: str | Path = sys.executable) -> tuple[float, int, str]:
    """Run a child process; return (wall seconds, peak RSS bytes, its stdout)."""
    seconds, _, rss, out = measured(args, python)
    return seconds, rss, out
