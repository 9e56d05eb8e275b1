"""Learning indicators (indicators.md "Learning"): the local education extract, CLA at P aged
5-15. P = 31/03/2025."""
from __future__ import annotations

import pytest

from tests.builders import ExtractBuilder
from tests.indicators.support import check, figures, load


def education(b, child, pep="", att="", moves=""):
    b.add("Education", CHILD=child, PEP_REVIEW_DATE=pep, ATTENDANCE_PCT=att,
          SCHOOL_MOVES_12M=moves)


@pytest.fixture
def figs(data_dir, tmp_path):
    b = ExtractBuilder()
    dobs = {"E1": "31/03/2020", "E2": "01/04/2009", "E3": "31/03/2009", "E4": "01/04/2020",
            "E5": "01/01/2015", "E6": "01/01/2013", "E7": "01/01/2017", "E8": "01/01/2015",
            "E10": "01/01/2014", "E11": "01/01/2015", "E12": "01/01/2018"}
    for child, dob in dobs.items():
        b.child(child, dob=dob)
    for child in ["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E10", "E12"]:
        b.episode(child, "01/01/2024", rne="S")
    b.episode("E8", "01/01/2024", rne="S", dec="01/02/2025", rec="E4A")  # left before P
    b.episode("E11", "28/03/2025", rne="S", ls="V3")  # short break at P: not CLA
    education(b, "E1", "01/10/2024", "89.9", "0")  # 5th birthday on P: aged 5
    education(b, "E2", "29/09/2024", "90", "1")  # aged 15 (16 tomorrow)
    education(b, "E3", "01/03/2025", "50", "3")  # 16th birthday on P: out
    education(b, "E4", "01/03/2025", "50", "3")  # aged 4 (5 tomorrow): out
    # E5: aged 10, no education row at all.
    education(b, "E6")  # aged 12, a row with every value blank
    education(b, "E7", "31/03/2025", "95", "2")  # aged 8, PEP on P
    education(b, "E8", "01/01/2025", "50", "3")  # not CLA at P
    education(b, "E10", "30/09/2023", "70", "4")  # aged 11, PEP a year old
    education(b, "E11", "01/03/2025", "50", "3")  # short break only
    education(b, "E12", "", "0", "0")  # aged 7: 0% attendance and 0 moves are values
    load(b, tmp_path)
    return figures()


def test_pep_in_date(figs):
    # CLA at P aged 5-15: E1, E2, E5, E6, E7, E10, E12 = 7. PEP on or after 6 months before
    # P and on or before P: E1 (01/10/2024), E7 (31/03/2025) = 2. E2's 29/09/2024 is too old
    # whichever way 31/03 minus 6 months is read (30/09 or 01/10). 2/7 = 28.57 -> 28.6%.
    check(figs, "pep_in_date", 2, 7, 28.6)


def test_persistent_absence(figs):
    # Aged 5-15 with an ATTENDANCE_PCT: E1, E2, E7, E10, E12 = 5. Below 90: E1 (89.9),
    # E10 (70), E12 (0) = 3 (E2's 90 is not below 90). 3/5 = 60.0%.
    check(figs, "persistent_absence", 3, 5, 60.0)


def test_school_moves(figs):
    # Aged 5-15 with a SCHOOL_MOVES_12M: E1 (0), E2 (1), E7 (2), E10 (4), E12 (0) = 5;
    # 1 or more: E2, E7, E10 = 3. 3/5 = 60.0%.
    check(figs, "school_moves", 3, 5, 60.0)


def test_pep_in_date_on_a_leap_day_period_end(data_dir, tmp_path):
    # P = 29/02/2024: 6 months before P is 29/08/2023 (a real date, no ambiguity).
    b = ExtractBuilder()
    for child in ["K1", "K2"]:
        b.child(child, sex="2", dob="01/01/2015")
        b.episode(child, "01/01/2023", rne="S")
    education(b, "K1", "29/08/2023", "95", "0")  # exactly 6 months before P: in date
    education(b, "K2", "28/08/2023", "95", "0")  # a day older: not in date
    load(b, tmp_path, period_end="2024-02-29")
    check(figures("2024-02-29"), "pep_in_date", 1, 2, 50.0, "2024-02-29")
