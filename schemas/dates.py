"""Reading 903 dates and ages, the one way every schema, rule and loader does it."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from schemas.tables import DATE_FORMAT

_DATE_SHAPE = r"[0-9]{2}/[0-9]{2}/[0-9]{4}"
# What case systems and spreadsheets write for a dd/mm/yyyy date: one-digit days and months,
# two-digit years (24/04/17), as Excel saves a date column in some locales.
_LOOSE_SHAPE = r"(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{2}|[0-9]{4})"


def parse_dates(values: pd.Series) -> pd.Series:
    """dd/mm/yyyy text to timestamps; anything else (blank, 31/02/2024, 2024-01-01) is NaT."""
    shaped = values.where(values.str.fullmatch(_DATE_SHAPE), None)
    return pd.to_datetime(shaped, format=DATE_FORMAT, errors="coerce")


def tidy_dates(values: pd.Series, today: dt.date | None = None) -> pd.Series:
    """Dates written loosely (1/4/2017, 24/04/17) rewritten as dd/mm/yyyy; everything else as
    it was. A two-digit year is this century unless that would be more than a year ahead."""
    parts = values.str.extract(f"^{_LOOSE_SHAPE}$")
    loose = parts["d"].notna() & ~values.str.fullmatch(_DATE_SHAPE).fillna(False)
    if not loose.any():
        return values
    parts = parts[loose]
    year = parts["y"].astype(int)
    pivot = (today or dt.date.today()).year + 1
    short = parts["y"].str.len() == 2
    year = year.where(~short, (2000 + year).where(2000 + year <= pivot, 1900 + year))
    out = values.copy()
    out[loose] = (parts["d"].str.zfill(2) + "/" + parts["m"].str.zfill(2) + "/"
                  + year.astype(str))
    return out


def age_on(dob: pd.Series, when) -> pd.Series:
    """Whole years of age on a date (a Series of dates aligned with `dob`, or one date)."""
    if not isinstance(when, pd.Series):
        when = pd.Series(pd.Timestamp(when), index=dob.index)
    before_birthday = (when.dt.month * 100 + when.dt.day) < (dob.dt.month * 100 + dob.dt.day)
    return when.dt.year - dob.dt.year - before_birthday.astype("Int64")
