"""Voice and advocacy (a local extract) for children looked after at the period end: an
advocate offered and taken up, an independent visitor offered and matched, membership of the
Children in Care Council, and the date their views were last sought.

Offers follow the child through their period of care (drawn once per child, so every extract
tells the same story): an advocate is offered to most children of 4 or over within weeks of
coming into care, less often by teams that also hold reviews late; teenagers take one up more
often. An independent visitor is offered to children of 6 or over settled in care for six
months or more, and a match takes months. Views are sought in the council's annual survey
(November) and in consultations during the year.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from etl.synth.dates import NEVER, add_months, add_years, day, fmt, to_date
from etl.synth.journeys import History
from schemas.codes import collection_year

LISTED = 0.97  # children the case system has a voice record for
OFFER_WEEKS = 7  # mean wait for the advocacy offer
TAKEN = (0.15, 0.32)  # of those offered, under 10; 10 or over
IV_OFFERED = 0.50  # settled six months or more, aged 6 or over
IV_MATCHED = 0.72  # of those offered, in time
IV_MATCH_DAYS = (40, 300)  # matching takes from ... to ... days
CICC = (0.025, 0.065)  # members, aged 8 to 11; 12 or over
SURVEY = 0.65  # answer the annual survey (November), aged 4 or over and in care then
CONSULTED = 0.55  # take part in a consultation in a collection year


def voice_table(seed: int, purpose: int, hist: History, review_late: np.ndarray,
                child: np.ndarray, care_start: np.ndarray, end: int) -> pd.DataFrame:
    """Rows for children looked after at `end` (`child`, their period's start `care_start`)."""
    kids = hist.children
    u = np.random.default_rng([seed, purpose]).random((9, len(kids)))[:, child]
    dob = kids.dob[child]
    four, eight = add_years(dob, 4), add_years(dob, 8)
    age10, age12 = add_years(dob, 10) <= end, add_years(dob, 12) <= end

    from4 = np.maximum(care_start, four)
    offered = ((u[0] < np.clip(0.99 - review_late[hist.team[child]], 0.75, 0.97))
               & (from4 + (u[1] * 2 * 7 * OFFER_WEEKS).astype(np.int64) <= end))
    taken = offered & (u[2] < np.where(age10, TAKEN[1], TAKEN[0]))

    settled = np.maximum(add_months(care_start, 6), add_years(dob, 6))
    iv_from = settled + (u[3] * 365).astype(np.int64)
    iv_offered = (u[4] < IV_OFFERED) & (iv_from <= end)
    wait = IV_MATCH_DAYS[0] + (u[5] * (IV_MATCH_DAYS[1] - IV_MATCH_DAYS[0])).astype(np.int64)
    iv_matched = iv_offered & (u[6] < IV_MATCHED) & (iv_from + wait <= end)
    cicc = (eight <= end) & (u[7] < np.where(age12, CICC[1], CICC[0]))

    consulted = _last_consulted(seed, purpose, len(kids), child, np.maximum(care_start, four),
                                end)
    return pd.DataFrame({
        "CHILD": kids.child_id[child], "ADVOCACY_OFFERED": _yn(offered),
        "ADVOCACY_TAKEN": _yn(taken), "IV_OFFERED": _yn(iv_offered),
        "IV_MATCHED": _yn(iv_matched), "CICC_MEMBER": _yn(cicc), "CONSULTED_DATE": fmt(consulted),
    })[u[8] < LISTED].reset_index(drop=True)


def _yn(flag: np.ndarray) -> np.ndarray:
    return np.where(flag, "Y", "N").astype(object)


def _last_consulted(seed: int, purpose: int, n_kids: int, child: np.ndarray,
                    since: np.ndarray, end: int) -> np.ndarray:
    """The latest survey answer or consultation from `since` (in care and 4 or over) to `end`,
    over the last three collection years (each year's draws fixed, so extracts agree)."""
    year = int(collection_year(to_date(end))[:4])
    last = np.full(len(child), NEVER)
    for y in range(year - 2, year + 1):
        v = np.random.default_rng([seed, purpose, y]).random((4, n_kids))[:, child]
        april = day(dt.date(y, 4, 1))
        survey = day(dt.date(y, 11, 1)) + (v[0] * 45).astype(np.int64)
        adhoc = april + (v[1] * 365).astype(np.int64)
        for when, took in ((survey, v[2] < SURVEY), (adhoc, v[3] < CONSULTED)):
            ok = took & (when >= since) & (when <= end)
            last = np.where(ok & ((last >= NEVER) | (when > last)), when, last)
    return last
