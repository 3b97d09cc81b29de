"""One exception root for everything parcours raises on purpose.

Hierarchy::

    ParcoursError
    ├── WorkspaceError        no workspace, bad parcours.toml
    ├── LanguageError         a language other than fr or en was asked for
    ├── ModelError            a journey map (or other YAML model) is invalid; carries every Problem
    ├── MappingError          a mapping spec is invalid or does not fit the file it is applied to
    ├── IngestError           a file cannot be read at all (nothing loaded, nothing quarantined)
    │   └── RecordError       one CSV record cannot be split into fields (caught: the row is quarantined)
    │       └── OpenQuoteError    a quoted field is still open at the end of the text
    ├── WarehouseError        a table is missing, an engine is not installed
    ├── AnalyticsError        an analytic got arguments or data it cannot use
    ├── VocError              survey answers, verbatims, references that do not fit
    ├── LifecycleError        lifecycle input is not what a model or summary needs
    ├── PersonaError          personas cannot be projected (no customers, no seeds, never fitted)
    ├── PlanError             ideas, scores, capacities or workshops that do not fit
    ├── OrchestrateError      the orchestration engine cannot do what was asked
    ├── RenderError           a map or report cannot be written
    ├── AccountsError         users, roles, passwords, tokens or sessions that do not fit
    │   └── ThrottledError    too many failed logins: wait (carries retry_after seconds)
    ├── DemoError             the demo generator got arguments it cannot use
    └── ApiError              an HTTP request the server refuses (carries its status)

Every class is defined here, so that any layer can raise one without importing a layer above it;
packages re-export theirs (``parcours.voc.VocError is parcours.errors.VocError``).

Messages say what was expected, what was found, and where (file, line/row, column).

The rule (``tests/test_errors.py`` scans every ``raise`` in ``src/parcours`` for it): every error a
user can meet is one of these classes. A built-in exception is raised only where a protocol
outside parcours asks for it, and the code that called it turns it into one of ours or follows
the protocol:

- pydantic validators raise ``ValueError`` (or pydantic's own ``PydanticCustomError``): pydantic
  collects them, and the YAML loaders turn them into a :class:`ModelError` or :class:`MappingError`
  with file, line and column;
- scikit-learn estimators raise ``ValueError`` for invalid parameters and data, as scikit-learn's
  estimator checks require (``parametrize_with_checks``); parcours' own callers validate first;
- module ``__getattr__`` raises ``AttributeError`` and an abstract method ``NotImplementedError``
  (Python's protocols); third-party protocols keep their errors (click's ``UsageError``);
- what only a bug in parcours can raise (an impossible branch, a text missing from the message
  catalogue) is an ``AssertionError`` or ``KeyError``, never shown to a user as a result.

Each exception is listed, with its reason, in the test's allow-list; there is no package-level
``ValueError`` hybrid, so ``except ParcoursError`` catches exactly the errors parcours means.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AccountsError",
    "AnalyticsError",
    "ApiError",
    "DemoError",
    "IngestError",
    "LanguageError",
    "LifecycleError",
    "MappingError",
    "ModelError",
    "OpenQuoteError",
    "OrchestrateError",
    "ParcoursError",
    "PersonaError",
    "PlanError",
    "Problem",
    "RecordError",
    "RenderError",
    "ThrottledError",
    "VocError",
    "WarehouseError",
    "WorkspaceError",
]


class ParcoursError(Exception):
    """Root of every error parcours raises deliberately."""


class WorkspaceError(ParcoursError):
    """The workspace is missing or its settings are invalid."""


class LanguageError(ParcoursError):
    """A language other than the ones parcours writes (fr, en) was asked for."""


class WarehouseError(ParcoursError):
    """The warehouse cannot answer: unknown table, engine not installed."""


class IngestError(ParcoursError):
    """A file cannot be read at all (unknown format, unreadable, no header)."""


class RecordError(IngestError):
    """A record that cannot be split into fields (the reason says what was expected).

    Raised and caught inside ingest: the record goes to the quarantine, the load goes on.
    """

    def __init__(self, reason: str, field: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
        """0-based index of the field where splitting failed."""


class OpenQuoteError(RecordError):
    """The text ends inside a quoted field: the record goes on on the next line (or never ends)."""


class AnalyticsError(ParcoursError):
    """An analytic was called with arguments or data it cannot use."""


class VocError(ParcoursError):
    """Survey answers, verbatims, references or questionnaires that do not fit what is expected."""


class LifecycleError(ParcoursError):
    """Lifecycle input is not what a model or a summary needs (missing column, negative recency...)."""


class PersonaError(ParcoursError):
    """Personas cannot be projected: no customers, no seeds, never fitted or never scored."""


class PlanError(ParcoursError):
    """Ideas, scores, capacities or workshop lists that do not fit what the plan needs."""


class OrchestrateError(ParcoursError):
    """The orchestration engine cannot do what was asked (unknown scenario, bad event...)."""


class RenderError(ParcoursError):
    """A map or report cannot be written (bad option, missing browser)."""


class AccountsError(ParcoursError):
    """Users, roles, passwords, tokens or sessions that do not fit (unknown user, bad role...)."""


class ThrottledError(AccountsError):
    """Too many failed logins for a name or an address; ``retry_after`` says how long to wait."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DemoError(ParcoursError):
    """The demo generator got arguments it cannot use, or its truth lacks what was asked."""


class ApiError(ParcoursError):
    """A request the server refuses; ``status`` is its HTTP status (4xx)."""

    def __init__(self, status: int, title: str, detail: str = "") -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail


@dataclass(frozen=True)
class Problem:
    """One validation finding with its place in a file (1-based line and column)."""

    file: str
    line: int | None
    column: int | None
    path: str
    expected: str
    found: str

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        where = f" at {self.path}" if self.path else ""
        return f"{place}:{where} expected {self.expected}, found {self.found}"


class _ProblemsError(ParcoursError):
    def __init__(self, problems: list[Problem], what: str) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in {what}:\n{lines}")


class ModelError(_ProblemsError):
    """A YAML model (journey map, persona...) does not match its schema."""


class MappingError(_ProblemsError):
    """A mapping spec is invalid, or does not fit the file it is applied to."""
