"""Small hand-built 903 extracts for tests: write exactly the rows a test needs."""
from __future__ import annotations

import csv
from pathlib import Path

from schemas.tables import TABLES

FILE_NAMES = {
    "Header": "header.csv", "Episodes": "episodes.csv", "Reviews": "reviews.csv",
    "UASC": "uasc.csv", "OC2": "oc2.csv", "OC3": "oc3.csv", "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv", "PrevPerm": "prev_perm.csv",
    "Missing": "missing.csv", "SWEpisodes": "social_workers.csv",
    "StaffTeams": "staff_teams.csv", "Education": "education.csv",
    "Permanence": "permanence.csv", "Siblings": "siblings.csv", "Voice": "voice.csv",
    "CareLeavers": "care_leavers.csv",
}


class ExtractBuilder:
    """Rows by table; `write(folder)` writes one CSV per table that has rows (plus any table
    named in `empty`)."""

    def __init__(self):
        self.rows: dict[str, list[dict]] = {}

    def add(self, table: str, **values) -> "ExtractBuilder":
        unknown = set(values) - set(TABLES[table].columns)
        assert not unknown, f"{table} has no column(s) {unknown}"
        self.rows.setdefault(table, []).append(values)
        return self

    def child(self, child: str, sex: str = "M", dob: str = "01/01/2012", ethnic: str = "WBRI",
              upn: str = "UN1", **more) -> "ExtractBuilder":
        return self.add("Header", CHILD=child, SEX=sex, DOB=dob, ETHNIC=ethnic, UPN=upn, **more)

    def episode(self, child: str, decom: str, rne: str = "S", ls: str = "C2", place: str = "U4",
                dec: str = "", rec: str = "", **more) -> "ExtractBuilder":
        values = dict(CHILD=child, DECOM=decom, RNE=rne, LS=ls, CIN="N1", PLACE=place,
                      PLACE_PROVIDER="" if place.startswith("T") else "PR1", DEC=dec, REC=rec,
                      REASON_PLACE_CHANGE="", HOME_POST="DE1 1AA", PL_POST="DE22 3XT",
                      URN="SC123456")
        values.update(more)
        return self.add("Episodes", **values)

    def write(self, folder: Path, empty: tuple[str, ...] = ()) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for table in sorted(set(self.rows) | set(empty)):
            with open(folder / FILE_NAMES[table], "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=TABLES[table].columns,
                                        lineterminator="\n")
                writer.writeheader()
                for row in self.rows.get(table, []):
                    writer.writerow(row)
        return folder


def small_extract() -> ExtractBuilder:
    """Three children in care during 2024/25: one in care throughout, one who started and
    moved, one who left."""
    b = ExtractBuilder()
    b.child("A1", sex="M", dob="05/06/2012")
    b.child("B2", sex="F", dob="17/09/2016", ethnic="MWBC")
    b.child("C3", sex="F", dob="02/02/2009", ethnic="BAFR")
    b.episode("A1", "01/04/2022", rne="S")
    b.episode("B2", "10/05/2024", rne="S", dec="01/08/2024", rec="X1")
    b.episode("B2", "01/08/2024", rne="P", place="U1", REASON_PLACE_CHANGE="CARPL")
    b.episode("C3", "03/03/2023", rne="S", place="K2", dec="20/12/2024", rec="E4A")
    b.add("Reviews", CHILD="A1", DOB="05/06/2012", REVIEW="10/10/2024", REVIEW_CODE="PN1")
    b.add("Reviews", CHILD="B2", DOB="17/09/2016", REVIEW="01/06/2024", REVIEW_CODE="PN6")
    return b
