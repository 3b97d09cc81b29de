"""Kano (1984): functional / dysfunctional answers -> A/O/M/I/R/Q, categories, Better / Worse.

Each respondent answers two questions per feature: functional ("if the feature is there, how do
you feel?") and dysfunctional ("if it is not there?"), on five answers: like, must-be, neutral,
live-with, dislike. The standard evaluation table (Kano et al. 1984; Berger et al. 1993) gives the
respondent's category:

    functional \\ dysfunctional  like  must-be  neutral  live-with  dislike
    like                          Q      A        A        A         O
    must-be                       R      I        I        I         M
    neutral                       R      I        I        I         M
    live-with                     R      I        I        I         M
    dislike                       R      R        R        R         Q

A = attractive, O = one-dimensional (performance), M = must-be (basic), I = indifferent,
R = reverse, Q = questionable. A feature's category is the most frequent one; ties are broken by
M > O > A > I (then R, Q). Customer-satisfaction coefficients (Berger et al. 1993)::

    Better = (A + O) / (A + O + M + I)      Worse = -(O + M) / (A + O + M + I)

Verdict (parcours' rule, thresholds configurable):
- ``approved``: category M, O or A, and max(Better, |Worse|) >= ``approve_from`` (0.5);
- ``rejected``: category R, or category I with max(Better, |Worse|) < ``reject_below`` (0.3);
- ``to study``: anything else (Q, weak signals, indifferent with a minority that cares).
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pandas as pd

from parcours.voc._errors import VocError

__all__ = ["ANSWERS", "KANO_TABLE", "kano", "kano_category"]

ANSWERS = ("like", "must-be", "neutral", "live-with", "dislike")
KANO_TABLE: dict[str, dict[str, str]] = {
    "like": dict(zip(ANSWERS, "QAAAO", strict=True)),
    "must-be": dict(zip(ANSWERS, "RIIIM", strict=True)),
    "neutral": dict(zip(ANSWERS, "RIIIM", strict=True)),
    "live-with": dict(zip(ANSWERS, "RIIIM", strict=True)),
    "dislike": dict(zip(ANSWERS, "RRRRQ", strict=True)),
}
TIE_ORDER = "MOAIRQ"

_SYNONYMS = {
    "like": "like",
    "i like it": "like",
    "j'aime": "like",
    "j aime": "like",
    "cela me plait": "like",
    "ca me plait": "like",
    "must-be": "must-be",
    "must be": "must-be",
    "i expect it": "must-be",
    "expect": "must-be",
    "c'est normal": "must-be",
    "c est normal": "must-be",
    "normal": "must-be",
    "neutral": "neutral",
    "i am neutral": "neutral",
    "indifferent": "neutral",
    "ca m'est egal": "neutral",
    "ca m est egal": "neutral",
    "neutre": "neutral",
    "live-with": "live-with",
    "live with": "live-with",
    "i can live with it": "live-with",
    "je m'en accommode": "live-with",
    "je m en accommode": "live-with",
    "je peux l'accepter": "live-with",
    "dislike": "dislike",
    "i dislike it": "dislike",
    "je n'aime pas": "dislike",
    "je n aime pas": "dislike",
    "cela me deplait": "dislike",
    "ca me deplait": "dislike",
}


def _answer(value: Any, where: str) -> str:
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and value == value
        and int(value) == value
        and 1 <= int(value) <= 5
    ):
        return ANSWERS[int(value) - 1]
    text = str(value).strip().lower().replace("’", "'")
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if plain.isdigit() and 1 <= int(plain) <= 5:
        return ANSWERS[int(plain) - 1]
    found = _SYNONYMS.get(plain)
    if found is None:
        raise VocError(
            f"{where}: expected a Kano answer (1-5 or like, must-be, neutral, live-with, dislike; "
            f"j'aime, c'est normal, ça m'est égal, je m'en accommode, je n'aime pas), found {value!r}"
        )
    return found


def kano_category(functional: Any, dysfunctional: Any) -> str:
    """A, O, M, I, R or Q for one pair of answers."""
    return KANO_TABLE[_answer(functional, "functional")][_answer(dysfunctional, "dysfunctional")]


def kano(
    answers: Any,
    *,
    feature: str = "feature",
    functional: str = "functional",
    dysfunctional: str = "dysfunctional",
    approve_from: float = 0.5,
    reject_below: float = 0.3,
) -> pd.DataFrame:
    """Per feature: counts A/O/M/I/R/Q, n, category, Better, Worse, verdict.

    ``answers``: one row per respondent and feature (pandas, polars, pyarrow or Ibis).
    """
    from parcours.warehouse import as_table

    frame = as_table(answers).to_pandas() if not isinstance(answers, pd.DataFrame) else answers
    missing = {feature, functional, dysfunctional} - set(frame.columns)
    if missing:
        raise VocError(
            f"Kano answers: expected columns {feature}, {functional}, {dysfunctional}, "
            f"missing {sorted(missing)}"
        )
    rows = frame.dropna(subset=[functional, dysfunctional])
    categories = [
        KANO_TABLE[_answer(f, f"row {i + 2}, column {functional}")][
            _answer(d, f"row {i + 2}, column {dysfunctional}")
        ]
        for i, (f, d) in enumerate(zip(rows[functional], rows[dysfunctional], strict=True))
    ]
    tagged = pd.DataFrame({"feature": rows[feature].to_numpy(), "category": categories})
    out: list[dict[str, Any]] = []
    for name, group in tagged.groupby("feature", sort=False):
        counts = {c: int((group["category"] == c).sum()) for c in "AOMIRQ"}
        top = max(counts.values())
        category = next(c for c in TIE_ORDER if counts[c] == top)
        base = counts["A"] + counts["O"] + counts["M"] + counts["I"]
        better = (counts["A"] + counts["O"]) / base if base else float("nan")
        worse = -(counts["O"] + counts["M"]) / base if base else float("nan")
        signal = max(better, abs(worse)) if base else 0.0
        if category in "MOA" and signal >= approve_from:
            verdict = "approved"
        elif category == "R" or (category == "I" and signal < reject_below):
            verdict = "rejected"
        else:
            verdict = "to study"
        out.append(
            {
                "feature": name,
                **counts,
                "n": len(group),
                "category": category,
                "better": better,
                "worse": worse,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(
        out,
        columns=["feature", *"AOMIRQ", "n", "category", "better", "worse", "verdict"],
    )
