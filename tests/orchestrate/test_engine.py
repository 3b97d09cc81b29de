"""Engine behaviour on simulated time: dedup, errors and retries, consent, caps, erasure,
splits, holdouts and uplift, quiet hours, exits, re-entry, date triggers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.orchestrate._helpers import CASES
from tests.orchestrate._sim import PARIS, START, Sim

from parcours.errors import ModelError
from parcours.orchestrate import Cap, Scenario, load_scenario, uplift
from parcours.orchestrate import _store as db


def one(**extra):  # type: ignore[no-untyped-def]
    spec = {
        "id": "one",
        "trigger": {"event": "signup"},
        "steps": [
            {"id": "hello", "send": {"body": {"fr": "Bonjour", "en": "Hello"}, "tags": ["promo"]}}
        ],
        **extra,
    }
    return Scenario.model_validate(spec)


def ledger(sim: Sim) -> list[dict]:
    with sim.orch.store.begin() as conn:
        return [dict(r) for r in conn.execute(sa.select(db.ledger)).mappings()]


def test_a_broken_scenario_file_reports_every_problem_with_its_line() -> None:
    with pytest.raises(ModelError) as info:
        load_scenario(CASES / "bad_scenario.yaml")
    text = str(info.value)
    assert "bad_scenario.yaml" in text
    assert any(p.line is not None for p in info.value.problems)
    assert "until_time" in text or "exactly one" in text


def test_the_same_event_twice_enrols_once() -> None:
    sim = Sim([one()])
    sim.contact("a")
    first = sim.event("a", "signup", eid="e1")
    again = sim.event("a", "signup", eid="e1")
    assert (first.enrolled, again.enrolled, again.duplicates) == (1, 0, 1)
    sim.run(days=1)
    assert len(sim.email.sent) == 1


def test_transient_errors_retry_with_backoff_then_send_once() -> None:
    sim = Sim([one()], backoff=60)
    sim.email.outcomes = ["transient", "transient", "sent"]
    sim.contact("a")
    sim.event("a", "signup")
    sim.run(days=0.1, step_hours=0.01)
    assert sim.email.attempts == 3
    assert len(sim.email.sent) == 1
    (row,) = ledger(sim)
    assert (row["status"], row["attempts"]) == ("sent", 3)


def test_a_permanent_error_frees_the_pressure_slot_and_moves_on() -> None:
    sim = Sim([one()], caps=[Cap(channel="email", max=1, days=7)])
    sim.email.outcomes = ["permanent"]
    sim.contact("a")
    sim.event("a", "signup", eid="e1")
    sim.run(days=1)
    (row,) = ledger(sim)
    assert row["status"] == "failed"
    with sim.orch.store.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(db.pressure)).scalar_one() == 0


def test_an_unknown_outcome_without_a_way_to_check_is_parked_until_a_person_decides() -> None:
    sim = Sim([one()])
    sim.email.outcomes = ["unknown"]
    sim.contact("a")
    sim.event("a", "signup")
    sim.run(days=1)
    status = sim.orch.status()
    assert status["enrolments"] == {"parked": 1}
    assert sim.email.attempts == 1  # never blindly resent
    sim.orch.resolve(status["unknown_outcomes"][0], sent=False)
    sim.run(days=1)
    assert len(sim.email.sent) == 1
    assert sim.orch.status()["ledger"] == {"sent": 1}


def test_consent_is_checked_at_send_time_with_its_dates() -> None:
    sim = Sim([one()], consent_mode="opt_in")
    for cid in ("none", "later", "revoked", "ok"):
        sim.contact(cid)
    sim.orch.set_consent(
        [
            {"customer_id": "later", "granted_at": START + 86400 * 10},
            {"customer_id": "revoked", "granted_at": START - 100, "revoked_at": START - 10},
            {"customer_id": "ok", "granted_at": START - 100},
        ]
    )
    for cid in ("none", "later", "revoked", "ok"):
        sim.event(cid, "signup")
    sim.run(days=1)
    assert [m.customer_id for _, m in sim.email.sent] == ["ok"]
    reasons = {r["customer_id"]: r["error"] for r in ledger(sim) if r["status"] == "blocked"}
    assert reasons == {"none": "no_consent", "later": "no_consent", "revoked": "consent_revoked"}


def test_a_calendar_day_cap_defers_the_second_message_to_the_next_day() -> None:
    a = one()
    b = Scenario.model_validate({**a.model_dump(by_alias=True), "id": "two"})
    sim = Sim([a, b], caps=[Cap(channel="email", max=1, per="day")])
    sim.contact("a")
    sim.event("a", "signup")
    sim.run(days=3)
    days = [datetime.fromtimestamp(at, PARIS).date() for at, _ in sim.email.sent]
    assert len(days) == 2
    assert days[1] > days[0]
    at = datetime.fromtimestamp(sim.email.sent[1][0], PARIS)
    assert (at.hour, at.minute) < (1, 5)  # the first minutes of the next day


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gaps=st.lists(st.floats(min_value=0, max_value=3), min_size=1, max_size=12),
    cap=st.integers(min_value=1, max_value=3),
    policy=st.sampled_from(["defer", "skip"]),
)
def test_a_rolling_cap_is_never_exceeded_in_any_window(
    gaps: list[float], cap: int, policy: str
) -> None:
    scenarios = [
        Scenario.model_validate(
            {
                **one().model_dump(by_alias=True),
                "id": f"s{i}",
                "over_cap": policy,
                "trigger": {"event": f"t{i % 3}"},
            }
        )
        for i in range(3)
    ]
    sim = Sim(scenarios, caps=[Cap(channel="email", max=cap, days=2)])
    sim.contact("a")
    for i, gap in enumerate(gaps):
        sim.now += gap * 86400
        sim.event("a", f"t{i % 3}", eid=f"e{i}")
        sim.run(days=0.25, step_hours=1)
    sim.run(days=10, step_hours=6)
    times = sorted(at for at, _ in sim.email.sent)
    for i, t in enumerate(times):
        assert sum(1 for u in times[i:] if u < t + 2 * 86400) <= cap


def test_erasure_removes_the_person_and_a_reimport_does_not_bring_them_back() -> None:
    sim = Sim([one()])
    sim.contact("gone", email="Gone@Example.org")
    sim.event("gone", "signup")
    sim.run(days=1)
    counts = sim.orch.erase("gone")
    assert counts["orch_contacts"] == 1
    assert counts["orch_send_ledger"] == 1
    with sim.orch.store.begin() as conn:
        for table in (db.events, db.contacts, db.enrolments, db.ledger, db.pressure):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0
        hashes = [r[0] for r in conn.execute(sa.select(db.suppression.c.hash))]
    assert len(hashes) == 3  # id, email, phone
    assert all("gone" not in h.lower() for h in hashes)
    # a re-import of the CRM: by id, or under a new id with the same address (case aside)
    assert sim.orch.upsert_contacts([{"customer_id": "gone", "email": "x@y.z"}]) == 0
    assert sim.orch.upsert_contacts([{"customer_id": "new-id", "email": "gone@example.org "}]) == 0
    assert sim.event("gone", "signup", eid="later").suppressed == 1


def test_a_split_is_sticky_and_follows_its_weights() -> None:
    sc = Scenario.model_validate(
        {
            "id": "ab",
            "trigger": {"event": "signup"},
            "reentry": {"policy": "after_exit"},
            "steps": [
                {
                    "id": "split",
                    "split": {
                        "variants": [
                            {"name": "A", "weight": 70},
                            {"name": "B", "weight": 30, "goto": "b"},
                        ]
                    },
                },
                {"id": "a", "send": {"body": {"fr": "A", "en": "A"}}},
                {
                    "id": "stop",
                    "branch": {"conditions": [{"attribute": "x", "exists": False}], "then": "end"},
                },
                {"id": "b", "send": {"body": {"fr": "B", "en": "B"}}},
            ],
        }
    )
    sim = Sim([sc])
    sim.orch.upsert_contacts({"customer_id": f"c{i}", "email": f"c{i}@x.org"} for i in range(400))
    sim.orch.ingest(
        {"event_id": f"first{i}", "customer_id": f"c{i}", "type": "signup", "ts": sim.now}
        for i in range(400)
    )
    sim.run(days=0.1)
    first = {m.customer_id: m.text for _, m in sim.email.sent}
    share_a = sum(1 for t in first.values() if t.startswith("A")) / len(first)
    assert 0.62 < share_a < 0.78
    sim.email.sent.clear()
    sim.orch.ingest(
        {"event_id": f"second{i}", "customer_id": f"c{i}", "type": "signup", "ts": sim.now}
        for i in range(400)
    )
    sim.run(days=0.1)
    assert {m.customer_id: m.text for _, m in sim.email.sent} == first


def test_control_arm_and_holdout_record_what_would_have_been_sent_and_uplift_has_an_interval() -> (
    None
):
    sc = one(control=0.3, goal={"event": "buy", "within": {"days": 10}})
    sim = Sim([sc], holdout=0.1)
    sim.orch.upsert_contacts({"customer_id": f"c{i}", "email": f"c{i}@x.org"} for i in range(600))
    sim.orch.ingest(
        {"event_id": f"s{i}", "customer_id": f"c{i}", "type": "signup", "ts": sim.now}
        for i in range(600)
    )
    sim.run(days=0.1)
    arms = {}
    for e in sim.enrolments():
        arms[e["customer_id"]] = e["arm"]
    buyers = [  # treated people buy more
        cid for cid, arm in arms.items() if int(cid[1:]) % 10 < (4 if arm == "treated" else 2)
    ]
    sim.orch.ingest(
        {"event_id": f"b{c}", "customer_id": c, "type": "buy", "ts": sim.now} for c in buyers
    )
    with sim.orch.store.begin() as conn:
        virtual = dict(
            conn.execute(
                sa.select(db.would_have_sent.c.arm, sa.func.count()).group_by(
                    db.would_have_sent.c.arm
                )
            ).all()
        )
    assert virtual["control"] == sum(1 for a in arms.values() if a == "control")
    assert virtual["holdout"] == sum(1 for a in arms.values() if a == "holdout")
    assert len(sim.email.sent) == sum(1 for a in arms.values() if a == "treated")
    early = uplift(sim.orch, "one")
    assert early["treated_n"] == 0  # windows not over yet: nobody is compared
    sim.now += 11 * 86400
    result = uplift(sim.orch, "one")
    assert result["treated_n"] + result["baseline_n"] + virtual["holdout"] == 600
    assert result["ci_low"] < result["uplift"] < result["ci_high"]
    assert result["uplift"] > 0


def test_quiet_hours_are_those_of_the_recipients_zone() -> None:
    sc = one(quiet_hours={"start": "21:00", "end": "08:00"})
    sim = Sim([sc])
    sim.now = datetime(2026, 3, 10, 23, 30, tzinfo=PARIS).timestamp()  # 17:30 in New York
    sim.contact("paris")
    sim.contact("ny", timezone="America/New_York")
    sim.event("paris", "signup")
    sim.event("ny", "signup")
    sim.run(days=1, step_hours=0.25)
    when = {m.customer_id: datetime.fromtimestamp(at, PARIS) for at, m in sim.email.sent}
    assert when["ny"].hour == 23  # sent at once: not night in New York
    assert (when["paris"].day, when["paris"].hour) == (11, 8)


def test_an_exit_event_during_a_wait_stops_the_journey() -> None:
    sc = Scenario.model_validate(
        {
            "id": "w",
            "trigger": {"event": "signup"},
            "exit": {"events": ["cancel"]},
            "steps": [
                {"id": "pause", "wait": {"duration": {"days": 2}}},
                {"id": "hello", "send": {"body": {"fr": "x", "en": "x"}}},
            ],
        }
    )
    sim = Sim([sc])
    sim.contact("a")
    sim.event("a", "signup")
    sim.run(days=1)
    sim.event("a", "cancel")
    sim.run(days=3)
    assert sim.email.sent == []
    assert [(e["status"], e["reason"]) for e in sim.enrolments()] == [("exited", "exit:cancel")]


@pytest.mark.parametrize(
    ("policy", "expected"), [("never", 1), ("after_exit", 3), ("min_interval", 2)]
)
def test_reentry_policies(policy: str, expected: int) -> None:
    reentry = {"policy": policy} | ({"interval": {"days": 5}} if policy == "min_interval" else {})
    sim = Sim([one(reentry=reentry)])
    sim.contact("a")
    for day in range(3):
        sim.event("a", "signup", eid=f"s{day}")
        sim.run(days=3)
    assert len(sim.email.sent) == expected


def test_contract_anniversary_date_trigger_fires_once_a_year() -> None:
    sc = Scenario.model_validate(
        {
            "id": "anniversary",
            "trigger": {"date": {"attribute": "joined_on", "every_year": True, "at": "10:00"}},
            "steps": [{"id": "hello", "send": {"body": {"fr": "Un an déjà", "en": "One year"}}}],
            "reentry": {"policy": "min_interval", "interval": {"days": 300}},
        }
    )
    sim = Sim([sc])
    sim.contact("a", joined_on="2023-03-12")
    sim.contact("b", joined_on="2023-07-01")
    since = sim.now
    sim.run(days=3, step_hours=12)
    assert sim.orch.scan(since=since) == 1
    assert sim.orch.scan(since=since) == 0
    sim.run(days=1)
    assert [m.customer_id for _, m in sim.email.sent] == ["a"]


def test_an_sms_step_sends_the_body_alone_to_the_phone_number() -> None:
    sc = Scenario.model_validate(
        {
            "id": "sms",
            "trigger": {"event": "signup"},
            "steps": [
                {
                    "id": "text",
                    "send": {
                        "channel": "sms",
                        "body": {
                            "fr": "Bonjour {{ customer.first_name }}\n\nÀ bientôt",
                            "en": "Hi",
                        },
                    },
                }
            ],
        }
    )
    sim = Sim([sc], unsubscribe_url="https://prefs.example/unsubscribe")
    sim.contact("a")
    sim.event("a", "signup")
    sim.run(days=0.1)
    (message,) = [m for _, m in sim.sms.sent]
    assert (message.to, message.text) == ("+33600000000", "Bonjour Léa\nÀ bientôt")
    assert sim.email.sent == []


def test_a_tag_cap_with_drop_ends_the_journey_while_other_tags_still_go() -> None:
    promo = Scenario.model_validate(
        {
            "id": "promo",
            "trigger": {"event": "visit"},
            "over_cap": "drop",
            "reentry": {"policy": "after_exit"},
            "steps": [
                {
                    "id": "offer",
                    "send": {"body": {"fr": "Offre", "en": "Offer"}, "tags": ["promo"]},
                },
                {"id": "after", "send": {"body": {"fr": "Suite", "en": "Next"}, "tags": ["info"]}},
            ],
        }
    )
    news = Scenario.model_validate(
        {
            "id": "news",
            "trigger": {"event": "visit"},
            "reentry": {"policy": "after_exit"},
            "steps": [
                {"id": "n", "send": {"body": {"fr": "Info", "en": "Info"}, "tags": ["info"]}}
            ],
        }
    )
    sim = Sim([promo, news], caps=[Cap(tag="promo", max=1, days=7)])
    sim.contact("a")
    sim.event("a", "visit", eid="v1")
    sim.run(days=1)
    sim.event("a", "visit", eid="v2")
    sim.run(days=1)
    assert sorted(sim.steps()) == ["after", "n", "n", "offer"]
    outcomes = {(r["step_id"], r["status"]) for r in ledger(sim)}
    assert ("offer", "capped") in outcomes
    ends = sorted((e["scenario_id"], e["status"], e["reason"]) for e in sim.enrolments())
    assert ("promo", "exited", "capped") in ends


def test_wait_until_a_date_relative_to_an_attribute() -> None:
    sc = Scenario.model_validate(
        {
            "id": "renewal",
            "trigger": {"event": "signup"},
            "steps": [
                {"id": "before", "wait": {"until_attribute": "renewal_on", "offset": {"days": -7}}},
                {"id": "remind", "send": {"body": {"fr": "Renouvellement", "en": "Renewal"}}},
            ],
        }
    )
    sim = Sim([sc])
    sim.contact("a", renewal_on="2026-04-01")
    sim.event("a", "signup")
    sim.run(days=30, step_hours=6)
    ((at, _),) = sim.email.sent
    sent = datetime.fromtimestamp(at, PARIS)
    assert (sent.month, sent.day) == (3, 25)


def test_tracked_opens_and_clicks_count_for_their_scenario() -> None:
    from parcours.orchestrate import report

    sim = Sim([one()])
    sim.contact("a")
    sim.event("a", "signup")
    sim.run(days=0.1)
    key = sim.email.sent[0][1].key
    sim.event("a", "open", eid="o1", key=key)
    sim.event("a", "click", eid="k1", key=key)
    row = report(sim.orch).set_index("scenario").loc["one"]
    assert (row["sent"], row["opens"], row["clicks"]) == (1, 1, 1)


def test_templates_are_personalised_with_persona_and_journey_labels(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from parcours.model import load_journey

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "persona.fr.j2").write_text(
        "{% block subject %}{{ persona }} : {{ touchpoint.label }}{% endblock %}"
        "{% block text %}Bonjour {{ customer.first_name }}{% endblock %}"
        "{% block html %}<p>Bonjour {{ customer.first_name }}</p>{% endblock %}",
        encoding="utf-8",
    )
    from parcours import demo

    journey = load_journey(Path(demo.__file__).parent / "data" / "journey.yaml")
    sc = Scenario.model_validate(
        {
            "id": "p",
            "touchpoint": "quote-web",
            "trigger": {"event": "signup"},
            "steps": [{"id": "s", "send": {"template": "persona"}}],
        }
    )
    sim = Sim([sc], templates_dir=folder, journey=journey)
    sim.contact("a", persona="Famille prudente", first_name="<Léa>")
    sim.event("a", "signup")
    sim.run(days=0.1)
    ((_, message),) = sim.email.sent
    assert message.subject.startswith("Famille prudente : ")
    assert message.text == "Bonjour <Léa>"
    assert message.html == "<p>Bonjour &lt;Léa&gt;</p>"  # HTML escaped, text not
