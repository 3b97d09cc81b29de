"""Summarise a simulated world into its planted truth (truth.json and truth_customers.parquet).

Planted parameters come from ``_params``; realised counts are measured on the simulated events,
which are exactly the clean rows of the exports (the planted bad rows are extra rows).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from parcours.demo import _params as params
from parcours.demo._catalog import (
    NEVER_OBSERVED_TOUCHPOINT,
    PERSONAS,
    UNDEFINED_CODE,
    Catalog,
)
from parcours.demo._simulate import (
    ENCHANTMENT_TOUCHPOINTS,
    IRRITANT_TOUCHPOINTS,
    SCORE_CLASSES,
    World,
)
from parcours.demo._time import END, HORIZON, NEVER, START, YEAR, to_datetime64
from parcours.demo._truth import (
    TRUTH_VERSION,
    ChurnTruth,
    Experience,
    FileTruth,
    IdentityTruth,
    PersonaTruth,
    Redundancy,
    Transition,
    Truth,
)

B = npt.NDArray[np.bool_]
KEYWORD = "délai"


def nps(scores: npt.NDArray[np.int8]) -> float:
    """Net promoter score, in points (-100..100); 0 for no answer."""
    if scores.size == 0:
        return 0.0
    return round(float(100 * ((scores >= 9).mean() - (scores <= 6).mean())), 2)


def csat(scores: npt.NDArray[np.int8]) -> float:
    """Share of 4-5 answers on a 1-5 scale."""
    return round(float((scores >= 4).mean()), 4) if scores.size else 0.0


def _keyword_share(texts: pl.Series) -> float | None:
    said = texts.drop_nulls()
    if said.len() == 0:
        return None
    hits = said.str.to_lowercase().str.contains(KEYWORD, literal=True).to_numpy()
    return round(float(hits.mean()), 4)


class _Facts:
    def __init__(self, world: World, cat: Catalog) -> None:
        self.w = world
        self.cat = cat
        ev = world.events
        self.code_tp = np.array([c.touchpoint or "" for c in cat.codes])
        self.code_channel = np.array([c.channel for c in cat.codes])
        self.code_direction = np.array([c.direction or "" for c in cat.codes])
        self.tp = self.code_tp[ev.code]
        people = world.people
        n = people.n
        self.claims = np.bincount(world.claims.person, minlength=n)
        self.in_crm = people.crm_t < NEVER
        end = np.minimum(people.cancel_request_t, HORIZON)
        self.member_years = np.where(people.subscribed, (end - people.subscribe_t) / YEAR, 0.0)
        self.irritated = people.first_irritant_t < np.minimum(people.cancel_request_t, HORIZON)
        self.revenue = (
            np.bincount(world.sales.person, weights=world.sales.annual_cents, minlength=n) / 100
        )
        pull = self.code_direction[ev.code] == "pull"
        digital = np.isin(self.code_channel[ev.code], ["web", "app"])
        self.pulls = np.bincount(ev.person[pull], minlength=n)
        self.digital_pulls = np.bincount(ev.person[pull & digital], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.digital_share = np.where(self.pulls > 0, self.digital_pulls / self.pulls, np.nan)

    # ------------------------------------------------------------------------------------------
    def stages(self) -> dict[str, int]:
        p = self.w.people
        return {
            "compare": p.n,
            "quote": int(p.quoted.sum()),
            "subscribe": int(p.subscribed.sum()),
            "reimbursement": int((self.claims > 0).sum()),
            "complaint": int((p.complaints > 0).sum()),
            "cancel": int(p.churned.sum()),
        }

    def transitions(self) -> tuple[Transition, ...]:
        p = self.w.people
        share = params.PERSONA_SHARES
        by = dict(zip(PERSONAS, params.P_QUOTE.tolist(), strict=True))
        q = float((share * params.P_QUOTE).sum())
        s = float((share * params.P_QUOTE * params.P_SUBSCRIBE).sum() / q)
        claimants = self.claims > 0
        return (
            Transition("compare", "quote", round(q, 4), by, p.n, int(p.quoted.sum())),
            Transition(
                "quote",
                "subscribe",
                round(s, 4),
                dict(zip(PERSONAS, params.P_SUBSCRIBE.tolist(), strict=True)),
                int(p.quoted.sum()),
                int(p.subscribed.sum()),
            ),
            Transition(
                "subscribe",
                "reimbursement",
                None,
                {},
                int(p.subscribed.sum()),
                int(claimants.sum()),
            ),
            Transition(
                "reimbursement",
                "complaint",
                None,
                {},
                int(claimants.sum()),
                int((claimants & (p.complaints > 0)).sum()),
            ),
            Transition(
                "subscribe", "cancel", None, {}, int(p.subscribed.sum()), int(p.churned.sum())
            ),
        )

    def volumes(self) -> tuple[dict[str, int], dict[str, int]]:
        counts = np.bincount(self.w.events.code, minlength=len(self.cat.codes))
        volumes = dict.fromkeys(self.cat.touchpoints, 0)
        for c in self.cat.codes:
            if c.touchpoint is not None:
                volumes[c.touchpoint] += int(counts[c.index])
        undefined = {UNDEFINED_CODE: int(counts[self.cat.index(UNDEFINED_CODE)])}
        return volumes, undefined

    def survey(self) -> tuple[dict[str, float], dict[str, int]]:
        sv = self.w.survey
        tps = sv.touchpoint.to_numpy()
        scores: dict[str, float] = {}
        counts: dict[str, int] = {}
        for tp in sorted(set(tps.tolist())):
            rows = tps == tp
            scores[tp] = nps(sv.recommendation[rows])
            counts[tp] = int(rows.sum())
        return scores, counts

    def _experience(
        self,
        id_: str,
        kind: str,
        stage: str,
        touchpoints: tuple[str, ...],
        population: str,
        here: B,
        planted: float,
        keyword: bool,
    ) -> Experience:
        sv = self.w.survey
        same_stage = sv.stage.to_numpy() == stage
        elsewhere = same_stage & ~here
        return Experience(
            id=id_,
            kind=kind,
            stage=stage,
            touchpoints=touchpoints,
            population=population,
            planted_recommendation_mean=planted,
            responses=int(here.sum()),
            nps=nps(sv.recommendation[here]),
            csat=csat(sv.satisfaction[here]),
            nps_elsewhere=nps(sv.recommendation[elsewhere]),
            keyword=KEYWORD if keyword else None,
            keyword_share=_keyword_share(sv.verbatim.filter(pl.Series(here))) if keyword else None,
            keyword_share_elsewhere=(
                _keyword_share(sv.verbatim.filter(pl.Series(~here))) if keyword else None
            ),
        )

    def experiences(self) -> tuple[tuple[Experience, ...], tuple[Experience, ...]]:
        sv = self.w.survey
        tps = sv.touchpoint.to_numpy()
        klass = np.array(SCORE_CLASSES)[sv.score_class]
        slow = self._experience(
            "slow-reimbursement",
            "irritant",
            "reimbursement",
            IRRITANT_TOUCHPOINTS,
            "every answer about a claim sent by mail or a call to chase a claim",
            np.isin(tps, IRRITANT_TOUCHPOINTS),
            params.RECOMMENDATION_MEAN["irritant"][0],
            keyword=True,
        )
        not_found = self._experience(
            "quote-not-found",
            "irritant",
            "subscribe",
            ("subscribe-agency",),
            "members who asked for a quote on the web and signed in an agency (the rupture)",
            klass == "rupture",
            params.RECOMMENDATION_MEAN["rupture"][0],
            keyword=False,
        )
        app = self._experience(
            "app-reimbursement",
            "enchantment",
            "reimbursement",
            ENCHANTMENT_TOUCHPOINTS,
            "every answer about a claim made in the app (text messages are not surveyed)",
            np.isin(tps, ENCHANTMENT_TOUCHPOINTS),
            params.RECOMMENDATION_MEAN["enchantment"][0],
            keyword=False,
        )
        return (slow, not_found), (app,)

    def redundancy(self) -> Redundancy:
        ev = self.w.events
        a, b = self.cat.index("EML_COMPTE_CREE"), self.cat.index("EML_ADHESION_CONFIRMEE")
        first = np.full(self.w.people.n, -1, np.int64)
        second = np.full(self.w.people.n, -1, np.int64)
        first[ev.person[ev.code == a]] = ev.t[ev.code == a]
        second[ev.person[ev.code == b]] = ev.t[ev.code == b]
        both = (first >= 0) & (second >= 0)
        gap = second[both] - first[both]
        minutes = second[both] // 60 - first[both] // 60
        return Redundancy(
            touchpoints=("subscribe-email-account", "subscribe-email-welcome"),
            customers=int(both.sum()),
            max_gap_minutes=int(minutes.max()) if minutes.size else 0,
            median_gap_seconds=float(np.median(gap)) if gap.size else 0.0,
        )

    def personas(self) -> dict[str, PersonaTruth]:
        p = self.w.people
        total_revenue = float(self.revenue.sum()) or 1.0
        out: dict[str, PersonaTruth] = {}
        for k, name in enumerate(PERSONAS):
            who = p.persona == k
            revenue = float(self.revenue[who].sum())
            out[name] = PersonaTruth(
                id=name,
                planted_share=float(params.PERSONA_SHARES[k]),
                rules=params.PERSONA_RULES[name],
                people=int(who.sum()),
                customers=int((who & self.in_crm).sum()),
                members=int((who & p.subscribed).sum()),
                revenue=round(revenue, 2),
                revenue_share=round(revenue / total_revenue, 4),
                channel_mix={
                    "compare": params.mix_dict(params.COMPARE_MIX, params.COMPARE_CHANNELS)[name],
                    "quote": params.mix_dict(params.QUOTE_MIX, params.QUOTE_CHANNELS)[name],
                    "reimbursement": params.mix_dict(params.CLAIM_MIX, params.CLAIM_CHANNELS)[name],
                    "complaint": params.mix_dict(params.COMPLAINT_MIX, params.COMPLAINT_CHANNELS)[
                        name
                    ],
                    "cancel": params.mix_dict(params.CANCEL_MIX, params.CANCEL_CHANNELS)[name],
                },
                quote_probability=float(params.P_QUOTE[k]),
                subscribe_probability=float(params.P_SUBSCRIBE[k]),
                claims_per_year=float(params.CLAIMS_PER_YEAR[k]),
                churn_hazard=float(params.CHURN_HAZARD[k]),
            )
        return out

    def churn(self) -> ChurnTruth:
        p = self.w.people
        members = p.subscribed
        churned = p.churned
        years = float(self.member_years.sum())
        with_irritant = members & self.irritated
        without = members & ~self.irritated
        end = np.minimum(p.cancel_request_t, HORIZON)
        split = np.where(self.irritated, p.first_irritant_t, end)
        before = float(((split - p.subscribe_t) / YEAR)[members].sum()) or 1.0
        after = float(((end - split) / YEAR)[members].sum()) or 1.0
        return ChurnTruth(
            members=int(members.sum()),
            churned=int(churned.sum()),
            rate=round(float(churned.sum() / max(members.sum(), 1)), 4),
            member_years=round(years, 2),
            annual_rate=round(float(churned.sum()) / years, 4) if years else 0.0,
            hazard_by_persona=dict(zip(PERSONAS, params.CHURN_HAZARD.tolist(), strict=True)),
            irritant_multiplier=params.IRRITANT_CHURN_MULTIPLIER,
            notice_days=params.NOTICE_DAYS,
            members_with_irritant=int(with_irritant.sum()),
            churned_with_irritant=int((with_irritant & churned).sum()),
            rate_with_irritant=round(
                float((with_irritant & churned).sum() / max(with_irritant.sum(), 1)), 4
            ),
            rate_without_irritant=round(
                float((without & churned).sum() / max(without.sum(), 1)), 4
            ),
            annual_rate_before_irritant=round(float((without & churned).sum()) / before, 4),
            annual_rate_after_irritant=round(float((with_irritant & churned).sum()) / after, 4),
        )

    def identity(self) -> tuple[IdentityTruth, dict[str, npt.NDArray[np.bool_]]]:
        p, ev = self.w.people, self.w.events
        n = p.n
        flags: dict[str, npt.NDArray[np.bool_]] = {}
        for platform in ("web", "app"):
            rows = self.code_channel[ev.code] == platform
            seen = np.zeros(n, bool)
            seen[ev.person[rows]] = True
            known = np.zeros(n, bool)
            known[ev.person[rows & (ev.login >= 1)]] = True
            flags[f"{platform}_seen"] = seen
            flags[f"{platform}_stitched"] = known
        caller = np.zeros(n, bool)
        caller[ev.person[self.code_channel[ev.code] == "phone"]] = True
        flags["caller"] = caller
        loose = (flags["web_seen"] & ~flags["web_stitched"]).astype(int) + (
            flags["app_seen"] & ~flags["app_stitched"]
        ).astype(int)
        outside = flags["web_seen"].astype(int) + flags["app_seen"].astype(int) + caller.astype(int)
        parts = np.where(self.in_crm, 1 + loose, outside)
        unstitched = np.where(
            self.in_crm, loose, flags["web_seen"].astype(int) + flags["app_seen"].astype(int)
        )
        return (
            IdentityTruth(
                people=n,
                in_crm=int(self.in_crm.sum()),
                with_email=int(p.email.is_not_null().sum()),
                web_cookies=int(flags["web_seen"].sum()),
                app_ids=int(flags["app_seen"].sum()),
                unstitched_visitor_ids=int(unstitched.sum()),
                callers_outside_crm=int((caller & ~self.in_crm).sum()),
                expected_customers=int(parts.sum()),
            ),
            flags,
        )

    # ------------------------------------------------------------------------------------------
    def customers_frame(self, flags: dict[str, npt.NDArray[np.bool_]]) -> pl.DataFrame:
        """One row per person: identifiers, persona, demographics, lifecycle and planted flags."""
        from parcours.demo._reference import TOWNS

        p = self.w.people

        def when(t: npt.NDArray[np.int64]) -> pl.Series:
            never = t >= NEVER
            return pl.Series(to_datetime64(np.where(never, 0, t))).set(pl.Series(never), None)

        def label(index: npt.NDArray[np.int8], names: tuple[str, ...]) -> pl.Series:
            return pl.Series([None, *names], dtype=pl.String).gather(index.astype(np.int64) + 1)

        phone = p.phone
        years = self.member_years
        with np.errstate(invalid="ignore", divide="ignore"):
            claims_per_year = np.where(years > 0, self.claims / np.maximum(years, 1e-9), np.nan)
        return pl.DataFrame(
            {
                "person_id": np.arange(p.n, dtype=np.int64),
                "crm_id": p.crm_id,
                "email": p.email,
                "phone": pl.select(
                    pl.concat_str([pl.lit("+33"), pl.lit(phone).str.slice(1)])
                ).to_series(),
                "web_visitor_id": p.web_id,
                "app_visitor_id": p.app_id,
                "web_stitched": flags["web_stitched"],
                "app_stitched": flags["app_stitched"],
                "persona": pl.Series(list(PERSONAS)).gather(p.persona),
                "sex": np.where(p.sex == 0, "F", "M"),
                "first_name": p.first_name,
                "last_name": p.last_name,
                "birth_date": pl.Series(p.birth.astype("datetime64[ms]")).cast(pl.Date),
                "age": p.age,
                "town": pl.Series([t.name for t in TOWNS]).gather(p.town),
                "postcode": p.postcode,
                "big_town": np.array([t.big for t in TOWNS])[p.town],
                "children": p.children,
                "first_contact_at": when(p.first_contact),
                "compare_channel": label(p.compare_channel, params.COMPARE_CHANNELS),
                "in_crm": self.in_crm,
                "crm_created_at": when(p.crm_t),
                "quoted": p.quoted,
                "quote_at": when(p.quote_t),
                "quote_channel": label(p.quote_channel, params.QUOTE_CHANNELS),
                "subscribed": p.subscribed,
                "subscribe_at": when(p.subscribe_t),
                "subscribe_channel": label(p.subscribe_channel, params.SUBSCRIBE_CHANNELS),
                "formula": label(p.formula, params.FORMULAS),
                "monthly_premium": np.where(p.subscribed, p.premium_cents / 100, np.nan),
                "annual_revenue": self.revenue,
                "reimbursements": self.claims,
                "claims_per_year": claims_per_year,
                "complaints": p.complaints,
                "irritant": self.irritated,
                "first_irritant_at": when(np.where(self.irritated, p.first_irritant_t, NEVER)),
                "rupture_web_quote_to_agency": p.rupture,
                "churned": p.churned,
                "cancel_request_at": when(p.cancel_request_t),
                "churn_date": when(p.cancel_effective_t).cast(pl.Date),
                "cancel_channel": label(p.cancel_channel, params.CANCEL_CHANNELS),
                "member_years": years,
                "pull_interactions": self.pulls,
                "digital_share": self.digital_share,
                "caller": flags["caller"],
            }
        )


def build_truth(world: World, cat: Catalog, files: list[FileTruth], truth_dir: Path) -> Truth:
    """Measure the world, write truth_customers.parquet, and return the Truth (not yet saved)."""
    facts = _Facts(world, cat)
    volumes, undefined = facts.volumes()
    # quote-app by construction; a very small demo may leave another touchpoint without events.
    never = tuple(tp for tp, v in volumes.items() if v == 0)
    if NEVER_OBSERVED_TOUCHPOINT not in never:  # pragma: no cover - the simulation never emits it
        raise AssertionError(f"{NEVER_OBSERVED_TOUCHPOINT} has events")
    scores, counts = facts.survey()
    irritants, enchantments = facts.experiences()
    identity, flags = facts.identity()
    truth_dir.mkdir(parents=True, exist_ok=True)
    facts.customers_frame(flags).write_parquet(truth_dir / "truth_customers.parquet")
    last_day = (END - np.timedelta64(1, "D")).astype("datetime64[D]")
    return Truth(
        version=TRUTH_VERSION,
        company="Mutuelle Horizon",
        seed=world.seed,
        people=world.people.n,
        start=str(START.astype("datetime64[D]")),
        end=str(last_day),
        files={f.file: f for f in files},
        stages=facts.stages(),
        transitions=facts.transitions(),
        touchpoint_volumes=volumes,
        nps_by_touchpoint=scores,
        responses_by_touchpoint=counts,
        never_observed_touchpoints=never,
        undefined_event_codes=undefined,
        irritants=irritants,
        enchantments=enchantments,
        redundant_touchpoints=(facts.redundancy(),),
        ruptures={"web-quote-to-agency": int(world.people.rupture.sum())},
        personas=facts.personas(),
        churn=facts.churn(),
        identity=identity,
        directory=truth_dir,
    )
