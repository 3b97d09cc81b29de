"""Users, roles, passwords, API and intake tokens, browser sessions, login throttling, audit log.

Everything lives in the workspace's operational store (``[orchestrate] store`` in parcours.toml:
SQLite by default, PostgreSQL in production), reached through :class:`parcours.orchestrate.Store`
so the URL rule (relative SQLite paths read from the workspace folder) is the orchestrator's.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import event as sa_event

from parcours.accounts import _tables as db
from parcours.errors import AccountsError, ThrottledError

__all__ = [
    "ROLES",
    "Accounts",
    "AuditEntry",
    "Role",
    "Session",
    "Token",
    "User",
    "allows",
]

Role = Literal["admin", "analyst", "viewer", "participant"]
ROLES: tuple[Role, ...] = ("admin", "analyst", "viewer", "participant")
# What each role may do beyond its own: admin ⊃ analyst ⊃ viewer; participant stands apart.
_GRANTS: dict[str, frozenset[str]] = {
    "admin": frozenset({"admin", "analyst", "viewer", "participant"}),
    "analyst": frozenset({"analyst", "viewer", "participant"}),
    "viewer": frozenset({"viewer"}),
    "participant": frozenset({"participant"}),
}
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # Argon2 hashes anything, but a megabyte password is an attack, not a secret
THROTTLE_WINDOW = 15 * 60.0
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 50
SESSION_IDLE = 8 * 3600.0
SESSION_MAX = 7 * 24 * 3600.0
LAST_USED_EVERY = (
    60.0  # last-used times are refreshed at most once a minute (one write, not one per call)
)
_PREFIX = {"api": "pcat_", "intake": "pcin_"}


def allows(role: str, required: str) -> bool:
    """True when a user of ``role`` may do what needs ``required`` (admin ⊃ analyst ⊃ viewer)."""
    return required in _GRANTS.get(role, frozenset())


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    has_password: bool
    created_at: float


@dataclass(frozen=True)
class Token:
    """An API token (``kind="api"``, owned by a user) or an intake token (owned by a source)."""

    id: str
    kind: Literal["api", "intake"]
    owner: str
    name: str
    created_at: float
    last_used_at: float | None
    revoked_at: float | None


@dataclass(frozen=True)
class Session:
    """A browser session; ``id`` is the secret the cookie carries, ``csrf`` the form token."""

    id: str
    user: User
    csrf: str
    expires_at: float


@dataclass(frozen=True)
class AuditEntry:
    at: float
    actor: str
    action: str
    target: str
    outcome: str
    detail: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class Accounts:
    """The accounts of one operational store: ``Accounts.for_workspace(ws)`` or ``Accounts(url)``."""

    def __init__(
        self, url: str, *, root: Path | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        from parcours.orchestrate import Store

        self.store = Store(url, root=root)
        self._reader = _reader(self.store)
        self.clock = clock
        self._hasher = PasswordHasher()  # Argon2id, RFC 9106 second recommended parameters
        self._dummy = self._hasher.hash(secrets.token_hex(16))
        db.metadata.create_all(self.store.engine)

    @classmethod
    def for_workspace(cls, workspace: Any, **options: Any) -> Accounts:
        """The accounts of a workspace's operational store (``[orchestrate] store``)."""
        return cls(workspace.settings.ops_store, root=Path(workspace.root), **options)

    def signing_key(self, purpose: str) -> bytes:
        """A key derived from the store's random secret, one per ``purpose`` (cookie signing...)."""
        return hmac.new(self.store.secret().encode(), purpose.encode(), "sha256").digest()

    def dispose(self) -> None:
        if self._reader is not self.store.engine:
            self._reader.dispose()
        self.store.dispose()

    # -- users -----------------------------------------------------------------------------------
    def add_user(self, name: str, role: str, password: str | None = None) -> User:
        _check_name(name)
        _check_role(role)
        hashed = None if password is None else self._hasher.hash(_check_password(password))
        now = self.clock()
        with self.store.begin() as conn:
            if conn.execute(sa.select(db.users.c.name).where(db.users.c.name == name)).first():
                raise AccountsError(
                    f"user {name!r}: expected a new name, found an existing user "
                    "(`parcours users role` changes a role)"
                )
            conn.execute(
                db.users.insert(),
                {
                    "name": name,
                    "role": role,
                    "password_hash": hashed,
                    "created_at": now,
                    "updated_at": now,
                },
            )
        return User(name, role, hashed is not None, now)  # type: ignore[arg-type]  # checked by _check_role

    def users(self) -> list[User]:
        with self._reader.connect() as conn:
            rows = conn.execute(sa.select(db.users).order_by(db.users.c.name)).mappings().all()
        return [_user(r) for r in rows]

    def user(self, name: str) -> User:
        with self._reader.connect() as conn:
            row = (
                conn.execute(sa.select(db.users).where(db.users.c.name == name)).mappings().first()
            )
        if row is None:
            raise AccountsError(f"user: expected an existing user name, found {name!r}")
        return _user(row)

    def set_role(self, name: str, role: str) -> User:
        _check_role(role)
        with self.store.begin() as conn:
            current = self._locked_user(conn, name)
            if current["role"] == "admin" and role != "admin":
                self._keep_an_admin(conn, name)
            conn.execute(
                db.users.update()
                .where(db.users.c.name == name)
                .values(role=role, updated_at=self.clock())
            )
            # A changed role takes effect now: open sessions of the user end.
            conn.execute(db.sessions.delete().where(db.sessions.c.user_name == name))
        return self.user(name)

    def set_password(self, name: str, password: str | None) -> None:
        hashed = None if password is None else self._hasher.hash(_check_password(password))
        with self.store.begin() as conn:
            self._locked_user(conn, name)
            conn.execute(
                db.users.update()
                .where(db.users.c.name == name)
                .values(password_hash=hashed, updated_at=self.clock())
            )
            conn.execute(db.sessions.delete().where(db.sessions.c.user_name == name))

    def remove_user(self, name: str) -> None:
        """Remove a user, their sessions and their API tokens (the audit log keeps their name)."""
        with self.store.begin() as conn:
            current = self._locked_user(conn, name)
            if current["role"] == "admin":
                self._keep_an_admin(conn, name)
            conn.execute(db.sessions.delete().where(db.sessions.c.user_name == name))
            conn.execute(
                db.tokens.delete().where((db.tokens.c.kind == "api") & (db.tokens.c.owner == name))
            )
            conn.execute(db.users.delete().where(db.users.c.name == name))

    def _locked_user(self, conn: sa.Connection, name: str) -> Any:
        row = (
            conn.execute(self.store.lock(sa.select(db.users).where(db.users.c.name == name)))
            .mappings()
            .first()
        )
        if row is None:
            raise AccountsError(f"user: expected an existing user name, found {name!r}")
        return row

    def _keep_an_admin(self, conn: sa.Connection, name: str) -> None:
        others = conn.execute(
            sa.select(sa.func.count())
            .select_from(db.users)
            .where((db.users.c.role == "admin") & (db.users.c.name != name))
        ).scalar_one()
        if not others:
            raise AccountsError(
                f"user {name!r}: expected another admin to remain, found {name!r} is the last one "
                "(add another admin first)"
            )

    # -- passwords and throttling ----------------------------------------------------------------
    def authenticate(self, name: str, password: str, *, address: str = "") -> User:
        """The user whose name and password these are; a wrong pair counts as a failure for the
        name and for the client address, and too many failures in 15 minutes refuse every try
        (even a right one) with :class:`ThrottledError` until the oldest ages out."""
        now = self.clock()
        keys = [f"user:{name[:100]}"] + ([f"addr:{address[:100]}"] if address else [])
        limits = [MAX_FAILURES_PER_USER] + ([MAX_FAILURES_PER_ADDRESS] if address else [])
        with self._reader.connect() as conn:
            for key, limit in zip(keys, limits, strict=True):
                times = conn.execute(
                    sa.select(db.failures.c.at)
                    .where((db.failures.c.key == key) & (db.failures.c.at > now - THROTTLE_WINDOW))
                    .order_by(db.failures.c.at.desc())
                    .limit(limit)
                ).scalars()
                recent = list(times)
                if len(recent) >= limit:
                    wait = max(1, int(recent[-1] + THROTTLE_WINDOW - now) + 1)
                    raise ThrottledError(
                        f"login: expected at most {limit} failed attempts in "
                        f"{int(THROTTLE_WINDOW // 60)} minutes, found {len(recent)}: "
                        f"try again in {wait} s",
                        wait,
                    )
            row = (
                conn.execute(sa.select(db.users).where(db.users.c.name == name)).mappings().first()
            )
        stored = row["password_hash"] if row is not None else None
        ok = self._verify(stored or self._dummy, password[:MAX_PASSWORD]) and stored is not None
        with self.store.begin() as conn:
            if not ok:
                conn.execute(db.failures.delete().where(db.failures.c.at <= now - THROTTLE_WINDOW))
                conn.execute(db.failures.insert(), [{"key": k, "at": now} for k in keys])
            else:
                conn.execute(db.failures.delete().where(db.failures.c.key == keys[0]))
                if stored is not None and self._hasher.check_needs_rehash(stored):
                    conn.execute(
                        db.users.update()
                        .where(db.users.c.name == name)
                        .values(password_hash=self._hasher.hash(password))
                    )
        if not ok or row is None:
            raise AccountsError(
                "login: expected a known user name and its password, found no match"
            )
        return _user(row)

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False

    # -- tokens ------------------------------------------------------------------------------------
    def create_token(self, user: str, name: str = "api") -> tuple[Token, str]:
        """A new API token for ``user``: ``(token, secret)``; the secret is shown once, never kept."""
        self.user(user)
        return self._new_token("api", user, name)

    def create_intake_token(self, source: str, name: str = "intake") -> tuple[Token, str]:
        """A new intake token for event ``source`` (``POST /api/v1/events``)."""
        _check_name(source, "source")
        return self._new_token("intake", source, name)

    def _new_token(self, kind: str, owner: str, name: str) -> tuple[Token, str]:
        label = name.strip()[:100]
        if not label:
            raise AccountsError("token name: expected a non-empty label, found an empty one")
        secret = _PREFIX[kind] + secrets.token_urlsafe(32)
        row = {
            "id": secrets.token_hex(6),
            "kind": kind,
            "owner": owner,
            "name": label,
            "digest": _digest(secret),
            "created_at": self.clock(),
            "last_used_at": None,
            "revoked_at": None,
        }
        with self.store.begin() as conn:
            conn.execute(db.tokens.insert(), row)
        return _token(row), secret

    def tokens(self, *, kind: str = "api", owner: str | None = None) -> list[Token]:
        query = sa.select(db.tokens).where(db.tokens.c.kind == kind)
        if owner is not None:
            query = query.where(db.tokens.c.owner == owner)
        with self._reader.connect() as conn:
            rows = conn.execute(query.order_by(db.tokens.c.created_at)).mappings().all()
        return [_token(r) for r in rows]

    def revoke_token(self, token_id: str, *, kind: str | None = None) -> Token:
        """Revoke a token by its id (shown by ``tokens()``); it stops working at once."""
        query = sa.select(db.tokens).where(db.tokens.c.id == token_id)
        if kind is not None:
            query = query.where(db.tokens.c.kind == kind)
        with self.store.begin() as conn:
            row = conn.execute(self.store.lock(query)).mappings().first()
            if row is None:
                raise AccountsError(f"token: expected an existing token id, found {token_id!r}")
            conn.execute(
                db.tokens.update()
                .where((db.tokens.c.id == token_id) & db.tokens.c.revoked_at.is_(None))
                .values(revoked_at=self.clock())
            )
            row = (
                conn.execute(sa.select(db.tokens).where(db.tokens.c.id == token_id))
                .mappings()
                .one()
            )
        return _token(row)

    def user_for_token(self, secret: str) -> User | None:
        """The user an API token belongs to, or None (unknown, revoked, or its user removed)."""
        row = self._use_token("api", secret, with_user=True)
        if row is None or row["user_name"] is None:
            return None
        return User(
            row["user_name"],
            row["user_role"],
            bool(row["user_has_password"]),
            row["user_created_at"],
        )

    def source_for_intake_token(self, secret: str) -> str | None:
        """The event source an intake token was made for, or None."""
        row = self._use_token("intake", secret)
        return None if row is None else str(row["owner"])

    def _use_token(self, kind: str, secret: str, *, with_user: bool = False) -> Any:
        if not secret.startswith(_PREFIX[kind]) or len(secret) > 200:
            return None
        digest = _digest(secret)
        query = sa.select(db.tokens).where(
            (db.tokens.c.digest == digest) & (db.tokens.c.kind == kind)
        )
        if with_user:  # the token and its user in one read
            u = db.users.c
            query = (
                sa.select(
                    db.tokens,
                    u.name.label("user_name"),
                    u.role.label("user_role"),
                    (u.password_hash.is_not(None)).label("user_has_password"),
                    u.created_at.label("user_created_at"),
                )
                .select_from(db.tokens.outerjoin(db.users, db.users.c.name == db.tokens.c.owner))
                .where((db.tokens.c.digest == digest) & (db.tokens.c.kind == kind))
            )
        with self._reader.connect() as conn:
            row = conn.execute(query).mappings().first()
        # The lookup is by digest; the comparison below is constant-time all the same.
        if row is None or not hmac.compare_digest(row["digest"], digest) or row["revoked_at"]:
            return None
        now = self.clock()
        if row["last_used_at"] is None or row["last_used_at"] < now - LAST_USED_EVERY:
            with self.store.begin() as conn:
                conn.execute(
                    db.tokens.update().where(db.tokens.c.id == row["id"]).values(last_used_at=now)
                )
        return row

    # -- sessions ----------------------------------------------------------------------------------
    def open_session(self, user: User) -> Session:
        secret = secrets.token_urlsafe(32)
        now = self.clock()
        session = Session(secret, user, secrets.token_urlsafe(32), now + SESSION_IDLE)
        with self.store.begin() as conn:
            conn.execute(db.sessions.delete().where(db.sessions.c.expires_at < now))
            conn.execute(
                db.sessions.insert(),
                {
                    "digest": _digest(secret),
                    "user_name": user.name,
                    "csrf": session.csrf,
                    "created_at": now,
                    "seen_at": now,
                    "expires_at": session.expires_at,
                },
            )
        return session

    def session(self, secret: str) -> Session | None:
        """The live session of this id (idle for less than 8 h, opened less than 7 days ago)."""
        if len(secret) > 200:
            return None
        now = self.clock()
        digest = _digest(secret)
        with self._reader.connect() as conn:
            row = (
                conn.execute(sa.select(db.sessions).where(db.sessions.c.digest == digest))
                .mappings()
                .first()
            )
        if row is None or row["expires_at"] < now or row["created_at"] < now - SESSION_MAX:
            return None
        try:
            user = self.user(row["user_name"])
        except AccountsError:
            return None
        expires = row["expires_at"]
        if row["seen_at"] < now - LAST_USED_EVERY:
            expires = now + SESSION_IDLE
            with self.store.begin() as conn:
                conn.execute(
                    db.sessions.update()
                    .where(db.sessions.c.digest == digest)
                    .values(seen_at=now, expires_at=expires)
                )
        return Session(secret, user, row["csrf"], expires)

    def close_session(self, secret: str) -> None:
        with self.store.begin() as conn:
            conn.execute(db.sessions.delete().where(db.sessions.c.digest == _digest(secret)))

    # -- audit ---------------------------------------------------------------------------------------
    def audit(
        self, actor: str, action: str, target: str = "", *, outcome: str = "ok", detail: str = ""
    ) -> None:
        """Record who did what to what, when (writes, logins, token and user changes)."""
        with self.store.begin() as conn:
            conn.execute(
                db.audit.insert(),
                {
                    "at": self.clock(),
                    "actor": actor[:120],
                    "action": action[:120],
                    "target": target[:300],
                    "outcome": outcome[:20],
                    "detail": detail[:500],
                },
            )

    def audit_log(self, *, limit: int = 100, actor: str | None = None) -> list[AuditEntry]:
        """The latest entries first."""
        query = sa.select(db.audit).order_by(db.audit.c.id.desc()).limit(max(1, min(limit, 10_000)))
        if actor is not None:
            query = query.where(db.audit.c.actor == actor)
        with self._reader.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            AuditEntry(r["at"], r["actor"], r["action"], r["target"], r["outcome"], r["detail"])
            for r in rows
        ]


def _reader(store: Any) -> Any:
    """An engine for reads. The store's SQLite engine starts every transaction with BEGIN
    IMMEDIATE (the write lock) so that read-then-write never fails half-way; reads that write
    nothing need no lock and, in WAL mode, run beside the writer: a second engine on the same
    file without that hook. PostgreSQL reads already run concurrently: its engine is reused."""
    if (
        not store.url.startswith("sqlite")
        or ":memory:" in store.url
        or store.url in ("sqlite://", "sqlite:///")
    ):
        return store.engine
    engine = sa.create_engine(store.url, connect_args={"timeout": 60, "check_same_thread": False})

    @sa_event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA query_only=1")
        cursor.close()

    return engine


def _user(row: Any) -> User:
    return User(row["name"], row["role"], row["password_hash"] is not None, row["created_at"])


def _token(row: Any) -> Token:
    return Token(
        row["id"],
        row["kind"],
        row["owner"],
        row["name"],
        row["created_at"],
        row["last_used_at"],
        row["revoked_at"],
    )


def _check_name(name: str, what: str = "user name") -> None:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise AccountsError(
            f"{what}: expected 1 to 64 letters, digits, '.', '_', '@' or '-' (starting with a "
            f"letter or digit), found {name!r}"
        )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountsError(f"role: expected one of {', '.join(ROLES)}, found {role!r}")


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountsError(
            f"password: expected at least {MIN_PASSWORD} characters, found {len(password)}"
        )
    if len(password) > MAX_PASSWORD:
        raise AccountsError(
            f"password: expected at most {MAX_PASSWORD} characters, found {len(password)}"
        )
    return password
