"""Churn risk ranking, reactivation targets with reasons, export and the reactivation rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parcours.lifecycle import (
    LifecycleError,
    Thresholds,
    churn_risk,
    customer_context,
    export_targets,
    lifecycle_states,
    reactivation_rate,
    reactivation_targets,
    workspace_events,
)
from parcours.workspace import Workspace

AT = pd.Timestamp("2026-04-30", tz="UTC")


@pytest.fixture(scope="module")
def demo(demo_workspace: Path) -> dict:
    with Workspace.open(demo_workspace) as ws:
        events, _ = workspace_events(ws)
        tables = {
            name: ws.table(name).to_pyarrow()
            for name in ("interactions", "responses", "transactions")
        }
        return {"events": events.to_pyarrow(), **tables}


def test_targets_are_valuable_lost_or_at_risk_customers_with_reasons(demo: dict) -> None:
    th = Thresholds(contract=True)
    behaviour = {k: demo[k] for k in ("interactions", "responses", "transactions")}
    context = customer_context(AT, **behaviour)
    risk = churn_risk(demo["events"], AT, 180, th, behaviour, snapshots=2)
    assert risk.method == "logistic"
    assert risk.training_lost >= 5
    assert risk.table["risk"].between(0, 1).all()
    assert risk.table["value_at_risk"].is_monotonic_decreasing
    targets = reactivation_targets(
        demo["events"], AT, th, context, risk=risk, control_share=0.2, lang="fr"
    )
    states = lifecycle_states(demo["events"], AT, th)
    customers = states[states["state"] != "prospect"]
    assert len(targets) > 20
    assert set(targets["state"]) <= {"lost", "at_risk", "inactive"}
    assert targets["value"].min() >= customers["value"].median()
    assert targets["value"].is_monotonic_decreasing
    lost = set(customers.loc[customers["state"] == "lost", "customer_id"])
    valuable_lost = {
        c
        for c in lost
        if customers.set_index("customer_id").loc[c, "value"] >= customers["value"].median()
    }
    assert valuable_lost <= set(targets["customer_id"])  # every valuable lost member is listed
    assert targets["reason"].str.len().gt(0).all()
    cancelled = targets[targets["state"] == "lost"]
    assert cancelled["reason"].str.startswith("a résilié le").all()
    assert targets["reason"].str.contains("dernier irritant").any()
    assert targets["segment"].str.contains("Formule").any()
    assert targets["segment"].str.contains(" / digital").any()
    for column in ("main_channel", "channels", "products", "last_touchpoint", "risk"):
        assert column in targets.columns
    assert (targets.loc[targets["state"] == "lost", "risk"] == 1.0).all()
    control = (targets["group"] == "control").mean()
    assert 0.15 < control < 0.25


def test_export_csv_and_parquet(demo: dict, tmp_path: Path) -> None:
    targets = reactivation_targets(demo["events"], AT, Thresholds(contract=True), lang="en")
    csv = export_targets(targets, tmp_path / "out" / "targets.csv")
    back = pd.read_csv(csv, encoding="utf-8-sig")
    assert back["customer_id"].tolist() == targets["customer_id"].tolist()
    parquet = export_targets(targets, tmp_path / "targets.parquet")
    assert pd.read_parquet(parquet)["reason"].tolist() == targets["reason"].tolist()
    with pytest.raises(LifecycleError, match=r"\.csv or \.parquet"):
        export_targets(targets, tmp_path / "targets.xlsx")


def test_reactivation_rate_against_control() -> None:
    rng = np.random.default_rng(1)
    ids = [f"c{i}" for i in range(400)]
    targets = pd.DataFrame({"customer_id": ids, "group": ["target"] * 300 + ["control"] * 100})
    came_back = [
        c
        for i, c in enumerate(ids)
        if (i < 300 and rng.random() < 0.3) or (i >= 300 and rng.random() < 0.1)
    ]
    events = pd.DataFrame(
        {
            "customer_id": came_back + ids,
            "ts": pd.to_datetime(["2026-06-01"] * len(came_back) + ["2026-01-01"] * 400, utc=True),
            "kind": "purchase",
            "amount": 10.0,
        }
    )
    rate = reactivation_rate(targets, events, since="2026-05-01").set_index("group")
    target, control, uplift = rate.loc["target"], rate.loc["control"], rate.loc["uplift"]
    assert target["customers"] == 300
    assert target["came_back"] == sum(c in came_back for c in ids[:300])
    assert target["low"] < target["rate"] < target["high"]
    assert control["rate"] < target["rate"]
    assert uplift["rate"] == pytest.approx(target["rate"] - control["rate"])
    assert 0 < uplift["low"] < uplift["rate"] < uplift["high"]
    only = reactivation_rate(targets.drop(columns="group"), events, since="2026-05-01")
    assert only["group"].tolist() == ["target", "control"]  # no control: no uplift row
    with pytest.raises(LifecycleError, match="came_back"):
        reactivation_rate(targets, events, since="2026-05-01", came_back="visit")
