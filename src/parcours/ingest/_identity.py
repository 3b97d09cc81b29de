"""Identity resolution: rows that share an identifier (e-mail, CRM id, phone...) are one customer.

Identifiers are nodes; a row carrying several identifiers links them, and so does an existing
customer who already owns several. Connected components are found inside the engine by min-label
propagation with pointer jumping (a few rounds even on millions of rows). A component that touches
several existing customers merges them: the oldest id is kept, the others are rewritten everywhere
and recorded in ``customer_merges``.

The work runs on the distinct identifier tuples of the load (a million customers, not ten million
rows); the result is ``__gi``: every good row with its ``customer_id``.
"""

from __future__ import annotations

from parcours.ingest._coerce import ident, lit
from parcours.warehouse import Warehouse

MAX_ROUNDS = 64
_FACT_TABLES = ("interactions", "transactions", "responses")


def resolve_identities(
    wh: Warehouse, kinds: list[str], *, source: str, load_id: str, ts: str | None = None
) -> None:
    """Give every row of ``__good`` a customer id; create, extend and merge customers.

    Also leave ``__seen``: each customer of the load with the first and last time of its rows
    (``ts``, the rows' time column; NULL without one), taken per identifier tuple on the way (no
    second pass over the rows)."""
    columns = [ident("__id_" + k) for k in kinds]
    time = ts or "CAST(NULL AS TIMESTAMPTZ)"
    seen = f", min({time}) AS __first, max({time}) AS __last"
    wh.execute(
        "CREATE OR REPLACE TEMP TABLE __tuples AS SELECT row_number() OVER () AS __tid, * FROM "
        f"(SELECT __tk, {', '.join(columns)}{seen} FROM __good "
        f"GROUP BY __tk, {', '.join(columns)})"
    )
    union = " UNION ALL ".join(
        f"SELECT __tid AS __row, {lit(k)} AS kind, {c} AS value FROM __tuples WHERE {c} IS NOT NULL"
        for k, c in zip(kinds, columns, strict=True)
    )
    wh.execute(f"CREATE OR REPLACE TEMP TABLE __rid AS {union}")
    wh.execute(
        """
        CREATE OR REPLACE TEMP TABLE __nodes AS
        SELECT row_number() OVER () AS nid, kind, value, i.customer_id
        FROM (SELECT DISTINCT kind, value FROM __rid) AS n
        LEFT JOIN identities AS i USING (kind, value)
        """
    )
    wh.execute(
        "CREATE OR REPLACE TEMP TABLE __rn AS "
        "SELECT r.__row, n.nid FROM __rid AS r JOIN __nodes AS n USING (kind, value)"
    )
    # Groups that link nodes: rows with several identifiers, and existing customers who own
    # several of this load's identifiers (their other identifiers need no work: they follow).
    wh.execute(
        """
        CREATE OR REPLACE TEMP TABLE __links AS
        SELECT __row AS g, nid FROM __rn
        WHERE __row IN (SELECT __row FROM __rn GROUP BY __row HAVING count(*) > 1)
        UNION ALL
        SELECT -dense_rank() OVER (ORDER BY customer_id) AS g, nid FROM __nodes
        WHERE customer_id IN (
            SELECT customer_id FROM __nodes WHERE customer_id IS NOT NULL
            GROUP BY customer_id HAVING count(*) > 1)
        """
    )
    shared = wh.fetchone(
        "SELECT count(*) FROM (SELECT nid FROM __links GROUP BY nid HAVING count(*) > 1)"
    )
    if shared is not None and shared[0] == 0:
        # No node links two groups (each row's identifiers are seen together only): every group
        # is a component of its own, labelled by its smallest node; no propagation is needed.
        wh.execute(
            "CREATE OR REPLACE TEMP TABLE __label AS SELECT k.nid, m.lbl FROM __links AS k "
            "JOIN (SELECT g, min(nid) AS lbl FROM __links GROUP BY g) AS m USING (g)"
        )
        rounds = 0
    else:
        wh.execute(
            "CREATE OR REPLACE TEMP TABLE __label AS SELECT DISTINCT nid, nid AS lbl FROM __links"
        )
        rounds = MAX_ROUNDS
    for _ in range(rounds):
        wh.execute(
            """
            CREATE OR REPLACE TEMP TABLE __next AS
            WITH g AS (
                SELECT k.g, min(l.lbl) AS lbl FROM __links AS k JOIN __label AS l USING (nid)
                GROUP BY k.g
            ), n AS (
                SELECT k.nid, min(g.lbl) AS lbl FROM __links AS k JOIN g USING (g) GROUP BY k.nid
            )
            SELECT n.nid, least(n.lbl, coalesce(j.lbl, n.lbl)) AS lbl
            FROM n LEFT JOIN __label AS j ON j.nid = n.lbl
            """
        )
        row = wh.fetchone(
            "SELECT count(*) FROM __next AS n JOIN __label AS l USING (nid) WHERE n.lbl <> l.lbl"
        )
        wh.execute("CREATE OR REPLACE TEMP TABLE __label AS FROM __next")
        if row is None or row[0] == 0:
            break
    wh.execute(
        """
        CREATE OR REPLACE TEMP TABLE __comp AS
        SELECT n.nid, coalesce(l.lbl, n.nid) AS comp, n.kind, n.value, n.customer_id
        FROM __nodes AS n LEFT JOIN __label AS l USING (nid)
        """
    )
    # One customer per component: the oldest existing one, else a new stable id.
    wh.execute(
        """
        CREATE OR REPLACE TEMP TABLE __owner AS
        WITH existing AS (
            SELECT c.comp, c.customer_id, min(cu.first_seen) AS seen
            FROM __comp AS c LEFT JOIN customers AS cu USING (customer_id)
            WHERE c.customer_id IS NOT NULL GROUP BY c.comp, c.customer_id
        ), chosen AS (
            SELECT comp, arg_min(customer_id, (coalesce(seen, TIMESTAMPTZ '9999-01-01'),
                                               customer_id)) AS customer_id
            FROM existing GROUP BY comp
        ), fresh AS (
            SELECT comp, 'cu-' || substr(md5(min(kind || ':' || value)), 1, 16) AS customer_id
            FROM __comp GROUP BY comp
        )
        SELECT f.comp, coalesce(c.customer_id, f.customer_id) AS customer_id,
               c.customer_id IS NULL AS is_new
        FROM fresh AS f LEFT JOIN chosen AS c USING (comp)
        """
    )
    _merge(wh, load_id)
    wh.execute(
        """
        INSERT INTO identities
        SELECT o.customer_id, c.kind, c.value, ?, now()
        FROM __comp AS c JOIN __owner AS o USING (comp)
        WHERE c.customer_id IS NULL
        """,
        [source],
    )
    # Every node of a tuple lies in one component, hence has one owner: any of them will do.
    wh.execute(
        """
        CREATE OR REPLACE TEMP TABLE __tuple_owner AS
        SELECT r.__row AS __tid, any_value(o.customer_id) AS customer_id
        FROM __rn AS r JOIN __comp AS c USING (nid) JOIN __owner AS o USING (comp)
        GROUP BY r.__row
        """
    )
    wh.execute(
        "CREATE OR REPLACE TEMP TABLE __seen AS SELECT o.customer_id, "
        "min(t.__first) AS first_seen, max(t.__last) AS last_seen "
        "FROM __tuples AS t JOIN __tuple_owner AS o USING (__tid) GROUP BY o.customer_id"
    )
    # Rows find their tuple by its 64-bit hash; only if two tuples share a hash (never seen in
    # practice) is the exact, slower comparison of every identifier needed.
    clash = wh.fetchone(
        "SELECT count(*) FROM (SELECT __tk FROM __tuples GROUP BY __tk HAVING count(*) > 1)"
    )
    if clash and clash[0]:
        same = " AND ".join(f"g.{c} IS NOT DISTINCT FROM t.{c}" for c in columns)
        wh.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE __gi_rows AS
            SELECT g.*, o.customer_id
            FROM __good AS g JOIN __tuples AS t ON g.__tk = t.__tk AND {same}
            JOIN __tuple_owner AS o USING (__tid)
            """
        )
        wh.execute("CREATE OR REPLACE TEMP VIEW __gi AS FROM __gi_rows")
    else:
        # A small map from tuple hash to customer; the rows are joined to it when written.
        wh.execute(
            "CREATE OR REPLACE TEMP TABLE __owner_tk AS SELECT t.__tk, o.customer_id "
            "FROM __tuples AS t JOIN __tuple_owner AS o USING (__tid)"
        )
        wh.execute(
            "CREATE OR REPLACE TEMP VIEW __gi AS "
            "SELECT g.*, o.customer_id FROM __good AS g JOIN __owner_tk AS o USING (__tk)"
        )
    names = ("__rid", "__nodes", "__rn", "__links", "__label", "__next", "__comp", "__tuples")
    for name in (*names, "__tuple_owner"):
        wh.execute(f"DROP TABLE IF EXISTS {name}")


def _merge(wh: Warehouse, load_id: str) -> None:
    """Rewrite customers that this load proves to be the same person into the kept one."""
    wh.execute(
        """
        CREATE OR REPLACE TEMP TABLE __merge AS
        SELECT DISTINCT c.customer_id AS merged_id, o.customer_id AS into_id
        FROM __comp AS c JOIN __owner AS o USING (comp)
        WHERE c.customer_id IS NOT NULL AND c.customer_id <> o.customer_id
        """
    )
    row = wh.fetchone("SELECT count(*) FROM __merge")
    if row is None or row[0] == 0:
        wh.execute("DROP TABLE __merge")
        return
    for table in (*_FACT_TABLES, "identities"):
        wh.execute(
            f"UPDATE {table} SET customer_id = m.into_id FROM __merge AS m "
            f"WHERE {table}.customer_id = m.merged_id"
        )
    columns = [
        r[0]
        for r in wh.fetchall(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'customers' AND column_name <> 'customer_id' "
            "ORDER BY ordinal_position"
        )
    ]
    # Several customers may merge into one at once: fold them first (dates span all of them,
    # an attribute comes from the oldest merged customer that has one), then into the kept one.
    kept = [c for c in columns if c not in ("first_seen", "last_seen")]
    folded = ", ".join(
        f"arg_min(cu.{ident(c)}, (cu.first_seen, cu.customer_id)) "
        f"FILTER (WHERE cu.{ident(c)} IS NOT NULL) AS {ident(c)}"
        for c in kept
    )
    merged_values = ", ".join(
        f"{ident(c)} = coalesce(customers.{ident(c)}, s.{ident(c)})" for c in kept
    )
    wh.execute(
        f"""
        UPDATE customers SET {merged_values},
            first_seen = least(customers.first_seen, s.first_seen),
            last_seen = greatest(customers.last_seen, s.last_seen)
        FROM (SELECT m.into_id, min(cu.first_seen) AS first_seen, max(cu.last_seen) AS last_seen,
                     {folded}
              FROM __merge AS m JOIN customers AS cu ON cu.customer_id = m.merged_id
              GROUP BY m.into_id) AS s
        WHERE customers.customer_id = s.into_id
        """
    )
    wh.execute("DELETE FROM customers WHERE customer_id IN (SELECT merged_id FROM __merge)")
    wh.execute(
        "INSERT INTO customer_merges SELECT merged_id, into_id, ?, now() FROM __merge",
        [load_id],
    )
    wh.execute("DROP TABLE __merge")
