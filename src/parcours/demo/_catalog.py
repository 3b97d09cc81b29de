"""The demo's event codes, read from the packaged journey map so that generator and map agree.

Every code the generator emits is declared here with the system that records it (web analytics,
call centre, CRM) and the labels that system writes. The journey map stays the single source of
which code belongs to which touchpoint; the one code it does not know (``WEB_CHATBOT``) is the
planted "observed but undefined" event.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

import yaml

Source = Literal["web", "calls", "crm"]

DATA_DIR = Path(__file__).parent / "data"
JOURNEY_PATH = DATA_DIR / "journey.yaml"
MAPPINGS_DIR = DATA_DIR / "mappings"

PERSONAS: tuple[str, ...] = ("young-connected", "family", "senior", "none")
YOUNG, FAMILY, SENIOR, NONE = range(4)

UNDEFINED_CODE = "WEB_CHATBOT"
NEVER_OBSERVED_TOUCHPOINT = "quote-app"

# What the CRM writes in its "Canal" column, and the libellé of each action code.
CRM_CHANNEL_LABELS: dict[str, str] = {
    "agency": "Agence",
    "mail": "Courrier",
    "email": "E-mail",
    "sms": "SMS",
}
CRM_LABELS: dict[str, str] = {
    "AG_RDV_INFO": "Rendez-vous information offres",
    "AG_DEVIS": "Devis réalisé en agence",
    "AG_ADHESION": "Adhésion signée en agence",
    "AG_RECLAMATION": "Réclamation reçue en agence",
    "COUR_CARTE_TP": "Envoi carte de tiers payant",
    "COUR_FEUILLE_SOINS": "Feuille de soins reçue",
    "COUR_RECLAMATION": "Courrier de réclamation",
    "COUR_RESILIATION": "Lettre de résiliation reçue",
    "EML_NEWSLETTER": "Newsletter « Horizon Santé »",
    "EML_DEVIS": "Envoi devis par e-mail",
    "EML_COMPTE_CREE": "E-mail création espace adhérent",
    "EML_ADHESION_CONFIRMEE": "E-mail confirmation d'adhésion",
    "EML_DECOMPTE": "E-mail décompte de remboursement",
    "EML_RECLAMATION": "Réclamation reçue par e-mail",
    "SMS_RMB_EFFECTUE": "SMS remboursement effectué",
}

# Pages (web) and screens (app) the analytics tag records with each event.
PAGES: dict[str, tuple[str, ...]] = {
    "WEB_OFFRES": (
        "https://www.mutuelle-horizon.fr/offres",
        "https://www.mutuelle-horizon.fr/offres/formule-confort",
        "https://www.mutuelle-horizon.fr/offres/formule-serenite",
        "https://www.mutuelle-horizon.fr/offres/garanties?utm_source=google&utm_medium=cpc",
    ),
    "WEB_COMPARATEUR": ("https://www.mutuelle-horizon.fr/comparateur",),
    "WEB_DEVIS": ("https://www.mutuelle-horizon.fr/devis/confirmation",),
    "WEB_ADHESION": ("https://www.mutuelle-horizon.fr/adhesion/confirmation",),
    "WEB_DEMANDE_RMB": ("https://www.mutuelle-horizon.fr/espace-adherent/remboursements/nouveau",),
    "WEB_RESILIATION": (
        "https://www.mutuelle-horizon.fr/espace-adherent/resiliation/confirmation",
    ),
    "WEB_CHATBOT": ("https://www.mutuelle-horizon.fr/aide?chat=ouvert",),
    "APP_OFFRES": ("app://horizon/offres",),
    "APP_DEMANDE_RMB": ("app://horizon/remboursements/nouveau",),
}


@dataclass(frozen=True)
class Code:
    """One raw event code: its touchpoint in the journey map (None if undefined) and its system."""

    index: int
    code: str
    touchpoint: str | None
    stage: str | None
    channel: str
    direction: str | None
    source: Source


@dataclass(frozen=True)
class Catalog:
    """All codes, indexed both ways, plus the journey map as read from YAML."""

    codes: tuple[Code, ...]
    journey: dict[str, Any]

    def __getitem__(self, code: str) -> Code:
        return self.by_code[code]

    @cached_property
    def by_code(self) -> dict[str, Code]:
        return {c.code: c for c in self.codes}

    def index(self, code: str) -> int:
        return self.by_code[code].index

    @property
    def touchpoints(self) -> tuple[str, ...]:
        return tuple(tp["id"] for tp in self.journey["touchpoints"])


def _source(channel: str) -> Source:
    if channel in ("web", "app"):
        return "web"
    if channel == "phone":
        return "calls"
    return "crm"


@cache
def catalog() -> Catalog:
    """Read the packaged journey map once and list every code the demo can emit."""
    journey = yaml.safe_load(JOURNEY_PATH.read_text(encoding="utf-8"))
    codes: list[Code] = []
    for tp in journey["touchpoints"]:
        for code in tp.get("event_codes", []):
            codes.append(
                Code(
                    len(codes),
                    code,
                    tp["id"],
                    tp["stage"],
                    tp["channel"],
                    tp["direction"],
                    _source(tp["channel"]),
                )
            )
    codes.append(Code(len(codes), UNDEFINED_CODE, None, None, "web", None, "web"))
    return Catalog(tuple(codes), journey)
