"""Delimited text, first step: which bytes are read, decoded how, split by which separator.

The encoding is decided from a sample (UTF-8 guesses are confirmed by the reading itself) or from
the whole file; pure cp1252 and UTF-16 files are transcoded to UTF-8 in big chunks; old Mac files
get line feeds. The separator and the header come from the first lines.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from parcours.errors import IngestError, OpenQuoteError, RecordError
from parcours.ingest._sniff import (
    MIXED,
    bom_encoding,
    cp1252_to_utf8,
    decode_cp1252,
    is_eight_bit,
    is_utf8_beyond_ascii,
    sniff_encoding,
    sniff_separator,
    split_record,
    strip_line_break,
)
from parcours.ingest.readers._base import (
    QUOTED_MAX_BYTES,
    QUOTED_MAX_LINES,
    SAMPLE_BYTES,
    SAMPLE_RECORDS,
    ReadNote,
    ReadOptions,
    codec_name,
    declared_8bit_is_utf8,
    header_names,
)

_log = logging.getLogger("parcours.ingest.readers")

Decoder = Callable[[bytes], str]


@dataclass
class Plan:
    """How one delimited file is read: which bytes, decoded how, split how."""

    path: Path
    """The file as given (named in results and messages)."""
    fmt: str
    raw: Path
    """Its bytes with line feeds: the file itself, or a copy where old Mac CRs became LFs."""
    source: Path
    """The bytes read: ``raw``, or its UTF-8 transcoding in the scratch directory."""
    encoding: str
    guessed: bool
    """True when the encoding came from a sample and is still to be confirmed."""
    line_decoding: str
    """How the exact path decodes each line: 'utf-8' (strict: bad lines are rejected),
    'tolerant' (UTF-8, else cp1252)."""
    separator: str = ","
    skip_rows: int = 0
    header_lines: int = 1
    columns: list[str] = field(default_factory=list)
    quoted_max_lines: int = QUOTED_MAX_LINES
    quoted_max_bytes: int = QUOTED_MAX_BYTES
    notes: tuple[ReadNote, ...] = ()

    @property
    def header_end(self) -> int:
        """The physical line of the header's last line."""
        return self.skip_rows + self.header_lines


def plan_encoding(path: Path, fmt: str, options: ReadOptions, scratch: Path) -> Plan:
    """Decide the encoding from a sample; UTF-8 guesses are confirmed by the reading itself."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    bom, _ = bom_encoding(head)
    declared = codec_name(options.encoding, path) if options.encoding else None
    if declared is not None and is_eight_bit(declared) and is_utf8_beyond_ascii(path):
        # Valid UTF-8 with accents is not 8-bit text: read as declared, é would load as Ã©.
        plan = plan_encoding(path, fmt, replace(options, encoding="utf-8"), scratch)
        note = declared_8bit_is_utf8(path, options.encoding or declared)
        _log.warning("%s: declared %s, but it is UTF-8: read as UTF-8", path, options.encoding)
        plan.notes = (*plan.notes, note)
        return plan
    wide = declared if declared not in (None, "utf-8", "utf-8-sig", "cp1252") else None
    if bom in ("utf-16", "utf-32") and declared is None:
        wide = bom
    if wide is not None:  # not ASCII-compatible (or not known to be): transcode everything
        return _transcoded(Plan(path, fmt, path, path, wide, False, "utf-8"), scratch)
    raw = _with_line_feeds(path, head, scratch)
    if declared is not None:
        plan = Plan(path, fmt, raw, raw, declared, False, "utf-8")
        return _transcoded(plan, scratch) if declared == "cp1252" else plan
    if _sample_is_utf8(head, complete=len(head) < SAMPLE_BYTES):
        return Plan(path, fmt, raw, raw, bom or "utf-8", True, "tolerant")
    return plan_full_encoding(Plan(path, fmt, raw, raw, "", True, "tolerant"), scratch)


def plan_full_encoding(plan: Plan, scratch: Path) -> Plan:
    """Decide the encoding from the whole file: cp1252 is transcoded, mixed goes line by line.

    The file is not UTF-8 (its sample or DuckDB said so), so it is most likely cp1252: it is
    transcoded in the same pass that checks every chunk, and the copy is dropped if not."""
    target = scratch / "utf-8.csv"
    with target.open("wb") as out:
        encoding = sniff_encoding(
            plan.raw, each_chunk=lambda chunk: out.write(cp1252_to_utf8(chunk))
        )
    if encoding == "cp1252":
        return Plan(plan.path, plan.fmt, plan.raw, target, encoding, False, "utf-8")
    target.unlink()
    if encoding == MIXED:
        return Plan(plan.path, plan.fmt, plan.raw, plan.raw, MIXED, False, "tolerant")
    replanned = Plan(plan.path, plan.fmt, plan.raw, plan.raw, encoding, False, "utf-8")
    return replanned if encoding in ("utf-8", "utf-8-sig") else _transcoded(replanned, scratch)


def _with_line_feeds(path: Path, head: bytes, scratch: Path) -> Path:
    """The file itself, or, for an old Mac file (CR line breaks only), a copy with LFs."""
    if b"\n" in head or b"\r" not in head:
        return path
    target = scratch / "line-feeds.csv"
    with path.open("rb") as source, target.open("wb") as out:
        while block := source.read(1 << 22):
            out.write(block.replace(b"\r", b"\n"))
    return target


def _sample_is_utf8(head: bytes, *, complete: bool) -> bool:
    if not complete:
        cut = head.rfind(b"\n") + 1
        head = head[:cut] if cut else head[:-4]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _transcoded(plan: Plan, scratch: Path) -> Plan:
    """``plan`` reading a UTF-8 transcoding of its bytes, made in big chunks (line breaks kept)."""
    target = scratch / "utf-8.csv"
    encoding = plan.encoding
    convert: Callable[[bytes, bool], bytes]
    if encoding == "cp1252":

        def convert(data: bytes, final: bool) -> bytes:
            return cp1252_to_utf8(data)

    else:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")

        def convert(data: bytes, final: bool) -> bytes:
            return decoder.decode(data, final).encode("utf-8")

    lines = 0
    block = b""
    try:
        with plan.raw.open("rb") as source, target.open("wb") as out:
            first = True
            cr_only = False
            while True:
                block = source.read(1 << 22)
                final = not block
                data = convert(block, final)
                if first and data:
                    data = data.removeprefix(codecs.BOM_UTF8)
                    cr_only = b"\n" not in data and b"\r" in data
                    first = False
                if cr_only:
                    data = data.replace(b"\r", b"\n")
                out.write(data)
                if final:
                    break
                lines += block.count(b"\n")
    except UnicodeDecodeError as exc:
        line = lines + block.count(b"\n", 0, max(exc.start, 0)) + 1
        raise IngestError(
            f"cannot read {plan.path} as {encoding}: expected {encoding} text, found bytes that "
            f"are not, near line {line} ({exc.reason}); set `read: encoding:`"
        ) from None
    return Plan(plan.path, plan.fmt, plan.raw, target, encoding, plan.guessed, "utf-8")


def plan_layout(plan: Plan, options: ReadOptions) -> None:
    """Separator and header, from the first lines of the source."""
    lines, complete = _head_lines(plan, options.skip_rows + SAMPLE_RECORDS * 4)
    where = f"{plan.path}"
    if len(lines) <= options.skip_rows:
        raise IngestError(
            f"cannot read {where}: expected a header at line {options.skip_rows + 1}, found "
            f"the end of the file after {len(lines)} line(s)"
        )
    body = lines[options.skip_rows :]
    if not strip_line_break(body[0]).strip():
        raise IngestError(
            f"cannot read {where}: expected a header at line {options.skip_rows + 1}, found a "
            "blank line (set `read: skip_rows:` to the number of lines before the header)"
        )
    if options.separator is not None:
        sep = options.separator.replace("\\t", "\t")
        if sep.lower() == "tab":
            sep = "\t"
        if len(sep) != 1 or sep in '"\r\n':
            raise IngestError(
                f"cannot read {where}: expected a one-character separator (other than a quote or a "
                f"line break), found {options.separator!r}"
            )
    elif plan.fmt == "tsv":
        sep = "\t"
    else:
        sep = sniff_separator(body, complete=complete)
    text = body[0]
    used = 1
    while True:
        try:
            cells = split_record(strip_line_break(text), sep)
        except OpenQuoteError:
            if used >= len(body):
                raise IngestError(
                    f"cannot read {where}: expected a header line, found a quote opened at line "
                    f"{options.skip_rows + 1} and never closed"
                ) from None
            text += body[used]
            used += 1
            continue
        except RecordError as problem:
            raise IngestError(
                f"cannot read {where}: expected a header at line {options.skip_rows + 1}, found "
                f"{problem.reason}"
            ) from None
        break
    plan.separator = sep
    plan.skip_rows = options.skip_rows
    plan.header_lines = used
    plan.quoted_max_lines = options.quoted_max_lines
    plan.quoted_max_bytes = options.quoted_max_bytes
    plan.columns = header_names(cells)


def _head_lines(plan: Plan, count: int) -> tuple[list[str], bool]:
    """The first ``count`` lines of the source, decoded; and whether they are the whole file."""
    decode = line_decoder(plan)
    lines: list[str] = []
    with plan.source.open("rb") as handle:
        size = 0
        for raw in handle:
            text = decode(raw)
            if not lines:
                text = text.removeprefix("\ufeff")
            lines.append(text)
            size += len(raw)
            if len(lines) >= count or size >= SAMPLE_BYTES:
                return lines, handle.read(1) == b""
    return lines, True


def line_decoder(plan: Plan) -> Decoder:
    """Decode one physical line: UTF-8, else cp1252 (tolerant plans) or U+FFFD (strict ones)."""
    if plan.line_decoding == "utf-8":
        return lambda raw: raw.decode("utf-8", errors="replace")

    def tolerant(raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return decode_cp1252(raw)

    return tolerant
