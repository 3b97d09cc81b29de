"""The « fiche chantier »: one printable page per workstream (a group of ideas, or an idea alone).

Each page holds the problem with its numbers and verbatims, the target experience, the solution,
owner, team, effort, gain and its evidence, KPIs with baseline and target, dependencies, the
planned period and risks; French or English; one A4 page when printed (``@page`` rules, compact
type, long lists cut with their count).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parcours.i18n import Lang, date, get_lang, number, percent, t
from parcours.model import text
from parcours.plan._ideas import Idea, Ideas

if TYPE_CHECKING:
    import pandas as pd

    from parcours.plan._kpis import KpiFollowUp
    from parcours.plan._roadmap import Roadmap

__all__ = ["workstream_sheets", "workstreams", "write_sheets"]

_CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: 'DejaVu Sans', 'Segoe UI', Arial, sans-serif; font-size: 10pt; color: #1a1a1a;
       margin: 0 auto; max-width: 186mm; line-height: 1.35; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 10.5pt; margin: 3.5mm 0 1mm; border-bottom: 1px solid #d0d0d0; color: #0b4f8a; }
p, ul { margin: 0 0 1mm; } ul { padding-left: 5mm; }
.meta { color: #555; font-size: 9pt; margin-bottom: 2mm; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0 6mm; }
blockquote { margin: 1mm 0; padding-left: 3mm; border-left: 3px solid #E69F00; font-style: italic; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border-bottom: 1px solid #e0e0e0; padding: 1mm; text-align: left; }
td.n { text-align: right; white-space: nowrap; }
.class { display: inline-block; padding: 0 2mm; border: 1px solid #0072B2; border-radius: 2mm; }
@media print { .noprint { display: none; } body { max-width: none; } }
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def workstreams(ideas: Ideas | Sequence[Idea]) -> dict[str, list[Idea]]:
    """Workstreams in file order: a group's ideas together (id: the group), an idea alone."""
    items = list(ideas.ideas) if isinstance(ideas, Ideas) else list(ideas)
    out: dict[str, list[Idea]] = {}
    for idea in items:
        if idea.status == "rejected":
            continue
        out.setdefault(idea.group or idea.id, []).append(idea)
    return out


def _num(value: Any, lang: Lang, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return number(float(value), lang, decimals)


def _page(
    members: list[Idea],
    *,
    journey: Any,
    lang: Lang,
    scores: pd.DataFrame | None,
    evidence: pd.DataFrame | None,
    roadmap: Roadmap | None,
    kpis: KpiFollowUp | None,
    titles: dict[str, str],
) -> str:
    stage_names = {s.id: text(s.label, lang) for s in journey.stages} if journey else {}
    irritants = {x.id: x for x in journey.irritants} if journey else {}
    ruptures = {x.id: x for x in journey.ruptures} if journey else {}
    ids = [m.id for m in members]
    heading = " · ".join(titles[i] for i in ids)
    score = scores.set_index("idea") if scores is not None and len(scores) else None
    facts = evidence.set_index("idea") if evidence is not None and len(evidence) else None
    parts = [f"<h1>{_e(t('plan.sheet.title', lang))} : {_e(heading)}</h1>" if lang == "fr"
             else f"<h1>{_e(t('plan.sheet.title', lang))}: {_e(heading)}</h1>"]  # fmt: skip
    stages = sorted(
        {s for m in members for s in m.stages}
        | {irritants[i].stage for m in members for i in m.irritants if i in irritants}
    )
    meta = _e(", ".join(stage_names.get(s, s) for s in stages))
    if score is not None:
        labels = sorted(
            {
                str(score.loc[i, "class_label"])
                for i in ids
                if i in score.index and score.loc[i, "class_label"]
            }
        )
        meta += (" · " if meta else "") + " ".join(
            f'<span class="class">{_e(c)}</span>' for c in labels
        )
    parts.append(f'<p class="meta">{meta}</p>')
    # The problem: the irritants and ruptures addressed, the numbers, the verbatims.
    problem: list[str] = []
    quotes: list[str] = []
    for m in members:
        for ref in m.irritants:
            if ref in irritants:
                problem.append(text(irritants[ref].label, lang))
                quotes += irritants[ref].verbatims
        for ref in m.ruptures:
            if ref in ruptures:
                problem.append(text(ruptures[ref].label, lang))
        if facts is not None and m.id in facts.index:
            row = {str(k): v for k, v in facts.loc[m.id].to_dict().items()}
            who = f"{titles[m.id]} : " if len(members) > 1 and lang == "fr" else ""
            who = f"{titles[m.id]}: " if len(members) > 1 and lang != "fr" else who
            customers = t("plan.sheet.customers", lang, customers=int(row["customers"]),
                          interactions=int(row["interactions"]))  # fmt: skip
            problem.append(who + customers)
            if row["irritant_share"] > 0:
                problem.append(
                    t(
                        "plan.sheet.irritants",
                        lang,
                        share=percent(float(row["irritant_share"]), lang),
                    )
                )
            if row["lost"] > 0:
                stages_lost = ", ".join(stage_names.get(s, s) for s in row["blocking_stages"])
                problem.append(t("plan.sheet.value", lang, value=number(round(float(row["value_at_stake"])), lang),
                                 lost=int(row["lost"]), stage=stages_lost))  # fmt: skip
            quotes += [q for q in row["verbatims"] if q not in quotes]
    parts.append(f"<h2>{_e(t('plan.sheet.problem', lang))}</h2>")
    parts.append(
        "<ul>" + "".join(f"<li>{_e(p)}</li>" for p in dict.fromkeys(problem)) + "</ul>"
        if problem
        else "<p>—</p>"
    )
    parts += [
        f"<blockquote>{_e(q if len(q) <= 220 else q[:219] + '…')}</blockquote>"
        for q in list(dict.fromkeys(quotes))[:3]
    ]
    targets = [text(m.target_experience, lang) for m in members if m.target_experience]
    if targets:
        parts.append(f"<h2>{_e(t('plan.sheet.target', lang))}</h2><p>{_e(' '.join(targets))}</p>")
    parts.append(f"<h2>{_e(t('plan.sheet.solution', lang))}</h2><ul>")
    for m in members:
        what = text(m.description, lang)
        parts.append(f"<li><b>{_e(titles[m.id])}</b>{(' — ' + _e(what)) if what else ''}</li>")
    parts.append("</ul>")
    # Owner, effort, gain and evidence.
    owners = ", ".join(dict.fromkeys(m.owner for m in members if m.owner)) or "—"
    teams = ", ".join(dict.fromkeys(m.team for m in members if m.team)) or "—"
    days = sum(float(m.effort_days or 0) for m in members)
    gains = []
    for m in members:
        if score is not None and m.id in score.index:
            line = {str(k): v for k, v in score.loc[m.id].to_dict().items()}
            source = t(f"plan.source.{line['gain_source']}", lang)
            item = f"{_num(line['gain'], lang)} / 5 ({source})"
            if line["evidence_gain"] == line["evidence_gain"] and line["gain_source"] != "evidence":
                item += f" · {t('plan.col.evidence', lang)} {_num(line['evidence_gain'], lang)}"
            gains.append((titles[m.id] + " : " if len(members) > 1 else "") + item)
        if facts is not None and m.id in facts.index and facts.loc[m.id, "kano_verdict"]:
            gains.append(t("plan.sheet.kano", lang, verdict=facts.loc[m.id, "kano_verdict"]))
        elif m.kano:
            gains.append(t("plan.sheet.kano", lang, verdict=t(f"plan.kano.{m.kano}", lang)))
    parts.append('<div class="grid"><div>')
    parts.append(
        f"<h2>{_e(t('plan.sheet.owner', lang))}</h2><p>{_e(owners)} · {_e(t('plan.sheet.team', lang))} {_e(teams)}</p>"
    )
    effort = t("plan.sheet.effort_days", lang, days=number(days, lang)) if days else "—"
    parts.append(f"<h2>{_e(t('plan.sheet.effort', lang))}</h2><p>{_e(effort)}</p>")
    period = t("plan.sheet.unplanned", lang)
    if roadmap is not None and len(roadmap.plan):
        planned = roadmap.plan[roadmap.plan["idea"].isin(ids)]
        if len(planned):
            first = dt.date.fromisoformat(min(planned["start"]))
            last = dt.date.fromisoformat(max(planned["end"]))
            period = f"{date(first, lang)} → {date(last, lang)}"
    parts.append(f"<h2>{_e(t('plan.sheet.period', lang))}</h2><p>{_e(period)}</p>")
    parts.append("</div><div>")
    parts.append(
        f"<h2>{_e(t('plan.sheet.gain', lang))}</h2><ul>"
        + "".join(f"<li>{_e(g)}</li>" for g in gains)
        + "</ul>"
    )
    deps = [d for m in members for d in m.depends_on if d not in ids]
    dep_text = ", ".join(titles.get(d, d) for d in dict.fromkeys(deps)) or t(
        "plan.sheet.none", lang
    )
    parts.append(f"<h2>{_e(t('plan.sheet.dependencies', lang))}</h2><p>{_e(dep_text)}</p>")
    parts.append("</div></div>")
    # KPIs with baseline and target.
    kpi_rows = []
    summary = kpis.summary if kpis is not None else None
    for m in members:
        for kpi in m.kpis:
            baseline, label = kpi.baseline, kpi.id
            if summary is not None and len(summary):
                hit = summary[(summary["idea"] == m.id) & (summary["kpi"] == kpi.id)]
                if len(hit):
                    baseline, label = hit.iloc[0]["baseline"], hit.iloc[0]["label"]
            kpi_rows.append(f"<tr><td>{_e(label)}</td><td class='n'>{_e(_num(baseline, lang))}</td>"
                            f"<td class='n'>{_e(_num(kpi.target, lang))}</td><td>{_e(date(kpi.deadline, lang))}</td></tr>")  # fmt: skip
    if kpi_rows:
        head = "".join(
            f"<th>{_e(t(f'plan.col.{k}', lang))}</th>"
            for k in ("kpi", "baseline", "target", "deadline")
        )
        parts.append(
            f"<h2>{_e(t('plan.sheet.kpis', lang))}</h2><table><tr>{head}</tr>{''.join(kpi_rows)}</table>"
        )
    risks = [text(r, lang) for m in members for r in m.risks]
    parts.append(f"<h2>{_e(t('plan.sheet.risks', lang))}</h2>")
    parts.append(
        "<ul>" + "".join(f"<li>{_e(r)}</li>" for r in risks[:5]) + "</ul>"
        if risks
        else f"<p>{_e(t('plan.sheet.none', lang))}</p>"
    )
    body = "\n".join(parts)
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_e(t('plan.sheet.title', lang))} — {_e(heading)}</title><style>{_CSS}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )


def workstream_sheets(
    ideas: Ideas | Sequence[Idea],
    *,
    journey: Any = None,
    scores: pd.DataFrame | None = None,
    evidence: pd.DataFrame | None = None,
    roadmap: Roadmap | None = None,
    kpis: KpiFollowUp | None = None,
    lang: Lang | None = None,
) -> dict[str, str]:
    """One self-contained HTML page per workstream (see :func:`workstreams`), by workstream id.

    Every input but the ideas is optional: a sheet shows what it is given (the evidence table of
    :func:`parcours.plan.evidence`, the scores, the road map, the KPI follow-up)."""
    language = lang or get_lang()
    items = list(ideas.ideas) if isinstance(ideas, Ideas) else list(ideas)
    titles = {i.id: text(i.title, language) for i in items}
    return {
        key: _page(
            members,
            journey=journey,
            lang=language,
            scores=scores,
            evidence=evidence,
            roadmap=roadmap,
            kpis=kpis,
            titles=titles,
        )
        for key, members in workstreams(items).items()
    }


def write_sheets(pages: dict[str, str], directory: str | Path) -> list[Path]:
    """Write each page as ``<workstream>.html`` in ``directory`` (made if needed)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, html in pages.items():
        path = folder / f"{key}.html"
        path.write_text(html, encoding="utf-8")
        written.append(path)
    return written
