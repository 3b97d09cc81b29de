"""Scoring ideas: weighted criteria, RICE, ICE, MoSCoW, classes from gain and effort, sensitivity.

Gain and effort are on the method's 1-5 scale. Where each comes from, in order (the first known
wins, and the table says which): gain = the manual ``gain``, else the weighted mean of the
gain-side criteria (customer expectations, business development, internal expectations, votes and
your own), else the evidence from the warehouse; effort = the manual ``effort``, else the
person-days bucketed by ``[plan] effort_days``, else 6 - the weighted mean of the feasibility-side
criteria (technical feasibility, resources: high means easy).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from parcours.errors import PlanError
from parcours.i18n import Lang, get_lang, percent, t
from parcours.model import text
from parcours.plan._ideas import Idea, Ideas
from parcours.plan._settings import PlanSettings

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CLASSES",
    "EFFORT_CRITERIA",
    "PERSON_MONTH_DAYS",
    "MoscowCheck",
    "classify",
    "criteria_score",
    "effort_from_days",
    "ice",
    "moscow_check",
    "rice",
    "score_ideas",
    "sensitivity",
]

CLASSES = ("quick_win", "must_have", "nice_to_have", "time_sink")
"""Class codes, in priority order (the CSV holds these; labels are translated beside)."""
EFFORT_CRITERIA = ("technical_feasibility", "resources")
"""Criteria that speak of effort (high = easy); the others speak of gain."""
PERSON_MONTH_DAYS = 20.0
"""Working days in the person-month RICE divides by (Intercom counts effort in person-months)."""
SCORE_COLUMNS = (
    "idea",
    "gain",
    "effort",
    "class",
    "class_label",
    "rice",
    "ice",
    "criteria",
    "title",
    "gain_source",
    "effort_source",
    "evidence_gain",
    "effort_days",
    "team",
    "status",
    "kano",
    "moscow",
    "votes",
    "rank",
)


def _finite(value: Any, name: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PlanError(f"{name}: expected a finite number, found {value!r}")
    if value < 0 or (positive and value == 0):
        raise PlanError(
            f"{name}: expected a {'positive' if positive else 'non-negative'} number, found {value!r}"
        )
    return float(value)


def rice(*, reach: float, impact: float, confidence: float, effort: float) -> float:
    """RICE = reach x impact x confidence / effort (Intercom).

    ``confidence`` is a share (0.8 for 80 %); ``effort`` in person-months, > 0.

        >>> round(rice(reach=2000, impact=2, confidence=0.8, effort=3), 2)
        1066.67
    """
    r = _finite(reach, "reach")
    i = _finite(impact, "impact")
    c = _finite(confidence, "confidence")
    if c > 1:
        raise PlanError(
            f"confidence: expected a share from 0 to 1 (0.8 for 80 %), found {confidence!r}"
        )
    e = _finite(effort, "effort", positive=True)
    return r * i * c / e


def ice(
    impact: float, confidence: float, ease: float, *, method: Literal["product", "mean"] = "product"
) -> float:
    """ICE from three 1-10 scores: their product (1-1000) or their mean (1-10), as declared."""
    values = [
        _finite(v, n) for v, n in ((impact, "impact"), (confidence, "confidence"), (ease, "ease"))
    ]
    if any(not 1 <= v <= 10 for v in values):
        raise PlanError(f"ICE: expected three scores from 1 to 10, found {values}")
    if method == "product":
        return values[0] * values[1] * values[2]
    if method == "mean":
        return sum(values) / 3
    raise PlanError(f"ICE method: expected product or mean, found {method!r}")


def classify(gain: float, effort: float, *, threshold: float = 3.0, kano: str | None = None) -> str:
    """The class of an idea from its gain and effort (1-5): quick_win (gain >= threshold, effort
    below it), must_have (both at or above), nice_to_have (both below), time_sink (low gain, high
    effort). A Kano must-be (``kano="M"``) is a must_have whatever its effort or gain: customers
    take it for granted and leave without it."""
    if kano == "M":
        return "must_have"
    if math.isnan(gain) or math.isnan(effort):
        raise PlanError(f"class: expected a gain and an effort, found gain={gain}, effort={effort}")
    high_gain = gain >= threshold
    high_effort = effort >= threshold
    if high_gain:
        return "must_have" if high_effort else "quick_win"
    return "time_sink" if high_effort else "nice_to_have"


def _weighted(
    criteria: Mapping[str, float], weights: Mapping[str, float], keys: Iterable[str]
) -> float | None:
    total = weight = 0.0
    for key in keys:
        if key in criteria:
            w = weights.get(key, 1.0)
            total += w * criteria[key]
            weight += w
    return total / weight if weight > 0 else None


def criteria_score(criteria: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """Weighted mean of all the idea's criteria (1-5, higher is better); nan when it has none."""
    value = _weighted(criteria, weights, criteria.keys())
    return math.nan if value is None else value


def effort_from_days(days: float, bounds: Sequence[float] = (5, 15, 40, 100)) -> int:
    """Effort 1-5 from person-days: 1 up to bounds[0], 2 up to bounds[1]... 5 beyond bounds[3]."""
    return 1 + sum(1 for bound in bounds if days > bound)


def _gain(idea: Idea, settings: PlanSettings, evidence: float | None) -> tuple[float, str]:
    if idea.gain is not None:
        return float(idea.gain), "manual"
    keys = [k for k in idea.criteria if k not in EFFORT_CRITERIA]
    value = _weighted(idea.criteria, settings.weights, keys)
    if value is not None:
        return value, "criteria"
    if evidence is not None and not math.isnan(evidence):
        return evidence, "evidence"
    return math.nan, "none"


def _effort(idea: Idea, settings: PlanSettings) -> tuple[float, str]:
    if idea.effort is not None:
        return float(idea.effort), "manual"
    if idea.effort_days is not None:
        return float(effort_from_days(idea.effort_days, settings.effort_days)), "days"
    value = _weighted(idea.criteria, settings.weights, EFFORT_CRITERIA)
    if value is not None:
        return 6.0 - value, "criteria"
    return math.nan, "none"


def _ice(idea: Idea, gain: float, effort: float, method: Literal["product", "mean"]) -> float:
    if idea.ice is not None:
        return ice(idea.ice.impact, idea.ice.confidence, idea.ice.ease, method=method)
    if idea.confidence is None or math.isnan(gain) or math.isnan(effort):
        return math.nan
    # From the 1-5 scale to ICE's 1-10: impact = 2 x gain, ease = 2 x (6 - effort).
    return ice(2 * gain, max(1.0, 10 * idea.confidence), 2 * (6 - effort), method=method)


def _rice(idea: Idea) -> float:
    if None in (idea.reach, idea.impact, idea.confidence) or not idea.effort_days:
        return math.nan
    return rice(
        reach=float(idea.reach or 0),
        impact=float(idea.impact or 0),
        confidence=float(idea.confidence or 0),
        effort=idea.effort_days / PERSON_MONTH_DAYS,
    )


def _ideas_list(ideas: Ideas | Sequence[Idea]) -> list[Idea]:
    return list(ideas.ideas) if isinstance(ideas, Ideas) else list(ideas)


def score_ideas(
    ideas: Ideas | Sequence[Idea],
    settings: PlanSettings | None = None,
    *,
    evidence: pd.DataFrame | None = None,
    lang: Lang | None = None,
) -> pd.DataFrame:
    """One row per idea: idea, gain, effort, class (code), class_label, rice, ice, criteria
    (weighted score), title, where gain and effort come from, the evidence gain, then one column
    per criterion; ranked by gain (highest first), then class, then effort (lowest first).

    ``evidence``: the table of :func:`parcours.plan.evidence` (its ``evidence_gain`` is used only
    where no manual or criteria gain exists; it is always shown). An idea with neither gain nor
    effort gets no class (empty) and ranks last.
    """
    import pandas as pd

    settings = settings or PlanSettings()
    language = lang or get_lang()
    items = _ideas_list(ideas)
    ev: dict[str, float] = {}
    ev_kano: dict[str, str] = {}
    if evidence is not None and len(evidence):
        ev = dict(zip(evidence["idea"], evidence["evidence_gain"].astype(float), strict=True))
        if "kano" in evidence.columns:
            ev_kano = {
                str(i): str(k) for i, k in zip(evidence["idea"], evidence["kano"], strict=True) if k
            }
    names: list[str] = []
    for idea in items:
        names += [k for k in idea.criteria if k not in names]
    rows: list[dict[str, Any]] = []
    for idea in items:
        gain, gain_source = _gain(idea, settings, ev.get(idea.id))
        effort, effort_source = _effort(idea, settings)
        kano = idea.kano or ev_kano.get(idea.id) or None
        code = ""
        if kano == "M" or not (math.isnan(gain) or math.isnan(effort)):
            code = classify(gain, effort, threshold=settings.threshold, kano=kano)
        rows.append(
            {
                "idea": idea.id,
                "title": text(idea.title, language),
                "gain": gain,
                "effort": effort,
                "class": code,
                "class_label": t(f"plan.class.{code}", language) if code else "",
                "rice": _rice(idea),
                "ice": _ice(idea, gain, effort, settings.ice),
                "criteria": criteria_score(idea.criteria, settings.weights),
                "gain_source": gain_source,
                "effort_source": effort_source,
                "evidence_gain": ev.get(idea.id, math.nan),
                "effort_days": math.nan if idea.effort_days is None else float(idea.effort_days),
                "team": idea.team or "",
                "status": idea.status,
                "kano": kano or "",
                "moscow": idea.moscow or "",
                "votes": math.nan if idea.votes is None else float(idea.votes),
                **{name: idea.criteria.get(name, math.nan) for name in names},
            }
        )
    frame = pd.DataFrame(rows, columns=[*SCORE_COLUMNS[:-1], *names])
    order = {code: i for i, code in enumerate(CLASSES)}
    frame["_class"] = frame["class"].map(order).fillna(len(order))
    frame["_gain"] = frame["gain"].fillna(-1.0)
    frame["_effort"] = frame["effort"].fillna(99.0)
    frame = frame.sort_values(
        ["_gain", "_class", "_effort", "idea"], ascending=[False, True, True, True]
    )
    frame = frame.drop(columns=["_class", "_gain", "_effort"]).reset_index(drop=True)
    frame.insert(len(SCORE_COLUMNS) - 1, "rank", range(1, len(frame) + 1))
    return frame


def sensitivity(
    ideas: Ideas | Sequence[Idea],
    settings: PlanSettings | None = None,
    *,
    change: float = 0.2,
    evidence: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Ideas whose class changes when one criterion's weight moves by ``change`` (±20 %): one row
    per (idea, criterion, factor) with the class before and after. Empty: the classes are robust
    to the weights (ideas with a manual gain and effort never move)."""
    import pandas as pd

    settings = settings or PlanSettings()
    if not 0 < change < 1:
        raise PlanError(f"change: expected a share between 0 and 1 (0.2 for ±20 %), found {change}")
    base = score_ideas(ideas, settings, evidence=evidence).set_index("idea")["class"]
    used = sorted({k for idea in _ideas_list(ideas) for k in idea.criteria})
    rows = []
    for key in used:
        for factor in (1 - change, 1 + change):
            weight = settings.weights.get(key, 1.0) * factor
            moved = score_ideas(ideas, settings.with_weights({key: weight}), evidence=evidence)
            after = moved.set_index("idea")["class"]
            for idea in base.index:
                if after[idea] != base[idea]:
                    rows.append(
                        {
                            "idea": idea,
                            "criterion": key,
                            "factor": factor,
                            "class_before": base[idea],
                            "class_after": after[idea],
                        }
                    )
    return pd.DataFrame(
        rows, columns=["idea", "criterion", "factor", "class_before", "class_after"]
    )


@dataclass(frozen=True)
class MoscowCheck:
    """DSDM's rule: Must haves take at most 60 % of the effort, so the rest is contingency."""

    must_days: float
    total_days: float
    share: float
    limit: float
    warning: str | None


def moscow_check(
    ideas: Ideas | Sequence[Idea], *, limit: float = 0.6, lang: Lang | None = None
) -> MoscowCheck:
    """Share of person-days in MoSCoW "must" among the ideas that have a MoSCoW priority and an
    effort in days (rejected ideas left out); a warning (in ``lang``) above ``limit``."""
    items = [
        i
        for i in _ideas_list(ideas)
        if i.moscow is not None and i.effort_days is not None and i.status != "rejected"
    ]
    total = float(sum(i.effort_days or 0 for i in items))
    must = float(sum(i.effort_days or 0 for i in items if i.moscow == "must"))
    share = must / total if total else 0.0
    warning = None
    if total and share > limit:
        language = lang or get_lang()
        warning = t(
            "plan.moscow.warning",
            language,
            share=percent(share, language),
            limit=percent(limit, language, 0),
        )
    return MoscowCheck(must, total, share, limit, warning)
