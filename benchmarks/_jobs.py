"""The work each benchmark contender does, one per process (called by run.py)."""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

import duckdb

STAGES = ["compare", "quote", "subscribe", "reimbursement", "complaint", "cancel"]
CODES = [
    "WEB_OFFRES",
    "APP_OFFRES",
    "TEL_INFO_OFFRE",
    "WEB_DEVIS",
    "TEL_DEVIS",
    "AG_DEVIS",
    "WEB_ADHESION",
    "AG_ADHESION",
    "EML_COMPTE_CREE",
    "EML_ADHESION_CONFIRMEE",
    "APP_DEMANDE_RMB",
    "COUR_FEUILLE_SOINS",
    "SMS_RMB_EFFECTUE",
    "EML_DECOMPTE",
    "TEL_RECLAMATION",
    "COUR_RESILIATION",
    "WEB_CHATBOT",
]
CHANNELS = {
    "WEB": "Web",
    "APP": "Appli",
    "TEL": "Téléphone",
    "AG": "Agence",
    "EML": "E-mail",
    "COUR": "Courrier",
    "SMS": "SMS",
}
MAPPING = """\
parcours: 1
target: interactions
source: crm
read: {separator: ";", encoding: utf-8}
identifiers: {crm_id: Code client, email: E-mail}
columns:
  event_id: {from: N° action}
  ts: {from: Date, type: datetime, format: "%d/%m/%Y %H:%M"}
  amount: {from: Montant, type: decimal}
  channel: {from: Canal, values: {Web: web, Appli: app, Téléphone: phone, Agence: agency, E-mail: email, Courrier: mail, SMS: sms}}
event_code: {from: Code action}
touchpoints: {journey: JOURNEY}
attributes:
  label: {from: Libellé}
  adviser: {from: Conseiller}
"""


def make_csv(path: Path, rows: int) -> None:
    codes = "[" + ", ".join(f"'{c}'" for c in CODES) + "]"
    chans = "map {" + ", ".join(f"'{k}': '{v}'" for k, v in CHANNELS.items()) + "}"
    con = duckdb.connect()
    con.execute(f"""
        COPY (
          SELECT 'A' || i AS "N° action",
                 'C' || lpad(CAST(hash(i) % 1000000 AS VARCHAR), 7, '0') AS "Code client",
                 CASE WHEN i % 3 = 0 THEN 'client' || (hash(i) % 1000000) || '@exemple.fr' END AS "E-mail",
                 strftime(TIMESTAMP '2024-01-01' + to_seconds(CAST(hash(i * 7) % 86400000 AS BIGINT)), '%d/%m/%Y %H:%M') AS "Date",
                 {chans}[split_part(code, '_', 1)] AS "Canal",
                 code AS "Code action",
                 'Libellé de l''action n°' || (i % 97) AS "Libellé",
                 replace(CAST(round((hash(i) % 100000) / 100.0, 2) AS VARCHAR), '.', ',') AS "Montant",
                 'Conseiller ' || (i % 350) AS "Conseiller"
          FROM (SELECT i, {codes}[1 + CAST(hash(i * 13) % {len(CODES)} AS BIGINT)] AS code FROM range({rows}) t(i))
        ) TO '{path}' (HEADER, DELIMITER ';')
    """)


def duckdb_read_csv(path: Path, workdir: Path) -> str:
    workdir.mkdir(parents=True)
    con = duckdb.connect(str(workdir / "baseline.duckdb"))
    con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv('{path}', delim=';', header=true)")
    return (
        f"{con.execute('SELECT count(*) FROM raw').fetchone()[0]:,} rows, types sniffed, no checks"
    )


def parcours_ingest(path: Path, workdir: Path) -> str:
    from parcours.demo import JOURNEY_PATH
    from parcours.workspace import Workspace

    ws = Workspace.init(workdir)
    mapping = workdir / "mappings" / "crm.yaml"
    mapping.write_text(MAPPING.replace("JOURNEY", str(JOURNEY_PATH)), encoding="utf-8")
    (report,) = ws.ingest([path], mapping=mapping)
    return (
        f"{report.rows_loaded:,} loaded, {report.rows_quarantined:,} quarantined, "
        f"{ws.warehouse.count('customers'):,} customers"
    )


def make_db(path: Path, rows: int) -> None:
    con = duckdb.connect(str(path))
    stages = "[" + ", ".join(f"'{s}'" for s in STAGES) + "]"
    con.execute(f"""
        CREATE TABLE interactions AS
        SELECT 'e' || i AS event_id, 'c' || (hash(i) % {max(rows // 10, 1)}) AS customer_id,
               TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_seconds(CAST(hash(i * 3) % 31536000 AS BIGINT)) AS ts,
               {stages}[1 + CAST(hash(i * 5) % 6 AS BIGINT)] AS stage,
               ['web', 'app', 'phone', 'agency', 'email', 'sms', 'mail'][1 + CAST(hash(i * 11) % 7 AS BIGINT)] AS channel
        FROM range({rows}) t(i)
    """)


RAW_MATRIX = """
WITH cells AS (
  SELECT stage, channel, count(*) AS interactions, count(DISTINCT customer_id) AS customers
  FROM interactions WHERE stage IS NOT NULL GROUP BY stage, channel)
SELECT *, interactions / sum(interactions) OVER (PARTITION BY stage) AS channel_share
FROM cells ORDER BY stage, channel
"""


def raw_conversion() -> str:
    """The same one-pass algorithm as parcours.analytics.stage_conversion, written by hand."""
    firsts = ", ".join(
        f"min(ts) FILTER (WHERE stage = '{s}') AS s{i}" for i, s in enumerate(STAGES)
    )
    aggs = ", ".join(
        f"count(s{i}) AS n{i}, count(*) FILTER (WHERE s{i + 1} >= s{i}) AS c{i}"
        for i in range(len(STAGES) - 1)
    )
    stages = ", ".join(f"'{s}'" for s in STAGES)
    parts = " UNION ALL ".join(
        f"SELECT {i} AS position, '{a}' AS stage, '{b}' AS next_stage, n{i} AS customers, "
        f"c{i} AS converted FROM counts"
        for i, (a, b) in enumerate(itertools.pairwise(STAGES))
    )
    return (
        f"WITH f AS (SELECT customer_id, {firsts} FROM interactions WHERE stage IN ({stages}) "
        f"GROUP BY customer_id), counts AS (SELECT {aggs} FROM f) "
        f"SELECT *, converted / nullif(customers, 0) AS conversion FROM ({parts}) ORDER BY position"
    )


def _best_of(fn, repeat: int = 5) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def query_raw(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET enable_progress_bar = false")
    conversion = raw_conversion()

    def work() -> None:
        con.sql(RAW_MATRIX).to_arrow_table()
        con.sql(conversion).to_arrow_table()

    return f"{_best_of(work):.4f} best of 5 (matrix + conversion)"


def query_ibis(db: Path) -> str:
    import ibis

    from parcours.analytics import stage_channel_matrix, stage_conversion

    raw = duckdb.connect(str(db), read_only=True)
    raw.execute("SET enable_progress_bar = false")
    table = ibis.duckdb.from_connection(raw).table("interactions")

    def work() -> None:
        stage_channel_matrix(table).to_pyarrow()
        stage_conversion(table, STAGES).to_pyarrow()

    return f"{_best_of(work):.4f} best of 5 (matrix + conversion)"


if __name__ == "__main__":
    job, *rest = sys.argv[1:]
    if job == "make-csv":
        make_csv(Path(rest[0]), int(rest[1]))
    elif job == "make-db":
        make_db(Path(rest[0]), int(rest[1]))
    elif job == "duckdb-read_csv":
        print(duckdb_read_csv(Path(rest[0]), Path(rest[1])))
    elif job == "parcours-ingest":
        print(parcours_ingest(Path(rest[0]), Path(rest[1])))
    elif job == "query-raw-sql":
        print(query_raw(Path(rest[0])))
    elif job == "query-ibis":
        print(query_ibis(Path(rest[0])))
    else:
        raise SystemExit(f"unknown job {job}")
