"""Writing the good rows of a load into their canonical table (after identity resolution)."""

from __future__ import annotations

from parcours.errors import MappingError, Problem
from parcours.ingest._coerce import SQL_TYPES, ident, lit
from parcours.ingest._mapping import CANONICAL_COLUMNS, Mapping, yaml_place
from parcours.warehouse import Warehouse


def _col(mapping: Mapping, name: str, cast: str) -> str:
    """The typed mapped column, or NULL of the right type when the mapping does not fill it."""
    if name in mapping.columns:
        return f"CAST(g.{ident(name)} AS {cast})"
    return f"CAST(NULL AS {cast})"


def _attrs(mapping: Mapping) -> str:
    if not mapping.attributes:
        return "CAST(NULL AS JSON)"
    names = list(mapping.attributes)
    if len({n.casefold() for n in names}) == len(names) and all(names):
        # A struct cast to JSON writes the same text as json_object, a third faster.
        fields = ", ".join(f"{lit(k)}: g.{ident('__attr_' + k)}" for k in names)
        return f"CAST({{{fields}}} AS JSON)"
    pairs = ", ".join(f"{lit(k)}, g.{ident('__attr_' + k)}" for k in names)
    return f"json_object({pairs})"


def write_target(
    wh: Warehouse, mapping: Mapping, source: str, load_id: str, *, mapping_file: str | None = None
) -> int:
    """Insert the good rows; return how many were already in the table (not written again).

    ``mapping_file``: where the mapping was read from, named in messages (None: given in code)."""
    if mapping.target == "customers":
        _upsert_customers(wh, mapping, mapping_file)
        return 0
    if mapping.target == "interactions":
        return _insert_interactions(wh, mapping, source, load_id)
    if mapping.target == "transactions":
        return _insert_keyed(
            wh,
            "transactions",
            "transaction_id",
            f"""
            SELECT g.__key AS __id, g.customer_id, g.ts, g.amount, {_col(mapping, "order_id", "VARCHAR")},
                   {_col(mapping, "channel", "VARCHAR")}, {lit(source)}, {lit(load_id)},
                   {_attrs(mapping)}
            FROM __gi AS g
            """,
        )
    return _insert_responses(wh, mapping, source, load_id)


def _insert_keyed(wh: Warehouse, table: str, key: str, select: str) -> int:
    """Insert ``select`` (its first column is the row's id) minus the ids already present."""
    wh.execute(f"CREATE OR REPLACE TEMP VIEW __out AS {select}")
    row = wh.fetchone(f"SELECT count(*) FROM __out AS o SEMI JOIN {table} AS t ON t.{key} = o.__id")
    already = int(row[0]) if row else 0
    if already:
        wh.execute(
            f"INSERT INTO {table} SELECT o.* FROM __out AS o "
            f"ANTI JOIN {table} AS t ON t.{key} = o.__id"
        )
    else:
        wh.execute(f"INSERT INTO {table} SELECT * FROM __out")
    wh.execute("DROP VIEW __out")
    return already


def _insert_interactions(wh: Warehouse, mapping: Mapping, source: str, load_id: str) -> int:
    # __typed carries __tp exactly when the mapping maps event codes to touchpoints.
    tp = "g.__tp" if mapping.touchpoints is not None else "CAST(NULL AS VARCHAR)"
    touchpoint = f"coalesce({tp}, {_col(mapping, 'touchpoint', 'VARCHAR')})"
    code = "g.event_code" if mapping.event_code is not None else "CAST(NULL AS VARCHAR)"

    def described(name: str) -> str:
        return f"coalesce(p.{name}, {_col(mapping, name, 'VARCHAR')})"

    return _insert_keyed(
        wh,
        "interactions",
        "event_id",
        f"""
        SELECT g.__key AS __id, g.customer_id, g.ts, {touchpoint}, {described("stage")},
               {described("channel")}, {described("direction")}, {described("nature")},
               {_col(mapping, "amount", "DOUBLE")}, {code}, {lit(source)}, {lit(load_id)},
               {_attrs(mapping)}
        FROM __gi AS g
        LEFT JOIN __tpinfo AS p ON p.touchpoint = {touchpoint}
        """,
    )


def register_touchpoints(
    wh: Warehouse, rows: list[tuple[str, str | None, str | None, str | None, str | None]]
) -> None:
    """Make the journey's touchpoint descriptions available to the interactions insert."""
    wh.execute(
        "CREATE OR REPLACE TEMP TABLE __tpinfo "
        "(touchpoint VARCHAR, stage VARCHAR, channel VARCHAR, direction VARCHAR, nature VARCHAR)"
    )
    if rows:
        wh.execute(
            "INSERT INTO __tpinfo VALUES "
            + ", ".join("(" + ", ".join(_opt(v) for v in r) + ")" for r in rows)
        )


def _opt(value: str | None) -> str:
    return "NULL" if value is None else lit(value)


def _insert_responses(wh: Warehouse, mapping: Mapping, source: str, load_id: str) -> int:
    verbatim = _col(mapping, "verbatim", "VARCHAR")
    common = (
        f"g.customer_id, g.ts, {_col(mapping, 'stage', 'VARCHAR')}, "
        f"{_col(mapping, 'touchpoint', 'VARCHAR')}, {_col(mapping, 'channel', 'VARCHAR')}"
    )
    tail = f"{_col(mapping, 'lang', 'VARCHAR')}, {lit(source)}, {lit(load_id)}, {_attrs(mapping)}"
    base = "FROM __gi AS g"
    if not mapping.metrics:
        select = (
            f"SELECT g.__key AS __id, {common}, g.metric, g.score, {verbatim}, {tail} {base}"
            f" WHERE g.score IS NOT NULL OR {verbatim} IS NOT NULL"
        )
        return _insert_keyed(wh, "responses", "response_id", select)
    # One response row per answered metric; the verbatim rides with the first answered one.
    names = list(mapping.metrics)
    parts = []
    for pos, name in enumerate(names):
        earlier = " AND ".join(f"g.{ident('__metric_' + n)} IS NULL" for n in names[:pos]) or "true"
        value = f"g.{ident('__metric_' + name)}"
        parts.append(
            f"SELECT g.__key || ':' || {lit(name)} AS __id, {common}, {lit(name)}, CAST({value} AS DOUBLE),"
            f" CASE WHEN {earlier} THEN {verbatim} END, {tail} {base} WHERE {value} IS NOT NULL"
        )
    none = " AND ".join(f"g.{ident('__metric_' + n)} IS NULL" for n in names)
    parts.append(
        f"SELECT g.__key || ':verbatim' AS __id, {common}, 'verbatim', CAST(NULL AS DOUBLE), {verbatim},"
        f" {tail} {base} WHERE {none} AND {verbatim} IS NOT NULL"
    )
    return _insert_keyed(wh, "responses", "response_id", " UNION ALL ".join(parts))


def _upsert_customers(wh: Warehouse, mapping: Mapping, mapping_file: str | None) -> None:
    """Customer attributes become typed columns; a re-load updates them with non-empty values."""

    def problem(name: str, expected: str, found: str) -> Problem:
        if mapping_file is None:
            return Problem("mapping", None, None, f"attributes.{name}", expected, found)
        line, column = yaml_place(mapping_file, ("attributes", name))
        return Problem(mapping_file, line, column, f"attributes.{name}", expected, found)

    existing = {
        r[0]: r[1]
        for r in wh.fetchall(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'customers'"
        )
    }
    problems = []
    for name, spec in mapping.attributes.items():
        wanted = SQL_TYPES[spec.type or "string"]
        if name in CANONICAL_COLUMNS["customers"] or name in (
            "customer_id",
            "first_seen",
            "last_seen",
            "updated_at",
        ):
            problems.append(problem(name, "a new name", "a reserved one"))
        elif name not in existing:
            wh.execute(f"ALTER TABLE customers ADD COLUMN {ident(name)} {wanted}")
        elif not _same_type(existing[name], wanted):
            problems.append(
                problem(name, f"type {existing[name]} (as already in the warehouse)", wanted)
            )
    if problems:
        what = "the customer attributes of this mapping"
        raise MappingError(problems, what=f"{what} ({mapping_file})" if mapping_file else what)
    cols = list(mapping.attributes)
    values = ", ".join(
        f"arg_max(g.{ident('__attr_' + n)}, g.__row) FILTER (WHERE g.{ident('__attr_' + n)} "
        f"IS NOT NULL) AS {ident(n)}"
        for n in cols
    )
    created = (
        "min(g.created_at) AS created_at"
        if "created_at" in mapping.columns
        else "CAST(NULL AS TIMESTAMPTZ) AS created_at"
    )
    select = f"SELECT g.customer_id, {created}{', ' + values if values else ''} " + (
        "FROM __gi AS g GROUP BY g.customer_id"
    )
    target_cols = ["customer_id", "created_at", *cols]
    wh.execute(f"CREATE OR REPLACE TEMP TABLE __cust AS {select}")
    updates = ", ".join(
        f"{ident(c)} = coalesce(n.{ident(c)}, customers.{ident(c)})" for c in target_cols[1:]
    )
    _upsert(
        wh,
        "__cust",
        f"UPDATE customers SET {updates}, updated_at = now() FROM __cust AS n "
        "WHERE customers.customer_id = n.customer_id",
        f"INSERT INTO customers ({', '.join(ident(c) for c in target_cols)}, updated_at) "
        "SELECT n.*, now() FROM __cust AS n ANTI JOIN customers AS c USING (customer_id)",
    )


def _same_type(found: str, wanted: str) -> bool:
    aliases = {"TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ"}
    return aliases.get(found, found) == wanted


def touch_customers(wh: Warehouse) -> None:
    """Every customer seen in this load has a row; first and last seen follow their activity
    (``__seen``, left by identity resolution: customer, first and last seen)."""
    _upsert(
        wh,
        "__seen",
        "UPDATE customers SET first_seen = least(customers.first_seen, n.first_seen), "
        "last_seen = greatest(customers.last_seen, n.last_seen) FROM __seen AS n "
        "WHERE customers.customer_id = n.customer_id",
        "INSERT INTO customers (customer_id, first_seen, last_seen, updated_at) "
        "SELECT n.customer_id, n.first_seen, n.last_seen, now() "
        "FROM __seen AS n ANTI JOIN customers AS c USING (customer_id)",
    )


def _upsert(wh: Warehouse, staged: str, update: str, insert: str) -> None:
    """Update the customers already known, then add the new ones (the table has no index: an
    index over millions of ids costs more memory than a load may use)."""
    row = wh.fetchone(f"SELECT count(*) FROM {staged} SEMI JOIN customers USING (customer_id)")
    if row and row[0]:
        wh.execute(update)
    wh.execute(insert)
    wh.execute(f"DROP TABLE {staged}")
