"""The road map: ideas scheduled into periods under team capacities.

Each idea is done by one team in consecutive periods: as few as its person-days allow at the
team's capacity (``ceil(days / capacity)``), spread evenly over them. Constraints: no team over
its person-days in any period, no idea before its dependencies have shipped, ideas of one group
shipping together (at the end of the last one: the plan's ``end`` of each member is that shipping
date, ``work_end`` its own end of work). Aim: deliver value early — minimise the sum of
(gain x shipping period), an idea left out costing more than any delay.

An exact solver (OR-Tools CP-SAT) searches within a time limit, started from the greedy plan;
the greedy heuristic (units in dependency order, highest gain per person-day first, each at the
earliest period it fits) gives the plan when OR-Tools is missing or finds nothing better. The
result says which one did.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from parcours.errors import PlanError
from parcours.i18n import Lang, get_lang, t
from parcours.model import text
from parcours.plan._graph import idea_graph
from parcours.plan._ideas import Idea, Ideas
from parcours.plan._scoring import score_ideas
from parcours.plan._settings import PlanSettings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ROADMAP_COLUMNS", "Roadmap", "period_starts", "schedule"]

ROADMAP_COLUMNS = ("idea", "team", "start", "end", "depends_on")
_SCALE = 10  # capacities and efforts in tenths of a person-day: CP-SAT works on integers
_ACTIVE = ("approved", "in_progress")


@dataclass(frozen=True)
class Roadmap:
    """A scheduled road map.

    ``plan``: one row per scheduled idea (idea, team, start, end, depends_on as ISO dates and
    ``;``-joined ids, then title, group, effort_days, gain, start_period, end_period (1-based)
    and work_end; a group member's ``end`` is the group's shipping date);
    ``unscheduled``: idea, team, reason (in the language asked); ``solver``: ``cp-sat`` or
    ``greedy``; ``status``: ``optimal``, ``feasible`` (time limit reached), ``fallback`` (the
    exact solver found nothing better), ``unavailable`` (OR-Tools missing), ``requested`` (the
    greedy plan was asked for) or ``empty``;
    ``load``: person-days used per team and period beside the capacity.
    """

    plan: pd.DataFrame
    unscheduled: pd.DataFrame
    solver: str
    status: str
    period: str
    periods: list[dt.date]
    capacity: dict[str, float]
    load: pd.DataFrame
    objective: float = math.nan
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: Lang | None = None) -> str:
        language = lang or get_lang()
        return t(
            "plan.roadmap.solver",
            language,
            solver=t(f"plan.solver.{self.solver}", language),
            status=t(f"plan.solver.{self.status}", language),
            scheduled=len(self.plan),
            unscheduled=len(self.unscheduled),
        )


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def period_starts(start: dt.date | str, period: str, count: int) -> list[dt.date]:
    """The first day of ``count`` + 1 periods from ``start`` (its month or quarter)."""
    day = dt.date.fromisoformat(start) if isinstance(start, str) else start
    if isinstance(day, dt.datetime):
        day = day.date()
    if period not in ("month", "quarter"):
        raise PlanError(f"period: expected month or quarter, found {period!r}")
    step = 1 if period == "month" else 3
    first = dt.date(day.year, day.month if step == 1 else 3 * ((day.month - 1) // 3) + 1, 1)
    return [_add_months(first, k * step) for k in range(count + 1)]


@dataclass
class _Task:
    idea: str
    team: str
    days: float
    duration: int
    demand: int
    value: int
    unit: str


def _selected(items: list[Idea]) -> list[Idea]:
    if any(i.status in _ACTIVE for i in items):
        return [i for i in items if i.status in _ACTIVE]
    return [i for i in items if i.status not in ("rejected", "done")]


def schedule(
    ideas: Ideas | Sequence[Idea],
    *,
    start: dt.date | str,
    capacity: Mapping[str, float] | None = None,
    period: Literal["month", "quarter"] | None = None,
    horizon: int | None = None,
    time_limit: float | None = None,
    settings: PlanSettings | None = None,
    scores: pd.DataFrame | None = None,
    solver: Literal["auto", "cp-sat", "greedy"] = "auto",
    lang: Lang | None = None,
) -> Roadmap:
    """Schedule the approved (or in progress) ideas — every idea neither rejected nor done when
    none is approved — from ``start`` over ``horizon`` periods.

    ``capacity``: person-days per period per team (default: the ideas file's, overridden by
    ``[plan.capacity]``); a team of a scheduled idea with no capacity is an error. ``scores``:
    the table of :func:`score_ideas` (its gain sets each idea's value; computed when left out).
    """
    import time

    import pandas as pd

    settings = settings or PlanSettings()
    language = lang or get_lang()
    period = period or settings.period
    horizon = horizon or settings.horizon
    time_limit = settings.time_limit if time_limit is None else time_limit
    items = list(ideas.ideas) if isinstance(ideas, Ideas) else list(ideas)
    caps = dict(ideas.capacity) if isinstance(ideas, Ideas) else {}
    caps.update(settings.capacity)
    caps.update(capacity or {})
    for team, days in caps.items():
        if not (isinstance(days, int | float) and math.isfinite(days) and days >= 0):
            raise PlanError(f"capacity of team {team!r}: expected person-days >= 0, found {days!r}")
    if horizon < 1:
        raise PlanError(f"horizon: expected at least 1 period, found {horizon}")
    starts = period_starts(start, period, horizon)
    graph = idea_graph(items)
    chosen = _selected(items)
    by_id = {i.id: i for i in items}
    missing = sorted({i.team for i in chosen if i.team and i.team not in caps})
    if missing:
        users = sorted(i.id for i in chosen if i.team in missing)
        raise PlanError(
            f"expected a capacity for team(s) {', '.join(missing)} (--capacity TEAM=DAYS, "
            f"[plan.capacity] in parcours.toml or capacity: in plan/ideas.yaml), found none; "
            f"ideas concerned: {', '.join(users)}"
        )
    scores = scores if scores is not None else score_ideas(items, settings, lang=language)
    gain = dict(zip(scores["idea"], scores["gain"], strict=True))
    reasons: dict[str, str] = {}
    tasks: dict[str, _Task] = {}
    for idea in chosen:
        if not idea.team:
            reasons[idea.id] = t("plan.reason.no_team", language)
            continue
        if idea.effort_days is None:
            reasons[idea.id] = t("plan.reason.no_effort", language)
            continue
        cap = math.floor(caps[idea.team] * _SCALE)
        work = math.ceil(idea.effort_days * _SCALE)
        duration = max(1, math.ceil(work / cap)) if cap > 0 else horizon + 1
        if (work > 0 and cap == 0) or duration > horizon:
            reasons[idea.id] = t(
                "plan.reason.too_big", language, days=idea.effort_days, team=idea.team,
                periods=horizon,
            )  # fmt: skip
            continue
        value = gain.get(idea.id, math.nan)
        tasks[idea.id] = _Task(
            idea=idea.id,
            team=idea.team,
            days=float(idea.effort_days),
            duration=duration,
            demand=math.ceil(work / duration),
            value=max(1, round(100 * (1.0 if value != value else float(value)))),
            unit=graph.unit_of[idea.id],
        )
    # A dependency that is neither done nor schedulable, or a group member that cannot be
    # scheduled, keeps the idea out (propagated until nothing changes).
    changed = True
    while changed:
        changed = False
        for idea_id in list(tasks):
            idea = by_id[idea_id]
            blocked = [
                d for d in idea.depends_on
                if by_id[d].status != "done" and d not in tasks
            ]  # fmt: skip
            if blocked:
                reasons[idea_id] = t("plan.reason.dependency", language, ideas=", ".join(blocked))
            elif idea.group and any(
                m not in tasks and by_id[m].status != "done"
                for m in graph.members[graph.unit_of[idea_id]]
            ):
                reasons[idea_id] = t("plan.reason.group", language, group=idea.group)
            else:
                continue
            del tasks[idea_id]
            changed = True
    started = time.perf_counter()
    greedy = _greedy(tasks, graph, by_id, caps, horizon)
    result, used, status = greedy, "greedy", "empty" if not tasks else "unavailable"
    if tasks and solver != "greedy":
        exact = _cp_sat(tasks, by_id, caps, horizon, time_limit, greedy)
        if exact is None:
            status = "unavailable"
            if solver == "cp-sat":
                raise PlanError(
                    "solver cp-sat: expected OR-Tools (pip install ortools), found none"
                )
        else:
            placed, exact_status = exact
            exact_cost = _cost(placed, tasks, horizon) if placed is not None else math.inf
            greedy_cost = _cost(greedy, tasks, horizon)
            # The exact plan when it is better, or as good and proven optimal; else the greedy
            # plan it started from (and the status says the exact solver found nothing better).
            if placed is not None and (
                exact_cost < greedy_cost
                or (exact_cost == greedy_cost and exact_status == "optimal")
            ):
                result, used, status = placed, "cp-sat", exact_status
            else:
                status = "fallback"
    elif tasks:
        status = "requested"
    elapsed = time.perf_counter() - started
    rows = []
    for idea_id, begin in sorted(result.items(), key=lambda kv: (kv[1], tasks[kv[0]].team, kv[0])):
        task = tasks[idea_id]
        idea = by_id[idea_id]
        finish = _ship(idea_id, result, tasks)
        rows.append(
            {
                "idea": idea_id,
                "team": task.team,
                "start": starts[begin].isoformat(),
                "end": (starts[finish] - dt.timedelta(days=1)).isoformat(),
                "depends_on": ";".join(idea.depends_on),
                "title": text(idea.title, language),
                "group": idea.group or "",
                "effort_days": task.days,
                "gain": gain.get(idea_id, math.nan),
                "start_period": begin + 1,
                "end_period": finish,
                "work_end": (starts[begin + task.duration] - dt.timedelta(days=1)).isoformat(),
            }
        )
    for idea_id in tasks:
        if idea_id not in result:
            reasons[idea_id] = t("plan.reason.horizon", language, periods=horizon)
    plan = pd.DataFrame(rows, columns=[*ROADMAP_COLUMNS, "title", "group", "effort_days", "gain",
                                       "start_period", "end_period", "work_end"])  # fmt: skip
    order = {i.id: k for k, i in enumerate(items)}
    unscheduled = pd.DataFrame(
        [
            {"idea": i, "team": by_id[i].team or "", "reason": r}
            for i, r in sorted(reasons.items(), key=lambda kv: order[kv[0]])
        ],
        columns=["idea", "team", "reason"],
    )
    load_rows = []
    for team in sorted({task.team for task in tasks.values()}):
        for k in range(horizon):
            used_days = sum(
                tasks[i].demand / _SCALE
                for i, b in result.items()
                if tasks[i].team == team and b <= k < b + tasks[i].duration
            )
            load_rows.append({"team": team, "period": starts[k].isoformat(), "used": used_days,
                              "capacity": caps[team]})  # fmt: skip
    load = pd.DataFrame(load_rows, columns=["team", "period", "used", "capacity"])
    return Roadmap(
        plan=plan,
        unscheduled=unscheduled,
        solver=used,
        status=status,
        period=period,
        periods=starts,
        capacity=caps,
        load=load,
        objective=float(_cost(result, tasks, horizon)),
        seconds=elapsed,
    )


def _cost(placed: Mapping[str, int], tasks: Mapping[str, _Task], horizon: int) -> int:
    """The objective: gain x shipping period for each scheduled idea; an idea left out costs
    4 x gain x horizon (more than any delay)."""
    total = 0
    for idea_id, task in tasks.items():
        if idea_id in placed:
            total += task.value * _ship(idea_id, placed, tasks)
        else:
            total += 4 * task.value * horizon
    return total


def _greedy(
    tasks: Mapping[str, _Task],
    graph: Any,
    by_id: Mapping[str, Idea],
    caps: Mapping[str, float],
    horizon: int,
) -> dict[str, int]:
    """Units in dependency order, ready units by gain per person-day (highest first), each
    placed at the earliest period where it fits; a group at the earliest common end."""
    import heapq

    load: dict[str, list[int]] = {
        team: [0] * horizon for team in {t_.team for t_ in tasks.values()}
    }
    cap = {team: math.floor(caps[team] * _SCALE) for team in load}
    placed: dict[str, int] = {}
    units = {u: [m for m in graph.members[u] if m in tasks] for u in graph.order}
    units = {u: ms for u, ms in units.items() if ms}
    waiting = {u: {a for a in graph.after[u] if a in units} for u in units}
    users: dict[str, list[str]] = {u: [] for u in units}
    for u, deps in waiting.items():
        for d in deps:
            users[d].append(u)
    position = {u: k for k, u in enumerate(graph.order)}

    def priority(unit: str) -> tuple[float, int]:
        members = units[unit]
        value = sum(tasks[m].value for m in members)
        days = sum(tasks[m].days for m in members) or 0.1
        return (-value / days, position[unit])

    ready = [(priority(u), u) for u in units if not waiting[u]]
    heapq.heapify(ready)
    failed: set[str] = set()
    while ready:
        _, unit = heapq.heappop(ready)
        members = units[unit]
        deps_ok = all(d not in failed for d in graph.after[unit])
        lower = 0
        for m in members:
            for d in by_id[m].depends_on:
                if d in placed:
                    lower = max(lower, _ship(d, placed, tasks))
        if deps_ok and _place(members, lower, tasks, load, cap, horizon, placed):
            pass
        else:
            failed.add(unit)
        for user in users[unit]:
            waiting[user].discard(unit)
            if not waiting[user]:
                heapq.heappush(ready, (priority(user), user))
    return placed


def _fits(task: _Task, begin: int, load: Mapping[str, list[int]], cap: Mapping[str, int]) -> bool:
    row = load[task.team]
    return all(row[k] + task.demand <= cap[task.team] for k in range(begin, begin + task.duration))


def _ship(idea_id: str, placed: Mapping[str, int], tasks: Mapping[str, _Task]) -> int:
    """The period after which an idea's unit ships: the end of its last member's work."""
    unit = tasks[idea_id].unit
    return max(placed[m] + tasks[m].duration for m in placed if tasks[m].unit == unit)


def _place(
    members: list[str],
    lower: int,
    tasks: Mapping[str, _Task],
    load: dict[str, list[int]],
    cap: Mapping[str, int],
    horizon: int,
    placed: dict[str, int],
) -> bool:
    """Place every member at its earliest start >= ``lower`` that fits (longest first), or none."""
    chosen: list[tuple[str, int]] = []
    for m in sorted(members, key=lambda m: (-tasks[m].duration, m)):
        task = tasks[m]
        begin = next(
            (b for b in range(lower, horizon - task.duration + 1) if _fits(task, b, load, cap)),
            None,
        )
        if begin is None:
            for other, start in chosen:  # undo the members already placed
                for k in range(start, start + tasks[other].duration):
                    load[tasks[other].team][k] -= tasks[other].demand
            return False
        for k in range(begin, begin + task.duration):
            load[task.team][k] += task.demand
        chosen.append((m, begin))
    placed.update(chosen)
    return True


def _cp_sat(
    tasks: Mapping[str, _Task],
    by_id: Mapping[str, Idea],
    caps: Mapping[str, float],
    horizon: int,
    time_limit: float,
    hint: Mapping[str, int],
) -> tuple[dict[str, int] | None, str] | None:
    """The exact model; None when OR-Tools is not installed, (None, status) when it finds no
    plan in time."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        return None
    model = cp_model.CpModel()
    starts: dict[str, Any] = {}
    present: dict[str, Any] = {}
    intervals: dict[str, list[Any]] = {}
    demands: dict[str, list[int]] = {}
    for idea_id, task in tasks.items():
        s = model.new_int_var(0, horizon - task.duration, f"s_{idea_id}")
        p = model.new_bool_var(f"p_{idea_id}")
        interval = model.new_optional_fixed_size_interval_var(s, task.duration, p, f"i_{idea_id}")
        starts[idea_id], present[idea_id] = s, p
        intervals.setdefault(task.team, []).append(interval)
        demands.setdefault(task.team, []).append(task.demand)
        if idea_id in hint:
            model.add_hint(s, hint[idea_id])
            model.add_hint(p, 1)
        else:
            model.add_hint(p, 0)
    for team, items in intervals.items():
        model.add_cumulative(items, demands[team], math.floor(caps[team] * _SCALE))
    members: dict[str, list[str]] = {}
    for idea_id, task in tasks.items():
        members.setdefault(task.unit, []).append(idea_id)
    ship: dict[str, Any] = {}
    for unit, group in members.items():
        if len(group) == 1:
            ship[unit] = starts[group[0]] + tasks[group[0]].duration
            continue
        ship[unit] = model.new_int_var(0, horizon, f"ship_{unit}")
        model.add_max_equality(ship[unit], [starts[m] + tasks[m].duration for m in group])
        for other in group[1:]:
            model.add(present[other] == present[group[0]])
    for idea_id in tasks:
        for dep in by_id[idea_id].depends_on:
            if dep in tasks:
                model.add_implication(present[idea_id], present[dep])
                model.add(starts[idea_id] >= ship[tasks[dep].unit]).only_enforce_if(
                    present[idea_id]
                )
    model.minimize(
        sum(task.value * ship[task.unit] for task in tasks.values())
        + sum(4 * task.value * horizon * (1 - present[i]) for i, task in tasks.items())
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 0
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, "fallback"
    placed = {i: int(solver.value(starts[i])) for i in tasks if solver.value(present[i])}
    return placed, "optimal" if code == cp_model.OPTIMAL else "feasible"
