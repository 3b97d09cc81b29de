"""Shared fixtures: fresh workspaces, the shared reference data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcours.workspace import Workspace

SHARED = Path(__file__).resolve().parents[2] / "shared"
CASES = Path(__file__).parent


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws", name="test")
    yield ws
    ws.close()


@pytest.fixture
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(
            f"the shared reference data is not at {data} (CI places shared/ beside the repo)"
        )
    return data
