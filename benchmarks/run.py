"""Run the benchmarks and print one comparison table (see benchmarks/README.md)."""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from _common import COLUMNS, DATA, GIB, HERE, measured, run_child


def bench_ingest(rows: int, table: Table) -> None:
    csv = DATA / f"interactions_{rows}.csv"
    if not csv.exists():
        print(f"generating {csv.name} ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(HERE / "_jobs.py"), "make-csv", str(csv), str(rows)], check=True
        )
    size = csv.stat().st_size
    walls: dict[str, float] = {}
    cpus: dict[str, float] = {}
    for contender in ("duckdb-read_csv", "parcours-ingest"):
        workdir = DATA / f"ws_{contender}_{rows}"
        subprocess.run(["rm", "-rf", str(workdir)], check=True)
        load = os.getloadavg()[0]
        seconds, cpu, rss, out = measured(
            [str(HERE / "_jobs.py"), contender, str(csv), str(workdir)]
        )
        walls[contender], cpus[contender] = seconds, cpu
        target = "<= 30 s, <= 2 GiB" if contender == "parcours-ingest" else "baseline"
        table.add_row(
            "ingest",
            contender,
            f"{rows:,} rows / {size / 1e6:,.0f} MB",
            f"{seconds:.1f} s",
            f"{rss / GIB:.2f} GiB",
            f"{rows / seconds / 1e6:.2f} M rows/s",
            target,
            f"{out.strip()}; {cpu:.1f} CPU s; load {load:.1f} at start",
        )
    base, ours = "duckdb-read_csv", "parcours-ingest"
    table.add_row(
        "ingest",
        "ratio parcours / baseline",
        "",
        f"{walls[ours] / walls[base]:.2f} (wall)",
        "",
        "",
        "",
        f"{cpus[ours] / cpus[base]:.2f} in CPU seconds",
    )


def bench_ibis(rows: int, table: Table) -> None:
    db = DATA / f"ibis_{rows}.duckdb"
    if not db.exists():
        print(f"generating {db.name} ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(HERE / "_jobs.py"), "make-db", str(db), str(rows)], check=True
        )
    # Alternate the contenders over several rounds and keep each one's best: a busy 2-core
    # machine otherwise decides the comparison.
    results: dict[str, float] = {}
    peak: dict[str, int] = {}
    for _ in range(3):
        for contender in ("raw-sql", "ibis"):
            _, rss, out = run_child([str(HERE / "_jobs.py"), f"query-{contender}", str(db)])
            best = float(out.split()[0])
            results[contender] = min(results.get(contender, best), best)
            peak[contender] = max(peak.get(contender, 0), rss)
    for contender in ("raw-sql", "ibis"):
        table.add_row(
            "ibis",
            contender,
            f"{rows:,} interactions",
            f"{results[contender]:.3f} s",
            f"{peak[contender] / GIB:.2f} GiB",
            "",
            "baseline" if contender == "raw-sql" else "within 10 %",
            "matrix + conversion, best of 3 rounds x 5 runs",
        )
    ratio = results["ibis"] / results["raw-sql"]
    table.add_row(
        "ibis",
        "ratio ibis / raw",
        "",
        f"{ratio:.3f}",
        "",
        "",
        "<= 1.10",
        "ok" if ratio <= 1.10 else "OVER",
    )


def _modules() -> dict[str, Any]:
    """The benchmark modules beside this file (bench_<name>.py), by name."""
    found: dict[str, Any] = {}
    for path in sorted(HERE.glob("bench_*.py")):
        found[path.stem.removeprefix("bench_")] = importlib.import_module(path.stem)
    return found


def main() -> None:
    modules = _modules()
    names = ["ingest", "ibis", *modules]
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("which", nargs="*", help=f"among {', '.join(names)} (default: all)")
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows for ingest and ibis")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="size of the other benchmarks (1 = the issue's)"
    )
    args = parser.parse_args()
    args.which = args.which or names
    unknown = set(args.which) - set(names)
    if unknown:
        parser.error(
            f"unknown benchmark(s) {', '.join(sorted(unknown))}: expected {', '.join(names)}"
        )
    DATA.mkdir(exist_ok=True)
    table = Table(title=f"parcours benchmarks ({os.cpu_count()} cores)")
    for column in COLUMNS:
        table.add_column(column)
    if "ingest" in args.which:
        bench_ingest(args.rows, table)
    if "ibis" in args.which:
        bench_ibis(args.rows, table)
    for name, module in modules.items():
        if name in args.which:
            module.run(table, args.scale)
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
