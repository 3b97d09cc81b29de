"""The work of each analytics benchmark contender, one per process (called by bench_analytics.py).

    python _analytics_jobs.py make DB ROWS          generate an event log (DuckDB file + Parquet)
    python _analytics_jobs.py parcours TASK DB      parcours (Ibis on DuckDB)
    python _analytics_jobs.py sql TASK DB           hand-written DuckDB SQL for the same result

Each run prints "<best seconds of the rounds> <fingerprint of the result>".
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import duckdb

ROUNDS = 3  # in-process repeats (best kept) below ROUNDS_UNTIL events, one above
ROUNDS_UNTIL = 5_000_000
TOUCHPOINTS = [f"t{i:02d}" for i in range(1, 21)]
FUNNEL = ["t01", "t02", "t03", "t04", "t05"]
WINDOW_SECONDS = 14 * 86400
GAP_SECONDS = 1800
SPILL_CAP = "30GB"


def make(db: Path, rows: int) -> None:
    """``rows`` events of ``rows / 10`` customers over a year, each customer's within 30 days;
    20 touchpoints (low numbers more frequent), 6 stages, 7 channels; whole seconds."""
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    customers = max(1, rows // 10)
    con.execute("SET preserve_insertion_order = false")
    con.execute(
        f"""
        CREATE TABLE events AS
        WITH g AS (
            SELECT i, hash(i) % {customers} AS c, random() AS r1, random() AS r2 FROM range({rows}) t(i)
        )
        SELECT
            'c' || lpad(CAST(c AS VARCHAR), 9, '0') AS customer_id,
            TIMESTAMPTZ '2025-01-01 00:00:00+00'
                + to_seconds(CAST((hash(c * 7919) % (300 * 86400)) + floor(r1 * 30 * 86400) AS BIGINT))
                AS ts,
            't' || lpad(CAST(1 + CAST(floor(r2 * r2 * 20) AS INTEGER) AS VARCHAR), 2, '0') AS touchpoint,
            's' || CAST(CAST(floor(r2 * r2 * 20) AS INTEGER) // 4 AS VARCHAR) AS stage,
            ['web', 'app', 'phone', 'agency', 'email', 'sms', 'mail'][
                1 + (CAST(floor(r2 * r2 * 20) AS INTEGER) * 3 + CAST(floor(r1 * 100) AS INTEGER)) % 7
            ] AS channel
        FROM g
        """
    )
    parquet = db.with_suffix(".parquet")
    con.execute(f"COPY events TO '{parquet}' (FORMAT parquet)")
    con.close()


# -- parcours --------------------------------------------------------------------------------------
def parcours_task(task: str, db: Path) -> str:
    from parcours import analytics
    from parcours.warehouse import Warehouse

    wh = Warehouse(db)
    _cap_spill(wh)
    events = wh.table("events")

    def build():  # type: ignore[no-untyped-def]
        if task == "matrix":
            return analytics.stage_channel_matrix(events)
        if task == "funnel":
            return analytics.funnel(events, FUNNEL, window="14d").steps
        if task == "paths":
            return analytics.paths(events, steps=5, top=20, gap="30min")
        if task == "dfg":
            return analytics.dfg(events)
        if task == "dfg-frequency":
            return analytics.dfg(events, performance=False)
        raise SystemExit(f"unknown task {task}")

    return _timed(lambda: build().to_pandas(), task, _rounds(db))


# -- hand-written SQL ------------------------------------------------------------------------------
def _funnel_sql() -> str:
    n = len(FUNNEL)
    first = " ".join(f"WHEN touchpoint = '{tp}' THEN {k}" for k, tp in enumerate(FUNNEL, 1))
    nexts = ",\n".join(
        f"min(CASE WHEN touchpoint = '{tp}' THEN rid END) OVER w AS n{k}, "
        f"min(CASE WHEN touchpoint = '{tp}' THEN t END) OVER w AS u{k}"
        for k, tp in enumerate(FUNNEL, 1)
        if k > 1
    )
    steps = [
        "a1 AS (SELECT customer_id, rid AS rid1, t AS t1, t AS at1, rid AS p1, "
        + ", ".join(f"n{j}, u{j}" for j in range(2, n + 1))
        + " FROM n WHERE touchpoint = '"
        + FUNNEL[0]
        + "')"
    ]
    for k in range(2, n + 1):
        ok = f"(p{k - 1} IS NOT NULL AND n{k} IS NOT NULL AND u{k} <= t1 + {WINDOW_SECONDS})"
        later = ", ".join(f"x.n{j}, x.u{j}" for j in range(k + 1, n + 1))
        carried = ", ".join(f"at{j}" for j in range(1, k))
        steps.append(
            f"b{k} AS (SELECT customer_id, rid1, t1, {carried}, "
            f"CASE WHEN {ok} THEN u{k} END AS at{k}, CASE WHEN {ok} THEN n{k} END AS p{k}"
            + (", " + ", ".join(f"n{j}, u{j}" for j in range(k + 1, n + 1)) if k < n else "")
            + f" FROM a{k - 1})"
        )
        if k < n:
            steps.append(
                f"a{k} AS (SELECT b.customer_id, b.rid1, b.t1, "
                + ", ".join(f"b.at{j}" for j in range(1, k + 1))
                + f", b.p{k}, {later} FROM b{k} b LEFT JOIN n x "
                f"ON x.customer_id = b.customer_id AND x.rid = b.p{k})"
            )
    reached = (
        "CASE " + " ".join(f"WHEN at{k} IS NOT NULL THEN {k}" for k in range(n, 0, -1)) + " END"
    )
    stats = []
    for k in range(1, n + 1):
        stats.append(f"count(at{k}) AS c{k}")
        if k > 1:
            d = f"(at{k} - at{k - 1})"
            stats.append(f"avg({d}) AS mean{k}")
            for q in (10, 25, 50, 75, 90):
                stats.append(f"quantile_cont({d}, {q / 100}) AS q{k}_{q}")
            stats.append(f"median(at{k} - t1) AS first{k}")
    unions = []
    for k in range(1, n + 1):
        if k == 1:
            unions.append(
                f"SELECT 1 AS step, '{FUNNEL[0]}' AS name, c1 AS customers, 1.0 AS conversion_from_previous, "
                "1.0 AS conversion_from_first, 0 AS dropped, NULL::DOUBLE AS median_seconds_from_previous, "
                "NULL::DOUBLE AS mean_seconds_from_previous, NULL::DOUBLE AS p10, NULL::DOUBLE AS p25, "
                "NULL::DOUBLE AS p75, NULL::DOUBLE AS p90, NULL::DOUBLE AS median_seconds_from_first FROM s"
            )
        else:
            unions.append(
                f"SELECT {k}, '{FUNNEL[k - 1]}', c{k}, c{k} / nullif(c{k - 1}, 0), c{k} / nullif(c1, 0), "
                f"c{k - 1} - c{k}, q{k}_50, mean{k}, q{k}_10, q{k}_25, q{k}_75, q{k}_90, first{k} FROM s"
            )
    return (
        "WITH e AS (SELECT customer_id, ts, touchpoint, "
        "epoch_ms(ts) / 1000.0 AS t, "
        f"CASE {first} END AS first_step FROM events WHERE touchpoint IN ("
        + ", ".join(f"'{tp}'" for tp in FUNNEL)
        + ")),\n"
        "r AS (SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY ts, first_step, touchpoint) AS rid FROM e),\n"
        f"n AS (SELECT customer_id, rid, t, touchpoint, {nexts} FROM r "
        "WINDOW w AS (PARTITION BY customer_id ORDER BY rid ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)),\n"
        + ",\n".join(steps)
        + f",\nbest AS (SELECT *, {reached} AS reached, row_number() OVER (PARTITION BY customer_id "
        f"ORDER BY {reached} DESC, t1 DESC, rid1 DESC) AS k FROM b{n}),\n"
        "chosen AS (SELECT * FROM best WHERE k = 1),\n"
        f"s AS (SELECT {', '.join(stats)} FROM chosen)\n"
        + " UNION ALL ".join(unions)
        + " ORDER BY step"
    )


SQL = {
    "matrix": """
        SELECT stage, channel, count(*) AS interactions, count(DISTINCT customer_id) AS customers,
               count(*) / sum(count(*)) OVER (PARTITION BY stage) AS channel_share
        FROM events WHERE stage IS NOT NULL GROUP BY stage, channel ORDER BY stage, channel""",
    # The median as list_median(list(...)): DuckDB's median(duration) grouped by edge gives the
    # same numbers but on 50M events its per-group state spilled more than 70 GB to disk.
    "dfg": """
        WITH p AS (
            SELECT touchpoint AS source,
                   lead(touchpoint) OVER w AS target,
                   lead(epoch(ts)) OVER w - epoch(ts) AS duration
            FROM events WHERE touchpoint IS NOT NULL
            WINDOW w AS (PARTITION BY customer_id ORDER BY ts, touchpoint))
        SELECT source, target, count(*) AS count, avg(duration) AS mean_seconds,
               list_median(list(duration)) AS median_seconds, min(duration) AS min_seconds,
               max(duration) AS max_seconds
        FROM p WHERE target IS NOT NULL GROUP BY source, target
        ORDER BY count DESC, source, target""",
    "paths": f"""
        WITH s AS (
            SELECT customer_id, ts, touchpoint,
                   CASE WHEN lag(ts) OVER w IS NULL
                          OR epoch(ts) - epoch(lag(ts) OVER w) > {GAP_SECONDS} THEN 1 ELSE 0 END AS new
            FROM events WHERE touchpoint IS NOT NULL
            WINDOW w AS (PARTITION BY customer_id ORDER BY ts, touchpoint)),
        s2 AS (SELECT *, sum(new) OVER (PARTITION BY customer_id ORDER BY ts, touchpoint
                                        ROWS UNBOUNDED PRECEDING) AS session FROM s),
        p AS (SELECT *, row_number() OVER (PARTITION BY customer_id, session ORDER BY ts, touchpoint) AS pos
              FROM s2),
        paths AS (SELECT customer_id, session, string_agg(touchpoint, ' > ' ORDER BY pos) AS path,
                         count(*) AS length
                  FROM p WHERE pos <= 5 GROUP BY customer_id, session)
        SELECT path, count(*) AS sessions, count(DISTINCT customer_id) AS customers,
               max(length) AS length, count(*) / (SELECT count(*) FROM paths) AS share
        FROM paths GROUP BY path ORDER BY sessions DESC, path LIMIT 20""",
}


def sql_task(task: str, db: Path) -> str:
    """The SQL on the same warehouse connection settings as parcours (time zone, threads...)."""
    from parcours.warehouse import Warehouse

    wh = Warehouse(db)
    _cap_spill(wh)
    query = _funnel_sql() if task == "funnel" else SQL[task]
    return _timed(lambda: wh.execute(query).df(), task, _rounds(db))


def _cap_spill(wh) -> None:  # type: ignore[no-untyped-def]
    """A contender that spills more than this to disk fails instead of filling the disk."""
    wh.execute(f"SET max_temp_directory_size = '{SPILL_CAP}'")


def _rounds(db: Path) -> int:
    rows = int(db.stem.rsplit("_", 1)[-1])
    return ROUNDS if rows < ROUNDS_UNTIL else 1


def _timed(run, task: str, rounds: int) -> str:  # type: ignore[no-untyped-def]
    best = float("inf")
    result = None
    for _ in range(rounds):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return f"{best:.3f} {_fingerprint(result, task)}"


COMPARED = {
    "matrix": ["stage", "channel", "interactions", "customers", "channel_share"],
    "funnel": [
        "step",
        "name",
        "customers",
        "conversion_from_previous",
        "median_seconds_from_previous",
    ],
    "paths": ["path", "sessions", "customers", "length", "share"],
    "dfg": ["source", "target", "count", "mean_seconds", "max_seconds"],
    "dfg-frequency": ["source", "target", "count"],
}


def _fingerprint(frame, task: str) -> str:  # type: ignore[no-untyped-def]
    """The result's keys and numbers, sorted, rounded: equal results, equal print."""
    frame = frame[COMPARED[task]].copy()
    for column in frame.columns:
        if frame[column].dtype.kind in "fiu":
            frame[column] = frame[column].astype(float).round(6)
    text = frame.astype(str).sort_values(list(frame.columns)).to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "make":
        make(Path(sys.argv[2]), int(sys.argv[3]))
    elif what == "parcours":
        print(parcours_task(sys.argv[2], Path(sys.argv[3])))
    elif what == "sql":
        print(sql_task(sys.argv[2], Path(sys.argv[3])))
    elif what == "show-sql":
        print(_funnel_sql())
    else:
        raise SystemExit(f"unknown job {what}")
