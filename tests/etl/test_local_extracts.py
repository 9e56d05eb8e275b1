"""The four local extracts of the seeds' commitments (ssda903.md, "Local extracts"): recognised
by their header, whatever the file is called and in any column order; validated like the 903
(a bad code or a date after the period end costs that value, a child twice is kept out, a
child not in the 903 is a warning), and loaded."""
from __future__ import annotations

import csv
import datetime as dt

from etl.cli import main
from tests.builders import ExtractBuilder
from tests.warehouse import query

P = "2025-03-31"


def base() -> ExtractBuilder:
    b = ExtractBuilder()
    for child in ("A", "B", "C"):
        b.child(child, dob="01/01/2014")
        b.episode(child, "01/01/2024")
    return b


def rejects(table: str) -> list[tuple]:
    return query("SELECT child, column_name, value, rule, severity, action FROM rejects "
                 "WHERE table_name = ? ORDER BY row_number, rule", table)


def test_recognised_by_header_in_any_order_and_under_any_name(data_dir, tmp_path):
    folder = base().write(tmp_path / "x")
    # the columns reversed, an extra column, and a file name that says nothing
    with open(folder / "export_0042.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["NOTES", "CONSULTED_DATE", "CICC_MEMBER", "IV_MATCHED", "IV_OFFERED",
                         "ADVOCACY_TAKEN", "ADVOCACY_OFFERED", "CHILD"])
        writer.writerow(["free text", "01/03/2025", "n", " y ", "Y", "N", "Y", "A"])
    with open(folder / "leaving_care.csv", "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["STILL_SUPPORTED", "ACCOM", "ACTIV", "LAST_CONTACT",
                         "PATHWAY_PLAN_REVIEW", "PA_ALLOCATED", "DOB", "CHILD"])
        writer.writerow(["Y", "B1", "F2", "01/03/2025", "01/02/2025", "Y", "01/06/2002", "L1"])
    assert main(["load", str(folder), "--period-end", P]) == 0
    assert query("SELECT table_name, file FROM load_files WHERE table_name IN "
                 "('Voice', 'CareLeavers') ORDER BY 1") == [
        ("CareLeavers", "leaving_care.csv"), ("Voice", "export_0042.csv")]
    assert query("SELECT child, advocacy_offered, iv_offered, iv_matched, cicc_member, "
                 "strftime(consulted_date, '%d/%m/%Y') FROM stg_voice") == [
        ("A", "Y", "Y", "Y", "N", "01/03/2025")]
    assert query("SELECT child, activ, accom, still_supported, dob FROM stg_care_leavers"
                 ) == [("L1", "F2", "B1", "Y", dt.date(2002, 6, 1))]
    # L1 is 22: a care leaver that age is in no 903, so no warning that it is not
    assert rejects("CareLeavers") == []


def test_bad_values_cost_the_value_and_a_child_twice_is_kept_out(data_dir, tmp_path):
    b = base()
    b.add("Permanence", CHILD="A", PERM_PLAN_DATE="01/05/2025", PERM_PLAN_TYPE="ADOPTION")
    b.add("Permanence", CHILD="B", PERM_PLAN_DATE="01/03/2024", PERM_PLAN_TYPE="FOREVER")
    b.add("Siblings", CHILD="A", SIBLING_GROUP="F7", PLACED_TOGETHER="MAYBE", APART_REASON="")
    b.add("Siblings", CHILD="B", SIBLING_GROUP="F7", PLACED_TOGETHER="Y",
          APART_REASON="ASSESSED")
    b.add("Siblings", CHILD="C", SIBLING_GROUP="F7", PLACED_TOGETHER="N",
          APART_REASON="NO_PLACEMENT")
    b.add("Siblings", CHILD="C", SIBLING_GROUP="F8", PLACED_TOGETHER="N", APART_REASON="")
    b.add("Voice", CHILD="A", ADVOCACY_OFFERED="YES", ADVOCACY_TAKEN="N", IV_OFFERED="N",
          IV_MATCHED="Y", CICC_MEMBER="N", CONSULTED_DATE="")
    b.add("Voice", CHILD="Z9", ADVOCACY_OFFERED="Y", ADVOCACY_TAKEN="N", IV_OFFERED="N",
          IV_MATCHED="N", CICC_MEMBER="N", CONSULTED_DATE="01/01/2025")
    b.add("CareLeavers", CHILD="L1", DOB="01/06/2005", PA_ALLOCATED="Y",
          PATHWAY_PLAN_REVIEW="01/02/2025", LAST_CONTACT="02/04/2025", ACTIV="F3",
          ACCOM="S1", STILL_SUPPORTED="Y")
    b.add("CareLeavers", CHILD="L2", DOB="01/06/2010", PA_ALLOCATED="Y",
          PATHWAY_PLAN_REVIEW="", LAST_CONTACT="", ACTIV="", ACCOM="", STILL_SUPPORTED="")
    assert main(["load", str(b.write(tmp_path / "x")), "--period-end", P]) == 0

    after_p = "date is after the extract's period end"
    assert rejects("Permanence") == [
        ("A", "PERM_PLAN_DATE", "01/05/2025", "CPD-AFTER-PERIOD", "error", "value blanked"),
        ("B", "PERM_PLAN_TYPE", "FOREVER", "CPD-CODE", "error", "value blanked")]
    assert query("SELECT message FROM rejects WHERE rule = 'CPD-AFTER-PERIOD'")[0][0] \
        .startswith(after_p)
    assert query("SELECT child, perm_plan_date, perm_plan_type FROM stg_permanence "
                 "ORDER BY child") == [("A", None, "ADOPTION"),
                                       ("B", dt.date(2024, 3, 1), None)]
    siblings = rejects("Siblings")
    assert ("A", "PLACED_TOGETHER", "MAYBE", "CPD-CODE", "error", "value blanked") in siblings
    assert ("B", "APART_REASON", "ASSESSED", "CPD-APART-REASON", "warning",
            "reported only") in siblings
    # C twice with different groups: neither row can be trusted (and F8 has no one else)
    assert [r[3:] for r in siblings if r[0] == "C"] == [
        ("CPD-KEY", "error", "row kept out"), ("CPD-KEY", "error", "row kept out"),
        ("CPD-SIBLING-GROUP", "warning", "reported only")]
    assert query("SELECT child FROM stg_siblings ORDER BY 1") == [("A",), ("B",)]
    assert rejects("Voice") == [
        ("A", "ADVOCACY_OFFERED", "YES", "CPD-CODE", "error", "value blanked"),
        ("A", "IV_MATCHED", "Y", "CPD-IV-NOT-OFFERED", "warning", "reported only"),
        ("Z9", "CHILD", "Z9", "CPD-NOT-IN-HEADER", "warning", "reported only")]
    assert query("SELECT count(*) FROM stg_voice") == [(2,)]  # Z9 is kept: a warning only
    leavers = rejects("CareLeavers")
    # L1 is 19, so in the 903's OC3 and Header; F3 stopped in 2021/22; S1 does not exist
    # (no fixed abode is never suitable); a contact after the period end
    assert ("L1", "CHILD", "L1", "CPD-CARE-LEAVER-NOT-IN-903", "warning",
            "reported only") in leavers
    assert ("L1", "ACTIV", "F3", "CPD-CODE", "error", "value blanked") in leavers
    assert ("L1", "ACCOM", "S1", "CPD-CODE", "error", "value blanked") in leavers
    assert ("L1", "LAST_CONTACT", "02/04/2025", "CPD-AFTER-PERIOD", "error",
            "value blanked") in leavers
    # L2 is 14: not a care leaver of 18 to 25; STILL_SUPPORTED is required
    assert ("L2", "DOB", "01/06/2010", "CPD-CARE-LEAVER-AGE", "warning",
            "reported only") in leavers
    assert ("L2", "STILL_SUPPORTED", "", "CPD-REQUIRED", "error", "reported only") in leavers
    assert query("SELECT child, activ, accom, last_contact FROM stg_care_leavers "
                 "ORDER BY child") == [("L1", None, None, None), ("L2", None, None, None)]
