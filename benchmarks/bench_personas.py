"""Personas: scoring 10M customers x 5 personas (target <= 60 s), peak RSS reported.

Contenders on the same synthetic feature matrix (the demo's 118 model columns, float32, 10%
missing, generated block by block; generation not counted):

- parcours, boosting (default): each persona's model refitted on the columns its trees use, scored
  in batches of 262,144 rows;
- parcours, logistic regression (the linear alternative);
- baseline "not compacted": the same boosting models scored on all 118 columns;
- baseline "unbatched": one predict_proba per model over each 1M-row block;
- baseline "per-row": one predict_proba call per customer (measured on a few thousand rows and
  extrapolated).

The machine is shared: the load average is noted, and CPU seconds are shown beside wall time.
"""

from __future__ import annotations

import json
import os

from _common import GIB, HERE, run_child

JOBS = str(HERE / "_personas_jobs.py")


def run(table, scale: float) -> None:  # type: ignore[no-untyped-def]
    rows = max(100_000, int(10_000_000 * scale))
    per_row = max(500, int(2_000 * min(scale, 1.0)))
    cases = [
        ("parcours (boosting, batched, compact)", ["score", str(rows), "boosting"], rows),
        ("parcours (logistic, batched)", ["score", str(rows), "logistic"], rows),
        ("baseline: boosting not compacted", ["full-width", str(min(rows, 2_000_000))], None),
        ("baseline: unbatched full-width", ["unbatched", str(min(rows, 2_000_000))], None),
        ("baseline: per-row predict", ["per-row", str(per_row)], None),
    ]
    for contender, args, target_rows in cases:
        load = f"load {os.getloadavg()[0]:.1f}"
        _seconds, rss, out = run_child([JOBS, *args])
        result = json.loads(out.strip().splitlines()[-1])
        measured = result["rows"]
        seconds = result["scoring"]
        projected = seconds * rows / measured
        shown = f"{seconds:.1f} s" if measured == rows else f"{projected:,.0f} s (extrapolated)"
        table.add_row(
            "personas-score",
            contender,
            f"{measured:,} customers x 5 personas, 118 features",
            shown,
            f"{rss / GIB:.2f} GiB",
            f"{measured * 5 / seconds / 1e6:.2f} M scores/s",
            "<= 60 s for 10M" if target_rows else "baseline",
            f"scoring cpu {result['cpu']:.0f} s; features used {result['features_used']}; {load}",
        )
