"""The engine's contract: every catalogue id for any loaded period, breakdowns that add up,
disclosure control, direction of travel, and the CLI's JSON and CSV."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from etl.cli import main
from etl.indicators.catalogue import CATALOGUE, OUTCOMES
from etl.indicators.engine import BREAKDOWNS
from tests.builders import ExtractBuilder
from tests.etl.test_derive import P1, P2, year_1, year_2

CONTRACT_V1 = {
    "cla_at_period_end", "cla_rate_per_10k", "cla_starts", "cla_ceased", "uasc_share",
    "placement_stability_short", "placement_stability_long", "placed_over_20_miles",
    "placed_out_of_area", "family_based_placements", "kinship_share", "under12_in_residential",
    "missing_children", "away_children", "sw_changes_2plus", "reviews_on_time",
    "permanence_exits", "health_assessment", "dental_check", "immunisations",
    "health_surveillance_under5", "sdq_completion", "sdq_average", "sdq_concern",
    "substance_misuse", "substance_intervention", "review_participation",
    "review_spoke_for_self", "convictions", "pep_in_date", "persistent_absence",
    "school_moves", "care_leavers_in_touch_17_18", "care_leavers_in_touch_19_21",
    "care_leavers_eet_17_18", "care_leavers_eet_19_21", "care_leavers_suitable_accom_17_18",
    "care_leavers_suitable_accom_19_21", "care_leavers_higher_education_19_21", "staying_put",
}
# Catalogue v2: the seeds' commitments, with the principles and outcome the design notes give.
V2_COMMITMENTS = {
    "kinship_all": ((6,), "stay safe"),
    "placement_breakdowns": ((6,), "stay safe"),
    "re_entries_12m": ((6,), "stay safe"),
    "adoption_days_to_move_in": ((6, 5), "stay safe"),
    "secure_or_custody": ((6,), "stay safe"),
    "care_leavers_with_former_carers_19_21": ((7,), "achieve economic well-being"),
    "young_parents": ((1,), "be healthy"),
    "permanence_plan_4_months": ((6,), "stay safe"),
    "siblings_placed_together": ((6,), "stay safe"),
    "siblings_apart_unassessed": ((6,), "stay safe"),
    "advocacy_offered": ((2, 4), "make a positive contribution"),
    "independent_visitor_matched": ((4,), "make a positive contribution"),
    "views_sought_12m": ((2, 3), "make a positive contribution"),
    "care_leavers_pa_allocated_18_25": ((7, 4), "achieve economic well-being"),
    "care_leavers_pathway_plan_in_date_18_25": ((7,), "achieve economic well-being"),
    "care_leavers_eet_22_25": ((7, 5), "achieve economic well-being"),
    "care_leavers_suitable_accom_22_25": ((7,), "achieve economic well-being"),
}
CONTRACT_IDS = CONTRACT_V1 | set(V2_COMMITMENTS)
CONTEXT_IDS = {"cla_at_period_end", "cla_rate_per_10k", "cla_starts", "cla_ceased",
               "uasc_share"}
INDICATORS_MD = Path(__file__).resolve().parents[3] / "shared" / "design" / "indicators.md"


def test_catalogue_holds_exactly_the_contract_ids():
    assert len(CONTRACT_IDS) == 57
    assert {e.id for e in CATALOGUE} == CONTRACT_IDS
    for entry in CATALOGUE:
        if entry.id in CONTEXT_IDS:  # they describe the population: no principle, no outcome
            assert (entry.principles, entry.outcome, entry.polarity) == ((), None, "context")
        else:
            assert entry.outcome in OUTCOMES and entry.principles, entry.id
        assert set(entry.principles) <= set(range(1, 8))
        assert entry.polarity in ("up", "down", "context")
        assert entry.unit in ("count", "rate", "%", "score")
        assert entry.title and entry.description and entry.definition


def test_the_seeds_commitments_are_mapped_as_the_catalogue_says():
    by_id = {e.id: e for e in CATALOGUE}
    for indicator_id, (principles, outcome) in V2_COMMITMENTS.items():
        entry = by_id[indicator_id]
        assert (set(entry.principles), entry.outcome) == (set(principles), outcome), \
            indicator_id
    # v1 had convictions under principles 2 and 3 (being heard), which was wrong
    assert set(by_id["convictions"].principles) == {6, 5}
    assert by_id["convictions"].outcome == "make a positive contribution"


def test_every_principle_and_outcome_has_three_measures_of_its_own():
    for number in range(1, 8):
        assert len([e for e in CATALOGUE if number in e.principles]) >= 3, number
    for outcome in OUTCOMES:
        assert len([e for e in CATALOGUE if e.outcome == outcome]) >= 3, outcome


@pytest.mark.skipif(not INDICATORS_MD.exists(), reason="design notes not beside the checkout")
def test_contract_ids_match_the_design_notes():
    text = INDICATORS_MD.read_text()
    ids = set(re.findall(r"^\| `([a-z0-9_{}]+)` \|", text, flags=re.M))
    expanded = {i.replace("{band}", band) for i in ids for band in ("17_18", "19_21")}
    assert expanded == CONTRACT_IDS
    # the commitments' own column: "6, 5; stay safe"
    mapped = dict(re.findall(r"^\| `([a-z0-9_]+)` \|.*\| ([0-9, ]+; [a-z -]+) \|$", text,
                             flags=re.M))
    words = {"economic well-being": "achieve economic well-being",
             "positive contribution": "make a positive contribution"}
    for indicator_id, (principles, outcome) in V2_COMMITMENTS.items():
        numbers, said = mapped[indicator_id].split("; ")
        assert tuple(int(n) for n in numbers.split(", ")) == principles, indicator_id
        assert words.get(said, said) == outcome, indicator_id


def run_json(capsys, *args) -> dict:
    capsys.readouterr()
    assert main(["indicators", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def two_periods(data_dir, tmp_path):
    y1 = year_1()
    y2 = year_2()
    y2.add("Reviews", CHILD="A", DOB="01/01/2012", REVIEW="01/10/2024", REVIEW_CODE="PN1")
    y2.add("UASC", CHILD="B", SEX="F", DOB="01/01/2014", DUC="01/01/2032")
    y2.add("Missing", CHILD="B", DOB="01/01/2014", MISSING="M", MIS_START="01/08/2024",
           MIS_END="02/08/2024")
    y2.add("Education", CHILD="A", PEP_REVIEW_DATE="01/02/2025", ATTENDANCE_PCT="95.5",
           SCHOOL_MOVES_12M="0")
    assert main(["load", str(y1.write(tmp_path / "y1")), "--period-end", P1]) == 0
    assert main(["load", str(y2.write(tmp_path / "y2")), "--period-end", P2]) == 0


REQUIRED_KEYS = {"id", "principles", "outcome", "numerator", "denominator", "value", "unit",
                 "polarity", "target", "rag", "suppressed", "direction", "comparison",
                 "window_complete"}


def test_every_id_for_each_period_with_nulls_only_where_a_source_is_absent(two_periods, capsys):
    for period_end in (P1, P2):
        result = run_json(capsys, "--period-end", period_end)
        assert (result["la_code"], result["period_end"]) == ("E06000015", period_end)
        rows = {r["id"]: r for r in result["indicators"]}
        assert set(rows) == CONTRACT_IDS
        for row in rows.values():
            assert REQUIRED_KEYS <= set(row)
            if row["value"] is None:
                assert row["note"], row["id"]
    p1 = {r["id"]: r for r in run_json(capsys, "--period-end", P1)["indicators"]}
    assert p1["health_assessment"]["value"] is None
    assert "no OC2 file" in p1["health_assessment"]["note"]
    assert "no permanence planning file" in p1["permanence_plan_4_months"]["note"]
    assert p1["cla_at_period_end"]["value"] == 1


def test_default_period_is_the_latest_and_direction_compares_with_the_same_point_last_year(
        two_periods, capsys):
    result = run_json(capsys)
    assert result["period_end"] == P2
    rows = {r["id"]: r for r in result["indicators"]}
    assert rows["cla_at_period_end"]["value"] == 5
    assert rows["cla_at_period_end"]["direction"] == {
        "previous": 1, "change": 4, "direction": "up", "trend": "context", "period_end": P1}
    assert rows["cla_at_period_end"]["comparison"] == {"period_end": P1, "reason": None}
    family = rows["family_based_placements"]
    assert (family["numerator"], family["denominator"], family["value"]) == (4, 5, 80.0)
    assert family["direction"]["trend"] == "worsening"  # 100% at P1 (A in U5)
    assert rows["health_assessment"]["direction"] is None  # no OC2 at P1
    assert rows["health_assessment"]["comparison"] == {
        "period_end": P1, "reason": "No figure for 31 Mar 2024 to compare with"}


@pytest.mark.parametrize("breakdown", BREAKDOWNS)
def test_breakdown_groups_add_up_to_the_whole(breakdown, two_periods, capsys):
    whole = {r["id"]: r for r in run_json(capsys)["indicators"]}
    parts = run_json(capsys, "--breakdown", breakdown)["indicators"]
    for entry in CATALOGUE:
        groups = [r for r in parts if r["id"] == entry.id]
        assert groups and all(r["breakdown"] == breakdown for r in groups)
        if whole[entry.id]["value"] is None and whole[entry.id]["denominator"] in (None, 0) \
                and entry.unit != "count":
            continue
        assert sum(r["numerator"] or 0 for r in groups) == whole[entry.id]["numerator"]
        if entry.unit in ("%", "score"):
            assert sum(r["denominator"] for r in groups) == whole[entry.id]["denominator"]


def test_team_breakdown_names_the_unallocated(two_periods, capsys):
    rows = [r for r in run_json(capsys, "--breakdown", "team")["indicators"]
            if r["id"] == "cla_at_period_end"]
    assert {r["group"]: r["value"] for r in rows} == {
        "Fostering North": 1, "Unallocated team": 4}


def test_suppressed_output_hides_small_numbers(two_periods, capsys):
    rows = {r["id"]: r for r in run_json(capsys, "--suppress")["indicators"]}
    assert rows["cla_at_period_end"]["value"] == "c" and rows["cla_at_period_end"]["suppressed"]
    assert rows["health_surveillance_under5"]["value"] is None  # 0/0 is not small: shown
    assert rows["health_surveillance_under5"]["suppressed"] is False


def test_csv_has_one_row_per_indicator(two_periods, capsys):
    capsys.readouterr()
    assert main(["indicators", "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["id"] for r in table} == CONTRACT_IDS
    row = next(r for r in table if r["id"] == "cla_rate_per_10k")
    assert (row["numerator"], row["denominator"], row["value"]) == ("5", "61500", "0.8")
    assert row["england_value"] == "67" and row["england_year"] == "2025"


@pytest.mark.parametrize("args,message", [
    (["--breakdown", "postcode"], "unknown breakdown 'postcode'"),
    (["--period-end", "2020-03-31"], "2020-03-31 is not a loaded period end"),
])
def test_questions_the_warehouse_cannot_answer(args, message, two_periods, capsys):
    assert main(["indicators", *args]) == 2
    assert message in capsys.readouterr().err


def test_nothing_loaded(data_dir, capsys):
    assert main(["indicators"]) == 2
    assert "nothing is loaded yet" in capsys.readouterr().err


def test_a_child_whose_header_details_are_bad_still_counts(data_dir, tmp_path, capsys):
    """Same denominator whether or not an indicator needs the child's details: what is not
    known about the child shows as 'Not known' in breakdowns."""
    from tests.builders import small_extract

    b = small_extract()
    b.rows["Header"][0]["DOB"] = "31/02/2012"  # A1's date of birth is blanked: age not known
    assert main(["load", str(b.write(tmp_path / "x")), "--period-end", "2025-03-31"]) == 0
    rows = {r["id"]: r for r in run_json(capsys)["indicators"]}
    assert rows["cla_at_period_end"]["value"] == 2
    assert rows["family_based_placements"]["denominator"] == 2
    assert rows["uasc_share"]["value"] is None  # no UASC file, and says so
    ages = {r["group"]: r["value"] for r in run_json(capsys, "--breakdown", "age_band")[
        "indicators"] if r["id"] == "cla_at_period_end"}
    assert ages == {"Not known": 1, "5 to 9": 1}


def test_breakdown_groups_come_in_the_field_s_order_with_not_known_last(data_dir, tmp_path,
                                                                         capsys):
    extract = ExtractBuilder()
    for child, dob in (("E", "01/01/2008"), ("D", "01/01/2012"), ("C", "01/01/2018"),
                       ("B", "01/01/2022"), ("A", "01/06/2024"), ("F", "01/01/2015")):
        extract.child(child, dob=dob, sex="F" if child == "F" else "M")
        extract.episode(child, "01/08/2024")
    extract.rows["Header"][-1].update(SEX="9", DOB="2015")  # blanked: F's details not known
    assert main(["load", str(extract.write(tmp_path / "x")), "--period-end", P2]) == 0
    rows = [r for r in run_json(capsys, "--breakdown", "age_band")["indicators"]
            if r["id"] == "cla_at_period_end"]
    assert [r["group"] for r in rows] == ["Under 1", "1 to 4", "5 to 9", "10 to 15",
                                          "16 and over", "Not known"]
    rows = [r for r in run_json(capsys, "--breakdown", "sex")["indicators"]
            if r["id"] == "cla_at_period_end"]
    assert [r["group"] for r in rows] == ["Male", "Not known"]
