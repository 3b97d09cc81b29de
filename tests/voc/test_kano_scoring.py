"""Kano and experience scoring against hand-computed cases (tests/voc/cases)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parcours.errors import ParcoursError
from parcours.voc import (
    employee_experience,
    kano,
    kano_category,
    read_observations,
    read_reference,
    score_actions,
    score_experience,
)

CASES = Path(__file__).parent / "cases"


def test_evaluation_table() -> None:
    assert kano_category("like", "dislike") == "O"
    assert kano_category("like", "neutral") == "A"
    assert kano_category("neutral", "dislike") == "M"
    assert kano_category("must-be", "live-with") == "I"
    assert kano_category("dislike", "like") == "R"
    assert kano_category("like", "like") == "Q"
    assert kano_category("dislike", "dislike") == "Q"
    assert kano_category(1, 5) == "O"  # 1 = like ... 5 = dislike
    assert kano_category("J'aime", "Je n'aime pas") == "O"
    assert kano_category("C'est normal", "Ça m'est égal") == "I"
    with pytest.raises(ParcoursError, match="expected a Kano answer"):
        kano_category("maybe", "like")


def _answers(feature: str, pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"feature": feature, "functional": f, "dysfunctional": d} for f, d in pairs]


def test_kano_categories_coefficients_and_verdicts() -> None:
    rows = (
        # app-claims: 4 A, 3 O, 2 M, 1 I -> A; Better 7/10, Worse -5/10 -> approved
        _answers("app-claims", [("like", "neutral")] * 4 + [("like", "dislike")] * 3)
        + _answers("app-claims", [("neutral", "dislike")] * 2 + [("neutral", "neutral")])
        # tie 3 M, 3 O, 2 A -> M (M > O > A > I); Better 5/8, Worse -6/8
        + _answers("card", [("neutral", "dislike")] * 3 + [("like", "dislike")] * 3)
        + _answers("card", [("like", "live-with")] * 2)
        # 5 I, 1 A -> I; Better 1/6 = 0.1667, Worse 0 -> rejected
        + _answers("newsletter", [("neutral", "neutral")] * 5 + [("like", "neutral")])
        # 3 R, 1 A -> R -> rejected; Better 1/1, Worse 0
        + _answers("video-call", [("dislike", "like")] * 3 + [("like", "neutral")])
        # 2 I, 1 A, 1 O -> I; Better 2/4 = 0.5 -> to study
        + _answers(
            "chat", [("neutral", "neutral")] * 2 + [("like", "neutral"), ("like", "dislike")]
        )
    )
    result = kano(pd.DataFrame(rows)).set_index("feature")
    app = result.loc["app-claims"]
    assert (app["A"], app["O"], app["M"], app["I"], app["n"]) == (4, 3, 2, 1, 10)
    assert app["category"] == "A"
    assert app["better"] == pytest.approx(0.7)
    assert app["worse"] == pytest.approx(-0.5)
    assert app["verdict"] == "approved"
    card = result.loc["card"]
    assert card["category"] == "M"
    assert card["better"] == pytest.approx(5 / 8)
    assert card["worse"] == pytest.approx(-6 / 8)
    assert result.loc["newsletter", "category"] == "I"
    assert result.loc["newsletter", "better"] == pytest.approx(1 / 6)
    assert result.loc["newsletter", "verdict"] == "rejected"
    assert result.loc["video-call", "category"] == "R"
    assert result.loc["video-call", "verdict"] == "rejected"
    assert result.loc["chat", "category"] == "I"
    assert result.loc["chat", "verdict"] == "to study"


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=60))
def test_kano_counts_are_conserved(pairs: list[tuple[int, int]]) -> None:
    frame = pd.DataFrame([{"feature": "f", "functional": f, "dysfunctional": d} for f, d in pairs])
    row = kano(frame).iloc[0]
    assert sum(row[c] for c in "AOMIRQ") == row["n"] == len(pairs)
    if row["A"] + row["O"] + row["M"] + row["I"]:
        assert 0 <= row["better"] <= 1
        assert -1 <= row["worse"] <= 0


def test_experience_scoring_hand_computed() -> None:
    reference = read_reference(CASES / "reference.yaml")
    observations = read_observations(CASES / "observations.csv")
    result = score_experience(reference, observations).set_index("stage")
    # V1: (2x1 + 1x0 + 1x1) / 4 = 0.75; V2: (2x0.5 + 1x1 + 1x0) / 4 = 0.5 -> 62.5 %
    assert result.loc["reimbursement", "score"] == pytest.approx(62.5)
    assert result.loc["reimbursement", "class"] == "neutral"
    assert result.loc["reimbursement", "gap"] == pytest.approx(85 - 62.5)
    # V3: 1; V4: (3x1 + 1x0) / 4 = 0.75 -> 87.5 % enchanting, target 80, gap -7.5
    assert result.loc["quote", "score"] == pytest.approx(87.5)
    assert result.loc["quote", "class"] == "enchanting"
    assert result.loc["quote", "gap"] == pytest.approx(-7.5)
    assert result.loc["complaint", "observations"] == 0
    ordered = score_experience(reference, observations)
    assert list(ordered["stage"])[:2] == ["reimbursement", "quote"]  # key moment first
    strict = score_experience(
        reference, observations, deceptive_below=70, enchanting_from=90
    ).set_index("stage")
    assert strict.loc["reimbursement", "class"] == "deceptive"
    assert strict.loc["quote", "class"] == "neutral"


def test_actions_losing_points_hand_computed() -> None:
    reference = read_reference(CASES / "reference.yaml")
    observations = read_observations(CASES / "observations.csv")
    actions = score_actions(reference, observations, lang="en")
    table = actions.set_index(["stage", "action"])
    # acknowledge: (1 + 0.5) / 2 = 75 %, weight 2 of 4 -> 100 x 2 x 0.25 / 4 = 12.5 points lost
    assert table.loc[("reimbursement", "acknowledge"), "score"] == pytest.approx(75.0)
    assert table.loc[("reimbursement", "acknowledge"), "lost"] == pytest.approx(12.5)
    assert (
        table.loc[("reimbursement", "acknowledge"), "description"] == "Acknowledge within 24 hours"
    )
    # Every observation scored every action: the points lost add up to 100 - the stage score.
    lost = table.loc["reimbursement", "lost"].sum()
    assert lost == pytest.approx(100 - 62.5)
    assert table.loc[("quote", "fast"), "lost"] == pytest.approx(0.0)
    assert table.loc[("quote", "clear"), "lost"] == pytest.approx(12.5)
    assert actions.iloc[0]["stage"] == "reimbursement"  # key moment first


def test_experience_scoring_errors_name_the_row(tmp_path: Path) -> None:
    reference = read_reference(CASES / "reference.yaml")
    bad = pd.DataFrame([{"observation": "V1", "stage": "quote", "action": "speed", "score": 1}])
    with pytest.raises(ParcoursError, match=r"row 2: expected an action of stage quote"):
        score_experience(reference, bad)
    broken = tmp_path / "ref.yaml"
    broken.write_text("stages:\n  quote:\n    actions:\n      - {id: a, weight: -1}\n")
    with pytest.raises(ParcoursError, match=r"weight: expected a positive number"):
        read_reference(broken)


def test_employee_experience_beside_customer() -> None:
    answers = pd.DataFrame(
        {
            "stage": ["complaint", "complaint", "complaint", "quote"],
            "score": [1, 2, 3, 5],
            "comment": [
                "Les données sont dispersées entre trois outils, c'est une galère",
                "On perd un temps fou à chercher le dossier, outil trop lent",
                None,
                "Très bien outillés",
            ],
        }
    )
    result = employee_experience(answers).set_index("stage")
    # 1-5 maps to -2..+2: (1 + 2 + 3) / 3 - 3 = -1
    assert result.loc["complaint", "employee_value"] == pytest.approx(-1.0)
    assert result.loc["complaint", "employee_n"] == 3
    assert result.loc["quote", "employee_value"] == pytest.approx(2.0)
    assert len(result.loc["complaint", "difficulties"]) >= 1
    with pytest.raises(ParcoursError, match="expected a score from 1 to 5"):
        employee_experience(pd.DataFrame({"stage": ["quote"], "score": [7]}))


def test_employee_difficulties_quote_the_most_negative_comment_of_each_theme() -> None:
    mild, strong = (
        "Les délais sont trop longs.",
        "Délais scandaleux, attente interminable, inadmissible !",
    )
    answers = pd.DataFrame(
        {
            "stage": ["complaint"] * 4,
            "score": [2, 2, 2, 2],
            "comment": [mild, strong, mild, "Trop cher, honteux."],
        }
    )
    result = employee_experience(answers, lang="en").set_index("stage")
    # Delays (3 comments) before price (1); each quotes its most negative comment.
    assert result.loc["complaint", "difficulties"] == [
        f"delays (3 mentions): {strong}",
        "price (1 mention): Trop cher, honteux.",
    ]
    french = employee_experience(answers, lang="fr").set_index("stage")
    assert french.loc["complaint", "difficulties"][0] == f"délais (3 mentions) : {strong}"
