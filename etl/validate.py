"""Validate a read extract with the pandera schemas: the gate between the files and the
warehouse.

Every table is normalised, then validated lazily so every failure is found in one pass.
Failure cases become reject rows (file, row, child, column, value, rule, message, severity,
action). A bad value costs that value, not the child (ssda903.md, "Bad input"): an error on a
value that is not part of the row's identity blanks the value and keeps the row ("value
blanked"); an error on its identity, or a row that contradicts itself or another row, keeps
the whole row out ("row kept out"); warnings change nothing ("reported only").
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from etl.period import fit_warning
from etl.read import Extract, ExtractError
from schemas.codes import (FIRST_YEAR, OLDEST_READABLE, collection_year, latest_readable,
                           readable, rule_set)
from schemas.columns import COLUMNS
from schemas.dates import parsed_once
from schemas.cross_record import Context
from schemas.rules import BLANKED, KEPT_OUT, REPORTED, RULES
from schemas.ssda903 import normalise, schema_for
from schemas.tables import TABLES

REJECT_COLUMNS = ["file", "table_name", "row_number", "child", "column_name", "value", "rule",
                  "message", "severity", "action"]


@dataclass
class Validated:
    period_end: dt.date
    year: str
    tables: dict[str, pd.DataFrame]  # rows that passed, normalised text, index = file row
    rejects: pd.DataFrame  # REJECT_COLUMNS
    rows_read: dict[str, int]
    rule_set: str = ""  # the collection year whose rules were applied
    notes: tuple[str, ...] = ()  # how it was validated, for the load log
    warnings: tuple[str, ...] = ()  # for the person loading (the period end may be wrong)

    @property
    def rows_loaded(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.tables.items()}

    @property
    def errors(self) -> pd.DataFrame:
        return self.rejects[self.rejects["severity"] == "error"]

    @property
    def rows_kept_out(self) -> dict[str, int]:
        out = self.rejects[self.rejects["action"] == KEPT_OUT]
        return {name: int(out.loc[out["table_name"] == name, "row_number"].nunique())
                for name in self.rows_read}

    @property
    def values_blanked(self) -> int:
        return int((self.rejects["action"] == BLANKED).sum())


def _shown(value: str, limit: int = 200) -> str:
    """A value as the report shows it: whole, unless it is longer than any real 903 value (a
    pasted document, a quote left open), when its start and length are enough to find it."""
    return value if len(value) <= limit else f"{value[:limit]}... ({len(value):,} characters)"


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
        "value": [_shown(raw.at[row, col]) for row, col in zip(rows, cases["column"])],
        "rule": cases["check"].to_numpy(),
        "message": cases["check"].map(lambda code: RULES[code].message).to_numpy(),
        "severity": cases["check"].map(lambda code: RULES[code].severity).to_numpy(),
        "action": None,
    })


def _tidied_dates(table: str, file_name: str, frame: pd.DataFrame, raw: pd.DataFrame
                  ) -> pd.DataFrame:
    """A warning for each date `normalise` rewrote (24/04/17 read as 24/04/2017)."""
    found = []
    for name, spec in COLUMNS[table].items():
        if spec.kind != "date" or name not in frame:
            continue
        changed = frame[name] != raw[name].str.strip().str.upper()
        if not changed.any():
            continue
        rows = frame.index[changed]
        found.append(pd.DataFrame({
            "file": file_name, "table_name": table, "row_number": rows,
            "child": frame.loc[changed, "CHILD"].to_numpy() if "CHILD" in frame else None,
            "column_name": name,
            "value": (raw.loc[changed, name] + " (read as " + frame.loc[changed, name]
                      + ")").to_numpy(),
            "rule": "CPD-DATE-FORM", "message": RULES["CPD-DATE-FORM"].message,
            "severity": "warning", "action": REPORTED}))
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(
        columns=REJECT_COLUMNS)


def _act(table: str, frame: pd.DataFrame, failures: pd.DataFrame
         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decide what each failure does, and apply it: returns the rows to load (bad values
    blanked, untrustworthy rows dropped) and the failures with their action."""
    if failures.empty:
        return frame, failures
    identity = TABLES[table].identity
    error = failures["severity"] == "error"
    whole_row = error & (failures["rule"].map(lambda code: RULES[code].row)
                         | failures["column_name"].isin(identity))
    kept_out = set(failures.loc[whole_row, "row_number"])
    on_kept_out = failures["row_number"].isin(kept_out)
    failures = failures.assign(action=REPORTED)
    failures.loc[error, "action"] = BLANKED
    failures.loc[on_kept_out & error, "action"] = KEPT_OUT
    # a failure on a value that is already blank (a required value missing) has nothing to
    # blank: it is reported, and the value stays not known
    blank = failures["value"].fillna("").astype(str).str.strip() == ""
    failures.loc[blank & (failures["action"] == BLANKED), "action"] = REPORTED
    rows = frame[~frame.index.isin(list(kept_out))].copy()
    blanked = failures[failures["action"] == BLANKED]
    for column, group in blanked.groupby("column_name"):
        if column in rows.columns:
            rows.loc[rows.index.intersection(group["row_number"]), column] = ""
    return rows, failures


def validate(extract: Extract, period_end: dt.date) -> Validated:
    """Raises ExtractError for a period end no 903 extract can have."""
    year = collection_year(period_end)
    if not readable(year):
        raise ExtractError(
            f"--period-end {period_end:%Y-%m-%d} falls in collection year {year}, which no "
            f"903 extract can have: this product reads collection years {OLDEST_READABLE} to "
            f"{latest_readable()}, with DfE's code lists of each year from {FIRST_YEAR}. "
            "Check the period end.")
    rules_year = rule_set(year)
    notes = () if rules_year == year else (
        f"collection year {year} is older than the earliest rule set held ({FIRST_YEAR}): "
        f"validated with {FIRST_YEAR}'s code lists",)
    with parsed_once():
        return _validate(extract, period_end, year, rules_year, notes)


def _validate(extract: Extract, period_end: dt.date, year: str, rules_year: str,
              notes: tuple[str, ...]) -> Validated:
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
        tables[name], failures = _act(name, frame, failures)
        shape["action"] = KEPT_OUT
        tidied = _tidied_dates(name, table_file.path.name, frame, table_file.frame)
        found += [f for f in (failures, shape, tidied) if not f.empty]
    rejects = pd.concat(found, ignore_index=True) if found else pd.DataFrame(
        columns=REJECT_COLUMNS)
    rejects = rejects.sort_values(["file", "row_number", "rule"], kind="stable",
                                  ignore_index=True)
    rows_read = {name: len(tf.frame) + len(tf.bad_rows) for name, tf in extract.files.items()}
    fit = fit_warning(normalised["Episodes"], period_end) if "Episodes" in normalised else None
    return Validated(period_end, year, tables, rejects, rows_read, rules_year,
                     notes, notes + ((fit,) if fit else ()))
