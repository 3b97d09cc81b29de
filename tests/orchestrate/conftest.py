"""Real components for the orchestration tests: an SMTP sink (aiosmtpd on loopback) with a
lookup endpoint by Message-ID, and a throw-away PostgreSQL 15 cluster (initdb + pg_ctl)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """What the SMTP server received, by Message-ID; also served over HTTP for reconciliation."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[dict[str, Any]] = []
        self.host = "127.0.0.1"
        self.port = 0
        self.lookup_port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(
                {
                    "message_id": mail["Message-ID"],
                    "key": mail["X-Parcours-Key"],
                    "to": envelope.rcpt_tos[0],
                    "subject": str(mail["Subject"]),
                    "mail": mail,
                }
            )
        return "250 OK"

    def ids(self) -> Counter[str]:
        with self.lock:
            return Counter(m["message_id"] for m in self.messages)

    def keys(self) -> Counter[str]:
        with self.lock:
            return Counter(m["key"] for m in self.messages)

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    @property
    def reconcile_url(self) -> str:
        return f"http://127.0.0.1:{self.lookup_port}/messages/{{message_id}}"


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[Sink]:
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port

    class Lookup(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            mid = unquote(self.path.rsplit("/", 1)[-1])
            found = sink.ids().get(mid, 0) > 0
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"found": found}).encode())

        def log_message(self, *args: Any) -> None:
            return None

    http = ThreadingHTTPServer(("127.0.0.1", 0), Lookup)
    sink.lookup_port = http.server_address[1]
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield sink
    http.shutdown()
    controller.stop()


@pytest.fixture
def sink(smtp_sink: Sink) -> Sink:
    smtp_sink.clear()
    return smtp_sink


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL 15 server of our own on a free port, stopped at the end of the session."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} (scripts/test installs them)")
    base = Path("/tmp") / f"parcours-pg-{os.getpid()}"
    if base.exists():
        shutil.rmtree(base)
    base.mkdir(mode=0o755)
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(base / "log"),
                "-o",
                f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50",
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        yield url
    finally:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


_db_counter = [0]


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh empty store on SQLite (a file) and on PostgreSQL (a new database)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ops.sqlite'}"
    base: str = request.getfixturevalue("postgres_url")
    import psycopg

    _db_counter[0] += 1
    name = f"t{os.getpid()}_{_db_counter[0]}_{int(time.time() * 1000) % 100000}"
    with psycopg.connect(
        base.replace("postgresql://", "postgresql://", 1), autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name
