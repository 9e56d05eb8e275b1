"""Every validation rule in one place: its code, its message, the column it points at, and
whether a failure quarantines the row (error) or is only reported (warning).

Codes are DfE's 903 rule codes where one exists (as numbered by the open validator
`csc-validator-be-903`), so an analyst can look a rejection up in DfE's guidance; rules DfE
does not have are numbered `CPD-...`. Schemas and cross-record checks name their pandera
checks by these codes, and the rejects report reads the message from here.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    column: str | None = None  # the column a dataframe-wide check points at
    severity: str = "error"  # "error" quarantines the row; "warning" reports it only


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.code: r for r in rules}


RULES: dict[str, Rule] = _rules(
    # Project rules: shape and safety of any cell.
    Rule("CPD-REQUIRED", "a value is required here"),
    Rule("CPD-DATE", "not a real date in the form dd/mm/yyyy"),
    Rule("CPD-CODE", "not a valid code for this collection year"),
    Rule("CPD-FORMAT", "not in the expected format"),
    Rule("CPD-RANGE", "outside the allowed range"),
    Rule("CPD-FORMULA", "looks like a spreadsheet formula (starts with = + - @); not loaded, "
         "and shown with a leading ' so it cannot run when the report is opened"),
    Rule("CPD-ROW-SHAPE", "this row has a different number of fields from the header row"),
    Rule("CPD-DUPLICATE", "an exact copy of an earlier row in the same file", "CHILD"),
    Rule("CPD-KEY", "another row for the same child has the same key (date) with different "
         "values; neither can be trusted", "CHILD"),
    Rule("CPD-AFTER-PERIOD", "date is after the extract's period end", None),
    # DfE rules (messages follow the validator's wording, adapted where it names a table).
    Rule("INT01", "child is not in the Header file", "CHILD"),
    Rule("142", "a new episode has started, but the previous episode has not ended "
         "(or episodes overlap)", "DECOM"),
    Rule("DEC<DECOM", "date episode ceased (DEC) is before the date episode commenced (DECOM)",
         "DEC"),
    Rule("355", "episode appears to have lasted for less than 24 hours (DEC = DECOM)", "DEC"),
    Rule("REC-DEC", "reason episode ceased (REC) and date episode ceased (DEC) must both be "
         "present or both be blank", "REC"),
    Rule("DOB>DECOM", "date of birth is after the date the episode commenced", "DECOM"),
    Rule("386", "reason episode ceased is adopted (E11/E12) but the child had reached 18 "
         "before the episode ended", "REC"),
    Rule("PROVIDER", "placement provider does not fit the placement type (must be blank for "
         "temporary placements T0-T4, present otherwise)", "PLACE_PROVIDER"),
    Rule("574", "a missing or away episode starts before the previous one has ended", "MIS_START"),
    Rule("MIS_END<START", "missing episode ends before it starts", "MIS_END"),
    Rule("SW_DEC<DECOM", "social worker episode ends before it starts", "SW_DEC"),
    Rule("REVIEW-POC", "review date is not within any episode of care in this extract",
         "REVIEW", severity="warning"),
    Rule("191", "OC2 row for a child not in the OC2 cohort (looked after for 12 months at the "
         "period end); it is ignored by the indicators", "CHILD", severity="warning"),
    Rule("186", "SDQ score (or the reason it is missing) is required for children aged 4 to 16 "
         "in the OC2 cohort", "SDQ_SCORE", severity="warning"),
)


def rule(code: str) -> Rule:
    return RULES[code]
