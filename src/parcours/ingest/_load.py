"""One load: a raw file + a mapping → canonical rows, quarantine, identities; atomic and idempotent.

The pipeline, all inside the engine:
  read_raw → __stg (raw text + physical row numbers)
  → __typed (typed values, one problem text per bad row)
  → quarantine (bad rows, structural rejects, in-file duplicates)
  → identity resolution (rows sharing an e-mail, CRM id or phone become one customer)
  → target table (rows already present are not written twice) → loads.
Everything that writes runs in one transaction: a killed load leaves the warehouse as it was.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from parcours.errors import MappingError, Problem
from parcours.ingest import _coerce as sql
from parcours.ingest._identity import resolve_identities
from parcours.ingest._mapping import ID_COLUMN, ColumnSpec, ColumnType, DateRange, Mapping
from parcours.ingest._targets import register_touchpoints, touch_customers, write_target
from parcours.ingest._touchpoints import TouchpointTable
from parcours.ingest.readers import RawRead, ReadNote, ReadOptions, read_raw
from parcours.warehouse import Warehouse, skip_erased

Phase = Callable[[str, int, int], None]
"""progress(phase, done, total): phase is read | check | identities | write."""


@dataclass(frozen=True)
class LoadReport:
    """What one file's load did. ``rows_loaded + rows_quarantined + rows_erased == rows_read``,
    always; ``rows_erased``: rows of erased people (suppression list), skipped, never stored."""

    load_id: str
    file: str
    source: str
    target: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_already_loaded: int = 0
    skipped: bool = False
    encoding: str | None = None
    separator: str | None = None
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)
    notes: tuple[ReadNote, ...] = ()
    """What the reader decided that the user must know (``note.text()`` in their language)."""
    rows_erased: int = 0


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def load_file(
    wh: Warehouse,
    path: Path,
    mapping: Mapping,
    *,
    source: str,
    touchpoints: TouchpointTable | None,
    timezone: str,
    progress: Phase | None = None,
    mapping_file: str | None = None,
) -> LoadReport:
    """Load one file. The same file with the same mapping a second time changes nothing.

    ``mapping_file``: where the mapping was read from, for messages (None: given in code)."""
    started = time.perf_counter()
    step = progress or (lambda _phase, _done, _total: None)
    file_hash = file_sha256(path)
    fingerprint = mapping.fingerprint()
    previous = wh.fetchone(
        "SELECT load_id, rows_read, rows_loaded, rows_quarantined FROM loads "
        "WHERE file_hash = ? AND mapping_hash = ? AND target = ? AND source = ? "
        "ORDER BY finished_at DESC LIMIT 1",
        [file_hash, fingerprint, mapping.target, source],
    )
    if previous is not None:
        return LoadReport(
            load_id=previous[0],
            file=str(path),
            source=source,
            target=mapping.target,
            rows_read=int(previous[1]),
            rows_loaded=int(previous[2]),
            rows_quarantined=int(previous[3]),
            rows_already_loaded=int(previous[2]),
            skipped=True,
            seconds=time.perf_counter() - started,
        )

    load_id = uuid.uuid4().hex[:16]
    read = mapping.read
    options = ReadOptions(
        format=read.format,
        encoding=read.encoding,
        separator=read.separator,
        sheet=read.sheet,
        skip_rows=read.skip_rows,
        **read.limits(),
    )
    raw = read_raw(wh, path, options, "__stg", progress=lambda d, t: step("read", d, t))
    columns = _resolve_columns(mapping, raw, path)
    step("check", 0, raw.rows_read)
    _build_typed(wh, mapping, columns, raw, source, timezone, touchpoints)
    wh.execute("DROP TABLE IF EXISTS __stg")  # everything needed is in __typed now: free memory
    _flag_duplicates(wh, mapping)
    erased = skip_erased(wh, "__typed", {k: f"__id_{k}" for k in mapping.identifiers})
    step("check", raw.rows_read, raw.rows_read)

    with wh.transaction():
        step("write", 0, 4)
        wh.execute(
            "INSERT INTO quarantine SELECT ?, ?, ?, row, col, value, reason, now() FROM ("
            "SELECT __row AS row, __bad_col AS col, __bad_value AS value, __problem AS reason "
            "FROM __typed WHERE __problem IS NOT NULL)",
            [load_id, source, str(path)],
        )
        wh.executemany(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, now())",
            [(load_id, source, str(path), r.row, r.column, r.value, r.reason) for r in raw.rejects],
        )
        wh.execute("CREATE OR REPLACE TEMP VIEW __good AS FROM __typed WHERE __problem IS NULL")
        register_touchpoints(wh, touchpoints.rows() if touchpoints else [])
        step("identities", 1, 4)
        ts = "ts" if "ts" in mapping.columns else None
        kinds = list(mapping.identifiers)
        resolve_identities(wh, kinds, source=source, load_id=load_id, ts=ts)
        step("write", 2, 4)
        already = write_target(wh, mapping, source, load_id, mapping_file=mapping_file)
        touch_customers(wh)
        quarantined = _count(wh, "SELECT count(*) FROM __typed WHERE __problem IS NOT NULL")
        quarantined += len(raw.rejects)
        loaded = raw.rows_read - quarantined - erased
        wh.execute(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "now() - to_microseconds(CAST(? AS BIGINT)), now())",
            [
                load_id,
                source,
                mapping.target,
                str(path),
                file_hash,
                fingerprint,
                raw.rows_read,
                loaded,
                quarantined,
                already,
                int((time.perf_counter() - started) * 1e6),
            ],
        )
        step("write", 4, 4)
    reasons = _reason_counts(wh, raw)
    for view in ("__gi", "__good"):
        wh.execute(f"DROP VIEW IF EXISTS {view}")
    for name in ("__stg", "__typed", "__gi_rows", "__owner_tk", "__tpinfo", "__owner", "__codes"):
        wh.execute(f"DROP TABLE IF EXISTS {name}")
    return LoadReport(
        load_id=load_id,
        file=str(path),
        source=source,
        target=mapping.target,
        rows_read=raw.rows_read,
        rows_loaded=loaded,
        rows_quarantined=quarantined,
        rows_already_loaded=already,
        encoding=raw.encoding,
        separator=raw.separator,
        seconds=time.perf_counter() - started,
        reasons=reasons,
        notes=raw.notes,
        rows_erased=erased,
    )


def _count(wh: Warehouse, query: str) -> int:
    row = wh.fetchone(query)
    return int(row[0]) if row else 0


def _resolve_columns(mapping: Mapping, raw: RawRead, path: Path) -> dict[str, str]:
    """Map each raw column the mapping names to the file's header, forgiving case and spaces."""
    found = {c: c for c in raw.columns}
    loose = {_loose(c): c for c in raw.columns}
    resolved: dict[str, str] = {}
    problems = []
    for wanted in mapping.raw_columns():
        match = found.get(wanted) or loose.get(_loose(wanted))
        if match is None:
            problems.append(
                Problem(
                    str(path),
                    1 + mapping.read.skip_rows,
                    None,
                    "header",
                    f"a column named {wanted!r} (the mapping reads it)",
                    "columns " + ", ".join(repr(c) for c in raw.columns),
                )
            )
        else:
            resolved[wanted] = match
    if problems:
        raise MappingError(problems, what=f"{path} (the mapping does not fit this file)")
    return resolved


def _loose(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class _Check:
    """One column: its typed value, its trimmed raw text, and what makes the row a reject."""

    alias: str
    expr: str
    raw_col: str | None = None
    raw_expr: str = "NULL"
    required: bool = False
    bounds: ColumnSpec | None = None
    reason: str = ""
    out_of_dates: str | None = None
    """For a date or date-time: the condition that it lies outside the plausible dates."""

    def fail(self) -> str:
        """The reject condition, on the typed value and the trimmed raw text."""
        value, raw = sql.ident(self.alias), self.raw_expr
        tests = [f"({raw} IS NOT NULL AND {value} IS NULL)"]
        if self.bounds is not None and (bound := sql.out_of_range(value, self.bounds)):
            tests.append(f"({bound})")
        if self.out_of_dates is not None:
            tests.append(self.out_of_dates)
        if self.required:
            tests.append(f"{raw} IS NULL")
        return " OR ".join(tests)


def _trimmed(raw_col: str) -> str:
    """The name, in the first CTE of __typed, of a raw column's trimmed text."""
    return sql.ident("__trim:" + raw_col)


def _column_checks(mapping: Mapping, columns: dict[str, str], timezone: str) -> list[_Check]:
    tz = mapping.timezone or timezone
    checks: list[_Check] = []
    earliest, latest = (mapping.dates or DateRange()).bounds()

    def add(alias: str, spec: ColumnSpec, kind: ColumnType, required: bool) -> None:
        if spec.from_ is None:
            checks.append(_Check(alias, _constant(spec.value, kind)))
            return
        raw_col = columns[spec.from_]
        raw = _trimmed(raw_col)
        reason = f"expected {sql.expected(spec, kind)}"
        if spec.min is not None or spec.max is not None:
            low = "-inf" if spec.min is None else f"{spec.min:g}"
            high = "+inf" if spec.max is None else f"{spec.max:g}"
            reason += f" between {low} and {high}"
        dates = None
        if kind in ("date", "datetime"):
            dates = sql.date_bounds(sql.ident(alias), kind, earliest, latest)
            reason += f" between {earliest} and {latest} (mapping: dates)"
        text = raw
        if alias.endswith("_id") and kind == "string":  # event_id, order_id...: no invisible marks
            text = sql.clean_identifier(raw)
        checks.append(
            _Check(
                alias,
                sql.typed(text, spec, kind, tz),
                raw_col,
                raw,
                required,
                spec if kind in ("integer", "decimal") else None,
                reason,
                dates,
            )
        )

    for name, spec in mapping.columns.items():
        add(name, spec, mapping.column_type(name), mapping.is_required(name))
    for name, spec in mapping.metrics.items():
        add(f"__metric_{name}", spec, spec.type or "decimal", bool(spec.required))
    for name, spec in mapping.attributes.items():
        add(f"__attr_{name}", spec, spec.type or "string", bool(spec.required))
    if mapping.event_code is not None:
        add("event_code", mapping.event_code, "string", bool(mapping.event_code.required))
    for kind, raw_name in mapping.identifiers.items():
        raw_col = columns[raw_name]
        raw = _trimmed(raw_col)
        checks.append(
            _Check(
                f"__id_{kind}",
                sql.normalised_identifier(kind, sql.clean_identifier(raw)),
                raw_col,
                raw,
                reason=f"expected {sql.identifier_expected(kind)}",
            )
        )
    return checks


def _constant(value: object, kind: ColumnType) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return f"CAST({sql.lit(str(value))} AS {sql.SQL_TYPES[kind]})"


def _build_typed(
    wh: Warehouse,
    mapping: Mapping,
    columns: dict[str, str],
    raw: RawRead,
    source: str,
    timezone: str,
    touchpoints: TouchpointTable | None,
) -> None:
    """__typed: every raw row with its typed values, its key and, for a bad row, the problem."""
    checks = _column_checks(mapping, columns, timezone)
    read = [c for c in checks if c.raw_col]
    typed = [f"{c.expr} AS {sql.ident(c.alias)}" for c in checks]
    problems = [
        f"CASE WHEN {c.fail()} THEN "
        f"{sql.lit(f'column {c.raw_col!r}: {c.reason}, found ')} || "
        f"COALESCE(chr(39) || {c.raw_expr} || chr(39), 'nothing') END"
        for c in read
    ]
    ids = " AND ".join(f"{sql.ident('__id_' + k)} IS NULL" for k in mapping.identifiers)
    names = ", ".join(repr(columns[n]) for n in mapping.identifiers.values())
    no_id = f"no identifier: expected a value in at least one of {names}, found none"
    problems.append(f"CASE WHEN {ids} THEN {sql.lit(no_id)} END")
    bad = [f"({c.fail()})" for c in read] + [f"({ids})"]
    tp_select = ""
    tp_join = ""
    if touchpoints is not None:
        # The rules run once per distinct code (a few dozen), not once per row.
        code = next(c for c in checks if c.alias == "event_code")
        wh.execute(
            "CREATE OR REPLACE TEMP TABLE __codes AS SELECT code, "
            f"{touchpoints.sql_case('code')} AS __tp FROM "
            f"(SELECT DISTINCT {code.expr} AS code FROM (SELECT "
            f"{sql.raw_text(code.raw_col or '')} AS {_trimmed(code.raw_col or '')} FROM __stg))"
        )
        tp_select = ", __codes.__tp"
        tp_join = "LEFT JOIN __codes ON __codes.code = t.event_code"
        if touchpoints.unmatched == "quarantine" and mapping.event_code is not None:
            code_col = columns[mapping.event_code.from_ or ""]
            unmatched = "(event_code IS NOT NULL AND __tp IS NULL)"
            bad.append(unmatched)
            problems.append(
                f"CASE WHEN {unmatched} THEN "
                f"{sql.lit(f'column {code_col!r}: expected an event code of the journey map or of the mapping rules, found ')}"
                " || chr(39) || event_code || chr(39) END"
            )
    bad_col = [f"CASE WHEN {c.fail()} THEN {sql.lit(c.raw_col or '')} END" for c in read]
    bad_val = [f"CASE WHEN {c.fail()} THEN {c.raw_expr} END" for c in read]
    # The row's identity for deduplication: the mapped id, or a hash of every raw cell.
    id_col = ID_COLUMN.get(mapping.target)
    keyed = id_col is not None and id_col in mapping.columns and mapping.columns[id_col].from_
    content = ""
    raw_cells: list[str] = []
    if keyed and id_col:
        row_key = sql.ident(id_col)
    else:
        # Renamed: a raw column may bear the name of a canonical one (``ts`` in a JSON file).
        raw_cells = [f"{sql.ident(c)} AS {sql.ident('__raw:' + c)}" for c in raw.columns]
        cells = ", ".join(f"COALESCE({sql.ident('__raw:' + c)}, chr(0))" for c in raw.columns)
        content = f", md5(concat_ws(chr(31), {cells})) AS __content"
        row_key = "__content"
    used = sorted({c.raw_col for c in read if c.raw_col})
    trims = ", ".join(["__row", *raw_cells] + [f"{sql.raw_text(c)} AS {_trimmed(c)}" for c in used])
    # The mapped id lives on in __key ('source:id'), which is what the target stores.
    kept = ["__row", *(sql.ident(c.alias) for c in checks if not keyed or c.alias != id_col)]
    kept.append("__key")
    if tp_select:
        kept.append("__tp")
    id_columns = ", ".join(sql.ident("__id_" + k) for k in mapping.identifiers)
    # Only the typed values leave this statement; the raw text serves the bad rows' messages.
    wh.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE __typed AS
        WITH t AS (
            SELECT s.*, {", ".join(typed)}{content} FROM (SELECT {trims} FROM __stg) AS s
        ), k AS (
            SELECT t.*, {sql.lit(source + ":")} || {row_key} AS __key {tp_select} FROM t {tp_join}
        ), b AS (
            SELECT *, ({" OR ".join(bad)}) AS __bad FROM k
        )
        SELECT {", ".join(kept)}, hash({id_columns}) AS __tk,
            CASE WHEN __bad THEN NULLIF(concat_ws('; ', {", ".join(problems)}), '') END
                AS __problem,
            CASE WHEN __bad THEN COALESCE({", ".join([*bad_col, "NULL"])}) END AS __bad_col,
            CASE WHEN __bad THEN COALESCE({", ".join([*bad_val, "NULL"])}) END AS __bad_value
        FROM b
        """
    )


def _flag_duplicates(wh: Warehouse, mapping: Mapping) -> None:
    """A row whose key was already seen earlier in the same file is a duplicate: quarantined.

    Keys are first grouped by their 64-bit hash (cheap: no string is compared or kept); only the
    rows whose hash is shared, usually none, are then grouped by the key itself, so that two
    different keys with the same hash are never taken for duplicates."""
    wh.execute(
        "CREATE OR REPLACE TEMP TABLE __dup_hashes AS SELECT hash(__key) AS h FROM __typed "
        "WHERE __problem IS NULL GROUP BY h HAVING count(*) > 1"
    )
    shared = _count(wh, "SELECT count(*) FROM __dup_hashes")
    if not shared:
        wh.execute("DROP TABLE __dup_hashes")
        return
    wh.execute(
        """
        CREATE OR REPLACE TEMP TABLE __dups AS
        SELECT __key, min(__row) AS first_row FROM __typed
        WHERE __problem IS NULL AND hash(__key) IN (SELECT h FROM __dup_hashes)
        GROUP BY __key HAVING count(*) > 1
        """
    )
    wh.execute("DROP TABLE __dup_hashes")
    id_col = ID_COLUMN.get(mapping.target)
    what = f"same {id_col}" if id_col and id_col in mapping.columns else "same content"
    wh.execute(
        f"""
        UPDATE __typed SET
            __problem = 'duplicate of row ' || d.first_row || ' ({what})',
            __bad_col = NULL, __bad_value = NULL
        FROM __dups d
        WHERE __typed.__key = d.__key AND __typed.__row > d.first_row
          AND __typed.__problem IS NULL
        """
    )
    wh.execute("DROP TABLE __dups")


def _reason_counts(wh: Warehouse, raw: RawRead) -> dict[str, int]:
    rows = wh.fetchall(
        "SELECT regexp_replace(__problem, '''[^'']*''', '…', 'g') AS r, count(*) FROM __typed "
        "WHERE __problem IS NOT NULL GROUP BY r ORDER BY 2 DESC"
    )
    counts = {str(r): int(n) for r, n in rows}
    for reject in raw.rejects:
        counts[reject.reason] = counts.get(reject.reason, 0) + 1
    return counts
