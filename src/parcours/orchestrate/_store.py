"""The operational store: durable state of the engine, through SQLAlchemy Core.

SQLite file by default (one writer at a time: every transaction starts with ``BEGIN IMMEDIATE``
so a read-then-write never fails half-way on a lock upgrade), PostgreSQL in production (row locks
``FOR UPDATE``, ``SKIP LOCKED`` when claiming). Same tables, same code on both.

Times are stored as float seconds since the epoch (UTC): comparable on both engines, no zone
conversions hidden in drivers.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine

__all__ = ["Store"]

metadata = sa.MetaData()

events = sa.Table(
    "orch_events",
    metadata,
    sa.Column("event_id", sa.String(200), primary_key=True),
    sa.Column("customer_id", sa.String(200), nullable=False),
    sa.Column("type", sa.String(200), nullable=False),
    sa.Column("ts", sa.Float, nullable=False),
    sa.Column("received_at", sa.Float, nullable=False),
    sa.Column("data", sa.JSON),
    sa.Index("orch_events_customer", "customer_id", "type", "ts"),
)

contacts = sa.Table(
    "orch_contacts",
    metadata,
    sa.Column("customer_id", sa.String(200), primary_key=True),
    sa.Column("email", sa.String(320)),
    sa.Column("phone", sa.String(40)),
    sa.Column("lang", sa.String(5)),
    sa.Column("timezone", sa.String(64)),
    sa.Column("attrs", sa.JSON),
    sa.Column("updated_at", sa.Float),
)

enrolments = sa.Table(
    "orch_enrolments",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),  # hash of scenario + trigger: idempotent
    sa.Column("scenario_id", sa.String(100), nullable=False),
    sa.Column("customer_id", sa.String(200), nullable=False),
    sa.Column("trigger_event_id", sa.String(200)),
    sa.Column("arm", sa.String(20), nullable=False),  # treated | control | holdout
    sa.Column("variant", sa.String(50)),
    sa.Column("status", sa.String(20), nullable=False),  # active | parked | completed | exited
    sa.Column("reason", sa.String(50)),
    sa.Column("step_index", sa.Integer, nullable=False),
    sa.Column("due_at", sa.Float),
    sa.Column("claimed_by", sa.String(40)),
    sa.Column("lease_until", sa.Float),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("entered_at", sa.Float, nullable=False),
    sa.Column("received_at", sa.Float, nullable=False),
    sa.Column("ended_at", sa.Float),
    sa.Column("converted_at", sa.Float),
    sa.Column("data", sa.JSON),
    sa.Index("orch_enrolments_due", "status", "due_at"),
    sa.Index("orch_enrolments_customer", "customer_id", "scenario_id"),
)

ledger = sa.Table(
    "orch_send_ledger",
    metadata,
    # enrolment + step: the same step of the same enrolment is one message, whatever the attempt
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("enrolment_id", sa.String(40), nullable=False),
    sa.Column("scenario_id", sa.String(100), nullable=False),
    sa.Column("step_id", sa.String(100), nullable=False),
    sa.Column("customer_id", sa.String(200), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column(
        "status", sa.String(20), nullable=False
    ),  # queued|sending|sent|retry|failed|unknown|blocked|capped|cancelled
    sa.Column("transactional", sa.Boolean, nullable=False, default=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("error", sa.String(500)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("handed_off_at", sa.Float),
    sa.Column("provider_id", sa.String(300)),
    sa.Index("orch_ledger_status", "status"),
    sa.Index("orch_ledger_enrolment", "enrolment_id"),
    sa.Index("orch_ledger_customer", "customer_id"),
    sa.Index("orch_ledger_scenario", "scenario_id", "step_id"),
)

would_have_sent = sa.Table(
    "orch_would_have_sent",
    metadata,
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("enrolment_id", sa.String(40), nullable=False),
    sa.Column("scenario_id", sa.String(100), nullable=False),
    sa.Column("step_id", sa.String(100), nullable=False),
    sa.Column("customer_id", sa.String(200), nullable=False),
    sa.Column("arm", sa.String(20), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

pressure = sa.Table(
    "orch_pressure",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("customer_id", sa.String(200), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("tag", sa.String(100), nullable=False),  # "" for the channel total
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("counted", sa.Boolean, nullable=False),  # transactional: logged, not counted
    sa.Column("ledger_key", sa.String(120), nullable=False),
    sa.Index("orch_pressure_customer", "customer_id", "channel", "tag", "at"),
    sa.Index("orch_pressure_ledger", "ledger_key"),
)

consent = sa.Table(
    "orch_consent",
    metadata,
    sa.Column("customer_id", sa.String(200), primary_key=True),
    sa.Column("channel", sa.String(20), primary_key=True),
    sa.Column("purpose", sa.String(50), primary_key=True),
    sa.Column("granted_at", sa.Float),
    sa.Column("revoked_at", sa.Float),
    sa.Column("source", sa.String(100)),
)

suppression = sa.Table(
    "orch_suppression",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),  # customer_id | email | phone
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("reason", sa.String(50), nullable=False),
)

tasks = sa.Table(
    "orch_tasks",
    metadata,
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("queue", sa.String(50), nullable=False),
    sa.Column("customer_id", sa.String(200), nullable=False),
    sa.Column("scenario_id", sa.String(100), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("due_at", sa.Float, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # open | done
)

meta = sa.Table(
    "orch_meta",
    metadata,
    sa.Column("key", sa.String(50), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)


def _url(url: str, root: Path | None) -> str:
    """A relative SQLite path is read from the workspace folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and root is not None:
        path = url[len(prefix) :]
        if path and path != ":memory:" and not Path(path).is_absolute():
            return prefix + str(root / path)
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Store:
    """Connection to the operational store; ``Store("sqlite:///ops.sqlite")`` or a PostgreSQL URL."""

    def __init__(self, url: str, *, root: Path | None = None) -> None:
        self.url = _url(url, root)
        self.engine: Engine = _engine(self.url)
        self.postgres = self.engine.dialect.name == "postgresql"
        metadata.create_all(self.engine)
        self._secret: str | None = None
        self.secret()  # read once now, never from inside another transaction

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def lock(self, query: Any) -> Any:
        """``SELECT ... FOR UPDATE`` on PostgreSQL (SQLite already holds the write lock)."""
        return query.with_for_update() if self.postgres else query

    def insert_ignore(self, table: sa.Table) -> Any:
        if self.postgres:
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(table).on_conflict_do_nothing()
        return table.insert().prefix_with("OR IGNORE")

    def bulk_insert(
        self, conn: Connection, table: sa.Table, rows: list[dict[str, Any]], *, ignore: bool = False
    ) -> None:
        """Many rows at once through the driver's executemany (SQLAlchemy's per-row parameter
        processing costs more than SQLite's insert itself); JSON columns are encoded here."""
        if not rows:
            return
        names = list(rows[0])
        json_cols = {c.name for c in table.columns if isinstance(c.type, sa.JSON)}
        mark = "%s" if self.postgres else "?"
        columns = ", ".join(names)
        marks = ", ".join([mark] * len(names))
        if self.postgres:
            sql = f"INSERT INTO {table.name} ({columns}) VALUES ({marks})"
            if ignore:
                sql += " ON CONFLICT DO NOTHING"
        else:
            sql = f"INSERT {'OR IGNORE ' if ignore else ''}INTO {table.name} ({columns}) VALUES ({marks})"
        encode = json.dumps
        params = [
            tuple(
                (encode(r[n]) if r[n] is not None else None) if n in json_cols else r[n]
                for n in names
            )
            for r in rows
        ]
        conn.exec_driver_sql(sql, params)

    def secret(self) -> str:
        """A random per-store secret (unsubscribe tokens, suppression hashes), made once."""
        if self._secret is None:
            with self.begin() as conn:
                conn.execute(
                    self.insert_ignore(meta), {"key": "secret", "value": secrets.token_hex(32)}
                )
                self._secret = conn.execute(
                    sa.select(meta.c.value).where(meta.c.key == "secret")
                ).scalar_one()
        return self._secret

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        extra: dict[str, Any] = {}
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            from sqlalchemy.pool import StaticPool

            extra = {"poolclass": StaticPool}
        engine = sa.create_engine(
            url,
            connect_args={"timeout": 60, "isolation_level": None, "check_same_thread": False},
            **extra,
        )

        @sa_event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.close()

        @sa_event.listens_for(engine, "begin")
        def _immediate(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)
