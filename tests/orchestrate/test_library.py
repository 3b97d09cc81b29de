"""Every ready scenario of the library loads and behaves as its description says."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.orchestrate._sim import PARIS, Sim

from parcours.orchestrate import Cap, library_files, load_scenario

LIBRARY = {p.stem: p for p in library_files()}


def scenario(name: str):  # type: ignore[no-untyped-def]
    return load_scenario(LIBRARY[name])


def test_the_library_holds_the_ready_scenarios_of_the_method() -> None:
    assert set(LIBRARY) == {
        "welcome-series",
        "abandoned-cart",
        "post-purchase-guide",
        "replenishment",
        "reactivation",
        "churn-risk-call",
        "nps-at-delivery",
        "nps-detractor-callback",
        "cross-sell",
        "click-funnel",
        "one-message-per-moment",
    }
    for path in LIBRARY.values():
        s = load_scenario(path)
        assert s.label.keys() == {"fr", "en"}
        for step in s.steps:
            if step.send is not None and step.send.body is not None:
                assert step.send.body.keys() == {"fr", "en"}


def test_welcome_series_sends_six_emails_spaced_in_time_and_skips_the_app_email_for_app_users() -> (
    None
):
    sc = scenario("welcome-series")
    sim = Sim([sc])
    alice, bob = sim.treated(sc, 2)
    sim.contact(alice, formula="Confort")
    sim.contact(bob, formula="Essentiel", lang="en")
    sim.event(alice, "subscribe-web")
    sim.event(bob, "subscribe-phone")
    sim.run(days=8)
    sim.event(bob, "reimbursement-app")  # bob adopts the app before the app email
    sim.run(days=30)
    by = {}
    for at, m in sim.email.sent:
        by.setdefault(m.customer_id, []).append((at, m))
    assert [m.key.rsplit(":", 1)[1] for _, m in by[alice]] == [
        "welcome",
        "survey",
        "services",
        "app",
        "cross-sell",
        "first-month",
    ]
    assert [m.key.rsplit(":", 1)[1] for _, m in by[bob]] == [
        "welcome",
        "survey",
        "services",
        "cross-sell",
        "first-month",
    ]
    days = [(at - by[alice][0][0]) / 86400 for at, _ in by[alice]]
    assert days[1] >= 3
    assert days[2] >= 7
    assert days[-1] >= 30
    assert by[alice][0][1].subject == "Bienvenue Léa !"
    assert by[bob][0][1].subject == "Welcome Léa!"
    assert "Confort" in by[alice][2][1].text
    for at, _ in sim.email.sent:  # quiet hours in the recipient's zone, no Sunday sends
        local = datetime.fromtimestamp(at, PARIS)
        assert (8, 30) <= (local.hour, local.minute) < (20, 0)
        assert local.weekday() != 6
    converted = {e["customer_id"]: e["converted_at"] for e in sim.enrolments()}
    assert converted[bob] is not None
    assert converted[alice] is None


def test_abandoned_quote_reminds_then_calls_and_a_subscription_stops_it() -> None:
    sc = scenario("abandoned-cart")
    sim = Sim([sc])
    keen, decided = sim.treated(sc, 2)
    for cid in (keen, decided):
        sim.contact(cid)
        sim.event(cid, "quote-web")
    sim.run(days=0.5)
    sim.event(decided, "subscribe-web")
    sim.run(days=6)
    assert [m.customer_id for _, m in sim.email.sent] == [keen]
    tasks = sim.tasks()
    assert [(t["customer_id"], t["queue"]) for t in tasks] == [(keen, "sales")]
    status = {
        e["customer_id"]: (e["status"], e["reason"], e["converted_at"] is not None)
        for e in sim.enrolments()
    }
    assert status[decided] == ("exited", "exit:subscribe-web", True)


def test_post_purchase_guide_waits_until_ten_in_the_morning_for_the_second_email() -> None:
    sc = scenario("post-purchase-guide")
    sim = Sim([sc])
    (cid,) = sim.treated(sc)
    sim.contact(cid)
    sim.event(cid, "subscribe-agency")
    sim.run(days=4, step_hours=0.25)
    assert sim.steps() == ["guide", "app-tour"]
    at = datetime.fromtimestamp(sim.email.sent[1][0], PARIS)
    assert (at.hour, at.minute) == (10, 0)


def test_replenishment_waits_for_the_customers_own_usage_delay() -> None:
    sc = scenario("replenishment")
    sim = Sim([sc])
    fast, unknown = sim.treated(sc, 2)
    sim.contact(fast, avg_usage_days=20)
    sim.contact(unknown)
    start = sim.now
    sim.event(fast, "purchase", product="lenses")
    sim.event(unknown, "purchase", product="lenses")
    sim.run(days=40, step_hours=6)
    when = {m.customer_id: (at - start) / 86400 for at, m in sim.email.sent}
    assert 18 <= when[fast] < 19.5  # 0.9 x 20 days, then quiet hours
    assert 27 <= when[unknown] < 28.5  # 0.9 x the 30-day default


def test_reactivation_after_three_months_without_opening() -> None:
    sc = scenario("reactivation")
    sim = Sim([sc])
    sleepy, reader = sim.treated(sc, 2)
    sim.contact(sleepy)
    sim.contact(reader)
    t0 = sim.now
    sim.run(days=60, step_hours=24)
    sim.event(reader, "open")
    sim.run(days=31, step_hours=24)
    assert sim.orch.scan(since=t0) == 1
    sim.run(days=8, step_hours=6)
    assert sim.steps() == ["miss-you", "last-call"]
    assert {m.customer_id for _, m in sim.email.sent} == {sleepy}
    assert sim.orch.scan(since=t0) == 0  # idempotent: the same idle period enrols once
    with sim.orch.store.begin() as conn:
        import sqlalchemy as sa

        from parcours.orchestrate import _store as db

        attrs = conn.execute(
            sa.select(db.contacts.c.attrs).where(db.contacts.c.customer_id == sleepy)
        ).scalar_one()
    assert attrs["email_engagement"] == "dormant"


def test_churn_risk_crossing_the_threshold_creates_one_call_task() -> None:
    sc = scenario("churn-risk-call")
    sim = Sim([sc])
    (cid,) = sim.treated(sc)
    sim.contact(cid, churn_risk=0.2)
    sim.run(days=1)
    assert sim.tasks() == []
    sim.contact(cid, churn_risk=0.82)
    sim.contact(cid, churn_risk=0.9)  # still above: no second entry
    sim.run(days=1)
    tasks = sim.tasks()
    assert len(tasks) == 1
    assert tasks[0]["queue"] == "retention"
    assert tasks[0]["priority"] == 1
    assert tasks[0]["due_at"] - tasks[0]["created_at"] == pytest.approx(48 * 3600)


def test_nps_at_delivery_then_detractors_called_back_within_24_hours() -> None:
    nps, callback = scenario("nps-at-delivery"), scenario("nps-detractor-callback")
    sim = Sim([nps, callback])
    unhappy, happy = sim.treated(nps, 2)
    for cid in (unhappy, happy):
        sim.contact(cid)
        sim.event(cid, "subscribe-mail-card")
    sim.run(days=0.2)
    sim.event(unhappy, "nps-response", score=3)
    sim.run(days=2)
    assert sorted(sim.steps()) == ["hot-survey", "nps", "nps"]  # the one who answered exits
    tasks = sim.tasks()
    assert [t["customer_id"] for t in tasks] == [unhappy]
    assert "3/10" in tasks[0]["reason"]
    assert tasks[0]["due_at"] - tasks[0]["created_at"] == pytest.approx(24 * 3600)


def test_cross_sell_from_grass_seed_only() -> None:
    sc = scenario("cross-sell")
    sim = Sim([sc])
    gardener, other = sim.treated(sc, 2)
    sim.contact(gardener)
    sim.contact(other)
    sim.event(gardener, "purchase", product="grass-seed")
    sim.event(other, "purchase", product="hammer")
    sim.run(days=16, step_hours=6)
    assert sim.steps() == ["fertiliser", "video"]
    assert {m.customer_id for _, m in sim.email.sent} == {gardener}


def test_click_funnel_focuses_on_the_region_clicked() -> None:
    sc = scenario("click-funnel")
    sim = Sim([sc])
    (cid,) = sim.treated(sc)
    sim.contact(cid)
    sim.event(cid, "click", campaign="newsletter", region="Bretagne")
    sim.run(days=9, step_hours=6)
    assert sim.steps() == ["focus", "offers", "reminder"]
    assert sim.subjects()[0] == "Bretagne : nos idées"


def test_one_message_per_customer_moment_merges_redundant_notifications_and_is_exempt_but_logged() -> (
    None
):
    sc = scenario("one-message-per-moment")
    sim = Sim([sc], caps=[Cap(channel="email", max=0, days=7)])
    (cid,) = sim.treated(sc)
    sim.contact(cid)
    for kind in ("reimbursement-done", "reimbursement-sms", "reimbursement-email"):
        result = sim.event(cid, kind)
        sim.now += 600
    assert result.absorbed == 1
    sim.run(days=1)
    assert sim.steps() == ["one-message"]
    with sim.orch.store.begin() as conn:
        import sqlalchemy as sa

        from parcours.orchestrate import _store as db

        rows = conn.execute(sa.select(db.pressure.c.counted)).all()
    assert rows == [(False,)]  # logged, not counted against the cap
