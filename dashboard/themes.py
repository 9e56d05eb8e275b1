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

CONTEXT = ["cla_at_period_end", "cla_rate_per_10k", "cla_starts", "cla_ceased", "uasc_share"]

PRINCIPLE_HEADLINES = {
    1: ["health_assessment", "immunisations", "sdq_concern"],
    2: ["review_participation", "review_spoke_for_self"],
    3: ["review_participation", "convictions"],
    4: ["pep_in_date", "care_leavers_in_touch_19_21", "substance_intervention"],
    5: ["pep_in_date", "persistent_absence", "care_leavers_eet_19_21"],
    6: ["placement_stability_short", "placement_stability_long", "reviews_on_time",
        "missing_children"],
    7: ["care_leavers_eet_19_21", "care_leavers_suitable_accom_19_21", "staying_put"],
}
OUTCOME_HEADLINES = {
    "be healthy": ["health_assessment", "dental_check", "sdq_concern"],
    "stay safe": ["placement_stability_short", "placement_stability_long", "missing_children"],
    "enjoy and achieve": ["pep_in_date", "persistent_absence", "school_moves"],
    "make a positive contribution": ["review_participation", "convictions"],
    "achieve economic well-being": ["care_leavers_eet_17_18", "care_leavers_eet_19_21",
                                    "care_leavers_suitable_accom_19_21"],
}


def principle_indicators(number: int) -> list[str]:
    return [e.id for e in CATALOGUE if number in e.principles and e.id not in CONTEXT]


def outcome_indicators(outcome: str) -> list[str]:
    return [e.id for e in CATALOGUE if e.outcome == outcome and e.id not in CONTEXT]


def principle_title(number: int) -> str:
    return f"Principle {number}: {PRINCIPLES[number]}"
