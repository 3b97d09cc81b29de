"""Workshops that produce and weigh ideas: world café rotations, creative workshops, dot votes.

World café (12-50 people, tables of 4-8): a host stays at each table, the others change table
every round; departments are mixed; nobody should meet the same person twice. When the number of
tables is a prime p, at most p rounds, and each table has fewer guests than p, an algebraic
rotation guarantees it (guest (a, b) sits at table a + r·b mod p in round r: two guests share a
table in at most one round and a guest never returns to a table). Otherwise, and to mix
departments, a seeded local search swaps guests between tables; the result says how many repeated
encounters remain and a lower bound on what any rotation must have.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from parcours.errors import PlanError
from parcours.i18n import Lang, get_lang, t
from parcours.plan._ideas import Idea, Ideas

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CreativeWorkshop",
    "WorldCafe",
    "apply_votes",
    "creative_workshop",
    "read_people",
    "read_votes",
    "world_cafe",
    "worldcafe_sheets",
]

_TRUE = {"1", "x", "yes", "oui", "true", "vrai", "o", "y", "hote", "hôte", "host"}


def _is_prime(n: int) -> bool:
    return n >= 2 and all(n % d for d in range(2, math.isqrt(n) + 1))


def _rows(source: str | Path | pd.DataFrame, name: str) -> tuple[list[dict[str, str]], str]:
    """Rows of a sheet or a frame, as text, and the name to give in messages."""
    import pandas as pd

    from parcours.plan._import import read_sheet

    if isinstance(source, pd.DataFrame):
        frame = source.fillna("").astype(str)
        return [{str(k): str(v) for k, v in rec.items()} for rec in frame.to_dict("records")], name
    return read_sheet(source), str(source)


def read_people(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """People of a workshop: ``name`` (or nom), ``department`` (or service, département) and an
    optional ``host`` (hôte; yes/oui/1/x). Returns columns name, department, host (bool)."""
    import pandas as pd

    from parcours.plan._import import _norm

    rows, where = _rows(source, "people")
    if not rows:
        raise PlanError(f"{where}: expected people (name, department), found no row")
    columns = {_norm(k): k for k in rows[0]}
    name = next((columns[k] for k in ("name", "nom", "participant") if k in columns), None)
    dept = next(
        (columns[k] for k in ("department", "departement", "service", "direction") if k in columns),
        None,
    )
    host = next((columns[k] for k in ("host", "hote") if k in columns), None)
    if name is None or dept is None:
        raise PlanError(
            f"{where}: row 1: expected columns name and department (nom, service), found "
            f"{', '.join(rows[0])}"
        )
    out = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        who = str(row[name]).strip()
        if not who:
            raise PlanError(f"{where}: row {number}, column {name}: expected a name, found nothing")
        if who in seen:
            raise PlanError(
                f"{where}: row {number}, column {name}: expected a name not used on another row, "
                f"found {who!r} (also on row {seen[who]})"
            )
        seen[who] = number
        is_host = host is not None and str(row[host]).strip().lower() in _TRUE
        out.append({"name": who, "department": str(row[dept]).strip() or "-", "host": is_host})
    return pd.DataFrame(out, columns=["name", "department", "host"])


@dataclass(frozen=True)
class WorldCafe:
    """A world-café rotation: one row per (participant, round) with the table and whether the
    participant hosts it; ``repeats`` counts pairs meeting more than once (a pair meeting three
    times counts twice); ``lower_bound``: no rotation with these sizes can have fewer."""

    rotation: pd.DataFrame
    tables: int
    rounds: int
    repeats: int
    lower_bound: int
    method: str
    hosts: dict[int, str] = field(default_factory=dict)

    def message(self, lang: Lang | None = None) -> str:
        if self.repeats == 0:
            return t("plan.cafe.none", lang)
        return t("plan.cafe.repeats", lang, repeats=self.repeats, bound=self.lower_bound)


def _sizes(guests: int, tables: int) -> list[int]:
    base, extra = divmod(guests, tables)
    return [base + (1 if i < extra else 0) for i in range(tables)]


def _lower_bound(people: int, hosts: int, rounds: int, sizes: list[int]) -> int:
    """Encounters no rotation can avoid repeating: pairs met beyond the distinct pairs available
    (hosts never meet each other), and per person beyond the people they can meet."""
    seats = [s + 1 for s in sizes]  # guests + the host
    encounters = rounds * sum(s * (s - 1) // 2 for s in seats)
    available = people * (people - 1) // 2 - hosts * (hosts - 1) // 2
    overall = max(0, encounters - available)
    smallest = min(seats) - 1
    guests = people - hosts
    excess = guests * max(0, rounds * smallest - (people - 1))
    excess += hosts * max(0, rounds * smallest - guests)
    # Between two rounds, the guests of one table spread over the other tables (all but their
    # own in consecutive rounds, where they must move): pigeonholes force some pairs to meet
    # again. Summed over pairs of rounds this counts C(c, 2) for a pair met c times, at most
    # R/2 x (c - 1) repeats, hence the factor 2/R.
    forced = 0
    for first in range(rounds):
        for second in range(first + 1, rounds):
            spread = hosts - 1 if second == first + 1 else hosts
            if spread < 1:
                continue
            for g in sizes:
                q, rem = divmod(g, spread)
                forced += rem * (q + 1) * q // 2 + (spread - rem) * q * (q - 1) // 2
    pigeon = math.ceil(2 * forced / rounds) if rounds > 1 else 0
    return max(overall, math.ceil(excess / 2), pigeon)


def world_cafe(
    people: pd.DataFrame | str | Path,
    *,
    tables: int,
    rounds: int,
    seed: int = 0,
    iterations: int = 20_000,
) -> WorldCafe:
    """Seat ``people`` (see :func:`read_people`) at ``tables`` tables for ``rounds`` rounds.

    Hosts marked in the list stay at their table (missing hosts are chosen, one per table, from
    the largest departments); tables hold 4-8 people with the host; the other guests change table
    every round, never return to a table while there are tables they have not seen, and meet as
    few people twice as possible; departments are spread across tables.
    """
    import pandas as pd

    frame = read_people(people)
    if tables < 1 or rounds < 1:
        raise PlanError(f"expected at least 1 table and 1 round, found {tables} and {rounds}")
    total = len(frame)
    if not 4 * tables <= total <= 8 * tables:
        raise PlanError(
            f"expected 4 to 8 people per table ({4 * tables}-{8 * tables} people for {tables} "
            f"tables), found {total} people"
        )
    marked = frame[frame["host"]]
    if len(marked) > tables:
        raise PlanError(
            f"expected at most one host per table ({tables}), found {len(marked)} hosts: "
            + ", ".join(marked["name"])
        )
    hosts = list(marked["name"])
    if len(hosts) < tables:
        counts = frame[~frame["host"]]["department"].value_counts()
        pool = frame[~frame["host"]].copy()
        pool["_size"] = pool["department"].map(counts)
        pool = pool.sort_values(["_size", "department", "name"], ascending=[False, True, True])
        chosen: list[str] = []
        used_depts: set[str] = set()
        for rec in pool.itertuples(index=False):  # one new host per department first
            if len(hosts) + len(chosen) >= tables:
                break
            if rec.department not in used_depts:
                chosen.append(str(rec.name))
                used_depts.add(str(rec.department))
        for rec in pool.itertuples(index=False):
            if len(hosts) + len(chosen) >= tables:
                break
            if str(rec.name) not in chosen:
                chosen.append(str(rec.name))
        hosts += chosen
    dept_of = dict(zip(frame["name"], frame["department"], strict=True))
    guests = [n for n in frame.sort_values(["department", "name"])["name"] if n not in hosts]
    sizes = _sizes(len(guests), tables)
    names = hosts + guests
    dept = [dept_of[n] for n in names]
    g = len(guests)
    k = math.ceil(g / tables)
    algebraic = _is_prime(tables) and rounds <= tables and k <= tables - 1
    # seat[r][j]: table of guest j in round r. Guests are sorted by department and dealt round
    # robin (a = j mod tables), so round 1 mixes departments; each row of guests moves by its
    # multiplier a round, which keeps the tables balanced whatever their number.
    # Multipliers prime to the number of tables: every guest moves each round and, for as many
    # rounds as tables, never comes back to a table.
    units = [u for u in range(1, max(2, tables)) if math.gcd(u, tables) == 1] or [1]
    step = [units[(j // tables) % len(units)] for j in range(g)]
    seat = [[(j % tables + r * step[j]) % tables for j in range(g)] for r in range(rounds)]
    method = "algebraic" if algebraic else "search"
    search = _Search(seat, tables, len(hosts), dept, rounds)
    search.improve(random.Random(seed), iterations)  # noqa: S311 - a seating plan, not a secret
    seat = search.seat
    rows = []
    for r in range(rounds):
        for table in range(tables):
            rows.append({"participant": hosts[table], "round": r + 1, "table": table + 1,
                         "host": True, "department": dept_of[hosts[table]]})  # fmt: skip
        for j, name in enumerate(guests):
            rows.append({"participant": name, "round": r + 1, "table": seat[r][j] + 1,
                         "host": False, "department": dept_of[name]})  # fmt: skip
    rotation = pd.DataFrame(rows).sort_values(["round", "table", "host", "participant"],
                                              ascending=[True, True, False, True])  # fmt: skip
    rotation = rotation.reset_index(drop=True)
    return WorldCafe(
        rotation=rotation,
        tables=tables,
        rounds=rounds,
        repeats=search.repeats(),
        lower_bound=_lower_bound(len(names), len(hosts), rounds, sizes),
        method=f"{method}+search" if method == "algebraic" and search.changed else method,
        hosts={i + 1: h for i, h in enumerate(hosts)},
    )


class _Search:
    """Swap guests between tables within a round while the cost does not grow: first no guest
    back at a table (or, beyond as many rounds as tables, at the previous round's table), then
    fewest repeated encounters, then fewest same-department pairs at a table."""

    def __init__(
        self, seat: list[list[int]], tables: int, hosts: int, dept: list[str], rounds: int
    ) -> None:
        self.seat = [list(row) for row in seat]
        self.tables = tables
        self.hosts = hosts
        self.dept = dept
        self.rounds = rounds
        self.changed = 0
        n = hosts + len(seat[0]) if seat else hosts
        self.met = [[0] * n for _ in range(n)]
        self.members: list[list[list[int]]] = []
        for row in self.seat:
            tables_ = [[h] for h in range(hosts)]
            for j, table in enumerate(row):
                tables_[table].append(hosts + j)
            self.members.append(tables_)
            for members in tables_:
                for a in members:
                    for b in members:
                        if a != b:
                            self.met[a][b] += 1

    def repeats(self) -> int:
        n = len(self.met)
        return sum(max(0, self.met[a][b] - 1) for a in range(n) for b in range(a + 1, n))

    def _visits(self, j: int, r: int, table: int) -> int:
        """How badly guest j sitting at ``table`` in round r breaks the moving rule."""
        if self.rounds <= self.tables:
            return sum(1 for q in range(self.rounds) if q != r and self.seat[q][j] == table)
        return sum(1 for q in (r - 1, r + 1) if 0 <= q < self.rounds and self.seat[q][j] == table)

    def _person_cost(self, p: int, members: list[int], leaving: bool) -> int:
        cost = 0
        for z in members:
            if z == p:
                continue
            count = self.met[p][z]
            if leaving:
                cost -= 100 if count >= 2 else 0
                cost -= 1 if self.dept[z] == self.dept[p] else 0
            else:
                cost += 100 if count >= 1 else 0
                cost += 1 if self.dept[z] == self.dept[p] else 0
        return cost

    def improve(self, rng: random.Random, iterations: int) -> None:
        g = len(self.seat[0]) if self.seat else 0
        if g < 2 or self.tables < 2:
            return
        for step in range(iterations):
            if step % 2:
                self._exchange(rng.randrange(g), rng.randrange(g), rng)
                continue
            r = rng.randrange(self.rounds)
            a, b = rng.randrange(g), rng.randrange(g)
            ta, tb = self.seat[r][a], self.seat[r][b]
            if ta == tb:
                continue
            pa, pb = self.hosts + a, self.hosts + b
            before = 1000 * (self._visits(a, r, ta) + self._visits(b, r, tb))
            after = 1000 * (self._visits(a, r, tb) + self._visits(b, r, ta))
            ma, mb = self.members[r][ta], self.members[r][tb]
            delta = after - before
            delta += self._person_cost(pa, ma, True) + self._person_cost(pb, mb, True)
            rest_b = [z for z in mb if z != pb]
            rest_a = [z for z in ma if z != pa]
            delta += self._person_cost(pa, rest_b, False) + self._person_cost(pb, rest_a, False)
            if delta > 0 or (delta == 0 and rng.random() < 0.7):
                continue
            self._move(r, pa, ta, tb)
            self._move(r, pb, tb, ta)
            self.seat[r][a], self.seat[r][b] = tb, ta
            if delta < 0:
                self.changed += 1

    def _local(self, a: int, b: int) -> int:
        """The cost terms that involve guests a or b (indices among the guests)."""
        pa, pb = self.hosts + a, self.hosts + b
        cost = 0
        for p in (pa, pb):
            row = self.met[p]
            cost += sum(100 * (c - 1) for z, c in enumerate(row) if c > 1 and z != p)
        for r in range(self.rounds):
            for j, p in ((a, pa), (b, pb)):
                table = self.seat[r][j]
                cost += 1000 * self._visits(j, r, table)
                cost += sum(
                    1 for z in self.members[r][table] if z != p and self.dept[z] == self.dept[p]
                )
        return cost

    def _exchange(self, a: int, b: int, rng: random.Random) -> None:
        """Swap two guests' whole schedules (every round): the rotation's shape, and so its
        repeated encounters, stay; who sits with whom, and so the department mix, changes."""
        if a == b or self.dept[self.hosts + a] == self.dept[self.hosts + b]:
            return
        before = self._local(a, b)
        self._swap_all(a, b)
        after = self._local(a, b)
        if after > before or (after == before and rng.random() < 0.7):
            self._swap_all(a, b)  # undo
        elif after < before:
            self.changed += 1

    def _swap_all(self, a: int, b: int) -> None:
        pa, pb = self.hosts + a, self.hosts + b
        for r in range(self.rounds):
            ta, tb = self.seat[r][a], self.seat[r][b]
            if ta != tb:
                self._move(r, pa, ta, tb)
                self._move(r, pb, tb, ta)
                self.seat[r][a], self.seat[r][b] = tb, ta

    def _move(self, r: int, p: int, source: int, target: int) -> None:
        for z in self.members[r][source]:
            if z != p:
                self.met[p][z] -= 1
                self.met[z][p] -= 1
        self.members[r][source].remove(p)
        for z in self.members[r][target]:
            self.met[p][z] += 1
            self.met[z][p] += 1
        self.members[r][target].append(p)


@dataclass(frozen=True)
class CreativeWorkshop:
    """Creative workshops of 8-10 people: who sits in which workshop, and the agenda."""

    groups: pd.DataFrame
    agenda: list[tuple[int, str]]


_AGENDA = (("warmup", 10), ("problem", 20), ("diverge", 40), ("cluster", 20), ("vote", 15),
           ("converge", 45))  # fmt: skip


def creative_workshop(
    people: pd.DataFrame | str | Path, *, size: tuple[int, int] = (8, 10), lang: Lang | None = None
) -> CreativeWorkshop:
    """Split ``people`` into workshops of ``size`` people (8-10 by default), departments dealt
    across workshops, with the agenda of a 2 h 30 creative session (minutes, step) in ``lang``."""

    frame = read_people(people)
    low, high = size
    total = len(frame)
    count = math.ceil(total / high)
    if total < low or count * low > total:
        raise PlanError(
            f"expected a number of people that splits into workshops of {low}-{high}, found {total}"
        )
    ordered = frame.sort_values(["department", "name"]).reset_index(drop=True)
    ordered["workshop"] = [i % count + 1 for i in range(total)]
    groups = ordered[["name", "workshop", "department"]].rename(columns={"name": "participant"})
    language = lang or get_lang()
    agenda = [(minutes, t(f"plan.creative.step.{step}", language)) for step, minutes in _AGENDA]
    return CreativeWorkshop(
        groups.sort_values(["workshop", "participant"]).reset_index(drop=True), agenda
    )


def read_votes(source: str | Path | pd.DataFrame) -> dict[str, float]:
    """Dot votes from a sheet: columns ``idea`` (idée) and ``votes`` (gommettes), or one row per
    dot with only the idea column. Returns idea -> votes."""

    from parcours.plan._import import _norm

    rows, where = _rows(source, "votes")
    if not rows:
        return {}
    columns = {_norm(k): k for k in rows[0]}
    idea = next((columns[k] for k in ("idea", "idee", "id") if k in columns), None)
    count = next((columns[k] for k in ("votes", "gommettes", "dots") if k in columns), None)
    if idea is None:
        raise PlanError(
            f"{where}: row 1: expected an idea column (idea, idée), found {', '.join(rows[0])}"
        )
    votes: dict[str, float] = {}
    for number, row in enumerate(rows, start=2):
        key = str(row[idea]).strip()
        if not key:
            continue
        value = 1.0
        if count is not None:
            text = str(row[count]).strip().replace(",", ".")
            try:
                value = float(text) if text else 0.0
            except ValueError:
                value = -1.0
            if value < 0 or not math.isfinite(value):
                raise PlanError(
                    f"{where}: row {number}, column {count}: expected a number of votes >= 0, "
                    f"found {row[count]!r}"
                )
        votes[key] = votes.get(key, 0.0) + value
    return votes


def apply_votes(ideas: Ideas | Sequence[Idea], votes: Mapping[str, float]) -> Ideas:
    """The ideas with their dot votes recorded and turned into the ``votes`` criterion (1-5:
    1 + 4 x votes / the most votes); an unknown idea id is an error."""
    items = list(ideas.ideas) if isinstance(ideas, Ideas) else list(ideas)
    known = {i.id for i in items}
    unknown = sorted(set(votes) - known)
    if unknown:
        raise PlanError(
            f"votes: expected ids of ideas ({', '.join(sorted(known))}), found {', '.join(unknown)}"
        )
    top = max(votes.values(), default=0.0)
    out = []
    for idea in items:
        if idea.id in votes:
            v = votes[idea.id]
            score = 1 + 4 * v / top if top > 0 else 1.0
            criteria = {**idea.criteria, "votes": round(score, 2)}
            idea = idea.model_copy(update={"votes": v, "criteria": criteria})
        out.append(idea)
    capacity = dict(ideas.capacity) if isinstance(ideas, Ideas) else {}
    return Ideas(capacity=capacity, ideas=out)


def worldcafe_sheets(
    cafe: WorldCafe, questions: Sequence[str] = (), *, lang: Lang | None = None
) -> str:
    """Printable sheets of a world café as one HTML page: one sheet per table (its host, then who
    sits there and the question of each round) and one per participant (their table each
    round), each starting on a new page when printed."""
    from html import escape

    language = lang or get_lang()

    def question(r: int) -> str:
        return questions[r - 1] if r - 1 < len(questions) else ""

    rotation = cafe.rotation
    parts = []
    for table, host in sorted(cafe.hosts.items()):
        rows = []
        for r in range(1, cafe.rounds + 1):
            seated = rotation[
                (rotation["round"] == r) & (rotation["table"] == table) & ~rotation["host"]
            ]
            rows.append(
                f"<tr><td>{r}</td><td>{escape(', '.join(seated['participant']))}</td>"
                f"<td>{escape(question(r))}</td></tr>"
            )
        parts.append(
            f"<section><h1>{escape(t('plan.cafe.table', language))} {table}</h1>"
            f"<p>{escape(t('plan.cafe.host', language))}{' : ' if language == 'fr' else ': '}"
            f"{escape(host)}</p>"
            f"<table><tr><th>{escape(t('plan.cafe.round', language))}</th>"
            f"<th>{escape(t('plan.cafe.guests', language))}</th>"
            f"<th>{escape(t('plan.cafe.question', language))}</th></tr>{''.join(rows)}</table></section>"
        )
    for name, seats in rotation.sort_values(["participant", "round"]).groupby(
        "participant", sort=True
    ):
        rows = [
            f"<tr><td>{int(rec['round'])}</td><td>{int(rec['table'])}</td><td>{escape(question(int(rec['round'])))}</td></tr>"
            for rec in seats.to_dict("records")
        ]
        role = f" ({escape(t('plan.cafe.host', language))})" if bool(seats["host"].iloc[0]) else ""
        parts.append(
            f"<section><h1>{escape(str(name))}{role}</h1><table><tr>"
            f"<th>{escape(t('plan.cafe.round', language))}</th><th>{escape(t('plan.cafe.table', language))}</th>"
            f"<th>{escape(t('plan.cafe.question', language))}</th></tr>{''.join(rows)}</table></section>"
        )
    css = (
        "@page { size: A4; margin: 14mm; } body { font-family: 'DejaVu Sans', Arial, sans-serif; "
        "font-size: 12pt; } section { page-break-after: always; break-after: page; } "
        "table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #ccc; "
        "padding: 2mm; text-align: left; vertical-align: top; }"
    )
    title = escape(t("plan.cafe.sheets", language))
    return (
        f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{css}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )
