"""Quantify journeys from interaction logs. Every function builds an Ibis expression, so it runs
unchanged on DuckDB (default) and on Spark; inputs may be Ibis, pandas, polars or pyarrow tables.

Event columns default to customer_id, ts, touchpoint, channel and can be renamed by keyword
arguments (``customer=``, ``ts=``, ``touchpoint=``; a process log's ``case=``, ``activity=``,
``timestamp=`` for :func:`dfg` and :func:`variants`).
"""

from __future__ import annotations

from parcours.analytics._common import AnalyticsError, parse_duration
from parcours.analytics._funnel import Exclusion, FunnelResult, Step, funnel, stage_funnel
from parcours.analytics._matrix import stage_channel_matrix, stage_conversion
from parcours.analytics._process import dfg, variants

__all__ = [
    "AnalyticsError",
    "Exclusion",
    "FunnelResult",
    "Step",
    "dfg",
    "funnel",
    "parse_duration",
    "stage_channel_matrix",
    "stage_conversion",
    "stage_funnel",
    "variants",
]
