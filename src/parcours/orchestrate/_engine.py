"""The engine: events in, enrolments out, due steps executed exactly once.

``Orchestrator`` is the facade; the work is done by role objects sharing one ``Context`` (store,
compiled scenarios, channels, settings):

- ``Contacts`` (``_contacts``): contacts, consent, unsubscribe, erasure, hashed suppression.
- ``Intake`` (``_intake``): a batch of events in ONE transaction, deduplicated by event id,
  evaluated in memory against the scenarios indexed by event type; ``Enrolments`` (``_enrol``)
  writes the enrolments (id = hash of scenario and trigger: replaying cannot enrol twice).
- ``Scheduler`` (``_scheduler``): date and inactivity triggers, waits, quiet hours, claims.
- ``Steps`` (``_steps``): an enrolment's local steps up to a message, whose send-ledger row is
  written BEFORE the provider call, in the transaction that checks consent, suppression, quiet
  hours and pressure caps (``_pressure``) with the contact row locked.
- ``Delivery`` (``_delivery``): the claim is checked again and the hand-off marked right before
  each provider call; outcomes recorded; rows that may have reached the provider are reconciled,
  never blindly resent, and parked when nobody can tell.
- ``Tally`` (``_tally``): operators' counts and the would-have-sent log of control arms.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parcours.errors import OrchestrateError
from parcours.orchestrate._common import Event, IngestResult
from parcours.orchestrate._common import bucket as _bucket  # tests draw arms as the engine does
from parcours.orchestrate._contacts import Contacts
from parcours.orchestrate._context import Context
from parcours.orchestrate._delivery import Delivery, ParkedMessage, Resolution
from parcours.orchestrate._enrol import Enrolments
from parcours.orchestrate._intake import Intake
from parcours.orchestrate._model import Scenario
from parcours.orchestrate._pressure import Cap
from parcours.orchestrate._render import Renderer
from parcours.orchestrate._scheduler import Scheduler
from parcours.orchestrate._steps import Prepared, Steps
from parcours.orchestrate._store import Store
from parcours.orchestrate._tally import Tally
from parcours.orchestrate.channels._base import Channel

if TYPE_CHECKING:
    from parcours.model import Journey

__all__ = ["Event", "IngestResult", "OrchestrateError", "Orchestrator", "_bucket"]


class Orchestrator:
    """Scenarios running on an operational store, with channels to send through.

    ``Orchestrator(Store(url), scenarios, channels={"email": SmtpChannel(...)})``;
    ``from_workspace(ws)`` reads the workspace's scenarios and ``[orchestrate]`` settings.
    """

    def __init__(
        self,
        store: Store,
        scenarios: Iterable[Scenario],
        *,
        channels: Mapping[str, Channel] | None = None,
        caps: Iterable[Cap] = (),
        holdout: float = 0.0,
        consent_mode: str = "opt_in",
        unsubscribe_url: str | None = None,
        lang: str = "fr",
        timezone: str = "Europe/Paris",
        templates_dir: Path | None = None,
        journey: Journey | None = None,
        clock: Callable[[], float] = time.time,
        lease: float = 60.0,
        max_attempts: int = 6,
        backoff: float = 30.0,
    ) -> None:
        self.ctx = Context(
            store,
            scenarios,
            channels=channels,
            caps=caps,
            holdout=holdout,
            consent_mode=consent_mode,
            unsubscribe_url=unsubscribe_url,
            lang=lang,
            timezone=timezone,
            templates_dir=templates_dir,
            journey=journey,
            clock=clock,
            lease=lease,
            max_attempts=max_attempts,
            backoff=backoff,
        )
        self.enrolments = Enrolments(self.ctx)
        self.contacts = Contacts(self.ctx, self.enrolments)
        self.intake = Intake(self.ctx, self.contacts, self.enrolments)
        self.scheduler = Scheduler(self.ctx, self.enrolments)
        self.tally = Tally(self.ctx)
        self.steps = Steps(self.ctx, self.contacts, self.scheduler, self.tally)
        self.delivery = Delivery(self.ctx, self.scheduler, self.steps)

    # -- settings (read from the shared context) ------------------------------------------------
    @property
    def store(self) -> Store:
        return self.ctx.store

    @property
    def scenarios(self) -> dict[str, Scenario]:
        return self.ctx.scenarios

    @property
    def channels(self) -> dict[str, Channel]:
        return self.ctx.channels

    @property
    def caps(self) -> list[Cap]:
        return self.ctx.caps

    @property
    def holdout(self) -> float:
        return self.ctx.holdout

    @property
    def consent_mode(self) -> str:
        return self.ctx.consent_mode

    @property
    def unsubscribe_url(self) -> str | None:
        return self.ctx.unsubscribe_url

    @property
    def lang(self) -> str:
        return self.ctx.lang

    @property
    def timezone(self) -> str:
        return self.ctx.timezone

    @property
    def renderer(self) -> Renderer:
        return self.ctx.renderer

    @property
    def clock(self) -> Callable[[], float]:
        return self.ctx.clock

    @property
    def lease(self) -> float:
        return self.ctx.lease

    @property
    def max_attempts(self) -> int:
        return self.ctx.max_attempts

    @property
    def backoff(self) -> float:
        return self.ctx.backoff

    def scenario(self, scenario_id: str) -> Scenario:
        return self.ctx.scenario(scenario_id)

    # -- contacts, consent, suppression, erasure --------------------------------------------------
    def suppression_hash(self, kind: str, value: str) -> str:
        return self.contacts.suppression_hash(kind, value)

    def upsert_contacts(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Add or update contacts (customer_id, email, phone, lang, timezone, other attributes).

        Erased people (hashed suppression on id, email or phone) are not brought back. An
        attribute change that makes an ``enter`` trigger true enrols the customer.
        """
        return self.contacts.upsert_contacts(rows)

    def set_consent(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Record consent (customer_id, channel, purpose, granted_at, revoked_at, source)."""
        return self.contacts.set_consent(rows)

    def unsubscribe_token(
        self, customer_id: str, channel: str = "email", purpose: str = "marketing"
    ) -> str:
        return self.contacts.unsubscribe_token(customer_id, channel, purpose)

    def unsubscribe_by_token(self, token: str) -> str:
        return self.contacts.unsubscribe_by_token(token)

    def unsubscribe(
        self, customer_id: str, *, channel: str = "email", purpose: str = "marketing"
    ) -> int:
        """Revoke consent now and purge the customer's queued marketing steps."""
        return self.contacts.unsubscribe(customer_id, channel=channel, purpose=purpose)

    def erase(self, customer_id: str, also: Iterable[tuple[str, str]] = ()) -> dict[str, int]:
        """GDPR erasure in the store; hashed suppression entries (id, e-mail, phone, and the
        (kind, value) pairs of ``also``) keep them out of re-imports. ``erase_everywhere`` also
        clears the warehouse."""
        return self.contacts.erase(customer_id, also)

    # -- events in, time triggers ------------------------------------------------------------------
    def ingest(
        self, events: Iterable[Event | Mapping[str, Any]], *, batch: int = 5000
    ) -> IngestResult:
        """Store and evaluate events, ``batch`` per transaction; duplicates (by event id) ignored."""
        return self.intake.ingest(events, batch=batch)

    def scan(self, since: float | None = None) -> int:
        """Date and inactivity triggers due between ``since`` (default: a day ago) and now."""
        return self.scheduler.scan(since)

    # -- due steps ---------------------------------------------------------------------------------
    def claim(self, worker: str, limit: int = 100) -> list[tuple[str, str]]:
        """Claim up to ``limit`` due enrolments for ``worker``: [(enrolment id, claim token)]."""
        return self.scheduler.claim(worker, limit)

    def run_due(self, worker: str = "worker", limit: int = 100) -> int:
        """One pass: claim due enrolments and advance each as far as it can go now."""
        return self.delivery.run_due(worker, limit)

    def advance(self, enrolment_id: str, token: str) -> None:
        """One enrolment step by step, one transaction per phase (the unbatched path)."""
        self.delivery.advance(enrolment_id, token)

    def _step(self, enrolment_id: str, token: str) -> Prepared | None:
        """One enrolment's steps up to its next message, in their own transaction."""
        return self.steps.step(enrolment_id, token)

    def resolve(self, key: str, *, sent: bool) -> None:
        """A person decided about a parked message: ``sent=True`` records it as sent, else it is
        resent (same key, same Message-ID)."""
        self.delivery.resolve(key, sent=sent)

    def parked(self) -> list[ParkedMessage]:
        """Messages that may or may not have reached their provider, waiting for a person."""
        return self.delivery.parked()

    def resolve_parked(self, key: str, how: Resolution) -> ParkedMessage:
        """A person's decision about a parked message: ``sent`` (the provider had it),
        ``resend`` (it did not: same key, same Message-ID) or ``drop`` (not sent; the journey
        goes on). Raises ``OrchestrateError`` if ``key`` is not a parked message."""
        return self.delivery.settle(key, how)

    # -- reading -----------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        """Counts for operators: enrolments by status, ledger by status, due now, parked keys."""
        return self.tally.status()
