"""Classify many verbatims at once: the lexicon, or a model the user trained (saved in the workspace)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from parcours.voc._lexicon import classify, detect_lang

if TYPE_CHECKING:
    from parcours.workspace import Workspace

__all__ = ["MODEL_FILE", "classify_verbatims", "workspace_model"]

MODEL_FILE = ("models", "voc_verbatims.joblib")
"""Where ``parcours voc train`` saves the workspace's verbatim model."""


def workspace_model(workspace: Workspace) -> Any | None:
    """The verbatim model trained for this workspace, or None."""
    path = Path(workspace.path(*MODEL_FILE))
    if not path.is_file():
        return None
    from parcours.voc._model import VerbatimClassifier

    return VerbatimClassifier.load(path)


def classify_verbatims(
    texts: Any, langs: Any = None, *, model: Any = None, threshold: float | None = None
) -> pd.DataFrame:
    """One row per text: lang, label (irritant/enchantment/neutral), theme, score (polarity).

    With ``model`` (a fitted :class:`parcours.voc.VerbatimClassifier`) the label comes from the
    model and the theme from the model when it learnt themes; the lexicon always gives the score.
    Identical texts are classified once.
    """
    series = pd.Series(list(texts), dtype="object")
    lang_list = list(langs) if langs is not None else [None] * len(series)
    keys = pd.DataFrame({"text": series, "lang": pd.Series(lang_list, dtype="object")})
    if keys.empty:
        return pd.DataFrame(columns=["verbatim", "lang", "label", "theme", "score"])
    keys["lang"] = [
        lang if lang in ("fr", "en") else (detect_lang(text) if isinstance(text, str) else None)
        for text, lang in zip(keys["text"], keys["lang"], strict=True)
    ]
    unique = keys.dropna(subset=["text"]).drop_duplicates()
    results = []
    for text, lang in zip(unique["text"], unique["lang"], strict=True):
        found = classify(text, lang) if threshold is None else classify(text, lang, threshold)
        results.append((text, lang, found.label, found.theme, found.score))
    table = pd.DataFrame(results, columns=["text", "lang", "label", "theme", "score"])
    table["lang"] = table["lang"].astype("object")
    keys["lang"] = keys["lang"].astype("object")
    if model is not None and len(table):
        table["label"] = model.predict(table["text"].tolist())
        themes = model.predict_themes(table["text"].tolist())
        if themes is not None:
            table["theme"] = themes
    merged = keys.merge(table, on=["text", "lang"], how="left")
    return merged.rename(columns={"text": "verbatim"})
