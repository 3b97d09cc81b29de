"""One error tree: every error class parcours defines lives in parcours.errors and derives from its root."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import parcours.analytics
import parcours.errors
import parcours.lifecycle
import parcours.orchestrate
import parcours.personas
import parcours.render
import parcours.voc
from parcours.errors import ParcoursError


def test_every_error_class_derives_from_the_root() -> None:
    classes = [
        obj
        for name, obj in vars(parcours.errors).items()
        if inspect.isclass(obj) and issubclass(obj, BaseException) and not name.startswith("_")
    ]
    assert len(classes) >= 15
    for cls in classes:
        assert issubclass(cls, ParcoursError), cls
        assert cls.__name__ in parcours.errors.__all__, cls


@pytest.mark.parametrize(
    ("package", "name"),
    [
        (parcours.analytics, "AnalyticsError"),
        (parcours.voc, "VocError"),
        (parcours.lifecycle, "LifecycleError"),
        (parcours.personas, "PersonaError"),
        (parcours.orchestrate, "OrchestrateError"),
        (parcours.render, "RenderError"),
    ],
)
def test_packages_re_export_the_one_class(package: object, name: str) -> None:
    assert getattr(package, name) is getattr(parcours.errors, name)
    assert getattr(package, name).__module__ == "parcours.errors"


def test_the_docstring_draws_every_class() -> None:
    doc = parcours.errors.__doc__ or ""
    for name in parcours.errors.__all__:
        if name in {"Problem"}:
            continue
        assert name in doc, name


# -- every raise in src/parcours -------------------------------------------------------------------
# The rule is drawn in parcours.errors' docstring: a user meets only ParcoursError subclasses; a
# built-in exception is raised only where a protocol outside parcours asks for it. Raises inside
# pydantic validators (functions decorated with field_validator / model_validator) may raise
# ValueError or PydanticCustomError without being listed: pydantic collects them and the YAML
# loaders turn them into a ModelError / MappingError with file, line and column.
SRC = Path(parcours.errors.__file__).parent
VALIDATOR_RAISES = {"ValueError", "PydanticCustomError"}

# (file under src/parcours, what is raised) -> why it is not a ParcoursError.
ALLOWED: dict[tuple[str, str], str] = {
    # Python's protocols
    ("__init__.py", "AttributeError"): "module __getattr__ must raise AttributeError",
    ("voc/__init__.py", "AttributeError"): "module __getattr__ must raise AttributeError",
    ("warehouse/__init__.py", "AttributeError"): "module __getattr__ must raise AttributeError",
    ("lifecycle/_btyd.py", "NotImplementedError"): "abstract methods of the BTYD model family",
    ("ingest/readers/_exact.py", "StopIteration"): "an iterator's end (the iterator protocol)",
    # pydantic, outside decorated validators (Annotated validators of the model's types)
    ("model/_types.py", "_fail"): "returns a PydanticCustomError for an Annotated validator",
    ("model/_journey.py", "PydanticCustomError"): "pydantic's own error, in Annotated validators",
    ("model/_types.py", "from_exception_data"): "pydantic's ValidationError, read by the loader",
    ("model/_journey.py", "from_exception_data"): "pydantic's ValidationError, read by the loader",
    ("model/_yaml.py", "error"): "the ModelError or MappingError class the caller passes in",
    ("plan/_ideas.py", "_fail"): "returns a PydanticCustomError for an Annotated validator",
    ("plan/_ideas.py", "from_exception_data"): "pydantic's ValidationError, read by the loader",
    ("api/routers/capabilities.py", "ValueError"): "an Annotated (AfterValidator) query check: 422",
    ("api/routers/public.py", "ValueError"): "an Annotated (AfterValidator) body check: 422",
    # scikit-learn's estimator contract (parametrize_with_checks expects ValueError)
    ("personas/_model.py", "ValueError"): "scikit-learn estimator: invalid parameters and data",
    # third-party protocols
    ("cli/cmd_analytics.py", "UsageError"): "click's own error for a bad command line",
    ("cli/cmd_plan.py", "BadParameter"): "click's own error for a bad option value",
    ("api/routers/public.py", "RequestValidationError"): "FastAPI's 422, rendered as a problem",
    ("api/_middleware.py", "_BodyError"): "caught by the same middleware: a 408/413 problem",
    # what only a bug in parcours can raise
    ("i18n.py", "KeyError"): "a text missing from the catalogue (callers may test `key in`)",
    ("i18n.py", "ValueError"): "a package's catalogue defines a text twice or in one language",
    ("ingest/_coerce.py", "AssertionError"): "unreachable: ColumnType is closed",
    ("demo/_facts.py", "AssertionError"): "the simulation's invariant (pragma: no cover)",
    ("demo/_simulate.py", "AssertionError"): "bounded redraw loops that always end",
    ("render/charts.py", "ValueError"): "a chart called without its column names (a caller bug)",
    # caught by their callers and turned into an HTTP status or a ledger failure
    ("orchestrate/channels/http.py", "ValueError"): "no webhook URL: the send fails in the ledger",
}


def _raised(node: ast.Raise) -> str | None:
    """The name of what a raise statement raises (a class, or a factory it calls), None for a
    re-raise of a caught exception (``raise`` or ``raise exc``)."""
    exc = node.exc
    if exc is None:
        return None
    target = exc.func if isinstance(exc, ast.Call) else exc
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return None  # `raise outcome["error"]`: re-raises what a worker thread caught
    if isinstance(target, ast.Name):
        if not isinstance(exc, ast.Call) and target.id[:1].islower():
            return None  # `raise exc`: re-raises what an except clause caught
        return target.id
    return "?"


def _raises(tree: ast.AST) -> list[tuple[ast.Raise, bool]]:
    """Every raise with whether it sits in a pydantic validator."""
    found: list[tuple[ast.Raise, bool]] = []

    def visit(node: ast.AST, in_validator: bool) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = {
                (d.func if isinstance(d, ast.Call) else d).id
                if isinstance(d.func if isinstance(d, ast.Call) else d, ast.Name)
                else ""
                for d in node.decorator_list
            }
            in_validator = in_validator or any(n.endswith("_validator") for n in names)
        if isinstance(node, ast.Raise):
            found.append((node, in_validator))
        for child in ast.iter_child_nodes(node):
            visit(child, in_validator)

    visit(tree, False)
    return found


def _scan() -> tuple[list[str], set[tuple[str, str]]]:
    errors = {
        name
        for name, obj in vars(parcours.errors).items()
        if inspect.isclass(obj) and issubclass(obj, ParcoursError)
    }
    stray: list[str] = []
    used: set[tuple[str, str]] = set()
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        for node, in_validator in _raises(ast.parse(path.read_text(encoding="utf-8"))):
            name = _raised(node)
            if name is None or name in errors:
                continue
            if in_validator and name in VALIDATOR_RAISES:
                continue
            if (relative, name) in ALLOWED:
                used.add((relative, name))
                continue
            stray.append(f"{relative}:{node.lineno}: raise {name}")
    return stray, used


def test_every_raise_is_a_parcours_error_or_an_allowed_protocol() -> None:
    stray, used = _scan()
    assert stray == [], (
        "raise a parcours.errors class, or add the reason to ALLOWED:\n" + "\n".join(stray)
    )
    assert set(ALLOWED) - used == set(), "allowed raises that no longer exist: remove them"


def test_the_scan_sees_raises_and_validators() -> None:
    """The scanner itself: a stray ValueError is found, a validator's is not, a re-raise is not."""
    code = (
        "def f():\n    raise ValueError('x')\n"
        "@model_validator(mode='after')\ndef g(self):\n    raise ValueError('y')\n"
        "def h():\n    try:\n        pass\n    except OSError as exc:\n        raise exc\n"
        "def k():\n    raise errors.WarehouseError('z')\n"
    )
    raises = _raises(ast.parse(code))
    assert [(_raised(node), in_validator) for node, in_validator in raises] == [
        ("ValueError", False),
        ("ValueError", True),
        (None, False),
        ("WarehouseError", False),
    ]
