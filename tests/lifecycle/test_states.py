"""Lifecycle states find the demo's planted churners; transitions conserve customers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.demo import load_truth
from parcours.lifecycle import (
    STATES,
    LifecycleError,
    Thresholds,
    churn_rates,
    lifecycle_events,
    lifecycle_states,
    transitions,
    workspace_events,
)
from parcours.workspace import Workspace

END = "2026-10-31 23:59:59"


@pytest.fixture(scope="module")
def demo(demo_workspace: Path) -> tuple:
    with Workspace.open(demo_workspace) as ws:
        events, contract = workspace_events(ws)
        events = events.to_pyarrow()  # detached from the workspace connection
        ids = ws.table("identities").to_pandas()
    truth = load_truth(demo_workspace)
    people = pd.read_parquet(truth.directory / "truth_customers.parquet")
    crm = ids[ids["kind"] == "crm_id"][["customer_id", "value"]]
    people = people.merge(crm, left_on="crm_id", right_on="value")
    return events, contract, people, truth


def test_lost_members_are_exactly_the_planted_churners(demo: tuple) -> None:
    events, contract, people, truth = demo
    assert contract  # cancellations are recorded: members are lost by cancelling only
    states = lifecycle_states(events, END, Thresholds(contract=True))
    lost = set(states.loc[states["state"] == "lost", "customer_id"])
    churners = set(people.loc[people["churned"], "customer_id"])
    assert len(churners) == truth.churn.churned
    assert lost == churners
    members = set(people.loc[people["subscribed"], "customer_id"])
    assert set(states.loc[states["state"] != "prospect", "customer_id"]) == members
    assert len(members) == truth.churn.members


def test_silence_thresholds_flag_churners_as_lost(demo: tuple) -> None:
    events, _, people, _ = demo
    states = lifecycle_states(events, END, Thresholds()).merge(
        people[["customer_id", "churned"]], on="customer_id"
    )
    lost = states["state"] == "lost"
    assert states.loc[states["churned"], "state"].eq("lost").all()
    precision = states.loc[lost, "churned"].mean()
    assert precision > 0.9  # a few silent members pass the one-year threshold
    relative = lifecycle_states(events, END, Thresholds(relative=True))
    assert set(relative["state"]) <= set(STATES)


def test_churn_rate_per_year_matches_the_planted_hazard(demo: tuple) -> None:
    events, _, _, truth = demo
    rates = churn_rates(events, "Y", thresholds=Thresholds(contract=True), lang="fr")
    full_years = rates[rates["customers_at_start"] > 100]
    assert len(full_years) >= 2
    planted = truth.churn.annual_rate
    for rate in full_years["rate"]:
        assert planted * 0.5 < rate < planted * 1.6
    assert rates["definition"].iloc[0].startswith("Taux d'attrition = clients perdus")
    assert "résiliation" in rates["definition"].iloc[0]


def test_transition_matrix_conserves_customers(demo: tuple) -> None:
    events, _, _, _ = demo
    th = Thresholds(contract=True)
    matrix = transitions(events, "2025-10-31", END, th)
    end = lifecycle_states(events, END, th)
    assert int(matrix.to_numpy().sum()) == len(end)
    assert (
        matrix.sum(axis=0).to_dict()
        == end["state"].value_counts().reindex(list(STATES), fill_value=0).to_dict()
    )
    # nobody comes back from lost without a new purchase, and a new member can't be a prospect
    assert matrix.loc["lost", "prospect"] == 0
    assert matrix.loc["new", "prospect"] == 0
    with pytest.raises(LifecycleError, match="start on or before end"):
        transitions(events, END, "2025-01-01")


def _events(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "ts", "kind"])
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    frame["amount"] = np.where(frame["kind"] == "purchase", 10.0, np.nan)
    return frame


def test_each_state_on_a_small_history() -> None:
    events = _events(
        [
            ("prospect", "2026-01-01", "known"),
            ("new", "2026-11-01", "purchase"),
            ("active", "2025-01-01", "purchase"),
            ("active", "2026-11-15", "activity"),
            ("risk", "2025-01-01", "purchase"),
            ("risk", "2026-08-01", "purchase"),
            ("inactive", "2025-01-01", "purchase"),
            ("inactive", "2026-04-01", "purchase"),
            ("lost", "2024-01-01", "purchase"),
            ("cancel", "2025-01-01", "purchase"),
            ("cancel", "2026-10-01", "cancel"),
            ("back", "2024-01-01", "purchase"),
            ("back", "2024-06-01", "cancel"),
            ("back", "2026-11-20", "purchase"),
        ]
    )
    states = lifecycle_states(events, "2026-12-01", lang="fr").set_index("customer_id")
    assert states["state"].to_dict() == {
        "active": "active",
        "back": "reactivated",
        "cancel": "lost",
        "inactive": "inactive",
        "lost": "lost",
        "new": "new",
        "prospect": "prospect",
        "risk": "at_risk",
    }
    assert states.loc["back", "state_label"] == "Réactivé"
    assert states.loc["risk", "value"] == 20.0


def test_relative_thresholds_follow_each_rhythm() -> None:
    weekly = [("weekly", f"2026-0{m}-{d:02d}", "purchase") for m in (1, 2) for d in (1, 8, 15, 22)]
    yearly = [("yearly", f"20{y}-02-22", "purchase") for y in (22, 23, 24, 25)]
    events = _events(weekly + yearly)
    fixed = lifecycle_states(events, "2026-04-15").set_index("customer_id")["state"]
    relative = lifecycle_states(events, "2026-04-15", Thresholds(relative=True))
    relative = relative.set_index("customer_id")["state"]
    assert fixed["weekly"] == "active"
    assert relative["weekly"] == "lost"  # 52 days of silence is 7 of its weekly gaps
    assert fixed["yearly"] == "lost"
    assert relative["yearly"] == "active"  # 417 days is 1.1 of its yearly gap (limit 1.5)


def test_thresholds_are_validated() -> None:
    with pytest.raises(LifecycleError, match="active <= at risk <= inactive"):
        Thresholds(active_days=200, at_risk_days=100)
    with pytest.raises(LifecycleError, match="expected transactions"):
        lifecycle_events()


_ORDER = {"active": 0, "at_risk": 1, "inactive": 2, "lost": 3}


@settings(max_examples=10, deadline=None)
@given(
    gaps=st.lists(st.integers(1, 400), min_size=1, max_size=6),
    silence=st.integers(0, 900),
    scale=st.floats(1.0, 3.0),
)
def test_longer_thresholds_never_make_a_customer_more_lost(
    gaps: list[int], silence: int, scale: float
) -> None:
    start = pd.Timestamp("2020-01-01", tz="UTC")
    days = np.cumsum([0, *gaps])
    events = _events(
        [("c", str((start + pd.Timedelta(days=int(d))).date()), "purchase") for d in days]
    )
    at = start + pd.Timedelta(days=int(days[-1] + silence))
    base = Thresholds(new_days=0)
    wide = Thresholds(
        new_days=0,
        active_days=base.active_days * scale,
        at_risk_days=base.at_risk_days * scale,
        inactive_days=base.inactive_days * scale,
    )
    s1 = lifecycle_states(events, at, base)["state"].iloc[0]
    s2 = lifecycle_states(events, at, wide)["state"].iloc[0]
    if s1 in _ORDER and s2 in _ORDER:
        assert _ORDER[s2] <= _ORDER[s1]


def test_a_cancellation_date_on_the_customer_makes_them_lost() -> None:
    transactions = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "ts": pd.to_datetime(["2026-01-01", "2026-01-01"], utc=True),
            "amount": [100.0, 100.0],
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "created_at": pd.to_datetime(["2025-12-01", "2025-12-01"], utc=True),
            "cancelled_on": pd.to_datetime([None, "2026-03-01"]).date,
        }
    )
    events = lifecycle_events(transactions, customers=customers)
    states = lifecycle_states(events, "2026-03-15", Thresholds(contract=True))
    assert states.set_index("customer_id")["state"].to_dict() == {"a": "new", "b": "lost"}
    before = lifecycle_states(events, "2026-02-15", Thresholds(contract=True))
    assert before.set_index("customer_id")["state"].to_dict() == {"a": "new", "b": "new"}
