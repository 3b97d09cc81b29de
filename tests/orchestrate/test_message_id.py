"""Message-IDs from senders written with a display name (``Name <user@domain>``), the form the
docs use: the id's domain is the address's, the From header keeps the name, and reconciling by
Message-ID finds what the SMTP server received."""

from __future__ import annotations

import time
from email.header import decode_header, make_header
from email.utils import parseaddr
from pathlib import Path

import pytest
from tests.orchestrate._helpers import CASES, people, signups

from parcours.errors import OrchestrateError
from parcours.orchestrate import (
    Message,
    Orchestrator,
    SmtpChannel,
    Store,
    load_scenario,
    message_id,
)

SENDERS = [
    ("Mutuelle Horizon <contact@mutuelle.example>", "Mutuelle Horizon", "contact@mutuelle.example"),
    (
        '"Horizon, la mutuelle" <contact@mutuelle.example>',
        "Horizon, la mutuelle",
        "contact@mutuelle.example",
    ),
    ("Mutuelle Éole <contact@mutuelle.example>", "Mutuelle Éole", "contact@mutuelle.example"),
    ("contact@mutuelle.example", "", "contact@mutuelle.example"),
]


@pytest.mark.parametrize(("sender", "name", "address"), SENDERS)
def test_a_display_name_sender_gives_a_well_formed_message_id_and_from(
    sink, sender: str, name: str, address: str
) -> None:
    channel = SmtpChannel(sink.host, sink.port, sender=sender, reconcile_url=sink.reconcile_url)
    message = Message(
        key="enr1:first", channel="email", customer_id="c1", to="c1@example.org", subject="Bonjour"
    )
    try:
        assert channel.send(message).outcome == "sent"
    finally:
        channel.close()
    (received,) = sink.messages
    mid = received["message_id"]
    assert mid == message_id("enr1:first", "mutuelle.example")
    assert mid.startswith("<")
    assert mid.endswith("@mutuelle.example>")
    assert mid.count("<") == 1
    assert mid.count(">") == 1
    mail = received["mail"]
    assert parseaddr(str(make_header(decode_header(mail["From"])))) == (name, address)
    assert channel.reconcile(message) == "delivered"
    other = Message(key="enr2:first", channel="email", customer_id="c2", to="c2@example.org")
    assert channel.reconcile(other) == "absent"


def test_message_id_takes_the_domain_of_an_address_given_whole() -> None:
    expected = message_id("k", "mutuelle.example")
    assert message_id("k", "Mutuelle Horizon <contact@mutuelle.example>") == expected
    assert message_id("k", "contact@mutuelle.example") == expected
    assert message_id("k").endswith("@parcours.invalid>")


def test_a_sender_without_an_address_is_refused() -> None:
    with pytest.raises(OrchestrateError, match="sender"):
        SmtpChannel("127.0.0.1", 25, sender="Mutuelle Horizon <>")


def test_a_worker_killed_after_the_hand_off_is_reconciled_by_message_id(
    tmp_path: Path, sink
) -> None:
    """The exactly-once path with a display-name sender: a message the server took before the
    crash is found by its Message-ID and not resent; one it never got is sent once."""
    scenario = load_scenario(CASES / "two_emails.yaml")
    clock = [time.time()]
    channel = SmtpChannel(
        sink.host,
        sink.port,
        sender="Mutuelle Horizon <contact@mutuelle.example>",
        reconcile_url=sink.reconcile_url,
        timeout=1,
    )
    orch = Orchestrator(
        Store(f"sqlite:///{tmp_path / 'ops.sqlite'}"),
        [scenario],
        channels={"email": channel},
        clock=lambda: clock[0],
        lease=5,
    )
    customers = people(2, prefix="d")
    orch.upsert_contacts(customers)
    orch.set_consent({"customer_id": c["customer_id"]} for c in customers)
    orch.ingest(signups(customers, clock[0]))
    prepared = {eid: orch._step(eid, token) for eid, token in orch.claim("doomed", 10)}
    first, second = (prepared[k] for k in sorted(prepared))
    assert first is not None
    assert second is not None
    assert first.message is not None
    channel.send(first.message)  # reached the server, then the worker died
    clock[0] += 6
    orch.run_due("rescuer")
    keys = sink.keys()
    assert keys[first.message.key] == 1
    assert second.message is not None
    assert keys[second.message.key] == 1
    ids = sink.ids()
    assert all(n == 1 for n in ids.values())
    assert all(mid.endswith("@mutuelle.example>") for mid in ids)
    orch.store.dispose()
