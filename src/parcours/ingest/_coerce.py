"""SQL expressions that turn raw text into typed values, French formats included.

Each builder returns an expression that is NULL when the raw text cannot be read; the caller flags
``raw IS NOT NULL AND typed IS NULL`` as a reject, with the reason given by :func:`expected`.
All work stays inside the engine so that ten million rows coerce in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

from parcours.ingest._mapping import ColumnSpec, ColumnType

SQL_TYPES: dict[ColumnType, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "decimal": "DOUBLE",
    "datetime": "TIMESTAMPTZ",
    "date": "DATE",
    "boolean": "BOOLEAN",
}

TRUE_WORDS = ("oui", "o", "yes", "y", "true", "vrai", "1", "x")
FALSE_WORDS = ("non", "n", "no", "false", "faux", "0")

# Spaces used as thousands separators in French (normal, no-break, narrow no-break) and currency marks.
_NUMBER_NOISE = r"[\s\x{00A0}\x{202F}€$£]|EUR|eur"
_ISO_WITH_ZONE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$"


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A SQL identifier, quoted (raw headers hold spaces, accents and quotes)."""
    return '"' + name.replace('"', '""') + '"'


def raw_text(column: str) -> str:
    """The raw cell, trimmed of spaces and tabs, with empty text as NULL.

    Trimming allocates a new string, so it is done only for the cells that need it (twice as
    fast on ten million rows, where few cells carry spaces). The test is written with LIKE and
    constant patterns, which the engine turns into prefix/suffix checks that read the 4-byte
    prefix stored inline with each string (half the cost of ``starts_with``/``ends_with``)."""
    c = ident(column)
    edges = " OR ".join(
        f"{c} LIKE {pattern}" for ch in (" ", "\t") for pattern in (f"'{ch}%'", f"'%{ch}'")
    )
    return f"NULLIF(CASE WHEN {edges} THEN trim({c}, ' ' || chr(9)) ELSE {c} END, '')"


def typed(raw: str, spec: ColumnSpec, kind: ColumnType, timezone: str) -> str:
    """The expression reading ``raw`` (an SQL expression yielding trimmed text or NULL)."""
    if spec.values is not None:
        cases = " ".join(
            f"WHEN {lit(k.strip().casefold())} THEN {lit(v)}" for k, v in spec.values.items()
        )
        raw = f"(CASE lower({raw}) {cases} ELSE NULL END)"
    if kind == "string":
        return f"lower({raw})" if spec.lower else raw
    if kind == "integer":
        number = decimal(raw)
        return f"(CASE WHEN {number} = trunc({number}) THEN TRY_CAST({number} AS BIGINT) END)"
    if kind == "decimal":
        return decimal(raw)
    if kind == "boolean":
        low = f"lower({raw})"
        trues = ", ".join(lit(w) for w in TRUE_WORDS)
        falses = ", ".join(lit(w) for w in FALSE_WORDS)
        return f"(CASE WHEN {low} IN ({trues}) THEN true WHEN {low} IN ({falses}) THEN false END)"
    if kind == "date":
        attempts = [f"CAST(try_strptime({raw}, {lit(f)}) AS DATE)" for f in spec.all_formats]
        attempts.append(f"TRY_CAST({raw} AS DATE)")
        attempts.append(f"CAST(TRY_CAST({raw} AS TIMESTAMP) AS DATE)")
        return f"COALESCE({', '.join(attempts)})"
    if kind == "datetime":
        return datetime(raw, spec.all_formats, timezone)
    raise AssertionError(kind)  # pragma: no cover - ColumnType is closed


EXACT_DIGITS = 15
"""Significant digits a DOUBLE holds exactly: every decimal number with at most 15 of them comes
back from the engine as it was written (amounts are stored as DOUBLE)."""


def decimal(raw: str) -> str:
    """Numbers as people type them: 1 234,56 / 1.234,56 / 1,234.56 / 12,5 € / -3.

    NULL (so the row is rejected) for NaN and infinities, and for a number the warehouse would
    not hold exactly: a 25-digit amount is refused rather than rounded. Text of at most 15
    characters cannot hold more than 15 digits, so only longer text pays for the check."""
    number = _number(raw, "DOUBLE")
    # The shortest text of the DOUBLE must be the number written, to the 9th decimal.
    exact = (
        f"TRY_CAST(CAST({number} AS VARCHAR) AS DECIMAL(38, 9)) = "
        f"TRY_CAST({_number(raw, 'VARCHAR')} AS DECIMAL(38, 9))"
    )
    return (
        f"(CASE WHEN NOT isfinite({number}) THEN NULL "
        f"WHEN length({raw}) <= {EXACT_DIGITS} OR {exact} THEN {number} END)"
    )


def _number(raw: str, kind: str) -> str:
    """The number in ``raw`` as a DOUBLE, or as the text the engine reads (``kind`` VARCHAR)."""
    s = f"regexp_replace({raw}, '{_NUMBER_NOISE}', '', 'g')"

    def read(text: str) -> str:
        if kind == "DOUBLE":
            return f"TRY_CAST({text} AS DOUBLE)"
        return f"CASE WHEN TRY_CAST({text} AS DOUBLE) IS NOT NULL THEN {text} END"

    # The engine never reads a comma in a number, so text with a comma goes straight to the
    # decimal-comma reading, and text without one is cast once (the same values as trying both).
    comma = f"replace({raw}, ',', '.')"
    return (
        f"COALESCE(CASE WHEN contains({raw}, ',') THEN {read(comma)} ELSE {read(raw)} END, "
        + read(
            "CASE "
            rf"WHEN regexp_full_match({s}, '[-+]?\d{{1,3}}(\.\d{{3}})+(,\d+)?') "
            f"THEN replace(replace({s}, '.', ''), ',', '.') "
            rf"WHEN regexp_full_match({s}, '[-+]?\d*,\d+') THEN replace({s}, ',', '.') "
            rf"WHEN regexp_full_match({s}, '[-+]?\d{{1,3}}(,\d{{3}})+(\.\d+)?') "
            f"THEN replace({s}, ',', '') "
            f"ELSE {s} END"
        )
        + ")"
    )


# Characters that have no place in an identifier and that exports leave in: C0 controls (NUL
# included), DEL, zero-width space / non-joiner / joiner, word joiner and the byte-order mark.
_ID_NOISE = r"'[\x00-\x1F\x7F\x{200B}-\x{200D}\x{2060}\x{FEFF}]'"


def clean_identifier(raw: str) -> str:
    """``raw`` without the invisible characters of :data:`_ID_NOISE` (NULL when nothing is left):
    ``C\u200b10`` and ``C10`` are the same customer. Only the cells that hold one are rewritten
    (``translate`` with these characters costs ten times more)."""
    return (
        f"NULLIF(CASE WHEN regexp_matches({raw}, {_ID_NOISE}) "
        f"THEN regexp_replace({raw}, {_ID_NOISE}, '', 'g') ELSE {raw} END, '')"
    )


def date_bounds(value: str, kind: ColumnType, earliest: str, latest: str) -> str:
    """A condition true when a date or date-time lies outside [earliest, latest] (ISO dates; a
    date-time is compared in UTC, the whole last day included)."""
    if kind == "date":
        return f"({value} < DATE {lit(earliest)} OR {value} > DATE {lit(latest)})"
    return (
        f"({value} < TIMESTAMPTZ {lit(earliest + ' 00:00:00+00')} OR "
        f"{value} >= TIMESTAMPTZ {lit(latest + ' 00:00:00+00')} + INTERVAL 1 DAY)"
    )


def datetime(raw: str, formats: Sequence[str], timezone: str) -> str:
    """A point in time. Naive text is read in ``timezone``; ISO 8601 with Z or an offset as is."""
    tz = lit(timezone)
    attempts = [f"timezone({tz}, try_strptime({raw}, {lit(f)}))" for f in formats]
    attempts.append(
        f"CASE WHEN regexp_full_match({raw}, '{_ISO_WITH_ZONE}') "
        f"THEN TRY_CAST({raw} AS TIMESTAMPTZ) "
        f"ELSE timezone({tz}, TRY_CAST({raw} AS TIMESTAMP)) END"
    )
    return f"COALESCE({', '.join(attempts)})"


def out_of_range(value: str, spec: ColumnSpec) -> str | None:
    """A condition true when a number is outside [min, max], or None when no bound is set."""
    tests = []
    if spec.min is not None:
        tests.append(f"{value} < {spec.min!r}")
    if spec.max is not None:
        tests.append(f"{value} > {spec.max!r}")
    return " OR ".join(tests) or None


def expected(spec: ColumnSpec, kind: ColumnType) -> str:
    """What a valid value looks like, for the quarantine's reason."""
    if spec.values is not None:
        return "one of " + ", ".join(spec.values)
    if kind in ("datetime", "date"):
        shown = [_human_format(f) for f in spec.all_formats] + ["ISO 8601"]
        return f"a {'date-time' if kind == 'datetime' else 'date'} as " + " or ".join(shown)
    return {
        "string": "a text",
        "integer": "a whole number",
        "decimal": "a finite number (1234,56 or 1234.56) of at most 15 significant digits",
        "boolean": "oui/non, yes/no, true/false or 1/0",
    }[kind]


def _human_format(fmt: str) -> str:
    return (
        fmt.replace("%d", "dd")
        .replace("%m", "mm")
        .replace("%Y", "yyyy")
        .replace("%y", "yy")
        .replace("%H", "HH")
        .replace("%M", "MM")
        .replace("%S", "SS")
    )


def normalised_identifier(kind: str, raw: str) -> str:
    """Identifiers in one canonical spelling so that the same person matches across sources."""
    if kind == "email":
        low = f"lower({raw})"
        return (
            f"(CASE WHEN regexp_full_match({low}, '[^@\\s]+@[^@\\s]+\\.[^@\\s]+') THEN {low} END)"
        )
    if kind == "phone":
        digits = f"regexp_replace({raw}, '[^0-9+]', '', 'g')"
        return (
            "(CASE "
            rf"WHEN regexp_full_match({digits}, '0[1-9]\d{{8}}') THEN '+33' || substr({digits}, 2) "
            rf"WHEN regexp_full_match({digits}, '0033[1-9]\d{{8}}') THEN '+' || substr({digits}, 3) "
            rf"WHEN regexp_full_match({digits}, '33[1-9]\d{{8}}') THEN '+' || {digits} "
            rf"WHEN regexp_full_match({digits}, '\+33 ?0?[1-9]\d{{8}}') "
            rf"THEN '+33' || right({digits}, 9) "
            rf"WHEN regexp_full_match({digits}, '\+[1-9]\d{{6,14}}') THEN {digits} "
            "END)"
        )
    return raw


def identifier_expected(kind: str) -> str:
    return {
        "email": "an e-mail address (name@domain.tld)",
        "phone": "a phone number (06 12 34 56 78, +33 6 12 34 56 78 or international)",
    }.get(kind, "an identifier")
