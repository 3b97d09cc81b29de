"""Orchestration: events evaluated per second with 20 active scenarios (SQLite, one process),
batched engine vs a naive baseline (one transaction per event, same rules), and the latency
from trigger to SMTP hand-off for immediate steps (real aiosmtpd server in its own process).

Targets: >= 20,000 events/s; p99 trigger → hand-off <= 1 s. The machine is shared: the CPU
time of the child is reported beside wall time (events per CPU-second) with the load average.
"""

from __future__ import annotations

import json
import os

from _common import HERE, run_child

JOBS = str(HERE / "_orchestrate_jobs.py")


def run(table, scale: float) -> None:  # type: ignore[no-untyped-def]
    load = f"load {os.getloadavg()[0]:.1f}"
    n = max(2000, int(100_000 * scale))
    naive_n = max(500, int(5_000 * scale))
    for mode, count in (("batched", n), ("naive", naive_n)):
        _seconds, rss, out = run_child([JOBS, mode, str(count)])
        result = json.loads(out.strip().splitlines()[-1])
        table.add_row(
            "orchestrate-events",
            "parcours (batched)" if mode == "batched" else "naive: 1 transaction/event",
            f"{count:,} events, 20 scenarios",
            f"{result['seconds']:.2f} s",
            f"{rss / 1024**3:.2f} GiB",
            f"{result['per_second']:,.0f}/s ({result['per_cpu_second']:,.0f}/CPU-s)",
            ">= 20,000/s" if mode == "batched" else "baseline",
            f"{result['enrolments']:,} enrolments; {load}",
        )
    events = max(300, int(2000 * scale))
    for rate in (100, 400):
        _seconds, rss, out = run_child([JOBS, "latency", str(events), str(rate)])
        result = json.loads(out.strip().splitlines()[-1])
        table.add_row(
            "orchestrate-latency",
            f"trigger → SMTP hand-off @ {rate} events/s",
            f"{result['sends']:,} sends",
            f"p50 {result['p50'] * 1000:.0f} ms",
            f"{rss / 1024**3:.2f} GiB",
            f"p99 {result['p99'] * 1000:.0f} ms",
            "p99 <= 1 s",
            f"max {result['max'] * 1000:.0f} ms; one worker; {load}",
        )
