"""The derived layer (`int_`): episode histories, periods of care, placements, cohorts, the
12-month windows and each period's events.

Each object is one SQL file in `sql/`, run in name order; each reads only the staging layer,
the load log and the `int_` objects before it. They are rebuilt whole on every load, because
loading one period can change the stitched history and events of every later period of the
same LA (and whether their windows are complete).
"""
from __future__ import annotations

from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    for sql_file in sorted(SQL_DIR.glob("*.sql")):
        con.execute(sql_file.read_text())
