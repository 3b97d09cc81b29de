"""Trigger scenarios at the customer's key moments, each message sent exactly once.

    >>> from parcours.orchestrate import Orchestrator, Store, load_scenario, SmtpChannel
    >>> orch = Orchestrator(Store("sqlite:///ops.sqlite"), [load_scenario("welcome.yaml")],
    ...                     channels={"email": SmtpChannel("localhost", 25)})  # doctest: +SKIP
    >>> orch.ingest([{"event_id": "e1", "customer_id": "c1", "type": "subscribe-web",
    ...               "ts": "2026-11-26T10:00:00Z"}])  # doctest: +SKIP
    >>> Worker(orch).run()  # doctest: +SKIP

See docs/orchestrate.md for the guarantees (ledger before provider call, reconcile on unknown
outcomes, caps enforced in the transaction) and the ready scenarios in ``library_files()``.
"""

from __future__ import annotations

from pathlib import Path

import parcours.orchestrate._messages  # noqa: F401  # registers the package's words
from parcours.errors import OrchestrateError
from parcours.orchestrate._config import from_workspace, workspace_scenarios
from parcours.orchestrate._delivery import ParkedMessage, Resolution
from parcours.orchestrate._engine import Event, IngestResult, Orchestrator
from parcours.orchestrate._erasure import ErasureReport, erase_everywhere
from parcours.orchestrate._events import parse_events
from parcours.orchestrate._measure import dry_run, open_tasks, report, uplift, workspace_report
from parcours.orchestrate._model import Scenario, load_scenario
from parcours.orchestrate._pressure import Cap
from parcours.orchestrate._store import Store
from parcours.orchestrate._worker import Worker
from parcours.orchestrate.channels import (
    Message,
    Result,
    SmsChannel,
    SmtpChannel,
    WebhookChannel,
    message_id,
)

__all__ = [
    "Cap",
    "ErasureReport",
    "Event",
    "IngestResult",
    "Message",
    "OrchestrateError",
    "Orchestrator",
    "ParkedMessage",
    "Resolution",
    "Result",
    "Scenario",
    "SmsChannel",
    "SmtpChannel",
    "Store",
    "WebhookChannel",
    "Worker",
    "dry_run",
    "erase_everywhere",
    "from_workspace",
    "library_files",
    "load_scenario",
    "message_id",
    "open_tasks",
    "parse_events",
    "report",
    "uplift",
    "workspace_report",
    "workspace_scenarios",
]

LIBRARY = Path(__file__).parent / "library"


def library_files() -> list[Path]:
    """The ready scenarios shipped with parcours (copy one into ``scenarios/`` to use it)."""
    return sorted(LIBRARY.glob("*.yaml"))
