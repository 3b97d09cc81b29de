"""What the journey map shows, gathered from the model, the warehouse and the other capabilities.

The model (stages, touchpoints, irritants...) is always there. Volumes and conversion come from
the warehouse; satisfaction, emotion and verbatims from ``parcours.voc`` and persona filters from
``parcours.personas`` when those capabilities have results. Every lane that
has no data keeps a reason (``notes``) so that the map says so rather than showing blanks.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from parcours.errors import ParcoursError, RenderError
from parcours.i18n import CATALOG, Lang, date, percent, t
from parcours.render import _messages  # noqa: F401  # registers the words
from parcours.render.charts import fmt, signed

__all__ = ["MapData", "Period", "gather", "parse_period"]

Period = tuple[dt.date | None, dt.date | None]


def parse_period(text: str | None) -> Period | None:
    """``2026-01-01..2026-06-30`` (or 01/01/2026..30/06/2026; either side may be empty)."""
    if text is None or not text.strip():
        return None
    if ".." not in text:
        raise RenderError(
            f"expected a period START..END (such as 2026-01-01..2026-06-30), found {text!r}"
        )
    start_text, end_text = (part.strip() for part in text.split("..", 1))
    return _day(start_text, text), _day(end_text, text)


def _day(text: str, whole: str) -> dt.date | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # a calendar day
        except ValueError:
            continue
    raise RenderError(
        f"expected a day as 2026-11-23 or 23/11/2026 in the period {whole!r}, found {text!r}"
    )


@dataclass
class TouchpointView:
    id: str
    channel: str
    label: str
    direction: str
    nature: str
    interactions: int | None = None  # None: no warehouse data at all
    customers: int | None = None
    satisfaction: str | None = None
    weak: bool = False


@dataclass
class FindingView:
    kind: str  # irritant | enchantment
    label: str
    weight: float | None
    weight_text: str
    verbatim: str | None
    from_model: bool = False


@dataclass
class StageView:
    id: str
    label: str
    phase: str
    moment_of_truth: bool
    actions: list[str]
    expectations: list[str]
    promise: str | None
    difficulties: list[str]
    employee_expectations: list[str]
    tools: list[str]
    touchpoints: list[TouchpointView]
    interactions: int | None = None
    customers: int | None = None
    conversion: float | None = None
    next_label: str | None = None
    emotion: float | None = None
    emotion_n: int | None = None
    satisfaction: list[tuple[str, bool]] = field(default_factory=list)
    irritants: list[FindingView] = field(default_factory=list)
    enchantments: list[FindingView] = field(default_factory=list)
    # as-is vs to-be
    target_emotion: float | None = None
    target_promise: str | None = None
    promise_changed: bool = False


@dataclass
class RuptureView:
    source: str  # stage id
    target: str  # stage id
    label: str


@dataclass
class MapData:
    lang: Lang
    journey_id: str
    title: str
    state: str
    subtitle: list[str]
    promise: str | None
    phases: list[tuple[str, str]]
    stages: list[StageView]
    ruptures: list[RuptureView]
    kpis: list[tuple[str, str]]
    notes: dict[str, str]  # lane -> why it has no data
    emotion_source: str | None = None
    peak_end: float | None = None
    target_promise: str | None = None
    differences: list[str] = field(default_factory=list)
    compared: bool = False
    persona: str | None = None
    persona_label: str | None = None

    def frames(self) -> dict[str, Any]:
        """The numbers of the map as tables (for the CSV downloads and the accessible view)."""
        import pandas as pd

        stages = pd.DataFrame(
            [
                {
                    "stage": s.id,
                    "label": s.label,
                    "phase": s.phase,
                    "moment_of_truth": s.moment_of_truth,
                    "interactions": s.interactions,
                    "customers": s.customers,
                    "conversion": s.conversion,
                    "emotion": s.emotion,
                    "emotion_n": s.emotion_n,
                    "target_emotion": s.target_emotion,
                }
                for s in self.stages
            ]
        )
        touchpoints = pd.DataFrame(
            [
                {
                    "stage": s.id,
                    "touchpoint": tp.id,
                    "channel": tp.channel,
                    "direction": tp.direction,
                    "nature": tp.nature,
                    "interactions": tp.interactions,
                    "customers": tp.customers,
                    "satisfaction": tp.satisfaction,
                }
                for s in self.stages
                for tp in s.touchpoints
            ]
        )
        return {"map_stages": stages, "map_touchpoints": touchpoints}


def _text(value: Any, lang: str) -> str:
    from parcours.model import text

    return str(text(value, lang)) if value is not None else ""


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def period_text(period: Period | None, lang: Lang) -> str | None:
    if period is None:
        return None
    start, end = period
    if start and end:
        return t("render.map.period_span", lang, start=date(start, lang), end=date(end, lang))
    if start:
        return t("render.map.period_from", lang, start=date(start, lang))
    if end:
        return t("render.map.period_until", lang, end=date(end, lang))
    return None


def _interactions(workspace: Any, period: Period | None, persona: str | None) -> tuple[Any, str]:
    """The interactions to count (Ibis), or None with the reason."""
    table = workspace.table("interactions")
    if period is not None:
        import ibis

        start, end = period
        if start is not None:
            table = table.filter(table.ts >= ibis.timestamp(f"{start.isoformat()} 00:00:00+00:00"))
        if end is not None:
            stop = end + dt.timedelta(days=1)
            table = table.filter(table.ts < ibis.timestamp(f"{stop.isoformat()} 00:00:00+00:00"))
    if persona is not None:
        from parcours.personas import assignments

        try:
            frame = assignments(workspace)
        except ParcoursError:
            return None, "render.map.no_persona_data"
        ids = frame.loc[frame["persona"] == persona, ["customer_id"]].drop_duplicates()
        import ibis

        members = ibis.memtable(ids.astype({"customer_id": "string"}))
        table = table.semi_join(members, "customer_id")
    return table, ""


def gather(
    workspace: Any,
    journey: Any,
    lang: Lang,
    *,
    persona: str | None = None,
    period: Period | None = None,
    compare: Any = None,
) -> MapData:
    """Everything one map shows, in ``lang``."""
    stages = journey.stage_order()
    phase_label = {p.id: _text(p.label, lang) for p in journey.phases}
    channel_label = {c.id: _text(c.label, lang) for c in journey.channels}
    stage_label = {s.id: _text(s.label, lang) for s in stages}
    notes: dict[str, str] = {}
    views: list[StageView] = []
    for stage in stages:
        ee = stage.employee_experience
        views.append(
            StageView(
                id=stage.id,
                label=stage_label[stage.id],
                phase=stage.phase,
                moment_of_truth=bool(stage.moment_of_truth),
                actions=[_text(a, lang) for a in stage.customer_actions],
                expectations=[_text(e, lang) for e in stage.expectations],
                promise=_text(stage.promise, lang) or None,
                difficulties=[_text(x, lang) for x in (ee.difficulties if ee else [])],
                employee_expectations=[_text(x, lang) for x in (ee.expectations if ee else [])],
                tools=[_text(x, lang) for x in (ee.tools if ee else [])],
                touchpoints=[
                    TouchpointView(
                        id=tp.id,
                        channel=channel_label.get(tp.channel, tp.channel),
                        label=_text(tp.label, lang),
                        direction=str(tp.direction),
                        nature=str(tp.nature),
                    )
                    for tp in journey.touchpoints_of(stage.id)
                ],
                emotion=_finite(stage.emotion),
            )
        )
    by_id = {v.id: v for v in views}
    tp_volume: dict[str, int] = {}

    # -- volumes and conversion ---------------------------------------------------------------------
    if workspace is None:
        notes["touchpoints"] = notes["conversion"] = "render.map.no_workspace"
    else:
        table, why = _interactions(workspace, period, persona)
        if table is None:
            notes["touchpoints"] = notes["conversion"] = why
        else:
            _volumes(table, journey, by_id, tp_volume, stage_label)
            if not any(v.interactions for v in views):
                notes["touchpoints"] = notes["conversion"] = "render.map.no_data"

    # -- voice of the customer ----------------------------------------------------------------------
    declared = any(v.emotion is not None for v in views)
    emotion_source = t("render.emotion.declared", lang) if declared else None
    peak_end = None
    voc = None
    if workspace is not None:
        from parcours.voc import journey_voc

        try:
            voc = journey_voc(workspace, journey, persona=persona, period=period)
        except ParcoursError:
            voc = None
    if voc is not None:
        emotion_source = _apply_voc(voc, by_id, lang) or emotion_source
        peak_end = _finite(getattr(voc, "peak_end", None))
    if workspace is not None:
        _apply_employee_survey(workspace, by_id, lang)
    if not any(v.satisfaction for v in views):
        notes["satisfaction"] = (
            "render.map.no_voc" if workspace is not None else "render.map.no_workspace"
        )
    if emotion_source is None:
        notes["emotion"] = "render.map.no_data"

    # -- irritants and enchantments from the model (weighted by touchpoint volume) ------------------
    for kind, items in (("irritant", journey.irritants), ("enchantment", journey.enchantments)):
        for item in items:
            view = by_id.get(item.stage)
            if view is None:
                continue
            weight = _finite(item.weight)
            if weight is not None:
                weight_text = t("render.weight", lang, n=weight)
            elif item.touchpoints and tp_volume:
                weight = float(sum(tp_volume.get(tp, 0) for tp in item.touchpoints))
                weight_text = t("render.weight_volume", lang, n=int(weight))
            else:
                weight_text = ""
            finding = FindingView(
                kind,
                _text(item.label, lang),
                weight,
                weight_text,
                (item.verbatims or [None])[0],
                from_model=True,
            )
            (view.irritants if kind == "irritant" else view.enchantments).insert(0, finding)
    for view in views:
        for found in (view.irritants, view.enchantments):
            # the map's own findings (curated in workshops) first, then the heaviest themes heard
            found.sort(key=lambda f: (not f.from_model, -(f.weight or 0)))

    ruptures = []
    stage_of_tp = {tp.id: tp.stage for tp in journey.touchpoints}
    for rupture in journey.ruptures:
        start, end = stage_of_tp.get(rupture.from_), stage_of_tp.get(rupture.to)
        if start is not None and end is not None and start in by_id and end in by_id:
            ruptures.append(RuptureView(start, end, _text(rupture.label, lang)))

    kpis = []
    overall = _overall_scores(voc)
    for kpi in journey.kpis:
        parts = []
        if kpi.target is not None:
            goal = kpi.target if isinstance(kpi.target, str) else fmt(float(kpi.target), lang)
            parts.append(t("render.kpi.target", lang, value=goal))
        actual = overall.get(kpi.id)
        parts.append(
            t("render.kpi.actual", lang, value=fmt(actual, lang))
            if actual is not None
            else t("render.kpi.not_measured", lang)
        )
        unit = _text(kpi.unit, lang)
        kpis.append((_text(kpi.label, lang) + (f" ({unit})" if unit else ""), " · ".join(parts)))

    state = t("render.map.to_be" if journey.state == "to-be" else "render.map.as_is", lang)
    subtitle = [state]
    personas = {p.id: _text(p.label, lang) for p in journey.personas}
    subtitle.append(
        t("render.map.persona", lang, name=personas.get(persona, persona))
        if persona
        else t("render.map.all_customers", lang)
    )
    shown_period = period_text(period, lang)
    if shown_period:
        subtitle.append(t("render.map.period", lang, period=shown_period))
    data = MapData(
        lang=lang,
        journey_id=journey.id,
        title=_text(journey.name, lang),
        state=str(journey.state),
        subtitle=subtitle,
        persona=persona,
        persona_label=personas.get(persona, persona) if persona else None,
        promise=_text(journey.promise, lang) or None,
        phases=[(p.id, phase_label[p.id]) for p in journey.phases],
        stages=views,
        ruptures=ruptures,
        kpis=kpis,
        notes=notes,
        emotion_source=emotion_source,
        peak_end=peak_end,
    )
    if compare is not None:
        _compare(data, journey, compare, lang)
    return data


def _volumes(
    table: Any,
    journey: Any,
    by_id: dict[str, StageView],
    tp_volume: dict[str, int],
    stage_label: dict[str, str],
) -> None:
    from parcours.analytics import stage_conversion

    mapped = table.filter(table.touchpoint.notnull())
    per_tp = (
        mapped.group_by("touchpoint")
        .aggregate(interactions=mapped.count(), customers=mapped.customer_id.nunique())
        .to_pandas()
    )
    staged = table.filter(table.stage.notnull())
    per_stage = (
        staged.group_by("stage")
        .aggregate(interactions=staged.count(), customers=staged.customer_id.nunique())
        .to_pandas()
    )
    counts = {r.touchpoint: (int(r.interactions), int(r.customers)) for r in per_tp.itertuples()}
    tp_volume.update({k: v[0] for k, v in counts.items()})
    for view in by_id.values():
        for tp in view.touchpoints:
            tp.interactions, tp.customers = counts.get(tp.id, (0, 0))
        view.interactions, view.customers = 0, 0
    for r in per_stage.itertuples():
        if r.stage in by_id:
            by_id[r.stage].interactions = int(r.interactions)
            by_id[r.stage].customers = int(r.customers)
    order = [s.id for s in journey.stage_order()]
    if len(order) > 1:
        conversion = stage_conversion(table, order).to_pandas()
        for r in conversion.itertuples():
            view = by_id[r.stage]
            if r.customers:
                view.conversion = _finite(r.conversion)
                view.next_label = stage_label.get(str(r.next_stage))


_METRICS = ("nps", "csat", "ces")


def _score_text(metric: str, value: float, lang: Lang) -> str:
    if metric == "nps":
        return f"NPS {'+' if value > 0 else ''}{fmt(value, lang, decimals=0)}"
    if metric == "csat":
        shown = value if value <= 1 else value / 100
        return f"CSAT {fmt(shown, lang, as_percent=True, decimals=0)}"
    return f"CES {fmt(value, lang, decimals=1)}"


def _interval(row: Any, metric: str, lang: Lang) -> str:
    low, high = _finite(getattr(row, "ci_low", None)), _finite(getattr(row, "ci_high", None))
    if low is None or high is None:
        return ""
    if metric == "csat":
        low, high = (low if low <= 1 else low / 100), (high if high <= 1 else high / 100)
        pair = [
            fmt(low, lang, as_percent=True, decimals=0),
            fmt(high, lang, as_percent=True, decimals=0),
        ]
    else:
        pair = [
            fmt(low, lang, decimals=0 if metric == "nps" else 1),
            fmt(high, lang, decimals=0 if metric == "nps" else 1),
        ]
    return f" [{pair[0]} ; {pair[1]}]" if lang == "fr" else f" [{pair[0]}, {pair[1]}]"


def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or str(value) in ("", "nan", "None", "<NA>")
    )


def _frame(voc: Any, name: str) -> Any:
    frame = getattr(voc, name, None)
    if frame is not None and hasattr(frame, "to_pandas") and not hasattr(frame, "itertuples"):
        frame = frame.to_pandas()
    return frame if frame is not None and len(frame) else None


def _apply_voc(voc: Any, by_id: dict[str, StageView], lang: Lang) -> str | None:
    """Put survey results on the stages; return the emotion source text when measured."""
    satisfaction = _frame(voc, "satisfaction")
    if satisfaction is not None:
        for row in satisfaction.itertuples(index=False):
            stage = by_id.get(str(getattr(row, "stage", "")))
            metric = str(getattr(row, "metric", "")).lower()
            value = _finite(getattr(row, "value", None))
            if stage is None or metric not in _METRICS or value is None:
                continue
            n = _finite(getattr(row, "n", None))
            weak = bool(getattr(row, "small_sample", False))
            text = _score_text(metric, value, lang) + _interval(row, metric, lang)
            if n is not None:
                text += f" · n = {fmt(n, lang)}"
            touchpoint = getattr(row, "touchpoint", None)
            if _blank(touchpoint) and _blank(getattr(row, "channel", None)):
                stage.satisfaction.append((text, weak))
            elif not _blank(touchpoint):
                for tp in stage.touchpoints:
                    if tp.id == str(touchpoint) and tp.satisfaction is None:
                        tp.satisfaction = _score_text(metric, value, lang)
                        tp.weak = weak
        for stage in by_id.values():
            stage.satisfaction.sort(key=lambda s: _METRICS.index(s[0].split()[0].lower()))
    source = None
    emotion = _frame(voc, "emotion")
    if emotion is not None:
        total = 0
        for row in emotion.itertuples(index=False):
            stage = by_id.get(str(getattr(row, "stage", "")))
            value = _finite(getattr(row, "value", None))
            if stage is None or value is None:
                continue
            stage.emotion = value
            n = _finite(getattr(row, "n", None))
            stage.emotion_n = int(n) if n is not None else None
            total += stage.emotion_n or 0
        source = t("render.emotion.measured", lang, n=total)
    verbatims = _frame(voc, "verbatims")
    ranking = _frame(voc, "ranking")  # the same rows with their best verbatims ("examples")
    if ranking is not None and "examples" in getattr(ranking, "columns", ()):
        verbatims = ranking
    if verbatims is not None:
        from parcours.voc import detect_lang

        # One finding per stage, kind and theme: weights and mentions add up, the first
        # (heaviest) verbatim speaks for the theme.
        merged: dict[tuple[str, str, str], list[Any]] = {}
        for row in verbatims.itertuples(index=False):
            stage_id = str(getattr(row, "stage", ""))
            kind = str(getattr(row, "kind", ""))
            if stage_id not in by_id or kind not in ("irritant", "enchantment"):
                continue
            theme = getattr(row, "theme", None)
            theme_id = "" if _blank(theme) else str(theme)
            entry = merged.setdefault((stage_id, kind, theme_id), [0.0, 0, None])
            entry[0] += _finite(getattr(row, "weight", None)) or 0.0
            entry[1] += int(_finite(getattr(row, "occurrences", None)) or 0)
            # The map's quote is in the map's language when any verbatim of the theme is.
            examples = getattr(row, "examples", None)
            quotes = [str(q) for q in (examples if examples is not None else ()) if not _blank(q)]
            verbatim = getattr(row, "verbatim", None)
            quotes = quotes or ([] if _blank(verbatim) else [str(verbatim)])
            mine = next((q for q in quotes if detect_lang(q) == lang), None)
            if mine is not None and (entry[2] is None or detect_lang(entry[2]) != lang):
                entry[2] = mine
            elif entry[2] is None and quotes:
                entry[2] = quotes[0]
        totals: dict[str, float] = {}
        for (_, kind, _), (weight, _, _) in merged.items():
            totals[kind] = totals.get(kind, 0.0) + weight
        for (stage_id, kind, theme_id), (weight, occurrences, verbatim) in merged.items():
            share = weight / totals[kind] if totals[kind] else 0.0
            weight_text = ", ".join(
                x
                for x in (
                    t(
                        "render.weight_share",
                        lang,
                        share=percent(share, lang)
                        if share >= 0.001
                        else f"< {percent(0.001, lang)}",
                    )
                    if weight
                    else "",
                    t(
                        "render.occurrence" if occurrences == 1 else "render.occurrences",
                        lang,
                        n=occurrences,
                    )
                    if occurrences
                    else "",
                )
                if x
            )
            key = f"render.theme.{theme_id or 'other'}"
            label = t(key, lang) if key in CATALOG else theme_id
            finding = FindingView(kind, label, weight or None, weight_text, verbatim)
            stage = by_id[stage_id]
            (stage.irritants if kind == "irritant" else stage.enchantments).append(finding)
    return source


def _apply_employee_survey(workspace: Any, by_id: dict[str, StageView], lang: Lang) -> None:
    """The employee survey's comments, classified as the customers' verbatims are, join the
    difficulties the map declares in its employee lane (theme, count and the telling comment)."""
    from parcours.voc import employee_answers, employee_experience

    try:
        answers = employee_answers(workspace)
        if answers is None or "comment" not in answers.columns:
            return
        heard = employee_experience(answers, lang=lang)
    except ParcoursError:
        return
    for stage, said in zip(heard["stage"], heard["difficulties"], strict=True):
        view = by_id.get(str(stage))
        if view is not None:
            view.difficulties.extend(str(d) for d in said if str(d) not in view.difficulties)


def _overall_scores(voc: Any) -> dict[str, float]:
    """Journey-wide scores (rows with no stage) by metric, for the KPI lane."""
    found: dict[str, float] = {}
    satisfaction = _frame(voc, "satisfaction") if voc is not None else None
    if satisfaction is None:
        return found
    for row in satisfaction.itertuples(index=False):
        if _blank(getattr(row, "stage", None)):
            value = _finite(getattr(row, "value", None))
            if value is not None:
                found[str(getattr(row, "metric", "")).lower()] = value
    return found


def _compare(data: MapData, journey: Any, target: Any, lang: Lang) -> None:
    """Put the to-be journey's emotions and promises beside the as-is ones; list differences."""
    data.compared = True
    data.target_promise = _text(target.promise, lang) or None
    target_stages = {s.id: s for s in target.stage_order()}
    labels = {s.id: _text(s.label, lang) for s in target.stage_order()}
    for view in data.stages:
        other = target_stages.get(view.id)
        if other is None:
            data.differences.append(t("render.compare.dropped_stage", lang, stage=view.label))
            continue
        view.target_emotion = _finite(other.emotion)
        view.target_promise = _text(other.promise, lang) or None
        view.promise_changed = (view.target_promise or "") != (view.promise or "")
        if view.promise_changed:
            data.differences.append(
                t(
                    "render.compare.promise_change",
                    lang,
                    stage=view.label,
                    before=view.promise or "—",
                    after=view.target_promise or "—",
                )
            )
        if (
            view.target_emotion is not None
            and view.emotion is not None
            and round(view.target_emotion - view.emotion, 1) != 0
        ):
            data.differences.append(
                t(
                    "render.compare.emotion_gain",
                    lang,
                    stage=view.label,
                    before=signed(view.emotion, lang),
                    after=signed(view.target_emotion, lang),
                )
            )
    known = {v.id for v in data.stages}
    for stage_id, label in labels.items():
        if stage_id not in known:
            data.differences.append(t("render.compare.new_stage", lang, stage=label))
    data.differences.extend(_model_differences(journey, target, lang))


def _model_differences(journey: Any, target: Any, lang: Lang) -> list[str]:
    """Touchpoints added, removed or moved to another channel, irritants resolved, ruptures fixed,
    channels added or removed and KPI targets changed between the as-is and the to-be maps."""
    found: list[str] = []
    channels = {c.id: _text(c.label, lang) for c in (*journey.channels, *target.channels)}
    stages = {s.id: _text(s.label, lang) for s in (*journey.stages, *target.stages)}

    def named(tp: Any) -> str:
        label = _text(tp.label, lang) if tp.label else channels.get(tp.channel, tp.channel)
        return f"« {stages.get(tp.stage, tp.stage)} · {label} »"

    before = {tp.id: tp for tp in journey.touchpoints}
    after = {tp.id: tp for tp in target.touchpoints}
    for tp_id, tp in after.items():
        if tp_id not in before:
            found.append(t("render.compare.new_touchpoint", lang, touchpoint=named(tp)))
        elif before[tp_id].channel != tp.channel:
            old = before[tp_id].channel
            found.append(
                t(
                    "render.compare.moved_touchpoint",
                    lang,
                    touchpoint=named(tp),
                    before=channels.get(old, old),
                    after=channels.get(tp.channel, tp.channel),
                )
            )
    for tp_id, tp in before.items():
        if tp_id not in after:
            found.append(t("render.compare.dropped_touchpoint", lang, touchpoint=named(tp)))
    remaining = {i.id for i in target.irritants}
    for irritant in journey.irritants:
        key = "still" if irritant.id in remaining else "resolved"
        if key == "resolved":
            label = _text(irritant.label, lang)
            found.append(t("render.compare.resolved_irritant", lang, label=label))
    kept = {r.id for r in target.ruptures}
    for rupture in journey.ruptures:
        if rupture.id not in kept:
            label = _text(rupture.label, lang)
            found.append(t("render.compare.fixed_rupture", lang, label=label))
    used_before = {tp.channel for tp in journey.touchpoints}
    used_after = {tp.channel for tp in target.touchpoints}
    for channel in sorted(used_after - used_before):
        found.append(t("render.compare.new_channel", lang, channel=channels.get(channel, channel)))
    for channel in sorted(used_before - used_after):
        name = channels.get(channel, channel)
        found.append(t("render.compare.dropped_channel", lang, channel=name))
    targets = {k.id: k for k in journey.kpis}
    for kpi in target.kpis:
        old_kpi = targets.get(kpi.id)
        old_target = old_kpi.target if old_kpi is not None else None
        if kpi.target is not None and kpi.target != old_target:
            found.append(
                t(
                    "render.compare.kpi_target",
                    lang,
                    kpi=_text(kpi.label, lang),
                    before="—" if old_target is None else old_target,
                    after=kpi.target,
                )
            )
    return found
