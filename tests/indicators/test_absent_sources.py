"""An indicator whose source file is absent has value null and a note saying there is no
data (ssda903.md: "an indicator whose source is absent shows 'no data', never zero"); a file
that is present but has no rows is data: its cohort children count in the denominator."""
from __future__ import annotations

from schemas.tables import TABLES
from tests.builders import ExtractBuilder
from tests.indicators.support import check, figures, load

NEEDS = {
    "UASC": ["uasc_share"],
    "Missing": ["missing_children", "away_children"],
    "SWEpisodes": ["sw_changes_2plus"],
    "Reviews": ["reviews_on_time", "review_participation", "review_spoke_for_self"],
    "OC2": ["health_assessment", "dental_check", "immunisations",
            "health_surveillance_under5", "sdq_completion", "sdq_average", "sdq_concern",
            "substance_misuse", "substance_intervention", "convictions"],
    "Education": ["pep_in_date", "persistent_absence", "school_moves"],
    "OC3": [f"care_leavers_{what}_{band}" for what in ("in_touch", "eet", "suitable_accom")
            for band in ("17_18", "19_21")] + ["care_leavers_higher_education_19_21",
                                               "care_leavers_with_former_carers_19_21"],
    "Permanence": ["permanence_plan_4_months"],
    "Siblings": ["siblings_placed_together", "siblings_apart_unassessed"],
    "Voice": ["advocacy_offered", "independent_visitor_matched", "views_sought_12m"],
    "CareLeavers": ["care_leavers_pa_allocated_18_25",
                    "care_leavers_pathway_plan_in_date_18_25", "care_leavers_eet_22_25",
                    "care_leavers_suitable_accom_22_25"],
}


def two_children() -> ExtractBuilder:
    b = ExtractBuilder()
    for child in ["A", "B"]:
        b.child(child, dob="01/01/2015")
        b.episode(child, "01/01/2023", rne="S")  # both in the OC2 cohort at 31/03/2025
    return b


def test_absent_source_files_give_null_with_a_note(data_dir, tmp_path):
    load(two_children(), tmp_path)  # Header and Episodes only
    figs = figures()
    for table, ids in NEEDS.items():
        for indicator_id in ids:
            row = figs[indicator_id]
            assert row["value"] is None and row["no_data"] is True, (indicator_id, row)
            assert row["numerator"] is None, (indicator_id, row)
            note = (row["note"] or "").lower()
            assert "no data" in note, (indicator_id, row["note"])
            if table != "SWEpisodes":
                assert f"no {TABLES[table].file_label.lower()}" in note, (indicator_id, note)
    # Indicators that need only Episodes still have figures.
    check(figs, "cla_at_period_end", 2, None, 2)
    check(figs, "family_based_placements", 2, 2, 100.0)
    # A zero denominator is not missing data: value null, but no "no data" note.
    row = check(figs, "staying_put", 0, 0, None)
    assert "no data" not in (row["note"] or "").lower(), row["note"]
    assert row["no_data"] is False


def test_an_empty_oc2_file_is_zero_not_no_data(data_dir, tmp_path):
    load(two_children(), tmp_path, empty=("OC2",))
    # Both children are in the OC2 cohort with no OC2 row: denominator 2, numerator 0.
    check(figures(), "health_assessment", 0, 2, 0.0)
