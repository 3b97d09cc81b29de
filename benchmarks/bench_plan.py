"""Plan: scoring (classes, RICE/ICE, ±20 % weight sensitivity) and scheduling 2,000 approved
ideas across 10 teams and 24 monthly periods, with dependencies and groups: the exact solver
(OR-Tools CP-SAT, time-limited, started from the greedy plan) against the greedy heuristic alone.

Target: scoring + scheduling within 30 s.
"""

from __future__ import annotations

import json
import os

from _common import GIB, HERE, run_child

JOBS = str(HERE / "_plan_jobs.py")


def run(table, scale: float) -> None:  # type: ignore[no-untyped-def]
    load = f"load {os.getloadavg()[0]:.1f}"
    count = max(50, int(2_000 * scale))
    teams = max(2, int(10 * min(1.0, scale * 5)))
    periods = 24
    for solver, name, target, limit in (
        ("auto", "parcours.plan.schedule (CP-SAT, 15 s limit)", "<= 30 s", "15"),
        ("greedy", "greedy heuristic alone", "baseline", "1"),
    ):
        _, rss, out = run_child([JOBS, solver, str(count), str(teams), str(periods), limit])
        result = json.loads(out.strip().splitlines()[-1])
        table.add_row(
            "plan-roadmap",
            name,
            f"{count:,} ideas, {teams} teams, {periods} periods",
            f"{result['seconds']:.1f} s",
            f"{rss / GIB:.2f} GiB",
            f"{result['scheduled']:,} scheduled, {result['unscheduled']:,} left out",
            target,
            f"plan by {result['solver']} ({result['status']}); objective {result['objective']:,.0f}; "
            f"scoring {result['scoring']:.2f} s, sensitivity {result['sensitivity']:.2f} s; {load}",
        )
