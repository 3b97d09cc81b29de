"""The ingest hook of the suppression list: rows of erased people are skipped and counted,
never loaded nor quarantined, whichever identifier (e-mail, phone, CRM code) carries them."""

from __future__ import annotations

from pathlib import Path

from parcours.warehouse import suppress, suppressed
from parcours.workspace import Workspace

MAPPING = """\
parcours: 1
target: interactions
source: crm
identifiers:
  crm_id: Code client
  email: E-mail
  phone: Téléphone
columns:
  ts: {from: Date, type: datetime, formats: ["%d/%m/%Y %H:%M"]}
event_code: {from: Code action}
"""

ROWS = """\
Code client;E-mail;Téléphone;Date;Code action
C001;marie.dupont@exemple.fr;06 12 34 56 78;03/01/2026 09:15;AG_DEVIS
C001;;;04/01/2026 10:00;TEL_DEVIS
;MARIE.DUPONT@exemple.fr;;05/01/2026 10:00;WEB_VISITE
;;+33 6 12 34 56 78;06/01/2026 10:00;TEL_RAPPEL
C002;paul.martin@exemple.fr;;05/01/2026 11:00;WEB_DEVIS
C002;paul.martin@exemple.fr;;31/02/2026 11:00;WEB_DEVIS
C003;jeanne@exemple.fr;;07/01/2026 11:00;AG_RDV
"""


def _load(ws: Workspace, tmp_path: Path, name: str, tail: str = "") -> object:
    data = tmp_path / name
    data.write_text(ROWS + tail, encoding="utf-8")
    mapping = tmp_path / "crm.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    (report,) = ws.ingest([data], mapping=mapping)
    return report


def test_rows_of_erased_people_are_skipped_and_counted(workspace: Workspace, tmp_path: Path):
    wh = workspace.warehouse
    # Marie is known by her e-mail only, in any spelling; her CRM code and phone follow from
    # the rows that carry them, because a row is skipped when ANY of its identifiers is hers
    assert suppress(wh, [("email", " Marie.Dupont@Exemple.fr ")]) == 1
    assert suppress(wh, [("email", "marie.dupont@exemple.fr")]) == 0  # already there
    report = _load(workspace, tmp_path, "crm.csv")
    # C001's second row carries only the CRM code: it is hers, but nothing in it says so
    # until her code is suppressed too (erase_everywhere records every identifier she had)
    assert report.rows_erased == 2
    assert report.rows_loaded + report.rows_quarantined + report.rows_erased == report.rows_read
    emails = {v for (v,) in wh.fetchall("SELECT value FROM identities WHERE kind = 'email'")}
    assert "marie.dupont@exemple.fr" not in emails
    quarantined = wh.fetchall("SELECT value FROM quarantine")
    assert all("dupont" not in str(v).lower() for (v,) in quarantined)

    suppress(wh, [("crm_id", "C001"), ("phone", "+33612345678")])
    assert suppressed(wh, [("crm_id", "C001"), ("crm_id", "C002")]) == {("crm_id", "C001")}
    # what the first load let through (her rows without her e-mail) is erase_everywhere's job
    wh.execute("DELETE FROM interactions WHERE event_code IN ('TEL_DEVIS', 'TEL_RAPPEL')")
    again = _load(workspace, tmp_path, "crm_2027.csv", tail="\n")  # next month: a new file
    assert again.rows_erased == 4
    codes = {v for (v,) in wh.fetchall("SELECT event_code FROM interactions")}
    assert codes == {"WEB_DEVIS", "AG_RDV"}
    assert again.rows_loaded + again.rows_quarantined + again.rows_erased == again.rows_read


def test_nobody_erased_costs_nothing_and_changes_nothing(workspace: Workspace, tmp_path: Path):
    report = _load(workspace, tmp_path, "crm.csv")
    assert report.rows_erased == 0
    assert report.rows_loaded + report.rows_quarantined == report.rows_read
    assert "suppression" not in workspace.warehouse.tables()
