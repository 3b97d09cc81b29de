"""JSON Lines (one object per line) and JSON arrays of objects; nested objects flattened."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parcours.errors import IngestError
from parcours.ingest._sniff import (
    MIXED,
    bom_encoding,
    decode_cp1252,
    is_eight_bit,
    is_utf8_beyond_ascii,
)
from parcours.ingest.readers._base import (
    SAMPLE_BYTES,
    Progress,
    RawRead,
    ReadJob,
    ReadNote,
    ReadOptions,
    Sink,
    StructuralReject,
    codec_name,
    declared_8bit_is_utf8,
    reject_text,
    unique_name,
)
from parcours.ingest.readers._values import value_text
from parcours.warehouse import Warehouse

__all__ = ["JsonReader", "flatten"]


class JsonReader:
    """One JSON object per line, or one JSON array of objects (.json); a bad line is a reject."""

    formats = ("jsonl",)
    suffixes = (".jsonl", ".ndjson", ".json")

    def read(self, job: ReadJob) -> RawRead:
        return _read_json(job.wh, job.path, job.options, job.staging, job.progress)


def _read_json(
    wh: Warehouse, path: Path, options: ReadOptions, staging: str, progress: Progress
) -> RawRead:
    """One JSON object per line (or one JSON array of objects); nested objects flattened.

    The columns are the union of the keys, in order of first appearance; a line that is not a
    JSON object is a structural reject with its line number.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    bom, _ = bom_encoding(head)
    declared = codec_name(options.encoding, path) if options.encoding else None
    notes: tuple[ReadNote, ...] = ()
    if declared is not None and is_eight_bit(declared) and is_utf8_beyond_ascii(path):
        notes = (declared_8bit_is_utf8(path, options.encoding or declared),)
        declared = "utf-8"
    counts = {"cp1252": 0, "utf-8": 0}
    lines: Iterator[tuple[int, str]]
    if declared not in (None, "utf-8", "utf-8-sig", "cp1252") or bom in ("utf-16", "utf-32"):
        codec = declared or bom or "utf-8"
        try:
            text = path.read_bytes().decode(codec)
        except UnicodeDecodeError as exc:
            raise IngestError(
                f"cannot read {path} as {codec}: expected {codec} text, found {exc.reason}"
            ) from None
        lines = enumerate(text.removeprefix("\ufeff").split("\n"), start=1)
        encoding = codec
    else:
        lines = _json_lines(path, declared, counts, progress, size)
        encoding = declared or bom or "utf-8"
    if head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"["):
        lines = _json_array(path, lines)
    sink = Sink(wh, staging, [])
    index: dict[str, int] = {}
    taken = {"__row", "__sheet"}
    rejects: list[StructuralReject] = []
    rows_read = 0
    for number, line in lines:
        text = line.strip()
        if not text:
            continue
        rows_read += 1
        flat, problem = _record(text)
        if flat is None:
            rejects.append(StructuralReject(number, None, reject_text(text), problem))
            continue
        for key in flat:
            if key not in index:
                index[key] = len(index)
                sink.add_column(unique_name(key, len(index), taken))
        values: list[str | None] = [None] * len(index)
        for key, value in flat.items():
            values[index[key]] = value
        sink.add(number, values)
    sink.close()
    progress(size, size)
    if counts["cp1252"] and declared is None:
        encoding = MIXED if counts["utf-8"] or bom else "cp1252"
    return RawRead(
        path=path,
        format="jsonl",
        encoding=encoding,
        separator=None,
        columns=list(sink.columns),
        rows_read=rows_read,
        rejects=rejects,
        notes=notes,
    )


def _json_lines(
    path: Path, declared: str | None, counts: dict[str, int], progress: Progress, size: int
) -> Iterator[tuple[int, str]]:
    """Numbered lines, each decoded on its own (UTF-8, else cp1252, unless one was declared)."""
    done = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            done += len(raw)
            if number % 10_000 == 0:
                progress(done, size)
            if declared == "cp1252":
                text = decode_cp1252(raw)
            else:
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    counts["cp1252"] += 1
                    text = decode_cp1252(raw)
                else:
                    counts["utf-8"] += not raw.isascii()
            yield number, text.removeprefix("\ufeff") if number == 1 else text


def _json_array(path: Path, lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """The elements of a JSON array document, each as JSON text with the line where it starts."""
    text = "".join(line for _, line in lines)
    decoder = json.JSONDecoder()
    position = text.index("[") + 1
    line = 1 + text.count("\n", 0, position)
    counted = position
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            return
        line += text.count("\n", counted, position)
        counted = position
        try:
            element, end = decoder.raw_decode(text, position)
            element_text = json.dumps(element, ensure_ascii=False)
        except json.JSONDecodeError as exc:
            raise IngestError(
                f"cannot read {path}: expected a JSON array of objects, found invalid JSON at "
                f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        except (RecursionError, ValueError) as exc:
            found = "values nested too deep" if isinstance(exc, RecursionError) else str(exc)
            raise IngestError(
                f"cannot read {path}: expected a JSON array of objects, found at line {line} "
                f"{found}"
            ) from None
        yield line, element_text
        position = end


def _record(text: str) -> tuple[dict[str, str | None] | None, str]:
    """One line's object, flattened; or None and why it is not one."""
    try:
        record = json.loads(text)
        if not isinstance(record, dict):
            return None, f"expected a JSON object, found {_json_kind(record)}"
        flat = flatten(record)
    except json.JSONDecodeError as exc:
        return None, f"expected a JSON object, found invalid JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:
        return (
            None,
            "expected a JSON object, found values nested too deep to read (about 1,000 levels)",
        )
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return None, f"expected a JSON object, found a value that cannot be read ({exc})"
    if "\\u" in text and not _is_unicode(flat):
        return (
            None,
            "expected a JSON object, found text that is not Unicode (a lone surrogate escape)",
        )
    return flat, ""


def _is_unicode(flat: dict[str, str | None]) -> bool:
    """Whether keys and values hold no lone surrogate (which JSON escapes like \\ud800 give)."""
    try:
        for key, value in flat.items():
            key.encode("utf-8")
            if value is not None:
                value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def flatten(
    value: dict[str, Any], prefix: str = "", out: dict[str, str | None] | None = None
) -> dict[str, str | None]:
    """Nested objects as dotted keys (``user.email``); arrays as JSON text; scalars as text."""
    out = {} if out is None else out
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            flatten(item, f"{name}.", out)
        elif isinstance(item, list):
            out[name] = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        else:
            out[name] = value_text(item)
    return out
