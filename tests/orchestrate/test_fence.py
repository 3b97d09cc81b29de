"""Exactly-once with several workers: the claim is checked again right before every provider
call, and only what may have reached the provider is parked (then resolved from the CLI).

Real SMTP (aiosmtpd on loopback), a real SQLite store shared by two worker threads, each with its
own connection and its own SMTP connection; the provider is slow (it sleeps before taking each
message), so a batch outlasts the lease and the other worker takes over expired claims.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner
from tests.orchestrate._helpers import CASES, make_workspace, people, signups

from parcours.cli import cli
from parcours.orchestrate import (
    Message,
    Orchestrator,
    Result,
    SmtpChannel,
    Store,
    Worker,
    from_workspace,
    load_scenario,
    message_id,
)
from parcours.orchestrate import _store as db


class SlowSmtp:
    """A real SMTP channel whose provider takes ``delay`` seconds before accepting a message."""

    name = "email"

    def __init__(self, inner: SmtpChannel, delay: float) -> None:
        self.inner = inner
        self.delay = delay
        self.sent: list[str] = []

    def send(self, message: Message) -> Result:
        time.sleep(self.delay)
        result = self.inner.send(message)
        self.sent.append(message.key)
        return result

    def reconcile(self, message: Message) -> str:
        return self.inner.reconcile(message)

    def close(self) -> None:
        self.inner.close()


def test_two_workers_with_a_short_lease_and_slow_sends_send_each_message_once(
    tmp_path: Path, sink
) -> None:
    customers = people(24, prefix="w")
    url = f"sqlite:///{tmp_path / 'ops.sqlite'}"
    scenario = load_scenario(CASES / "two_emails.yaml")
    lease, delay = 1.0, 0.2  # a batch of 8 sends takes 1.6 s: longer than the lease

    def engine() -> tuple[Orchestrator, SlowSmtp]:
        channel = SlowSmtp(
            SmtpChannel(
                sink.host,
                sink.port,
                sender="Mutuelle Horizon <crm@mutuelle.example>",
                reconcile_url=sink.reconcile_url,
                timeout=2,
            ),
            delay,
        )
        return Orchestrator(
            Store(url), [scenario], channels={"email": channel}, lease=lease
        ), channel

    setup, _ = engine()
    setup.upsert_contacts(customers)
    setup.set_consent({"customer_id": c["customer_id"]} for c in customers)
    assert setup.ingest(signups(customers, time.time())).enrolled == len(customers)

    engines = [engine() for _ in range(2)]
    workers = [
        Worker(orch, name=f"w{i}", batch=8, poll=0.02) for i, (orch, _ch) in enumerate(engines)
    ]
    threads = [threading.Thread(target=w.run, kwargs={"max_seconds": 120}) for w in workers]
    for thread in threads:
        thread.start()
        time.sleep(0.3)  # the second starts while the first is in its first slow batch
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if setup.status()["enrolments"] == {"completed": len(customers)}:
            break
        time.sleep(0.2)
    for worker in workers:
        worker.stop.set()
    for thread in threads:
        thread.join(timeout=30)

    expected = {
        message_id(f"{eid}:{step}", "mutuelle.example")
        for (eid,) in _ids(setup)
        for step in ("first", "second")
    }
    received = sink.ids()
    duplicates = {mid: n for mid, n in received.items() if n > 1}
    assert duplicates == {}, f"{len(duplicates)} message(s) sent more than once"
    assert set(received) == expected, f"lost {len(expected - set(received))}"
    # both workers did part of the work: claims expired under the first and were taken over
    handed = [len(ch.sent) for _orch, ch in engines]
    assert all(n > 0 for n in handed), handed
    assert sum(handed) == 2 * len(customers)  # no provider call for a claim that had expired
    status = setup.status()
    assert status["ledger"] == {"sent": 2 * len(customers)}
    assert status["enrolments"] == {"completed": len(customers)}
    for orch, _ch in [*engines, (setup, None)]:
        orch.store.dispose()


def _ids(orch: Orchestrator) -> list[tuple[str]]:
    with orch.store.begin() as conn:
        return [tuple(r) for r in conn.execute(sa.select(db.enrolments.c.id))]


def test_an_expired_claim_never_reaches_the_provider(tmp_path: Path, sink) -> None:
    """A worker whose lease ran out between preparing and sending does not send: the fence
    refuses the hand-off and the message stays queued for the next claim."""
    clock = [time.time()]
    channel = SmtpChannel(sink.host, sink.port, sender="crm@mutuelle.example", timeout=1)
    orch = Orchestrator(
        Store(f"sqlite:///{tmp_path / 'ops.sqlite'}"),
        [load_scenario(CASES / "two_emails.yaml")],
        channels={"email": channel},
        clock=lambda: clock[0],
        lease=5,
    )
    customers = people(2, prefix="x")
    orch.upsert_contacts(customers)
    orch.set_consent({"customer_id": c["customer_id"]} for c in customers)
    orch.ingest(signups(customers, clock[0]))
    [(eid, token)] = orch.claim("slow", 1)
    prepared = orch._step(eid, token)
    assert prepared is not None
    clock[0] += 6  # the lease is over before the provider call
    orch.advance(eid, token)  # the same worker, late: refused before the provider
    assert sum(sink.ids().values()) == 0
    with orch.store.begin() as conn:
        status = conn.execute(
            sa.select(db.ledger.c.status).where(db.ledger.c.enrolment_id == eid)
        ).scalar_one()
    assert status == "queued"  # never handed off: not parked, not reconciled, just queued
    orch.run_due("next")  # the next claim sends it, once
    assert len(sink.ids()) == 4
    assert all(n == 1 for n in sink.ids().values())
    orch.store.dispose()


def test_a_kill_before_the_hand_off_requeues_and_after_it_parks_then_the_cli_resolves(
    tmp_path: Path, sink
) -> None:
    """Without a provider lookup: messages prepared but never handed off are sent by the next
    worker (not parked); only those handed off are parked, listed and resolved from the CLI."""
    ws = make_workspace(tmp_path / "ws", f"sqlite:///{tmp_path / 'ops.sqlite'}", sink)
    (ws.root / "scenarios" / "two_emails.yaml").write_text(
        (CASES / "two_emails.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    blind = SmtpChannel(sink.host, sink.port, sender="crm@mutuelle.example", timeout=1)
    clock = [time.time()]
    orch = from_workspace(ws, channels={"email": blind}, clock=lambda: clock[0], lease=5.0)
    customers = people(6, prefix="k")
    orch.upsert_contacts(customers)
    orch.set_consent({"customer_id": c["customer_id"]} for c in customers)
    orch.ingest(signups(customers, clock[0]))
    # a worker prepares a batch of 6 (ledger rows queued), hands 3 to the provider, dies
    claimed = orch.claim("doomed", 10)
    prepared = [(eid, token, orch._step(eid, token)) for eid, token in claimed]
    handed = prepared[:3]
    for eid, token, p in handed:
        assert p is not None
        assert p.message is not None
        assert orch.delivery._hand_off(eid, token, p.message.key)
        if eid != handed[2][0]:  # the third one dies inside the provider call
            blind.send(p.message)
    clock[0] += 6
    orch.run_due("rescuer")
    parked = orch.parked()
    assert sorted(p.key for p in parked) == sorted(p.message.key for _e, _t, p in handed)
    assert {p.customer_id for p in parked} <= {c["customer_id"] for c in customers}
    assert all(p.step_id == "first" and p.scenario_id == "two-emails" for p in parked)
    # the three never handed off went out (first and second step), nothing was resent
    assert all(n == 1 for n in sink.ids().values())
    assert len(sink.ids()) == 2 + 3 * 2
    orch.store.dispose()

    runner = CliRunner()
    w = ["-w", str(ws.root)]
    listing = runner.invoke(cli, ["orchestrate", "parked", *w, "--lang", "en"])
    assert listing.exit_code == 0, listing.output
    assert "3 parked message(s)" in listing.output
    for p in parked:
        assert p.key in listing.output
        assert p.customer_id in listing.output
    assert "resolve KEY --as sent|resend|drop" in listing.output
    french = runner.invoke(cli, ["orchestrate", "parked", *w, "--lang", "fr"])
    assert "3 message(s) en attente de décision" in french.output

    delivered, lost, unwanted = (handed[0][2], handed[2][2], handed[1][2])
    assert delivered is not None
    assert lost is not None
    assert unwanted is not None
    assert delivered.message is not None
    assert lost.message is not None
    assert unwanted.message is not None
    for key, how, said in (
        (delivered.message.key, "sent", "recorded as sent"),
        (lost.message.key, "resend", "will be resent"),
        (unwanted.message.key, "drop", "dropped, not sent"),
    ):
        result = runner.invoke(
            cli, ["orchestrate", "resolve", key, "--as", how, *w, "--lang", "en"]
        )
        assert result.exit_code == 0, result.output
        assert said in result.output
    again = runner.invoke(
        cli, ["orchestrate", "resolve", delivered.message.key, "--as", "drop", *w]
    )
    assert again.exit_code != 0
    assert "expected a parked message" in again.output
    assert "Aucun message en attente" in runner.invoke(cli, ["orchestrate", "parked", *w]).output

    orch = from_workspace(ws, channels={"email": blind}, clock=lambda: clock[0], lease=5.0)
    orch.run_due("after")
    keys = sink.keys()
    assert keys[delivered.message.key] == 1  # recorded, not resent
    assert keys[lost.message.key] == 1  # resent once: it had never arrived
    assert keys[unwanted.message.key] == 1  # was delivered before the kill; dropped: no more
    ledger = json.loads(runner.invoke(cli, ["orchestrate", "status", *w]).output)["ledger"]
    assert ledger == {"sent": 11, "cancelled": 1}
    assert orch.status()["enrolments"] == {"completed": 6}
    orch.store.dispose()
