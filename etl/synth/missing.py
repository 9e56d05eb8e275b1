"""Missing (M) and away without authorisation (A) incidents, within episodes of care.

Going missing is rare before 10 and common among teenagers in children's homes and
supported accommodation, and it is concentrated: a few children go missing again and again
(a gamma-distributed propensity per child), so about one child in nine looked after in a
year has a missing incident while the incident count is several times that.
"""
from __future__ import annotations

import numpy as np

from etl.synth import placement as pl
from etl.synth.dates import NEVER
from etl.synth.journeys import History

RATE_BY_AGE = [(10, 0.01), (13, 0.3), (16, 1.4), (18, 1.1)]  # incidents per year at risk
PLACE_FACTOR = {"K2": 3.0, "SUPP": 1.7, "K1": 0.3, "S1": 1.0, "P1": 0.6, "A3": 0.05,
                "A4": 0.05, "A5": 0.05, "A6": 0.05, "U1": 0.4, "U2": 0.4, "U3": 0.4}
AWAY_SHARE = 0.35


def generate(rng: np.random.Generator, hist: History, horizon: int) -> dict:
    e = hist.episodes
    care = np.flatnonzero((e.period >= 0) & (e.decom < horizon))
    kids = hist.children
    propensity = rng.gamma(0.3, 1 / 0.3, len(kids))
    child = e.child[care]
    age = (e.decom[care] - kids.dob[child]) / 365.25
    bounds = np.array([b for b, _ in RATE_BY_AGE])
    rate = np.array([r for _, r in RATE_BY_AGE])[np.searchsorted(bounds, age, side="right")
                                                 .clip(0, len(bounds) - 1)]
    factor = np.ones(len(care))
    for code, f in PLACE_FACTOR.items():
        factor[e.place[care] == pl.P[code]] = f
    factor[kids.uasc[child]] *= 1.3
    last_day = np.minimum(e.dec[care], horizon) - 1  # back before the episode ends
    length = last_day - e.decom[care]
    n = rng.poisson(rate * factor * propensity[child] * np.maximum(length, 0) / 365.25)
    row = np.repeat(np.arange(len(care)), n)
    start = e.decom[care][row] + (rng.random(len(row)) * length[row]).astype(np.int64)
    away = rng.random(len(row)) < AWAY_SHARE
    days = np.where(away, rng.integers(0, 2, len(row)),
                    np.where(rng.random(len(row)) < 0.3, 0, rng.geometric(1 / 1.6, len(row))))
    end = np.minimum(start + days, last_day[row])
    child = child[row]
    order = np.lexsort((start, child))
    child, start, end, away = child[order], start[order], end[order], away[order]
    # Drop an incident starting before the child's previous one ended (rule 574).
    keep = np.ones(len(child), bool)
    while True:
        idx = np.flatnonzero(keep)
        prev_end = np.r_[-1, end[idx][:-1]]
        same = np.r_[False, child[idx][1:] == child[idx][:-1]]
        clash = same & (start[idx] <= prev_end)
        if not clash.any():
            break
        keep[idx[clash]] = False
    end = np.where(end >= horizon, NEVER, end)
    return {"child": child[keep], "start": start[keep], "end": end[keep],
            "kind": np.where(away[keep], "A", "M").astype(object)}
