"""The leaving care service's extract: care leavers aged 18 to 25 the council supports, with
their personal adviser, pathway plan review, last contact, activity and accommodation.

The care leavers are OC3's (care_leavers.py). Up to 21 every one is supported, and one in the
extract's OC3 file has the same activity and accommodation as there (others the answers OC3
has or will have at their age); one who no longer needs support is listed as no longer
supported, one who has died is not listed. From 22, support is on request: fewer each year,
and those whose support ended in the last year are still listed, as no longer supported.
Older care leavers are more often in work than in education.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.synth.care_leavers import SUITABLE, UNSUITABLE, answers, death_ages, pick
from etl.synth.dates import add_years, age_on, fmt
from etl.synth.journeys import History

SUPPORTED_AT = {22: 0.60, 23: 0.50, 24: 0.42, 25: 0.34}  # still supported (on request)
ACTIV_22_25 = (("F1", 0.03), ("P1", 0.01), ("F2", 0.06), ("P2", 0.03), ("F4", 0.24),
               ("P4", 0.12), ("F5", 0.05), ("P5", 0.03), ("G4", 0.09), ("G5", 0.27),
               ("G6", 0.07))
SUITABLE_22_25 = 0.9
PA = (0.96, 0.84)  # a personal adviser allocated: 18-21; 22-25
PLAN_IN_DATE = (0.86, 0.78)  # pathway plan reviewed in the last six months: 18-21; 22-25
CONTACT_DAYS = 35  # mean days since the last contact with those in touch


def care_leavers_table(seed: int, purpose: int, year_rng: np.random.Generator, hist: History,
                       leaver: np.ndarray, left: np.ndarray, oc3: pd.DataFrame, start: int,
                       end: int) -> pd.DataFrame:
    """Rows at period end `end` (collection year from `start`); `oc3` is the extract's OC3."""
    kids = hist.children
    n = len(kids)
    age = age_on(kids.dob[leaver], np.full(len(leaver), end))
    died_at = death_ages(seed, n, leaver)
    sel = (age >= 18) & (age <= 25) & (left <= end) & (died_at > age)
    who, age, died_at = leaver[sel], age[sel], died_at[sel]
    dob = kids.dob[who]
    young = age <= 21

    in_touch = np.full(len(who), "YES", dtype=object)
    activ = np.full(len(who), "", dtype=object)
    accom = np.full(len(who), "", dtype=object)
    for a in range(18, 22):
        at = np.flatnonzero(age == a)
        in_touch[at], activ[at], accom[at] = answers(seed, n, who[at], dob[at], died_at[at], a,
                                                     start)
    row = pd.Index(oc3["CHILD"]).get_indexer(kids.child_id[who])  # in this extract's OC3
    in_oc3 = row >= 0
    for column, values in (("IN_TOUCH", in_touch), ("ACTIV", activ), ("ACCOM", accom)):
        values[in_oc3] = oc3[column].to_numpy()[row[in_oc3]]

    supported = np.random.default_rng([seed, purpose]).random(n)[who]  # fixed per person
    share_now = np.array([SUPPORTED_AT.get(a, 1.0) for a in age])
    share_before = np.array([SUPPORTED_AT.get(a - 1, SUPPORTED_AT.get(a, 1.0)) for a in age])
    still = np.where(young, in_touch != "NREQ", supported < share_now)
    listed = young | (supported < share_before)  # support ended in the last year: still listed
    for a in SUPPORTED_AT:  # one generator per age, as OC3's
        at = np.flatnonzero(age == a)
        u = np.random.default_rng([seed, purpose, a]).random((3, n))[:, who[at]]
        activ[at] = pick(u[0], ACTIV_22_25)
        letter = pick(u[1], SUITABLE)
        letter[letter == "Z"] = "U"  # Staying Put ends at 21
        accom[at] = np.where(u[2] < SUITABLE_22_25, letter + "1", pick(u[1], UNSUITABLE) + "2")

    v = year_rng.random((6, n))[:, who]
    pa = v[0] < np.where(young, PA[0], PA[1])
    in_date = v[1] < np.where(young, PLAN_IN_DATE[0], PLAN_IN_DATE[1])
    plan = np.where(in_date, end - (v[2] * 181).astype(np.int64),
                    end - 184 - (v[2] * 400).astype(np.int64))
    plan = np.maximum(plan, add_years(dob, 16) + 30)
    contacted = np.isin(in_touch, ("YES", "RHOM"))
    contact = end - np.where(contacted, v[3] * 2 * CONTACT_DAYS,
                             120 + v[3] * 300).astype(np.int64)
    return pd.DataFrame({
        "CHILD": kids.child_id[who], "DOB": fmt(dob), "PA_ALLOCATED": np.where(pa, "Y", "N"),
        "PATHWAY_PLAN_REVIEW": fmt(plan), "LAST_CONTACT": fmt(contact), "ACTIV": activ,
        "ACCOM": accom, "STILL_SUPPORTED": np.where(still, "Y", "N"),
    })[listed].reset_index(drop=True)

