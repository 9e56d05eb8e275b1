"""What each column of each table must hold, for the base collection year.

Year differences come from `schemas.codes.codes_for(year)` (SEX, PLACE, REC, ACTIV ...); a column
whose code list varies by year names the list by key (`year_codes="SEX"`). Everything here is
checked on text, after `normalise`: stray spaces stripped, codes upper-cased, blanks as "".
"""
from __future__ import annotations

from dataclasses import dataclass

from schemas import codes as c


@dataclass(frozen=True)
class Col:
    kind: str  # id | text | date | code | pattern | number
    required: bool = False
    values: tuple[str, ...] = ()  # for kind == "code"
    year_codes: str | None = None  # code list that varies by year, from codes_for(year)
    pattern: str | None = None  # for kind == "pattern" (full match, after upper-casing)
    low: float | None = None  # for kind == "number"
    high: float | None = None
    integer: bool = True
    keep_case: bool = False  # identifiers and free text keep their case


def ident(required: bool = True) -> Col:
    return Col("id", required, keep_case=True)


def text(required: bool = False) -> Col:
    return Col("text", required, keep_case=True)


def date(required: bool = False) -> Col:
    return Col("date", required)


def code(values, required: bool = False) -> Col:
    return Col("code", required, values=tuple(values))


def year_code(key: str, required: bool = True) -> Col:
    return Col("code", required, year_codes=key)


def pattern(regex: str, required: bool = False) -> Col:
    return Col("pattern", required, pattern=regex)


def number(low: float, high: float, integer: bool = True, required: bool = False) -> Col:
    return Col("number", required, low=low, high=high, integer=integer)


# UK postcode, compared without spaces (ssda903.md: match ignoring spaces and case).
POSTCODE = r"[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}"
# Unique pupil number: a letter (not I, O, S) then 12 digits, or 11 digits and a letter
# (temporary UPN), or UN1-UN5 (reason a UPN is not known).
UPN = r"[A-HJ-NP-RT-Z][0-9]{12}|[A-HJ-NP-RT-Z][0-9]{11}[A-HJ-NP-RT-Z]|UN[1-5]"
# Ofsted unique reference number of the placement, SC + 6 digits or 6-7 digits; XXXXXXX
# where the placement has none.
URN = r"SC[0-9]{6}|[0-9]{6,7}|X{7}"
SW_ID = r"(SW|XX)[A-Z0-9]{1,20}"
# Date of a previous permanence order: dd/mm/yyyy where day or month may be unknown (zz).
PARTIAL_DATE = r"([0-9]{2}|ZZ)/([0-9]{2}|ZZ)/[0-9]{4}"
FLAG = code(c.FLAG)
YES_NO = code(c.YES_NO)

COLUMNS: dict[str, dict[str, Col]] = {
    "Header": {
        "CHILD": ident(), "SEX": year_code("SEX"), "DOB": date(True),
        "ETHNIC": code(c.ETHNIC, True), "UPN": pattern(UPN, True),
        "MOTHER": FLAG, "MC_DOB": date(),
    },
    "Episodes": {
        "CHILD": ident(), "DECOM": date(True), "RNE": code(c.RNE, True),
        "LS": code(c.LS, True), "CIN": code(c.CIN, True), "PLACE": year_code("PLACE"),
        "PLACE_PROVIDER": code(c.PLACE_PROVIDER), "DEC": date(),
        "REC": year_code("REC", required=False),
        "REASON_PLACE_CHANGE": year_code("REASON_PLACE_CHANGE", required=False),
        "HOME_POST": pattern(POSTCODE), "PL_POST": pattern(POSTCODE), "URN": pattern(URN),
    },
    "Reviews": {
        "CHILD": ident(), "DOB": date(True), "REVIEW": date(True),
        "REVIEW_CODE": code(c.REVIEW_CODE, True),
    },
    "UASC": {"CHILD": ident(), "SEX": year_code("SEX"), "DOB": date(True), "DUC": date()},
    "OC2": {
        "CHILD": ident(), "DOB": date(True), "SDQ_SCORE": number(0, 40),
        "SDQ_REASON": code(c.SDQ_REASON), "CONVICTED": FLAG, "HEALTH_CHECK": FLAG,
        "IMMUNISATIONS": FLAG, "TEETH_CHECK": FLAG, "HEALTH_ASSESSMENT": FLAG,
        "SUBSTANCE_MISUSE": FLAG, "INTERVENTION_RECEIVED": FLAG, "INTERVENTION_OFFERED": FLAG,
    },
    "OC3": {
        "CHILD": ident(), "DOB": date(True), "IN_TOUCH": code(c.IN_TOUCH, True),
        "ACTIV": year_code("ACTIV", required=False), "ACCOM": code(c.ACCOM),
    },
    "AD1": {
        "CHILD": ident(), "DOB": date(True), "DATE_INT": date(), "DATE_MATCH": date(),
        "FOSTER_CARE": FLAG, "NB_ADOPTR": code(["1", "2"]),
        # M1/F1 a single adopter, MM/FF/MF a couple (DfE rule 176)
        "SEX_ADOPTR": code(["M1", "F1", "MM", "FF", "MF"]),
        "LS_ADOPTR": code(["L0", "L11", "L12", "L2", "L3", "L4"]),
    },
    "PlacedAdoption": {
        "CHILD": ident(), "DOB": date(True), "DATE_PLACED": date(True),
        "DATE_PLACED_CEASED": date(), "REASON_PLACED_CEASED": code(["RD1", "RD2", "RD3", "RD4"]),
    },
    "PrevPerm": {
        "CHILD": ident(), "DOB": date(True), "PREV_PERM": code(["P1", "P2", "P3", "P4", "Z1"]),
        "LA_PERM": text(), "DATE_PERM": pattern(PARTIAL_DATE),
    },
    "Missing": {
        "CHILD": ident(), "DOB": date(True), "MISSING": code(c.MISSING, True),
        "MIS_START": date(True), "MIS_END": date(),
    },
    "SWEpisodes": {
        "CHILD": ident(), "DOB": date(True), "SW_ID": pattern(SW_ID, True),
        "SW_DECOM": date(True), "SW_DEC": date(), "SW_REASON": code(c.SW_REASON),
    },
    "StaffTeams": {"SW_ID": pattern(SW_ID, True), "TEAM": text(), "SERVICE_AREA": text()},
    "Education": {
        "CHILD": ident(), "PEP_REVIEW_DATE": date(),
        "ATTENDANCE_PCT": number(0, 100, integer=False), "SCHOOL_MOVES_12M": number(0, 99),
    },
    "Permanence": {
        "CHILD": ident(), "PERM_PLAN_DATE": date(), "PERM_PLAN_TYPE": code(c.PERM_PLAN_TYPE),
    },
    "Siblings": {
        "CHILD": ident(), "SIBLING_GROUP": text(True),
        "PLACED_TOGETHER": code(c.PLACED_TOGETHER, True), "APART_REASON": code(c.APART_REASON),
    },
    "Voice": {
        "CHILD": ident(), "ADVOCACY_OFFERED": YES_NO, "ADVOCACY_TAKEN": YES_NO,
        "IV_OFFERED": YES_NO, "IV_MATCHED": YES_NO, "CICC_MEMBER": YES_NO,
        "CONSULTED_DATE": date(),
    },
    "CareLeavers": {
        "CHILD": ident(), "DOB": date(True), "PA_ALLOCATED": YES_NO,
        "PATHWAY_PLAN_REVIEW": date(), "LAST_CONTACT": date(),
        "ACTIV": year_code("ACTIV", required=False), "ACCOM": code(c.ACCOM),
        "STILL_SUPPORTED": code(c.YES_NO, True),
    },
}

# Dates that must not fall after the period end of the extract they arrive in: each event's
# own date, and the local extracts' record of what was done (a plan, a consultation, a
# contact) by then.
NOT_AFTER_PERIOD_END = {
    "Episodes": ("DECOM",), "Reviews": ("REVIEW",), "Missing": ("MIS_START",),
    "SWEpisodes": ("SW_DECOM",), "Permanence": ("PERM_PLAN_DATE",),
    "Voice": ("CONSULTED_DATE",), "CareLeavers": ("PATHWAY_PLAN_REVIEW", "LAST_CONTACT"),
}
