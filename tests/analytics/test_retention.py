"""Retention cohorts against a plain-Python reading of PostHog's rules, on hand cases and generated logs."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.analytics import retention, retention_shares
from parcours.errors import AnalyticsError


def log(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "ts": pd.to_datetime([r[1] for r in rows], utc=True),
            "touchpoint": [r[2] for r in rows],
        }
    )


def as_dict(table) -> dict[tuple[dt.date, int], int]:
    frame = table.to_pandas()
    return {
        (pd.Timestamp(c).date(), int(i)): int(n)
        for c, i, n in zip(frame.cohort, frame.interval, frame.customers, strict=True)
    }


def period_start(day: dt.date, period: str, week_start: str) -> dt.date:
    if period == "day":
        return day
    if period == "month":
        return day.replace(day=1)
    return day - dt.timedelta(days=(day.weekday() + (week_start == "sunday")) % 7)


def rank(day: dt.date, period: str) -> int:
    if period == "month":
        return day.year * 12 + day.month
    days = (day - dt.date(1970, 1, 5)).days
    return days if period == "day" else days // 7


def reference(frame, start, returning, period, intervals, mode, week_start):
    """PostHog's retention, written the slow and obvious way."""
    rows = [
        (c, ts.date(), tp)
        for c, ts, tp in zip(frame.customer_id, frame.ts, frame.touchpoint, strict=True)
    ]
    last = period_start(max(d for _, d, _ in rows), period, week_start)
    last_rank = rank(last, period)
    first_rank = last_rank - (intervals - 1)
    cohorts: dict[dt.date, set[str]] = {}
    if mode == "first_time":
        first: dict[str, dt.date] = {}
        for c, d, tp in rows:
            if tp == start and (c not in first or d < first[c]):
                first[c] = d
        for c, d in first.items():
            cohorts.setdefault(period_start(d, period, week_start), set()).add(c)
    else:
        for c, d, tp in rows:
            if tp == start:
                cohorts.setdefault(period_start(d, period, week_start), set()).add(c)
    back = {
        (c, rank(period_start(d, period, week_start), period))
        for c, d, tp in rows
        if tp == returning
    }
    out = {}
    for cohort, members in cohorts.items():
        r0 = rank(cohort, period)
        if not first_rank <= r0 <= last_rank:
            continue
        out[(cohort, 0)] = len(members)
        for k in range(1, intervals):
            if r0 + k > last_rank:
                break
            out[(cohort, k)] = sum((c, r0 + k) in back for c in members)
    return out


def test_weekly_recurring_by_hand() -> None:
    ev = log(
        [
            ("a", "2026-01-05", "x"),
            ("a", "2026-01-13", "x"),
            ("a", "2026-01-27", "x"),
            ("b", "2026-01-06", "x"),
            ("b", "2026-01-20", "x"),
            ("c", "2026-01-14", "x"),
        ]
    )
    got = as_dict(retention(ev, "x", "x", period="week", intervals=4))
    week = dt.date(2026, 1, 5)
    assert got == {
        (week, 0): 2,
        (week, 1): 1,  # a came back the next week
        (week, 2): 1,  # b two weeks later: not a funnel, a came back at 1 but not at 2
        (week, 3): 1,
        (week + dt.timedelta(7), 0): 2,
        (week + dt.timedelta(7), 1): 0,
        (week + dt.timedelta(7), 2): 1,
        (week + dt.timedelta(14), 0): 1,
        (week + dt.timedelta(14), 1): 0,
        (week + dt.timedelta(21), 0): 1,  # later intervals are in the future: left out
    }
    shares = retention_shares(retention(ev, "x", "x", period="week", intervals=4))
    assert shares.loc[0, "size"] == 2
    assert shares.loc[0, 1] == pytest.approx(0.5)
    assert pd.isna(shares.loc[3, 1])


def test_first_time_looks_before_date_from_and_sunday_weeks() -> None:
    ev = log(
        [
            ("a", "2025-12-01", "signup"),  # first-ever start before the window
            ("a", "2026-01-04", "signup"),  # a Sunday
            ("b", "2026-01-04", "signup"),
            ("b", "2026-01-11", "login"),
        ]
    )
    first = as_dict(
        retention(
            ev,
            "signup",
            "login",
            period="week",
            intervals=3,
            mode="first_time",
            date_from="2026-01-01",
            date_to="2026-01-17",
            week_start="sunday",
        )
    )
    sunday = dt.date(2026, 1, 4)
    # a's first-ever signup (1 December) is before the window: a joins no cohort
    assert first == {(sunday, 0): 1, (sunday, 1): 1}
    recurring = as_dict(
        retention(
            ev,
            "signup",
            "login",
            period="week",
            intervals=3,
            date_from="2026-01-01",
            date_to="2026-01-17",
            week_start="sunday",
        )
    )
    assert recurring[(sunday, 0)] == 2
    monday = as_dict(
        retention(ev, "signup", "login", period="week", intervals=3, date_to="2026-01-17")
    )
    # ISO weeks: Sunday 4 January belongs to the week of Monday 29 December
    assert monday[(dt.date(2025, 12, 29), 0)] == 2
    assert monday[(dt.date(2025, 12, 29), 2)] == 0
    assert monday[(dt.date(2025, 12, 29), 1)] == 1


def test_step_mappings_breakdown_and_months() -> None:
    ev = log(
        [
            ("a", "2026-01-15", "web-quote"),
            ("a", "2026-02-03", "app-login"),
            ("b", "2026-01-20", "agency-quote"),
            ("b", "2026-03-01", "app-login"),
        ]
    )
    ev["channel"] = ["web", "app", "agency", "app"]
    table = retention(
        ev,
        {"touchpoint": ["web-quote", "agency-quote"]},
        "app-login",
        period="month",
        intervals=3,
        breakdown="channel",
    )
    frame = table.to_pandas()
    by = {(r.channel, int(r.interval)): int(r.customers) for r in frame.itertuples()}
    assert by == {
        ("web", 0): 1,
        ("web", 1): 1,
        ("web", 2): 0,
        ("agency", 0): 1,
        ("agency", 1): 0,
        ("agency", 2): 1,
    }


def test_bad_arguments_say_what_was_expected() -> None:
    ev = log([("a", "2026-01-05", "x")])
    with pytest.raises(AnalyticsError, match="period"):
        retention(ev, "x", "x", period="year")  # type: ignore[arg-type]
    with pytest.raises(AnalyticsError, match="intervals"):
        retention(ev, "x", "x", intervals=0)
    with pytest.raises(AnalyticsError, match="stage"):
        retention(ev, {"stage": "subscribe"}, "x")
    with pytest.raises(AnalyticsError, match="date_from before date_to"):
        retention(ev, "x", "x", date_from="2026-02-01", date_to="2026-01-01")


days = st.integers(0, 80)


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from("abcdefg"), days, st.sampled_from(["s", "r", "o"])),
        min_size=1,
        max_size=60,
    ),
    period=st.sampled_from(["day", "week", "month"]),
    mode=st.sampled_from(["recurring", "first_time"]),
    week_start=st.sampled_from(["monday", "sunday"]),
    intervals=st.integers(1, 8),
)
def test_matches_the_reference_on_generated_logs(rows, period, mode, week_start, intervals) -> None:
    base = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    frame = pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "ts": [base + dt.timedelta(days=r[1], hours=(i % 7)) for i, r in enumerate(rows)],
            "touchpoint": [r[2] for r in rows],
        }
    )
    expected = reference(frame, "s", "r", period, intervals, mode, week_start)
    got = as_dict(
        retention(
            frame, "s", "r", period=period, intervals=intervals, mode=mode, week_start=week_start
        )
    )
    assert got == expected
