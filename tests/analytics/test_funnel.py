"""Funnels: one small hand-made log per PostHog rule, the extensions, and properties."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.analytics.conftest import events

from parcours import analytics


def counts(result: analytics.FunnelResult) -> list[int]:
    return [int(v) for v in result.to_pandas().customers]


def test_window_runs_from_step_one_to_every_later_step_inclusive():
    log = events(
        [
            ("a", "2026-01-01 00:00", "A"),
            ("a", "2026-01-15 00:00", "B"),  # exactly 14 days later: inside
            ("b", "2026-01-01 00:00", "A"),
            ("b", "2026-01-15 00:00:01", "B"),  # one second too late
        ]
    )
    assert counts(analytics.funnel(log, ["A", "B"], window="14d")) == [2, 1]


def test_a_later_step_done_before_step_one_does_not_count():
    log = events([("a", "2026-01-01", "B"), ("a", "2026-01-02", "A")])
    assert counts(analytics.funnel(log, ["A", "B"])) == [1, 0]


def test_the_attempt_that_gets_furthest_counts_ties_to_the_most_recent():
    log = events(
        [
            ("a", "2026-01-01", "A"),
            ("a", "2026-01-02", "B"),
            ("a", "2026-03-01", "A"),  # a later attempt that stops at step 1
            ("b", "2026-01-01", "A"),
            ("b", "2026-01-02", "B"),
            ("b", "2026-03-01", "A"),
            ("b", "2026-03-02", "B"),  # as far: the most recent attempt counts
        ]
    )
    result = analytics.funnel(log, ["A", "B", "C"])
    assert counts(result) == [2, 2, 0]
    people = result.customers.to_pandas().set_index("customer_id")
    assert people.loc["a", "entered_at"] == pd.Timestamp("2026-01-01", tz="UTC")
    assert people.loc["b", "entered_at"] == pd.Timestamp("2026-03-01", tz="UTC")


def test_the_same_event_for_two_steps_needs_two_occurrences():
    once = events([("a", "2026-01-01", "A")])
    twice = events([("a", "2026-01-01", "A"), ("a", "2026-01-01", "A")])
    assert counts(analytics.funnel(once, ["A", "A"])) == [1, 0]
    assert counts(analytics.funnel(twice, ["A", "A"])) == [1, 1]


def test_events_at_the_same_instant_are_taken_in_step_order():
    # B is written before A in the file, at the same instant.
    log = events([("a", "2026-01-01 10:00", "B"), ("a", "2026-01-01 10:00", "A")])
    assert counts(analytics.funnel(log, ["A", "B"])) == [1, 1]


def test_strict_mode_resets_on_any_other_event():
    log = events(
        [
            ("a", "2026-01-01 10:00", "A"),
            ("a", "2026-01-01 10:01", "X"),
            ("a", "2026-01-01 10:02", "B"),
            ("b", "2026-01-01 10:00", "A"),
            ("b", "2026-01-01 10:02", "B"),
            ("c", "2026-01-01 10:00", "A"),  # a first attempt broken by X, then a clean one
            ("c", "2026-01-01 10:01", "X"),
            ("c", "2026-01-01 10:03", "A"),
            ("c", "2026-01-01 10:04", "B"),
        ]
    )
    assert counts(analytics.funnel(log, ["A", "B"], mode="strict")) == [3, 2]
    assert counts(analytics.funnel(log, ["A", "B"], mode="ordered")) == [3, 3]


def test_an_exclusion_inside_the_counted_attempt_removes_the_customer():
    log = events(
        [
            ("a", "2026-01-01", "A"),
            ("a", "2026-01-02", "X"),  # between A and B: excluded
            ("a", "2026-01-03", "B"),
            ("b", "2026-01-01", "X"),  # before the attempt: kept
            ("b", "2026-01-02", "A"),
            ("b", "2026-01-03", "B"),
            ("c", "2026-01-01", "A"),  # never reaches B, X inside the window: excluded
            ("c", "2026-01-05", "X"),
            ("d", "2026-01-01", "A"),  # X after the window: kept
            ("d", "2026-02-01", "X"),
        ]
    )
    result = analytics.funnel(log, ["A", "B"], exclusions=["X"])
    assert counts(result) == [2, 1]
    assert set(result.customers.to_pandas().customer_id) == {"b", "d"}


def test_exclusion_between_chosen_steps_only():
    log = events(
        [
            ("a", "2026-01-01", "A"),
            ("a", "2026-01-02", "X"),  # between steps 1 and 2: outside steps 2..3
            ("a", "2026-01-03", "B"),
            ("a", "2026-01-04", "C"),
        ]
    )
    ranged = analytics.funnel(
        log, ["A", "B", "C"], exclusions=[{"touchpoint": "X", "from_step": 2}]
    )
    assert counts(ranged) == [1, 1, 1]


def test_unordered_counts_distinct_steps_within_the_window():
    log = events(
        [
            ("a", "2026-01-01", "C"),
            ("a", "2026-01-02", "A"),
            ("a", "2026-01-03", "B"),
            ("b", "2026-01-01", "B"),
            ("b", "2026-03-01", "A"),  # outside the window of B
        ]
    )
    assert counts(analytics.funnel(log, ["A", "B", "C"], mode="unordered")) == [2, 1, 1]


def test_unordered_times_run_from_one_distinct_step_to_the_next():
    log = events(
        [
            ("a", "2026-01-01 00:00", "C"),
            ("a", "2026-01-02 00:00", "A"),
            ("a", "2026-01-03 00:00", "B"),
            ("a", "2026-01-04 00:00", "C"),  # A, B, C from day 2 also gets furthest: latest counts
            ("c", "2026-01-01 00:00", "A"),
            ("c", "2026-01-01 01:00", "B"),
            ("d", "2026-01-01 00:00", "B"),
            ("d", "2026-01-01 00:00", "A"),  # the same instant: reached together
        ]
    )
    result = analytics.funnel(log, ["A", "B", "C"], mode="unordered")
    steps = result.to_pandas().set_index("step")
    assert steps.customers.tolist() == [3, 3, 1]
    # Step 2 reached after 1 day (a), 1 hour (c), at once (d); step 3 one day after step 2 (a).
    assert steps.median_seconds_from_previous[2] == 3600
    assert steps.mean_seconds_from_previous[2] == pytest.approx((86400 + 3600 + 0) / 3)
    assert steps.median_seconds_from_previous[3] == 86400
    assert steps.median_seconds_from_first[3] == 2 * 86400
    people = result.customers.to_pandas().set_index("customer_id")
    assert people.step_2_from_previous.to_dict() == {"a": 86400, "c": 3600, "d": 0}


def test_per_step_windows_limit_the_time_from_the_previous_step():
    log = events(
        [
            ("a", "2026-01-01 10:00", "A"),
            ("a", "2026-01-01 10:30", "B"),
            ("a", "2026-01-03 10:00", "C"),  # 2 days after B: over the 1-day step window
            ("b", "2026-01-01 10:00", "A"),
            ("b", "2026-01-01 10:30", "B"),
            ("b", "2026-01-01 12:00", "C"),
        ]
    )
    result = analytics.funnel(log, ["A", "B", "C"], step_windows=[None, "1d"])
    assert counts(result) == [2, 2, 1]
    assert counts(analytics.funnel(log, ["A", "B", "C"], step_windows={2: "10min"})) == [2, 0, 0]


def test_optional_steps_count_when_done_and_do_not_block():
    log = events(
        [
            ("a", "2026-01-01", "A"),
            ("a", "2026-01-02", "O"),
            ("a", "2026-01-03", "B"),
            ("b", "2026-01-01", "A"),
            ("b", "2026-01-03", "B"),
        ]
    )
    steps = ["A", {"touchpoint": "O", "optional": True}, "B"]
    table = analytics.funnel(log, steps).to_pandas()
    assert list(table.customers) == [2, 1, 2]
    assert list(table.optional) == [False, True, False]
    assert table.conversion_from_previous.iloc[2] == 1.0


def test_steps_may_be_stages_of_the_journey_map(demo_workspace):
    from parcours.workspace import Workspace

    with Workspace.open(demo_workspace) as ws:
        journey = ws.journey()
        interactions = ws.table("interactions")
        result = analytics.stage_funnel(
            interactions, journey, stages=["compare", "quote", "subscribe"], window="365d"
        )
        table = result.to_pandas()
    assert list(table.name) == ["compare", "quote", "subscribe"]
    c = list(table.customers)
    assert c[0] >= c[1] >= c[2] > 0


def test_breakdown_by_an_event_column():
    log = events(
        [
            ("a", "2026-01-01", "A", "web"),
            ("a", "2026-01-02", "B", "web"),
            ("b", "2026-01-01", "A", "phone"),
            ("c", "2026-01-01", "A", "web"),
        ],
        ("customer_id", "ts", "touchpoint", "channel"),
    )
    table = analytics.funnel(log, ["A", "B"], breakdown="channel").to_pandas()
    got = {(r.channel, r.step): r.customers for r in table.itertuples()}
    assert got == {("phone", 1): 1, ("phone", 2): 0, ("web", 1): 2, ("web", 2): 1}


def test_breakdown_by_a_customer_column():
    log = events([("a", "2026-01-01", "A"), ("a", "2026-01-02", "B"), ("b", "2026-01-01", "A")])
    people = pd.DataFrame({"customer_id": ["a", "b"], "persona": ["family", "senior"]})
    table = analytics.funnel(log, ["A", "B"], breakdown="persona", customers=people).to_pandas()
    assert {(r.persona, r.step): r.customers for r in table.itertuples()} == {
        ("family", 1): 1,
        ("family", 2): 1,
        ("senior", 1): 1,
        ("senior", 2): 0,
    }


def test_outputs_conversion_time_to_convert_and_dropped_customers():
    log = events(
        [
            ("a", "2026-01-01 00:00", "A"),
            ("a", "2026-01-01 01:00", "B"),
            ("b", "2026-01-01 00:00", "A"),
            ("b", "2026-01-01 03:00", "B"),
            ("c", "2026-01-01 00:00", "A"),
            ("d", "2026-01-01 00:00", "A"),
        ]
    )
    result = analytics.funnel(log, ["A", "B"])
    table = result.to_pandas()
    assert table.conversion_from_previous.iloc[1] == 0.5
    assert table.conversion_from_first.iloc[1] == 0.5
    assert table.dropped.iloc[1] == 2
    assert table.median_seconds_from_previous.iloc[1] == 2 * 3600
    assert table.p90_seconds_from_previous.iloc[1] == pytest.approx(2.8 * 3600)
    dropped = result.dropped("B").to_pandas()
    assert list(dropped.customer_id) == ["c", "d"]
    assert set(dropped.dropped_step) == {"B"}
    times = result.time_to_convert("B").to_pandas().sort_values("customer_id")
    assert list(times.seconds_from_first) == [3600.0, 3 * 3600.0]


def test_bad_arguments_say_what_was_expected():
    log = events([("a", "2026-01-01", "A")])
    with pytest.raises(analytics.AnalyticsError, match="at least two"):
        analytics.funnel(log, ["A"])
    with pytest.raises(analytics.AnalyticsError, match="14d"):
        analytics.funnel(log, ["A", "B"], window="two weeks")
    with pytest.raises(analytics.AnalyticsError, match="mode"):
        analytics.funnel(log, ["A", "B"], mode="loose")  # type: ignore[arg-type]


STEPS = ["A", "B", "C", "D"]
logs = st.lists(
    st.tuples(
        st.sampled_from(["p", "q", "r", "s"]),
        st.integers(min_value=0, max_value=40),
        st.sampled_from([*STEPS, "X"]),
    ),
    min_size=1,
    max_size=40,
)


def _frame(rows: list[tuple[str, int, str]]) -> pd.DataFrame:
    return events(
        [(c, pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(days=d), tp) for c, d, tp in rows]
    )


@settings(max_examples=10, deadline=None)  # each example compiles and runs a funnel query
@given(logs, st.sampled_from(["ordered", "strict"]))
def test_counts_never_increase_along_the_steps(rows, mode):
    c = counts(analytics.funnel(_frame(rows), STEPS, window="10d", mode=mode))
    assert all(a >= b for a, b in itertools.pairwise(c))


@settings(max_examples=8, deadline=None)  # two funnel queries per example
@given(logs, st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=20))
def test_widening_the_window_never_lowers_conversion(rows, narrow, extra):
    frame = _frame(rows)
    small = counts(analytics.funnel(frame, STEPS, window=f"{narrow}d"))
    large = counts(analytics.funnel(frame, STEPS, window=f"{narrow + extra}d"))
    assert all(b >= a for a, b in zip(small, large, strict=True))


def _unordered_reference(rows: list[tuple[str, int, str]], window: int) -> dict[str, list[int]]:
    """Brute force: from each step event, the first time each distinct step is done within the
    window; the attempt with the most steps counts, ties to the most recent. Days from step 1
    to each step, in the order the steps were reached (same instant: step order)."""
    out: dict[str, list[int]] = {}
    for customer in sorted({c for c, _, _ in rows}):
        done = sorted(
            (d, STEPS.index(tp), i)
            for i, (c, d, tp) in enumerate(rows)
            if c == customer and tp in STEPS
        )
        best: tuple[tuple[int, int, int], list[int]] | None = None
        for pos, (start, _, _) in enumerate(done):
            first: dict[int, int] = {}
            for d, step, _ in done[pos:]:
                if d <= start + window and step not in first:
                    first[step] = d
            reached = sorted((d, step) for step, d in first.items())
            key = (len(reached), start, pos)
            if best is None or key > best[0]:
                best = (key, [d - start for d, _ in reached])
        if best is not None:
            out[customer] = best[1]
    return out


@settings(max_examples=10, deadline=None)  # each example compiles and runs a funnel query
@given(logs, st.integers(min_value=0, max_value=15))
def test_unordered_times_match_a_brute_force_reference(rows, window):
    result = analytics.funnel(_frame(rows), STEPS, window=f"{window}d", mode="unordered")
    people = result.customers.to_pandas()
    found = {
        row.customer_id: [
            round(getattr(row, f"step_{k}_seconds") / 86400) for k in range(1, row.reached + 1)
        ]
        for row in people.itertuples()
    }
    assert found == _unordered_reference(rows, window)


def _ordered_reference(
    rows: list[tuple[str, int, str]], window: int, strict: bool
) -> dict[str, list[int]]:
    """Brute force of PostHog's rules: events in time order (same instant: step order, then file
    order); from each step-1 event, each next step is its earliest later event within the window
    (strict: the very next event); the attempt that gets furthest counts, ties to the most recent.
    Days from step 1 to each step reached."""
    rank = {tp: k for k, tp in enumerate(STEPS)}
    out: dict[str, list[int]] = {}
    for customer in sorted({c for c, _, _ in rows}):
        log = sorted(
            (d, rank.get(tp, len(STEPS)), i, tp)
            for i, (c, d, tp) in enumerate(rows)
            if c == customer and (strict or tp in STEPS)
        )
        best: tuple[tuple[int, int, int], list[int]] | None = None
        for start, (d0, _, _, tp0) in enumerate(log):
            if tp0 != STEPS[0]:
                continue
            times, at = [0], start
            for step in STEPS[1:]:
                later = [q for q in range(at + 1, len(log)) if log[q][0] <= d0 + window]
                if strict:
                    later = later[:1]
                found = [q for q in later if log[q][3] == step]
                if not found:
                    break
                at = found[0]
                times.append(log[at][0] - d0)
            key = (len(times), d0, start)
            if best is None or key > best[0]:
                best = (key, times)
        if best is not None:
            out[customer] = best[1]
    return out


@settings(max_examples=15, deadline=None)  # each example compiles and runs a funnel query
@given(logs, st.integers(min_value=0, max_value=15), st.sampled_from(["ordered", "strict"]))
def test_ordered_funnels_match_a_brute_force_reference(rows, window, mode):
    result = analytics.funnel(_frame(rows), STEPS, window=f"{window}d", mode=mode)
    people = result.customers.to_pandas()
    found = {
        row.customer_id: [
            round(getattr(row, f"step_{k}_seconds") / 86400) for k in range(1, row.reached + 1)
        ]
        for row in people.itertuples()
    }
    assert found == _ordered_reference(rows, window, strict=mode == "strict")
    expected = [sum(len(t) >= k for t in found.values()) for k in range(1, len(STEPS) + 1)]
    assert counts(result) == expected
