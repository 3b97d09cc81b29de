"""Employee experience (vécu collaborateur) per stage, beside the customer's.

Employees answer a short survey per stage (how easy is it to serve the customer here, 1-5 by
default) with their difficulties in words. Per stage: their mean on -2..+2 (same scale as the
customer emotion curve), n, their most frequent difficulties (comments the lexicon reads as
irritants, grouped by theme, plus those written in the journey map), beside the customer's
emotion and NPS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from parcours.voc._errors import VocError
from parcours.voc._journey import stage_rows
from parcours.voc._lexicon import classify

if TYPE_CHECKING:
    from parcours.model import Journey

__all__ = ["EMPLOYEE_COLUMNS", "EMPLOYEE_FILES", "employee_answers", "employee_experience"]

EMPLOYEE_COLUMNS = (
    "stage",
    "employee_value",
    "employee_n",
    "difficulties",
    "customer_emotion",
    "customer_n",
    "customer_nps",
)

EMPLOYEE_FILES = ("employee_survey.csv", "employee_survey.xlsx")
"""Employee survey answers the report reads from the workspace's raw/ folder when present."""


def employee_answers(workspace: Any) -> pd.DataFrame | None:
    """The employee survey in the workspace's raw/ folder (stage, score, comment), or None."""
    from parcours.voc._files import read_table

    for name in EMPLOYEE_FILES:
        path = workspace.path("raw", name)
        if path.is_file():
            return read_table(path)
    return None


def _theme_label(theme: str, lang: str) -> str:
    from parcours.i18n import CATALOG, t
    from parcours.voc import _messages  # noqa: F401  # registers the theme names

    key = f"voc.theme.{theme}"
    return t(key, lang) if key in CATALOG else theme


def employee_experience(
    answers: pd.DataFrame,
    *,
    scale: tuple[float, float] = (1, 5),
    journey: Journey | None = None,
    customer: Any = None,
    lang: str = "fr",
    top: int = 3,
) -> pd.DataFrame:
    """Per stage: employee mean on -2..+2, n, difficulties, and the customer's emotion and NPS.

    ``answers``: columns stage, score (on ``scale``) and optionally comment. ``customer``: a
    :class:`parcours.voc.JourneyVoc` of the same journey. ``journey`` adds the difficulties
    written in the map (``employee_experience.difficulties``) and orders the stages.
    """
    low, high = scale
    if not low < high:
        raise VocError(f"scale: expected (low, high) with low < high, found {scale}")
    if "stage" not in answers.columns or "score" not in answers.columns:
        raise VocError(
            "employee answers: expected columns stage, score (and optionally comment), "
            f"found {', '.join(map(str, answers.columns))}"
        )
    frame = answers.copy()
    scores = pd.to_numeric(frame["score"], errors="coerce")
    bad = frame[scores.notna() & ((scores < low) | (scores > high))]
    if len(bad):
        raise VocError(
            f"employee answers row {int(bad.index[0]) + 2}: expected a score from {low:g} to "
            f"{high:g}, found {bad['score'].iloc[0]!r}"
        )
    frame["value"] = 4 * (scores - (low + high) / 2) / (high - low)
    stages: list[str] = (
        [s.id for s in journey.stage_order()]
        if journey is not None
        else list(dict.fromkeys(frame["stage"].astype(str)))
    )
    declared: dict[str, list[str]] = {}
    if journey is not None:
        for step in journey.stages:
            if step.employee_experience is not None:
                declared[step.id] = [
                    text.get(lang) or next(iter(text.values())) if isinstance(text, dict) else text
                    for text in step.employee_experience.difficulties
                ]
    emotion = (
        customer.emotion.set_index("stage")
        if customer is not None and len(customer.emotion)
        else None
    )
    nps = (
        stage_rows(customer.satisfaction, "nps").set_index("stage")["value"].to_dict()
        if customer is not None
        else {}
    )
    rows: list[dict[str, Any]] = []
    for stage in stages:
        here = frame[frame["stage"].astype(str) == stage]
        values = here["value"].dropna()
        difficulties: list[str] = list(declared.get(stage, []))
        if "comment" in here.columns:
            comments = [c for c in here["comment"].dropna().astype(str) if c.strip()]
            read = [(c, classify(c)) for c in comments]
            irritants = [(c, r) for c, r in read if r.label == "irritant"]
            themes = pd.Series([r.theme or "other" for _, r in irritants]).value_counts()
            colon = " : " if lang == "fr" else ": "
            for theme in themes.index[:top]:
                # The most negative comment of the theme (the first one on a tie).
                example, _ = min(
                    ((c, r) for c, r in irritants if (r.theme or "other") == theme),
                    key=lambda pair: pair[1].score,
                )
                n = int(themes[theme])
                mentions = f"{n} mention" + ("s" if n > 1 else "")
                label = _theme_label(str(theme), lang)
                difficulties.append(f"{label} ({mentions}){colon}{example}")
        if not len(values) and not difficulties:
            continue
        rows.append(
            {
                "stage": stage,
                "employee_value": float(values.mean()) if len(values) else float("nan"),
                "employee_n": len(values),
                "difficulties": difficulties,
                "customer_emotion": (
                    float(emotion.loc[stage, "value"])
                    if emotion is not None and stage in emotion.index
                    else float("nan")
                ),
                "customer_n": (
                    int(emotion.loc[stage, "n"])
                    if emotion is not None and stage in emotion.index
                    else 0
                ),
                "customer_nps": float(nps.get(stage, float("nan"))),
            }
        )
    return pd.DataFrame(rows, columns=list(EMPLOYEE_COLUMNS))
