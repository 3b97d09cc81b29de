"""Turn validation findings into `Problem`s at the YAML node at fault (1-based line and column).

PyYAML's `compose()` keeps a mark (line, column) on every node. A pydantic error location such as
``("touchpoints", 3, "channel")`` is walked down that node tree; a missing key points at the
mapping that lacks it, an unknown key at the key itself. Messages say what was expected and what
was found, read from the source text (``yes``, ``1001``) rather than from what YAML made of it.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic_core import ErrorDetails

from parcours.errors import Problem
from parcours.model._journey import Journey
from parcours.model._references import Issue, did_you_mean, format_ids

__all__ = [
    "decode_problem",
    "duplicate_keys",
    "empty_problem",
    "issue_problem",
    "pydantic_problem",
    "pydantic_problems",
    "reader_problem",
    "syntax_problem",
]

Loc = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_KINDS = {
    f"{_TAG}bool": "a boolean (true/false)",
    f"{_TAG}int": "a number",
    f"{_TAG}float": "a number",
    f"{_TAG}timestamp": "a date",
    f"{_TAG}binary": "binary data",
}
# Errors whose expected value is a text: a number or boolean found there was probably meant as text.
_WANTS_TEXT = {
    "string_type",
    "parcours_slug",
    "parcours_str",
    "parcours_text",
    "parcours_event_code",
    "parcours_lang",
}
_EXPECTED = {
    "string_type": "a text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list (write [] for none)",
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
}


def _place(node: yaml.Node | None) -> tuple[int | None, int | None]:
    if node is None:
        return None, None
    return node.start_mark.line + 1, node.start_mark.column + 1


def _path(loc: Loc) -> str:
    path = ""
    if "[key]" in loc:  # a problem with a key: the path is the mapping that holds it
        loc = loc[: loc.index("[key]") - 1]
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _key_value(node: yaml.Node) -> object:
    # Keys are compared with what YAML made of them: `no:` is the boolean False, `1:` the integer 1.
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == f"{_TAG}str":
        return node.value
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)
    except yaml.YAMLError:
        return node.value


def _locate(root: yaml.Node, loc: Loc, *, at_key: bool = False) -> yaml.Node:
    """The deepest node along `loc`; with `at_key` (or ``[key]``) the key, not its value."""
    node = root
    key_node: yaml.Node | None = None
    for part in loc:
        if part == "[key]":
            return key_node or node
        if isinstance(node, yaml.MappingNode):
            match = None
            for key, value in node.value:  # keep the last one: PyYAML keeps the last duplicate
                if _key_value(key) == part and type(_key_value(key)) is type(part):
                    match = (key, value)
            if match is None:
                return node
            key_node, node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return node
            key_node, node = None, node.value[part]
        else:
            return node
    return key_node if at_key and key_node is not None else node


def _short(value: str, limit: int = 60) -> str:
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _found(node: yaml.Node | None, value: Any, wants_text: bool = False) -> str:
    """What the file has there, as the user wrote it."""
    if node is None:
        return "nothing" if value is None else _short(str(value))
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    tag = node.tag
    if tag == f"{_TAG}str":
        return _short(node.value)
    if tag == f"{_TAG}null":
        return "nothing (an empty value)" if node.value in ("", "~") else f"{node.value} (null)"
    if tag in (f"{_TAG}int", f"{_TAG}float") and not wants_text:
        return str(node.value)
    kind = _KINDS.get(tag, f"a {tag.removeprefix(_TAG)}")
    found = f"{node.value}, read by YAML as {kind}"
    if wants_text:
        found += f"; write '{node.value}' in quotes for a text"
    return found


def _model_at(loc: Loc, root: type[BaseModel] = Journey) -> type[BaseModel] | None:
    """The model class whose fields live at `loc` (``("stages", 2)`` -> `Stage`)."""
    model: type[BaseModel] = root
    keyed = False  # the previous field was a dict: this part is one of its keys
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        field = next(
            (f for name, f in model.model_fields.items() if (f.alias or name) == part), None
        )
        if field is None:
            return None
        sub = _submodel(field.annotation)
        if sub is None:
            return None
        keyed = _is_dict(field.annotation)
        model = sub
    return model


def _is_dict(annotation: Any) -> bool:
    origin = getattr(annotation, "__origin__", None)
    if origin is dict:
        return True
    return any(_is_dict(arg) for arg in getattr(annotation, "__args__", ()))


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


_NAMES = {"EmployeeExperience": "an employee_experience", "PersonaRef": "a persona", "Kpi": "a KPI"}


def _keys(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _problem(file: str, node: yaml.Node | None, loc: Loc, expected: str, found: str) -> Problem:
    line, column = _place(node)
    return Problem(file, line, column, _path(loc), expected, found)


def pydantic_problems(
    file: str, root: yaml.Node, errors: list[ErrorDetails], model: type[BaseModel] = Journey
) -> list[Problem]:
    """Pydantic errors as Problems at their nodes.

    A misspelt key gives two errors (unknown ``lable``, missing ``label``): only the first is kept,
    since its "did you mean 'label'?" says it all.
    """
    explained = set()
    for error in errors:
        if error["type"] == "extra_forbidden" and error["loc"]:
            at = _model_at(tuple(error["loc"][:-1]), model)
            allowed = _keys(at) if at else []
            for close in difflib.get_close_matches(str(error["loc"][-1]), allowed, 1, 0.6):
                explained.add((*error["loc"][:-1], close))
    return [
        pydantic_problem(file, root, error, model)
        for error in errors
        if not (error["type"] == "missing" and tuple(error["loc"]) in explained)
    ]


def pydantic_problem(
    file: str, root: yaml.Node, error: ErrorDetails, model: type[BaseModel] = Journey
) -> Problem:
    """One pydantic error as a Problem at its node (``model`` is the document's root model)."""
    loc: Loc = tuple(error["loc"])
    root_model = model
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        parent = _locate(root, loc[:-1])
        name = str(loc[-1])
        keys = [str(_key_value(k)) for k, _ in getattr(parent, "value", ())]
        found = f"only the keys {format_ids(keys, 12)}" if keys else "no key"
        if isinstance(parent, yaml.MappingNode):
            return _problem(file, parent, loc, f"a {name!r} key (required)", found)
        return _problem(file, parent, loc, f"a {name!r} key (required)", _found(parent, None))
    if kind == "extra_forbidden":
        node = _locate(root, loc, at_key=True)
        at = _model_at(loc[:-1], root_model)
        allowed = _keys(at) if at else []
        where = f" of {_NAMES.get(at.__name__, 'a ' + at.__name__.lower())}" if at else ""
        expected = f"one of the keys{where} {format_ids(allowed, 20)}"
        found = f"{str(loc[-1])!r}{did_you_mean(str(loc[-1]), allowed)}"
        return _problem(file, node, loc, expected, found)
    node = _locate(root, loc)
    if kind.startswith("parcours_"):
        expected = str(ctx.get("expected", error["msg"]))
    elif kind == "literal_error":
        expected = str(ctx.get("expected", error["msg"]))
        if loc == ("parcours",):
            expected += " (the version of the journey-map format)"
    else:
        message = error["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
        expected = _EXPECTED.get(kind, message)
    if "found" in ctx:
        found = str(ctx["found"])
    else:
        found = _found(node, error.get("input"), wants_text=kind in _WANTS_TEXT)
    if kind == "literal_error" and isinstance(error.get("input"), str):
        found += did_you_mean(error["input"], re.findall(r"'([^']*)'", expected))
    return _problem(file, node, loc, expected, found)


def issue_problem(file: str, root: yaml.Node, issue: Issue) -> Problem:
    """A cross-reference issue as a Problem at its node, with the line of what it clashes with."""
    found = issue.found
    if issue.other is not None:
        line, _ = _place(_locate(root, issue.other))
        if line is not None:
            found += f" (line {line})"
    return _problem(file, _locate(root, issue.loc), issue.loc, issue.expected, found)


def duplicate_keys(file: str, root: yaml.Node) -> list[Problem]:
    """Keys given twice in one mapping: YAML keeps the last silently, which hides an edit."""
    problems = []
    seen_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, Loc]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        if id(node) in seen_nodes:  # an alias points to a node already visited
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[object, yaml.Node] = {}
            for key, value in node.value:
                name = _key_value(key)
                marker = (type(name), name) if _hashable(name) else (None, id(key))
                if marker in first:
                    line = first[marker].start_mark.line + 1
                    expected = "each key once in a mapping"
                    found = f"{key.value!r} again (first at line {line}; YAML keeps only the last)"
                    sub = (*loc, name) if isinstance(name, str | int) else loc
                    problems.append(_problem(file, key, sub, expected, found))
                else:
                    first[marker] = key
                if isinstance(name, str | int):
                    stack.append((value, (*loc, name)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*loc, index)) for index, item in enumerate(node.value))
    return problems


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


_EXPECTED_FOUND = re.compile(
    r"^expected (?P<expected>.*), but (found|got) (?P<found>.*)$", re.DOTALL
)
# PyYAML speaks in parser tokens; say what they are in the file.
_TOKENS = {
    "'<block end>'": "the end of the indented block (check the indentation)",
    "<block end>": "the end of the indented block (check the indentation)",
    "'<block sequence start>'": "a list item '-'",
    "'<block mapping start>'": "a new key",
    "<block mapping start>": "a new key",
    "'<scalar>'": "a value",
    "'<stream end>'": "the end of the file",
    "<document start>": "a document start '---'",
}
_CONTEXTS = {
    "flow mapping": "the {...} mapping",
    "flow sequence": "the [...] list",
    "block collection": "the list or mapping",
    "block mapping": "the mapping",
    "block sequence": "the list",
    "quoted scalar": "the quoted text",
    "simple key": "the key",
    "block scalar": "the block text",
}


def _plain_tokens(message: str) -> str:
    return _TOKENS.get(message, message)


def _context(error: yaml.MarkedYAMLError, mark: yaml.Mark | None) -> str:
    if not error.context or error.context_mark is None or error.context_mark is mark:
        return ""
    line = error.context_mark.line + 1
    thing = next((v for k, v in _CONTEXTS.items() if k in error.context), None)
    return f" (in {thing} started at line {line})" if thing else f" (see line {line})"


def syntax_problem(file: str, error: yaml.MarkedYAMLError) -> Problem:
    """A YAML syntax error at the mark PyYAML gives."""
    mark = error.problem_mark or error.context_mark
    problem = (error.problem or "").strip()
    context = _context(error, mark)
    matched = _EXPECTED_FOUND.match(problem)
    if error.context and error.context.startswith("expected ") and problem.startswith("but found"):
        # The composer splits "expected a single document, but found another" in two.
        expected = error.context.removeprefix("expected ")
        found = problem.removeprefix("but found ")
        if "single document" in expected:
            expected = "a single document (one journey map per file)"
    elif problem == "found unexpected end of stream" and "quoted" in (error.context or ""):
        expected, found = "the closing quote", f"the end of the file{context}"
    elif matched:
        expected = _plain_tokens(matched["expected"])
        found = _plain_tokens(matched["found"]) + context
    elif problem.startswith("found character '\\t'"):
        expected, found = "spaces for indentation (YAML forbids tabs)", "a tab"
    elif problem == "mapping values are not allowed here":
        expected = "a text without ': ' (or put the text in quotes)"
        found = f"':' where a new key cannot start{context}"
    elif problem.startswith("could not find expected "):
        expected, found = problem.removeprefix("could not find expected "), f"none{context}"
    else:
        expected, found = "valid YAML", f"{problem.removeprefix('found ')}{context}"
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return Problem(file, line, column, "", expected, found)


def _line_column(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    line = before.count("\n") + 1
    return line, position - (before.rfind("\n") + 1) + 1


def reader_problem(file: str, text: str, error: yaml.reader.ReaderError) -> Problem:
    """A character YAML refuses (control characters): its place is a position in the text."""
    line, column = _line_column(text, error.position)
    found = f"the character U+{error.character:04X}" if isinstance(error.character, int) else ""
    expected = "printable characters (write control characters as escapes in double quotes)"
    return Problem(file, line, column, "", expected, found or repr(error.character))


def decode_problem(file: str, data: bytes, error: UnicodeDecodeError) -> Problem:
    """A file that is not UTF-8 (often Latin-1 from an old spreadsheet export)."""
    head = data[: error.start].decode("utf-8", errors="replace")
    line, column = _line_column(head, len(head))
    found = f"the byte 0x{data[error.start]:02x} (save the file as UTF-8)"
    return Problem(file, line, column, "", "UTF-8 text", found)


def empty_problem(file: str) -> Problem:
    """A file with no YAML document at all."""
    expected = "a journey map (parcours: 1, id, name, kind, state...)"
    return Problem(file, 1, 1, "", expected, "nothing")
