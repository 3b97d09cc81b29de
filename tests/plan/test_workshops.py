"""Workshops: world-café rotations (hosts stay, others move, no repeated encounter when one
exists), creative workshops of 8-10, dot votes as a criterion."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.demo import JOURNEY_PATH
from parcours.errors import PlanError
from parcours.export import read_csv_export
from parcours.plan import (
    Idea,
    apply_votes,
    creative_workshop,
    read_people,
    read_votes,
    score_ideas,
    world_cafe,
    worldcafe_sheets,
)

PEOPLE = JOURNEY_PATH.parent / "people.csv"


def _encounters(rotation: pd.DataFrame) -> dict[frozenset[str], int]:
    met: dict[frozenset[str], int] = {}
    for _, table in rotation.groupby(["round", "table"]):
        for a, b in itertools.combinations(sorted(table["participant"]), 2):
            met[frozenset((a, b))] = met.get(frozenset((a, b)), 0) + 1
    return met


def _check_rules(cafe, people: pd.DataFrame, tables: int, rounds: int) -> None:
    rotation = cafe.rotation
    assert list(rotation.columns[:4]) == ["participant", "round", "table", "host"]
    # everyone sits once a round, at a table of 4-8
    assert len(rotation) == len(people) * rounds
    assert (rotation.groupby(["round", "participant"]).size() == 1).all()
    sizes = rotation.groupby(["round", "table"]).size()
    assert sizes.between(4, 8).all()
    assert len(sizes) == tables * rounds
    # one host per table, who never moves; the others change table every round
    hosts = rotation[rotation["host"]]
    assert (hosts.groupby(["round", "table"]).size() == 1).all()
    assert (hosts.groupby("participant")["table"].nunique() == 1).all()
    guests = rotation[~rotation["host"]].sort_values(["participant", "round"])
    for _, seats in guests.groupby("participant"):
        assert (seats["table"].diff().dropna() != 0).all()
    repeats = sum(count - 1 for count in _encounters(rotation).values() if count > 1)
    assert repeats == cafe.repeats
    assert cafe.repeats >= cafe.lower_bound


@st.composite
def prime_cafes(draw):
    tables = draw(st.sampled_from([2, 3, 5, 7]))
    per_table = draw(st.integers(3, 7))  # guests per table, the host aside
    rounds = draw(st.integers(2, min(4, tables)))
    # A few tables may have one guest fewer, never fewer than 3.
    guests = tables * per_table - (draw(st.integers(0, tables - 1)) if per_table > 3 else 0)
    departments = draw(st.lists(st.sampled_from("ABCDE"), min_size=guests + tables,
                                max_size=guests + tables))  # fmt: skip
    people = pd.DataFrame(
        {
            "name": [f"p{k}" for k in range(guests + tables)],
            "department": departments,
            "host": [k < draw(st.integers(0, tables)) for k in range(guests + tables)],
        }
    )
    return people, tables, rounds, per_table


@settings(max_examples=60, deadline=None)
@given(prime_cafes(), st.integers(0, 3))
def test_no_one_meets_anyone_twice_when_a_rotation_exists(case, seed):
    people, tables, rounds, per_table = case
    cafe = world_cafe(people, tables=tables, rounds=rounds, seed=seed, iterations=2_000)
    _check_rules(cafe, people, tables, rounds)
    if per_table <= tables - 1:  # the algebraic rotation exists: no repeat may be left
        assert cafe.repeats == 0
        assert max(_encounters(cafe.rotation).values()) == 1


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 6), st.integers(2, 4), st.integers(4, 8), st.integers(0, 2))
def test_any_rotation_keeps_the_rules_and_its_bound(tables, rounds, size, seed):
    people = pd.DataFrame(
        {
            "name": [f"p{k}" for k in range(tables * size)],
            "department": [("Digital", "Gestion", "DSI")[k % 3] for k in range(tables * size)],
        }
    )
    cafe = world_cafe(people, tables=tables, rounds=rounds, seed=seed, iterations=2_000)
    _check_rules(cafe, people, tables, rounds)


def test_demo_list_with_five_tables_mixes_departments_without_repeats():
    people = read_people(PEOPLE)
    cafe = world_cafe(PEOPLE, tables=5, rounds=3)
    _check_rules(cafe, people, 5, 3)
    assert cafe.repeats == 0
    assert cafe.message("en").startswith("Rotation with no repeated encounter")
    for _, table in cafe.rotation.groupby(["round", "table"]):
        assert table["department"].nunique() >= 3
    marked = set(people[people["host"]]["name"])
    assert marked <= set(cafe.hosts.values())  # marked hosts keep their role, one more chosen


def test_four_tables_of_six_cannot_avoid_repeats_and_say_so():
    cafe = world_cafe(PEOPLE, tables=4, rounds=2)
    assert cafe.repeats == cafe.lower_bound == 8  # 5 guests over 3 other tables: pigeonholes
    assert "8" in cafe.message("fr")
    assert "au moins 8" in cafe.message("fr")


@pytest.mark.parametrize(
    ("tables", "message"),
    [(2, "4 to 8 people per table"), (7, "4 to 8 people per table"), (3, "at most one host")],
)
def test_impossible_tables_are_refused(tables, message):
    with pytest.raises(PlanError, match=message):
        world_cafe(PEOPLE, tables=tables, rounds=2)


def test_people_sheet_errors_name_row_and_column(tmp_path):
    sheet = tmp_path / "people.csv"
    sheet.write_text("nom;service\nAnne;DSI\nAnne;Digital\n", encoding="utf-8")
    with pytest.raises(PlanError, match=r"row 3, column nom: expected a name not used"):
        read_people(sheet)
    sheet.write_text("who,where\nAnne,DSI\n", encoding="utf-8")
    with pytest.raises(PlanError, match="expected columns name and department"):
        read_people(sheet)


def test_creative_workshop_groups_of_8_to_10_with_an_agenda():
    plan = creative_workshop(PEOPLE, lang="fr")
    sizes = plan.groups.groupby("workshop").size()
    assert list(sizes) == [8, 8, 8]
    for _, group in plan.groups.groupby("workshop"):
        assert group["department"].nunique() >= 5
    assert sum(minutes for minutes, _ in plan.agenda) == 150
    assert plan.agenda[4][1] == "Vote par gommettes"
    assert creative_workshop(PEOPLE, lang="en").agenda[4][1] == "Dot vote"
    with pytest.raises(PlanError, match="workshops of 8-10"):
        creative_workshop(pd.DataFrame({"name": list("abcde"), "department": list("xxyyz")}))


def test_dot_votes_become_a_criterion(tmp_path):
    sheet = tmp_path / "votes.csv"
    sheet.write_text("idée;gommettes\na;6\nb;3\na;2\n", encoding="utf-8")
    votes = read_votes(sheet)
    assert votes == {"a": 8, "b": 3}
    dots = tmp_path / "dots.csv"
    dots.write_text("idea\na\nb\na\n", encoding="utf-8")
    assert read_votes(dots) == {"a": 2, "b": 1}
    ideas = [Idea(id="a", title="A", effort=1), Idea(id="b", title="B", effort=1),
             Idea(id="c", title="C", gain=2, effort=1)]  # fmt: skip
    voted = apply_votes(ideas, votes)
    by_id = voted.by_id()
    assert by_id["a"].criteria["votes"] == 5
    assert by_id["b"].criteria["votes"] == pytest.approx(2.5)
    assert by_id["a"].votes == 8
    scores = score_ideas(voted).set_index("idea")
    assert scores.loc["a", "class"] == "quick_win"
    assert scores.loc["b", "class"] == "nice_to_have"
    with pytest.raises(PlanError, match="found z"):
        apply_votes(ideas, {"z": 1})
    sheet.write_text("idea,votes\na,-1\n", encoding="utf-8")
    with pytest.raises(PlanError, match="row 2, column votes"):
        read_votes(sheet)


def test_printable_sheets_and_cli(tmp_path):
    from click.testing import CliRunner

    from parcours.cli import cli

    cafe = world_cafe(PEOPLE, tables=5, rounds=2)
    html = worldcafe_sheets(
        cafe, ["Comment suivre un remboursement ?", "Que promettre ?"], lang="fr"
    )
    assert html.count("<section>") == 5 + 24  # one sheet per table, one per participant
    assert "Hôte : Claire Martin" in html
    assert "Que promettre ?" in html
    assert "break-after: page" in html
    assert "Host: Claire Martin" in worldcafe_sheets(cafe, lang="en")
    questions = tmp_path / "questions.txt"
    questions.write_text("Q1\nQ2\n", encoding="utf-8")
    out, sheets = tmp_path / "rotation.csv", tmp_path / "sheets.html"
    result = CliRunner().invoke(cli, ["plan", "worldcafe", str(PEOPLE), "--tables", "5", "--rounds", "2",
                                      "--out", str(out), "--questions", str(questions),
                                      "--sheets", str(sheets), "--lang", "en"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "nobody meets the same person twice" in result.output
    rotation = read_csv_export(out, dialect="rfc4180")  # --lang en, no workspace
    assert list(rotation.columns) == ["participant", "round", "table", "host"]
    assert len(rotation) == 48
    assert "Q2" in sheets.read_text(encoding="utf-8")
