"""One extract folder, as an LA's case management system would produce it at a period end.

It holds only what a real extract holds: episodes open at some time from 1 April to the
period end (an episode still open at the period end has no DEC or REC yet: the future is not
known), reviews, missing incidents and social worker episodes in that window, the OC2 cohort
as at the period end, care leavers whose birthday fell in the window so far, and a Header
row for every child in any file. Codes are those valid in the extract's collection year.
Beside them, the council's local extracts: staff to team, education, and those of the seeds'
commitments (permanence plans, siblings, voice and advocacy, care leavers 18 to 25).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl.synth import care_leavers, health, permanence
from etl.synth import placement as pl
from etl.synth.dates import NEVER, add_years, day, fmt
from etl.synth.education import education_table
from etl.synth.geography import Geography
from etl.synth.journeys import History
from etl.synth.leaving_care import care_leavers_table
from etl.synth.permanence_plan import permanence_table
from etl.synth.siblings import siblings_table
from etl.synth.voice import voice_table
from etl.synth.workforce import Teams, Workers
from schemas.codes import ETHNIC, codes_for, collection_year, sex_code
from schemas.tables import TABLES

FILES = {  # table: file name
    "Header": "header.csv", "Episodes": "episodes.csv", "Reviews": "reviews.csv",
    "UASC": "uasc.csv", "OC2": "oc2.csv", "OC3": "oc3.csv", "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv", "PrevPerm": "prev_perm.csv",
    "Missing": "missing.csv", "SWEpisodes": "social_workers.csv",
    "StaffTeams": "staff_teams.csv", "Education": "education.csv",
    "Permanence": "permanence.csv", "Siblings": "siblings.csv", "Voice": "voice.csv",
    "CareLeavers": "care_leavers.csv",
}
# Random streams of the local extracts of the seeds' commitments (others: 2 OC2, 3 OC3,
# 4 adoption, 5 education; 6 siblings in __init__.py).
PERMANENCE, SIBLINGS, VOICE, CARE_LEAVERS = 7, 8, 9, 10


@dataclass(frozen=True)
class Window:
    folder: str
    period_end: dt.date

    @property
    def year(self) -> str:
        return collection_year(self.period_end)

    @property
    def start(self) -> int:  # 1 April of the collection year
        return day(dt.date(int(self.year[:4]), 4, 1))

    @property
    def end(self) -> int:
        return day(self.period_end)

    @property
    def year_end(self) -> int:  # 31 March closing the collection year (DfE's rules use it)
        return day(dt.date(int(self.year[:4]) + 1, 3, 31))


@dataclass
class World:
    """Everything simulated for one LA, from which any extract is cut."""
    seed: int
    hist: History
    geo: Geography
    teams: Teams
    workers: Workers
    reviews: dict
    missing: dict
    social_workers: dict
    prev_perm: dict
    leavers: tuple


def _year_rng(world: World, w: Window, purpose: int) -> np.random.Generator:
    """A generator per collection year and purpose: the quarterly extracts of one year tell
    the same story about a child's health and schooling as each other."""
    return np.random.default_rng([world.seed, purpose, int(w.year[:4])])


def tables(world: World, w: Window) -> dict[str, pd.DataFrame]:
    hist, kids = world.hist, world.hist.children
    e = hist.episodes
    year_codes = codes_for(w.year)
    rows = np.flatnonzero((e.decom <= w.end) & (e.dec >= w.start))
    known = e.dec[rows] <= w.end  # ended by the period end: DEC, REC and reason are known
    child = e.child[rows]
    in_extract = np.zeros(len(kids), bool)
    in_extract[child] = True
    place = np.array(pl.PLACES, dtype=object)[e.place[rows]]
    # Supported accommodation: H5 until K3 (registered supported accommodation) exists.
    place[place == "SUPP"] = "K3" if "K3" in year_codes["PLACE"] else "H5"
    assert set(place) <= set(year_codes["PLACE"]), set(place) - set(year_codes["PLACE"])
    episodes = pd.DataFrame({
        "CHILD": kids.child_id[child], "DECOM": fmt(e.decom[rows]), "RNE": e.rne[rows],
        "LS": e.ls[rows], "CIN": e.cin[rows], "PLACE": place,
        "PLACE_PROVIDER": _code("PR", e.provider[rows]),
        "DEC": fmt(np.where(known, e.dec[rows], NEVER)),
        "REC": np.where(known, e.rec[rows], ""),
        "REASON_PLACE_CHANGE": np.where(known, e.reason[rows], ""),
        "HOME_POST": _postcode(world.geo, e.home[rows]),
        "PL_POST": _postcode(world.geo, e.postcode[rows]),
        "URN": np.where(e.urn[rows] >= 0, hist.providers.urns[np.maximum(e.urn[rows], 0)], ""),
    })
    care = e.period[rows] >= 0  # not a short break

    # Looked after at the period end, the start of their current period of care and the
    # episode they are in.
    open_at_end = care & (e.dec[rows] > w.end)
    cla = child[open_at_end]
    cla_start = hist.periods.start[e.period[rows][open_at_end]]
    cla_episode = rows[open_at_end]

    out: dict[str, pd.DataFrame] = {"Episodes": episodes}
    out["Reviews"] = _reviews(world, w)
    out["UASC"] = _uasc(kids, np.unique(child[kids.uasc[child]]), w)
    out["OC2"] = health.oc2_table(_year_rng(world, w, 2), _oc2_cohort(hist, rows, w), kids,
                                  w.start, w.year_end)
    leaver, left = world.leavers
    oc3_children, out["OC3"] = care_leavers.oc3_table(world.seed, hist, leaver, left, w.start,
                                                      w.end)
    out["AD1"], out["PlacedAdoption"] = permanence.adoption_tables(world.seed, hist, in_extract,
                                                                   w.start, w.end)
    starts = rows[(e.rne[rows] == "S") & (e.decom[rows] >= w.start)]
    out["PrevPerm"] = permanence.prev_perm_table(hist, world.prev_perm,
                                                 np.unique(e.child[starts]))
    out["Missing"] = _missing(world, w)
    out["SWEpisodes"] = _social_workers(world, w, np.unique(child[care]))
    out["StaffTeams"] = _staff(world)
    out["Education"] = education_table(_year_rng(world, w, 5), hist, world.geo,
                                       world.teams.pep_in_date, cla, cla_start, w.end)
    # Permanence plans of the children in the extract's episodes: looked after at some time
    # from 1 April to the period end.
    out["Permanence"] = permanence_table(world.seed, PERMANENCE, hist, world.reviews, w.start,
                                         w.end)
    out["Siblings"] = siblings_table(world.seed, SIBLINGS, hist, cla, cla_episode)
    out["Voice"] = voice_table(world.seed, VOICE, hist, world.teams.review_late, cla,
                               cla_start, w.end)
    out["CareLeavers"] = care_leavers_table(world.seed, CARE_LEAVERS,
                                            _year_rng(world, w, CARE_LEAVERS), hist, leaver,
                                            left, out["OC3"], w.start, w.end)
    header_children = np.union1d(np.unique(child), oc3_children)
    out["Header"] = _header(hist, header_children, rows, w)
    return {name: _ordered(name, df) for name, df in _as_of_year(out, w.year).items()}


# The simulation speaks today's codes; an older year's extract uses that year's (codes.py).
_EARLIER_CODE = {
    "REC": {"E45": "E43", "E46": "E43", "E47": "E44", "E48": "E44"},
    "REASON_PLACE_CHANGE": {"CUSTOD": "OTHER"},
    "ACTIV": {"F4": "F3", "F5": "F3", "P4": "P3", "P5": "P3"},
}
FIRST_SOCIAL_WORKER_YEAR = "2023/24"  # DfE first collected social worker episodes in 2023/24


def _as_of_year(out: dict[str, pd.DataFrame], year: str) -> dict[str, pd.DataFrame]:
    lists = codes_for(year)
    for table, frame in out.items():
        for column, earlier in _EARLIER_CODE.items():
            if column in frame:
                old = {new: was for new, was in earlier.items() if new not in lists[column]}
                frame[column] = frame[column].replace(old)
    if int(year[:4]) < int(FIRST_SOCIAL_WORKER_YEAR[:4]):
        out = {name: frame for name, frame in out.items() if name != "SWEpisodes"}
    return out


def _code(prefix: str, values: np.ndarray) -> np.ndarray:
    return np.where(values >= 0, np.char.add(prefix, values.astype(str)), "").astype(object)


def _postcode(geo: Geography, idx: np.ndarray) -> np.ndarray:
    return np.where(idx >= 0, geo.postcode[np.maximum(idx, 0)], "")


def _header(hist: History, child: np.ndarray, rows: np.ndarray, w: Window) -> pd.DataFrame:
    kids, e = hist.children, hist.episodes
    in_care = np.zeros(len(kids), bool)  # has episodes in the extract other than short breaks
    in_care[e.child[rows][e.period[rows] >= 0]] = True
    mother_day = np.full(len(kids), NEVER, dtype=np.int64)
    np.minimum.at(mother_day, hist.periods.child, hist.periods.mother)
    girl = ~kids.male[child] & in_care[child]  # MOTHER is asked of girls in care (393, 399)
    is_mother = girl & (mother_day[child] <= w.end)
    # UN1 (not yet of school age) only for children under 4 on 31 August before the year
    # (DfE rule 209); everyone else has a UPN or the code the LA gave.
    aug31 = day(dt.date(int(w.year[:4]) - 1, 8, 31))
    upn = np.where(add_years(kids.dob[child], 4) > aug31, "UN1", kids.upn[child])
    return pd.DataFrame({
        "CHILD": kids.child_id[child],
        "SEX": [sex_code(w.year, m) for m in kids.male[child]],
        "DOB": fmt(kids.dob[child]), "ETHNIC": np.array(ETHNIC, dtype=object)[kids.ethnic[child]],
        "UPN": upn,
        "MOTHER": np.where(girl, np.where(is_mother, "1", "0"), ""),
        "MC_DOB": fmt(np.where(is_mother, mother_day[child], NEVER)),
    })


def _uasc(kids, child: np.ndarray, w: Window) -> pd.DataFrame:
    """UASC status ceases at 18, and DfE expects that date as DUC from the first year on,
    the same every year (rules 205B, 304): a DUC after the period end means still UASC."""
    return pd.DataFrame({
        "CHILD": kids.child_id[child], "SEX": [sex_code(w.year, m) for m in kids.male[child]],
        "DOB": fmt(kids.dob[child]), "DUC": fmt(add_years(kids.dob[child], 18))})


def _oc2_cohort(hist: History, rows: np.ndarray, w: Window) -> np.ndarray:
    """Children looked after at the period end whose current period of care began a year or
    more before it (the indicators' OC2 cohort), plus any child DfE's validator treats as
    looked after continuously through the collection year (it expects their OC2 too: rule
    191), e.g. one leaving on 31 March itself."""
    e = hist.episodes
    care = rows[e.period[rows] >= 0]
    year_ago = add_years(np.array([w.end]), -1)[0]
    open_now = care[e.dec[care] > w.end]
    cohort = e.child[open_now][hist.periods.start[e.period[open_now]] <= year_ago]

    child = e.child[rows]
    dec_known = np.where(e.dec[rows] <= w.end, e.dec[rows], NEVER)
    breaks = (((e.rne[rows] == "S") & (e.decom[rows] > w.start) & (e.decom[rows] <= w.year_end))
              | ((e.rec[rows] != "X1") & (dec_known >= w.start) & (dec_known < w.year_end))
              | (e.period[rows] < 0))
    broken = np.unique(child[breaks])
    continuous = np.setdiff1d(np.unique(child), broken)
    return np.union1d(cohort, continuous)


def _reviews(world: World, w: Window) -> pd.DataFrame:
    r, kids = world.reviews, world.hist.children
    sel = (r["date"] >= w.start) & (r["date"] <= w.end)
    c = r["child"][sel]
    return pd.DataFrame({"CHILD": kids.child_id[c], "DOB": fmt(kids.dob[c]),
                         "REVIEW": fmt(r["date"][sel]), "REVIEW_CODE": r["code"][sel]})


def _missing(world: World, w: Window) -> pd.DataFrame:
    m, kids = world.missing, world.hist.children
    sel = (m["start"] >= w.start) & (m["start"] <= w.end)
    c = m["child"][sel]
    end = m["end"][sel]
    return pd.DataFrame({"CHILD": kids.child_id[c], "DOB": fmt(kids.dob[c]),
                         "MISSING": m["kind"][sel], "MIS_START": fmt(m["start"][sel]),
                         "MIS_END": fmt(np.where(end <= w.end, end, NEVER))})


def _social_workers(world: World, w: Window, child: np.ndarray) -> pd.DataFrame:
    s, kids = world.social_workers, world.hist.children
    sel = (np.isin(s["child"], child) & (s["start"] <= w.end) & (s["end"] >= w.start))
    c, end = s["child"][sel], s["end"][sel]
    known = (end <= w.end) & (s["next"][sel] <= w.end)  # ended, and the next one begun
    return pd.DataFrame({
        "CHILD": kids.child_id[c], "DOB": fmt(kids.dob[c]),
        "SW_ID": world.workers.sw_id[s["worker"][sel]], "SW_DECOM": fmt(s["start"][sel]),
        "SW_DEC": fmt(np.where(known, end, NEVER)), "SW_REASON": s["reason"][sel]})


def _staff(world: World) -> pd.DataFrame:
    wk, teams = world.workers, world.teams
    listed = np.flatnonzero(wk.listed)
    team = wk.team[listed]
    return pd.DataFrame({
        "SW_ID": wk.sw_id[listed],
        "TEAM": np.where(team >= 0, teams.name[np.maximum(team, 0)], ""),
        "SERVICE_AREA": np.where(team >= 0, teams.area[np.maximum(team, 0)], "")})


def _ordered(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The table's columns in schema order, rows by CHILD then the table's first date (dates
    compared as dates, not text)."""
    table = TABLES[name]
    df = df[list(table.columns)].astype(object)
    keys = [c for c in ("CHILD", "SW_ID") if c in df.columns][:1]
    sort_dates = [c for c in table.date_columns if c != "DOB"][:1]
    if sort_dates:
        when = pd.to_datetime(df[sort_dates[0]], format="%d/%m/%Y", errors="coerce")
        df = df.assign(_when=when).sort_values(keys + ["_when"], kind="stable").drop(
            columns="_when")
    else:
        df = df.sort_values(keys, kind="stable")
    return df.reset_index(drop=True)


def write(folder: Path, frames: dict[str, pd.DataFrame]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in frames.items():
        df.to_csv(folder / FILES[name], index=False, lineterminator="\n", encoding="utf-8")
