"""SSDA903 code lists, per collection year: a base year plus short lists of changes.

The collection year is named by its March end ("2024/25" ends 31 March 2025). Each year is
built from the one before it plus what DfE's guide changed, never copied whole, so a change is
one line here and every schema, rule and the synthetic generator pick it up.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

# The earliest collection year whose code lists are held here; an older extract is validated
# with these lists and its load is marked so (ssda903.md, "Collection years").
FIRST_YEAR = "2016/17"
# Period ends outside these years cannot be an SSDA903 extract (the return in its current form
# began in 2003/04; a period end years ahead is a typing slip).
OLDEST_READABLE = "2003/04"
YEARS_AHEAD = 1

ETHNIC = (
    "WBRI WIRI WOTH WIRT WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH "
    "BCRB BAFR BOTH CHNE OOTH REFU NOBT"
).split()

# Ethnic group used for breakdowns (indicators.md "Breakdowns").
ETHNIC_GROUP = {
    **{c: "White" for c in "WBRI WIRI WOTH WIRT WROM".split()},
    **{c: "Mixed" for c in "MWBC MWBA MWAS MOTH".split()},
    **{c: "Asian" for c in "AIND APKN ABAN AOTH".split()},
    **{c: "Black" for c in "BCRB BAFR BOTH".split()},
    **{c: "Other" for c in "CHNE OOTH".split()},
    **{c: "Not known" for c in "REFU NOBT".split()},
}

RNE = {
    "S": "started to be looked after",
    "L": "change of legal status only",
    "P": "change of placement and carer",
    "T": "change of placement, same carer",
    "B": "change of legal status, placement and carer",
    "U": "change of legal status and placement, same carer",
}
RNE_NEW_CARER = {"S", "P", "B"}

LS = "C1 C2 D1 E1 V2 V3 V4 L1 L2 L3 J1 J2 J3".split()
LS_SHORT_BREAK = {"V3", "V4"}
CIN = [f"N{i}" for i in range(1, 9)]

PLACE_ADOPTION = ["A3", "A4", "A5", "A6"]
PLACE_TEMPORARY = ["T0", "T1", "T2", "T3", "T4"]
PLACE_FOSTER_KINSHIP = ["U1", "U2", "U3"]
PLACE_FOSTER_OTHER = ["U4", "U5", "U6"]
PLACE_FOSTER = PLACE_FOSTER_KINSHIP + PLACE_FOSTER_OTHER
PLACE_RESIDENTIAL = ["K1", "K2", "R1", "S1"]

PLACE_PROVIDER = [f"PR{i}" for i in range(6)]

REC_ADOPTED = {"E11", "E12"}
# Special guardianship: E43 (to former foster carers) and E44 (to other carers) until 2017/18,
# split by relative or friend into E45-E48 from 2018/19; E41 a child arrangements order.
REC_SGO_CAO = {"E41", "E43", "E44", "E45", "E46", "E47", "E48"}

REVIEW_CODE = [f"PN{i}" for i in range(8)]
REVIEW_VIEWS_CONVEYED = {"PN1", "PN2", "PN3", "PN5", "PN6"}

SDQ_REASON = [f"SDQ{i}" for i in range(1, 6)]
IN_TOUCH = "YES NO DIED REFU NREQ RHOM".split()
# Until 2020/21 F3/P3 were training or employment, full- or part-time; from 2021/22 F4/P4
# (training) and F5/P5 (employment) replace them.
ACTIV_EET = {"F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5"}
# Accommodation type and 1 suitable / 2 not suitable; no fixed abode (S) and in custody (X)
# are never suitable, so S1 and X1 do not exist (DfE rule 133).
ACCOM = [f"{letter}{n}" for letter in "BCDEGHKRSTUVWXYZ" for n in (1, 2)
         if f"{letter}{n}" not in ("S1", "X1")] + ["0"]
MISSING = ["M", "A"]
SW_REASON = (
    "MANAGE FCONTA LEFTRL ORGRST TSPROC ABSENC CHCHAN PCCHAN SWDIED OTHERS"
).split()
FLAG = ["0", "1"]
# The local extracts of the seeds' commitments (ssda903.md, "Local extracts").
YES_NO = ["Y", "N"]
PERM_PLAN_TYPE = ("RETURN_HOME FAMILY_FRIENDS SGO ADOPTION LT_FOSTER RESIDENTIAL "
                  "INDEPENDENCE").split()
PLACED_TOGETHER = ["Y", "SOME", "N"]  # with all their brothers and sisters, some, none
APART_REASON = ["ASSESSED", "NO_PLACEMENT"]  # blank: no reason recorded

# The lists of 2016/17, the earliest year held. Sources, and what could not be confirmed:
# tools/NOTES-903.md ("Code lists by collection year").
_BASE = {
    "SEX": ["1", "2"],
    "REC": ("X1 E11 E12 E13 E14 E15 E16 E17 E2 E3 E41 E43 E44 E4A E4B E5 E6 E7 E8 E9"
            .split()),
    "REASON_PLACE_CHANGE": ("CARPL CLOSE ALLEG STAND APPRR CREQB CREQO CHILD LAREQ PLACE OTHER"
                            .split()),
    "ACTIV": "F1 P1 F2 P2 F3 P3 G4 G5 G6 0".split(),
    "PLACE": (
        PLACE_ADOPTION
        + "H5 K1 K2 P1 P2 P3 R1 R2 R3 R5 S1".split()
        + PLACE_TEMPORARY
        + PLACE_FOSTER
        + ["Z1"]
    ),
    # placement types with no placement provider (DfE rules 213, 526)
    "PLACE_NO_PROVIDER": PLACE_TEMPORARY,
}

# (year, column, codes added, codes removed) -- DfE's changes, in order.
_CHANGES = [
    ("2018/19", "REC", ["E45", "E46", "E47", "E48"], ["E43", "E44"]),
    ("2018/19", "REASON_PLACE_CHANGE", ["CUSTOD"], []),
    ("2021/22", "ACTIV", ["F4", "P4", "F5", "P5"], ["F3", "P3"]),
    ("2024/25", "SEX", ["M", "F", "U"], ["1", "2"]),
    ("2024/25", "PLACE", ["K3"], []),
    ("2025/26", "PLACE", ["Z11", "Z12", "Z13", "Z14"], ["H5", "P2", "Z1"]),
    ("2025/26", "PLACE_NO_PROVIDER", ["Z11", "Z12", "Z13", "Z14"], []),
]


def collection_year(period_end: dt.date) -> str:
    """The collection year a period end falls in: 1 April to 31 March, named by both ends."""
    start = period_end.year if period_end.month >= 4 else period_end.year - 1
    return f"{start}/{str(start + 1)[-2:]}"


def year_start(year: str) -> int:
    return int(year.split("/")[0])


def rule_set(year: str) -> str:
    """The collection year whose code lists validate an extract of `year`: its own, or the
    earliest held for an older year."""
    return FIRST_YEAR if year_start(year) < year_start(FIRST_YEAR) else year


def latest_readable(today: dt.date | None = None) -> str:
    start = year_start(collection_year(today or dt.date.today())) + YEARS_AHEAD
    return f"{start}/{str(start + 1)[-2:]}"


def readable(year: str) -> bool:
    """Whether a collection year can be an extract at all (see OLDEST_READABLE)."""
    return year_start(OLDEST_READABLE) <= year_start(year) <= year_start(latest_readable())


@lru_cache(maxsize=None)
def codes_for(year: str) -> dict[str, tuple[str, ...]]:
    """Year-varying code lists ({column: codes}) for a collection year; later years keep the
    latest known list (a year DfE has not yet changed is the one before it); years before
    FIRST_YEAR use its lists."""
    year = rule_set(year)
    lists = {col: list(codes) for col, codes in _BASE.items()}
    for change_year, col, added, removed in _CHANGES:
        if year_start(change_year) <= year_start(year):
            lists[col] = [c for c in lists[col] if c not in removed] + list(added)
    return {col: tuple(codes) for col, codes in lists.items()}


def sex_code(year: str, male: bool | None) -> str:
    """The SEX code for a year: 1/2 until 2023/24, M/F/U after."""
    if year_start(year) < 2024:
        return "1" if male else "2"
    return "U" if male is None else ("M" if male else "F")


# Groups used for breakdowns (indicators.md "Breakdowns"), as DfE's publications group codes.
SEX_LABEL = {"1": "Male", "M": "Male", "2": "Female", "F": "Female", "U": "Unknown"}

LEGAL_STATUS_GROUP = {
    **{c: "Care order" for c in ("C1", "C2")},
    **{c: "Placement order" for c in ("D1", "E1")},
    **{c: "Voluntary (section 20)" for c in ("V2", "V3", "V4")},
    **{c: "Detained for child protection" for c in ("L1", "L2", "L3")},
    **{c: "Youth justice" for c in ("J1", "J2", "J3")},
}

PLACEMENT_TYPE_GROUP = {
    **{c: "Foster placement" for c in PLACE_FOSTER},
    **{c: "Placed for adoption" for c in PLACE_ADOPTION},
    "P1": "Placed with parents",
    **{c: "Independent or supported living" for c in ("P2", "H5", "K3")},
    **{c: "Children's home or secure unit" for c in ("K1", "K2")},
    **{c: "Other residential setting" for c in ("R1", "R2", "R3", "R5", "S1", "P3")},
    **{c: "Temporary or other placement" for c in PLACE_TEMPORARY + ["Z1", "Z11", "Z12",
                                                                      "Z13", "Z14"]},
}

PROVIDER_LABEL = {
    "PR0": "Parent(s) or other person with parental responsibility",
    "PR1": "Own provision (by the LA)",
    "PR2": "Other LA provision",
    "PR3": "Other public provision",
    "PR4": "Private provision",
    "PR5": "Voluntary or third sector provision",
}

CODE_GROUPS = {
    "sex": SEX_LABEL, "ethnic_group": ETHNIC_GROUP, "legal_status_group": LEGAL_STATUS_GROUP,
    "placement_type_group": PLACEMENT_TYPE_GROUP, "provider": PROVIDER_LABEL,
}


# --- codes in plain words, for lists a person reads (the Annex A workbook) ---------------------
# The 903 guide's descriptions, shortened.
ETHNIC_LABEL = {
    "WBRI": "White British", "WIRI": "White Irish", "WOTH": "Any other White background",
    "WIRT": "Traveller of Irish heritage", "WROM": "Gypsy or Roma",
    "MWBC": "White and Black Caribbean", "MWBA": "White and Black African",
    "MWAS": "White and Asian", "MOTH": "Any other mixed background", "AIND": "Indian",
    "APKN": "Pakistani", "ABAN": "Bangladeshi", "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean", "BAFR": "Black African", "BOTH": "Any other Black background",
    "CHNE": "Chinese", "OOTH": "Any other ethnic group", "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
LEGAL_STATUS_LABEL = {
    "C1": "Interim care order", "C2": "Full care order", "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20",
    "V3": "Short breaks (agreed series, each episode recorded)",
    "V4": "Short breaks (agreed series, agreement recorded)",
    "L1": "Police protection, in council accommodation", "L2": "Emergency protection order",
    "L3": "Child assessment order, in council accommodation",
    "J1": "Remanded to council or youth detention accommodation",
    "J2": "In council accommodation under PACE 1984",
    "J3": "Youth rehabilitation order with residence or fostering requirement",
}
CIN_LABEL = {
    "N1": "Abuse or neglect", "N2": "Child's disability", "N3": "Parental illness or disability",
    "N4": "Family in acute stress", "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour", "N7": "Low income", "N8": "Absent parenting",
}
PLACE_LABEL = {
    "A3": "Placed for adoption with consent, with current foster carers",
    "A4": "Placed for adoption with consent, not with current foster carers",
    "A5": "Placed for adoption with placement order, with current foster carers",
    "A6": "Placed for adoption with placement order, not with current foster carers",
    "H5": "Semi-independent living not subject to children's homes regulations",
    "K1": "Secure children's home", "K2": "Children's home",
    "K3": "Registered supported accommodation",
    "P1": "With parents or others with parental responsibility",
    "P2": "Independent living (flat, lodgings, bedsit, B&B or with friends)",
    "P3": "Residential employment", "R1": "Residential care home",
    "R2": "NHS or other health establishment", "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution", "S1": "Residential school",
    "T0": "Temporary placement", "T1": "Temporary: in hospital",
    "T2": "Temporary: child on holiday", "T3": "Temporary: while foster carer on holiday",
    "T4": "Temporary: seven days or less, other reason",
    "U1": "Foster care with relative or friend: long term",
    "U2": "Foster care with relative or friend: fostering for adoption or concurrent planning",
    "U3": "Foster care with relative or friend: other",
    "U4": "Foster care with other carer: long term",
    "U5": "Foster care with other carer: fostering for adoption or concurrent planning",
    "U6": "Foster care with other carer: other",
    "Z1": "Other placement",
    # new in 2025/26; described here only as other placements until DfE's guide is checked
    **{code: "Other placement" for code in ("Z11", "Z12", "Z13", "Z14")},
}
IN_TOUCH_LABEL = {
    "YES": "In touch", "NO": "Not in touch", "DIED": "Died", "REFU": "Refuses contact",
    "NREQ": "No longer requires services",
    "RHOM": "Returned home to parents for six months or more",
}
ACTIV_LABEL = {
    "F1": "Full-time higher education", "P1": "Part-time higher education",
    "F2": "Full-time education other than higher", "P2": "Part-time education other than higher",
    "F3": "Full-time training or employment", "P3": "Part-time training or employment",
    "F4": "Full-time training", "P4": "Part-time training",
    "F5": "Full-time employment", "P5": "Part-time employment",
    "G4": "Not in education, employment or training: illness or disability",
    "G5": "Not in education, employment or training: other reasons",
    "G6": "Not in education, employment or training: pregnancy or parenting",
    "0": "Not known",
}
# OC3 accommodation: a letter for the kind, then 1 (suitable) or 2 (not suitable); 0 not known
ACCOM_LABEL = {
    "B": "With parents or relatives", "C": "Community home or other residential care",
    "D": "Semi-independent, transitional accommodation", "E": "Supported lodgings",
    "G": "Gone abroad", "H": "Deported", "K": "Ordinary lodgings, without formal support",
    "R": "Residence not known", "S": "No fixed abode or homeless",
    "T": "Foyer or similar supported accommodation",
    "U": "Independent living (a flat or tenancy)",
    "V": "Emergency accommodation (night shelter, direct access hostel)",
    "W": "Bed and breakfast", "X": "In custody", "Y": "Other accommodation",
    "Z": "With former foster carers",
}
