"""Shared fixtures: fresh workspaces, the public reference data vendored under tests/cases/reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcours.workspace import Workspace

CASES = Path(__file__).parent
REFERENCE = CASES / "cases" / "reference"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws", name="test")
    yield ws
    ws.close()


@pytest.fixture(scope="session")  # session: module fixtures that read reference data use it too
def reference_data() -> Path:
    """The public datasets the published-figure tests run on (see its README for sources)."""
    return REFERENCE


DEMO_PEOPLE = 5_000
DEMO_SEED = 11


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo company (5,000 people, seed 11) generated, ingested and reported once per session.

    Shared by every capability's tests (analytics, voc, lifecycle, personas, render...): treat it as
    read-only; open it with ``Workspace.open(path)`` and close it (``with``). Its planted truth is
    ``parcours.demo.load_truth(path)``. A test that must write copies the folder first.
    """
    from io import StringIO

    from rich.console import Console

    from parcours.demo.run import run_demo

    out = tmp_path_factory.mktemp("shared-demo") / "mutuelle"
    run_demo(out, customers=DEMO_PEOPLE, seed=DEMO_SEED, console=Console(file=StringIO()))
    return out
