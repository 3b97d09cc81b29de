"""The simulation: people, their lifecycle along the journey, and every event a system records.

Vectorised with NumPy: each stage draws, for all the people concerned at once, whether they go on,
when, and on which channel. Each part of the simulation has its own random stream (spawned from
the seed), so that a change in one part does not reshuffle the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from parcours.demo import _params as params
from parcours.demo._catalog import FAMILY, NONE, SENIOR, YOUNG, Catalog, catalog
from parcours.demo._reference import (
    BIG_TOWNS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    PROVINCE_TOWNS,
    TOWNS,
    VERBATIMS,
    ascii_slug,
)
from parcours.demo._time import DAY, HORIZON, KIND_OF_CHANNEL, NEVER, START, YEAR, snap, time_of_day

I8 = npt.NDArray[np.int8]
I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

Progress = Callable[[str, int, int], None]

_STREAMS = (
    "people",
    "compare",
    "quote",
    "subscribe",
    "claims",
    "churn",
    "complaints",
    "options",
    "newsletter",
    "chatbot",
    "ids",
    "survey",
)

# What the survey tool writes in its "Étape" and "Canal" columns (recoded by the mapping).
SURVEY_STAGE_LABELS = {
    "quote": "Demande de devis",
    "subscribe": "Adhésion",
    "reimbursement": "Remboursement",
    "complaint": "Réclamation",
    "cancel": "Résiliation",
}
SURVEY_CHANNEL_LABELS = {
    "web": "Site internet",
    "app": "Application mobile",
    "phone": "Téléphone",
    "agency": "Agence",
    "mail": "Courrier",
    "email": "E-mail",
}
IRRITANT_TOUCHPOINTS = ("reimbursement-mail", "reimbursement-phone")
ENCHANTMENT_TOUCHPOINTS = ("reimbursement-app", "reimbursement-sms")
SCORE_CLASSES = ("default", "irritant", "enchantment", "rupture", "complaint", "cancel")

# Login state of a web/app event: anonymous, e-mail typed in a form, logged into the member area.
ANONYMOUS, FORM_EMAIL, LOGGED_IN = 0, 1, 2


@dataclass
class Events:
    """Every interaction of every person: one row per event, sorted by nothing in particular."""

    person: I32
    t: I64
    code: I16
    amount: I32  # cents; -1 when the event carries no amount
    login: I8

    def __len__(self) -> int:
        return int(self.person.size)


class _EventLog:
    """Collects event arrays stage by stage, then concatenates them once."""

    def __init__(self, cat: Catalog) -> None:
        self._cat = cat
        self._parts: list[tuple[I32, I64, I16, I32, I8]] = []

    def add(
        self,
        person: npt.ArrayLike,
        t: npt.ArrayLike,
        code: str | I16,
        amount: npt.ArrayLike | None = None,
        login: int = ANONYMOUS,
    ) -> None:
        p = np.asarray(person, dtype=np.int32)
        tt = np.asarray(t, dtype=np.int64)
        keep = tt < HORIZON
        n = p.size
        if isinstance(code, str):
            codes = np.full(n, self._cat.index(code), dtype=np.int16)
        else:
            codes = np.asarray(code, dtype=np.int16)
        cents = np.full(n, -1, np.int32) if amount is None else np.asarray(amount, np.int32)
        logins = np.full(n, login, dtype=np.int8)
        self._parts.append((p[keep], tt[keep], codes[keep], cents[keep], logins[keep]))

    def build(self) -> Events:
        cols = list(zip(*self._parts, strict=True))
        return Events(*(np.concatenate(c) for c in cols))


@dataclass
class People:
    """One entry per simulated person (prospect or member); times in simulated seconds."""

    n: int
    persona: I8
    sex: I8  # 0 woman, 1 man
    age: I16  # at first contact
    birth: npt.NDArray[np.datetime64]  # datetime64[D]
    town: I16
    postcode: pl.Series
    children: I8
    first_name: pl.Series
    last_name: pl.Series
    email: pl.Series  # lower-case, null when the person gave none
    phone: pl.Series  # ten digits, 0X XX XX XX XX without spaces
    mobile: B
    name_style: I8  # how the CRM wrote the name (capitalised or upper case)
    phone_style: I8  # how the CRM wrote the phone number
    email_style: I8  # how the CRM wrote the e-mail (as given or with capitals)
    first_contact: I64
    compare_channel: I8
    quoted: B = field(default_factory=lambda: np.zeros(0, bool))
    quote_t: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    quote_channel: I8 = field(default_factory=lambda: np.zeros(0, np.int8))
    subscribed: B = field(default_factory=lambda: np.zeros(0, bool))
    subscribe_t: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    subscribe_channel: I8 = field(default_factory=lambda: np.zeros(0, np.int8))
    crm_t: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    crm_id: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))
    formula: I8 = field(default_factory=lambda: np.zeros(0, np.int8))
    premium_cents: I32 = field(default_factory=lambda: np.zeros(0, np.int32))
    first_irritant_t: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    churned: B = field(default_factory=lambda: np.zeros(0, bool))
    cancel_request_t: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    cancel_effective_t: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    cancel_channel: I8 = field(default_factory=lambda: np.zeros(0, np.int8))
    rupture: B = field(default_factory=lambda: np.zeros(0, bool))
    complaints: I32 = field(default_factory=lambda: np.zeros(0, np.int32))
    web_id: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))
    app_id: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))


@dataclass
class Claims:
    """Reimbursement claims of members (kept after churn truncation)."""

    person: I32
    t: I64
    channel: I8  # index in CLAIM_CHANNELS
    irritant_t: I64  # when the claim became irritating; NEVER if it did not


@dataclass
class Sales:
    """ERP revenue lines: the adhesion and each option added."""

    person: I32
    t: I64
    product: I8  # -1 adhesion, else index in OPTIONS
    annual_cents: I64
    channel: I8  # index in SUBSCRIBE_CHANNELS


@dataclass
class Survey:
    """Survey answers: one row per response, with the touchpoint that triggered the survey."""

    person: I32
    t: I64
    touchpoint: pl.Series
    stage: pl.Series
    channel: pl.Series
    score_class: I8
    recommendation: I8
    satisfaction: I8
    effort: I8
    verbatim: pl.Series  # null when the respondent left no comment
    email_style: I8


@dataclass
class World:
    """Everything the simulation produced, ready to be written and summarised."""

    seed: int
    people: People
    events: Events
    claims: Claims
    sales: Sales
    survey: Survey
    streams: dict[str, np.random.Generator]


# ----------------------------------------------------------------------------------------------
# helpers


def pick(rng: np.random.Generator, table: npt.NDArray[np.float64], row: npt.ArrayLike) -> I8:
    """Draw one column index per entry, with the probabilities of ``table[row]``."""
    rows = np.asarray(row, dtype=np.intp)
    cum = np.cumsum(table, axis=1)
    u = rng.random(rows.size)
    out = np.zeros(rows.size, dtype=np.int8)
    for k in range(table.shape[1] - 1):
        out += u >= cum[rows, k]
    return out


def snap_channels(
    rng: np.random.Generator, t: I64, channel: I8, names: tuple[str, ...]
) -> npt.NDArray[np.int64]:
    """Snap each time to the opening hours of its channel (names[channel])."""
    out = np.array(t, dtype=np.int64, copy=True)
    for k, name in enumerate(names):
        rows = channel == k
        if rows.any():
            out[rows] = snap(out[rows], rng, KIND_OF_CHANNEL[name])
    return out


def group_offsets(counts: I64) -> I64:
    """For rows repeated ``counts`` times, the rank of each row within its group (0, 1, ...)."""
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    out: I64 = np.arange(total, dtype=np.int64) - starts
    return out


def concat(parts: list[pl.Series | pl.Expr], separator: str = "") -> pl.Series:
    """Concatenate string Series (and literals) element-wise into a Series."""
    return pl.select(pl.concat_str(parts, separator=separator)).to_series()


def secs(days: npt.ArrayLike) -> I64:
    return (np.asarray(days, dtype=np.float64) * DAY).astype(np.int64)


def hex_ids(rng: np.random.Generator, n: int, nbytes: int) -> pl.Series:
    """``n`` random lower-case hexadecimal strings of ``2 * nbytes`` characters."""
    return _hex(rng.integers(0, 256, size=(n, nbytes), dtype=np.uint8))


def hex_text(values: npt.NDArray[np.int64]) -> pl.Series:
    """64-bit integers as 16 hexadecimal characters."""
    return _hex(values.astype(">i8").view(np.uint8).reshape(-1, 8))


def _hex(raw: npt.NDArray[np.uint8]) -> pl.Series:
    n, nbytes = raw.shape
    lut = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    out = np.empty((n, 2 * nbytes), dtype=np.uint8)
    out[:, 0::2] = lut[raw >> 4]
    out[:, 1::2] = lut[raw & 15]
    return pl.Series(out.view(f"S{2 * nbytes}").ravel()).cast(pl.String)


def _first_minimum(person: I32, t: I64, n: int) -> I64:
    out = np.full(n, NEVER, dtype=np.int64)
    np.minimum.at(out, person, t)
    return out


# ----------------------------------------------------------------------------------------------
# people


def _first_days(rng: np.random.Generator, n: int) -> I64:
    """First contact day: more in the autumn (health-insurance switching season), growing."""
    n_days = HORIZON // DAY - 8
    days = np.arange(n_days)
    month = (START + days.astype("timedelta64[D]")).astype("datetime64[M]").astype(int) % 12 + 1
    season = np.select(
        [np.isin(month, [9, 10, 11]), np.isin(month, [12, 1])], [1.6, 1.3], default=1.0
    )
    weight = season * (1.0 + 0.3 * days / n_days)
    out: I64 = rng.choice(n_days, size=n, p=weight / weight.sum()).astype(np.int64)
    return out


def _matches_a_persona(age: I16, big: B, children: I8) -> B:
    young = (age >= 25) & (age <= 34) & big
    family = (age >= 35) & (age <= 50) & (children >= 1)
    senior = (age >= 60) & ~big
    out: B = young | family | senior
    return out


def _demographics(rng: np.random.Generator, persona: I8) -> tuple[I16, I16, I8]:
    n = persona.size
    age = np.empty(n, dtype=np.int16)
    town = np.empty(n, dtype=np.int16)
    children = np.zeros(n, dtype=np.int8)
    big_w = np.array([t.weight for t in BIG_TOWNS])
    prov_w = np.array([t.weight for t in PROVINCE_TOWNS])
    all_w = np.array([t.weight for t in TOWNS])
    n_big = len(BIG_TOWNS)

    def draw(rows: npt.NDArray[np.intp], who: int) -> None:
        k = rows.size
        if who == YOUNG:
            age[rows] = rng.integers(25, 35, k)
            town[rows] = rng.choice(n_big, k, p=big_w / big_w.sum())
            children[rows] = rng.choice(3, k, p=[0.8, 0.15, 0.05])
        elif who == FAMILY:
            age[rows] = rng.integers(35, 51, k)
            big = rng.random(k) < 0.5
            town[rows] = np.where(
                big,
                rng.choice(n_big, k, p=big_w / big_w.sum()),
                n_big + rng.choice(prov_w.size, k, p=prov_w / prov_w.sum()),
            )
            children[rows] = rng.choice([1, 2, 3, 4], k, p=[0.35, 0.4, 0.18, 0.07])
        elif who == SENIOR:
            age[rows] = 60 + np.minimum(rng.exponential(9.0, k), 29).astype(np.int16)
            town[rows] = n_big + rng.choice(prov_w.size, k, p=prov_w / prov_w.sum())
        else:
            age[rows] = rng.integers(18, 81, k)
            town[rows] = rng.choice(all_w.size, k, p=all_w / all_w.sum())
            children[rows] = rng.choice(4, k, p=[0.6, 0.2, 0.15, 0.05])

    for who in range(4):
        draw(np.flatnonzero(persona == who), who)
    # People of no persona never meet a persona's demographic rule: redraw until they do not.
    for _ in range(200):
        bad = np.flatnonzero((persona == NONE) & _matches_a_persona(age, town < n_big, children))
        if bad.size == 0:
            return age, town, children
        draw(bad, NONE)
    raise AssertionError("could not draw people of no persona")  # pragma: no cover


def _names(rng: np.random.Generator, age: I16) -> tuple[I8, pl.Series, pl.Series, I8]:
    n = age.size
    sex = rng.integers(0, 2, n).astype(np.int8)
    generation = np.select([age < 36, age <= 55], [0, 1], default=2).astype(np.int8)
    flat: list[str] = []
    offset = np.zeros((3, 2), dtype=np.int64)
    size = np.zeros((3, 2), dtype=np.int64)
    for g, gen in enumerate(("young", "middle", "old")):
        for s, sx in enumerate(("F", "M")):
            names = FIRST_NAMES[gen][sx]
            offset[g, s], size[g, s] = len(flat), len(names)
            flat.extend(names)
    first_idx = offset[generation, sex] + (rng.random(n) * size[generation, sex]).astype(np.int64)
    ranks = np.arange(len(LAST_NAMES))
    weights = 1.0 / (ranks + 8.0)
    last_idx = rng.choice(len(LAST_NAMES), n, p=weights / weights.sum())
    first = pl.Series("first_name", flat).gather(first_idx)
    last = pl.Series("last_name", list(LAST_NAMES)).gather(last_idx)
    return sex, first, last, generation


def _unique(
    values: pl.Series, rng: np.random.Generator, fix: Callable[[pl.Series, I64], pl.Series]
) -> pl.Series:
    """Repair duplicates (all but the first occurrence) with ``fix`` until none is left."""
    for _ in range(50):
        dup = values.is_duplicated() & ~values.is_first_distinct() & values.is_not_null()
        rows = np.flatnonzero(dup.to_numpy())
        if rows.size == 0:
            return values
        fixed = fix(values.gather(rows), rng.integers(2, 999, rows.size))
        values = values.scatter(rows, fixed)
    raise AssertionError("could not make identifiers unique")  # pragma: no cover


def _emails(
    rng: np.random.Generator,
    persona: I8,
    first: pl.Series,
    last: pl.Series,
    generation: I8,
    birth_year: I64,
) -> pl.Series:
    n = persona.size
    slug_first = first.replace_strict({f: ascii_slug(f) for f in first.unique().to_list()})
    slug_last = last.replace_strict({n: ascii_slug(n) for n in last.unique().to_list()})
    domains: list[str] = []
    dom_idx = np.empty(n, dtype=np.int64)
    for g, gen in enumerate(("young", "middle", "old")):
        names, probs = zip(*EMAIL_DOMAINS[gen], strict=True)
        rows = np.flatnonzero(generation == g)
        p = np.array(probs)
        dom_idx[rows] = len(domains) + rng.choice(len(names), rows.size, p=p / p.sum())
        domains.extend(names)
    frame = pl.DataFrame(
        {
            "f": slug_first,
            "l": slug_last,
            "style": rng.choice(6, n, p=[0.35, 0.12, 0.1, 0.08, 0.2, 0.15]),
            "nn": pl.Series(rng.integers(1, 100, n)).cast(pl.String).str.zfill(2),
            "yy": pl.Series(birth_year % 100).cast(pl.String).str.zfill(2),
            "dom": pl.Series(domains).gather(dom_idx),
        }
    )
    f, lst, nn, yy = pl.col("f"), pl.col("l"), pl.col("nn"), pl.col("yy")
    local = (
        pl.when(pl.col("style") == 0)
        .then(pl.concat_str([f, pl.lit("."), lst]))
        .when(pl.col("style") == 1)
        .then(pl.concat_str([f.str.slice(0, 1), pl.lit("."), lst]))
        .when(pl.col("style") == 2)
        .then(pl.concat_str([f, lst]))
        .when(pl.col("style") == 3)
        .then(pl.concat_str([lst, pl.lit("."), f]))
        .when(pl.col("style") == 4)
        .then(pl.concat_str([f, pl.lit("."), lst, nn]))
        .otherwise(pl.concat_str([f, pl.lit("_"), lst, yy]))
    )
    emails = frame.select(pl.concat_str([local, pl.lit("@"), pl.col("dom")]).alias("email"))
    has = rng.random(n) < params.P_EMAIL[persona]

    def fix(dups: pl.Series, salt: I64) -> pl.Series:
        parts = dups.str.split_exact("@", 1).struct.unnest()
        return concat(
            [parts["field_0"], pl.Series(salt).cast(pl.String), pl.lit("@"), parts["field_1"]]
        )

    unique = _unique(emails["email"], rng, fix)
    return unique.set(pl.Series(~has), None)


def _phones(rng: np.random.Generator, persona: I8, town: I16) -> tuple[pl.Series, B]:
    n = persona.size
    mobile = rng.random(n) < params.P_MOBILE[persona]
    region = np.array([t.phone_prefix for t in TOWNS])[town]
    prefix = np.where(mobile, np.where(rng.random(n) < 0.7, "06", "07"), region)

    def digits(k: int, is_mobile: npt.NDArray[np.bool_]) -> pl.Series:
        low = np.where(is_mobile, 0, 10_000_000)
        return pl.Series(rng.integers(low, 100_000_000, k)).cast(pl.String).str.zfill(8)

    phones = concat([pl.Series(prefix), digits(n, mobile)], separator="")

    def fix(dups: pl.Series, salt: I64) -> pl.Series:
        k = dups.len()
        head = dups.str.slice(0, 2)
        return concat([head, digits(k, np.ones(k, bool))])

    return _unique(phones, rng, fix), mobile


def _people(rng: np.random.Generator, n: int) -> People:
    persona = rng.choice(4, size=n, p=params.PERSONA_SHARES).astype(np.int8)
    first_day = _first_days(rng, n)
    age, town, children = _demographics(rng, persona)
    sex, first, last, generation = _names(rng, age)
    # Birth date: the drawn age is the age at first contact, kept away from birthdays.
    first_date = START.astype("datetime64[D]") + first_day.astype("timedelta64[D]")
    years = age + rng.uniform(0.05, 0.95, n)
    birth = first_date - np.round(years * 365.2425).astype("timedelta64[D]")
    birth_year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    emails = _emails(rng, persona, first, last, generation, birth_year)
    phones, mobile = _phones(rng, persona, town)
    postcodes = pl.Series([pc for t in TOWNS for pc in t.postcodes], dtype=pl.String)
    pc_offset = np.cumsum([0] + [len(t.postcodes) for t in TOWNS])[:-1]
    pc_count = np.array([len(t.postcodes) for t in TOWNS])
    pc_idx = pc_offset[town] + (rng.random(n) * pc_count[town]).astype(np.int64)
    compare_channel = pick(rng, params.COMPARE_MIX, persona)
    kinds = np.array([KIND_OF_CHANNEL[c] for c in params.COMPARE_CHANNELS])[compare_channel]
    tod = np.zeros(n, dtype=np.int64)
    for kind in np.unique(kinds):
        rows = kinds == kind
        tod[rows] = time_of_day(rng, int(rows.sum()), str(kind))
    first_contact = snap_channels(
        rng, first_day * DAY + tod, compare_channel, params.COMPARE_CHANNELS
    )
    return People(
        n=n,
        persona=persona,
        sex=sex,
        age=age,
        birth=birth,
        town=town,
        postcode=postcodes.gather(pc_idx),
        children=children,
        first_name=first,
        last_name=last,
        email=emails,
        phone=phones,
        mobile=mobile,
        name_style=(rng.random(n) < 0.35).astype(np.int8),
        phone_style=rng.choice(5, n, p=[0.45, 0.15, 0.25, 0.1, 0.05]).astype(np.int8),
        email_style=(rng.random(n) < 0.12).astype(np.int8),
        first_contact=first_contact,
        compare_channel=compare_channel,
    )


# ----------------------------------------------------------------------------------------------
# the journey, stage by stage


def _compare(rng: np.random.Generator, people: People, log: _EventLog) -> tuple[I64, I64]:
    """Compare the offers: browse the site or the app, call, or visit an agency.

    Returns the time of each person's last compare event and of their agency visit (or NEVER).
    """
    n = people.n
    everyone = np.arange(n, dtype=np.int32)
    ch = people.compare_channel
    t0 = people.first_contact
    last = t0.copy()
    for k, code_a, code_b, extra in (
        (0, "WEB_OFFRES", "WEB_COMPARATEUR", 1.2),
        (1, "APP_OFFRES", "APP_OFFRES", 0.8),
    ):
        who = everyone[ch == k]
        counts = 1 + rng.poisson(extra, who.size)
        p = np.repeat(who, counts)
        rank = group_offsets(counts)
        gaps = np.where(rank == 0, 0, secs(rng.exponential(2.0, p.size)))
        starts = np.repeat(np.cumsum(counts) - counts, counts)
        cum = np.cumsum(gaps)
        t = t0[p] + cum - cum[starts]
        t = snap(t, rng, "digital")
        code = np.where(rng.random(p.size) < 0.6, code_a, code_b)
        for c in np.unique(code):
            rows = code == c
            log.add(p[rows], t[rows], str(c))
        np.maximum.at(last, p[t < HORIZON], t[t < HORIZON])
    log.add(everyone[ch == 2], t0[ch == 2], "TEL_INFO_OFFRE")
    log.add(everyone[ch == 3], t0[ch == 3], "AG_RDV_INFO")
    agency_t = np.where(ch == 3, t0, NEVER)
    # A second channel: digital people sometimes call, the others sometimes look at the site.
    digital = ch <= 1
    second = rng.random(n) < np.where(digital, 0.15, 0.25)
    t2 = t0 + secs(rng.uniform(0.2, 5.0, n))
    calls = everyone[second & digital]
    t_call = snap(t2[calls], rng, "phone")
    log.add(calls, t_call, "TEL_INFO_OFFRE")
    browse = everyone[second & ~digital]
    t_web = snap(t2[browse], rng, "digital")
    log.add(browse, t_web, "WEB_OFFRES")
    for who, t in ((calls, t_call), (browse, t_web)):
        ok = t < HORIZON
        np.maximum.at(last, who[ok], t[ok])
    return last, agency_t


def _quote(rng: np.random.Generator, people: People, log: _EventLog, last_compare: I64) -> None:
    """Ask for a quote (never in the app), then receive it by e-mail; some get a callback later."""
    n, persona = people.n, people.persona
    will = rng.random(n) < params.P_QUOTE[persona]
    sticky_channel = np.array([0, 0, 1, 2], dtype=np.int8)[people.compare_channel]
    channel = np.where(
        rng.random(n) < params.QUOTE_STICKY, sticky_channel, pick(rng, params.QUOTE_MIX, persona)
    ).astype(np.int8)
    # A web quote form asks for an e-mail: people without one quote by phone.
    has_email = people.email.is_not_null().to_numpy()
    channel = np.where((channel == 0) & ~has_email, 1, channel).astype(np.int8)
    t = last_compare + secs(rng.gamma(1.5, 2.0, n))
    t = snap_channels(rng, t, channel, params.QUOTE_CHANNELS)
    quoted = will & (t < HORIZON)
    people.quoted = quoted
    people.quote_t = np.where(quoted, t, NEVER)
    people.quote_channel = np.where(quoted, channel, -1).astype(np.int8)
    who = np.flatnonzero(quoted)
    for k, code in enumerate(("WEB_DEVIS", "TEL_DEVIS", "AG_DEVIS")):
        rows = who[channel[who] == k]
        log.add(rows, t[rows], code, login=FORM_EMAIL if k == 0 else ANONYMOUS)
    # The quote e-mail: minutes after a web quote, often longer after a phone or agency one.
    mailed = who[has_email[who]]
    delay = np.where(
        channel[mailed] == 0,
        rng.uniform(60, 600, mailed.size),
        np.minimum(rng.lognormal(np.log(40 * 60), 0.9, mailed.size), 8 * 3600),
    ).astype(np.int64)
    log.add(mailed, snap(t[mailed] + delay, rng, "digital"), "EML_DEVIS")


def _subscribe(rng: np.random.Generator, people: People, log: _EventLog) -> None:
    """Sign up (sometimes in an agency after a web quote: the rupture), then the push messages."""
    n, persona = people.n, people.persona
    quoted = people.quoted
    will = quoted & (rng.random(n) < params.P_SUBSCRIBE[persona])
    from_quote = np.maximum(people.quote_channel, 0)
    channel = pick(rng, params.SUBSCRIBE_FROM_QUOTE, from_quote)
    # The young-connected almost always finish online what they started online.
    young_web = (persona == YOUNG) & (from_quote == 0)
    channel = np.where(young_web & (rng.random(n) < 0.9), 0, channel).astype(np.int8)
    # Signing up online needs an e-mail (the member area login).
    has_email = people.email.is_not_null().to_numpy()
    channel = np.where((channel == 0) & ~has_email, 1, channel).astype(np.int8)
    t = people.quote_t.copy()
    t[quoted] += secs(rng.gamma(2.0, 3.0, int(quoted.sum())))
    t[quoted] = snap_channels(rng, t[quoted], channel[quoted], params.SUBSCRIBE_CHANNELS)
    subscribed = will & (t < HORIZON)
    people.subscribed = subscribed
    people.subscribe_t = np.where(subscribed, t, NEVER)
    people.subscribe_channel = np.where(subscribed, channel, -1).astype(np.int8)
    people.rupture = subscribed & (people.quote_channel == 0) & (channel == 2)
    # Quotes not signed 2-4 days later get an outbound call.
    cb_t = snap(
        people.quote_t[quoted] + secs(rng.uniform(2.0, 4.0, int(quoted.sum()))), rng, "phone"
    )
    cb_who = np.flatnonzero(quoted)
    called = (rng.random(cb_who.size) < params.P_CALLBACK) & (cb_t < people.subscribe_t[cb_who])
    log.add(cb_who[called], cb_t[called], "TEL_RELANCE_DEVIS")

    who = np.flatnonzero(subscribed)
    for k, code in enumerate(("WEB_ADHESION", "TEL_ADHESION", "AG_ADHESION")):
        rows = who[channel[who] == k]
        log.add(rows, t[rows], code, login=LOGGED_IN if k == 0 else ANONYMOUS)
    # Two e-mails for one customer moment: account created, then adhesion confirmed.
    mailed = who[has_email[who]]
    account = t[mailed] + rng.integers(40, 180, mailed.size)
    welcome = account + rng.integers(60, 300, mailed.size)
    log.add(mailed, account, "EML_COMPTE_CREE")
    log.add(mailed, welcome, "EML_ADHESION_CONFIRMEE")
    log.add(who, snap(t[who] + secs(rng.uniform(5, 12, who.size)), rng, "mail"), "COUR_CARTE_TP")
    # Formula and monthly premium: older members pay more and choose richer formulas.
    formula = pick(rng, params.FORMULA_MIX, persona)
    band = np.searchsorted(params.AGE_BANDS, people.age, side="right") - 1
    premium = (
        params.FORMULA_BASE[formula] * params.AGE_FACTORS[band]
        + people.children * params.CHILD_FEE[formula]
    )
    people.formula = np.where(subscribed, formula, -1).astype(np.int8)
    people.premium_cents = np.where(subscribed, np.round(premium * 10) * 10, 0).astype(np.int32)


def _crm_ids(people: People, agency_t: I64) -> None:
    """A CRM record is opened at the first identified contact (agency visit or quote)."""
    crm_t = np.minimum(agency_t, people.quote_t)
    people.crm_t = crm_t
    in_crm = crm_t < HORIZON
    order = np.lexsort((np.arange(people.n), crm_t))
    rank = np.empty(people.n, dtype=np.int64)
    rank[order] = np.arange(people.n)
    codes = concat([pl.lit("MH"), pl.Series(rank + 1).cast(pl.String).str.zfill(7)])
    people.crm_id = pl.Series("crm_id", codes).set(pl.Series(~in_crm), None)


def _claims_and_churn(
    rng: np.random.Generator, churn_rng: np.random.Generator, people: People
) -> tuple[Claims, F64, I64, I64, npt.NDArray[np.bool_]]:
    """Reimbursement claims of members, then who cancels (more often after an irritant)."""
    persona = people.persona
    members = np.flatnonzero(people.subscribed)
    start = people.subscribe_t[members] + 20 * DAY
    duration = np.clip(HORIZON - start, 0, None)
    counts = rng.poisson(params.CLAIMS_PER_YEAR[persona[members]] * duration / YEAR)
    person = np.repeat(members, counts).astype(np.int32)
    t = np.repeat(start, counts) + (rng.random(person.size) * np.repeat(duration, counts)).astype(
        np.int64
    )
    habit = np.full(people.n, -1, dtype=np.int8)
    habit[members] = pick(rng, params.CLAIM_MIX, persona[members])
    channel = np.where(
        rng.random(person.size) < params.CLAIM_HABIT,
        habit[person],
        pick(rng, params.CLAIM_MIX, persona[person]),
    ).astype(np.int8)
    t = snap_channels(rng, t, channel, params.CLAIM_CHANNELS)
    lo, hi = params.CLAIM_DELAY_DAYS[channel, 0], params.CLAIM_DELAY_DAYS[channel, 1]
    delay = rng.uniform(lo, hi)
    chase = rng.random(person.size) < params.P_CHASE[channel]
    chase_t = snap(t + secs(delay * rng.uniform(0.4, 0.9, person.size)), rng, "phone")
    paid_t = snap(t + secs(delay), rng, "digital")
    irritant_t = np.minimum(
        np.where(channel == 2, t + secs(params.IRRITANT_AFTER_DAYS), NEVER),
        np.where(chase, chase_t, NEVER),
    )
    first_irritant = _first_minimum(person, irritant_t, people.n)

    # Churn: constant hazard per member-year, times the multiplier once an irritant happened.
    hazard = params.CHURN_HAZARD[persona[members]] / YEAR
    base = people.subscribe_t[members] + churn_rng.exponential(1.0 / hazard)
    fi = first_irritant[members].astype(np.float64)
    after = fi + churn_rng.exponential(1.0 / (hazard * params.IRRITANT_CHURN_MULTIPLIER))
    request = np.where(base < fi, base, after)
    request = np.minimum(request, HORIZON + 400 * DAY).astype(np.int64)
    cancel_channel = pick(churn_rng, params.CANCEL_MIX, persona[members])
    request = snap_channels(churn_rng, request, cancel_channel, params.CANCEL_CHANNELS)
    churned = request < HORIZON
    people.churned = np.zeros(people.n, bool)
    people.churned[members] = churned
    people.cancel_request_t = np.full(people.n, NEVER, np.int64)
    people.cancel_request_t[members[churned]] = request[churned]
    effective_day = (request // DAY) + params.NOTICE_DAYS
    people.cancel_effective_t = np.full(people.n, NEVER, np.int64)
    people.cancel_effective_t[members[churned]] = effective_day[churned] * DAY
    people.cancel_channel = np.full(people.n, -1, np.int8)
    people.cancel_channel[members[churned]] = cancel_channel[churned]

    # Coverage ends at the effective date: no claim after it.
    keep = t < people.cancel_effective_t[person]
    amount = np.clip(np.round(rng.lognormal(np.log(45.0), 0.8, person.size) * 100), 500, 90_000)
    claims = Claims(person[keep], t[keep], channel[keep], irritant_t[keep])
    people.first_irritant_t = _first_minimum(claims.person, claims.irritant_t, people.n)
    return claims, amount[keep], chase_t[keep], paid_t[keep], chase[keep]


def _log_claims(
    rng: np.random.Generator,
    people: People,
    log: _EventLog,
    claims: Claims,
    amount: F64,
    chase_t: I64,
    paid_t: I64,
    chase: npt.NDArray[np.bool_],
) -> None:
    p, ch = claims.person, claims.channel
    cents = amount.astype(np.int64)
    for k, code in enumerate(("APP_DEMANDE_RMB", "WEB_DEMANDE_RMB", "COUR_FEUILLE_SOINS")):
        rows = ch == k
        log.add(p[rows], claims.t[rows], code, cents[rows], LOGGED_IN if k < 2 else ANONYMOUS)
    log.add(p[chase], chase_t[chase], "TEL_SUIVI_RMB")
    # Paid: a text message for app claims (to mobiles), the e-mailed statement otherwise.
    paid = (cents * rng.uniform(0.5, 1.0, p.size)).astype(np.int64)
    has_email = people.email.is_not_null().to_numpy()[p]
    sms = (ch == 0) & people.mobile[p]
    mail = ~sms & has_email
    log.add(p[sms], paid_t[sms], "SMS_RMB_EFFECTUE", paid[sms])
    log.add(p[mail], paid_t[mail], "EML_DECOMPTE", paid[mail])


def _complaints(rng: np.random.Generator, people: People, log: _EventLog, claims: Claims) -> I32:
    """A few complaints at random, and more after irritating claims."""
    members = np.flatnonzero(people.subscribed)
    end = np.minimum(people.cancel_effective_t[members], HORIZON)
    years = (end - people.subscribe_t[members]) / YEAR
    counts = rng.poisson(params.COMPLAINTS_PER_YEAR * years)
    p1 = np.repeat(members, counts)
    t1 = np.repeat(people.subscribe_t[members], counts) + (
        rng.random(p1.size) * np.repeat(end - people.subscribe_t[members], counts)
    ).astype(np.int64)
    irritating = np.flatnonzero(claims.irritant_t < NEVER)
    follow = irritating[rng.random(irritating.size) < params.P_COMPLAINT_AFTER_IRRITANT]
    p2 = claims.person[follow]
    t2 = claims.irritant_t[follow] + secs(rng.uniform(1, 10, follow.size))
    person = np.concatenate([p1, p2]).astype(np.int32)
    t = np.concatenate([t1, t2])
    channel = pick(rng, params.COMPLAINT_MIX, people.persona[person])
    no_email = people.email.is_null().to_numpy()[person]
    channel = np.where((channel == 1) & no_email, 0, channel).astype(np.int8)
    t = snap_channels(rng, t, channel, params.COMPLAINT_CHANNELS)
    keep = t < np.minimum(people.cancel_effective_t[person], HORIZON)
    codes = ("TEL_RECLAMATION", "EML_RECLAMATION", "AG_RECLAMATION", "COUR_RECLAMATION")
    for k, code in enumerate(codes):
        rows = keep & (channel == k)
        log.add(person[rows], t[rows], code)
    counts_out = np.zeros(people.n, dtype=np.int32)
    np.add.at(counts_out, person[keep], 1)
    return counts_out


def _cancel(people: People, log: _EventLog) -> None:
    who = np.flatnonzero(people.churned)
    ch = people.cancel_channel[who]
    for k, code in enumerate(("WEB_RESILIATION", "TEL_RESILIATION", "COUR_RESILIATION")):
        rows = who[ch == k]
        log.add(rows, people.cancel_request_t[rows], code, login=LOGGED_IN if k == 0 else ANONYMOUS)


def _sales(rng: np.random.Generator, people: People) -> Sales:
    """ERP lines: the adhesion (annual premium) and the options members add later."""
    members = np.flatnonzero(people.subscribed)
    persons = [members]
    times = [people.subscribe_t[members]]
    products = [np.full(members.size, -1, np.int8)]
    annual = [people.premium_cents[members].astype(np.int64) * 12]
    channels = [people.subscribe_channel[members]]
    stop = np.minimum(people.cancel_request_t, HORIZON)
    for o in range(len(params.OPTIONS)):
        has = rng.random(members.size) < params.OPTION_P[people.persona[members], o]
        who = members[has]
        t = people.subscribe_t[who] + secs(15 + rng.exponential(params.OPTION_DELAY_DAYS, who.size))
        channel = np.where(
            rng.random(who.size) < 0.6,
            people.subscribe_channel[who],
            pick(rng, params.QUOTE_MIX, people.persona[who]),
        ).astype(np.int8)
        t = snap_channels(rng, t, channel, params.SUBSCRIBE_CHANNELS)
        keep = t < stop[who]
        lo, hi = params.OPTION_MONTHLY[o]
        monthly = rng.uniform(lo, hi, who.size) * np.where(
            (o == 2) & (people.persona[who] == SENIOR), 1.5, 1.0
        )
        persons.append(who[keep])
        times.append(t[keep])
        products.append(np.full(int(keep.sum()), o, np.int8))
        annual.append((np.round(monthly[keep] * 10) * 120).astype(np.int64))
        channels.append(channel[keep])
    return Sales(
        np.concatenate(persons).astype(np.int32),
        np.concatenate(times),
        np.concatenate(products),
        np.concatenate(annual),
        np.concatenate(channels).astype(np.int8),
    )


def _newsletter(rng: np.random.Generator, people: People, log: _EventLog) -> None:
    """Prospects with an e-mail get the monthly newsletter for six months (or until they join)."""
    months = np.arange(
        START.astype("datetime64[M]"),
        (START + np.timedelta64(HORIZON, "s")).astype("datetime64[M]"),
    )
    campaigns = (
        (months.astype("datetime64[D]") + np.timedelta64(4, "D")) - START.astype("datetime64[D]")
    ).astype(np.int64) * DAY + 10 * 3600
    has_email = people.email.is_not_null().to_numpy()
    opted = (
        (people.crm_t < HORIZON) & has_email & (rng.random(people.n) < params.P_NEWSLETTER_OPT_IN)
    )
    who = np.flatnonzero(opted)
    until = np.minimum.reduce(
        [
            people.crm_t[who] + secs(30.44 * params.NEWSLETTER_MONTHS),
            people.subscribe_t[who],
            np.full(who.size, HORIZON, np.int64),
        ]
    )
    lo = np.searchsorted(campaigns, people.crm_t[who], side="right")
    hi = np.searchsorted(campaigns, until, side="left")
    counts = np.clip(hi - lo, 0, None)
    p = np.repeat(who, counts)
    t = campaigns[np.repeat(lo, counts) + group_offsets(counts)] + rng.integers(0, 90 * 60, p.size)
    log.add(p, t, "EML_NEWSLETTER")


def _chatbot(rng: np.random.Generator, cat: Catalog, events: Events) -> Events:
    """Some web visits open the chatbot: a code the journey map does not define."""
    web_codes = [c.index for c in cat.codes if c.channel == "web" and c.touchpoint is not None]
    rows = np.flatnonzero(np.isin(events.code, web_codes))
    rows = rows[rng.random(rows.size) < params.P_CHATBOT]
    t = events.t[rows] + rng.integers(30, 240, rows.size)
    ok = t < HORIZON
    extra = Events(
        events.person[rows][ok],
        t[ok],
        np.full(int(ok.sum()), cat.index("WEB_CHATBOT"), np.int16),
        np.full(int(ok.sum()), -1, np.int32),
        events.login[rows][ok],
    )
    return Events(
        *(
            np.concatenate([a, b])
            for a, b in zip(
                (events.person, events.t, events.code, events.amount, events.login),
                (extra.person, extra.t, extra.code, extra.amount, extra.login),
                strict=True,
            )
        )
    )


def _distinct_minutes(cat: Catalog, events: Events) -> None:
    """CRM actions carry no id and a minute-precision date: keep each (person, code, minute) once.

    Two identical CRM lines would be indistinguishable from the planted exact duplicates, so a
    second action of the same kind in the same minute is moved to the next minute.
    """
    crm = np.flatnonzero(np.isin(events.code, [c.index for c in cat.codes if c.source == "crm"]))
    for _ in range(50):
        order = crm[np.lexsort((events.t[crm], events.code[crm], events.person[crm]))]
        minute = events.t[order] // 60
        same = (
            (events.person[order][1:] == events.person[order][:-1])
            & (events.code[order][1:] == events.code[order][:-1])
            & (minute[1:] == minute[:-1])
        )
        if not same.any():
            return
        events.t[order[1:][same]] += 60
    raise AssertionError("could not spread CRM actions over distinct minutes")  # pragma: no cover


def _visitor_ids(rng: np.random.Generator, cat: Catalog, people: People, events: Events) -> None:
    """A cookie for everyone seen on the site, an install id for everyone seen in the app."""
    epoch0 = int((START - np.datetime64("1970-01-01T00:00:00", "s")) / np.timedelta64(1, "s"))
    for channel in ("web", "app"):
        codes = [c.index for c in cat.codes if c.channel == channel]
        rows = np.isin(events.code, codes)
        first = _first_minimum(events.person[rows], events.t[rows], people.n)
        has = first < NEVER
        k = int(has.sum())
        if channel == "web":
            # Analytics cookies look like "<random>.<unix time of the first visit>".
            ids = concat(
                [
                    pl.Series(rng.integers(100_000_000, 2_147_483_647, k)).cast(pl.String),
                    pl.lit("."),
                    pl.Series(epoch0 + first[has]).cast(pl.String),
                ]
            )
        else:
            h = hex_ids(rng, k, 16)
            ids = concat(
                [
                    h.str.slice(0, 8),
                    h.str.slice(8, 4),
                    h.str.slice(12, 4),
                    h.str.slice(16, 4),
                    h.str.slice(20, 12),
                ],
                separator="-",
            )
        full = pl.Series(channel, [None] * people.n, dtype=pl.String).scatter(
            np.flatnonzero(has), ids
        )
        if channel == "web":
            people.web_id = full
        else:
            people.app_id = full


def _verbatims(
    rng: np.random.Generator,
    stage: npt.NDArray[np.str_],
    score_class: I8,
    recommendation: I8,
) -> pl.Series:
    """Pick a comment (or none) per response, from the pool that fits its class, stage and score."""
    n = stage.size
    positive = recommendation >= 7
    english = rng.random(n) < params.P_ENGLISH
    klass = np.array(SCORE_CLASSES)[score_class]
    generic = np.char.add(stage.astype("U16"), np.where(positive, "+", "-"))
    pool = np.where(
        (klass == "irritant") & ~positive,
        "irritant",
        np.where(
            (klass == "enchantment") & positive,
            "enchantment",
            np.where((klass == "rupture") & ~positive, "rupture", generic),
        ),
    ).astype("U20")
    english_pool = np.where(
        pool == "irritant",
        "irritant_en",
        np.where(
            pool == "enchantment",
            "enchantment_en",
            np.where(positive, "generic_en+", "generic_en-"),
        ),
    )
    pool = np.where(english, english_pool, pool)
    names = sorted(VERBATIMS)
    flat = [text for name in names for text in VERBATIMS[name]]
    offset = dict(zip(names, np.cumsum([0] + [len(VERBATIMS[k]) for k in names])[:-1], strict=True))
    size = {k: len(VERBATIMS[k]) for k in names}
    pool_offset = (
        np.vectorize(offset.__getitem__, otypes=[np.int64])(pool) if n else np.zeros(0, np.int64)
    )
    pool_size = (
        np.vectorize(size.__getitem__, otypes=[np.int64])(pool) if n else np.zeros(0, np.int64)
    )
    pick_idx = pool_offset + (rng.random(n) * pool_size).astype(np.int64)
    texts = pl.Series("verbatim", flat, dtype=pl.String).gather(pick_idx)
    irritated = klass == "irritant"
    has_comment = rng.random(n) < np.where(
        irritated, params.P_COMMENT["irritant"], params.P_COMMENT["default"]
    )
    return texts.set(pl.Series(~has_comment), None)


def _survey(rng: np.random.Generator, cat: Catalog, people: People, events: Events) -> Survey:
    """Surveys after pull touchpoints of the later stages, answered by some of those asked."""
    triggers = [c for c in cat.codes if c.direction == "pull" and c.stage in SURVEY_STAGE_LABELS]
    code_tp = np.array([c.touchpoint or "" for c in cat.codes])
    code_stage = np.array([c.stage or "" for c in cat.codes])
    code_channel = np.array([c.channel for c in cat.codes])
    has_email = people.email.is_not_null().to_numpy()
    rows = np.flatnonzero(
        np.isin(events.code, [c.index for c in triggers]) & has_email[events.person]
    )
    code = events.code[rows]
    person = events.person[rows]
    tp, stage = code_tp[code], code_stage[code]
    klass = np.zeros(rows.size, dtype=np.int8)
    klass[stage == "complaint"] = SCORE_CLASSES.index("complaint")
    klass[stage == "cancel"] = SCORE_CLASSES.index("cancel")
    klass[np.isin(tp, IRRITANT_TOUCHPOINTS)] = SCORE_CLASSES.index("irritant")
    klass[np.isin(tp, ENCHANTMENT_TOUCHPOINTS)] = SCORE_CLASSES.index("enchantment")
    klass[(tp == "subscribe-agency") & people.rupture[person]] = SCORE_CLASSES.index("rupture")
    names = np.array(SCORE_CLASSES)[klass]
    respond = np.where(
        names == "irritant",
        params.P_RESPONSE["irritant"],
        np.where(names == "cancel", params.P_RESPONSE["cancel"], params.P_RESPONSE["default"]),
    )
    answered = rng.random(rows.size) < params.P_SURVEYED * respond
    t = snap(events.t[rows] + 600 + secs(rng.exponential(20 / 24, rows.size)), rng, "digital")
    keep = answered & (t < HORIZON)
    rows, person, tp, stage, klass, t = (
        rows[keep],
        person[keep],
        tp[keep],
        stage[keep],
        klass[keep],
        t[keep],
    )
    order = np.lexsort((person, t))
    rows, person, tp, stage, klass, t = (
        rows[order],
        person[order],
        tp[order],
        stage[order],
        klass[order],
        t[order],
    )
    mu = np.array([params.RECOMMENDATION_MEAN[k][0] for k in SCORE_CLASSES])[klass]
    sd = np.array([params.RECOMMENDATION_MEAN[k][1] for k in SCORE_CLASSES])[klass]
    rec = np.clip(np.round(rng.normal(mu, sd)), 0, 10).astype(np.int8)
    csat = np.clip(np.round(1 + rec * 0.4 + rng.normal(0, 0.6, rec.size)), 1, 5).astype(np.int8)
    effort = np.clip(np.round(5 - rec * 0.4 + rng.normal(0, 0.7, rec.size)), 1, 5).astype(np.int8)
    return Survey(
        person=person.astype(np.int32),
        t=t,
        touchpoint=pl.Series("touchpoint", tp, dtype=pl.String),
        stage=pl.Series("stage", stage, dtype=pl.String),
        channel=pl.Series("channel", code_channel[events.code[rows]], dtype=pl.String),
        score_class=klass,
        recommendation=rec,
        satisfaction=csat,
        effort=effort,
        verbatim=_verbatims(rng, stage, klass, rec),
        email_style=rng.choice(4, rows.size, p=[0.85, 0.08, 0.03, 0.04]).astype(np.int8),
    )


def simulate(n: int, seed: int, progress: Progress | None = None) -> World:
    """Simulate ``n`` people over the period; deterministic for a seed."""
    step = progress or (lambda _s, _d, _t: None)
    seq = np.random.SeedSequence(seed)
    rngs = {
        name: np.random.default_rng(s)
        for name, s in zip(_STREAMS, seq.spawn(len(_STREAMS)), strict=True)
    }
    cat = catalog()
    log = _EventLog(cat)
    total = 6
    step("simulate", 0, total)
    people = _people(rngs["people"], n)
    step("simulate", 1, total)
    last_compare, agency_t = _compare(rngs["compare"], people, log)
    _quote(rngs["quote"], people, log, last_compare)
    _subscribe(rngs["subscribe"], people, log)
    _crm_ids(people, agency_t)
    step("simulate", 2, total)
    claims, amount, chase_t, paid_t, chase = _claims_and_churn(
        rngs["claims"], rngs["churn"], people
    )
    _log_claims(rngs["claims"], people, log, claims, amount, chase_t, paid_t, chase)
    people.complaints = _complaints(rngs["complaints"], people, log, claims)
    _cancel(people, log)
    step("simulate", 3, total)
    sales = _sales(rngs["options"], people)
    _newsletter(rngs["newsletter"], people, log)
    events = _chatbot(rngs["chatbot"], cat, log.build())
    _distinct_minutes(cat, events)
    step("simulate", 4, total)
    _visitor_ids(rngs["ids"], cat, people, events)
    survey = _survey(rngs["survey"], cat, people, events)
    step("simulate", total, total)
    writers = {
        name: np.random.default_rng(s)
        for name, s in zip(
            ("crm", "calls", "web", "survey", "dirty"),
            np.random.SeedSequence([seed, 1]).spawn(5),
            strict=True,
        )
    }
    return World(seed, people, events, claims, sales, survey, writers)
