"""Validate a read extract with the pandera schemas: the gate between the files and the
warehouse.

Every table is normalised, then validated lazily so every failure is found in one pass.
Failure cases become reject rows (file, row, child, column, value, rule, message, severity);
rows with an error are quarantined, rows with only warnings load.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from etl.read import Extract
from schemas.codes import collection_year
from schemas.cross_record import Context
from schemas.rules import RULES
from schemas.ssda903 import normalise, schema_for

REJECT_COLUMNS = ["file", "table_name", "row_number", "child", "column_name", "value", "rule",
                  "message", "severity"]


@dataclass
class Validated:
    period_end: dt.date
    year: str
    tables: dict[str, pd.DataFrame]  # rows that passed, normalised text, index = file row
    rejects: pd.DataFrame  # REJECT_COLUMNS
    rows_read: dict[str, int]

    @property
    def rows_loaded(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.tables.items()}

    @property
    def errors(self) -> pd.DataFrame:
        return self.rejects[self.rejects["severity"] == "error"]


def _failures(table: str, file_name: str, frame: pd.DataFrame, raw: pd.DataFrame,
              schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Reject rows for one table; `raw` is the table as read, so a value is reported as the
    file has it, not as normalised."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    else:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    cases = cases[cases["index"].notna()].copy()
    # A dataframe-wide check reports every column of a failing row; keep the column its rule
    # points at (or CHILD), so each failure is one line of the report.
    wide = cases["schema_context"] == "DataFrameSchema"
    target = cases["check"].map(lambda code: RULES[code].column or "CHILD")
    cases = cases[~wide | (cases["column"] == target)]
    rows = cases["index"].astype(int)
    return pd.DataFrame({
        "file": file_name,
        "table_name": table,
        "row_number": rows.to_numpy(),
        "child": frame["CHILD"].reindex(rows).to_numpy() if "CHILD" in frame else None,
        "column_name": cases["column"].to_numpy(),
        "value": [raw.at[row, col] for row, col in zip(rows, cases["column"])],
        "rule": cases["check"].to_numpy(),
        "message": cases["check"].map(lambda code: RULES[code].message).to_numpy(),
        "severity": cases["check"].map(lambda code: RULES[code].severity).to_numpy(),
    })


def validate(extract: Extract, period_end: dt.date) -> Validated:
    year = collection_year(period_end)
    normalised = {name: normalise(name, tf.frame) for name, tf in extract.files.items()}
    context = Context(period_end, normalised)
    tables, found = {}, []
    for name, table_file in extract.files.items():
        frame = normalised[name]
        failures = _failures(name, table_file.path.name, frame, table_file.frame,
                             schema_for(name, year, context))
        shape = pd.DataFrame([
            {"file": table_file.path.name, "table_name": name, "row_number": row, "child": None,
             "column_name": None, "value": f"{fields} fields", "rule": "CPD-ROW-SHAPE",
             "message": RULES["CPD-ROW-SHAPE"].message, "severity": "error"}
            for row, fields in table_file.bad_rows], columns=REJECT_COLUMNS)
        found += [f for f in (failures, shape) if not f.empty]
        quarantined = set(failures.loc[failures["severity"] == "error", "row_number"])
        tables[name] = frame[~frame.index.isin(list(quarantined))]
    rejects = pd.concat(found, ignore_index=True) if found else pd.DataFrame(
        columns=REJECT_COLUMNS)
    rejects = rejects.sort_values(["file", "row_number", "rule"], kind="stable",
                                  ignore_index=True)
    rows_read = {name: len(tf.frame) + len(tf.bad_rows) for name, tf in extract.files.items()}
    return Validated(period_end, year, tables, rejects, rows_read)
