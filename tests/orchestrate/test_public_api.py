"""The orchestrate package's public surface, and its report section."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.orchestrate._helpers import make_workspace, people, signups

import parcours.orchestrate as orchestrate
from parcours.errors import ParcoursError
from parcours.render.sections.orchestrate import sections as report_sections
from parcours.workspace import Workspace


def test_every_public_name_exists_and_errors_share_the_root() -> None:
    for name in orchestrate.__all__:
        assert getattr(orchestrate, name) is not None
    assert issubclass(orchestrate.OrchestrateError, ParcoursError)


def test_importing_orchestrate_loads_no_engine_or_dataframe_library() -> None:
    code = (
        "import sys, parcours.orchestrate; "
        "print(sorted(m for m in ('duckdb', 'ibis', 'pyspark', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_report_section_says_when_nothing_ran_then_shows_the_scenarios(
    tmp_path: Path, sink
) -> None:
    empty = Workspace.init(tmp_path / "empty")
    (section,) = report_sections(empty, None, "fr")
    assert section.no_data
    assert "Aucun scénario" in section.reading
    ws = make_workspace(
        tmp_path / "ws", f"sqlite:///{tmp_path / 'ops.sqlite'}", sink, scenarios=["two_emails.yaml"]
    )
    orch = orchestrate.from_workspace(ws)
    customers = people(5, prefix="r")
    orch.upsert_contacts(customers)
    orch.set_consent({"customer_id": c["customer_id"]} for c in customers)
    orch.ingest(signups(customers, time.time()))
    orch.run_due()
    orch.store.dispose()
    (section,) = report_sections(ws, None, "en")
    assert not section.no_data
    assert "10 message(s) sent" in section.reading
    frame = section.tables["orchestrate_scenarios"]
    assert frame.loc[0, "sent"] == 10
