"""Quantify journeys from interaction logs. Every function builds an Ibis expression, so it runs
unchanged on DuckDB (default) and on Spark; inputs may be Ibis, pandas, polars or pyarrow tables.

Event columns default to customer_id, ts, touchpoint, channel and can be renamed by keyword
arguments (``customer=``, ``ts=``, ``touchpoint=``; a process log's ``case=``, ``activity=``,
``timestamp=`` for :func:`dfg` and :func:`variants`).
"""

from __future__ import annotations

from parcours.analytics import _messages  # noqa: F401  # registers the package's words
from parcours.analytics._attribution import attribution, conversion_paths, removal_effects
from parcours.analytics._common import parse_duration
from parcours.analytics._detect import (
    blocking_points,
    main_stages,
    redundancies,
    ruptures,
    timing,
)
from parcours.analytics._funnel import Exclusion, FunnelResult, Step, funnel, stage_funnel
from parcours.analytics._matrix import (
    matrix,
    missing_touchpoints,
    preferred_channels,
    stage_channel_matrix,
    stage_conversion,
    undefined_event_codes,
)
from parcours.analytics._paths import paths, sankey_edges, sessions
from parcours.analytics._process import dfg, variants
from parcours.analytics._winning import winning_journeys
from parcours.analytics._xes import read_xes
from parcours.errors import AnalyticsError

__all__ = [
    "AnalyticsError",
    "Exclusion",
    "FunnelResult",
    "Step",
    "attribution",
    "blocking_points",
    "conversion_paths",
    "dfg",
    "funnel",
    "main_stages",
    "matrix",
    "missing_touchpoints",
    "parse_duration",
    "paths",
    "preferred_channels",
    "read_xes",
    "redundancies",
    "removal_effects",
    "report_sections",
    "ruptures",
    "sankey_edges",
    "sessions",
    "stage_channel_matrix",
    "stage_conversion",
    "stage_funnel",
    "timing",
    "undefined_event_codes",
    "variants",
    "winning_journeys",
]


def report_sections(workspace: object, journey: object, lang: str) -> list[object]:
    """The analytics sections of the report (``parcours.render.Section``): matrix heatmap, stage
    funnel, top paths, time between stages, blocking points, redundancies and ruptures."""
    from parcours.analytics._report import report_sections as sections

    return list(sections(workspace, journey, lang))
