"""Measure a verbatim classifier on labelled verbatims: precision, recall, F1 per class.

The model is measured by stratified k-fold cross-validation: each fold is predicted by a model
trained on the other folds only (plus, with ``pooled=True``, every verbatim of the other
languages, as a user trains one model on all their verbatims). The lexicon needs no training and is
measured on every verbatim.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from parcours.voc._errors import VocError
from parcours.voc._lexicon import CLASSES, classify

__all__ = [
    "CANDIDATES",
    "classification_table",
    "cross_validate",
    "format_table",
    "nested_cross_validate",
    "read_labelled",
]


def read_labelled(path: Any) -> pd.DataFrame:
    """A labelled verbatim file (CSV or xlsx) with columns text, label and optionally lang, theme."""
    from pathlib import Path

    from parcours.ingest import read_table

    source = Path(path)
    frame = read_table(source)
    missing = {"text", "label"} - set(frame.columns)
    if missing:
        raise VocError(
            f"{source}: expected columns text and label (and optionally lang, theme), "
            f"missing {sorted(missing)}; found {', '.join(map(str, frame.columns))}"
        )
    bad = sorted(set(frame["label"].dropna()) - set(CLASSES))
    if bad:
        raise VocError(f"{source}: column label: expected {', '.join(CLASSES)}, found {bad}")
    return frame.dropna(subset=["text", "label"]).reset_index(drop=True)


def classification_table(
    truth: Sequence[Any] | pd.Series[Any],
    predicted: Sequence[Any] | pd.Series[Any],
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """precision, recall, f1, support per class, then the macro average and the accuracy."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    classes = list(labels) if labels is not None else sorted(set(truth) | set(predicted))
    p, r, f, s = precision_recall_fscore_support(
        list(truth), list(predicted), labels=classes, zero_division=0
    )
    rows = [
        {"class": c, "precision": p[i], "recall": r[i], "f1": f[i], "support": int(s[i])}
        for i, c in enumerate(classes)
    ]
    rows.append(
        {
            "class": "macro avg",
            "precision": float(np.mean(p)),
            "recall": float(np.mean(r)),
            "f1": float(np.mean(f)),
            "support": int(np.sum(s)),
        }
    )
    rows.append(
        {
            "class": "accuracy",
            "precision": np.nan,
            "recall": np.nan,
            "f1": float(accuracy_score(list(truth), list(predicted))),
            "support": int(np.sum(s)),
        }
    )
    return pd.DataFrame(rows)


def format_table(table: pd.DataFrame, title: str) -> str:
    lines = [title, f"{'class':<14}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}"]
    for record in table.to_dict("records"):
        cells = [
            "" if pd.isna(record[k]) else f"{float(record[k]):.3f}"
            for k in ("precision", "recall", "f1")
        ]
        lines.append(
            f"{record['class']!s:<14}{cells[0]:>10}{cells[1]:>10}{cells[2]:>10}"
            f"{int(record['support']):>9}"
        )
    return "\n".join(lines)


def cross_validate(
    frame: pd.DataFrame,
    *,
    lang: str | None = None,
    folds: int = 5,
    seed: int = 0,
    pooled: bool = True,
    target: str = "label",
    make_model: Any = None,
) -> pd.Series:
    """Out-of-fold predictions of ``target`` for the rows of ``lang`` (every row when None).

    ``make_model()`` returns an unfitted classifier (default :class:`VerbatimClassifier`).
    """
    from sklearn.model_selection import StratifiedKFold

    from parcours.voc._model import VerbatimClassifier

    factory = make_model or VerbatimClassifier
    if lang is not None and "lang" not in frame.columns:
        raise VocError("cross_validate: expected a lang column to select a language")
    chosen = frame if lang is None else frame[frame["lang"] == lang]
    others = frame.iloc[0:0] if lang is None or not pooled else frame[frame["lang"] != lang]
    texts = chosen["text"].astype(str).to_numpy()
    truth = chosen[target].fillna("other").astype(str).to_numpy()
    predicted = np.empty(len(chosen), dtype=object)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(texts, truth):
        x = [*texts[train], *others["text"].astype(str)]
        y = [*truth[train], *others[target].fillna("other").astype(str)]
        predicted[test] = factory().fit(x, y).predict(list(texts[test]))
    return pd.Series(predicted, index=chosen.index, name=f"predicted_{target}")


def lexicon_predictions(frame: pd.DataFrame) -> pd.DataFrame:
    """The lexicon's label and theme ("other" when none) for each row."""
    langs = frame["lang"] if "lang" in frame.columns else [None] * len(frame)
    found = [classify(str(t), lang) for t, lang in zip(frame["text"], langs, strict=True)]
    return pd.DataFrame(
        {"label": [f.label for f in found], "theme": [f.theme or "other" for f in found]},
        index=frame.index,
    )


CANDIDATES: tuple[dict[str, Any], ...] = (
    {"estimator": "svm", "C": 0.3},
    {"estimator": "svm", "C": 1.0},
    {"estimator": "logistic", "C": 4.0},
)
"""The settings :func:`nested_cross_validate` chooses among, inside each outer fold."""


def nested_cross_validate(
    frame: pd.DataFrame,
    *,
    lang: str,
    candidates: Sequence[dict[str, Any]] = CANDIDATES,
    outer: int = 5,
    inner: int = 3,
    seed: int = 1,
    pooled: bool = True,
) -> tuple[pd.Series, list[dict[str, Any]]]:
    """Out-of-fold predictions of ``label`` for the rows of ``lang``, model choice included.

    Each outer fold chooses among ``candidates`` (keyword arguments of
    :class:`VerbatimClassifier`) by an inner ``inner``-fold cross-validation on its own training
    part only, then refits the chosen one on that whole part (plus, with ``pooled``, every verbatim
    of the other languages) and predicts the held-out fold: the estimate includes the choice, so
    it is not optimistic. Returns the predictions and the setting chosen in each outer fold.
    """
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    from parcours.voc._model import VerbatimClassifier

    if "lang" not in frame.columns:
        raise VocError("nested_cross_validate: expected a lang column to select a language")
    rows = frame[frame["lang"] == lang]
    others = frame[frame["lang"] != lang] if pooled else frame.iloc[0:0]
    texts = rows["text"].astype(str).to_numpy()
    truth = rows["label"].astype(str).to_numpy()
    extra_x = list(others["text"].astype(str))
    extra_y = list(others["label"].astype(str))
    predicted = np.empty(len(rows), dtype=object)
    chosen: list[dict[str, Any]] = []
    splitter = StratifiedKFold(n_splits=outer, shuffle=True, random_state=seed)
    for train, test in splitter.split(texts, truth):
        x, y = texts[train], truth[train]
        scores = []
        for setting in candidates:
            guess = np.empty(len(train), dtype=object)
            inner_split = StratifiedKFold(n_splits=inner, shuffle=True, random_state=seed + 1)
            for a, b in inner_split.split(x, y):
                model = VerbatimClassifier(**setting).fit([*x[a], *extra_x], [*y[a], *extra_y])
                guess[b] = model.predict(list(x[b]))
            scores.append(f1_score(y, guess, average="macro"))
        best = dict(candidates[int(np.argmax(scores))])
        chosen.append(best)
        model = VerbatimClassifier(**best).fit([*x, *extra_x], [*y, *extra_y])
        predicted[test] = model.predict(list(texts[test]))
    return pd.Series(predicted, index=rows.index, name="predicted_label"), chosen
