"""Read an XES event log (``.xes`` or ``.xes.gz``, the IEEE process-mining format) as a table.

Streaming parse (``iterparse``), so a large log is read without its whole XML tree in memory.
Columns: ``case:concept:name`` (and the other trace attributes prefixed ``case:``), then every
event attribute (``concept:name``, ``time:timestamp``, ``org:resource``...), one row per event in
file order — what :func:`parcours.analytics.dfg` reads with ``case=``, ``activity=``,
``timestamp=``.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from parcours.errors import AnalyticsError

__all__ = ["read_xes"]

_VALUES = {"string", "date", "int", "float", "boolean", "id"}


def read_xes(path: str | Path) -> Any:
    """The events of an XES log as a pandas DataFrame (timestamps parsed, UTC)."""
    import xml.etree.ElementTree as ET  # a local file the user names, not the web

    import pandas as pd

    file = Path(path)
    opener = gzip.open if file.name.endswith(".gz") else open
    rows: list[dict[str, Any]] = []
    trace: dict[str, Any] = {}
    current: dict[str, Any] = {}
    in_event = False
    try:
        with opener(file, "rb") as handle:
            for kind, element in ET.iterparse(handle, events=("start", "end")):  # noqa: S314  # the user's own log file; iterparse resolves no external entities
                tag = element.tag.rsplit("}", 1)[-1]
                if kind == "start":
                    if tag == "trace":
                        trace = {}
                    elif tag == "event":
                        in_event, current = True, {}
                    continue
                if tag in _VALUES:
                    key = element.get("key")
                    if key is not None:
                        if in_event:
                            current[key] = element.get("value")
                        else:
                            trace[f"case:{key}"] = element.get("value")
                elif tag == "event":
                    rows.append({**trace, **current})
                    in_event = False
                    element.clear()
                elif tag == "trace":
                    element.clear()
    except (OSError, ET.ParseError) as exc:
        raise AnalyticsError(
            f"expected an XES log (XML, optionally gzipped) at {file}, found: {exc}"
        ) from exc
    frame = pd.DataFrame(rows)
    if "time:timestamp" in frame.columns:
        frame["time:timestamp"] = pd.to_datetime(
            frame["time:timestamp"], utc=True, format="ISO8601"
        )
    return frame
