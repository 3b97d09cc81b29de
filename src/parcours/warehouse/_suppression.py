"""The suppression list of erased people, in the warehouse so every layer above can honour it.

An erased person is kept only as keyed hashes (HMAC-SHA256) of their customer id and of each of
their identifiers (e-mail, phone, CRM id...). The key is a random secret of the workspace, in a
file beside the warehouse (``.secrets/erasure.key``, in a folder that ignores itself for git):
without it, the list cannot be tested against a guessed e-mail address.

Ingest calls :func:`skip_erased` on a load's typed rows before anything is written: the rows of
erased people are dropped and counted, never loaded nor quarantined.
"""

from __future__ import annotations

import hmac
import os
import secrets
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path

from parcours.i18n import register
from parcours.warehouse._duckdb import Warehouse

__all__ = [
    "SUPPRESSION_TABLE",
    "compact_file",
    "erasure_key",
    "erasure_key_path",
    "skip_erased",
    "suppress",
    "suppressed",
    "suppression_hash",
]

SUPPRESSION_TABLE = "suppression"
_DDL = f"""
    CREATE TABLE IF NOT EXISTS {SUPPRESSION_TABLE} (
        hash VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,
        erased_at TIMESTAMPTZ NOT NULL
    )"""
_MEMORY_KEYS: weakref.WeakKeyDictionary[Warehouse, bytes] = weakref.WeakKeyDictionary()

register(
    {
        "ingest.erased": {
            "fr": "  {n} ligne(s) ignorée(s) : personnes effacées (liste de suppression)",
            "en": "  {n} row(s) skipped: erased people (suppression list)",
        },
    }
)


def erasure_key_path(wh: Warehouse) -> Path | None:
    """Where the workspace's erasure key lives (None for an in-memory warehouse)."""
    if wh.path is None:
        return None
    return wh.path.parent / ".secrets" / "erasure.key"


def erasure_key(wh: Warehouse) -> bytes:
    """The workspace's secret key for suppression hashes, made on first use (mode 0600)."""
    path = erasure_key_path(wh)
    if path is None:
        return _MEMORY_KEYS.setdefault(wh, secrets.token_bytes(32))
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# secrets of this workspace: never in version control\n*\n")
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    tmp.replace(path)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _normal(kind: str, value: str) -> str:
    text = value.strip()
    return text.lower() if kind == "email" else text


def suppression_hash(key: bytes, kind: str, value: str) -> str:
    """The keyed hash of one identifier (``kind`` as ingest names it: email, phone, customer_id...)."""
    message = f"{kind}:{_normal(kind, value)}".encode()
    return hmac.new(key, message, "sha256").hexdigest()


def _exists(wh: Warehouse) -> bool:
    row = wh.fetchone(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = ?",
        [SUPPRESSION_TABLE],
    )
    return bool(row and row[0])


def suppress(wh: Warehouse, entries: Iterable[tuple[str, str]]) -> int:
    """Record (kind, value) pairs as erased; returns how many hashes are new."""
    key = erasure_key(wh)
    hashes = sorted({(suppression_hash(key, k, v), k) for k, v in entries if v and v.strip()})
    if not hashes:
        return 0
    wh.execute(_DDL)
    before = wh.count(SUPPRESSION_TABLE)
    wh.executemany(
        f"INSERT INTO {SUPPRESSION_TABLE} VALUES (?, ?, now()) ON CONFLICT DO NOTHING",
        [list(h) for h in hashes],
    )
    return wh.count(SUPPRESSION_TABLE) - before


def suppressed(wh: Warehouse, entries: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (kind, value) pairs among ``entries`` that belong to erased people."""
    if not _exists(wh) or wh.count(SUPPRESSION_TABLE) == 0:
        return set()
    key = erasure_key(wh)
    by_hash = {suppression_hash(key, k, v): (k, v) for k, v in entries if v is not None}
    if not by_hash:
        return set()
    wh.execute("CREATE OR REPLACE TEMP TABLE __probe (hash VARCHAR)")
    wh.executemany("INSERT INTO __probe VALUES (?)", [[h] for h in by_hash])
    found = wh.fetchall(
        f"SELECT p.hash FROM __probe AS p JOIN {SUPPRESSION_TABLE} AS s USING (hash)"
    )
    wh.execute("DROP TABLE __probe")
    return {by_hash[h] for (h,) in found}


def skip_erased(wh: Warehouse, table: str, columns: Mapping[str, str]) -> int:
    """Delete from ``table`` (a load's typed rows) every row whose identifier in ``columns``
    (kind -> column) belongs to an erased person; returns how many rows were dropped.

    Costs one query when nobody was erased; otherwise the load's distinct identifiers are
    hashed once each."""
    if not columns or not _exists(wh) or wh.count(SUPPRESSION_TABLE) == 0:
        return 0
    before = wh.count(table)
    for kind, column in columns.items():
        quoted = '"' + column.replace('"', '""') + '"'
        values = wh.fetchall(f"SELECT DISTINCT {quoted} FROM {table} WHERE {quoted} IS NOT NULL")
        hits = suppressed(wh, ((kind, str(v)) for (v,) in values))
        if not hits:
            continue
        wh.execute("CREATE OR REPLACE TEMP TABLE __erased_values (v VARCHAR)")
        wh.executemany("INSERT INTO __erased_values VALUES (?)", [[v] for _k, v in hits])
        wh.execute(
            f"DELETE FROM {table} WHERE CAST({quoted} AS VARCHAR) IN "
            "(SELECT v FROM __erased_values)"
        )
        wh.execute("DROP TABLE __erased_values")
    return before - wh.count(table)


def compact_file(path: Path) -> tuple[int, int, float]:
    """Rewrite a closed DuckDB file into a fresh one and swap it in atomically, so pages freed
    by deletions (which still hold the deleted bytes) leave the workspace; the old file is
    overwritten with zeros before it is removed. Returns (bytes before, bytes after, seconds)."""
    import time

    import duckdb

    started = time.perf_counter()
    wal = path.with_name(path.name + ".wal")
    before = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    fresh = path.with_name(path.name + ".compact")
    old = path.with_name(path.name + ".erasing")
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")  # the caller reports; nothing printed
        con.execute(f"ATTACH '{_quote(str(path))}' AS src")
        con.execute("CHECKPOINT src")  # the WAL folded in, so the copy sees every write
        con.execute(f"ATTACH '{_quote(str(fresh))}' AS dst")
        con.execute("COPY FROM DATABASE src TO dst")
        con.execute("CHECKPOINT dst")
        con.execute("DETACH dst")
        con.execute("DETACH src")
    finally:
        con.close()
    old.unlink(missing_ok=True)
    try:
        os.link(path, old)  # keep the old bytes reachable to overwrite them after the swap
    except OSError:  # no hard links on this file system: move it aside first
        path.replace(old)
    fresh.replace(path)  # atomic: the warehouse is the old file or the new one, never neither
    wal.unlink(missing_ok=True)
    _shred(old)
    return before, path.stat().st_size, time.perf_counter() - started


def _shred(path: Path) -> None:
    """Overwrite a file with zeros, flush it to disk, remove it."""
    size = path.stat().st_size
    block = b"\0" * (1 << 20)
    with path.open("r+b") as handle:
        done = 0
        while done < size:
            n = min(len(block), size - done)
            handle.write(block[:n])
            done += n
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()


def _quote(text: str) -> str:
    return text.replace("'", "''")
