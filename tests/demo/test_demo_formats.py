"""Each export is written the way its system writes it: encodings, separators, dates, numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from demo_exports import Exports, clean, e164
from openpyxl import load_workbook

from parcours.demo import DemoFiles, Truth
from parcours.demo._writers import (
    CALL_COLUMNS,
    CRM_ACTION_COLUMNS,
    CRM_CLIENT_COLUMNS,
    ERP_COLUMNS,
    SURVEY_COLUMNS,
)

FR_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
FR_DATETIME = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
FR_EUROS = re.compile(r"^\d+,\d{2}$")
WEB_KEYS = {
    "event_id",
    "timestamp",
    "event",
    "platform",
    "page_url",
    "session_id",
    "user",
    "amount",
}


@pytest.mark.parametrize("name", ["crm_clients", "crm_actions"])
def test_crm_files_are_windows_exports(demo: DemoFiles, name: str) -> None:
    data = demo.raw[name][0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # accents are cp1252 bytes, not UTF-8
    text = data.decode("cp1252")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    header = text.split("\r\n", 1)[0].split(";")
    assert tuple(header) == (CRM_CLIENT_COLUMNS if name == "crm_clients" else CRM_ACTION_COLUMNS)
    assert '""' not in text  # empty cells are empty, not quoted


def test_crm_clients_values(exports: Exports, truth: Truth) -> None:
    rows = clean(exports.crm_clients, truth, "crm_clients.csv")
    assert rows["Code client"].str.fullmatch(r"MH\d{7}").all()
    assert rows["Code client"].is_unique
    assert rows["Date de naissance"].str.match(FR_DATE).all()
    members = rows[rows["Date d'adhésion"] != ""]
    prospects = rows[rows["Date d'adhésion"] == ""]
    assert len(members)
    assert len(prospects)
    assert members["Date d'adhésion"].str.match(FR_DATE).all()
    assert members["Cotisation mensuelle"].str.match(FR_EUROS).all()
    assert (prospects["Cotisation mensuelle"] == "").all()
    assert set(rows["Civilité"]) == {"M.", "Mme"}
    assert rows["Code postal"].str.fullmatch(r"\d{5}").all()
    assert rows["Code postal"].str.startswith("0").any()  # leading zeros kept as text
    phones = rows.loc[rows["Téléphone"] != "", "Téléphone"]
    assert phones.map(e164).notna().all()
    styles = {re.sub(r"\d", "d", p) for p in phones}
    assert {"dd dd dd dd dd", "+ddddddddddd", "dddddddddd", "dd.dd.dd.dd.dd"} <= styles
    assert (rows["E-mail"] != rows["E-mail"].str.lower()).any()  # typed with capitals too
    left = rows[rows["Date de résiliation"] != ""]
    assert len(left)
    assert (left["Date d'adhésion"] != "").all()


def test_crm_actions_values(exports: Exports, truth: Truth, journey_codes: dict[str, str]) -> None:
    rows = clean(exports.crm_actions, truth, "crm_actions.csv")
    assert rows["Date"].str.match(FR_DATETIME).all()
    parsed = [dt.datetime.strptime(d, "%d/%m/%Y %H:%M") for d in rows["Date"]]
    assert min(parsed) >= dt.datetime(2023, 11, 1)
    assert max(parsed) < dt.datetime(2026, 11, 1)
    assert set(rows["Canal"]) == {"Agence", "Courrier", "E-mail", "SMS"}
    assert set(rows["Code action"]) <= set(journey_codes)
    amounts = rows.loc[rows["Montant"] != "", "Montant"]
    assert len(amounts)
    assert amounts.str.match(FR_EUROS).all()
    agency = rows[rows["Code action"].str.startswith("AG_")]
    assert (agency["Conseiller"] != "").all()
    pushes = rows[rows["Code action"].str.match(r"^(EML_(?!RECLAMATION)|SMS_)")]
    assert (pushes["Conseiller"] == "").all()


def test_web_analytics_is_json_lines(exports: Exports, journey_codes: dict[str, str]) -> None:
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
    kinds = set()
    for event in exports.web:
        assert set(event) <= WEB_KEYS
        assert stamp.match(event["timestamp"])
        assert event["platform"] in ("web", "app")
        assert event["platform"] == ("app" if event["event"].startswith("APP_") else "web")
        user = event["user"]
        assert user["visitor_id"]
        assert set(user) <= {"visitor_id", "email", "crm_id"}
        kinds.add(tuple(sorted(user)))
        if "amount" in event:
            assert event["event"] in ("APP_DEMANDE_RMB", "WEB_DEMANDE_RMB")
            assert isinstance(event["amount"], float | int)
    # Anonymous visits, a quote form (cookie + e-mail) and logged-in members.
    assert ("visitor_id",) in kinds
    assert ("email", "visitor_id") in kinds
    assert ("crm_id", "email", "visitor_id") in kinds
    codes = {e["event"] for e in exports.web}
    assert "WEB_CHATBOT" in codes
    assert "WEB_CHATBOT" not in journey_codes
    assert codes - {"WEB_CHATBOT"} <= set(journey_codes)
    assert len({e["event_id"] for e in exports.web}) == len(exports.web)


def test_call_centre_workbooks(demo: DemoFiles, exports: Exports) -> None:
    for path in demo.raw["appels"]:
        assert re.fullmatch(r"appels_\d{4}-T[1-4]\.xlsx", path.name)
        wb = load_workbook(path, read_only=True)
        assert wb.sheetnames == ["Appels"]
        wb.close()
    calls = exports.calls
    assert tuple(c for c in calls.columns if c != "file") == CALL_COLUMNS
    assert all(isinstance(v, dt.datetime) for v in calls["Début"])
    quarter = calls["Début"].map(lambda d: f"appels_{d.year}-T{(d.month - 1) // 3 + 1}.xlsx")
    assert (quarter == calls["file"]).all()
    assert set(calls["Sens"]) == {"Entrant", "Sortant"}
    assert set(calls.loc[calls["Sens"] == "Sortant", "Motif"]) == {"TEL_RELANCE_DEVIS"}
    assert set(calls["Résolu"]) == {"Oui", "Non"}
    assert calls["N° appel"].is_unique
    assert calls["Numéro appelant"].map(e164).notna().all()
    assert calls["Numéro appelant"].str.contains(" ").any()
    assert calls["Numéro appelant"].str.startswith("+33").any()


def test_call_start_is_a_real_excel_date(demo: DemoFiles) -> None:
    wb = load_workbook(demo.raw["appels"][0], read_only=True)
    cell = next(wb["Appels"].iter_rows(min_row=2, max_row=2))[1]
    assert cell.is_date
    assert isinstance(cell.value, dt.datetime)
    wb.close()


def test_survey_export(demo: DemoFiles, exports: Exports) -> None:
    data = demo.raw["enquete_satisfaction"][0].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(records[0]) == SURVEY_COLUMNS
    assert len(records) - 1 == len(exports.survey)
    survey = exports.survey
    comments = survey["Commentaire"]
    assert comments.str.contains(",").any()
    assert comments.str.contains('"').any()
    assert comments.str.contains("\n").any()
    assert (comments == "").any()
    assert survey["Date de réponse"].map(dt.datetime.fromisoformat).notna().all()
    assert survey["Recommandation (0-10)"].astype(int).between(0, 10).all()
    assert survey["Satisfaction (1-5)"].astype(int).between(1, 5).all()
    assert survey["Effort (1-5)"].astype(int).between(1, 5).all()
    assert set(survey["Étape"]) <= {
        "Demande de devis", "Adhésion", "Remboursement", "Réclamation", "Résiliation",
    }  # fmt: skip
    assert "Application mobile" in set(survey["Canal"])
    assert (survey["E-mail"].str.strip() != "").all()


def test_erp_export(demo: DemoFiles, exports: Exports) -> None:
    first = demo.raw["erp_contrats"][0].read_text(encoding="utf-8").splitlines()[0]
    assert tuple(first.split(",")) == ERP_COLUMNS
    erp = exports.erp
    assert erp["date_operation"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert erp["prime_annuelle_ttc"].str.fullmatch(r"\d+\.\d{2}").all()
    assert set(erp["canal_vente"]) <= {"WEB", "TEL", "AGENCE"}
    assert set(erp["type_operation"]) == {"ADHESION", "AJOUT_OPTION"}
    options = set(erp.loc[erp["type_operation"] == "AJOUT_OPTION", "produit"])
    assert options == {"Option dentaire", "Option optique", "Option hospitalisation renforcée"}
    assert erp["numero_commande"].is_unique
