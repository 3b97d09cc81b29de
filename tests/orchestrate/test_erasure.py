"""Erasure everywhere: demo-like exports ingested, one person erased from the CLI, then the same
old exports ingested again as new files: nothing of the person anywhere, not even in the bytes
of the DuckDB file or of the operational store."""

from __future__ import annotations

import hashlib
import json
import pickle
import stat
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from parcours.cli import cli
from parcours.demo._generate import generate
from parcours.demo.run import prepare_workspace
from parcours.orchestrate import _store as db
from parcours.orchestrate import from_workspace
from parcours.workspace import Workspace

SOURCES = {  # the demo's text exports and their mappings (the xlsx call logs are loaded once)
    "crm_clients.csv": "crm_clients.yaml",
    "crm_actions.csv": "crm_actions.yaml",
    "web_analytics.jsonl": "web_analytics.yaml",
    "enquete_satisfaction.csv": "enquete_satisfaction.yaml",
    "erp_contrats.csv": "erp_contrats.yaml",
}


def _tables(ws: Workspace) -> dict[str, list[str]]:
    rows = ws.warehouse.fetchall(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_catalog = current_database()"
    )
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


def _mentions(ws: Workspace, values: list[str]) -> dict[str, int]:
    """Rows of every warehouse table where any column's text holds one of ``values``."""
    hits: dict[str, int] = {}
    for table, columns in _tables(ws).items():
        cells = " OR ".join(
            f'contains(lower(CAST("{c}" AS VARCHAR)), lower(?))' for c in columns for _ in values
        )
        params = [v for _c in columns for v in values]
        (count,) = ws.warehouse.fetchone(f'SELECT count(*) FROM "{table}" WHERE {cells}', params)
        if count:
            hits[table] = count
    return hits


def _bytes_hold(path: Path, needle: str) -> bool:
    data = path.read_bytes().lower()
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        data += wal.read_bytes().lower()
    return needle.lower().encode() in data


def test_erase_then_reingest_the_old_exports_leaves_nothing_of_the_person(
    tmp_path: Path, sink
) -> None:
    ws = prepare_workspace(tmp_path / "mutuelle")
    files = generate(ws.root, customers=300, seed=5)
    with ws:
        for mapping, raw in files.sources():
            ws.ingest([raw], mapping=ws.path("mappings", mapping.name))
        wh = ws.warehouse
        cid, email = wh.fetchone(
            "SELECT i.customer_id, i.value FROM identities AS i JOIN interactions USING "
            "(customer_id) WHERE i.kind = 'email' GROUP BY ALL ORDER BY count(*) DESC LIMIT 1"
        )
        identities = [
            v for (v,) in wh.fetchall("SELECT value FROM identities WHERE customer_id = ?", [cid])
        ]
        neighbour = wh.fetchone(
            "SELECT customer_id FROM customers WHERE customer_id <> ? ORDER BY 1 LIMIT 1", [cid]
        )[0]
        # a persona score table as personas.score writes it (customer_id, persona, score...)
        wh.execute(
            "CREATE TABLE persona_scores AS SELECT customer_id, 'prudent' AS persona, "
            "0.8 AS score, 0.6 AS confidence FROM customers"
        )
        counts_before = {t: ws.warehouse.count(t) for t in _tables(ws)}
    assert len(identities) >= 3  # e-mail, phone, CRM code... the person is known many ways
    assert _bytes_hold(ws.root / "warehouse.duckdb", email)  # so the check below means something

    # the person is also a contact of the engine, with consent, an event and an enrolment
    (ws.root / "scenarios" / "welcome.yaml").write_text(
        "id: welcome\nlabel: {fr: Bienvenue, en: Welcome}\ntrigger: {event: signup}\n"
        "steps:\n  - id: hello\n    send:\n      subject: {fr: Bonjour, en: Hello}\n"
        "      body: {fr: Bonjour, en: Hello}\n",
        encoding="utf-8",
    )
    text = (ws.root / "parcours.toml").read_text(encoding="utf-8")
    (ws.root / "parcours.toml").write_text(
        text + f'\n[orchestrate.smtp]\nhost = "{sink.host}"\nport = {sink.port}\n', "utf-8"
    )
    orch = from_workspace(ws)
    orch.upsert_contacts(
        [{"customer_id": cid, "email": email}, {"customer_id": neighbour, "email": "n@x.org"}]
    )
    orch.set_consent([{"customer_id": cid}, {"customer_id": neighbour}])
    orch.ingest([{"event_id": "s1", "customer_id": cid, "type": "signup", "ts": time.time()}])
    orch.store.dispose()
    # files under out/: an export that mentions them, a cache that holds their id
    (ws.root / "out" / "personas").mkdir(parents=True, exist_ok=True)
    export = ws.root / "out" / "verbatims.csv"
    export.write_text(f"customer;email\n{cid};{email}\n{neighbour};n@x.org\n", "utf-8")
    cache = ws.root / "out" / "personas" / "projection.pkl"
    cache.write_bytes(pickle.dumps({"profiles": [cid, neighbour]}))
    clean = ws.root / "out" / "summary.txt"
    clean.write_text("nothing personal\n", "utf-8")

    runner = CliRunner()
    result = runner.invoke(cli, ["erase", cid, "-w", str(ws.root), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    output = result.output
    assert f"{cid} : effacé(e)(s) partout." in output
    assert "Entrepôt :" in output
    assert "interactions" in output
    assert "Base opérationnelle :" in output
    assert "orch_contacts" in output
    assert "empreinte(s) ajoutée(s)" in output
    assert "Fichier de l’entrepôt réécrit" in output
    assert str(export) in output
    assert str(clean) not in output
    assert not cache.exists()  # the cache is rebuilt on the next run
    assert export.exists()  # listed for a person to deal with, not changed

    # nothing of them in the warehouse, in its file's bytes, or in the ops store's bytes
    with Workspace.open(ws.root) as again:
        assert _mentions(again, [cid, *identities]) == {}
        assert again.warehouse.fetchone(
            "SELECT count(*) FROM customers WHERE customer_id = ?", [neighbour]
        ) == (1,)
        after = {t: again.warehouse.count(t) for t in _tables(again)}
        stored = [h for (h,) in again.warehouse.fetchall("SELECT hash FROM suppression")]
    assert after["persona_scores"] == counts_before["persona_scores"] - 1
    assert after["interactions"] < counts_before["interactions"]
    assert len(stored) >= len(identities) + 1
    assert hashlib.sha256(f"email:{email}".encode()).hexdigest() not in stored  # keyed
    for value in (email, cid):
        assert not _bytes_hold(ws.root / "warehouse.duckdb", value)
        assert not _bytes_hold(ws.root / "ops.sqlite", value)
    key = ws.root / ".secrets" / "erasure.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (ws.root / ".secrets" / ".gitignore").read_text().strip().endswith("*")

    # next month's exports hold the same old rows: new files, the person's rows skipped
    reports = []
    with Workspace.open(ws.root) as later:
        for name, mapping in SOURCES.items():
            data = (ws.root / "raw" / name).read_bytes()
            newline = b"\r\n" if b"\r\n" in data[:4096] else b"\n"
            new = ws.root / "raw" / f"2027-01_{name}"
            new.write_bytes(data.rstrip(b"\r\n") + newline + newline)
            reports += later.ingest([new], mapping=later.path("mappings", mapping))
        assert all(not r.skipped for r in reports)
        assert sum(r.rows_erased for r in reports) > 0
        for r in reports:
            assert r.rows_loaded + r.rows_quarantined + r.rows_erased == r.rows_read
        assert _mentions(later, [cid, *identities]) == {}
    for value in (email, cid):
        assert not _bytes_hold(ws.root / "warehouse.duckdb", value)

    # the CLI says so when a load skips erased people
    again_file = ws.root / "raw" / "2027-02_crm_clients.csv"
    again_file.write_bytes((ws.root / "raw" / "crm_clients.csv").read_bytes() + b"\r\n\r\n")
    said = runner.invoke(
        cli,
        [
            "ingest",
            str(again_file),
            "--mapping",
            str(ws.root / "mappings" / "crm_clients.yaml"),
            "-w",
            str(ws.root),
            "--lang",
            "en",
        ],
    )
    assert "row(s) skipped: erased people" in said.output, said.output

    # a contact import with consent grants brings back neither the contact nor consent
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(f"customer_id;email\n{cid};{email}\nnew1;new1@x.org\n", "utf-8")
    imported = runner.invoke(
        cli,
        [
            "orchestrate",
            "import-contacts",
            str(contacts),
            "--grant",
            "email:marketing",
            "-w",
            str(ws.root),
        ],
    )
    assert imported.exit_code == 0, imported.output
    orch = from_workspace(ws)
    with orch.store.begin() as conn:
        kept = {r[0] for r in conn.execute(sa.select(db.contacts.c.customer_id))}
        consented = {r[0] for r in conn.execute(sa.select(db.consent.c.customer_id))}
        events = conn.execute(sa.select(sa.func.count()).select_from(db.events)).scalar_one()
    orch.store.dispose()
    assert cid not in kept
    assert cid not in consented
    assert {"new1", neighbour} <= kept
    assert {"new1", neighbour} <= consented
    assert events == 0


def test_erase_refuses_an_empty_list_and_reports_unknown_ids(tmp_path: Path) -> None:
    from parcours.errors import OrchestrateError
    from parcours.orchestrate import erase_everywhere

    ws = Workspace.init(tmp_path / "ws", name="t")
    with ws, pytest.raises(OrchestrateError, match="at least one customer id"):
        erase_everywhere(ws, [" "])
    with Workspace.open(ws.root) as opened:
        report = erase_everywhere(opened, ["nobody"])
    assert report.not_found == ("nobody",)
    assert report.warehouse_rows == {}
    assert report.suppressed == 1
    english = CliRunner().invoke(cli, ["erase", "ghost", "-w", str(ws.root), "--lang", "en"])
    assert english.exit_code == 0, english.output
    assert "Found neither in the warehouse nor in the operational store: ghost" in english.output
    assert "No file under out/ mentions them." in english.output
    assert json.dumps(report.customers) == '["nobody"]'
