"""Permanence: decisions that a child should be placed for adoption (PlacedAdoption), the
adoptions themselves (AD1), and previous permanence orders of children starting care
(PrevPerm).

Dates follow the adoption journey in period_of_care.py: the agency decision (DATE_PLACED,
which is also AD1's DATE_INT: rule 523) comes before the placement order and the match
(DATE_MATCH), the match before the placement with adopters (331), that before the adoption
order. A reversed decision carries its date and reason (557).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.synth import placement as pl
from etl.synth.dates import NEVER, fmt
from etl.synth.journeys import History

REVERSAL_REASONS = ("RD1", "RD2", "RD3", "RD4")
# Local authority codes (DfE's 3-digit numbers, from the validator's list) where earlier
# orders were made: a handful of nearby councils plus "999" (not known).
LA_PERM_CODES = ("831", "830", "892", "855", "856", "860", "999")


def adoption_tables(seed: int, hist: History, in_extract: np.ndarray, start: int, end: int):
    """(AD1, PlacedAdoption) frames for children in the extract, as known at `end`."""
    per = hist.periods
    kids = hist.children
    rng = np.random.default_rng([seed, 4])
    u = rng.random((5, len(per.child)))

    adopted = ((per.rec == "E11") | (per.rec == "E12")) & (per.end >= start) & (per.end <= end)
    a = np.flatnonzero(adopted & in_extract[per.child])
    final_place = _final_place(hist)
    couple = u[0][a] < 0.87
    same_sex = couple & (u[1][a] < 0.15)
    sex = np.where(~couple, np.where(u[2][a] < 0.9, "F1", "M1"),
                   np.where(same_sex, np.where(u[2][a] < 0.5, "MM", "FF"), "MF"))
    ls_adoptr = np.where(~couple, "L0", np.where(
        same_sex, np.where(u[3][a] < 0.5, "L12", np.where(u[3][a] < 0.8, "L2", "L4")),
        np.where(u[3][a] < 0.7, "L11", "L3")))
    ad1 = pd.DataFrame({
        "CHILD": kids.child_id[per.child[a]], "DOB": fmt(kids.dob[per.child[a]]),
        "DATE_INT": fmt(per.decision[a]), "DATE_MATCH": fmt(per.match[a]),
        "FOSTER_CARE": np.where(np.isin(final_place[a], (pl.P["A3"], pl.P["A5"])), "1", "0"),
        "NB_ADOPTR": np.where(couple, "2", "1"), "SEX_ADOPTR": sex, "LS_ADOPTR": ls_adoptr,
    })

    # Decisions current in the window or reversed during it; one per child (the latest).
    decided = ((per.decision <= end) & ((per.reversed >= start) | (per.reversed >= NEVER))
               & ((per.end >= start) | (per.end >= NEVER)) & in_extract[per.child])
    d = np.flatnonzero(decided)
    d = d[_latest_per_child(per.child[d], per.decision[d])]
    ceased = per.reversed[d] <= end
    placed = pd.DataFrame({
        "CHILD": kids.child_id[per.child[d]], "DOB": fmt(kids.dob[per.child[d]]),
        "DATE_PLACED": fmt(per.decision[d]),
        "DATE_PLACED_CEASED": fmt(np.where(ceased, per.reversed[d], NEVER)),
        "REASON_PLACED_CEASED": np.where(
            ceased, np.array(REVERSAL_REASONS, dtype=object)[(u[4][d] * 4).astype(int)], ""),
    })
    return ad1, placed


def _latest_per_child(child: np.ndarray, when: np.ndarray) -> np.ndarray:
    order = np.lexsort((when, child))
    last = np.r_[child[order][1:] != child[order][:-1], True]
    return order[last]


def _final_place(hist: History) -> np.ndarray:
    """The placement each period ended in (from its last episode)."""
    e = hist.episodes
    care = np.flatnonzero(e.period >= 0)
    out = np.full(len(hist.periods.child), -1, np.int8)
    order = care[np.argsort(e.decom[care], kind="stable")]
    out[e.period[order]] = e.place[order]  # later episodes overwrite earlier ones
    return out


def previous_permanence(rng: np.random.Generator, hist: History) -> dict:
    """Per child: an earlier adoption (P1), special guardianship (P2) or residence / child
    arrangements order (P3) before first coming into care, for about one in ten."""
    kids = hist.children
    n = len(kids)
    u = rng.random(n)
    code = np.select([u < 0.012, u < 0.062, u < 0.10], ["P1", "P2", "P3"], "Z1").astype(object)
    earliest = kids.dob + 183
    latest = kids.first_entry - 60
    ok = (latest > earliest) & ~kids.short_breaks & ~kids.uasc
    code[~ok] = "Z1"
    when = earliest + (rng.random(n) * np.maximum(latest - earliest, 0)).astype(np.int64)
    la = np.array(LA_PERM_CODES, dtype=object)[rng.integers(0, len(LA_PERM_CODES), n)]
    return {"code": code, "date": np.where(code == "Z1", NEVER, when),
            "la": np.where(code == "Z1", "", la)}


def prev_perm_table(hist: History, prev: dict, entrants: np.ndarray) -> pd.DataFrame:
    kids = hist.children
    return pd.DataFrame({
        "CHILD": kids.child_id[entrants], "DOB": fmt(kids.dob[entrants]),
        "PREV_PERM": prev["code"][entrants], "LA_PERM": prev["la"][entrants],
        "DATE_PERM": fmt(prev["date"][entrants]),
    })

