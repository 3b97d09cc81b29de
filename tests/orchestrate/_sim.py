"""A simulated-time engine for behaviour tests: in-memory SQLite, a recording channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from parcours.orchestrate import Cap, Message, Orchestrator, Result, Scenario, Store
from parcours.orchestrate import _store as db
from parcours.orchestrate._engine import _bucket

PARIS = ZoneInfo("Europe/Paris")
# a Tuesday, 10:00 in Paris
START = datetime(2026, 3, 10, 10, 0, tzinfo=PARIS).timestamp()


class Recorder:
    """A channel that accepts (or answers as told) and remembers what it was given."""

    def __init__(self, name: str = "email", outcomes: list[str] | None = None) -> None:
        self.name = name
        self.sent: list[tuple[float, Message]] = []
        self.outcomes = list(outcomes or [])
        self.clock: Any = None
        self.attempts = 0

    def send(self, message: Message) -> Result:
        self.attempts += 1
        outcome = self.outcomes.pop(0) if self.outcomes else "sent"
        if outcome == "sent":
            self.sent.append((self.clock() if self.clock else 0.0, message))
        return Result(outcome)  # type: ignore[arg-type]

    def reconcile(self, message: Message) -> str:
        return "unknown"

    def close(self) -> None:
        return None


class Sim:
    def __init__(
        self,
        scenarios: list[Scenario],
        *,
        caps: list[Cap] = (),
        holdout: float = 0.0,
        **kwargs: Any,
    ) -> None:
        self.now = START
        self.email = Recorder("email")
        self.sms = Recorder("sms")
        self.email.clock = self.sms.clock = lambda: self.now
        self.orch = Orchestrator(
            Store("sqlite:///:memory:"),
            scenarios,
            channels={"email": self.email, "sms": self.sms},  # type: ignore[dict-item]
            caps=caps,
            holdout=holdout,
            consent_mode=kwargs.pop("consent_mode", "opt_out"),
            clock=lambda: self.now,
            backoff=kwargs.pop("backoff", 60.0),
            **kwargs,
        )

    def treated(self, scenario: Scenario, n: int = 1, prefix: str = "p") -> list[str]:
        """Customer ids that land in the treated arm of ``scenario``."""
        found = []
        i = 0
        while len(found) < n:
            cid = f"{prefix}{i}"
            if _bucket("control", scenario.id, cid) >= scenario.control:
                found.append(cid)
            i += 1
        return found

    def contact(self, cid: str, **attrs: Any) -> None:
        self.orch.upsert_contacts(
            [
                {
                    "customer_id": cid,
                    "email": f"{cid}@example.org",
                    "phone": "+33600000000",
                    "first_name": "Léa",
                    **attrs,
                }
            ]
        )

    def event(self, cid: str, kind: str, eid: str | None = None, **data: Any) -> Any:
        return self.orch.ingest(
            [
                {
                    "event_id": eid or f"{kind}-{cid}-{self.now}",
                    "customer_id": cid,
                    "type": kind,
                    "ts": self.now,
                    "data": data,
                }
            ]
        )

    def run(self, days: float, step_hours: float = 1.0) -> None:
        end = self.now + days * 86400
        while True:
            while self.orch.run_due("sim", 1000):
                pass
            if self.now >= end:
                break
            self.now = min(end, self.now + step_hours * 3600)

    def subjects(self) -> list[str]:
        return [m.subject for _, m in self.email.sent]

    def steps(self) -> list[str]:
        return [m.key.rsplit(":", 1)[1] for _, m in self.email.sent]

    def tasks(self) -> list[dict[str, Any]]:
        with self.orch.store.begin() as conn:
            return [dict(r) for r in conn.execute(sa.select(db.tasks)).mappings()]

    def enrolments(self) -> list[dict[str, Any]]:
        with self.orch.store.begin() as conn:
            return [dict(r) for r in conn.execute(sa.select(db.enrolments)).mappings()]
