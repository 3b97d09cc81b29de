"""Lifecycle: BG/NBD fitting on 1M customers simulated from known parameters (identical
(x, t_x, T) rows grouped with weights), against the lifetimes package on the same data; the
frequency / recency / T / monetary summary from 10M transactions, against a pandas groupby.

Targets: BG/NBD fit <= 3 s; summary <= 10 s. lifetimes is a baseline only, never a dependency:
it runs from its own venv under benchmarks/.data/ (numpy<2, scipy<1.13, pandas<2), created with
``python -m venv benchmarks/.data/lifetimes-venv && benchmarks/.data/lifetimes-venv/bin/pip
install lifetimes==0.11.3 "numpy<2" "scipy<1.13" "pandas<2" pyarrow``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from _common import DATA, GIB, HERE, ChildProcessFailedError, run_child

JOBS = str(HERE / "_lifecycle_jobs.py")
LIFETIMES = DATA / "lifetimes-venv" / "bin" / "python"


def _params(p: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:.3f}" for k, v in p.items())


def run(table, scale: float) -> None:  # type: ignore[no-untyped-def]
    load = f"load {os.getloadavg()[0]:.1f}"
    DATA.mkdir(parents=True, exist_ok=True)
    n = max(10_000, int(1_000_000 * scale))
    btyd = DATA / f"lifecycle_btyd_{n}.parquet"
    if not btyd.exists():
        print(f"generating {btyd.name} ...", file=sys.stderr)
        subprocess.run([sys.executable, JOBS, "make-btyd", str(n), str(btyd)], check=True)
    _, rss, out = run_child([JOBS, "fit-parcours", str(btyd)])
    result = json.loads(out.strip().splitlines()[-1])
    table.add_row(
        "lifecycle-bgnbd-fit",
        "parcours BetaGeo (grouped rows)",
        f"{n:,} customers, {result['groups']:,} distinct (x, t_x, T)",
        f"{result['seconds']:.2f} s",
        f"{rss / GIB:.2f} GiB",
        f"{n / result['seconds'] / 1e6:.2f} M customers/s",
        "<= 3 s",
        f"{_params(result['params'])} (truth r=0.243, alpha=4.414, a=0.793, b=2.426); "
        f"CPU {result['cpu']:.2f} s; {load}",
    )
    for job, name in (
        ("fit-lifetimes", "lifetimes 0.11.3 BetaGeoFitter"),
        ("fit-lifetimes-grouped", "lifetimes, grouped with weights"),
    ):
        missing = ""
        if not LIFETIMES.exists():
            missing = f"not installed: {LIFETIMES} missing"
        else:
            try:
                _, rss, out = run_child([JOBS, job, str(btyd)], LIFETIMES)
            except ChildProcessFailedError as exc:
                missing = f"failed: {exc.detail}"
        if missing:
            row = ("lifecycle-bgnbd-fit", name, f"{n:,} customers", "—", "—", "", "baseline")
            table.add_row(*row, missing)
            continue
        result = json.loads(out.strip().splitlines()[-1])
        table.add_row(
            "lifecycle-bgnbd-fit",
            name,
            f"{n:,} customers",
            f"{result['seconds']:.2f} s",
            f"{rss / GIB:.2f} GiB",
            f"{n / result['seconds'] / 1e6:.2f} M customers/s",
            "baseline",
            f"{_params(result['params'])}; CPU {result['cpu']:.2f} s; {load}",
        )
    rows = max(100_000, int(10_000_000 * scale))
    tx = DATA / f"lifecycle_tx_{rows}.parquet"
    if not tx.exists():
        print(f"generating {tx.name} ...", file=sys.stderr)
        subprocess.run([sys.executable, JOBS, "make-tx", str(rows), str(tx)], check=True)
    checks = {}
    for job, name, target in (
        ("summary-parcours", "parcours summary (Ibis on DuckDB)", "<= 10 s"),
        ("summary-pandas", "pandas groupby", "baseline"),
    ):
        _, rss, out = run_child([JOBS, job, str(tx)])
        result = json.loads(out.strip().splitlines()[-1])
        checks[job] = result["check"]
        table.add_row(
            "lifecycle-summary",
            name,
            f"{rows:,} transactions, {result['customers']:,} customers",
            f"{result['seconds']:.2f} s",
            f"{rss / GIB:.2f} GiB",
            f"{rows / result['seconds'] / 1e6:.2f} M rows/s",
            target,
            f"totals {'agree' if len(set(map(tuple, checks.values()))) == 1 else 'DIFFER'}; "
            f"CPU {result['cpu']:.1f} s (all threads); {load}",
        )
