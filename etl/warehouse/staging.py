"""The warehouse's own tables and the staging layer (`stg_`): a typed, cleaned copy of each
input table, one row per valid input row, tagged with LA, period end and load.

Types follow the column specs in `schemas.columns`: dates become DATE, numbers INTEGER or
DOUBLE, blanks NULL, everything else VARCHAR (normalised: trimmed, codes upper-case).
"""
from __future__ import annotations

import re

import duckdb
import pandas as pd

from schemas.columns import COLUMNS, Col
from schemas.tables import TABLES

KEY_COLUMNS = "la_code VARCHAR NOT NULL, period_end DATE NOT NULL, load_id VARCHAR NOT NULL, " \
              "row_number INTEGER NOT NULL"

WAREHOUSE_TABLES = """
CREATE TABLE IF NOT EXISTS load_log (
    load_id VARCHAR PRIMARY KEY, loaded_at TIMESTAMP NOT NULL, la_code VARCHAR NOT NULL,
    period_end DATE NOT NULL, collection_year VARCHAR NOT NULL, source VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL, status VARCHAR NOT NULL, rows_read INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL, rows_rejected INTEGER NOT NULL, warnings INTEGER NOT NULL,
    loaded_by VARCHAR, code_version VARCHAR, values_blanked INTEGER, rule_set VARCHAR,
    notes VARCHAR);
CREATE TABLE IF NOT EXISTS load_files (
    load_id VARCHAR NOT NULL, table_name VARCHAR NOT NULL, file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL, encoding VARCHAR NOT NULL, rows_read INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL, rows_rejected INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rejects (
    load_id VARCHAR NOT NULL, la_code VARCHAR NOT NULL, period_end DATE NOT NULL,
    file VARCHAR NOT NULL, table_name VARCHAR NOT NULL, row_number INTEGER NOT NULL,
    child VARCHAR, column_name VARCHAR, value VARCHAR, rule VARCHAR NOT NULL,
    message VARCHAR NOT NULL, severity VARCHAR NOT NULL, action VARCHAR);
-- The great-expectations suite's results for each load (etl.quality): one run per load, one
-- result per expectation in the suite's order (success NULL: not run, `not_run` says why), and
-- the rows or children each failed expectation found (at most etl.quality.ROWS_KEPT each).
CREATE TABLE IF NOT EXISTS quality_runs (
    load_id VARCHAR PRIMARY KEY, la_code VARCHAR NOT NULL, period_end DATE NOT NULL,
    compared_with DATE, ran_at TIMESTAMP NOT NULL, seconds DOUBLE NOT NULL,
    gx_version VARCHAR NOT NULL, expectations INTEGER NOT NULL, failed INTEGER NOT NULL,
    not_run INTEGER NOT NULL, gx_results VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS quality_results (
    load_id VARCHAR NOT NULL, la_code VARCHAR NOT NULL, period_end DATE NOT NULL,
    seq INTEGER NOT NULL, expectation VARCHAR NOT NULL, area VARCHAR NOT NULL,
    rule VARCHAR, title VARCHAR NOT NULL, unit VARCHAR NOT NULL, success BOOLEAN,
    checked INTEGER, unexpected INTEGER, unexpected_percent DOUBLE, observed VARCHAR,
    observed_json VARCHAR, not_run VARCHAR, fix VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS quality_rows (
    load_id VARCHAR NOT NULL, expectation VARCHAR NOT NULL, seq INTEGER NOT NULL,
    child VARCHAR, detail VARCHAR NOT NULL);
-- columns added after the first release: a warehouse built before them gains them on its next
-- load (the load log's old rows read as not known)
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS values_blanked INTEGER;
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS rule_set VARCHAR;
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS notes VARCHAR;
ALTER TABLE rejects ADD COLUMN IF NOT EXISTS action VARCHAR;
"""


def stg_name(table: str) -> str:
    """stg_ plus the table's name in snake case (PlacedAdoption -> stg_placed_adoption)."""
    special = {"SWEpisodes": "sw_episodes", "OC2": "oc2", "OC3": "oc3", "AD1": "ad1",
               "UASC": "uasc"}
    snake = special.get(table) or re.sub(r"(?<!^)([A-Z])", r"_\1", table).lower()
    return f"stg_{snake}"


def _sql_type(spec: Col) -> str:
    if spec.kind == "date":
        return "DATE"
    if spec.kind == "number":
        return "INTEGER" if spec.integer else "DOUBLE"
    return "VARCHAR"


def _typed(column: str, spec: Col) -> str:
    value = f"nullif(\"{column}\", '')"
    if spec.kind == "date":
        return f"strptime({value}, '%d/%m/%Y')::DATE"
    return f"{value}::{_sql_type(spec)}"


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(WAREHOUSE_TABLES)
    for table in TABLES:
        cols = ", ".join(f"{c.lower()} {_sql_type(spec)}" for c, spec in COLUMNS[table].items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {stg_name(table)} ({KEY_COLUMNS}, {cols})")


def replace_period(con: duckdb.DuckDBPyConnection, la_code: str, period_end, load_id: str,
                   tables: dict[str, pd.DataFrame]) -> None:
    """Replace everything staged for (LA, period end) with this load's valid rows.

    Tables the new extract lacks are emptied for that period too: the extract is the whole
    truth for its period, and an absent table must read as "no data", not last time's.
    """
    for table in TABLES:
        con.execute(f"DELETE FROM {stg_name(table)} WHERE la_code = ? AND period_end = ?",
                    [la_code, period_end])
    for table, frame in tables.items():
        specs = COLUMNS[table]
        rows = frame.reset_index()  # the file row number is the index
        con.register("incoming", rows)
        typed = ", ".join(_typed(c, spec) for c, spec in specs.items())
        con.execute(
            f"INSERT INTO {stg_name(table)} SELECT ?, ?::DATE, ?, \"row\"::INTEGER, {typed} "
            "FROM incoming", [la_code, period_end, load_id])
        con.unregister("incoming")
