"""Experience scoring (Kestio method): an optimal-experience reference scored from observations.

The reference (YAML) lists, per stage, the actions the brand should perform, with weights, an
optional target score and whether the stage is a key moment::

    parcours: 1
    target: 80                     # default target score, % (optional)
    stages:
      reimbursement:
        key_moment: true           # default: the journey's moment_of_truth for that stage
        target: 85
        actions:
          - {id: acknowledge, weight: 2, label: {fr: Accuser réception sous 24 h, en: ...}}
          - {id: status, weight: 1, label: {fr: Donner l'état du dossier, en: ...}}

Observations (mystery visits, audits, call listening; CSV or xlsx): one row per observation and
action, columns ``observation``, ``stage``, ``action``, ``score`` (0..1, or yes/no/partial,
oui/non/partiel, or 0..``max_score``) and optionally ``source``. An observation's score at a stage
is the weighted mean of its action scores (actions not observed are left out of both sums); the
stage score is the mean over observations, in %. A stage is ``deceptive`` below
``deceptive_below`` (50), ``enchanting`` from ``enchanting_from`` (80), ``neutral`` between.
The gap to target ranks improvements, key moments first; :func:`score_actions` says which
expected actions lose the most points.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from parcours.voc._errors import VocError

if TYPE_CHECKING:
    from parcours.model import Journey

__all__ = [
    "ExperienceReference",
    "read_observations",
    "read_reference",
    "score_actions",
    "score_experience",
]

_WORDS = {
    "yes": 1.0,
    "oui": 1.0,
    "no": 0.0,
    "non": 0.0,
    "partial": 0.5,
    "partiel": 0.5,
    "partiellement": 0.5,
    "partly": 0.5,
}


class ExperienceReference:
    """The optimal-experience reference: per stage, weighted actions, a target, key moment."""

    def __init__(self, stages: dict[str, dict[str, Any]], target: float = 80.0) -> None:
        self.stages = stages
        self.target = target

    def weights(self, stage: str) -> dict[str, float]:
        return {a["id"]: float(a.get("weight", 1)) for a in self.stages[stage]["actions"]}


def read_reference(path: Path | str) -> ExperienceReference:
    """Read and check a reference YAML; errors give the file and the place."""
    import yaml

    source = Path(path)
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise VocError(f"{source}: expected a readable YAML reference, found {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("stages"), dict):
        raise VocError(f"{source}: expected a mapping with a 'stages' mapping")
    target = float(data.get("target", 80))
    stages: dict[str, dict[str, Any]] = {}
    for stage, spec in data["stages"].items():
        where = f"{source}: stages.{stage}"
        if not isinstance(spec, dict) or not isinstance(spec.get("actions"), list):
            raise VocError(f"{where}: expected a mapping with an 'actions' list")
        actions = []
        for i, action in enumerate(spec["actions"]):
            if not isinstance(action, dict) or "id" not in action:
                raise VocError(f"{where}.actions[{i}]: expected a mapping with an id")
            weight = action.get("weight", 1)
            if not isinstance(weight, int | float) or weight <= 0:
                raise VocError(
                    f"{where}.actions[{i}].weight: expected a positive number, found {weight!r}"
                )
            actions.append(action)
        ids = [a["id"] for a in actions]
        if len(set(ids)) != len(ids):
            raise VocError(f"{where}: expected distinct action ids, found {ids}")
        stages[str(stage)] = {**spec, "actions": actions}
    return ExperienceReference(stages, target)


def read_observations(path: Path | str) -> pd.DataFrame:
    """Observations (or any small table) from a CSV, xlsx, Parquet or JSON-lines file.

    The file is read by :func:`parcours.ingest.read_table` (separator and encoding sniffed).
    """
    from parcours.ingest import read_table

    return read_table(path)


def _score(value: Any, max_score: float, where: str) -> float:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _WORDS:
            return _WORDS[word]
        try:
            value = float(word.replace(",", "."))
        except ValueError:
            raise VocError(
                f"{where}: expected a score 0..{max_score:g} or yes/no/partial, found {value!r}"
            ) from None
    number = float(value)
    if not 0 <= number <= max_score:
        raise VocError(f"{where}: expected a score 0..{max_score:g}, found {number:g}")
    return number / max_score


def _scored(
    reference: ExperienceReference, observations: pd.DataFrame, max_score: float
) -> pd.DataFrame:
    """observation, stage, action, score (0..1), every row checked against the reference."""
    needed = {"observation", "stage", "action", "score"}
    missing = needed - set(observations.columns)
    if missing:
        raise VocError(
            f"observations: expected columns {sorted(needed)}, missing {sorted(missing)}"
        )
    rows = observations.dropna(subset=["score"]).reset_index(drop=True)
    scored: list[tuple[str, str, str, float]] = []
    for i, r in enumerate(rows.itertuples(index=False)):
        stage, action = str(r.stage), str(r.action)
        where = f"observations row {i + 2}"
        if stage not in reference.stages:
            raise VocError(
                f"{where}: expected a stage of the reference ({', '.join(reference.stages)}), "
                f"found {stage!r}"
            )
        weights = reference.weights(stage)
        if action not in weights:
            raise VocError(
                f"{where}: expected an action of stage {stage} ({', '.join(weights)}), "
                f"found {action!r}"
            )
        scored.append((str(r.observation), stage, action, _score(r.score, max_score, where)))
    return pd.DataFrame(scored, columns=["observation", "stage", "action", "score"])


def _key_moment(reference: ExperienceReference, stage: str, journey: Journey | None) -> bool:
    moments = {s.id: bool(s.moment_of_truth) for s in journey.stages} if journey else {}
    return bool(reference.stages[stage].get("key_moment", moments.get(stage, False)))


def score_actions(
    reference: ExperienceReference,
    observations: pd.DataFrame,
    *,
    journey: Journey | None = None,
    max_score: float = 1.0,
    lang: str = "fr",
) -> pd.DataFrame:
    """Per expected action: mean score (%), observations, and the points of its stage's score it
    loses (``lost = weight x (1 - score) / stage weights x 100``): what to improve first, key
    moments first, then the most points lost."""
    frame = _scored(reference, observations, max_score)
    out: list[dict[str, Any]] = []
    for stage, spec in reference.stages.items():
        weights = reference.weights(stage)
        total = sum(weights.values())
        for action in spec["actions"]:
            here = frame[(frame["stage"] == stage) & (frame["action"] == action["id"])]
            mean = float(here["score"].mean()) if len(here) else float("nan")
            label = action.get("label", action["id"])
            if isinstance(label, dict):
                label = label.get(lang) or next(iter(label.values()))
            out.append(
                {
                    "stage": stage,
                    "action": action["id"],
                    "description": str(label),
                    "weight": weights[action["id"]],
                    "score": 100 * mean,
                    "observations": len(here),
                    "lost": 100 * weights[action["id"]] * (1 - mean) / total,
                    "key_moment": _key_moment(reference, stage, journey),
                }
            )
    result = pd.DataFrame(
        out,
        columns=[
            "stage", "action", "description", "weight", "score", "observations", "lost", "key_moment",
        ],
    )  # fmt: skip
    result = result.sort_values(
        ["key_moment", "lost"], ascending=[False, False], na_position="last"
    )
    return result.reset_index(drop=True)


def score_experience(
    reference: ExperienceReference,
    observations: pd.DataFrame,
    *,
    journey: Journey | None = None,
    max_score: float = 1.0,
    deceptive_below: float = 50.0,
    enchanting_from: float = 80.0,
) -> pd.DataFrame:
    """Per stage: score (%), observations, class, target, gap; key moments first, then biggest gap."""
    if not deceptive_below <= enchanting_from:
        raise VocError(
            f"thresholds: expected deceptive_below <= enchanting_from, found "
            f"{deceptive_below} and {enchanting_from}"
        )
    frame = _scored(reference, observations, max_score)
    out: list[dict[str, Any]] = []
    for stage, spec in reference.stages.items():
        here = frame[frame["stage"] == stage]
        weights = reference.weights(stage)
        per_obs = []
        for _, obs in here.groupby("observation"):
            w = obs["action"].map(weights)
            per_obs.append(float((w * obs["score"]).sum() / w.sum()))
        score = 100 * sum(per_obs) / len(per_obs) if per_obs else float("nan")
        target = float(spec.get("target", reference.target))
        klass = (
            None
            if not per_obs
            else "deceptive"
            if score < deceptive_below
            else "enchanting"
            if score >= enchanting_from
            else "neutral"
        )
        out.append(
            {
                "stage": stage,
                "score": score,
                "observations": len(per_obs),
                "class": klass,
                "target": target,
                "gap": target - score if per_obs else float("nan"),
                "key_moment": _key_moment(reference, stage, journey),
            }
        )
    result = pd.DataFrame(
        out, columns=["stage", "score", "observations", "class", "target", "gap", "key_moment"]
    )
    result = result.sort_values(["key_moment", "gap"], ascending=[False, False], na_position="last")
    return result.reset_index(drop=True)
