"""The demo's planted personas as a reference for :func:`parcours.personas.evaluate`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parcours.demo._truth import load_truth

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["truth_reference"]


def truth_reference(workspace: Any) -> tuple[pd.DataFrame, dict[str, int]] | None:
    """The demo's planted personas as (customer_id, persona) and true sizes, if the workspace
    holds a demo truth (``truth/truth.json``); else None.

    The truth knows people by their CRM code; the warehouse's ``identities`` link it to
    customer_id. True sizes count customers in the CRM (prospects and members), as the truth does.
    """
    if not workspace.path("truth", "truth.json").is_file():
        return None
    truth = load_truth(workspace.root)
    people = truth.customers()[["crm_id", "persona"]].dropna(subset=["crm_id"])
    ids = workspace.table("identities")
    crm = ids.filter(ids.kind == "crm_id").select("customer_id", "value").to_pandas()
    crm = crm.rename(columns={"value": "crm_id"})
    reference = crm.merge(people, on="crm_id")[["customer_id", "persona"]]
    reference = reference.drop_duplicates("customer_id")
    sizes = {k: v.customers for k, v in truth.personas.items()}
    return reference, sizes
