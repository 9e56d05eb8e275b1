"""Healthy indicators (indicators.md "Healthy"), all over the OC2 cohort: CLA at P whose
current period of care started on or before the same date one year before P, with no short
break in that period of care. P = 31/03/2025, so the cohort needs a start on or before
31/03/2024."""
from __future__ import annotations

import pytest

from tests.builders import ExtractBuilder
from tests.indicators.support import check, figures, load

FLAGS = ("HEALTH_ASSESSMENT", "TEETH_CHECK", "IMMUNISATIONS", "HEALTH_CHECK",
         "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "CONVICTED")


def oc2(b, child, dob, ha, teeth, imm, hc, sdq, sm, intv, conv):
    b.add("OC2", CHILD=child, DOB=dob, SDQ_SCORE=sdq, SDQ_REASON="" if sdq else "SDQ1",
          CONVICTED=conv, HEALTH_CHECK=hc, IMMUNISATIONS=imm, TEETH_CHECK=teeth,
          HEALTH_ASSESSMENT=ha, SUBSTANCE_MISUSE=sm, INTERVENTION_RECEIVED=intv,
          INTERVENTION_OFFERED="1" if sm == "1" else "")


def oc2_extract() -> ExtractBuilder:
    """Cohort (10): H1, H3, H6, H7, H8, H9, H10, H11, H12, H14.
    Outside the cohort, each with an all-'1' OC2 row that must be ignored: H2, H4, H5, H13."""
    b = ExtractBuilder()
    dobs = {"H1": "15/06/2016", "H2": "01/01/2012", "H3": "01/01/2014", "H4": "01/01/2012",
            "H5": "01/01/2012", "H6": "10/10/2021", "H7": "01/04/2020", "H8": "31/03/2020",
            "H9": "01/10/2008", "H10": "31/03/2008", "H11": "31/03/2015", "H12": "01/04/2015",
            "H13": "01/01/2012", "H14": "01/01/2013"}
    for child, dob in dobs.items():
        b.child(child, dob=dob)
    # H1: period of care started exactly one year before P (31/03/2024) -> in the cohort.
    b.episode("H1", "31/03/2024", rne="S")
    # H2: started 01/04/2024, one day too late -> not in the cohort.
    b.episode("H2", "01/04/2024", rne="S")
    # H3: in the cohort, but no OC2 row -> denominators only.
    b.episode("H3", "01/01/2023", rne="S")
    # H4: a short break inside the current period of care -> not in the cohort.
    b.episode("H4", "01/01/2023", rne="S", dec="01/02/2023", rec="X1")
    b.episode("H4", "01/02/2023", rne="S", ls="V3", dec="03/02/2023", rec="E13")
    b.episode("H4", "03/02/2023", rne="P", place="U5", URN="SC900001")
    # H5: in care 2022, left, came back 01/06/2024: current period too recent.
    b.episode("H5", "01/01/2022", rne="S", dec="01/01/2023", rec="E4A")
    b.episode("H5", "01/06/2024", rne="S")
    for child in ["H6", "H7", "H8", "H9", "H10", "H11", "H12"]:
        b.episode(child, "01/01/2023", rne="S")
    # H13: long period of care but left before P -> not CLA at P, not in the cohort.
    b.episode("H13", "01/01/2022", rne="S", dec="01/02/2025", rec="E4A")
    # H14: short breaks *before* its period of care began -> still in the cohort.
    b.episode("H14", "01/06/2022", rne="S", ls="V3", dec="03/06/2022", rec="E13")
    b.episode("H14", "01/01/2023", rne="S")

    #            child   dob           HA   teeth imm  HC   SDQ   SM   INT  CONV
    oc2(b, "H1", dobs["H1"], "1", "1", "1", "0", "20", "1", "1", "0")  # age 8
    oc2(b, "H6", dobs["H6"], "1", "0", "1", "1", "", "0", "", "0")  # age 3
    oc2(b, "H7", dobs["H7"], "0", "1", "0", "0", "", "0", "", "0")  # age 4 (5 tomorrow)
    oc2(b, "H8", dobs["H8"], "1", "1", "1", "1", "16", "0", "", "0")  # age 5 on P
    oc2(b, "H9", dobs["H9"], "1", "0", "1", "0", "17", "1", "0", "0")  # age 16 (bday in W)
    oc2(b, "H10", dobs["H10"], "1", "1", "1", "0", "30", "1", "1", "1")  # age 17 on P
    oc2(b, "H11", dobs["H11"], "0", "0", "1", "0", "", "0", "", "1")  # age 10 on P
    oc2(b, "H12", dobs["H12"], "1", "1", "1", "0", "5", "0", "", "1")  # age 9 (10 tomorrow)
    oc2(b, "H14", dobs["H14"], "1", "1", "1", "0", "10", "0", "", "0")  # age 12
    for child in ["H2", "H4", "H5", "H13"]:  # outside the cohort: rows ignored
        oc2(b, child, dobs[child], "1", "1", "1", "1", "25", "1", "1", "1")
    return b


@pytest.fixture
def figs(data_dir, tmp_path):
    load(oc2_extract(), tmp_path)
    return figures()


def test_health_assessment(figs):
    # HEALTH_ASSESSMENT = 1: H1, H6, H8, H9, H10, H12, H14 = 7 of 10 (H3 has no row).
    check(figs, "health_assessment", 7, 10, 70.0)


def test_dental_check(figs):
    # TEETH_CHECK = 1: H1, H7, H8, H10, H12, H14 = 6 of 10.
    check(figs, "dental_check", 6, 10, 60.0)


def test_immunisations(figs):
    # IMMUNISATIONS = 1: H1, H6, H8, H9, H10, H11, H12, H14 = 8 of 10.
    check(figs, "immunisations", 8, 10, 80.0)


def test_health_surveillance_under5(figs):
    # Cohort aged under 5: H6 (3), H7 (4; 5th birthday the day after P) = 2. H8 turns 5 on
    # P -> aged 5, left out. HEALTH_CHECK = 1: H6. 1/2 = 50.0%.
    check(figs, "health_surveillance_under5", 1, 2, 50.0)


def test_sdq_completion(figs):
    # Cohort aged 5-16: H1 (8), H3 (11, no row), H8 (5 on P), H9 (16), H11 (10), H12 (9),
    # H14 (12) = 7; H10 is 17, H6/H7 under 5. With a score: H1, H8, H9, H12, H14 = 5.
    # 5/7 = 71.43 -> 71.4%.
    check(figs, "sdq_completion", 5, 7, 71.4)


def test_sdq_average(figs):
    # Scores of the 5-16s: 20 + 16 + 17 + 5 + 10 = 68 over 5 scores = 13.6 (H10's 30 is
    # outside the age range; non-cohort 25s ignored).
    check(figs, "sdq_average", 68, 5, 13.6)


def test_sdq_concern(figs):
    # Scores of 17 or more: H1 (20), H9 (17) = 2 of 5 scores = 40.0%.
    check(figs, "sdq_concern", 2, 5, 40.0)


def test_substance_misuse(figs):
    # SUBSTANCE_MISUSE = 1: H1, H9, H10 = 3 of 10.
    check(figs, "substance_misuse", 3, 10, 30.0)


def test_substance_intervention(figs):
    # Of the 3 with SUBSTANCE_MISUSE = 1, INTERVENTION_RECEIVED = 1: H1, H10 = 2.
    # 2/3 = 66.67 -> 66.7%.
    check(figs, "substance_intervention", 2, 3, 66.7)


def test_oc2_cohort_on_a_leap_day_period_end(data_dir, tmp_path):
    # P = 29/02/2024: "the same date one year before P" maps to 28/02/2023. Collection year
    # 2023/24: SEX codes 1/2.
    b = ExtractBuilder()
    dobs = {"A": "01/01/2012", "B": "01/01/2012", "E": "01/01/2012", "G1": "29/02/2020",
            "G2": "28/02/2019", "G3": "01/03/2019"}
    for child, dob in dobs.items():
        b.child(child, sex="1", dob=dob)
    b.episode("A", "01/03/2023", rne="S")  # one day too late: not in the cohort
    b.episode("B", "28/02/2023", rne="S")  # exactly one year: in the cohort
    for child in ["E", "G1", "G2", "G3"]:
        b.episode(child, "01/01/2022", rne="S")
    oc2(b, "A", dobs["A"], "1", "1", "1", "0", "10", "0", "", "0")  # ignored
    oc2(b, "B", dobs["B"], "1", "1", "1", "0", "10", "0", "", "0")
    oc2(b, "E", dobs["E"], "0", "1", "1", "0", "10", "0", "", "0")
    oc2(b, "G1", dobs["G1"], "1", "1", "1", "1", "", "0", "", "0")  # 4th birthday on P: 4
    oc2(b, "G2", dobs["G2"], "0", "1", "1", "1", "10", "0", "", "0")  # 5 (bday 28/02/2024)
    oc2(b, "G3", dobs["G3"], "0", "1", "1", "0", "", "0", "", "0")  # 4 (5 tomorrow)
    load(b, tmp_path, period_end="2024-02-29")
    figs = figures("2024-02-29")
    # Cohort: B, E, G1, G2, G3 = 5; HEALTH_ASSESSMENT = 1: B, G1 = 2 -> 40.0%.
    check(figs, "health_assessment", 2, 5, 40.0, "2024-02-29")
    # Under 5: G1 (4), G3 (4) = 2; HEALTH_CHECK = 1: G1 -> 50.0%.
    check(figs, "health_surveillance_under5", 1, 2, 50.0, "2024-02-29")


def test_an_sdq_score_of_zero_is_a_score(data_dir, tmp_path):
    # Two cohort children aged 8 and 9 with SDQ scores 0 and 40 (the range is 0-40).
    # Completion 2/2 = 100.0; average (0 + 40) / 2 = 20.0; concern (40 >= 17) 1/2 = 50.0.
    b = ExtractBuilder()
    for child, dob, sdq in [("Z1", "01/01/2017", "0"), ("Z2", "01/01/2016", "40")]:
        b.child(child, dob=dob)
        b.episode(child, "01/01/2023", rne="S")
        oc2(b, child, dob, "1", "1", "1", "0", sdq, "0", "", "0")
    load(b, tmp_path)
    figs = figures()
    check(figs, "sdq_completion", 2, 2, 100.0)
    check(figs, "sdq_average", 40, 2, 20.0)
    check(figs, "sdq_concern", 1, 2, 50.0)
