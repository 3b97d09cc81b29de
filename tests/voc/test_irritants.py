"""Irritant weight = occurrences x touchpoint volume x recency decay, hand-computed."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.errors import ParcoursError
from parcours.voc import emotion_curve, peak_end, rank_verbatims

NOW = pd.Timestamp("2026-06-30", tz="UTC")


def _verbatims(rows: list[tuple[str, str | None, int, str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "stage": stage,
                "touchpoint": tp,
                "ts": NOW - pd.Timedelta(days=age),
                "label": label,
                "theme": theme,
                "verbatim": text,
                "score": score,
            }
            for stage, tp, age, label, theme, text, score in rows
        ]
    )


def test_weight_hand_computed() -> None:
    frame = _verbatims(
        [
            (
                "reimbursement",
                "reimbursement-mail",
                0,
                "irritant",
                "delays",
                "Trop long, vraiment",
                -2.0,
            ),
            (
                "reimbursement",
                "reimbursement-mail",
                180,
                "irritant",
                "delays",
                "Délais honteux !!!",
                -3.0,
            ),
            (
                "reimbursement",
                "reimbursement-mail",
                1080,
                "irritant",
                "delays",
                "Furieux, 3 semaines",
                -3.0,
            ),
            ("quote", "quote-web", 0, "irritant", "clarity", "Devis incompréhensible", -2.0),
            ("quote", None, 0, "irritant", "price", "Trop cher pour moi", -1.0),
            ("quote", "quote-web", 0, "enchantment", "delays", "Devis en une heure, top", 2.0),
        ]
    )
    ranked = rank_verbatims(
        frame,
        {"reimbursement-mail": 100, "quote-web": 40},
        stage_volumes={"quote": 500},
        half_life_days=180,
        reference=NOW,
    )
    assert list(ranked["theme"]) == ["price", "delays", "clarity"]  # 500 > 151.6 > 40
    first = ranked.iloc[1]
    # (1 + 0.5 + 0.5^6) x 100: three years ago weighs 1/64 of today
    assert first["weight"] == pytest.approx((1 + 0.5 + 1 / 64) * 100)
    assert first["occurrences"] == 3
    assert first["recency"] == pytest.approx(1 + 0.5 + 1 / 64)
    # best = |polarity| x decay x readability: 2 x 1 > 3 x 0.5 > 3 / 64
    assert first["examples"] == ["Trop long, vraiment", "Délais honteux !!!", "Furieux, 3 semaines"]
    by_theme = ranked.set_index("theme")
    assert by_theme.loc["price", "weight"] == pytest.approx(500)  # no touchpoint: stage volume
    assert by_theme.loc["price", "touchpoint"] is None
    assert by_theme.loc["clarity", "weight"] == pytest.approx(40)
    assert "enchantment" not in set(ranked["kind"])  # irritants only by default
    both = rank_verbatims(frame, kinds=("irritant", "enchantment"), reference=NOW)
    assert set(both["kind"]) == {"irritant", "enchantment"}
    assert (both["volume"] == 1).all()  # no volumes given: each counts 1


def test_half_life_must_be_positive() -> None:
    with pytest.raises(ParcoursError, match="half_life_days"):
        rank_verbatims(_verbatims([]).reindex(columns=["stage"]), half_life_days=0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 2000), min_size=1, max_size=30), st.floats(30, 1000))
def test_older_evidence_weighs_less(ages: list[int], half_life: float) -> None:
    rows = [("s", "t", a, "irritant", "delays", f"lent {i}", -1.0) for i, a in enumerate(ages)]
    base = rank_verbatims(
        _verbatims(rows), {"t": 10}, half_life_days=half_life, reference=NOW
    ).iloc[0]["weight"]
    assert 0 < base <= 10 * len(ages) + 1e-9
    older = [(s, t, a + 30, k, th, v, sc) for s, t, a, k, th, v, sc in rows]
    aged = rank_verbatims(
        _verbatims(older), {"t": 10}, half_life_days=half_life, reference=NOW
    ).iloc[0]["weight"]
    assert aged < base


def test_emotion_curve_and_peak_end_hand_computed() -> None:
    answers = pd.DataFrame(
        {
            "answer": ["a", "a", "b", "c", "d"],
            "stage": ["quote", "quote", "quote", "reimbursement", "cancel"],
            "metric": ["csat", "nps", "nps", "verbatim", "nps"],
            "score": [5, 0, 10, -3.0, 0],
        }
    )
    curve = emotion_curve(answers, ["quote", "reimbursement", "cancel"]).set_index("stage")
    # quote: answer a's CSAT 5 -> +2 (its NPS is ignored), answer b's NPS 10 -> +2
    assert curve.loc["quote", "value"] == pytest.approx(2.0)
    assert curve.loc["quote", "n"] == 2
    assert curve.loc["reimbursement", "value"] == pytest.approx(-2.0)  # polarity clipped
    assert curve.loc["cancel", "value"] == pytest.approx(-2.0)  # NPS 0 -> -2
    # peak: most intense value (+2 first met), end: -2 -> (2 - 2) / 2 = 0
    assert peak_end(curve["value"]) == pytest.approx(0.0)
    assert peak_end([0.5, -1.5, 1.0]) == pytest.approx((-1.5 + 1.0) / 2)
    assert peak_end([]) is None


def test_emotion_from_recommendation_is_neutral_at_a_passive_and_negative_for_detractors() -> None:
    from parcours.voc import score_emotion

    assert score_emotion("nps", 7) == pytest.approx(0.0)  # a passive: neither pleased nor hurt
    assert score_emotion("nps", 5) < -1  # a detractor lowers the curve (NPS counts them against)
    assert score_emotion("nps", 6) < 0
    assert score_emotion("nps", 9) > 1  # a promoter lifts it
    assert score_emotion("nps", 0) == pytest.approx(-2.0)
    assert score_emotion("nps", 10) == pytest.approx(2.0)
    detractors = pd.DataFrame(  # a complaint stage: NPS -100, its emotion clearly negative
        {"answer": list("abcd"), "stage": ["complaint"] * 4, "metric": ["nps"] * 4}
    ).assign(score=[3, 5, 6, 4])
    assert emotion_curve(detractors).loc[0, "value"] < -1
