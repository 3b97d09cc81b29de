"""Quantify journeys from interaction logs. Every function builds an Ibis expression, so it runs
unchanged on DuckDB (default) and on Spark; inputs may be Ibis, pandas, polars or pyarrow tables."""

from __future__ import annotations

from parcours.analytics._matrix import stage_channel_matrix, stage_conversion

__all__ = ["stage_channel_matrix", "stage_conversion"]
