"""One persona's model: positive-unlabelled learning with the label-frequency correction.

The labelled customers (seeds and twins, ``y = 1``) are a part of the persona; every other customer
is unlabelled (``y = 0``), some of them members of the persona nobody labelled. A classifier of
labelled vs unlabelled estimates ``p(s=1|x)``; under Elkan & Noto (2008), if the labelled ones are
a random sample of the persona, ``p(s=1|x) = c * p(y=1|x)`` with ``c = P(s=1|y=1)``, estimated as
the mean of ``p(s=1|x)`` over *held-out* labelled customers. The resemblance to the persona is
``p(y=1|x) = min(1, p(s=1|x) / c)``.

Held-out estimates come from stratified cross-fitting: every customer gets a prediction from a
model that did not see them (``oof_``), from which ``c``, the recall on held-out seeds and the AUC
labelled vs unlabelled (a lower bound of the true AUC) are read; the final model is fitted on all.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["PersonaModel"]


class PersonaModel(ClassifierMixin, BaseEstimator):  # type: ignore[misc]  # sklearn is untyped
    """Resemblance to one persona learnt from labelled (1) vs unlabelled (0) customers.

    Parameters
    ----------
    estimator : "boosting" or "logistic"
        Gradient boosting (``HistGradientBoostingClassifier``, handles missing values) or a
        logistic regression on imputed, standardised features.
    cv : int
        Folds of the cross-fitting that estimates ``c`` and the quality on held-out customers.
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization :
        Gradient boosting settings (ignored by the logistic regression).
    C : float
        Inverse regularisation strength of the logistic regression.
    n_threads : int or None
        Threads of the boosting (OpenMP) while fitting and scoring; ``None`` leaves the library's
        default (every core). One thread is the default: on a shared machine more threads than
        free cores make fitting many times slower.
    compact : bool
        Refit the final boosting on the features its trees use, so that scoring reads only those
        columns (scoring millions of customers is bound by memory traffic).
    threshold : float
        Resemblance above which a held-out seed counts as found (``recall_``).
    random_state : int or None
        Seed of the folds and of the boosting.
    """

    def __init__(
        self,
        estimator: str = "boosting",
        *,
        cv: int = 3,
        max_iter: int = 20,
        learning_rate: float = 0.3,
        max_leaf_nodes: int = 8,
        min_samples_leaf: int = 20,
        l2_regularization: float = 1.0,
        C: float = 1.0,  # noqa: N803  # scikit-learn's name for it
        threshold: float = 0.5,
        n_threads: int | None = 1,
        compact: bool = True,
        random_state: int | None = 0,
    ) -> None:
        self.estimator = estimator
        self.cv = cv
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.C = C
        self.threshold = threshold
        self.n_threads = n_threads
        self.compact = compact
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.classifier_tags.multi_class = False
        return tags

    def _base(self) -> Any:
        if self.estimator == "boosting":
            from sklearn.ensemble import HistGradientBoostingClassifier

            return HistGradientBoostingClassifier(
                max_iter=self.max_iter,
                learning_rate=self.learning_rate,
                max_leaf_nodes=self.max_leaf_nodes,
                min_samples_leaf=self.min_samples_leaf,
                l2_regularization=self.l2_regularization,
                early_stopping=False,
                random_state=self.random_state,
            )
        if self.estimator == "logistic":
            from sklearn.impute import SimpleImputer
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            return make_pipeline(
                SimpleImputer(strategy="median", keep_empty_features=True),
                StandardScaler(),
                LogisticRegression(C=self.C, max_iter=1000),
            )
        raise ValueError(f"estimator: expected 'boosting' or 'logistic', found {self.estimator!r}")

    def _threads(self) -> Any:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # ships no types

        if self.n_threads is None:
            return contextlib.nullcontext()
        return threadpool_limits(limits=self.n_threads)

    def fit(self, X: Any, y: Any) -> PersonaModel:  # noqa: N803  # scikit-learn's names
        """Fit on features ``X`` and labels ``y`` (the larger label marks labelled customers)."""
        with self._threads():
            return self._fit(X, y)

    def _fit(self, X: Any, y: Any) -> PersonaModel:  # noqa: N803  # X is the scikit-learn name for the samples
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import StratifiedKFold
        from sklearn.utils.multiclass import check_classification_targets, type_of_target

        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)  # noqa: N806  # X is the scikit-learn name for the samples
        check_classification_targets(y)
        if type_of_target(y) != "binary":
            raise ValueError(
                "Only binary classification is supported (labelled vs unlabelled). The type of "
                f"the target is {type_of_target(y)}."
            )
        if not isinstance(self.cv, int) or self.cv < 2:
            raise ValueError(f"cv: expected an integer >= 2, found {self.cv!r}")
        self.classes_, s = np.unique(y, return_inverse=True)
        if self.classes_.size != 2:
            raise ValueError(
                "expected labelled and unlabelled samples (2 classes), found "
                f"{self.classes_.size} class(es)"
            )
        base = self._base()
        oof = np.full(s.size, np.nan)
        folds = min(self.cv, int(np.bincount(s).min()))
        if folds >= 2:
            split = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            for train, test in split.split(X, s):
                model = clone(base).fit(X[train], s[train])
                oof[test] = model.predict_proba(X[test])[:, 1]
        self.estimator_ = clone(base).fit(X, s)
        self.features_ = np.arange(X.shape[1])
        used = _used_features(self.estimator_)
        if self.compact and used is not None and 0 < used.size < X.shape[1]:
            compact = clone(base).fit(X[:, used], s)
            if _used_features(compact) is not None:
                self.estimator_, self.features_ = compact, used
        if np.isnan(oof).any():  # too few labelled samples to hold some out
            oof = self.estimator_.predict_proba(X[:, self.features_])[:, 1]
        self.oof_ = oof
        c = float(oof[s == 1].mean())
        self.c_ = c if c > 0 else 1.0
        resemblance = np.minimum(1.0, oof / self.c_)
        self.recall_ = float((resemblance[s == 1] >= self.threshold).mean())
        self.auc_ = float(roc_auc_score(s, oof)) if folds >= 2 else float("nan")
        # |P| = sum p(s=1|x) / c over the base: the count of labelled customers scaled by 1/c.
        # Summing the clipped resemblance instead would lose the mass above 1 (noisy estimates).
        self.estimated_size_ = float(oof.sum() / self.c_)
        final = self.estimator_
        self.n_iter_ = int(getattr(final, "n_iter_", None) or np.max(final[-1].n_iter_))
        return self

    def predict_proba(self, X: Any) -> Any:  # noqa: N803  # X is the scikit-learn name for the samples
        """Columns (not the persona, the persona): ``p(y=1|x) = min(1, p(s=1|x) / c)``."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)  # noqa: N806  # X is the scikit-learn name for the samples
        with self._threads():
            raw = self.estimator_.predict_proba(X[:, self.features_])[:, 1]
            p = np.minimum(1.0, raw / self.c_)
        return np.column_stack([1.0 - p, p])

    def resemblance(self, X: Any) -> Any:  # noqa: N803  # X is the scikit-learn name for the samples
        """``p(y=1|x)`` alone, scored in batches (fast path for large bases, float32 accepted)."""
        check_is_fitted(self)
        matrix = np.asarray(X)
        out = np.empty(matrix.shape[0], dtype=np.float64)
        step = 262_144
        if self.estimator == "logistic":
            # imputer, scaler and regression folded into one linear form: one product per batch
            imputer, scaler, regression = (step_[1] for step_ in self.estimator_.steps)
            fill = imputer.statistics_.astype(np.float32)
            weights = (regression.coef_[0] / scaler.scale_).astype(np.float32)
            bias = float(regression.intercept_[0] - weights.astype(np.float64) @ scaler.mean_)
            for start in range(0, matrix.shape[0], step):
                chunk = np.asarray(matrix[start : start + step], dtype=np.float32)
                chunk = np.where(np.isnan(chunk), fill, chunk)
                z = chunk @ weights + bias
                out[start : start + step] = 1.0 / (1.0 + np.exp(-z.astype(np.float64)))
            return np.minimum(1.0, out / self.c_)
        with self._threads():
            for start in range(0, matrix.shape[0], step):
                chunk = np.asarray(matrix[start : start + step, self.features_], dtype=np.float64)
                out[start : start + step] = self.estimator_.predict_proba(chunk)[:, 1]
        return np.minimum(1.0, out / self.c_)

    def predict(self, X: Any) -> Any:  # noqa: N803  # X is the scikit-learn name for the samples
        """The persona's label where the resemblance is at least ``threshold``."""
        p = self.predict_proba(X)[:, 1]
        return self.classes_[(p >= self.threshold).astype(int)]


def _used_features(model: Any) -> Any:
    """Indices of the features a fitted boosting's trees split on (None if not a boosting)."""
    predictors = getattr(model, "_predictors", None)
    if predictors is None:
        return None
    used: set[int] = set()
    for trees in predictors:
        for tree in trees:
            nodes = tree.nodes
            used.update(int(f) for f in np.unique(nodes["feature_idx"][nodes["is_leaf"] == 0]))
    return np.array(sorted(used), dtype=np.intp)
