"""Journey maps as typed objects: YAML round trip, JSON Schema, validation with places.

    >>> from parcours.model import load_journey, text
    >>> journey = load_journey("journeys/mutuelle.yaml")  # doctest: +SKIP
    >>> [text(stage.label, "fr") for stage in journey.stage_order()]  # doctest: +SKIP

`load_journey` raises `parcours.errors.ModelError` with every problem at once;
`validate_journey_file` returns them, each printing as
``file:line:column: at path expected ..., found ...``.
"""

from __future__ import annotations

from parcours.model._journey import (
    SCHEMA_VERSION,
    Channel,
    EmployeeExperience,
    Enchantment,
    Irritant,
    Journey,
    Kpi,
    PersonaRef,
    Phase,
    Rupture,
    Scope,
    Stage,
    Touchpoint,
)
from parcours.model._schema import SCHEMA_PATH, journey_json_schema
from parcours.model._types import LocalizedText, text
from parcours.model._yaml import (
    dump_journey,
    load_journey,
    load_model_file,
    save_journey,
    validate_journey_file,
    validate_journey_text,
)

__all__ = [
    "SCHEMA_PATH",
    "SCHEMA_VERSION",
    "Channel",
    "EmployeeExperience",
    "Enchantment",
    "Irritant",
    "Journey",
    "Kpi",
    "LocalizedText",
    "PersonaRef",
    "Phase",
    "Rupture",
    "Scope",
    "Stage",
    "Touchpoint",
    "dump_journey",
    "journey_json_schema",
    "load_journey",
    "load_model_file",
    "save_journey",
    "text",
    "validate_journey_file",
    "validate_journey_text",
]
