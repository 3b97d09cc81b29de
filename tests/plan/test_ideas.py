"""Ideas as data: the YAML file, its schema, validation with file:line:column, the graph."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from parcours.errors import ModelError, PlanError
from parcours.plan import (
    IDEAS_SCHEMA_PATH,
    Idea,
    Ideas,
    dump_ideas,
    idea_graph,
    ideas_json_schema,
    load_ideas,
    save_ideas,
    validate_ideas_file,
)

from .conftest import CASES


def test_a_valid_file_loads_and_round_trips(tmp_path, journey):
    ideas = load_ideas(CASES / "ideas_valid.yaml", journey)
    assert [i.id for i in ideas.ideas] == ["tracking", "scan"]
    assert ideas.capacity == {"digital": 20, "claims": 10}
    assert ideas.ideas[0].title == {"fr": "Suivi des demandes", "en": "Claim tracking"}
    path = save_ideas(ideas, tmp_path / "plan" / "ideas.yaml")
    assert load_ideas(path, journey) == ideas
    assert "status: proposed" not in dump_ideas(ideas)  # defaults left out


def test_structural_problems_carry_line_and_column():
    problems = validate_ideas_file(CASES / "ideas_bad.yaml")
    where = {(p.line, p.column, p.path) for p in problems}
    assert (5, 11, "ideas[0].gain") in where
    assert (6, 18, "ideas[0].effort_days") in where
    assert (7, 9, "ideas[1].id") in where
    assert (9, 13, "ideas[1].status") in where
    gain = next(p for p in problems if p.path == "ideas[0].gain")
    assert gain.expected == "a number from 1 to 5"
    assert gain.found == "7"
    assert str(gain).startswith(f"{CASES / 'ideas_bad.yaml'}:5:11:")


def test_references_are_checked_against_the_journey_with_places(journey):
    problems = validate_ideas_file(CASES / "ideas_refs.yaml", journey)
    by_path = {p.path: p for p in problems}
    assert by_path["ideas[0].stages[1]"].line == 5
    assert "'nowhere'" in by_path["ideas[0].stages[1]"].found
    assert "reimbursement" in by_path["ideas[0].stages[1]"].expected
    assert by_path["ideas[0].depends_on[0]"].found == "'ghost'"
    assert by_path["ideas[1].id"].line == 7
    # Without a journey map, stages are not checked, dependencies still are.
    alone = {p.path for p in validate_ideas_file(CASES / "ideas_refs.yaml")}
    assert "ideas[0].stages[1]" not in alone
    assert "ideas[0].depends_on[0]" in alone


def test_load_raises_model_error_with_every_problem():
    with pytest.raises(ModelError) as caught:
        load_ideas(CASES / "ideas_bad.yaml")
    assert len(caught.value.problems) == 4


def test_a_cycle_names_every_idea_in_it():
    problems = validate_ideas_file(CASES / "ideas_cycle.yaml")
    assert {p.path for p in problems} == {f"ideas[{i}].depends_on" for i in range(3)}
    assert all("a, b, c" in p.found for p in problems)
    items = [
        Idea(id="a", title="A", depends_on=["c"]),
        Idea(id="b", title="B", depends_on=["a"]),
        Idea(id="c", title="C", depends_on=["b"]),
        Idea(id="d", title="D", depends_on=["a"]),
    ]
    with pytest.raises(PlanError, match=r"a, b, c\b") as caught:
        idea_graph(items)
    assert "d" not in str(caught.value).split("ideas ", 1)[1].split(" (")[0]


def test_a_dependency_inside_a_group_is_a_cycle():
    items = [
        Idea(id="tool", title="T", group="crm"),
        Idea(id="hub", title="H", group="crm", depends_on=["tool"]),
    ]
    with pytest.raises(PlanError, match="hub, tool"):
        idea_graph(items)


def test_graph_orders_units_dependencies_first():
    items = [
        Idea(id="late", title="L", depends_on=["first"]),
        Idea(id="first", title="F"),
        Idea(id="x", title="X", group="g", depends_on=["first"]),
        Idea(id="y", title="Y", group="g"),
    ]
    graph = idea_graph(items)
    assert graph.order.index("first") < graph.order.index("late")
    assert graph.order.index("first") < graph.order.index("group:g")
    assert graph.members["group:g"] == ["x", "y"]
    assert graph.after["late"] == {"first"}


def test_published_schema_is_current_and_accepts_the_demo_ideas():
    published = json.loads(IDEAS_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert published == ideas_json_schema(), "regenerate it: python -m parcours.plan"
    from parcours.demo import JOURNEY_PATH

    demo = yaml.safe_load((JOURNEY_PATH.parent / "ideas.yaml").read_text(encoding="utf-8"))
    demo = json.loads(json.dumps(demo, default=str))  # editors read YAML dates as text
    jsonschema.validate(demo, published)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"ideas": [{"id": "x", "title": "X", "gain": 9}]}, published)


def test_demo_ideas_are_valid_against_the_demo_journey(journey):
    from parcours.demo import JOURNEY_PATH

    ideas = load_ideas(JOURNEY_PATH.parent / "ideas.yaml", journey)
    assert 20 <= len(ideas.ideas) <= 30
    assert isinstance(ideas, Ideas)
