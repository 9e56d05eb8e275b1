"""The derived layer (`int_`): episode histories, periods of care, placements, cohorts.

Each object is one SQL file in `sql/`, run in name order; each reads only the staging layer
and the `int_` objects before it. They are rebuilt whole on every load, because loading one
period can change the stitched history of every later period of the same LA.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    for sql_file in sorted(SQL_DIR.glob("*.sql")):
        con.execute(sql_file.read_text())
