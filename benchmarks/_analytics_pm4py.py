"""PM4Py's directly-follows graph discovery on the generated log (run with the PM4Py venv's python).

    benchmarks/.data/pm4py-venv/bin/python _analytics_pm4py.py LOG.parquet

Prints "<discovery seconds> <load seconds> <edges> <transitions>". PM4Py is AGPL: it lives only in
that venv (created by bench_analytics.py), never in parcours' dependencies.
"""

from __future__ import annotations

import sys
import time

import pandas as pd
import pm4py

started = time.perf_counter()
log = pd.read_parquet(sys.argv[1], columns=["customer_id", "ts", "touchpoint"])
loaded = time.perf_counter() - started
started = time.perf_counter()
dfg, _, _ = pm4py.discover_dfg(
    log, case_id_key="customer_id", activity_key="touchpoint", timestamp_key="ts"
)
seconds = time.perf_counter() - started
print(f"{seconds:.3f} {loaded:.3f} {len(dfg)} {sum(dfg.values())}")
