"""Analytics on generated event logs: parcours (Ibis on DuckDB) vs hand-written DuckDB SQL, and the
directly-follows graph vs PM4Py's discovery.

At scale 1: logs of 10M and 50M events (customer_id, ts, touchpoint, stage, channel); tasks: the
stage x channel matrix, a 5-step ordered funnel (14 days), the top-20 5-step paths (30-minute
sessions), the DFG with durations. Each contender runs in its own process (wall time of the best
in-process round, peak RSS of the process); both contenders must return the same result (a
fingerprint of the rows is compared). Targets: parcours within 1.2x of the SQL; parcours' DFG at
least 10x faster than PM4Py's (frequency only, so PM4Py does less work), on both logs (PM4Py loads
the whole log in pandas: about 12 GiB at 50M events).
PM4Py (AGPL) is installed in its own venv under benchmarks/.data/, never in parcours' dependencies.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from _common import DATA, GIB, HERE, run_child

TASKS = ("matrix", "funnel", "paths", "dfg")
PM4PY_VENV = DATA / "pm4py-venv"
PM4PY_MAX_ROWS = 50_000_000


def _ensure_log(rows: int) -> Any:
    db = DATA / f"analytics_{rows}.duckdb"
    if not db.exists() or not db.with_suffix(".parquet").exists():
        print(f"generating {db.name} ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(HERE / "_analytics_jobs.py"), "make", str(db), str(rows)],
            check=True,
        )
    return db


def _pm4py_python() -> str | None:
    python = PM4PY_VENV / "bin" / "python"
    if not python.exists():
        print("installing PM4Py in its own venv (benchmarks/.data/pm4py-venv) ...", file=sys.stderr)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(PM4PY_VENV)], check=True)
            subprocess.run(
                [str(python), "-m", "pip", "install", "-q", "pm4py", "pandas", "pyarrow"],
                check=True,
            )
        except subprocess.CalledProcessError:
            return None
    return str(python)


def _child(args: list[str]) -> tuple[float, int, str] | None:
    """run_child, or None when the process fails (out of memory on a shared machine...)."""
    try:
        return run_child(args)
    except RuntimeError as exc:
        print(f"failed: {exc}", file=sys.stderr)
        return None


def run(table: Any, scale: float) -> None:
    sizes = [max(10_000, int(10_000_000 * scale)), max(50_000, int(50_000_000 * scale))]
    # PARCOURS_BENCH_MAX_ROWS caps the sizes (e.g. to run the 10M log alone on a busy machine).
    cap = int(os.environ.get("PARCOURS_BENCH_MAX_ROWS", "0") or 0)
    if cap:
        sizes = [rows for rows in sizes if rows <= cap]
    load = os.getloadavg()[0]
    for rows in sizes:
        db = _ensure_log(rows)
        label = f"{rows:,} events"
        for task in TASKS:
            best: dict[str, float] = {}
            peak: dict[str, int] = {}
            prints: dict[str, str] = {}
            # Alternate the contenders; keep each one's best (a busy machine decides otherwise).
            for _ in range(2 if rows <= 10_000_000 else 1):
                for contender in ("sql", "parcours"):
                    done = _child([str(HERE / "_analytics_jobs.py"), contender, task, str(db)])
                    if done is None:
                        continue
                    _, rss, out = done
                    seconds, fingerprint = out.split()
                    best[contender] = min(best.get(contender, float("inf")), float(seconds))
                    peak[contender] = max(peak.get(contender, 0), rss)
                    prints[contender] = fingerprint
            if len(best) < 2:
                table.add_row(
                    f"analytics {task}",
                    "FAILED",
                    label,
                    "",
                    "",
                    "",
                    "",
                    ", ".join(c for c in ("sql", "parcours") if c not in best) + " did not finish",
                )
                continue
            same = prints["sql"] == prints["parcours"]
            for contender in ("sql", "parcours"):
                table.add_row(
                    f"analytics {task}",
                    "hand-written DuckDB SQL" if contender == "sql" else "parcours (Ibis/DuckDB)",
                    label,
                    f"{best[contender]:.2f} s",
                    f"{peak[contender] / GIB:.2f} GiB",
                    f"{rows / best[contender] / 1e6:.1f} M events/s",
                    "baseline" if contender == "sql" else "<= 1.2x SQL",
                    "" if contender == "sql" else ("same result" if same else "RESULTS DIFFER"),
                )
                print(
                    f"{task} {label} {contender} {best[contender]:.2f} s {peak[contender] / GIB:.2f} GiB",
                    file=sys.stderr,
                )
            ratio = best["parcours"] / best["sql"]
            table.add_row(
                f"analytics {task}",
                "ratio parcours / SQL",
                label,
                f"{ratio:.2f}",
                "",
                "",
                "<= 1.20",
                ("ok" if ratio <= 1.2 else "OVER") + f" (load {load:.1f})",
            )
        if rows <= PM4PY_MAX_ROWS:
            _pm4py_row(table, db, rows, label)


def _pm4py_row(table: Any, db: Any, rows: int, label: str) -> None:
    python = _pm4py_python()
    if python is None:
        table.add_row("analytics dfg", "PM4Py", label, "", "", "", ">= 10x slower", "not installed")
        return
    _, rss, out = run_child(
        [str(HERE / "_analytics_pm4py.py"), str(db.with_suffix(".parquet"))], python
    )
    seconds, loaded, edges, transitions = out.split()
    _, ours_rss, ours = run_child(
        [str(HERE / "_analytics_jobs.py"), "parcours", "dfg-frequency", str(db)]
    )
    ours_seconds = float(ours.split()[0])
    table.add_row(
        "analytics dfg",
        "PM4Py discover_dfg (frequency only)",
        label,
        f"{float(seconds):.2f} s",
        f"{rss / GIB:.2f} GiB",
        f"{rows / float(seconds) / 1e6:.1f} M events/s",
        "baseline",
        f"{edges} edges, {int(transitions):,} transitions; + {float(loaded):.1f} s to load the Parquet",
    )
    speedup = float(seconds) / ours_seconds
    table.add_row(
        "analytics dfg",
        "speed-up parcours dfg(performance=False) vs PM4Py",
        label,
        f"{speedup:.1f}x",
        f"{ours_rss / GIB:.2f} GiB",
        "",
        ">= 10x",
        "ok" if speedup >= 10 else "UNDER",
    )
