"""Raw event codes → touchpoints, from the mapping's rules then the journey map's codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from parcours.errors import MappingError, Problem
from parcours.ingest._coerce import lit
from parcours.ingest._mapping import TouchpointSpec

if TYPE_CHECKING:
    from parcours.model import Journey


@dataclass(frozen=True)
class TouchpointInfo:
    """What the journey map says of a touchpoint: where it sits and what kind it is."""

    touchpoint: str
    stage: str | None
    channel: str | None
    direction: str | None
    nature: str | None


@dataclass(frozen=True)
class TouchpointTable:
    """Ordered rules (first match wins) and the journey's description of each touchpoint."""

    rules: tuple[tuple[Literal["equals", "in", "regex"], tuple[str, ...], str], ...]
    info: dict[str, TouchpointInfo]
    unmatched: Literal["keep", "quarantine"] = "keep"

    @classmethod
    def build(cls, spec: TouchpointSpec, journey: Journey | None, where: str) -> TouchpointTable:
        """Combine mapping rules with a journey map (any object with a ``touchpoints`` list)."""
        info: dict[str, TouchpointInfo] = {}
        rules: list[tuple[Literal["equals", "in", "regex"], tuple[str, ...], str]] = []
        for rule in spec.rules:
            if rule.equals is not None:
                rules.append(("equals", (rule.equals,), rule.touchpoint))
            elif rule.in_ is not None:
                rules.append(("in", tuple(rule.in_), rule.touchpoint))
            elif rule.regex is not None:
                rules.append(("regex", (rule.regex,), rule.touchpoint))
        if journey is not None:
            for tp in journey.touchpoints:
                info[tp.id] = TouchpointInfo(
                    tp.id, tp.stage, tp.channel, str(tp.direction), str(tp.nature)
                )
                if tp.event_codes:
                    rules.append(("in", tuple(tp.event_codes), tp.id))
            for tp in journey.touchpoints:
                rules.extend(("regex", (p,), tp.id) for p in getattr(tp, "event_patterns", []))
            unknown = sorted({r[2] for r in rules} - set(info))
            if unknown:
                raise MappingError(
                    [
                        Problem(
                            where,
                            None,
                            None,
                            "touchpoints.rules",
                            "touchpoints of the journey map (" + ", ".join(sorted(info)) + ")",
                            ", ".join(repr(u) for u in unknown),
                        )
                    ],
                    what=where,
                )
        return cls(tuple(rules), info, spec.unmatched)

    def sql_case(self, column: str) -> str:
        """A CASE expression giving the touchpoint id of ``column``'s code, or NULL."""
        if not self.rules:
            return "CAST(NULL AS VARCHAR)"
        whens = []
        for kind, values, touchpoint in self.rules:
            if kind == "equals":
                test = f"{column} = {lit(values[0])}"
            elif kind == "in":
                test = f"{column} IN ({', '.join(lit(v) for v in values)})"
            else:
                test = f"regexp_full_match({column}, {lit(values[0])})"
            whens.append(f"WHEN {test} THEN {lit(touchpoint)}")
        return f"(CASE {' '.join(whens)} END)"

    def rows(self) -> list[tuple[str, str | None, str | None, str | None, str | None]]:
        return [
            (i.touchpoint, i.stage, i.channel, i.direction, i.nature) for i in self.info.values()
        ]
