"""OC2: outcomes for children looked after continuously for 12 months.

Which fields are filled follows DfE's validation rules, which judge ages against the
collection year (1 April to 31 March): the health surveillance check only for under-5s
(rules 545/546), convictions only from 10 (542/543), a strengths and difficulties score or a
reason for none for ages 4 to 16 (186, 188, 189, 197B, with SDQ1 only when the child turns 4
or 17 in the year: 157). Rates are near England's: health assessments 89%, dental checks 79%,
immunisations 85%, development checks 88%, SDQ scores averaging about 14 with 38% at 17+.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.synth.dates import add_years, fmt


def _flag(u: np.ndarray, p) -> np.ndarray:
    return np.where(u < p, "1", "0").astype(object)


def oc2_table(rng: np.random.Generator, child: np.ndarray, kids, coll_start: int,
              coll_end: int) -> pd.DataFrame:
    """Rows for `child` (indices into the children); `rng` is the collection year's own, so
    two extracts of the same year agree on a child's outcomes."""
    n_all = len(kids)
    u = rng.random((9, n_all))[:, child]
    score_all = np.clip(np.rint(rng.normal(14, 7.3, n_all)), 0, 40).astype(int)[child]
    dob = kids.dob[child]
    male, disabled = kids.male[child], kids.disabled[child]
    turns4, turns17 = add_years(dob, 4), add_years(dob, 17)
    whole_year = (turns4 <= coll_start) & (turns17 > coll_end)
    edge = ~whole_year & (turns4 <= coll_end) & (turns17 >= coll_start)
    scored = (whole_year & (u[0] < np.where(disabled, 0.6, 0.8))) | (edge & (u[0] < 0.55))
    score = np.where(scored, np.minimum(score_all + 4 * disabled, 40).astype(str), "")
    reason = np.where(edge & ~scored, "SDQ1", "")
    no_score = whole_year & ~scored
    reason = np.where(no_score, np.where(disabled & (u[1] < 0.6), "SDQ3", np.array(
        ["SDQ2", "SDQ4", "SDQ4", "SDQ5"])[(u[1] * 4).astype(int).clip(0, 3)]), reason)

    ten, five = add_years(dob, 10), add_years(dob, 5)
    convicted = np.where(coll_end > ten, _flag(u[2], np.where(male, 0.035, 0.012)), "")
    health_check = np.where(coll_end < five, _flag(u[3], 0.88), "")
    teen = coll_end >= add_years(dob, 12)
    misuse = _flag(u[4], np.where(teen, 0.07, 0.002))
    received = np.where(misuse == "1", _flag(u[5], 0.6), "")
    offered = np.where(received == "0", _flag(u[6], 0.7), "")
    return pd.DataFrame({
        "CHILD": kids.child_id[child], "DOB": fmt(dob), "SDQ_SCORE": score,
        "SDQ_REASON": reason, "CONVICTED": convicted, "HEALTH_CHECK": health_check,
        "IMMUNISATIONS": _flag(u[7], 0.85), "TEETH_CHECK": _flag(u[8], 0.79),
        "HEALTH_ASSESSMENT": _flag(rng.random(n_all)[child], 0.89),
        "SUBSTANCE_MISUSE": misuse, "INTERVENTION_RECEIVED": received,
        "INTERVENTION_OFFERED": offered,
    })
