"""Raw exports written the way each system of a real company writes them, in chunks.

CRM: ``;``, cp1252, French dates and decimal commas, and a few planted bad rows. Web analytics:
JSON lines with UTC timestamps and a nested ``user``. Call centre: one xlsx workbook per quarter.
Survey tool: UTF-8 with BOM, ``,``, quoted multi-line verbatims. ERP: plain UTF-8 CSV with ISO
dates and decimal points. Each writer returns what ingesting its file must report.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
from openpyxl import Workbook

from parcours.demo import _params as params
from parcours.demo._catalog import CRM_CHANNEL_LABELS, CRM_LABELS, PAGES, Catalog, catalog
from parcours.demo._reference import ADVISORS, TOWNS
from parcours.demo._simulate import (
    LOGGED_IN,
    SURVEY_CHANNEL_LABELS,
    SURVEY_STAGE_LABELS,
    World,
    hex_ids,
    hex_text,
)
from parcours.demo._time import DAY, NEVER, to_datetime64
from parcours.demo._truth import FileTruth, QuarantinedRow

CHUNK_ROWS = 200_000
XLSX_MAX_ROWS = 1_048_575  # a sheet holds 1,048,576 rows, header included
INVALID_DATE = "31/02/2025"
FIXED_ZIP_TIME = (2026, 11, 1, 0, 0, 0)

CRM_CLIENT_COLUMNS = (
    "Code client",
    "Civilité",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Code postal",
    "Ville",
    "E-mail",
    "Téléphone",
    "Date d'adhésion",
    "Formule",
    "Cotisation mensuelle",
    "Nb enfants",
    "Agence",
    "Date de résiliation",
)
CRM_ACTION_COLUMNS = (
    "Code client",
    "Date",
    "Canal",
    "Code action",
    "Libellé",
    "Montant",
    "Conseiller",
)
CALL_COLUMNS = ("N° appel", "Début", "Durée (s)", "Numéro appelant", "Sens", "Motif", "Résolu")
SURVEY_COLUMNS = (
    "ID réponse",
    "Date de réponse",
    "E-mail",
    "Étape",
    "Canal",
    "Recommandation (0-10)",
    "Satisfaction (1-5)",
    "Effort (1-5)",
    "Commentaire",
)
ERP_COLUMNS = (
    "numero_contrat",
    "numero_commande",
    "code_client",
    "date_operation",
    "type_operation",
    "produit",
    "prime_annuelle_ttc",
    "canal_vente",
)

# Call centre: median duration (seconds) and share of calls marked resolved, per motive.
CALL_PROFILE: dict[str, tuple[float, float]] = {
    "TEL_INFO_OFFRE": (300, 0.95),
    "TEL_DEVIS": (720, 0.9),
    "TEL_RELANCE_DEVIS": (150, 0.7),
    "TEL_ADHESION": (1100, 0.97),
    "TEL_SUIVI_RMB": (260, 0.3),
    "TEL_RECLAMATION": (540, 0.55),
    "TEL_RESILIATION": (420, 0.9),
}
ERP_CHANNELS = ("WEB", "TEL", "AGENCE")


# ----------------------------------------------------------------------------------------------
# formatting helpers


def euros(cents: pl.Expr, sep: str) -> pl.Expr:
    """Cents as "54,90" (sep ",") or "54.90" (sep ".")."""
    return pl.concat_str(
        [(cents // 100).cast(pl.String), pl.lit(sep), (cents % 100).cast(pl.String).str.zfill(2)]
    )


def phone_written(digits: pl.Expr, style: pl.Expr) -> pl.Expr:
    """A ten-digit French number the way people type it (five styles)."""
    pairs = [digits.str.slice(i, 2) for i in range(0, 10, 2)]
    return (
        pl.when(style == 0)
        .then(pl.concat_str(pairs, separator=" "))
        .when(style == 1)
        .then(pl.concat_str([pl.lit("+33"), digits.str.slice(1)]))
        .when(style == 2)
        .then(digits)
        .when(style == 3)
        .then(pl.concat_str(pairs, separator="."))
        .otherwise(
            pl.concat_str([pl.lit("+33"), digits.str.slice(1, 1), *pairs[1:]], separator=" ")
        )
    )


def _dates(t: npt.NDArray[np.int64], fmt: str) -> pl.Series:
    """Simulated times as text; NEVER becomes an empty string."""
    never = t >= NEVER
    safe = np.where(never, 0, t)
    text = pl.Series(to_datetime64(safe)).dt.strftime(fmt)
    return text.set(pl.Series(never), "")


class _CsvOut:
    """Append polars frames to one CSV file in a given encoding, the header once."""

    def __init__(
        self, path: Path, *, encoding: str, separator: str, newline: str, bom: bool = False
    ) -> None:
        self._handle = path.open("wb")
        self._encoding = encoding
        self._separator = separator
        self._newline = newline
        self._header = True
        if bom:
            self._handle.write("\ufeff".encode())

    def write(self, frame: pl.DataFrame) -> None:
        # Empty text is written as nothing at all (polars would quote it as "").
        text = pl.col(pl.String)
        frame = frame.with_columns(pl.when(text == "").then(None).otherwise(text).name.keep())
        buf = io.BytesIO()
        frame.write_csv(
            buf,
            separator=self._separator,
            include_header=self._header,
            line_terminator=self._newline,
            quote_style="necessary",
        )
        self._header = False
        data = buf.getvalue()
        if self._encoding != "utf-8":
            data = data.decode("utf-8").encode(self._encoding)
        self._handle.write(data)

    def close(self) -> None:
        self._handle.close()


@dataclass(frozen=True)
class _Plant:
    """A bad row to insert after clean row ``after`` (0-based), made from that row."""

    after: int
    reason: str
    column: str | None
    make: Callable[[dict[str, str]], dict[str, str]]
    detail: str


def _write_planted(
    out: _CsvOut,
    name: str,
    chunks: Iterator[pl.DataFrame],
    plants: list[_Plant],
) -> tuple[int, list[QuarantinedRow]]:
    """Write clean chunks with the planted rows inserted; return rows written and their truth."""
    plants = sorted(plants, key=lambda p: p.after)
    written = 0  # data rows already in the file
    clean_seen = 0
    found: list[QuarantinedRow] = []
    k = 0
    for frame in chunks:
        pieces: list[pl.DataFrame] = []
        prev = 0
        inserted = 0
        while k < len(plants) and plants[k].after < clean_seen + frame.height:
            plant = plants[k]
            i = plant.after - clean_seen
            pieces.append(frame.slice(prev, i + 1 - prev))
            base = frame.row(i, named=True)
            row = plant.make(dict(base))
            pieces.append(pl.DataFrame([row], schema=frame.schema))
            line = 1 + written + (i + 1) + inserted + 1
            value = None if plant.column is None else row[plant.column]
            detail = plant.detail.format(line=line, original=line - 1)
            found.append(QuarantinedRow(name, line, plant.column, value, plant.reason, detail))
            inserted += 1
            prev = i + 1
            k += 1
        pieces.append(frame.slice(prev))
        full = pl.concat(pieces) if len(pieces) > 1 else frame
        out.write(full)
        written += full.height
        clean_seen += frame.height
    return written, found


def _chunks(n: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, CHUNK_ROWS):
        yield start, min(n, start + CHUNK_ROWS)


# ----------------------------------------------------------------------------------------------
# CRM


def _crm_plants_clients(rng: np.random.Generator, rows: int) -> list[_Plant]:
    a, b, c = (int(x) for x in rng.choice(rows, 3, replace=False))

    def no_identifier(row: dict[str, str]) -> dict[str, str]:
        return {**row, "Code client": "", "E-mail": "", "Téléphone": ""}

    def invalid_date(row: dict[str, str]) -> dict[str, str]:
        code = "MH9" + row["Code client"][3:]
        return {
            **row,
            "Code client": code,
            "E-mail": "",
            "Téléphone": "",
            "Date d'adhésion": INVALID_DATE,
        }

    return [
        _Plant(a, "duplicate", None, dict, "exact copy of line {original}"),
        _Plant(b, "missing_identifier", None, no_identifier, "no code, e-mail or phone"),
        _Plant(c, "invalid_date", "Date d'adhésion", invalid_date, "31 February does not exist"),
    ]


def write_crm_clients(world: World, path: Path) -> FileTruth:
    """The CRM customer file: prospects and members, one row each, ordered by customer code."""
    people = world.people
    in_crm = np.flatnonzero(people.crm_t < NEVER)
    rows = in_crm[np.argsort(people.crm_t[in_crm], kind="stable")]
    calls = np.zeros(people.n, dtype=bool)
    calls[world.events.person[source_rows(world, "calls")]] = True
    rng = world.streams["crm"]
    # Some prospects never gave a phone number (never those who call: the switchboard has it).
    no_phone = ~calls & (rng.random(people.n) < 0.08)
    towns = pl.Series([t.name for t in TOWNS])
    agencies = pl.Series([f"Agence {t.agency}" for t in TOWNS])
    out = _CsvOut(path, encoding="cp1252", separator=";", newline="\r\n")

    def frames() -> Iterator[pl.DataFrame]:
        for a, b in _chunks(rows.size):
            r = rows[a:b]
            sub_t = people.subscribe_t[r]
            frame = pl.DataFrame(
                {
                    "code": people.crm_id.gather(r),
                    "sex": people.sex[r],
                    "last": people.last_name.gather(r),
                    "upper": people.name_style[r],
                    "first": people.first_name.gather(r),
                    "birth": pl.Series(people.birth[r]).dt.strftime("%d/%m/%Y"),
                    "postcode": people.postcode.gather(r),
                    "town": towns.gather(people.town[r]),
                    "email": people.email.gather(r),
                    "email_style": people.email_style[r],
                    "phone": people.phone.gather(r),
                    "phone_style": people.phone_style[r],
                    "no_phone": no_phone[r],
                    "joined": _dates(sub_t, "%d/%m/%Y"),
                    "formula": pl.Series(["", *params.FORMULAS]).gather(people.formula[r] + 1),
                    "premium": people.premium_cents[r],
                    "member": sub_t < NEVER,
                    "children": people.children[r],
                    "agency": agencies.gather(people.town[r]),
                    "left": _dates(people.cancel_effective_t[r], "%d/%m/%Y"),
                }
            )
            email = pl.col("email")
            yield frame.select(
                pl.col("code").alias("Code client"),
                pl.when(pl.col("sex") == 0)
                .then(pl.lit("Mme"))
                .otherwise(pl.lit("M."))
                .alias("Civilité"),
                pl.when(pl.col("upper") == 1)
                .then(pl.col("last").str.to_uppercase())
                .otherwise(pl.col("last"))
                .alias("Nom"),
                pl.col("first").alias("Prénom"),
                pl.col("birth").alias("Date de naissance"),
                pl.col("postcode").alias("Code postal"),
                pl.col("town").alias("Ville"),
                pl.when(pl.col("email_style") == 1)
                .then(pl.concat_str([email.str.slice(0, 1).str.to_uppercase(), email.str.slice(1)]))
                .otherwise(email)
                .fill_null("")
                .alias("E-mail"),
                pl.when(pl.col("no_phone"))
                .then(pl.lit(""))
                .otherwise(phone_written(pl.col("phone"), pl.col("phone_style")))
                .alias("Téléphone"),
                pl.col("joined").alias("Date d'adhésion"),
                pl.col("formula").alias("Formule"),
                pl.when(pl.col("member"))
                .then(euros(pl.col("premium"), ","))
                .otherwise(pl.lit(""))
                .alias("Cotisation mensuelle"),
                pl.col("children").cast(pl.String).alias("Nb enfants"),
                pl.col("agency").alias("Agence"),
                pl.col("left").alias("Date de résiliation"),
            )

    plants = _crm_plants_clients(world.streams["dirty"], rows.size)
    try:
        written, bad = _write_planted(out, path.name, frames(), plants)
    finally:
        out.close()
    return FileTruth(
        path.name, "crm_clients.yaml", "customers", written, rows.size, len(bad), tuple(bad)
    )


def source_rows(world: World, source: str) -> npt.NDArray[np.intp]:
    """Indices of the events recorded by one system (web, calls, crm)."""
    codes = [c.index for c in catalog().codes if c.source == source]
    return np.flatnonzero(np.isin(world.events.code, codes))


def _sorted_rows(world: World, source: str) -> npt.NDArray[np.intp]:
    rows = source_rows(world, source)
    ev = world.events
    order = np.lexsort((ev.code[rows], ev.person[rows], ev.t[rows]))
    out: npt.NDArray[np.intp] = rows[order]
    return out


def _crm_plants_actions(
    rng: np.random.Generator, rows: int, with_amount: npt.NDArray[np.intp]
) -> list[_Plant]:
    taken: set[int] = set()

    def draw(pool: npt.NDArray[np.intp] | int) -> int:
        while True:
            i = int(rng.choice(pool))
            if all(abs(i - j) > 1 for j in taken):
                taken.add(i)
                return i

    def no_code(row: dict[str, str]) -> dict[str, str]:
        return {**row, "Code client": ""}

    def bad_date(row: dict[str, str]) -> dict[str, str]:
        return {**row, "Date": INVALID_DATE + row["Date"][10:]}

    def bad_amount(row: dict[str, str]) -> dict[str, str]:
        return {**row, "Montant": row["Montant"][:-1] + "O"}

    plants: list[_Plant] = []
    for _ in range(2):
        plants.append(_Plant(draw(rows), "duplicate", None, dict, "exact copy of line {original}"))
        plants.append(_Plant(draw(rows), "missing_identifier", None, no_code, "no customer code"))
        plants.append(
            _Plant(draw(rows), "invalid_date", "Date", bad_date, "31 February does not exist")
        )
        plants.append(
            _Plant(
                draw(with_amount),
                "invalid_amount",
                "Montant",
                bad_amount,
                "a letter O typed for a zero",
            )
        )
    return plants


def write_crm_actions(world: World, cat: Catalog, path: Path) -> FileTruth:
    """CRM and back-office actions: agency visits, mail received and sent, e-mail and SMS pushes."""
    people, ev = world.people, world.events
    rows = _sorted_rows(world, "crm")
    rng = world.streams["crm"]
    codes = pl.Series([c.code for c in cat.codes])
    channels = pl.Series([CRM_CHANNEL_LABELS.get(c.channel, "") for c in cat.codes])
    labels = pl.Series([CRM_LABELS.get(c.code, "") for c in cat.codes])
    # Agency actions are signed by an adviser of the member's agency; mail by the back office.
    staffed = np.array(
        [
            c.code.startswith("AG_") or (c.code.startswith("COUR_") and c.direction == "pull")
            for c in cat.codes
        ]
    )
    # Random draws for all rows up front: the output must not depend on the chunk size.
    town = people.town[ev.person[rows]].astype(np.int64)
    advisors = (town * 3 + rng.integers(0, 3, rows.size)) % len(ADVISORS)
    out = _CsvOut(path, encoding="cp1252", separator=";", newline="\r\n")

    def frames() -> Iterator[pl.DataFrame]:
        for a, b in _chunks(rows.size):
            r = rows[a:b]
            code = ev.code[r]
            advisor = advisors[a:b]
            frame = pl.DataFrame(
                {
                    "Code client": people.crm_id.gather(ev.person[r]),
                    "Date": _dates(ev.t[r], "%d/%m/%Y %H:%M"),
                    "Canal": channels.gather(code),
                    "Code action": codes.gather(code),
                    "Libellé": labels.gather(code),
                    "cents": ev.amount[r],
                    "advisor": pl.Series(list(ADVISORS)).gather(advisor),
                    "staffed": staffed[code],
                }
            )
            yield frame.select(
                "Code client",
                "Date",
                "Canal",
                "Code action",
                "Libellé",
                pl.when(pl.col("cents") >= 0)
                .then(euros(pl.col("cents"), ","))
                .otherwise(pl.lit(""))
                .alias("Montant"),
                pl.when(pl.col("staffed"))
                .then(pl.col("advisor"))
                .otherwise(pl.lit(""))
                .alias("Conseiller"),
            )

    with_amount = np.flatnonzero(ev.amount[rows] >= 0)
    plants = _crm_plants_actions(world.streams["dirty"], rows.size, with_amount)
    try:
        written, bad = _write_planted(out, path.name, frames(), plants)
    finally:
        out.close()
    return FileTruth(
        path.name, "crm_actions.yaml", "interactions", written, rows.size, len(bad), tuple(bad)
    )


# ----------------------------------------------------------------------------------------------
# web analytics


def write_web(world: World, cat: Catalog, path: Path) -> FileTruth:
    """Web and app events as JSON lines; ``user.email``/``user.crm_id`` only when known."""
    people, ev = world.people, world.events
    rows = _sorted_rows(world, "web")
    rng = world.streams["web"]
    codes = pl.Series([c.code for c in cat.codes])
    is_app = np.array([c.channel == "app" for c in cat.codes])
    page_lists = [PAGES.get(c.code, ("",)) for c in cat.codes]
    flat_pages = pl.Series([p for pages in page_lists for p in pages])
    page_offset = np.cumsum([0] + [len(p) for p in page_lists])[:-1]
    page_count = np.array([len(p) for p in page_lists])
    # Random draws for all rows up front: the output must not depend on the chunk size.
    all_ids = rng.integers(0, 2**63 - 1, rows.size, dtype=np.int64)
    all_ms = rng.integers(0, 1000, rows.size)
    all_pages = rng.random(rows.size)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for a, b in _chunks(rows.size):
            r = rows[a:b]
            code, person = ev.code[r], ev.person[r]
            app = is_app[code]
            ms = all_ms[a:b]
            stamp = (
                pl.Series(to_datetime64(ev.t[r]) + ms.astype("timedelta64[ms]"))
                .dt.replace_time_zone("Europe/Paris", non_existent="raise", ambiguous="raise")
                .dt.convert_time_zone("UTC")
                .dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
            )
            page = page_offset[code] + (all_pages[a:b] * page_count[code]).astype(np.int64)
            frame = pl.DataFrame(
                {
                    "id": hex_text(all_ids[a:b]),
                    "ts": stamp,
                    "event": codes.gather(code),
                    "platform": np.where(app, "app", "web"),
                    "page": flat_pages.gather(page),
                    "visitor": pl.select(
                        pl.when(pl.lit(pl.Series(app)))
                        .then(pl.lit(people.app_id.gather(person)))
                        .otherwise(pl.lit(people.web_id.gather(person)))
                    ).to_series(),
                    "day": ev.t[r] // DAY,
                    "login": ev.login[r],
                    "email": people.email.gather(person),
                    "crm": people.crm_id.gather(person),
                    "cents": ev.amount[r],
                }
            )
            q = pl.lit('"')
            user = pl.concat_str(
                [
                    pl.lit('{"visitor_id":"'),
                    pl.col("visitor"),
                    q,
                    pl.when((pl.col("login") >= 1) & pl.col("email").is_not_null())
                    .then(pl.concat_str([pl.lit(',"email":"'), pl.col("email"), q]))
                    .otherwise(pl.lit("")),
                    pl.when(pl.col("login") == LOGGED_IN)
                    .then(pl.concat_str([pl.lit(',"crm_id":"'), pl.col("crm"), q]))
                    .otherwise(pl.lit("")),
                    pl.lit("}"),
                ]
            )
            line = pl.concat_str(
                [
                    pl.lit('{"event_id":"'),
                    pl.col("id"),
                    pl.lit('","timestamp":"'),
                    pl.col("ts"),
                    pl.lit('","event":"'),
                    pl.col("event"),
                    pl.lit('","platform":"'),
                    pl.col("platform"),
                    pl.lit('","page_url":"'),
                    pl.col("page"),
                    pl.lit('","session_id":"'),
                    pl.col("visitor"),
                    pl.lit(":"),
                    pl.col("day").cast(pl.String),
                    pl.lit('","user":'),
                    user,
                    pl.when(pl.col("cents") >= 0)
                    .then(pl.concat_str([pl.lit(',"amount":'), euros(pl.col("cents"), ".")]))
                    .otherwise(pl.lit("")),
                    pl.lit("}\n"),
                ]
            )
            handle.write("".join(frame.select(line).to_series().to_list()))
    return FileTruth(path.name, "web_analytics.yaml", "interactions", rows.size, rows.size, 0)


# ----------------------------------------------------------------------------------------------
# call centre


def _repack(path: Path) -> None:
    """Rewrite the xlsx zip with fixed entry dates, so that a seed gives the same bytes."""
    data = path.read_bytes()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time there
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2026-11-01T00:00:00Z\g<2>",
                    content,
                )
            dst.writestr(entry, content)


@dataclass(frozen=True)
class CallSheet:
    """The rows of one call-centre workbook, ready to be written (picklable for a worker)."""

    name: str
    number: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]  # simulated seconds
    duration: npt.NDArray[np.int64]
    caller: list[str]
    outbound: npt.NDArray[np.bool_]
    motive: list[str]
    resolved: npt.NDArray[np.bool_]


def call_sheets(world: World, cat: Catalog) -> list[CallSheet]:
    """Split the calls into workbooks: one per quarter, per month if a quarter would not fit."""
    people, ev = world.people, world.events
    rows = _sorted_rows(world, "calls")
    rng = world.streams["calls"]
    code = ev.code[rows]
    names = np.array([c.code for c in cat.codes])[code]
    median = np.array([CALL_PROFILE.get(c.code, (300, 0.9))[0] for c in cat.codes])[code]
    resolved_p = np.array([CALL_PROFILE.get(c.code, (300, 0.9))[1] for c in cat.codes])[code]
    duration = np.clip(np.round(rng.lognormal(np.log(median), 0.5)), 15, 7200).astype(np.int64)
    resolved = rng.random(rows.size) < resolved_p
    outbound = np.array([c.direction == "push" for c in cat.codes])[code]
    style = rng.choice(5, rows.size, p=[0.4, 0.25, 0.2, 0.1, 0.05])
    caller = pl.select(
        phone_written(pl.lit(people.phone.gather(ev.person[rows])), pl.lit(pl.Series(style)))
    ).to_series()
    month = to_datetime64(ev.t[rows]).astype("datetime64[M]").astype(np.int64)  # since 1970-01
    quarter = month // 3
    too_big = rows.size > 0 and np.bincount(quarter - quarter.min()).max() > XLSX_MAX_ROWS
    key = month if too_big else quarter
    sheets: list[CallSheet] = []
    for k in np.unique(key).tolist():
        idx = np.flatnonzero(key == k)
        if too_big:
            name = f"appels_{1970 + k // 12}-{k % 12 + 1:02d}.xlsx"
        else:
            name = f"appels_{1970 + (k * 3) // 12}-T{(k * 3) % 12 // 3 + 1}.xlsx"
        sheets.append(
            CallSheet(
                name=name,
                number=100_001 + idx,
                start=ev.t[rows[idx]],
                duration=duration[idx],
                caller=caller.gather(idx).to_list(),
                outbound=outbound[idx],
                motive=names[idx].tolist(),
                resolved=resolved[idx],
            )
        )
    return sheets


def write_call_sheet(raw_dir: Path, sheet: CallSheet) -> FileTruth:
    """Write one workbook with openpyxl in write-only mode; "Début" is a real Excel date-time."""
    wb = Workbook(write_only=True)
    wb.properties.created = wb.properties.modified = dt.datetime(*FIXED_ZIP_TIME)
    wb.properties.creator = "Centre de relation adhérents"
    ws = wb.create_sheet("Appels")
    ws.append(list(CALL_COLUMNS))
    starts: list[dt.datetime] = to_datetime64(sheet.start).astype(object).tolist()
    for number, start, duration, caller, outbound, motive, resolved in zip(
        sheet.number.tolist(),
        starts,
        sheet.duration.tolist(),
        sheet.caller,
        sheet.outbound.tolist(),
        sheet.motive,
        sheet.resolved.tolist(),
        strict=True,
    ):
        ws.append(
            [
                number,
                start,
                duration,
                caller,
                "Sortant" if outbound else "Entrant",
                motive,
                "Oui" if resolved else "Non",
            ]
        )
    target = raw_dir / sheet.name
    wb.save(target)
    _repack(target)
    rows = len(sheet.caller)
    return FileTruth(sheet.name, "appels.yaml", "interactions", rows, rows, 0)


# ----------------------------------------------------------------------------------------------
# survey tool and ERP


def write_survey(world: World, path: Path) -> FileTruth:
    """The survey tool's export: one row per response, three scores and a free comment."""
    people, sv = world.people, world.survey
    rng = world.streams["survey"]
    email = people.email.gather(sv.person)
    ids = pl.select(pl.concat_str([pl.lit("R_"), pl.lit(hex_ids(rng, sv.t.size, 7))])).to_series()
    frame = pl.DataFrame(
        {
            "ID réponse": ids,
            "Date de réponse": pl.Series(to_datetime64(sv.t)).dt.strftime("%Y-%m-%dT%H:%M:%S"),
            "email": email,
            "style": sv.email_style,
            "Étape": sv.stage.replace_strict(SURVEY_STAGE_LABELS, return_dtype=pl.String),
            "Canal": sv.channel.replace_strict(SURVEY_CHANNEL_LABELS, return_dtype=pl.String),
            "Recommandation (0-10)": sv.recommendation,
            "Satisfaction (1-5)": sv.satisfaction,
            "Effort (1-5)": sv.effort,
            "Commentaire": sv.verbatim,
        }
    )
    e = pl.col("email")
    typed = (
        pl.when(pl.col("style") == 1)
        .then(pl.concat_str([e.str.slice(0, 1).str.to_uppercase(), e.str.slice(1)]))
        .when(pl.col("style") == 2)
        .then(e.str.to_uppercase())
        .when(pl.col("style") == 3)
        .then(pl.concat_str([e, pl.lit(" ")]))
        .otherwise(e)
    )
    frame = frame.with_columns(typed.alias("E-mail")).select(SURVEY_COLUMNS)
    out = _CsvOut(path, encoding="utf-8", separator=",", newline="\r\n", bom=True)
    try:
        for a, b in _chunks(frame.height):
            out.write(frame.slice(a, b - a))
    finally:
        out.close()
    return FileTruth(
        path.name, "enquete_satisfaction.yaml", "responses", frame.height, frame.height, 0
    )


def write_erp(world: World, path: Path) -> FileTruth:
    """ERP sales lines: adhesion (annual premium of the formula) and options added later."""
    people, s = world.people, world.sales
    order = np.lexsort((s.product, s.person, s.t))
    person = s.person[order]
    product = s.product[order]
    crm = people.crm_id.gather(person)
    formula = pl.Series([f"Formule {f}" for f in params.FORMULAS]).gather(
        np.maximum(people.formula[person], 0)
    )
    option = pl.Series(list(params.OPTIONS)).gather(np.maximum(product, 0))
    frame = pl.DataFrame(
        {
            "crm": crm,
            "n": np.arange(order.size) + 1,
            "date": pl.Series(to_datetime64(s.t[order])).dt.strftime("%Y-%m-%d"),
            "adhesion": product < 0,
            "formula": formula,
            "option": option,
            "cents": s.annual_cents[order],
            "channel": pl.Series(list(ERP_CHANNELS)).gather(s.channel[order]),
        }
    ).select(
        pl.concat_str([pl.lit("CT-"), pl.col("crm").str.slice(2)]).alias("numero_contrat"),
        pl.concat_str([pl.lit("CMD"), pl.col("n").cast(pl.String).str.zfill(8)]).alias(
            "numero_commande"
        ),
        pl.col("crm").alias("code_client"),
        pl.col("date").alias("date_operation"),
        pl.when(pl.col("adhesion"))
        .then(pl.lit("ADHESION"))
        .otherwise(pl.lit("AJOUT_OPTION"))
        .alias("type_operation"),
        pl.when(pl.col("adhesion"))
        .then(pl.col("formula"))
        .otherwise(pl.col("option"))
        .alias("produit"),
        euros(pl.col("cents"), ".").alias("prime_annuelle_ttc"),
        pl.col("channel").alias("canal_vente"),
    )
    out = _CsvOut(path, encoding="utf-8", separator=",", newline="\n")
    try:
        for a, b in _chunks(frame.height):
            out.write(frame.slice(a, b - a))
    finally:
        out.close()
    return FileTruth(path.name, "erp_contrats.yaml", "transactions", frame.height, frame.height, 0)
