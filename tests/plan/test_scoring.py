"""Scoring: RICE, ICE, classes, weighted criteria, MoSCoW, sensitivity; their properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours.errors import PlanError
from parcours.plan import (
    CLASSES,
    Idea,
    PlanSettings,
    classify,
    effort_from_days,
    ice,
    moscow_check,
    plan_settings,
    rice,
    score_ideas,
    sensitivity,
)

scores = st.floats(min_value=1, max_value=5, allow_nan=False)


def test_rice_intercom_worked_example():
    assert rice(reach=2000, impact=2, confidence=0.8, effort=3) == pytest.approx(1066.67, abs=0.005)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"reach": 10, "impact": 1, "confidence": 0.5, "effort": 0},
        {"reach": -1, "impact": 1, "confidence": 0.5, "effort": 1},
        {"reach": 10, "impact": 1, "confidence": 80, "effort": 1},
        {"reach": math.nan, "impact": 1, "confidence": 0.5, "effort": 1},
    ],
)
def test_rice_refuses_what_it_cannot_divide_or_weigh(kwargs):
    with pytest.raises(PlanError, match="expected"):
        rice(**kwargs)


def test_ice_product_or_mean_as_declared():
    assert ice(8, 5, 6) == 240
    assert ice(8, 5, 6, method="mean") == pytest.approx(19 / 3)
    with pytest.raises(PlanError, match="1 to 10"):
        ice(11, 5, 6)


@pytest.mark.parametrize(
    ("gain", "effort", "expected"),
    [(3, 2.9, "quick_win"), (3, 3, "must_have"), (2.9, 1, "nice_to_have"), (2.9, 3, "time_sink")],
)
def test_classes_at_the_threshold(gain, effort, expected):
    assert classify(gain, effort) == expected


def test_kano_must_be_is_a_must_have_whatever_its_effort():
    assert classify(1, 1, kano="M") == "must_have"
    assert classify(1, 5, kano="M") == "must_have"
    assert classify(4, 1, kano="A") == "quick_win"


@given(scores, scores, scores, st.floats(min_value=1.5, max_value=4.5))
def test_raising_gain_never_demotes(gain, effort, more, threshold):
    """More gain never moves an idea from a high-gain class to a low-gain one."""
    higher = max(gain, more)
    before = classify(gain, effort, threshold=threshold)
    after = classify(higher, effort, threshold=threshold)
    if before == "quick_win":
        assert after == "quick_win"
    if before == "must_have":
        assert after == "must_have"
    if before == "nice_to_have":
        assert after in ("nice_to_have", "quick_win")
    if before == "time_sink":
        assert after in ("time_sink", "must_have")


@given(scores, scores, scores)
def test_raising_effort_never_makes_an_idea_cheaper(gain, effort, more):
    higher = max(effort, more)
    before, after = classify(gain, effort), classify(gain, higher)
    if before in ("must_have", "time_sink"):
        assert after == before
    assert {before, after} <= set(CLASSES)


@given(st.floats(min_value=0, max_value=1000))
def test_effort_from_days_is_monotonic_on_1_to_5(days):
    assert 1 <= effort_from_days(days) <= 5
    assert effort_from_days(days) <= effort_from_days(days + 1)


def test_score_table_columns_sources_and_rank():
    ideas = [
        Idea(
            id="manual",
            title={"fr": "Manuel", "en": "Manual"},
            gain=4,
            effort=2,
            criteria={"customer_expectations": 1},
        ),
        Idea(
            id="crit",
            title="C",
            criteria={
                "customer_expectations": 5,
                "business_development": 3,
                "technical_feasibility": 2,
                "resources": 4,
            },
            effort_days=50,
        ),
        Idea(id="blank", title="B"),
        Idea(
            id="rice",
            title="R",
            gain=2,
            effort=1,
            reach=2000,
            impact=2,
            confidence=0.8,
            effort_days=60,
        ),
    ]
    table = score_ideas(ideas, lang="en")
    assert list(table.columns[:9]) == [
        "idea", "gain", "effort", "class", "class_label", "rice", "ice", "criteria", "title",
    ]  # fmt: skip
    row = table.set_index("idea")
    assert row.loc["manual", "title"] == "Manual"
    assert row.loc["manual", "class"] == "quick_win"
    assert row.loc["manual", "class_label"] == "Quick win"
    assert row.loc["manual", "gain_source"] == "manual"  # a manual score wins over criteria
    assert row.loc["crit", "gain"] == pytest.approx(4.0)
    assert row.loc["crit", "gain_source"] == "criteria"
    assert row.loc["crit", "effort"] == 4
    assert row.loc["crit", "effort_source"] == "days"
    assert row.loc["crit", "criteria"] == pytest.approx(3.5)
    assert row.loc["rice", "rice"] == pytest.approx(1066.67, abs=0.005)  # 60 days = 3 person-months
    assert row.loc["rice", "ice"] == pytest.approx(4 * 8 * 10)
    assert row.loc["blank", "class"] == ""
    assert table.iloc[-1]["idea"] == "blank"
    assert list(table["rank"]) == [1, 2, 3, 4]
    assert list(table["idea"][:2]) == ["manual", "crit"]  # same gain: the quick win first
    french = score_ideas(ideas, lang="fr").set_index("idea")
    assert french.loc["manual", "class_label"] == "Gain rapide"


def test_evidence_gain_used_only_when_nothing_else_is_known():
    import pandas as pd

    ideas = [Idea(id="a", title="A", effort=2), Idea(id="b", title="B", gain=2, effort=2)]
    evidence = pd.DataFrame({"idea": ["a", "b"], "evidence_gain": [5.0, 5.0], "kano": ["", "M"]})
    row = score_ideas(ideas, evidence=evidence).set_index("idea")
    assert (row.loc["a", "gain"], row.loc["a", "gain_source"]) == (5.0, "evidence")
    assert (row.loc["b", "gain"], row.loc["b", "evidence_gain"]) == (2.0, 5.0)
    assert row.loc["b", "class"] == "must_have"  # Kano must-be from the answers


def test_weights_from_parcours_toml(tmp_path):
    (tmp_path / "parcours.toml").write_text(
        '[plan]\nthreshold = 2.5\nice = "mean"\n[plan.weights]\ncustomer_expectations = 3\n'
        "[plan.capacity]\ndigital = 20\n",
        encoding="utf-8",
    )
    settings = plan_settings(tmp_path)
    assert settings.weights["customer_expectations"] == 3
    assert settings.weights["resources"] == 1
    assert (settings.threshold, settings.ice, settings.capacity) == (2.5, "mean", {"digital": 20})
    idea = Idea(
        id="x", title="X", criteria={"customer_expectations": 4, "business_development": 0 + 1}
    )
    assert score_ideas([idea], settings).loc[0, "gain"] == pytest.approx((3 * 4 + 1) / 4)
    (tmp_path / "parcours.toml").write_text("[plan.weights]\nresources = -1\n", encoding="utf-8")
    with pytest.raises(PlanError, match=r"\[plan\].weights.resources: expected a number >= 0"):
        plan_settings(tmp_path)


def test_sensitivity_lists_ideas_whose_class_moves_with_a_weight():
    ideas = [
        Idea(
            id="edge",
            title="E",
            effort=1,
            criteria={"customer_expectations": 4, "internal_expectations": 2},
        ),
        Idea(id="firm", title="F", gain=5, effort=1),
    ]
    moved = sensitivity(ideas, PlanSettings())
    assert set(moved["idea"]) == {"edge"}
    down = moved[(moved["criterion"] == "customer_expectations") & (moved["factor"] < 1)]
    assert list(down["class_after"]) == ["nice_to_have"]  # (0.8*4 + 2) / 1.8 = 2.89 < 3


def test_moscow_60_percent_rule_warns_in_both_languages():
    ideas = [
        Idea(id="a", title="A", moscow="must", effort_days=70),
        Idea(id="b", title="B", moscow="could", effort_days=30),
        Idea(id="c", title="C", moscow="must", effort_days=500, status="rejected"),
    ]
    check = moscow_check(ideas, lang="en")
    assert check.share == pytest.approx(0.7)
    assert check.warning is not None
    assert "70.0%" in check.warning
    assert "60%" in check.warning
    assert "70,0\u202f%" in (moscow_check(ideas, lang="fr").warning or "")
    assert moscow_check(ideas[1:]).warning is None
