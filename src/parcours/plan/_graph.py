"""Dependencies and groups as a graph: ideas of one group ship as one unit, a unit waits for the
units its ideas depend on, and a cycle is refused with an error naming every idea in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parcours.errors import PlanError
from parcours.plan._ideas import Idea, Ideas

__all__ = ["IdeaGraph", "check_graph", "find_cycles", "idea_graph"]


@dataclass(frozen=True)
class IdeaGraph:
    """Ideas as units (a group, or one idea alone) with the units each one waits for.

    ``unit_of`` maps an idea to its unit; ``members`` a unit to its ideas (file order);
    ``after`` a unit to the units it depends on; ``order`` is a topological order of the units
    (dependencies first, file order otherwise); ``edges`` the idea-level (idea, depends_on) pairs.
    """

    unit_of: dict[str, str]
    members: dict[str, list[str]]
    after: dict[str, set[str]]
    order: list[str]
    edges: list[tuple[str, str]]


def _unit(idea: Idea) -> str:
    return f"group:{idea.group}" if idea.group else idea.id


def _strongly_connected(nodes: list[str], after: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components, iteratively (a long chain of dependencies must not hit recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(after.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            if children:
                child = children.pop()
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(after.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                components.append(component)
    return components


def _units(items: list[Idea]) -> tuple[dict[str, str], dict[str, list[str]], dict[str, set[str]]]:
    unit_of = {idea.id: _unit(idea) for idea in items}
    members: dict[str, list[str]] = {}
    for idea in items:
        members.setdefault(unit_of[idea.id], []).append(idea.id)
    after: dict[str, set[str]] = {unit: set() for unit in members}
    for idea in items:
        for dep in idea.depends_on:
            if dep in unit_of:
                after[unit_of[idea.id]].add(unit_of[dep])
    return unit_of, members, after


def find_cycles(ideas: Ideas | Sequence[Idea]) -> list[list[str]]:
    """Every dependency cycle (through groups too), each as the sorted ids of its ideas."""
    items = list(ideas.ideas) if isinstance(ideas, Ideas) else list(ideas)
    _, members, after = _units(items)
    cycles = []
    for component in _strongly_connected(list(members), after):
        single = component[0]
        if len(component) > 1 or single in after[single]:
            cycles.append(sorted(i for unit in component for i in members[unit]))
    return sorted(cycles)


def idea_graph(ideas: Ideas | Sequence[Idea]) -> IdeaGraph:
    """The graph of ``ideas``; :class:`PlanError` on a dependency cycle (every idea of each cycle
    named, groups included: two ideas of one group cannot wait for each other through others)."""
    items = list(ideas.ideas) if isinstance(ideas, Ideas) else list(ideas)
    known = {idea.id for idea in items}
    edges: list[tuple[str, str]] = []
    for idea in items:
        for dep in idea.depends_on:
            if dep not in known:
                raise PlanError(
                    f"idea {idea.id!r}: depends_on: expected the id of an idea, found {dep!r}"
                )
            edges.append((idea.id, dep))
    unit_of, members, after = _units(items)
    units = list(members)
    cycles = find_cycles(items)
    if cycles:
        described = "; ".join(", ".join(ids) for ids in cycles)
        raise PlanError(
            "expected dependencies without a cycle, found a cycle among the ideas "
            f"{described} (an idea cannot wait for itself, directly, through others or through "
            "its group)"
        )
    # Kahn's algorithm, keeping file order among units that are ready.
    position = {unit: i for i, unit in enumerate(units)}
    waiting = {unit: set(deps) for unit, deps in after.items()}
    users: dict[str, list[str]] = {unit: [] for unit in units}
    for unit, deps in after.items():
        for dep in deps:
            users[dep].append(unit)
    import heapq

    ready = [(position[u], u) for u in units if not waiting[u]]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, unit = heapq.heappop(ready)
        order.append(unit)
        for user in users[unit]:
            waiting[user].discard(unit)
            if not waiting[user]:
                heapq.heappush(ready, (position[user], user))
    return IdeaGraph(unit_of, members, after, order, edges)


def check_graph(ideas: Ideas | Sequence[Idea]) -> None:
    """Raise :class:`PlanError` if the dependencies and groups of ``ideas`` hold a cycle."""
    idea_graph(ideas)
