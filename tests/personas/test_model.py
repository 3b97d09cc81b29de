"""PersonaModel: the scikit-learn contract and the label-frequency correction on known data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from parcours.personas import PersonaModel


@parametrize_with_checks([PersonaModel(), PersonaModel("logistic")])
def test_sklearn_contract(estimator: Any, check: Any) -> None:
    check(estimator)


def _pu_data(
    n: int = 4000, label_frequency: float = 0.4, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two features; positives where both are high; a random share of positives is labelled."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    y = (x[:, 0] + x[:, 1] > 1.0).astype(int)
    s = y * (rng.random(n) < label_frequency)
    return x, y, s


# A logistic regression cannot draw the plateau p(s=1|x) = c inside the persona, so its c is
# biased low and its size high: it is a linear baseline, boosting is the default.
@pytest.mark.parametrize(("estimator", "tolerance"), [("boosting", 0.1), ("logistic", 0.3)])
def test_label_frequency_correction_recovers_the_size(estimator: str, tolerance: float) -> None:
    x, y, s = _pu_data()
    model = PersonaModel(estimator).fit(x, s)
    # c estimates P(s=1|y=1) = 0.4 on held-out labelled samples
    assert 0.25 < model.c_ < 0.5
    assert model.estimated_size_ == pytest.approx(y.sum(), rel=tolerance)
    found = model.predict(x)
    assert (found == y).mean() > 0.9
    # without the correction, the size is the labelled count
    assert s.sum() < 0.5 * y.sum()
    assert model.auc_ > 0.8
    assert model.recall_ > 0.7
    # resemblance (batched) and predict_proba agree
    np.testing.assert_allclose(model.resemblance(x), model.predict_proba(x)[:, 1], atol=1e-5)


def test_params_round_trip_and_validation() -> None:
    model = PersonaModel("logistic", cv=4, C=0.5)
    assert clone(model).get_params() == model.get_params()
    x, _, s = _pu_data(400)
    with pytest.raises(ValueError, match="'boosting' or 'logistic'"):
        PersonaModel("forest").fit(x, s)
    with pytest.raises(ValueError, match="integer >= 2"):
        PersonaModel(cv=1).fit(x, s)
    with pytest.raises(ValueError, match="2 classes"):
        PersonaModel().fit(x, np.zeros(len(x)))
