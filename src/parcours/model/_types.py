"""Field types shared by the journey-map models: ids, localized texts, numbers.

Each type validates with its own function so that a wrong value gives one clear error (what was
expected, what was found) instead of one error per member of a union, and carries the JSON Schema
an editor needs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import PlainValidator, ValidationError, WithJsonSchema
from pydantic_core import InitErrorDetails, PydanticCustomError

__all__ = [
    "LANG_PATTERN",
    "SLUG_PATTERN",
    "Emotion",
    "Lang",
    "LocalizedText",
    "Number",
    "NumberOrText",
    "Slug",
    "Weight",
    "text",
]

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
_SLUG = re.compile(SLUG_PATTERN)
_LANG = re.compile(LANG_PATTERN)

SLUG_EXPECTED = "an id made of lowercase letters, digits, '-' and '_' (such as 'quote-web')"
TEXT_EXPECTED = "a text, or a mapping {language: text} such as {fr: ..., en: ...}"
LANG_EXPECTED = "a language code such as fr, en or pt-BR"
TEXT_COMMA_EXPECTED = 'a text in quotes when it contains a comma ({fr: "Simple, rapide", en: ...})'


def _fail(kind: str, expected: str) -> PydanticCustomError:
    # The message is the "expected" part; the YAML layer adds what was found and where.
    return PydanticCustomError(f"parcours_{kind}", "{expected}", {"expected": expected})


def _slug(value: Any) -> str:
    if isinstance(value, str) and _SLUG.match(value):
        return value
    raise _fail("slug", SLUG_EXPECTED)


def _lang(value: Any) -> str:
    if isinstance(value, str) and _LANG.match(value):
        return value
    raise _fail("lang", LANG_EXPECTED)


def _localized(value: Any) -> str | dict[str, str]:
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping) or not value:
        raise _fail("text", TEXT_EXPECTED)
    errors: list[InitErrorDetails] = []
    for key, item in value.items():
        if isinstance(key, str) and item is None and not _LANG.match(key):
            # `{fr: Simple, sans ressaisie, en: ...}`: YAML ends a flow text at a comma and reads
            # the rest as a key with no value. Say so once, not "bad language" + "missing text".
            error = PydanticCustomError(
                "parcours_text_comma",
                "{expected}",
                {"expected": TEXT_COMMA_EXPECTED, "found": f"{key!r}, the end of a text cut there"},
            )
            errors.append({"type": error, "loc": (key, "[key]"), "input": key})
        elif not (isinstance(key, str) and _LANG.match(key)):
            error = _fail("lang", LANG_EXPECTED)
            if isinstance(key, str) and _LANG.match(key.lower()):
                ctx = {"expected": LANG_EXPECTED, "found": f"{key!r} (write {key.lower()!r})"}
                error = PydanticCustomError("parcours_lang", "{expected}", ctx)
            errors.append({"type": error, "loc": (key, "[key]"), "input": key})
        elif not isinstance(item, str):
            errors.append({"type": _fail("str", "a text"), "loc": (key,), "input": item})
    if errors:
        # Raised inside a validator, a ValidationError keeps its locations (nested under the field).
        raise ValidationError.from_exception_data("LocalizedText", errors)
    return dict(value)


def _number(
    minimum: float | None = None, maximum: float | None = None
) -> Callable[[Any], int | float]:
    bounds = []
    if minimum is not None:
        bounds.append(f">= {minimum:g}")
    if maximum is not None:
        bounds.append(f"<= {maximum:g}")
    expected = "a number" + (" " + " and ".join(bounds) if bounds else "")

    def check(value: Any) -> int | float:
        # bool is an int in Python, and YAML reads yes/no/on/off as booleans: reject them.
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail("number", expected)
        if isinstance(value, float) and not math.isfinite(value):
            raise _fail("number", expected)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise _fail("number", expected)
        return value

    return check


def _number_or_text(value: Any) -> int | float | str:
    if isinstance(value, str):
        return value
    try:
        return _number()(value)
    except PydanticCustomError:
        raise _fail("number_or_text", "a number or a text") from None


Slug = Annotated[
    str,
    PlainValidator(_slug),
    WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN}),
]
"""An id: lowercase letters, digits, '-' and '_', starting with a letter or a digit."""

Lang = Annotated[
    str,
    PlainValidator(_lang),
    WithJsonSchema({"type": "string", "pattern": LANG_PATTERN}),
]
"""A language code (fr, en, pt-BR...)."""

LocalizedText = Annotated[
    str | dict[str, str],
    PlainValidator(_localized),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "propertyNames": {"pattern": LANG_PATTERN},
                    "additionalProperties": {"type": "string"},
                    "minProperties": 1,
                },
            ],
            "description": "A text, or the same text per language: {fr: ..., en: ...}.",
        }
    ),
]
"""A text in one language (plain string) or in several ({lang: text}); the form is kept on dump."""

Number = Annotated[
    int | float,
    PlainValidator(_number()),
    WithJsonSchema({"type": "number"}),
]
"""A finite number; integers stay integers so that a dumped file reads like the one loaded."""

Emotion = Annotated[
    int | float,
    PlainValidator(_number(-2, 2)),
    WithJsonSchema({"type": "number", "minimum": -2, "maximum": 2}),
]
"""The customer's emotion at a stage, from -2 (very negative) to +2 (very positive)."""

Weight = Annotated[
    int | float,
    PlainValidator(_number(0)),
    WithJsonSchema({"type": "number", "minimum": 0}),
]
"""A non-negative weight (for instance the touchpoint volume an irritant affects)."""

NumberOrText = Annotated[
    int | float | str,
    PlainValidator(_number_or_text),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}]}),
]
"""A number (30) or a text ("≥ 30", "-10 %")."""


def text(value: str | Mapping[str, str] | None, lang: str, fallback: str = "fr") -> str:
    """Pick the text of a `LocalizedText` in `lang`.

    Tries `lang`, then its primary subtag (``fr`` for ``fr-CA``), then `fallback`, then the first
    language given, so that a partly translated map still shows something. A plain string is
    returned as is, and ``None`` (an optional text left out) as ``""``.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for candidate in (lang, lang.split("-", 1)[0], fallback):
        if candidate in value:
            return value[candidate]
    return next(iter(value.values()), "")
