"""Each check of the great-expectations suite (schemas/expectations.py) fails on an extract
that breaks it and on nothing else: issue 12's "each expectation has a test that loads a small
extract breaking exactly that expectation and shows it fail".

One council's clean histories (tests/quality/extracts.py) are loaded for 31/03/2025 and
31/03/2026, and every check holds. Each test then plants one fault, loads it through the real
loader (the pandera gate, the warehouse, the suite) and reads the stored results: the check
broken is not met and names what was planted, every other check is met, and the gate let the
fault in with only the warnings expected of it.

The 31/03/2025 load (and the clean 31/03/2026 one) is loaded once per module into a template
data folder that each test copies, so a test costs the one load it plants its fault in.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb
import pytest

from etl.load import load
from etl.warehouse import publish
from schemas.expectations import SUITE
from tests.builders import ExtractBuilder
from tests.quality.extracts import (
    LA, Q2026, Y2025, Y2026, D, Child, Episode, age_on, base_children, extract, histories,
    looked_after_on)

KEYS = [check.key for check in SUITE]
ACROSS = {check.key for check in SUITE if check.across}
NOTHING_BEFORE = "no earlier period end is loaded for this council to compare with"


@dataclass
class Loaded:
    """One load's stored suite results: by check key, success, why not run, what was
    observed and the rows (child, detail) a check not met found; and the gate's rule codes."""
    load_id: str
    success: dict[str, bool | None]
    not_run: dict[str, str | None]
    observed: dict[str, str | None]
    rows: dict[str, list[tuple[str | None, str]]]
    gate: set[str]

    def summary(self) -> str:
        """The checks not met or not run, for an assertion's message."""
        return "\n".join(f"{k}: {self.success[k]} {self.not_run[k] or self.observed[k]} "
                         f"{self.rows[k][:5]}" for k in KEYS if self.success[k] is not True)


def load_extract(builder: ExtractBuilder, folder: Path, period_end: dt.date) -> Loaded:
    """Write and load an extract into the data folder CPD_DATA_DIR names, and read back what
    the suite stored for that load."""
    result = load(builder.write(folder), period_end, LA)
    con = duckdb.connect(str(publish.current_path()), read_only=True)
    try:
        results = con.execute("SELECT expectation, success, not_run, observed FROM "
                              "quality_results WHERE load_id = ? ORDER BY seq",
                              [result.load_id]).fetchall()
        found = con.execute("SELECT expectation, child, detail FROM quality_rows WHERE "
                            "load_id = ? ORDER BY expectation, seq",
                            [result.load_id]).fetchall()
    finally:
        con.close()
    assert [r[0] for r in results] == KEYS
    rows: dict[str, list] = {key: [] for key in KEYS}
    for key, child, detail in found:
        rows[key].append((child, detail))
    return Loaded(result.load_id, {r[0]: r[1] for r in results},
                  {r[0]: r[2] for r in results}, {r[0]: r[3] for r in results}, rows,
                  set(result.validated.rejects["rule"]))


@dataclass
class Templates:
    y2025: Path  # a data folder with the clean 31/03/2025 load
    y2026: Path  # ... and the clean 31/03/2026 load after it
    first: Loaded
    second: Loaded


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Templates:
    root = tmp_path_factory.mktemp("templates")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CPD_DATA_DIR", str(root / "y2025"))
        first = load_extract(extract(base_children(), Y2025), root / "x2025", Y2025)
        shutil.copytree(root / "y2025", root / "y2026")  # keeps the folder private (0700)
        patch.setenv("CPD_DATA_DIR", str(root / "y2026"))
        second = load_extract(extract(base_children(), Y2026), root / "x2026", Y2026)
    return Templates(root / "y2025", root / "y2026", first, second)


@pytest.fixture
def council(templates, tmp_path, monkeypatch):
    """`council(template)`: this test's data folder, a copy of a template's (or empty)."""
    def start(template: Path | None) -> Path:
        data = tmp_path / "data"
        if template is not None:
            shutil.copytree(template, data)
        monkeypatch.setenv("CPD_DATA_DIR", str(data))
        return tmp_path
    return start


# --- the clean base -------------------------------------------------------------------------

def test_the_clean_base_meets_every_check(templates):
    first, second = templates.first, templates.second
    assert first.gate == set() and second.gate == set()
    # 31/03/2025 is the first period end loaded: nothing to compare it with
    assert {k for k in KEYS if first.not_run[k]} == ACROSS
    assert all(first.not_run[k] == NOTHING_BEFORE for k in ACROSS)
    assert all(first.success[k] is True for k in KEYS if k not in ACROSS), first.summary()
    # 31/03/2026: every check ran and is met
    assert all(second.success[k] is True for k in KEYS), second.summary()
    assert not any(second.rows.values())


def test_the_clean_base_gives_every_check_something_to_judge(templates):
    """A check met only because it had nothing to look at would prove nothing below."""
    observed = templates.second.observed
    assert "no " not in " ".join(observed[k] for k in KEYS if k != "headline-counts-steady")
    # the base is small: no headline count moves by the 10 children a jump needs
    assert observed["headline-counts-steady"] == (
        "no headline counts to judge; 5 moved by less than 10")


def test_what_the_checks_observed_reads_plainly(templates):
    second = templates.second
    assert second.observed["looked-after-under-18"] == (
        "all 22 children looked after as expected")
    assert second.observed["placement-postcode-known"] == (
        "22 of 22 children looked after (100.0%)")
    assert second.observed["ethnicity-known"] == "25 of 25 children in Header (100.0%)"
    assert second.observed["age-mix-steady"] == (
        "divergence 0.015 from the period end before (tolerance 0.100)")
    assert second.observed["placement-mix-steady"] == "all 4 placement types as expected"


def test_a_check_whose_file_is_absent_is_not_run_and_says_which(templates, council):
    """No OC2, staff-to-team or education file at 31/03/2026: the checks that need them are
    not run, with the file named; the rest run and are met."""
    folder = council(templates.y2025)
    b = extract(base_children(), Y2026)
    for table in ("OC2", "StaffTeams", "Education"):
        del b.rows[table]
    loaded = load_extract(b, folder / "x", Y2026)
    assert {k: loaded.not_run[k] for k in KEYS if loaded.not_run[k]} == {
        "oc2-only-cohort": "the extract has no OC2 file",
        "oc2-cohort-has-row": "the extract has no OC2 file",
        "sdq-for-5-to-16": "the extract has no OC2 file",
        "sw-has-team": "the extract has no StaffTeams file",
        "local-children-in-903": "the extract has no local extract of children"}
    assert all(loaded.success[k] is None for k in KEYS if loaded.not_run[k])
    assert all(loaded.observed[k] is None for k in KEYS if loaded.not_run[k])
    assert all(loaded.success[k] is True for k in KEYS if not loaded.not_run[k]), \
        loaded.summary()


# --- one fault for each check ---------------------------------------------------------------

@dataclass
class Fault:
    key: str
    # what the fault does to the histories, before the extracts are written
    plant: Callable[[dict[str, Child]], None] = lambda kids: None
    # what it does to the extract checked, as written
    edit: Callable[[ExtractBuilder], None] = lambda b: None
    rows: set[tuple[str | None, str]] = field(default_factory=set)  # the rows found, exactly
    gate: set[str] = field(default_factory=set)  # the rule codes the gate reports
    # "annual": the 31/03/2026 extract, after the 2025 one; "in-year": a 30/06/2026 extract
    # after both (the 31/03/2026 one written from the same histories, then `earlier`);
    # "alone": a 30/06/2026 extract with nothing loaded before it
    flow: str = "annual"
    earlier: Callable[[ExtractBuilder], None] = lambda b: None


def _row(b: ExtractBuilder, table: str, child: str) -> dict:
    return next(r for r in b.rows[table] if r.get("CHILD") == child)


def _drop(b: ExtractBuilder, table: str, **match) -> None:
    kept = [r for r in b.rows[table] if any(r.get(k) != v for k, v in match.items())]
    assert len(kept) < len(b.rows[table]), (table, match)
    b.rows[table] = kept


def _second_open_episode(kids):
    """A01 moves to a new carer in September and the old episode is never closed."""
    kids["A01"].episodes.append(Episode(D(2025, 9, 1), "U4", rne="T",
                                        reason_place_change="CARPL"))


def _gap_after_x1(kids):
    """A03's placement ends X1 on 01/08/2025 and the next starts a week later."""
    kids["A03"].move(D(2025, 8, 1), "K2")
    kids["A03"].episodes[-1].decom = D(2025, 8, 8)


def _not_left_at_18(kids):
    """A08's care was never ended at 18: still open, with the social worker (and so in the
    OC2 cohort with an OC2 row, not in OC3)."""
    a08 = kids["A08"]
    a08.episodes[-1].dec, a08.episodes[-1].rec = None, ""
    a08.workers = [(sw, start, None) for sw, start, _ in a08.workers]


def _adopted_from_foster_care(kids):
    """A14, fostered from April 2025, adopted in February 2026 with no placement for adoption
    recorded."""
    kids["A14"] = Child("A14", D(2024, 2, 1), sex="M", episodes=[
        Episode(D(2025, 4, 20), "U5", dec=D(2026, 2, 10), rec="E12")],
        workers=[("SW2", D(2025, 4, 20), D(2026, 2, 10))], reviews=[D(2025, 10, 20)])


def _oc2_row_for(child: str):
    def edit(b):
        row = dict(_row(b, "OC2", "A01"), CHILD=child, DOB=_row(b, "Header", child)["DOB"])
        b.rows["OC2"].append(row)
    return edit


def _care_leaver_aged_22(b):
    b.child("A15", sex="M", dob="15/01/2004")
    b.add("OC3", CHILD="A15", DOB="15/01/2004", IN_TOUCH="YES", ACTIV="F5", ACCOM="U1")


def _clone_children_looked_after(kids):
    """Every child looked after at 31/03/2026 a second time, under a new identifier (the
    same mix of ages and placements, twice the children)."""
    for c in [c for c in kids.values() if looked_after_on(c, Y2026)]:
        twin = dataclasses.replace(c, child="D" + c.child)
        kids[twin.child] = twin


def _missing_again_before_the_end(kids):
    """A03 is missing from 28/03/2026 to 15/04/2026 and again from 10/04/2026."""
    kids["A03"].missing[-1] = (D(2026, 3, 28), D(2026, 4, 15))
    kids["A03"].missing.append((D(2026, 4, 10), D(2026, 4, 11)))


def _end_after_the_period_end(b):
    """The 31/03/2026 extract, run in May, already knows when the March incident ended."""
    row = next(r for r in b.rows["Missing"] if (r["CHILD"], r["MIS_START"]) == (
        "A03", "28/03/2026"))
    assert row["MIS_END"] == ""  # as written: still missing at the period end
    row["MIS_END"] = "15/04/2026"


def _three_to_childrens_homes(kids):
    for child in ("S02", "S03", "S07"):  # in foster care (U4) since 2021
        kids[child].move(D(2025, 11, 1), "K2")


def _three_babies_for_three_older(kids):
    """Three children aged 10 to 17 go home in September 2025 and three children starting in
    October in the same placements are recorded as born in June 2025."""
    older = [c for c in kids.values() if c.child.startswith("S")
             and age_on(c.dob, Y2026) >= 10][:3]
    for i, c in enumerate(older, start=1):
        c.leave(D(2025, 9, 30), "E4A")
        kids[f"B0{i}"] = Child(f"B0{i}", D(2025, 6, 1), episodes=[
            Episode(D(2025, 10, 1), c.episodes[-1].place)],
            workers=[("SW4", D(2025, 10, 1), None)])


def _set(child: str, **values):
    def plant(kids):
        for name, value in values.items():
            setattr(kids[child], name, value)
    return plant


def _many(*plants):
    def plant(kids):
        for p in plants:
            p(kids)
    return plant


def _edit_rows(table: str, child: str, **values):
    def edit(b):
        for row in b.rows[table]:
            if row.get("CHILD") == child:
                row.update(values)
    return edit


def _postcode_unknown(*children: str):
    def plant(kids):
        for child in children:
            looked_after_on(kids[child], Y2026).pl_post = ""
    return plant


FAULTS = [
    # an OC3 row for a care leaver whose Header row is missing
    Fault("in-header", edit=lambda b: _drop(b, "Header", CHILD="A12"),
          rows={("A12", "OC3: no Header row for this child")}, gate={"INT06"}),
    # A01's reviews give a date of birth a year out from Header's
    Fault("dob-agrees", edit=_edit_rows("Reviews", "A01", DOB="10/06/2015"),
          rows={("A01", "Reviews: date of birth 10/06/2015, Header 10/06/2014")}),
    Fault("one-open-episode", plant=_second_open_episode,
          rows={("A01", "2 episodes with no end date, starting 01/05/2021, 01/09/2025")},
          gate={"142"}),  # reported at the door, and both episodes kept
    # (an overlap is kept out at the door, DfE 501: a gap is what reaches the warehouse)
    Fault("episodes-chain", plant=_gap_after_x1,
          rows={("A03", "episode starting 08/08/2025 follows one that ended 01/08/2025 "
                        "(7 day(s) gap)")}),
    Fault("looked-after-under-18", plant=_not_left_at_18,
          rows={("A08", "aged 18 at the period end")}),
    Fault("adopted-after-placement", plant=_adopted_from_foster_care,
          rows={("A14", "adopted 10/02/2026")}),
    # an OC2 row for A11, who started care in June 2025
    Fault("oc2-only-cohort", edit=_oc2_row_for("A11"),
          rows={("A11", "OC2 row, not in the cohort")}, gate={"190"}),
    Fault("oc2-cohort-has-row", edit=lambda b: _drop(b, "OC2", CHILD="A01"),
          rows={("A01", "in the OC2 cohort, no OC2 row")}, gate={"191"}),
    Fault("sdq-for-5-to-16", plant=_set("A01", sdq=""),
          rows={("A01", "aged 11, no SDQ score or reason")}, gate={"186"}),
    Fault("oc3-birthdays", edit=_care_leaver_aged_22,
          rows={("A15", "aged 22 at the period end")}),
    # A11's review a month before A11 came into care (a warning at the door)
    Fault("reviews-in-care", plant=lambda kids: kids["A11"].reviews.append(D(2025, 5, 20)),
          rows={("A11", "review 20/05/2025 (from the extract for 31/03/2026)")},
          gate={"CPD-REVIEW-OUTSIDE-CARE"}),
    Fault("missing-in-care",
          plant=_set("A11", missing=[(D(2025, 5, 20), D(2025, 5, 21))]),
          rows={("A11", "incident starting 20/05/2025")}),
    # (two overlapping incidents in one extract are kept out at the door, DfE 574, and at 31
    # March an extract's period takes no incidents from the extracts before it.) A03's
    # incident of 28/03/2026 ends 15/04/2026 by the 31/03/2026 extract, and the in-year one
    # has a new incident from 10/04/2026
    Fault("missing-no-overlap", plant=_missing_again_before_the_end,
          earlier=_end_after_the_period_end,
          rows={("A03", "incident starting 10/04/2026 begins before the one starting "
                        "28/03/2026 ended")}, flow="in-year"),
    # SW5 (A01's worker since June 2025) is not in the staff-to-team extract
    Fault("sw-has-team", edit=lambda b: _drop(b, "StaffTeams", SW_ID="SW5"),
          rows={(None, "social worker SW5 has no team")}),
    # A09's social worker left in November 2025 and no one was allocated
    Fault("looked-after-has-social-worker",
          plant=_set("A09", workers=[("SW1", D(2024, 7, 1), D(2025, 11, 30))]),
          rows={("A09", "no social worker episode open at the period end")}),
    # the education extract names A09 as AO9 (a letter O)
    Fault("local-children-in-903", edit=_edit_rows("Education", "A09", CHILD="AO9"),
          rows={("AO9", "Education: not in the 903 for this period")},
          gate={"CPD-NOT-IN-HEADER"}),
    # three of 22 (86%, under 90%): two would leave 91%
    Fault("placement-postcode-known", plant=_postcode_unknown("A01", "A02", "A03"),
          rows={(c, "no placement postcode") for c in ("A01", "A02", "A03")}),
    # three of 25 (88%)
    Fault("ethnicity-known",
          plant=_many(_set("A09", ethnic="NOBT"), _set("A11", ethnic="REFU"),
                      _set("S01", ethnic="NOBT")),
          rows={("A09", "ethnicity NOBT"), ("A11", "ethnicity REFU"),
                ("S01", "ethnicity NOBT")}),
    # the in-year extract loaded on its own: its events begin on 01/04/2026
    Fault("window-complete",
          rows={(None, "events (reviews, missing incidents, social workers) only from "
                       "01/04/2026; the 12 months start 01/07/2025")}, flow="alone"),
    # A01's episode since 2021 re-exported with another foster placement code
    Fault("episodes-agree-with-previous", plant=lambda kids: setattr(
              kids["A01"].episodes[0], "place", "U6"),
          rows={("A01", "episode starting 01/05/2021: placement U4 then U6")}),
    # day and month swapped (the same age and age band)
    Fault("dob-agrees-with-previous", plant=_set("A01", dob=D(2014, 10, 6)),
          rows={("A01", "date of birth 10/06/2014 then 06/10/2014")}),
    Fault("headline-counts-steady", plant=_clone_children_looked_after,
          rows={(None, "Children looked after at the period end, in the extract: 23 at "
                       "31/03/2025, 44 at 31/03/2026"),
                (None, "Children looked after in the 12 months: 24 at 31/03/2025, 46 at "
                       "31/03/2026"),
                (None, "Children in the OC2 cohort: 22 at 31/03/2025, 42 at 31/03/2026")}),
    # 3 of 23 in children's homes (13.0%), then 6 of 22
    Fault("placement-mix-steady", plant=_three_to_childrens_homes,
          rows={(None, "Children's home or secure unit: 13.0% then 27.3%"),
                (None, "Foster placement: 78.3% then 68.2%")}),
    Fault("age-mix-steady", plant=_three_babies_for_three_older,
          rows={(None, f"{band}: {then} then {now}") for band, then, now in [
              ("Under 1", "0.0%", "13.6%"), ("1 to 4", "17.4%", "13.6%"),
              ("5 to 9", "26.1%", "27.3%"), ("10 to 15", "34.8%", "31.8%"),
              ("16 and over", "21.7%", "13.6%")]}),
]
assert sorted(f.key for f in FAULTS) == sorted(KEYS)

# What each check not met observed, as stored (and shown on the data-quality page)
OBSERVED = {
    "in-header": "1 of 101 child records in other files (1.0%)",
    "dob-agrees": "1 of 77 child records in other files (1.3%)",
    "one-open-episode": "1 of 22 children with an open episode (4.5%)",
    "episodes-chain": "1 of 3 episodes (33.3%)",
    "looked-after-under-18": "1 of 23 children looked after (4.3%)",
    "adopted-after-placement": "1 of 2 children adopted (50.0%)",
    "oc2-only-cohort": "1 of 22 children in OC2 (4.5%)",
    "oc2-cohort-has-row": "1 of 21 children in the OC2 cohort (4.8%)",
    "sdq-for-5-to-16": "1 of 14 children aged 5 to 16 in the cohort (7.1%)",
    "oc3-birthdays": "1 of 3 young people in OC3 (33.3%)",
    "reviews-in-care": "1 of 26 reviews (3.8%)",
    "missing-in-care": "1 of 5 missing incidents (20.0%)",
    "missing-no-overlap": "1 of 3 missing incidents after a child's first (33.3%)",
    "sw-has-team": "1 of 5 social workers (20.0%)",
    "looked-after-has-social-worker": "1 of 22 children looked after (4.5%)",
    "local-children-in-903": "1 of 15 children in local extracts (6.7%)",
    "placement-postcode-known": "19 of 22 children looked after (86.4%)",
    "ethnicity-known": "22 of 25 children in Header (88.0%)",
    "window-complete": "1 of 1 period end (100.0%)",
    "episodes-agree-with-previous": "1 of 23 episodes in both extracts (4.3%)",
    "dob-agrees-with-previous": "1 of 24 children in both (4.2%)",
    "headline-counts-steady": "3 of 3 headline counts (100.0%); 2 moved by less than 10",
    "placement-mix-steady": "2 of 4 placement types (50.0%)",
    "age-mix-steady": "divergence 0.559 from the period end before (tolerance 0.100)",
}


def _load_fault(fault: Fault, templates: Templates, council) -> Loaded:
    kids = histories()
    fault.plant(kids)
    if fault.flow == "alone":
        folder = council(None)
    else:
        folder = council(templates.y2025)
        b = extract(kids, Y2026)
        if fault.flow == "annual":
            fault.edit(b)
            return load_extract(b, folder / "x", Y2026)
        fault.earlier(b)
        before = load_extract(b, folder / "before", Y2026)
        assert before.gate == set()
        assert all(before.success[k] is True for k in KEYS), before.summary()
    b = extract(kids, Q2026)
    fault.edit(b)
    return load_extract(b, folder / "x", Q2026)


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.key)
def test_a_fault_fails_its_check_and_no_other(fault, templates, council):
    loaded = _load_fault(fault, templates, council)
    assert loaded.gate == fault.gate  # the loader took the fault in
    assert loaded.success[fault.key] is False, loaded.summary()
    assert set(loaded.rows[fault.key]) == fault.rows
    assert loaded.observed[fault.key] == OBSERVED[fault.key]
    others = [k for k in KEYS if k != fault.key]
    ran = [k for k in others if not loaded.not_run[k]]
    assert all(loaded.success[k] is True for k in ran), loaded.summary()
    # every check ran, but those with no period end before to compare with
    not_run = ACROSS if fault.flow == "alone" else set()
    assert {k for k in others if loaded.not_run[k]} == not_run


# --- what is not a fault ---------------------------------------------------------------------

def test_an_incident_open_at_31_march_and_a_new_one_in_april_is_no_overlap(templates,
                                                                           council):
    """A03 was missing from 28/03/2026 (open in the 31/03/2026 extract), came back on
    02/04/2026 and went missing again on 10/04/2026: no incident overlaps another."""
    folder = council(templates.y2026)
    kids = histories()
    assert kids["A03"].missing[-1] == (D(2026, 3, 28), D(2026, 4, 2))
    kids["A03"].missing.append((D(2026, 4, 10), D(2026, 4, 11)))
    loaded = load_extract(extract(kids, Q2026), folder / "x", Q2026)
    assert loaded.success["missing-no-overlap"] is True, loaded.summary()


def test_a_small_council_s_age_mix_is_not_judged(council):
    folder = council(None)
    # five children looked after throughout, none crossing an age band: 1, 2 and 2 in the
    # bands 1 to 4, 5 to 9 and 10 to 15 at both period ends
    small = {c.child: c for c in [base_children()[k] for k in ("S02", "S03", "S04", "S06",
                                                                "S08")]}
    load_extract(extract(small, Y2025), folder / "x2025", Y2025)
    loaded = load_extract(extract(small, Y2026), folder / "x2026", Y2026)
    # too few children for the spread of their ages to say anything: one child's birthday
    # would move a band's share by 20 points
    assert loaded.success["age-mix-steady"] is None
    assert loaded.not_run["age-mix-steady"] == (
        "fewer than 20 children looked after at this period end or the one before (5 then, "
        "5 now): too few to compare their spread")


def test_an_extract_that_leaves_children_out_moves_the_headline_count(templates, council):
    """Twelve of the children looked after at 31/03/2026 are left out of that extract. The
    warehouse carries their histories over from the extract before (a child's history is
    borrowed when the later extract lacks it), so only the extract's own count shows it."""
    folder = council(templates.y2025)
    b = extract(histories(), Y2026)
    left_out = [f"S{i:02d}" for i in range(1, 13)]
    for table, rows in b.rows.items():
        b.rows[table] = [r for r in rows if r.get("CHILD") not in left_out]
    loaded = load_extract(b, folder / "x", Y2026)
    assert loaded.success["headline-counts-steady"] is False
    assert (None, "Children looked after at the period end, in the extract: 23 at 31/03/2025, "
                  "10 at 31/03/2026") in loaded.rows["headline-counts-steady"]
