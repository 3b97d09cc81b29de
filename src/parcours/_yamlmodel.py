"""Read a YAML file into a pydantic model, reporting every problem at its line and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from parcours.errors import Problem

M = TypeVar("M", bound=BaseModel)


def _node_at(root: yaml.Node, loc: tuple[Any, ...]) -> tuple[yaml.Node, bool]:
    """The deepest node along ``loc``; the flag tells whether the whole path was found."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if str(k.value) == str(part)), None)
            if match is None:
                key = next((k for k, _ in node.value if str(k.value) == str(part)), None)
                return (key or node), False
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node, False
            node = node.value[part]
        else:
            return node, False
    return node, True


def _found(node: yaml.Node, complete: bool) -> str:
    if not complete and isinstance(node, yaml.MappingNode):
        return "keys " + ", ".join(str(k.value) for k, _ in node.value)
    if isinstance(node, yaml.ScalarNode):
        return repr(node.value)
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "a list"


def parse_yaml_model(path: Path, model: type[M], *, error: Callable[..., Exception]) -> M:
    """Validate ``path`` against ``model``; raise ``error(problems, what=...)`` listing them all."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(file, None, None, "", "a readable UTF-8 YAML file", str(exc))
        raise error([problem], what=file) from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise error(
            [Problem(file, line, column, "", "valid YAML", str(exc.problem))], what=file
        ) from exc
    if root is None or not isinstance(data, dict):
        raise error([Problem(file, 1, 1, "", "a YAML mapping", "nothing usable")], what=file)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(
                p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))
            )
            node, complete = _node_at(root, loc)
            mark = node.start_mark
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                expected, found = f"a {loc[-1]!r} key", _found(node, False)
            elif err["type"] == "extra_forbidden":
                expected, found = "only known keys", f"unknown key {loc[-1]!r}"
            else:
                expected, found = message, _found(node, complete)
            problems.append(
                Problem(
                    file,
                    mark.line + 1,
                    mark.column + 1,
                    ".".join(str(p) for p in loc),
                    expected,
                    found,
                )
            )
        raise error(problems, what=file) from exc
