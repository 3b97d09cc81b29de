"""The accounts tables, in the workspace's operational store beside the orchestration tables.

Secrets are never stored in clear: passwords as Argon2id hashes, API and intake tokens and session
ids as SHA-256 digests (they are 256-bit random values, so a fast hash is enough and lets the server
find a row by its digest). Times are float seconds since the epoch (UTC), as in the rest of the store.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

users = sa.Table(
    "acct_users",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(200)),  # None: token-only account (no password login)
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

tokens = sa.Table(
    "acct_tokens",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),  # api | intake
    sa.Column("owner", sa.String(64), nullable=False),  # a user name (api) or a source (intake)
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_used_at", sa.Float),
    sa.Column("revoked_at", sa.Float),
    sa.Index("acct_tokens_owner", "kind", "owner"),
)

sessions = sa.Table(
    "acct_sessions",
    metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(64), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("seen_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Index("acct_sessions_user", "user_name"),
)

failures = sa.Table(
    "acct_login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(120), nullable=False),  # "user:<name>" or "addr:<client address>"
    sa.Column("at", sa.Float, nullable=False),
    sa.Index("acct_failures_key", "key", "at"),
)

audit = sa.Table(
    "acct_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("action", sa.String(120), nullable=False),
    sa.Column("target", sa.String(300), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("detail", sa.String(500), nullable=False),
    sa.Index("acct_audit_at", "at"),
)
