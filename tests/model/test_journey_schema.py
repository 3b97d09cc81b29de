"""The published JSON Schema: up to date with the models, and accepting the valid journey maps."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from parcours.model import SCHEMA_PATH, journey_json_schema
from parcours.model._schema import journey_json_schema_text

CASES = Path(__file__).parent / "cases"


def test_published_schema_is_up_to_date() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == journey_json_schema_text(), (
        "the journey schema changed: run `python -m parcours.model` and commit the file"
    )


def test_schema_is_valid_draft_2020_12() -> None:
    schema = journey_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(journey_json_schema_text()) == schema


def test_schema_helps_an_editor() -> None:
    schema = journey_json_schema()
    stage = schema["$defs"]["Stage"]
    assert stage["additionalProperties"] is False
    assert "customer's point of view" in stage["description"]
    assert stage["properties"]["emotion"]["anyOf"][0] == {
        "type": "number",
        "minimum": -2,
        "maximum": 2,
    }
    assert "from" in schema["$defs"]["Rupture"]["properties"]
    assert all("description" in p for p in schema["properties"].values())


DEMO = Path(__file__).parents[2] / "src" / "parcours" / "demo" / "data" / "journey.yaml"


@pytest.mark.parametrize(
    "path", [DEMO, *sorted((CASES / "valid").glob("*.yaml"))], ids=lambda p: p.stem
)
def test_valid_journeys_match_the_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(journey_json_schema()).validate(data)


@pytest.mark.parametrize("name", ["structure", "comma", "missing"])
def test_structurally_invalid_journeys_fail_the_schema(name: str) -> None:
    data = yaml.safe_load((CASES / "invalid" / f"{name}.yaml").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(journey_json_schema())
    assert not validator.is_valid(data)
