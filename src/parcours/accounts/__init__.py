"""Who may use parcours: users and roles, passwords, API and intake tokens, sessions, audit log.

    >>> from parcours.accounts import Accounts
    >>> accounts = Accounts.for_workspace(ws)  # doctest: +SKIP
    >>> accounts.add_user("claire", "analyst", password="correct horse battery")  # doctest: +SKIP
    >>> token, secret = accounts.create_token("claire", "laptop")  # doctest: +SKIP

Roles: **admin** ⊃ **analyst** ⊃ **viewer**; **participant** only takes part in workshops
(:func:`allows` is the one rule). Stored in the workspace's operational store (SQLite by default,
PostgreSQL supported). See docs/security.md for what is stored where.
"""

from __future__ import annotations

from parcours.accounts import _messages  # noqa: F401  # registers the package's words
from parcours.accounts._accounts import (
    ROLES,
    Accounts,
    AuditEntry,
    Role,
    Session,
    Token,
    User,
    allows,
)
from parcours.errors import AccountsError, ThrottledError

__all__ = [
    "ROLES",
    "Accounts",
    "AccountsError",
    "AuditEntry",
    "Role",
    "Session",
    "ThrottledError",
    "Token",
    "User",
    "allows",
]
