"""The voice of the customer's sections of the report: NPS by stage, irritants and
enchantments, emotion curve, employee experience."""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING, Any

import pandas as pd

from parcours.i18n import Lang, number, percent, t
from parcours.render import charts
from parcours.render._section import Section, resolve_journey
from parcours.voc import (
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_MIN_N,
    JourneyVoc,
    detect_lang,
    employee_answers,
    employee_experience,
    journey_voc,
    stage_rows,
)

if TYPE_CHECKING:
    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = ["sections"]

ORDER = 40  # after the quantification sections of parcours.analytics


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _stage_labels(journey: Any, lang: str) -> dict[str, str]:
    return {stage.id: _text(stage.label, lang) for stage in journey.stage_order()}


def _touchpoint_labels(journey: Any, lang: str) -> dict[str, str]:
    """Touchpoint id -> its label, or its channel's name when it has none."""
    channels = {c.id: _text(c.label, lang) for c in journey.channels}
    return {
        tp.id: _text(tp.label, lang) or channels.get(tp.channel, tp.id)
        for tp in journey.touchpoints
    }


def _in_language(examples: list[str], lang: str) -> list[str]:
    """The verbatims written in the report's language, or all of them when none is."""
    mine = [text for text in examples if detect_lang(text) == lang]
    return mine or list(examples)


def _theme(theme: Any, lang: str) -> str:
    key = f"voc.theme.{theme if isinstance(theme, str) and theme else 'other'}"
    try:
        return t(key, lang)
    except KeyError:
        return str(theme)


def _table(frame: pd.DataFrame, headers: list[str]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    return f'<table class="voc"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _nps_section(voc: JourneyVoc, labels: dict[str, str], lang: Lang) -> Section:
    rows = stage_rows(voc.satisfaction, "nps")
    order = {s: i for i, s in enumerate(labels)}
    rows = rows.assign(_o=rows["stage"].map(order)).sort_values("_o").drop(columns="_o")
    title = t("voc.title.nps_by_stage", lang)
    if rows.empty:
        return Section(
            "voc_nps_by_stage",
            title,
            t("voc.reading.no_responses", lang),
            order=ORDER,
            no_data=True,
        )
    names = [labels.get(s, s) for s in rows["stage"]]
    html = charts.bars(
        names,
        list(rows["value"]),
        title=title,
        lang=lang,
        low=list(rows["ci_low"]),
        high=list(rows["ci_high"]),
        notes=[f"n = {number(n, lang)}" for n in rows["n"]],
        weak=list(rows["small_sample"]),
    )
    table = rows[["stage", "value", "ci_low", "ci_high", "n", "small_sample"]].reset_index(
        drop=True
    )
    shown = pd.DataFrame(
        {
            "stage": names,
            "value": [number(v, lang, 1) for v in rows["value"]],
            "interval": [
                f"[{number(lo, lang, 1)} ; {number(hi, lang, 1)}]"
                for lo, hi in zip(rows["ci_low"], rows["ci_high"], strict=True)
            ],
            "n": [number(n, lang) for n in rows["n"]],
            "small": [t("voc.yes" if s else "voc.no", lang) for s in rows["small_sample"]],
        }
    )
    headers = [
        t(k, lang) for k in ("voc.col.stage", "voc.col.value", "voc.col.interval", "voc.col.n")
    ] + [t("voc.col.small", lang)]
    return Section(
        "voc_nps_by_stage",
        title,
        t("voc.reading.nps_by_stage", lang, min_n=DEFAULT_MIN_N),
        html=html + _table(shown, headers),
        tables={"voc_nps_by_stage": table},
        order=ORDER,
    )


def _ranking_section(
    voc: JourneyVoc,
    labels: dict[str, str],
    lang: Lang,
    kind: str,
    top: int,
    touchpoints: dict[str, str] | None = None,
) -> Section:
    name = "irritants" if kind == "irritant" else "enchantments"
    key = f"voc_{name}"
    title = t(f"voc.title.{name}", lang)
    ranking = voc.ranking
    every = ranking[ranking["kind"] == kind] if len(ranking) else ranking
    rows = every.head(top)
    if rows.empty:
        empty = "no_verbatims" if kind == "irritant" else "no_enchantments"
        return Section(key, title, t(f"voc.reading.{empty}", lang), order=ORDER + 1, no_data=True)
    total = float(every["weight"].sum()) or 1.0
    shown = pd.DataFrame(
        {
            "stage": [labels.get(s, s) for s in rows["stage"]],
            "touchpoint": [
                (touchpoints or {}).get(tp, tp) if isinstance(tp, str) else "—"
                for tp in rows["touchpoint"]
            ],
            "theme": [_theme(th, lang) for th in rows["theme"]],
            "index": [percent(w / total, lang) for w in rows["weight"]],
            "occurrences": [number(o, lang) for o in rows["occurrences"]],
            "verbatim": [
                " / ".join(f"« {v} »" for v in _in_language(list(ex), lang)[:2])
                for ex in rows["examples"]
            ],
        }
    )
    headers = [
        t(f"voc.col.{c}", lang)
        for c in ("stage", "touchpoint", "theme", "index", "occurrences", "verbatim")
    ]
    csv = rows.drop(columns=["examples"]).assign(index=rows["weight"] / total)
    csv = csv.reset_index(drop=True)
    reading = (
        t("voc.reading.irritants", lang, half_life=int(DEFAULT_HALF_LIFE_DAYS))
        if kind == "irritant"
        else t("voc.reading.enchantments", lang)
    )
    return Section(
        key,
        title,
        reading,
        html=_table(shown, headers),
        tables={key: csv},
        order=ORDER + (1 if kind == "irritant" else 2),
    )


def _emotion_section(voc: JourneyVoc, labels: dict[str, str], lang: Lang, journey: Any) -> Section:
    title = t("voc.title.emotion", lang)
    curve = voc.emotion
    if curve.empty:
        return Section(
            "voc_emotion", title, t("voc.reading.no_responses", lang), order=ORDER + 3, no_data=True
        )
    by_stage = dict(zip(curve["stage"], curve["value"], strict=True))
    stages = list(labels)
    values = [by_stage.get(s) for s in stages]
    moments = [i for i, s in enumerate(journey.stage_order()) if s.moment_of_truth]
    html = charts.line(
        [labels[s] for s in stages],
        [None if v is None else float(v) for v in values],
        title=title,
        lang=lang,
        highlight=moments,
    )
    peak = voc.peak_end
    peak_text = "—" if peak is None or math.isnan(peak) else number(peak, lang, 2)
    shown = pd.DataFrame(
        {
            "stage": [labels.get(s, s) for s in curve["stage"]],
            "value": [number(v, lang, 2) for v in curve["value"]],
            "n": [number(n, lang) for n in curve["n"]],
        }
    )
    headers = [t(k, lang) for k in ("voc.col.stage", "voc.col.emotion", "voc.col.n")]
    table = curve.reset_index(drop=True)
    return Section(
        "voc_emotion",
        title,
        t("voc.reading.emotion", lang, peak_end=peak_text),
        html=html + _table(shown, headers),
        tables={"voc_emotion": table, "peak_end": pd.DataFrame({"peak_end": [peak]})},
        order=ORDER + 3,
    )


def _employee_section(
    voc: JourneyVoc,
    labels: dict[str, str],
    lang: Lang,
    journey: Any,
    answers: pd.DataFrame | None,
) -> Section:
    title = t("voc.title.employees", lang)
    frame = answers if answers is not None else pd.DataFrame({"stage": [], "score": []})
    table = employee_experience(frame, journey=journey, customer=voc, lang=lang)
    if table.empty:
        return Section(
            "voc_employees", title, t("voc.reading.no_employees", lang), order=ORDER + 4,
            no_data=True,
        )  # fmt: skip

    def value(v: Any, decimals: int) -> str:
        return (
            "—"
            if v is None or (isinstance(v, float) and math.isnan(v))
            else number(v, lang, decimals)
        )

    shown = pd.DataFrame(
        {
            "stage": [labels.get(s, s) for s in table["stage"]],
            "customer": [value(v, 2) for v in table["customer_emotion"]],
            "nps": [value(v, 0) for v in table["customer_nps"]],
            "employee": [value(v, 2) for v in table["employee_value"]],
            "n": [number(n, lang) for n in table["employee_n"]],
            "difficulties": [" ; ".join(d) for d in table["difficulties"]],
        }
    )
    headers = [
        t("voc.col.stage", lang),
        t("voc.col.customer", lang),
        t("voc.col.customer_nps", lang),
        t("voc.col.employee", lang),
        t("voc.col.employee_n", lang),
        t("voc.col.difficulties", lang),
    ]
    csv = table.assign(difficulties=table["difficulties"].map(" | ".join))
    return Section(
        "voc_employees",
        title,
        t("voc.reading.employees", lang),
        html=_table(shown, headers),
        tables={"voc_employees": csv},
        order=ORDER + 4,
    )


def sections(workspace: Workspace, journey: Journey | None, lang: str) -> list[Section]:
    """NPS by stage with intervals, irritant and enchantment rankings, emotion curve + peak-end,
    and the employees' experience beside the customers'."""
    language: Lang = "en" if lang == "en" else "fr"
    model = resolve_journey(workspace, journey)
    voc = journey_voc(workspace, model)
    labels = _stage_labels(model, language)
    touchpoints = _touchpoint_labels(model, language)
    return [
        _nps_section(voc, labels, language),
        _ranking_section(voc, labels, language, "irritant", 10, touchpoints),
        _ranking_section(voc, labels, language, "enchantment", 5, touchpoints),
        _emotion_section(voc, labels, language, model),
        _employee_section(voc, labels, language, model, employee_answers(workspace)),
    ]
