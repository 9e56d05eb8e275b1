"""In-year periods compare honestly (indicators.md, "In-year periods: the window is always
twelve months", "Episode history"): hand-built extracts whose answers are worked out by hand.

- The events of an in-year period end are its extract's own plus, from earlier extracts, those
  in the 12 months before its collection year began (the later extract winning a duplicate);
  for 31 March nothing is added.
- A child with no episode in the period's extract takes its episodes and Header row from the
  latest earlier extract that holds it.
- Where the loaded extracts do not cover all 12 months, an event-based figure says so and is
  not compared.
- Direction of travel compares with the same point last year only, for the council figure and
  every group; a member sees a group's direction only where the group is shown at both ends.
"""
from __future__ import annotations

import datetime as dt

import pytest

from etl.config import load_config
from etl.indicators import engine
from etl.indicators.catalogue import CATALOGUE
from etl.warehouse.publish import connect_current
from tests.attack import View, protected, recover
from tests.builders import ExtractBuilder
from tests.indicators.support import load
from tests.warehouse import query

D = dt.date
X, Y0, Y, Q = "2024-03-31", "2024-12-31", "2025-03-31", "2025-06-30"
HIDDEN_THEN = ("Not compared: the figure for 30 Jun 2024 is not shown, to protect children's "
               "identities")


def result(period_end: str, breakdown: str | None = None, suppress: bool = False) -> dict:
    """{(indicator id, group): row} from the engine, as an analyst or (suppress) a member."""
    con = connect_current()
    try:
        rows = engine.compute(con, load_config(), D.fromisoformat(period_end), breakdown,
                              suppress)["indicators"]
    finally:
        con.close()
    return {(r["id"], r.get("group")): r for r in rows}


def figure(row: dict) -> tuple:
    return row["numerator"], row["denominator"], row["value"]


# --- stitched events --------------------------------------------------------------------------
# Child A is in care throughout (since 01/01/2023). Child C left care on 01/09/2024, so the
# in-year extract for Q = 30/06/2025 does not hold C at all. For Q, W = 01/07/2024 to
# 30/06/2025, and the Q extract's own events start on 01/04/2025.

def _year_x() -> ExtractBuilder:  # 2023/24: SEX coded 1/2
    b = ExtractBuilder()
    b.child("A", sex="1", dob="01/01/2012")
    b.child("C", sex="2", dob="01/01/2011", ethnic="BAFR")
    b.episode("A", "01/01/2023")
    b.episode("C", "01/01/2023")
    b.child("G", sex="2", dob="01/01/2010")  # only in this extract
    b.episode("G", "01/01/2023", dec="01/02/2024", rec="E4A")
    b.add("Reviews", CHILD="A", DOB="01/01/2012", REVIEW="01/10/2023", REVIEW_CODE="PN1")
    b.add("Missing", CHILD="A", DOB="01/01/2012", MISSING="M", MIS_START="01/12/2023",
          MIS_END="02/12/2023")
    b.add("SWEpisodes", CHILD="A", DOB="01/01/2012", SW_ID="SW1", SW_DECOM="01/01/2023")
    b.add("SWEpisodes", CHILD="C", DOB="01/01/2011", SW_ID="SWC", SW_DECOM="01/01/2023")
    return b


def _episodes_2024_25(b: ExtractBuilder) -> ExtractBuilder:
    b.child("A", sex="M", dob="01/01/2012")
    b.child("C", sex="F", dob="01/01/2011", ethnic="BAFR")
    b.episode("A", "01/01/2023")
    b.episode("C", "01/01/2023", dec="01/09/2024", rec="E4A")
    return b


def _year_y0() -> ExtractBuilder:
    """An in-year extract of 2024/25 (to 31/12/2024) that the annual one corrects."""
    b = _episodes_2024_25(ExtractBuilder())
    b.add("Reviews", CHILD="A", DOB="01/01/2012", REVIEW="10/10/2024", REVIEW_CODE="PN1")
    b.add("Reviews", CHILD="C", DOB="01/01/2011", REVIEW="01/08/2024", REVIEW_CODE="PN2")
    b.add("Missing", CHILD="C", DOB="01/01/2011", MISSING="M", MIS_START="01/07/2024",
          MIS_END="02/07/2024")
    # A's worker from 2023 recorded under the wrong id, ending in April: the annual extract
    # does not hold this episode (it has SW1 instead)
    b.add("SWEpisodes", CHILD="A", DOB="01/01/2012", SW_ID="SW8", SW_DECOM="01/01/2023",
          SW_DEC="01/05/2024", SW_REASON="LEFTRL")
    b.add("SWEpisodes", CHILD="A", DOB="01/01/2012", SW_ID="SW2", SW_DECOM="01/08/2024")
    b.add("SWEpisodes", CHILD="C", DOB="01/01/2011", SW_ID="SWC", SW_DECOM="01/01/2023",
          SW_DEC="01/09/2024", SW_REASON="LEFTRL")
    return b


def _year_y() -> ExtractBuilder:
    b = _episodes_2024_25(ExtractBuilder())
    for child, dob, review, code in [("A", "01/01/2012", "01/05/2024", "PN1"),
                                     ("A", "01/01/2012", "10/10/2024", "PN4"),  # corrected
                                     ("A", "01/01/2012", "15/02/2025", "PN1"),
                                     ("C", "01/01/2011", "01/08/2024", "PN2")]:
        b.add("Reviews", CHILD=child, DOB=dob, REVIEW=review, REVIEW_CODE=code)
    for child, dob, kind, start, end in [
            ("A", "01/01/2012", "M", "30/06/2024", "01/07/2024"),  # the day before W
            ("C", "01/01/2011", "A", "01/07/2024", "02/07/2024"),  # corrected: away, not missing
            ("A", "01/01/2012", "A", "31/03/2025", "31/03/2025")]:
        b.add("Missing", CHILD=child, DOB=dob, MISSING=kind, MIS_START=start, MIS_END=end)
    b.add("SWEpisodes", CHILD="A", DOB="01/01/2012", SW_ID="SW1", SW_DECOM="01/01/2023",
          SW_DEC="01/08/2024", SW_REASON="LEFTRL")
    b.add("SWEpisodes", CHILD="A", DOB="01/01/2012", SW_ID="SW2", SW_DECOM="01/08/2024")
    b.add("SWEpisodes", CHILD="C", DOB="01/01/2011", SW_ID="SWC", SW_DECOM="01/01/2023",
          SW_DEC="01/09/2024", SW_REASON="LEFTRL")
    return b


def _quarter_q() -> ExtractBuilder:
    b = ExtractBuilder()
    b.child("A", sex="M", dob="01/01/2012")
    b.episode("A", "01/01/2023")
    b.add("Reviews", CHILD="A", DOB="01/01/2012", REVIEW="20/05/2025", REVIEW_CODE="PN1")
    b.add("Missing", CHILD="A", DOB="01/01/2012", MISSING="M", MIS_START="05/05/2025",
          MIS_END="06/05/2025")
    b.add("SWEpisodes", CHILD="A", DOB="01/01/2012", SW_ID="SW2", SW_DECOM="01/08/2024",
          SW_DEC="01/05/2025", SW_REASON="LEFTRL")  # the annual extract had it open
    b.add("SWEpisodes", CHILD="A", DOB="01/01/2012", SW_ID="SW3", SW_DECOM="01/05/2025")
    return b


@pytest.fixture(scope="module")
def stitched(tmp_path_factory):
    """Loaded once for the module's read-only checks."""
    folder = tmp_path_factory.mktemp("stitched")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CPD_DATA_DIR", str(folder / "data"))
        for builder, period_end in [(_year_x(), X), (_year_y0(), Y0), (_year_y(), Y),
                                    (_quarter_q(), Q)]:
            load(builder, folder, period_end)
        yield


def test_an_in_year_period_takes_earlier_events_in_its_window(stitched):
    reviews = query("SELECT child, review, review_code, source_period_end FROM int_reviews "
                    "WHERE period_end = ? ORDER BY child, review", D(2025, 6, 30))
    assert reviews == [
        # 01/05/2024 (before W) and 01/10/2023 (X) are left out; 10/10/2024 is in Y0 and Y:
        # the later, Y, wins with its corrected code
        ("A", D(2024, 10, 10), "PN4", D(2025, 3, 31)),
        ("A", D(2025, 2, 15), "PN1", D(2025, 3, 31)),
        ("A", D(2025, 5, 20), "PN1", D(2025, 6, 30)),
        ("C", D(2024, 8, 1), "PN2", D(2025, 3, 31))]
    missing = query("SELECT child, mis_start, missing, source_period_end FROM int_missing "
                    "WHERE period_end = ? ORDER BY child, mis_start", D(2025, 6, 30))
    assert missing == [
        ("A", D(2025, 3, 31), "A", D(2025, 3, 31)),
        ("A", D(2025, 5, 5), "M", D(2025, 6, 30)),
        ("C", D(2024, 7, 1), "A", D(2025, 3, 31))]  # W's first day; Y's type, not Y0's
    workers = query("SELECT child, sw_id, sw_decom, sw_dec, source_period_end "
                    "FROM int_sw_episodes WHERE period_end = ? ORDER BY child, sw_decom",
                    D(2025, 6, 30))
    assert workers == [
        # SW1 is in X (open) and Y (closed 01/08/2024, inside W): Y's copy
        ("A", "SW1", D(2023, 1, 1), D(2024, 8, 1), D(2025, 3, 31)),
        # SW2 is in Y (open) and the period's own extract (closed): the period's own
        ("A", "SW2", D(2024, 8, 1), D(2025, 5, 1), D(2025, 6, 30)),
        ("A", "SW3", D(2025, 5, 1), None, D(2025, 6, 30)),
        ("C", "SWC", D(2023, 1, 1), D(2024, 9, 1), D(2025, 3, 31))]
        # Y0's SW8 ended 01/05/2024, before W: not current in it


def test_a_31_march_period_adds_nothing(stitched):
    p = D(2025, 3, 31)
    for table, staged, key in [("int_reviews", "stg_reviews", "review"),
                               ("int_missing", "stg_missing", "mis_start"),
                               ("int_sw_episodes", "stg_sw_episodes", "sw_decom")]:
        own = query(f"SELECT child, {key} FROM {staged} WHERE period_end = ? ORDER BY ALL", p)
        assert query(f"SELECT child, {key} FROM {table} WHERE period_end = ? ORDER BY ALL",
                     p) == own, table
        assert query(f"SELECT count(*) FROM {table} WHERE period_end = ? AND "
                     "source_period_end <> period_end", p) == [(0,)], table
    # Y0's SW8 was current on 01/04/2024 by Y0's account, but W is Y's own year: not taken
    assert query("SELECT period_end FROM int_sw_episodes WHERE sw_id = 'SW8'") == [
        (D(2024, 12, 31),)]  # Y0's own events only


def test_a_child_not_in_the_in_year_extract_keeps_its_history(stitched):
    """C left care on 01/09/2024, inside W for Q but before Q's extract began: C's episodes
    and Header row come from the latest earlier extract holding C (Y, not Y0 or X)."""
    assert query("SELECT decom, dec, rec, source_period_end FROM int_episodes "
                 "WHERE period_end = ? AND child = 'C'", D(2025, 6, 30)) == [
        (D(2023, 1, 1), D(2024, 9, 1), "E4A", D(2025, 3, 31))]
    assert query("SELECT sex, ethnic, source_period_end FROM int_header "
                 "WHERE period_end = ? AND child = 'C'", D(2025, 6, 30)) == [
        ("F", "BAFR", D(2025, 3, 31))]
    rows = result(Q)
    assert figure(rows[("cla_ceased", None)]) == (1, None, 1)  # C
    assert figure(rows[("cla_at_period_end", None)]) == (1, None, 1)  # A only
    # C counts by its own (borrowed) details
    ceased = result(Q, "ethnic_group")
    assert ceased[("cla_ceased", "Black")]["value"] == 1
    # G (only in X) left care on 01/02/2024: inside the window of the in-year period to
    # 31/12/2024 (from 01/01/2024), so carried into its history, and counted as leaving care
    # there; before the windows of Y and Q (from 01/04/2024 and 01/07/2024), so in no figure
    # of theirs and not carried into their histories
    for table in ("int_episodes", "int_child_attributes"):
        assert query(f"SELECT DISTINCT period_end FROM {table} WHERE child = 'G' ORDER BY 1"
                     ) == [(D(2024, 3, 31),), (D(2024, 12, 31),)], table
    assert figure(result(Y0)[("cla_ceased", None)]) == (2, None, 2)  # G and C


def test_event_indicators_count_the_whole_twelve_months(stitched):
    rows = result(Q)
    # looked after during W: A and C. Missing (M) in W: A on 05/05/2025 only (C's 01/07/2024
    # incident is "away" in the later extract). Away: A (31/03/2025), C (01/07/2024).
    assert figure(rows[("missing_children", None)]) == (1, 2, 50.0)
    assert figure(rows[("away_children", None)]) == (2, 2, 100.0)
    # A's workers: SW1 (first), SW2 from 01/08/2024 and SW3 from 01/05/2025: two changes in W
    # (the extract alone holds SW2 first and SW3: one change)
    assert figure(rows[("sw_changes_2plus", None)]) == (1, 1, 100.0)
    # reviews in W: PN4, PN1, PN1, PN2: views conveyed in 3 of 4
    assert figure(rows[("review_participation", None)]) == (3, 4, 75.0)
    # A's care began before W: its first review in W is not assessable, then 15/02/2025 and
    # 20/05/2025 are each within 6 months of the one before; C's only review is its first
    assert figure(rows[("reviews_on_time", None)]) == (2, 2, 100.0)
    for row in rows.values():
        assert row["window_complete"] is True, row["id"]
        assert "Only part of the last 12 months" not in (row["note"] or "")
    assert query("SELECT events_from, window_complete FROM int_periods WHERE period_end = ?",
                 D(2025, 6, 30)) == [(D(2023, 4, 1), True)]


# --- partial windows --------------------------------------------------------------------------

@pytest.fixture
def gap(data_dir, tmp_path):
    """Q with the in-year extract to 31/12/2024 but not the annual one to 31/03/2025: nothing
    loaded covers 01/01/2025 to 31/03/2025."""
    load(_year_y0(), tmp_path, Y0)
    load(_quarter_q(), tmp_path, Q)


def test_a_window_the_loaded_data_covers_only_in_part_says_so(gap):
    assert query("SELECT period_end, window_start, collection_year_start, events_from, "
                 "window_complete FROM int_periods ORDER BY period_end") == [
        (D(2024, 12, 31), D(2024, 1, 1), D(2024, 4, 1), D(2024, 4, 1), False),
        (D(2025, 6, 30), D(2024, 7, 1), D(2025, 4, 1), D(2025, 4, 1), False)]
    rows = result(Q)
    missing = rows[("missing_children", None)]
    assert missing["window_complete"] is False
    assert ("Only part of the last 12 months is in the loaded data: events from 1 Apr 2025 to "
            "30 Jun 2025 (3 months), so this figure is not comparable with a full year"
            ) in missing["note"]
    for row in rows.values():  # event-based or not, by the catalogue
        entry = next(e for e in CATALOGUE if e.id == row["id"])
        assert row["window_complete"] is (not entry.events), row["id"]
    assert "Only part" not in (rows[("cla_at_period_end", None)]["note"] or "")
    earlier = result(Y0)[("reviews_on_time", None)]
    assert "events from 1 Apr 2024 to 31 Dec 2024 (9 months)" in earlier["note"]
    # what earlier extracts do hold of W is still taken: Y0's reviews since 01/07/2024
    assert query("SELECT child, review, source_period_end FROM int_reviews WHERE period_end = ?"
                 " ORDER BY ALL", D(2025, 6, 30)) == [
        ("A", D(2024, 10, 10), D(2024, 12, 31)), ("A", D(2025, 5, 20), D(2025, 6, 30)),
        ("C", D(2024, 8, 1), D(2024, 12, 31))]
    assert missing["direction"] is None
    assert missing["comparison"] == {
        "period_end": None,
        "reason": "No figure for the same point last year (30 Jun 2024) to compare with"}


def test_event_based_marks_exactly_the_indicators_that_read_events():
    for entry in CATALOGUE:
        reads = any(t in entry.sql for t in ("int_reviews", "int_missing", "int_sw_episodes"))
        assert reads == entry.events, entry.id
        assert not any(t in entry.sql for t in ("stg_reviews", "stg_missing",
                                                "stg_sw_episodes")), entry.id


@pytest.mark.parametrize("first,last,words", [
    (D(2026, 4, 1), D(2026, 6, 30), "3 months"),
    (D(2026, 4, 1), D(2026, 4, 30), "1 month"),
    (D(2026, 4, 1), D(2026, 6, 15), "2 months and 15 days"),
    (D(2026, 4, 1), D(2026, 4, 1), "1 day"),
    (D(2023, 4, 1), D(2024, 2, 29), "11 months"),  # a leap day ends February
    (D(2023, 4, 1), D(2024, 2, 28), "10 months and 28 days"),
])
def test_how_long_a_partial_window_is(first, last, words):
    assert engine._span(first, last) == words


# --- direction of travel against the same point last year -------------------------------------
# QA = 30/06/2024, Y = 31/03/2025, Q = 30/06/2025. By ethnic group, children looked after:
# QA: White 12, Mixed 3, Black 5 (20); Q: White 14, Mixed 8, Asian 6 (28). The Black children
# left care on 01/12/2024.
QA = "2024-06-30"
GROUPS = {"WBRI": ("W", 12, 2), "MWBC": ("X", 3, 5), "AIND": ("A", 0, 6)}


def _council(period_end: str) -> ExtractBuilder:
    b = ExtractBuilder()
    for code, (letter, long_stay, new) in GROUPS.items():
        for n in range(1, long_stay + 1):
            b.child(f"{letter}{n:02d}", ethnic=code)
            b.episode(f"{letter}{n:02d}", "01/01/2023")
        if period_end == Q:
            for n in range(long_stay + 1, long_stay + new + 1):
                b.child(f"{letter}{n:02d}", ethnic=code)
                b.episode(f"{letter}{n:02d}", "10/04/2025")
    if period_end != Q:
        for n in range(1, 6):
            b.child(f"B{n:02d}", ethnic="BAFR")
            b.episode(f"B{n:02d}", "01/01/2023", dec="" if period_end == QA else "01/12/2024",
                      rec="" if period_end == QA else "E4A")
    start = {QA: "01/05/2024", Y: "01/02/2025", Q: "01/05/2025"}[period_end]
    b.add("Missing", CHILD="W01", DOB="01/01/2012", MISSING="M", MIS_START=start,
          MIS_END=start)
    return b


@pytest.fixture(scope="module")
def year_on_year(tmp_path_factory):
    """Loaded once for the module's read-only checks."""
    folder = tmp_path_factory.mktemp("years")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CPD_DATA_DIR", str(folder / "data"))
        for period_end in (QA, Y, Q):
            load(_council(period_end), folder, period_end)
        yield


def test_direction_compares_with_the_same_point_last_year_only(year_on_year):
    annual = result(Y)
    for row in annual.values():  # QA is loaded and earlier, but is not a year before
        assert row["direction"] is None
        assert row["comparison"] == {"period_end": None, "reason": (
            "No figure for the same point last year (31 Mar 2024) to compare with")}
    quarter = result(Q)[("cla_at_period_end", None)]
    assert quarter["direction"] == {"previous": 20, "change": 8, "direction": "up",
                                    "trend": "context", "period_end": QA}
    assert quarter["comparison"] == {"period_end": QA, "reason": None}


def test_no_direction_against_a_period_whose_window_is_partial(year_on_year):
    # Q's 12 months are covered (Y from 01/04/2024, then Q); QA's are not (nothing before
    # 01/04/2024 is loaded)
    then = result(QA)[("missing_children", None)]
    assert then["window_complete"] is False
    assert "events from 1 Apr 2024 to 30 Jun 2024 (3 months)" in then["note"]
    now = result(Q)[("missing_children", None)]
    assert now["window_complete"] is True and isinstance(now["value"], float)
    assert now["direction"] is None
    assert now["comparison"] == {"period_end": QA, "reason": (
        "Not compared: the figure for 30 Jun 2024 covers only part of its 12 months")}
    # not event-based: compared as usual
    assert result(Q)[("family_based_placements", None)]["direction"]["period_end"] == QA


def test_groups_are_compared_with_the_same_group_last_year(year_on_year):
    rows = result(Q, "ethnic_group")
    white, mixed = rows[("cla_at_period_end", "White")], rows[("cla_at_period_end", "Mixed")]
    assert white["direction"] == {"previous": 12, "change": 2, "direction": "up",
                                  "trend": "context", "period_end": QA}
    assert mixed["direction"] == {"previous": 3, "change": 5, "direction": "up",
                                  "trend": "context", "period_end": QA}
    asian = rows[("cla_at_period_end", "Asian")]
    assert asian["direction"] is None
    assert asian["comparison"] == {"period_end": QA, "reason": (
        "No figure for this group at 30 Jun 2024 to compare with")}
    # the Black children left care on 01/12/2024: a group of cla_ceased now, none at QA
    assert rows[("cla_ceased", "Black")]["value"] == 5
    assert rows[("cla_ceased", "Black")]["direction"] is None
    for row in rows.values():
        assert set(row["comparison"]) == {"period_end", "reason"}
        assert (row["direction"] is None) == (row["comparison"]["reason"] is not None)


def test_a_member_sees_a_group_s_direction_only_where_it_is_shown_both_times(year_on_year):
    then = result(QA, "ethnic_group", suppress=True)
    assert (then[("cla_at_period_end", "White")]["value"],
            then[("cla_at_period_end", "Mixed")]["value"]) == (12, "c")
    member = result(Q, "ethnic_group", suppress=True)
    analyst = result(Q, "ethnic_group")
    white = member[("cla_at_period_end", "White")]
    assert white["direction"] == analyst[("cla_at_period_end", "White")]["direction"]
    mixed = member[("cla_at_period_end", "Mixed")]
    assert mixed["value"] == 8 and mixed["direction"] is None  # "up 5" would give the 3 away
    assert mixed["comparison"] == {"period_end": QA, "reason": HIDDEN_THEN}
    # hidden now: no direction, though the analyst has one (0 at QA, 5 now)
    ceased = result(Q, suppress=True)[("cla_ceased", None)]
    assert ceased["value"] == "c" and ceased["direction"] is None
    assert ceased["comparison"]["reason"] == (
        "Not compared: this figure is not shown, to protect children's identities")
    assert result(Q)[("cla_ceased", None)]["direction"]["change"] == 5
    # the linked tables say the same as one breakdown asked for alone
    con = connect_current()
    try:
        linked = engine.compute_linked(con, load_config(), D.fromisoformat(Q))
    finally:
        con.close()
    assert {(r["id"], r["group"]): r for r in linked["ethnic_group"]["indicators"]} == member


def test_a_member_cannot_work_out_a_hidden_figure_from_the_directions(year_on_year):
    """Everything a member sees at Q and at the same point last year, directions of travel
    beside every group included, goes to the independent attacker: nothing of 1 to 5 hidden
    is pinned."""
    def cells(period_end: str, suppress: bool) -> dict:
        out: dict = {}
        for breakdown in (None, *engine.MEMBER_BREAKDOWNS):
            for (i, group), row in result(period_end, breakdown, suppress).items():
                out.setdefault(i, {})[(breakdown, group)] = row
        return out

    seen, before = cells(Q, True), cells(QA, True)
    truth, truth_before = cells(Q, False), cells(QA, False)
    found = []
    for entry in CATALOGUE:
        view = View(entry.unit, seen[entry.id], previous=before[entry.id])
        found += [(entry.id, r) for r in recover(view)
                  if protected(r, truth[entry.id], truth_before[entry.id])]
    assert found == []
