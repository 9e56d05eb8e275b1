"""Looked-after children's reviews: the first within 20 working days of the start of care, the
second within three months of the first, then every six months. Most are on time; each
team's practice sets how often one slips, and a late review pushes the later ones back.
"""
from __future__ import annotations

import numpy as np

from etl.synth.dates import add_working_days, age_on
from etl.synth.journeys import History

# Participation (REVIEW_CODE PN1-PN7) for children aged 4 and over; teenagers speak for
# themselves more, younger children more often through an advocate or another medium.
PARTICIPATION = ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")
SHARE_UNDER_10 = (0.30, 0.16, 0.14, 0.06, 0.08, 0.20, 0.06)
SHARE_10_PLUS = (0.52, 0.07, 0.03, 0.03, 0.07, 0.17, 0.11)


def generate(rng: np.random.Generator, hist: History, late_by_team: np.ndarray,
             horizon: int) -> dict:
    per = hist.periods
    idx = np.flatnonzero(per.start < horizon)
    child = per.child[idx]
    late_p = late_by_team[hist.team[child]]
    stop = np.minimum(per.end[idx], horizon)
    out = {"child": [], "date": []}

    late = rng.random(len(idx)) < late_p
    first = add_working_days(per.start[idx], np.where(late, 20 + rng.geometric(1 / 8, len(idx)),
                                                      rng.integers(6, 20, len(idx))))
    t, rows = first, np.arange(len(idx))
    step = 0
    while len(rows):
        keep = t < stop[rows]  # no review on or after the day care ends
        rows, t = rows[keep], t[keep]
        out["child"].append(child[rows])
        out["date"].append(t)
        late = rng.random(len(rows)) < late_p[rows]
        if step == 0:  # second review: within three months of the first
            gap = np.where(late, 93 + rng.geometric(1 / 20, len(rows)),
                           rng.integers(55, 89, len(rows)))
        else:  # then within six months of the previous one
            gap = np.where(late, 185 + rng.geometric(1 / 25, len(rows)),
                           rng.integers(140, 181, len(rows)))
        t = t + gap
        step += 1
    child = np.concatenate(out["child"])
    date = np.concatenate(out["date"])
    age = age_on(hist.children.dob[child], date)
    u = rng.random(len(child))
    code = np.where(age < 10, np.array(PARTICIPATION, dtype=object)[
        np.searchsorted(np.cumsum(SHARE_UNDER_10), u * sum(SHARE_UNDER_10)).clip(0, 6)],
        np.array(PARTICIPATION, dtype=object)[
        np.searchsorted(np.cumsum(SHARE_10_PLUS), u * sum(SHARE_10_PLUS)).clip(0, 6)])
    code[age < 4] = "PN0"  # DfE rules 440/441: PN0 exactly when under 4 at the review
    order = np.lexsort((date, child))
    return {"child": child[order], "date": date[order], "code": code[order].astype(object)}

