"""Attribution: totals are conserved, removal effects equal the hand-computed absorbing chain."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.analytics.conftest import events

from parcours import analytics

# "a > b": 1 conversion, 1 null; "b": 2 nulls; "a": 1 conversion. By hand (order 1):
# start->a 3/5, start->b 2/5; a->b 2/3, a->conv 1/3; b->conv 1/4, b->null 3/4.
# P(b)=1/4, P(a)=2/3*1/4+1/3=1/2, P=3/5*1/2+2/5*1/4=2/5.
# Without a: 2/5*1/4=1/10, effect 3/4. Without b: 3/5*1/3=1/5, effect 1/2. Shares 0.6, 0.4.
SMALL = pd.DataFrame(
    {
        "path": ["a > b", "b", "a"],
        "total_conversions": [1, 0, 1],
        "total_conversion_value": [10.0, 0.0, 20.0],
        "total_null": [1, 2, 0],
    }
)


def test_markov_removal_effects_equal_the_hand_computed_chain():
    effects = analytics.removal_effects(SMALL).set_index("touchpoint")
    assert effects.conversion_probability.iloc[0] == pytest.approx(2 / 5)
    assert effects.loc["a", "probability_without"] == pytest.approx(1 / 10)
    assert effects.loc["a", "removal_effect"] == pytest.approx(3 / 4)
    assert effects.loc["b", "removal_effect"] == pytest.approx(1 / 2)
    credit = analytics.attribution(SMALL).to_pandas().set_index("touchpoint")
    assert credit.conversions.to_dict() == pytest.approx({"a": 1.2, "b": 0.8})
    assert credit.value.to_dict() == pytest.approx({"a": 18.0, "b": 12.0})


def test_without_non_converting_paths_only_the_converting_flow_counts():
    effects = analytics.removal_effects(SMALL, include_non_converting=False).set_index("touchpoint")
    # Converting flows: "a > b" and "a": P = 1; without a: 0; without b: 1/2.
    assert effects.loc["a", "removal_effect"] == pytest.approx(1.0)
    assert effects.loc["b", "removal_effect"] == pytest.approx(0.5)


def test_second_order_chain_remembers_the_previous_touchpoint():
    paths = pd.DataFrame(
        {"path": ["a > c", "b > c"], "total_conversions": [2, 0], "total_null": [0, 2]}
    )
    first = analytics.removal_effects(paths, order=1).set_index("touchpoint")
    second = analytics.removal_effects(paths, order=2).set_index("touchpoint")
    # Order 1 mixes the two histories at c; order 2 knows only "a > c" converts.
    assert first.conversion_probability.iloc[0] == pytest.approx(0.5)
    assert second.conversion_probability.iloc[0] == pytest.approx(0.5)
    assert second.loc["b", "removal_effect"] == pytest.approx(0.0)
    assert first.loc["b", "removal_effect"] == pytest.approx(0.5)  # b shares c's conversions


@pytest.mark.parametrize("model", ["first", "last", "linear", "position"])
def test_heuristic_models_on_the_small_paths(model):
    credit = analytics.attribution(SMALL, model=model).to_pandas().set_index("touchpoint")
    expected = {
        "first": {"a": 2.0},
        "last": {"a": 1.0, "b": 1.0},
        "linear": {"a": 1.5, "b": 0.5},
        "position": {"a": 1.5, "b": 0.5},
    }[model]
    credited = {k: v for k, v in credit.conversions.to_dict().items() if v}
    assert credited == pytest.approx(expected)


@pytest.fixture(scope="module")
def channel_paths(reference_data):
    return pd.read_csv(reference_data / "attribution" / "channelattribution_paths.csv.gz", sep=";")


@pytest.mark.parametrize(
    ("model", "order"),
    [
        ("markov", 1),
        ("markov", 2),
        ("first", 1),
        ("last", 1),
        ("linear", 1),
        ("position", 1),
        ("time_decay", 1),
    ],
)
def test_channelattribution_totals_are_conserved(channel_paths, model, order):
    credit = analytics.attribution(channel_paths, model=model, order=order).to_pandas()
    assert credit.conversions.sum() == pytest.approx(19_785)
    assert credit.value.sum() == pytest.approx(74_802.97, abs=0.01)
    assert len(credit) == 12


def test_channelattribution_without_non_converting_paths(channel_paths):
    assert channel_paths.total_null.sum() == 68_602
    credit = analytics.attribution(channel_paths, include_non_converting=False).to_pandas()
    assert credit.conversions.sum() == pytest.approx(19_785)
    assert (credit.removal_effect > 0).all()


LOG = events(
    [
        ("p", "2026-01-01", "web"),
        ("p", "2026-01-02", "email"),
        ("p", "2026-01-03", "buy"),
        ("p", "2026-01-04", "web"),  # after the purchase: a non-converting path
        ("q", "2026-01-01", "email"),
    ]
)


def test_raw_events_become_paths_up_to_each_conversion():
    paths = analytics.conversion_paths(LOG, "buy").to_pandas().set_index("path")
    assert paths.total_conversions.to_dict() == {"web > email": 1, "email": 0, "web": 0}
    assert paths.total_null.to_dict() == {"web > email": 0, "email": 1, "web": 1}
    credit = analytics.attribution(LOG, model="last", conversions="buy").to_pandas()
    assert dict(zip(credit.touchpoint, credit.conversions, strict=True)) == {
        "email": 1.0,
        "web": 0.0,
    }


def test_time_decay_on_raw_events_halves_per_half_life():
    credit = analytics.attribution(LOG, model="time_decay", conversions="buy", half_life="1d")
    got = credit.to_pandas().set_index("touchpoint").conversions.to_dict()
    # web 2 days before (weight 1/4), email 1 day before (1/2): shares 1/3 and 2/3.
    assert got == pytest.approx({"web": 1 / 3, "email": 2 / 3})


def test_unknown_model_is_refused():
    with pytest.raises(analytics.AnalyticsError, match="markov"):
        analytics.attribution(SMALL, model="shapley")  # type: ignore[arg-type]
