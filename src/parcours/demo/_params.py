"""The planted parameters of Mutuelle Horizon: who the personas are and how each one behaves.

Everything an analysis should recover is decided here, in one place, and copied into the truth.
Rows of the tables follow ``PERSONAS`` (young-connected, family, senior, none).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from parcours.demo._catalog import PERSONAS

PERSONA_SHARES = np.array([0.25, 0.30, 0.20, 0.25])

COMPARE_CHANNELS = ("web", "app", "phone", "agency")
COMPARE_MIX = np.array(
    [
        [0.55, 0.35, 0.05, 0.05],
        [0.55, 0.15, 0.18, 0.12],
        [0.15, 0.00, 0.40, 0.45],
        [0.45, 0.15, 0.22, 0.18],
    ]
)

# Stage conversions (the probability of going on, given the person reached the stage).
P_QUOTE = np.array([0.40, 0.50, 0.45, 0.38])
P_SUBSCRIBE = np.array([0.55, 0.60, 0.65, 0.45])

# Quotes are never made in the app: the touchpoint quote-app is defined but never observed.
QUOTE_CHANNELS = ("web", "phone", "agency")
QUOTE_MIX = np.array(
    [
        [0.85, 0.10, 0.05],
        [0.60, 0.25, 0.15],
        [0.10, 0.40, 0.50],
        [0.50, 0.30, 0.20],
    ]
)
QUOTE_STICKY = 0.5  # chance that the quote uses the channel the person compared on

SUBSCRIBE_CHANNELS = ("web", "phone", "agency")
# From the quote channel (rows web, phone, agency) to the subscription channel. The 10% web → agency
# are the rupture of the journey map: the web quote is not found in the agency.
SUBSCRIBE_FROM_QUOTE = np.array(
    [
        [0.85, 0.05, 0.10],
        [0.15, 0.75, 0.10],
        [0.05, 0.05, 0.90],
    ]
)
P_CALLBACK = 0.35  # quotes not signed after 2-4 days get an outbound call (quote-callback)

FORMULAS = ("Essentielle", "Confort", "Sérénité", "Excellence")
FORMULA_MIX = np.array(
    [
        [0.50, 0.40, 0.10, 0.00],
        [0.15, 0.50, 0.30, 0.05],
        [0.00, 0.25, 0.45, 0.30],
        [0.35, 0.40, 0.20, 0.05],
    ]
)
FORMULA_BASE = np.array([29.90, 44.90, 62.90, 84.90])  # monthly, for a 30-45 year old adult
CHILD_FEE = np.array([12.50, 17.90, 23.50, 29.90])
AGE_BANDS = np.array([0, 30, 46, 60, 70])  # lower bounds
AGE_FACTORS = np.array([0.80, 1.00, 1.30, 1.80, 2.20])

OPTIONS = ("Option dentaire", "Option optique", "Option hospitalisation renforcée")
OPTION_P = np.array(
    [
        [0.15, 0.20, 0.05],
        [0.35, 0.45, 0.10],
        [0.30, 0.30, 0.45],
        [0.20, 0.20, 0.10],
    ]
)
OPTION_MONTHLY = np.array([[8.0, 15.0], [6.0, 12.0], [5.0, 10.0]])  # uniform range per option
OPTION_DELAY_DAYS = 240.0  # mean delay after joining

# Reimbursement claims per member-year and their channel.
CLAIMS_PER_YEAR = np.array([3.0, 9.0, 7.0, 4.0])
CLAIM_CHANNELS = ("app", "web", "mail")
CLAIM_MIX = np.array(
    [
        [0.75, 0.20, 0.05],
        [0.45, 0.35, 0.20],
        [0.10, 0.25, 0.65],
        [0.35, 0.40, 0.25],
    ]
)
CLAIM_HABIT = 0.7  # share of a member's claims made on their usual channel
CLAIM_DELAY_DAYS = np.array([[1.0, 3.0], [3.0, 8.0], [12.0, 30.0]])  # app within the 48 h promise
P_CHASE = np.array([0.02, 0.12, 0.45])  # a slow claim makes people call (reimbursement-phone)
IRRITANT_AFTER_DAYS = 10.0  # a mail claim becomes an irritant when unpaid after 10 days

# Complaints: a low base rate, and a share of irritating claims end in a complaint.
COMPLAINTS_PER_YEAR = 0.05
P_COMPLAINT_AFTER_IRRITANT = 0.06
COMPLAINT_CHANNELS = ("phone", "email", "agency", "mail")
COMPLAINT_MIX = np.array(
    [
        [0.35, 0.60, 0.05, 0.00],
        [0.45, 0.35, 0.10, 0.10],
        [0.35, 0.00, 0.30, 0.35],
        [0.40, 0.30, 0.15, 0.15],
    ]
)

# Churn: a constant hazard per member-year, multiplied after the first irritating reimbursement.
CHURN_HAZARD = np.array([0.05, 0.035, 0.03, 0.045])
IRRITANT_CHURN_MULTIPLIER = 4.0
NOTICE_DAYS = 30  # a cancellation takes effect one month after the request
CANCEL_CHANNELS = ("web", "phone", "mail")
CANCEL_MIX = np.array(
    [
        [0.65, 0.25, 0.10],
        [0.35, 0.25, 0.40],
        [0.05, 0.30, 0.65],
        [0.30, 0.30, 0.40],
    ]
)

P_EMAIL = np.array([1.00, 0.98, 0.75, 0.92])
P_MOBILE = np.array([1.00, 0.97, 0.55, 0.90])
P_NEWSLETTER_OPT_IN = 0.7
NEWSLETTER_MONTHS = 6  # prospects get the monthly newsletter for six months
P_CHATBOT = 0.05  # share of web events followed by a chatbot opening (an undefined code)

# Survey: who is asked, who answers, what they answer.
P_SURVEYED = 0.5
P_RESPONSE = {"default": 0.22, "irritant": 0.32, "cancel": 0.30}
RECOMMENDATION_MEAN = {
    "irritant": (4.3, 2.2),
    "enchantment": (9.3, 0.8),
    "rupture": (5.0, 2.0),
    "complaint": (5.0, 2.4),
    "cancel": (4.8, 2.5),
    "default": (8.0, 1.4),
}
P_COMMENT = {"irritant": 0.8, "default": 0.5}
P_ENGLISH = 0.04

PERSONA_RULES: dict[str, dict[str, Any]] = {
    "young-connected": {
        "age": [25, 34],
        "town": "big",
        "digital_share_min": 0.7,
        "text": "25-34 ans, Paris ou grande ville, parcours sur le web et l'appli (70 % et plus "
        "de ses démarches en ligne)",
    },
    "family": {
        "age": [35, 50],
        "children_min": 1,
        "claims_per_year_min": 6,
        "text": "35-50 ans avec au moins un enfant, beaucoup de demandes de remboursement "
        "(6 par an et plus)",
    },
    "senior": {
        "age_min": 60,
        "town": "province",
        "human_share_min": 0.5,
        "premium": "above the median",
        "text": "60 ans et plus, en province, agence, téléphone et courrier (la moitié de ses "
        "démarches et plus), cotisation plus élevée",
    },
    "none": {
        "text": "Ne correspond à aucun persona : par construction, jamais aux critères "
        "démographiques d'un persona (âge, ville, enfants)",
    },
}


def mix_dict(table: np.ndarray, labels: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """A persona x channel table as {persona: {channel: probability}} for the truth file."""
    return {
        persona: {label: round(float(p), 4) for label, p in zip(labels, row, strict=True)}
        for persona, row in zip(PERSONAS, table, strict=True)
    }
