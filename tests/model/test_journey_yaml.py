"""Journey maps through YAML: the demo, round trips, and every problem reported with its place."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from journey_strategies import journeys

from parcours.errors import ModelError, Problem
from parcours.model import (
    Journey,
    dump_journey,
    load_journey,
    save_journey,
    validate_journey_file,
    validate_journey_text,
)

CASES = Path(__file__).parent / "cases"
DEMO = Path(__file__).parents[2] / "src" / "parcours" / "demo" / "data" / "journey.yaml"
INVALID = sorted((CASES / "invalid").glob("*.yaml"))
VALID = sorted((CASES / "valid").glob("*.yaml"))
SNAPSHOT = CASES / "valid" / "mutuelle-horizon.yaml"
ROUND_TRIP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_demo_journey_loads_and_round_trips() -> None:
    assert validate_journey_file(DEMO) == []
    journey = load_journey(DEMO)
    text = dump_journey(journey)
    assert load_journey(text) == journey
    assert dump_journey(load_journey(text)) == text


def test_demo_snapshot_has_the_expected_shape() -> None:
    journey = load_journey(SNAPSHOT)
    assert journey.id == "mutuelle-horizon"
    assert [s.id for s in journey.stage_order()] == [
        "compare",
        "quote",
        "subscribe",
        "reimbursement",
        "complaint",
        "cancel",
    ]
    assert len(journey.touchpoints) == 30
    touchpoint = journey.touchpoint_for_code("TEL_RELANCE_DEVIS")
    assert touchpoint is not None
    assert touchpoint.id == "quote-callback"


def test_dump_keeps_the_demo_layout() -> None:
    """Same keys in the same order, texts in the same form, lists indented under their key."""
    source = SNAPSHOT.read_text(encoding="utf-8")
    dumped = dump_journey(load_journey(source))
    assert yaml.safe_load(dumped) == yaml.safe_load(source)
    assert "\nstages:\n  - id: compare\n    phase: before\n" in dumped
    assert "\n  - {id: web, label: {fr: Site web, en: Web site}, kind: digital}\n" in dumped
    assert "name:\n  fr: Parcours adhérent — Mutuelle Horizon\n" in dumped
    assert "!!" not in dumped  # no Python or explicit tags


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_cases_load_and_round_trip(path: Path) -> None:
    assert validate_journey_file(path) == []
    journey = load_journey(path)
    assert load_journey(dump_journey(journey)) == journey


def test_to_be_journey_keeps_its_source_and_both_text_forms() -> None:
    journey = load_journey(CASES / "valid" / "to-be.yaml")
    assert journey.state == "to-be"
    assert journey.derived_from == "mutuelle-horizon"
    assert journey.name == "Parcours adhérent cible — Mutuelle Horizon"
    assert journey.phases[1].label == {
        "fr": "La vie du contrat",
        "en": "Living with the contract",
        "de": "Das Vertragsleben",
    }
    assert journey.stages[1].emotion == -1
    assert isinstance(journey.stages[1].emotion, int)
    assert journey.kpis[1].target == "≤ 1 h"
    dumped = dump_journey(journey)
    assert "name: Parcours adhérent cible — Mutuelle Horizon\n" in dumped
    assert "description: |\n  Parcours cible dessiné en atelier" in dumped
    assert "event_codes: ['1001', WEB_RMB]" in dumped


@given(journeys())
@ROUND_TRIP
def test_random_journeys_round_trip_losslessly(journey: Journey) -> None:
    text = dump_journey(journey)
    again = load_journey(text)
    assert again == journey
    assert dump_journey(again) == text  # stable: dumping twice gives the same text


@given(journeys())
@ROUND_TRIP
def test_a_broken_reference_is_reported_at_its_place(journey: Journey) -> None:
    """Whatever the layout, the problem points at the offending value in the dumped text."""
    if not journey.touchpoints:
        return
    index = len(journey.touchpoints) // 2
    broken = journey.model_copy(deep=True)
    broken.touchpoints[index].channel = "zz-unknown"  # no validation on assignment
    text = dump_journey(broken)
    problems = validate_journey_text(text, file="j.yaml")
    assert [(p.path, p.found) for p in problems] == [
        (f"touchpoints[{index}].channel", "'zz-unknown'")
    ]
    line, column = problems[0].line, problems[0].column
    assert line is not None
    assert column is not None
    assert text.splitlines()[line - 1][column - 1 :].startswith("zz-unknown")


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_cases_report_every_problem_at_its_place(path: Path) -> None:
    expected = path.with_suffix(".problems").read_text(encoding="utf-8").splitlines()
    problems = validate_journey_file(path)
    assert [str(dataclasses.replace(p, file=path.name)) for p in problems] == expected
    assert all(p.line is not None and p.column is not None for p in problems)
    with pytest.raises(ModelError) as raised:
        load_journey(path)
    assert raised.value.problems == problems


def test_problems_carry_line_column_and_path() -> None:
    problems = validate_journey_file(CASES / "invalid" / "references.yaml")
    assert [(p.line, p.column, p.path) for p in problems][:3] == [
        (8, 19, "scope.channels[1]"),
        (14, 24, "stages[1].phase"),
        (15, 10, "stages[2].id"),
    ]
    fax = problems[3]
    assert fax.expected == "one of the channel ids [web, phone]"
    assert fax.found == "'fax'"
    assert str(fax).endswith(
        "references.yaml:21:44: at touchpoints[1].channel "
        "expected one of the channel ids [web, phone], found 'fax'"
    )


def test_model_error_lists_every_problem() -> None:
    with pytest.raises(ModelError) as raised:
        load_journey(CASES / "invalid" / "mixed.yaml")
    message = str(raised.value)
    assert message.startswith("5 problem(s) in ")
    assert "mixed.yaml:19:44: at touchpoints[0].channel" in message


def test_load_accepts_text_and_names_it_in_problems() -> None:
    text = (CASES / "valid" / "to-be.yaml").read_text(encoding="utf-8")
    assert load_journey(text) == load_journey(CASES / "valid" / "to-be.yaml")
    assert load_journey(str(CASES / "valid" / "to-be.yaml")).id == "mutuelle-horizon-cible"
    with pytest.raises(ModelError) as raised:
        load_journey("parcours: 1\nid: x\n")
    assert raised.value.problems[0].file == "<text>"


def test_missing_file_is_a_problem_without_place(tmp_path: Path) -> None:
    problems = validate_journey_file(tmp_path / "nope.yaml")
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (None, None)
    assert problems[0].expected == "a readable journey-map file"
    with pytest.raises(ModelError):
        load_journey(tmp_path / "nope.yaml")


def test_file_not_in_utf8_points_at_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("parcours: 1\nid: x\nname: Parcours adhérent\n".encode("latin-1"))
    (problem,) = validate_journey_file(path)
    assert (problem.line, problem.column) == (3, 19)
    assert problem.expected == "UTF-8 text"
    assert problem.found == "the byte 0xe9 (save the file as UTF-8)"


def test_control_character_points_at_its_place(tmp_path: Path) -> None:
    path = tmp_path / "bell.yaml"
    path.write_text("parcours: 1\nid: a\x07b\n", encoding="utf-8")
    (problem,) = validate_journey_file(path)
    assert (problem.line, problem.column) == (2, 6)
    assert problem.found == "the character U+0007"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    text = (CASES / "valid" / "to-be.yaml").read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert validate_journey_file(path) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: Je demande: un devis\n",
            (1, 17, "a text without ': ' (or put the text in quotes)"),
        ),
        ("id: x\nname: *nope\n", (2, 7, "valid YAML")),
        ("id: 'x\n", (2, 1, "the closing quote")),
        ("---\nid: x\n---\nid: y\n", (3, 1, "a single document (one journey map per file)")),
    ],
    ids=["colon", "alias", "quote", "two-documents"],
)
def test_yaml_syntax_errors_point_at_pyyaml_mark(text: str, expected: tuple[int, int, str]) -> None:
    (problem,) = validate_journey_text(text, file="bad.yaml")
    assert (problem.line, problem.column, problem.expected) == expected
    assert problem.path == ""


def test_python_tags_are_refused_not_executed() -> None:
    text = "parcours: 1\nid: !!python/object/apply:os.system ['true']\n"
    (problem,) = validate_journey_text(text, file="evil.yaml")
    assert (problem.line, problem.column) == (2, 5)


def test_save_writes_utf8_and_keeps_the_file_mode(tmp_path: Path) -> None:
    journey = load_journey(CASES / "valid" / "to-be.yaml")
    path = tmp_path / "journey.yaml"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    save_journey(journey, path)
    assert load_journey(path) == journey
    assert "dessiné" in path.read_bytes().decode("utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["journey.yaml"]  # no temporary file left


def test_problem_is_the_shared_error_type() -> None:
    (problem,) = validate_journey_text("", file="empty.yaml")
    assert isinstance(problem, Problem)
    assert str(problem) == (
        "empty.yaml:1:1: expected a journey map (parcours: 1, id, name, kind, state...), "
        "found nothing"
    )
