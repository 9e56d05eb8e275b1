"""Read-only access to the published warehouse for the web app.

One DuckDB connection per thread, opened lazily after any fork (never in the gunicorn
master), reopened when a load publishes a new warehouse file.
"""
from __future__ import annotations

import threading

import duckdb
import pandas as pd

from etl.warehouse.publish import current_path

_local = threading.local()


def connection() -> duckdb.DuckDBPyConnection | None:
    """This thread's connection to the current warehouse, or None before the first load."""
    path = current_path()
    if path is None:
        return None
    if getattr(_local, "path", None) != path:
        if getattr(_local, "con", None) is not None:
            _local.con.close()
        _local.con = duckdb.connect(str(path), read_only=True)
        _local.path = path
    return _local.con


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    con = connection()
    if con is None:
        return pd.DataFrame()
    return con.execute(sql, params or []).df()
