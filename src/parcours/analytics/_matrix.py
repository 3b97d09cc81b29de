"""The stage x channel matrix and the conversion from one stage to the next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from parcours.errors import AnalyticsError
from parcours.warehouse import as_table

if TYPE_CHECKING:
    from parcours.model import Journey


def stage_channel_matrix(interactions: Any) -> ir.Table:
    """Interactions and distinct customers per (stage, channel), with the channel's share of the
    stage's interactions. Interactions with no stage (unmapped codes) are left out."""
    t = as_table(interactions)
    return _channel_cells(t.filter(t.stage.notnull()), ["stage"]).order_by(["stage", "channel"])


def _channel_cells(t: ir.Table, by: list[str], share: str = "channel_share") -> ir.Table:
    """Interactions and distinct customers per (``by``..., channel), with the channel's share of
    the interactions of its ``by`` group (column ``share``)."""
    cells = t.group_by([*by, "channel"]).aggregate(
        interactions=t.count(), customers=t.customer_id.nunique()
    )
    total = cells.interactions.sum().over(ibis.window(group_by=[cells[k] for k in by]))
    return cells.mutate(**{share: cells.interactions.cast("float64") / total})


def stage_conversion(interactions: Any, stages: Sequence[str]) -> ir.Table:
    """For consecutive stages (in ``stages`` order): customers at the stage, how many reach the
    next one at or after their first interaction at the stage, and that share.

    One pass: each customer's first time at every stage, then one aggregate over customers.
    """
    stages = list(stages)
    if len(stages) < 2:
        raise AnalyticsError(
            f"expected at least two stages to measure a conversion, found {len(stages)}"
        )
    t = as_table(interactions)
    t = t.filter(t.stage.isin(stages))
    firsts = t.group_by("customer_id").aggregate(
        **{f"s{i}": t.ts.min(where=t.stage == stage) for i, stage in enumerate(stages)}
    )
    counts = firsts.aggregate(
        **{f"n{i}": firsts[f"s{i}"].notnull().sum() for i in range(len(stages) - 1)},
        **{
            f"c{i}": (firsts[f"s{i + 1}"] >= firsts[f"s{i}"]).fill_null(False).sum()
            for i in range(len(stages) - 1)
        },
    )
    parts = [
        counts.select(
            position=ibis.literal(i),
            stage=ibis.literal(stage),
            next_stage=ibis.literal(stages[i + 1]),
            customers=counts[f"n{i}"].cast("int64"),
            converted=counts[f"c{i}"].cast("int64"),
        )
        for i, stage in enumerate(stages[:-1])
    ]
    result = ibis.union(*parts)
    return result.mutate(
        conversion=result.converted.cast("float64") / result.customers.nullif(0)
    ).order_by("position")


PERIODS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
_STEP = {
    "day": {"days": 1},
    "week": {"weeks": 1},
    "month": {"months": 1},
    "quarter": {"months": 3},
    "year": {"years": 1},
}


def matrix(interactions: Any, period: str | None = None) -> ir.Table:
    """The stage x channel matrix: interactions, distinct customers and the channel's share of the
    stage's interactions, overall or per ``period`` (day, week, month, quarter, year) with the
    previous period's interactions and customers and the change (period over period)."""
    if period is None:
        return stage_channel_matrix(interactions)
    if period not in PERIODS:
        raise AnalyticsError(f"expected a period among {', '.join(PERIODS)}, found {period!r}")
    t = as_table(interactions)
    t = t.filter(t.stage.notnull())
    t = t.mutate(period=t.ts.truncate(PERIODS[period]))
    cells = _channel_cells(t, ["period", "stage"])
    before = cells.select(
        _period=cells.period + ibis.interval(**_STEP[period]),
        _stage=cells.stage,
        _channel=cells.channel,
        previous_interactions=cells.interactions,
        previous_customers=cells.customers,
    )
    joined = cells.left_join(
        before,
        [
            cells.period == before._period,
            cells.stage == before._stage,
            cells.channel == before._channel,
        ],
    ).drop("_period", "_stage", "_channel")
    joined = joined.mutate(
        change=joined.interactions.cast("float64") / joined.previous_interactions.nullif(0) - 1.0
    )
    return joined.order_by(["period", "stage", "channel"])


def preferred_channels(interactions: Any, direction: str | None = "pull") -> ir.Table:
    """The preferred channel per stage: the channel of most customer-initiated (``direction``;
    None: all) interactions, with its share and the runner-up."""
    t = as_table(interactions)
    t = t.filter(t.stage.notnull() & t.channel.notnull())
    if direction is not None and "direction" in t.columns:
        t = t.filter(t.direction == direction)
    cells = _channel_cells(t, ["stage"], share="share")
    ranked = ibis.window(
        group_by=cells.stage, order_by=[ibis.desc(cells.interactions), cells.channel]
    )
    cells = cells.mutate(_rank=ibis.row_number().over(ranked))
    runner = cells.filter(cells._rank == 1).select(
        _stage=cells.stage, runner_up=cells.channel, runner_up_share=cells.share
    )
    best = cells.filter(cells._rank == 0)
    out = best.left_join(runner, best.stage == runner._stage).drop("_stage", "_rank")
    return out.order_by("stage")


def missing_touchpoints(interactions: Any, journey: Journey) -> ir.Table:
    """Touchpoints the journey map defines but no interaction shows: touchpoint, stage, channel,
    direction, nature."""
    import pandas as pd

    t = as_table(interactions)
    seen = {str(v) for v in t.select("touchpoint").distinct().to_pandas().touchpoint.dropna()}
    rows = [
        {
            "touchpoint": tp.id,
            "stage": tp.stage,
            "channel": tp.channel,
            "direction": str(tp.direction),
            "nature": str(tp.nature),
        }
        for tp in journey.touchpoints
        if tp.id not in seen
    ]
    frame = pd.DataFrame(rows, columns=["touchpoint", "stage", "channel", "direction", "nature"])
    return ibis.memtable(frame.astype("string"))


def undefined_event_codes(interactions: Any) -> ir.Table:
    """Event codes observed in the logs that no touchpoint of the map defines (no touchpoint was
    assigned at ingest): event_code, interactions, customers, first and last seen."""
    t = as_table(interactions)
    if "event_code" not in t.columns:
        raise AnalyticsError(
            f"expected an event_code column in the interactions, found {', '.join(t.columns)}"
        )
    t = t.filter(t.touchpoint.isnull() & t.event_code.notnull())
    return (
        t.group_by("event_code")
        .aggregate(
            interactions=t.count(),
            customers=t.customer_id.nunique(),
            first_seen=t.ts.min(),
            last_seen=t.ts.max(),
        )
        .order_by([ibis.desc("interactions"), "event_code"])
    )
