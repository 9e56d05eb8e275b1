"""Brothers and sisters in care with their group's lead (siblings.py), one period of care at
a time, following the lead's period as journeys.py recorded it.

They share the lead's legal course where it fits them: the same proceedings, the same way out
of care on the same day (the same REC), and back into care together. Nobody stays past 18, a
younger child stays on when an older lead ages out, and a child of 9 or more is not adopted
with a younger lead (they get their own course, as they would in a remand or a death).

They take the lead's placements while they stay together. A group is sometimes apart from the
first day (no carer for them all), and later one may move on alone, or stay when the lead
moves; once apart they stay apart for the rest of the period of care.
"""
from __future__ import annotations

import numpy as np

from etl.synth import period_of_care as poc
from etl.synth import placement as pl
from etl.synth.dates import NEVER, add_years
from etl.synth.journeys import KEY_SPAN

APART_FROM_START = (0.12, 0.30)  # groups of two; of three or more
SPLIT_WHEN_LEAD_MOVES = 0.10
LEAD_MOVES_ALONE = 0.05  # per placement they share, when the lead's move is not planned
MOVES_ALONE = 0.05
OLDEST_ADOPTED_WITH_LEAD = 9  # years at the decision that the lead should be adopted
BACK_WITH_LEAD = 0.85  # brothers and sisters who come back into care when the lead does
LEAD_ONLY_EXITS = (poc.DIED, poc.CUSTODY, poc.REMAND_ENDED, poc.AGE_ASSESSED, poc.ABROAD)
STAY_TO_18 = (poc.AGED_18, poc.INDEPENDENT, poc.STILL_LOOKED_AFTER)
SUPPORTED_AT_16 = 0.35  # as period_of_care.py: looked after past 16, moving to supported


class Follow:
    """One round of brothers and sisters (batch rows) and the lead period each follows."""

    def __init__(self, rng, leads, period: np.ndarray, child: np.ndarray, size: np.ndarray):
        self.leads, self.p, self.child = leads, period, child
        self.way = _rows(leads.way, period)
        self.cin = leads.cin[period]
        plc = leads.placements
        order = np.lexsort((plc["start"], plc["period"]))
        self._plc = {k: v[order] for k, v in plc.items()}
        self._key = self._plc["period"] * KEY_SPAN + self._plc["start"]
        n = len(period)
        two, more = APART_FROM_START
        self.apart = rng.random(n) < np.where(size > 2, more, two)
        self.moved = np.zeros(n, bool)
        self.shared = np.zeros(n, bool)

    # --- the legal course ------------------------------------------------------------------

    def plan_for(self, dob, start) -> np.ndarray:
        """The lead's plan, but a teenager's (section 20) only for those 10 or over."""
        young = (self.way.plan == poc.TEEN) & (start - dob < 10 * 365.25)
        return np.where(young, poc.SHORT, self.way.plan)

    def share_course(self, rng, way: poc.Pathway, dob, start, horizon: int) -> poc.Pathway:
        """Their own course (`way`, drawn with the lead's plan) or, where it fits, the lead's."""
        lw = self.way
        n = len(start)
        at_decision = (lw.decision - dob) / 365.25
        fits = (np.isin(lw.plan, (poc.SHORT, poc.PROCEEDINGS))
                | ((lw.plan == poc.TEEN) & (start - dob >= 10 * 365.25)))
        shared = (fits & ~np.isin(lw.exit, LEAD_ONLY_EXITS)
                  & ~((lw.decision < NEVER) & (at_decision >= OLDEST_ADOPTED_WITH_LEAD)))
        self.shared = shared
        t18 = add_years(dob, 18)
        stays = np.isin(lw.exit, STAY_TO_18)
        end = np.where(stays, t18, lw.end)
        exit_kind = np.where(stays, poc.AGED_18, lw.exit).astype(np.int8)
        aged = t18 <= end
        end[aged], exit_kind[aged] = t18[aged], poc.AGED_18
        beyond = end >= horizon
        end[beyond], exit_kind[beyond] = NEVER, poc.STILL_LOOKED_AFTER
        end = np.where(shared, end, way.end)

        ls, forced = poc._Events(), poc._Events()
        _add(ls, way.ls_t, way.ls, ~shared)
        _add(ls, lw.ls_t, lw.ls, shared)
        _add(forced, way.forced_t, way.forced, ~shared)
        _add(forced, lw.forced_t, lw.forced, shared,  # the lead's own moves stay the lead's
             drop=(poc.SUPPORTED, poc.MOTHER_AND_BABY))
        at16 = add_years(dob, 16) + rng.integers(0, 400, n)
        supported = (shared & np.isin(lw.plan, (poc.PROCEEDINGS, poc.TEEN)) & (at16 > start)
                     & (rng.random(n) < SUPPORTED_AT_16))
        forced.add(np.flatnonzero(supported), at16[supported], poc.SUPPORTED)
        ls_t, ls_c = ls.pack(n, end)
        forced_t, forced_c = forced.pack(n, end)

        def lead_date(lead, own):
            return np.where(shared, np.where(lead < end, lead, NEVER), own)

        return poc.Pathway(
            np.where(shared, lw.plan, way.plan), ls_t, ls_c, forced_t, forced_c, end,
            np.where(shared, exit_kind, way.exit).astype(np.int8), way.ffa & ~shared,
            lead_date(lw.decision, way.decision), lead_date(lw.reversed, way.reversed),
            lead_date(lw.match, way.match), np.where(shared, NEVER, way.mother))

    def leaving_codes(self, rec, way: poc.Pathway, final_place) -> np.ndarray:
        """Leaving with the lead, from the same placement: the lead's REC."""
        same = (self.shared & (way.end == self.way.end) & (way.exit == self.way.exit)
                & (final_place == self.leads.final_place[self.p]))
        return np.where(same, self.leads.rec[self.p], rec)

    def back_into_care(self, rng, way: poc.Pathway, dob):
        """(child, start, home) of those who come back into care with their lead."""
        leads = self.leads
        key = leads.child * KEY_SPAN + leads.start
        order = np.argsort(key)
        nxt = np.searchsorted(key[order], key[self.p], side="right")
        nxt = order[nxt.clip(0, len(order) - 1)]
        again = leads.start[nxt]
        ok = (self.shared & (way.end == self.way.end) & (way.end < NEVER)
              & (leads.child[nxt] == leads.child[self.p]) & (again > self.way.end)
              & (leads.way.plan[nxt] != poc.YOUTH_JUSTICE)
              & (again < add_years(dob, 18) - 60) & (rng.random(len(dob)) < BACK_WITH_LEAD))
        return self.child[ok], again[ok], leads.home[nxt][ok]

    # --- placements --------------------------------------------------------------------------

    def together_at(self, rng, rows, t0, age, forced):
        """(rows that take the lead's placement starting at t0, index of that placement)."""
        n = len(rows)
        if len(self._key) == 0:
            return np.zeros(n, bool), np.zeros(n, np.int64)
        key = self.p[rows] * KEY_SPAN + t0
        j = np.searchsorted(self._key, key).clip(0, len(self._key) - 1)
        kind = self._plc["kind"][j]
        fits = np.select([kind == pl.SUPPORTED, kind == pl.HOME,
                          np.isin(kind, (pl.SECURE, pl.SCHOOL, pl.HEALTH))],
                         [age >= 16, age >= 5, False], True)
        ok = ((self._key[j] == key) & ~self.apart[rows] & fits
              & (self._plc["forced"][j] == forced))
        ok &= ~(self.moved[rows] & (rng.random(n) < SPLIT_WHEN_LEAD_MOVES))
        self.apart[rows[~ok]] = True
        self.moved[rows] = True
        return ok, j

    def carers(self, j) -> pl.Carers:
        return pl.Carers(*(self._plc[f][j] for f in pl.Carers.__dataclass_fields__))

    def kind(self, j):
        return self._plc["kind"][j]

    def end(self, j):
        return self._plc["end"][j]

    def reason(self, j):
        return self._plc["reason"][j]

    def redesignated(self, j):
        return self._plc["redesignated"][j]

    def holds(self, rng, rows, j, t0, own):
        """Days the shared placement holds for them: to the lead's move; or on, for `own` more
        days, when the lead's care ends, when the lead's plan (not theirs) moves the lead, or
        now and then when the lead alone moves; or part of it, when they move on alone."""
        planned, last = self._plc["planned"][j], self._plc["last"][j]
        u = rng.random(len(rows))
        held = self._plc["end"][j] - t0
        stays = last | (planned & ~self.shared[rows]) | (~planned & (u < LEAD_MOVES_ALONE))
        alone = (~stays & ~planned & (u >= LEAD_MOVES_ALONE)
                 & (u < LEAD_MOVES_ALONE + MOVES_ALONE))
        part = np.maximum(1, (held * rng.random(len(rows))).astype(np.int64))
        self.apart[rows[(stays & ~last) | alone]] = True
        return np.where(stays, held + own, np.where(alone, part, held))


def _add(events, t: np.ndarray, code: np.ndarray, rows: np.ndarray, drop=()) -> None:
    """The events of the chosen rows of a (rows, k) matrix pair, but those of `drop` kinds."""
    r, col = np.nonzero((t < NEVER) & rows[:, None])
    keep = ~np.isin(code[r, col], drop)
    events.add(r[keep], t[r, col][keep], code[r, col][keep])


def _rows(way: poc.Pathway, rows) -> poc.Pathway:
    return poc.Pathway(**{f: getattr(way, f)[rows] for f in poc.Pathway.__dataclass_fields__})
