"""Workspaces wired to the test SMTP sink and a store, and worker subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from parcours.workspace import Workspace

CASES = Path(__file__).parent / "cases"
REPO = Path(__file__).resolve().parents[2]


def make_workspace(
    root: Path,
    store_url: str,
    sink: Any,
    *,
    scenarios: list[str] = (),  # type: ignore[assignment]
    extra: str = "",
    lease: float = 2.0,
) -> Workspace:
    Workspace.init(root, name="orch-test", lang="fr")
    for name in scenarios:
        shutil.copy(CASES / name, root / "scenarios" / name)
    settings = (root / "parcours.toml").read_text(encoding="utf-8")
    settings = settings.split("[orchestrate]")[0]
    settings += (
        "[orchestrate]\n"
        f'store = "{store_url}"\n'
        f"lease_seconds = {lease}\n"
        "backoff_seconds = 0.2\n"
        'unsubscribe_url = "http://127.0.0.1:9/unsubscribe"\n'
        f"{extra}\n"
        "[orchestrate.smtp]\n"
        f'host = "{sink.host}"\n'
        f"port = {sink.port}\n"
        'sender = "crm@mutuelle.example"\n'
        "timeout = 1.0\n"
        f'reconcile_url = "{sink.reconcile_url}"\n'
    )
    (root / "parcours.toml").write_text(settings, encoding="utf-8")
    return Workspace.open(root)


def worker(ws: Workspace, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "parcours",
            "orchestrate",
            "run",
            "--workspace",
            str(ws.root),
            "--poll",
            "0.02",
            *args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )


def people(n: int, prefix: str = "c") -> list[dict[str, Any]]:
    return [
        {
            "customer_id": f"{prefix}{i:05d}",
            "email": f"{prefix}{i:05d}@example.org",
            "first_name": f"Client{i}",
            "lang": "fr" if i % 3 else "en",
        }
        for i in range(n)
    ]


def signups(
    customers: list[dict[str, Any]], ts: float, kind: str = "signup"
) -> list[dict[str, Any]]:
    return [
        {
            "event_id": f"{kind}-{c['customer_id']}",
            "customer_id": c["customer_id"],
            "type": kind,
            "ts": ts,
        }
        for c in customers
    ]
