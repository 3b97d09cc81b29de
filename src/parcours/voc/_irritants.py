"""Irritant (and enchantment) ranking: occurrences x touchpoint volume x recency decay.

DOMAIN.md: irritants don't all weigh the same; weigh them by the volume of the touchpoint where
they happen, and weigh evidence by occurrence and recency, so that "a single furious comment three
years ago" weighs little. For each (stage, touchpoint, kind, theme)::

    weight = sum over its verbatims of 0.5 ** (age_days / half_life_days) x volume(touchpoint)

``volume`` is the number of interactions observed at the touchpoint (at the stage when the
touchpoint is unknown); ``age_days`` counts back from ``reference`` (the newest verbatim by
default). Each row also carries the raw ``occurrences`` and its best verbatims: strongest polarity,
recent, of readable length, distinct.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from parcours.voc._errors import VocError

__all__ = ["DEFAULT_HALF_LIFE_DAYS", "RANKING_COLUMNS", "rank_verbatims"]

DEFAULT_HALF_LIFE_DAYS = 180.0
RANKING_COLUMNS = (
    "stage",
    "touchpoint",
    "kind",
    "theme",
    "weight",
    "occurrences",
    "recency",
    "volume",
    "verbatim",
    "examples",
)
OTHER_THEME = "other"


def _readability(text: str) -> float:
    """1 for a sentence a reader takes in at once; less for a word or a wall of text."""
    length = len(text)
    if length < 15:
        return 0.4
    if length > 240:
        return 0.6
    return 1.0


def rank_verbatims(
    verbatims: pd.DataFrame,
    volumes: dict[str, int] | None = None,
    *,
    stage_volumes: dict[str, int] | None = None,
    kinds: tuple[str, ...] = ("irritant",),
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    reference: Any = None,
    examples: int = 3,
) -> pd.DataFrame:
    """Rank classified verbatims (columns stage, touchpoint, ts, verbatim, label, theme, score).

    ``volumes`` maps touchpoint -> interactions, ``stage_volumes`` stage -> interactions (used when
    a verbatim has no touchpoint). Without volumes every volume counts 1. Returns the columns of
    :data:`RANKING_COLUMNS`, heaviest first.
    """
    if half_life_days <= 0:
        raise VocError(f"half_life_days: expected a positive number, found {half_life_days}")
    needed = {"stage", "touchpoint", "ts", "verbatim", "label", "theme", "score"}
    missing = needed - set(verbatims.columns)
    if missing:
        raise VocError(f"verbatims: expected columns {sorted(needed)}, missing {sorted(missing)}")
    frame = verbatims[verbatims["label"].isin(kinds)].copy()
    if frame.empty:
        return pd.DataFrame(columns=list(RANKING_COLUMNS))
    ts = pd.to_datetime(frame["ts"], utc=True)
    ref = pd.Timestamp(reference) if reference is not None else ts.max()
    if ref.tzinfo is None:
        ref = ref.tz_localize("UTC")
    age = ((ref - ts).dt.total_seconds() / 86400.0).clip(lower=0)
    frame["decay"] = np.power(0.5, age.to_numpy(dtype="float64") / half_life_days)
    frame["theme"] = frame["theme"].fillna(OTHER_THEME)
    frame["touchpoint"] = frame["touchpoint"].astype(object).where(frame["touchpoint"].notna())
    frame["quality"] = (
        frame["score"].abs().to_numpy(dtype="float64")
        * frame["decay"].to_numpy()
        * frame["verbatim"].map(_readability).to_numpy(dtype="float64")
    )
    tp_volumes = volumes or {}
    st_volumes = stage_volumes or {}
    rows: list[dict[str, Any]] = []
    keys = ["stage", "touchpoint", "label", "theme"]
    for key, group in frame.groupby(keys, dropna=False, sort=False):
        stage, touchpoint, kind, theme = key
        touchpoint = None if _missing(touchpoint) else touchpoint
        if touchpoint is not None and touchpoint in tp_volumes:
            volume = tp_volumes[touchpoint]
        elif volumes is None and stage_volumes is None:
            volume = 1
        else:
            volume = st_volumes.get(str(stage), 0)
        recency = float(group["decay"].sum())
        best = (
            group.sort_values("quality", ascending=False)
            .drop_duplicates("verbatim")["verbatim"]
            .head(examples)
            .tolist()
        )
        rows.append(
            {
                "stage": stage,
                "touchpoint": touchpoint,
                "kind": kind,
                "theme": theme,
                "weight": recency * volume,
                "occurrences": len(group),
                "recency": recency,
                "volume": volume,
                "verbatim": best[0] if best else None,
                "examples": best,
            }
        )
    ranked = pd.DataFrame(rows, columns=list(RANKING_COLUMNS))
    ranked["touchpoint"] = ranked["touchpoint"].astype(object)
    ranked["touchpoint"] = ranked["touchpoint"].where(ranked["touchpoint"].notna(), None)
    return ranked.sort_values(["weight", "occurrences"], ascending=False).reset_index(drop=True)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA
