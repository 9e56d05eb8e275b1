"""Period ends: parsing the one a user gives, guessing one from an extract, and saying when
the one given does not fit the extract's dates (ssda903.md, "Collection years").

An extract holds the episodes open during its collection year, so nearly every DECOM and DEC
falls on or before its period end and some fall inside its year. One stray date (a typing
slip such as 01/04/2018 in a 2016/17 file) must not move the guess, so the guess allows a few
dates after it.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from schemas.dates import parse_dates

_DMY = re.compile(r"\s*([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})\s*")


class PeriodEndError(ValueError):
    """A period end that is not a date; the message suggests the one meant."""


def parse_period_end(text: str) -> dt.date:
    """YYYY-MM-DD. A date in the 903's own dd/mm/yyyy is refused with the same date
    suggested the right way round (31/03/2024 -> 2024-03-31)."""
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        pass
    match = _DMY.fullmatch(str(text))
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            meant = dt.date(year, month, day)
        except ValueError:
            meant = None
        if meant:
            raise PeriodEndError(f"--period-end {text!r} is not in the form YYYY-MM-DD: for "
                                 f"{meant:%d %B %Y} give --period-end {meant.isoformat()}.")
    raise PeriodEndError(f"--period-end {str(text)[:40]!r} is not a date in the form YYYY-MM-DD "
                         "(for the 2024/25 year: --period-end 2025-03-31).")


def _dates(episodes: pd.DataFrame) -> pd.Series:
    return pd.concat([parse_dates(episodes["DECOM"]), parse_dates(episodes["DEC"])]).dropna()


def guess_period_end(episodes: pd.DataFrame) -> dt.date | None:
    """The 31 March ending the latest collection year the episodes' dates (normalised
    Episodes frame) fall in, passing over a latest year that holds only a stray date or two:
    fewer than 2 (or 1%) of the dates and, in a small extract, nothing in the year before it.
    None when no date parses."""
    dates = _dates(episodes)
    if dates.empty:
        return None
    # each date's collection year by the 31 March ending it, counted
    counts = (dates.dt.year + (dates.dt.month > 3)).value_counts().sort_index(ascending=False)
    years = pd.Series(counts.to_numpy(), index=[dt.date(int(y), 3, 31) for y in counts.index])
    few = max(2, len(dates) // 100)

    def stray(end: dt.date) -> bool:
        year_before_empty = end.replace(year=end.year - 1) not in years.index
        return years[end] < few and (len(dates) >= 20 or year_before_empty)

    ends = list(years.index)
    return next((end for end in ends[:-1] if not stray(end)), ends[-1])


def fit_warning(episodes: pd.DataFrame, period_end: dt.date) -> str | None:
    """A warning when the period end does not fit the extract: most episode start dates after
    it, or no episode starting or ending in its collection year (an extract holds the
    episodes open during its year, and in any real year some start or end)."""
    decom, dec = parse_dates(episodes["DECOM"]), parse_dates(episodes["DEC"])
    if decom.notna().sum() == 0:
        return None
    p = pd.Timestamp(period_end)
    start = pd.Timestamp(period_end.year if period_end.month >= 4 else period_end.year - 1, 4, 1)
    likely = guess_period_end(episodes)
    suggestion = f" It looks like the extract for --period-end {likely.isoformat()}." \
        if likely and likely != period_end else ""
    after = int((decom > p).sum())
    if after * 2 > int(decom.notna().sum()):
        return (f"{after:,} of {int(decom.notna().sum()):,} episodes start after the period "
                f"end {period_end:%d/%m/%Y}, so they are kept out.{suggestion}")
    if not (decom.between(start, p).any() or dec.between(start, p).any()):
        return (f"no episode starts or ends between {start:%d/%m/%Y} and "
                f"{period_end:%d/%m/%Y}, the collection year of the period end.{suggestion}")
    return None
