"""RFM: recency, frequency and monetary quintile scores and the usual named segments.

Scores are rank-based: customers are sorted on each measure and cut into ``bins`` groups of equal
size, so that every score holds the same share of customers even when many share a value (most
customers bought once). Equal values are ordered by the customer id, which makes the scores
deterministic; ``ties="together"`` keeps equal values in one score instead (groups then unbalanced).

The segment comes from the recency score R and the FM score (the mean of F and M rounded half up),
on the usual 5 x 5 grid (``SEGMENT_TABLE``, first match wins)::

    R \\ FM    1          2           3           4        5
    5        new        potential   potential   champions champions
    4        promising  potential   potential   loyal     loyal
    3        about to   about to    need        loyal     loyal
             sleep      sleep       attention
    1-2      hibernat.  hibernat.   at risk     at risk   can't lose them
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from parcours.i18n import t
from parcours.lifecycle._errors import LifecycleError
from parcours.warehouse import as_table

__all__ = ["SEGMENTS", "SEGMENT_TABLE", "rfm", "rfm_segments", "segment_of"]

# (segment, R scores, FM scores): the first row that holds (R, FM) gives the segment.
SEGMENT_TABLE: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = (
    ("champions", (5,), (4, 5)),
    ("loyal", (3, 4), (4, 5)),
    ("potential_loyalists", (4, 5), (2, 3)),
    ("new", (5,), (1,)),
    ("promising", (4,), (1,)),
    ("need_attention", (3,), (3,)),
    ("about_to_sleep", (3,), (1, 2)),
    ("cant_lose_them", (1, 2), (5,)),
    ("at_risk", (1, 2), (3, 4)),
    ("hibernating", (1, 2), (1, 2)),
)
SEGMENTS: tuple[str, ...] = tuple(row[0] for row in SEGMENT_TABLE)


def segment_of(r: int, fm: int) -> str:
    """The segment of a customer with recency score ``r`` and FM score ``fm`` (1..5 each)."""
    for name, rs, fms in SEGMENT_TABLE:
        if r in rs and fm in fms:
            return name
    raise LifecycleError(f"expected R and FM scores between 1 and 5, found R={r}, FM={fm}")


_GRID = np.array([[segment_of(r, fm) for fm in range(1, 6)] for r in range(1, 6)], dtype=object)


def _scores(values: Any, higher_is_better: bool, bins: int, ties: str) -> Any:
    """1..bins from the rank of each value (bins = best). ``values`` is a pandas Series whose
    index order is the tie-break."""
    import pandas as pd

    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    key = values if higher_is_better else -values
    series = pd.Series(np.asarray(key, dtype=np.float64))
    ranks = series.rank(method="first" if ties == "balanced" else "min").to_numpy()
    return np.minimum((ranks - 1) * bins // n + 1, bins).astype(np.int64)


def rfm(
    transactions: Any,
    customer_id_col: str = "customer_id",
    datetime_col: str = "ts",
    monetary_value_col: str = "amount",
    at: dt.date | dt.datetime | str | None = None,
    bins: int = 5,
    ties: str = "balanced",
    lang: str = "en",
) -> Any:
    """One row per customer with a transaction on or before ``at`` (default: the last one):
    ``recency_days`` (days since the last transaction), ``frequency`` (transactions),
    ``monetary`` (their total), the scores ``r``, ``f``, ``m`` (1..bins, ``bins`` best), ``fm``,
    the code ``rfm`` ("545"), the ``segment`` key and its ``segment_label`` in ``lang``."""
    import pandas as pd

    if ties not in ("balanced", "together"):
        raise LifecycleError(f"expected ties 'balanced' or 'together', found {ties!r}")
    if bins < 2:
        raise LifecycleError(f"expected at least 2 bins, found {bins}")
    table = as_table(transactions)
    missing = [
        c for c in (customer_id_col, datetime_col, monetary_value_col) if c not in table.columns
    ]
    if missing:
        raise LifecycleError(
            f"expected columns {customer_id_col}, {datetime_col}, {monetary_value_col} in the "
            f"transactions, missing {', '.join(missing)} (found {', '.join(table.columns)})"
        )
    when = table[datetime_col]
    if at is not None:
        stamp = pd.Timestamp(at)
        if when.type().is_timestamp() and when.type().timezone and stamp.tzinfo is None:
            stamp = stamp.tz_localize("UTC")
        table = table.filter(when <= stamp.to_pydatetime())
        when = table[datetime_col]
    per = table.group_by(customer=table[customer_id_col]).aggregate(
        last=when.max(),
        frequency=table.count(),
        monetary=table[monetary_value_col].cast("float64").sum(),
    )
    frame = per.to_pandas().sort_values("customer", kind="stable").reset_index(drop=True)
    if at is None:
        reference = frame["last"].max() if len(frame) else pd.Timestamp("1970-01-01")
    else:
        reference = pd.Timestamp(at)
    last = pd.to_datetime(frame["last"])
    if last.dt.tz is not None:
        last = last.dt.tz_convert("UTC").dt.tz_localize(None)
    if getattr(reference, "tzinfo", None) is not None:
        reference = reference.tz_convert("UTC").tz_localize(None)
    recency = (reference.normalize() - last.dt.normalize()).dt.days.to_numpy(dtype=np.int64)
    out = pd.DataFrame({customer_id_col: frame["customer"].to_numpy()})
    out["recency_days"] = recency
    out["frequency"] = frame["frequency"].to_numpy(dtype=np.int64)
    out["monetary"] = frame["monetary"].to_numpy(dtype=np.float64)
    out["r"] = _scores(out["recency_days"], False, bins, ties)
    out["f"] = _scores(out["frequency"], True, bins, ties)
    out["m"] = _scores(out["monetary"], True, bins, ties)
    out["fm"] = np.floor((out["f"] + out["m"]) / 2 + 0.5).astype(np.int64)
    out["rfm"] = out["r"].astype(str) + out["f"].astype(str) + out["m"].astype(str)
    # the named grid is defined on quintiles; other bin counts are mapped onto it
    r5 = np.ceil(out["r"].to_numpy() * 5 / bins).astype(np.int64)
    fm5 = np.ceil(out["fm"].to_numpy() * 5 / bins).astype(np.int64)
    out["segment"] = _GRID[r5 - 1, fm5 - 1] if len(out) else np.array([], dtype=object)
    out["segment_label"] = [t(f"lifecycle.segment.{s}", lang) for s in out["segment"]]
    return out


def rfm_segments(scores: Any, lang: str = "en") -> Any:
    """Customers, revenue and their shares per segment (every segment listed, in table order),
    with the mean recency, frequency and monetary value of its customers."""
    import pandas as pd

    frame = scores if isinstance(scores, pd.DataFrame) else as_table(scores).to_pandas()
    grouped = frame.groupby("segment").agg(
        customers=("segment", "size"),
        revenue=("monetary", "sum"),
        recency_days=("recency_days", "mean"),
        frequency=("frequency", "mean"),
        monetary=("monetary", "mean"),
    )
    table = grouped.reindex(list(SEGMENTS)).reset_index()
    table["customers"] = table["customers"].fillna(0).astype(np.int64)
    table["revenue"] = table["revenue"].fillna(0.0)
    total_customers = max(int(table["customers"].sum()), 1)
    total_revenue = float(table["revenue"].sum()) or 1.0
    table["customer_share"] = table["customers"] / total_customers
    table["revenue_share"] = table["revenue"] / total_revenue
    table.insert(1, "label", [t(f"lifecycle.segment.{s}", lang) for s in table["segment"]])
    return table[
        [
            "segment",
            "label",
            "customers",
            "customer_share",
            "revenue",
            "revenue_share",
            "recency_days",
            "frequency",
            "monetary",
        ]
    ]
