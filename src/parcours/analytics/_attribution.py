"""Touchpoint impact (attribution): heuristic models and Markov chains with exact removal effects.

Input: aggregated paths (``path``, ``total_conversions``, ``total_conversion_value``,
``total_null``; touchpoints joined by " > ", as ChannelAttribution's sample data), or raw events
plus conversions (events of a conversion touchpoint, or a table customer_id, ts[, value]): each
customer's touchpoints up to a conversion form a converting path, those after the last conversion
a non-converting one.

Markov model (order k): states are the last k touchpoints; start, conversion and null absorb.
The probability of conversion from the start is solved exactly from the transition matrix
(``(I - Q) x = r`` with the fundamental-matrix algebra of absorbing chains, one sparse solve per
removed touchpoint, no simulation). Removing a touchpoint sends every transition into a state
ending with it to null; its removal effect is ``1 - P(conversion without it) / P(conversion)``;
conversions and value are shared in proportion to the removal effects.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np

from parcours.analytics._common import (
    SEPARATOR,
    AnalyticsError,
    Columns,
    events_table,
    parse_duration,
    seconds,
    tiebreak,
)
from parcours.analytics._funnel import Step

__all__ = ["attribution", "conversion_paths", "removal_effects"]

Model = Literal["markov", "first", "last", "linear", "position", "time_decay"]
MODELS = ("markov", "first", "last", "linear", "position", "time_decay")
START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"


def _split_conversions(t: ir.Table, conversions: Any, cols: Columns) -> tuple[ir.Table, ir.Table]:
    """The touches and the conversion events. ``conversions``: a touchpoint name, a step mapping
    such as ``{"stage": "subscribe"}`` (as funnel steps; its events are the conversions, not
    touches), or a table of conversions (customer_id, ts[, value])."""
    if isinstance(conversions, (str, dict, Step)):
        hit = Step.of(conversions).matches(t)
        return t.filter(~hit & t.touchpoint.notnull()), t.filter(hit)
    conv = events_table(
        conversions, Columns(customer=cols.customer, ts=cols.ts), ("customer", "ts")
    )
    return t.filter(t.touchpoint.notnull()), conv


def conversion_paths(
    events: Any,
    conversions: Any,
    *,
    value: str | None = None,
    customer: str = "customer_id",
    ts: str = "ts",
    touchpoint: str = "touchpoint",
    separator: str = SEPARATOR,
) -> ir.Table:
    """Aggregate raw events into paths: ``path``, ``total_conversions``,
    ``total_conversion_value``, ``total_null``.

    ``conversions``: the name of a touchpoint or a step mapping such as ``{"stage": "subscribe"}``
    (their events are the conversions, ``value`` a column of them), or a table with customer_id,
    ts[, ``value``]. A touch at the same instant as a
    conversion counts before it.
    """
    cols = Columns(customer=customer, ts=ts, touchpoint=touchpoint)
    t, conv = _split_conversions(
        events_table(events, cols, ("customer", "ts", "touchpoint")), conversions, cols
    )
    if value is not None and value not in conv.columns:
        raise AnalyticsError(
            f"expected a value column {value!r} in the conversions, found {', '.join(conv.columns)}"
        )
    amount = conv[value].cast("float64").fill_null(0.0) if value else ibis.literal(0.0)
    extra = tiebreak(t)
    touches = t.select(
        "customer_id",
        "ts",
        touchpoint=t.touchpoint.cast("string"),
        _kind=ibis.literal(0),
        _value=ibis.literal(0.0),
        _tb=extra[-1].cast("string") if extra else ibis.literal(""),
    )
    marks = conv.select(
        "customer_id",
        "ts",
        touchpoint=ibis.null("string"),
        _kind=ibis.literal(1),
        _value=amount,
        _tb=ibis.literal(""),
    )
    u = ibis.union(touches, marks)
    before = ibis.window(group_by=u.customer_id, order_by=[u.ts, u._kind, u._tb], rows=(None, -1))
    u = u.mutate(_path=u._kind.sum().over(before).fill_null(0))
    touched = u.filter(u._kind == 0)
    # Ordered concatenation that Spark can run too: sort collected (position, touchpoint) pairs.
    touched = touched.mutate(
        _pos=ibis.row_number().over(
            group_by=[touched.customer_id, touched._path], order_by=[touched.ts, touched._tb]
        )
    )
    pairs = ibis.struct({"pos": touched._pos, "tp": touched.touchpoint})
    per_path = touched.group_by(["customer_id", "_path"]).aggregate(
        path=pairs.collect().sort().map(lambda p: p.tp).join(separator)
    )
    marked = u.filter(u._kind == 1)
    ends = marked.group_by(["customer_id", "_path"]).aggregate(
        _conversions=marked.count(), _v=marked._value.sum()
    )
    joined = per_path.left_join(ends, ["customer_id", "_path"])
    converted = joined._conversions.notnull()
    out = joined.group_by("path").aggregate(
        total_conversions=converted.cast("int64").sum(),
        total_conversion_value=joined._v.fill_null(0.0).sum(),
        total_null=(~converted).cast("int64").sum(),
    )
    return out.order_by([ibis.desc("total_conversions"), "path"])


def _frame(paths: Any, separator: str) -> Any:
    import pandas as pd

    if isinstance(paths, ir.Table):
        frame = paths.to_pandas()
    elif isinstance(paths, pd.DataFrame):
        frame = paths
    else:
        frame = ibis.memtable(paths).to_pandas()
    needed = ("path", "total_conversions")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise AnalyticsError(
            "expected aggregated paths with columns path, total_conversions "
            f"[, total_conversion_value, total_null], found {', '.join(map(str, frame.columns))}"
        )
    frame = frame.copy()
    if "total_conversion_value" not in frame.columns:
        frame["total_conversion_value"] = 0.0
    if "total_null" not in frame.columns:
        frame["total_null"] = 0.0
    frame = frame[frame.path.notna() & (frame.path.astype(str).str.len() > 0)]
    frame["steps"] = [
        [p.strip() for p in str(path).split(separator) if p.strip()] for path in frame.path
    ]
    for c in ("total_conversions", "total_conversion_value", "total_null"):
        frame[c] = frame[c].astype(float).fillna(0.0)
    return frame


def _heuristic(frame: Any, model: str, half_life: float) -> dict[str, np.ndarray]:
    """Credit per touchpoint: (conversions, value)."""
    credit: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(2))
    for steps, conv, value in zip(
        frame.steps, frame.total_conversions, frame.total_conversion_value, strict=True
    ):
        n = len(steps)
        if n == 0 or (conv == 0 and value == 0):
            continue
        if model == "first":
            weights = np.zeros(n)
            weights[0] = 1.0
        elif model == "last":
            weights = np.zeros(n)
            weights[-1] = 1.0
        elif model == "linear":
            weights = np.full(n, 1.0 / n)
        elif model == "position":
            weights = _position_weights(n)
        else:  # time_decay over steps: the touch k steps before the end weighs 2^(-k/half_life)
            distance = np.arange(n - 1, -1, -1, dtype=float)
            raw = np.power(2.0, -distance / half_life)
            weights = raw / raw.sum()
        for step, w in zip(steps, weights, strict=True):
            credit[step] += w * np.array([conv, value])
    return credit


def _position_weights(n: int) -> np.ndarray:
    """40 % to the first and the last touch, 20 % shared by the ones between (U-shaped)."""
    if n == 1:
        return np.ones(1)
    if n == 2:
        return np.full(2, 0.5)
    weights = np.full(n, 0.2 / (n - 2))
    weights[0] = weights[-1] = 0.4
    return weights


def _chain(frame: Any, order: int, include_non_converting: bool) -> tuple[list[Any], Any, Any]:
    """States (tuples of the last ``order`` touchpoints), transient transition counts and the
    counts of absorption in conversion and null, from the aggregated paths."""
    from scipy import sparse

    index: dict[tuple[str, ...], int] = {(START,): 0}
    rows: list[int] = []
    cols: list[int] = []
    weights: list[float] = []
    to_conv: dict[int, float] = defaultdict(float)
    to_null: dict[int, float] = defaultdict(float)

    def state(history: tuple[str, ...]) -> int:
        key = history[-order:]
        if key not in index:
            index[key] = len(index)
        return index[key]

    for steps, conv, null in zip(
        frame.steps, frame.total_conversions, frame.total_null, strict=True
    ):
        if not include_non_converting:
            null = 0.0
        flow = conv + null
        if flow <= 0 or not steps:
            continue
        history: tuple[str, ...] = (START,)
        current = 0
        for step in steps:
            history = (*history, step)
            nxt = state(history)
            rows.append(current)
            cols.append(nxt)
            weights.append(flow)
            current = nxt
        to_conv[current] += conv
        to_null[current] += null
    n = len(index)
    counts = sparse.coo_matrix((weights, (rows, cols)), shape=(n, n)).tocsr()
    conv_vec = np.zeros(n)
    null_vec = np.zeros(n)
    for i, w in to_conv.items():
        conv_vec[i] = w
    for i, w in to_null.items():
        null_vec[i] = w
    states = sorted(index, key=index.__getitem__)
    return states, counts, (conv_vec, null_vec)


def _conversion_probability(
    counts: Any, conv: np.ndarray, null: np.ndarray, removed: np.ndarray
) -> float:
    """P(absorbed in conversion | start) with the ``removed`` states sent to null."""
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    out = np.asarray(counts.sum(axis=1)).ravel() + conv + null
    keep = (out > 0) & ~removed
    if not keep[0]:
        return 0.0
    idx = np.flatnonzero(keep)
    scale = 1.0 / out[idx]
    q = sparse.diags(scale) @ counts[idx][:, idx]
    r = conv[idx] * scale
    system = sparse.identity(len(idx), format="csc") - q.tocsc()
    x = spsolve(system, r)
    return float(np.atleast_1d(x)[0])  # the start state is kept and comes first


def removal_effects(
    paths: Any,
    order: int = 1,
    include_non_converting: bool = True,
    separator: str = SEPARATOR,
) -> Any:
    """Per touchpoint, the Markov removal effect and the conversion probability without it, with
    the chain's conversion probability (pandas DataFrame)."""
    import pandas as pd

    if order < 1:
        raise AnalyticsError(f"expected a Markov order of 1 or more, found {order}")
    frame = _frame(paths, separator)
    states, counts, (conv, null) = _chain(frame, order, include_non_converting)
    base = _conversion_probability(counts, conv, null, np.zeros(len(states), bool))
    touchpoints = sorted({s for steps in frame.steps for s in steps})
    rows = []
    for tp in touchpoints:
        removed = np.array([key[-1] == tp for key in states])
        p = _conversion_probability(counts, conv, null, removed)
        rows.append(
            {
                "touchpoint": tp,
                "conversion_probability": base,
                "probability_without": p,
                "removal_effect": (1.0 - p / base) if base > 0 else 0.0,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["touchpoint", "conversion_probability", "probability_without", "removal_effect"],
    )


def attribution(
    paths_or_events: Any,
    model: Model = "markov",
    order: int = 1,
    include_non_converting: bool = True,
    *,
    conversions: Any = None,
    value: str | None = None,
    half_life: Any = None,
    separator: str = SEPARATOR,
    customer: str = "customer_id",
    ts: str = "ts",
    touchpoint: str = "touchpoint",
) -> ir.Table:
    """Conversions and value credited to each touchpoint by ``model``.

    ``paths_or_events``: aggregated paths, or raw events with ``conversions`` (see
    :func:`conversion_paths`). ``order``: the Markov chain's memory (1 or 2...).
    ``include_non_converting=False`` builds the chain from converting paths only. ``half_life``:
    for ``time_decay``, a duration (raw events: a touch that long before the conversion weighs
    half; default 7 days) or, on aggregated paths, a number of steps (default 1).
    Columns: touchpoint, conversions, value, share, and removal_effect for the Markov model.
    """
    import pandas as pd

    if model not in MODELS:
        raise AnalyticsError(f"expected a model among {', '.join(MODELS)}, found {model!r}")
    if conversions is not None:
        if model == "time_decay":
            return _time_decay_events(
                paths_or_events, conversions, value, half_life, customer, ts, touchpoint
            )
        paths_or_events = conversion_paths(
            paths_or_events,
            conversions,
            value=value,
            customer=customer,
            ts=ts,
            touchpoint=touchpoint,
            separator=separator,
        )
    frame = _frame(paths_or_events, separator)
    total_conv = float(frame.total_conversions.sum())
    total_value = float(frame.total_conversion_value.sum())
    if model == "markov":
        effects = removal_effects(frame, order, include_non_converting, separator)
        weight = effects.removal_effect.clip(lower=0.0)
        share = weight / weight.sum() if weight.sum() > 0 else weight * 0.0
        out = pd.DataFrame(
            {
                "touchpoint": effects.touchpoint,
                "conversions": share * total_conv,
                "value": share * total_value,
                "share": share,
                "removal_effect": effects.removal_effect,
            }
        )
    else:
        steps_half_life = 1.0 if half_life is None else float(half_life)
        credit = _heuristic(frame, model, steps_half_life)
        out = pd.DataFrame(
            [(tp, c[0], c[1]) for tp, c in credit.items()],
            columns=["touchpoint", "conversions", "value"],
        )
        out["share"] = out.conversions / total_conv if total_conv else 0.0
    out = out.sort_values(["conversions", "touchpoint"], ascending=[False, True]).reset_index(
        drop=True
    )
    return ibis.memtable(out)


def _time_decay_events(
    events: Any,
    conversions: Any,
    value: str | None,
    half_life: Any,
    customer: str,
    ts: str,
    touchpoint: str,
) -> ir.Table:
    """Time decay on raw events: weight 2^(-(conversion time - touch time) / half_life)."""
    life = parse_duration("7d" if half_life is None else half_life, "half-life")
    cols = Columns(customer=customer, ts=ts, touchpoint=touchpoint)
    t, conv = _split_conversions(
        events_table(events, cols, ("customer", "ts", "touchpoint")), conversions, cols
    )
    amount = conv[value].cast("float64").fill_null(0.0) if value else ibis.literal(0.0)
    touches = t.select(
        "customer_id",
        touchpoint=t.touchpoint.cast("string"),
        _t=seconds(t.ts),
        _kind=ibis.literal(0),
        _value=ibis.literal(0.0),
    )
    marks = conv.select(
        "customer_id",
        touchpoint=ibis.null("string"),
        _t=seconds(conv.ts),
        _kind=ibis.literal(1),
        _value=amount,
    )
    u = ibis.union(touches, marks)
    before = ibis.window(group_by=u.customer_id, order_by=[u._t, u._kind], rows=(None, -1))
    u = u.mutate(_path=u._kind.sum().over(before).fill_null(0))
    marked = u.filter(u._kind == 1)
    ends = marked.group_by(["customer_id", "_path"]).aggregate(
        _end=marked._t.min(), _v=marked._value.sum(), _n=marked.count()
    )
    touched = u.filter(u._kind == 0)
    j = touched.inner_join(ends, ["customer_id", "_path"])
    j = j.mutate(_w=(ibis.literal(2.0) ** (-(j._end - j._t) / life)))
    norm = j._w.sum().over(ibis.window(group_by=[j.customer_id, j._path]))
    j = j.mutate(_share=j._w / norm)
    out = j.group_by("touchpoint").aggregate(
        conversions=(j._share * j._n).sum(), value=(j._share * j._v).sum()
    )
    total = out.conversions.sum().as_scalar()
    return out.mutate(share=out.conversions / total).order_by(
        [ibis.desc("conversions"), "touchpoint"]
    )
