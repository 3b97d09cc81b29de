"""The voice of the customer of one journey, as the journey-map renderer reads it (the contract).

``journey_voc(workspace, journey, persona=None, period=None) -> JourneyVoc`` with:

- ``satisfaction``: stage, channel, touchpoint, metric (nps|csat|ces), value, n, ci_low, ci_high,
  small_sample — the whole journey (stage, channel and touchpoint empty), then one row per stage
  (channel and touchpoint empty), per stage x channel (touchpoint empty) and per touchpoint
  (stage, channel and touchpoint filled). NPS in points, CSAT in %, CES mean on 1-5;
- ``emotion``: stage, value (-2..+2), n — journey order;
- ``verbatims``: stage, touchpoint, kind (irritant|enchantment), theme, weight, occurrences,
  verbatim — heaviest first;
- ``peak_end``: float or None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

from parcours.voc._classify import classify_verbatims, workspace_model
from parcours.voc._emotion import emotion_curve, peak_end
from parcours.voc._errors import VocError
from parcours.voc._irritants import DEFAULT_HALF_LIFE_DAYS, rank_verbatims
from parcours.voc._stats import DEFAULT_MIN_N
from parcours.voc._survey import filter_period, resolve_touchpoints, satisfaction
from parcours.warehouse import PERSONA_SCORES

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = [
    "SATISFACTION_CONTRACT",
    "VERBATIM_CONTRACT",
    "JourneyVoc",
    "journey_responses",
    "journey_verbatims",
    "journey_voc",
    "stage_rows",
]

SATISFACTION_CONTRACT = (
    "stage",
    "channel",
    "touchpoint",
    "metric",
    "value",
    "n",
    "ci_low",
    "ci_high",
    "small_sample",
)
VERBATIM_CONTRACT = ("stage", "touchpoint", "kind", "theme", "weight", "occurrences", "verbatim")


@dataclass
class JourneyVoc:
    """What the customers say of one journey: satisfaction, emotion, verbatims, peak-end."""

    satisfaction: pd.DataFrame
    emotion: pd.DataFrame
    verbatims: pd.DataFrame
    peak_end: float | None
    ranking: pd.DataFrame = field(default_factory=pd.DataFrame)  # with examples, recency, volume
    classified: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per verbatim


def stage_rows(satisfaction: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The per-stage rows of a contract ``satisfaction`` table (channel, touchpoint empty)."""
    return satisfaction[
        (satisfaction["metric"] == metric)
        & satisfaction["stage"].notna()
        & satisfaction["channel"].isna()
        & satisfaction["touchpoint"].isna()
    ]


def _journey_model(workspace: Workspace, journey: Journey | str | None) -> Journey:
    if journey is None or isinstance(journey, str):
        return workspace.journey(journey)
    return journey


def _persona_customers(workspace: Workspace, persona: str) -> Any:
    """Ibis table of the customer ids assigned to ``persona`` (warehouse table persona_scores)."""
    table = _assignments(workspace, persona)
    return table.filter(table.persona == persona).select("customer_id").distinct()


def _assignments(workspace: Workspace, persona: str | None) -> Any:
    """The persona scoring's assignments (customer_id, persona) as an Ibis table, read from the
    warehouse table parcours.personas writes, or a clear error."""
    what = f"persona {persona!r}" if persona is not None else "group by persona"
    if not workspace.warehouse.has_table(PERSONA_SCORES):
        raise VocError(
            f"{what}: expected scored persona assignments (the warehouse table {PERSONA_SCORES}), "
            "found none (score the personas first: parcours personas score)"
        )
    table = workspace.table(PERSONA_SCORES)
    if "customer_id" not in table.columns or "persona" not in table.columns:
        raise VocError(
            f"{PERSONA_SCORES}: expected columns customer_id and persona, "
            f"found {', '.join(table.columns)}"
        )
    return table.select("customer_id", "persona")


def journey_responses(
    workspace: Workspace,
    journey: Journey | str | None = None,
    *,
    persona: str | None = None,
    period: Sequence[dt.date | dt.datetime | str | None] | None = None,
    with_persona: bool = False,
) -> Any:
    """The responses of the journey's stages as an Ibis table, touchpoints resolved, filtered.

    ``with_persona`` adds a ``persona`` column (``unassigned`` for customers with none), so that
    :func:`satisfaction` can group by persona.
    """
    model = _journey_model(workspace, journey)
    table = workspace.table("responses")
    stages = [s.id for s in model.stages]
    table = table.filter(table.stage.isin(stages))
    table = filter_period(table, period, workspace.settings.timezone)
    if persona is not None:
        customers = _persona_customers(workspace, persona)
        table = table.semi_join(customers, table.customer_id == customers.customer_id)
    if with_persona:
        assigned = _assignments(workspace, None).distinct(on="customer_id", keep="first")
        joined = table.left_join(assigned, table.customer_id == assigned.customer_id)
        table = joined.select(
            *[joined[c] for c in table.columns],
            persona=joined.persona.fill_null("unassigned"),
        )
    return resolve_touchpoints(table, model)


def _volumes(workspace: Workspace, period: Any) -> tuple[dict[str, int], dict[str, int]]:
    """Interactions per touchpoint and per stage, from one scan of the interactions table."""
    interactions = filter_period(
        workspace.table("interactions"), period, workspace.settings.timezone
    )
    counts = (
        interactions.group_by(["stage", "touchpoint"]).aggregate(n=interactions.count()).to_pandas()
    )
    by_tp = counts.dropna(subset=["touchpoint"]).groupby("touchpoint")["n"].sum()
    by_stage = counts.dropna(subset=["stage"]).groupby("stage")["n"].sum()
    return (
        dict(zip(by_tp.index, by_tp.astype(int), strict=True)),
        dict(zip(by_stage.index, by_stage.astype(int), strict=True)),
    )


def journey_verbatims(responses: Any, *, model: Any = None) -> pd.DataFrame:
    """One row per answer with a comment: stage, touchpoint, ts, answer, verbatim, label, theme..."""
    with_text = responses.filter(responses.verbatim.notnull())
    frame: pd.DataFrame = with_text.select(
        "response_id", "stage", "touchpoint", "channel", "ts", "verbatim", "lang"
    ).to_pandas()
    frame = frame[frame["verbatim"].str.strip().str.len() > 0]
    frame["answer"] = frame["response_id"].map(_answer_id)
    # One answer is one comment, even when the survey tool repeats it on several metric rows.
    frame = frame.drop_duplicates("answer").reset_index(drop=True)
    classified = classify_verbatims(frame["verbatim"], frame["lang"], model=model)
    frame["lang"] = classified["lang"].to_numpy()
    frame["label"] = classified["label"].to_numpy()
    frame["theme"] = classified["theme"].to_numpy()
    frame["score"] = classified["score"].to_numpy()
    return frame


def _answer_id(response_id: str) -> str:
    """The survey answer a metric row belongs to (ingest ids end in ``:<metric>``)."""
    head, sep, tail = str(response_id).rpartition(":")
    return head if sep and tail in ("nps", "csat", "ces") else str(response_id)


def _contract_satisfaction(responses: Any, min_n: int) -> pd.DataFrame:
    overall = responses.mutate(_all=ibis.literal("all"))
    parts = [
        satisfaction(overall, ["_all"], min_n=min_n).drop(columns="_all"),
        satisfaction(responses, ["stage"], min_n=min_n),
        satisfaction(responses, ["stage", "channel"], min_n=min_n),
        satisfaction(
            responses.filter(responses.touchpoint.notnull()),
            ["stage", "channel", "touchpoint"],
            min_n=min_n,
        ),
    ]
    filled = [p for p in parts if len(p)]
    if not filled:
        return pd.DataFrame(columns=list(SATISFACTION_CONTRACT))
    frame = pd.concat(filled, ignore_index=True)
    for column in ("stage", "channel", "touchpoint"):
        if column not in frame.columns:
            frame[column] = None
    frame = frame[list(SATISFACTION_CONTRACT)]
    frame["n"] = frame["n"].astype("int64")
    frame["small_sample"] = frame["small_sample"].astype(bool)
    frame = frame.astype({"stage": "object", "channel": "object", "touchpoint": "object"})
    for column in ("stage", "channel", "touchpoint"):
        frame[column] = frame[column].where(frame[column].notna(), None)
    return frame


def journey_voc(
    workspace: Workspace,
    journey: Journey | str | None = None,
    persona: str | None = None,
    period: Sequence[dt.date | dt.datetime | str | None] | None = None,
    *,
    min_n: int = DEFAULT_MIN_N,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    classifier: str = "auto",
    emotion_from: str = "satisfaction",
) -> JourneyVoc:
    """Satisfaction, emotion curve, ranked verbatims and peak-end of ``journey`` (see module doc).

    ``journey``: a journey model, its id, or None for the workspace's only journey. ``persona``
    keeps the customers that ``parcours.personas`` put in that persona (the warehouse table
    ``persona_scores``, see :data:`parcours.warehouse.PERSONA_SCORES`). ``period``:
    (start, end) dates, inclusive, in the workspace's timezone. ``emotion_from``:
    ``satisfaction`` (CSAT, else NPS, else the verbatim's polarity) or ``verbatims`` (the lexicon
    polarity of the comments only). ``classifier``: ``lexicon``,
    ``model`` (the workspace's trained model, see ``parcours voc train``) or ``auto`` (the model
    when there is one).
    """
    if emotion_from not in ("satisfaction", "verbatims"):
        raise VocError(f"emotion_from: expected satisfaction or verbatims, found {emotion_from!r}")
    if classifier not in ("auto", "lexicon", "model"):
        raise VocError(f"classifier: expected auto, lexicon or model, found {classifier!r}")
    model_obj = _journey_model(workspace, journey)
    responses = journey_responses(workspace, model_obj, persona=persona, period=period)
    stages = [s.id for s in model_obj.stage_order()]

    trained = None if classifier == "lexicon" else workspace_model(workspace)
    if classifier == "model" and trained is None:
        raise VocError(
            "classifier=model: expected a trained verbatim model in the workspace "
            "(models/voc_verbatims.joblib), found none: run `parcours voc train`"
        )
    classified = journey_verbatims(responses, model=trained)

    sat = _contract_satisfaction(responses, min_n)

    scores = (
        responses.filter(responses.metric.isin(["nps", "csat"]) & responses.score.notnull())
        .select("response_id", "stage", "metric", "score")
        .to_pandas()
    )
    scores["answer"] = scores["response_id"].map(_answer_id)
    from_text = classified.assign(metric="verbatim")[["answer", "stage", "metric", "score"]]
    answers = (
        from_text
        if emotion_from == "verbatims"
        else pd.concat([scores[["answer", "stage", "metric", "score"]], from_text])
    )
    curve = emotion_curve(answers, stages)

    tp_volumes, stage_volumes = _volumes(workspace, period)
    ranking = rank_verbatims(
        classified,
        tp_volumes,
        stage_volumes=stage_volumes,
        kinds=("irritant", "enchantment"),
        half_life_days=half_life_days,
    )
    verbatims = ranking[list(VERBATIM_CONTRACT)].reset_index(drop=True)
    return JourneyVoc(
        satisfaction=sat,
        emotion=curve,
        verbatims=verbatims,
        peak_end=peak_end(curve["value"]),
        ranking=ranking,
        classified=classified,
    )
