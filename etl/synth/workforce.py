"""Service areas, teams and social workers, and each child's run of social worker episodes.

Teams differ on purpose, so team breakdowns and funnel plots have something to show: some
hold reviews late more often, lose workers faster, see more placement moves, or keep fewer
Personal Education Plans in date. Two workers belong to no team (one absent from the staff
list, one listed without a team), as happens with agency staff and recent starters.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.synth.dates import NEVER, ymd

AREAS = {  # service area: teams at one mid-sized LA
    "North Locality": ["North 1", "North 2", "North 3"],
    "South Locality": ["South 1", "South 2"],
    "Permanence and Disability": ["Permanence", "Disabled Children"],
}
CASELOAD = 14  # children looked after per worker
SW_REASONS = ("LEFTRL", "MANAGE", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED",
              "OTHERS")
SW_REASON_SHARE = np.array((0.30, 0.18, 0.08, 0.18, 0.06, 0.07, 0.04, 0.001, 0.079))
SW_REASON_SHARE /= SW_REASON_SHARE.sum()


@dataclass
class Teams:
    name: np.ndarray
    area: np.ndarray
    review_late: np.ndarray  # P(a review is held late)
    sw_months: np.ndarray  # mean months a child keeps a social worker
    move_scale: np.ndarray  # multiplies the placement breakdown hazard
    pep_in_date: np.ndarray  # P(a school-age child's PEP was reviewed in the last 6 months)
    permanence: np.ndarray  # team indices by kind
    disabled: np.ndarray
    north: np.ndarray
    south: np.ndarray


def build_teams(rng: np.random.Generator, size: float) -> Teams:
    """`size` scales the number of teams (an England-sized run gets many teams per area)."""
    copies = max(1, int(round(size)))
    names, areas = [], []
    for area, teams in AREAS.items():
        for team in teams:
            for k in range(copies):
                names.append(team if copies == 1 else f"{team} ({k + 1})")
                areas.append(area)
    n = len(names)
    # Each quality drawn per team, then one team made clearly weaker and one clearly
    # stronger than the rest so the spread shows even at one LA's size.
    quality = rng.normal(0, 1, n)
    quality[int(np.argmin(quality))] = -2.2
    quality[int(np.argmax(quality))] = 2.0
    noise = rng.normal(0, 0.4, (4, n))
    z = quality + noise
    name = np.array(names, dtype=object)
    kind = np.array([nm.split(" (")[0] for nm in names])
    return Teams(
        name, np.array(areas, dtype=object),
        review_late=np.clip(0.09 - 0.04 * z[0], 0.02, 0.25),
        sw_months=np.clip(13 + 4 * z[1], 5, 24),
        move_scale=np.clip(1.0 - 0.18 * z[2], 0.6, 1.6),
        pep_in_date=np.clip(0.88 + 0.05 * z[3], 0.65, 0.98),
        permanence=np.flatnonzero(kind == "Permanence"),
        disabled=np.flatnonzero(kind == "Disabled Children"),
        north=np.flatnonzero(np.char.startswith(kind.astype(str), "North")),
        south=np.flatnonzero(np.char.startswith(kind.astype(str), "South")),
    )


def assign_teams(rng, teams: Teams, disabled, baby_in_proceedings, north) -> np.ndarray:
    """Disabled children to the disability team, most babies in care proceedings to
    permanence, everyone else to their locality (by where they lived)."""
    n = len(disabled)
    team = np.where(north, teams.north[rng.integers(0, len(teams.north), n)],
                    teams.south[rng.integers(0, len(teams.south), n)])
    perm = baby_in_proceedings & (rng.random(n) < 0.7)
    team[perm] = teams.permanence[rng.integers(0, len(teams.permanence), perm.sum())]
    team[disabled] = teams.disabled[rng.integers(0, len(teams.disabled), disabled.sum())]
    return team


@dataclass
class Workers:
    sw_id: np.ndarray
    team: np.ndarray  # -1: no team (the "unallocated" workers)
    listed: np.ndarray  # False: missing from the staff-to-team extract


def build_workers(rng, caseload_by_team: np.ndarray) -> Workers:
    per_team = np.maximum(3, np.ceil(caseload_by_team / CASELOAD).astype(int))
    team = np.concatenate([np.repeat(np.arange(len(per_team)), per_team), [-1, -1]])
    ids = rng.choice(90_000, len(team), replace=False) + 10_000
    listed = np.ones(len(team), bool)
    listed[-1] = False
    return Workers(np.char.add("SW", ids.astype("U5")).astype(object), team, listed)


def sw_episodes(rng, workers: Workers, teams: Teams, child: np.ndarray, team: np.ndarray,
                start: np.ndarray, stop: np.ndarray, close: np.ndarray,
                first_contact: np.ndarray, horizon: int) -> dict:
    """Social worker episodes for each period of care: from `start` one worker at a time,
    the next starting the day the last ends, reason FCONTA (first contact) for the first when
    the chain starts at entry to care. Workers change only while the child is looked after
    (to `stop`); the worker holding the case when care ends keeps it until the child comes
    back (`close`, the day before re-entry) or for good (NEVER), so the latest episode is
    open, as DfE expects (rules SW11, SW17)."""
    by_team = [np.flatnonzero(workers.team == t) for t in range(len(teams.name))]
    floating = np.flatnonzero(workers.team < 0)
    out = {k: [] for k in ("child", "worker", "start", "end", "next", "reason")}

    def pick(teams_of):
        w = np.empty(len(teams_of), np.int64)
        for t in np.unique(teams_of):
            rows = np.flatnonzero(teams_of == t)
            w[rows] = by_team[t][rng.integers(0, len(by_team[t]), len(rows))]
        stray = rng.random(len(teams_of)) < 0.012
        w[stray] = floating[rng.integers(0, len(floating), stray.sum())]
        return w

    reasons = np.array(SW_REASONS, dtype=object)
    t = start.copy()
    worker = pick(team)
    reason = np.where(first_contact, "FCONTA", reasons[
        rng.choice(len(SW_REASONS), len(t), p=SW_REASON_SHARE)]).astype(object)
    idx = np.arange(len(t))
    while len(idx):
        mean_days = teams.sw_months[team[idx]] * 30.4
        change = t[idx] + 2 + rng.geometric(1.0 / mean_days)  # at least 3 days (rule SW09)
        # DfE's rule SW11b rejects a social worker episode ending in the last days of March
        # (it takes it for an episode left without a successor), so changes due then
        # happen on 1 April.
        _, month, dom = ymd(change)
        late_march = (month == 3) & (dom >= 26)
        change[late_march] += 32 - dom[late_march]
        last = change >= stop[idx] - 3  # no change in care's last days, nor after
        end = np.where(last, close[idx], np.where(change >= horizon, NEVER, change))
        out["child"].append(child[idx])
        out["worker"].append(worker[idx])
        out["start"].append(t[idx])
        out["end"].append(end)
        # the day the next episode starts: same day, or the re-entry after a closed case
        out["next"].append(np.where(last, np.where(close[idx] >= NEVER, NEVER, close[idx] + 1),
                                    end))
        out["reason"].append(reason[idx])
        idx = idx[~last & (end < NEVER)]
        t[idx] = change[~last & (end < NEVER)]
        new = pick(team[idx])
        same = new == worker[idx]
        new[same] = by_team_next(by_team, team[idx][same], new[same])
        worker[idx] = new
        reason[idx] = reasons[rng.choice(len(SW_REASONS), len(idx), p=SW_REASON_SHARE)]
    return {k: np.concatenate(v) for k, v in out.items()}


def by_team_next(by_team, team, worker):
    """Another worker of the same team (the next on its list), so a change is a change."""
    out = worker.copy()
    for i, (t, w) in enumerate(zip(team, worker)):
        pool = by_team[t] if t >= 0 else None
        if pool is None or len(pool) < 2:
            continue
        out[i] = pool[(np.searchsorted(pool, w) + 1) % len(pool)]
    return out
