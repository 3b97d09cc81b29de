"""Train the workspace's verbatim model on labelled verbatims, measured first by cross-validation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from parcours.voc._classify import MODEL_FILE
from parcours.voc._errors import VocError
from parcours.voc._evaluate import classification_table, cross_validate, format_table, read_labelled
from parcours.voc._lexicon import CLASSES

__all__ = ["VerbatimTraining", "train_verbatim_model"]


@dataclass(frozen=True)
class VerbatimTraining:
    """What :func:`train_verbatim_model` did: where the model is, on how many verbatims, how good."""

    path: Path
    """The saved model (``models/voc_verbatims.joblib`` in the workspace), used from then on."""
    rows: int
    """Labelled verbatims the saved model learnt from."""
    folds: int
    """Cross-validation folds (0: not measured)."""
    evaluation: pd.DataFrame | None
    """precision, recall, f1, support per class, then macro average and accuracy (out of fold)."""

    def evaluation_text(self, title: str) -> str:
        """The evaluation as a fixed-width text table under ``title`` ('' when not measured)."""
        return "" if self.evaluation is None else format_table(self.evaluation, title)


def train_verbatim_model(
    workspace: Any,
    labelled: Path | str | pd.DataFrame,
    *,
    folds: int = 5,
    estimator: str = "svm",
) -> VerbatimTraining:
    """Measure a :class:`VerbatimClassifier` by ``folds``-fold cross-validation (``folds`` < 2:
    not measured), then train it on every labelled verbatim and save it in ``workspace``.

    ``labelled`` is a table file (read by :func:`parcours.ingest.read_table`) or a frame with
    columns text and label (irritant, enchantment, neutral), optionally theme and lang.
    """
    from parcours.voc._model import VerbatimClassifier

    frame = labelled if isinstance(labelled, pd.DataFrame) else read_labelled(labelled)
    missing = {"text", "label"} - set(frame.columns)
    if missing:
        raise VocError(
            f"labelled verbatims: expected columns text and label, missing {sorted(missing)}"
        )
    evaluation = None
    if folds >= 2:
        predicted = cross_validate(
            frame, folds=folds, make_model=lambda: VerbatimClassifier(estimator=estimator)
        )
        evaluation = classification_table(frame["label"], predicted, CLASSES)
    themes = frame["theme"] if "theme" in frame.columns else None
    model = VerbatimClassifier(estimator=estimator).fit(frame["text"], frame["label"], themes)
    path = model.save(workspace.path(*MODEL_FILE))
    return VerbatimTraining(
        path=Path(path), rows=len(frame), folds=folds if folds >= 2 else 0, evaluation=evaluation
    )
