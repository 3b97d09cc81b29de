"""The planted truth is saved, readable, and actually holds in the generated files."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from demo_exports import Exports, clean, e164, planted_lines

from parcours.demo import DemoFiles, Truth, load_truth

IRRITANT = {("Remboursement", "Courrier"), ("Remboursement", "Téléphone")}


def nps(scores: pd.Series) -> float:
    s = scores.astype(int)
    return float(100 * ((s >= 9).mean() - (s <= 6).mean()))


def test_truth_is_saved_and_readable(demo: DemoFiles, truth: Truth) -> None:
    assert demo.truth.is_file()
    assert truth == load_truth(Path(demo.out_dir))
    assert truth.people == 2_000
    assert truth.seed == 7
    assert (truth.start, truth.end) == ("2023-11-01", "2026-10-31")
    assert set(truth.files) == {p.name for p in demo.files}
    customers = truth.customers()
    assert len(customers) == truth.people
    assert customers["person_id"].is_unique
    assert set(customers["persona"]) == {"young-connected", "family", "senior", "none"}
    for column in ("crm_id", "email", "persona", "churned", "churn_date", "irritant"):
        assert column in customers.columns


def test_rows_read_match_the_files(exports: Exports, truth: Truth, demo: DemoFiles) -> None:
    assert truth.files["crm_clients.csv"].rows_read == len(exports.crm_clients)
    assert truth.files["crm_actions.csv"].rows_read == len(exports.crm_actions)
    assert truth.files["web_analytics.jsonl"].rows_read == len(exports.web)
    assert truth.files["enquete_satisfaction.csv"].rows_read == len(exports.survey)
    assert truth.files["erp_contrats.csv"].rows_read == len(exports.erp)
    per_file = Counter(exports.calls["file"])
    for path in demo.raw["appels"]:
        assert truth.files[path.name].rows_read == per_file[path.name]
    for f in truth.files.values():
        assert f.rows_loaded + f.rows_quarantined == f.rows_read
        assert f.rows_quarantined == len(f.quarantined)


def test_only_the_crm_files_have_bad_rows(truth: Truth) -> None:
    dirty = {name: f for name, f in truth.files.items() if f.rows_quarantined}
    assert set(dirty) == {"crm_clients.csv", "crm_actions.csv"}
    reasons = {name: Counter(q.reason for q in f.quarantined) for name, f in dirty.items()}
    assert reasons["crm_clients.csv"] == {
        "invalid_date": 1,
        "missing_identifier": 1,
        "duplicate": 1,
    }
    assert reasons["crm_actions.csv"] == {
        "invalid_date": 2,
        "missing_identifier": 2,
        "duplicate": 2,
        "invalid_amount": 2,
    }


@pytest.mark.parametrize("name", ["crm_clients.csv", "crm_actions.csv"])
def test_planted_bad_rows_are_where_the_truth_says(
    demo: DemoFiles, truth: Truth, name: str
) -> None:
    lines = demo.raw_dir.joinpath(name).read_bytes().decode("cp1252").split("\r\n")
    header = lines[0].split(";")
    for q in truth.files[name].quarantined:
        cells = dict(zip(header, lines[q.line - 1].split(";"), strict=True))
        if q.reason == "duplicate":
            assert lines[q.line - 1] == lines[q.line - 2]
        elif q.reason == "missing_identifier":
            assert cells["Code client"] == ""
            assert cells.get("E-mail", "") == ""
            assert cells.get("Téléphone", "") == ""
        elif q.reason == "invalid_date":
            assert q.value is not None
            assert cells[q.column or ""] == q.value
            assert q.value.startswith("31/02/2025")
        elif q.reason == "invalid_amount":
            assert q.column == "Montant"
            assert cells["Montant"] == q.value
            with pytest.raises(ValueError, match="could not convert"):
                float((q.value or "").replace(",", "."))
        else:  # pragma: no cover - the reasons are a closed list
            pytest.fail(q.reason)


@pytest.mark.parametrize("name", ["crm_clients.csv", "crm_actions.csv"])
def test_every_other_crm_row_is_clean(demo: DemoFiles, truth: Truth, name: str) -> None:
    lines = demo.raw_dir.joinpath(name).read_bytes().decode("cp1252").split("\r\n")[:-1]
    bad = planted_lines(truth, name)
    good = [line for i, line in enumerate(lines[1:], start=2) if i not in bad]
    assert len(good) == truth.files[name].rows_loaded
    assert len(set(good)) == len(good)  # no other exact duplicate
    header = lines[0].split(";")
    for line in good:
        cells = dict(zip(header, line.split(";"), strict=True))
        assert cells["Code client"]
        for column in ("Date d'adhésion", "Date de naissance", "Date de résiliation"):
            if cells.get(column):
                dt.datetime.strptime(cells[column], "%d/%m/%Y")
        if "Date" in cells:
            dt.datetime.strptime(cells["Date"], "%d/%m/%Y %H:%M")
        if cells.get("Montant"):
            float(cells["Montant"].replace(",", "."))


def test_irritant_scores_far_below_the_rest(exports: Exports, truth: Truth) -> None:
    survey = exports.survey
    where = list(zip(survey["Étape"], survey["Canal"], strict=True))
    here = pd.Series([w in IRRITANT for w in where], index=survey.index)
    reimbursement = survey["Étape"] == "Remboursement"
    bad, rest = (
        nps(survey.loc[here, "Recommandation (0-10)"]),
        nps(survey.loc[~here, "Recommandation (0-10)"]),
    )
    assert bad < -40
    assert rest > 20
    assert rest - bad > 60
    slow = next(e for e in truth.irritants if e.id == "slow-reimbursement")
    assert slow.touchpoints == ("reimbursement-mail", "reimbursement-phone")
    assert slow.responses == int(here.sum())
    assert math.isclose(slow.nps, bad, abs_tol=0.01)
    others = survey.loc[reimbursement & ~here, "Recommandation (0-10)"]
    assert math.isclose(slow.nps_elsewhere, nps(others), abs_tol=0.01)
    csat = (survey.loc[here, "Satisfaction (1-5)"].astype(int) >= 4).mean()
    assert csat < 0.4
    assert math.isclose(slow.csat, csat, abs_tol=1e-4)


def test_irritant_comments_speak_of_delays(exports: Exports, truth: Truth) -> None:
    survey = exports.survey
    said = survey[survey["Commentaire"] != ""]
    here = [w in IRRITANT for w in zip(said["Étape"], said["Canal"], strict=True)]
    delay = said["Commentaire"].str.lower().str.contains("délai")
    assert delay[here].mean() > 0.6
    assert delay[[not h for h in here]].mean() < 0.1
    slow = next(e for e in truth.irritants if e.id == "slow-reimbursement")
    assert slow.keyword == "délai"
    assert math.isclose(slow.keyword_share or 0, delay[here].mean(), abs_tol=1e-4)


def test_app_reimbursement_enchants(exports: Exports, truth: Truth) -> None:
    survey = exports.survey
    app = (survey["Étape"] == "Remboursement") & (survey["Canal"] == "Application mobile")
    assert nps(survey.loc[app, "Recommandation (0-10)"]) > 50
    (enchantment,) = truth.enchantments
    assert enchantment.touchpoints[0] == "reimbursement-app"
    assert enchantment.nps > 50 > enchantment.nps_elsewhere
    assert (
        truth.nps_by_touchpoint["reimbursement-app"] > truth.nps_by_touchpoint["reimbursement-web"]
    )


def test_quote_not_found_is_lower_than_other_sign_ups(truth: Truth) -> None:
    not_found = next(e for e in truth.irritants if e.id == "quote-not-found")
    assert not_found.responses > 0
    assert not_found.nps < not_found.nps_elsewhere - 30
    assert truth.ruptures["web-quote-to-agency"] > 0
    customers = truth.customers()
    rupture = customers[customers["rupture_web_quote_to_agency"]]
    assert (rupture["quote_channel"] == "web").all()
    assert (rupture["subscribe_channel"] == "agency").all()


def test_two_welcome_emails_within_minutes(exports: Exports, truth: Truth) -> None:
    actions = clean(exports.crm_actions, truth, "crm_actions.csv")
    mails = actions[actions["Code action"].isin(["EML_COMPTE_CREE", "EML_ADHESION_CONFIRMEE"])]
    when = mails.assign(at=pd.to_datetime(mails["Date"], format="%d/%m/%Y %H:%M")).pivot(
        index="Code client", columns="Code action", values="at"
    )
    assert when.notna().all().all()  # nobody gets only one of the two
    gap = (when["EML_ADHESION_CONFIRMEE"] - when["EML_COMPTE_CREE"]).dt.total_seconds() / 60
    assert gap.between(0, 10).all()
    (redundancy,) = truth.redundant_touchpoints
    assert redundancy.touchpoints == ("subscribe-email-account", "subscribe-email-welcome")
    assert redundancy.customers == len(when)
    assert redundancy.max_gap_minutes == int(gap.max())


def test_quote_app_is_defined_but_never_observed(exports: Exports, truth: Truth) -> None:
    codes = (
        set(exports.crm_actions["Code action"])
        | {e["event"] for e in exports.web}
        | set(exports.calls["Motif"])
    )
    assert "APP_DEVIS" not in codes
    assert truth.never_observed_touchpoints == ("quote-app",)
    assert truth.touchpoint_volumes["quote-app"] == 0


def test_undefined_code_is_counted(exports: Exports, truth: Truth) -> None:
    chatbot = sum(e["event"] == "WEB_CHATBOT" for e in exports.web)
    assert chatbot > 0
    assert truth.undefined_event_codes == {"WEB_CHATBOT": chatbot}


def test_touchpoint_volumes_are_the_clean_rows(
    exports: Exports, truth: Truth, journey_codes: dict[str, str]
) -> None:
    codes = Counter(clean(exports.crm_actions, truth, "crm_actions.csv")["Code action"])
    codes.update(e["event"] for e in exports.web)
    codes.update(exports.calls["Motif"])
    volumes = Counter[str]()
    for code, n in codes.items():
        if code in journey_codes:
            volumes[journey_codes[code]] += n
    assert {tp: v for tp, v in truth.touchpoint_volumes.items() if v} == dict(volumes)


def test_persona_demographics_follow_the_rules(truth: Truth) -> None:
    c = truth.customers()
    birth = pd.to_datetime(c["birth_date"])
    first = pd.to_datetime(c["first_contact_at"])
    had_birthday = (first.dt.month > birth.dt.month) | (
        (first.dt.month == birth.dt.month) & (first.dt.day >= birth.dt.day)
    )
    age = first.dt.year - birth.dt.year - (~had_birthday).astype(int)
    assert (age == c["age"]).all()
    young = age.between(25, 34) & c["big_town"]
    family = age.between(35, 50) & (c["children"] >= 1)
    senior = (age >= 60) & ~c["big_town"]
    assert young[c["persona"] == "young-connected"].all()
    assert family[c["persona"] == "family"].all()
    assert senior[c["persona"] == "senior"].all()
    assert not (young | family | senior)[c["persona"] == "none"].any()
    for name, persona in truth.personas.items():
        assert persona.people == int((c["persona"] == name).sum())
        assert abs(persona.people / truth.people - persona.planted_share) < 0.05


def test_persona_behaviour_follows_the_drivers(truth: Truth) -> None:
    c = truth.customers()
    by = c.groupby("persona")
    digital = by["digital_share"].mean()
    assert digital["young-connected"] >= 0.7
    assert 1 - digital["senior"] >= 0.5
    assert digital["young-connected"] > digital["family"] > digital["senior"]
    settled = c[c["member_years"] >= 0.5]
    claims = settled.groupby("persona")["claims_per_year"].mean()
    assert claims["family"] >= 6
    assert claims["family"] == claims.max()
    premium = c[c["subscribed"]].groupby("persona")["monthly_premium"].median()
    assert premium["senior"] == premium.max()
    revenue = sum(p.revenue_share for p in truth.personas.values())
    assert math.isclose(revenue, 1.0, abs_tol=1e-3)


def test_funnel_counts_and_conversions(exports: Exports, truth: Truth) -> None:
    c = truth.customers()
    clients = clean(exports.crm_clients, truth, "crm_clients.csv")
    assert truth.stages["compare"] == truth.people
    assert truth.stages["quote"] == int(c["quoted"].sum())
    assert truth.stages["subscribe"] == int((clients["Date d'adhésion"] != "").sum())
    assert truth.stages["subscribe"] == int(c["subscribed"].sum())
    assert truth.stages["cancel"] == int((clients["Date de résiliation"] != "").sum())
    for t in truth.transitions:
        assert 0 < t.converted <= t.entered
        if t.planted_probability is not None:
            sigma = math.sqrt(t.planted_probability * (1 - t.planted_probability) / t.entered)
            # Quotes and sign-ups near the end of the period fall outside it: slightly fewer.
            assert (
                t.planted_probability - 4 * sigma - 0.03
                < t.rate
                < t.planted_probability + 4 * sigma
            )
    assert truth.transition("compare", "quote").entered == truth.people


def test_churn_is_higher_after_the_irritant(exports: Exports, truth: Truth) -> None:
    churn = truth.churn
    assert churn.members == truth.stages["subscribe"]
    assert churn.churned == truth.stages["cancel"]
    assert 0.03 < churn.annual_rate < 0.2
    assert churn.rate_with_irritant > churn.rate_without_irritant
    assert churn.annual_rate_after_irritant > 2 * churn.annual_rate_before_irritant
    c = truth.customers()
    assert int(c["churned"].sum()) == churn.churned
    churned = c[c["churned"]]
    assert (churned["cancel_request_at"] > churned["subscribe_at"]).all()
    assert churned["churn_date"].notna().all()
    clients = clean(exports.crm_clients, truth, "crm_clients.csv").set_index("Code client")
    written = clients.loc[churned["crm_id"], "Date de résiliation"]
    expected = pd.to_datetime(churned["churn_date"]).dt.strftime("%d/%m/%Y")
    assert list(written) == list(expected)


def test_identity_truth_matches_a_resolution_of_the_files(exports: Exports, truth: Truth) -> None:
    """Union every identifier seen together on a row; the components are the expected customers."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def together(*ids: str | None) -> None:
        keys = [i for i in ids if i]
        for k in keys:
            find(k)
        for k in keys[1:]:
            parent[find(k)] = find(keys[0])

    def email(x: object) -> str | None:
        text = str(x or "").strip().lower()
        return f"email:{text}" if text else None

    def phone(x: object) -> str | None:
        number = e164(str(x or ""))
        return f"phone:{number}" if number else None

    def crm(x: object) -> str | None:
        return f"crm:{x}" if x else None

    for row in clean(exports.crm_clients, truth, "crm_clients.csv").itertuples(index=False):
        together(crm(row[0]), email(row[7]), phone(row[8]))
    for code in clean(exports.crm_actions, truth, "crm_actions.csv")["Code client"]:
        together(crm(code))
    for event in exports.web:
        user = event["user"]
        together(f"cookie:{user['visitor_id']}", email(user.get("email")), crm(user.get("crm_id")))
    for number in exports.calls["Numéro appelant"]:
        together(phone(number))
    for address in exports.survey["E-mail"]:
        together(email(address))
    for code in exports.erp["code_client"]:
        together(crm(code))
    components = {find(x) for x in list(parent)}
    assert len(components) == truth.identity.expected_customers
    assert truth.identity.in_crm == truth.files["crm_clients.csv"].rows_loaded


def test_customers_file_agrees_with_the_crm(exports: Exports, truth: Truth) -> None:
    c = truth.customers()
    clients = clean(exports.crm_clients, truth, "crm_clients.csv")
    assert set(c["crm_id"].dropna()) == set(clients["Code client"])
    with_email = clients[clients["E-mail"] != ""]
    by_code = c.set_index("crm_id")
    assert list(by_code.loc[with_email["Code client"], "email"]) == list(
        with_email["E-mail"].str.lower()
    )
    assert np.isin(c.loc[c["in_crm"], "crm_id"], clients["Code client"]).all()
