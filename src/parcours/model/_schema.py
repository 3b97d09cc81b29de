"""The JSON Schema of journey maps, generated from the models and published with the package.

Editors (VS Code's YAML extension, JetBrains IDEs) use it for completion, hover help and live
checks while a journey map is written. Cross-references (a touchpoint's stage exists...) are beyond
JSON Schema: only `validate_journey_file` checks them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from parcours.model._journey import Journey

__all__ = ["SCHEMA_PATH", "journey_json_schema", "journey_json_schema_text", "write_journey_schema"]

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "journey.schema.json"
"""Where the published schema lives (regenerate it with ``python -m parcours.model``)."""


def journey_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a journey-map file, with a title and help text per key."""
    schema = Journey.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "parcours journey map",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def journey_json_schema_text() -> str:
    """The schema as the published file holds it: indented JSON, UTF-8, final newline."""
    return json.dumps(journey_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_journey_schema(path: str | os.PathLike[str] = SCHEMA_PATH) -> Path:
    """Write the schema to `path` (the published file by default) and return the path."""
    target = Path(path)
    target.write_text(journey_json_schema_text(), encoding="utf-8")
    return target
