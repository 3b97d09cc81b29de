"""Verbatim classification by lexicon: irritant / enchantment / neutral, and a theme, offline.

The lexicons (``data/lexicon_fr.tsv``, ``data/lexicon_en.tsv``) were written for parcours and are
under the project's licence (no third-party sentiment lexicon is used). Each line is a term with a
kind: ``pol`` (polarity -3..+3), ``neg`` (negation), ``int`` (intensity multiplier), ``but``
(contrast), ``theme`` or ``cue`` (a regular expression over the words, for factual complaints
and praise that carry no opinion word: "trois semaines et toujours pas de remboursement", "on m'a
transféré quatre fois", "commande annoncée en 3 jours, livrée en 15"). Terms are matched on words without accents, longest phrase first; a
trailing ``*`` matches a prefix.

Scoring, per sentence:
- a polar term contributes its value, times the intensifiers just before it ("très", "really");
- a negation ("pas", "jamais", "personne ne", "not", "never", "n't") flips the next polar term
  within three words, at 0.8 of its strength: "jamais rappelé" is negative, "sans problème"
  positive; "pas du tout satisfait" flips and doubles (``du tout`` is an intensifier);
- a contrast ("mais", "but") halves what came before it and weighs what follows 1.5 times;
- a ``cue`` adds its value once when its pattern is found in the sentence's words (lower case,
  no accents, single spaces, punctuation kept as words);
- "!" strengthens the sentence by 10 % per mark (at most three).
The score is the sum; below ``-threshold`` the verbatim is an irritant, above ``+threshold`` an
enchantment, otherwise neutral. Themes: an aspect (délais, joignabilité, prix, clarté, accueil,
digital) before the topic (remboursement), then the most term hits, ties broken by
:data:`THEMES` order.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from parcours.voc._errors import VocError

__all__ = [
    "CLASSES",
    "THEMES",
    "Lexicon",
    "LexiconResult",
    "classify",
    "detect_lang",
    "lexicon",
    "normalize",
]

CLASSES = ("irritant", "enchantment", "neutral")
THEMES = ("delays", "reachability", "price", "clarity", "empathy", "digital", "reimbursement")
"""Theme ids, in tie-break order: délais, joignabilité, prix, clarté de l'information,
accueil/empathie, digital, remboursement."""

TOPIC_THEMES = frozenset({"reimbursement"})

NEGATION_WINDOW = 3
NEGATION_FACTOR = -0.8
THRESHOLD = 0.75

_EMOJI = "❤👍😀😊🙂👏😍😡👎😤😠🙁😞€"
_TOKEN = re.compile(rf"[a-z0-9]+|[{_EMOJI}]|[.,;:!?]")
_PUNCT = frozenset(".,;:!?")


def normalize(text: str) -> list[str]:
    """Lower-case words without accents (``é`` → ``e``, ``œ`` → ``oe``), emojis kept as words."""
    return [w for w in _clauses(text) if w not in _PUNCT]


def _clauses(text: str) -> list[str]:
    """Words with clause marks kept: a negation stops at a comma or a full stop."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return _TOKEN.findall("".join(c for c in decomposed if not unicodedata.combining(c)))


@dataclass(frozen=True)
class _Entry:
    kind: str
    value: str


class _Trie:
    """Phrases of words (the last word may be a prefix pattern) for longest-first matching."""

    def __init__(self) -> None:
        self.root: dict[str, object] = {}

    def add(self, words: list[str], entry: _Entry) -> None:
        node = self.root
        for word in words:
            node = node.setdefault(word, {})  # type: ignore[assignment]  # a trie: inner nodes are dicts
        node.setdefault("", []).append(entry)  # type: ignore[attr-defined]  # key "" holds the entry list

    def longest(self, tokens: list[str], start: int) -> tuple[int, list[_Entry]]:
        """(length, entries) of the longest phrase starting at ``start``; (0, []) when none."""
        best: tuple[int, list[_Entry]] = (0, [])
        frontier: list[tuple[dict[str, object], int]] = [(self.root, start)]
        while frontier:
            node, position = frontier.pop()
            entries = node.get("")
            if entries and position - start > best[0]:
                best = (position - start, entries)  # type: ignore[assignment]  # key "" holds the entry list
            if position >= len(tokens):
                continue
            token = tokens[position]
            child = node.get(token)
            if isinstance(child, dict):
                frontier.append((child, position + 1))
            for cut in range(1, len(token) + 1):  # prefix patterns: "rembours*"
                sub = node.get(token[:cut] + "*")
                if isinstance(sub, dict):
                    frontier.append((sub, position + 1))
        return best


@dataclass(frozen=True)
class LexiconResult:
    """The lexicon's reading of one verbatim."""

    label: str  # irritant | enchantment | neutral
    score: float  # signed polarity (sum of the contributions)
    theme: str | None  # a THEMES id, or None when no theme word is present
    themes: tuple[str, ...]  # every theme present, most hits first
    positive: float  # sum of the positive contributions
    negative: float  # sum of the negative contributions (<= 0)


class Lexicon:
    """One language's lexicon; :func:`lexicon` loads the shipped ones."""

    def __init__(self, lang: str, rows: list[tuple[str, str, str]], *, source: str = "") -> None:
        self.lang = lang
        self.polarity = _Trie()
        self.themes = _Trie()
        self._negators = {normalize(t)[0] for k, t, _ in rows if k == "neg" and normalize(t)}
        self.cues: list[tuple[re.Pattern[str], float]] = []
        for line, (kind, term, value) in enumerate(rows, start=1):
            if kind == "cue":
                try:
                    self.cues.append((re.compile(term), float(value)))
                except (re.error, ValueError) as exc:
                    raise VocError(
                        f"{source}:{line}: expected a regular expression and a number for cue "
                        f"{term!r}, found {exc}"
                    ) from None
                continue
            words = normalize(term)
            if not words:
                raise VocError(f"{source}:{line}: expected a term, found {term!r}")
            if term.rstrip().endswith("*"):
                words[-1] += "*"
            if kind == "theme":
                if value not in THEMES:
                    raise VocError(
                        f"{source}:{line}: expected a theme among {', '.join(THEMES)}, "
                        f"found {value!r}"
                    )
                self.themes.add(words, _Entry(kind, value))
            elif kind in ("pol", "int", "neg", "but"):
                if kind in ("pol", "int"):
                    try:
                        float(value)
                    except ValueError:
                        raise VocError(
                            f"{source}:{line}: expected a number for {kind} {term!r}, "
                            f"found {value!r}"
                        ) from None
                self.polarity.add(words, _Entry(kind, value))
            else:
                raise VocError(
                    f"{source}:{line}: expected a kind among pol, int, neg, but, theme, cue, "
                    f"found {kind!r}"
                )

    @classmethod
    def read(cls, lang: str, text: str, source: str = "") -> Lexicon:
        rows: list[tuple[str, str, str]] = []
        header = False
        for raw in text.splitlines():
            if not raw.strip() or raw.startswith("#"):
                continue
            cells = raw.split("\t")
            if not header:
                header = True
                if cells[:2] == ["kind", "term"]:
                    continue
            rows.append((cells[0].strip(), cells[1], cells[2].strip() if len(cells) > 2 else ""))
        return cls(lang, rows, source=source)

    def score(self, text: str, threshold: float = THRESHOLD) -> LexiconResult:
        tokens = _clauses(text)
        contributions: list[float] = []
        contrast_at: int | None = None
        negation_left = 0
        boost = 1.0
        i = 0
        while i < len(tokens):
            if tokens[i] in _PUNCT:  # end of clause: negation and pending intensity stop here
                negation_left, boost = 0, 1.0
                i += 1
                continue
            length, entries = self.polarity.longest(tokens, i)
            if not length:
                i += 1
                negation_left = max(0, negation_left - 1)
                continue
            kinds = {e.kind: e.value for e in entries}
            nxt_length, nxt = self.polarity.longest(tokens, i + length)
            next_is_polar = nxt_length > 0 and any(e.kind == "pol" for e in nxt)
            if "int" in kinds and ("pol" not in kinds or next_is_polar):
                boost *= float(kinds["int"])
            elif "neg" in kinds and "pol" not in kinds:
                negation_left = NEGATION_WINDOW + length
            elif "but" in kinds:
                contrast_at = len(contributions)
            elif "pol" in kinds:
                value = float(kinds["pol"]) * boost
                # A phrase that carries its own negation ("pas mal", "not bad") is not flipped.
                if length > 1 and tokens[i] in self._negators:
                    negation_left = 0
                if negation_left > 0:
                    value *= NEGATION_FACTOR
                    negation_left = 0
                contributions.append(value)
                boost = 1.0
                if "neg" in kinds:  # "toujours pas": negative, and negates what follows
                    negation_left = NEGATION_WINDOW + length
            i += length
            negation_left = max(0, negation_left - length)
        if contrast_at is not None:
            contributions = [
                c * (0.5 if k < contrast_at else 1.5) for k, c in enumerate(contributions)
            ]
        if self.cues:
            joined = " " + " ".join(tokens) + " "
            contributions.extend(value for pattern, value in self.cues if pattern.search(joined))
        bangs = min(text.count("!"), 3)
        factor = 1 + 0.1 * bangs
        positive = sum(c for c in contributions if c > 0) * factor
        negative = sum(c for c in contributions if c < 0) * factor
        total = positive + negative
        label = (
            "irritant" if total < -threshold else "enchantment" if total > threshold else "neutral"
        )
        hits = self._themes([w for w in tokens if w not in _PUNCT])
        # The topic (remboursement) names what the verbatim is about; an aspect present (délais,
        # prix...) says what is wrong or right with it, so any aspect comes first.
        order = sorted(hits, key=lambda th: (th in TOPIC_THEMES, -hits[th], THEMES.index(th)))
        return LexiconResult(
            label, round(total, 6), order[0] if order else None, tuple(order), positive, negative
        )

    def coverage(self, tokens: list[str]) -> int:
        """How many of ``tokens`` this lexicon knows (for telling languages apart)."""
        known, i = 0, 0
        while i < len(tokens):
            length = max(self.polarity.longest(tokens, i)[0], self.themes.longest(tokens, i)[0])
            known += length
            i += max(length, 1)
        return known

    def _themes(self, tokens: list[str]) -> Counter[str]:
        hits: Counter[str] = Counter()
        i = 0
        while i < len(tokens):
            length, entries = self.themes.longest(tokens, i)
            if length:
                for entry in {e.value for e in entries}:
                    hits[entry] += 1
                i += length
            else:
                i += 1
        return hits


@cache
def lexicon(lang: str) -> Lexicon:
    """The shipped lexicon for ``fr`` or ``en``."""
    if lang not in ("fr", "en"):
        raise VocError(f"lexicon language: expected fr or en, found {lang!r}")
    name = f"lexicon_{lang}.tsv"
    text = resources.files("parcours.voc").joinpath("data", name).read_text(encoding="utf-8")
    return Lexicon.read(lang, text, source=name)


_EN_MARKERS = frozenset(
    [
        "the",
        "and",
        "is",
        "was",
        "my",
        "i",
        "you",
        "it",
        "to",
        "not",
        "with",
        "for",
        "of",
        "no",
        "but",
        "they",
        "have",
        "been",
        "this",
        "very",
        "still",
        "never",
        "nobody",
        "what",
        "would",
    ]
)
_FR_MARKERS = frozenset(
    [
        "le",
        "la",
        "les",
        "et",
        "est",
        "un",
        "une",
        "des",
        "je",
        "vous",
        "pas",
        "mon",
        "ma",
        "mes",
        "au",
        "aux",
        "pour",
        "avec",
        "tres",
        "sur",
        "que",
        "qui",
        "ne",
        "il",
        "elle",
        "on",
        "du",
        "ce",
        "cette",
        "toujours",
        "jamais",
        "rien",
    ]
)


def detect_lang(text: str) -> str:
    """``fr`` or ``en`` from function words (French when unsure: our users write French)."""
    words = normalize(text)
    en = sum(w in _EN_MARKERS for w in words)
    fr = sum(w in _FR_MARKERS for w in words)
    if en == fr:  # no function word decides: count the words each lexicon knows
        en, fr = lexicon("en").coverage(words), lexicon("fr").coverage(words)
    return "en" if en > fr else "fr"


@lru_cache(maxsize=1 << 16)
def classify(text: str, lang: str | None = None, threshold: float = THRESHOLD) -> LexiconResult:
    """Classify one verbatim with the lexicon of ``lang`` (detected when not given)."""
    return lexicon(lang or detect_lang(text)).score(text, threshold)
