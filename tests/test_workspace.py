"""Workspace.journey_or_none: the map when there is exactly one that loads, else None."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import parcours
from parcours.errors import ParcoursError

DEMO_JOURNEY = Path(parcours.__file__).parent / "demo" / "data" / "journey.yaml"


def test_journey_or_none(workspace):
    assert workspace.journey_or_none() is None  # none yet
    journeys = workspace.root / "journeys"
    shutil.copy(DEMO_JOURNEY, journeys / "mutuelle.yaml")
    assert workspace.journey_or_none().id == workspace.journey().id
    (journeys / "other.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    assert workspace.journey_or_none() is None  # several
    (journeys / "mutuelle.yaml").unlink()
    assert workspace.journey_or_none() is None  # one that does not load
    with pytest.raises(ParcoursError):  # journey() says why
        workspace.journey()


def _to_be(text: str) -> str:
    """The demo's as-is map turned into a to-be map that derives from it."""
    text = text.replace("id: mutuelle-horizon\n", "id: mutuelle-horizon-cible\n", 1)
    return text.replace(
        "state: as-is              # as-is | to-be",
        "state: to-be\nderived_from: mutuelle-horizon",
        1,
    )


def test_an_as_is_beside_its_to_be_is_the_journey(workspace):
    journeys = workspace.root / "journeys"
    shutil.copy(DEMO_JOURNEY, journeys / "mutuelle.yaml")
    to_be = _to_be(DEMO_JOURNEY.read_text(encoding="utf-8"))
    (journeys / "mutuelle-cible.yaml").write_text(to_be, encoding="utf-8")
    assert workspace.journey().id == "mutuelle-horizon"
    assert workspace.journey().state == "as-is"
    assert workspace.journey_or_none() is not None
    (journeys / "autre.yaml").write_text(  # two as-is maps: the user must name one
        DEMO_JOURNEY.read_text(encoding="utf-8").replace("id: mutuelle-horizon", "id: autre", 1),
        encoding="utf-8",
    )
    with pytest.raises(ParcoursError, match="as-is"):
        workspace.journey()


def test_customers_carry_their_persona(workspace):
    import pandas as pd

    from parcours.warehouse import PERSONA_SCORES

    people = pd.DataFrame({"customer_id": ["a", "b", "c"]})
    people["created_at"] = pd.Timestamp("2026-01-01", tz="UTC")
    for column in ("first_seen", "last_seen", "updated_at"):
        people[column] = people["created_at"]
    workspace.warehouse.write_table("customers", people)
    assert "persona" not in workspace.customers().columns  # no projection yet: the table as is
    scores = pd.DataFrame({"customer_id": ["a", "b"], "persona": ["p1", "p2"], "score": [1.0, 2.0]})
    scores["confidence"] = 0.9
    workspace.warehouse.write_table(PERSONA_SCORES, scores)
    frame = workspace.customers().to_pandas().set_index("customer_id")
    assert frame.loc["a", "persona"] == "p1"
    assert frame.loc["b", "persona"] == "p2"
    assert pd.isna(frame.loc["c", "persona"])
