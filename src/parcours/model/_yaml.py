"""Read, validate and write journey maps as YAML.

Reading composes the YAML node tree first so that every problem (syntax, structure,
cross-reference, duplicate key) can be reported at once with its line and column. Writing produces
the layout of the demo file: keys in model order, short records and texts on one line, UTF-8 text
without Python tags, so that a dumped file reads well in a diff and loads back to an equal
`Journey`. Comments are not kept.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from parcours.errors import ModelError, Problem
from parcours.model._journey import SKIP_REFERENCES, Channel, Journey, Kpi, PersonaRef, Touchpoint
from parcours.model._places import (
    decode_problem,
    duplicate_keys,
    empty_problem,
    issue_problem,
    pydantic_problems,
    reader_problem,
    syntax_problem,
)
from parcours.model._references import check_references

__all__ = [
    "dump_journey",
    "load_journey",
    "save_journey",
    "validate_journey_file",
    "validate_journey_text",
]

TEXT_NAME = "<text>"
M = TypeVar("M", bound=BaseModel)

MAX_DEPTH = 200
"""Levels of nesting a YAML file may have (PyYAML's composer recurses: deeper would overflow)."""
MAX_VALUES = 1_000_000
"""Values a YAML document may hold once its aliases are expanded (a "billion laughs" holds 10⁹)."""
MAX_BYTES = 16 << 20
"""Size of a YAML file (a journey map or a mapping is a few kilobytes)."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, bounded: nesting deeper than :data:`MAX_DEPTH`, or a document that
    expands past :data:`MAX_VALUES` values, is a composer error with its line and column."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self._depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                f"expected at most {MAX_DEPTH} levels of nesting",
                None,
                "but found deeper nesting",
                self.peek_event().start_mark,  # type: ignore[no-untyped-call]  # unannotated in types-PyYAML
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> yaml.Node | None:
        _check_flow_depth(str(self.buffer))
        root: yaml.Node | None = super().get_single_node()
        if root is not None and _expanded(root, {}) > MAX_VALUES:
            raise yaml.composer.ComposerError(
                f"expected at most {MAX_VALUES:,} values once aliases are expanded",
                None,
                "but found more (aliases that multiply each other)",
                root.start_mark,
            )
        return root


_BRACKETS = re.compile(r"[\[\]{}]")


def _check_flow_depth(text: str) -> None:
    """Refuse ``[[[[...`` nesting before PyYAML's scanner sees it: the scanner keeps every open
    bracket as a possible key and checks them all at each token, hours on a 16 MB file. Brackets
    are counted even in texts and comments: only a file with more than :data:`MAX_DEPTH` of them
    left open in a row could be refused wrongly."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            index = match.start()
            line = text.count("\n", 0, index)
            column = index - (text.rfind("\n", 0, index) + 1)
            raise yaml.composer.ComposerError(
                f"expected at most {MAX_DEPTH} levels of nesting",
                None,
                "but found deeper nesting",
                yaml.error.Mark("<text>", index, line, column, None, 0),
            )


def _expanded(node: yaml.Node, seen: dict[int, int]) -> int:
    """Values under ``node`` with every alias expanded; each node is counted once (memoised)."""
    known = seen.get(id(node))
    if known is not None:
        return known
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += sum(_expanded(child, seen) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        total += sum(_expanded(k, seen) + _expanded(v, seen) for k, v in node.value)
    seen[id(node)] = min(total, MAX_VALUES + 1)
    return seen[id(node)]


def _read(
    path: str | os.PathLike[str], what: str = "journey-map"
) -> tuple[str | None, list[Problem]]:
    file = os.fspath(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            found = f"a file of {size:,} bytes"
            return None, [
                Problem(file, None, None, "", f"a {what} file under {MAX_BYTES:,} bytes", found)
            ]
        data = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return None, [Problem(file, None, None, "", f"a readable {what} file", reason)]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        return None, [decode_problem(file, data, exc)]


def _parse(text: str, file: str) -> tuple[Journey | None, list[Problem]]:
    """The journey in `text` if it is valid, and every problem found (sorted by place)."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        return None, [reader_problem(file, text, exc)]
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.reader.ReaderError as exc:
        return None, [reader_problem(file, text, exc)]
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_problem(file, exc)]
    finally:
        loader.dispose()
    if root is None:
        return None, [empty_problem(file)]

    problems = duplicate_keys(file, root)
    journey = None
    try:
        # References are checked below on the raw data: reported even when a field is wrong.
        journey = Journey.model_validate(data, context={SKIP_REFERENCES: True})
    except ValidationError as exc:
        problems += pydantic_problems(file, root, exc.errors())
    problems += [issue_problem(file, root, issue) for issue in check_references(data)]
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return (None if problems else journey), problems


def load_model_file(
    path: str | os.PathLike[str], model: type[M], *, what: str, error: Callable[..., Exception]
) -> M:
    """Any YAML document validated by a pydantic ``model`` (mappings, personas, scenarios...).

    Problems get the same places and wording as a journey map's; ``error(problems, what=file)`` is
    raised with all of them.
    """
    file = os.fspath(path)
    text, problems = _read(path, what)
    if text is None:
        raise error(problems, what=file)
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as exc:
        raise error([reader_problem(file, text, exc)], what=file) from exc
    except yaml.MarkedYAMLError as exc:
        raise error([syntax_problem(file, exc)], what=file) from exc
    if root is None:
        raise error([empty_problem(file)], what=file)
    problems = duplicate_keys(file, root)
    result = None
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        problems += pydantic_problems(file, root, exc.errors(), model)
    if problems or result is None:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise error(problems, what=file)
    return result


def validate_journey_text(text: str, file: str = TEXT_NAME) -> list[Problem]:
    """Every problem of a journey map given as YAML text; `file` names it in the problems."""
    return _parse(text, file)[1]


def validate_journey_file(path: str | os.PathLike[str]) -> list[Problem]:
    """Every problem of a journey-map file, each with its 1-based line and column; [] if valid."""
    text, problems = _read(path)
    if text is None:
        return problems
    return _parse(text, os.fspath(path))[1]


def load_journey(source: str | os.PathLike[str]) -> Journey:
    """Read a journey map from a file path, or from YAML text.

    A `str` with a line break is YAML text; any other `str` or path-like is a file path. Raises
    `ModelError` carrying every problem (file, line, column, expected, found) if the map is invalid.
    """
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        text: str | None = source
        file, problems = TEXT_NAME, list[Problem]()
    else:
        file = os.fspath(source)
        text, problems = _read(source)
    if text is not None:
        journey, problems = _parse(text, file)
        if journey is not None:
            return journey
    raise ModelError(problems, what=file)


# --- writing -------------------------------------------------------------------------------------

_FLOW_RECORDS: tuple[type[BaseModel], ...] = (Channel, Touchpoint, PersonaRef, Kpi)
_ID_LISTS = {"event_codes", "event_patterns", "touchpoints", "channels"}
_FLOW_WIDTH = 160  # a record or text longer than this once on one line is written as a block
_LINE_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")
# YAML 1.1 line breaks, the BOM and control characters do not survive plain or single-quoted style.
_QUOTE_DOUBLE = {"\x85", "\u2028", "\u2029", "\ufeff"}


class _FlowMap(dict[str, Any]):
    """A mapping written on one line: ``{fr: ..., en: ...}``."""


class _FlowList(list[Any]):
    """A list written on one line: ``[WEB_DEVIS, APP_DEVIS]``."""


class _Dumper(yaml.SafeDumper):
    """SafeDumper with the demo layout; never writes anchors or Python tags."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def choose_scalar_style(self) -> str:
        # French texts are full of apostrophes: "l'appli" reads better than 'l''appli'.
        style = super().choose_scalar_style()
        value = self.event.value if isinstance(self.event, yaml.ScalarEvent) else ""
        if style == "'" and "'" in value and not any(ch in value for ch in '"\\\n'):
            return '"'
        return style

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key ("stages:\n  - id: ..."), as people write them.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = None
    if any(ch in _QUOTE_DOUBLE or (ch < " " and ch not in "\n\t") for ch in data):
        style = '"'
    elif "\n" in data and data.strip("\n") and not data.endswith("\n\n"):
        # A block scalar (the emitter falls back to quotes where one is not allowed), but never
        # one that keeps trailing blank lines ("|+"): that would end the YAML document with "...".
        style = "|"
    elif "\n" in data:
        style = '"'  # "a\n\n" reads better than the folded single-quoted form
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_flow_map(dumper: yaml.SafeDumper, data: _FlowMap) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


def _represent_flow_list(dumper: yaml.SafeDumper, data: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_FlowMap, _represent_flow_map)
_Dumper.add_representer(_FlowList, _represent_flow_list)


def _emit(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=float("inf"),  # wrapping long lines would only make diffs noisier
        indent=2,
    )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _fits_on_one_line(value: Any) -> bool:
    if any(brk in s for s in _strings(value) for brk in _LINE_BREAKS):
        return False
    return len(_emit(value)) <= _FLOW_WIDTH


def _record(model: BaseModel) -> dict[str, Any]:
    """A model as a YAML mapping: fields in model order, fields left at their default omitted."""
    out: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if not field.is_required() and value == field.get_default(call_default_factory=True):
            continue
        out[field.alias or name] = _value(value, field.alias or name)
    if isinstance(model, _FLOW_RECORDS):
        flow = _FlowMap(out)
        if _fits_on_one_line(flow):
            return flow
    return out


def _value(value: Any, name: str) -> Any:
    if isinstance(value, BaseModel):
        return _record(value)
    if isinstance(value, Mapping):  # a LocalizedText given per language
        flow = _FlowMap(value)
        return flow if _fits_on_one_line(flow) else dict(value)
    if isinstance(value, list):
        if name in _ID_LISTS and all(isinstance(item, str) for item in value):
            ids = _FlowList(value)
            if _fits_on_one_line(ids):
                return ids
        return [_value(item, name) for item in value]
    return value


def dump_journey(journey: Journey) -> str:
    """The journey as YAML in the layout of the demo file; `load_journey` reads it back equal."""
    record = _record(journey)
    for key, value in record.items():  # the journey's own texts stand out, one language a line
        if isinstance(value, _FlowMap):
            record[key] = dict(value)
    head = {key: value for key, value in record.items() if not isinstance(value, list)}
    chunks = [_emit(head)] if head else []
    chunks += [_emit({key: value}) for key, value in record.items() if isinstance(value, list)]
    if any(chunk.endswith("...\n") for chunk in chunks):  # a document end marker: no blank lines
        return _emit(record)
    return "\n".join(chunks)


def save_journey(journey: Journey, path: str | os.PathLike[str]) -> None:
    """Write the journey to `path` (UTF-8), atomically: a reader never sees half a file."""
    target = Path(path)
    text = dump_journey(journey)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        # mkstemp creates the file private (0600); keep the mode of the file replaced.
        Path(tmp).chmod(target.stat().st_mode & 0o777 if target.exists() else 0o644)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
