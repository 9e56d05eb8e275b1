"""The seeds' commitments that need the local extracts (indicators.md, catalogue v2; ssda903.md
"Local extracts"): permanence planning, siblings, voice and advocacy, care leavers 18 to 25.
Each worked out by hand from the definitions. P = 31/03/2025, W = 01/04/2024 to 31/03/2025;
the same date 6 months before P is 30/09/2024 (31/09 does not exist).
"""
from __future__ import annotations

import pytest

from tests.builders import ExtractBuilder
from tests.indicators.support import check, figures, load, own_data_dir

@pytest.fixture(scope="module")
def module_data(tmp_path_factory):
    with own_data_dir(tmp_path_factory, "local_commitments") as folder:
        yield folder


# --- Permanence planning and care leavers 18 to 25 -----------------------------------------

PLANS = {  # child: (episodes as (DECOM, DEC, REC, LS), PERM_PLAN_DATE or None for no row)
    "P1": ([("01/12/2023", "", "", "C2")], "01/04/2024"),  # due 01/04/2024 (W start): on it
    "P2": ([("30/11/2023", "", "", "C2")], "01/03/2024"),  # due 30/03/2024: before W
    "P3": ([("31/10/2024", "", "", "C2")], "01/03/2025"),  # due 28/02/2025: a day late
    "P4": ([("31/10/2024", "", "", "C2")], "28/02/2025"),  # due 28/02/2025: on it
    "P5": ([("01/06/2024", "01/09/2024", "E4A", "C2")], "15/08/2024"),  # left before due
    "P6": ([("01/06/2024", "01/10/2024", "E4A", "C2")], "15/08/2024"),  # left on due date
    "P7": ([("01/06/2024", "02/10/2024", "E4A", "C2")], "15/09/2024"),  # in care on due
    "P8": ([("01/07/2024", "", "", "C2")], None),  # no row
    "P9": ([("01/07/2024", "", "", "C2")], ""),  # a row with no date
    # two periods due in W: the later (due 01/10/2024) counts, and its plan is on time
    "P10": ([("01/12/2023", "01/05/2024", "E4A", "C2"), ("01/06/2024", "", "", "C2")],
            "15/07/2024"),
    "P11": ([("01/06/2024", "", "", "V3")], "15/08/2024"),  # short breaks only
}
CARE_LEAVERS = [
    # child DOB           support PA   pathway plan  ACTIV ACCOM  age at P
    ("C1", "31/03/2007", "Y", "Y", "30/09/2024", "F2", "B1"),  # 18 on P; plan on the limit
    ("C2", "01/04/2007", "Y", "Y", "01/03/2025", "F2", "B1"),  # 17: out
    ("C3", "01/04/1999", "Y", "N", "29/09/2024", "G4", "C2"),  # 25; plan a day too old
    ("C4", "31/03/1999", "Y", "Y", "01/03/2025", "F1", "B1"),  # 26 on P: out
    ("C5", "15/06/2002", "Y", "Y", "01/01/2025", "P5", "Z1"),  # 22
    ("C6", "15/06/2003", "N", "Y", "01/03/2025", "F1", "B1"),  # 21, no longer supported: out
    ("C7", "15/06/2001", "Y", "", "", "F4", "T2"),  # 23
    ("C8", "15/06/2004", "Y", "Y", "31/03/2025", "0", "U1"),  # 20; plan on P
    ("C9", "15/06/2000", "Y", "Y", "01/09/2024", "F1", "0"),  # 24
]


@pytest.fixture(scope="module")
def plans(module_data):
    b = ExtractBuilder()
    for child, (episodes, plan) in PLANS.items():
        b.child(child, dob="01/01/2015")
        for decom, dec, rec, ls in episodes:
            b.episode(child, decom, ls=ls, dec=dec, rec=rec)
        if plan is not None:
            b.add("Permanence", CHILD=child, PERM_PLAN_DATE=plan,
                  PERM_PLAN_TYPE="LT_FOSTER" if plan else "")
    for child, dob, supported, pa, plan, activ, accom in CARE_LEAVERS:
        b.add("CareLeavers", CHILD=child, DOB=dob, PA_ALLOCATED=pa, PATHWAY_PLAN_REVIEW=plan,
              LAST_CONTACT="01/03/2025", ACTIV=activ, ACCOM=accom, STILL_SUPPORTED=supported)
    load(b, module_data / "plans")
    return figures()


def test_permanence_plan_4_months(plans):
    # Periods of care with S + 4 months in W and the child still looked after then:
    # P1 (due 01/04/2024), P3 and P4 (due 28/02/2025: 31 October + 4 months), P7 (due
    # 01/10/2024, left 02/10/2024), P8, P9, P10 (once, for its later period, due 01/10/2024)
    # = 7. Not: P2 (due before W), P5 (left before due), P6 (left on the due date, so not
    # looked after on it), P11 (short breaks are no period of care).
    # Plan on or before the due date: P1, P4, P7, P10 (15/07/2024 is late for its first
    # period, due 01/04/2024, but on time for the later one) = 4. 4/7 = 57.14 -> 57.1%.
    check(plans, "permanence_plan_4_months", 4, 7, 57.1)


def test_care_leavers_pa_allocated_18_25(plans):
    # Still supported and 18 to 25 at P: C1, C3, C5, C7, C8, C9 = 6 (C2 is 17, C4 26, C6 no
    # longer supported). With a personal adviser: C1, C5, C8, C9 = 4 (C7's is blank).
    # 4/6 = 66.67 -> 66.7%.
    check(plans, "care_leavers_pa_allocated_18_25", 4, 6, 66.7)


def test_care_leavers_pathway_plan_in_date_18_25(plans):
    # Pathway plan reviewed from 30/09/2024 to 31/03/2025: C1 (30/09), C5, C8 (on P) = 3;
    # C3 (29/09) and C9 (01/09) are too old, C7 has none. 3/6 = 50.0%.
    check(plans, "care_leavers_pathway_plan_in_date_18_25", 3, 6, 50.0)


def test_care_leavers_eet_22_25(plans):
    # Aged 22 to 25: C3 (25), C5 (22), C7 (23), C9 (24) = 4. In education, employment or
    # training: C5 P5, C7 F4, C9 F1 = 3 (C3 G4). 75.0%.
    check(plans, "care_leavers_eet_22_25", 3, 4, 75.0)


def test_care_leavers_suitable_accom_22_25(plans):
    # Of C3, C5, C7, C9, ACCOM ending in 1: C5 (Z1) = 1 (C3 C2, C7 T2, C9 0). 25.0%.
    check(plans, "care_leavers_suitable_accom_22_25", 1, 4, 25.0)


# --- Siblings and voice ----------------------------------------------------------------------

SIBLINGS = {  # child: (DOB, episode kind, sibling row (group, together, reason) or None)
    "S1": ("01/01/2015", "care", ("G1", "Y", "")),
    "S2": ("01/01/2017", "care", ("G1", "Y", "")),
    "S3": ("01/01/2013", "care", ("G2", "SOME", "ASSESSED")),
    "S4": ("01/01/2019", "care", ("G2", "SOME", "")),
    "S5": ("01/01/2022", "care", ("G2", "N", "NO_PLACEMENT")),
    "S6": ("01/01/2016", "care", ("G3", "N", "")),  # the only one of G3 looked after at P
    "S7": ("01/01/2014", "left", ("G3", "N", "")),
    "S8": ("01/01/2020", "care", ("G4", "N", "")),  # G4's other member is on a short break
    "S9": ("01/01/2018", "short break", ("G4", "N", "")),
    "S10": ("31/03/2021", "care", ("G5", "Y", "")),  # a group of one
    "S11": ("01/04/2021", "care", None),
    "S12": ("01/01/2010", "care", ("G6", "N", "")),
    "S13": ("01/01/2011", "care", ("G6", "N", "ASSESSED")),
}
VOICE = {  # child: ADVOCACY_OFFERED, IV_OFFERED, IV_MATCHED, CONSULTED_DATE
    "S1": ("Y", "Y", "Y", "01/04/2024"),
    "S2": ("Y", "N", "Y", "31/03/2024"),
    "S3": ("N", "Y", "N", "31/03/2025"),
    "S4": ("Y", "N", "N", ""),
    "S5": ("Y", "Y", "Y", "01/06/2024"),
    "S6": ("Y", "N", "N", "15/06/2024"),
    "S7": ("Y", "Y", "Y", "01/06/2024"),
    "S8": ("", "N", "N", "01/01/2024"),
    "S10": ("Y", "N", "N", "01/12/2024"),
    "S11": ("Y", "Y", "", ""),
    "S13": ("Y", "N", "N", ""),
}


@pytest.fixture(scope="module")
def siblings(module_data):
    b = ExtractBuilder()
    for child, (dob, kind, row) in SIBLINGS.items():
        b.child(child, dob=dob)
        if kind == "left":
            b.episode(child, "01/01/2024", dec="01/02/2025", rec="E4A")
        else:
            b.episode(child, "01/01/2024", ls="V3" if kind == "short break" else "C2")
        if row:
            group, together, reason = row
            b.add("Siblings", CHILD=child, SIBLING_GROUP=group, PLACED_TOGETHER=together,
                  APART_REASON=reason)
    for child, (advocacy, iv_offered, iv_matched, consulted) in VOICE.items():
        b.add("Voice", CHILD=child, ADVOCACY_OFFERED=advocacy, ADVOCACY_TAKEN="N",
              IV_OFFERED=iv_offered, IV_MATCHED=iv_matched, CICC_MEMBER="N",
              CONSULTED_DATE=consulted)
    load(b, module_data / "siblings")
    return figures()


def test_siblings_placed_together(siblings):
    # Looked after at P in a group with another member looked after at P: G1 (S1, S2), G2
    # (S3, S4, S5), G6 (S12, S13) = 7. Not: S6 (S7 left care), S8 (S9 on a short break), S10
    # (alone in G5), S11 (no row). Placed with all: S1, S2 = 2. 2/7 = 28.57 -> 28.6%.
    check(siblings, "siblings_placed_together", 2, 7, 28.6)


def test_siblings_apart_unassessed(siblings):
    # Of the 7, apart from some or all (SOME or N) without ASSESSED: S4 (blank), S5
    # (NO_PLACEMENT), S12 (blank) = 3; S3 and S13 were assessed. 3/7 = 42.86 -> 42.9%.
    check(siblings, "siblings_apart_unassessed", 3, 7, 42.9)


def test_advocacy_offered(siblings):
    # Looked after at P aged 4 or over: S1, S2, S3, S4, S6, S8, S10 (4 on P), S12, S13 = 9
    # (S5 is 3, S11 3 until tomorrow; S7 left, S9 a short break). Offered: S1, S2, S4, S6,
    # S10, S13 = 6 (S3 N, S8 blank, S12 no row). 6/9 = 66.67 -> 66.7%.
    check(siblings, "advocacy_offered", 6, 9, 66.7)


def test_independent_visitor_matched(siblings):
    # Looked after at P and offered a visitor (any age): S1, S3, S5, S11 = 4 (S7 left; S2's
    # match without an offer is not counted). Matched: S1, S5 = 2. 50.0%.
    check(siblings, "independent_visitor_matched", 2, 4, 50.0)


def test_views_sought_12m(siblings):
    # Of the 9 aged 4 or over, consulted from 01/04/2024 to 31/03/2025: S1 (01/04/2024), S3
    # (on P), S6, S10 = 4 (S2 a day before W, S8 in January 2024, S4 and S13 blank, S12 no
    # row). 4/9 = 44.44 -> 44.4%.
    check(siblings, "views_sought_12m", 4, 9, 44.4)


def test_the_local_extracts_warnings_are_reported_not_acted_on(module_data, siblings):
    """A group of one, a match without an offer: reported, nothing blanked."""
    from etl.warehouse.publish import connect_current
    con = connect_current()
    try:
        found = con.execute(
            "SELECT rule, child, action FROM rejects r JOIN load_log l USING (load_id) "
            "WHERE l.status = 'active' AND r.table_name IN ('Siblings', 'Voice') "
            "ORDER BY rule, child").fetchall()
    finally:
        con.close()
    assert found == [("CPD-IV-NOT-OFFERED", "S2", "reported only"),
                     ("CPD-SIBLING-GROUP", "S10", "reported only")]


# --- An empty local extract is data (an absent one is "no data": test_absent_sources.py) -------

def test_an_empty_local_extract_counts_children_as_not_done(data_dir, tmp_path):
    b = ExtractBuilder()
    b.child("A", dob="01/01/2015")
    b.episode("A", "01/01/2023")
    load(b, tmp_path, empty=("Voice", "Permanence"))
    figs = figures()
    # A is looked after at P, aged 10, with no row in an empty voice file: counted, not done.
    check(figs, "advocacy_offered", 0, 1, 0.0)
    # A started care in January 2023, so was due a plan in May 2023: no one is due one in W
    # (a zero denominator, not missing data).
    row = check(figs, "permanence_plan_4_months", 0, 0, None)
    assert "no data" not in (row["note"] or ""), row["note"]
    # the siblings file was not given at all
    assert "no siblings file" in figs["siblings_placed_together"]["note"]
