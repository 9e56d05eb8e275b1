"""The board's frame: the seven corporate parenting principles and the five outcomes, each with
its headline indicators (the rest are on its own page)."""
from __future__ import annotations

from etl.indicators.catalogue import CATALOGUE, OUTCOMES, PRINCIPLES

OUTCOME_SLUGS = {o: o.replace(" ", "-").replace("-well-being", "-wellbeing") for o in OUTCOMES}
SLUG_OUTCOMES = {slug: o for o, slug in OUTCOME_SLUGS.items()}

OUTCOME_TEXT = {
    "be healthy": "Children's physical and emotional health is looked after.",
    "stay safe": "Children are safe and have stable homes, carers and social workers.",
    "enjoy and achieve": "Children go to school, do well and are supported in their learning.",
    "make a positive contribution": "Children's voices are heard and they stay out of trouble.",
    "achieve economic well-being": "Care leavers are in work, learning and a suitable home.",
}

# The measures that describe the children in care rather than judge the council: in the
# catalogue they serve no principle and no outcome (indicators.md, "Context").
CONTEXT = [e.id for e in CATALOGUE if not e.principles and e.outcome is None]

# Each card's headline measures, short: a principle's own first (its other measures are on its
# page). A measure listed on several cards is shown in full on the first principle's card and
# linked from the others (board.headline_homes), so principle 3 shows review_participation in
# full and links the two it shares with principle 2.
PRINCIPLE_HEADLINES = {
    1: ["health_assessment", "immunisations", "sdq_concern"],
    2: ["advocacy_offered", "views_sought_12m", "review_spoke_for_self"],
    3: ["review_participation", "views_sought_12m", "review_spoke_for_self"],
    4: ["independent_visitor_matched", "care_leavers_pa_allocated_18_25",
        "care_leavers_in_touch_19_21", "substance_intervention"],
    5: ["pep_in_date", "persistent_absence", "care_leavers_eet_19_21", "convictions"],
    6: ["placement_stability_short", "placement_stability_long", "placement_breakdowns",
        "permanence_plan_4_months", "siblings_placed_together", "missing_children"],
    7: ["care_leavers_pathway_plan_in_date_18_25", "care_leavers_eet_17_18",
        "care_leavers_suitable_accom_19_21", "staying_put", "care_leavers_eet_19_21"],
}
OUTCOME_HEADLINES = {
    "be healthy": ["health_assessment", "dental_check", "sdq_concern"],
    "stay safe": ["placement_stability_short", "placement_stability_long",
                  "siblings_placed_together", "missing_children"],
    "enjoy and achieve": ["pep_in_date", "persistent_absence", "school_moves"],
    "make a positive contribution": ["views_sought_12m", "advocacy_offered",
                                     "review_participation", "convictions"],
    "achieve economic well-being": ["care_leavers_eet_17_18", "care_leavers_eet_19_21",
                                    "care_leavers_suitable_accom_19_21",
                                    "care_leavers_pa_allocated_18_25",
                                    "care_leavers_pathway_plan_in_date_18_25"],
}


def principle_indicators(number: int) -> list[str]:
    return [e.id for e in CATALOGUE if number in e.principles and e.id not in CONTEXT]


def outcome_indicators(outcome: str) -> list[str]:
    return [e.id for e in CATALOGUE if e.outcome == outcome and e.id not in CONTEXT]


def principle_title(number: int) -> str:
    return f"Principle {number}: {PRINCIPLES[number]}"
