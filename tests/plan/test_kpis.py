"""KPI status from a monthly series: baseline, latest value, reached / on track / late."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from parcours.plan import IdeaKpi, kpi_status


def _series(values: list[float], start: dt.date = dt.date(2026, 1, 1)) -> pd.DataFrame:
    months = [dt.date(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1)
              for k in range(len(values))]  # fmt: skip
    return pd.DataFrame({"month": months, "value": values, "n": 100, "ci_low": [v - 5 for v in values],
                         "ci_high": [v + 5 for v in values]})  # fmt: skip


def test_baseline_is_the_month_before_approval_and_status_follows_the_line():
    kpi = IdeaKpi(id="nps", metric="nps", stage="s", target=20, deadline=dt.date(2026, 12, 31))
    series = _series([0, 2, 4, 6, 8, 10, 12])  # January to July
    status = kpi_status(kpi, series, approved_on=dt.date(2026, 3, 10), at=dt.date(2026, 7, 15))
    assert status["baseline"] == 2  # February, the month before approval
    assert status["baseline_month"] == dt.date(2026, 2, 1)
    assert (status["latest"], status["latest_month"], status["n"]) == (12, dt.date(2026, 7, 1), 100)
    assert (status["ci_low"], status["ci_high"]) == (7, 17)
    # expected on the line from 2 (Feb) to 20 (31 Dec) on 1 July: 2 + 18 x 150/333 = 10.1
    assert status["status"] == "on_track"
    slow = kpi_status(kpi, _series([0, 2, 3, 3, 4, 5, 6]), approved_on=dt.date(2026, 3, 10),
                      at=dt.date(2026, 7, 15))  # fmt: skip
    assert slow["status"] == "late"


def test_reached_late_after_deadline_and_no_data():
    kpi = IdeaKpi(id="c", metric="churn", target=1.0, deadline=dt.date(2026, 3, 31))
    assert kpi.better() == "down"
    assert kpi_status(kpi, _series([2.0, 1.5, 0.9]), at=dt.date(2026, 4, 2))["status"] == "reached"
    late = kpi_status(kpi, _series([2.0, 1.5, 1.2, 1.1]), at=dt.date(2026, 4, 20))
    assert late["status"] == "late"
    assert late["baseline"] == 2.0  # no approval date: the first month measured
    empty = kpi_status(kpi, _series([]), at=dt.date(2026, 4, 20))
    assert empty["status"] == "no_data"
    assert math.isnan(empty["latest"])


def test_a_written_baseline_wins_and_future_months_are_ignored():
    kpi = IdeaKpi(id="x", metric="csat", target=80, baseline=50, deadline=dt.date(2027, 1, 31))
    status = kpi_status(kpi, _series([60, 70, 90]), at=dt.date(2026, 2, 10))
    assert status["baseline"] == 50
    assert status["latest"] == 70  # March is after the follow-up date
    assert status["status"] == "on_track"


def test_kpi_fields_are_validated():
    with pytest.raises(ValueError, match="metric"):
        IdeaKpi(id="x", metric="happiness", target=1, deadline=dt.date(2027, 1, 1))
