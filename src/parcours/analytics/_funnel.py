"""Funnels with PostHog's semantics, as one set-based expression (window functions and equi-joins).

Ordered mode, per customer:

- an *attempt* starts at every event of step 1; the window runs from that event to every later
  step, inclusive (``ts_k <= ts_1 + window``); a step done before step 1 does not count;
- the events of a customer are numbered in time order; at one instant, events are taken in step
  order (an event's first matching step), then in file order; step k is the first event matching
  it after the event of step k-1 (so the same event type used for two steps needs two
  occurrences, and a per-step window ``ts_k <= ts_{k-1} + step_window`` can be added);
- the attempt that gets furthest counts, ties going to the most recent entry;
- an exclusion event after the exclusion's ``from`` step and before its ``to`` step (or the end
  of the window when the attempt stops earlier) of the counted attempt removes the customer.

Strict mode: step k must be the very next event of the customer (any other event resets).
Unordered mode: from any step event, the number of distinct steps done within the window.
Beyond PostHog: optional steps (counted when done after the previous step within the window; they
do not constrain the order of the steps after them), per-step windows, any number of steps,
stage funnels from the journey map, breakdowns by an event or customer column.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import ibis
import ibis.expr.types as ir

from parcours.analytics._common import (
    AnalyticsError,
    Columns,
    events_table,
    median,
    parse_duration,
    quantile,
    seconds,
    tiebreak,
)

if TYPE_CHECKING:
    from parcours.model import Journey

__all__ = ["Exclusion", "FunnelResult", "Step", "funnel", "stage_funnel"]

Mode = Literal["ordered", "strict", "unordered"]
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


@dataclass(frozen=True)
class Step:
    """One funnel step: the events that count for it (column -> accepted values)."""

    where: Mapping[str, tuple[str, ...]]
    name: str
    optional: bool = False

    @classmethod
    def of(cls, spec: Any, default_column: str = "touchpoint") -> Step:
        if isinstance(spec, Step):
            return spec
        if isinstance(spec, str):
            return cls({default_column: (spec,)}, spec)
        if isinstance(spec, Mapping):
            spec = dict(spec)
            name = spec.pop("name", None)
            optional = bool(spec.pop("optional", False))
            where: dict[str, tuple[str, ...]] = {}
            for column, values in spec.items():
                if isinstance(values, str):
                    where[str(column)] = (values,)
                elif isinstance(values, Sequence):
                    where[str(column)] = tuple(str(v) for v in values)
                else:
                    raise AnalyticsError(
                        f"expected a value or a list of values for {column!r} in step {spec!r}, "
                        f"found {values!r}"
                    )
            if not where:
                raise AnalyticsError(
                    f"expected at least one column condition in step {spec!r}, found none"
                )
            label = name or " & ".join("|".join(v) for v in where.values())
            return cls(where, str(label), optional)
        raise AnalyticsError(
            "expected a step as a touchpoint name, a mapping such as {'stage': 'quote'} or a Step, "
            f"found {spec!r}"
        )

    def matches(self, t: ir.Table) -> ir.BooleanValue:
        condition: ir.BooleanValue | None = None
        for column, values in self.where.items():
            if column not in t.columns:
                raise AnalyticsError(
                    f"expected a column {column!r} in the events for step {self.name!r}, found "
                    f"columns {', '.join(t.columns)}"
                )
            value = t[column] if t[column].type().is_string() else t[column].cast("string")
            term = value.isin(list(values))
            condition = term if condition is None else condition & term
        assert condition is not None
        return condition.fill_null(False)


@dataclass(frozen=True)
class Exclusion:
    """Events that remove a customer when done between two steps of the counted attempt."""

    step: Step
    from_step: int = 1  # 1-based
    to_step: int | None = None  # 1-based; None: the last step

    @classmethod
    def of(cls, spec: Any, default_column: str = "touchpoint") -> Exclusion:
        if isinstance(spec, Exclusion):
            return spec
        if isinstance(spec, Mapping) and ("from_step" in spec or "to_step" in spec):
            spec = dict(spec)
            from_step = int(spec.pop("from_step", 1))
            to_step = spec.pop("to_step", None)
            return cls(
                Step.of(spec, default_column), from_step, None if to_step is None else int(to_step)
            )
        return cls(Step.of(spec, default_column))


@dataclass
class FunnelResult:
    """A funnel's results: ``steps`` (one row per step and breakdown value) and ``customers`` (one
    row per customer in the funnel: the furthest step reached and when each step was done)."""

    steps: ir.Table
    customers: ir.Table
    step_names: list[str]
    mode: str
    breakdown: str | None = None
    optional: list[bool] = field(default_factory=list)

    def to_pandas(self) -> Any:
        return self.steps.to_pandas()

    def dropped(self, step: int | str | None = None) -> ir.Table:
        """Customers who reached the step before ``step`` but not ``step`` (1-based index or
        name); all dropped customers with the step they dropped at when ``step`` is None.
        A target list: customer_id, [breakdown], dropped_at (index), dropped_step (name),
        last_step_at (when they did their last step)."""
        c = self.customers
        mandatory = [i + 1 for i, opt in enumerate(self.optional) if not opt]
        nxt = ibis.cases(
            *((c.reached == prev, k) for prev, k in itertools.pairwise(mandatory)),
            else_=None,
        )
        out = c.filter(c.reached < mandatory[-1]).mutate(dropped_at=nxt)
        out = out.mutate(
            dropped_step=ibis.cases(
                *((out.dropped_at == k, self.step_names[k - 1]) for k in mandatory[1:]),
                else_=None,
            )
        )
        if step is not None:
            index = self._index(step)
            if self.optional[index - 1] or index == 1:
                raise AnalyticsError(
                    f"expected a mandatory step after the first, found step {step!r}"
                )
            out = out.filter(out.dropped_at == index)
        keep = ["customer_id", *([self.breakdown] if self.breakdown else [])]
        return out.select(*keep, "dropped_at", "dropped_step", "last_step_at").order_by(
            ["dropped_at", "customer_id"]
        )

    def time_to_convert(self, step: int | str) -> ir.Table:
        """Per customer who reached ``step``: seconds from the previous step and from step 1."""
        index = self._index(step)
        c = self.customers
        return c.filter(c[f"step_{index}_seconds"].notnull()).select(
            "customer_id",
            seconds_from_previous=c[f"step_{index}_from_previous"],
            seconds_from_first=c[f"step_{index}_seconds"],
        )

    def _index(self, step: int | str) -> int:
        if isinstance(step, int):
            if not 1 <= step <= len(self.step_names):
                raise AnalyticsError(
                    f"expected a step between 1 and {len(self.step_names)}, found {step}"
                )
            return step
        if step not in self.step_names:
            raise AnalyticsError(
                f"expected a step among {', '.join(self.step_names)}, found {step!r}"
            )
        return self.step_names.index(step) + 1


def funnel(
    events: Any,
    steps: Sequence[Any],
    window: Any = "14d",
    mode: Mode = "ordered",
    exclusions: Sequence[Any] = (),
    breakdown: str | None = None,
    step_windows: Sequence[Any] | Mapping[int, Any] | None = None,
    *,
    customers: Any = None,
    customer: str = "customer_id",
    ts: str = "ts",
    touchpoint: str = "touchpoint",
) -> FunnelResult:
    """A conversion funnel over ``steps`` (touchpoint names, mappings such as
    ``{"stage": "quote"}`` or ``{"touchpoint": [...], "optional": True, "name": ...}``, or
    :class:`Step`) within ``window`` (e.g. "14d", "2h").

    ``exclusions``: touchpoints or mappings (with optional ``from_step``/``to_step``, 1-based);
    ``breakdown``: a column of the events (value of the counted attempt's step-1 event) or of
    ``customers`` (joined on customer_id); ``step_windows``: per-step maximum time from the previous
    step (a list for steps 2..N, or a mapping step index -> duration). See the module docstring.
    """
    if mode not in ("ordered", "strict", "unordered"):
        raise AnalyticsError(f"expected mode 'ordered', 'strict' or 'unordered', found {mode!r}")
    parsed = [Step.of(s) for s in steps]
    if len(parsed) < 2:
        raise AnalyticsError(f"expected at least two funnel steps, found {len(parsed)}")
    if parsed[0].optional:
        raise AnalyticsError("expected a mandatory first step, found an optional one")
    n = len(parsed)
    total = parse_duration(window, "funnel window")
    per_step = _step_windows(step_windows, n)
    excl = [Exclusion.of(e) for e in exclusions]
    for e in excl:
        to_step = e.to_step or n
        if not 1 <= e.from_step < to_step <= n:
            raise AnalyticsError(
                f"expected 1 <= from_step < to_step <= {n} for exclusion {e.step.name!r}, found "
                f"{e.from_step} and {to_step}"
            )
    t = events_table(
        events, Columns(customer=customer, ts=ts, touchpoint=touchpoint), ("customer", "ts")
    )
    if breakdown is not None and breakdown not in t.columns:
        if customers is None:
            raise AnalyticsError(
                f"expected a breakdown column {breakdown!r} in the events (or a customers table "
                f"holding it), found columns {', '.join(t.columns)}"
            )
        people = events_table(customers, Columns(customer=customer), ("customer",))
        people = people.select("customer_id", people[breakdown])
        t = t.left_join(people, "customer_id").drop("customer_id_right")
    matches = {f"m{k}": parsed[k - 1].matches(t) for k in range(1, n + 1)}
    exclusion_events = [
        t.filter(e.step.matches(t)).select("customer_id", _x=seconds(t.ts)) for e in excl
    ]
    if mode != "strict":
        # Only step events matter outside strict mode: filter before numbering them.
        relevant = matches["m1"]
        for k in range(2, n + 1):
            relevant = relevant | matches[f"m{k}"]
        t = t.filter(relevant)
        matches = {f"m{k}": parsed[k - 1].matches(t) for k in range(1, n + 1)}
    # Carry only what the numbering and the steps need through the window sorts.
    keep = ["customer_id", "ts", *[c for c in (breakdown,) if c], *_tiebreak_columns(t)]
    t = t.select(*dict.fromkeys(keep), **matches)
    first = ibis.cases(*((t[f"m{k}"], k) for k in range(1, n + 1)), else_=n + 1)
    t = t.mutate(_first=first)
    keys = [t.ts, t._first, *tiebreak(t)]
    t = t.mutate(
        _rid=ibis.row_number().over(group_by=t.customer_id, order_by=keys), _t=seconds(t.ts)
    )
    if mode == "unordered":
        attempts = _unordered(t, n, total, breakdown)
    else:
        attempts = _ordered(
            t, parsed, total, per_step, strict=mode == "strict", breakdown=breakdown
        )
    group = ["customer_id", *([breakdown] if breakdown else [])]
    mandatory = [k for k in range(1, n + 1) if not parsed[k - 1].optional]
    rank = ibis.row_number().over(
        group_by=[attempts[g] for g in group],
        order_by=[ibis.desc(attempts.reached), ibis.desc(attempts.t1), ibis.desc(attempts.rid1)],
    )
    counted = attempts.mutate(_rank=rank)
    counted = counted.filter(counted._rank == 0).drop("_rank")
    for e, xs in zip(excl, exclusion_events, strict=True):
        start = counted[f"at{e.from_step}"]
        to_step = e.to_step or n
        end = counted[f"at{to_step}"].fill_null(counted.t1 + total)
        counted = counted.anti_join(
            xs,
            [
                counted.customer_id == xs.customer_id,
                start.notnull(),
                xs._x > start,
                xs._x < end,
            ],
        )
    last_at = ibis.cases(
        *((counted.reached == k, counted[f"at{k}"]) for k in mandatory), else_=None
    )
    per_customer = counted.select(
        *group,
        reached=counted.reached,
        entered_at=_timestamp(counted.t1),
        last_step_at=_timestamp(last_at),
        **{f"step_{k}_done": counted[f"done{k}"] for k in range(1, n + 1)},
        **{f"step_{k}_seconds": counted[f"at{k}"] - counted.t1 for k in range(1, n + 1)},
        **{
            f"step_{k}_from_previous": counted[f"at{k}"] - counted[f"at{_previous(parsed, k)}"]
            for k in range(2, n + 1)
        },
    )
    steps_table = _steps_table(per_customer, parsed, breakdown)
    return FunnelResult(
        steps=steps_table,
        customers=per_customer,
        step_names=[s.name for s in parsed],
        mode=mode,
        breakdown=breakdown,
        optional=[s.optional for s in parsed],
    )


def _tiebreak_columns(t: ir.Table) -> list[str]:
    return [key.get_name() for key in tiebreak(t)]


def _timestamp(value: Any) -> Any:
    """Seconds since the epoch back to a UTC timestamp (whole seconds)."""
    return value.cast("int64").as_timestamp("s").cast(ibis.dtype("timestamp('UTC')"))


def _previous(steps: list[Step], k: int) -> int:
    """The mandatory step before step k (1-based)."""
    j = k - 1
    while j > 1 and steps[j - 1].optional:
        j -= 1
    return j


def _step_windows(value: Sequence[Any] | Mapping[int, Any] | None, n: int) -> dict[int, float]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        out = {int(k): parse_duration(v, "step window") for k, v in value.items() if v is not None}
    else:
        items = list(value)
        if len(items) != n - 1:
            raise AnalyticsError(
                f"expected {n - 1} step windows (one per step after the first), found {len(items)}"
            )
        out = {
            k + 2: parse_duration(v, "step window") for k, v in enumerate(items) if v is not None
        }
    for k in out:
        if not 2 <= k <= n:
            raise AnalyticsError(f"expected step windows for steps 2 to {n}, found step {k}")
    return out


def _ordered(
    t: ir.Table,
    steps: list[Step],
    total: float,
    per_step: dict[int, float],
    *,
    strict: bool,
    breakdown: str | None,
) -> ir.Table:
    """One row per attempt (step-1 event): when each step was done, how far it got."""
    n = len(steps)
    following = ibis.window(group_by=t.customer_id, order_by=t._rid, rows=(1, None))
    nxt: dict[str, Any] = {}
    for k in range(2, n + 1):
        if strict:
            hit = t[f"m{k}"].lead().over(group_by=t.customer_id, order_by=t._rid).fill_null(False)
            nxt[f"n{k}"] = ibis.ifelse(hit, t._rid + 1, ibis.null("int64"))
            nxt[f"u{k}"] = ibis.ifelse(
                hit, t._t.lead().over(group_by=t.customer_id, order_by=t._rid), ibis.null("float64")
            )
        else:
            nxt[f"n{k}"] = ibis.ifelse(t[f"m{k}"], t._rid, ibis.null("int64")).min().over(following)
            nxt[f"u{k}"] = ibis.ifelse(t[f"m{k}"], t._t, ibis.null("float64")).min().over(following)
    extra = [breakdown] if breakdown else []
    e = t.select("customer_id", "_rid", "_t", "m1", *extra, **nxt)
    a = e.filter(e.m1).select(
        "customer_id",
        *extra,
        rid1=e._rid,
        t1=e._t,
        p=e._rid,
        tp=e._t,
        at1=e._t,
        done1=ibis.literal(True),
        reached=ibis.literal(1),
        **{f"n{k}": e[f"n{k}"] for k in range(2, n + 1)},
        **{f"u{k}": e[f"u{k}"] for k in range(2, n + 1)},
    )
    lookup = e.select(
        _c=e.customer_id,
        _r=e._rid,
        **{f"_n{k}": e[f"n{k}"] for k in range(2, n + 1)},
        **{f"_u{k}": e[f"u{k}"] for k in range(2, n + 1)},
    )
    for k in range(2, n + 1):
        cand_rid, cand_t = a[f"n{k}"], a[f"u{k}"]
        ok = a.p.notnull() & cand_rid.notnull() & (cand_t <= a.t1 + total)
        if k in per_step:
            ok = ok & (cand_t <= a.tp + per_step[k])
        ok = ok.fill_null(False)
        a = a.mutate(**{f"done{k}": ok, f"at{k}": ibis.ifelse(ok, cand_t, ibis.null("float64"))})
        if steps[k - 1].optional and not strict:
            continue
        if steps[k - 1].optional:
            # Strict mode: an optional step done is consumed; one not done is skipped.
            moved_p = ibis.ifelse(a[f"done{k}"], cand_rid, a.p)
            moved_t = ibis.ifelse(a[f"done{k}"], cand_t, a.tp)
        else:
            moved_p = ibis.ifelse(a[f"done{k}"], cand_rid, ibis.null("int64"))
            moved_t = ibis.ifelse(a[f"done{k}"], cand_t, ibis.null("float64"))
            a = a.mutate(reached=ibis.ifelse(a[f"done{k}"], k, a.reached))
        later = list(range(k + 1, n + 1))
        a = a.mutate(p=moved_p, tp=moved_t)
        if not later:
            continue
        a = a.drop(*[f"n{j}" for j in later], *[f"u{j}" for j in later])
        a = a.left_join(lookup, [a.customer_id == lookup._c, a.p == lookup._r])
        a = a.rename({f"n{j}": f"_n{j}" for j in later} | {f"u{j}": f"_u{j}" for j in later})
        a = a.drop("_c", "_r", *[c for c in a.columns if c.startswith(("_n", "_u"))])
    # reached: the furthest mandatory step of the chain (optional steps do not move it)
    return a.select(
        "customer_id",
        *extra,
        "rid1",
        "t1",
        "reached",
        *[f"done{k}" for k in range(1, n + 1)],
        *[f"at{k}" for k in range(1, n + 1)],
    )


def _unordered(t: ir.Table, n: int, total: float, breakdown: str | None) -> ir.Table:
    """One row per step event: the distinct steps done within the window from it."""
    ahead = ibis.window(group_by=t.customer_id, order_by=t._rid, rows=(0, None))
    firsts = {
        f"f{k}": ibis.ifelse(t[f"m{k}"], t._t, ibis.null("float64")).min().over(ahead)
        for k in range(1, n + 1)
    }
    a = t.mutate(**firsts)
    done = [(a[f"f{k}"] <= a._t + total).fill_null(False) for k in range(1, n + 1)]
    reached = done[0].cast("int64")
    for term in done[1:]:
        reached = reached + term.cast("int64")
    # "Step j" means "j distinct steps done": it was reached when the j-th of the steps done
    # was first done. The order of step k among those done (ties in step order) gives it.
    order = {}
    for k in range(1, n + 1):
        before = ibis.literal(1)
        for i in range(1, n + 1):
            if i == k:
                continue
            earlier = a[f"f{i}"] < a[f"f{k}"]
            if i < k:
                earlier = earlier | (a[f"f{i}"] == a[f"f{k}"])
            before = before + (done[i - 1] & earlier).cast("int64")
        order[k] = before
    at = {
        f"at{j}": ibis.cases(
            *((done[k - 1] & (order[k] == j), a[f"f{k}"]) for k in range(1, n + 1)),
            else_=ibis.null("float64"),
        )
        for j in range(1, n + 1)
    }
    return a.select(
        "customer_id",
        *([breakdown] if breakdown else []),
        rid1=a._rid,
        t1=a._t,
        reached=reached,
        **{f"done{k}": reached >= k for k in range(1, n + 1)},
        **at,
    )


def _steps_table(per_customer: ir.Table, steps: list[Step], breakdown: str | None) -> ir.Table:
    c = per_customer
    n = len(steps)
    group = [breakdown] if breakdown else []
    metrics: dict[str, Any] = {}
    for k in range(1, n + 1):
        metrics[f"c{k}"] = c[f"step_{k}_done"].cast("int64").sum()
        if k > 1:
            spent = c[f"step_{k}_from_previous"]
            metrics[f"mean{k}"] = spent.mean()
            for q in QUANTILES:
                metrics[f"q{k}_{int(q * 100)}"] = quantile(spent, q)
            metrics[f"first{k}"] = median(c[f"step_{k}_seconds"])
    agg = c.group_by(group).aggregate(**metrics) if group else c.aggregate(**metrics)
    parts = []
    for k, step in enumerate(steps, start=1):
        prev = _previous(steps, k) if k > 1 else 1
        customers = agg[f"c{k}"].fill_null(0)
        row: dict[str, Any] = {
            **{g: agg[g] for g in group},
            "step": ibis.literal(k),
            "name": ibis.literal(step.name),
            "optional": ibis.literal(step.optional),
            "customers": customers,
            "conversion_from_previous": ibis.literal(1.0)
            if k == 1
            else customers.cast("float64") / agg[f"c{prev}"].nullif(0).cast("float64"),
            "conversion_from_first": customers.cast("float64") / agg.c1.nullif(0).cast("float64"),
            "dropped": ibis.literal(0).cast("int64")
            if k == 1 or step.optional
            else (agg[f"c{prev}"] - customers).cast("int64"),
        }
        timed = k > 1
        row["median_seconds_from_previous"] = (
            agg[f"q{k}_50"].cast("float64") if timed else ibis.null("float64")
        )
        row["mean_seconds_from_previous"] = (
            agg[f"mean{k}"].cast("float64") if timed else ibis.null("float64")
        )
        for q in QUANTILES:
            if q == 0.5:
                continue
            row[f"p{int(q * 100)}_seconds_from_previous"] = (
                agg[f"q{k}_{int(q * 100)}"].cast("float64") if timed else ibis.null("float64")
            )
        row["median_seconds_from_first"] = (
            agg[f"first{k}"].cast("float64") if timed else ibis.null("float64")
        )
        parts.append(agg.select(**row))
    out = ibis.union(*parts)
    return out.order_by([*group, "step"])


def stage_funnel(
    events: Any,
    journey: Journey,
    stages: Sequence[str] | None = None,
    window: Any = "90d",
    **kwargs: Any,
) -> FunnelResult:
    """The funnel whose steps are stages of the journey map (in customer order by default)."""
    ids = list(stages) if stages is not None else [s.id for s in journey.stage_order()]
    known = {s.id for s in journey.stages}
    unknown = [s for s in ids if s not in known]
    if unknown:
        raise AnalyticsError(
            f"expected stages of journey {journey.id!r} ({', '.join(sorted(known))}), found "
            f"{', '.join(unknown)}"
        )
    return funnel(events, [{"stage": s, "name": s} for s in ids], window=window, **kwargs)
