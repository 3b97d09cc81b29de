"""The journey map's lane « Pistes d'amélioration »: the approved ideas of each stage, classed.

The render layer draws it; this module says what goes in each cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parcours.i18n import Lang, get_lang, t
from parcours.model import text
from parcours.plan._evidence import idea_places
from parcours.plan._ideas import Idea, Ideas

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LANE_STATUSES", "stage_lane"]

LANE_STATUSES = ("approved", "in_progress", "done")


def stage_lane(
    ideas: Ideas | Sequence[Idea],
    journey: Any,
    *,
    scores: pd.DataFrame | None = None,
    statuses: Sequence[str] = LANE_STATUSES,
    lang: Lang | None = None,
) -> pd.DataFrame:
    """One row per (stage, idea) for the ideas with one of ``statuses``, in the journey's stage
    order: stage, idea, title, class, class_label, status, status_label. An idea sits at every
    stage it addresses (its own, its touchpoints', its irritants' and ruptures')."""
    import pandas as pd

    language = lang or get_lang()
    items = list(ideas.ideas) if isinstance(ideas, Ideas) else list(ideas)
    classes: dict[str, tuple[str, str]] = {}
    if scores is not None and len(scores):
        classes = {
            str(r["idea"]): (str(r["class"]), str(r["class_label"]))
            for r in scores.to_dict("records")
        }
    stage_of = {tp.id: tp.stage for tp in journey.touchpoints}
    rows = []
    for stage in journey.stage_order():
        for idea in items:
            if idea.status not in statuses:
                continue
            stages, touchpoints = idea_places(idea, journey)
            stages |= {stage_of[tp] for tp in touchpoints if tp in stage_of}
            if stage.id not in stages:
                continue
            code, label = classes.get(idea.id, ("", ""))
            rows.append({"stage": stage.id, "idea": idea.id, "title": text(idea.title, language),
                         "class": code, "class_label": label, "status": idea.status,
                         "status_label": t(f"plan.status.{idea.status}", language)})  # fmt: skip
    columns = ["stage", "idea", "title", "class", "class_label", "status", "status_label"]
    return pd.DataFrame(rows, columns=columns)
