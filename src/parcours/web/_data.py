"""What the pages show, gathered through the library's public functions and cached per data
version by the server (``ServerContext.cached``): no computation here that the library lacks."""

from __future__ import annotations

import math
from typing import Any

from parcours.i18n import Lang, t

__all__ = [
    "cell_customers",
    "channel_choices",
    "funnel_rows",
    "headline",
    "journey_choices",
    "map_view",
    "persona_choices",
    "stage_funnel",
    "stage_labels",
    "touchpoint_scores",
    "verbatims",
]


def _text(value: Any, lang: Lang) -> str:
    from parcours.model import text

    return "" if value is None else str(text(value, lang))


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def journey_choices(ctx: Any, lang: Lang) -> list[tuple[str, str]]:
    """The workspace's maps (id, title), as-is first."""

    def build(ws: Any) -> list[tuple[str, str, str]]:
        from parcours.errors import ParcoursError
        from parcours.model import load_journey

        rows = []
        for path in ws.journey_files():
            try:
                journey = load_journey(path)
            except ParcoursError:
                rows.append((path.stem, path.stem, "zz"))
                continue
            rows.append((path.stem, _text(journey.name, lang) or path.stem, journey.state))
        return sorted(rows, key=lambda r: (r[2] != "as-is", r[0]))

    rows: list[tuple[str, str, str]] = ctx.cached(("web.journeys", lang), build)
    return [(r[0], r[1]) for r in rows]


def _journey(ctx: Any, journey: str | None) -> Any:
    return ctx.cached(("web.journey", journey), lambda ws: ws.journey(journey))


def stage_labels(ctx: Any, journey: str | None, lang: Lang) -> dict[str, str]:
    model = _journey(ctx, journey)
    return {s.id: _text(s.label, lang) for s in model.stage_order()}


def persona_choices(ctx: Any, journey: str | None, lang: Lang) -> list[tuple[str, str]]:
    if journey is None:
        return []
    model = _journey(ctx, journey)
    return [(p.id, _text(p.label, lang) or p.id) for p in model.personas]


def channel_choices(ctx: Any, journey: str | None, lang: Lang) -> list[tuple[str, str]]:
    if journey is None:
        return []
    model = _journey(ctx, journey)
    return [(c.id, _text(c.label, lang) or c.id) for c in model.channels]


def _range(filters: Any) -> tuple[str | None, str | None]:
    return (filters.start or None, filters.end or None)


def headline(ctx: Any, journey: str | None, filters: Any, lang: Lang) -> dict[str, Any]:
    """Promise, NPS and volume with their trend (last two full periods), loads, quarantine,
    alerts (a KPI falling, the biggest loss between two stages, rows in quarantine)."""
    from parcours.api._models import table_out

    persona = filters.persona or None
    period = _range(filters)

    def build(ws: Any) -> dict[str, Any]:
        from parcours import analytics as a
        from parcours.errors import ParcoursError
        from parcours.voc import journey_responses, satisfaction

        out: dict[str, Any] = {"nps": [], "volume": [], "blocking": []}
        try:
            responses = journey_responses(
                ws, journey, persona=persona, period=period, with_persona=False
            )
            frame = satisfaction(responses, ["period"], metrics=["nps"], min_n=30)
            out["nps"] = frame.to_dict("records")
        except ParcoursError:
            pass
        events = ws.table("interactions")
        monthly = a.matrix(events, period="month").to_pandas()
        if len(monthly):
            grouped = monthly.groupby("period", as_index=False)["interactions"].sum()
            out["volume"] = grouped.to_dict("records")
        if journey is not None:
            try:
                blocking = a.blocking_points(events, ws.journey(journey)).to_pandas()
                out["blocking"] = blocking.head(3).to_dict("records")
            except ParcoursError:
                pass
        out["loads"] = table_out(ws.loads()).rows[-5:][::-1]
        out["quarantine"] = int(ws.quarantine().count().to_pyarrow().as_py())
        return out

    raw = ctx.cached(("web.headline", journey, persona, period), build)
    model = _journey(ctx, journey) if journey else None
    labels = stage_labels(ctx, journey, lang) if journey else {}
    kpis: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    full = [r for r in raw["nps"] if not r.get("small_sample")]
    if full:
        last = full[-1]
        prev = full[-2] if len(full) > 1 else None
        change = None if prev is None else float(last["value"]) - float(prev["value"])
        kpis.append(
            {
                "key": "nps",
                "value": last["value"],
                "n": last["n"],
                "low": last.get("ci_low"),
                "high": last.get("ci_high"),
                "period": last["period"],
                "change": change,
                "decimals": 0,
                "relative": False,
            }
        )
        low = None if prev is None else _finite(prev.get("ci_low"))
        if low is not None and float(last["value"]) < low:
            alerts.append({"kind": "kpi_down", "level": "bad", "values": {}})
    volume = raw["volume"]
    if len(volume) >= 3:
        last, prev = volume[-2], volume[-3]  # the last month may still be running
        kpis.append(
            {
                "key": "volume",
                "value": last["interactions"],
                "n": None,
                "low": None,
                "high": None,
                "period": last["period"],
                "change": (float(last["interactions"]) - float(prev["interactions"]))
                / max(float(prev["interactions"]), 1.0),
                "decimals": 0,
                "relative": True,
            }
        )
    if raw["blocking"]:
        worst = raw["blocking"][0]
        alerts.append(
            {
                "kind": "loss",
                "level": "warn",
                "stage": worst["stage"],
                "values": {
                    "lost": int(worst["lost"]),
                    "stage": labels.get(str(worst["stage"]), worst["stage"]),
                    "next": labels.get(str(worst["next_stage"]), worst["next_stage"]),
                    "share": worst["drop_off"],
                },
            }
        )
    if raw["quarantine"]:
        alerts.append({"kind": "quarantine", "level": "warn", "values": {"n": raw["quarantine"]}})
    return {
        "promise": _text(model.promise, lang) if model is not None else "",
        "kpis": kpis,
        "alerts": alerts,
        "loads": raw["loads"],
        "quarantine": raw["quarantine"],
        "personas": persona_choices(ctx, journey, lang),
        "channels": channel_choices(ctx, journey, lang),
    }


def map_view(ctx: Any, journey: str, filters: Any, lang: Lang) -> dict[str, Any]:
    """The map's numbers (``parcours.render.map_data``) for as-is, to-be or both, and the
    printable one-page map (``parcours.render.map_html``)."""
    from parcours.render import map_data, map_html

    persona = filters.persona or None
    period = filters.period

    def build(ws: Any) -> Any:
        return map_data(ws, journey, lang=lang, persona=persona, period=period, compare=None)

    maps = ctx.cached(("web.map", journey, lang, persona, period), build)
    data = maps[0]
    printable = ctx.cached(
        ("web.map.print", journey, lang, persona, period),
        lambda ws: map_html(maps, standalone=False),
    )
    return {"data": data, "printable": printable}


def touchpoint_scores(
    ctx: Any, journey: str, filters: Any, metric: str = "nps"
) -> dict[str, dict[str, Any]]:
    """Satisfaction per touchpoint with n and interval (``parcours.voc.satisfaction``)."""
    persona = filters.persona or None
    period = _range(filters)

    def build(ws: Any) -> dict[str, dict[str, Any]]:
        from parcours.errors import ParcoursError
        from parcours.voc import journey_responses, satisfaction

        try:
            responses = journey_responses(
                ws, journey, persona=persona, period=period, with_persona=False
            )
            frame = satisfaction(responses, ["touchpoint"], metrics=[metric], min_n=1)
        except ParcoursError:
            return {}
        return {
            str(r["touchpoint"]): {str(k): v for k, v in r.items()}
            for r in frame.to_dict("records")
        }

    result: dict[str, dict[str, Any]] = ctx.cached(
        ("web.tp_scores", journey, metric, persona, period), build
    )
    return result


def stage_funnel(ctx: Any, journey: str, stage: str, filters: Any) -> list[dict[str, Any]]:
    """The stage funnel from the first stage of the map to ``stage`` and the one after it."""
    model = _journey(ctx, journey)
    order = [s.id for s in model.stage_order()]
    if stage not in order:
        return []
    end = min(order.index(stage) + 2, len(order))
    steps = order[:end] if end >= 2 else order[:2]

    def build(ws: Any) -> list[dict[str, Any]]:
        from parcours import analytics as a

        spec: list[Any] = [{"stage": s, "name": s} for s in steps]
        result = a.funnel(ws.table("interactions"), spec, window="365d", mode="ordered").steps
        frame = result.to_pandas() if hasattr(result, "to_pandas") else result
        records: list[dict[str, Any]] = frame.to_dict("records")
        return records

    rows: list[dict[str, Any]] = ctx.cached(("web.stage_funnel", journey, tuple(steps)), build)
    return rows


def funnel_rows(ctx: Any, steps: list[str], window: str) -> list[dict[str, Any]]:
    """A funnel over stages picked in order (``parcours.analytics.funnel``)."""

    def build(ws: Any) -> list[dict[str, Any]]:
        from parcours import analytics as a

        spec: list[Any] = [{"stage": s, "name": s} for s in steps]
        result = a.funnel(ws.table("interactions"), spec, window=window, mode="ordered").steps
        frame = result.to_pandas() if hasattr(result, "to_pandas") else result
        records: list[dict[str, Any]] = frame.to_dict("records")
        return records

    rows: list[dict[str, Any]] = ctx.cached(("web.funnel", tuple(steps), window), build)
    return rows


def verbatims(
    ctx: Any,
    journey: str | None,
    filters: Any,
    *,
    stage: str | None = None,
    touchpoint: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """What customers wrote at a stage or touchpoint, with their score, newest first."""
    persona = filters.persona or None
    period = _range(filters)

    def build(ws: Any) -> list[dict[str, Any]]:
        from parcours.errors import ParcoursError
        from parcours.voc import journey_responses

        try:
            table = journey_responses(
                ws, journey, persona=persona, period=period, with_persona=False
            )
        except ParcoursError:
            return []
        table = table.filter(table.verbatim.notnull() & (table.verbatim != ""))
        if stage:
            table = table.filter(table.stage == stage)
        if touchpoint:
            table = table.filter(table.touchpoint == touchpoint)
        table = table.order_by(table.ts.desc()).limit(limit)
        columns = ["ts", "stage", "touchpoint", "channel", "metric", "score", "verbatim", "lang"]
        records: list[dict[str, Any]] = table.select(columns).to_pandas().to_dict("records")
        return records

    rows: list[dict[str, Any]] = ctx.cached(
        ("web.verbatims", journey, persona, period, stage, touchpoint, limit), build
    )
    return rows


def cell_customers(
    ctx: Any,
    *,
    stage: str | None,
    channel: str | None,
    touchpoint: str | None,
    limit: int | None = 200,
) -> Any:
    """The customers seen at a cell of the map (stage × channel, or a touchpoint), with their
    interactions there and the last time: a pandas frame, largest first."""

    def build(ws: Any) -> Any:
        events = ws.table("interactions")
        if stage:
            events = events.filter(events.stage == stage)
        if channel:
            events = events.filter(events.channel == channel)
        if touchpoint:
            events = events.filter(events.touchpoint == touchpoint)
        grouped = events.group_by("customer_id").aggregate(
            interactions=events.count(), last_seen=events.ts.max()
        )
        grouped = grouped.order_by([grouped.interactions.desc(), grouped.customer_id])
        if limit is not None:
            grouped = grouped.limit(limit)
        return grouped.to_pandas()

    return ctx.cached(("web.customers", stage, channel, touchpoint, limit), build)


def loss_label(values: dict[str, Any], lang: Lang) -> str:
    return t("web.alert.loss", lang, **values)
