"""Live workshop sessions of one server process: the world café a facilitator runs in the room.

The seating comes from :func:`parcours.plan.world_cafe`; the ideas posted in a round land in the
workspace's ``plan/ideas.yaml`` when the facilitator closes it (:func:`parcours.plan.save_ideas`,
dot votes through :func:`parcours.plan.apply_votes`). What lives here is only the room's state
(who joined, the round, the ideas and dots not yet closed), kept in memory like the API's jobs.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DOTS", "Posted", "WorkshopSession", "Workshops"]

DOTS = 3  # dots per participant per round
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a room


@dataclass
class Posted:
    id: str
    text: str
    stage: str
    author: str
    round: int
    table: int
    votes: set[str] = field(default_factory=set)
    at: float = field(default_factory=time.time)


@dataclass
class WorkshopSession:
    code: str
    name: str
    facilitator: str
    rotation: list[dict[str, Any]]
    questions: list[str]
    rounds: int
    round: int = 1
    closed: bool = False
    joined: dict[str, str] = field(default_factory=dict)  # account -> participant name
    ideas: list[Posted] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)  # idea ids written to plan/ideas.yaml

    @property
    def people(self) -> list[str]:
        return sorted({str(r["participant"]) for r in self.rotation})

    def seat(self, person: str, round_: int | None = None) -> dict[str, Any] | None:
        wanted = round_ or self.round
        for row in self.rotation:
            if row["participant"] == person and int(row["round"]) == wanted:
                return row
        return None

    def question(self, round_: int | None = None) -> str:
        index = (round_ or self.round) - 1
        return self.questions[index] if 0 <= index < len(self.questions) else ""

    def table_ideas(self, table: int) -> list[Posted]:
        return [i for i in self.ideas if i.round == self.round and i.table == table]

    def dots_left(self, person: str) -> int:
        used = sum(1 for i in self.ideas if i.round == self.round and person in i.votes)
        return DOTS - used


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:40] or "idee"


class Workshops:
    """The sessions of this server process, by join code."""

    def __init__(self) -> None:
        self._sessions: dict[str, WorkshopSession] = {}
        self._lock = threading.Lock()

    def open(
        self,
        name: str,
        facilitator: str,
        rotation: list[dict[str, Any]],
        questions: list[str],
        rounds: int,
    ) -> WorkshopSession:
        with self._lock:
            code = "".join(secrets.choice(_ALPHABET) for _ in range(6))
            while code in self._sessions:
                code = "".join(secrets.choice(_ALPHABET) for _ in range(6))
            session = WorkshopSession(code, name, facilitator, rotation, questions, rounds)
            self._sessions[code] = session
            return session

    def get(self, code: str) -> WorkshopSession | None:
        with self._lock:
            return self._sessions.get(code.strip().upper())

    def all(self) -> list[WorkshopSession]:
        with self._lock:
            return list(self._sessions.values())

    def post(self, session: WorkshopSession, person: str, text: str, stage: str) -> Posted:
        seat = session.seat(person)
        with self._lock:
            number = len(session.ideas) + 1
            idea = Posted(
                id=f"{session.code.lower()}-{number}-{_slug(text)}"[:60].rstrip("-"),
                text=text,
                stage=stage,
                author=person,
                round=session.round,
                table=int(seat["table"]) if seat else 0,
            )
            session.ideas.append(idea)
            return idea

    def vote(self, session: WorkshopSession, person: str, idea_id: str) -> bool:
        """One dot on an idea of the person's table this round; False when no dot is left."""
        with self._lock:
            idea = next((i for i in session.ideas if i.id == idea_id), None)
            seat = session.seat(person)
            if idea is None or seat is None or idea.round != session.round:
                return False
            if idea.table != int(seat["table"]) or person in idea.votes:
                return False
            if session.dots_left(person) <= 0:
                return False
            idea.votes.add(person)
            return True

    def close_round(self, session: WorkshopSession, workspace: Any, lang: str) -> list[str]:
        """Write the round's ideas (with their dots) to the workspace's plan, then move everyone
        to the next round (or end the café after the last one). Returns the ideas written."""
        from parcours.plan import (
            Idea,
            IdeaOrigin,
            Ideas,
            apply_votes,
            ideas_path,
            save_ideas,
            workspace_ideas,
        )

        with self._lock:
            current = [i for i in session.ideas if i.round == session.round]
            current_ideas = workspace_ideas(workspace)
            known = {i.id for i in current_ideas.ideas}
            new = [
                Idea(
                    id=p.id,
                    title={lang: p.text},
                    stages=[p.stage] if p.stage else [],
                    origin=IdeaOrigin(
                        kind="workshop", workshop=session.name, round=p.round, table=p.table
                    ),
                )
                for p in current
                if p.id not in known
            ]
            merged = Ideas(
                capacity=dict(current_ideas.capacity), ideas=[*current_ideas.ideas, *new]
            )
            votes = {p.id: float(len(p.votes)) for p in current if p.votes}
            if votes:
                merged = apply_votes(merged, votes)
            if new or votes:
                save_ideas(merged, ideas_path(workspace))
            written = [i.id for i in new]
            session.saved.extend(written)
            if session.round >= session.rounds:
                session.closed = True
            else:
                session.round += 1
            return written
