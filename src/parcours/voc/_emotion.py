"""The emotion curve along the stages (-2..+2) and a peak-end estimate of the remembered experience.

Per answer, the emotion comes from satisfaction when there is one: CSAT 1-5 maps to ``csat - 3``;
otherwise the 0-10 recommendation maps to ``(score - 7) / 1.5`` clipped to -2..+2, so that, as in
the NPS, a passive (7) is neutral, a detractor (0-6) lowers the curve and a promoter (9-10) lifts it
(the middle of the 0-10 scale, 5, is a detractor's answer: centring there would show a stage of
detractors as neutral); a verbatim alone gives its lexicon polarity clipped to -2..+2. A stage's
value is the mean over its answers.

Peak-end rule (Kahneman, Fredrickson et al. 1993; Kahneman 2000): the remembered experience is
close to the mean of its most intense moment and of its end. On the stage curve, in journey
order: ``peak_end = (value of the stage with the largest |value| + value of the last stage) / 2``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from parcours.voc._errors import VocError

__all__ = ["EMOTION_COLUMNS", "emotion_curve", "peak_end", "score_emotion"]

EMOTION_COLUMNS = ("stage", "value", "n")


def score_emotion(metric: str, score: float) -> float:
    """One answer's emotion on -2..+2."""
    if metric == "csat":
        return float(score) - 3.0
    if metric == "nps":
        return max(-2.0, min(2.0, (float(score) - 7.0) / 1.5))
    if metric == "verbatim":
        return max(-2.0, min(2.0, float(score)))
    raise VocError(f"emotion: expected a csat, nps or verbatim answer, found {metric!r}")


def emotion_curve(answers: pd.DataFrame, stages: Sequence[str] | None = None) -> pd.DataFrame:
    """Mean emotion per stage from answers (columns stage, answer, metric, score).

    ``answer`` identifies one survey answer (its CSAT wins over its NPS, which wins over its
    verbatim). ``stages`` orders the result (journey order); stages without answers are left out.
    """
    if answers.empty:
        return pd.DataFrame(columns=list(EMOTION_COLUMNS))
    rank = {"csat": 0, "nps": 1, "verbatim": 2}
    frame = answers[answers["metric"].isin(list(rank)) & answers["score"].notna()].copy()
    frame["_rank"] = frame["metric"].map(rank)
    frame = frame.sort_values("_rank").drop_duplicates("answer")
    frame["emotion"] = [
        score_emotion(m, s) for m, s in zip(frame["metric"], frame["score"], strict=True)
    ]
    curve = frame.groupby("stage").agg(value=("emotion", "mean"), n=("emotion", "size"))
    curve = curve.reset_index()
    if stages is not None:
        order = {s: i for i, s in enumerate(stages)}
        curve = curve[curve["stage"].isin(order)]
        curve = curve.assign(_o=curve["stage"].map(order)).sort_values("_o").drop(columns="_o")
    curve["n"] = curve["n"].astype("int64")
    return curve.reset_index(drop=True)[list(EMOTION_COLUMNS)]


def peak_end(values: Sequence[float] | pd.Series[Any]) -> float | None:
    """(most intense value + last value) / 2 over a curve in journey order; None when empty."""
    curve = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not curve:
        return None
    peak = max(curve, key=abs)
    return (peak + curve[-1]) / 2
