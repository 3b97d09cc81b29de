"""Seeds and twins: the customers a persona's model learns from.

*Seeds* meet every key driver: each profile driver is known and met; each habit driver is met or
cannot be measured for that customer (a prospect has no premium). *Twins* complete the seeds up to
a minimum: the customers nearest to a seed in the scaled feature space, first among those no
profile driver rules out (their profile is unknown), then among all. A :class:`PersonaWarning`
says when the base cannot supply the minimum, or when twins outnumber the seeds (the persona then
rests more on look-alikes than on customers meeting its drivers).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from parcours.personas._errors import PersonaError
from parcours.personas._persona import Driver, Persona, Relative

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd

    from parcours.personas._features import Features

__all__ = ["PersonaWarning", "Positives", "evaluate_driver", "find_twins", "select_seeds"]

DEFAULT_MIN_POSITIVES = 300


class PersonaWarning(UserWarning):
    """A persona is fitted on fewer positives than asked (the base is too small or too narrow)."""


@dataclass(frozen=True)
class Positives:
    """The labelled customers of one persona: seeds, then twins."""

    persona: str
    seeds: npt.NDArray[np.bool_]
    twins: npt.NDArray[np.bool_]
    candidates: int  # customers no profile driver rules out (seeds excluded)
    asked: int  # the minimum asked

    @property
    def labelled(self) -> npt.NDArray[np.bool_]:
        out: npt.NDArray[np.bool_] = self.seeds | self.twins
        return out

    @property
    def shortfall(self) -> int:
        return max(0, self.asked - int(self.labelled.sum()))


def evaluate_driver(
    driver: Driver, frame: pd.DataFrame
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(met, known) for every customer: whether the driver holds, and whether it can be measured."""
    import pandas as pd

    if driver.feature not in frame.columns:
        raise PersonaError(
            f"driver on {driver.feature!r}: expected a customer feature, found none with that "
            "name (see `parcours personas features` for the list)"
        )
    values = frame[driver.feature]
    known = values.notna().to_numpy()
    op, target = driver.operator, driver.value
    numeric = pd.api.types.is_numeric_dtype(values)
    if op in ("equals", "in", "not_in"):
        choices = [target] if op == "equals" else list(target)
        if numeric:
            wanted = [float(v) for v in choices if isinstance(v, int | float)]  # bool too
            hit = values.isin(wanted).to_numpy()
        else:
            hit = values.astype("string").isin([str(v) for v in choices]).fillna(False).to_numpy()
        met = ~hit if op == "not_in" else hit
    else:
        if not numeric:
            raise PersonaError(
                f"driver on {driver.feature!r}: expected a numeric feature for {op}, found text "
                f"values such as {values.dropna().iloc[0]!r}"
                if values.notna().any()
                else f"driver on {driver.feature!r}: expected a numeric feature, found no values"
            )
        x = values.to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            if op == "between":
                low, high = target
                met = (x >= low) & (x <= high)
            else:
                bound = target.resolve(values) if isinstance(target, Relative) else float(target)
                met = {
                    "at_least": x >= bound,
                    "at_most": x <= bound,
                    "above": x > bound,
                    "below": x < bound,
                }[op]
    met = np.asarray(met, dtype=bool) & known
    return met, known


def select_seeds(
    persona: Persona, features: Features
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(seeds, candidates): customers meeting every driver, and those no profile driver rules out."""
    n = len(features.frame)
    seeds = np.ones(n, dtype=bool)
    possible = np.ones(n, dtype=bool)
    for driver in persona.drivers:
        met, known = evaluate_driver(driver, features.frame)
        if driver.role == "profile":
            seeds &= met
            possible &= met | ~known
        else:
            seeds &= met | ~known
    return seeds, possible & ~seeds


def find_twins(
    seeds: npt.NDArray[np.bool_],
    candidates: npt.NDArray[np.bool_],
    matrix: npt.NDArray[np.floating[Any]],
    need: int,
) -> npt.NDArray[np.bool_]:
    """The ``need`` candidates nearest to a seed (standardised features, missing -> median)."""
    from sklearn.neighbors import NearestNeighbors

    twins = np.zeros(seeds.size, dtype=bool)
    pool = np.flatnonzero(candidates)
    if need <= 0 or pool.size == 0 or not seeds.any():
        return twins
    x = np.asarray(matrix, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns
        median = np.nanmedian(x, axis=0)
        median = np.where(np.isnan(median), 0.0, median)
        x = np.where(np.isnan(x), median, x)
        scale = x.std(axis=0)
    x = (x - x.mean(axis=0)) / np.where(scale > 0, scale, 1.0)
    nn = NearestNeighbors(n_neighbors=1).fit(x[seeds])
    distance, _ = nn.kneighbors(x[pool])
    order = np.argsort(distance[:, 0], kind="stable")[:need]
    twins[pool[order]] = True
    return twins


def positives(
    persona: Persona,
    features: Features,
    columns: list[str],
    min_positives: int = DEFAULT_MIN_POSITIVES,
) -> Positives:
    """Seeds of ``persona``, completed with twins up to ``min_positives`` (warns if impossible)."""
    seeds, candidates = select_seeds(persona, features)
    need = max(0, min_positives - int(seeds.sum()))
    twins = np.zeros_like(seeds)
    if need:
        matrix = features.matrix(columns)
        twins = find_twins(seeds, candidates, matrix, need)
        rest = need - int(twins.sum())
        if rest > 0:
            twins |= find_twins(seeds, ~seeds & ~twins, matrix, rest)
    result = Positives(persona.id, seeds, twins, int(candidates.sum()), min_positives)
    n_seeds, n_twins = int(seeds.sum()), int(twins.sum())
    if result.shortfall:
        warnings.warn(
            f"persona {persona.id}: expected at least {min_positives} seeds and twins, found "
            f"{n_seeds} seeds and {n_twins} twins (the base has no more customers)",
            PersonaWarning,
            stacklevel=2,
        )
    elif n_twins > n_seeds:
        warnings.warn(
            f"persona {persona.id}: expected mostly seeds, found {n_seeds} seeds and {n_twins} "
            "twins: the model learns more from look-alikes than from customers meeting the "
            "drivers (loosen the drivers or lower the minimum)",
            PersonaWarning,
            stacklevel=2,
        )
    return result
