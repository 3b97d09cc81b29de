"""Child processes of bench_orchestrate: ingest throughput (batched vs one transaction per event)
and trigger → SMTP hand-off latency. Prints one JSON line."""

from __future__ import annotations

import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from parcours.orchestrate import Orchestrator, Scenario, SmtpChannel, Store, Worker

TYPES = [f"t{i:02d}" for i in range(30)]


def scenarios(n: int = 20) -> list[Scenario]:
    """20 active scenarios: each triggered by its own event type, half with an entry condition,
    an exit event, a goal; a send, a wait, a branch, a second send."""
    result = []
    for i in range(n):
        spec: dict[str, Any] = {
            "id": f"s{i:02d}",
            "trigger": {"event": TYPES[i]},
            "steps": [
                {
                    "id": "hello",
                    "send": {"body": {"fr": "Bonjour {{ customer.first_name }}", "en": "Hello"}},
                },
                {"id": "pause", "wait": {"duration": {"days": 3}}},
                {"id": "check", "branch": {"did": {"event": TYPES[28]}, "then": "end"}},
                {"id": "again", "send": {"body": {"fr": "Relance", "en": "Reminder"}}},
            ],
            "exit": {"events": [TYPES[25 + i % 3]]},
            "goal": {"event": TYPES[28], "within": {"days": 14}},
            "reentry": {"policy": "min_interval", "interval": {"days": 7}},
            "control": 0.1,
        }
        if i % 2:
            spec["conditions"] = [{"attribute": "segment", "in": ["a", "b"]}]
        result.append(Scenario.model_validate(spec))
    return result


def events(n: int, customers: int, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    start = time.time() - 86400
    return [
        {
            "event_id": f"e{i}",
            "customer_id": f"c{rng.randrange(customers)}",
            "type": rng.choice(TYPES),
            "ts": start + i * 0.01,
            "data": {"amount": rng.randint(1, 100)},
        }
        for i in range(n)
    ]


def contacts(customers: int) -> list[dict[str, Any]]:
    return [
        {
            "customer_id": f"c{i}",
            "email": f"c{i}@example.org",
            "segment": "abc"[i % 3],
            "first_name": f"P{i}",
        }
        for i in range(customers)
    ]


def throughput(mode: str, n: int, folder: str) -> dict[str, Any]:
    customers = max(1000, n // 10)
    orch = Orchestrator(Store(f"sqlite:///{folder}/ops.sqlite"), scenarios(), holdout=0.05)
    orch.upsert_contacts(contacts(customers))
    batch = events(n, customers)
    started = time.perf_counter()
    cpu = time.process_time()
    if mode == "batched":
        result = orch.ingest(batch, batch=5000)
    else:  # naive: one transaction per event, same rules
        for item in batch:
            result = orch.ingest([item], batch=1)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    status = orch.status()
    return {
        "mode": mode,
        "events": n,
        "seconds": seconds,
        "per_second": n / seconds,
        "cpu_seconds": cpu,
        "per_cpu_second": n / cpu,
        "enrolments": sum(status["enrolments"].values()),
        "last": result.__dict__,
    }


def latency(n: int, rate: float, folder: str) -> dict[str, Any]:
    """Events arrive at ``rate`` per second (small batches, as from the HTTP endpoint); one worker
    polls; the sink is a real aiosmtpd server. Latency = ledger hand-off - event received."""
    import socket
    import subprocess

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # the SMTP server in its own process, as a real relay would be
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    store = Store(f"sqlite:///{folder}/ops.sqlite")
    orch = Orchestrator(
        store,
        scenarios(),
        channels={"email": SmtpChannel("127.0.0.1", port)},
        consent_mode="opt_out",
    )
    orch.upsert_contacts(contacts(n))
    worker_orch = Orchestrator(
        Store(f"sqlite:///{folder}/ops.sqlite"),
        scenarios(),
        channels={"email": SmtpChannel("127.0.0.1", port)},
        consent_mode="opt_out",
    )
    worker = Worker(worker_orch, poll=0.01, batch=50)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    per_tick = max(1, int(rate / 20))
    sent = 0
    while sent < n:
        tick = time.perf_counter()
        orch.ingest(
            {"event_id": f"l{i}", "customer_id": f"c{i}", "type": TYPES[i % 20], "ts": time.time()}
            for i in range(sent, min(n, sent + per_tick))
        )
        sent += per_tick
        time.sleep(max(0.0, 0.05 - (time.perf_counter() - tick)))
    deadline = time.time() + 60
    import sqlalchemy as sa

    from parcours.orchestrate import _store as db

    while time.time() < deadline:
        with store.begin() as conn:
            done = conn.execute(
                sa.select(sa.func.count())
                .select_from(db.ledger)
                .where(db.ledger.c.status == "sent")
            ).scalar_one()
            expected = conn.execute(
                sa.select(sa.func.count())
                .select_from(db.enrolments)
                .where(db.enrolments.c.arm == "treated")
            ).scalar_one()
        if done >= expected:
            break
        time.sleep(0.1)
    worker.stop.set()
    thread.join(10)
    with store.begin() as conn:
        rows = conn.execute(
            sa.select(db.ledger.c.handed_off_at - db.enrolments.c.received_at)
            .join(db.enrolments, db.enrolments.c.id == db.ledger.c.enrolment_id)
            .where(db.ledger.c.status == "sent")
        ).all()
    sink.terminate()
    sink.wait()
    values = sorted(r[0] for r in rows)
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")  # noqa: E731
    return {
        "sends": len(values),
        "p50": pick(0.5),
        "p99": pick(0.99),
        "max": values[-1] if values else None,
        "rate": rate,
    }


def main() -> None:
    kind = sys.argv[1]
    with tempfile.TemporaryDirectory() as folder:
        if kind == "latency":
            out = latency(int(sys.argv[2]), float(sys.argv[3]), folder)
        else:
            out = throughput(kind, int(sys.argv[2]), folder)
    print(json.dumps(out))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
