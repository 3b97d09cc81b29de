"""The mapping spec: how one kind of raw export becomes rows of one canonical table.

The format is documented for users in docs/mapping.md; this module is its typed form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from parcours.errors import MappingError, Problem

Target = Literal["interactions", "customers", "transactions", "responses"]
ColumnType = Literal["string", "integer", "decimal", "datetime", "date", "boolean"]

_SLUG = r"^[a-z][a-z0-9_]*$"

# Canonical columns a mapping may fill, per target, and the ones that must have a value.
CANONICAL_COLUMNS: dict[str, dict[str, ColumnType]] = {
    "interactions": {
        "event_id": "string",
        "ts": "datetime",
        "touchpoint": "string",
        "stage": "string",
        "channel": "string",
        "direction": "string",
        "nature": "string",
        "amount": "decimal",
    },
    "customers": {"created_at": "datetime"},
    "transactions": {
        "transaction_id": "string",
        "ts": "datetime",
        "amount": "decimal",
        "order_id": "string",
        "channel": "string",
    },
    "responses": {
        "response_id": "string",
        "ts": "datetime",
        "stage": "string",
        "touchpoint": "string",
        "channel": "string",
        "metric": "string",
        "score": "decimal",
        "verbatim": "string",
        "lang": "string",
    },
}
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "interactions": ("ts",),
    "customers": (),
    "transactions": ("ts", "amount"),
    "responses": ("ts",),
}
ID_COLUMN: dict[str, str] = {
    "interactions": "event_id",
    "transactions": "transaction_id",
    "responses": "response_id",
}


_UNSET_IS_UNCHANGED = (("read", "quoted_max_lines"), ("read", "quoted_max_bytes"), ("", "dates"))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ReadSpec(_Strict):
    """How to read the file; anything left out is sniffed."""

    format: Literal["csv", "tsv", "xlsx", "parquet", "jsonl"] | None = None
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    skip_rows: int = Field(default=0, ge=0)
    quoted_max_lines: int | None = Field(default=None, ge=1)
    """The most lines a quoted field may span (None: 100); past it the quote is a stray one."""
    quoted_max_bytes: int | None = Field(default=None, ge=1)
    """The same limit in bytes (None: 1 MiB)."""

    def limits(self) -> dict[str, int]:
        """The limits of a quoted field that the mapping sets (the reader has the defaults)."""
        given = {
            "quoted_max_lines": self.quoted_max_lines,
            "quoted_max_bytes": self.quoted_max_bytes,
        }
        return {key: value for key, value in given.items() if value is not None}


class ColumnSpec(_Strict):
    """Where one canonical column (or attribute) takes its value, and how to read it."""

    from_: str | None = Field(default=None, alias="from")
    value: str | int | float | bool | None = None
    type: ColumnType | None = None
    format: str | None = None
    formats: list[str] = Field(default_factory=list)
    values: dict[str, str] | None = None
    required: bool | None = None
    min: float | None = None
    max: float | None = None
    lower: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> ColumnSpec:
        if (self.from_ is None) == (self.value is None):
            raise ValueError("exactly one of 'from' (a raw column) or 'value' (a constant)")
        if self.format is not None and self.formats:
            raise ValueError("either 'format' or 'formats', not both")
        return self

    @property
    def all_formats(self) -> list[str]:
        return [self.format] if self.format else list(self.formats)


class Rule(_Strict):
    """One event-code rule: exactly one of equals / in / regex, and the touchpoint it gives."""

    equals: str | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    regex: str | None = None
    touchpoint: str

    @model_validator(mode="after")
    def _one_test(self) -> Rule:
        given = [x for x in (self.equals, self.in_, self.regex) if x is not None]
        if len(given) != 1:
            raise ValueError("exactly one of 'equals', 'in' or 'regex'")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"a valid regular expression ({exc})") from exc
        return self


class DateRange(_Strict):
    """The dates a file may hold; a date or date-time outside goes to the quarantine."""

    earliest: dt.date = dt.date(1900, 1, 1)
    latest: dt.date | None = None
    """None: five years after the day of the load."""

    def bounds(self, today: dt.date | None = None) -> tuple[str, str]:
        """(earliest, latest) as ISO dates."""
        if self.latest is not None:
            return self.earliest.isoformat(), self.latest.isoformat()
        day = today or dt.date.today()
        ahead = (
            day.replace(year=day.year + 5)
            if (day.month, day.day) != (2, 29)
            else day.replace(year=day.year + 5, day=28)
        )
        return self.earliest.isoformat(), ahead.isoformat()


class TouchpointSpec(_Strict):
    journey: str | None = None
    rules: list[Rule] = Field(default_factory=list)
    unmatched: Literal["keep", "quarantine"] = "keep"


Slug = Annotated[str, Field(pattern=_SLUG)]


class Mapping(_Strict):
    """A whole mapping file."""

    parcours: int = 1
    target: Target
    source: str | None = None
    read: ReadSpec = Field(default_factory=ReadSpec)
    timezone: str | None = None
    identifiers: dict[Slug, str]
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    metrics: dict[Slug, ColumnSpec] = Field(default_factory=dict)
    event_code: ColumnSpec | None = None
    touchpoints: TouchpointSpec | None = None
    attributes: dict[Slug, ColumnSpec] = Field(default_factory=dict)
    required: list[str] = Field(default_factory=list)
    dates: DateRange | None = None
    """The plausible dates (None: from 1900-01-01 to five years ahead)."""

    @field_validator("identifiers")
    @classmethod
    def _some_identifier(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("at least one identifier column (crm_id, email, phone, cookie...)")
        return value

    @model_validator(mode="after")
    def _fits_target(self) -> Mapping:
        allowed = CANONICAL_COLUMNS[self.target]
        unknown = [c for c in self.columns if c not in allowed]
        if unknown:
            raise ValueError(
                f"columns of the {self.target} table ({', '.join(allowed)}); "
                f"unknown: {', '.join(unknown)}"
            )
        if self.metrics and self.target != "responses":
            raise ValueError("'metrics' only with target: responses")
        if self.metrics and ({"metric", "score"} & set(self.columns)):
            raise ValueError("either 'metrics' or the columns metric/score, not both")
        if (self.event_code or self.touchpoints) and self.target != "interactions":
            raise ValueError("'event_code' and 'touchpoints' only with target: interactions")
        if self.touchpoints and not self.event_code:
            raise ValueError("'touchpoints' needs 'event_code' (the raw column holding the code)")
        if self.target == "responses" and not self.metrics and "metric" not in self.columns:
            raise ValueError("responses need 'metrics' or a 'metric' column")
        return self

    def column_type(self, name: str) -> ColumnType:
        spec = self.columns[name]
        return spec.type or CANONICAL_COLUMNS[self.target].get(name, "string")

    def is_required(self, name: str) -> bool:
        spec = self.columns.get(name)
        if spec is not None and spec.required is not None:
            return spec.required
        return name in REQUIRED_COLUMNS[self.target] or name in self.required

    def raw_columns(self) -> list[str]:
        """Every raw column the mapping reads, in a stable order."""
        specs: list[ColumnSpec] = [
            *self.columns.values(),
            *self.metrics.values(),
            *self.attributes.values(),
        ]
        if self.event_code:
            specs.append(self.event_code)
        names = [*self.identifiers.values(), *(s.from_ for s in specs if s.from_)]
        return list(dict.fromkeys(names))

    def fingerprint(self) -> str:
        """A hash of the mapping's meaning (not its formatting), recorded with each load."""
        data = self.model_dump(mode="json", by_alias=True)
        # Settings added later: a mapping that leaves them out keeps the hash it had.
        for part, key in _UNSET_IS_UNCHANGED:
            where = data[part] if part else data
            if where.get(key) is None:
                where.pop(key, None)
        payload = json.dumps(data, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def load_mapping(path: Path | str) -> Mapping:
    """Read and validate a mapping file; raise MappingError with every problem and its place."""
    path = Path(path)
    if not path.is_file():
        raise MappingError(
            [Problem(str(path), None, None, "", "a mapping YAML file", "no such file")],
            what=str(path),
        )
    from parcours.model import load_model_file

    return load_model_file(path, Mapping, what="mapping", error=MappingError)


def yaml_place(path: Path | str, keys: tuple[str, ...]) -> tuple[int | None, int | None]:
    """The 1-based line and column of the key at ``keys`` in a YAML mapping file (None, None
    when the file or the key cannot be found): for messages about a valid mapping that does not
    fit the warehouse."""
    import yaml

    try:
        node = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None, None
    place: tuple[int | None, int | None] = (None, None)
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None, None
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                place = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                node = value_node
                break
        else:
            return None, None
    return place


def mapping_from_dict(data: dict[str, Any]) -> Mapping:
    """Build a mapping from Python data (the API twin of a YAML file)."""
    return Mapping.model_validate(data)
