"""The input tables: their columns, which are required, and how a file is recognised.

A file is identified by its set of column names, never its file name (ssda903.md). Column
names are the constants every schema, rule and loader refers to.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    date_columns: tuple[str, ...] = ()
    required: bool = False  # an extract without it is unusable
    local: bool = False  # a local extract, not part of the 903
    key: tuple[str, ...] = ()  # what makes a row unique (duplicates are rejected)
    label: str = ""  # how a reader names the file, where not by its table name

    @property
    def file_label(self) -> str:
        return f"{self.label or self.name} file"

    @property
    def identity(self) -> frozenset[str]:
        """The columns that say which row this is: the child and the row's own date. A bad
        value anywhere else is blanked and the row kept (ssda903.md, "Bad input")."""
        return frozenset(("CHILD",) + self.key)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table("Header", ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
              ("DOB", "MC_DOB"), required=True, key=("CHILD",)),
        Table("Episodes", ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER",
                           "DEC", "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
              ("DECOM", "DEC"), required=True, key=("CHILD", "DECOM")),
        Table("Reviews", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"), ("DOB", "REVIEW"),
              key=("CHILD", "REVIEW")),
        Table("UASC", ("CHILD", "SEX", "DOB", "DUC"), ("DOB", "DUC"), key=("CHILD",)),
        Table("OC2", ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
                      "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
                      "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"), ("DOB",), key=("CHILD",)),
        Table("OC3", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"), ("DOB",), key=("CHILD",)),
        Table("AD1", ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR",
                      "SEX_ADOPTR", "LS_ADOPTR"), ("DOB", "DATE_INT", "DATE_MATCH"),
              key=("CHILD",)),
        Table("PlacedAdoption", ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                                 "REASON_PLACED_CEASED"),
              ("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"), key=("CHILD", "DATE_PLACED")),
        Table("PrevPerm", ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"), ("DOB",),
              key=("CHILD",)),
        Table("Missing", ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
              ("DOB", "MIS_START", "MIS_END"), key=("CHILD", "MIS_START")),
        Table("SWEpisodes", ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
              ("DOB", "SW_DECOM", "SW_DEC"), key=("CHILD", "SW_DECOM")),
        # Local extracts (documented in ssda903.md, not part of the 903).
        Table("StaffTeams", ("SW_ID", "TEAM", "SERVICE_AREA"), local=True, key=("SW_ID",),
              label="staff-to-team"),
        Table("Education", ("CHILD", "PEP_REVIEW_DATE", "ATTENDANCE_PCT", "SCHOOL_MOVES_12M"),
              ("PEP_REVIEW_DATE",), local=True, key=("CHILD",), label="education"),
        # The seeds' commitments (ssda903.md, "Local extracts"): one row per child each.
        Table("Permanence", ("CHILD", "PERM_PLAN_DATE", "PERM_PLAN_TYPE"), ("PERM_PLAN_DATE",),
              local=True, key=("CHILD",), label="permanence planning"),
        Table("Siblings", ("CHILD", "SIBLING_GROUP", "PLACED_TOGETHER", "APART_REASON"),
              local=True, key=("CHILD",), label="siblings"),
        Table("Voice", ("CHILD", "ADVOCACY_OFFERED", "ADVOCACY_TAKEN", "IV_OFFERED",
                        "IV_MATCHED", "CICC_MEMBER", "CONSULTED_DATE"), ("CONSULTED_DATE",),
              local=True, key=("CHILD",), label="voice and advocacy"),
        Table("CareLeavers", ("CHILD", "DOB", "PA_ALLOCATED", "PATHWAY_PLAN_REVIEW",
                              "LAST_CONTACT", "ACTIV", "ACCOM", "STILL_SUPPORTED"),
              ("DOB", "PATHWAY_PLAN_REVIEW", "LAST_CONTACT"), local=True, key=("CHILD",),
              label="care leavers 18 to 25"),
    ]
}

REQUIRED = [t.name for t in TABLES.values() if t.required]

# Dates in every 903 file are dd/mm/yyyy.
DATE_FORMAT = "%d/%m/%Y"


def identify(columns: list[str]) -> tuple[Table | None, list[str]]:
    """The table whose columns a header holds (extra columns allowed), and the extras.

    When several tables fit (UASC's columns are a subset of Header's, say), the one with the
    most columns wins: a Header file also holds every UASC column.
    """
    present = {c.strip().upper() for c in columns}
    fits = [t for t in TABLES.values() if set(t.columns) <= present]
    if not fits:
        return None, []
    best = max(fits, key=lambda t: len(t.columns))
    return best, sorted(present - set(best.columns))


def closest(columns: list[str]) -> tuple[Table, list[str]]:
    """The table a header most looks like, and the columns it lacks (for the error message)."""
    present = {c.strip().upper() for c in columns}
    best = max(TABLES.values(), key=lambda t: (len(present & set(t.columns)) / len(t.columns)))
    return best, [c for c in best.columns if c not in present]
