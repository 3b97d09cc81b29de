"""Pydantic models shared by the routers: the contract of the API (see /api/v1/openapi.json)."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Model", "RoleName", "TableOut", "table_out"]

RoleName = Literal["admin", "analyst", "viewer", "participant"]


class Model(BaseModel):
    """Every request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


class TableOut(BaseModel):
    """A table answer: the columns in order and one object per row (``null`` for missing)."""

    columns: list[str]
    rows: list[dict[str, Any]]
    n: int = Field(description="number of rows")


def table_out(result: Any) -> TableOut:
    """A library table (Ibis, pandas...) as JSON rows: dates in ISO 8601, NaN as null."""
    frame = result.to_pandas() if hasattr(result, "to_pandas") else result
    named = any(n is not None for n in frame.index.names)
    frame = frame.reset_index() if named else frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    rows = json.loads(frame.to_json(orient="records", date_format="iso", double_precision=15))
    return TableOut(columns=list(frame.columns), rows=rows, n=len(rows))
