"""Properties of every load: conservation of rows, idempotence, order independence of identities."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.workspace import Workspace

MAPPING = {
    "target": "interactions",
    "source": "crm",
    "identifiers": {"crm_id": "client", "email": "email"},
    "columns": {
        "ts": {"from": "date", "type": "datetime", "format": "%d/%m/%Y"},
        "amount": {"from": "montant", "type": "decimal"},
    },
}

good_date = st.builds(lambda d, m: f"{d:02d}/{m:02d}/2026", st.integers(1, 28), st.integers(1, 12))
bad_date = st.sampled_from(["31/02/2026", "hier", "2026/13/01", ""])
amount = st.one_of(
    st.decimals(0, 10_000, places=2).map(lambda d: f"{d}".replace(".", ",")),
    st.sampled_from(["", "abc", "1 234,5", "12.5"]),
)
row = st.fixed_dictionaries(
    {
        "client": st.sampled_from(["", "C1", "C2", "C3", "C4"]),
        "email": st.sampled_from(["", "a@x.fr", "b@x.fr", "pas-un-email"]),
        "date": st.one_of(good_date, good_date, bad_date),
        "montant": amount,
    }
)


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=["client", "email", "date", "montant"], delimiter=";"
    )
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(row, min_size=1, max_size=40))
def test_loaded_plus_quarantined_is_rows_read_and_reloading_changes_nothing(tmp_path_factory, rows):
    root = tmp_path_factory.mktemp("ws")
    with Workspace.init(root) as ws:
        file = root / "export.csv"
        _write(file, rows)
        (report,) = ws.ingest([file], mapping=MAPPING)
        assert report.rows_read == len(rows)
        assert report.rows_loaded + report.rows_quarantined == report.rows_read
        assert ws.warehouse.count("interactions") == report.rows_loaded
        assert ws.warehouse.count("quarantine") == report.rows_quarantined
        state = {t: ws.warehouse.count(t) for t in ("interactions", "customers", "identities")}
        # Same rows in other bytes (LF instead of CRLF): recognised row by row, nothing added.
        twin = root / "export-lf.csv"
        twin.write_bytes(file.read_bytes().replace(b"\r\n", b"\n"))
        (again,) = ws.ingest([twin], mapping=MAPPING)
        assert {t: ws.warehouse.count(t) for t in state} == state
        assert again.rows_loaded + again.rows_quarantined == again.rows_read


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(row, min_size=2, max_size=30), data=st.data())
def test_identity_resolution_does_not_depend_on_row_order(tmp_path_factory, rows, data):
    shuffled = data.draw(st.permutations(rows))

    def partition(ordered: list[dict[str, str]]) -> set[frozenset[tuple[str, str]]]:
        root = tmp_path_factory.mktemp("ws")
        with Workspace.init(root) as ws:
            file = root / "export.csv"
            _write(file, ordered)
            ws.ingest([file], mapping=MAPPING)
            ids = ws.table("identities").to_pandas()
        groups: dict[str, set[tuple[str, str]]] = {}
        for rec in ids.itertuples(index=False):
            groups.setdefault(rec.customer_id, set()).add((rec.kind, rec.value))
        return {frozenset(g) for g in groups.values()}

    assert partition(rows) == partition(list(shuffled))
