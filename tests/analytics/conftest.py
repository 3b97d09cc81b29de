"""Helpers for analytics tests: small hand-made event logs."""

from __future__ import annotations

import pandas as pd


def events(
    rows: list[tuple], columns: tuple[str, ...] = ("customer_id", "ts", "touchpoint")
) -> pd.DataFrame:
    """A log from (customer, timestamp, touchpoint[, more...]) tuples; timestamps in UTC."""
    frame = pd.DataFrame(rows, columns=list(columns[: len(rows[0])]))
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True, format="mixed")
    return frame
