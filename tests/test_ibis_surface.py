"""The Ibis surface a user touches on a workspace works with the installed ibis and DuckDB.

The README promises `ws.table("interactions")` as an Ibis table and the warehouse's Ibis
connection; some ibis/DuckDB pairs break parts of it (ibis 12 with DuckDB 2.0.x cannot list the
tables of its own connection), which is why constraints.txt pins the set the tests passed with.
"""

from __future__ import annotations

from pathlib import Path

import ibis

from parcours.warehouse import CANONICAL_TABLES
from parcours.workspace import Workspace


def test_the_ibis_surface_of_a_workspace(demo_workspace: Path) -> None:
    with Workspace.open(demo_workspace) as ws:
        con = ws.warehouse.ibis
        listed = set(con.list_tables())
        assert set(CANONICAL_TABLES) <= listed
        interactions = ws.table("interactions")
        assert interactions.count().execute() == con.table("interactions").count().execute() > 0
        pull = interactions.filter(interactions.direction == "pull")
        by_channel = (
            pull.group_by("channel")
            .aggregate(n=pull.count(), customers=pull.customer_id.nunique())
            .order_by(ibis.desc("n"))
            .to_pandas()
        )
        assert by_channel["n"].sum() > 0
        assert (by_channel["customers"] <= by_channel["n"]).all()
        assert "SELECT" in ibis.to_sql(interactions.limit(5)).upper()
        raw = con.sql("SELECT count(*) AS n FROM customers").to_pandas()
        assert int(raw["n"].iloc[0]) == ws.table("customers").count().execute()
        arrow = interactions.select("customer_id", "ts").limit(10).to_pyarrow()
        assert arrow.num_rows == 10
