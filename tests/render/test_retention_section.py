"""The report's retention sections on the demo company (a mutual: cancellations are recorded)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from parcours.render.sections import BUILDERS, retention
from parcours.workspace import Workspace


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_cohorts_and_contractual_retention_on_the_demo(demo_workspace: Path, lang: str) -> None:
    with Workspace.open(demo_workspace) as ws:
        found = {s.key: s for s in retention.sections(ws, None, lang)}
        interactions = ws.table("interactions").to_pandas()
    assert set(found) == {"retention", "contract"}
    cohorts = found["retention"]
    assert not cohorts.no_data
    assert "<svg" in cohorts.html
    table = cohorts.tables["retention_cohorts"]
    # interval 0 of the last cohort = customers with a contact of their own in the last month
    pull = interactions[interactions["direction"] == "pull"].copy()
    ts = pd.to_datetime(pull["ts"], utc=True)
    month = ts.dt.year * 12 + ts.dt.month
    expected = pull.loc[month == month.max(), "customer_id"].nunique()
    last = table[table["interval"] == 0].sort_values("cohort").iloc[-1]
    assert int(last["customers"]) == expected
    contract = found["contract"]
    assert "Kaplan-Meier" in contract.html
    clv = contract.tables["contract_clv"]
    assert (clv["clv"] >= 0).all()
    assert clv["clv"].notna().all()
    word = "résiliations" if lang == "fr" else "cancellations"
    assert word in contract.reading
    assert "nan" not in contract.reading.lower()


def test_retention_is_in_the_report_order() -> None:
    assert [b.name for b in BUILDERS].index("retention") == [b.name for b in BUILDERS].index(
        "lifecycle"
    ) + 1
