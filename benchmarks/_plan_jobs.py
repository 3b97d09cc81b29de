"""Child jobs of bench_plan: one measured road map each (JSON on stdout)."""

from __future__ import annotations

import json
import random
import sys
import time


def ideas(count: int, teams: int, seed: int = 7) -> tuple[list, dict[str, float]]:  # type: ignore[type-arg]
    """``count`` approved ideas over ``teams`` teams: 2-60 person-days, gains and efforts 1-5,
    about a third depending on one or two earlier ideas, one in ten in a group of 2-3 that ships
    together; capacities that hold about 90 % of the work over 24 months."""
    from parcours.plan import Idea

    rng = random.Random(seed)
    names = [f"team-{k}" for k in range(teams)]
    out = []
    group_end = -1
    group = None
    for k in range(count):
        if k > group_end and rng.random() < 0.04:
            group, group_end = f"g{k}", k + rng.randint(1, 2)
        in_group = group is not None and k <= group_end
        first = group_end - 2 if in_group else k
        deps = []
        if first > 0 and rng.random() < 0.33:
            deps = sorted(
                {f"i{rng.randrange(max(0, first - 200), first)}" for _ in range(rng.randint(1, 2))}
            )
        out.append(
            Idea(
                id=f"i{k}",
                title=f"Idea {k}",
                team=rng.choice(names),
                effort_days=rng.randint(2, 60),
                gain=rng.randint(1, 5),
                criteria={
                    "technical_feasibility": rng.randint(1, 5),
                    "resources": rng.randint(1, 5),
                },
                depends_on=deps,
                group=group if in_group else None,
                status="approved",
            )
        )
        if k == group_end:
            group = None
    work = sum(i.effort_days for i in out)
    capacity = {name: round(0.9 * work / teams / 24) for name in names}
    return out, capacity


def main(solver: str, count: int, teams: int, periods: int, time_limit: float) -> None:
    from parcours.plan import PlanSettings, schedule, score_ideas, sensitivity

    items, capacity = ideas(count, teams)
    started = time.perf_counter()
    settings = PlanSettings(time_limit=time_limit)
    scores = score_ideas(items, settings)
    scoring = time.perf_counter() - started
    moved = sensitivity(items, settings)
    scored = time.perf_counter() - started
    roadmap = schedule(items, start="2027-01-01", capacity=capacity, horizon=periods,
                       settings=settings, scores=scores, solver=solver, lang="en")  # fmt: skip
    seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": seconds, "scoring": scoring, "sensitivity": scored - scoring,
        "scheduled": len(roadmap.plan), "unscheduled": len(roadmap.unscheduled),
        "solver": roadmap.solver, "status": roadmap.status, "objective": roadmap.objective,
        "sensitive": int(moved["idea"].nunique()) if len(moved) else 0,
    }))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
