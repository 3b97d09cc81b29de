"""Fixtures of the plan tests: case files, the demo journey map, a workspace holding it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parcours.demo import JOURNEY_PATH
from parcours.model import load_journey

CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="session")
def journey():
    return load_journey(JOURNEY_PATH)


@pytest.fixture
def plan_workspace(workspace):
    """A fresh workspace with the demo journey map and no ideas yet."""
    shutil.copyfile(JOURNEY_PATH, workspace.path("journeys", "mutuelle.yaml"))
    return workspace
