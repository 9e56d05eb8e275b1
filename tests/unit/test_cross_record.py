"""Each cross-record rule on the smallest extract that breaks it (and one that does not)."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.read import read_extract
from etl.validate import validate
from tests.builders import ExtractBuilder, small_extract

P = dt.date(2025, 3, 31)


def fired(builder: ExtractBuilder, tmp_path, period_end=P) -> set[tuple[str, int, str]]:
    validated = validate(read_extract(builder.write(tmp_path / "x")), period_end)
    return {(r.file, r.row_number, r.rule) for r in validated.rejects.itertuples()}


def test_the_small_extract_is_clean(tmp_path):
    assert fired(small_extract(), tmp_path) == set()


def episodes(*rows) -> ExtractBuilder:
    b = ExtractBuilder().child("A", dob="01/01/2012", sex="F", MOTHER="0")
    for row in rows:
        b.episode("A", **row)
    return b


CASES = [
    # reported against the episode left open (row 2), not the one that began after it
    ("previous episode still open: 142",
     episodes(dict(decom="01/05/2024"), dict(decom="01/06/2024", rne="P")),
     {("episodes.csv", 2, "142")}),
    ("starts before the previous ended: 501",
     episodes(dict(decom="01/05/2024", dec="01/07/2024", rec="X1"),
              dict(decom="01/06/2024", rne="P")),
     {("episodes.csv", 3, "501")}),
    ("an X1 chain is fine",
     episodes(dict(decom="01/05/2024", dec="01/07/2024", rec="X1"),
              dict(decom="01/07/2024", rne="P")), set()),
    ("DEC before DECOM: 356", episodes(dict(decom="01/05/2024", dec="01/04/2024", rec="E4A")),
     {("episodes.csv", 2, "356")}),
    ("DEC equals DECOM: 355", episodes(dict(decom="01/05/2024", dec="01/05/2024", rec="E4A")),
     {("episodes.csv", 2, "355")}),
    ("REC without DEC: 148", episodes(dict(decom="01/05/2024", rec="E4A")),
     {("episodes.csv", 2, "148")}),
    ("DEC without REC: 148", episodes(dict(decom="01/05/2024", dec="01/06/2024")),
     {("episodes.csv", 2, "148")}),
    ("born after the episode began: 302", episodes(dict(decom="01/05/2011")),
     {("episodes.csv", 2, "302")}),
    ("temporary placement with a provider: 213",
     episodes(dict(decom="01/05/2024", place="T1", PLACE_PROVIDER="PR1")),
     {("episodes.csv", 2, "213")}),
    ("placement without a provider: 526",
     episodes(dict(decom="01/05/2024", place="U4", PLACE_PROVIDER="")),
     {("episodes.csv", 2, "526")}),
    ("PR0 away from parents: 550",
     episodes(dict(decom="01/05/2024", place="U4", PLACE_PROVIDER="PR0")),
     {("episodes.csv", 2, "550")}),
    ("PR0 with parents is fine",
     episodes(dict(decom="01/05/2024", place="P1", PLACE_PROVIDER="PR0")), set()),
    ("PR1 with parents: 527",
     episodes(dict(decom="01/05/2024", place="P1", PLACE_PROVIDER="PR1")),
     {("episodes.csv", 2, "527")}),
    ("PR3 foster care: 529",
     episodes(dict(decom="01/05/2024", place="U4", PLACE_PROVIDER="PR3")),
     {("episodes.csv", 2, "529")}),
    ("PR4 with parents: 530",
     episodes(dict(decom="01/05/2024", place="P1", PLACE_PROVIDER="PR4")),
     {("episodes.csv", 2, "530")}),
]


@pytest.mark.parametrize("name,builder,expected", CASES, ids=[c[0] for c in CASES])
def test_episode_rules(name, builder, expected, tmp_path):
    assert fired(builder, tmp_path) == expected


def test_adopted_after_18_386(tmp_path):
    b = ExtractBuilder().child("A", dob="01/06/2006", sex="M")
    b.episode("A", "01/05/2020", place="A4", dec="02/06/2024", rec="E11")
    assert fired(b, tmp_path) == {("episodes.csv", 2, "386")}


def test_overlapping_missing_episodes_574(tmp_path):
    b = small_extract()
    b.add("Missing", CHILD="C3", DOB="02/02/2009", MISSING="M", MIS_START="01/05/2024",
          MIS_END="05/05/2024")
    b.add("Missing", CHILD="C3", DOB="02/02/2009", MISSING="A", MIS_START="04/05/2024",
          MIS_END="06/05/2024")
    b.add("Missing", CHILD="C3", DOB="02/02/2009", MISSING="M", MIS_START="10/06/2024",
          MIS_END="09/06/2024")
    assert fired(b, tmp_path) == {("missing.csv", 3, "574"), ("missing.csv", 4, "CPD-MISSING-END")}


def test_children_in_files_but_not_in_header(tmp_path):
    b = small_extract()
    b.add("Reviews", CHILD="Q7", DOB="01/01/2015", REVIEW="01/06/2024", REVIEW_CODE="PN1")
    b.add("SWEpisodes", CHILD="Q7", DOB="01/01/2015", SW_ID="SW1", SW_DECOM="01/06/2024",
          SW_REASON="MANAGE")
    result = fired(b, tmp_path)
    assert ("reviews.csv", 4, "INT08") in result
    assert ("social_workers.csv", 2, "CPD-NOT-IN-HEADER") in result


def test_one_header_row_per_child_int32(tmp_path):
    b = small_extract()
    b.child("A1", sex="F", dob="05/06/2012")  # a second, different row for A1
    assert fired(b, tmp_path) == {("header.csv", 2, "INT32"), ("header.csv", 5, "INT32")}


def test_oc2_completeness_warnings(tmp_path):
    """A1 is in the OC2 cohort (in care since 2022) with no OC2 row: 191 on its Header row.
    B2 started in 2024, so its OC2 row is outside the cohort: 190. SDQ is missing for a cohort
    child aged 4-16: 186."""
    b = small_extract()
    b.child("D4", sex="M", dob="01/01/2014")
    b.episode("D4", "01/01/2020")
    b.add("OC2", CHILD="B2", DOB="17/09/2016", HEALTH_ASSESSMENT="1")
    b.add("OC2", CHILD="D4", DOB="01/01/2014", HEALTH_ASSESSMENT="1")
    validated = validate(read_extract(b.write(tmp_path / "x")), P)
    found = {(r.file, r.row_number, r.rule, r.severity) for r in validated.rejects.itertuples()}
    assert found == {("header.csv", 2, "191", "warning"), ("oc2.csv", 2, "190", "warning"),
                     ("oc2.csv", 3, "186", "warning")}
    assert len(validated.tables["OC2"]) == 2  # warnings quarantine nothing


def test_review_outside_any_episode_is_a_warning(tmp_path):
    b = small_extract()
    b.add("Reviews", CHILD="C3", DOB="02/02/2009", REVIEW="01/02/2025", REVIEW_CODE="PN1")
    assert fired(b, tmp_path) == {("reviews.csv", 4, "CPD-REVIEW-OUTSIDE-CARE")}


def test_event_after_the_period_end(tmp_path):
    b = small_extract()
    b.episode("C3", "01/04/2025", rne="S")
    assert fired(b, tmp_path) == {("episodes.csv", 6, "CPD-AFTER-PERIOD")}
