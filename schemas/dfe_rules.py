"""DfE SSDA903 validation rules: code, message and the columns each rule touches.

Extracted mechanically (a one-off script, not kept in the repo) from the rule registries of
the open-source validator ``csc-validator-be-903`` version 0.1.17 (PyPI; Python module
``lac_validator``; MIT licence, copyright its authors, Data to Insight / Social Finance).
Messages are the validator's text verbatim (typos and trailing spaces included); ``fields``
are its ``affected_fields`` (duplicates removed, spelling kept) and ``tables`` its
``tables``, also verbatim. Plain data: nothing here imports ``lac_validator``, so this module
loads in the project's own environment. To run the rules themselves use
``tools/validate_903.py`` in ``.venv-903`` (see tools/NOTES-903.md).

DFE_RULES         every rule in the validator's latest rule set (2026/27, 327 rules),
                  keyed by DfE rule code as a string ("103", "197a", "INT01", "SW02STG1").
                  ``years`` lists the collection years whose rule set contains the code.
OTHER_YEAR_RULES  rules of earlier collection years (2022/23, 2023/24, 2024/25, 2025/26)
                  that the latest rule set dropped (message and fields from the last year
                  that has them).
RULES_BY_YEAR     the rule codes the validator runs for each collection year.
"""
from __future__ import annotations

SOURCE_PACKAGE = "csc-validator-be-903"
SOURCE_VERSION = "0.1.17"
SOURCE_LICENCE = "MIT"
LATEST_COLLECTION_YEAR = "2026/27"

# The latest rule set (2026/27).
DFE_RULES: dict[str, dict] = {
    "101": {
        "message": "The child or young person’s reported sex is not valid.",
        "fields": ["SEX"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "102": {
        "message": "Date of birth is not a valid date.",
        "fields": ["DOB"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "103": {
        "message": "The ethnicity code is either not valid or has not been entered.",
        "fields": ["ETHNIC"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "104": {
        "message": (
            "Date for Unaccompanied Asylum-Seeking Children (UASC) status ceased is not a "
            "valid date."
        ),
        "fields": ["DUC"],
        "tables": ["UASC"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "105": {
        "message": (
            "Data entry for Unaccompanied Asylum-Seeking Children (UASC) status of child is "
            "invalid or has not been completed."
        ),
        "fields": ["UASC"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "112": {
        "message": "Date should be placed for adoption is not a valid date.",
        "fields": ["DATE_INT"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "113": {
        "message": "Date matching child and adopter(s) is not a valid date.",
        "fields": ["DATE_MATCH"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "114": {
        "message": (
            "Data entry to record the status of former carer(s) of an adopted child is invalid."
        ),
        "fields": ["FOSTER_CARE"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "115": {
        "message": (
            "Date of Local Authority's (LA) decision that a child should be placed for "
            "adoption is not a valid date."
        ),
        "fields": ["DATE_PLACED"],
        "tables": ["PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "116": {
        "message": (
            "Date of Local Authority's (LA) decision that a child should no longer be placed "
            "for adoption is not a valid date."
        ),
        "fields": ["DATE_PLACED_CEASED"],
        "tables": ["PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "117": {
        "message": (
            "Date of decision that a child should/should no longer be placed for adoption is "
            "beyond the current collection year or after the child ceased to be looked after."
        ),
        "fields": ["DATE_PLACED_CEASED", "DATE_PLACED", "DEC", "REC", "DECOM"],
        "tables": ["Episodes", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "118": {
        "message": (
            "Date of decision that a child should no longer be placed for adoption is before "
            "the current collection year or before the date the child started to be looked "
            "after."
        ),
        "fields": ["DECOM", "LS"],
        "tables": ["Episodes", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "119": {
        "message": (
            "If the decision is made that a child should no longer be placed for adoption, "
            "then the date of this decision and the reason why this decision was made must be "
            "completed."
        ),
        "fields": ["REASON_PLACED_CEASED", "DATE_PLACED_CEASED"],
        "tables": ["PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "120": {
        "message": (
            "The reason for the reversal of the decision that the child should be placed for "
            "adoption code is not valid."
        ),
        "fields": ["REASON_PLACED_CEASED"],
        "tables": ["PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "131": {
        "message": "Data entry for being in touch after leaving care is invalid.",
        "fields": ["IN_TOUCH"],
        "tables": ["OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "132": {
        "message": "Data entry for activity after leaving care is invalid.",
        "fields": ["ACTIV"],
        "tables": ["OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "133": {
        "message": (
            "Data entry for accommodation after leaving care is invalid. If reporting on a "
            "childs accommodation after leaving care the data entry must be valid"
        ),
        "fields": ["ACCOM"],
        "tables": ["OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "134": {
        "message": "Data on adoption should not be entered for the OC3 cohort.",
        "fields": [
            "IN_TOUCH", "ACTIV", "ACCOM", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR",
            "SEX_ADOPTR", "LS_ADOPTR",
        ],
        "tables": ["OC3", "AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "141": {
        "message": "Date episode began is not a valid date.",
        "fields": ["DECOM"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "142": {
        "message": "A new episode has started, but the previous episode has not ended.",
        "fields": ["DEC", "REC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "143": {
        "message": "The reason for new episode code is not a valid code.",
        "fields": ["RNE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "144": {
        "message": "The legal status code is not a valid code.",
        "fields": ["LS"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "145": {
        "message": "Category of need code is not a valid code.",
        "fields": ["CIN"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "146": {
        "message": "Placement type code is not a valid code.",
        "fields": ["PLACE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "147": {
        "message": "Date episode ceased is not a valid date.",
        "fields": ["DEC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "148": {
        "message": (
            "Date episode ceased and reason episode ceased must both be coded, or both left "
            "blank."
        ),
        "fields": ["DEC", "REC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "149": {
        "message": "Reason episode ceased code is not valid. ",
        "fields": ["REC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "151": {
        "message": "All data items relating to a childs adoption must be coded or left blank.",
        "fields": [
            "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTER", "SEX_ADOPTR", "LS_ADOPTR",
        ],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "153": {
        "message": (
            "All data items relating to a child's activity or accommodation after leaving care "
            "must be coded or left blank."
        ),
        "fields": ["IN_TOUCH", "ACTIV", "ACCOM"],
        "tables": ["OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "157": {
        "message": (
            "Child is aged 4 years or over at the beginning of the year or 16 years or under "
            "at the end of the year and Strengths and Difficulties Questionnaire (SDQ) 1 has "
            "been recorded as the reason for no Strengths and Difficulties Questionnaire (SDQ) "
            "score."
        ),
        "fields": ["SDQ_REASON", "DOB"],
        "tables": ["OC2", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "158": {
        "message": (
            "If a child has been recorded as receiving an intervention for their substance "
            "misuse problem, then the additional item on whether an intervention was offered "
            "should be left blank."
        ),
        "fields": ["INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "159": {
        "message": (
            "If a child has been recorded as not receiving an intervention for their substance "
            "misuse problem, then the additional item on whether an intervention was offered "
            "should be completed as well."
        ),
        "fields": ["SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "164": {
        "message": (
            "Distance is not valid. Please check a valid postcode has been entered. [NOTE: "
            "This check will result in false positives for children formerly UASC not "
            "identified as such in loaded data]"
        ),
        "fields": ["PL_DISTANCE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "165": {
        "message": "Data entry for mother status is invalid.",
        "fields": ["MOTHER", "SEX", "ACTIV", "ACCOM", "IN_TOUCH", "DECOM"],
        "tables": ["Header", "Episodes", "OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "166": {
        "message": "Date of review is invalid or blank.",
        "fields": ["REVIEW"],
        "tables": ["Reviews"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "167": {
        "message": "Data entry for participation is invalid or blank.",
        "fields": ["REVIEW_CODE"],
        "tables": ["Reviews"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "168": {
        "message": (
            "Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, "
            "UN2, UN3, UN4 or UN5."
        ),
        "fields": ["UPN"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "169": {
        "message": (
            "Local Authority (LA) of placement is not valid or is missing. Please check a "
            "valid postcode has been entered."
        ),
        "fields": ["PL_LA"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "171": {
        "message": "Date of birth of mother's child is not a valid date.",
        "fields": ["MC_DOB"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "174": {
        "message": (
            "Mother's child date of birth is recorded but sex shows that the child is a male."
        ),
        "fields": ["SEX", "MC_DOB"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "175": {
        "message": "The number of adopter(s) code is not a valid code.",
        "fields": ["NB_ADOPTR"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "176": {
        "message": "The gender of adopter(s) at the date of adoption code is not a valid code.",
        "fields": ["SEX_ADOPTR"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "177": {
        "message": "The legal status of adopter(s) code is not a valid code.",
        "fields": ["LS_ADOPTR"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "178": {
        "message": "Placement provider code is not a valid code.",
        "fields": ["PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "179": {
        "message": "Placement location code is not a valid code.",
        "fields": ["PL_LOCATION"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "180": {
        "message": (
            "Data entry for the strengths and difficulties questionnaire (SDQ) score is "
            "invalid."
        ),
        "fields": ["SDQ_SCORE"],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "181": {
        "message": (
            "Data items relating to children looked after continuously for 12 months should be "
            "completed with a 0 or 1."
        ),
        "fields": [
            "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED",
        ],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "182": {
        "message": (
            "Data entries on immunisations, teeth checks, health assessments and substance "
            "misuse problem identified should be completed or all OC2 fields should be left "
            "blank."
        ),
        "fields": [
            "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
            "CONVICTED", "HEALTH_CHECK", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED",
        ],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "184": {
        "message": (
            "Date of decision that a child should be placed for adoption is before the child "
            "was born."
        ),
        "fields": ["DATE_PLACED", "DOB"],
        "tables": ["Header", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "185": {
        "message": (
            "Child has not been looked after continuously for at least 12 months at 31 March "
            "but a Strengths and Difficulties (SDQ) score has been completed."
        ),
        "fields": ["SDQ_SCORE"],
        "tables": ["Episodes", "OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "186": {
        "message": (
            "Children aged 4 or over at the start of the year and children aged under 17 at "
            "the end of the year and who have been looked after for at least 12 months "
            "continuously should have a Strengths and Difficulties (SDQ) score completed."
        ),
        "fields": ["SDQ_SCORE"],
        "tables": ["Episodes", "OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "187": {
        "message": (
            "Child cannot be looked after continuously for 12 months at 31 March (OC2) and "
            "have any of adoption or care leavers returns completed."
        ),
        "fields": [
            "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR",
            "IN_TOUCH", "ACTIV", "ACCOM",
        ],
        "tables": ["OC3", "AD1", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "188": {
        "message": (
            "Child is aged under 4 years at the end of the year, but a Strengths and "
            "Difficulties (SDQ) score or a reason for no SDQ score has been completed. "
        ),
        "fields": ["SDQ_SCORE", "SDQ_REASON"],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "189": {
        "message": (
            "Child is aged 17 years or over at the beginning of the year, but an Strengths and "
            "Difficulties (SDQ) score or a reason for no Strengths and Difficulties (SDQ) "
            "score has been completed."
        ),
        "fields": ["DOB", "SDQ_SCORE", "SDQ_REASON"],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "190": {
        "message": (
            "Child has not been looked after continuously for at least 12 months at 31 March "
            "but one or more data items relating to children looked after for 12 months have "
            "been completed."
        ),
        "fields": [
            "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED",
        ],
        "tables": ["OC2", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "191": {
        "message": (
            "Child has been looked after continuously for at least 12 months at 31 March but "
            "one or more data items relating to children looked after for 12 months have been "
            "left blank."
        ),
        "fields": [
            "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "CHILD",
        ],
        "tables": ["OC2", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "192": {
        "message": (
            "Child has been identified as having a substance misuse problem but the additional "
            "item on whether an intervention was received has been left blank."
        ),
        "fields": ["SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED"],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "193": {
        "message": (
            "Child not identified as having a substance misuse problem but at least one of the "
            "two additional items on whether an intervention were offered and received have "
            "been completed."
        ),
        "fields": ["SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "196": {
        "message": "Strengths and Difficulties (SDQ) reason is not a valid code.",
        "fields": ["SDQ_REASON"],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "197a": {
        "message": (
            "Reason for no Strengths and Difficulties (SDQ) score is not required if Strengths "
            "and Difficulties Questionnaire score is filled in."
        ),
        "fields": ["SDQ_SCORE", "SDQ_REASON"],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "197B": {
        "message": "SDQ score or reason for no SDQ should be reported for 4- or 17-year-olds.",
        "fields": ["SDQ_REASON", "DOB"],
        "tables": ["OC2", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "198": {
        "message": (
            "Child has not been looked after continuously for at least 12 months at 31 March "
            "but a reason for no Strengths and Difficulties (SDQ) score has been completed. "
        ),
        "fields": ["SDQ_REASON"],
        "tables": ["Episodes", "OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "199": {
        "message": (
            "Episode information shows child has been previously adopted from care. [NOTE: "
            "This only tests the current and previous year data loaded into the tool]"
        ),
        "fields": ["CHILD"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "202": {
        "message": "The gender code conflicts with the gender already recorded for this child.",
        "fields": ["SEX"],
        "tables": ["Header", "Header_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "203": {
        "message": (
            "Date of birth disagrees with the date of birth already recorded for this child."
        ),
        "fields": ["DOB"],
        "tables": ["Header", "Header_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "204": {
        "message": (
            "Ethnic origin code disagrees with the ethnic origin already recorded for this "
            "child."
        ),
        "fields": ["ETHNIC"],
        "tables": ["Header", "HEader_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "205A": {
        "message": (
            "Child identified as UASC last year is no longer UASC this year, but date UASC "
            "ceased in both years does not support this."
        ),
        "fields": ["CHILD", "UASC"],
        "tables": ["UASC", "UASC_last", "Header", "Header_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "205B": {
        "message": (
            "Child previously identified as UASC is also UASC this year, but date UASC ceased "
            "in both years does not support this."
        ),
        "fields": ["DUC", "UASC"],
        "tables": ["UASC", "UASC_last", "Header", "Header_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "205C": {
        "message": (
            "Child not identified as UASC either this year or last year but date UASC ceased "
            "has been provided."
        ),
        "fields": ["DUC", "UASC"],
        "tables": ["UASC", "UASC_last", "Header", "Header_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "205D": {
        "message": (
            "Child identified as UASC this year but not identified as UASC status provided for "
            "the child last year."
        ),
        "fields": ["UASC", "CHILD"],
        "tables": ["UASC", "UASC_last", "Header", "Header_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "207": {
        "message": (
            "Mother status for the current year disagrees with the mother status already "
            "recorded for this child."
        ),
        "fields": ["MOTHER"],
        "tables": ["Episodes", "Header", "Header_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "208": {
        "message": (
            "Unique Pupil Number (UPN) for the current year disagrees with the Unique Pupil "
            "Number (UPN) already recorded for this child."
        ),
        "fields": ["UPN"],
        "tables": ["Header", "Header_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "209": {
        "message": (
            "Child looked after is of school age and should not have an unknown Unique Pupil "
            "Number (UPN) code of UN1."
        ),
        "fields": ["UPN", "DOB"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "210": {
        "message": (
            "Children looked after for more than a week at 31 March should not have an unknown "
            "Unique Pupil Number (UPN) code of UN4."
        ),
        "fields": ["UPN", "DECOM"],
        "tables": ["Header", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "213": {
        "message": "Placement provider information not required.",
        "fields": ["PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "214": {
        "message": "Placement location information not required.",
        "fields": ["PL_POST", "URN"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "215": {
        "message": (
            "Child has care leaver information but one or more data items relating to children "
            "looked after for 12 months have been completed."
        ),
        "fields": [
            "IN_TOUCH", "ACTIV", "ACCOM", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        ],
        "tables": ["OC2", "OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "217": {
        "message": (
            "Children who are placed for adoption with current foster carers (placement types "
            "A3 or A5) must have a reason for new episode of S, T or U."
        ),
        "fields": ["PLACE", "DECOM", "RNE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "218": {
        "message": "Ofsted Unique reference number (URN) is required.",
        "fields": ["URN"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "219": {
        "message": (
            "The Ofsted Unique reference number (URN) provided for the child's placement does "
            "not match the placement type recorded."
        ),
        "fields": ["URN", "PLACE"],
        "tables": ["Episodes", "Provider Info"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "221": {
        "message": (
            "The Ofsted Unique reference number (URN) provided for the child's placement does "
            "not match the placement postcode provided."
        ),
        "fields": ["PL_POST"],
        "tables": ["Episodes", "Provider Info"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "222": {
        "message": (
            "Ofsted Unique reference number (URN) should not be recorded for this placement "
            "type."
        ),
        "fields": ["URN"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "224": {
        "message": (
            "The Ofsted Unique reference number (URN) provided for the child's placement does "
            "not match the placement provider recorded."
        ),
        "fields": ["PLACE_PROVIDER"],
        "tables": ["Episodes", "Provider Info"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "225": {
        "message": "Reason for placement change must be recorded.",
        "fields": ["REASON_PLACE_CHANGE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "226": {
        "message": "Reason for placement change is not required for temporary placements.",
        "fields": ["REASON_PLACE_CHANGE", "PLACE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "227": {
        "message": (
            "Ofsted Unique reference number (URN) is not valid for the episode start date."
        ),
        "fields": ["URN", "DECOM"],
        "tables": ["Episodes", "Provider Info"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "228": {
        "message": (
            "Ofsted Unique reference number (URN) is not valid for the episode end date [NOTE: "
            "may give false positives on open episodes at providers who close during the year]"
        ),
        "fields": ["URN", "DEC"],
        "tables": ["Episodes", "Provider Info"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "229": {
        "message": (
            "Placement provider does not match between the placing authority and the local "
            "authority code of the provider. [NOTE: The provider's LA code is inferred from "
            "the its postcode, and may be inaccurate in some cases.]"
        ),
        "fields": ["URN", "PLACE_PROVIDER"],
        "tables": ["Episodes", "Provider Info"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "231": {
        "message": (
            "We expect that unaccompanied asylum seeking children are generally older young "
            "people. Please check the date of birth is correct. If the date of birth is "
            "correct then please provide details in a bypass request."
        ),
        "fields": ["DOB", "UASC_STATUS"],
        "tables": ["Header"],
        "years": ["2024/25", "2025/26", "2026/27"],
    },
    "232": {
        "message": "Sex of the child/young person has been reported as unknown.",
        "fields": ["SEX"],
        "tables": ["Header"],
        "years": ["2024/25", "2025/26", "2026/27"],
    },
    "233": {
        "message": (
            "Reason for placement change is not required when the episode has not ceased."
        ),
        "fields": ["REASON_PLACE_CHANGE"],
        "tables": ["Episodes"],
        "years": ["2025/26", "2026/27"],
    },
    "234": {
        "message": (
            "A child aged under 10 can not change placement due to being admitted to custody"
        ),
        "fields": ["REASON_PLACE_CHANGE", "DOB"],
        "tables": ["Episodes", "Header"],
        "years": ["2025/26", "2026/27"],
    },
    "241": {
        "message": "LA of placement is not an LA the provider has premises.",
        "fields": ["URN"],
        "tables": ["Episodes"],
        "years": ["2025/26", "2026/27"],
    },
    "242": {
        "message": "URN = 'XXXXXXX' can only be used for regional adoption agencies",
        "fields": ["URN"],
        "tables": ["Episodes"],
        "years": ["2025/26", "2026/27"],
    },
    "243": {
        "message": (
            "Only placements with providers registered with Ofsted should have a URN reported."
        ),
        "fields": ["URN"],
        "tables": ["Episodes"],
        "years": ["2025/26", "2026/27"],
    },
    "301": {
        "message": "Date of birth falls after the year ended.",
        "fields": ["DOB"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "302": {
        "message": "First episode starts before child was born.",
        "fields": ["DECOM", "DOB"],
        "tables": ["Header", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "303": {
        "message": (
            "If date Unaccompanied Asylum-Seeking Child (UASC) status ceased is not null, UASC "
            "status must be coded 1."
        ),
        "fields": ["DUC", "UASC"],
        "tables": ["UASC", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "304": {
        "message": (
            "Date unaccompanied asylum-seeking child (UASC) status ceased must be on or before "
            "the 18th birthday of a child."
        ),
        "fields": ["DUC"],
        "tables": ["UASC"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "331": {
        "message": (
            "Date of matching child and adopter(s) should be the same as, or prior to, the "
            "date of placement of adoption."
        ),
        "fields": ["DATE_MATCH", "DECOM", "REC"],
        "tables": ["AD1", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "333": {
        "message": (
            "Date should be placed for adoption must be on or prior to the date of matching "
            "child with adopter(s)."
        ),
        "fields": ["DATE_INT"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "334": {
        "message": (
            "Date child started to be looked after in latest period of care must be on or "
            "prior to the date should be placed for adoption. "
        ),
        "fields": ["DATE_INT", "DECOM", "RNE"],
        "tables": ["Episodes", "AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "335": {
        "message": (
            "The current foster value (0) suggests that child is not adopted by current foster "
            "carer, but last placement is A2, A3, or A5. Or the current foster value (1) "
            "suggests that child is adopted by current foster carer, but last placement is A1, "
            "A4 or A6."
        ),
        "fields": ["PLACE", "FOSTER_CARE"],
        "tables": ["Episodes", "AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "336": {
        "message": (
            "Child does not have a foster placement immediately prior to being placed for "
            "adoption."
        ),
        "fields": ["PLACE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "344": {
        "message": (
            "The record shows the young person has died or returned home to live with "
            "parent(s) or someone with parental responsibility for a continuous period of 6 "
            "months or more, but activity and/or accommodation on leaving care have been "
            "completed."
        ),
        "fields": ["IN_TOUCH", "ACTIV", "ACCOM"],
        "tables": ["OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "345": {
        "message": (
            "The data collection record shows the local authority is in touch with this young "
            "person, but activity and/or accommodation data items are zero."
        ),
        "fields": ["IN_TOUCH", "ACTIV", "ACCOM"],
        "tables": ["OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "347": {
        "message": "Care leavers aged under 18 years, can not be accommodated in a Foyer.",
        "fields": ["PLACE", "DEC", "URN"],
        "tables": ["OC3"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "348": {
        "message": "Care leaver has previously been reported as having died. ",
        "fields": ["IN_TOUCH"],
        "tables": ["OC3"],
        "years": ["2025/26", "2026/27"],
    },
    "351": {
        "message": "Child was over 25 at the start of the current collection year.",
        "fields": ["DOB"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "352": {
        "message": "Child who started to be looked after was aged 18 or over.",
        "fields": ["DECOM", "RNE"],
        "tables": ["Header", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "353": {
        "message": "No episode submitted can start before 14 October 1991.",
        "fields": ["DECOM"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "354": {
        "message": (
            "Date episode ceased must be on or before the end of the current collection year."
        ),
        "fields": ["DECOM"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "355": {
        "message": "Episode appears to have lasted for less than 24 hours",
        "fields": ["DECOM", "DEC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "356": {
        "message": "The date the episode ceased is before the date the same episode started.",
        "fields": ["DECOM"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "357": {
        "message": (
            "If this is the first episode ever for this child, reason for new episode must be "
            "S.  Check whether there is an episode immediately preceding this one, which has "
            "been left out.  If not the reason for new episode code must be amended to S."
        ),
        "fields": ["RNE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "358": {
        "message": "Child with this legal status should not be under 10.",
        "fields": ["DECOM", "DOB", "LS"],
        "tables": ["Header", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "359": {
        "message": (
            "Child being looked after following 18th birthday must be accommodated under "
            "section 20(5) of the Children Act 1989 in a community home."
        ),
        "fields": ["DEC", "LS", "PLACE"],
        "tables": ["Header", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "361": {
        "message": (
            "Police protection legal status lasted longer than maximum 72 hours allowed in the "
            "Children Act 1989."
        ),
        "fields": ["DECOM", "LS", "DEC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "362": {
        "message": "Emergency protection order (EPO) lasted longer than 21 days",
        "fields": ["DECOM", "LS", "DEC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "363": {
        "message": (
            "Child assessment order (CAO) lasted longer than 7 days allowed in the Children "
            "Act 1989."
        ),
        "fields": ["LS", "DECOM", "DEC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "364": {
        "message": (
            "Sections 41-46 of Police and Criminal Evidence (PACE; 1984) severely limits the "
            "time a child can be detained in custody in Local Authority (LA) accommodation."
        ),
        "fields": ["LS", "DECOM", "DEC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "365": {
        "message": "Any individual short- term respite placement must not exceed 17 days.",
        "fields": ["LS", "DECOM", "DEC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "366": {
        "message": (
            "A child cannot change placement during the course of an individual short-term "
            "respite break."
        ),
        "fields": ["RNE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "367": {
        "message": (
            "The maximum amount of respite care allowable is 75 days in any 12-month period."
        ),
        "fields": ["LS", "DECOM", "DEC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "371": {
        "message": (
            "Child in supported accomodation not subject to children’s homes regulations "
            "should be at least 16."
        ),
        "fields": ["DECOM", "PLACE"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "372": {
        "message": "Child in youth custody or prison should be at least 10.",
        "fields": ["DECOM", "PLACE"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "373": {
        "message": "Child placed in a school should be at least 4 years old.",
        "fields": ["DECOM", "PLACE"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "374": {
        "message": "Child in residential employment should be at least 14 years old.",
        "fields": ["DECOM", "PLACE"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "375": {
        "message": "Hospitalisation coded as a temporary placement exceeds six weeks.",
        "fields": ["DECOM", "PLACE"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "376": {
        "message": (
            "Temporary placements coded as being due to holiday of usual foster carer(s) "
            "cannot exceed three weeks."
        ),
        "fields": ["DECOM", "PLACE"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "377": {
        "message": (
            "Only two temporary placements coded as being due to holiday of usual foster "
            "carer(s) are allowed in any 12- month period."
        ),
        "fields": ["PLACE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "378": {
        "message": (
            "A child who is placed with parent(s) cannot be looked after under a single period "
            "of accommodation under Section 20 of the Children Act 1989."
        ),
        "fields": ["PLACE", "LS"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "379": {
        "message": (
            "Temporary placements for unspecified reason (placement code T4) cannot exceed "
            "seven days."
        ),
        "fields": ["DECOM", "PLACE"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "380": {
        "message": "A period of care cannot start with a temporary placement.",
        "fields": ["PLACE", "RNE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "381": {
        "message": "A period of care cannot end with a temporary placement.",
        "fields": ["PLACE", "REC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "382": {
        "message": "A child receiving respite care cannot be in a temporary placement.",
        "fields": ["LS", "PLACE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "383": {
        "message": (
            "A child in a temporary placement must subsequently return to his/her normal "
            "placement."
        ),
        "fields": ["PLACE", "RNE", "PL_POST"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "384": {
        "message": "A child receiving respite care cannot be in a long-term foster placement ",
        "fields": ["PLACE", "LS"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "385": {
        "message": (
            "Date episode ceased must be on or before the end of the current collection year."
        ),
        "fields": ["DEC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "386": {
        "message": "Reason episode ceased is adopted but child has reached age 18.",
        "fields": ["REC"],
        "tables": ["Header", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "387": {
        "message": (
            "Reason episode ceased is child moved into independent living arrangement, but the "
            "child is aged under 14."
        ),
        "fields": ["REC"],
        "tables": ["Header", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "388": {
        "message": (
            "Reason episode ceased is coded new episode begins, but there is no continuation "
            "episode."
        ),
        "fields": ["REC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "389": {
        "message": (
            "Reason episode ceased is that child transferred to care of adult social care "
            "services, but child is aged under 16."
        ),
        "fields": ["REC"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "390": {
        "message": (
            "Reason episode ceased is adopted but child has not been previously placed for "
            "adoption."
        ),
        "fields": ["PLACE", "REC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "391": {
        "message": (
            "Young person was not 17, 18, 19, 20 or 21 during the current collection year. "
        ),
        "fields": ["DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
        "tables": ["OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "392a": {
        "message": (
            "Child is looked after but no distance is recorded. [NOTE: This check may result "
            "in false positives for children formerly UASC]"
        ),
        "fields": ["PL_DISTANCE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "392b": {
        "message": (
            "Child is looked after but no postcodes are recorded. [NOTE: This check may result "
            "in false positives for children formerly UASC, particularly if current & prior "
            "year UASC data not loaded]"
        ),
        "fields": ["HOME_POST", "PL_POST"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "392c": {
        "message": "Postcode(s) provided are invalid.",
        "fields": ["HOME_POST", "PL_POST"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "392d": {
        "message": (
            "Home and placement postcodes should not be same unless the placement type is P1."
        ),
        "fields": ["HOME_POST", "PL_POST", "PLACE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "393": {
        "message": "Child is looked after but mother field is not completed.",
        "fields": ["MOTHER"],
        "tables": ["Header", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "398": {
        "message": (
            "Distance field completed but child looked after under legal status V3 or V4."
        ),
        "fields": ["LS", "HOME_POST", "PL_POST"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "399": {
        "message": (
            "Mother field, review field or participation field are completed but child is "
            "looked after under legal status V3 or V4."
        ),
        "fields": ["MOTHER", "LS", "REVIEW", "REVIEW_CODE"],
        "tables": ["Episodes", "Header", "Reviews"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "406": {
        "message": (
            "Child is Unaccompanied Asylum-Seeking Child (UASC) or was formerly UASC. Distance "
            "should be blank. [NOTE: This check will result in false negatives for children "
            "formerly UASC not identified as such in loaded data]"
        ),
        "fields": ["PL_DISTANCE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "407": {
        "message": (
            "Reason episode ceased is Special Guardianship Order, but child has reached age 18."
        ),
        "fields": ["DEC", "DOB", "REC"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "408": {
        "message": (
            "Child is placed for adoption with a placement order, but no placement order has "
            "been recorded."
        ),
        "fields": ["PLACE", "LS"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "411": {
        "message": "Placement location code disagrees with LA of placement.",
        "fields": ["PL_LOCATION"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "420": {
        "message": (
            "LA of placement completed but child is looked after under legal status V3 or V4."
        ),
        "fields": ["PL_LA"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "426": {
        "message": (
            "A child receiving respite care cannot be recorded under a legal status of V3 and "
            "V4 in the same year."
        ),
        "fields": ["LS"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "431": {
        "message": (
            "The reason for new episode is started to be looked after, but the previous "
            "episode ended on the same day."
        ),
        "fields": ["RNE", "DECOM"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "432": {
        "message": (
            "The child ceased to be looked after at the end of the previous episode but the "
            "reason for the new episode is not started to be looked after."
        ),
        "fields": ["RNE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "433": {
        "message": (
            "The reason for new episode suggests that this is a continuation episode, but the "
            "episode does not start on the same day as the last episode finished."
        ),
        "fields": ["RNE", "DECOM"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "434": {
        "message": (
            "Reason for new episode is that child's legal status has changed but not the "
            "placement, but this is not reflected in the episode data."
        ),
        "fields": ["RNE", "LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "435": {
        "message": (
            "Reason for new episode is that child’s placement has changed but not the legal "
            "status, but this is not reflected in the episode data recorded."
        ),
        "fields": ["LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "436": {
        "message": (
            "Reason for new episode is that both child’s placement and legal status have "
            "changed, but this is not reflected in the episode data."
        ),
        "fields": ["RNE", "LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "437": {
        "message": (
            "Reason episode ceased is child has died or is aged 18 or over but there are "
            "further episodes."
        ),
        "fields": ["REC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "440": {
        "message": (
            "Participation method indicates child was under 4 years old at the time of the "
            "review, but date of birth and review date indicates the child was 4 years old or "
            "over."
        ),
        "fields": ["DOB", "REVIEW", "REVIEW_CODE"],
        "tables": ["Reviews"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "441": {
        "message": (
            "Participation method indicates child was 4 years old or over at the time of the "
            "review, but the date of birth and review date indicates the child was under 4 "
            "years old."
        ),
        "fields": ["DOB", "REVIEW", "REVIEW_CODE"],
        "tables": ["Reviews"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "442": {
        "message": "Unique Pupil Number (UPN) field is not completed.",
        "fields": ["UPN"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "444": {
        "message": "Duplicate UPN has been reported",
        "fields": ["UPN"],
        "tables": ["Header"],
        "years": ["2025/26", "2026/27"],
    },
    "446": {
        "message": "E1 is not a valid code for episodes starting before December 2005.",
        "fields": ["LS", "DECOM"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "452": {
        "message": (
            "Contradiction between local authority of placement code in the last episode of "
            "the previous year and in the first episode of the current year."
        ),
        "fields": ["PL_LA"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "453": {
        "message": (
            "Contradiction between placement distance in the last episode of the previous year "
            "and in the first episode of the current year."
        ),
        "fields": ["PL_DISTANCE"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "454": {
        "message": (
            "Placement distance from home is over 350 miles. [NOTE: This check will result in "
            "false positives for children formerly UASC not identified as such in loaded data]"
        ),
        "fields": ["PL_DISTANCE"],
        "tables": ["Episodes"],
        "years": ["2025/26", "2026/27"],
    },
    "460": {
        "message": (
            "Reason episode ceased is that child stayed with current carers at age 18 (or "
            "above), but child is aged under 18."
        ),
        "fields": ["DEC", "REC"],
        "tables": ["Header", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "501": {
        "message": "A new episode has started before the end date of the previous episode.",
        "fields": ["DECOM", "DEC"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "502": {
        "message": (
            "Last year's record ended with an open episode. The date on which that episode "
            "started does not match the start date of the first episode on this year’s record."
        ),
        "fields": ["DECOM"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "503A": {
        "message": (
            "The reason for new episode in the first episode does not match open episode at "
            "end of last year."
        ),
        "fields": ["RNE"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "503B": {
        "message": (
            "The legal status in the first episode does not match open episode at end of last "
            "year."
        ),
        "fields": ["LS"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "503C": {
        "message": (
            "The category of need in the first episode does not match open episode at end of "
            "last year."
        ),
        "fields": ["CIN"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "503D": {
        "message": (
            "The placement type in the first episode does not match open episode at end of "
            "last year"
        ),
        "fields": ["PLACE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "503E": {
        "message": (
            "The placement provider in the first episode does not match open episode at end of "
            "last year."
        ),
        "fields": ["PLACE_PROVIDER"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "503F": {
        "message": (
            "The Ofsted URN in the  first episode does not match open episode at end of last "
            "year."
        ),
        "fields": ["URN"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "503G": {
        "message": (
            "The distance in first episode does not match open episode at end of last year."
        ),
        "fields": ["PL_DISTANCE"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "503H": {
        "message": (
            "The placement LA in first episode does not match open episode at end of last year."
        ),
        "fields": ["PL_LA"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "503J": {
        "message": (
            "The placement location in first episode does not match open episode at end of "
            "last year."
        ),
        "fields": ["PL_LOCATION"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "504": {
        "message": (
            "The category of need code differs from that reported at start of current period "
            "of being looked after"
        ),
        "fields": ["CIN"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "511": {
        "message": (
            "If reporting that the number of person(s) adopting the looked after child is two "
            "adopters then the code should only be MM, FF or MF. MM = the adopting couple are "
            "both males; FF = the adopting couple are both females; MF = The adopting couple "
            "are male and female."
        ),
        "fields": ["NB_ADOPTR", "SEX_ADOPTR"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "514": {
        "message": (
            "Data entry on the legal status of adopters shows a single adopter but data entry "
            "for the numbers of adopters shows it as a couple."
        ),
        "fields": ["LS_ADOPTR", "SEX_ADOPTR"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "516": {
        "message": (
            "The episode data submitted for this child does not show that he/she was with "
            "their former foster carer(s) during the year.If the code in the reason episode "
            "ceased is E45 or E46 the child must have a placement code of U1 to U6."
        ),
        "fields": ["REC", "PLACE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "517": {
        "message": (
            "If reporting legal status of adopters is L3 then the genders of adopters should "
            "be coded as MF. MF = the adopting couple are male and female."
        ),
        "fields": ["LS_ADOPTR", "SEX_ADOPTR"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "518": {
        "message": (
            "If reporting legal status of adopters is L4 then the genders of adopters should "
            "be coded as MM or FF. MM = the adopting couple are both males. FF = the adopting "
            "couple are both females."
        ),
        "fields": ["LS_ADOPTR", "SEX_ADOPTR"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "519": {
        "message": (
            "Data entered on the legal status of adopters shows civil partnership couple, but "
            "data entered on genders of adopters does not show it as a couple."
        ),
        "fields": ["LS_ADOPTR", "SEX_ADOPTR"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "520": {
        "message": (
            "Data entry on the legal status of adopters shows different gender married couple "
            "but data entry on genders of adopters shows it as a same gender couple."
        ),
        "fields": ["LS_ADOPTR", "SEX_ADOPTR"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "521": {
        "message": (
            "Date of local authority's decision (LA) that adoption is in the best interests of "
            "the child (date should be placed) must be on or prior to the date the child is "
            "placed for adoption."
        ),
        "fields": ["PLACE", "DECOM", "DATE_INT"],
        "tables": ["Episodes", "AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "522": {
        "message": (
            "Date of decision that the child should be placed for adoption must be on or "
            "before the date that a child should no longer be placed for adoption."
        ),
        "fields": ["DATE_PLACED", "DATE_PLACED_CEASED"],
        "tables": ["PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "523": {
        "message": (
            "Date of decision that the child should be placed for adoption should be the same "
            "date as the decision that adoption is in the best interest (date should be "
            "placed)."
        ),
        "fields": ["DATE_PLACED", "DATE_INT"],
        "tables": ["PlacedAdoption", "AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "524": {
        "message": (
            "If reporting legal status of adopters is L12 then the genders of adopters should "
            "be coded as MM or FF. MM = the adopting couple are both males. FF = the adopting "
            "couple are both females"
        ),
        "fields": ["LS_ADOPTR", "SEX_ADOPTR"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "525": {
        "message": (
            "A child for whom the decision to be placed for adoption has been reversed cannot "
            "be adopted during the year."
        ),
        "fields": [
            "DATE_PLACED_CEASED", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR",
            "SEX_ADOPTR", "LS_ADOPTR",
        ],
        "tables": ["PlacedAdoption", "AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "526": {
        "message": "Child is missing a placement provider code for at least one episode.",
        "fields": ["PLACE", "PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "527": {
        "message": (
            "A placement provider code of PR1 cannot be associated with placements P1, R2 or "
            "R5."
        ),
        "fields": ["PLACE", "PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "528": {
        "message": (
            "A placement provider code of PR2 cannot be associated with placements P1, R2 or "
            "R5."
        ),
        "fields": ["PLACE", "PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "529": {
        "message": (
            "Placement provider code of PR3 cannot be associated with placements P1, A3 to A6, "
            "K1, K2 and U1 to U6 as these placements cannot be provided by other public "
            "organisations."
        ),
        "fields": ["PLACE", "PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "530": {
        "message": "A placement provider code of PR4 cannot be associated with placement P1.",
        "fields": ["PLACE", "PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "531": {
        "message": "A placement provider code of PR5 cannot be associated with placements P1.",
        "fields": ["PLACE", "PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "542": {
        "message": (
            "A child aged under 10 at 31 March should not have conviction information "
            "completed."
        ),
        "fields": ["CONVICTED"],
        "tables": ["OC2s"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "543": {
        "message": (
            "Child is aged 10 or over at 31 March and has been looked after continuously for "
            "12 months yet conviction information has not been completed."
        ),
        "fields": ["DOB", "CONVICTED"],
        "tables": ["Episodes", "OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "544": {
        "message": (
            "Any child who has conviction information completed must also have immunisation, "
            "teeth check, health assessment and substance misuse problem identified fields "
            "completed."
        ),
        "fields": [
            "CONVICTED", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
        ],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "545": {
        "message": (
            "Child is aged under 5 at 31 March and has been looked after continuously for 12 "
            "months yet health promotion information has not been completed."
        ),
        "fields": ["DOB", "HEALTH_CHECK"],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "546": {
        "message": (
            "Children aged 5 or over at 31 March should not have health promotion information "
            "completed."
        ),
        "fields": ["DOB", "HEALTH_CHECK"],
        "tables": ["Episodes", "OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "547": {
        "message": (
            "Any child who has health promotion information completed must also have "
            "immunisation, teeth check, health assessment and substance misuse problem "
            "identified fields completed."
        ),
        "fields": [
            "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
        ],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "550": {
        "message": "A placement provider code of PR0 can only be associated with placement P1.",
        "fields": ["PLACE", "PLACE_PROVIDER"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "551": {
        "message": (
            "Child has been placed for adoption but there is no date of the decision that the "
            "child should be placed for adoption."
        ),
        "fields": ["DATE_PLACED", "PLACE"],
        "tables": ["Episodes", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "552": {
        "message": (
            "Date of Decision to place a child for adoption should be on or prior to the date "
            "that the child was placed for adoption."
        ),
        "fields": ["DATE_PLACED", "DECOM"],
        "tables": ["Episodes", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "553": {
        "message": (
            "Placement order has been granted but there is no date of decision that the child "
            "should be placed for adoption."
        ),
        "fields": ["CHILD", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
        "tables": ["Episodes", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "554": {
        "message": (
            "Date of decision that the child should be placed for adoption should be on or "
            "prior to the date that the placement order was granted. [NOTE: This rule may "
            "result in false positives or false negatives if relevant episodes are in previous "
            "years; please check carefully!]"
        ),
        "fields": ["DATE_PLACED", "DECOM", "LS"],
        "tables": ["Episodes", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "557": {
        "message": (
            "Child for whom the decision was made that they should be placed for adoption has "
            "left care but was not adopted and information on the decision that they should no "
            "longer be placed for adoption items has not been completed."
        ),
        "fields": ["DATE_PLACED_CEASED", "REASON_PLACED_CEASED", "PLACE", "LS", "REC"],
        "tables": ["Episodes", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "558": {
        "message": (
            "If a child has been adopted, then the decision to place them for adoption has not "
            "been disrupted and the date of the decision that a child should no longer be "
            "placed for adoption should be left blank."
        ),
        "fields": ["DATE_PLACED_CEASED", "REC"],
        "tables": ["Episodes", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "559": {
        "message": (
            "Date of decision that a child should be placed for adoption was not in the "
            "current year but the date of the decision that the child should be placed for "
            "adoption was not completed in a previous return."
        ),
        "fields": ["DATE_PLACED"],
        "tables": ["PlacedAdoption", "PlacedAdoption_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "560": {
        "message": (
            "Date of decision that the child should be placed for adoption this year is "
            "different from that recorded last year but the decision to place the child for "
            "adoption did not change."
        ),
        "fields": ["DATE_PLACED", "DATE_PLACED_CEASED"],
        "tables": ["PlacedAdoption", "PlacedAdoption_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "561": {
        "message": (
            "Date of the decision that the child should be placed for adoption this year is "
            "the same as that recorded last year but records show that the decision changed, "
            "and the child should no longer be placed for adoption last year."
        ),
        "fields": ["DATE_PLACED"],
        "tables": ["PlacedAdoption", "PlacedAdoption_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "562": {
        "message": (
            "Episode commenced before the start of the current collection year but there is a "
            "missing continuous episode in the previous year."
        ),
        "fields": ["DECOM"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "563": {
        "message": (
            "The child should no longer be placed for adoption but the date of the decision "
            "that the child should be placed for adoption is blank"
        ),
        "fields": ["DATE_PLACED", "REASON_PLACED_CEASED", "DATE_PLACED_CEASED"],
        "tables": ["PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "564": {
        "message": (
            "Child was missing or away from placement without authorisation and the date "
            "started is blank."
        ),
        "fields": ["MISSING", "MIS_START"],
        "tables": ["Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "565": {
        "message": (
            "The date that the child started to be missing or away from placement without "
            "authorisation has been completed but whether the child was missing or away from "
            "placement without authorisation has not been completed."
        ),
        "fields": ["MISSING", "MIS_START"],
        "tables": ["Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "566": {
        "message": (
            "The date that the child's episode of being missing or away from placement without "
            "authorisation ended has been completed but whether the child was missing or away "
            "without authorisation has not been completed."
        ),
        "fields": ["MISSING", "MIS_END"],
        "tables": ["Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "567": {
        "message": (
            "The date that the missing episode or episode that the child was away from "
            "placement without authorisation ended is before the date that it started."
        ),
        "fields": ["MIS_START", "MIS_END"],
        "tables": ["Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "570": {
        "message": (
            "The date that the child started to be missing or away from placement without "
            "authorisation is after the end of the collection year."
        ),
        "fields": ["MIS_START"],
        "tables": ["Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "571": {
        "message": (
            "The date that the child ceased to be missing or away from placement without "
            "authorisation is before the start or after the end of the collection year."
        ),
        "fields": ["MIS_END"],
        "tables": ["Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "574": {
        "message": (
            "A new missing/away from placement without authorisation period cannot start when "
            "the previous missing/away from placement without authorisation period is still "
            "open. Missing/away from placement without authorisation periods should also not "
            "overlap."
        ),
        "fields": ["MIS_START", "MIS_END"],
        "tables": ["Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "575": {
        "message": (
            "If the placement from which the child goes missing/away from placement without "
            "authorisation ends, the missing/away from placement without authorisation period "
            "in the missing module must also have an end date."
        ),
        "fields": ["MIS_END"],
        "tables": ["Episodes", "Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "576": {
        "message": (
            "There is an open missing/away from placement without authorisation period in last "
            "year’s return and there is no corresponding period recorded at the start of this "
            "year."
        ),
        "fields": ["CHILD"],
        "tables": ["MIssing", "Missing_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "577": {
        "message": (
            "Child ceased to be looked after but there is a missing/away from placement "
            "without authorisation period without an end date."
        ),
        "fields": ["MIS_END"],
        "tables": ["Episodes", "Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "578": {
        "message": (
            "The date that the child started to be missing is after the child ceased to be "
            "looked after."
        ),
        "fields": ["MIS_START"],
        "tables": ["Episodes", "Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "579": {
        "message": (
            "A new decision that the child should be placed for adoption this year cannot "
            "start when the previous decision is still open. Decisions to place the child for "
            "adoption should also not overlap. The date of any new decision to place the child "
            "for adoption must not be before the date placed ceased of previous decisions."
        ),
        "fields": ["DATE_PLACED", "DATE_PLACED_CEASED"],
        "tables": ["PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "580": {
        "message": (
            "Child is missing when cease being looked after but reason episode ceased not ‘E8’."
        ),
        "fields": ["REC"],
        "tables": ["Episodes", "MIssing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "581": {
        "message": "Child is missing but has not yet started to be looked after.",
        "fields": ["MIS_START"],
        "tables": ["Episodes", "Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "582": {
        "message": (
            "Child is showing as ceasing to be looked after due to adoption, but the date of "
            "adoption is the same as the date reported for being matched with adopters. In "
            "most circumstances we expect the date the child is matched with adopters to be "
            "before the date of adoption."
        ),
        "fields": ["DEC", "DATE_MATCH"],
        "tables": ["Episodes", "AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "583": {
        "message": (
            "More than one date the child should be placed for adoption has been reported, but "
            "an earlier decision has not been revoked. Check that both dates are required and "
            "add in the date the earlier decision was revoked. Note this may be in a previous "
            "year."
        ),
        "fields": ["DATE_PLACED", "DATE_PLACED_CEASED"],
        "tables": ["PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "584": {
        "message": (
            "Date of decision that the child should be placed for adoption this year is "
            "different from that recorded last year, but the decision to placed the child for "
            "adoption changed and the child should no longer be placed for adoption."
        ),
        "fields": ["DATE_PLACED"],
        "tables": ["PlacedAdoption", "PlacedAdoption_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "586": {
        "message": "Dates of missing periods are before child’s date of birth.",
        "fields": ["MIS_START"],
        "tables": ["Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "601": {
        "message": (
            "The additional fields relating to adoption have not been completed although the "
            "episode data shows that the child was adopted during the year."
        ),
        "fields": [
            "REC", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
            "LS_ADOPTR",
        ],
        "tables": ["Episodes", "AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "602": {
        "message": (
            "The episode data submitted for this child does not show that he/she was adopted "
            "during the year."
        ),
        "fields": ["CHILD"],
        "tables": ["Episodes", "AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "607": {
        "message": (
            "Child ceased to be looked after in the year, but mother field has not been "
            "completed."
        ),
        "fields": ["DEC", "REC", "MOTHER", "LS", "SEX"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "611": {
        "message": "Date of birth field is blank, but child is a mother.",
        "fields": ["MOTHER", "MC_DOB"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "612": {
        "message": (
            "Date of birth field has been completed but mother field indicates child is not a "
            "mother."
        ),
        "fields": ["SEX", "MOTHER", "MC_DOB"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "620": {
        "message": (
            "Child has been recorded as a mother, but date of birth shows that the mother is "
            "under 11 years of age."
        ),
        "fields": ["DOB", "MOTHER"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "621": {
        "message": (
            "Mother’s field has been completed but date of birth shows that the mother is "
            "younger than her child."
        ),
        "fields": ["DOB", "MC_DOB"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "624": {
        "message": (
            "Date of birth of the first child contradicts the date of birth of the first child "
            "previously recorded."
        ),
        "fields": ["MC_DOB"],
        "tables": ["Header", "Header_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "625": {
        "message": (
            "Date of birth of the first child is beyond the end of this reporting year or the "
            "date the child ceased to be looked after."
        ),
        "fields": ["MC_DOB", "DEC"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "626": {
        "message": (
            "Child was reported as a mother but the date of birth of the first child is before "
            "the current year which contradicts with the mother status recorded last year."
        ),
        "fields": ["MOTHER", "MC_DOB"],
        "tables": ["Header", "Header_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "628": {
        "message": (
            "Motherhood details are not required for care leavers who have not been looked "
            "after during the year."
        ),
        "fields": ["MOTHER"],
        "tables": ["Episodes", "Header", "OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "630": {
        "message": "Information on previous permanence option should be returned.",
        "fields": ["RNE"],
        "tables": ["Episodes", "PrevPerm"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "631": {
        "message": "Previous permanence option not a valid value.",
        "fields": ["PREV_PERM"],
        "tables": ["PrevPerm"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "632": {
        "message": (
            "Date of previous permanence order not a valid value. NOTE: This rule may result "
            "in false negatives where the period of care started before the current collection "
            "year"
        ),
        "fields": ["DATE_PERM", "DECOM"],
        "tables": ["Episodes", "PrevPerm"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "633": {
        "message": (
            "Local authority code where previous permanence option was arranged is not a valid "
            "value."
        ),
        "fields": ["LA_PERM"],
        "tables": ["PrevPerm"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "634": {
        "message": (
            "There are entries for previous permanence options, but child has not started to "
            "be looked after from 1 April 2016 onwards."
        ),
        "fields": ["LA_PERM", "PREV_PERM", "DATE_PERM", "DECOM"],
        "tables": ["Episodes", "PrevPerm"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "635": {
        "message": (
            "There are entries for date of order and local authority code where previous "
            "permanence option was arranged but previous permanence code is Z1"
        ),
        "fields": ["LA_PERM", "DATE_PERM", "PREV_PERM"],
        "tables": ["PrevPerm"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "700": {
        "message": "The start date of the DoLO is not a valid date.",
        "fields": ["DOLO_START"],
        "tables": ["DoLo"],
        "years": ["2026/27"],
    },
    "701": {
        "message": "The end date of the DoLO is not a valid date.",
        "fields": ["DOLO_END"],
        "tables": ["DoLo"],
        "years": ["2026/27"],
    },
    "702": {
        "message": "The date that the DoLO ended is before the date that it started.",
        "fields": ["DOLO_START", "DOLO_END"],
        "tables": ["DoLo"],
        "years": ["2026/27"],
    },
    "703": {
        "message": "The date that the DoLO started is after the end of the collection year.",
        "fields": ["DOLO_START"],
        "tables": ["DoLo"],
        "years": ["2026/27"],
    },
    "704": {
        "message": (
            "The date that the DoLO ended is before the start or after the end of the "
            "collection year."
        ),
        "fields": ["DOLO_END"],
        "tables": ["DoLo"],
        "years": ["2026/27"],
    },
    "705": {
        "message": "A DoLO cannot start when the previous DoLO is still open.",
        "fields": ["DOLO_START", "DOLO_END"],
        "tables": ["DoLo"],
        "years": ["2026/27"],
    },
    "706": {
        "message": (
            "There is an open DoLO in last year’s return and there is no corresponding DoLO "
            "recorded at the start of this year.."
        ),
        "fields": ["DOLO_START"],
        "tables": ["DoLo", "DOLO_last"],
        "years": ["2026/27"],
    },
    "707": {
        "message": "Child ceased to be looked after but there is a DoLO without an end date.",
        "fields": ["DOLO_END"],
        "tables": ["DoLo", "EPISODES"],
        "years": ["2026/27"],
    },
    "708": {
        "message": "Dates of DoLOs are before child’s date of birth.",
        "fields": ["DOLO_START"],
        "tables": ["DoLo"],
        "years": ["2026/27"],
    },
    "709": {
        "message": "Child with a DoLO is in an unexpected placement type.",
        "fields": ["DOLO_START", "PLACEMENT"],
        "tables": ["DoLo", "Episodes"],
        "years": ["2026/27"],
    },
    "710": {
        "message": (
            "Child with a DoLO can not be placed in secure children's homes, with parents, "
            "young offender institutions, or supported accommodation."
        ),
        "fields": ["DOLO_START", "PLACEMENT"],
        "tables": ["DoLo", "Episodes"],
        "years": ["2026/27"],
    },
    "1000": {
        "message": (
            "This child is recorded as having died in care and therefore should not have the "
            "care leaver information completed. [NOTE: This only tests the current and "
            "previous year data loaded into the tool]"
        ),
        "fields": ["IN_TOUCH", "ACTIV", "ACCOM"],
        "tables": ["Episodes", "OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1001": {
        "message": (
            "The episodes recorded for this young person suggest they are not a relevant or a "
            "former relevant child and therefore should not have care leaver information "
            "completed. [NOTE: This tool can only test the current and previous year data "
            "loaded into the tool - this check may generate false positives if a child had "
            "episodes prior to last year's collection.]"
        ),
        "fields": ["IN_TOUCH", "ACTIV", "ACCOM"],
        "tables": ["Episodes", "OC3", "Header", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1002": {
        "message": (
            "This child has no previous episodes of care, therefore should not have care "
            "leaver information recorded. [NOTE: This tool can only test the current and "
            "previous year data loaded into the tool - this check may generate false positives "
            "if a child had episodes prior to last year's collection.]"
        ),
        "fields": ["IN_TOUCH", "ACTIV", "ACCOM"],
        "tables": ["Episodes", "OC3", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1003": {
        "message": (
            "Date of LA's decision that a child should be placed for adoption is before the "
            "child started to be looked after."
        ),
        "fields": ["DATE_PLACED", "DECOM", "RNE"],
        "tables": ["Episodes", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1004": {
        "message": (
            "The start date of the missing episode or episode that the child was away from "
            "placement without authorisation is not a valid date."
        ),
        "fields": ["MIS_START"],
        "tables": ["Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1005": {
        "message": (
            "The end date of the missing episode or episode that the child was away from "
            "placement without authorisation is not a valid date."
        ),
        "fields": ["MIS_END"],
        "tables": ["Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1006": {
        "message": "Missing type invalid.",
        "fields": ["MISSING"],
        "tables": ["Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1007": {
        "message": (
            "Care leaver information is not required for 17- or 18-year olds who are still "
            "looked after [on their 17th or 18th birthday.]"
        ),
        "fields": ["IN_TOUCH", "ACTIV", "ACCOM"],
        "tables": ["Episodes", "OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1008": {
        "message": "Ofsted Unique Reference Number (URN) is not valid.",
        "fields": ["URN"],
        "tables": ["Episodes", "Provider Info"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1009": {
        "message": "Reason for placement change is not a valid code.",
        "fields": ["REASON_PLACE_CHANGE"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1010": {
        "message": (
            "This child has no episodes loaded for current year even though there was an open "
            "episode of care at the end of the previous year, and care leaver data has been "
            "entered."
        ),
        "fields": ["IN_TOUCH", "ACTIV", "ACCOM"],
        "tables": ["Episodes", "Episodes_last", "OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1011": {
        "message": (
            "This child is recorded as having his/her care transferred to another local "
            "authority for the final episode and therefore should not have the care leaver "
            "information completed."
        ),
        "fields": ["IN_TOUCH", "ACTIV", "ACCOM"],
        "tables": ["Episodes", "OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1012": {
        "message": (
            "No other data should be returned for OC3 children who had no episodes in the "
            "current year"
        ),
        "fields": ["CHILD"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1014": {
        "message": "UASC information is not required for care leavers",
        "fields": ["ACTIV", "ACCOM", "IN_TOUCH", "DUC"],
        "tables": ["Episodes", "UASC", "OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1015": {
        "message": "Placement provider is own provision but child not placed in own LA.",
        "fields": ["PL_LA"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "1016": {
        "message": (
            "Care leaver information is not required for 17- or 18-year olds who cease to be "
            "looked after, after their birthday."
        ),
        "fields": ["IN_TOUCH", "ACTIV", "ACCOM"],
        "tables": ["Episodes", "OC3"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "3001": {
        "message": (
            "Where care leavers information is being returned for a young person around their "
            "17th birthday, the accommodation cannot be with their former foster carer(s)."
        ),
        "fields": ["REC"],
        "tables": ["Header", "OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "EPI": {
        "message": (
            "WARNING: Episodes need to be loaded for this child before further validation is "
            "possible [NOTE: This refers to the DfE portal - here, all checks that can be "
            "performed with only the available data will be.]"
        ),
        "fields": ["CHILD"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT01": {
        "message": "Data Integrity Check: Child in AD1 does not exist in Header.",
        "fields": ["CHILD"],
        "tables": ["Header", "AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT02": {
        "message": "Internal Check: Child in PlacedAdoption does not exist in Header.",
        "fields": ["CHILD"],
        "tables": ["Header", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT03": {
        "message": "Internal Check: Child in Episodes does not exist in Header.",
        "fields": ["CHILD"],
        "tables": ["Header", "Episodes"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT04": {
        "message": "Internal Check: Child in Missing does not exist in Header.",
        "fields": ["CHILD"],
        "tables": ["Header", "Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT05": {
        "message": "Internal Check: Child in OC2 does not exist in Header.",
        "fields": ["CHILD"],
        "tables": ["Header", "OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT06": {
        "message": "Internal Check: Child in OC3 does not exist in Header.",
        "fields": ["CHILD"],
        "tables": ["Header", "OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT07": {
        "message": "Internal Check: Child in PrevPerm does not exist in Header.",
        "fields": ["CHILD"],
        "tables": ["Header", "PrevPerm"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT08": {
        "message": "Internal Check: Child in Reviews does not exist in Header.",
        "fields": ["CHILD"],
        "tables": ["Header", "Reviews"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT09": {
        "message": "Internal Check: Child in UASC does not exist in Header.",
        "fields": ["CHILD"],
        "tables": ["Header", "UASC"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT11": {
        "message": "Internal Check: DOB in AD1 is different to DOB in Header.",
        "fields": ["DOB"],
        "tables": ["Header", "AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT12": {
        "message": "Internal Check: DOB in PlacedAdoption is different to DOB in Header.",
        "fields": ["DOB"],
        "tables": ["Header", "PlacedAdoption"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT13": {
        "message": "Internal Check: DOB in Missing is different to DOB in Header.",
        "fields": ["DOB"],
        "tables": ["Header", "Missing"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT14": {
        "message": "Internal Check: DOB in OC2 is different to DOB in Header.",
        "fields": ["DOB"],
        "tables": ["Header", "OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT15": {
        "message": "Internal Check: DOB in OC3 is different to DOB in Header.",
        "fields": ["DOB"],
        "tables": ["Header", "OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT16": {
        "message": "Internal Check: DOB in PrevPerm is different to DOB in Header.",
        "fields": ["DOB"],
        "tables": ["Header", "PrevPerm"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT17": {
        "message": "Internal Check: DOB in Reviews is different to DOB in Header.",
        "fields": ["DOB"],
        "tables": ["Header", "Reviews"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT18": {
        "message": "Internal Check: DOB in UASC is different to DOB in Header.",
        "fields": ["DOB"],
        "tables": ["Header", "UASC"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT21": {
        "message": "Internal Check: SEX in UASC is different to SEX in Header.",
        "fields": ["SEX"],
        "tables": ["Header", "UASC"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT31": {
        "message": "Internal Check: Child should only exist once in AD1.",
        "fields": ["CHILD"],
        "tables": ["AD1"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT32": {
        "message": "Internal Check: Child should only exist once in Header.",
        "fields": ["CHILD"],
        "tables": ["Header"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT33": {
        "message": "Internal Check: Child should only exist once in OC2.",
        "fields": ["CHILD"],
        "tables": ["OC2"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT34": {
        "message": "Internal Check: Child should only exist once in OC3.",
        "fields": ["CHILD"],
        "tables": ["OC3"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT35": {
        "message": "Internal Check: Child should only exist once in PrevPerm.",
        "fields": ["CHILD"],
        "tables": ["PrevPerm"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "INT36": {
        "message": "Internal Check: Child should only exist once in UASC.",
        "fields": ["CHILD"],
        "tables": ["UASC"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "NoE": {
        "message": (
            "This child has no episodes loaded for previous year even though child started to "
            "be looked after before this current year."
        ),
        "fields": ["DECOM"],
        "tables": ["Episodes", "Episodes_last"],
        "years": ["2022/23", "2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW02STG1": {
        "message": "Social worker ID does not begin with the characters ‘SW’ or ‘XX’.",
        "fields": ["SW_ID"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW04STG1": {
        "message": "Date social worker episode began is not a valid date..",
        "fields": ["SW_DECOM"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW05STG1": {
        "message": "Date social worker episode began is not a valid date.",
        "fields": ["SW_DEC"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW06STG2": {
        "message": (
            "Social worker episode data should be within the social worker data reporting year."
        ),
        "fields": ["SW_DECOM"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW07STG2": {
        "message": (
            "Social worker episode end date should be on or after the start of the social "
            "worker reporting period, and should be on or before the collection end date."
        ),
        "fields": ["SW_DEC"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW08STG2": {
        "message": (
            "A new social worker episode has started, but the previous episode has not ended."
        ),
        "fields": ["SW_DEC"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW09STG2": {
        "message": "Social worker episode appears to have lasted for less than 24 hours.",
        "fields": ["SW_DECOM", "SW_DEC"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW10aSTG2": {
        "message": (
            "A new social worker episode has started and it is not within +/- 7 days of a "
            "previous episode."
        ),
        "fields": ["SW_DECOM"],
        "tables": ["SWEpisodes"],
        "years": ["2025/26", "2026/27"],
    },
    "SW10bSTG2": {
        "message": (
            "A new social worker episode has started with a reason of first contact before the "
            "previous episode has ended."
        ),
        "fields": ["SW_DECOM", "SW_REASON"],
        "tables": ["SWEpisodes"],
        "years": ["2025/26", "2026/27"],
    },
    "SW10STG2": {
        "message": (
            "A new social worker episode has started before the end date of the previous "
            "social worker episode."
        ),
        "fields": ["SW_DECOM"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW11bSTG2": {
        "message": (
            "Social worker episode has ended before 31 March and no subsequent social worker "
            "episode has been provided."
        ),
        "fields": ["SW_DEC"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW12STG2": {
        "message": (
            "If a child is looked after on 31 March then all social worker episodes for the "
            "full previous year should be reported, even those whilst they were not looked "
            "after"
        ),
        "fields": ["SW_DECOM"],
        "tables": ["SWEpisodes", "Episodes"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW13STG1": {
        "message": "The reason for social worker change is not valid.",
        "fields": ["SW_REASON"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24", "2024/25", "2025/26", "2026/27"],
    },
    "SW17STG2": {
        "message": "There is no social worker episode open at 31 March",
        "fields": ["SW_DEC", "SW_DECOM"],
        "tables": ["SWEpisodes"],
        "years": ["2025/26", "2026/27"],
    },
    "SW18STG2": {
        "message": "The end date of the social worker episode is before the start date",
        "fields": ["SW_DEC", "SW_DECOM"],
        "tables": ["SWEpisodes"],
        "years": ["2025/26", "2026/27"],
    },
    "SW19STG2": {
        "message": (
            "There are 2 social worker episodes for the child starting on the same date."
        ),
        "fields": ["SW_DEC", "SW_DECOM"],
        "tables": ["SWEpisodes"],
        "years": ["2025/26", "2026/27"],
    },
}

# Rules of earlier years that the latest rule set no longer runs.
OTHER_YEAR_RULES: dict[str, dict] = {
    "217t": {
        "message": "Placement type 'P2' is not a valid placement type from 28 October 2023.",
        "fields": ["PLACE", "DECOM"],
        "tables": ["Episodes"],
        "years": ["2023/24"],
    },
    "230": {
        "message": (
            "Ofsted Unique reference number (URN) is required for any English H5 placements "
            "from 28 October 2023."
        ),
        "fields": ["PLACE", "DEC", "URN"],
        "tables": ["Episodes"],
        "years": ["2023/24"],
    },
    "370": {
        "message": "Child in independent living should be at least 16.",
        "fields": ["DECOM", "PLACE"],
        "tables": ["Episodes", "Header"],
        "years": ["2022/23", "2023/24"],
    },
    "445": {
        "message": "D1 is not a valid code for episodes starting after December 2005.",
        "fields": ["LS", "DECOM"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24"],
    },
    "451": {
        "message": (
            "Child is still freed for adoption, but freeing orders could not be applied for "
            "since 30 December 2005."
        ),
        "fields": ["DEC", "REC", "LS"],
        "tables": ["Episodes"],
        "years": ["2022/23", "2023/24"],
    },
    "555": {
        "message": (
            "Freeing order has been granted but there is no date of decision that the child "
            "should be placed for adoption."
        ),
        "fields": ["CHILD", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
        "tables": ["Episodes", "PlacedAdoption"],
        "years": ["2022/23", "2023/24"],
    },
    "556": {
        "message": (
            "Date of decision that the child should be placed for adoption should be on or "
            "prior to the date that the freeing order was granted."
        ),
        "fields": ["DATE_PLACED", "DECOM"],
        "tables": ["Episodes", "PlacedAdoption"],
        "years": ["2022/23", "2023/24"],
    },
    "SW01aSTG1": {
        "message": "For each social worker episode, information should be complete",
        "fields": ["SW_DECOM", "SW_ID"],
        "tables": ["SWEpisodes"],
        "years": ["2024/25"],
    },
    "SW01bSTG1": {
        "message": "For each social worker episode, information should be complete",
        "fields": ["SW_DECOM", "SW_ID", "SW_REASON"],
        "tables": ["SWEpisodes"],
        "years": ["2024/25"],
    },
    "SW01STG1": {
        "message": (
            "Child looked after on 31 March, but no social worker episode information is "
            "reported"
        ),
        "fields": ["DEC"],
        "tables": ["SWEpisodes", "Episodes"],
        "years": ["2023/24"],
    },
    "SW03STG1": {
        "message": "For each social worker episode, information should be complete.",
        "fields": ["SW_ID", "SW_DECOM", "SW_REASON"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24"],
    },
    "SW11aSTG2": {
        "message": (
            "Social worker episode has ended before 31 March and no subsequent social worker "
            "episode has been provided."
        ),
        "fields": ["SW_DEC"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24"],
    },
    "SW14STG2": {
        "message": "Social worker episode date ceased is blank.",
        "fields": ["SW_DEC"],
        "tables": ["SWEpisodes"],
        "years": ["2023/24"],
    },
}

RULES_BY_YEAR: dict[str, list[str]] = {
    "2022/23": [
        "101", "102", "103", "104", "105", "112", "113",
        "114", "115", "116", "117", "118", "119", "120",
        "131", "132", "133", "134", "141", "142", "143",
        "144", "145", "146", "147", "148", "149", "151",
        "153", "157", "158", "159", "164", "165", "166",
        "167", "168", "169", "171", "174", "175", "176",
        "177", "178", "179", "180", "181", "182", "184",
        "185", "186", "187", "188", "189", "190", "191",
        "192", "193", "196", "197a", "197B", "198", "199",
        "202", "203", "204", "205A", "205B", "205C", "205D",
        "207", "208", "209", "210", "213", "214", "215",
        "217", "218", "219", "221", "222", "224", "225",
        "226", "227", "228", "229", "301", "302", "303",
        "304", "331", "333", "334", "335", "336", "344",
        "345", "351", "352", "353", "354", "355", "356",
        "357", "358", "359", "361", "362", "363", "364",
        "365", "366", "367", "370", "371", "372", "373",
        "374", "375", "376", "377", "378", "379", "380",
        "381", "382", "383", "384", "385", "386", "387",
        "388", "389", "390", "391", "392a", "392b", "392c",
        "392d", "393", "398", "399", "406", "407", "408",
        "411", "420", "426", "431", "432", "433", "434",
        "435", "436", "437", "440", "441", "442", "445",
        "446", "451", "452", "453", "460", "501", "502",
        "503A", "503B", "503C", "503D", "503E", "503F", "503G",
        "503H", "503J", "504", "511", "514", "516", "517",
        "518", "519", "520", "521", "522", "523", "524",
        "525", "526", "527", "528", "529", "530", "531",
        "542", "543", "544", "545", "546", "547", "550",
        "551", "552", "553", "554", "555", "556", "557",
        "558", "559", "560", "561", "562", "563", "564",
        "565", "566", "567", "570", "571", "574", "575",
        "576", "577", "578", "579", "580", "581", "582",
        "583", "584", "586", "601", "602", "607", "611",
        "612", "620", "621", "624", "625", "626", "628",
        "630", "631", "632", "633", "634", "635", "1000",
        "1001", "1002", "1003", "1004", "1005", "1006", "1007",
        "1008", "1009", "1010", "1011", "1012", "1014", "1015",
        "3001", "EPI", "INT01", "INT02", "INT03", "INT04", "INT05",
        "INT06", "INT07", "INT08", "INT09", "INT11", "INT12", "INT13",
        "INT14", "INT15", "INT16", "INT17", "INT18", "INT21", "INT31",
        "INT32", "INT33", "INT34", "INT35", "INT36", "NoE",
    ],
    "2023/24": [
        "101", "102", "103", "104", "105", "112", "113",
        "114", "115", "116", "117", "118", "119", "120",
        "131", "132", "133", "134", "141", "142", "143",
        "144", "145", "146", "147", "148", "149", "151",
        "153", "157", "158", "159", "164", "165", "166",
        "167", "168", "169", "171", "174", "175", "176",
        "177", "178", "179", "180", "181", "182", "184",
        "185", "186", "187", "188", "189", "190", "191",
        "192", "193", "196", "197a", "197B", "198", "199",
        "202", "203", "204", "205A", "205B", "205C", "205D",
        "207", "208", "209", "210", "213", "214", "215",
        "217", "217t", "218", "219", "221", "222", "224",
        "225", "226", "227", "228", "229", "230", "301",
        "302", "303", "304", "331", "333", "334", "335",
        "336", "344", "345", "347", "351", "352", "353",
        "354", "355", "356", "357", "358", "359", "361",
        "362", "363", "364", "365", "366", "367", "370",
        "371", "372", "373", "374", "375", "376", "377",
        "378", "379", "380", "381", "382", "383", "384",
        "385", "386", "387", "388", "389", "390", "391",
        "392a", "392b", "392c", "392d", "393", "398", "399",
        "406", "407", "408", "411", "420", "426", "431",
        "432", "433", "434", "435", "436", "437", "440",
        "441", "442", "445", "446", "451", "452", "453",
        "460", "501", "502", "503A", "503B", "503C", "503D",
        "503E", "503F", "503G", "503H", "503J", "504", "511",
        "514", "516", "517", "518", "519", "520", "521",
        "522", "523", "524", "525", "526", "527", "528",
        "529", "530", "531", "542", "543", "544", "545",
        "546", "547", "550", "551", "552", "553", "554",
        "555", "556", "557", "558", "559", "560", "561",
        "562", "563", "564", "565", "566", "567", "570",
        "571", "574", "575", "576", "577", "578", "579",
        "580", "581", "582", "583", "584", "586", "601",
        "602", "607", "611", "612", "620", "621", "624",
        "625", "626", "628", "630", "631", "632", "633",
        "634", "635", "1000", "1001", "1002", "1003", "1004",
        "1005", "1006", "1007", "1008", "1009", "1010", "1011",
        "1012", "1014", "1015", "1016", "3001", "EPI", "INT01",
        "INT02", "INT03", "INT04", "INT05", "INT06", "INT07", "INT08",
        "INT09", "INT11", "INT12", "INT13", "INT14", "INT15", "INT16",
        "INT17", "INT18", "INT21", "INT31", "INT32", "INT33", "INT34",
        "INT35", "INT36", "NoE", "SW01STG1", "SW02STG1", "SW03STG1", "SW04STG1",
        "SW05STG1", "SW06STG2", "SW07STG2", "SW08STG2", "SW09STG2", "SW10STG2", "SW11aSTG2",
        "SW11bSTG2", "SW12STG2", "SW13STG1", "SW14STG2",
    ],
    "2024/25": [
        "101", "102", "103", "104", "105", "112", "113",
        "114", "115", "116", "117", "118", "119", "120",
        "131", "132", "133", "134", "141", "142", "143",
        "144", "145", "146", "147", "148", "149", "151",
        "153", "157", "158", "159", "164", "165", "166",
        "167", "168", "169", "171", "174", "175", "176",
        "177", "178", "179", "180", "181", "182", "184",
        "185", "186", "187", "188", "189", "190", "191",
        "192", "193", "196", "197a", "197B", "198", "199",
        "202", "203", "204", "205A", "205B", "205C", "205D",
        "207", "208", "209", "210", "213", "214", "215",
        "217", "218", "219", "221", "222", "224", "225",
        "226", "227", "228", "229", "231", "232", "301",
        "302", "303", "304", "331", "333", "334", "335",
        "336", "344", "345", "347", "351", "352", "353",
        "354", "355", "356", "357", "358", "359", "361",
        "362", "363", "364", "365", "366", "367", "371",
        "372", "373", "374", "375", "376", "377", "378",
        "379", "380", "381", "382", "383", "384", "385",
        "386", "387", "388", "389", "390", "391", "392a",
        "392b", "392c", "392d", "393", "398", "399", "406",
        "407", "408", "411", "420", "426", "431", "432",
        "433", "434", "435", "436", "437", "440", "441",
        "442", "446", "452", "453", "460", "501", "502",
        "503A", "503B", "503C", "503D", "503E", "503F", "503G",
        "503H", "503J", "504", "511", "514", "516", "517",
        "518", "519", "520", "521", "522", "523", "524",
        "525", "526", "527", "528", "529", "530", "531",
        "542", "543", "544", "545", "546", "547", "550",
        "551", "552", "553", "554", "557", "558", "559",
        "560", "561", "562", "563", "564", "565", "566",
        "567", "570", "571", "574", "575", "576", "577",
        "578", "579", "580", "581", "582", "583", "584",
        "586", "601", "602", "607", "611", "612", "620",
        "621", "624", "625", "626", "628", "630", "631",
        "632", "633", "634", "635", "1000", "1001", "1002",
        "1003", "1004", "1005", "1006", "1007", "1008", "1009",
        "1010", "1011", "1012", "1014", "1015", "1016", "3001",
        "EPI", "INT01", "INT02", "INT03", "INT04", "INT05", "INT06",
        "INT07", "INT08", "INT09", "INT11", "INT12", "INT13", "INT14",
        "INT15", "INT16", "INT17", "INT18", "INT21", "INT31", "INT32",
        "INT33", "INT34", "INT35", "INT36", "NoE", "SW01aSTG1", "SW01bSTG1",
        "SW02STG1", "SW04STG1", "SW05STG1", "SW06STG2", "SW07STG2", "SW08STG2", "SW09STG2",
        "SW10STG2", "SW11bSTG2", "SW12STG2", "SW13STG1",
    ],
    "2025/26": [
        "101", "102", "103", "104", "105", "112", "113",
        "114", "115", "116", "117", "118", "119", "120",
        "131", "132", "133", "134", "141", "142", "143",
        "144", "145", "146", "147", "148", "149", "151",
        "153", "157", "158", "159", "164", "165", "166",
        "167", "168", "169", "171", "174", "175", "176",
        "177", "178", "179", "180", "181", "182", "184",
        "185", "186", "187", "188", "189", "190", "191",
        "192", "193", "196", "197a", "197B", "198", "199",
        "202", "203", "204", "205A", "205B", "205C", "205D",
        "207", "208", "209", "210", "213", "214", "215",
        "217", "218", "219", "221", "222", "224", "225",
        "226", "227", "228", "229", "231", "232", "233",
        "234", "241", "242", "243", "301", "302", "303",
        "304", "331", "333", "334", "335", "336", "344",
        "345", "347", "348", "351", "352", "353", "354",
        "355", "356", "357", "358", "359", "361", "362",
        "363", "364", "365", "366", "367", "371", "372",
        "373", "374", "375", "376", "377", "378", "379",
        "380", "381", "382", "383", "384", "385", "386",
        "387", "388", "389", "390", "391", "392a", "392b",
        "392c", "392d", "393", "398", "399", "406", "407",
        "408", "411", "420", "426", "431", "432", "433",
        "434", "435", "436", "437", "440", "441", "442",
        "444", "446", "452", "453", "454", "460", "501",
        "502", "503A", "503B", "503C", "503D", "503E", "503F",
        "503G", "503H", "503J", "504", "511", "514", "516",
        "517", "518", "519", "520", "521", "522", "523",
        "524", "525", "526", "527", "528", "529", "530",
        "531", "542", "543", "544", "545", "546", "547",
        "550", "551", "552", "553", "554", "557", "558",
        "559", "560", "561", "562", "563", "564", "565",
        "566", "567", "570", "571", "574", "575", "576",
        "577", "578", "579", "580", "581", "582", "583",
        "584", "586", "601", "602", "607", "611", "612",
        "620", "621", "624", "625", "626", "628", "630",
        "631", "632", "633", "634", "635", "1000", "1001",
        "1002", "1003", "1004", "1005", "1006", "1007", "1008",
        "1009", "1010", "1011", "1012", "1014", "1015", "1016",
        "3001", "EPI", "INT01", "INT02", "INT03", "INT04", "INT05",
        "INT06", "INT07", "INT08", "INT09", "INT11", "INT12", "INT13",
        "INT14", "INT15", "INT16", "INT17", "INT18", "INT21", "INT31",
        "INT32", "INT33", "INT34", "INT35", "INT36", "NoE", "SW02STG1",
        "SW04STG1", "SW05STG1", "SW06STG2", "SW07STG2", "SW08STG2", "SW09STG2", "SW10aSTG2",
        "SW10bSTG2", "SW10STG2", "SW11bSTG2", "SW12STG2", "SW13STG1", "SW17STG2", "SW18STG2",
        "SW19STG2",
    ],
    "2026/27": [
        "101", "102", "103", "104", "105", "112", "113",
        "114", "115", "116", "117", "118", "119", "120",
        "131", "132", "133", "134", "141", "142", "143",
        "144", "145", "146", "147", "148", "149", "151",
        "153", "157", "158", "159", "164", "165", "166",
        "167", "168", "169", "171", "174", "175", "176",
        "177", "178", "179", "180", "181", "182", "184",
        "185", "186", "187", "188", "189", "190", "191",
        "192", "193", "196", "197a", "197B", "198", "199",
        "202", "203", "204", "205A", "205B", "205C", "205D",
        "207", "208", "209", "210", "213", "214", "215",
        "217", "218", "219", "221", "222", "224", "225",
        "226", "227", "228", "229", "231", "232", "233",
        "234", "241", "242", "243", "301", "302", "303",
        "304", "331", "333", "334", "335", "336", "344",
        "345", "347", "348", "351", "352", "353", "354",
        "355", "356", "357", "358", "359", "361", "362",
        "363", "364", "365", "366", "367", "371", "372",
        "373", "374", "375", "376", "377", "378", "379",
        "380", "381", "382", "383", "384", "385", "386",
        "387", "388", "389", "390", "391", "392a", "392b",
        "392c", "392d", "393", "398", "399", "406", "407",
        "408", "411", "420", "426", "431", "432", "433",
        "434", "435", "436", "437", "440", "441", "442",
        "444", "446", "452", "453", "454", "460", "501",
        "502", "503A", "503B", "503C", "503D", "503E", "503F",
        "503G", "503H", "503J", "504", "511", "514", "516",
        "517", "518", "519", "520", "521", "522", "523",
        "524", "525", "526", "527", "528", "529", "530",
        "531", "542", "543", "544", "545", "546", "547",
        "550", "551", "552", "553", "554", "557", "558",
        "559", "560", "561", "562", "563", "564", "565",
        "566", "567", "570", "571", "574", "575", "576",
        "577", "578", "579", "580", "581", "582", "583",
        "584", "586", "601", "602", "607", "611", "612",
        "620", "621", "624", "625", "626", "628", "630",
        "631", "632", "633", "634", "635", "700", "701",
        "702", "703", "704", "705", "706", "707", "708",
        "709", "710", "1000", "1001", "1002", "1003", "1004",
        "1005", "1006", "1007", "1008", "1009", "1010", "1011",
        "1012", "1014", "1015", "1016", "3001", "EPI", "INT01",
        "INT02", "INT03", "INT04", "INT05", "INT06", "INT07", "INT08",
        "INT09", "INT11", "INT12", "INT13", "INT14", "INT15", "INT16",
        "INT17", "INT18", "INT21", "INT31", "INT32", "INT33", "INT34",
        "INT35", "INT36", "NoE", "SW02STG1", "SW04STG1", "SW05STG1", "SW06STG2",
        "SW07STG2", "SW08STG2", "SW09STG2", "SW10aSTG2", "SW10bSTG2", "SW10STG2", "SW11bSTG2",
        "SW12STG2", "SW13STG1", "SW17STG2", "SW18STG2", "SW19STG2",
    ],
}
