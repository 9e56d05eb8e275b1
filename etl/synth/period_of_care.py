"""The legal course of one period of care, decided when the child starts to be looked after.

Each period follows a care plan (a return home after a short section 20 stay, care
proceedings, a teenager accommodated under section 20, an unaccompanied asylum seeker, a
remand). The plan fixes the legal statuses over time (LS), the moves it forces (home on trial
to parents, a placement with adopters, supported accommodation at 16, a parent-and-child
placement for a young mother) and how the period ends. Unplanned placement moves are drawn
later (placement.py), so stability depends on the placement, not the plan.

Waiting times are geometric in days: the same as drawing a daily Bernoulli event, without a
loop over child-days.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.synth.dates import NEVER, add_years, ymd

# Care plans.
SHORT, PROCEEDINGS, TEEN, YOUTH_JUSTICE, UASC = range(5)

# How a period ends; the REC code is chosen from this and the final placement (journeys.py).
(HOME, HOME_UNPLANNED, RELATIVES, SGO, CAO, ADOPTED, INDEPENDENT, OTHER, REMAND_ENDED,
 CUSTODY, AGE_ASSESSED, ABROAD, TRANSFERRED, DIED, AGED_18, STILL_LOOKED_AFTER) = range(16)

# Moves a plan forces at a given day (as opposed to a placement breaking down).
MOVE, PARENTS, ADOPTERS, SUPPORTED, MOTHER_AND_BABY = range(1, 6)

LS_CODES = ("C1", "C2", "E1", "V2", "L1", "L2", "J1", "J2", "V3", "V4")
LS = {code: i for i, code in enumerate(LS_CODES)}

# Plan by age at entry (years): P(short stay, proceedings, teenager s20, youth justice).
PLAN_BY_AGE = [  # (upper age bound, probabilities)
    (1, (0.15, 0.85, 0.0, 0.0)),
    (5, (0.20, 0.80, 0.0, 0.0)),
    (10, (0.22, 0.78, 0.0, 0.0)),
    (13, (0.15, 0.48, 0.36, 0.01)),
    (16, (0.10, 0.27, 0.57, 0.06)),
    (18, (0.10, 0.04, 0.80, 0.06)),
]
# Final-hearing outcomes by age at the hearing: home, SGO, CAO, adoption, long-term care order.
OUTCOME_BY_AGE = [
    (2, (0.12, 0.16, 0.04, 0.50, 0.18)),
    (10, (0.24, 0.20, 0.05, 0.10, 0.41)),
    (18, (0.25, 0.10, 0.05, 0.00, 0.60)),
]
OUT_HOME, OUT_SGO, OUT_CAO, OUT_ADOPT, OUT_CARE_ORDER = range(5)


@dataclass
class Pathway:
    plan: np.ndarray
    ls_t: np.ndarray  # (periods, k) days of legal status changes, NEVER padded; col 0 = start
    ls: np.ndarray  # (periods, k) index into LS_CODES
    forced_t: np.ndarray  # (periods, k) days of forced moves, NEVER padded
    forced: np.ndarray  # (periods, k) MOVE, PARENTS, ...
    end: np.ndarray  # NEVER while still looked after at the horizon
    exit: np.ndarray
    ffa: np.ndarray  # fostering for adoption: the first carers may become the adopters
    decision: np.ndarray  # LA decided the child should be placed for adoption (or NEVER)
    reversed: np.ndarray  # that decision reversed (or NEVER)
    match: np.ndarray  # matched with adopters (or NEVER)
    mother: np.ndarray  # the young person's own child born (or NEVER)


class _Events:
    """(row, day, code) triples collected per period, packed into padded matrices."""

    def __init__(self):
        self.rows, self.days, self.codes = [], [], []

    def add(self, rows, days, code):
        rows = np.asarray(rows)
        self.rows.append(rows)
        self.days.append(np.broadcast_to(np.asarray(days, dtype=np.int64), rows.shape))
        self.codes.append(np.broadcast_to(np.asarray(code, dtype=np.int8), rows.shape))

    def pack(self, n: int, end: np.ndarray):
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, np.int64)
        days = np.concatenate(self.days) if self.days else np.zeros(0, np.int64)
        codes = np.concatenate(self.codes) if self.codes else np.zeros(0, np.int8)
        keep = days < end[rows]  # nothing happens on or after the day care ends
        rows, days, codes = rows[keep], days[keep], codes[keep]
        order = np.lexsort((days, rows))
        rows, days, codes = rows[order], days[order], codes[order]
        # One event per day per period: the first added wins (e.g. a plan step over a move).
        first = np.ones(len(rows), bool)
        first[1:] = (rows[1:] != rows[:-1]) | (days[1:] != days[:-1])
        rows, days, codes = rows[first], days[first], codes[first]
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
        width = int(rank.max()) + 1 if len(rank) else 1
        t = np.full((n, width), NEVER, dtype=np.int64)
        c = np.full((n, width), -1, dtype=np.int8)
        t[rows, rank] = days
        c[rows, rank] = codes
        return t, c


def geometric(rng: np.random.Generator, mean, size) -> np.ndarray:
    """Days until a daily event with the given mean waiting time (at least 1)."""
    return rng.geometric(1.0 / np.maximum(np.asarray(mean, dtype=float), 1.0), size)


def _by_age(rng, age_years: np.ndarray, table) -> np.ndarray:
    bounds = np.array([b for b, _ in table])
    probs = np.array([p for _, p in table])[np.searchsorted(bounds, age_years, side="right")
                                            .clip(0, len(table) - 1)]
    cum = probs.cumsum(axis=1)
    return (rng.random(len(age_years))[:, None] > cum).sum(axis=1).clip(0, probs.shape[1] - 1)


def _choice(rng, n, options, probs):
    return np.asarray(options)[rng.choice(len(options), n, p=np.asarray(probs) / sum(probs))]


def plan_periods(rng: np.random.Generator, start, dob, male, uasc, horizon: int,
                 plan=None) -> Pathway:
    """`plan`, when given, overrides the plan drawn by age (brothers and sisters coming into
    care with their group's lead share its plan)."""
    n = len(start)
    rows = np.arange(n)
    age = (start - dob) / 365.25
    t18 = add_years(dob, 18)
    by_age = _by_age(rng, age, PLAN_BY_AGE)
    plan = by_age if plan is None else np.asarray(plan).copy()
    plan[uasc] = UASC
    plan[(plan == YOUTH_JUSTICE) & (age < 10.2)] = TEEN  # remand only from age 10 (rule 358)

    ls, forced = _Events(), _Events()
    end = np.full(n, NEVER, dtype=np.int64)
    exit_kind = np.full(n, STILL_LOOKED_AFTER, dtype=np.int8)
    decision = np.full(n, NEVER, dtype=np.int64)
    reversed_ = np.full(n, NEVER, dtype=np.int64)
    match = np.full(n, NEVER, dtype=np.int64)
    ffa = np.zeros(n, bool)

    # Police protection (up to 72 hours) or an emergency protection order (up to 21 days)
    # open some periods; half of those children move on from the emergency placement.
    emergency = (np.isin(plan, (SHORT, PROCEEDINGS, TEEN))) & (rng.random(n) < 0.12)
    epo = emergency & (rng.random(n) < np.where(age < 10, 0.35, 0.1))
    after = start.copy()
    after[emergency] += np.where(epo[emergency], rng.integers(3, 16, emergency.sum()),
                                 rng.integers(1, 4, emergency.sum()))
    ls.add(rows[emergency], start[emergency], np.where(epo[emergency], LS["L2"], LS["L1"]))
    moved_on = emergency & (rng.random(n) < 0.5)
    forced.add(rows[moved_on], after[moved_on], MOVE)

    def set_exit(r, t, kind):
        end[r] = t
        exit_kind[r] = kind

    # Short section 20 stays: most go home within months.
    r = rows[plan == SHORT]
    ls.add(r, after[r], LS["V2"])
    set_exit(r, after[r] + geometric(rng, 180, len(r)),
             _choice(rng, len(r), (HOME, HOME_UNPLANNED, RELATIVES, CAO, OTHER, TRANSFERRED,
                                   SGO, DIED),
                     (0.52, 0.16, 0.10, 0.05, 0.10, 0.03, 0.035, 0.005)))

    # Teenagers accommodated under section 20: longer stays, many to 18.
    r = rows[plan == TEEN]
    ls.add(r, after[r], LS["V2"])
    t_exit = after[r] + geometric(rng, 620, len(r))
    kind = _choice(rng, len(r), (HOME, HOME_UNPLANNED, RELATIVES, OTHER, INDEPENDENT,
                                 TRANSFERRED, CUSTODY, CAO, SGO),
                   (0.40, 0.08, 0.10, 0.13, 0.20, 0.03, 0.02, 0.02, 0.02))
    under16 = (t_exit < add_years(dob[r], 16)) & (kind == INDEPENDENT)
    kind[under16] = HOME  # independent living only from 16
    set_exit(r, t_exit, kind)
    # Some teenagers' cases go to court after all.
    to_court = r[rng.random(len(r)) < 0.12]
    t_c1 = after[to_court] + geometric(rng, 120, len(to_court))
    ls.add(to_court, t_c1, LS["C1"])
    ls.add(to_court, t_c1 + 150 + geometric(rng, 150, len(to_court)), LS["C2"])

    # Unaccompanied asylum-seeking children: looked after until 18, a few leave early.
    r = rows[plan == UASC]
    ls.add(r, start[r], LS["V2"])
    early = r[rng.random(len(r)) < 0.08]
    set_exit(early, start[early] + geometric(rng, 150, len(early)),
             _choice(rng, len(early), (AGE_ASSESSED, OTHER, ABROAD, TRANSFERRED),
                     (0.4, 0.3, 0.1, 0.2)))

    # Remands: PACE transfers last a day or two, remands weeks to months.
    r = rows[plan == YOUTH_JUSTICE]
    pace = rng.random(len(r)) < 0.35
    ls.add(r, start[r], np.where(pace, LS["J2"], LS["J1"]))
    t_end = start[r] + np.where(pace, rng.integers(1, 3, len(r)), rng.integers(14, 151, len(r)))
    stays = rng.random(len(r)) < np.where(pace, 0.3, 0.1)  # then accommodated under s20
    outcome = np.where(pace, REMAND_ENDED,
                       _choice(rng, len(r), (REMAND_ENDED, CUSTODY), (0.72, 0.28)))
    set_exit(r[~stays], t_end[~stays], outcome[~stays])
    s = r[stays]
    ls.add(s, t_end[stays], LS["V2"])
    set_exit(s, t_end[stays] + geometric(rng, 300, len(s)),
             _choice(rng, len(s), (HOME, OTHER, CUSTODY), (0.6, 0.25, 0.15)))

    # Care proceedings: interim care order (C1), sometimes after a spell under s20, then the
    # final hearing decides: home, special guardianship, child arrangements, adoption or a
    # full care order.
    r = rows[plan == PROCEEDINGS]
    s20_first = rng.random(len(r)) < 0.35
    ls.add(r[s20_first], after[r[s20_first]], LS["V2"])
    c1 = after[r] + np.where(s20_first, geometric(rng, 75, len(r)), 0)
    ls.add(r, c1, LS["C1"])
    hearing = c1 + np.maximum(60, rng.lognormal(np.log(235), 0.35, len(r))).astype(np.int64)
    outcome = _by_age(rng, (hearing - dob[r]) / 365.25, OUTCOME_BY_AGE)

    home = r[outcome == OUT_HOME]
    h = hearing[outcome == OUT_HOME]
    # Home on trial to parents under the interim order (never under s20: rule 378).
    trial_from = h - rng.integers(30, 120, len(home))
    trial = (rng.random(len(home)) < 0.7) & (trial_from > c1[outcome == OUT_HOME])
    forced.add(home[trial], trial_from[trial], PARENTS)
    care_order = trial & (rng.random(len(home)) < 0.7)  # stays on a care order at home
    set_exit(home[~care_order], h[~care_order], HOME)
    ls.add(home[care_order], h[care_order], LS["C2"])
    set_exit(home[care_order], h[care_order] + rng.integers(300, 1500, care_order.sum()), HOME)

    for out, kind in ((OUT_SGO, SGO), (OUT_CAO, CAO)):
        set_exit(r[outcome == out], hearing[outcome == out], kind)

    lt = outcome == OUT_CARE_ORDER
    ls.add(r[lt], hearing[lt], LS["C2"])
    _long_term(rng, r[lt], hearing[lt], set_exit, forced)

    # Adoption: the agency decision, the placement order at the final hearing, matching,
    # placement with adopters and the adoption order; a few decisions are reversed.
    a = r[outcome == OUT_ADOPT]
    h = hearing[outcome == OUT_ADOPT]
    decision[a] = np.maximum(c1[outcome == OUT_ADOPT] + 14, h - rng.integers(20, 120, len(a)))
    consent = rng.random(len(a)) < 0.06  # placed with parental consent, no placement order
    ls.add(a, h, np.where(consent, LS["C2"], LS["E1"]))
    ffa[a] = (age[a] < 1) & (rng.random(len(a)) < 0.3)
    rev = rng.random(len(a)) < 0.08
    reversed_[a[rev]] = h[rev] + rng.integers(120, 500, rev.sum())
    ls.add(a[rev & ~consent], reversed_[a[rev & ~consent]], LS["C2"])
    _long_term(rng, a[rev], reversed_[a[rev]], set_exit, forced)
    go = a[~rev]
    match[go] = h[~rev] + np.maximum(20, rng.gamma(2.0, 80, len(go))).astype(np.int64)
    placed = match[go] + rng.integers(7, 36, len(go))
    forced.add(go, placed, ADOPTERS)
    order_day = placed + np.maximum(70, rng.gamma(3.0, 85, len(go))).astype(np.int64)
    # DfE's validator counts a child who left on 31 March as looked after on 31 March (rule
    # 187 then rejects the adoption return), so an adoption order due that day is made the
    # day before.
    order_day -= _is_31_march(order_day)
    set_exit(go, order_day, ADOPTED)

    # Looked after past 16 on a care order or s20: many move to supported accommodation.
    at16 = add_years(dob, 16) + rng.integers(0, 400, n)
    to_supported = (np.isin(plan, (PROCEEDINGS, TEEN))) & (rng.random(n) < 0.35) & (at16 > start)
    forced.add(rows[to_supported], at16[to_supported], SUPPORTED)

    # Young mothers: a parent-and-child placement from the birth.
    from15 = np.maximum(start + 30, add_years(dob, 15) + 180)
    until = np.minimum(end, t18) - 2
    mother = np.full(n, NEVER, dtype=np.int64)
    m = (~male) & (until > from15) & (rng.random(n) < 0.05 * np.clip((until - from15) / 365, 0,
                                                                       2.5))
    mother[m] = from15[m] + (rng.random(m.sum()) * (until[m] - from15[m])).astype(np.int64)
    forced.add(rows[m], mother[m], MOTHER_AND_BABY)

    # Everyone leaves care on their 18th birthday at the latest.
    aged_out = t18 <= end
    end[aged_out] = t18[aged_out]
    exit_kind[aged_out] = AGED_18
    beyond = end >= horizon
    end[beyond] = NEVER
    exit_kind[beyond] = STILL_LOOKED_AFTER
    mother[mother >= end] = NEVER

    ls_t, ls_c = ls.pack(n, end)
    forced_t, forced_c = forced.pack(n, end)
    for date in (decision, reversed_, match):
        date[date >= end] = NEVER
    return Pathway(plan, ls_t, ls_c, forced_t, forced_c, end, exit_kind, ffa, decision,
                   reversed_, match, mother)


def _is_31_march(days: np.ndarray) -> np.ndarray:
    _, month, dom = ymd(days)
    return (month == 3) & (dom == 31)


def _long_term(rng, r, t_from, set_exit, forced):
    """After a full care order: most stay to 18; some leave on a special guardianship order
    to their carers, some are discharged home (often after a spell placed with parents)."""
    wait = geometric(rng, 365 / 0.085, len(r))
    kind = _choice(rng, len(r), (SGO, HOME, CAO, OTHER), (0.45, 0.40, 0.10, 0.05))
    t_exit = t_from + wait
    set_exit(r, t_exit, kind)
    trial = (kind == HOME) & (rng.random(len(r)) < 0.7)
    start_trial = t_exit[trial] - rng.integers(270, 900, trial.sum())
    ok = start_trial > t_from[trial]
    forced.add(r[trial][ok], start_trial[ok], PARENTS)
