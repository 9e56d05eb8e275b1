"""Reading 903 dates and ages, the one way every schema, rule and loader does it."""
from __future__ import annotations

import pandas as pd

from schemas.tables import DATE_FORMAT

_DATE_SHAPE = r"[0-9]{2}/[0-9]{2}/[0-9]{4}"


def parse_dates(values: pd.Series) -> pd.Series:
    """dd/mm/yyyy text to timestamps; anything else (blank, 31/02/2024, 2024-01-01) is NaT."""
    shaped = values.where(values.str.fullmatch(_DATE_SHAPE), None)
    return pd.to_datetime(shaped, format=DATE_FORMAT, errors="coerce")


def age_on(dob: pd.Series, when) -> pd.Series:
    """Whole years of age on a date (a Series of dates aligned with `dob`, or one date)."""
    if not isinstance(when, pd.Series):
        when = pd.Series(pd.Timestamp(when), index=dob.index)
    before_birthday = (when.dt.month * 100 + when.dt.day) < (dob.dt.month * 100 + dob.dt.day)
    return when.dt.year - dob.dt.year - before_birthday.astype("Int64")
