"""Small care histories for the data-quality checks' tests, and the 903 extracts a case system
would write of them at any period end.

A history (`Child`) holds what happened: episodes of care, reviews, missing incidents, social
workers, whether the young person is a care leaver or UASC. `extract(children, period_end)`
writes what an extract for that period end holds (as etl/synth/extract.py does for the
sample): episodes open at some time from 1 April to the period end (one still open then has no
end yet), reviews and missing incidents starting in that time, social worker episodes open in
it, the OC2 cohort, care leavers aged 17 to 21, the adoptions of the year, a Header row for
every child named anywhere, and the two local extracts. A test plants a fault by changing a
history before writing, or a written row after.

The base (`base_children`) is one council's children over 2024/25 and 2025/26, built so every
check of the suite holds at 31/03/2025, 31/03/2026 and 30/06/2026; the `steady` loop gives it
enough children looked after that the tolerance checks judge a mix, not a handful.
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

from schemas.codes import PLACE_ADOPTION, REC_ADOPTED, collection_year, year_start
from schemas.tables import DATE_FORMAT
from tests.builders import ExtractBuilder

D = dt.date
LA = "E06000015"
Y2025, Y2026, Q2026 = D(2025, 3, 31), D(2026, 3, 31), D(2026, 6, 30)

TEAMS = {"SW1": "North", "SW2": "North", "SW3": "Leaving care", "SW4": "South",
         "SW5": "South"}
RESIDENTIAL = {"K1", "K2", "K3", "R1"}


@dataclass
class Episode:
    decom: dt.date
    place: str
    rne: str = "S"
    ls: str = "C2"
    dec: dt.date | None = None
    rec: str = ""
    reason_place_change: str = ""
    pl_post: str = "DE22 3XT"


@dataclass
class Child:
    child: str
    dob: dt.date
    sex: str = "F"
    ethnic: str = "WBRI"
    episodes: list[Episode] = field(default_factory=list)
    reviews: list[dt.date] = field(default_factory=list)
    missing: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    workers: list[tuple[str, dt.date, dt.date | None]] = field(default_factory=list)
    care_leaver: bool = False  # in OC3 while aged 17 to 21 and not looked after
    uasc: bool = False
    sdq: str = "12"  # the SDQ score in OC2, for ages 4 to 16

    def move(self, on: dt.date, place: str, rne: str = "P", ls: str | None = None,
             reason: str = "CARPL") -> "Child":
        """A new episode from `on` (a change of placement, by default): the open one ends X1."""
        last = self.episodes[-1]
        last.dec, last.rec = on, "X1"
        self.episodes.append(Episode(on, place, rne, ls or last.ls,
                                     reason_place_change=reason if rne in "PTBU" else ""))
        return self

    def leave(self, on: dt.date, rec: str) -> "Child":
        """The child leaves care: the open episode and social worker end that day."""
        self.episodes[-1].dec, self.episodes[-1].rec = on, rec
        self.workers = [(sw, start, end if end is not None else on)
                        for sw, start, end in self.workers]
        return self


def age_on(dob: dt.date, day: dt.date) -> int:
    """Whole years of age on a day (schemas.dates.age_on, for one child)."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def first_day(period_end: dt.date) -> dt.date:
    """1 April starting the collection year of a period end."""
    return D(year_start(collection_year(period_end)), 4, 1)


def fmt(day: dt.date | None) -> str:
    return "" if day is None else day.strftime(DATE_FORMAT)


def looked_after_on(c: Child, day: dt.date) -> Episode | None:
    return next((e for e in c.episodes if e.decom <= day and (e.dec is None or e.dec > day)),
                None)


def care_start(c: Child, day: dt.date) -> dt.date:
    """The start of the period of care the child is in on `day`."""
    return max(e.decom for e in c.episodes if e.rne == "S" and e.decom <= day)


# --- the base: one council's children -----------------------------------------------------------

def _child(child, dob, place, start, sw, *, rne="S", ls="C2", **more) -> Child:
    return Child(child, dob, episodes=[Episode(start, place, rne, ls)],
                 workers=[(sw, start, None)], **more)


# (date of birth, placement) of the steady children: ages 2 to 17, none crossing an age band
# between 31/03/2025 and 30/06/2026, mostly in foster care
STEADY = [(D(2022, 9, 1), "U5"), (D(2018, 9, 1), "U4"), (D(2013, 10, 1), "U4"),
          (D(2011, 9, 1), "K2"), (D(2008, 9, 1), "U4"), (D(2017, 7, 1), "U6"),
          (D(2014, 8, 1), "U4"), (D(2021, 11, 1), "U4"), (D(2019, 8, 1), "U2"),
          (D(2012, 11, 1), "U6"), (D(2008, 11, 1), "K2"), (D(2016, 12, 1), "U4"),
          (D(2010, 12, 1), "U1"), (D(2013, 1, 1), "U4")]


def steady(n: int, prefix: str = "S", start: dt.date = D(2021, 9, 1)) -> list[Child]:
    """n children looked after since `start` (or a month after birth), the same at every
    period end, with STEADY's ages and placements in turn."""
    out = []
    for i in range(n):
        dob, place = STEADY[i % len(STEADY)]
        c = _child(f"{prefix}{i + 1:02d}", dob, place, max(start, dob + dt.timedelta(days=30)),
                   f"SW{1 + i % 4}", sex="MF"[i % 2])
        c.reviews = [D(2024, 9, 1) + dt.timedelta(days=i), D(2025, 9, 1) + dt.timedelta(days=i)]
        out.append(c)
    return out


def base_children() -> dict[str, Child]:
    """The clean base: children with every kind of record, and 14 steady ones."""
    kids = [
        # in care throughout; a change of social worker in 2025/26
        _child("A01", D(2014, 6, 10), "U4", D(2021, 5, 1), "SW1", sdq="14",
               reviews=[D(2024, 10, 15), D(2025, 10, 15), D(2026, 4, 20)]),
        # a change of placement in 2024/25
        _child("A02", D(2017, 9, 15), "U1", D(2022, 2, 1), "SW1", sex="M", ethnic="MWBC",
               sdq="10", reviews=[D(2024, 11, 1), D(2025, 11, 1)]).move(D(2024, 10, 1), "U4"),
        # in a children's home, missing now and then (one incident open at 31/03/2026: she
        # came back on 2 April)
        _child("A03", D(2010, 11, 20), "K2", D(2020, 3, 3), "SW2", ethnic="BAFR", sdq="22",
               reviews=[D(2024, 9, 9), D(2025, 9, 9)],
               missing=[(D(2024, 6, 1), D(2024, 6, 2)), (D(2025, 5, 10), D(2025, 5, 11)),
                        (D(2025, 12, 1), D(2025, 12, 3)), (D(2026, 3, 28), D(2026, 4, 2))]),
        # under 4: no SDQ
        _child("A04", D(2022, 6, 1), "U5", D(2023, 1, 10), "SW2", sex="M", ls="C1",
               reviews=[D(2024, 7, 7), D(2025, 7, 7)]),
        _child("A05", D(2008, 12, 12), "U6", D(2019, 6, 1), "SW3", sex="M", sdq="18",
               reviews=[D(2024, 12, 1), D(2025, 12, 1)],
               missing=[(D(2025, 7, 1), D(2025, 7, 2)), (D(2026, 5, 5), D(2026, 5, 6))]),
        # placed for adoption in 2024/25, adopted in 2025/26
        _child("A06", D(2021, 3, 3), "U5", D(2022, 5, 1), "SW2", sex="M", sdq="8",
               reviews=[D(2024, 6, 6), D(2025, 6, 6)])
        .move(D(2024, 11, 1), "A5", rne="B", ls="E1").leave(D(2025, 9, 1), "E11"),
        # unaccompanied asylum-seeking, in supported accommodation
        _child("A07", D(2009, 1, 20), "K3", D(2023, 8, 1), "SW3", sex="M", ethnic="AOTH",
               ls="V2", uasc=True, sdq="9", reviews=[D(2024, 8, 8), D(2025, 8, 8)]),
        # leaves care at 18 in 2025/26 and becomes a care leaver
        _child("A08", D(2007, 10, 10), "U4", D(2020, 1, 1), "SW3", care_leaver=True,
               reviews=[D(2024, 5, 5), D(2025, 5, 5)]).leave(D(2025, 10, 10), "E8"),
        # starts in 2024/25: in the OC2 cohort at 31/03/2026, not at 31/03/2025
        _child("A09", D(2019, 5, 5), "U3", D(2024, 7, 1), "SW1", ls="C1", sdq="11",
               reviews=[D(2024, 7, 20), D(2025, 1, 5), D(2025, 7, 5)]),
        # starts and goes home in 2024/25
        _child("A10", D(2011, 4, 4), "U4", D(2023, 5, 1), "SW2", sex="M", ls="V2",
               reviews=[D(2024, 8, 1)]).leave(D(2024, 12, 1), "E4A"),
        # starts in 2025/26
        _child("A11", D(2013, 2, 2), "U6", D(2025, 6, 15), "SW4", ls="V2", sdq="16",
               reviews=[D(2025, 7, 10), D(2026, 1, 10)]),
        # a care leaver (no episode in either year)
        Child("A12", D(2005, 7, 7), sex="M", care_leaver=True),
        # starts in May 2026 (the in-year extract's own start)
        _child("A13", D(2012, 5, 20), "U4", D(2026, 5, 1), "SW4", ls="V2"),
    ]
    kids[0].workers = [("SW1", D(2021, 5, 1), D(2025, 6, 1)), ("SW5", D(2025, 6, 1), None)]
    return {c.child: c for c in kids + steady(14)}


# --- the extract at a period end ----------------------------------------------------------------

def extract(children: dict[str, Child], period_end: dt.date) -> ExtractBuilder:
    """The 903 extract and local extracts of these histories at a period end."""
    start, p = first_day(period_end), period_end
    b = ExtractBuilder()
    named: set[str] = set()

    def add(table: str, c: Child, **values) -> None:  # a row naming the child
        named.add(c.child)
        b.add(table, CHILD=c.child, **values)

    def dob(c: Child) -> dict:
        return {"DOB": fmt(c.dob)}

    for c in children.values():
        shown = [e for e in c.episodes if e.decom <= p and (e.dec is None or e.dec >= start)]
        for e in shown:
            ended = e.dec is not None and e.dec <= p
            named.add(c.child)
            b.episode(c.child, fmt(e.decom), rne=e.rne, ls=e.ls, place=e.place,
                      dec=fmt(e.dec) if ended else "", rec=e.rec if ended else "",
                      PLACE_PROVIDER="PR4" if e.place in RESIDENTIAL else "PR1",
                      REASON_PLACE_CHANGE=e.reason_place_change, PL_POST=e.pl_post,
                      URN="SC123456" if e.place in RESIDENTIAL else "XXXXXXX")
            if e.place in PLACE_ADOPTION:
                ceased = e.dec if ended else None
                add("PlacedAdoption", c, **dob(c), DATE_PLACED=fmt(e.decom),
                    DATE_PLACED_CEASED=fmt(ceased),
                    REASON_PLACED_CEASED="RD1" if ceased and e.rec in REC_ADOPTED else "")
            if e.rec in REC_ADOPTED and ended:
                add("AD1", c, **dob(c), DATE_INT=fmt(e.decom - dt.timedelta(days=120)),
                    DATE_MATCH=fmt(e.decom - dt.timedelta(days=60)), FOSTER_CARE="0",
                    NB_ADOPTR="2", SEX_ADOPTR="MF", LS_ADOPTR="L0")
            if e.rne == "S" and e.decom >= start:
                add("PrevPerm", c, **dob(c), PREV_PERM="Z1", LA_PERM="", DATE_PERM="")
        for day in c.reviews:
            if start <= day <= p:
                add("Reviews", c, **dob(c), REVIEW=fmt(day), REVIEW_CODE="PN1")
        for began, ended in c.missing:
            if start <= began <= p:
                add("Missing", c, **dob(c), MISSING="M", MIS_START=fmt(began),
                    MIS_END=fmt(ended) if ended and ended <= p else "")
        for sw, began, ended in c.workers:
            if began <= p and (ended is None or ended >= start):
                closed = ended is not None and ended <= p
                add("SWEpisodes", c, **dob(c), SW_ID=sw, SW_DECOM=fmt(began),
                    SW_DEC=fmt(ended) if closed else "", SW_REASON="CHCHAN" if closed else "")
        age = age_on(c.dob, p)
        now = looked_after_on(c, p)
        if now is not None and care_start(c, p) < start:  # DfE's OC2 cohort
            add("OC2", c, **dob(c), SDQ_SCORE=c.sdq if 4 <= age <= 16 else "", SDQ_REASON="",
                CONVICTED="0", HEALTH_CHECK="1", IMMUNISATIONS="1", TEETH_CHECK="1",
                HEALTH_ASSESSMENT="1", SUBSTANCE_MISUSE="0", INTERVENTION_RECEIVED="",
                INTERVENTION_OFFERED="")
        if c.care_leaver and now is None and 17 <= age <= 21:
            add("OC3", c, **dob(c), IN_TOUCH="YES", ACTIV="F2", ACCOM="U1")
        if now is not None and 5 <= age <= 16:
            add("Education", c, PEP_REVIEW_DATE=fmt(start + dt.timedelta(days=45)),
                ATTENDANCE_PCT="94.5", SCHOOL_MOVES_12M="0")
        if c.uasc and c.child in named:
            add("UASC", c, SEX=c.sex, **dob(c), DUC="")
    for c in children.values():
        if c.child in named:
            b.child(c.child, sex=c.sex, dob=fmt(c.dob), ethnic=c.ethnic)
    workers = sorted({r["SW_ID"] for r in b.rows.get("SWEpisodes", [])})
    for sw in workers:
        b.add("StaffTeams", SW_ID=sw, TEAM=TEAMS.get(sw, "North"), SERVICE_AREA="Children in care")
    return b


def histories() -> dict[str, Child]:
    """A fresh copy of the base, for a test to change."""
    return copy.deepcopy(base_children())
