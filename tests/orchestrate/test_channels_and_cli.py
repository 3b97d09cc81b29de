"""Adapters against real servers (SMS and webhook over HTTP on loopback), the events endpoint,
the CLI commands, and the dry run on the demo company's history."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.orchestrate._helpers import make_workspace, people, signups

from parcours.accounts import Accounts
from parcours.api import serve_public
from parcours.cli import cli
from parcours.export import read_csv_export
from parcours.orchestrate import (
    Message,
    SmsChannel,
    dry_run,
    from_workspace,
    library_files,
    load_scenario,
)
from parcours.workspace import Workspace


class Provider:
    """An HTTP provider that answers with the status codes it is told to, and keeps requests."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.codes: list[int] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                provider.requests.append({"body": body, "key": self.headers.get("Idempotency-Key")})
                code = provider.codes.pop(0) if provider.codes else 200
                self.send_response(code)
                self.end_headers()

            def do_GET(self) -> None:
                key = urllib.parse.unquote(self.path.rsplit("/", 1)[-1])
                seen = any(r["key"] == key for r in provider.requests)
                self.send_response(200 if seen else 404)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def provider() -> Iterator[Provider]:
    p = Provider()
    yield p
    p.server.shutdown()


def test_sms_adapter_classifies_replies_and_passes_the_idempotency_key(provider: Provider) -> None:
    sms = SmsChannel(
        provider.url + "/sms", sender="MUTUELLE", status_url=provider.url + "/sms/{key}"
    )
    message = Message(
        key="enr:step", channel="sms", customer_id="c1", to="+33600000000", text="Bonjour"
    )
    provider.codes = [503, 400, 500, 200]
    assert sms.send(message).outcome == "transient"
    assert sms.send(message).outcome == "permanent"
    assert sms.send(message).outcome == "unknown"
    assert sms.send(message).outcome == "sent"
    assert provider.requests[-1] == {
        "body": {"to": "+33600000000", "text": "Bonjour", "from": "MUTUELLE", "key": "enr:step"},
        "key": "enr:step",
    }
    assert sms.reconcile(message) == "delivered"
    assert sms.reconcile(Message(key="other", channel="sms", customer_id="c", to="+3")) == "absent"
    assert SmsChannel("http://127.0.0.1:9/sms").send(message).outcome == "transient"  # refused


def test_webhook_and_call_centre_task_steps_through_the_engine(
    tmp_path: Path, provider: Provider, sink
) -> None:
    ws = make_workspace(tmp_path / "ws", f"sqlite:///{tmp_path / 'ops.sqlite'}", sink)
    (ws.root / "scenarios" / "hook.yaml").write_text(
        "id: hook\ntrigger: {event: complaint-phone}\nsteps:\n"
        f"  - id: notify\n    webhook: {{url: '{provider.url}/crm', data: {{kind: complaint}}}}\n"
        "  - id: call\n    task: {queue: callcentre, reason: {fr: 'Rappeler le client', en: 'Call back'}, due: {hours: 4}}\n",
        encoding="utf-8",
    )
    orch = from_workspace(ws)
    orch.upsert_contacts(people(2, prefix="w"))
    orch.ingest(
        [{"event_id": "x1", "customer_id": "w00000", "type": "complaint-phone", "ts": time.time()}]
    )
    orch.run_due()
    (request,) = provider.requests
    assert request["body"]["kind"] == "complaint"
    assert request["body"]["customer_id"] == "w00000"
    assert request["key"] == request["body"]["key"]
    runner = CliRunner()
    out = tmp_path / "tasks.csv"
    result = runner.invoke(
        cli, ["orchestrate", "tasks", "--csv", str(out), "--workspace", str(ws.root)]
    )
    assert result.exit_code == 0, result.output
    tasks = read_csv_export(out, dialect=ws.settings.csv_dialect)
    assert tasks["queue"].tolist() == ["callcentre"]
    assert tasks["reason"].tolist() == ["Call back"]  # w00000 reads English
    assert tasks["customer_id"].tolist() == ["w00000"]
    shown = runner.invoke(
        cli, ["orchestrate", "tasks", "--csv-dialect", "rfc4180", "--workspace", str(ws.root)]
    )
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0].split(",")[:3] == ["key", "queue", "customer_id"]
    assert "w00000" in shown.output
    orch.store.dispose()


def test_events_endpoint_deduplicates_by_event_id(tmp_path: Path, sink) -> None:
    ws = make_workspace(
        tmp_path / "ws", f"sqlite:///{tmp_path / 'ops.sqlite'}", sink, scenarios=["two_emails.yaml"]
    )
    orch = from_workspace(ws)
    orch.upsert_contacts(people(3, prefix="h"))
    accounts = Accounts.for_workspace(ws)
    intake = {"Authorization": f"Bearer {accounts.create_intake_token('test')[1]}"}
    accounts.dispose()
    server = serve_public(ws.root, "127.0.0.1", 0, orchestrator=orch)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    url = f"{base}/api/v1/events"
    body = "\n".join(json.dumps(e) for e in signups(people(3, prefix="h"), time.time())).encode()
    try:
        answers = []
        for _ in range(2):
            request = urllib.request.Request(url, data=body, method="POST", headers=intake)
            with urllib.request.urlopen(request) as r:
                answers.append(json.loads(r.read()))
        bad = urllib.request.Request(
            url, data=b'{"customer_id": "x"}', method="POST", headers=intake
        )
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(bad)
        assert info.value.code == 422
        anonymous = urllib.request.Request(url, data=body, method="POST")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(anonymous)  # no intake token, nothing is read
        assert info.value.code == 401
        with urllib.request.urlopen(f"{base}/unsubscribe/abc") as r:
            assert b'method="post"' in r.read()  # a GET only shows the button (link scanners)
    finally:
        server.shutdown()
    assert answers[0]["enrolled"] == 3
    assert (answers[1]["duplicates"], answers[1]["enrolled"]) == (3, 0)
    assert answers[1]["received"] == 3
    orch.store.dispose()


def test_the_confirmation_button_unsubscribes_and_says_so_on_a_page(tmp_path: Path, sink) -> None:
    import sqlalchemy as sa

    from parcours.orchestrate import _store as db

    ws = make_workspace(
        tmp_path / "ws", f"sqlite:///{tmp_path / 'ops.sqlite'}", sink, scenarios=["two_emails.yaml"]
    )
    orch = from_workspace(ws)
    orch.upsert_contacts(people(1, prefix="p"))
    server = serve_public(ws.root, "127.0.0.1", 0, orchestrator=orch)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    token = orch.unsubscribe_token("p0")
    try:
        with urllib.request.urlopen(f"{base}/unsubscribe/{token}") as r:
            form = r.read().decode()
        action = form.split('action="', 1)[1].split('"', 1)[0]
        click = urllib.request.Request(
            base + action, data=b"List-Unsubscribe=One-Click", method="POST"
        )
        with urllib.request.urlopen(click) as r:
            assert r.headers["Content-Type"].startswith("text/html")
            page = r.read().decode()
    finally:
        server.shutdown()
    assert "Vous êtes désabonné(e)" in page  # the workspace's language, not raw JSON
    with orch.store.begin() as conn:
        revoked = conn.execute(
            sa.select(db.consent.c.revoked_at).where(db.consent.c.customer_id == "p0")
        ).scalar_one()
    assert revoked is not None
    orch.store.dispose()


def test_cli_feeds_events_from_csv_and_jsonl_then_reports_unsubscribes_and_erases(
    tmp_path: Path, sink
) -> None:
    ws = make_workspace(
        tmp_path / "ws", f"sqlite:///{tmp_path / 'ops.sqlite'}", sink, scenarios=["two_emails.yaml"]
    )
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "customer_id;email;first_name;lang\nc1;c1@x.org;Léa;fr\nc2;c2@x.org;Tom;en\nc3;c3@x.org;Ana;fr\n",
        encoding="utf-8",
    )
    events_csv = tmp_path / "events.csv"
    events_csv.write_text(
        "event_id,customer_id,type,ts\ne1,c1,signup,2026-11-26T10:00:00Z\ne2,c2,signup,2026-11-26T10:01:00Z\n",
        encoding="utf-8",
    )
    events_jsonl = tmp_path / "events.jsonl"
    events_jsonl.write_text(
        json.dumps(
            {
                "event_id": "e3",
                "customer_id": "c3",
                "type": "signup",
                "ts": "2026-11-26T10:02:00+01:00",
            }
        )
        + "\n"
        + json.dumps(
            {"event_id": "e1", "customer_id": "c1", "type": "signup", "ts": "2026-11-26T10:00:00Z"}
        )
        + "\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    w = ["--workspace", str(ws.root)]

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["orchestrate", *args, *w])
        assert result.exit_code == 0, result.output
        return result.output

    run("import-contacts", str(contacts), "--grant", "email:marketing")
    assert "2 événement(s) reçu(s), 0 doublon(s)" in run("ingest-events", str(events_csv))
    assert "1 doublon(s)" in run("ingest-events", str(events_jsonl))
    assert "c2" in run("unsubscribe", "c2")
    assert "effacé" in run("erase", "c3")
    run("run", "--until-idle")
    assert sorted(m["to"] for m in sink.messages) == ["c1@x.org", "c1@x.org"]
    status = json.loads(run("status"))
    assert status["ledger"] == {"sent": 2}
    assert "two-emails" in run("report", "--lang", "en")
    bad = runner.invoke(
        cli, ["orchestrate", "validate", str(Path(__file__).parent / "cases" / "bad_scenario.yaml")]
    )
    assert bad.exit_code == 2
    assert "bad_scenario.yaml:" in bad.output
    copied = tmp_path / "copied"
    assert (
        "welcome-series"
        in runner.invoke(cli, ["orchestrate", "library", "--copy", str(copied)]).output
    )
    assert len(list(copied.glob("*.yaml"))) == len(library_files())


def test_dry_run_replays_the_demo_history_through_library_scenarios(demo_workspace: Path) -> None:
    scenarios = [
        load_scenario(p) for p in library_files() if p.stem in ("welcome-series", "abandoned-cart")
    ]
    with Workspace.open(demo_workspace) as ws:
        result = dry_run(
            ws.table("interactions"),
            scenarios,
            contacts=ws.table("customers"),
            since="2024-01-01",
            until="2024-07-01",
        )
    entries = dict(zip(result["entries"]["scenario"], result["entries"]["entries"], strict=True))
    assert entries["welcome-series"] > 50
    assert entries["abandoned-cart"] > 50
    steps = result["steps"]
    welcome = steps[(steps["scenario"] == "welcome-series") & (steps["outcome"] == "sent")]
    assert set(welcome["step"]) >= {"welcome", "survey", "services", "cross-sell", "first-month"}
    virtual = steps[steps["outcome"] == "would_have_sent"]
    assert virtual["messages"].sum() > 0  # the control arms are counted, not sent
    pressure = result["pressure"]
    assert pressure["reached"] > 0
    assert 1 <= pressure["mean_per_reached"] <= pressure["max_per_customer"]
    assert pressure["max_per_customer_30_days"] <= pressure["max_per_customer"]


def test_cli_dry_run_on_the_demo_workspace(demo_workspace: Path) -> None:
    scenario = next(p for p in library_files() if p.stem == "abandoned-cart")
    result = CliRunner().invoke(
        cli,
        [
            "orchestrate",
            "dry-run",
            str(scenario),
            "--since",
            "2024-03-01",
            "--until",
            "2024-04-01",
            "--workspace",
            str(demo_workspace),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "abandoned-cart" in result.output
    assert "reminder" in result.output
