"""Permanence planning (a local extract): the date a child's permanence plan was agreed, at one
of their looked-after reviews, and its type.

Most plans are agreed at the first or second review (the commitment: by the second review,
four months after coming into care); some only at a later review, so a team that holds its
second reviews late has more plans late, and a few children have no plan yet. The type is where
the period of care is going, as the simulation knows: how it ends (adoption, special
guardianship, home, family and friends), else adoption where that is decided; otherwise
independence (15 or over), family and friends (living with relatives), residential care, home
(placed with parents) or long-term fostering by where the child lives.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.synth import period_of_care as poc
from etl.synth import placement as pl
from etl.synth.dates import NEVER, add_years, fmt
from etl.synth.journeys import KEY_SPAN, History

AT_REVIEW = (0.38, 0.46, 0.07, 0.03)  # agreed at the 1st, 2nd, 3rd, 4th review; else none yet
RESIDENTIAL = [pl.P[c] for c in ("K1", "K2", "S1", "R2")]
INDEPENDENCE_FROM = 15  # years at the plan


def permanence_table(seed: int, purpose: int, hist: History, reviews: dict, start: int,
                     end: int) -> pd.DataFrame:
    """The plan of each child's latest period of care that was open at some time from `start`
    to `end`, where one was agreed by `end`."""
    per, kids = hist.periods, hist.children
    u = np.random.default_rng([seed, purpose]).random(len(per.child))
    open_ = np.flatnonzero((per.start <= end) & (per.end >= start))
    latest = open_[np.lexsort((per.start[open_], per.child[open_]))]
    latest = latest[np.r_[per.child[latest][1:] != per.child[latest][:-1], True]]

    # The k-th review of the period: reviews are sorted by child, then date.
    nth = np.searchsorted(np.cumsum(AT_REVIEW), u[latest], side="right")  # 0-based; 4 = none
    key = reviews["child"] * KEY_SPAN + reviews["date"]
    first = np.searchsorted(key, per.child[latest] * KEY_SPAN + per.start[latest])
    at = (first + nth).clip(0, max(len(key) - 1, 0))
    agreed = ((nth < len(AT_REVIEW)) & (first + nth < len(key))
              & (reviews["child"][at] == per.child[latest])
              & (reviews["date"][at] < per.end[latest]) & (reviews["date"][at] <= end))
    period, day = latest[agreed], reviews["date"][at][agreed]
    return pd.DataFrame({
        "CHILD": kids.child_id[per.child[period]], "PERM_PLAN_DATE": fmt(day),
        "PERM_PLAN_TYPE": _plan_type(hist, period, day),
    })


def _plan_type(hist: History, period: np.ndarray, day: np.ndarray) -> np.ndarray:
    per, e = hist.periods, hist.episodes
    exit_kind = per.exit[period]
    adoption = (per.decision[period] < NEVER) & (per.reversed[period] > day)
    # Where the child lives on the day: the last episode begun by then.
    at = np.searchsorted(e.child * KEY_SPAN + e.decom, per.child[period] * KEY_SPAN + day,
                         side="right") - 1
    place = e.place[at]
    older = add_years(hist.children.dob[per.child[period]], INDEPENDENCE_FROM) <= day
    return np.select(
        [exit_kind == poc.ADOPTED, exit_kind == poc.SGO,
         np.isin(exit_kind, (poc.HOME, poc.HOME_UNPLANNED)),
         np.isin(exit_kind, (poc.RELATIVES, poc.CAO)), adoption, older | (place == pl.P["SUPP"]),
         np.isin(place, pl.KINSHIP), np.isin(place, RESIDENTIAL), place == pl.P["P1"]],
        ["ADOPTION", "SGO", "RETURN_HOME", "FAMILY_FRIENDS", "ADOPTION", "INDEPENDENCE",
         "FAMILY_FRIENDS", "RESIDENTIAL", "RETURN_HOME"], "LT_FOSTER").astype(object)
