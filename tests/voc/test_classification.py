"""Verbatim classification measured on the labelled set written for parcours (tests/voc/data).

Run with ``-s`` to see the precision / recall tables. The model is measured three ways: 5-fold
cross-validation (each fold predicted by a model that never saw it), nested cross-validation (the
estimator and C also chosen inside each outer fold: the honest figure, marked slow) and on a frozen
French held-out set (``verbatims_holdout_fr.csv``, written and committed before any tuning and never
tuned on) with the model trained on the whole labelled set. The lexicon needs no training.
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
    nested_cross_validate,
    read_labelled,
)
from parcours.voc._model import VerbatimClassifier

DATA = Path(__file__).parent / "data" / "verbatims_labelled.csv"
HOLDOUT = Path(__file__).parent / "data" / "verbatims_holdout_fr.csv"
TARGET = 0.85  # the target: macro-F1 on irritant / enchantment / neutral, French


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    return read_labelled(DATA)


@pytest.fixture(scope="module")
def holdout() -> pd.DataFrame:
    return read_labelled(HOLDOUT)


@pytest.fixture(scope="module")
def full_model(labelled: pd.DataFrame) -> VerbatimClassifier:
    """The default model trained once on the whole labelled set (both languages, with themes)."""
    return VerbatimClassifier().fit(labelled["text"], labelled["label"], themes=labelled["theme"])


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
    # Measured (seed 0): 0.867 French, 0.813 English. The honest French figure is the
    # nested cross-validation below and the frozen holdout; never tune on these folds.
    floor = TARGET if lang == "fr" else 0.79
    assert macro >= floor


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_model_themes_cross_validated(labelled: pd.DataFrame, lang: str) -> None:
    rows = labelled[labelled["lang"] == lang]
    predicted = cross_validate(labelled, lang=lang, target="theme")
    table = classification_table(rows["theme"], predicted, [*THEMES, "other"])
    print()
    print(format_table(table, f"model (5-fold CV, trained fr+en), {lang}: theme"))
    # Measured (seed 0): 0.735 French, 0.688 English.
    assert table.set_index("class").loc["macro avg", "f1"] >= (0.72 if lang == "fr" else 0.66)


def test_holdout_is_frozen_and_unseen(labelled: pd.DataFrame, holdout: pd.DataFrame) -> None:
    assert len(holdout) >= 150
    assert set(holdout["lang"]) == {"fr"}
    assert set(holdout["label"]) == set(CLASSES)
    assert not holdout["text"].duplicated().any()
    assert not set(holdout["text"]) & set(labelled["text"])


def test_model_on_frozen_holdout(full_model: VerbatimClassifier, holdout: pd.DataFrame) -> None:
    table = classification_table(holdout["label"], full_model.predict(holdout["text"]), CLASSES)
    print()
    print(format_table(table, f"model (trained on all), frozen French holdout ({len(holdout)})"))
    lexicon = lexicon_predictions(holdout)
    lexicon_table = classification_table(holdout["label"], lexicon["label"], CLASSES)
    print(format_table(lexicon_table, "lexicon, frozen French holdout"))
    assert table.set_index("class").loc["macro avg", "f1"] >= TARGET


@pytest.mark.slow
def test_model_nested_cross_validated_french(labelled: pd.DataFrame) -> None:
    """The honest estimate: the estimator and C are chosen inside each outer fold (5 x 3)."""
    rows = labelled[labelled["lang"] == "fr"]
    predicted, chosen = nested_cross_validate(labelled, lang="fr")
    table = classification_table(rows["label"], predicted, CLASSES)
    print()
    print(format_table(table, f"model (nested CV 5 x 3, trained fr+en), fr; chosen {chosen}"))
    assert table.set_index("class").loc["macro avg", "f1"] >= TARGET


def test_model_learns_themes_and_round_trips(
    full_model: VerbatimClassifier, tmp_path: Path
) -> None:
    model = full_model
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
