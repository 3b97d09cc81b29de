"""The journey-map contract on the demo company: columns, and the planted irritant found in place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from parcours.demo import load_truth
from parcours.errors import ParcoursError
from parcours.voc import JourneyVoc, journey_responses, journey_voc, satisfaction
from parcours.workspace import Workspace

SATISFACTION = [
    "stage",
    "channel",
    "touchpoint",
    "metric",
    "value",
    "n",
    "ci_low",
    "ci_high",
    "small_sample",
]
VERBATIMS = ["stage", "touchpoint", "kind", "theme", "weight", "occurrences", "verbatim"]


@pytest.fixture(scope="module")
def demo_voc(demo_workspace: Path) -> JourneyVoc:
    with Workspace.open(demo_workspace) as ws:
        return journey_voc(ws, classifier="lexicon")


def test_contract_columns(demo_voc: JourneyVoc) -> None:
    assert list(demo_voc.satisfaction.columns) == SATISFACTION
    assert set(demo_voc.satisfaction["metric"]) == {"nps", "csat", "ces"}
    assert list(demo_voc.emotion.columns) == ["stage", "value", "n"]
    assert list(demo_voc.verbatims.columns) == VERBATIMS
    assert set(demo_voc.verbatims["kind"]) <= {"irritant", "enchantment"}
    assert demo_voc.emotion["value"].between(-2, 2).all()
    assert demo_voc.peak_end is not None
    assert -2 <= demo_voc.peak_end <= 2
    sat = demo_voc.satisfaction
    assert (sat["ci_low"] <= sat["ci_high"]).all()
    assert sat["small_sample"].eq(sat["n"] < 30).all()


def test_stage_nps_matches_the_planted_answers(demo_workspace: Path, demo_voc: JourneyVoc) -> None:
    truth = load_truth(demo_workspace)
    sat = demo_voc.satisfaction
    overall = sat[sat["stage"].isna() & (sat["metric"] == "nps")]
    assert len(overall) == 1
    assert (
        overall["n"].iloc[0]
        == sat[sat["stage"].notna() & sat["channel"].isna() & (sat["metric"] == "nps")]["n"].sum()
    )
    stage_rows = sat[
        sat["stage"].notna()
        & sat["channel"].isna()
        & sat["touchpoint"].isna()
        & (sat["metric"] == "nps")
    ]
    reimbursement = stage_rows.set_index("stage").loc["reimbursement"]
    irritant = next(e for e in truth.irritants if e.id == "slow-reimbursement")
    # The stage's NPS lies between the irritated answers' NPS and the rest's.
    low, high = sorted([irritant.nps, irritant.nps_elsewhere])
    assert low <= reimbursement["value"] <= high
    # Every answer carries an NPS: the irritated answers' NPS is recomputed exactly.
    truth_answers = irritant.responses
    planted = sat[(sat["metric"] == "nps") & sat["touchpoint"].isin(irritant.touchpoints)]
    assert planted["n"].sum() == truth_answers
    touchpoints = sat[(sat["metric"] == "nps") & sat["touchpoint"].isin(irritant.touchpoints)]
    assert len(touchpoints) == len(irritant.touchpoints)
    assert (touchpoints["value"] < 0).all()


def test_planted_irritant_ranks_first_at_its_stage(
    demo_workspace: Path, demo_voc: JourneyVoc
) -> None:
    truth = load_truth(demo_workspace)
    planted = next(e for e in truth.irritants if e.keyword)  # slow reimbursement, "délai"
    irritants = demo_voc.verbatims[demo_voc.verbatims["kind"] == "irritant"]
    top = irritants.iloc[0]
    assert top["stage"] == planted.stage
    assert top["touchpoint"] in planted.touchpoints
    assert top["theme"] == "delays"
    assert planted.keyword is not None
    assert planted.keyword in top["verbatim"].lower()


def test_emotion_from_verbatims(demo_workspace: Path) -> None:
    with Workspace.open(demo_workspace) as ws:
        from_text = journey_voc(ws, classifier="lexicon", emotion_from="verbatims")
        with pytest.raises(ParcoursError, match="emotion_from"):
            journey_voc(ws, emotion_from="mood")
    curve = from_text.emotion.set_index("stage")
    assert curve["value"].between(-2, 2).all()
    # Only commented answers count, fewer than the answers with a score.
    assert curve["n"].sum() == len(from_text.classified)
    assert curve.loc["complaint", "value"] < curve.loc["quote", "value"]


def test_period_filter_and_persona_error(demo_workspace: Path, workspace: Workspace) -> None:
    truth = load_truth(demo_workspace)
    start = dt.date.fromisoformat(truth.start[:10])
    with Workspace.open(demo_workspace) as ws:
        first_month = journey_voc(ws, period=(start, start + dt.timedelta(days=30)))
        everything = journey_voc(ws, classifier="lexicon")
        query = "metric == 'nps' and stage.isna()"
        n_month = first_month.satisfaction.query(query)["n"].sum()
        n_all = everything.satisfaction.query(query)["n"].sum()
        assert 0 <= n_month < n_all
        journey = ws.journey()
    # A workspace whose personas were never scored: the filter says so instead of guessing.
    with pytest.raises(ParcoursError, match="persona"):
        journey_voc(workspace, journey, persona="young-connected")


def test_persona_filter_keeps_the_persona_customers(demo_workspace: Path) -> None:
    from parcours import personas

    # `parcours demo` fits and scores the demo personas.
    with Workspace.open(demo_workspace) as ws:
        assigned = personas.assignments(ws)
        name = "senior"
        members = set(assigned.loc[assigned["persona"] == name, "customer_id"])
        responses = ws.table("responses").to_pandas()
        expected = responses[
            (responses["metric"] == "nps") & responses["customer_id"].isin(members)
        ]
        result = journey_voc(ws, persona=name, classifier="lexicon")
        overall = result.satisfaction.query("metric == 'nps' and stage.isna()").iloc[0]
        assert overall["n"] == len(expected)
        assert 0 < overall["n"] < (responses["metric"] == "nps").sum()
        grouped = satisfaction(
            journey_responses(ws, with_persona=True), ["persona"], metrics=["nps"]
        ).set_index("persona")
        assert grouped.loc[name, "n"] == len(expected)
        assert grouped["n"].sum() == (responses["metric"] == "nps").sum()


def test_a_period_without_answers_gives_empty_tables_and_no_peak_end(demo_workspace: Path) -> None:
    with Workspace.open(demo_workspace) as ws:
        empty = journey_voc(ws, period=("2100-01-01", "2100-12-31"), classifier="lexicon")
    assert list(empty.satisfaction.columns) == SATISFACTION
    assert empty.satisfaction.empty
    assert list(empty.emotion.columns) == ["stage", "value", "n"]
    assert empty.emotion.empty
    assert list(empty.verbatims.columns) == VERBATIMS
    assert empty.verbatims.empty
    assert empty.peak_end is None
