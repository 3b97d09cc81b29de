"""The canonical tables: the contract between ingest and every analysis (DESIGN.md)."""

from __future__ import annotations

# Column order matters: ingest inserts by name, analyses read by name, users read in this order.
CANONICAL_DDL: dict[str, str] = {
    "customers": """
        CREATE TABLE IF NOT EXISTS customers (
            customer_id VARCHAR NOT NULL,
            created_at TIMESTAMPTZ,
            first_seen TIMESTAMPTZ,
            last_seen TIMESTAMPTZ,
            updated_at TIMESTAMPTZ
        )""",
    "identities": """
        CREATE TABLE IF NOT EXISTS identities (
            customer_id VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            value VARCHAR NOT NULL,
            source VARCHAR,
            first_seen TIMESTAMPTZ
        )""",
    "interactions": """
        CREATE TABLE IF NOT EXISTS interactions (
            event_id VARCHAR NOT NULL,
            customer_id VARCHAR NOT NULL,
            ts TIMESTAMPTZ NOT NULL,
            touchpoint VARCHAR,
            stage VARCHAR,
            channel VARCHAR,
            direction VARCHAR,
            nature VARCHAR,
            amount DOUBLE,
            event_code VARCHAR,
            source VARCHAR NOT NULL,
            load_id VARCHAR NOT NULL,
            attrs JSON
        )""",
    "transactions": """
        CREATE TABLE IF NOT EXISTS transactions (
            transaction_id VARCHAR NOT NULL,
            customer_id VARCHAR NOT NULL,
            ts TIMESTAMPTZ NOT NULL,
            amount DOUBLE NOT NULL,
            order_id VARCHAR,
            channel VARCHAR,
            source VARCHAR NOT NULL,
            load_id VARCHAR NOT NULL,
            attrs JSON
        )""",
    "responses": """
        CREATE TABLE IF NOT EXISTS responses (
            response_id VARCHAR NOT NULL,
            customer_id VARCHAR NOT NULL,
            ts TIMESTAMPTZ NOT NULL,
            stage VARCHAR,
            touchpoint VARCHAR,
            channel VARCHAR,
            metric VARCHAR NOT NULL,
            score DOUBLE,
            verbatim VARCHAR,
            lang VARCHAR,
            source VARCHAR NOT NULL,
            load_id VARCHAR NOT NULL,
            attrs JSON
        )""",
    "quarantine": """
        CREATE TABLE IF NOT EXISTS quarantine (
            load_id VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            file VARCHAR NOT NULL,
            "row" BIGINT,
            "column" VARCHAR,
            value VARCHAR,
            reason VARCHAR NOT NULL,
            ingested_at TIMESTAMPTZ NOT NULL
        )""",
    "loads": """
        CREATE TABLE IF NOT EXISTS loads (
            load_id VARCHAR PRIMARY KEY,
            source VARCHAR NOT NULL,
            target VARCHAR NOT NULL,
            file VARCHAR NOT NULL,
            file_hash VARCHAR NOT NULL,
            mapping_hash VARCHAR NOT NULL,
            rows_read BIGINT NOT NULL,
            rows_loaded BIGINT NOT NULL,
            rows_quarantined BIGINT NOT NULL,
            rows_already_loaded BIGINT NOT NULL,
            started_at TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ NOT NULL
        )""",
    "customer_merges": """
        CREATE TABLE IF NOT EXISTS customer_merges (
            merged_id VARCHAR NOT NULL,
            into_id VARCHAR NOT NULL,
            load_id VARCHAR NOT NULL,
            merged_at TIMESTAMPTZ NOT NULL
        )""",
}

CANONICAL_TABLES: tuple[str, ...] = tuple(CANONICAL_DDL)

# Tables a capability writes for the others to read (through the warehouse, not an import):
# persona_scores(customer_id, persona, score, confidence), written by parcours.personas.score.
PERSONA_SCORES = "persona_scores"
