"""Voice of the customer: NPS/CSAT/CES with intervals by stage x channel over 10M response rows
(Ibis on DuckDB, then the interval maths) against a pandas groupby doing the same maths; the
lexicon's throughput; and an honest (nested cross-validation) estimate of the verbatim model.

Targets: 10M responses <= 10 s; lexicon >= 2,000 verbatims/s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from _common import DATA, GIB, HERE, run_child

JOBS = str(HERE / "_voc_jobs.py")
LABELLED = HERE.parent / "tests" / "voc" / "data" / "verbatims_labelled.csv"


def run(table, scale: float) -> None:  # type: ignore[no-untyped-def]
    load = f"load {os.getloadavg()[0]:.1f}"
    DATA.mkdir(parents=True, exist_ok=True)
    n = max(10_000, int(10_000_000 * scale))
    responses = DATA / f"voc_responses_{n}.parquet"
    if not responses.exists():
        print(f"generating {responses.name} ...", file=sys.stderr)
        subprocess.run([sys.executable, JOBS, "make-responses", str(n), str(responses)], check=True)
    for job, name, target in (
        ("satisfaction-parcours", "parcours.voc.satisfaction (Ibis/DuckDB)", "<= 10 s"),
        ("satisfaction-pandas", "pandas groupby, same maths", "baseline"),
    ):
        _, rss, out = run_child([JOBS, job, str(responses)])
        result = json.loads(out.strip().splitlines()[-1])
        table.add_row(
            "voc-satisfaction",
            name,
            f"{n:,} responses, {result['rows']} groups",
            f"{result['seconds']:.2f} s",
            f"{rss / GIB:.2f} GiB",
            f"{n / result['seconds'] / 1e6:.1f} M rows/s",
            target,
            load,
        )
    count = max(2_000, int(100_000 * scale))
    _, rss, out = run_child([JOBS, "classify-lexicon", str(count), str(LABELLED)])
    result = json.loads(out.strip().splitlines()[-1])
    table.add_row(
        "voc-lexicon",
        "parcours.voc.classify",
        f"{count:,} distinct verbatims",
        f"{result['seconds']:.2f} s",
        f"{rss / GIB:.2f} GiB",
        f"{count / result['seconds']:,.0f} verbatims/s",
        ">= 2,000/s",
        load,
    )
    _, rss, out = run_child([JOBS, "nested-cv", str(LABELLED)])
    result = json.loads(out.strip().splitlines()[-1])
    for lang in ("fr", "en"):
        chosen = ", ".join(sorted(set(result[lang]["chosen"])))
        table.add_row(
            "voc-model-nested-cv",
            f"VerbatimClassifier, {lang}",
            "labelled set, 5 outer x 3 inner folds",
            f"{result['seconds']:.0f} s (both)",
            f"{rss / GIB:.2f} GiB",
            f"macro-F1 {result[lang]['macro_f1']:.3f}",
            ">= 0.85 (fr)" if lang == "fr" else "reported",
            f"chosen per fold: {chosen}; {load}",
        )
