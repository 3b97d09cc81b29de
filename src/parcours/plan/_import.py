"""Import ideas from a workshop sheet (CSV or xlsx, French or English headers), merging by id.

Every row is checked before anything is written: a bad row raises :class:`PlanError` with the file,
the row (the header is row 1, as a spreadsheet numbers it), the column and what was expected, and
the ideas file is left as it was.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from parcours.errors import PlanError
from parcours.plan._graph import check_graph
from parcours.plan._ideas import Idea, Ideas

__all__ = ["HEADERS", "ImportReport", "merge_ideas", "read_sheet"]

# normalised header -> field (criteria go to "criteria.<name>", origin to "origin.<name>")
HEADERS: dict[str, str] = {}
_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "identifiant", "code", "idee_id", "idea_id"),
    "title": ("title", "titre", "idee", "idea", "intitule"),
    "title.fr": ("title_fr", "titre_fr"),
    "title.en": ("title_en", "titre_en"),
    "description": ("description", "solution", "detail"),
    "kind": ("kind", "type", "nature"),
    "scenario": ("scenario",),
    "stages": ("stages", "stage", "etapes", "etape"),
    "touchpoints": ("touchpoints", "touchpoint", "points_de_contact", "point_de_contact"),
    "irritants": ("irritants", "irritant"),
    "ruptures": ("ruptures", "rupture"),
    "personas": ("personas", "persona"),
    "expectations": ("expectations", "attentes"),
    "owner": ("owner", "responsable", "porteur", "pilote"),
    "team": ("team", "equipe"),
    "status": ("status", "statut"),
    "approved_on": ("approved_on", "approuvee_le", "date_approbation"),
    "gain": ("gain",),
    "effort": ("effort",),
    "effort_days": ("effort_days", "effort_jours", "jours_homme", "person_days", "charge_jours"),
    "reach": ("reach", "portee"),
    "impact": ("impact",),
    "confidence": ("confidence", "confiance"),
    "moscow": ("moscow",),
    "kano": ("kano",),
    "votes": ("votes", "gommettes", "dot_votes"),
    "depends_on": ("depends_on", "depend_de", "dependances", "dependencies", "apres"),
    "group": ("group", "groupe", "outil"),
    "origin.workshop": ("workshop", "atelier"),
    "origin.round": ("round", "tour"),
    "origin.table": ("table",),
    "origin.verbatim": ("verbatim",),
    "criteria.customer_expectations": ("customer_expectations", "attentes_clients"),
    "criteria.business_development": ("business_development", "developpement_commercial"),
    "criteria.technical_feasibility": ("technical_feasibility", "faisabilite_technique"),
    "criteria.internal_expectations": ("internal_expectations", "attentes_internes"),
    "criteria.resources": ("resources", "ressources"),
}
for _field, _names in _ALIASES.items():
    for _name in _names:
        HEADERS[_name] = _field

_LISTS = {
    "stages",
    "touchpoints",
    "irritants",
    "ruptures",
    "personas",
    "expectations",
    "depends_on",
}
_NUMBERS = {"gain", "effort", "effort_days", "reach", "impact", "confidence", "votes"}
_STATUS = {
    "proposee": "proposed",
    "proposed": "proposed",
    "a_etudier": "to_study",
    "to_study": "to_study",
    "approuvee": "approved",
    "approved": "approved",
    "rejetee": "rejected",
    "rejected": "rejected",
    "en_cours": "in_progress",
    "in_progress": "in_progress",
    "realisee": "done",
    "done": "done",
}
_MOSCOW = {"must": "must", "should": "should", "could": "could", "wont": "wont", "won_t": "wont"}


def _norm(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", plain.strip().lower()).strip("_")


def read_sheet(path: str | Path) -> list[dict[str, str]]:
    """The rows of a CSV (``,`` ``;`` or tab separated, UTF-8 or Windows-1252) or xlsx sheet, as
    text, keyed by the headers as written."""
    import pandas as pd

    file = Path(path)
    if not file.is_file():
        raise PlanError(f"{file}: expected a CSV or xlsx file, found no such file")
    if file.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        try:
            frame = pd.read_excel(file, dtype=str, engine="calamine")
        except Exception as exc:  # any reader failure means the same thing to the user
            raise PlanError(f"{file}: expected a readable spreadsheet, found {exc}") from exc
    else:
        raw = file.read_bytes()
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            content = raw.decode("cp1252", errors="replace")
        first = content.splitlines()[0] if content.strip() else ""
        if not first:
            raise PlanError(f"{file}: expected a header row, found an empty file")
        sep = max((";", ",", "\t"), key=first.count)
        rows = list(csv.reader(content.splitlines(), delimiter=sep))
        header = rows[0]
        width = len(header)
        for number, row in enumerate(rows[1:], start=2):
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                raise PlanError(
                    f"{file}: row {number}: expected {width} fields (as in the header), "
                    f"found {len(row)}"
                )
        frame = pd.DataFrame(
            [(row + [""] * width)[:width] for row in rows[1:]], columns=header, dtype=str
        )
    frame = frame.fillna("")
    return [{str(k): str(v).strip() for k, v in rec.items()} for rec in frame.to_dict("records")]


def _number(value: str) -> float | int | str:
    text = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    percent = text.endswith("%")
    text = text.rstrip("%").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return value  # pydantic then says what was expected
    if percent:
        return number / 100
    return int(number) if number.is_integer() else number


def _cell(field: str, value: str) -> Any:
    if field in _LISTS:
        return [part.strip() for part in re.split(r"[;|\n]", value) if part.strip()]
    if (
        field in _NUMBERS
        or field.startswith("criteria.")
        or field in ("origin.round", "origin.table")
    ):
        return _number(value)
    if field == "status":
        return _STATUS.get(_norm(value), value)
    if field == "moscow":
        return _MOSCOW.get(_norm(value), value)
    if field == "kano":
        return value.upper()
    return value


def _row_data(
    row: dict[str, str], columns: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The idea fields of one row (only the non-empty cells) and field -> header used."""
    data: dict[str, Any] = {}
    where: dict[str, str] = {}
    for header, field in columns.items():
        value = row.get(header, "")
        if value == "":
            continue
        where[field.split(".")[0] if field.startswith(("title.", "origin.")) else field] = header
        parsed = _cell(field, value)
        if field.startswith("criteria."):
            data.setdefault("criteria", {})[field.split(".", 1)[1]] = parsed
            where[field] = header
        elif field.startswith("origin."):
            data.setdefault("origin", {"kind": "workshop"})[field.split(".", 1)[1]] = parsed
        elif field.startswith("title."):
            title = data.get("title")
            data["title"] = {**(title if isinstance(title, dict) else {}), field[6:]: parsed}
        else:
            data[field] = parsed
    return data, where


class ImportReport:
    """What an import did: the merged ideas, and the ids added and updated."""

    def __init__(self, ideas: Ideas, added: list[str], updated: list[str]) -> None:
        self.ideas = ideas
        self.added = added
        self.updated = updated


def merge_ideas(current: Ideas, path: str | Path, *, journey: Any = None) -> ImportReport:
    """Merge the rows of the sheet at ``path`` into ``current`` by id: a new id is added, a known
    one gets the non-empty cells of its row. Nothing is written here; every problem raises
    :class:`PlanError` naming the file, row and column, and what was expected."""
    from parcours.plan._ideas import _JOURNEY, reference_issues

    file = Path(path)
    rows = read_sheet(file)
    if not rows:
        return ImportReport(current, [], [])
    columns: dict[str, str] = {}
    unknown = []
    for header in rows[0]:
        key = _norm(header)
        if key in HEADERS:
            columns[header] = HEADERS[key]
        elif key.startswith(("criterion_", "critere_")):
            columns[header] = "criteria." + key.split("_", 1)[1]
        elif header.strip():
            unknown.append(header)
    if unknown:
        known = ", ".join(sorted({names[0] for names in _ALIASES.values()}))
        raise PlanError(
            f"{file}: row 1: expected column names among {known} (or their French names, or "
            f"criterion_<name>), found {', '.join(repr(u) for u in unknown)}"
        )
    if "id" not in columns.values():
        raise PlanError(f"{file}: row 1: expected an id column (id or identifiant), found none")
    merged = {idea.id: idea.model_dump(exclude_defaults=True) for idea in current.ideas}
    order = [idea.id for idea in current.ideas]
    added: list[str] = []
    updated: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        data, where = _row_data(row, columns)
        idea_id = str(data.get("id", ""))
        if not idea_id:
            raise PlanError(f"{file}: row {number}: expected an idea id, found an empty cell")
        if idea_id in seen:
            raise PlanError(
                f"{file}: row {number}, column {where['id']}: expected an id not used on another "
                f"row, found {idea_id!r} (also on row {seen[idea_id]})"
            )
        seen[idea_id] = number
        base = merged.get(idea_id, {})
        record = {**base, **data}
        if "criteria" in data:
            record["criteria"] = {**base.get("criteria", {}), **data["criteria"]}
        try:
            idea = Idea.model_validate(record)
        except ValidationError as exc:
            error = exc.errors()[0]
            loc = [str(part) for part in error["loc"]]
            field = ".".join(loc[:2]) if loc[0] == "criteria" else loc[0]
            column = where.get(field) or where.get(loc[0]) or loc[0]
            expected = error.get("ctx", {}).get("expected") or error["msg"]
            found = error.get("input")
            if loc[0] == "title" and "title" not in record:
                raise PlanError(
                    f"{file}: row {number}: expected a title (title or titre), found none"
                ) from None
            raise PlanError(
                f"{file}: row {number}, column {column}: expected {expected}, found {found!r}"
            ) from None
        merged[idea_id] = idea.model_dump(exclude_defaults=True)
        if idea_id in order:
            updated.append(idea_id)
        else:
            order.append(idea_id)
            added.append(idea_id)
    ideas = [Idea.model_validate(merged[i]) for i in order]
    result = Ideas.model_construct(parcours=1, capacity=dict(current.capacity), ideas=ideas)
    issues = reference_issues(result, journey)
    if issues:
        where_, expected, found = issues[0]
        idea_id = ideas[int(where_[1])].id
        place = f"row {seen[idea_id]}" if idea_id in seen else f"idea {idea_id!r}"
        column = str(where_[2]) if len(where_) > 2 else "id"
        raise PlanError(f"{file}: {place}, column {column}: expected {expected}, found {found}")
    check_graph(result)
    token = _JOURNEY.set(journey)
    try:
        final = Ideas.model_validate(result.model_dump(exclude_defaults=True))
    finally:
        _JOURNEY.reset(token)
    return ImportReport(final, added, updated)
