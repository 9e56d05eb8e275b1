"""Brothers and sisters who come into care together, and the siblings extract.

Most sibling groups come into care because of what happened at home, on one day: a group forms
around a child under 10 at first entry (its lead, simulated with everyone else). The lead's
brothers and sisters are added from the groups' own random stream, so the rest of the history
is the same as without them: born a year or more apart, of the same ethnicity, from the same
home postcode, entering care on the lead's first day. together.py takes them through care with
their lead.

The siblings extract lists the children looked after at the period end whose group has another
member looked after then: PLACED_TOGETHER follows from where each is placed at the period end
(Y: the same placement as all of them; SOME: with some; N: with none).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.synth import children
from etl.synth.care_leavers import pick
from etl.synth.children import Children
from etl.synth.journeys import KEY_SPAN
from etl.synth.together import Follow

SHARE_WITH_SIBLINGS = 0.55  # of children under 10 at first entry: brothers or sisters come too
LEAD_AGE_UNDER = 10  # years at first entry
MORE = (0.62, 0.26, 0.12)  # one, two or three brothers and sisters with the lead
OLDER = 0.6  # share of brothers and sisters older than the lead
GAP_DAYS = (330, 2.0, 380)  # between brothers and sisters: at least, then gamma(shape, scale)
OLDEST_AT_ENTRY = 16.5  # years
# Why brothers and sisters are apart (shares of those apart from some or all): an assessment
# that apart is in their interest, no placement for them all, or no reason recorded.
APART_REASONS = (("ASSESSED", 0.50), ("NO_PLACEMENT", 0.28), ("", 0.22))


@dataclass
class Groups:
    rng: np.random.Generator  # the groups' own stream, drawn from again to simulate them
    is_lead: np.ndarray  # per child
    is_follower: np.ndarray
    lead_of: np.ndarray  # per child: the lead a brother or sister follows, or -1
    size: np.ndarray  # per child: members in the child's group (1 without one)

    def lead_periods(self, leads, child: np.ndarray, start: np.ndarray) -> np.ndarray:
        """The lead's recorded period of care starting on `start`, for each follower."""
        key = leads.child * KEY_SPAN + leads.start
        order = np.argsort(key)
        at = np.searchsorted(key[order], self.lead_of[child] * KEY_SPAN + start)
        period = order[at.clip(0, len(order) - 1)]
        assert (key[period] == self.lead_of[child] * KEY_SPAN + start).all()
        return period

    def first_home(self, leads, child: np.ndarray, start: np.ndarray) -> np.ndarray:
        return leads.home[self.lead_periods(leads, child, start)]

    def follow(self, leads, child: np.ndarray, start: np.ndarray) -> Follow:
        return Follow(self.rng, leads, self.lead_periods(leads, child, start), child,
                      self.size[child])


def draw(rng: np.random.Generator, kids: Children) -> tuple[Children, Groups]:
    """The children with the brothers and sisters of each group's lead appended (so everyone
    else keeps their index), and the groups."""
    n = len(kids)
    age = (kids.first_entry - kids.dob) / 365.25
    eligible = ~kids.uasc & ~kids.short_breaks & ~kids.disabled & (age < LEAD_AGE_UNDER)
    lead = np.flatnonzero(eligible & (rng.random(n) < SHARE_WITH_SIBLINGS))
    more = 1 + rng.choice(len(MORE), len(lead), p=MORE)
    of = np.repeat(lead, more)
    older = rng.random(len(of)) < OLDER
    gap = GAP_DAYS[0] + rng.gamma(GAP_DAYS[1], GAP_DAYS[2], len(of)).astype(np.int64)
    # Older ones are born one after another before the lead, younger ones after.
    order = np.lexsort((older, of))
    of, older, gap = of[order], older[order], gap[order]
    run = np.r_[True, (of[1:] != of[:-1]) | (older[1:] != older[:-1])]
    total = np.cumsum(gap)
    from_lead = total - np.maximum.accumulate(np.where(run, total - gap, 0))
    dob = kids.dob[of] + np.where(older, -from_lead, from_lead)
    at_entry = kids.first_entry[of] - dob
    ok = (at_entry >= 30) & (at_entry < OLDEST_AT_ENTRY * 365.25)
    of, dob = of[ok], dob[ok]
    m = len(of)

    group = np.full(n, -1)
    leads = np.unique(of)
    group[leads] = np.arange(len(leads))
    upn = children.upns(rng, m)
    children.not_obtained(upn, rng.random(m), np.zeros(m, bool))
    follower = Children(
        kids.first_entry[of], dob, rng.random(m) < 0.51, kids.ethnic[of], np.zeros(m, bool),
        np.zeros(m, bool), np.zeros(m, bool), _new_ids(rng, kids.child_id, m), upn, group[of])
    kids = Children(**{f: np.concatenate([getattr(kids, f), getattr(follower, f)])
                       for f in Children.__dataclass_fields__})
    kids.group[:n] = group
    lead_of = np.r_[np.full(n, -1), of]
    size = np.ones(n + m, np.int64)
    members = np.bincount(of, minlength=n) + 1
    size[leads] = members[leads]
    size[n:] = members[of]
    is_lead = np.zeros(n + m, bool)
    is_lead[leads] = True
    return kids, Groups(rng, is_lead, lead_of >= 0, lead_of, size)


def _new_ids(rng, taken: np.ndarray, m: int) -> np.ndarray:
    """CHILD identifiers in the same form as everyone's, none already used."""
    used = set(taken)
    out: list[str] = []
    while len(out) < m:
        ids = np.char.add("C", (rng.choice(90_000_000, m, replace=False) + 10_000_000)
                          .astype("U8")).astype(object)
        fresh = [i for i in ids if i not in used]
        used.update(fresh)
        out += fresh
    return np.array(out[:m], dtype=object)


def siblings_table(seed: int, purpose: int, hist, cla: np.ndarray,
                   episode: np.ndarray) -> pd.DataFrame:
    """Rows for children looked after at the period end (`cla`, in `episode` then) whose
    sibling group has another member looked after: placed together means the same placement
    as the extract shows it (PL_POST, URN and provider)."""
    kids, e = hist.children, hist.episodes
    group = kids.group[cla]
    members, count = np.unique(group[group >= 0], return_counts=True)
    with_another = np.isin(group, members[count >= 2])
    cla, episode, group = cla[with_another], episode[with_another], group[with_another]
    placed = ((e.postcode[episode] + 1) * 100_000 + e.urn[episode] + 1) * 8 + e.provider[
        episode] + 1

    frame = pd.DataFrame({"group": group, "placed": placed})
    together = frame.groupby(["group", "placed"])["group"].transform("size").to_numpy()
    size = frame.groupby("group")["group"].transform("size").to_numpy()
    placed_together = np.where(together == size, "Y", np.where(together > 1, "SOME", "N"))
    reason = pick(np.random.default_rng([seed, purpose]).random(len(kids))[cla],
                  APART_REASONS)
    return pd.DataFrame({
        "CHILD": kids.child_id[cla], "SIBLING_GROUP": np.char.add("SG", np.char.zfill(
            group.astype(str), 5)).astype(object),
        "PLACED_TOGETHER": placed_together,
        "APART_REASON": np.where(placed_together == "Y", "", reason),
    })
