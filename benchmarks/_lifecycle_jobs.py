"""Child jobs of bench_lifecycle: data generation and one measured task each (JSON on stdout).

Run with the project's interpreter, except ``fit-lifetimes`` / ``summary-lifetimes`` which run
in the separate lifetimes venv (benchmarks/.data/lifetimes-venv, numpy<2): that file must not
import parcours.
"""

from __future__ import annotations

import json
import sys
import time

# The published CDNOW BG/NBD parameters: the simulated population looks like CDNOW's.
TRUTH = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def make_btyd(n: int, path: str) -> None:
    from parcours.lifecycle._simulate import simulate_bgnbd

    frame = simulate_bgnbd(n, seed=7, **TRUTH)
    frame.to_parquet(path, index=False)
    # the lifetimes venv has no Parquet reader that works with numpy<2
    frame.to_csv(path.replace(".parquet", ".csv"), index=False)


def make_transactions(n: int, path: str) -> None:
    """``n`` transactions of n/10 customers over two years, with amounts (Arrow, Parquet)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(5)
    customers = max(1, n // 10)
    ids = rng.integers(0, customers, n)
    seconds = rng.integers(0, 2 * 365 * 86_400, n)
    frame = pd.DataFrame(
        {
            "customer_id": ids.astype(np.int64),
            "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(seconds, unit="s"),
            "amount": rng.gamma(2.0, 25.0, n).round(2),
        }
    )
    frame.to_parquet(path, index=False)


def fit_parcours(path: str) -> None:
    import pandas as pd

    from parcours.lifecycle import BetaGeo

    frame = pd.read_parquet(path)
    started, cpu = time.perf_counter(), time.process_time()
    model = BetaGeo().fit(frame)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    result = {"seconds": seconds, "cpu": cpu, "params": model.params_, "groups": model.n_groups_}
    print(json.dumps(result))


def fit_lifetimes(path: str, grouped: bool) -> None:
    import pandas as pd
    from lifetimes import BetaGeoFitter

    frame = pd.read_csv(path.replace(".parquet", ".csv"))
    started, cpu = time.perf_counter(), time.process_time()
    model = BetaGeoFitter()
    if grouped:
        counts = frame.groupby(["frequency", "recency", "T"]).size().reset_index(name="w")
        model.fit(counts["frequency"], counts["recency"], counts["T"], weights=counts["w"])
    else:
        model.fit(frame["frequency"], frame["recency"], frame["T"])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    params = {k: float(v) for k, v in model.params_.items()}
    print(json.dumps({"seconds": seconds, "cpu": cpu, "params": params}))


def summary_parcours(path: str) -> None:
    import pandas as pd

    from parcours.lifecycle import summary

    frame = pd.read_parquet(path)
    started, cpu = time.perf_counter(), time.process_time()
    out = summary(frame, monetary_value_col="amount", freq="W")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "customers": len(out), "check": _check(out)}))


def summary_pandas(path: str) -> None:
    """The same summary with a plain pandas groupby (the usual hand-written way)."""
    import numpy as np
    import pandas as pd

    frame = pd.read_parquet(path)
    started, cpu = time.perf_counter(), time.process_time()
    frame["day"] = frame["ts"].dt.floor("D")
    days = frame.groupby(["customer_id", "day"], sort=True)["amount"].sum().reset_index()
    grouped = days.groupby("customer_id")
    first = grouped["day"].min()
    last = grouped["day"].max()
    n = grouped.size()
    total = grouped["amount"].sum()
    first_value = grouped["amount"].first()  # days are sorted within each customer
    end = days["day"].max()
    out = pd.DataFrame(
        {
            "frequency": (n - 1).astype(float),
            "recency": (last - first).dt.days / 7.0,
            "T": (end - first).dt.days / 7.0,
        }
    )
    repeat = total - first_value
    out["monetary_value"] = np.where(
        out["frequency"] > 0, repeat / out["frequency"].clip(lower=1), 0.0
    )
    out = out.reset_index()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "customers": len(out), "check": _check(out)}))


def _check(out) -> list[float]:  # type: ignore[no-untyped-def]
    """Totals that must agree between contenders."""
    return [
        round(float(out["frequency"].sum()), 3),
        round(float(out["recency"].sum()), 3),
        round(float(out["T"].sum()), 3),
        round(float(out["monetary_value"].sum()), 2),
    ]


if __name__ == "__main__":
    job, *args = sys.argv[1:]
    if job == "make-btyd":
        make_btyd(int(args[0]), args[1])
    elif job == "make-tx":
        make_transactions(int(args[0]), args[1])
    elif job == "fit-parcours":
        fit_parcours(args[0])
    elif job == "fit-lifetimes":
        fit_lifetimes(args[0], grouped=False)
    elif job == "fit-lifetimes-grouped":
        fit_lifetimes(args[0], grouped=True)
    elif job == "summary-parcours":
        summary_parcours(args[0])
    elif job == "summary-pandas":
        summary_pandas(args[0])
    else:
        raise SystemExit(f"unknown job {job}")
