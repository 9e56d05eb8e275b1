"""A bad value costs that value, not the child (ssda903.md, "Bad input"): the value is
blanked and the row kept, unless the value is part of the row's identity or the row
contradicts itself or another row."""
from __future__ import annotations

import datetime as dt

from etl.cli import main
from tests.builders import ExtractBuilder
from tests.indicators.support import figures
from tests.warehouse import query

P = "2025-03-31"


def rejects() -> dict[tuple[str, str], tuple[str, str]]:
    """{(child, rule): (column, action)}"""
    return {(child, rule): (column, action) for child, rule, column, action in query(
        "SELECT child, rule, column_name, action FROM rejects ORDER BY ALL")}


def load(builder: ExtractBuilder, folder) -> None:
    assert main(["load", str(builder.write(folder)), "--period-end", P]) == 0


def test_a_wrong_provider_code_blanks_the_provider_and_the_child_stays_looked_after(
        data_dir, tmp_path):
    b = ExtractBuilder()
    b.child("YOI1", dob="01/05/2008")
    b.child("OK2", dob="01/05/2010")
    # PR2 (other LA provision) cannot go with R5, a young offender institution (DfE rule 528)
    b.episode("YOI1", "01/10/2024", place="R5", ls="J2", PLACE_PROVIDER="PR2")
    b.episode("OK2", "01/10/2024")
    load(b, tmp_path / "x")

    assert rejects() == {("YOI1", "528"): ("PLACE_PROVIDER", "value blanked")}
    assert query("SELECT place, place_provider FROM stg_episodes WHERE child = 'YOI1'") == [
        ("R5", None)]
    assert sorted(query("SELECT child FROM int_cla_at_period_end")) == [("OK2",), ("YOI1",)]
    figs = figures(P)
    assert figs["cla_at_period_end"]["value"] == 2
    provider = query("SELECT provider FROM int_child_attributes WHERE child = 'YOI1'")
    assert provider == [("No provider (temporary or not known)",)]
    log = query("SELECT rows_rejected, values_blanked FROM load_log")
    assert log == [(0, 1)]


def test_blanked_codes_keep_the_episode_and_count_as_not_known(data_dir, tmp_path):
    b = ExtractBuilder()
    b.child("A", sex="Q", dob="01/05/2012", ethnic="XXXX")
    b.child("B", dob="31/02/2011")  # no such date
    b.episode("A", "01/10/2024", ls="ZZ", place="U9")  # legal status and placement unknown
    b.episode("B", "01/06/2024", rne="S", dec="01/09/2024", rec="E99")
    b.episode("B", "01/09/2024", rne="P", place="U1")
    load(b, tmp_path / "x")

    found = rejects()
    assert found[("A", "101")] == ("SEX", "value blanked")
    assert found[("A", "103")] == ("ETHNIC", "value blanked")
    assert found[("A", "144")] == ("LS", "value blanked")
    assert found[("A", "146")] == ("PLACE", "value blanked")
    assert found[("B", "102")] == ("DOB", "value blanked")
    assert found[("B", "149")] == ("REC", "value blanked")
    assert {action for _, action in found.values()} == {"value blanked"}
    # both children are looked after at P, with what is not known shown as such
    assert query("SELECT child, sex, ethnic_group, age_band, legal_status_group, "
                 "placement_type_group FROM int_child_attributes ORDER BY child") == [
        ("A", "Not known", "Not known", "10 to 15", "Not known", "Not known"),
        ("B", "Male", "White", "Not known", "Care order", "Foster placement")]
    assert figures(P)["cla_at_period_end"]["value"] == 2
    # B's REC is not known but the next episode starts on its DEC: one period of care, two
    # placements, and B did not leave care
    assert query("SELECT count(*) FROM int_periods_of_care WHERE child = 'B'") == [(1,)]
    assert query("SELECT count(*) FROM int_placements WHERE child = 'B'") == [(2,)]
    assert query("SELECT count(*) FROM int_leaving_care") == [(0,)]


def test_an_unknown_reason_for_leaving_followed_by_a_gap_ends_the_period_of_care(
        data_dir, tmp_path):
    b = ExtractBuilder()
    b.child("C", dob="01/05/2012")
    b.episode("C", "01/05/2024", dec="01/07/2024", rec="E77")  # not a code: blanked
    b.episode("C", "01/11/2024", rne="S")
    load(b, tmp_path / "x")
    assert query("SELECT rec FROM stg_episodes WHERE dec = DATE '2024-07-01'") == [(None,)]
    assert query("SELECT count(*) FROM int_periods_of_care WHERE child = 'C'") == [(2,)]
    assert query("SELECT left_care, rec FROM int_leaving_care") == [
        (dt.date(2024, 7, 1), None)]


def test_a_broken_identity_or_a_contradiction_keeps_the_row_out(data_dir, tmp_path):
    b = ExtractBuilder()
    b.child("D", dob="01/05/2012")
    b.child("E", dob="01/05/2012")
    b.episode("D", "2024-10-01")  # DECOM is the row's identity: not a date
    b.episode("D", "01/06/2024")
    b.episode("E", "01/06/2024", dec="01/05/2024", rec="E13")  # ends before it starts (356)
    b.episode("E", "01/09/2024")
    load(b, tmp_path / "x")
    found = rejects()
    assert found[("D", "141")] == ("DECOM", "row kept out")
    assert found[("E", "356")] == ("DEC", "row kept out")
    assert query("SELECT child, decom FROM stg_episodes ORDER BY ALL") == [
        ("D", dt.date(2024, 6, 1)),
        ("E", dt.date(2024, 9, 1))]
    assert query("SELECT rows_rejected, values_blanked FROM load_log") == [(2, 0)]


def test_a_missing_required_value_is_reported_and_not_known(data_dir, tmp_path):
    b = ExtractBuilder()
    b.child("F", dob="01/05/2012", ethnic="")
    b.episode("F", "01/06/2024")
    load(b, tmp_path / "x")
    assert rejects() == {("F", "CPD-REQUIRED"): ("ETHNIC", "reported only")}
    assert query("SELECT ethnic_group FROM int_child_attributes") == [("Not known",)]


def test_a_child_missing_from_the_header_still_counts(data_dir, tmp_path):
    b = ExtractBuilder()
    b.child("G", dob="01/05/2012")
    b.episode("G", "01/06/2024")
    b.episode("H", "01/06/2024")  # no Header row (INT03)
    load(b, tmp_path / "x")
    assert rejects() == {("H", "INT03"): ("CHILD", "reported only")}
    assert figures(P)["cla_at_period_end"]["value"] == 2


def test_an_episode_left_open_before_the_next_ends_where_the_next_begins(data_dir, tmp_path):
    b = ExtractBuilder()
    b.child("J", dob="01/05/2012")
    b.episode("J", "01/05/2024")  # no DEC, yet the next episode begins (DfE 142)
    b.episode("J", "01/08/2024", rne="P", place="U1")
    load(b, tmp_path / "x")
    assert rejects() == {("J", "142"): ("DEC", "reported only")}
    assert query("SELECT decom, dec FROM int_episodes ORDER BY decom") == [
        (dt.date(2024, 5, 1), dt.date(2024, 8, 1)), (dt.date(2024, 8, 1), None)]
    assert query("SELECT place FROM int_cla_at_period_end") == [("U1",)]
    assert query("SELECT count(*) FROM int_placements") == [(2,)]


def test_loosely_written_dates_are_read_and_reported_and_an_unreadable_end_keeps_its_row_out(
        data_dir, tmp_path):
    b = ExtractBuilder()
    b.child("K", dob="1/5/12")
    b.child("L", dob="01/05/2012")
    b.episode("K", "01/05/24", dec="1/8/24", rec="X1")
    b.episode("K", "01/08/2024", rne="P", place="U1")
    b.episode("L", "01/05/2024", dec="31/02/2024", rec="E13")  # no such day: when did it end?
    b.episode("L", "01/09/2024", rne="S")
    load(b, tmp_path / "x")
    found = {(child, rule, column): action for child, rule, column, action in query(
        "SELECT child, rule, column_name, action FROM rejects")}
    assert found == {("K", "CPD-DATE-FORM", "DOB"): "reported only",
                     ("K", "CPD-DATE-FORM", "DECOM"): "reported only",
                     ("K", "CPD-DATE-FORM", "DEC"): "reported only",
                     ("L", "147", "DEC"): "row kept out"}
    assert query("SELECT value FROM rejects WHERE column_name = 'DEC' AND child = 'K'") == [
        ("1/8/24 (read as 01/08/2024)",)]
    assert query("SELECT child, decom, dec FROM stg_episodes ORDER BY ALL") == [
        ("K", dt.date(2024, 5, 1), dt.date(2024, 8, 1)), ("K", dt.date(2024, 8, 1), None),
        ("L", dt.date(2024, 9, 1), None)]
    assert query("SELECT dob FROM stg_header WHERE child = 'K'") == [(dt.date(2012, 5, 1),)]
