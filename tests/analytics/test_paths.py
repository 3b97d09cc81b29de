"""Sessions, top paths, paths to and from a touchpoint, Sankey links."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.analytics.conftest import events

from parcours import analytics

LOG = events(
    [
        ("a", "2026-01-01 10:00", "A"),
        ("a", "2026-01-01 10:10", "B"),
        ("a", "2026-01-01 12:00", "A"),  # 110 minutes later: a new session
        ("a", "2026-01-01 12:05", "C"),
        ("b", "2026-01-01 10:00", "A"),
        ("b", "2026-01-01 10:01", "B"),
        ("b", "2026-01-01 10:02", "B"),
        ("b", "2026-01-01 10:03", "D"),
    ]
)


def test_sessions_split_after_the_inactivity_gap():
    s = analytics.sessions(LOG, gap="30min").to_pandas()
    a = s[s.customer_id == "a"].sort_values("ts")
    assert list(a.session) == [1, 1, 2, 2]
    assert list(a.position) == [1, 2, 1, 2]
    assert set(analytics.sessions(LOG, gap="3h").to_pandas().session) == {1}


def test_top_paths_with_counts_and_shares():
    top = analytics.paths(LOG, steps=3).to_pandas()
    assert dict(zip(top.path, top.sessions, strict=True)) == {
        "A > B": 1,
        "A > B > B": 1,
        "A > C": 1,
    }
    assert top.share.sum() == 1.0
    collapsed = analytics.paths(LOG, steps=3, collapse=True).to_pandas()
    assert "A > B > D" in set(collapsed.path)


def test_paths_to_and_from_a_touchpoint():
    to_b = analytics.paths(LOG, end="B").to_pandas()
    assert dict(zip(to_b.path, to_b.sessions, strict=True)) == {"A > B": 2}
    from_b = analytics.paths(LOG, start="B", steps=2).to_pandas()
    assert dict(zip(from_b.path, from_b.sessions, strict=True)) == {"B": 1, "B > B": 1}


def test_sankey_links_between_positions():
    links = analytics.sankey_edges(LOG, steps=3).to_pandas()
    got = {(r.step, r.source, r.target): r.sessions for r in links.itertuples()}
    assert got == {(1, "A", "B"): 2, (1, "A", "C"): 1, (2, "B", "B"): 1}


@settings(max_examples=10, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["p", "q", "r"]),
            st.integers(min_value=0, max_value=300),
            st.sampled_from(["A", "B", "C"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_every_session_is_counted_once(rows):

    import pandas as pd

    log = events(
        [
            (c, pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(minutes=m), tp)
            for c, m, tp in rows
        ]
    )
    all_paths = analytics.paths(log, steps=4, top=None).to_pandas()
    sessions = analytics.sessions(log).to_pandas()
    assert all_paths.sessions.sum() == len(sessions[["customer_id", "session"]].drop_duplicates())
