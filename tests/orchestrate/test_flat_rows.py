"""A flat row (a CSV line of an events file) keeps its extra columns as the event's data."""

from __future__ import annotations

from parcours.orchestrate._common import as_event


def test_extra_columns_of_a_csv_row_are_the_event_data() -> None:
    row = {
        "event_id": "e1",
        "customer_id": "c1",
        "type": "nps-response",
        "ts": "2026-11-26T10:00:00Z",
        "score": "3",
        "comment": "Trop long",
    }
    event = as_event(row)
    assert event.data == {"score": "3", "comment": "Trop long"}  # not silently dropped
    nested = as_event({**row, "data": {"score": 9}})
    assert nested.data["score"] == 9  # what the data object says wins over a loose column
    assert nested.data["comment"] == "Trop long"
