"""pandera schemas for every 903 table and local extract, per collection year.

`schema_for(table, year, context)` builds the schema from the base column specs
(`schemas.columns`), the year's code lists (`schemas.codes`) and the cross-record rules that
fit one extract (`schemas.cross_record`). Every check is named by its rule code
(`schemas.rules`), so a failure case's `check` is the code the rejects report shows.
"""
from __future__ import annotations

import datetime as dt
import pandas as pd
import pandera.pandas as pa
import pyarrow.compute as pc

from schemas import cross_record
from schemas.codes import codes_for
from schemas.columns import COLUMNS, NOT_AFTER_PERIOD_END, Col
from schemas.dates import parse_dates, text_array, tidy_dates
from schemas.rules import COLUMN_RULES

# A cell a spreadsheet would run as a formula. A plain signed number is not one.
_FORMULA = r"^[=+\-@\t\r]"
_SIGNED_NUMBER = r"^[+-][0-9.]+$"


def normalise(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Strip stray spaces from every cell, upper-case codes, dates and postcodes, and write
    loosely written dates as dd/mm/yyyy (1/4/17 -> 01/04/2017; validate reports each one).

    Identifiers and free text keep their case: a council's CHILD ids may be case-sensitive.
    Returns a new frame (the caller's frame is never changed).
    """
    specs = COLUMNS[table]
    out = {}
    for name, values in frame.items():
        values = values.str.strip()
        spec = specs.get(name)
        if spec is not None and not spec.keep_case:
            values = values.str.upper()
        if spec is not None and spec.kind == "date":
            values = tidy_dates(values)
        out[name] = values
    return pd.DataFrame(out, index=frame.index)


def _blank_or(test):
    """A vectorised check that passes blanks (a separate `CPD-REQUIRED` check covers those)."""
    return lambda s: (s == "") | test(s)


def column_checks(table: str, column: str, spec: Col, year: str, period_end: dt.date | None
                  ) -> list:
    """The checks on one column: required, then its value (named by the DfE rule for that
    column where there is one), then the period end and formula checks."""
    checks = []
    rule = COLUMN_RULES.get((table, column))
    event_date = column in NOT_AFTER_PERIOD_END.get(table, ())
    if spec.required:
        checks.append(pa.Check(lambda s: s != "", name="CPD-REQUIRED"))
    if spec.kind == "date":
        checks.append(pa.Check(_blank_or(lambda s: parse_dates(s).notna()),
                               name=rule or "CPD-DATE"))
        if event_date and period_end is not None:
            limit = pd.Timestamp(period_end)
            checks.append(pa.Check(
                lambda s: ~(parse_dates(s) > limit), name="CPD-AFTER-PERIOD"))
    elif spec.kind == "code":
        allowed = set(codes_for(year)[spec.year_codes] if spec.year_codes else spec.values)
        checks.append(pa.Check(_blank_or(lambda s: s.isin(allowed)), name=rule or "CPD-CODE"))
    elif spec.kind == "pattern":
        regex = spec.pattern
        checks.append(pa.Check(_blank_or(lambda s: s.str.fullmatch(regex)),
                               name=rule or "CPD-FORMAT"))
    elif spec.kind == "number":
        low, high, integer = spec.low, spec.high, spec.integer

        def in_range(s: pd.Series) -> pd.Series:
            shape = r"[0-9]+" if integer else r"[0-9]+(\.[0-9]+)?"
            numbers = pd.to_numeric(s.where(s.str.fullmatch(shape), None), errors="coerce")
            return numbers.between(low, high)

        checks.append(pa.Check(_blank_or(in_range), name=rule or "CPD-RANGE"))
    checks.append(pa.Check(_no_formula, name="CPD-FORMULA"))
    return checks


def _no_formula(s: pd.Series) -> pd.Series:
    # every column of every table is checked: Arrow's test first, pandas' only for a column
    # with a cell that starts like a formula
    if not pc.any(pc.match_substring_regex(text_array(s), _FORMULA)).as_py():
        return pd.Series(True, index=s.index)
    return ~(s.str.contains(_FORMULA) & ~s.str.fullmatch(_SIGNED_NUMBER))


def schema_for(table: str, year: str, context: cross_record.Context | None = None
               ) -> pa.DataFrameSchema:
    """The pandera schema for one table in one collection year.

    With a `context` (the whole extract, normalised), cross-record rules join in as
    dataframe-wide checks; without one, only the columns are checked.
    """
    period_end = context.period_end if context else None
    columns = {
        name: pa.Column(
            str, nullable=False, required=True,
            checks=column_checks(table, name, spec, year, period_end))
        for name, spec in COLUMNS[table].items()
    }
    wide = [pa.Check(fn, name=code) for code, fn in cross_record.checks_for(table, context)]
    return pa.DataFrameSchema(columns, checks=wide, name=f"{table} {year}", strict=False)
