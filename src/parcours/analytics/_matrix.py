"""The stage x channel matrix and the conversion from one stage to the next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from parcours.warehouse import as_table


def stage_channel_matrix(interactions: Any) -> ir.Table:
    """Interactions and distinct customers per (stage, channel), with the channel's share of the
    stage's interactions. Interactions with no stage (unmapped codes) are left out."""
    t = as_table(interactions)
    t = t.filter(t.stage.notnull())
    cells = t.group_by(["stage", "channel"]).aggregate(
        interactions=t.count(), customers=t.customer_id.nunique()
    )
    window = ibis.window(group_by=cells.stage)
    return cells.mutate(
        channel_share=cells.interactions.cast("float64") / cells.interactions.sum().over(window)
    ).order_by(["stage", "channel"])


def stage_conversion(interactions: Any, stages: Sequence[str]) -> ir.Table:
    """For consecutive stages (in ``stages`` order): customers at the stage, how many reach the
    next one at or after their first interaction at the stage, and that share.

    One pass: each customer's first time at every stage, then one aggregate over customers.
    """
    stages = list(stages)
    if len(stages) < 2:
        raise ValueError("expected at least two stages to measure a conversion")
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
