"""Every validation rule in one place: its code, its message, the column it points at, and
what a failure does: blanks the value (error), keeps the whole row out (error on a row's
identity, or a row that contradicts itself or another), or is only reported (warning).

Codes are DfE's 903 rule codes where one exists (as numbered by the open validator
`csc-validator-be-903`), so an analyst can look a rejection up in DfE's guidance; rules DfE
does not have are numbered `CPD-...`. Schemas and cross-record checks name their pandera
checks by these codes, and the rejects report reads the message from here.
"""
from __future__ import annotations

from dataclasses import dataclass

from schemas.dfe_rules import DFE_RULES, OTHER_YEAR_RULES


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    column: str | None = None  # the column a dataframe-wide check points at
    severity: str = "error"  # "error" acts on the data (below); "warning" reports it only
    # An error on a value blanks that value and keeps the row, unless the value is part of the
    # row's identity (`schemas.tables.Table.identity`) or the rule finds a row that contradicts
    # itself or another row so that it cannot be trusted: then the whole row is kept out.
    row: bool = False


# What was done about each problem (the rejects' `action`); a load made before actions were
# recorded has none, shown as not recorded.
BLANKED, KEPT_OUT, REPORTED = "value blanked", "row kept out", "reported only"
NOT_RECORDED = "not recorded"


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.code: r for r in rules}


def _dfe(code: str, column: str | None = None, severity: str = "error", row: bool = False
         ) -> Rule:
    """A DfE rule, with the open validator's message verbatim."""
    entry = DFE_RULES.get(code) or OTHER_YEAR_RULES[code]
    return Rule(code, entry["message"].strip(), column, severity, row)


# Which DfE rule covers a column's code or format check; columns DfE has no rule for use the
# project's CPD-DATE / CPD-CODE / CPD-FORMAT / CPD-RANGE.
COLUMN_RULES: dict[tuple[str, str], str] = {
    ("Header", "SEX"): "101", ("Header", "DOB"): "102", ("Header", "ETHNIC"): "103",
    ("Header", "UPN"): "168", ("Header", "MOTHER"): "165", ("Header", "MC_DOB"): "171",
    ("Episodes", "DECOM"): "141", ("Episodes", "RNE"): "143", ("Episodes", "LS"): "144",
    ("Episodes", "CIN"): "145", ("Episodes", "PLACE"): "146",
    ("Episodes", "PLACE_PROVIDER"): "178", ("Episodes", "DEC"): "147",
    ("Episodes", "REC"): "149", ("Episodes", "REASON_PLACE_CHANGE"): "1009",
    ("Episodes", "HOME_POST"): "392c", ("Episodes", "PL_POST"): "392c",
    ("Reviews", "REVIEW"): "166", ("Reviews", "REVIEW_CODE"): "167",
    ("UASC", "DUC"): "104",
    ("AD1", "SEX_ADOPTR"): "176", ("AD1", "LS_ADOPTR"): "177",
    ("PlacedAdoption", "REASON_PLACED_CEASED"): "120", ("PrevPerm", "PREV_PERM"): "631",
    **{("OC2", flag): "181" for flag in (
        "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED")},
    ("OC2", "SDQ_SCORE"): "180", ("OC2", "SDQ_REASON"): "196",
    ("OC3", "IN_TOUCH"): "131", ("OC3", "ACTIV"): "132", ("OC3", "ACCOM"): "133",
    ("Missing", "MISSING"): "1006", ("Missing", "MIS_START"): "1004",
    ("Missing", "MIS_END"): "1005",
    ("SWEpisodes", "SW_ID"): "SW02STG1", ("SWEpisodes", "SW_DECOM"): "SW04STG1",
    ("SWEpisodes", "SW_DEC"): "SW05STG1", ("SWEpisodes", "SW_REASON"): "SW13STG1",
}

# "Child in <table> does not exist in Header", DfE's code per table.
NOT_IN_HEADER = {"AD1": "INT01", "PlacedAdoption": "INT02", "Episodes": "INT03",
                 "Missing": "INT04", "OC2": "INT05", "OC3": "INT06", "PrevPerm": "INT07",
                 "Reviews": "INT08", "UASC": "INT09"}
# "Child should only exist once in <table>", DfE's code per table.
ONCE_PER_CHILD = {"AD1": "INT31", "Header": "INT32", "OC2": "INT33", "OC3": "INT34",
                  "PrevPerm": "INT35", "UASC": "INT36"}

RULES: dict[str, Rule] = _rules(
    # Project rules: shape and safety of any cell, and checks DfE has no rule for.
    Rule("CPD-REQUIRED", "a value is required here"),
    Rule("CPD-DATE", "not a real date in the form dd/mm/yyyy"),
    Rule("CPD-DATE-FORM", "date not written dd/mm/yyyy (a one-digit day or month, or a "
         "two-digit year); read as shown", severity="warning"),
    Rule("CPD-CODE", "not a valid code for this collection year"),
    Rule("CPD-FORMAT", "not in the expected format"),
    Rule("CPD-RANGE", "outside the allowed range"),
    Rule("CPD-FORMULA", "looks like a spreadsheet formula (starts with = + - @); not loaded, "
         "and shown with a leading ' so it cannot run when the report is opened"),
    Rule("CPD-ROW-SHAPE", "this row has a different number of fields from the header row",
         row=True),
    Rule("CPD-DUPLICATE", "an exact copy of an earlier row in the same file", "CHILD",
         row=True),
    Rule("CPD-KEY", "another row for the same child has the same key (date) with different "
         "values; neither can be trusted", "CHILD", row=True),
    Rule("CPD-AFTER-PERIOD", "date is after the extract's period end: the row cannot belong to "
         "this period (check --period-end)"),
    Rule("CPD-NOT-IN-HEADER", "child is not in the Header file", "CHILD", severity="warning"),
    Rule("CPD-MISSING-END", "missing or away episode ends before it starts", "MIS_END",
         row=True),
    Rule("CPD-SW-END", "social worker episode ends before it starts", "SW_DEC", row=True),
    # The local extracts of the seeds' commitments: reported, never acted on.
    Rule("CPD-CARE-LEAVER-NOT-IN-903", "care leaver aged 21 or under, with a birthday in "
         "the collection year so far, is not in the Header file: such a care leaver has an OC3 "
         "row in the 903, so check the CHILD identifier", "CHILD", severity="warning"),
    Rule("CPD-CARE-LEAVER-AGE", "care leaver is not aged 18 to 25 at the period end: the "
         "row is loaded but not counted in the care leaver measures", "DOB",
         severity="warning"),
    Rule("CPD-SIBLING-GROUP", "no other child in the file has this SIBLING_GROUP: a sibling "
         "group is two or more brothers or sisters, so this child is counted in no group",
         "SIBLING_GROUP", severity="warning"),
    Rule("CPD-APART-REASON", "APART_REASON is given but PLACED_TOGETHER is Y (placed with "
         "all their brothers and sisters)", "APART_REASON", severity="warning"),
    Rule("CPD-IV-NOT-OFFERED", "IV_MATCHED is Y but IV_OFFERED is not: the measure counts "
         "matches among children offered an independent visitor, so this match is not "
         "counted", "IV_MATCHED", severity="warning"),
    Rule("CPD-REVIEW-OUTSIDE-CARE", "review date is not within any episode of care in this "
         "extract", "REVIEW", severity="warning"),
    # DfE rules, messages verbatim from the open validator.
    *(_dfe(code) for code in sorted(set(COLUMN_RULES.values()))
      if code not in ("147", "SW05STG1")),
    # An end date that cannot be read keeps its row out: blanked, it would read as an episode
    # still open, and the child as looked after (or allocated) today.
    _dfe("147", row=True),
    # DfE's own message for SW05STG1 says "began"; the rule checks the date it ended.
    Rule("SW05STG1", "Date social worker episode ended is not a valid date.", row=True),
    # A row whose child has no Header row is kept: the child is still looked after, with
    # details the Header would give shown as not known.
    *(_dfe(code, "CHILD", "warning") for code in NOT_IN_HEADER.values()),
    # Rows that contradict another row, or themselves, so that neither can be trusted.
    *(_dfe(code, "CHILD", row=True) for code in ONCE_PER_CHILD.values()),
    # 142 points at the episode left open: its end is the next one's start, and both are kept
    _dfe("142", "DEC"), _dfe("501", "DECOM", row=True),
    _dfe("356", "DEC", row=True), _dfe("355", "DEC", row=True),
    _dfe("302", "DECOM", row=True), _dfe("574", "MIS_START", row=True),
    _dfe("148", "REC"), _dfe("386", "REC"),
    _dfe("213", "PLACE_PROVIDER"), _dfe("526", "PLACE_PROVIDER"),
    _dfe("527", "PLACE_PROVIDER"), _dfe("528", "PLACE_PROVIDER"),
    _dfe("529", "PLACE_PROVIDER"), _dfe("530", "PLACE_PROVIDER"),
    _dfe("531", "PLACE_PROVIDER"), _dfe("550", "PLACE_PROVIDER"),
    # OC2 completeness is reported, not quarantined: the row's other data is still good.
    _dfe("190", "CHILD", "warning"), _dfe("191", "CHILD", "warning"),
    _dfe("186", "SDQ_SCORE", "warning"),
)


def rule(code: str) -> Rule:
    return RULES[code]
