"""The proof: kill -9 workers at random points, restart: every message exactly once.

Real SMTP (aiosmtpd on loopback) and real stores (SQLite file, PostgreSQL 15 started by the
fixtures). Messages are counted at the SMTP sink by Message-ID, which is derived from the
send-ledger key.
"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import sqlalchemy as sa
from tests.orchestrate._helpers import CASES, make_workspace, people, signups, worker

from parcours.orchestrate import (
    Orchestrator,
    SmtpChannel,
    Store,
    from_workspace,
    load_scenario,
    message_id,
)
from parcours.orchestrate import _store as db

CUSTOMERS = 1500


def _drain(ws, timeout: float = 60.0) -> None:
    """Run workers until nothing is active (stale claims are taken over after their lease)."""
    deadline = time.monotonic() + timeout
    orch = from_workspace(ws)
    try:
        while time.monotonic() < deadline:
            status = orch.status()
            if not status["enrolments"].get("active"):
                return
            proc = worker(ws, "--until-idle")
            proc.wait(timeout=timeout)
            time.sleep(0.3)
        raise AssertionError(f"still active after {timeout}s: {orch.status()}")
    finally:
        orch.store.dispose()


def test_kill_9_at_random_points_loses_and_duplicates_nothing(
    tmp_path: Path, store_url: str, sink
) -> None:
    ws = make_workspace(tmp_path / "ws", store_url, sink, scenarios=["two_emails.yaml"], lease=1.5)
    orch = from_workspace(ws)
    customers = people(CUSTOMERS)
    orch.upsert_contacts(customers)
    orch.set_consent({"customer_id": c["customer_id"]} for c in customers)
    result = orch.ingest(signups(customers, time.time()))
    assert result.enrolled == CUSTOMERS
    rng = random.Random(8)
    total = 2 * CUSTOMERS
    # kill at random points of the stream: when the sink has received a random share of the
    # messages, plus a random few milliseconds so the kill lands anywhere in the code path
    thresholds = sorted(rng.uniform(low, low + 0.2) for low in (0.05, 0.3, 0.55, 0.8))
    killed_at = []
    for share in thresholds:
        proc = worker(ws)
        deadline = time.monotonic() + 60
        while sum(sink.keys().values()) < share * total and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_at.append(sum(sink.keys().values()))
    assert 0 < killed_at[0] < total  # the kills happened mid-run, not after it
    time.sleep(1.6)  # the killed workers' leases run out
    _drain(ws)
    expected = {
        message_id(f"{e}:{step}", "mutuelle.example")
        for (e,) in _enrolment_ids(orch)
        for step in ("first", "second")
    }
    received = sink.ids()
    duplicates = {k: n for k, n in received.items() if n > 1}
    assert duplicates == {}, f"{len(duplicates)} messages sent more than once"
    assert set(received) == expected, (
        f"lost {len(expected - set(received))}, extra {len(set(received) - expected)}"
    )
    assert len(received) == 2 * CUSTOMERS
    status = orch.status()
    assert status["ledger"] == {"sent": 2 * CUSTOMERS}
    assert status["enrolments"] == {"completed": CUSTOMERS}
    with orch.store.begin() as conn:
        reconciled = conn.execute(
            sa.select(sa.func.count())
            .select_from(db.ledger)
            .where(db.ledger.c.error == "reconciled")
        ).scalar_one()
    print(f"killed after {killed_at} messages; {reconciled} sends reconciled after a kill")
    orch.store.dispose()


def _enrolment_ids(orch: Orchestrator) -> list[tuple[str]]:
    with orch.store.begin() as conn:
        return [tuple(r) for r in conn.execute(sa.select(db.enrolments.c.id))]


def test_two_workers_in_parallel_never_exceed_a_cap(tmp_path: Path, store_url: str, sink) -> None:
    # two scenarios of two emails each for the same people, at most 3 emails per rolling week
    second = (
        (CASES / "two_emails.yaml")
        .read_text()
        .replace("id: two-emails", "id: two-more")
        .replace("event: signup", "event: signup")
    )
    ws = make_workspace(
        tmp_path / "ws",
        store_url,
        sink,
        scenarios=["two_emails.yaml"],
        extra='[[orchestrate.caps]]\nchannel = "email"\nmax = 3\ndays = 7\n',
    )
    (ws.root / "scenarios" / "two_more.yaml").write_text(
        second.replace("over_cap", "over_cap"), encoding="utf-8"
    )
    text = (ws.root / "scenarios" / "two_more.yaml").read_text()
    (ws.root / "scenarios" / "two_more.yaml").write_text(
        text.replace("trigger:", "over_cap: skip\ntrigger:"), encoding="utf-8"
    )
    text = (ws.root / "scenarios" / "two_emails.yaml").read_text()
    (ws.root / "scenarios" / "two_emails.yaml").write_text(
        text.replace("trigger:", "over_cap: skip\ntrigger:"), encoding="utf-8"
    )
    orch = from_workspace(ws)
    customers = people(150, prefix="k")
    orch.upsert_contacts(customers)
    orch.set_consent({"customer_id": c["customer_id"]} for c in customers)
    orch.ingest(signups(customers, time.time()))
    procs = [worker(ws, "--until-idle", "--batch", "10") for _ in range(2)]
    for proc in procs:
        assert proc.wait(timeout=90) == 0, proc.stderr.read() if proc.stderr else ""
    _drain(ws)
    per_person: dict[str, int] = {}
    for m in sink.messages:
        per_person[m["to"]] = per_person.get(m["to"], 0) + 1
    assert len(per_person) == 150
    assert max(per_person.values()) == 3  # 4 candidates each, the cap lets exactly 3 through
    assert min(per_person.values()) == 3
    assert sum(sink.ids().values()) == len(sink.ids())
    with orch.store.begin() as conn:
        capped = conn.execute(
            sa.select(sa.func.count()).select_from(db.ledger).where(db.ledger.c.status == "capped")
        ).scalar_one()
    assert capped == 150
    orch.store.dispose()


def test_unsubscribe_between_scheduling_and_sending_stops_the_send(
    tmp_path: Path, store_url: str, sink
) -> None:
    import urllib.request

    from parcours.api import serve_public

    ws = make_workspace(tmp_path / "ws", store_url, sink, scenarios=["two_emails.yaml"])
    orch = from_workspace(ws)
    customers = people(40, prefix="u")
    orch.upsert_contacts(customers)
    orch.set_consent({"customer_id": c["customer_id"]} for c in customers)
    orch.ingest(signups(customers, time.time()))  # scheduled: all due now, no worker yet
    server = serve_public(ws.root, "127.0.0.1", 0, orchestrator=orch)
    port = server.server_address[1]
    leaving = [c["customer_id"] for c in customers[::2]]
    try:
        for cid in leaving:  # the RFC 8058 one-click POST a mail client makes
            token = orch.unsubscribe_token(cid)
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/unsubscribe/{token}",
                data=b"List-Unsubscribe=One-Click",
                method="POST",
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            with urllib.request.urlopen(request) as response:
                assert response.status == 200
    finally:
        server.shutdown()
    _drain(ws)
    received = {m["to"] for m in sink.messages}
    assert received == {c["email"] for c in customers[1::2]}
    assert len(sink.messages) == 2 * 20
    mail = sink.messages[0]["mail"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Unsubscribe"].startswith("<http://127.0.0.1:9/unsubscribe/")
    status = orch.status()
    assert status["enrolments"] == {"completed": 20, "exited": 20}
    # the person who left is still out after a new trigger: consent is checked at send time
    orch.ingest(
        [{"event_id": "again", "customer_id": leaving[0], "type": "signup", "ts": time.time()}]
    )
    _drain(ws)
    assert all(m["to"] != f"{leaving[0]}@example.org" for m in sink.messages)
    orch.store.dispose()


def test_unknown_outcomes_are_reconciled_never_blindly_resent(tmp_path: Path, sink) -> None:
    """A ledger row left 'sending' by a dead worker: delivered → recorded, not resent; absent →
    sent once; no way to know → parked, visible, not sent."""
    scenario = load_scenario(CASES / "two_emails.yaml")
    url = f"sqlite:///{tmp_path / 'ops.sqlite'}"
    clock = [time.time()]

    def orch_with(reconcile: str | None) -> Orchestrator:
        channel = SmtpChannel(
            sink.host, sink.port, sender="crm@mutuelle.example", reconcile_url=reconcile, timeout=1
        )
        return Orchestrator(
            Store(url), [scenario], channels={"email": channel}, clock=lambda: clock[0], lease=5
        )

    orch = orch_with(sink.reconcile_url)
    customers = people(3, prefix="r")
    orch.upsert_contacts(customers)
    orch.set_consent({"customer_id": c["customer_id"]} for c in customers)
    orch.ingest(signups(customers, clock[0]))
    # each worker claims, writes its ledger row 'sending' and dies before recording the outcome
    claims = orch.claim("doomed", 10)
    prepared = {}
    for enrolment_id, token in claims:
        prepared[enrolment_id] = orch._step(enrolment_id, token)
    ids = sorted(prepared)
    delivered = prepared[ids[0]].message
    orch.channels["email"].send(delivered)  # this one reached the server before the crash
    clock[0] += 6  # leases expire
    orch.run_due("rescuer")
    keys = sink.keys()
    assert keys[delivered.key] == 1  # reconciled as delivered: not sent again
    assert keys[prepared[ids[1]].message.key] == 1  # absent at the provider: sent once
    # now a provider that cannot answer: the step is parked, never resent
    blind = orch_with(None)
    blind.ingest([{"event_id": "late", "customer_id": "r00000", "type": "other", "ts": clock[0]}])
    with blind.store.begin() as conn:
        conn.execute(
            db.enrolments.update().values(
                status="active", step_index=0, due_at=clock[0], claimed_by=None
            )
        )
        conn.execute(
            db.ledger.update().where(db.ledger.c.key.like("%:second")).values(status="sending")
        )
        conn.execute(
            db.ledger.update().where(db.ledger.c.key.like("%:first")).values(status="sending")
        )
    before = sum(sink.keys().values())
    blind.run_due("blind")
    assert sum(sink.keys().values()) == before
    status = blind.status()
    assert status["enrolments"].get("parked") == 3
    assert len(status["unknown_outcomes"]) == 3
    orch.store.dispose()
    blind.store.dispose()
