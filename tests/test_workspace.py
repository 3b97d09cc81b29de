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
