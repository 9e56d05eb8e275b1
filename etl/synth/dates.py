"""Dates as whole days (int64 days since 1970-01-01), so a history of millions of episodes is
plain numpy arithmetic. NEVER stands for "not yet happened" (an open episode's end)."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

NEVER = np.int64(10**7)  # about the year 29,000: later than any date the generator writes
_EPOCH = dt.date(1970, 1, 1)


def day(d: dt.date) -> int:
    return (d - _EPOCH).days


def to_date(days: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(days))


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.asarray(days, dtype="int64").astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype("int64") // 12 + 1970
    month = months.astype("int64") % 12 + 1
    dom = (d - months.astype("datetime64[D]")).astype("int64") + 1
    return year, month, dom


def add_years(days: np.ndarray, years) -> np.ndarray:
    """The same date `years` later, 29 February becoming 28 February: pandas' DateOffset,
    which is how DfE's validator computes birthdays, so ages agree to the day."""
    year, month, dom = ymd(days)
    start = ((year + years - 1970) * 12 + month - 1).astype("datetime64[M]")
    month_len = ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(
        "int64")
    return start.astype("datetime64[D]").astype("int64") + np.minimum(dom, month_len) - 1


def add_months(days: np.ndarray, months) -> np.ndarray:
    """Calendar months later (31 January + 1 month = 28/29 February)."""
    year, month, dom = ymd(days)
    start = ((year - 1970) * 12 + month - 1 + months).astype("datetime64[M]")
    month_len = ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(
        "int64")
    return start.astype("datetime64[D]").astype("int64") + np.minimum(dom, month_len) - 1


def age_on(dob: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Whole years of age on a date (the birthday itself counts)."""
    y1, m1, d1 = ymd(dob)
    y2, m2, d2 = ymd(when)
    before_birthday = (m2 < m1) | ((m2 == m1) & (d2 < d1))
    return y2 - y1 - before_birthday


def fmt(days: np.ndarray) -> np.ndarray:
    """dd/mm/yyyy strings; NEVER (or any negative) becomes an empty cell. Formats each distinct
    day once: a year's extract has a few thousand distinct dates among many rows."""
    days = np.asarray(days, dtype="int64")
    uniq, inverse = np.unique(days, return_inverse=True)
    text = np.array([
        "" if (u >= NEVER or u < -10**6) else to_date(u).strftime("%d/%m/%Y") for u in uniq
    ], dtype=object)
    return text[inverse.reshape(days.shape)]


@lru_cache(maxsize=None)
def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    """England and Wales bank holidays, for counting working days to a first review."""
    import holidays

    years = range(first_year, last_year + 1)
    days = sorted(holidays.country_holidays("GB", subdiv="ENG", years=years))
    return np.array(days, dtype="datetime64[D]")


def add_working_days(days: np.ndarray, n: np.ndarray) -> np.ndarray:
    """`n` working days after each date (weekends and bank holidays not counted; the start day
    is day 0, so a Saturday start counts its first working day on Monday as day 1)."""
    d = np.asarray(days, dtype="int64").astype("datetime64[D]")
    first, last = int(ymd(d.min().astype("int64"))[0]), int(ymd(d.max().astype("int64"))[0]) + 1
    hol = bank_holidays(first, last)
    out = np.busday_offset(d, np.asarray(n), roll="backward", holidays=hol)
    return out.astype("int64")
