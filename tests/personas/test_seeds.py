"""Key drivers, seeds and twins on small hand-made feature tables."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from parcours.personas import (
    Driver,
    Features,
    Persona,
    PersonaError,
    PersonaWarning,
    Relative,
    evaluate_driver,
    positives,
    select_seeds,
)


def _features(frame: pd.DataFrame) -> Features:
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    families = {c: ("channels" if c.endswith("share") else f"attribute:{c}") for c in frame}
    return Features(frame, numeric, families, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


FRAME = pd.DataFrame(
    {
        "age": [25.0, 34.0, 35.0, np.nan, 60.0, 29.0],
        "city": ["Paris", "Lyon", "Paris", "Paris", "Vannes", None],
        "digital_share": [0.9, 0.5, 0.8, 0.9, np.nan, 0.95],
        "donation": [10.0, 10.0, 10.0, 10.0, 100.0, 10.0],
    },
    index=pd.Index([f"c{i}" for i in range(6)], name="customer_id"),
)


@pytest.mark.parametrize(
    ("driver", "met", "known"),
    [
        (Driver(feature="age", between=(25, 34)), [1, 1, 0, 0, 0, 1], [1, 1, 1, 0, 1, 1]),
        (Driver(feature="city", **{"in": ["Paris"]}), [1, 0, 1, 1, 0, 0], [1, 1, 1, 1, 1, 0]),
        (Driver(feature="city", not_in=["Paris"]), [0, 1, 0, 0, 1, 0], [1, 1, 1, 1, 1, 0]),
        (Driver(feature="city", equals="Vannes"), [0, 0, 0, 0, 1, 0], [1, 1, 1, 1, 1, 0]),
        (Driver(feature="digital_share", at_least=0.8), [1, 0, 1, 1, 0, 1], [1, 1, 1, 1, 0, 1]),
        (Driver(feature="digital_share", below=0.8), [0, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 1]),
        # mean donation = 25; 3x the average = 75
        (Driver(feature="donation", at_least=Relative(mean=3)), [0, 0, 0, 0, 1, 0], [1] * 6),
        (Driver(feature="donation", above=Relative(median=1)), [0, 0, 0, 0, 1, 0], [1] * 6),
        (
            Driver(feature="age", at_most=Relative(quantile=0.5)),
            [1, 1, 0, 0, 0, 1],
            [1, 1, 1, 0, 1, 1],
        ),
    ],
)
def test_driver_evaluation(driver: Driver, met: list[int], known: list[int]) -> None:
    got_met, got_known = evaluate_driver(driver, FRAME)
    assert got_met.astype(int).tolist() == met
    assert got_known.astype(int).tolist() == known


def test_unknown_feature_and_text_comparison_are_clear_errors() -> None:
    with pytest.raises(PersonaError, match="expected a customer feature"):
        evaluate_driver(Driver(feature="shoe_size", at_least=40), FRAME)
    with pytest.raises(PersonaError, match="expected a numeric feature"):
        evaluate_driver(Driver(feature="city", at_least=3), FRAME)


def test_seeds_need_known_profile_and_tolerate_unmeasured_habits() -> None:
    persona = Persona(
        id="young",
        name="Jeune",
        drivers=[
            Driver(feature="age", between=(25, 34)),
            Driver(feature="city", **{"in": ["Paris", "Lyon"]}),
            Driver(feature="digital_share", at_least=0.7, role="habit"),
        ],
    )
    frame = FRAME.copy()
    frame.loc["c0", "digital_share"] = np.nan  # a habit that cannot be measured
    seeds, candidates = select_seeds(persona, _features(frame))
    # c0: habit unknown -> seed; c1: habit not met -> candidate twin; c3: age unknown -> candidate
    # (not ruled out); c5: city unknown -> candidate; c2, c4: ruled out by the profile.
    assert seeds.astype(int).tolist() == [1, 0, 0, 0, 0, 0]
    assert candidates.astype(int).tolist() == [0, 1, 0, 1, 0, 1]


def test_twins_complete_the_seeds_with_the_nearest_customers() -> None:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {"age": rng.integers(18, 80, n).astype(float), "spend": rng.normal(100, 20, n)},
        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"),
    )
    persona = Persona(id="p", name="P", drivers=[Driver(feature="age", between=(30, 32))])
    features = _features(frame)
    with pytest.warns(PersonaWarning, match="mostly seeds"):
        found = positives(persona, features, ["age", "spend"], min_positives=60)
    assert int(found.labelled.sum()) == 60
    seeds_age = frame["age"][found.seeds]
    twins_age = frame["age"][found.twins]
    assert seeds_age.between(30, 32).all()
    # twins are look-alikes: closer in age to the seeds than the rest of the base
    rest = frame["age"][~found.labelled]
    assert (twins_age - 31).abs().mean() < (rest - 31).abs().mean()


def test_a_base_too_narrow_for_the_minimum_warns() -> None:
    persona = Persona(
        id="p",
        name="P",
        drivers=[Driver(feature="age", at_least=60), Driver(feature="city", equals="Vannes")],
    )
    with pytest.warns(PersonaWarning, match="expected at least 300"):
        found = positives(persona, _features(FRAME), ["age", "donation"], min_positives=300)
    assert int(found.labelled.sum()) == len(FRAME)
    assert found.shortfall == 300 - len(FRAME)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PersonaWarning)
        found = positives(persona, _features(FRAME), ["age", "donation"], min_positives=1)
    assert found.twins.sum() == 0
