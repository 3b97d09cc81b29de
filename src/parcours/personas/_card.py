"""Model cards (FR/EN) and the check of assignments against a known truth (the demo's:
``parcours.demo.truth_reference``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.i18n import Lang, number, percent, t
from parcours.model import text
from parcours.personas import _messages  # noqa: F401  # registers the package's words
from parcours.personas._project import UNASSIGNED, Projection

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["evaluate", "model_card"]


def evaluate(
    assigned: pd.DataFrame,
    reference: pd.DataFrame,
    sizes: dict[str, int] | None = None,
    estimated: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Per persona: assigned, precision (share of the assigned whose reference persona is it),
    recall, true size and the estimated size's relative gap to it.

    ``assigned`` is (customer_id, persona, ...); ``reference`` (customer_id, persona). Customers
    missing from the reference count as wrong assignments.
    """
    import pandas as pd

    merged = assigned[["customer_id", "persona"]].merge(
        reference.rename(columns={"persona": "truth"}), on="customer_id", how="left"
    )
    rows = []
    for persona in sorted(set(merged["persona"]) - {UNASSIGNED} | set(estimated or {})):
        mine = merged["persona"] == persona
        true = merged["truth"] == persona
        n = int(mine.sum())
        true_size = (sizes or {}).get(persona, int(true.sum()))
        est = (estimated or {}).get(persona, float(n))
        rows.append(
            {
                "persona": persona,
                "assigned": n,
                "precision": float((mine & true).sum() / n) if n else float("nan"),
                "recall": float((mine & true).sum() / true.sum()) if true.any() else float("nan"),
                "true_size": true_size,
                "estimated_size": est,
                "size_gap": (est - true_size) / true_size if true_size else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def model_card(
    projection: Projection,
    lang: Lang = "fr",
    *,
    assigned: pd.DataFrame | None = None,
    check: pd.DataFrame | None = None,
) -> str:
    """The model card of every persona as plain text (one block per persona)."""
    lang = "en" if lang == "en" else "fr"
    blocks = []
    for f in projection.fits:
        p, m = f.persona, f.model
        lines = [
            t("personas.card.title", lang, name=text(p.name, lang), id=p.id),
            "  "
            + t(
                "personas.card.labelled",
                lang,
                seeds=number(f.seeds, lang),
                twins=number(f.twins, lang),
                asked=number(f.asked, lang),
            ),
        ]
        if f.shortfall:
            lines.append(
                "  "
                + t(
                    "personas.card.shortfall",
                    lang,
                    found=number(f.seeds + f.twins, lang),
                    asked=number(f.asked, lang),
                )
            )
        lines.append(
            "  "
            + t(
                "personas.card.model",
                lang,
                estimator=t(f"personas.estimator.{projection.estimator}", lang),
                features=len(f.columns),
                c=number(m.c_, lang, 3),
            )
        )
        if f.excluded:
            shown = ", ".join(f.excluded[:12]) + (" …" if len(f.excluded) > 12 else "")
            lines.append("  " + t("personas.card.excluded", lang, features=shown))
        lines.append("  " + t("personas.card.recall", lang, recall=percent(m.recall_, lang)))
        lines.append("  " + t("personas.card.auc", lang, auc=number(m.auc_, lang, 3)))
        lines.append(
            "  "
            + t(
                "personas.card.size",
                lang,
                size=number(round(f.estimated_size), lang),
                share=percent(f.estimated_size / max(projection.customers, 1), lang),
            )
        )
        if assigned is not None:
            n = int((assigned["persona"] == p.id).sum())
            lines.append(
                "  "
                + t(
                    "personas.card.assigned",
                    lang,
                    n=number(n, lang),
                    threshold=number(projection.threshold, lang, 2),
                    margin=number(projection.margin, lang, 2),
                )
            )
        if check is not None and p.id in set(check["persona"]):
            row = check[check["persona"] == p.id].iloc[0]
            gap = float(row["size_gap"])
            lines.append(
                "  "
                + t(
                    "personas.card.truth",
                    lang,
                    precision=percent(float(row["precision"]), lang),
                    threshold=number(projection.threshold, lang, 2),
                    size=number(round(float(row["estimated_size"])), lang),
                    truth=number(int(row["true_size"]), lang),
                    gap=("+" if gap >= 0 else "") + percent(gap, lang),
                )
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
