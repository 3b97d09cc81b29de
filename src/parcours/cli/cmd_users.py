"""`parcours users ...` and `parcours intake token ...`: accounts, roles, API and intake tokens.

A new token's secret is the only thing written on standard output (``TOKEN=$(parcours users
token claire)`` works); the sentence around it goes to standard error.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from parcours.cli._common import (
    err,
    handle_errors,
    lang_option,
    open_workspace,
    out,
    workspace_option,
)

ROLE_CHOICE = click.Choice(["admin", "analyst", "viewer", "participant"])


@contextlib.contextmanager
def _accounts(workspace: Path, lang: str | None) -> Iterator[Any]:
    from parcours.accounts import Accounts

    ws = open_workspace(workspace, lang)
    accounts = Accounts.for_workspace(ws)
    try:
        yield accounts
    finally:
        accounts.dispose()


def _when(ts: float | None) -> str:
    from parcours.i18n import date

    if ts is None:
        return ""
    moment = datetime.fromtimestamp(ts, UTC)
    return f"{date(moment)} {moment:%H:%M} UTC"


def _password(from_stdin: bool, none: bool) -> str | None:
    from parcours.errors import AccountsError
    from parcours.i18n import t

    if none:
        return None
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise AccountsError(t("accounts.password_empty"))
        return line
    return str(
        click.prompt(t("accounts.password_prompt"), hide_input=True, confirmation_prompt=True)
    )


def _print_token(token: Any, secret: str) -> None:
    from parcours.i18n import t

    err.print(t("accounts.token_once", id=token.id, owner=token.owner), markup=False)
    click.echo(secret)


def _token_table(tokens: list[Any]) -> None:
    from rich.table import Table

    from parcours.i18n import t

    grid = Table()
    for key in ("id", "owner", "label", "created", "last_used", "state"):
        grid.add_column(t(f"accounts.col.{key}"))
    for tok in tokens:
        state = t("accounts.revoked") if tok.revoked_at else t("accounts.active")
        grid.add_row(
            tok.id, tok.owner, tok.name, _when(tok.created_at), _when(tok.last_used_at), state
        )
    out.print(grid)


def register(group: click.Group) -> None:
    @group.group("users")
    def users() -> None:
        """Accounts, roles and API tokens / comptes, rôles et jetons d'API."""

    @users.command("add")
    @click.argument("name")
    @click.option("--role", type=ROLE_CHOICE, required=True)
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    @click.option("--no-password", is_flag=True, help="Token-only account (no password login).")
    @workspace_option
    @lang_option
    @handle_errors
    def add(
        name: str,
        role: str,
        password_stdin: bool,
        no_password: bool,
        workspace: Path,
        lang: str | None,
    ) -> None:
        """Add a user / ajouter un utilisateur (admin, analyst, viewer, participant)."""
        from parcours.i18n import t

        with _accounts(workspace, lang) as accounts:
            password = _password(password_stdin, no_password)
            user = accounts.add_user(name, role, password)
            accounts.audit("cli", "users.add", name, detail=f"role={role}")
        out.print(t("accounts.added", name=user.name, role=user.role), markup=False)

    @users.command("list")
    @workspace_option
    @lang_option
    @handle_errors
    def list_cmd(workspace: Path, lang: str | None) -> None:
        """List users and their roles / lister les utilisateurs."""
        from rich.table import Table

        from parcours.i18n import t

        with _accounts(workspace, lang) as accounts:
            people = accounts.users()
        if not people:
            out.print(t("accounts.no_users"), markup=False)
            return
        grid = Table()
        for key in ("name", "role", "password", "created"):
            grid.add_column(t(f"accounts.col.{key}"))
        for user in people:
            has = t("accounts.yes") if user.has_password else t("accounts.no")
            grid.add_row(user.name, user.role, has, _when(user.created_at))
        out.print(grid)

    @users.command("remove")
    @click.argument("name")
    @workspace_option
    @lang_option
    @handle_errors
    def remove(name: str, workspace: Path, lang: str | None) -> None:
        """Remove a user, their sessions and tokens / supprimer un utilisateur."""
        from parcours.i18n import t

        with _accounts(workspace, lang) as accounts:
            accounts.remove_user(name)
            accounts.audit("cli", "users.remove", name)
        out.print(t("accounts.removed", name=name), markup=False)

    @users.command("role")
    @click.argument("name")
    @click.argument("role", type=ROLE_CHOICE)
    @workspace_option
    @lang_option
    @handle_errors
    def role_cmd(name: str, role: str, workspace: Path, lang: str | None) -> None:
        """Change a user's role (their sessions end) / changer le rôle."""
        from parcours.i18n import t

        with _accounts(workspace, lang) as accounts:
            user = accounts.set_role(name, role)
            accounts.audit("cli", "users.role", name, detail=f"role={role}")
        out.print(t("accounts.role_set", name=user.name, role=user.role), markup=False)

    @users.command("password")
    @click.argument("name")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    @workspace_option
    @lang_option
    @handle_errors
    def password_cmd(name: str, password_stdin: bool, workspace: Path, lang: str | None) -> None:
        """Set a user's password (their sessions end) / changer le mot de passe."""
        from parcours.i18n import t

        with _accounts(workspace, lang) as accounts:
            accounts.set_password(name, _password(password_stdin, False))
            accounts.audit("cli", "users.password", name)
        out.print(t("accounts.password_set", name=name), markup=False)

    @users.command("token")
    @click.argument("name")
    @click.option("--name", "label", default="api", show_default=True, help="Token label.")
    @workspace_option
    @lang_option
    @handle_errors
    def token(name: str, label: str, workspace: Path, lang: str | None) -> None:
        """Print a new API token for a user (shown once) / nouveau jeton d'API."""
        with _accounts(workspace, lang) as accounts:
            tok, secret = accounts.create_token(name, label)
            accounts.audit("cli", "tokens.create", name, detail=f"id={tok.id}")
        _print_token(tok, secret)

    @users.command("tokens")
    @click.argument("name", required=False)
    @workspace_option
    @lang_option
    @handle_errors
    def tokens(name: str | None, workspace: Path, lang: str | None) -> None:
        """List API tokens (never their secrets) / lister les jetons."""
        with _accounts(workspace, lang) as accounts:
            _token_table(accounts.tokens(kind="api", owner=name))

    @users.command("revoke")
    @click.argument("token_id")
    @workspace_option
    @lang_option
    @handle_errors
    def revoke(token_id: str, workspace: Path, lang: str | None) -> None:
        """Revoke an API token by its id / révoquer un jeton."""
        from parcours.i18n import t

        with _accounts(workspace, lang) as accounts:
            accounts.revoke_token(token_id, kind="api")
            accounts.audit("cli", "tokens.revoke", token_id)
        out.print(t("accounts.token_revoked", id=token_id), markup=False)

    @group.group("intake")
    def intake() -> None:
        """Credentials of event sources (POST /api/v1/events) / jetons des sources d'événements."""

    @intake.group("token")
    def intake_token() -> None:
        """Create, list and revoke intake tokens / jetons d'entrée des événements."""

    @intake_token.command("create")
    @click.argument("source")
    @click.option("--name", "label", default="intake", show_default=True, help="Token label.")
    @workspace_option
    @lang_option
    @handle_errors
    def intake_create(source: str, label: str, workspace: Path, lang: str | None) -> None:
        """Print a new intake token for SOURCE (shown once)."""
        with _accounts(workspace, lang) as accounts:
            tok, secret = accounts.create_intake_token(source, label)
            accounts.audit("cli", "intake.create", source, detail=f"id={tok.id}")
        _print_token(tok, secret)

    @intake_token.command("list")
    @workspace_option
    @lang_option
    @handle_errors
    def intake_list(workspace: Path, lang: str | None) -> None:
        """List intake tokens (never their secrets)."""
        with _accounts(workspace, lang) as accounts:
            _token_table(accounts.tokens(kind="intake"))

    @intake_token.command("revoke")
    @click.argument("token_id")
    @workspace_option
    @lang_option
    @handle_errors
    def intake_revoke(token_id: str, workspace: Path, lang: str | None) -> None:
        """Revoke an intake token by its id."""
        from parcours.i18n import t

        with _accounts(workspace, lang) as accounts:
            accounts.revoke_token(token_id, kind="intake")
            accounts.audit("cli", "intake.revoke", token_id)
        out.print(t("accounts.token_revoked", id=token_id), markup=False)
