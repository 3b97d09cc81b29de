"""Projecting personas into the base: fit one model per persona, score, assign, quantify, export.

``fit`` builds the features, the seeds and twins and one :class:`PersonaModel` per persona, and
saves the whole :class:`Projection` in the workspace (``out/personas/projection.pkl``). ``score``
gives every customer a resemblance (0-1) to every persona, assigns by decision rules and writes the
warehouse tables ``persona_scores`` (customer_id, persona, score, confidence) and
``persona_resemblance`` (customer_id, persona, score). ``assignments`` reads them back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from parcours.personas._errors import PersonaError
from parcours.personas._model import PersonaModel
from parcours.personas._persona import DEMO_PERSONAS, Persona, load_personas
from parcours.personas._seeds import DEFAULT_MIN_POSITIVES, evaluate_driver, positives
from parcours.warehouse import PERSONA_SCORES, PERSONA_SCORES_COLUMNS

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd

    from parcours.personas._features import Features
    from parcours.workspace import Workspace

__all__ = [
    "UNASSIGNED",
    "PersonaFit",
    "Projection",
    "assign",
    "assignments",
    "crosstab",
    "export",
    "fit",
    "load_projection",
    "quantify",
    "resemblance",
    "score",
]

UNASSIGNED = "unassigned"
SCORES_TABLE = PERSONA_SCORES  # the warehouse's contract: anyone reads it, voc and render do
RESEMBLANCE_TABLE = "persona_resemblance"
PROJECTION_FILE = ("out", "personas", "projection.pkl")
DEFAULT_THRESHOLD = 0.5
DEFAULT_MARGIN = 0.1
DEFAULT_LEAKAGE = 0.1


@dataclass
class PersonaFit:
    """One persona's fitted model and what it was learnt from."""

    persona: Persona
    model: PersonaModel
    columns: list[str]
    excluded: list[str]  # model features left out (habit families and their give-aways)
    seeds: int
    twins: int
    candidates: int
    asked: int
    estimated_size: float  # sum of the resemblance over the base (Elkan & Noto)

    @property
    def shortfall(self) -> int:
        return max(0, self.asked - self.seeds - self.twins)


@dataclass
class Projection:
    """Every persona's model, with the settings of the decision rules."""

    fits: list[PersonaFit]
    customers: int
    as_of: dt.datetime
    threshold: float = DEFAULT_THRESHOLD
    margin: float = DEFAULT_MARGIN
    estimator: str = "boosting"
    fitted_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def personas(self) -> list[str]:
        return [f.persona.id for f in self.fits]

    def fit_of(self, persona: str) -> PersonaFit:
        for f in self.fits:
            if f.persona.id == persona:
                return f
        raise PersonaError(
            f"expected a persona among {', '.join(self.personas)}, found {persona!r}"
        )

    def resemblance(self, features: Features) -> pd.DataFrame:
        """Resemblance (0-1) of every customer to every persona (columns in persona order)."""
        import pandas as pd

        out = {}
        for f in self.fits:
            frame = features.frame.reindex(columns=f.columns)
            x = frame.to_numpy(dtype=np.float32, na_value=np.nan)
            out[f.persona.id] = f.model.resemblance(x)
        return pd.DataFrame(out, index=features.frame.index)


def _leaks(
    features: Features,
    columns: list[str],
    profile: npt.NDArray[np.bool_],
    seeds: npt.NDArray[np.bool_],
    limit: float,
) -> list[str]:
    """Features that tell seeds from the other profile matches (their values or their absence).

    The label-frequency correction assumes the labelled customers are a random sample of the
    persona as the model sees it. Habit drivers break that on purpose (only the typical members are
    seeds), so any feature correlated with the selection among profile matches is left out.
    """
    import pandas as pd

    if not profile.any() or seeds[profile].all() or not seeds[profile].any():
        return []
    sub = features.frame.loc[profile, columns].astype("float64")
    selected = pd.Series(seeds[profile].astype("float64"), index=sub.index)
    with np.errstate(invalid="ignore", divide="ignore"):
        by_value = sub.corrwith(selected).abs()
        by_absence = sub.isna().astype("float64").corrwith(selected).abs()
    return [c for c in columns if by_value.get(c, 0) > limit or by_absence.get(c, 0) > limit]


def _check_features(persona: Persona, features: Features) -> None:
    import difflib

    for k, driver in enumerate(persona.drivers):
        if driver.feature not in features.frame.columns:
            close = difflib.get_close_matches(driver.feature, list(features.frame.columns), 3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise PersonaError(
                f"persona {persona.id}, drivers[{k}]: expected a customer feature, found "
                f"{driver.feature!r}{hint}; `parcours personas features` lists them"
            )


def fit(
    workspace: Workspace,
    personas: Any = None,
    *,
    min_positives: int = DEFAULT_MIN_POSITIVES,
    estimator: str = "boosting",
    leakage: float = DEFAULT_LEAKAGE,
    threshold: float = DEFAULT_THRESHOLD,
    margin: float = DEFAULT_MARGIN,
    random_state: int = 0,
    features: Features | None = None,
    save: bool = True,
) -> Projection:
    """Fit one model per persona on the workspace's customers; save it unless ``save=False``.

    ``personas``: a list of :class:`Persona`, a folder or files, or ``None`` for the workspace's
    ``personas/*.yaml``. ``leakage``: features whose correlation with the habit selection among
    the profile matches exceeds it are left out of that persona's model.
    """
    from parcours.personas._features import customer_features

    if personas is None:
        found = load_personas(workspace)
        if not found:
            raise PersonaError(
                f"expected persona files (*.yaml) in {workspace.path('personas')}, found none: "
                "write one per persona (see docs/personas.md), or copy the demo's from "
                f"{DEMO_PERSONAS}"
            )
        personas = found
    elif not (isinstance(personas, list) and all(isinstance(p, Persona) for p in personas)):
        personas = load_personas(personas)
    if not personas:
        raise PersonaError("expected at least one persona, found none")
    if features is None:
        features = customer_features(workspace)
    fits: list[PersonaFit] = []
    for persona in personas:
        _check_features(persona, features)
        habit = {features.family(d.feature) for d in persona.habit_drivers}
        columns = features.columns(habit)
        excluded = [c for c in features.model_columns if c not in columns]
        labels = positives(persona, features, columns, min_positives)
        if persona.habit_drivers:
            profile = np.ones(len(features.frame), dtype=bool)
            for driver in persona.profile_drivers:
                profile &= evaluate_driver(driver, features.frame)[0]
            leaky = _leaks(features, columns, profile, labels.seeds, leakage)
            columns = [c for c in columns if c not in leaky]
            excluded += leaky
        labelled = labels.labelled
        if not labelled.any():
            raise PersonaError(
                f"persona {persona.id}: expected customers meeting its key drivers, found none "
                f"among {len(features.frame)} customers (check the drivers and the features)"
            )
        if labelled.all():
            raise PersonaError(
                f"persona {persona.id}: every customer meets its key drivers; expected some who "
                "do not (the drivers select nothing)"
            )
        model = PersonaModel(estimator, threshold=threshold, random_state=random_state)
        model.fit(features.matrix(columns), labelled.astype(np.int64))
        fits.append(
            PersonaFit(
                persona=persona,
                model=model,
                columns=columns,
                excluded=excluded,
                seeds=int(labels.seeds.sum()),
                twins=int(labels.twins.sum()),
                candidates=labels.candidates,
                asked=min_positives,
                estimated_size=model.estimated_size_,
            )
        )
    projection = Projection(
        fits=fits,
        customers=len(features.frame),
        as_of=features.as_of,
        threshold=threshold,
        margin=margin,
        estimator=estimator,
    )
    if save:
        save_projection(workspace, projection)
    return projection


def projection_path(workspace: Workspace) -> Path:
    """Where the workspace's fitted projection is saved (``out/personas/projection.pkl``)."""
    path: Path = workspace.path(*PROJECTION_FILE)
    return path


def save_projection(workspace: Workspace, projection: Projection) -> Path:
    path = projection_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(projection))
    tmp.replace(path)
    return path


def load_projection(workspace: Workspace) -> Projection:
    """The projection saved by :func:`fit` (a file the workspace's owner wrote: pickle)."""
    path = projection_path(workspace)
    if not path.is_file():
        raise PersonaError(
            f"expected fitted persona models in {path}, found none: run `parcours personas fit`"
        )
    projection = pickle.loads(path.read_bytes())  # noqa: S301  # the workspace's own file
    if not isinstance(projection, Projection):
        raise PersonaError(f"expected a persona projection in {path}, found {type(projection)}")
    return projection


def assign(
    scores: pd.DataFrame, threshold: float = DEFAULT_THRESHOLD, margin: float = DEFAULT_MARGIN
) -> pd.DataFrame:
    """Decision rules: the best persona if its score >= ``threshold`` and beats the second by
    ``margin``, else ``unassigned``. ``scores``: one column per persona, index customer_id.

    Returns (customer_id, persona, score, confidence): score is the best resemblance, confidence the
    gap to the second best (the best score itself when there is one persona).
    """
    import pandas as pd

    values = scores.to_numpy(dtype=np.float64)
    n, k = values.shape
    if k == 0:
        raise PersonaError("expected at least one persona column of scores, found none")
    order = np.argsort(-values, axis=1, kind="stable")
    rows = np.arange(n)
    best = values[rows, order[:, 0]]
    second = values[rows, order[:, 1]] if k > 1 else np.zeros(n)
    confidence = best - second
    names = np.asarray(scores.columns, dtype=object)
    ok = (best >= threshold) & (confidence >= margin)
    persona = np.where(ok, names[order[:, 0]], UNASSIGNED)
    return pd.DataFrame(
        {
            "customer_id": scores.index.to_numpy(),
            "persona": persona.astype(str),
            "score": best,
            "confidence": confidence,
        }
    )


def score(
    workspace: Workspace,
    projection: Projection | None = None,
    *,
    threshold: float | None = None,
    margin: float | None = None,
    features: Features | None = None,
) -> pd.DataFrame:
    """Score every customer, assign, and write ``persona_scores`` and ``persona_resemblance``."""
    import pandas as pd

    from parcours.personas._features import customer_features

    if projection is None:
        projection = load_projection(workspace)
    if features is None:
        features = customer_features(workspace)
    wide = projection.resemblance(features)
    result = assign(
        wide,
        projection.threshold if threshold is None else threshold,
        projection.margin if margin is None else margin,
    )
    long = (
        wide.rename_axis("customer_id")
        .reset_index()
        .melt(id_vars="customer_id", var_name="persona", value_name="score")
    )
    for name, frame in ((SCORES_TABLE, result), (RESEMBLANCE_TABLE, long)):
        workspace.warehouse.write_table(name, pd.DataFrame(frame))
    return result


def _read(workspace: Workspace, name: str) -> pd.DataFrame:
    wh = workspace.warehouse
    if not wh.has_table(name):
        raise PersonaError(
            f"expected the table {name} in the warehouse of {workspace.root}, found none: "
            "personas were never scored (run `parcours personas fit` then `parcours personas score`)"
        )
    frame: pd.DataFrame = wh.table(name).to_pandas()
    return frame


def assignments(workspace: Workspace) -> pd.DataFrame:
    """The last scoring: one row per customer (customer_id, persona, score, confidence).

    ``persona`` is ``"unassigned"`` where no persona is close enough. Raises
    :class:`PersonaError` if personas were never scored in this workspace.
    """
    frame = _read(workspace, SCORES_TABLE)
    return frame[list(PERSONA_SCORES_COLUMNS)]


def resemblance(workspace: Workspace) -> pd.DataFrame:
    """The last scoring's resemblance of every customer to every persona (wide, index customer_id)."""
    long = _read(workspace, RESEMBLANCE_TABLE)
    wide: pd.DataFrame = long.pivot(index="customer_id", columns="persona", values="score")
    wide.columns.name = None
    return wide


def quantify(
    workspace: Workspace, features: Features | None = None, *, projection: Projection | None = None
) -> pd.DataFrame:
    """Weight of each persona: customers (bought at least once), prospects, shares, revenue.

    One row per persona plus ``unassigned``; ``estimated`` is the sum of the resemblance (the
    persona's estimated size over the whole base, assigned or not). ``features`` and
    ``projection``: the customer features and the saved projection, when the caller has them.
    """
    import pandas as pd

    from parcours.personas._features import customer_features

    table = assignments(workspace)
    wide = resemblance(workspace)
    if features is None:
        features = customer_features(workspace)
    frame = features.frame[["buyer", "monetary"]].reindex(table["customer_id"])
    table = table.assign(
        buyer=frame["buyer"].fillna(0).to_numpy() > 0,
        revenue=frame["monetary"].fillna(0.0).to_numpy(),
    )
    order = [*wide.columns, UNASSIGNED]
    grouped = table.groupby("persona")
    out = pd.DataFrame(index=pd.Index(order, name="persona"))
    out["customers"] = grouped["buyer"].sum().reindex(order).fillna(0).astype("int64")
    out["prospects"] = (grouped.size() - grouped["buyer"].sum()).reindex(order).fillna(0)
    out["prospects"] = out["prospects"].astype("int64")
    out["total"] = out["customers"] + out["prospects"]
    buyers, total = int(table["buyer"].sum()), len(table)
    out["customer_share"] = out["customers"] / max(buyers, 1)
    out["prospect_share"] = out["prospects"] / max(total - buyers, 1)
    out["share"] = out["total"] / max(total, 1)
    out["revenue"] = grouped["revenue"].sum().reindex(order).fillna(0.0)
    revenue = float(table["revenue"].sum())
    out["revenue_share"] = out["revenue"] / revenue if revenue > 0 else 0.0
    estimated = wide.sum(axis=0)
    if projection is None:
        with contextlib.suppress(PersonaError):  # scored, then the fit file removed: resemblance
            projection = load_projection(workspace)
    if projection is not None:  # the fit's estimate (sum of p(s=1|x) / c), not the clipped one
        estimated = pd.Series({f.persona.id: f.estimated_size for f in projection.fits})
    out["estimated"] = estimated.reindex(order)
    return out.reset_index()


def crosstab(workspace: Workspace, column: str, *, normalize: bool = False) -> pd.DataFrame:
    """Personas (rows) against an existing segmentation: a column of the customers table."""
    import pandas as pd

    table = assignments(workspace)
    customers = workspace.table("customers")
    if column not in customers.columns:
        raise PersonaError(
            f"expected a column of the customers table to cross with the personas, found "
            f"{column!r}; columns: {', '.join(customers.columns)}"
        )
    segment = customers.select("customer_id", column).to_pandas().set_index("customer_id")[column]
    values = segment.reindex(table["customer_id"]).astype("string").fillna("—").to_numpy()
    out: pd.DataFrame = pd.crosstab(
        table["persona"].to_numpy(),
        values,
        rownames=["persona"],
        colnames=[column],
        normalize="index" if normalize else False,
    )
    return out


def export(
    workspace: Workspace, path: Path | str, *, format: str | None = None, dialect: str | None = None
) -> Path:
    """Write (customer_id, persona, score, confidence) as CSV or Parquet (from the file suffix).

    CSV goes through :func:`parcours.export.write_csv` in ``dialect`` (default: the workspace's).
    """
    target = Path(path)
    kind = (format or target.suffix.lstrip(".") or "csv").lower()
    table = assignments(workspace)
    target.parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        from parcours.export import write_csv

        write_csv(table, target, dialect=dialect or workspace.settings.csv_dialect)
    elif kind == "parquet":
        table.to_parquet(target, index=False)
    else:
        raise PersonaError(f"export format: expected csv or parquet, found {kind!r}")
    return target
