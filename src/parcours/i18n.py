"""Every word a user reads, in French and English.

``t(key, **values)`` looks the key up in the current language (``set_lang``), falling back to French.
Numbers and dates are formatted the way each language writes them (1 234,5 and 23/11/2026 in French).
"""

from __future__ import annotations

import contextvars
import datetime as dt
from typing import Literal

from parcours.errors import LanguageError

__all__ = [
    "CATALOG",
    "Lang",
    "LanguageError",
    "date",
    "duration",
    "get_lang",
    "number",
    "percent",
    "register",
    "set_lang",
    "t",
]

Lang = Literal["fr", "en"]

_current: contextvars.ContextVar[Lang] = contextvars.ContextVar("parcours_lang", default="fr")

CATALOG: dict[str, dict[Lang, str]] = {
    "cli.error": {"fr": "erreur :", "en": "error:"},
    # ingest
    "ingest.phase.read": {"fr": "lecture", "en": "reading"},
    "ingest.phase.check": {"fr": "contrôle", "en": "checking"},
    "ingest.phase.identities": {"fr": "identités", "en": "identities"},
    "ingest.phase.write": {"fr": "écriture", "en": "writing"},
    "ingest.report": {
        "fr": "{file} : {read} lignes lues, {loaded} chargées, {quarantined} en quarantaine",
        "en": "{file}: {read} rows read, {loaded} loaded, {quarantined} quarantined",
    },
    "ingest.already": {
        "fr": "{file} : déjà chargé (chargement {load_id}), rien à faire",
        "en": "{file}: already loaded (load {load_id}), nothing to do",
    },
    "ingest.existing": {
        "fr": "  dont {n} déjà présentes dans l'entrepôt",
        "en": "  of which {n} were already in the warehouse",
    },
    "ingest.reasons": {"fr": "  motifs de rejet :", "en": "  reasons for rejection:"},
    "ingest.note.utf8_not_8bit": {
        "fr": "  attention : {file} est en UTF-8 alors que le mapping déclare l'encodage "
        "{declared} ; lu en UTF-8 (lu en {declared}, « é » deviendrait « Ã© »)",
        "en": "  warning: {file} is UTF-8 although the mapping declares the encoding {declared}; "
        "read as UTF-8 (read as {declared}, « é » would become « Ã© »)",
    },
    "ingest.note.merged": {
        "fr": "  {file} : {cells} cellules fusionnées remplies avec la valeur de leur fusion",
        "en": "  {file}: {cells} merged cells filled with the value of their merge",
    },
    "ingest.see_quarantine": {
        "fr": "Voir les lignes rejetées : parcours quarantine -w {workspace}",
        "en": "See the rejected rows: parcours quarantine -w {workspace}",
    },
    "ingest.phase_line": {"fr": "parcours : {file} : {phase}", "en": "parcours: {file}: {phase}"},
    # quarantine
    "quarantine.title": {"fr": "Lignes en quarantaine", "en": "Quarantined rows"},
    "quarantine.empty": {"fr": "Aucune ligne en quarantaine.", "en": "No quarantined rows."},
    "col.file": {"fr": "fichier", "en": "file"},
    "col.row": {"fr": "ligne", "en": "row"},
    "col.column": {"fr": "colonne", "en": "column"},
    "col.value": {"fr": "valeur", "en": "value"},
    "col.reason": {"fr": "motif", "en": "reason"},
    "col.source": {"fr": "source", "en": "source"},
    "quarantine.more": {
        "fr": "… {n} autres lignes (--limit pour en voir plus, --out pour exporter en CSV)",
        "en": "… {n} more rows (--limit to see more, --out to export as CSV)",
    },
    # loads
    "loads.title": {"fr": "Chargements", "en": "Loads"},
    "loads.file": {"fr": "fichier", "en": "file"},
    "loads.source": {"fr": "source", "en": "source"},
    "loads.target": {"fr": "table", "en": "table"},
    "loads.read": {"fr": "lues", "en": "read"},
    "loads.loaded": {"fr": "chargées", "en": "loaded"},
    "loads.quarantined": {"fr": "quarantaine", "en": "quarantined"},
    "loads.date": {"fr": "date", "en": "date"},
    # init / validate
    "init.done": {
        "fr": "Espace de travail créé dans {path}",
        "en": "Workspace created in {path}",
    },
    "init.next": {
        "fr": "Une carte de départ (journeys/parcours-client.yaml, dix étapes à adapter en "
        "atelier) et un mapping d'export CRM commenté (mappings/crm.yaml) vous attendent.\n"
        "Ensuite : parcours validate {path}/journeys/*.yaml",
        "en": "A starter map (journeys/parcours-client.yaml, ten stages to adapt in a workshop) "
        "and a commented CRM export mapping (mappings/crm.yaml) are waiting for you.\n"
        "Next: parcours validate {path}/journeys/*.yaml",
    },
    "validate.ok": {"fr": "{file} : valide", "en": "{file}: valid"},
    "validate.problems": {
        "fr": "{file} : {n} problème(s)",
        "en": "{file}: {n} problem(s)",
    },
    # demo
    "demo.generating": {
        "fr": "Génération de la Mutuelle Horizon ({customers} clients, graine {seed})",
        "en": "Generating Mutuelle Horizon ({customers} customers, seed {seed})",
    },
    "demo.ingesting": {"fr": "Chargement des exports bruts", "en": "Loading the raw exports"},
    "demo.personas": {
        "fr": "Projection des personas dans la base",
        "en": "Projecting the personas into the base",
    },
    "demo.report": {"fr": "Rapport : {path}", "en": "Report: {path}"},
    "demo.quarantined": {
        "fr": "{n} lignes mises en quarantaine (rejetées avec leur motif) : "
        "parcours quarantine -w {path}",
        "en": "{n} rows quarantined (rejected with their reason): parcours quarantine -w {path}",
    },
    "demo.truth": {"fr": "Vérité plantée : {path}", "en": "Planted truth: {path}"},
    "demo.workspace": {
        "fr": "Espace de travail de démonstration : {path}",
        "en": "Demo workspace: {path}",
    },
    # report
    "report.title": {"fr": "Parcours client", "en": "Customer journey"},
    "report.generated": {"fr": "Généré le {date}", "en": "Generated on {date}"},
    "report.matrix.title": {
        "fr": "Étapes × canaux : volumes d'interactions",
        "en": "Stages × channels: interaction volumes",
    },
    "report.matrix.reading": {
        "fr": "Chaque case donne le nombre d'interactions observées et, dessous, le nombre de "
        "clients distincts. La dernière colonne donne la part des clients de l'étape qui "
        "atteignent l'étape suivante.",
        "en": "Each cell gives the number of observed interactions and, below, the number of "
        "distinct customers. The last column gives the share of the stage's customers who "
        "reach the next stage.",
    },
    "report.stage": {"fr": "Étape", "en": "Stage"},
    "report.phase": {"fr": "Phase", "en": "Phase"},
    "report.total": {"fr": "Total", "en": "Total"},
    "report.customers": {"fr": "clients", "en": "customers"},
    "report.conversion": {"fr": "Passage à l'étape suivante", "en": "Go on to the next stage"},
    "report.no_data": {"fr": "pas de données", "en": "no data"},
    "report.not_observed": {
        "fr": "point de contact prévu, jamais observé",
        "en": "touchpoint defined, never observed",
    },
    "report.moment_of_truth": {"fr": "moment de vérité", "en": "moment of truth"},
    "report.push": {"fr": "sortant (push)", "en": "outbound (push)"},
    "report.informative": {"fr": "informatif", "en": "informative"},
    "report.transactional": {"fr": "transactionnel", "en": "transactional"},
    "report.quote_open": {"fr": "« ", "en": "“"},
    "report.quote_close": {"fr": " »", "en": "”"},
    "report.pull": {"fr": "entrant (pull)", "en": "inbound (pull)"},
    "report.loads.title": {"fr": "Données chargées", "en": "Loaded data"},
    "report.loads.file": {"fr": "Fichier", "en": "File"},
    "report.loads.read": {"fr": "Lues", "en": "Read"},
    "report.loads.loaded": {"fr": "Chargées", "en": "Loaded"},
    "report.loads.quarantined": {"fr": "En quarantaine", "en": "Quarantined"},
    "report.promise": {"fr": "Promesse :", "en": "Promise:"},
    "report.unmapped": {
        "fr": "Interactions sans point de contact défini dans la carte",
        "en": "Interactions with no touchpoint defined in the map",
    },
    "report.csv": {"fr": "Télécharger les chiffres (CSV)", "en": "Download the numbers (CSV)"},
    "report.period": {"fr": "Période : du {start} au {end}", "en": "Period: {start} to {end}"},
}


def register(entries: dict[str, dict[Lang, str]]) -> None:
    """Add a package's own texts (each capability keeps its words beside its code).

    Every entry needs both languages; a key already registered with other texts is an error, so two
    packages cannot silently overwrite each other's words.
    """
    for key, entry in entries.items():
        missing = [lang for lang in ("fr", "en") if not entry.get(lang)]
        if missing:
            raise ValueError(f"text {key!r}: expected fr and en, missing {', '.join(missing)}")
        known = CATALOG.get(key)
        if known is not None and known != entry:
            raise ValueError(f"text {key!r} is already registered with other words: {known}")
        CATALOG[key] = entry


def set_lang(lang: str) -> None:
    """Set the language of everything parcours writes from now on in this context."""
    if lang not in ("fr", "en"):
        raise LanguageError(f"expected a language among fr, en, found {lang!r}")
    _current.set(lang)  # type: ignore[arg-type]  # checked just above


def get_lang() -> Lang:
    """The language everything parcours writes is in, in this context (French by default)."""
    return _current.get()


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The text of ``key`` in ``lang`` (or the current language), with ``values`` filled in."""
    entry = CATALOG.get(key)
    if entry is None:
        raise KeyError(f"no text for {key!r} in the catalog")
    language: Lang = lang if lang in ("fr", "en") else _current.get()  # type: ignore[assignment]  # narrowed by the `in` test, which mypy does not see
    text = entry.get(language) or entry["fr"]
    return text.format(**{k: _fmt(v, language) for k, v in values.items()}) if values else text


def _fmt(value: object, lang: Lang) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return number(value, lang)
    if isinstance(value, dt.datetime | dt.date):
        return date(value, lang)
    return value


def number(value: float, lang: Lang | None = None, decimals: int | None = None) -> str:
    """1 234,5 in French (narrow no-break space, decimal comma); 1,234.5 in English."""
    language = lang or _current.get()
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{value:,.{decimals}f}"
    if language == "fr":
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def percent(value: float, lang: Lang | None = None, decimals: int = 1) -> str:
    """A share (0..1) as a percentage: 42,5 % in French, 42.5% in English."""
    language = lang or _current.get()
    text = number(100 * value, language, decimals)
    return f"{text}\u202f%" if language == "fr" else f"{text}%"


def date(value: dt.date | dt.datetime, lang: Lang | None = None) -> str:
    """23/11/2026 in French, 2026-11-23 in English (unambiguous)."""
    language = lang or _current.get()
    day = value.date() if isinstance(value, dt.datetime) else value
    return day.strftime("%d/%m/%Y") if language == "fr" else day.isoformat()


_NBSP = "\u00a0"
_UNITS: dict[Lang, tuple[str, str]] = {"fr": ("j", ""), "en": ("d", "min")}  # day; after hours


def duration(seconds: float | None, lang: Lang | None = None) -> str:
    """A duration the way a reader says it: 154 j, 3 j 4 h, 3 h 20, 12 min (154 d, 3 h 20 min in
    English); whole units only, "< 1 min" under a minute, "—" when there is none (None, NaN)."""
    language = lang or _current.get()
    if seconds is None or seconds != seconds or seconds in (float("inf"), float("-inf")):
        return "—"
    sign = "-" if seconds < 0 else ""
    if abs(seconds) < 60:
        return f"< 1{_NBSP}min"
    total = round(abs(float(seconds)) / 60)  # in minutes
    day, minutes_after_hours = _UNITS[language]
    days, rest = divmod(total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts: list[str]
    if days >= 10:
        parts = [f"{number(round(abs(float(seconds)) / 86400), language)}{_NBSP}{day}"]
    elif days:
        parts = [f"{days}{_NBSP}{day}", *([f"{hours}{_NBSP}h"] if hours else [])]
    elif hours:
        parts = [f"{hours}{_NBSP}h"]
        if minutes:
            parts.append(f"{minutes:02d}")
            if minutes_after_hours:
                parts.append(minutes_after_hours)
    else:
        parts = [f"{minutes}{_NBSP}min"]
    return sign + _NBSP.join(parts)
