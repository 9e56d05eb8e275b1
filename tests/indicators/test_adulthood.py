"""Ready for adulthood (indicators.md): OC3 care leavers by age band at P, and staying put.
P = 31/03/2025, W = 01/04/2024 to 31/03/2025. The OC3 cohort is OC3 rows for care leavers
whose 17th to 21st birthday falls in W, i.e. aged 17-21 at P; DIED and RHOM are left out."""
from __future__ import annotations

import pytest

from tests.builders import ExtractBuilder
from tests.indicators.support import check, figures, load

OC3_ROWS = [
    # child  DOB          age at P / band            IN_TOUCH ACTIV ACCOM
    ("O1", "31/03/2008", "YES", "F2", "S2"),   # 17th birthday on P -> 17, band 17_18
    ("O2", "01/04/2008", "YES", "F1", "B1"),   # 17th birthday the day after P -> 16: out
    ("O3", "01/04/2006", "NO", "G4", "0"),     # 18 (19 tomorrow) -> 17_18
    ("O4", "31/03/2006", "YES", "F1", "B1"),   # 19th birthday on P -> 19, band 19_21
    ("O5", "01/04/2003", "YES", "P2", "T2"),   # 21st birthday on W start -> 21, 19_21
    ("O6", "31/03/2003", "YES", "F1", "B1"),   # 22nd birthday on P -> 22: out
    ("O7", "15/08/2006", "DIED", "", ""),      # 18, died: out of the denominator
    ("O8", "15/08/2004", "RHOM", "", ""),      # 20, returned home: out of the denominator
    ("O9", "15/08/2005", "NO", "G6", "Z2"),    # 19 -> 19_21
    ("O10", "15/08/2007", "REFU", "F4", "C1"),  # 17 -> 17_18
    ("O11", "15/08/2004", "NREQ", "P5", "U1"),  # 20 -> 19_21
    ("O12", "10/10/2003", "YES", "F2", "X2"),  # 21 -> 19_21
    ("O13", "10/10/2007", "YES", "P4", "D2"),  # 17 -> 17_18
    ("O14", "15/08/2007", "YES", "F5", "E1"),  # 17 -> 17_18
    ("O15", "20/12/2004", "NO", "0", "0"),     # 20 -> 19_21
    ("O16", "31/03/2004", "YES", "F1", "C2"),  # 21st birthday on P -> 21, band 19_21
]
# 17_18 denominator: O1, O3, O10, O13, O14 = 5.
# 19_21 denominator: O4, O5, O9, O11, O12, O15, O16 = 7.


@pytest.fixture
def figs(data_dir, tmp_path):
    b = ExtractBuilder()
    for child, dob, in_touch, activ, accom in OC3_ROWS:
        b.child(child, dob=dob)
        b.add("OC3", CHILD=child, DOB=dob, IN_TOUCH=in_touch, ACTIV=activ, ACCOM=accom)
    # One child in care, so the extract has episodes.
    b.child("K", dob="01/01/2012")
    b.episode("K", "01/01/2024")
    load(b, tmp_path)
    return figures()


def test_care_leavers_in_touch_17_18(figs):
    # YES: O1, O13, O14 = 3 of 5 (O10 REFU, O3 NO).
    check(figs, "care_leavers_in_touch_17_18", 3, 5, 60.0)


def test_care_leavers_in_touch_19_21(figs):
    # YES: O4, O5, O12, O16 = 4 of 7 (O6's YES is age 22, out). 57.14 -> 57.1%.
    check(figs, "care_leavers_in_touch_19_21", 4, 7, 57.1)


def test_care_leavers_eet_17_18(figs):
    # ACTIV in F1 P1 F2 P2 F4 P4 F5 P5: O1 F2, O10 F4, O13 P4, O14 F5 = 4 of 5 (O3 G4).
    check(figs, "care_leavers_eet_17_18", 4, 5, 80.0)


def test_care_leavers_eet_19_21(figs):
    # O4 F1, O5 P2, O11 P5, O12 F2, O16 F1 = 5 of 7 (O9 G6, O15 0). 71.43 -> 71.4%.
    check(figs, "care_leavers_eet_19_21", 5, 7, 71.4)


def test_care_leavers_suitable_accom_17_18(figs):
    # ACCOM ending in 1: O10 C1, O14 E1 = 2 of 5 (O1 S2, O3 0, O13 D2).
    check(figs, "care_leavers_suitable_accom_17_18", 2, 5, 40.0)


def test_care_leavers_suitable_accom_19_21(figs):
    # O4 B1, O11 U1 = 2 of 7 (O5 T2, O9 Z2, O12 X2, O15 0, O16 C2). 28.57 -> 28.6%.
    check(figs, "care_leavers_suitable_accom_19_21", 2, 7, 28.6)


def test_care_leavers_higher_education_19_21(figs):
    # ACTIV in F1, P1: O4 F1, O16 F1 = 2 of 7 (O5 is P2; O6's F1 is age 22). 28.57 -> 28.6%.
    check(figs, "care_leavers_higher_education_19_21", 2, 7, 28.6)


def test_staying_put(data_dir, tmp_path):
    b = ExtractBuilder()
    dobs = {"SP1": "15/06/2006", "SP2": "15/06/2006", "SP3": "15/06/2006",
            "SP4": "15/06/2006", "SP5": "01/07/2006", "SP6": "01/05/2006",
            "SP7": "10/10/2006", "SP8": "31/03/2006", "SP12": "31/03/2007"}
    for child, dob in dobs.items():
        b.child(child, dob=dob)
    # SP1: left on the 18th birthday from foster care (U4) with E17 -> numerator.
    b.episode("SP1", "01/01/2024", place="U4", dec="15/06/2024", rec="E17")
    # SP2: left on the 18th birthday from kinship foster care (U1) to independent living ->
    # denominator only.
    b.episode("SP2", "01/01/2024", place="U1", dec="15/06/2024", rec="E6")
    # SP3: left the day before the 18th birthday -> out.
    b.episode("SP3", "01/01/2024", place="U4", dec="14/06/2024", rec="E8")
    # SP4: left after 18 from a children's home -> out.
    b.episode("SP4", "01/01/2024", place="K2", dec="20/06/2024", rec="E6")
    # SP5: left twice; the last leaving is on the 18th birthday from U5 with E17 ->
    # numerator.
    b.episode("SP5", "01/05/2024", place="U4", dec="20/05/2024", rec="E4A")
    b.episode("SP5", "01/06/2024", place="U5", dec="01/07/2024", rec="E17")
    # SP6: left at 18 from foster care with E17, came back, and last left from a children's
    # home -> the last leaving decides: out.
    b.episode("SP6", "01/01/2024", place="U4", dec="01/05/2024", rec="E17")
    b.episode("SP6", "01/09/2024", place="K2", dec="01/11/2024", rec="E6")
    # SP7: X1 chain; leaves from U5 a month after turning 18, E17 -> numerator.
    b.episode("SP7", "01/01/2024", place="U4", dec="10/10/2024", rec="X1")
    b.episode("SP7", "10/10/2024", rne="P", place="U5", URN="SC910001", dec="10/11/2024",
              rec="E17")
    # SP8: left with E17 on 31/03/2024, before W -> out.
    b.episode("SP8", "01/01/2024", place="U4", dec="31/03/2024", rec="E17")
    # SP12: turns 18 on P and leaves that day from U5 with E17 -> numerator.
    b.episode("SP12", "01/01/2024", place="U5", dec="31/03/2025", rec="E17")
    load(b, tmp_path)
    # Denominator: SP1, SP2, SP5, SP7, SP12 = 5. Numerator: SP1, SP5, SP7, SP12 = 4.
    check(figures(), "staying_put", 4, 5, 80.0)


def test_care_leavers_with_former_carers_19_21(figs):
    # ACCOM beginning with Z (with former foster carers), of the 7 in 19_21: O9 (Z2) = 1.
    # 1/7 = 14.29 -> 14.3%.
    check(figs, "care_leavers_with_former_carers_19_21", 1, 7, 14.3)
