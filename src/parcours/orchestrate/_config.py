"""Build an Orchestrator from a workspace: ``scenarios/*.yaml`` and ``[orchestrate]`` settings.

parcours.toml::

    [orchestrate]
    store = "sqlite:///ops.sqlite"     # or postgresql://user@host/db
    holdout = 0.05                     # global hash-bucketed holdout share
    consent = "opt_in"                 # opt_in: a grant is needed; opt_out: only a revocation blocks
    unsubscribe_url = "https://example.org/u"   # public base URL of the one-click endpoint
    lease_seconds = 60
    backoff_seconds = 30

    [orchestrate.smtp]                 # host, port, sender, timeout, starttls, username,
    host = "localhost"                 # password_env (name of the variable holding it),
    port = 25                          # reconcile_url (lookup by {message_id})

    [orchestrate.sms]                  # url, sender, status_url
    [orchestrate.webhook]              # url, status_url

    [[orchestrate.caps]]               # as many as needed
    channel = "email"
    max = 3
    days = 7                           # rolling window; or per = "day" | "week" | "month"
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parcours.errors import WorkspaceError
from parcours.orchestrate._engine import Orchestrator
from parcours.orchestrate._model import Scenario, load_scenario
from parcours.orchestrate._pressure import Cap
from parcours.orchestrate._store import Store
from parcours.orchestrate.channels import Channel, SmsChannel, SmtpChannel, WebhookChannel

if TYPE_CHECKING:
    from parcours.workspace import Workspace

__all__ = ["from_workspace", "settings", "workspace_scenarios"]


def settings(workspace: Workspace) -> dict[str, Any]:
    path = Path(workspace.root) / "parcours.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise WorkspaceError(f"{path}: expected readable TOML, found {exc}") from exc
    section = data.get("orchestrate", {})
    if not isinstance(section, dict):
        raise WorkspaceError(f"{path}: [orchestrate] expected a table, found {section!r}")
    return section


def workspace_scenarios(workspace: Workspace) -> list[Scenario]:
    folder = Path(workspace.root) / "scenarios"
    return [load_scenario(p) for p in sorted(folder.glob("*.y*ml"))]


def channels_from(section: dict[str, Any]) -> dict[str, Channel]:
    channels: dict[str, Channel] = {}
    smtp = section.get("smtp")
    if isinstance(smtp, dict):
        password_env = smtp.get("password_env")
        channels["email"] = SmtpChannel(
            smtp.get("host", "localhost"),
            int(smtp.get("port", 25)),
            sender=smtp.get("sender", "parcours@localhost"),
            timeout=float(smtp.get("timeout", 10)),
            starttls=bool(smtp.get("starttls", False)),
            username=smtp.get("username"),
            password=os.environ.get(password_env) if password_env else None,
            reconcile_url=smtp.get("reconcile_url"),
        )
    sms = section.get("sms")
    if isinstance(sms, dict) and sms.get("url"):
        channels["sms"] = SmsChannel(
            sms["url"], sender=sms.get("sender", "parcours"), status_url=sms.get("status_url")
        )
    hook = section.get("webhook", {})
    channels["webhook"] = WebhookChannel(
        hook.get("url") if isinstance(hook, dict) else None,
        status_url=hook.get("status_url") if isinstance(hook, dict) else None,
    )
    return channels


def from_workspace(
    workspace: Workspace, *, scenarios: list[Scenario] | None = None, **overrides: Any
) -> Orchestrator:
    """The workspace's engine: its store, scenarios, channels, caps and settings."""
    section = settings(workspace)
    store = Store(
        str(section.get("store", workspace.settings.ops_store)), root=Path(workspace.root)
    )
    journey = workspace.journey_or_none()  # personalisation with journey labels is optional
    options: dict[str, Any] = {
        "channels": channels_from(section),
        "caps": [Cap.model_validate(c) for c in section.get("caps", [])],
        "holdout": float(section.get("holdout", 0.0)),
        "consent_mode": section.get("consent", "opt_in"),
        "unsubscribe_url": section.get("unsubscribe_url"),
        "lang": workspace.settings.lang,
        "timezone": workspace.settings.timezone,
        "templates_dir": Path(workspace.root) / "scenarios" / "templates",
        "journey": journey,
        "lease": float(section.get("lease_seconds", 60)),
        "backoff": float(section.get("backoff_seconds", 30)),
    }
    options.update(overrides)
    return Orchestrator(
        store, workspace_scenarios(workspace) if scenarios is None else scenarios, **options
    )
