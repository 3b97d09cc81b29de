"""The plan on the demo company: its ideas, their evidence in the warehouse, the planted truth
(the ideas that address the biggest planted irritant rank first), KPIs, sheets, the CLI."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from parcours import voc
from parcours.cli import cli
from parcours.demo import load_truth
from parcours.export import read_csv_export
from parcours.plan import (
    evidence,
    follow_kpis,
    idea_places,
    plan_settings,
    schedule,
    score_ideas,
    workspace_ideas,
    workstream_sheets,
)
from parcours.workspace import Workspace

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(demo_workspace):
    """The demo's ideas, journey, voice of the customer and evidence, computed once."""
    with Workspace.open(demo_workspace) as ws:
        ideas = workspace_ideas(ws)
        journey = ws.journey()
        said = voc.journey_voc(ws, journey)
        facts = evidence(ws, ideas, journey=journey, voc=said)
        interactions = ws.table("interactions").to_pandas()
        transactions = ws.table("transactions").to_pandas()
    return {"ideas": ideas, "journey": journey, "voc": said, "evidence": facts,
            "interactions": interactions, "transactions": transactions, "root": demo_workspace}  # fmt: skip


def test_the_demo_ships_about_25_valid_ideas_capacities_and_a_cafe_list(demo):
    ideas = demo["ideas"]
    assert 20 <= len(ideas.ideas) <= 30
    assert set(ideas.capacity) == {i.team for i in ideas.ideas if i.team}
    assert (demo["root"] / "plan" / "people.csv").is_file()
    linked = {ref for i in ideas.ideas for ref in [*i.irritants, *i.ruptures, *i.touchpoints]}
    truth = load_truth(demo["root"])
    assert {e.id for e in truth.irritants} <= linked  # every planted irritant has an idea
    assert set(truth.ruptures) <= linked
    assert set(truth.never_observed_touchpoints) & linked
    assert set(truth.redundant_touchpoints[0].touchpoints) <= linked


def test_evidence_counts_match_the_interactions(demo):
    facts = demo["evidence"].set_index("idea")
    frame = demo["interactions"]
    by_id = demo["ideas"].by_id()
    for idea_id in ("claim-tracking", "reimbursement-sms", "quote-in-agency"):
        stages, touchpoints = idea_places(by_id[idea_id], demo["journey"])
        here = frame[frame["touchpoint"].isin(touchpoints) | frame["stage"].isin(stages)]
        assert facts.loc[idea_id, "customers"] == here["customer_id"].nunique()
        assert facts.loc[idea_id, "interactions"] == len(here)
    # The value at stake: customers lost at the blocking stages times a paying customer's value.
    mean_value = (
        demo["transactions"]["amount"].sum() / demo["transactions"]["customer_id"].nunique()
    )
    row = facts.loc["quote-in-agency"]
    assert row["blocking_stages"] == ["quote", "subscribe"]  # the rupture leaves the quote stage
    assert row["value_at_stake"] == pytest.approx(row["lost"] * mean_value)
    assert facts.loc["claim-tracking", "irritant_share"] > 0.5  # most weighted irritants
    assert facts.loc["merge-signup-emails", "irritant_share"] < 0.05
    assert facts["evidence_gain"].between(1, 5).all()


def test_planted_truth_biggest_irritant_ideas_rank_first(demo):
    truth = load_truth(demo["root"])
    # The biggest planted irritant: the most answers times the NPS points it costs.
    biggest = max(truth.irritants, key=lambda e: e.responses * (e.nps_elsewhere - e.nps))
    smaller = [e for e in truth.irritants if e.id != biggest.id]
    assert biggest.id == "slow-reimbursement"

    def addresses(idea, irritant) -> bool:
        _stages, touchpoints = idea_places(idea, demo["journey"])
        return (
            irritant.id in idea.irritants
            or bool(set(irritant.touchpoints) & touchpoints)
            or (irritant.stage in idea.stages)
        )

    scores = score_ideas(demo["ideas"], plan_settings(demo["root"]), evidence=demo["evidence"])
    by_id = demo["ideas"].by_id()
    top = list(scores["idea"][:3])
    assert all(addresses(by_id[i], biggest) for i in top), top
    facts = demo["evidence"].set_index("idea")["evidence_gain"]
    big = [i.id for i in demo["ideas"].ideas if biggest.id in i.irritants]
    small = [i.id for i in demo["ideas"].ideas if any(e.id in i.irritants for e in smaller)]
    assert big
    assert small
    assert min(facts[big]) > max(facts[small])


def test_road_map_and_sheets_of_the_demo(demo):
    scores = score_ideas(demo["ideas"], evidence=demo["evidence"], lang="fr")
    roadmap = schedule(demo["ideas"], start="2027-01-01", scores=scores, lang="fr")
    assert roadmap.solver == "cp-sat"
    assert len(roadmap.unscheduled) == 0
    approved = {i.id for i in demo["ideas"].ideas if i.status in ("approved", "in_progress")}
    assert set(roadmap.plan["idea"]) == approved
    plan = roadmap.plan.set_index("idea")
    assert plan.loc["mail-claims-48h", "start"] > plan.loc["scan-on-receipt", "end"]
    pages = workstream_sheets(demo["ideas"], journey=demo["journey"], scores=scores,
                              evidence=demo["evidence"], roadmap=roadmap, lang="fr")  # fmt: skip
    assert "newsletter-redesign" not in pages  # rejected
    assert "customer-record" in pages  # a group is one workstream
    page = pages["claim-tracking"]
    assert "Trois semaines pour être remboursé" in page  # the journey's verbatim
    assert "@page { size: A4" in page
    assert "Fiche chantier" in page
    assert "Remboursement trop lent et sans suivi" in page
    assert "\u202f%" in page  # the irritant share written the French way
    assert "Indispensable" in page
    english = workstream_sheets(demo["ideas"], journey=demo["journey"], scores=scores,
                                evidence=demo["evidence"], lang="en")["claim-tracking"]  # fmt: skip
    assert "Workstream sheet" in english
    assert "Slow reimbursement with no tracking" in english
    assert "not scheduled" in english


def test_kpi_follow_up_matches_the_survey_answers(demo):
    ideas = [i for i in demo["ideas"].ideas if i.id in ("claim-tracking", "quote-in-agency")]
    with Workspace.open(demo["root"]) as ws:
        follow = follow_kpis(ws, ideas, at=pd.Timestamp("2026-06-30").date(), lang="en")
        answers = voc.journey_responses(ws, demo["journey"]).to_pandas()
    summary = follow.summary.set_index("kpi")
    assert list(summary.index) == ["nps-reimbursement", "calls-tracking", "quote-to-subscribe"]
    row = summary.loc["nps-reimbursement"]
    month = pd.Timestamp(row["latest_month"])
    local = answers["ts"].dt.tz_convert("UTC")
    here = answers[(answers["stage"] == "reimbursement") & (answers["metric"] == "nps")
                   & (local.dt.year == month.year) & (local.dt.month == month.month)]  # fmt: skip
    expected = voc.nps(here["score"])
    assert row["latest"] == pytest.approx(expected.value)
    assert row["n"] == expected.n
    assert row["ci_low"] == pytest.approx(expected.ci_low)
    assert row["status"] in ("on_track", "late", "reached")
    assert row["baseline_month"] == pd.Timestamp("2025-12-01").date()  # approved 5 Jan 2026
    assert summary.loc["quote-to-subscribe", "label"] == "Conversion I ask for a quote → I sign up"
    assert set(follow.series["kpi"]) == set(summary.index)


def test_cli_score_and_roadmap_on_the_demo(demo, tmp_path):
    runner = CliRunner()
    ws = str(demo["root"])
    scores = tmp_path / "scores.csv"
    result = runner.invoke(cli, ["plan", "score", "-w", ws, "--out", str(scores), "--lang", "en"])
    assert result.exit_code == 0, result.output
    table = read_csv_export(scores, dialect="excel-fr")  # the demo is a French workspace
    columns = ["idea", "gain", "effort", "class", "class_label", "rice", "ice", "criteria"]
    assert list(table.columns[:8]) == columns
    assert table.set_index("idea").loc["claim-tracking", "class"] == "must_have"
    assert set(table["class"].dropna()) <= {"quick_win", "must_have", "nice_to_have", "time_sink"}
    roadmap = tmp_path / "roadmap.csv"
    gantt = tmp_path / "gantt.svg"
    result = runner.invoke(cli, ["plan", "roadmap", "-w", ws, "--capacity", "digital=40",
                                 "--period", "quarter", "--start", "2027-01-01", "--out",
                                 str(roadmap), "--gantt", str(gantt), "--lang", "fr",
                                 "--no-evidence"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "CP-SAT" in result.output
    plan = read_csv_export(roadmap, dialect="excel-fr")
    assert list(plan.columns) == ["idea", "team", "start", "end", "depends_on"]
    assert plan["start"].str.match(r"^\d{4}-(01|04|07|10)-01$").all()
    assert gantt.read_text(encoding="utf-8").startswith("<svg")
    result = runner.invoke(cli, ["plan", "roadmap", "-w", ws, "--capacity", "digital",
                                 "--start", "2027-01-01"])  # fmt: skip
    assert result.exit_code == 2
    assert "TEAM=DAYS" in result.output
