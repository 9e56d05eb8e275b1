"""Reading the published warehouse in tests, as a reader would: read-only, closed after."""
from __future__ import annotations

import duckdb

from etl.warehouse import publish


def query(sql: str, *params) -> list[tuple]:
    con = duckdb.connect(str(publish.current_path()), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()
