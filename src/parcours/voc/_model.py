"""A verbatim classifier users train on their own labelled verbatims (scikit-learn, offline).

TF-IDF of words (1-2 grams), of words marked by a preceding negation, and of characters (2-5
grams within word bounds, robust to typos and inflections), plus the lexicon's scores (polarity,
positive and negative mass), into a class-balanced linear SVM (default, C = 0.3) or logistic
regression (C = 4). Optionally a second logistic
regression learns themes from the same text features. Follows the scikit-learn estimator contract
(parameters in ``__init__``, learned attributes end in ``_``, ``fit`` returns ``self``); saved and
loaded with joblib.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

from parcours.voc._errors import VocError
from parcours.voc._lexicon import _PUNCT, _clauses, classify

__all__ = ["LexiconFeatures", "VerbatimClassifier"]

FORMAT = 1


class LexiconFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]  # sklearn is untyped
    """The lexicon's reading of each text as numeric features: score, positive, negative mass."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = lang

    def fit(self, texts: Sequence[str], y: Any = None) -> LexiconFeatures:
        self.n_features_in_ = 1
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        rows = []
        for text in texts:
            found = classify(str(text), self.lang)
            rows.append(
                [
                    found.score,
                    found.positive,
                    found.negative,
                    float(found.label == "irritant"),
                    float(found.label == "enchantment"),
                ]
            )
        return np.asarray(rows, dtype="float64").reshape(len(rows), 5) / 3.0


def negation_words(text: str) -> list[str]:
    """Words of ``text`` with those after a negation marked ``NEG_`` until the end of the clause.

    The classic negation-scope feature (Das & Chen 2001; Pang, Lee & Vaithyanathan 2002): "pas
    satisfait" and "satisfait" become different features, so the model can learn both.
    """
    words: list[str] = []
    negated = False
    for word in _clauses(text):
        if word in _PUNCT:
            negated = False
        elif word in _NEGATORS:
            negated = True
            words.append(word)
        else:
            words.append("NEG_" + word if negated else word)
    return words


_NEGATORS = frozenset(
    [
        "pas",
        "ne",
        "n",
        "jamais",
        "aucun",
        "aucune",
        "sans",
        "rien",
        "personne",
        "ni",
        "plus",
        "moins",
        "zero",
        "not",
        "no",
        "never",
        "nobody",
        "nothing",
        "t",
        "without",
        "none",
        "cannot",
        "nor",
    ]
)


def _features(lexicon: bool, lang: str | None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    parts: list[tuple[str, Any]] = [
        ("negation", TfidfVectorizer(analyzer=negation_words, sublinear_tf=True)),
        (
            "words",
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode"),
        ),
        (
            "chars",
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                min_df=2,
                sublinear_tf=True,
                strip_accents="unicode",
            ),
        ),
    ]
    if lexicon:
        parts.append(("lexicon", LexiconFeatures(lang)))
    return FeatureUnion(parts)


class VerbatimClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]  # sklearn is untyped
    """irritant / enchantment / neutral (and optionally themes) from labelled verbatims.

    ``fit(texts, labels, themes=None)``; ``predict(texts)``; ``predict_themes(texts)`` (None when
    trained without themes); ``save(path)`` / ``VerbatimClassifier.load(path)``.
    """

    def __init__(
        self,
        estimator: str = "svm",
        C: float | None = None,  # noqa: N803  # scikit-learn's name for the inverse regularisation
        lexicon: bool = True,
        lang: str | None = None,
        random_state: int = 0,
    ) -> None:
        self.estimator = estimator
        self.C = C
        self.lexicon = lexicon
        self.lang = lang
        self.random_state = random_state

    def _pipeline(self) -> Any:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.svm import LinearSVC

        if self.estimator == "svm":
            model: Any = LinearSVC(
                C=0.3 if self.C is None else self.C,
                class_weight="balanced",
                random_state=self.random_state,
            )
        elif self.estimator == "logistic":
            model = LogisticRegression(
                C=4.0 if self.C is None else self.C,
                class_weight="balanced",
                max_iter=3000,
                random_state=self.random_state,
            )
        else:
            raise VocError(f"estimator: expected svm or logistic, found {self.estimator!r}")
        return Pipeline([("features", _features(self.lexicon, self.lang)), ("model", model)])

    def fit(self, X: Iterable[Any], y: Iterable[Any], themes: Iterable[Any] | None = None) -> Any:  # noqa: N803  # X is the scikit-learn name for the samples
        texts = [str(x) for x in X]
        labels = [str(v) for v in y]
        if len(texts) != len(labels):
            raise VocError(
                f"training verbatims: expected one label per text, found {len(texts)} texts "
                f"and {len(labels)} labels"
            )
        if len(set(labels)) < 2:
            raise VocError(
                f"training verbatims: expected at least two classes, found {sorted(set(labels))}"
            )
        self.pipeline_ = self._pipeline().fit(texts, labels)
        self.classes_ = self.pipeline_.classes_
        self.theme_pipeline_ = None
        if themes is not None:
            theme_list = [str(t) if t is not None and t == t else "other" for t in themes]
            if len(set(theme_list)) >= 2:
                self.theme_pipeline_ = self._pipeline().fit(texts, theme_list)
        return self

    def _check(self) -> None:
        if not hasattr(self, "pipeline_"):
            raise VocError("verbatim model: expected a fitted model, found one never trained")

    def predict(self, X: Sequence[str]) -> np.ndarray[Any, Any]:  # noqa: N803  # X is the scikit-learn name for the samples
        self._check()
        return np.asarray(self.pipeline_.predict([str(x) for x in X]))

    def decision_function(self, X: Sequence[str]) -> np.ndarray[Any, Any]:  # noqa: N803  # X is the scikit-learn name for the samples
        """One score per class (columns in ``classes_`` order): larger means more likely."""
        self._check()
        return np.asarray(self.pipeline_.decision_function([str(x) for x in X]))

    def predict_themes(self, X: Sequence[str]) -> list[str | None] | None:  # noqa: N803  # X is the scikit-learn name for the samples
        """Theme per text (None for "other"), or None when the model learnt no themes."""
        self._check()
        if self.theme_pipeline_ is None:
            return None
        return [None if t == "other" else str(t) for t in self.theme_pipeline_.predict(list(X))]

    def save(self, path: Path | str) -> Path:
        import joblib  # type: ignore[import-untyped]  # joblib ships no type hints

        self._check()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"format": FORMAT, "model": self}, target)
        return target

    @classmethod
    def load(cls, path: Path | str) -> VerbatimClassifier:
        """Load a model saved by :meth:`save` (only open files you trust: joblib is pickle)."""
        import joblib

        source = Path(path)
        try:
            data = joblib.load(source)
        except (OSError, EOFError, ValueError) as exc:
            raise VocError(f"{source}: expected a saved verbatim model, found {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise VocError(f"{source}: expected a verbatim model of format {FORMAT}")
        model = data["model"]
        if not isinstance(model, cls):
            raise VocError(f"{source}: expected a VerbatimClassifier, found {type(model).__name__}")
        return model
