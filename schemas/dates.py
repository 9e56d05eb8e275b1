"""Reading 903 dates and ages, the one way every schema, rule and loader does it."""
from __future__ import annotations

import contextlib
import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas.tables import DATE_FORMAT

_DATE_SHAPE = r"[0-9]{2}/[0-9]{2}/[0-9]{4}"
# What case systems and spreadsheets write for a dd/mm/yyyy date: one-digit days and months,
# two-digit years (24/04/17), as Excel saves a date column in some locales.
_LOOSE_SHAPE = r"(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{2}|[0-9]{4})"


def text_array(values: pd.Series) -> pa.Array:
    """A column of text as one Arrow string array (pandas' own, without a copy, where the
    column already is one), for Arrow's vectorised kernels."""
    array = values.array
    arrow = getattr(array, "_pa_array", None)  # pandas' Arrow-backed str dtype
    if arrow is not None and (pa.types.is_large_string(arrow.type)
                              or pa.types.is_string(arrow.type)):
        return arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow
    return pa.array(values.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)


_once: dict | None = None  # within `parsed_once`: Arrow text array's id -> (it, its dates)


@contextlib.contextmanager
def parsed_once():
    """Within it, each column of text is parsed once however many rules read it (validation
    reads a DECOM in four rules and two column checks). Keyed by the column's Arrow array,
    which never changes (pandas swaps in a new one when a value is set), and held only for
    the block."""
    global _once
    _once = {}
    try:
        yield
    finally:
        _once = None


def parse_dates(values: pd.Series) -> pd.Series:
    """dd/mm/yyyy text to timestamps; anything else (blank, 31/02/2024, 2024-01-01) is NaT.

    Arrow's strptime, about ten times pandas' speed (a load parses every date column of the
    extract several times over). It rolls an impossible day over (31/02 to 2 March), so a
    date whose parsed day or month is not the one written is no date."""
    arrow = getattr(values.array, "_pa_array", None)
    cache = _once if arrow is not None else None
    if cache is not None and cache.get(id(arrow), (None,))[0] is arrow:
        parsed = cache[id(arrow)][1]
    else:
        parsed = _parse(text_array(values))
        if cache is not None:
            cache[id(arrow)] = (arrow, parsed)
    return pd.Series(parsed, index=values.index, dtype="datetime64[us]")


def _parse(text: pa.Array) -> np.ndarray:
    shaped = pc.if_else(pc.match_substring_regex(text, f"^{_DATE_SHAPE}$"), text, None)
    parsed = pc.strptime(shaped, format=DATE_FORMAT, unit="us", error_is_null=True)
    day = pc.cast(pc.utf8_slice_codeunits(shaped, 0, 2), pa.int64())
    month = pc.cast(pc.utf8_slice_codeunits(shaped, 3, 5), pa.int64())
    real = pc.and_(pc.equal(pc.day(parsed), day), pc.equal(pc.month(parsed), month))
    return pc.if_else(real, parsed, None).to_numpy(zero_copy_only=False)


def tidy_dates(values: pd.Series, today: dt.date | None = None) -> pd.Series:
    """Dates written loosely (1/4/2017, 24/04/17) rewritten as dd/mm/yyyy; everything else as
    it was. A two-digit year is this century unless that would be more than a year ahead."""
    text = text_array(values)
    as_written = pc.or_(pc.equal(text, ""), pc.match_substring_regex(text, f"^{_DATE_SHAPE}$"))
    if pc.all(pc.fill_null(as_written, True)).as_py():
        return values  # almost every column of almost every extract
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
