"""The road map: capacities, dependencies and groups hold, value comes early, both solvers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.errors import PlanError
from parcours.plan import Idea, Ideas, gantt_svg, period_starts, schedule


def _check(roadmap, ideas: list[Idea], capacity: dict[str, float]) -> None:
    """Every rule a road map must keep, checked on its output."""
    by_id = {i.id: i for i in ideas}
    plan = roadmap.plan.set_index("idea")
    for team, rows in roadmap.load.groupby("team"):
        assert (rows["used"] <= capacity[team] + 1e-9).all(), team
    # The load table is what the plan implies: recompute it from start and work_end.
    for idea_id, row in plan.iterrows():
        idea = by_id[idea_id]
        assert row["team"] == idea.team
        start = dt.date.fromisoformat(row["start"])
        for dep in idea.depends_on:
            if by_id[dep].status == "done":
                continue
            assert dep in plan.index, f"{idea_id} scheduled without {dep}"
            assert dt.date.fromisoformat(plan.loc[dep, "end"]) < start
        if idea.group:
            mates = [i.id for i in ideas if i.group == idea.group and i.id in plan.index]
            assert {plan.loc[m, "end"] for m in mates} == {row["end"]}
    assert set(plan.index).isdisjoint(set(roadmap.unscheduled["idea"]))


def test_a_small_plan_respects_capacity_dependencies_and_groups():
    ideas = [
        Idea(id="big", title="Big", team="web", effort_days=40, gain=5, status="approved"),
        Idea(id="small", title="Small", team="web", effort_days=10, gain=2, status="approved"),
        Idea(
            id="after",
            title="After",
            team="crm",
            effort_days=5,
            gain=4,
            depends_on=["big"],
            status="approved",
        ),
        Idea(
            id="g1", title="G1", team="crm", effort_days=20, group="tool", gain=3, status="approved"
        ),
        Idea(
            id="g2", title="G2", team="web", effort_days=5, group="tool", gain=3, status="approved"
        ),
        Idea(id="idle", title="Not approved", team="web", effort_days=5, gain=5),
    ]
    capacity = {"web": 20, "crm": 10}
    for solver in ("greedy", "cp-sat"):
        roadmap = schedule(ideas, start="2027-01-15", capacity=capacity, solver=solver, lang="en")
        assert roadmap.solver == solver
        assert list(roadmap.plan.columns[:5]) == ["idea", "team", "start", "end", "depends_on"]
        assert set(roadmap.plan["idea"]) == {"big", "small", "after", "g1", "g2"}  # approved only
        _check(roadmap, ideas, capacity)
        plan = roadmap.plan.set_index("idea")
        assert plan.loc["after", "depends_on"] == "big"
        assert plan.loc["small", "start"].endswith("-01")  # periods start on the 1st
    # The exact plan: small and the group's g2 in January, big in February-March, after in
    # April: sum of gain x shipping month = 200x1 + 600x2 + 500x3 + 400x4 = 4,500 (big first
    # would cost 4,600).
    assert roadmap.objective == 4500
    assert roadmap.plan.set_index("idea").loc["big", "start"] == "2027-02-01"
    exact = schedule(ideas, start="2027-01-01", capacity=capacity, solver="cp-sat")
    greedy = schedule(ideas, start="2027-01-01", capacity=capacity, solver="greedy")
    assert exact.status == "optimal"
    assert exact.objective <= greedy.objective


def test_ideas_that_cannot_fit_are_listed_with_their_reason():
    ideas = [
        Idea(id="huge", title="Huge", team="web", effort_days=500),
        Idea(id="child", title="Child", team="web", effort_days=5, depends_on=["huge"]),
        Idea(id="orphan", title="No team", effort_days=5),
        Idea(id="vague", title="No effort", team="web"),
        Idea(id="ok", title="Fine", team="web", effort_days=5),
    ]
    roadmap = schedule(ideas, start="2027-01-01", capacity={"web": 10}, horizon=12, lang="en")
    reasons = dict(zip(roadmap.unscheduled["idea"], roadmap.unscheduled["reason"], strict=True))
    assert list(roadmap.plan["idea"]) == ["ok"]
    assert "500 person-days" in reasons["huge"]
    assert "12 periods" in reasons["huge"]
    assert reasons["child"] == "depends on huge, which are not scheduled"
    assert reasons["orphan"] == "no team"
    assert reasons["vague"] == "no effort in person-days"
    french = schedule(ideas, start="2027-01-01", capacity={"web": 10}, horizon=12, lang="fr")
    assert "aucune équipe" in set(french.unscheduled["reason"])


def test_missing_capacity_is_an_error_naming_team_and_ideas():
    ideas = [Idea(id="a", title="A", team="web", effort_days=5)]
    with pytest.raises(PlanError, match=r"capacity for team\(s\) web .*ideas concerned: a"):
        schedule(ideas, start="2027-01-01", capacity={})
    with pytest.raises(PlanError, match="person-days >= 0"):
        schedule(ideas, start="2027-01-01", capacity={"web": -3})


def test_capacity_comes_from_the_ideas_file_and_cli_overrides_it():
    ideas = Ideas(capacity={"web": 5}, ideas=[Idea(id="a", title="A", team="web", effort_days=10)])
    assert schedule(ideas, start="2027-01-01").plan.loc[0, "end"] == "2027-02-28"
    assert (
        schedule(ideas, start="2027-01-01", capacity={"web": 10}).plan.loc[0, "end"] == "2027-01-31"
    )


def test_quarters_and_done_dependencies():
    ideas = [
        Idea(id="old", title="Old", team="web", effort_days=5, status="done"),
        Idea(id="new", title="New", team="web", effort_days=30, depends_on=["old"]),
    ]
    roadmap = schedule(ideas, start="2027-02-10", capacity={"web": 20}, period="quarter")
    assert list(roadmap.plan["idea"]) == ["new"]
    assert (roadmap.plan.loc[0, "start"], roadmap.plan.loc[0, "end"]) == (
        "2027-01-01",
        "2027-06-30",
    )
    assert period_starts("2027-11-03", "quarter", 2) == [
        dt.date(2027, 10, 1), dt.date(2028, 1, 1), dt.date(2028, 4, 1),
    ]  # fmt: skip


@st.composite
def instances(draw):
    teams = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True))
    capacity = {team: draw(st.integers(5, 30)) for team in teams}
    count = draw(st.integers(1, 10))
    ideas = []
    for k in range(count):
        deps = draw(st.lists(st.integers(0, k - 1), max_size=2, unique=True)) if k else []
        ideas.append(
            Idea(
                id=f"i{k}",
                title=f"I{k}",
                team=draw(st.sampled_from(teams)),
                effort_days=draw(st.integers(0, 80)),
                gain=draw(st.integers(1, 5)),
                depends_on=[f"i{d}" for d in deps],
                group=draw(st.sampled_from([None, None, None, "g"])) if not deps else None,
            )
        )
    # Members of a group depend on nothing (a member waiting for a mate is a cycle).
    grouped = {i.id for i in ideas if i.group}
    ideas = [
        i.model_copy(update={"group": None})
        if i.group and any(d in grouped for d in i.depends_on)
        else i
        for i in ideas
    ]
    return ideas, capacity


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from(["greedy", "cp-sat"]))
def test_any_plan_keeps_every_rule(instance, solver):
    ideas, capacity = instance
    # Group members depend on nothing, so no instance holds a cycle.
    roadmap = schedule(ideas, start="2027-01-01", capacity=capacity, horizon=8,
                       solver=solver, time_limit=2)  # fmt: skip
    _check(roadmap, ideas, capacity)
    assert len(roadmap.plan) + len(roadmap.unscheduled) == len(ideas)


def test_gantt_is_accessible_svg_in_both_languages():
    ideas = [
        Idea(
            id="a",
            title={"fr": "Suivi des demandes", "en": "Claim tracking"},
            team="web",
            effort_days=30,
            group="g",
        ),
        Idea(id="b", title="B", team="crm", effort_days=5, depends_on=["c"], group="g"),
        Idea(id="c", title="C", team="crm", effort_days=5),
    ]
    # greedy: each member at its earliest start, so b's work ends before its group ships
    roadmap = schedule(
        ideas, start="2027-01-01", capacity={"web": 20, "crm": 20}, lang="fr", solver="greedy"
    )
    svg = gantt_svg(roadmap, lang="fr")
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "Feuille de route" in svg
    assert "Suivi des demandes" in svg
    assert "janv. 2027" in svg
    assert "01/01/2027" in svg
    assert "après c" in svg
    assert "stroke-dasharray" in svg  # a group member waits for its group to ship
    english = gantt_svg(schedule(ideas, start="2027-01-01", capacity={"web": 20, "crm": 20},
                                 lang="en"), lang="en")  # fmt: skip
    assert "Road map" in english
    assert "Claim tracking" in english
    assert "Jan 2027" in english
