"""End-to-end loads: hostile files, exact quarantine, identities, idempotence, formats."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from parcours.errors import MappingError
from parcours.workspace import Workspace

CASES = Path(__file__).parent / "cases"
HOSTILE = CASES / "crm_hostile.csv"
HOSTILE_MAPPING = CASES / "crm_hostile.yaml"


def _quarantine(ws: Workspace) -> list[tuple[int, str | None, str | None, str]]:
    frame = ws.quarantine().to_pandas().sort_values("row")
    return [(int(r.row), r.column, r.value, r.reason) for r in frame.itertuples(index=False)]


def test_hostile_csv_loads_the_valid_rows_and_quarantines_the_rest(workspace):
    (report,) = workspace.ingest([HOSTILE], mapping=HOSTILE_MAPPING)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (13, 6, 7)
    assert report.rows_loaded + report.rows_quarantined == report.rows_read
    assert workspace.warehouse.count("interactions") == 6
    rejects = _quarantine(workspace)
    assert [r[0] for r in rejects] == [6, 7, 10, 12, 13, 14, 16]
    by_row = {r[0]: r for r in rejects}
    assert by_row[6][3].startswith("no identifier")
    assert by_row[7][1:3] == ("Date", "31/02/2025 10:00")
    assert "expected a date-time as dd/mm/yyyy HH:MM or dd/mm/yyyy" in by_row[7][3]
    assert by_row[10][3].startswith("duplicate of row 8")
    assert by_row[12][1:3] == ("Montant", "douze")
    assert "expected 8 fields" in by_row[13][3] or "8" in by_row[13][3]
    assert by_row[16][1:3] == ("E-mail", "pas-un-email")
    quarantine = workspace.quarantine().to_pandas()
    assert set(quarantine.file) == {str(HOSTILE)}
    assert set(quarantine.source) == {"crm"}


def test_hostile_csv_values_are_typed_and_mapped(workspace):
    workspace.ingest([HOSTILE], mapping=HOSTILE_MAPPING)
    rows = workspace.table("interactions").to_pandas()
    c002 = rows[rows.event_code == "WEB_DEVIS"].iloc[0]
    assert c002.amount == 12.5
    assert c002["attrs"]["label"] == 'Devis; formule "Confort"'
    assert (c002.touchpoint, c002.stage, c002.channel) == ("quote-web", "quote", "web")
    assert (c002.direction, c002.nature) == ("pull", "transactional")
    multi = rows[rows.event_code == "TEL_INFO_OFFRE"].iloc[0]
    assert multi.amount == 1234.56
    assert multi["attrs"]["label"] == "appel sur\ndeux lignes"
    unknown = rows[rows.event_code == "WEB_CHATBOT"].iloc[0]
    assert unknown.touchpoint is None or unknown.touchpoint != unknown.touchpoint  # kept, unmapped
    assert unknown.channel == "web"  # from the mapping when no touchpoint says it
    first = rows[rows.event_code == "AG_DEVIS"].iloc[0]
    assert str(first.ts.tz_convert("UTC")) == "2026-01-03 08:15:00+00:00"


def test_identifiers_shared_by_rows_make_one_customer(workspace):
    workspace.ingest([HOSTILE], mapping=HOSTILE_MAPPING)
    rows = workspace.table("interactions").to_pandas()
    ids = workspace.table("identities").to_pandas()
    owner = dict(zip(zip(ids.kind, ids.value, strict=True), ids.customer_id, strict=True))
    marie = owner[("crm_id", "C001")]
    assert owner[("email", "marie.dupont@exemple.fr")] == marie
    assert owner[("phone", "+33612345678")] == marie
    # The complaint row carried only the phone number: it is Marie's.
    complaint = rows[rows.event_code == "TEL_RECLAMATION"].iloc[0]
    assert complaint.customer_id == marie
    assert (rows.customer_id == marie).sum() == 3
    assert workspace.warehouse.count("customers") == 4


def test_a_later_load_that_links_two_customers_merges_them(workspace, tmp_path):
    mapping = {
        "target": "interactions",
        "source": "web",
        "identifiers": {"cookie": "visiteur", "email": "email"},
        "columns": {"ts": {"from": "quand"}},
    }
    anonymous = tmp_path / "anon.csv"
    anonymous.write_text("visiteur,email,quand\nv-1,,2026-01-01 10:00\nv-1,,2026-01-02 10:00\n")
    known = tmp_path / "known.csv"
    known.write_text("visiteur,email,quand\nv-2,lea@exemple.fr,2026-01-03 10:00\n")
    workspace.ingest([anonymous, known], mapping=mapping)
    assert workspace.warehouse.count("customers") == 2
    login = tmp_path / "login.csv"
    login.write_text("visiteur,email,quand\nv-1,lea@exemple.fr,2026-01-04 10:00\n")
    workspace.ingest([login], mapping=mapping)
    rows = workspace.table("interactions").to_pandas()
    assert rows.customer_id.nunique() == 1
    assert workspace.warehouse.count("customers") == 1
    merges = workspace.table("customer_merges").to_pandas()
    assert len(merges) == 1
    kept = workspace.table("customers").to_pandas().iloc[0]
    assert str(kept.first_seen.tz_convert("UTC")).startswith("2026-01-01")


def test_three_customers_proven_one_at_once_keep_the_whole_span(workspace, tmp_path):
    mapping = {
        "target": "interactions",
        "source": "web",
        "identifiers": {"cookie": "visiteur", "email": "email", "phone": "tel"},
        "columns": {"ts": {"from": "quand"}},
    }
    apart = tmp_path / "apart.csv"
    apart.write_text(
        "visiteur,email,tel,quand\n"
        "v-1,,,2026-01-01 10:00\n"
        ",lea@exemple.fr,,2026-02-01 10:00\n"
        ",,0612345678,2026-03-01 10:00\n"
    )
    workspace.ingest([apart], mapping=mapping)
    assert workspace.warehouse.count("customers") == 3
    together = tmp_path / "together.csv"
    together.write_text(
        "visiteur,email,tel,quand\nv-1,lea@exemple.fr,0612345678,2025-12-15 10:00\n"
    )
    workspace.ingest([together], mapping=mapping)
    customers = workspace.table("customers").to_pandas()
    assert len(customers) == 1
    assert len(workspace.table("customer_merges").to_pandas()) == 2
    kept = customers.iloc[0]
    assert str(kept.first_seen.tz_convert("UTC")).startswith("2025-12-15")
    assert str(kept.last_seen.tz_convert("UTC")).startswith("2026-03-01")
    assert workspace.table("interactions").to_pandas().customer_id.nunique() == 1


def test_the_same_file_twice_changes_nothing(workspace, tmp_path):
    workspace.ingest([HOSTILE], mapping=HOSTILE_MAPPING)
    before = {t: workspace.warehouse.count(t) for t in ("interactions", "quarantine", "customers")}
    (again,) = workspace.ingest([HOSTILE], mapping=HOSTILE_MAPPING)
    assert again.skipped
    copy = tmp_path / "copie.csv"
    shutil.copy(HOSTILE, copy)
    (renamed,) = workspace.ingest([copy], mapping=HOSTILE_MAPPING)  # same bytes, another name
    assert renamed.skipped
    after = {t: workspace.warehouse.count(t) for t in ("interactions", "quarantine", "customers")}
    assert after == before


def test_an_overlapping_export_adds_only_new_rows(workspace, tmp_path):
    first = tmp_path / "janvier.csv"
    first.write_text("id;client;date\n1;C1;01/01/2026\n2;C2;02/01/2026\n", encoding="cp1252")
    second = tmp_path / "janvier-fevrier.csv"
    second.write_text(
        "id;client;date\n1;C1;01/01/2026\n2;C2;02/01/2026\n3;C1;03/02/2026\n", encoding="cp1252"
    )
    mapping = {
        "target": "interactions",
        "source": "crm",
        "identifiers": {"crm_id": "client"},
        "columns": {
            "event_id": {"from": "id"},
            "ts": {"from": "date", "type": "datetime", "format": "%d/%m/%Y"},
        },
    }
    workspace.ingest([first], mapping=mapping)
    (report,) = workspace.ingest([second], mapping=mapping)
    assert (report.rows_read, report.rows_loaded, report.rows_already_loaded) == (3, 3, 2)
    assert workspace.warehouse.count("interactions") == 3


def test_a_mapping_that_does_not_fit_the_file_says_what_is_missing(workspace, tmp_path):
    file = tmp_path / "export.csv"
    file.write_text("client;date\nC1;01/01/2026\n")
    mapping = {
        "target": "interactions",
        "identifiers": {"crm_id": "Code client"},
        "columns": {"ts": {"from": "date"}},
    }
    with pytest.raises(MappingError) as caught:
        workspace.ingest([file], mapping=mapping, source="crm")
    message = str(caught.value)
    assert "'Code client'" in message
    assert "'client'" in message
    assert "export.csv" in message
    assert workspace.warehouse.count("loads") == 0


def test_xlsx_jsonl_and_parquet_load_through_the_same_path(workspace, tmp_path):
    import datetime as dt

    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Appels"
    sheet.append(["N° appel", "Début", "Numéro appelant", "Motif", "Durée (s)"])
    sheet.append(["A1", dt.datetime(2026, 3, 2, 9, 30), "06 11 22 33 44", "TEL_DEVIS", 125])
    sheet.append(["A2", dt.datetime(2026, 3, 2, 10, 0), "", "TEL_DEVIS", 30])
    calls = tmp_path / "appels.xlsx"
    book.save(calls)
    (report,) = workspace.ingest(
        [calls],
        source="centre-appels",
        mapping={
            "target": "interactions",
            "identifiers": {"phone": "Numéro appelant"},
            "columns": {
                "event_id": {"from": "N° appel"},
                "ts": {"from": "Début"},
                "channel": {"value": "phone"},
            },
            "event_code": {"from": "Motif"},
            "attributes": {"duration": {"from": "Durée (s)", "type": "integer"}},
        },
    )
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (2, 1, 1)
    assert _quarantine(workspace)[0][0] == 3  # the sheet row

    events = tmp_path / "web.jsonl"
    events.write_text(
        json.dumps({"ts": "2026-03-01T08:00:00Z", "user": {"email": "a@b.fr"}, "e": "WEB_DEVIS"})
        + "\n{not json\n"
        + json.dumps({"ts": "2026-03-01T09:00:00Z", "user": {"email": "a@b.fr"}, "e": "WEB_OFFRES"})
        + "\n"
    )
    (web,) = workspace.ingest(
        [events],
        source="web",
        mapping={
            "target": "interactions",
            "identifiers": {"email": "user.email"},
            "columns": {"ts": {"from": "ts"}},
            "event_code": {"from": "e"},
        },
    )
    assert (web.rows_read, web.rows_loaded, web.rows_quarantined) == (3, 2, 1)

    sales = tmp_path / "ventes.parquet"
    pq.write_table(
        pa.table(
            {
                "client": ["C1", "C2"],
                "date": [
                    dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
                    dt.datetime(2026, 2, 5, tzinfo=dt.UTC),
                ],
                "montant": [120.5, 80.0],
                "commande": ["O1", "O2"],
            }
        ),
        sales,
    )
    (erp,) = workspace.ingest(
        [sales],
        source="erp",
        mapping={
            "target": "transactions",
            "identifiers": {"crm_id": "client"},
            "columns": {
                "ts": {"from": "date"},
                "amount": {"from": "montant"},
                "order_id": {"from": "commande"},
                "transaction_id": {"from": "commande"},
            },
        },
    )
    assert (erp.rows_read, erp.rows_loaded) == (2, 2)
    assert sorted(workspace.table("transactions").to_pandas().amount) == [80.0, 120.5]


def test_survey_rows_become_one_response_per_metric(workspace, tmp_path):
    survey = tmp_path / "enquete.csv"
    survey.write_text(
        "\ufeffID,Date,E-mail,Étape,NPS,CSAT,Commentaire\n"
        'r1,2026-02-01 10:00:00,a@b.fr,Remboursement,3,2,"Trop lent, vraiment"\n'
        "r2,2026-02-02 10:00:00,c@d.fr,Devis,10,,\n"
        "r3,2026-02-03 10:00:00,e@f.fr,Devis,11,5,\n",
        encoding="utf-8",
    )
    (report,) = workspace.ingest(
        [survey],
        source="enquete",
        mapping={
            "target": "responses",
            "identifiers": {"email": "E-mail"},
            "columns": {
                "response_id": {"from": "ID"},
                "ts": {"from": "Date"},
                "stage": {
                    "from": "Étape",
                    "values": {"Remboursement": "reimbursement", "Devis": "quote"},
                },
                "verbatim": {"from": "Commentaire"},
            },
            "metrics": {
                "nps": {"from": "NPS", "type": "integer", "min": 0, "max": 10},
                "csat": {"from": "CSAT", "type": "integer", "min": 1, "max": 5},
            },
        },
    )
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    responses = workspace.table("responses").to_pandas().sort_values(["ts", "metric"])
    assert list(zip(responses.metric, responses.score, strict=True)) == [
        ("csat", 2.0),
        ("nps", 3.0),
        ("nps", 10.0),
    ]
    assert responses[responses.metric == "nps"].verbatim.iloc[0] == "Trop lent, vraiment"
    reason = _quarantine(workspace)[0][3]
    assert "between 0 and 10" in reason
    assert "'11'" in reason


def test_customer_attributes_become_typed_columns_and_update(workspace, tmp_path):
    mapping = {
        "target": "customers",
        "source": "crm",
        "read": {"encoding": "cp1252", "separator": ";"},
        "identifiers": {"crm_id": "Code client"},
        "attributes": {
            "birth_date": {"from": "Date de naissance", "type": "date", "format": "%d/%m/%Y"},
            "premium": {"from": "Cotisation", "type": "decimal"},
            "city": {"from": "Ville"},
        },
    }
    first = tmp_path / "clients.csv"
    first.write_bytes(
        "Code client;Date de naissance;Cotisation;Ville\nC1;05/04/1980;54,90;Lyon\n".encode(
            "cp1252"
        )
    )
    workspace.ingest([first], mapping=mapping)
    second = tmp_path / "clients2.csv"
    second.write_bytes(
        "Code client;Date de naissance;Cotisation;Ville\nC1;05/04/1980;59,90;Orléans\n".encode(
            "cp1252"
        )
    )
    workspace.ingest([second], mapping=mapping)
    customers = workspace.table("customers").to_pandas()
    assert len(customers) == 1
    row = customers.iloc[0]
    assert (row.premium, row.city, str(row.birth_date)[:10]) == (59.9, "Orléans", "1980-04-05")


def test_attribute_type_conflict_names_the_mapping_file_and_line(workspace, tmp_path):
    data = tmp_path / "clients.csv"
    data.write_text("Code client;Ville\nC1;Lyon\n", encoding="utf-8")
    first = tmp_path / "clients.yaml"
    first.write_text(
        "target: customers\nsource: crm\nidentifiers: {crm_id: Code client}\n"
        "attributes:\n  city: {from: Ville}\n",
        encoding="utf-8",
    )
    workspace.ingest([data], mapping=first)
    second = tmp_path / "clients_typed.yaml"
    second.write_text(
        "target: customers\nsource: crm2\nidentifiers: {crm_id: Code client}\n"
        "attributes:\n  city: {from: Ville, type: integer}\n",
        encoding="utf-8",
    )
    with pytest.raises(MappingError) as caught:
        workspace.ingest([data], mapping=second)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column) == (str(second), 5, 3)
    assert problem.path == "attributes.city"
    assert "VARCHAR" in problem.expected
    assert problem.found == "BIGINT"
    assert str(second) in str(caught.value)
    # Given in code, the mapping has no file to name.
    with pytest.raises(MappingError) as in_code:
        workspace.ingest(
            [data],
            mapping={
                "target": "customers",
                "source": "crm3",
                "identifiers": {"crm_id": "Code client"},
                "attributes": {"city": {"from": "Ville", "type": "integer"}},
            },
        )
    assert in_code.value.problems[0].file == "mapping"
