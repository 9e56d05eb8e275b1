"""OC3: care leavers around their 17th to 21st birthdays.

A young person is a care leaver here (DfE's "relevant" or "former relevant" child) when
their last period of care ended at 16 or later after at least 13 weeks looked after since
their 14th birthday, and they did not leave by adoption, death, transfer to another LA, an
age assessment or emigration. Information is collected in the year of each birthday from 17
to 21, and at 17 and 18 only for those who had already left care by that birthday (DfE rules
1007, 1016). Around 90% are in touch, about 55% in education, employment or training, 88% in
suitable accommodation, 6% of 19-21s in higher education.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.synth.dates import NEVER, add_years, fmt
from etl.synth.journeys import History

NOT_CARE_LEAVERS = ("E11", "E12", "E2", "E3", "E15", "E16")
IN_TOUCH = (("YES", 0.898), ("NO", 0.035), ("REFU", 0.02), ("NREQ", 0.025), ("RHOM", 0.022))
DEATHS = 0.012  # care leavers who die between 17 and 21 (reported as DIED that year, then no more)
ACTIV_17_18 = (("F2", 0.33), ("P2", 0.06), ("F4", 0.07), ("P4", 0.05), ("F5", 0.05),
               ("P5", 0.02), ("F1", 0.01), ("G4", 0.06), ("G5", 0.30), ("G6", 0.05))
ACTIV_19_21 = (("F1", 0.055), ("P1", 0.01), ("F2", 0.12), ("P2", 0.04), ("F4", 0.17),
               ("P4", 0.08), ("F5", 0.08), ("P5", 0.03), ("G4", 0.08), ("G5", 0.245),
               ("G6", 0.07))
# Suitable: independent living, family, semi-independent, former foster carers (from 18:
# rule 3001), supported lodgings, lodgings, community home, foyer (from 18: 347), other.
SUITABLE = (("U", 0.32), ("B", 0.17), ("D", 0.15), ("Z", 0.10), ("E", 0.07), ("K", 0.05),
            ("C", 0.03), ("T", 0.03), ("Y", 0.08))
UNSUITABLE = (("S", 0.3), ("W", 0.15), ("X", 0.25), ("V", 0.15), ("Y", 0.15))
P_SUITABLE_IF_IN_TOUCH = 0.955


def pick(u: np.ndarray, table) -> np.ndarray:
    codes = np.array([c for c, _ in table], dtype=object)
    cum = np.cumsum([p for _, p in table])
    return codes[np.searchsorted(cum / cum[-1], u).clip(0, len(codes) - 1)]


def leavers(hist: History) -> tuple[np.ndarray, np.ndarray]:
    """Children who are care leavers, and the day their (last) care ended."""
    per, dob = hist.periods, hist.children.dob
    n = len(hist.children)
    last_end = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_end, per.child, np.where(per.end >= NEVER, NEVER, per.end))
    last = per.end == last_end[per.child]
    after14 = np.zeros(n, dtype=np.int64)
    from14 = np.maximum(per.start, add_years(dob[per.child], 14))
    np.add.at(after14, per.child, np.clip(np.minimum(per.end, NEVER) - from14, 0, None))
    child = per.child[last]
    ok = ((per.end[last] < NEVER) & (per.end[last] >= add_years(dob[child], 16))
          & (after14[child] >= 91) & ~np.isin(per.rec[last], NOT_CARE_LEAVERS))
    return child[ok], per.end[last][ok]


def oc3_table(seed: int, hist: History, leaver: np.ndarray, left: np.ndarray, start: int,
              end: int) -> tuple[np.ndarray, pd.DataFrame]:
    """(children, OC3 rows) for care leavers whose 17th-21st birthday falls in [start, end]
    (`start` is also the collection year's start). Values come from a generator per
    birthday, so a young person's answers at 19 are the same in every extract of that year."""
    kids = hist.children
    dob = kids.dob[leaver]
    died_at = death_ages(seed, len(kids), leaver)
    children, frames = [], []
    for age in range(17, 22):
        birthday = add_years(dob, age)
        due = (birthday >= start) & (birthday <= end) & (left < birthday) & (age <= died_at)
        if not due.any():
            continue
        in_touch, activ, accom = answers(seed, len(kids), leaver[due], dob[due], died_at[due],
                                         age, start)
        children.append(leaver[due])
        frames.append(pd.DataFrame({
            "CHILD": kids.child_id[leaver[due]], "DOB": fmt(dob[due]), "IN_TOUCH": in_touch,
            "ACTIV": activ, "ACCOM": accom,
        }))
    if not frames:
        return np.zeros(0, np.int64), pd.DataFrame(columns=["CHILD", "DOB", "IN_TOUCH",
                                                            "ACTIV", "ACCOM"])
    return np.concatenate(children), pd.concat(frames, ignore_index=True)


def death_ages(seed: int, n_kids: int, leaver: np.ndarray) -> np.ndarray:
    """The age (17-21) at which a care leaver dies, or 99."""
    fate = np.random.default_rng([seed, 3]).random((2, n_kids))[:, leaver]
    return np.where(fate[0] < DEATHS, 17 + (fate[1] * 5).astype(int), 99)


def answers(seed: int, n_kids: int, who: np.ndarray, dob: np.ndarray, died_at: np.ndarray,
            age: int, start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(IN_TOUCH, ACTIV, ACCOM) of care leavers `who` around their birthday at `age` (17-21),
    in the collection year starting `start`: the OC3 answers, from one generator per age."""
    u = np.random.default_rng([seed, 3, age]).random((4, n_kids))[:, who]
    in_touch = np.where(died_at == age, "DIED", pick(u[0], IN_TOUCH))
    activ = pick(u[1], ACTIV_17_18 if age < 19 else ACTIV_19_21)
    adult_at_start = add_years(dob, 18) <= start
    letter = pick(u[2], SUITABLE)
    letter[(letter == "Z") & (age < 18)] = "U"
    letter[(letter == "T") & ~adult_at_start] = "D"
    suitable = u[3] < P_SUITABLE_IF_IN_TOUCH
    accom = np.where(suitable, letter + "1", pick(u[2], UNSUITABLE) + "2")
    yes = in_touch == "YES"  # otherwise no activity or accommodation known (rules 344, 345)
    return in_touch, np.where(yes, activ, "0"), np.where(yes, accom, "0")
