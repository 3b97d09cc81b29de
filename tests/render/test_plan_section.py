"""The plan's sections of the report on the demo company (which ships about 25 ideas)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from parcours.plan import IDEAS_FILE
from parcours.render.sections import plan
from parcours.workspace import Workspace


def test_matrix_roadmap_and_kpis_on_the_demo(demo_workspace: Path) -> None:
    with Workspace.open(demo_workspace) as ws:
        found = {s.key: s for s in plan.sections(ws, None, "fr")}
    assert list(found) == ["plan_matrix", "plan_roadmap", "plan_kpis"]
    matrix = found["plan_matrix"]
    scores = matrix.tables["plan_scores"]
    assert len(scores) >= 20
    assert set(scores["class"]) <= {"quick_win", "must_have", "nice_to_have", "time_sink", ""}
    assert "<svg" in matrix.html
    assert str(scores.iloc[0]["title"]) in matrix.reading
    road = found["plan_roadmap"]
    table = road.tables["plan_roadmap"]
    assert list(table.columns) == ["idea", "team", "start", "end", "depends_on"]
    assert (pd.to_datetime(table["end"]) >= pd.to_datetime(table["start"])).all()
    # every dependency ends before its dependant starts
    ends = dict(zip(table["idea"], pd.to_datetime(table["end"]), strict=True))
    for row in table.itertuples():
        for dep in filter(None, str(row.depends_on or "").split(";")):
            if dep in ends:
                assert ends[dep] < pd.Timestamp(row.start)
    kpis = found["plan_kpis"].tables["plan_kpis"]
    assert set(kpis["status"]) <= {"on_track", "late", "reached", "no_data"}
    for section in found.values():
        assert "nan" not in section.reading.lower()


def test_without_ideas_the_section_says_how_to_add_them(
    demo_workspace: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "ws"
    shutil.copytree(demo_workspace, copy)
    (copy / IDEAS_FILE).unlink(missing_ok=True)
    with Workspace.open(copy) as ws:
        found = plan.sections(ws, None, "en")
    assert [s.key for s in found] == ["plan"]
    assert found[0].no_data
    assert "parcours plan import" in found[0].reading
