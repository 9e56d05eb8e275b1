"""The Virtual School's extract for children looked after of school age (5-15): the date of
the last Personal Education Plan review, attendance, and school moves in the last year.

PEPs are reviewed termly; teams differ in keeping them in date. Attendance is skewed (most
children attend well, a third are persistently absent, below 90%). A placement move to a
new area usually means a new school.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.synth.dates import NEVER, add_months, add_years, fmt
from etl.synth.geography import Geography
from etl.synth.journeys import History

NEW_SCHOOL_MILES = 3.0


def education_table(rng: np.random.Generator, hist: History, geo: Geography,
                    pep_in_date_by_team: np.ndarray, child: np.ndarray,
                    care_start: np.ndarray, end: int) -> pd.DataFrame:
    """Rows for children looked after at `end` (indices `child`, their current period's
    start `care_start`); those outside 5-15 at `end` are left out."""
    kids = hist.children
    age_ok = (add_years(kids.dob[child], 5) <= end) & (add_years(kids.dob[child], 16) > end)
    child, care_start = child[age_ok], care_start[age_ok]
    n_all = len(kids)
    u = rng.random((5, n_all))[:, child]
    listed = u[0] < 0.96  # the Virtual School has not got every child yet

    six_months_ago = add_months(np.array([end]), -6)[0]
    in_date = u[1] < pep_in_date_by_team[hist.team[child]]
    recent = end - (u[2] * (end - six_months_ago)).astype(np.int64)
    overdue = six_months_ago - 1 - (u[2] * 200).astype(np.int64)
    pep = np.where(in_date, recent, overdue)
    pep = np.where(pep < care_start + 10, NEVER, pep)  # too soon after coming into care

    absence = np.exp(rng.normal(np.log(5.5), 1.25, n_all))[child]
    attendance = np.clip(100 - absence, 0, 100).round(1)
    attendance_txt = np.where(u[3] < 0.05, "", np.char.mod("%.1f", attendance))

    moves = _school_moves(hist, geo, child, end, u[4])
    moves_txt = np.where(u[4] > 0.94, "", moves.astype(str))
    return pd.DataFrame({
        "CHILD": kids.child_id[child], "PEP_REVIEW_DATE": fmt(pep),
        "ATTENDANCE_PCT": attendance_txt, "SCHOOL_MOVES_12M": moves_txt,
    })[listed].reset_index(drop=True)


def _school_moves(hist: History, geo: Geography, child: np.ndarray, end: int,
                  u: np.ndarray) -> np.ndarray:
    """Moves to a new carer more than a few miles from the last one in the 12 months to
    `end`, each usually with a change of school; at most 2 reported."""
    e = hist.episodes
    lo = np.searchsorted(e.child, child, side="left")
    hi = np.searchsorted(e.child, child, side="right")
    count = np.zeros(len(child), dtype=np.int64)
    year_ago = add_years(np.array([end]), -1)[0]
    for k in range(len(child)):
        rows = np.arange(lo[k] + 1, hi[k])
        rows = rows[e.new_placement[rows] & (e.decom[rows] > year_ago) & (e.decom[rows] <= end)
                    & (e.period[rows] >= 0) & (e.postcode[rows - 1] >= 0)]
        if len(rows):
            far = geo.miles(e.postcode[rows], e.postcode[rows - 1]) > NEW_SCHOOL_MILES
            count[k] = far.sum()
    count += u < 0.03  # a school move without a placement move (exclusion, managed move)
    return np.minimum(count, 2)
