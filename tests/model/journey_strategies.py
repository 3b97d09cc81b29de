"""Hypothesis strategies for valid journey maps: consistent cross-references, texts in both forms.

Texts mix French phrases (accents, apostrophes, « guillemets », ": " and ", " that YAML cares about)
with arbitrary unicode; ids include words YAML 1.1 reads as booleans, numbers or dates (``no``,
``0x1f``, ``2024-01-01``) so that the dumper's quoting is exercised.
"""

from __future__ import annotations

from typing import TypeVar

from hypothesis import strategies as st

from parcours.model import (
    Channel,
    EmployeeExperience,
    Enchantment,
    Irritant,
    Journey,
    Kpi,
    PersonaRef,
    Phase,
    Rupture,
    Scope,
    Stage,
    Touchpoint,
)

F = TypeVar("F", Irritant, Enchantment)

FRENCH = [
    "Je demande un devis",
    "Je résilie mon contrat",
    "Être remboursé vite et savoir où en est ma demande",
    "L'adhésion, simple et sans ressaisie",
    "Délai : 48 h",
    "« Parfait », dit-elle",
    "Données dispersées entre trois outils",
    "Ça marche !",
    "Œuvre d'art — ç à é è ê ë î ï ô ù û ü ÿ",
    "  espaces autour  ",
    "ligne 1\nligne 2\n",
    "ligne vide à la fin\n\n",
    "\n",
    "  indenté\nsuite",
    "espace en fin \nde ligne",
    "a\r\nb",
    "\x85\u2028\u2029\ufeff sauts de ligne Unicode",
    "\ttabulation",
    "émoji 🙂",
    "# pas un commentaire",
    "- pas une liste",
    "yes",
    "null",
    "12",
    "",
]
YAML_WORDS = ["yes", "no", "on", "off", "null", "true", "y", "123", "0x1f", "1_0", "2024-01-01"]

slugs = st.one_of(
    st.from_regex(r"[a-z0-9][a-z0-9_-]{0,11}", fullmatch=True), st.sampled_from(YAML_WORDS)
)
plain_texts = st.one_of(
    st.sampled_from(FRENCH),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    st.text(st.characters(codec="latin-1"), max_size=30),
)
langs = st.sampled_from(["fr", "en", "de", "pt-BR", "no", "on", "yes"])
texts = st.one_of(plain_texts, st.dictionaries(langs, plain_texts, min_size=1, max_size=3))
emotions = st.one_of(st.integers(-2, 2), st.floats(-2, 2))
weights = st.one_of(st.integers(0, 10**6), st.floats(0, 1e12))
targets = st.one_of(
    st.integers(-(10**9), 10**9), st.floats(allow_nan=False, allow_infinity=False), plain_texts
)
event_codes = st.one_of(
    st.from_regex(r"[A-Z][A-Z0-9_]{0,10}", fullmatch=True),
    st.from_regex(r"[0-9]{1,5}", fullmatch=True),
    st.sampled_from(YAML_WORDS),
)
patterns = st.sampled_from(["WEB_.*", r"\d{4}", "[A-Z]+_RMB", "(TEL|AG)_DEVIS(_\\d+)?", "x|y"])


def _optional(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(st.none(), strategy)


@st.composite
def journeys(draw: st.DrawFn) -> Journey:
    """A valid random journey map."""
    phase_ids = draw(st.lists(slugs, min_size=1, max_size=3, unique=True))
    stage_ids = draw(st.lists(slugs, min_size=1, max_size=4, unique=True))
    channel_ids = draw(st.lists(slugs, min_size=1, max_size=4, unique=True))
    touchpoint_ids = draw(st.lists(slugs, max_size=6, unique=True))
    codes = draw(st.lists(event_codes, max_size=2 * len(touchpoint_ids), unique=True))

    phases = [Phase(id=phase, label=draw(texts)) for phase in phase_ids]
    stages = [
        Stage(
            id=stage,
            phase=draw(st.sampled_from(phase_ids)),
            label=draw(texts),
            moment_of_truth=draw(st.booleans()),
            promise=draw(_optional(texts)),
            emotion=draw(_optional(emotions)),
            customer_actions=draw(st.lists(texts, max_size=2)),
            expectations=draw(st.lists(texts, max_size=2)),
            employee_experience=draw(
                _optional(
                    st.builds(
                        EmployeeExperience,
                        difficulties=st.lists(texts, max_size=2),
                        expectations=st.lists(texts, max_size=2),
                        tools=st.lists(texts, max_size=2),
                    )
                )
            ),
            best_practices=draw(st.lists(texts, max_size=2)),
            notes=draw(_optional(texts)),
        )
        for stage in stage_ids
    ]
    kinds = st.sampled_from(["digital", "human", "paper", "partner", "other"])
    channels = [Channel(id=c, label=draw(texts), kind=draw(kinds)) for c in channel_ids]
    touchpoints = []
    for position, touchpoint in enumerate(touchpoint_ids):
        touchpoints.append(
            Touchpoint(
                id=touchpoint,
                stage=draw(st.sampled_from(stage_ids)),
                channel=draw(st.sampled_from(channel_ids)),
                direction=draw(st.sampled_from(["push", "pull"])),
                nature=draw(st.sampled_from(["informative", "transactional"])),
                label=draw(_optional(texts)),
                event_codes=codes[2 * position : 2 * position + 2],
                event_patterns=draw(st.lists(patterns, max_size=2)),
                description=draw(_optional(texts)),
            )
        )

    def findings(cls: type[F]) -> list[F]:
        items = []
        for finding in draw(st.lists(slugs, max_size=3, unique=True)):
            stage = draw(st.sampled_from(stage_ids))
            own = [t.id for t in touchpoints if t.stage == stage]
            items.append(
                cls(
                    id=finding,
                    stage=stage,
                    touchpoints=draw(st.lists(st.sampled_from(own), unique=True)) if own else [],
                    label=draw(texts),
                    weight=draw(_optional(weights)),
                    verbatims=draw(st.lists(plain_texts, max_size=2)),
                )
            )
        return items

    ruptures = []
    if len(touchpoint_ids) >= 2:
        for rupture in draw(st.lists(slugs, max_size=2, unique=True)):
            source, target = draw(st.permutations(touchpoint_ids))[:2]
            ruptures.append(Rupture(id=rupture, from_=source, to=target, label=draw(texts)))
    personas = [
        PersonaRef(id=p, label=draw(texts), file=draw(_optional(st.sampled_from(["family.yaml"]))))
        for p in draw(st.lists(slugs, max_size=3, unique=True))
    ]
    kpis = [
        Kpi(id=k, label=draw(texts), target=draw(_optional(targets)), unit=draw(_optional(texts)))
        for k in draw(st.lists(slugs, max_size=3, unique=True))
    ]
    state = draw(st.sampled_from(["as-is", "to-be"]))
    derived = draw(_optional(st.sampled_from(["mutuelle-horizon", "../as-is/journey.yaml"])))
    scope = draw(
        _optional(
            st.builds(
                Scope,
                target=_optional(texts),
                channels=st.lists(st.sampled_from(channel_ids), unique=True),
                notes=_optional(texts),
            )
        )
    )
    return Journey(
        parcours=1,
        id=draw(slugs),
        name=draw(texts),
        kind=draw(st.sampled_from(["customer", "buyer"])),
        state=state,
        derived_from=derived if state == "to-be" else None,
        description=draw(_optional(texts)),
        scope=scope,
        promise=draw(_optional(texts)),
        phases=phases,
        stages=stages,
        channels=channels,
        touchpoints=touchpoints,
        irritants=findings(Irritant),
        enchantments=findings(Enchantment),
        ruptures=ruptures,
        personas=personas,
        kpis=kpis,
    )
