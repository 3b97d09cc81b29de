"""Erasure everywhere (GDPR art. 17): the warehouse, the operational store, caches, and a list
of the files under ``out/`` that still mention the person.

What stays is a keyed hash (HMAC-SHA256, the workspace's secret key) of each of the person's
identifiers, in the warehouse's suppression list, which every ingest and every contact import
honours: their rows are skipped and counted, never loaded. The DuckDB file is rewritten after
the deletions (pages freed by a DELETE still hold the bytes), and a SQLite operational store is
vacuumed, so the data does not linger on disk.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from parcours.errors import OrchestrateError
from parcours.orchestrate import _store as db
from parcours.orchestrate._config import from_workspace

if TYPE_CHECKING:
    from parcours.warehouse import Warehouse
    from parcours.workspace import Workspace

__all__ = ["ErasureReport", "erase_everywhere"]

_KEEP = {"suppression", "loads"}  # no personal data: the hashes (SUPPRESSION_TABLE), load journal
_SHORT = 6  # identifiers shorter than this are matched whole in free text, not as substrings
_CACHES = (".pkl", ".pickle", ".joblib")  # derived files parcours rebuilds: removed, not listed


@dataclass(frozen=True)
class ErasureReport:
    """What ``erase_everywhere`` did.

    ``warehouse_rows`` and ``ops_rows``: rows deleted per table; ``suppressed``: keyed hashes
    added to the suppression list; ``files``: files under ``out/`` that mention the people (left
    for a person to delete or regenerate); ``removed_caches``: cached files deleted;
    ``size_before``/``size_after``/``compact_seconds``: the DuckDB rewrite."""

    customers: tuple[str, ...]
    warehouse_rows: dict[str, int] = field(default_factory=dict)
    ops_rows: dict[str, int] = field(default_factory=dict)
    suppressed: int = 0
    files: tuple[Path, ...] = ()
    removed_caches: tuple[Path, ...] = ()
    size_before: int = 0
    size_after: int = 0
    compact_seconds: float = 0.0
    seconds: float = 0.0
    not_found: tuple[str, ...] = ()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _people(wh: Warehouse, ids: list[str]) -> tuple[list[str], set[tuple[str, str]]]:
    """The ids (with the ones merged into them) and every (kind, value) they are known by."""
    everyone = list(dict.fromkeys(ids))
    wh.execute("CREATE OR REPLACE TEMP TABLE __erase_ids (customer_id VARCHAR)")
    wh.executemany("INSERT INTO __erase_ids VALUES (?)", [[i] for i in everyone])
    for (merged,) in wh.fetchall(
        "SELECT DISTINCT merged_id FROM customer_merges WHERE into_id IN (SELECT * FROM __erase_ids)"
    ):
        if merged not in everyone:
            everyone.append(merged)
            wh.execute("INSERT INTO __erase_ids VALUES (?)", [merged])
    known = {
        (str(k), str(v))
        for k, v in wh.fetchall(
            "SELECT DISTINCT kind, value FROM identities "
            "WHERE customer_id IN (SELECT * FROM __erase_ids)"
        )
    }
    return everyone, known


def _delete_warehouse(wh: Warehouse, needles: list[str]) -> dict[str, int]:
    """Delete the people of ``__erase_ids`` from every table that has a customer column, the
    merge journal, and the quarantine rows whose value mentions one of ``needles``."""
    counts: dict[str, int] = {}
    columns = wh.fetchall(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_catalog = current_database() "
        "AND NOT starts_with(table_name, '__') ORDER BY table_name, ordinal_position"
    )
    by_table: dict[str, list[str]] = {}
    for table, column in columns:
        by_table.setdefault(str(table), []).append(str(column))
    wh.execute("CREATE OR REPLACE TEMP TABLE __erase_needles (v VARCHAR, whole BOOLEAN)")
    wh.executemany(
        "INSERT INTO __erase_needles VALUES (?, ?)",
        [[n.lower(), len(n) < _SHORT] for n in needles],
    )
    with wh.transaction():
        for table, cols in sorted(by_table.items()):
            if table in _KEEP:
                continue
            person = [c for c in ("customer_id", "merged_id", "into_id") if c in cols]
            where = [f"{_q(c)} IN (SELECT customer_id FROM __erase_ids)" for c in person]
            if table == "quarantine":
                where.append(
                    "EXISTS (SELECT 1 FROM __erase_needles AS n WHERE CASE WHEN n.whole "
                    "THEN lower(quarantine.value) = n.v "
                    "ELSE contains(lower(quarantine.value), n.v) END)"
                )
            if not where:
                continue
            before = wh.count(table)
            wh.execute(f"DELETE FROM {_q(table)} WHERE {' OR '.join(where)}")
            gone = before - wh.count(table)
            if gone:
                counts[table] = gone
    wh.execute("DROP TABLE IF EXISTS __erase_needles")
    return counts


def _mentions(path: Path, needles: list[bytes]) -> bool:
    """Whether the file's bytes contain one of ``needles`` (lower-cased), read in blocks."""
    longest = max((len(n) for n in needles), default=0)
    tail = b""
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            text = (tail + block).lower()
            if any(n in text for n in needles):
                return True
            tail = text[-longest:] if longest else b""
    return False


def _scan_out(root: Path, needles: list[str]) -> tuple[list[Path], list[Path]]:
    """Files under ``out/`` that mention the people; caches among them are deleted."""
    folder = root / "out"
    wanted = [n.lower().encode() for n in needles if len(n) >= _SHORT]
    if not folder.is_dir() or not wanted:
        return [], []
    files, caches = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if _mentions(path, wanted):
            if path.suffix.lower() in _CACHES:
                path.unlink()
                caches.append(path)
            else:
                files.append(path)
    return files, caches


def _vacuum(url: str, engine: sa.engine.Engine) -> None:
    """Rewrite a SQLite store so deleted rows leave the file (PostgreSQL: autovacuum's job)."""
    if not url.startswith("sqlite") or ":memory:" in url:
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()


def erase_everywhere(workspace: Workspace, customer_ids: Iterable[str]) -> ErasureReport:
    """Erase people from the workspace: every warehouse table with a customer column (customers,
    identities, interactions, transactions, responses, persona and score tables...), quarantine
    rows that mention them, the operational store (contacts, consent, enrolments, ledger...),
    cached files; keyed hashes of their identifiers go to the suppression list; the DuckDB file
    is rewritten. Files under ``out/`` that mention them are listed, not changed."""
    from parcours.warehouse import compact_file, suppress  # here: keeps the import light

    started = time.perf_counter()
    ids = [str(c).strip() for c in customer_ids if str(c).strip()]
    if not ids:
        raise OrchestrateError("erase: expected at least one customer id, found none")
    wh: Warehouse = workspace.warehouse
    everyone, known = _people(wh, ids)

    orch = from_workspace(workspace)
    try:
        c = db.contacts.c
        emails = sorted({v.lower() for k, v in known if k == "email"})
        with orch.store.begin() as conn:
            ops = conn.execute(
                sa.select(c.customer_id, c.email, c.phone).where(
                    c.customer_id.in_(everyone) | sa.func.lower(c.email).in_(emails)
                )
            ).all()
        for _cid, email, phone in ops:
            known.update((k, str(v)) for k, v in (("email", email), ("phone", phone)) if v)
        ops_ids = list(dict.fromkeys([*everyone, *(str(r[0]) for r in ops)]))
        ops_rows: dict[str, int] = {}
        for cid in ops_ids:
            for table, n in orch.erase(cid, also=sorted(known)).items():
                if n:
                    ops_rows[table] = ops_rows.get(table, 0) + n
        _vacuum(orch.store.url, orch.store.engine)
    finally:
        orch.store.dispose()

    needles = sorted({*ops_ids, *(v for _k, v in known)})
    found = {r[0] for r in wh.fetchall("SELECT customer_id FROM __erase_ids")} & {
        r[0]
        for r in wh.fetchall(
            "SELECT DISTINCT customer_id FROM identities "
            "WHERE customer_id IN (SELECT * FROM __erase_ids) UNION "
            "SELECT customer_id FROM customers WHERE customer_id IN (SELECT * FROM __erase_ids)"
        )
    }
    warehouse_rows = _delete_warehouse(wh, needles)
    added = suppress(wh, [*(("customer_id", i) for i in ops_ids), *sorted(known)])
    wh.execute("DROP TABLE IF EXISTS __erase_ids")
    files, caches = _scan_out(Path(workspace.root), needles)

    before = after = 0
    seconds = 0.0
    path = wh.path
    if path is not None:
        workspace.close()  # the rewrite needs the file closed; the workspace reopens it lazily
        before, after, seconds = compact_file(path)
    not_found = tuple(i for i in ids if i not in found and not any(r[0] == i for r in ops))
    return ErasureReport(
        customers=tuple(ids),
        warehouse_rows=warehouse_rows,
        ops_rows=ops_rows,
        suppressed=added,
        files=tuple(files),
        removed_caches=tuple(caches),
        size_before=before,
        size_after=after,
        compact_seconds=seconds,
        seconds=time.perf_counter() - started,
        not_found=not_found,
    )
