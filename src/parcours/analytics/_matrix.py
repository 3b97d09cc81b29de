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
    next one at or after their first interaction at the stage, and that share."""
    t = as_table(interactions)
    first = (
        t.filter(t.stage.isin(list(stages)))
        .group_by(["customer_id", "stage"])
        .aggregate(first_ts=t.ts.min())
    )
    parts = []
    for position, (stage, following) in enumerate(zip(stages, stages[1:], strict=False)):
        here = first.filter(first.stage == stage)
        there = first.filter(first.stage == following).select(
            customer_id="customer_id", next_ts="first_ts"
        )
        joined = here.left_join(
            there,
            (here.customer_id == there.customer_id) & (there.next_ts >= here.first_ts),
        )
        parts.append(
            joined.aggregate(
                customers=joined.customer_id.nunique(),
                converted=joined.next_ts.notnull().ifelse(joined.customer_id, None).nunique(),
            ).mutate(
                position=ibis.literal(position), stage=ibis.literal(stage),
                next_stage=ibis.literal(following),
            )
        )
    if not parts:
        raise ValueError("expected at least two stages to measure a conversion")
    result = ibis.union(*parts)
    return result.mutate(
        conversion=(result.converted.cast("float64") / result.customers.nullif(0))
    ).select("position", "stage", "next_stage", "customers", "converted", "conversion").order_by(
        "position"
    )
