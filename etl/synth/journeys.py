"""Children's journeys through care, simulated from a burn-in years before the first extract
to the last period end, and turned into SSDA903 episodes.

For each period of care (period_of_care.py gives its legal course) placements follow one
another (placement.py): each lasts until it breaks down, the plan forces a move, or care
ends. Temporary placements (hospital, holidays) sit inside placements, and a foster
placement can be re-designated long-term once a care order is made. Every day on which the
legal status, the carer or the placement changes starts a new episode, and the reason for
new episode follows from what changed, exactly as DfE defines it:
S start of care; L legal status only; P new carer; T same carer, new placement;
B new legal status and carer; U new legal status and placement, same carer.
A child who goes home may come back: a new period of care, same child.

Brothers and sisters who come into care with a child (siblings.py) are simulated last, from
their own random stream, each following the periods of care recorded for that child
(together.py), so adding them leaves everyone else's history as it was.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.synth import period_of_care as poc
from etl.synth import placement as pl
from etl.synth.children import Children
from etl.synth.dates import NEVER, add_years
from etl.synth.geography import Geography
from etl.synth.workforce import Teams, assign_teams

KEY_SPAN = np.int64(1 << 20)  # days per period in the sort key (period * KEY_SPAN + day)
CIN_MIX = {"N1": 0.70, "N3": 0.03, "N4": 0.07, "N5": 0.12, "N6": 0.02, "N7": 0.003,
           "N8": 0.057}  # category of need at entry (N2 disability and UASC's N8 set apart)
REASONS_UNPLANNED = ("CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "ALLEG", "STAND", "CLOSE",
                     "APPRR", "OTHER")
REASONS_UNPLANNED_SHARE = np.array((0.34, 0.16, 0.09, 0.07, 0.08, 0.03, 0.03, 0.04, 0.02, 0.14))
RE_ENTRY = {poc.HOME: 0.25, poc.HOME_UNPLANNED: 0.40, poc.RELATIVES: 0.25, poc.OTHER: 0.25,
            poc.CAO: 0.10}
TEMP_RATE = 0.07  # temporary placements per placement-year


@dataclass
class Periods:
    child: np.ndarray
    start: np.ndarray
    end: np.ndarray  # NEVER: still looked after at the horizon
    exit: np.ndarray
    rec: np.ndarray  # REC of the last episode ("" while open)
    home: np.ndarray  # home postcode index, -1 for UASC
    cin: np.ndarray
    plan: np.ndarray
    decision: np.ndarray  # placement-for-adoption milestones (NEVER when none)
    reversed: np.ndarray
    match: np.ndarray
    mother: np.ndarray  # day the young person's own child was born (NEVER when none)


@dataclass
class Episodes:
    child: np.ndarray
    period: np.ndarray  # -1 for short breaks
    decom: np.ndarray
    dec: np.ndarray  # NEVER while open
    rne: np.ndarray
    ls: np.ndarray  # LS code strings
    cin: np.ndarray
    place: np.ndarray  # index into placement.PLACES
    provider: np.ndarray  # 0-5, -1 blank
    postcode: np.ndarray  # -1 blank
    home: np.ndarray  # -1 blank
    urn: np.ndarray  # -1 blank
    rec: np.ndarray  # "" blank
    reason: np.ndarray  # REASON_PLACE_CHANGE, "" blank
    new_placement: np.ndarray  # a placement start as the indicators count it


@dataclass
class History:
    children: Children
    team: np.ndarray
    periods: Periods
    episodes: Episodes
    providers: pl.Providers


@dataclass
class Recorded:
    """Some children's periods of care as simulated, with their placements (the arrays
    `_episodes` builds, `period` indexing these periods), so their brothers and sisters can
    follow them (siblings.py)."""
    child: np.ndarray
    start: np.ndarray
    way: poc.Pathway
    home: np.ndarray
    cin: np.ndarray
    rec: np.ndarray
    final_place: np.ndarray
    placements: dict

    @staticmethod
    def of(mask, child, start, way, home, cin, rec, final_place, plc) -> Recorded:
        rows = np.flatnonzero(mask)
        index = np.full(len(child), -1)
        index[rows] = np.arange(len(rows))
        keep = mask[plc["row"]]
        placements = {k: v[keep] for k, v in plc.items() if k != "row"}
        placements["period"] = index[plc["row"][keep]]
        return Recorded(child[rows], start[rows],
                        poc.Pathway(**{f: getattr(way, f)[rows] for f in _WAY}), home[rows],
                        cin[rows], rec[rows], final_place[rows], placements)

    @staticmethod
    def join(parts: list[Recorded]) -> Recorded:
        offset = np.cumsum([0] + [len(p.child) for p in parts])
        ways = {}
        for f in _WAY:  # event matrices differ in width from round to round: pad them
            arrays = [getattr(p.way, f) for p in parts]
            if arrays[0].ndim == 2:
                width = max(a.shape[1] for a in arrays)
                fill = NEVER if f.endswith("_t") else -1
                arrays = [np.pad(a, ((0, 0), (0, width - a.shape[1])), constant_values=fill)
                          for a in arrays]
            ways[f] = np.concatenate(arrays)
        placements = {k: np.concatenate([p.placements[k] for p in parts])
                      for k in parts[0].placements}
        placements["period"] = np.concatenate([p.placements["period"] + o
                                               for p, o in zip(parts, offset)])
        return Recorded(*(np.concatenate([getattr(p, f) for p in parts])
                          for f in ("child", "start")), poc.Pathway(**ways),
                        *(np.concatenate([getattr(p, f) for p in parts])
                          for f in ("home", "cin", "rec", "final_place")), placements)


_WAY = tuple(poc.Pathway.__dataclass_fields__)


def keep_children(hist: History, keep: np.ndarray) -> History:
    """The history of a subset of the children (their periods and episodes), re-indexed."""
    new_child = np.cumsum(keep) - 1
    kids = Children(**{f: getattr(hist.children, f)[keep]
                       for f in Children.__dataclass_fields__})
    per_keep = keep[hist.periods.child]
    new_period = np.cumsum(per_keep) - 1
    periods = Periods(**{f: getattr(hist.periods, f)[per_keep]
                         for f in Periods.__dataclass_fields__})
    periods.child = new_child[periods.child]
    e_keep = keep[hist.episodes.child]
    episodes = Episodes(**{f: getattr(hist.episodes, f)[e_keep]
                           for f in Episodes.__dataclass_fields__})
    episodes.child = new_child[episodes.child]
    episodes.period = np.where(episodes.period >= 0, new_period[np.maximum(episodes.period, 0)],
                               -1)
    return History(kids, hist.team[keep], periods, episodes, hist.providers)


def _concat(parts: list, cls):
    return cls(**{f: np.concatenate([getattr(p, f) for p in parts])
                  for f in cls.__dataclass_fields__})


def _value_at(times: np.ndarray, values: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Row-wise: the value of the last change at or before `when` (times padded with NEVER)."""
    idx = (times <= when[:, None]).sum(axis=1) - 1
    return values[np.arange(len(when)), np.maximum(idx, 0)]


def simulate(rng: np.random.Generator, geo: Geography, teams: Teams, kids: Children,
             providers: pl.Providers, horizon: int, groups=None) -> History:
    """Everyone's periods of care and episodes. With `groups` (siblings.Groups), the brothers
    and sisters it adds come into care with their group's lead child: they are simulated after
    everyone else, from the groups' own random stream, following the lead's recorded periods,
    so the rest of the history is the same as without them."""
    ids = pl.CarerIds()
    follower = groups.is_follower if groups is not None else np.zeros(len(kids), bool)
    in_care = np.flatnonzero(~kids.short_breaks & ~follower)
    child, start = in_care, kids.first_entry[in_care]
    home = geo.pick(rng, np.where(rng.random(len(child)) < 0.92, pl.IN_LA, pl.NEAR))
    home[kids.uasc[child]] = -1  # DfE: no home postcode for unaccompanied asylum seekers
    team = np.zeros(len(kids), np.int64)

    def assign(way: poc.Pathway, child: np.ndarray, home: np.ndarray) -> None:
        baby = (way.plan == poc.PROCEEDINGS) & (start - kids.dob[child] < 730)
        centre = np.median(geo.north[geo.own])
        north = np.where(home >= 0, geo.north[np.maximum(home, 0)] >= centre,
                         rng.random(len(child)) < 0.5)
        team[child] = assign_teams(rng, teams, kids.disabled[child], baby, north)

    periods, episodes, leads = _rounds(
        rng, geo, providers, ids, teams, kids, team, child, start, home, horizon, 0,
        on_first=assign, record=None if groups is None else groups.is_lead)
    episodes.append(_short_breaks(rng, kids, horizon))
    team[kids.short_breaks] = assign_teams(rng, teams, kids.disabled[kids.short_breaks],
                                           np.zeros(kids.short_breaks.sum(), bool),
                                           np.zeros(kids.short_breaks.sum(), bool))
    if groups is not None:
        f = np.flatnonzero(follower)
        team[f] = team[groups.lead_of[f]]  # one family, one social work team
        first = kids.first_entry[f]
        more, more_eps, _ = _rounds(
            groups.rng, geo, providers, ids, teams, kids, team, f, first,
            groups.first_home(leads, f, first), horizon, sum(len(p.child) for p in periods),
            follow=lambda child, start: groups.follow(leads, child, start))
        periods += more
        episodes += more_eps
    episodes = _concat(episodes, Episodes)
    order = np.lexsort((episodes.decom, episodes.child))
    episodes = Episodes(**{f: getattr(episodes, f)[order] for f in Episodes.__dataclass_fields__})
    return History(kids, team, _concat(periods, Periods), episodes, providers)


def _rounds(rng, geo, providers, ids, teams, kids, team, child, start, home, horizon,
            n_periods, on_first=None, record=None, follow=None):
    """Periods of care round by round: everyone's first, then those who come back into care
    (a new period, same child). Returns (Periods parts, Episodes parts, the periods of the
    children in `record` as simulated). `follow(child, start)`, for brothers and sisters,
    gives each round's lead to follow; they come back into care only with their lead."""
    period_parts, episode_parts, recorded = [], [], []
    first_round = True
    while len(child):
        lead = follow(child, start) if follow is not None else None
        plan = None if lead is None else lead.plan_for(kids.dob[child], start)
        way = poc.plan_periods(rng, start, kids.dob[child], kids.male[child], kids.uasc[child],
                               horizon, plan)
        if lead is not None:
            way = lead.share_course(rng, way, kids.dob[child], start, horizon)
        if first_round and on_first is not None:
            on_first(way, child, home)
        first_round = False
        cin = np.array(list(CIN_MIX), dtype=object)[
            rng.choice(len(CIN_MIX), len(child), p=np.array(list(CIN_MIX.values())) /
                       sum(CIN_MIX.values()))]
        cin[kids.disabled[child]] = "N2"
        cin[kids.uasc[child]] = "N8"
        if lead is not None:
            cin = lead.cin.copy()  # one family: the same need brought them into care
        period_id = n_periods + np.arange(len(child))
        n_periods += len(child)
        eps, final_place, plc = _episodes(rng, geo, providers, ids, way, child, period_id, start,
                                          kids, home, cin, teams.move_scale[team[child]],
                                          horizon, lead)
        rec = _leaving_code(rng, way.exit, final_place, kids.disabled[child])
        if lead is not None:
            rec = lead.leaving_codes(rec, way, final_place)
        last = np.flatnonzero(np.r_[eps.period[1:] != eps.period[:-1], True])
        eps.rec[last] = rec[eps.period[last] - period_id[0]]
        episode_parts.append(eps)
        period_parts.append(Periods(child, start, way.end, way.exit, rec, home, cin, way.plan,
                                    way.decision, way.reversed, way.match, way.mother))
        if record is not None:
            recorded.append(Recorded.of(record[child], child, start, way, home, cin, rec,
                                        final_place, plc))
        if lead is not None:
            child, start, home = lead.back_into_care(rng, way, kids.dob[child])
            continue
        # Some who went home come back into care: a new period, same child.
        age_out = (way.end - kids.dob[child]) / 365.25
        p_back = np.zeros(len(child))
        for kind, p in RE_ENTRY.items():
            p_back[way.exit == kind] = p
        back = (rng.random(len(child)) < p_back) & (age_out < 16.5) & (way.end < NEVER)
        again = way.end[back] + 1 + rng.geometric(1 / 420, back.sum())
        ok = (again < horizon) & (again < add_years(kids.dob[child[back]], 18) - 60)
        child, start = child[back][ok], again[ok]
        keep_home = rng.random(len(child)) < 0.8
        home = np.where(keep_home, home[back][ok],
                        geo.pick(rng, np.where(rng.random(len(child)) < 0.9, pl.IN_LA,
                                               pl.NEAR)))
        home[kids.uasc[child]] = -1
    return period_parts, episode_parts, Recorded.join(recorded) if record is not None else None


def _episodes(rng, geo, providers, ids, way: poc.Pathway, child, period_id, start, kids, home,
              cin, move_scale, horizon, lead=None):
    """Placements for a batch of periods, then their episodes (and the placements, for
    brothers and sisters to follow). `lead` (together.Follow): while brothers and sisters
    stay together, they take their lead's placements."""
    n = len(child)
    dob, uasc = kids.dob[child], kids.uasc[child]
    bound = np.minimum(way.end, horizon)
    c2_from = np.where(way.ls == poc.LS["C2"], way.ls_t, NEVER).min(axis=1)
    current = pl.Carers(np.full(n, -1, np.int8), np.full(n, -1, np.int8), np.full(n, -1),
                        np.full(n, -1), np.full(n, -1))
    forced_next = np.zeros(n, np.int8)  # 0: choose by context
    moves = np.zeros(n, np.int64)
    last_kind = np.full(n, -1, np.int8)
    t = start.copy()
    plc = {k: [] for k in ("row", "start", "end", "place", "provider", "postcode", "urn",
                           "carer", "reason", "kind", "planned", "forced", "last")}
    redesig = {k: [] for k in ("row", "day", "place", "placement")}
    n_placements = 0
    active = np.flatnonzero(t < bound)
    while len(active):
        t0 = t[active]
        age = (t0 - dob[active]) / 365.25
        forced = forced_next[active]
        ls_now = _value_at(way.ls_t[active], way.ls[active], t0)
        kind = pl.choose_kind(rng, age, uasc[active], moves[active],
                              last_kind[active] == pl.HOME)
        kind[(forced == poc.SUPPORTED) & (age >= 16)] = pl.SUPPORTED
        baby = forced == poc.MOTHER_AND_BABY
        kind[baby] = np.where((age[baby] >= 16) & (rng.random(baby.sum()) < 0.4),
                              pl.SUPPORTED, pl.FOSTERING)
        kind[(kind == pl.SUPPORTED) & (age < 16)] = pl.FOSTERING
        long_term = (ls_now == poc.LS["C2"]) & (moves[active] > 0) & (rng.random(len(t0)) < 0.4)
        ffa = way.ffa[active] & (moves[active] == 0)
        new = pl.place_with(rng, geo, providers, ids, kind, age, ffa, long_term)
        parents = forced == poc.PARENTS
        if parents.any():
            _assign(new, parents, pl.with_parents(home[active[parents]], ids))
        adopt = forced == poc.ADOPTERS
        if adopt.any():
            prev = pl.Carers(*(getattr(current, f)[active[adopt]]
                               for f in pl.Carers.__dataclass_fields__))
            _assign(new, adopt, pl.with_adopters(rng, geo, providers, ids, prev,
                                                 ls_now[adopt] == poc.LS["C2"]))
        _differ_from(new, current, active, home, geo, ids)

        holds = pl.holds_for(rng, kind, age, moves[active] == 0, move_scale[active])
        stays = parents | adopt | ffa  # these end only when care or the plan moves on
        holds[stays] = NEVER
        if lead is not None:
            copy, j = lead.together_at(rng, active, t0, age, forced)
            _assign(new, copy, lead.carers(j[copy]))
            kind[copy] = lead.kind(j[copy])
            holds[copy] = lead.holds(rng, active[copy], j[copy], t0[copy], holds[copy])
        nxt_forced = np.where(way.forced_t[active] > t0[:, None], way.forced_t[active], NEVER)
        which = nxt_forced.argmin(axis=1)
        f_t = nxt_forced[np.arange(len(t0)), which]
        f_kind = way.forced[active][np.arange(len(t0)), which]
        end = np.minimum(np.minimum(t0 + holds, f_t), bound[active])
        planned = (end == f_t) & (f_t < bound[active])
        broke = ~planned & (end < bound[active])
        reason = np.full(len(t0), "", dtype=object)
        reason[planned] = "CARPL"
        reason[broke] = np.array(REASONS_UNPLANNED, dtype=object)[
            rng.choice(len(REASONS_UNPLANNED), broke.sum(), p=REASONS_UNPLANNED_SHARE)]
        if lead is not None:  # moving on with the lead, for the lead's reason
            with_lead = copy & (end == lead.end(j))
            reason[with_lead] = lead.reason(j[with_lead])

        for k, v in (("row", active), ("start", t0), ("end", end), ("place", new.place),
                     ("provider", new.provider), ("postcode", new.postcode), ("urn", new.urn),
                     ("carer", new.carer), ("reason", reason), ("kind", kind),
                     ("planned", planned), ("forced", forced),
                     ("last", end >= bound[active])):
            plc[k].append(v)
        # Re-designated long-term once a care order is made, if the placement lasts.
        short_term = np.isin(new.place, (pl.P["U6"], pl.P["U3"]))
        when = np.maximum(t0, c2_from[active]) + rng.integers(90, 400, len(t0))
        re = short_term & (when < end - 1) & (rng.random(len(t0)) < 0.6)
        if lead is not None:  # the same day as the lead's, if still there
            when[copy] = lead.redesignated(j[copy])
            re[copy] = short_term[copy] & (when[copy] < end[copy] - 1)
        redesig["row"].append(active[re])
        redesig["day"].append(when[re])
        redesig["place"].append(np.where(new.place[re] == pl.P["U6"], pl.P["U4"],
                                         pl.P["U1"]).astype(np.int8))
        redesig["placement"].append(n_placements + np.flatnonzero(re))
        n_placements += len(t0)

        _assign(current, np.ones(len(active), bool), new, rows=active)
        forced_next[active] = np.where(planned, f_kind, 0)
        moves[active] += 1
        last_kind[active] = kind
        t[active] = end
        active = active[end < bound[active]]

    plc = {k: np.concatenate(v) for k, v in plc.items()}
    redesig = {k: np.concatenate(v) for k, v in redesig.items()}
    plc["redesignated"] = np.full(len(plc["start"]), NEVER)
    plc["redesignated"][redesig["placement"]] = redesig["day"]
    temps = _temporary(rng, geo, ids, plc, redesig, way)
    return (*_build(plc, redesig, temps, way, child, period_id, home, cin), plc)


def _assign(target: pl.Carers, mask, source: pl.Carers, rows=None):
    where = np.flatnonzero(mask) if rows is None else rows
    for f in pl.Carers.__dataclass_fields__:
        getattr(target, f)[where] = getattr(source, f)


def _differ_from(new: pl.Carers, current: pl.Carers, active, home, geo: Geography,
                 ids: pl.CarerIds):
    """A new carer must differ from the last in what the return shows (RNE P needs a change
    of PLACE, PL_POST, URN or provider: rule 435) and, except with parents, not be at the
    child's home postcode (392d). Establishments drawn twice in a row become the next one."""
    prev_post = current.postcode[active]
    same = ((new.place == current.place[active]) & (new.postcode == prev_post)
            & (new.urn == current.urn[active]) & (new.provider == current.provider[active]))
    at_home = (new.place != pl.P["P1"]) & (new.postcode == home[active])
    bump = same | at_home
    new.postcode[bump] = np.where(new.postcode[bump] + 1 < len(geo.postcode),
                                  new.postcode[bump] + 1, new.postcode[bump] - 1)
    new.carer[same] = ids.fresh(same.sum())  # a different household next door


def _temporary(rng, geo, ids, plc, redesig, way: poc.Pathway):
    """Temporary placements inside ordinary ones, clear of any other change: a temporary
    episode is followed by a return to the same placement (RNE P, same PLACE and PL_POST:
    rule 383), so nothing else may happen while it lasts."""
    length = plc["end"] - plc["start"]
    eligible = (np.isin(plc["kind"], (pl.KIN, pl.FOSTERING, pl.HOME, pl.SUPPORTED))
                & (~np.isin(plc["place"], pl.ADOPTION)) & (plc["place"] != pl.P["P1"])
                & (length > 30) & (length < NEVER // 2))
    chosen = eligible & (rng.random(len(length)) < 1 - np.exp(-TEMP_RATE * length / 365.25))
    idx = np.flatnonzero(chosen)
    carers, dur = pl.temporary(rng, geo, ids, len(idx))
    room = length[idx] - dur - 6
    ok = room > 0
    idx, dur = idx[ok], dur[ok]
    carers = pl.Carers(*(getattr(carers, f)[ok] for f in pl.Carers.__dataclass_fields__))
    ts = plc["start"][idx] + 3 + (rng.random(len(idx)) * room[ok]).astype(np.int64)
    te = ts + dur
    row = plc["row"][idx]
    # Clear of legal status changes and re-designations.
    ls_t = way.ls_t[row]
    clear = ~((ls_t >= ts[:, None]) & (ls_t <= te[:, None])).any(axis=1)
    rd_key = redesig["row"].astype(np.int64) * KEY_SPAN + redesig["day"]
    order = np.sort(rd_key)
    lo = np.searchsorted(order, row * KEY_SPAN + ts, side="left")
    hi = np.searchsorted(order, row * KEY_SPAN + te, side="right")
    clear &= lo == hi
    sel = np.flatnonzero(clear)
    return {"row": row[sel], "start": ts[sel], "end": te[sel],
            "carers": pl.Carers(*(getattr(carers, f)[sel] for f in pl.Carers.__dataclass_fields__))}


def _last_at_or_before(keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """For sorted (period, day) keys: the last one at or before each query in the same
    period, or -1."""
    if len(keys) == 0:
        return np.full(len(query), -1)
    i = np.searchsorted(keys, query, side="right") - 1
    ok = (i >= 0) & (keys[np.maximum(i, 0)] // KEY_SPAN == query // KEY_SPAN)
    return np.where(ok, i, -1)


def _build(plc, redesig, temps, way: poc.Pathway, child, period_id, home, cin):
    """Episodes: one per day on which something reported changes, RNE from what changed."""
    n = len(child)
    ls_rows, ls_cols = np.nonzero(way.ls_t < NEVER)
    ls_key = ls_rows * KEY_SPAN + way.ls_t[ls_rows, ls_cols]
    ls_val = way.ls[ls_rows, ls_cols]
    pl_key = plc["row"].astype(np.int64) * KEY_SPAN + plc["start"]
    o = np.argsort(pl_key, kind="stable")
    pl_key = pl_key[o]
    plc = {k: v[o] for k, v in plc.items()}
    placement_id = np.argsort(o)  # redesig["placement"] refers to the unsorted order
    rd_key = redesig["row"].astype(np.int64) * KEY_SPAN + redesig["day"]
    o = np.argsort(rd_key, kind="stable")
    rd_key, rd_place, rd_plc = rd_key[o], redesig["place"][o], placement_id[redesig["placement"][o]]
    tp_key = temps["row"].astype(np.int64) * KEY_SPAN + temps["start"]
    o = np.argsort(tp_key, kind="stable")
    tp_key, tp_end = tp_key[o], temps["end"][o]
    tp = pl.Carers(*(getattr(temps["carers"], f)[o] for f in pl.Carers.__dataclass_fields__))
    tp_row = temps["row"][o]

    days = np.unique(np.concatenate([ls_key, pl_key, rd_key, tp_key,
                                     tp_row.astype(np.int64) * KEY_SPAN + tp_end]))
    row = days // KEY_SPAN
    day = days % KEY_SPAN
    ls = ls_val[np.searchsorted(ls_key, days, side="right") - 1]
    p = np.searchsorted(pl_key, days, side="right") - 1
    place = plc["place"][p].copy()
    provider, postcode = plc["provider"][p].copy(), plc["postcode"][p].copy()
    urn, carer = plc["urn"][p].copy(), plc["carer"][p].copy()
    r = _last_at_or_before(rd_key, days)
    re = (r >= 0) & (rd_plc[np.maximum(r, 0)] == p) if len(rd_key) else r >= 0
    place[re] = rd_place[r[re]]
    k = _last_at_or_before(tp_key, days)
    in_temp = (k >= 0) & (tp_end[np.maximum(k, 0)] > day) if len(tp_key) else k >= 0
    for name, arr in (("place", place), ("provider", provider), ("postcode", postcode),
                      ("urn", urn), ("carer", carer)):
        arr[in_temp] = getattr(tp, name)[k[in_temp]]

    first = np.r_[True, row[1:] != row[:-1]]
    prev = np.r_[0, np.arange(len(row) - 1)]
    ls_changed = ls != ls[prev]
    carer_changed = carer != carer[prev]
    place_changed = ((place != place[prev]) | (postcode != postcode[prev]) | (urn != urn[prev])
                     | (provider != provider[prev]))
    rne = np.select([first, carer_changed & ls_changed, carer_changed,
                     place_changed & ls_changed, place_changed, ls_changed],
                    ["S", "B", "P", "U", "T", "L"], "").astype(object)
    keep = rne != ""
    row, day, ls, rne, p = row[keep], day[keep], ls[keep], rne[keep], p[keep]
    place, provider, postcode = place[keep], provider[keep], postcode[keep]
    urn = urn[keep]

    last = np.r_[row[1:] != row[:-1], True]
    dec = np.where(last, way.end[row], np.r_[day[1:], 0])
    nxt = np.r_[np.arange(1, len(row)), 0]
    temp = np.isin(place, pl.TEMPORARY)
    # REASON_PLACE_CHANGE on an episode ending because the placement changes (rule 225),
    # never around a temporary placement (226).
    needs = ~last & np.isin(rne[nxt], ("P", "B", "T", "U")) & ~temp & ~temp[nxt]
    reason = np.full(len(row), "", dtype=object)
    new_carer = needs & np.isin(rne[nxt], ("P", "B"))
    reason[new_carer] = plc["reason"][p[new_carer]]
    same_carer = needs & ~new_carer
    reason[same_carer] = np.where(np.isin(place[nxt][same_carer], pl.ADOPTION), "CARPL",
                                  "PLACE")
    rec = np.where(last, "", "X1").astype(object)
    # A placement start as the indicators count it: a new carer, but not a temporary
    # placement nor the return from one.
    returning = np.r_[False, temp[:-1]] & np.r_[False, row[1:] == row[:-1]]
    new_placement = np.isin(rne, ("S", "P", "B")) & ~temp & ~returning
    eps = Episodes(child[row], period_id[row], day, dec, rne,
                   np.array(poc.LS_CODES, dtype=object)[ls], cin[row], place, provider,
                   postcode, home[row], urn, rec, reason, new_placement)
    final_place = np.full(n, -1, np.int8)
    final_place[row[last]] = place[last]
    return eps, final_place


def _leaving_code(rng, exit_kind, final_place, disabled):
    """REC for the end of each period, from how it ended and where the child was living."""
    n = len(exit_kind)
    rec = np.full(n, "", dtype=object)
    u = rng.random(n)
    foster = np.isin(final_place, pl.FOSTER)
    kin = np.isin(final_place, pl.KINSHIP)
    simple = {poc.HOME: "E4A", poc.HOME_UNPLANNED: "E4B", poc.RELATIVES: "E13",
              poc.CAO: "E41", poc.OTHER: "E8", poc.REMAND_ENDED: "E14", poc.CUSTODY: "E9",
              poc.AGE_ASSESSED: "E15", poc.ABROAD: "E16", poc.TRANSFERRED: "E3",
              poc.DIED: "E2"}
    for kind, code in simple.items():
        rec[exit_kind == kind] = code
    rec[exit_kind == poc.ADOPTED] = np.where(u[exit_kind == poc.ADOPTED] < 0.7, "E11", "E12")
    rec[exit_kind == poc.INDEPENDENT] = np.where(u[exit_kind == poc.INDEPENDENT] < 0.55, "E5",
                                                 "E6")
    sgo = exit_kind == poc.SGO  # to former foster carers (E45/E46) or other carers (E47/E48)
    rec[sgo] = np.where(kin[sgo], "E45", np.where(foster[sgo], "E46",
                                                  np.where(u[sgo] < 0.7, "E47", "E48")))
    aged = exit_kind == poc.AGED_18
    staying_put = aged & foster & (u < 0.55)
    rec[aged] = np.select(
        [staying_put[aged], disabled[aged] & (u[aged] < 0.75), u[aged] < 0.70,
         u[aged] < 0.85],
        ["E17", "E7", "E5", "E6"], "E8")
    parents = aged & (final_place == pl.P["P1"])
    rec[parents] = "E4A"
    return rec


def _short_breaks(rng, kids: Children, horizon: int) -> Episodes:
    """Disabled children's short breaks: each break is its own period (RNE S, LS V3 for
    individual breaks of up to 17 days, V4 for an agreed series), with no postcodes or URN
    (rules 214, 398) and never in U1/U4 placements (384)."""
    who = np.flatnonzero(kids.short_breaks)
    series = rng.random(len(who)) < 0.65
    in_home = rng.random(len(who)) < 0.55  # a short-break unit, else a short-break carer
    private = in_home & (rng.random(len(who)) < 0.3)
    stop = np.minimum(add_years(kids.dob[who], 18) - 5,
                      kids.first_entry[who] + rng.geometric(1 / (4 * 365.25), len(who)))
    parts = {k: [] for k in ("child", "decom", "dec")}
    t = kids.first_entry[who].copy()
    idx = np.arange(len(who))
    while len(idx):
        nights = rng.integers(1, 5, len(idx))
        parts["child"].append(who[idx])
        parts["decom"].append(t[idx])
        parts["dec"].append(t[idx] + nights)
        t[idx] = t[idx] + nights + 4 + rng.geometric(1 / 30, len(idx))
        idx = idx[(t[idx] < stop[idx]) & (t[idx] < horizon)]
    child = np.concatenate(parts["child"])
    decom = np.concatenate(parts["decom"])
    dec = np.concatenate(parts["dec"])
    dec = np.where(dec >= horizon, NEVER, dec)
    pos = np.searchsorted(who, child)
    n = len(child)
    return Episodes(
        child, np.full(n, -1), decom, dec, np.full(n, "S", dtype=object),
        np.where(series[pos], "V4", "V3").astype(object), np.full(n, "N2", dtype=object),
        np.where(in_home[pos], pl.P["K2"], pl.P["U6"]).astype(np.int8),
        np.where(private[pos], 4, 1).astype(np.int8), np.full(n, -1),
        np.full(n, -1), np.full(n, -1), np.where(dec < NEVER, "E4A", "").astype(object),
        np.full(n, "", dtype=object), np.zeros(n, bool))
