"""Customer features for personas: one row per customer, built from the warehouse.

Aggregations run as Ibis expressions on the warehouse (interactions, transactions, responses per
customer); the few small results are joined and derived in pandas/NumPy. Every feature belongs to a
*family* (``attribute:age``, ``channels``, ``stages``, ``purchases``, ``activity``,
``satisfaction``): a persona's habit drivers leave their family out of its model.

Features (missing when they do not apply, e.g. a prospect has no premium):

- each typed attribute of ``customers``: numbers as they are, a text column with few values both
  as text (for drivers) and one indicator per frequent value (for models), ``birth_date`` as
  ``age`` (years at first contact), other dates as days before the reference date, a postcode as
  ``department``, ``paris`` and ``ile_de_france``;
- activity: ``interactions``, ``pull``, ``push``, ``touchpoints``, ``stages``, ``tenure_days``
  (since first contact), ``membership_years`` (since ``created_at``), ``recency_days``;
- channel mix of the customer's own requests (pull): ``channel_<id>`` counts, ``share_<id>``,
  ``digital_share``, ``human_share``, ``paper_share``, ``offline_share`` (human and paper);
- stages: ``stage_<id>`` (pull interactions there) and ``stage_<id>_per_year`` (per membership year);
- purchases (RFM): ``frequency``, ``monetary``, ``purchase_recency_days``, ``average_order``,
  ``buyer`` (1 when the customer bought at least once, else 0: a prospect);
- satisfaction: ``responses``, ``nps_mean``, ``csat_mean``, ``score_mean``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from parcours.personas._errors import PersonaError

if TYPE_CHECKING:
    import pandas as pd

    from parcours.model import Journey
    from parcours.workspace import Workspace

__all__ = ["Features", "customer_features"]

_SKIP = {"customer_id", "updated_at", "first_seen", "last_seen", "created_at"}
# Identifying texts are never features (they describe a person, not a behaviour or a profile).
_PII = re.compile(r"name|nom|prenom|prénom|mail|phone|tel|téléphone|address|adresse|iban|siret")
_BIRTH = re.compile(r"birth|naissance")
_POSTCODE = re.compile(r"postcode|postal|zip|code_postal|cp$")
_DEFAULT_KINDS = {
    "web": "digital",
    "app": "digital",
    "email": "digital",
    "sms": "digital",
    "chat": "digital",
    "social": "digital",
    "phone": "human",
    "agency": "human",
    "store": "human",
    "rep": "human",
    "mail": "paper",
}
MAX_LEVELS = 20  # indicators kept per text column (the most frequent values)
MAX_DISTINCT = 200  # text columns with more distinct values are kept for drivers only
_IDF = {"75", "77", "78", "91", "92", "93", "94", "95"}


@dataclass
class Features:
    """The features of every customer.

    ``frame`` (index ``customer_id``) has every feature, texts included, for the drivers;
    ``model_columns`` the numeric ones a model uses, and ``families`` the family of each column.
    """

    frame: pd.DataFrame
    model_columns: list[str]
    families: dict[str, str]
    as_of: dt.datetime
    derived: dict[str, list[str]] = field(default_factory=dict)  # text column -> indicators

    def columns(self, exclude_families: set[str] | frozenset[str] = frozenset()) -> list[str]:
        return [c for c in self.model_columns if self.families[c] not in exclude_families]

    def matrix(self, columns: list[str] | None = None) -> np.ndarray:
        """The model columns as a float32 matrix (NaN where missing)."""
        cols = self.model_columns if columns is None else columns
        out: np.ndarray = self.frame[cols].to_numpy(dtype=np.float32, na_value=np.nan)
        return out

    def family(self, feature: str) -> str:
        """The family of a feature usable in a driver (a text column: its own family)."""
        if feature in self.families:
            return self.families[feature]
        if feature in self.frame.columns:
            return f"attribute:{feature}"
        raise PersonaError(
            f"expected a customer feature or attribute column, found {feature!r} (features: "
            f"{', '.join(sorted(self.families))})"
        )


def _channel_kinds(journey: Journey | None) -> dict[str, str]:
    kinds = dict(_DEFAULT_KINDS)
    if journey is not None:
        for channel in getattr(journey, "channels", []):
            kinds[channel.id] = channel.kind
    return kinds


def _safe(name: Any) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", str(name).lower()).strip("_") or "empty"


def customer_features(
    workspace: Workspace,
    *,
    journey: Journey | None = None,
    as_of: dt.datetime | None = None,
) -> Features:
    """Build every customer's features from a workspace's warehouse.

    ``journey`` gives the channel kinds (digital, human, paper); without it, usual channel ids
    (web, app, phone, agency, mail...) are recognised. ``as_of`` (default: the last recorded
    activity) is the reference date of durations.
    """
    import pandas as pd

    customers = workspace.table("customers")
    interactions = workspace.table("interactions")
    transactions = workspace.table("transactions")
    responses = workspace.table("responses")
    if journey is None:  # no journey or several: channel ids alone give the kinds
        journey = workspace.journey_or_none()

    base = customers.to_pandas().set_index("customer_id")
    if base.index.has_duplicates:
        raise PersonaError(
            "expected one row per customer_id in the customers table, found "
            f"{int(base.index.duplicated().sum())} duplicated ids"
        )
    if base.empty:
        raise PersonaError("expected customers in the warehouse, found an empty customers table")
    if as_of is None:
        last = base["last_seen"].max()
        as_of = last.to_pydatetime() if pd.notna(last) else dt.datetime.now(dt.UTC)
    ref = pd.Timestamp(as_of)
    if ref.tzinfo is None:
        ref = ref.tz_localize("UTC")

    cols: dict[str, Any] = {}
    index = base.index
    families: dict[str, str] = {}
    model: list[str] = []
    derived: dict[str, list[str]] = {}

    def add(name: str, values: Any, fam: str, *, for_model: bool = True) -> None:
        cols[name] = values
        families[name] = fam
        if for_model:
            model.append(name)

    first_seen = _utc(base["first_seen"])
    for column in base.columns:
        if column in _SKIP:
            continue
        values = base[column]
        fam = f"attribute:{column}"
        kind = values.dtype.kind
        if _BIRTH.search(column.lower()):
            born = _utc(pd.to_datetime(values, errors="coerce"))
            at = first_seen.fillna(ref)
            add("age", _years_between(born, at), fam)
        elif kind in "mM" or _looks_like_dates(values):
            when = _utc(pd.to_datetime(values, errors="coerce"))
            add(f"{column}_days", (ref - when).dt.total_seconds() / 86400.0, fam)
        elif kind in "biuf":
            add(column, values.astype("float64"), fam)
        elif _PII.search(column.lower()):
            continue
        else:
            texts = values.astype("string").str.strip()
            add(column, texts, fam, for_model=False)
            postcode = bool(_POSTCODE.search(column.lower()))
            if postcode:
                dept = texts.str.slice(0, 2)
                add("department", dept, fam, for_model=False)
                add("paris", (dept == "75").astype("float64").where(dept.notna()), fam)
                add("ile_de_france", dept.isin(_IDF).astype("float64").where(dept.notna()), fam)
                texts = dept
            counts = texts.value_counts()
            if 1 < len(counts) <= MAX_DISTINCT or postcode:
                names = []
                prefix = "department" if postcode else column
                for level in counts.index[:MAX_LEVELS]:
                    name = f"{prefix}={level}"
                    add(name, (texts == level).astype("float64").where(texts.notna()), fam)
                    names.append(name)
                derived[column] = names

    # -- activity, channels, stages: one aggregation of the interactions -----------------------
    kinds = _channel_kinds(journey)
    channels = _distinct(interactions, "channel")
    stages = _distinct(interactions, "stage")
    t = interactions
    pull = t.direction == "pull"
    aggs: dict[str, Any] = {
        "interactions": t.count(),
        "pull": pull.cast("int64").sum(),
        "push": (t.direction == "push").cast("int64").sum(),
        "touchpoints": t.touchpoint.nunique(),
        "stages": t.stage.nunique(),
    }
    for ch in channels:
        aggs[f"channel_{_safe(ch)}"] = (pull & (t.channel == ch)).cast("int64").sum()
    for st in stages:
        aggs[f"stage_{_safe(st)}"] = (pull & (t.stage == st)).cast("int64").sum()
    act = t.group_by("customer_id").aggregate(**aggs).to_pandas().set_index("customer_id")
    act = act.reindex(index).fillna(0.0).astype("float64")

    for name in ("interactions", "pull", "push", "touchpoints", "stages"):
        add(name, act[name], "activity")
    add("tenure_days", (ref - first_seen).dt.total_seconds() / 86400.0, "activity")
    add("recency_days", (ref - _utc(base["last_seen"])).dt.total_seconds() / 86400.0, "activity")
    joined = _utc(base["created_at"])
    end = _utc(base["last_seen"]).fillna(ref).clip(upper=ref)
    years = ((end - joined).dt.total_seconds() / (365.25 * 86400.0)).clip(lower=30 / 365.25)
    add("membership_years", years, "activity")

    pulls = act["pull"].where(act["pull"] > 0)
    by_kind: dict[str, Any] = {}
    for ch in channels:
        col = f"channel_{_safe(ch)}"
        add(col, act[col], "channels")
        add(f"share_{_safe(ch)}", act[col] / pulls, "channels")
        kind = kinds.get(ch, "other")
        by_kind[kind] = by_kind.get(kind, 0.0) + act[col]
    zero = pd.Series(0.0, index=index)
    for kind in ("digital", "human", "paper"):
        add(f"{kind}_share", by_kind.get(kind, zero) / pulls, "channels")
    offline = by_kind.get("human", zero) + by_kind.get("paper", zero)
    add("offline_share", offline / pulls, "channels")
    for st in stages:
        col = f"stage_{_safe(st)}"
        add(col, act[col], "stages")
        add(f"{col}_per_year", act[col] / years, "stages")

    # -- purchases (RFM) ----------------------------------------------------------------------
    tx = transactions
    rfm = (
        tx.group_by("customer_id")
        .aggregate(frequency=tx.count(), monetary=tx.amount.sum(), last_purchase=tx.ts.max())
        .to_pandas()
        .set_index("customer_id")
        .reindex(index)
    )
    frequency = rfm["frequency"].fillna(0).astype("float64")
    add("frequency", frequency, "purchases")
    add("monetary", rfm["monetary"].fillna(0.0).astype("float64"), "purchases")
    add(
        "purchase_recency_days",
        (ref - _utc(rfm["last_purchase"])).dt.total_seconds() / 86400.0,
        "purchases",
    )
    add("average_order", cols["monetary"] / frequency.where(frequency > 0), "purchases")
    add("buyer", (frequency > 0).astype("float64"), "purchases")

    # -- satisfaction -------------------------------------------------------------------------
    r = responses
    sat = (
        r.group_by("customer_id")
        .aggregate(
            responses=r.count(),
            score_mean=r.score.mean(),
            nps_mean=r.score.mean(where=r.metric == "nps"),
            csat_mean=r.score.mean(where=r.metric == "csat"),
        )
        .to_pandas()
        .set_index("customer_id")
        .reindex(index)
    )
    add("responses", sat["responses"].fillna(0).astype("float64"), "satisfaction")
    for name in ("score_mean", "nps_mean", "csat_mean"):
        add(name, sat[name].astype("float64"), "satisfaction")

    frame = pd.DataFrame(cols, index=index)
    # A column that never varies carries nothing for a model.
    model = [c for c in model if frame[c].nunique(dropna=False) > 1]
    return Features(
        frame=frame,
        model_columns=model,
        families=families,
        as_of=ref.to_pydatetime(),
        derived=derived,
    )


def _distinct(table: Any, column: str) -> list[str]:
    values = table.select(column).distinct().to_pandas()[column].dropna()
    return sorted(str(v) for v in values)


def _utc(values: Any) -> Any:
    import pandas as pd

    return pd.to_datetime(values, errors="coerce", utc=True)


def _years_between(start: Any, end: Any) -> Any:
    """Whole years from ``start`` to ``end`` (an age), NaN where either is missing."""
    sy, sm, sd = start.dt.year, start.dt.month, start.dt.day
    ey, em, ed = end.dt.year, end.dt.month, end.dt.day
    years = ey - sy - ((em < sm) | ((em == sm) & (ed < sd))).astype("float64")
    return years.astype("float64")


def _looks_like_dates(values: Any) -> bool:
    return bool(
        values.dtype == object
        and len(values.dropna())
        and isinstance(values.dropna().iloc[0], dt.date)
    )
