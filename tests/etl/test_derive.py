"""The derived layer on hand-built histories whose answers are worked out by hand:
stitching across extracts, periods of care, placements (temporary placements, returns, L/T/U
changes), short breaks, cohorts and each child's team."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl.cli import main
from etl.warehouse.publish import current_path
from tests.builders import ExtractBuilder

P1, P2 = "2024-03-31", "2025-03-31"
D = dt.date


def year_1() -> ExtractBuilder:
    b = ExtractBuilder()
    b.child("A", dob="01/01/2012", sex="1")
    b.episode("A", "01/05/2021", rne="S", place="U4", dec="01/06/2023", rec="X1")
    b.episode("A", "01/06/2023", rne="P", place="U5", dec="10/01/2024", rec="X1")
    b.episode("A", "10/01/2024", rne="L", place="U5", ls="C1")
    return b


def year_2() -> ExtractBuilder:
    b = ExtractBuilder()
    for child, dob, sex in [("A", "01/01/2012", "M"), ("B", "01/01/2014", "F"),
                            ("C", "01/01/2010", "M"), ("D", "01/01/2015", "F"),
                            ("E", "01/01/2011", "M"), ("F", "01/01/2013", "F"),
                            ("L17", "15/06/2007", "M"), ("L18", "01/03/2007", "F"),
                            ("L16", "01/04/2008", "M"), ("L21", "01/04/2003", "F"),
                            ("L22", "30/03/2003", "M")]:
        b.child(child, dob=dob, sex=sex)
    # A: legal status change (L) carried on, a same-carer move (T), a temporary placement
    # and a return to the same place: still the placement that began on 01/06/2023.
    b.episode("A", "10/01/2024", rne="L", place="U5", ls="C1", dec="01/09/2024", rec="X1")
    b.episode("A", "01/09/2024", rne="T", place="U6", PL_POST="DE1 3AA", URN="SC111111",
              dec="01/12/2024", rec="X1")
    b.episode("A", "01/12/2024", rne="P", place="T1", dec="15/12/2024", rec="X1")
    b.episode("A", "15/12/2024", rne="P", place="U6", PL_POST="DE1 3AA", URN="SC111111")
    # B: temporary placement, then somewhere new: two placement starts in one period of care.
    b.episode("B", "01/06/2024", rne="S", place="U4", dec="01/07/2024", rec="X1")
    b.episode("B", "01/07/2024", rne="P", place="T0", dec="10/07/2024", rec="X1")
    b.episode("B", "10/07/2024", rne="P", place="K2", PL_POST="DE1 9ZZ", URN="SC222222")
    # C: left care and came back: two periods of care.
    b.episode("C", "01/04/2024", rne="S", dec="01/07/2024", rec="E4A")
    b.episode("C", "01/10/2024", rne="S", place="U1")
    # D: history starts with an L episode, so its start is only known to be no later.
    b.episode("D", "01/05/2024", rne="L", place="U4")
    # E: short breaks only: never looked after at P.
    b.episode("E", "01/05/2024", rne="S", ls="V3", dec="02/05/2024", rec="E13")
    # F: in care since 2023 with a short break inside the period: not in the OC2 cohort.
    b.episode("F", "01/02/2023", rne="S", ls="V3", dec="03/02/2023", rec="E13")
    b.episode("F", "01/01/2023", rne="S", place="U4", dec="01/02/2023", rec="X1")
    b.episode("F", "03/02/2023", rne="P", place="U5")
    for child, dob in [("A", "01/01/2012"), ("F", "01/01/2013"), ("C", "01/01/2010")]:
        b.add("OC2", CHILD=child, DOB=dob, SDQ_SCORE="12", HEALTH_ASSESSMENT="1",
              IMMUNISATIONS="1", TEETH_CHECK="1", SUBSTANCE_MISUSE="0", CONVICTED="0")
    for child, dob in [("L17", "15/06/2007"), ("L18", "01/03/2007"), ("L16", "01/04/2008"),
                       ("L21", "01/04/2003"), ("L22", "30/03/2003")]:
        b.add("OC3", CHILD=child, DOB=dob, IN_TOUCH="YES", ACTIV="F2", ACCOM="S2")
    b.add("SWEpisodes", CHILD="A", DOB="01/01/2012", SW_ID="SW1", SW_DECOM="01/04/2024")
    b.add("SWEpisodes", CHILD="B", DOB="01/01/2014", SW_ID="SW9", SW_DECOM="01/06/2024")
    b.add("SWEpisodes", CHILD="C", DOB="01/01/2010", SW_ID="SW1", SW_DECOM="01/04/2024",
          SW_DEC="01/02/2025", SW_REASON="LEFTRL")
    b.add("SWEpisodes", CHILD="C", DOB="01/01/2010", SW_ID="SW2", SW_DECOM="01/02/2025")
    b.add("StaffTeams", SW_ID="SW1", TEAM="Fostering North", SERVICE_AREA="North")
    b.add("StaffTeams", SW_ID="SW2", TEAM="", SERVICE_AREA="North")
    return b


@pytest.fixture
def warehouse(data_dir, tmp_path):
    assert main(["load", str(year_1().write(tmp_path / "y1")), "--period-end", P1]) == 0
    assert main(["load", str(year_2().write(tmp_path / "y2")), "--period-end", P2]) == 0
    con = duckdb.connect(str(current_path()), read_only=True)
    yield con
    con.close()


def rows(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


def test_no_row_of_the_hand_built_extracts_is_rejected(warehouse):
    assert rows(warehouse, "SELECT file, row_number, rule FROM rejects WHERE severity = 'error'") \
        == []


def test_earlier_extract_fills_in_the_history(warehouse):
    history = rows(warehouse, "SELECT decom, source_period_end FROM int_episodes "
                   "WHERE period_end = ? AND child = 'A' ORDER BY decom", P2)
    assert history == [
        (D(2021, 5, 1), D(2024, 3, 31)), (D(2023, 6, 1), D(2024, 3, 31)),
        # 10/01/2024 is in both extracts: the P2 extract is authoritative for it
        (D(2024, 1, 10), D(2025, 3, 31)), (D(2024, 9, 1), D(2025, 3, 31)),
        (D(2024, 12, 1), D(2025, 3, 31)), (D(2024, 12, 15), D(2025, 3, 31))]


def test_placements_ignore_legal_status_same_carer_and_temporary_changes(warehouse):
    placements = rows(warehouse, "SELECT child, placement_seq, start_date, end_date, place "
                      "FROM int_placements WHERE period_end = ? AND child IN ('A', 'B') "
                      "ORDER BY child, placement_seq", P2)
    assert placements == [
        ("A", 1, D(2021, 5, 1), D(2023, 6, 1), "U4"),
        ("A", 2, D(2023, 6, 1), None, "U5"),  # L, T, T1 and the return all inside it
        ("B", 1, D(2024, 6, 1), D(2024, 7, 10), "U4"),  # the T0 stay belongs to it
        ("B", 2, D(2024, 7, 10), None, "K2"),
    ]


def test_periods_of_care(warehouse):
    periods = rows(warehouse, "SELECT child, period_of_care_seq, start_date, end_date, last_rec, "
                   "start_unknown, has_short_break FROM int_periods_of_care WHERE period_end = ? "
                   "AND child IN ('A', 'C', 'D', 'E', 'F') ORDER BY child, period_of_care_seq", P2)
    assert periods == [
        ("A", 1, D(2021, 5, 1), None, None, False, False),
        ("C", 1, D(2024, 4, 1), D(2024, 7, 1), "E4A", False, False),
        ("C", 2, D(2024, 10, 1), None, None, False, False),
        ("D", 1, D(2024, 5, 1), None, None, True, False),
        ("F", 1, D(2023, 1, 1), None, None, False, True),
    ]  # E has only short breaks: no period of care


def test_children_looked_after_at_period_end(warehouse):
    cla = rows(warehouse, "SELECT child, period_of_care_start, placement_start, place FROM "
               "int_cla_at_period_end WHERE period_end = ? ORDER BY child", P2)
    assert cla == [
        ("A", D(2021, 5, 1), D(2023, 6, 1), "U6"),
        ("B", D(2024, 6, 1), D(2024, 7, 10), "K2"),
        ("C", D(2024, 10, 1), D(2024, 10, 1), "U1"),
        ("D", D(2024, 5, 1), D(2024, 5, 1), "U4"),
        ("F", D(2023, 1, 1), D(2023, 2, 3), "U5"),  # RNE P: a new carer
    ]
    # the first period's CLA at P1 came from the P1 extract alone
    assert rows(warehouse, "SELECT child, place FROM int_cla_at_period_end WHERE period_end = ?",
                P1) == [("A", "U5")]


def test_oc2_cohort(warehouse):
    # A: in care since 2021. C: this period began 01/10/2024. F: a short break inside.
    assert rows(warehouse, "SELECT child, has_oc2_row FROM int_cohort_oc2 WHERE period_end = ?",
                P2) == [("A", True)]


def test_oc3_cohort_and_age_bands(warehouse):
    cohort = rows(warehouse, "SELECT child, age_at_period_end, age_band FROM int_cohort_oc3 "
                  "WHERE period_end = ? ORDER BY child", P2)
    # L16 turns 17 the day after P; L22 turned 22 the day before P.
    assert cohort == [("L17", 17, "17_18"), ("L18", 18, "17_18"), ("L21", 21, "19_21")]


def test_team_from_the_social_worker_open_at_period_end(warehouse):
    teams = rows(warehouse, "SELECT child, sw_id, team, service_area FROM "
                 "int_social_worker_at_period_end WHERE period_end = ? ORDER BY child", P2)
    assert teams == [
        ("A", "SW1", "Fostering North", "North"),
        ("B", "SW9", "Unallocated team", "Unallocated service area"),  # no staff row
        ("C", "SW2", "Unallocated team", "North"),  # staff row with a blank team
    ]
