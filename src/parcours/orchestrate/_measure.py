"""Measurement: per-scenario counts, uplift against control arm and holdout, dry runs.

Uplift compares conversion rates of enrolments whose whole goal window is over (equal windows
for every arm, so a young treated group is not compared with an old control group), with a 95%
Newcombe (Wilson score) interval for the difference of two proportions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from parcours._intervals import newcombe
from parcours.errors import OrchestrateError
from parcours.orchestrate import _store as db
from parcours.orchestrate._engine import Orchestrator
from parcours.orchestrate._model import Scenario
from parcours.orchestrate._pressure import Cap
from parcours.orchestrate._store import Store
from parcours.orchestrate.channels._base import Message, Reconciled, Result

if TYPE_CHECKING:
    from parcours.workspace import Workspace

__all__ = ["dry_run", "report", "uplift", "workspace_report"]

TRACKED = ("open", "click")
# the report's columns after ``scenario``, in order
REPORT_COUNTS = (
    "entries",
    "treated",
    "control",
    "holdout",
    "sent",
    "blocked",
    "capped",
    "failed",
    "unknown",
    "would_have_sent",
    "opens",
    "clicks",
    "conversions",
)


def report(orch: Orchestrator) -> Any:
    """One row per scenario: entries by arm, sends, blocked, capped, would-have-sent, opens,
    clicks (``open``/``click`` events carrying the ledger ``key``), conversions."""
    import pandas as pd

    with orch.store.begin() as conn:
        e = db.enrolments.c
        entries = conn.execute(
            sa.select(
                e.scenario_id, e.arm, sa.func.count(), sa.func.count(e.converted_at)
            ).group_by(e.scenario_id, e.arm)
        ).all()
        lg = db.ledger.c
        sends = conn.execute(
            sa.select(lg.scenario_id, lg.status, sa.func.count()).group_by(
                lg.scenario_id, lg.status
            )
        ).all()
        whs: dict[str, int] = dict(
            conn.execute(
                sa.select(db.would_have_sent.c.scenario_id, sa.func.count()).group_by(
                    db.would_have_sent.c.scenario_id
                )
            ).all()
        )
        tracked = conn.execute(
            sa.select(db.events.c.type, db.events.c.data).where(db.events.c.type.in_(TRACKED))
        ).all()
        keys = {}
        if tracked:
            keys = dict(conn.execute(sa.select(lg.key, lg.scenario_id)).all())
    rows: dict[str, dict[str, Any]] = {}

    def row(sid: str) -> dict[str, Any]:
        return rows.setdefault(sid, {"scenario": sid, **dict.fromkeys(REPORT_COUNTS, 0)})

    for sid, arm, n, converted in entries:
        r = row(sid)
        r["entries"] += n
        r[arm] = r.get(arm, 0) + n
        r["conversions"] += converted
    for sid, status, n in sends:
        r = row(sid)
        if status in r:
            r[status] += n
    for sid, n in whs.items():
        row(sid)["would_have_sent"] = n
    for kind, data in tracked:
        sid = keys.get((data or {}).get("key"))
        if sid is not None:
            row(sid)["opens" if kind == "open" else "clicks"] += 1
    return pd.DataFrame(list(rows.values()), columns=["scenario", *REPORT_COUNTS])


def uplift(
    orch: Orchestrator, scenario_id: str, *, baseline: str = "control", now: float | None = None
) -> dict[str, Any]:
    """Conversion uplift of the treated arm over ``baseline`` (control or holdout).

    Only enrolments whose goal window has ended by ``now`` count, for every arm alike.
    """
    scenario = orch.scenario(scenario_id)
    if scenario.goal is None:
        raise OrchestrateError(
            f"uplift of {scenario_id!r}: expected a scenario with a goal, found none"
        )
    now = orch.clock() if now is None else now
    cutoff = now - scenario.goal.within.seconds
    e = db.enrolments.c
    with orch.store.begin() as conn:
        counts = {
            arm: (n, x)
            for arm, n, x in conn.execute(
                sa.select(e.arm, sa.func.count(), sa.func.count(e.converted_at))
                .where((e.scenario_id == scenario_id) & (e.entered_at <= cutoff))
                .group_by(e.arm)
            )
        }
    n1, x1 = counts.get("treated", (0, 0))
    n0, x0 = counts.get(baseline, (0, 0))
    p1 = x1 / n1 if n1 else float("nan")
    p0 = x0 / n0 if n0 else float("nan")
    diff, low, high = newcombe(x1, n1, x0, n0)
    return {
        "scenario": scenario_id,
        "baseline": baseline,
        "treated_n": n1,
        "treated_conversions": x1,
        "baseline_n": n0,
        "baseline_conversions": x0,
        "treated_rate": p1,
        "baseline_rate": p0,
        "uplift": diff,
        "ci_low": low,
        "ci_high": high,
        "window_days": scenario.goal.within.seconds / 86400,
    }


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class _DryChannel:
    """Accepts everything and sends nothing: the dry run counts what would go out."""

    def __init__(self, name: str) -> None:
        self.name = name

    def send(self, message: Message) -> Result:
        return Result("sent", provider_id="dry-run")

    def reconcile(self, message: Message) -> Reconciled:
        return "delivered"

    def close(self) -> None:
        return None


def dry_run(
    events: Any,
    scenarios: Iterable[Scenario],
    *,
    contacts: Any = None,
    caps: Iterable[Cap] = (),
    step: float = 86400.0,
    timezone: str = "Europe/Paris",
    since: Any = None,
    until: Any = None,
) -> dict[str, Any]:
    """Replay historical events (a table with event_id, customer_id, ts, touchpoint or type)
    through scenarios in a throw-away store, on simulated time; nothing is sent.

    ``since``/``until`` limit the replayed period; time advances by ``step`` seconds (a day:
    waits and caps are resolved to the day, which is what volume planning needs).

    Returns ``steps`` (volume per scenario and step and outcome) and ``pressure`` (messages per
    customer: mean, p95, max, and the busiest 30 days).
    """
    import pandas as pd

    from parcours.warehouse import as_table

    scenarios = list(scenarios)
    watched = {
        k
        for s in scenarios
        for k in (*s.trigger.events, *s.exit.events, *(s.goal.events if s.goal else []))
    }
    table = as_table(events)
    kind = "type" if "type" in table.columns else "touchpoint"
    frame = (
        table.filter(table[kind].isin(sorted(watched)))
        .select("event_id", "customer_id", "ts", kind)
        .to_pandas()
    )
    frame = frame.rename(columns={kind: "type"}).sort_values("ts")
    stamps = pd.to_datetime(frame["ts"], utc=True)
    if since is not None:
        frame = frame[stamps >= pd.Timestamp(since, tz="UTC")]
        stamps = stamps[stamps >= pd.Timestamp(since, tz="UTC")]
    if until is not None:
        frame = frame[stamps < pd.Timestamp(until, tz="UTC")]
        stamps = stamps[stamps < pd.Timestamp(until, tz="UTC")]
    frame = frame.assign(ts=stamps.map(lambda t: t.timestamp()))
    clock = _Clock(float(frame["ts"].min()) if len(frame) else 0.0)
    channels = {name: _DryChannel(name) for name in ("email", "sms", "webhook")}
    orch = Orchestrator(
        Store("sqlite:///:memory:"),
        scenarios,
        channels=channels,
        caps=caps,
        consent_mode="opt_out",
        clock=clock,
        timezone=timezone,
        lease=1e12,
    )
    customers = frame["customer_id"].unique().tolist()
    extra: dict[str, dict[str, Any]] = {}
    if contacts is not None:
        cframe = as_table(contacts).to_pandas()
        for rec in cframe.to_dict("records"):
            extra[str(rec["customer_id"])] = {k: v for k, v in rec.items() if _plain(v)}
    orch.upsert_contacts(
        {**extra.get(c, {}), "customer_id": c, "email": "dry-run@invalid", "phone": "+0"}
        for c in customers
    )
    records = frame.to_dict("records")
    # event-driven simulated time: jump to the next event or the next due step, take in one
    # ``step`` of events at a time (day resolution by default), run what is due
    i = 0
    end = (float(frame["ts"].max()) + 120 * 86400) if records else 0.0
    while True:
        t_event = records[i]["ts"] if i < len(records) else None
        t_due = _next_due(orch)
        candidates = [t for t in (t_event, t_due) if t is not None]
        if not candidates or min(candidates) > end:
            break
        horizon = max(clock.now, min(candidates)) + step
        batch = []
        while i < len(records) and records[i]["ts"] < horizon:
            batch.append(records[i])
            i += 1
        clock.now = horizon  # everything of this step is handled at its end: day resolution
        if batch:
            orch.ingest(batch)
        while orch.run_due("dry-run", 5000):
            pass
    with orch.store.begin() as conn:
        lg = db.ledger.c
        steps = pd.DataFrame(
            conn.execute(
                sa.select(lg.scenario_id, lg.step_id, lg.status, sa.func.count()).group_by(
                    lg.scenario_id, lg.step_id, lg.status
                )
            ).all(),
            columns=["scenario", "step", "outcome", "messages"],
        )
        wh = db.would_have_sent.c
        virtual = pd.DataFrame(
            conn.execute(
                sa.select(wh.scenario_id, wh.step_id, sa.func.count()).group_by(
                    wh.scenario_id, wh.step_id
                )
            ).all(),
            columns=["scenario", "step", "messages"],
        )
        sent = pd.DataFrame(
            conn.execute(
                sa.select(lg.customer_id, lg.handed_off_at).where(lg.status == "sent")
            ).all(),
            columns=["customer_id", "at"],
        )
        entries = pd.DataFrame(
            conn.execute(
                sa.select(db.enrolments.c.scenario_id, sa.func.count()).group_by(
                    db.enrolments.c.scenario_id
                )
            ).all(),
            columns=["scenario", "entries"],
        )
    if len(virtual):
        virtual["outcome"] = "would_have_sent"
        steps = pd.concat(
            [steps, virtual[["scenario", "step", "outcome", "messages"]]], ignore_index=True
        )
    per_customer = sent.groupby("customer_id").size() if len(sent) else pd.Series(dtype=float)
    busiest = 0
    if len(sent):
        sent = sent.sort_values("at")
        sent["month"] = (sent["at"] // (30 * 86400)).astype(int)
        busiest = int(sent.groupby(["customer_id", "month"]).size().max())
    pressure = {
        "customers": len(customers),
        "reached": len(per_customer),
        "messages": len(sent),
        "mean_per_reached": float(per_customer.mean()) if len(per_customer) else 0.0,
        "p95_per_reached": float(per_customer.quantile(0.95)) if len(per_customer) else 0.0,
        "max_per_customer": int(per_customer.max()) if len(per_customer) else 0,
        "max_per_customer_30_days": busiest,
    }
    orch.store.dispose()
    return {
        "entries": entries,
        "steps": steps.sort_values(["scenario", "step", "outcome"]).reset_index(drop=True),
        "pressure": pressure,
    }


def _plain(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and value == value  # drops NaN


def _next_due(orch: Orchestrator) -> float | None:
    e = db.enrolments.c
    with orch.store.begin() as conn:
        value = conn.execute(
            sa.select(sa.func.min(e.due_at)).where((e.status == "active") & e.claimed_by.is_(None))
        ).scalar_one()
    return None if value is None else float(value)


def workspace_report(workspace: Workspace) -> Any:
    """Per-scenario counts (:func:`report`) of the workspace's operational store, or an empty
    frame when nothing has run yet (a SQLite store not created yet is not created)."""
    from pathlib import Path

    import pandas as pd

    from parcours.orchestrate._config import from_workspace, settings

    prefix = "sqlite:///"
    store = str(settings(workspace).get("store", workspace.settings.ops_store))
    url = db._url(store, Path(workspace.root))
    sqlite_file = url.startswith(prefix) and not url.endswith(":memory:")
    if sqlite_file and not Path(url[len(prefix) :]).exists():
        return pd.DataFrame()
    orch = from_workspace(workspace)
    try:
        return report(orch)
    finally:
        orch.store.dispose()


def open_tasks(orch: Orchestrator) -> Any:
    """The open call-centre tasks of ``orch``'s store, most urgent first (priority, then due time).

    One row per task with the store's task columns (key, queue, customer_id, scenario_id, the
    reason in the customer's language, priority, ``created_at`` and ``due_at`` as UTC times,
    status): what
    ``parcours orchestrate tasks`` exports for the call centre's tool (write it with
    :func:`parcours.export.write_csv`). Empty (same columns) when no task is open.
    """
    import pandas as pd

    with orch.store.begin() as conn:
        rows = (
            conn.execute(
                sa.select(db.tasks)
                .where(db.tasks.c.status == "open")
                .order_by(db.tasks.c.priority, db.tasks.c.due_at)
            )
            .mappings()
            .all()
        )
    frame = pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in db.tasks.columns])
    for col in ("created_at", "due_at"):
        frame[col] = pd.to_datetime(frame[col], unit="s", utc=True)
    return frame
