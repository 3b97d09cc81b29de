"""Verbatim classification measured on the labelled set written for parcours (tests/voc/data).

Run with ``-s`` to see the precision / recall tables. The model is measured by 5-fold
cross-validation (each fold predicted by a model that never saw it); the lexicon needs no training.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from parcours.voc import CLASSES, THEMES
from parcours.voc._evaluate import (
    classification_table,
    cross_validate,
    format_table,
    lexicon_predictions,
    read_labelled,
)
from parcours.voc._model import VerbatimClassifier

DATA = Path(__file__).parent / "data" / "verbatims_labelled.csv"


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    return read_labelled(DATA)


def test_labelled_set_shape(labelled: pd.DataFrame) -> None:
    counts = labelled["lang"].value_counts()
    assert counts["fr"] >= 300
    assert counts["en"] >= 300
    assert set(labelled["label"]) == set(CLASSES)
    assert set(labelled["theme"]) <= {*THEMES, "other"}
    assert not labelled["text"].duplicated().any()
    for lang in ("fr", "en"):
        shares = labelled[labelled["lang"] == lang]["label"].value_counts(normalize=True)
        assert shares.min() > 0.2  # no class is a token minority


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_lexicon_measured(labelled: pd.DataFrame, lang: str) -> None:
    rows = labelled[labelled["lang"] == lang]
    found = lexicon_predictions(rows)
    table = classification_table(rows["label"], found["label"], CLASSES)
    themes = classification_table(rows["theme"], found["theme"], [*THEMES, "other"])
    print()
    print(format_table(table, f"lexicon, {lang}, {len(rows)} verbatims: class"))
    print(format_table(themes, f"lexicon, {lang}: theme"))
    macro = table.set_index("class").loc["macro avg", "f1"]
    assert macro >= 0.70


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_model_cross_validated(labelled: pd.DataFrame, lang: str) -> None:
    rows = labelled[labelled["lang"] == lang]
    predicted = cross_validate(labelled, lang=lang, folds=5, seed=0, pooled=True)
    table = classification_table(rows["label"], predicted, CLASSES)
    print()
    print(format_table(table, f"model (5-fold CV, trained fr+en), {lang}: class"))
    macro = table.set_index("class").loc["macro avg", "f1"]
    # The target is 0.85 for French. Measured here (seed 0): 0.847 French, 0.784 English;
    # a nested cross-validation (benchmarks/bench_voc.py) gives about 0.84 French. The target is
    # not met with certainty on this set, so these floors guard against regressions instead of
    # pretending: raise them when the model improves, never tune on these folds.
    floor = 0.83 if lang == "fr" else 0.76
    assert macro >= floor


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_model_themes_cross_validated(labelled: pd.DataFrame, lang: str) -> None:
    rows = labelled[labelled["lang"] == lang]
    predicted = cross_validate(labelled, lang=lang, target="theme")
    table = classification_table(rows["theme"], predicted, [*THEMES, "other"])
    print()
    print(format_table(table, f"model (5-fold CV, trained fr+en), {lang}: theme"))
    # Measured (seed 0): 0.747 French, 0.689 English, against 0.684 / 0.610 for the lexicon.
    assert table.set_index("class").loc["macro avg", "f1"] >= (0.72 if lang == "fr" else 0.66)


def test_model_learns_themes_and_round_trips(labelled: pd.DataFrame, tmp_path: Path) -> None:
    model = VerbatimClassifier().fit(labelled["text"], labelled["label"], themes=labelled["theme"])
    path = model.save(tmp_path / "models" / "voc_verbatims.joblib")
    loaded = VerbatimClassifier.load(path)
    texts = ["Jamais rappelé, ça fait trois semaines", "Appli géniale, remboursé en 2 jours"]
    assert list(loaded.predict(texts)) == list(model.predict(texts))
    assert list(loaded.predict(texts)) == ["irritant", "enchantment"]
    themes = loaded.predict_themes(texts)
    assert themes is not None
    assert len(themes) == 2
    scores = loaded.decision_function(texts)
    assert scores.shape == (2, 3)
