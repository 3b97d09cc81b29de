"""Evidence-based gain: what the warehouse says about the places each idea improves.

For each idea, the places it addresses are its touchpoints and stages plus those of the irritants
and ruptures it links to. From them: customers and interactions there; the share of the weighted
irritants (:func:`parcours.voc.journey_voc`'s ranking: occurrences x touchpoint volume x recency)
found there; the value at stake (customers lost at the blocking points of those stages, from
:func:`parcours.analytics.blocking_points`, times the mean value of a paying customer); the Kano
verdict when Kano answers exist (:func:`parcours.voc.kano`). ``evidence_gain`` (1-5) sums them up:
half the irritant share, a quarter the value at stake, a quarter the customers, each relative to
the idea highest on it (:data:`GAIN_WEIGHTS`); the idea with the most evidence gets 5, one with
none 1. It is relative: it ranks the ideas of one plan, it does not compare plans.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parcours.plan._ideas import Idea, Ideas

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EVIDENCE_COLUMNS", "GAIN_WEIGHTS", "KANO_FILE", "evidence", "idea_places"]

KANO_FILE = Path("plan") / "kano.csv"
"""Kano answers of a workspace (feature, functional, dysfunctional; feature = an idea id)."""
GAIN_WEIGHTS = {"irritant_share": 0.5, "value_at_stake": 0.25, "customers": 0.25}
"""How the evidence gain weighs its measures (each relative to the highest idea): what customers
say hurts counts most, then the value lost at blocking points, then how many customers are there."""
EVIDENCE_COLUMNS = (
    "idea",
    "customers",
    "interactions",
    "irritant_weight",
    "irritant_share",
    "verbatims",
    "blocking_stages",
    "lost",
    "value_at_stake",
    "kano",
    "kano_verdict",
    "kano_n",
    "evidence_gain",
)


def idea_places(idea: Idea, journey: Any) -> tuple[set[str], set[str]]:
    """The (stages, touchpoints) an idea addresses: its own, those of the irritants it links to
    (their stage and touchpoints) and of its ruptures (both touchpoints, and the stage the customer
    cannot leave). A touchpoint alone does not bring its whole stage in. Unknown ids are ignored
    (validation reports them)."""
    stages = set(idea.stages)
    touchpoints = set(idea.touchpoints)
    if journey is not None:
        irritants = {x.id: x for x in journey.irritants}
        for ref in idea.irritants:
            if ref in irritants:
                stages.add(irritants[ref].stage)
                touchpoints.update(irritants[ref].touchpoints)
        ruptures = {x.id: x for x in journey.ruptures}
        stage_of = {tp.id: tp.stage for tp in journey.touchpoints}
        for ref in idea.ruptures:
            if ref in ruptures:
                touchpoints.update((ruptures[ref].from_, ruptures[ref].to))
                if ruptures[ref].from_ in stage_of:
                    stages.add(stage_of[ruptures[ref].from_])
    return stages, touchpoints


def _ideas(ideas: Ideas | Sequence[Idea]) -> list[Idea]:
    return list(ideas.ideas) if isinstance(ideas, Ideas) else list(ideas)


def _kano(workspace: Any, answers: Any) -> pd.DataFrame | None:
    import pandas as pd

    from parcours.voc import kano

    if answers is None:
        path = Path(workspace.root) / KANO_FILE
        if not path.is_file():
            return None
        answers = pd.read_csv(path, sep=None, engine="python", encoding="utf-8-sig")
    return kano(answers)


def _mean_value(workspace: Any) -> float:
    """Mean total purchases of a paying customer (0 without transactions)."""
    tx = workspace.table("transactions")
    row = tx.aggregate(total=tx.amount.sum(), payers=tx.customer_id.nunique()).to_pandas().iloc[0]
    payers = int(row["payers"] or 0)
    total = row["total"]
    return float(total) / payers if payers and total == total and total is not None else 0.0


def evidence(
    workspace: Any,
    ideas: Ideas | Sequence[Idea],
    *,
    journey: Any = None,
    voc: Any = None,
    kano_answers: Any = None,
) -> pd.DataFrame:
    """One row per idea (columns :data:`EVIDENCE_COLUMNS`) measured in the workspace's warehouse.

    ``journey``: the map (default: the workspace's; without one every measure is empty and the
    evidence gain unknown); ``voc``: a :class:`parcours.voc.JourneyVoc`
    already computed (else computed here); ``kano_answers``: Kano answers (default: the
    workspace's ``plan/kano.csv`` when present). Ideas that name no place get zeros.
    """
    import ibis
    import pandas as pd

    from parcours import analytics
    from parcours import voc as voc_package

    items = _ideas(ideas)
    journey = journey if journey is not None else workspace.journey_or_none()
    if not items or journey is None:  # without a map, no place can be measured
        return pd.DataFrame(
            [
                {
                    "idea": i.id,
                    "customers": 0,
                    "interactions": 0,
                    "irritant_weight": 0.0,
                    "irritant_share": 0.0,
                    "verbatims": [],
                    "blocking_stages": [],
                    "lost": 0,
                    "value_at_stake": 0.0,
                    "kano": i.kano or "",
                    "kano_verdict": "",
                    "kano_n": 0,
                    "evidence_gain": math.nan,
                }
                for i in items
            ],
            columns=list(EVIDENCE_COLUMNS),
        )
    places = {idea.id: idea_places(idea, journey) for idea in items}
    interactions = workspace.table("interactions")
    parts = []
    for idea in items:
        stages, touchpoints = places[idea.id]
        if not stages and not touchpoints:
            continue
        t = interactions
        condition = t.touchpoint.isin(sorted(touchpoints)) | t.stage.isin(sorted(stages))
        here = t.filter(condition)
        parts.append(
            here.aggregate(
                idea=ibis.literal(idea.id),
                customers=here.customer_id.nunique(),
                interactions=here.count(),
            )
        )
    counts: dict[str, tuple[int, int]] = {}
    if parts:
        frame = ibis.union(*parts).to_pandas() if len(parts) > 1 else parts[0].to_pandas()
        counts = {
            str(r.idea): (int(r.customers or 0), int(r.interactions or 0))
            for r in frame.itertuples(index=False)
        }
    if voc is None:
        voc = voc_package.journey_voc(workspace, journey)
    ranking = voc.ranking
    irritants = ranking[ranking["kind"] == "irritant"] if len(ranking) else ranking
    total_weight = float(irritants["weight"].sum()) if len(irritants) else 0.0
    blocking = analytics.blocking_points(interactions, journey).to_pandas()
    lost_at = dict(zip(blocking["stage"], blocking["lost"].astype(int), strict=True))
    mean_value = _mean_value(workspace)
    kano_table = _kano(workspace, kano_answers)
    kano_rows = (
        {} if kano_table is None else {str(r["feature"]): r for r in kano_table.to_dict("records")}
    )
    rows = []
    for idea in items:
        stages, touchpoints = places[idea.id]
        customers, volume = counts.get(idea.id, (0, 0))
        weight = 0.0
        quotes: list[str] = []
        if len(irritants):
            tp = irritants["touchpoint"]
            hit = tp.isin(touchpoints) | irritants["stage"].isin(stages)
            matched = irritants[hit]
            weight = float(matched["weight"].sum())
            for examples in matched["examples"]:
                for quote in list(examples)[:2]:
                    if quote not in quotes and len(quotes) < 3:
                        quotes.append(str(quote))
        blocked = sorted(s for s in stages if lost_at.get(s, 0) > 0)
        lost = sum(lost_at[s] for s in blocked)
        verdict = kano_rows.get(idea.id)
        rows.append(
            {
                "idea": idea.id,
                "customers": customers,
                "interactions": volume,
                "irritant_weight": weight,
                "irritant_share": weight / total_weight if total_weight else 0.0,
                "verbatims": quotes,
                "blocking_stages": blocked,
                "lost": lost,
                "value_at_stake": lost * mean_value,
                "kano": (verdict or {}).get("category") or idea.kano or "",
                "kano_verdict": (verdict or {}).get("verdict", ""),
                "kano_n": int((verdict or {}).get("n", 0)),
            }
        )
    table = pd.DataFrame(rows)
    score = table["customers"] * 0.0
    for column, weight in GAIN_WEIGHTS.items():
        top = float(table[column].max())
        if top > 0:
            score = score + weight * table[column] / top
    best = float(score.max())
    table["evidence_gain"] = (1 + 4 * score / best).round(2) if best > 0 else 1.0
    table.loc[[not any(places[i]) for i in table["idea"]], "evidence_gain"] = math.nan
    return table[list(EVIDENCE_COLUMNS)]
