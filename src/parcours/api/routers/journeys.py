"""``/api/v1/journeys``: list, read, validate and write journey maps (the YAML files).

A write needs the version it replaces: ``If-Match: "<etag>"`` from the read (412 when the file
changed since, 428 without it; ``If-None-Match: *`` creates a new map). The file changes by
exactly the new version, written atomically: one version per save, diffable in git.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, Header, Request, Response
from fastapi.encoders import jsonable_encoder
from pydantic import Field, model_validator

from parcours.api._auth import ctx_of, require
from parcours.api._models import Model
from parcours.errors import ApiError

router = APIRouter(prefix="/journeys", tags=["journeys"], dependencies=[require("viewer")])

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
MAX_YAML = 2 * 1024 * 1024


class JourneySummary(Model):
    id: str
    file: str
    etag: str


class JourneyOut(JourneySummary):
    yaml: str
    document: dict[str, Any]


class JourneyIn(Model):
    """The new version: the YAML text as written in the file, or the document as JSON."""

    yaml: str | None = Field(None, max_length=MAX_YAML)
    document: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one(self) -> JourneyIn:
        if (self.yaml is None) == (self.document is None):
            raise ValueError("expected exactly one of yaml or document")
        return self


class ProblemOut(Model):
    line: int | None
    column: int | None
    path: str
    expected: str
    found: str
    message: str


class ValidationOut(Model):
    valid: bool
    problems: list[ProblemOut]


def _etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def _file(ws: Any, journey_id: str, *, must_exist: bool = True) -> Path:
    if not _ID.fullmatch(journey_id):
        raise ApiError(
            404,
            "",
            f"expected a journey id of letters, digits, '.', '_', '-', found {journey_id!r}",
        )
    for path in ws.journey_files():
        if path.stem == journey_id:
            return Path(path)
    if must_exist:
        known = ", ".join(p.stem for p in ws.journey_files()) or "none"
        raise ApiError(
            404, "", f"expected one of the workspace's journeys ({known}), found {journey_id!r}"
        )
    return Path(ws.root) / "journeys" / f"{journey_id}.yaml"


def _out(path: Path) -> JourneyOut:
    from parcours.model import dump_journey, load_journey

    data = path.read_bytes()
    document = yaml.safe_load(dump_journey(load_journey(path)))
    return JourneyOut(
        id=path.stem,
        file=f"journeys/{path.name}",
        etag=_etag(data),
        yaml=data.decode("utf-8"),
        document=jsonable_encoder(document),
    )


def _problems(text: str, name: str) -> list[ProblemOut]:
    from parcours.model import validate_journey_text

    return [
        ProblemOut(
            line=p.line,
            column=p.column,
            path=p.path,
            expected=p.expected,
            found=p.found,
            message=str(p),
        )
        for p in validate_journey_text(text, name)
    ]


def _text(body: JourneyIn) -> tuple[str, bool]:
    if body.yaml is not None:
        return body.yaml, False
    return yaml.safe_dump(body.document, allow_unicode=True, sort_keys=False), True


@router.get("", response_model=list[JourneySummary])
def list_journeys(request: Request) -> list[JourneySummary]:
    ws = ctx_of(request).workspace
    return [
        JourneySummary(id=p.stem, file=f"journeys/{p.name}", etag=_etag(p.read_bytes()))
        for p in ws.journey_files()
    ]


@router.get("/{journey_id}", response_model=JourneyOut)
def read_journey(journey_id: str, request: Request, response: Response) -> JourneyOut:
    """The map as YAML and as a document, with its version in ``ETag``."""
    out = _out(_file(ctx_of(request).workspace, journey_id))
    response.headers["ETag"] = out.etag
    return out


@router.post("/validate", response_model=ValidationOut)
def validate(body: JourneyIn) -> ValidationOut:
    """Check a map against the schema and its references; nothing is written."""
    text, _ = _text(body)
    problems = _problems(text, "journey.yaml")
    return ValidationOut(valid=not problems, problems=problems)


@router.put("/{journey_id}", response_model=JourneyOut, dependencies=[require("analyst")])
def write_journey(
    journey_id: str,
    body: JourneyIn,
    request: Request,
    response: Response,
    if_match: str | None = Header(None, max_length=200),
    if_none_match: str | None = Header(None, max_length=200),
) -> JourneyOut:
    """Write a new version of the map (analyst): 412 if it changed since ``If-Match``."""
    from parcours.model import Journey, dump_journey

    ctx = ctx_of(request)
    text, from_document = _text(body)
    problems = _problems(text, f"{journey_id}.yaml")
    if problems:
        raise ApiError(422, "", f"{len(problems)} problem(s): {problems[0].message}")
    if from_document:
        text = dump_journey(Journey.model_validate(body.document))
    with ctx.journeys() as ws:
        path = _file(ws, journey_id, must_exist=False)
        exists = path.exists()
        if if_none_match == "*":
            if exists:
                raise ApiError(
                    412, "", f"expected no journey {journey_id!r} (If-None-Match: *), found one"
                )
        elif if_match is None:
            raise ApiError(
                428,
                "",
                'expected If-Match: "<etag>" from the read of the map (or If-None-Match: * to create one)',
            )
        elif not exists:
            raise ApiError(404, "", f"expected an existing journey {journey_id!r}, found none")
        else:
            current = _etag(path.read_bytes())
            if if_match.strip() not in (current, "*"):
                raise ApiError(
                    412,
                    "",
                    f"expected the version {if_match.strip()}, found {current}: someone saved the map since; read it again",
                )
        path.parent.mkdir(exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
                file.write(text)
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        ctx.changed()
        out = _out(path)
    response.headers["ETag"] = out.etag
    return out
