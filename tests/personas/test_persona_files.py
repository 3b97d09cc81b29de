"""Persona YAML files: the demo's load, mistakes are reported with file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcours.errors import ModelError
from parcours.personas import DEMO_PERSONAS, Driver, Relative, load_persona, load_personas

CASES = Path(__file__).parent / "cases"


def test_demo_personas_load_with_their_drivers() -> None:
    personas = {p.id: p for p in load_personas()}
    assert set(personas) == {"young-connected", "family", "senior"}
    senior = personas["senior"]
    assert [d.role for d in senior.drivers] == ["profile", "profile", "habit", "habit"]
    assert senior.drivers[3].value == Relative(median=1)
    assert personas["young-connected"].drivers[1].operator == "in"
    assert "Paris" in personas["young-connected"].drivers[1].value
    assert load_personas(DEMO_PERSONAS) == list(personas.values())


def test_relative_threshold_and_description() -> None:
    persona = load_persona(CASES / "donor.yaml")
    driver = persona.drivers[1]
    assert driver.at_least == Relative(mean=3)
    assert driver.describe("en") == "monetary ≥ 3x mean"
    assert persona.habit_drivers == [driver]


def test_mistakes_have_places() -> None:
    with pytest.raises(ModelError) as caught:
        load_persona(CASES / "bad_persona.yaml")
    problems = caught.value.problems
    assert {p.line for p in problems} == {5, 9}, [str(p) for p in problems]
    assert any("exactly one of" in p.expected for p in problems)
    assert any("colour" in str(p) for p in problems)
    assert all(p.file.endswith("bad_persona.yaml") for p in problems)


def test_a_driver_needs_an_operator() -> None:
    with pytest.raises(ModelError, match="exactly one of"):
        load_persona(CASES / "no_operator.yaml")


def test_between_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="low <= high"):
        Driver(feature="age", between=(40, 30))


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text((CASES / "donor.yaml").read_text("utf-8"), "utf-8")
    with pytest.raises(ModelError, match="not used by"):
        load_personas(tmp_path)
