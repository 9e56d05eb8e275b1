"""The indicator layer of the warehouse (`ind_units`): every catalogue entry's unit rows for
every loaded period, built at load time. The figures of every period and breakdown, and what a
member may see of them, are worked out from these once, in the same load
(etl/indicators/published.py)."""
from __future__ import annotations

import duckdb

from etl.indicators.catalogue import CATALOGUE


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    parts = [
        f"SELECT '{entry.id}' AS indicator_id, la_code, period_end, child, "
        f"numerator::DOUBLE AS numerator, denominator::DOUBLE AS denominator "
        f"FROM ({entry.sql}) AS unit"
        for entry in CATALOGUE
    ]
    con.execute("CREATE OR REPLACE TABLE ind_units AS " + "\nUNION ALL\n".join(parts))
