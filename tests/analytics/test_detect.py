"""Redundancies, ruptures, blocking points, timing and matrix extras recover the demo's truth."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.analytics.conftest import events

from parcours import analytics
from parcours.demo import load_truth
from parcours.workspace import Workspace


@pytest.fixture(scope="module")
def demo(demo_workspace):
    with Workspace.open(demo_workspace) as ws:
        yield ws, ws.journey(), ws.table("interactions"), load_truth(demo_workspace)


def test_redundant_push_messages_are_the_planted_pair(demo):
    _, _, interactions, truth = demo
    found = analytics.redundancies(interactions, gap="10min").to_pandas()
    planted = truth.redundant_touchpoints[0]
    top = found.iloc[0]
    assert (top["first"], top["second"]) == tuple(planted.touchpoints)
    assert top.customers == planted.customers
    assert top.max_gap_seconds <= (planted.max_gap_minutes + 1) * 60
    assert abs(top.median_gap_seconds - planted.median_gap_seconds) <= 60  # minute precision
    assert (found.customers.iloc[1:] < planted.customers / 100).all()


def test_the_planted_rupture_is_counted_from_the_journey_map(demo):
    _, journey, interactions, truth = demo
    found = analytics.ruptures(interactions, journey, within="30d").to_pandas()
    assert dict(zip(found.rupture, found.customers, strict=True)) == truth.ruptures


def test_discovered_ruptures_restart_the_stage_on_another_channel():
    log = events(
        [
            ("a", "2026-01-01 10:00", "quote-web", "web", "quote"),
            ("a", "2026-01-01 10:40", "quote-phone", "phone", "quote"),  # within the hour
            ("b", "2026-01-01 10:00", "quote-web", "web", "quote"),
            ("b", "2026-01-01 12:00", "quote-phone", "phone", "quote"),  # too late
            ("c", "2026-01-01 10:00", "quote-web", "web", "quote"),
            ("c", "2026-01-01 10:10", "quote-web", "web", "quote"),  # same channel
        ],
        ("customer_id", "ts", "touchpoint", "channel", "stage"),
    )
    found = analytics.ruptures(log, within="1h").to_pandas()
    assert len(found) == 1
    row = found.iloc[0]
    assert (row.from_touchpoint, row.to_touchpoint, row.customers) == (
        "quote-web",
        "quote-phone",
        1,
    )
    assert row.median_gap_seconds == 40 * 60


def test_never_observed_touchpoints_and_undefined_codes(demo):
    _, journey, interactions, truth = demo
    missing = analytics.missing_touchpoints(interactions, journey).to_pandas()
    assert tuple(missing.touchpoint) == truth.never_observed_touchpoints
    codes = analytics.undefined_event_codes(interactions).to_pandas()
    assert (
        dict(zip(codes.event_code, codes.interactions, strict=True)) == truth.undefined_event_codes
    )


def test_matrix_period_over_period_and_preferred_channel(demo):
    _, _, interactions, _ = demo
    overall = analytics.matrix(interactions).to_pandas()
    monthly = analytics.matrix(interactions, period="month").to_pandas()
    assert monthly.interactions.sum() == overall.interactions.sum()
    later = monthly.dropna(subset=["previous_interactions"])
    assert len(later) > 0
    assert (later.change == later.interactions / later.previous_interactions - 1).all()
    # previous_interactions of a month is the interactions of the month before
    key = monthly.set_index(["period", "stage", "channel"]).interactions
    row = later.iloc[0]
    assert (
        key[(row.period - pd.DateOffset(months=1), row.stage, row.channel)]
        == row.previous_interactions
    )
    preferred = analytics.preferred_channels(interactions).to_pandas().set_index("stage")
    assert preferred.loc["reimbursement", "channel"] == "app"
    assert (preferred.share >= preferred.runner_up_share).all()


def test_blocking_points_rank_stages_by_lost_customers(demo):
    _, journey, interactions, truth = demo
    ranked = analytics.blocking_points(interactions, journey).to_pandas()
    assert list(ranked.stage) == ["compare", "quote", "subscribe"]
    assert list(ranked["rank"]) == [1, 2, 3]
    quote = ranked.set_index("stage").loc["quote"]
    transition = truth.transition("quote", "subscribe")
    assert quote.customers == transition.entered
    assert quote.customers - quote.lost == transition.converted
    assert (ranked.lost.diff().dropna() <= 0).all()


def test_timing_between_stages_overall_by_channel_and_by_persona(demo):
    _, journey, interactions, truth = demo
    overall = analytics.timing(interactions, journey).to_pandas()
    assert list(zip(overall.from_stage, overall.to_stage, strict=True))[:2] == [
        ("compare", "quote"),
        ("quote", "subscribe"),
    ]
    assert (overall.p90_seconds >= overall.median_seconds).all()
    by_channel = analytics.timing(interactions, journey, by="channel").to_pandas()
    quote = overall.set_index("from_stage").loc["quote"]
    assert by_channel[by_channel.from_stage == "quote"].customers.sum() == quote.customers
    people = truth.customers()
    assert "persona" in people.columns


def test_timing_by_a_customer_column():
    log = events(
        [
            ("a", "2026-01-01 10:00", "x", "quote"),
            ("a", "2026-01-01 12:00", "y", "subscribe"),
            ("b", "2026-01-01 10:00", "x", "quote"),
            ("b", "2026-01-02 10:00", "y", "subscribe"),
        ],
        ("customer_id", "ts", "touchpoint", "stage"),
    )
    people = pd.DataFrame({"customer_id": ["a", "b"], "persona": ["young", "senior"]})
    got = analytics.timing(log, ["quote", "subscribe"], by="persona", customers=people).to_pandas()
    assert dict(zip(got.persona, got.median_seconds, strict=True)) == {
        "senior": 86400.0,
        "young": 7200.0,
    }


def test_winning_journeys_odds_ratios_with_smoothing():
    rows = []
    for i in range(10):  # winners all saw the demo, most losers did not
        rows += [(f"w{i}", "2026-01-01", "demo"), (f"w{i}", "2026-01-02", "buy")]
    for i in range(10):
        rows += [(f"l{i}", "2026-01-01", "demo" if i < 2 else "ad")]
    found = analytics.winning_journeys(events(rows), "buy", lengths=[1], min_support=1).to_pandas()
    demo = found.set_index("pattern").loc["demo"]
    assert (demo.with_outcome, demo.without_outcome) == (10, 2)
    assert demo.odds_ratio == pytest.approx(((10 + 1) / (0 + 1)) / ((2 + 1) / (8 + 1)))
    assert bool(demo.significant)
    assert "buy" not in set(found.pattern)
    assert found.iloc[0].pattern == "demo"


def test_winning_journeys_on_the_demo_respect_the_minimum_support(demo):
    _, _, interactions, _ = demo
    found = analytics.winning_journeys(
        interactions, {"stage": "subscribe"}, min_support=50
    ).to_pandas()
    assert ((found.with_outcome + found.without_outcome) >= 50).all()
    assert set(found.length) <= {1, 2, 3}
    assert found.significant.any()
