"""The indicator catalogue (shared/design/indicators.md), as data: one entry per indicator.

Each entry's `sql` is its unit of analysis: one row per child (or per review) per loaded
period, with `la_code, period_end, child, numerator, denominator`. For a percentage, score or
rate the engine sums both columns; for a count it counts the rows (denominator NULL). The
`int_` layer (etl/warehouse/sql) supplies periods of care, placements, cohorts and windows,
so most entries are a few lines. Adding an indicator is one entry here plus its test.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from schemas.codes import PLACE_ADOPTION, REC_ADOPTED

PRINCIPLES = {
    1: "Act in the best interests, and promote the physical and mental health and well-being",
    2: "Encourage them to express their views, wishes and feelings",
    3: "Take into account their views, wishes and feelings",
    4: "Help them gain access to, and make the best use of, services",
    5: "Promote high aspirations, and seek to secure the best outcomes",
    6: "Be safe, with stability in their home lives, relationships and education or work",
    7: "Prepare them for adulthood and independent living",
}
OUTCOMES = ("be healthy", "stay safe", "enjoy and achieve", "make a positive contribution",
            "achieve economic well-being")

FOSTER = "('U1', 'U2', 'U3', 'U4', 'U5', 'U6')"
KINSHIP = "('U1', 'U2', 'U3')"
# In education, training or employment; F3/P3 (training or employment) until 2020/21.
EET = "('F1', 'P1', 'F2', 'P2', 'F3', 'P3', 'F4', 'P4', 'F5', 'P5')"
# Input tables of events (reviews, missing incidents, social worker episodes): an extract holds
# only those of its own collection year, so the 12 months ending an in-year period end are
# pieced together from earlier extracts (etl/warehouse/sql/09_int_events.sql).
EVENT_SOURCES = frozenset({"Reviews", "Missing", "SWEpisodes"})


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    description: str  # plain English, for a councillor
    definition: str  # the exact definition, and where it differs from DfE's published method
    principles: tuple[int, ...]  # none for a context measure: it describes, it is not judged
    outcome: str | None
    polarity: str  # up | down | context
    unit: str  # count | rate | % | score
    sql: str
    sources: tuple[str, ...] = ("Episodes",)  # input tables it cannot be computed without
    target: float | None = None
    tolerance: float | None = None
    start_dates: bool = False  # depends on when a period of care or placement started
    # days of episode history it needs before the 12-month window starts (a period of care
    # that ended then); the note says so where the loaded extracts do not reach back that far
    history_days: int = 0
    counts_children: bool = True  # False when the unit is a review
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def events(self) -> bool:
        """Whether it counts events in the 12-month window, which the loaded extracts may
        cover only in part (int_periods.window_complete)."""
        return bool(EVENT_SOURCES & set(self.sources))


def _codes(codes) -> str:
    """A code list as SQL: ('A3', 'A4')."""
    return "(" + ", ".join(f"'{c}'" for c in sorted(codes)) + ")"


def _cla(condition: str, numerator: str, sources=("Episodes",)) -> str:
    """Children looked after at P (joined to their attributes as `a`) meeting a condition."""
    return f"""
        SELECT c.la_code, c.period_end, c.child, ({numerator})::INTEGER AS numerator,
               1 AS denominator
        FROM int_cla_at_period_end c
        JOIN int_child_attributes a USING (la_code, period_end, child)
        WHERE {condition}"""


def _oc2(condition: str, numerator: str) -> str:
    return f"""
        SELECT o.la_code, o.period_end, o.child,
               coalesce({numerator}, false)::INTEGER AS numerator, 1 AS denominator
        FROM int_cohort_oc2 o
        JOIN int_child_attributes a USING (la_code, period_end, child)
        WHERE {condition}"""


def _sdq(numerator: str) -> str:
    return _oc2("a.age_at_period_end BETWEEN 5 AND 16 AND o.sdq_score IS NOT NULL", numerator)


def _oc3(band: str, numerator: str) -> str:
    return f"""
        SELECT la_code, period_end, child, coalesce({numerator}, false)::INTEGER AS numerator,
               1 AS denominator
        FROM int_cohort_oc3
        WHERE age_band = '{band}' AND in_touch NOT IN ('DIED', 'RHOM')"""


def _missing(kind: str) -> str:
    return f"""
        SELECT l.la_code, l.period_end, l.child, (m.child IS NOT NULL)::INTEGER AS numerator,
               1 AS denominator
        FROM int_looked_after_during_window l
        LEFT JOIN (
            SELECT DISTINCT s.la_code, s.period_end, s.child
            FROM int_missing s JOIN int_periods w USING (la_code, period_end)
            WHERE s.missing = '{kind}' AND s.mis_start BETWEEN w.window_start AND s.period_end
        ) m USING (la_code, period_end, child)"""


def _reviews(numerator: str) -> str:
    return f"""
        SELECT r.la_code, r.period_end, r.child, ({numerator})::INTEGER AS numerator,
               1 AS denominator
        FROM int_reviews r JOIN int_periods w USING (la_code, period_end)
        WHERE r.review BETWEEN w.window_start AND r.period_end
          AND r.review_code IN ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7')"""


def _local(table: str, alias: str, condition: str, numerator: str) -> str:
    """Children looked after at P meeting a condition, with their row of a local extract (one
    row per child) as `alias`: a child with no row counts in the denominator, not the
    numerator (indicators.md, "The seeds' commitments")."""
    return _cla(condition, f"coalesce({numerator}, false)").replace(
        "FROM int_cla_at_period_end c",
        f"FROM int_cla_at_period_end c\n        LEFT JOIN {table} {alias} "
        "USING (la_code, period_end, child)")


def _education(condition: str, numerator: str) -> str:
    return _local("stg_education", "e", f"a.age_at_period_end BETWEEN 5 AND 15 AND {condition}",
                  numerator)


def _care_leavers(ages: tuple[int, int], numerator: str) -> str:
    """Rows of the care-leavers extract for young people still supported and aged `ages` at P
    (one row per care leaver; most are in no 903 extract, so few have breakdowns)."""
    return f"""
        SELECT la_code, period_end, child, coalesce({numerator}, false)::INTEGER AS numerator,
               1 AS denominator
        FROM stg_care_leavers
        WHERE still_supported = 'Y' AND age_on(dob, period_end) BETWEEN {ages[0]} AND {ages[1]}"""


def _siblings(numerator: str) -> str:
    """Children looked after at P in a sibling group with at least one other member looked
    after at P."""
    return f"""
        WITH members AS (
            SELECT s.*, count(*) OVER (PARTITION BY s.la_code, s.period_end, s.sibling_group)
                   AS looked_after
            FROM stg_siblings s
            SEMI JOIN int_cla_at_period_end c USING (la_code, period_end, child)
            WHERE s.sibling_group IS NOT NULL
        )
        SELECT la_code, period_end, child, coalesce({numerator}, false)::INTEGER AS numerator,
               1 AS denominator
        FROM members WHERE looked_after >= 2"""


# How the window is filled for a period end other than 31 March, ending each event-based
# definition.
IN_YEAR = (" For a period end other than 31 March the 12 months reach back before the "
           "extract's own year, which starts on 1 April: events before then come from the "
           "earlier extracts loaded (the same event in two extracts is taken from the later "
           "one), and where no loaded extract covers part of the 12 months the figure says so.")

# Context measures describe the population; they are not judged, so no principle or outcome.
_CONTEXT = dict(principles=(), outcome=None, polarity="context")
_SAFE = dict(principles=(6,), outcome="stay safe")
_HEALTHY = dict(principles=(1,), outcome="be healthy", sources=("Episodes", "OC2"),
                start_dates=True)
_HEARD = dict(principles=(2, 3), outcome="make a positive contribution")
_LEARNING = dict(principles=(5,), outcome="enjoy and achieve", sources=("Episodes", "Education"))
_ADULT = dict(principles=(7,), outcome="achieve economic well-being", sources=("OC3",))
_BANDS = {"17_18": "aged 17 or 18", "19_21": "aged 19 to 21"}

CATALOGUE: list[Indicator] = [
    # --- Context ---------------------------------------------------------------------------
    Indicator(
        "cla_at_period_end", "Children looked after",
        "How many children the council looks after on the last day of the period.",
        "Number of children looked after at P (a non-short-break episode open at P).",
        unit="count", sql="SELECT la_code, period_end, child, 1 AS numerator, "
                          "NULL AS denominator FROM int_cla_at_period_end", **_CONTEXT),
    Indicator(
        "cla_rate_per_10k", "Children looked after per 10,000 children",
        "How many children the council looks after for every 10,000 children living in the "
        "area: a fair way to compare councils of different sizes.",
        "Children looked after at P per 10,000 children aged 0-17, using the 0-17 population "
        "in the LA's configuration for the latest year no later than the year the collection "
        "year starts in. Not available by breakdown (no population by group).",
        unit="rate", sql="SELECT la_code, period_end, child, 1 AS numerator, "
                         "NULL AS denominator FROM int_cla_at_period_end", **_CONTEXT),
    Indicator(
        "cla_starts", "Children who started to be looked after",
        "How many children came into care in the last 12 months.",
        "Children with at least one non-short-break episode with RNE = S and DECOM in the "
        "12 months ending P.", unit="count", sql="""
        SELECT DISTINCT e.la_code, e.period_end, e.child, 1 AS numerator, NULL AS denominator
        FROM int_episodes e JOIN int_periods w USING (la_code, period_end)
        WHERE NOT e.short_break AND e.rne = 'S'
          AND e.decom BETWEEN w.window_start AND e.period_end""", **_CONTEXT),
    Indicator(
        "cla_ceased", "Children who stopped being looked after",
        "How many children left care in the last 12 months.",
        "Children leaving care in the 12 months ending P: a non-short-break episode with DEC "
        "in the window and REC other than X1.", unit="count",
        sql="SELECT la_code, period_end, child, 1 AS numerator, NULL AS denominator "
            "FROM int_leaving_care", **_CONTEXT),
    Indicator(
        "uasc_share", "Unaccompanied asylum-seeking children",
        "The share of children in care who arrived in the country alone seeking asylum.",
        "% of children looked after at P who are unaccompanied asylum-seeking children (in the "
        "UASC file with DUC blank or after P).", unit="%", sources=("Episodes", "UASC"),
        sql=_cla("true", "a.is_uasc"), **_CONTEXT),
    # --- Safe and stable -------------------------------------------------------------------
    Indicator(
        "placement_stability_short", "Three or more placements in the year",
        "Children who have had to move home three or more times in the last year. Lower is "
        "better: every move can mean a new school, carers and friends.",
        "Children looked after at P with 3 or more placements during the 12 months ending P / "
        "children looked after at P. A placement counts when it overlaps the window (start on "
        "or before P, end blank or after the window's start). By the definition of a placement, "
        "legal-status-only and same-carer changes, temporary placements (T0-T4) and returns "
        "to the same placement after one are not new placements. DfE's published measure "
        "applies further exclusions (for example some moves to adoption).",
        unit="%", polarity="down", target=10, tolerance=2, start_dates=True, sql="""
        SELECT c.la_code, c.period_end, c.child, (coalesce(n.placements, 0) >= 3)::INTEGER
               AS numerator, 1 AS denominator
        FROM int_cla_at_period_end c
        LEFT JOIN (
            SELECT p.la_code, p.period_end, p.child, count(*) AS placements
            FROM int_placements p JOIN int_periods w USING (la_code, period_end)
            WHERE p.start_date <= p.period_end
              AND (p.end_date IS NULL OR p.end_date > w.window_start)
            GROUP BY ALL
        ) n USING (la_code, period_end, child)""", **_SAFE),
    Indicator(
        "placement_stability_long", "Same home for two years",
        "Of the children under 16 in care for two and a half years or more, the share who have "
        "lived with the same carers for at least two years.",
        "Children looked after at P aged under 16 whose current period of care started at "
        "least 913 days before P and whose current placement started at least 730 days before "
        "P / children looked after at P aged under 16 whose current period of care started at "
        "least 913 days before P. DfE's published measure also counts a child placed for "
        "adoption whose adoptive placement and the one before it together last two years.",
        unit="%", polarity="up", target=70, tolerance=5, start_dates=True,
        sql=_cla("a.age_at_period_end < 16 AND "
                 "date_diff('day', c.period_of_care_start, c.period_end) >= 913",
                 "c.placement_start IS NOT NULL AND "
                 "date_diff('day', c.placement_start, c.period_end) >= 730"), **_SAFE),
    Indicator(
        "placed_over_20_miles", "Placed more than 20 miles from home",
        "Children living more than 20 miles from the home they came into care from. Lower is "
        "better: distance can cut children off from family, friends and school.",
        "Children looked after at P whose placement postcode is more than 20 miles from their "
        "home postcode / children looked after at P who are not UASC at P and whose HOME_POST "
        "and PL_POST both match the ONS postcode directory. Distance: the straight line "
        "between the postcodes' grid references, in miles (1 mile = 1609.344 m).",
        unit="%", polarity="down", target=15, tolerance=3, sql="""
        SELECT c.la_code, c.period_end, c.child,
               (sqrt(power(h.easting - p.easting, 2) + power(h.northing - p.northing, 2))
                / 1609.344 > 20)::INTEGER AS numerator, 1 AS denominator
        FROM int_cla_at_period_end c
        JOIN int_child_attributes a USING (la_code, period_end, child)
        JOIN ref_postcodes h ON h.pcd_abbr = upper(replace(c.home_post, ' ', ''))
        JOIN ref_postcodes p ON p.pcd_abbr = upper(replace(c.pl_post, ' ', ''))
        WHERE NOT a.is_uasc""", **_SAFE),
    Indicator(
        "placed_out_of_area", "Placed outside the council's area",
        "Children living outside the council's own boundary.",
        "Children looked after at P whose placement postcode lies outside the LA's area (the "
        "postcode's upper-tier local authority differs from the LA's code) / children looked "
        "after at P whose PL_POST matches the ONS postcode directory.",
        unit="%", polarity="down", target=40, tolerance=5, sql="""
        SELECT c.la_code, c.period_end, c.child,
               (p.upper_tier_la <> c.la_code)::INTEGER AS numerator, 1 AS denominator
        FROM int_cla_at_period_end c
        JOIN ref_postcodes p ON p.pcd_abbr = upper(replace(c.pl_post, ' ', ''))""", **_SAFE),
    Indicator(
        "family_based_placements", "Living in foster families",
        "Children in care who live with a foster family rather than in a children's home or "
        "other setting.",
        "Children looked after at P in foster placements (PLACE U1-U6) / children looked after "
        "at P.", unit="%", polarity="up", target=70, tolerance=5,
        sql=_cla("true", f"c.place IN {FOSTER}"), **_SAFE),
    Indicator(
        "kinship_share", "Fostered by family or friends",
        "Of the children in foster care, the share living with relatives or family friends.",
        "Children looked after at P fostered with relatives or friends (U1-U3) / children "
        "looked after at P in foster placements (U1-U6).", unit="%", polarity="up", target=25,
        tolerance=5, sql=_cla(f"c.place IN {FOSTER}", f"c.place IN {KINSHIP}"),
        **_SAFE),
    Indicator(
        "under12_in_residential", "Under-12s in children's homes or residential settings",
        "Young children living in a children's home or other residential setting rather than "
        "with a family. Lower is better.",
        "Children looked after at P aged under 12 in a children's home or residential setting "
        "(PLACE K1, K2, R1, S1).", unit="count", polarity="down", target=0, tolerance=2, sql="""
        SELECT c.la_code, c.period_end, c.child, 1 AS numerator, NULL AS denominator
        FROM int_cla_at_period_end c
        JOIN int_child_attributes a USING (la_code, period_end, child)
        WHERE a.age_at_period_end < 12 AND c.place IN ('K1', 'K2', 'R1', 'S1')""", **_SAFE),
    Indicator(
        "missing_children", "Children who went missing",
        "Children in care in the last year who went missing from their home at least once.",
        "Children looked after during the 12 months ending P with at least one MISSING = M "
        "incident whose MIS_START is in the window / children looked after during the window."
        + IN_YEAR,
        unit="%", polarity="down", target=10, tolerance=2, sources=("Episodes", "Missing"),
        sql=_missing("M"), **_SAFE),
    Indicator(
        "away_children", "Children away without permission",
        "Children in care in the last year who were away from their home without permission "
        "at least once.",
        "As missing_children, for MISSING = A (away from placement without authorisation)."
        + IN_YEAR,
        unit="%", polarity="down", target=5, tolerance=2, sources=("Episodes", "Missing"),
        sql=_missing("A"), **_SAFE),
    Indicator(
        "sw_changes_2plus", "Two or more changes of social worker",
        "Children who have had to get to know a new social worker two or more times in the "
        "last year. Lower is better.",
        "Children looked after at P with 2 or more social worker changes in the 12 months "
        "ending P / children looked after at P. A change is a social worker episode with "
        "SW_DECOM in the window that is not the child's earliest social worker episode among "
        "the period's social worker episodes." + IN_YEAR, unit="%",
        polarity="down", target=10, tolerance=3, sources=("Episodes", "SWEpisodes"), sql="""
        SELECT c.la_code, c.period_end, c.child, (coalesce(n.changes, 0) >= 2)::INTEGER
               AS numerator, 1 AS denominator
        FROM int_cla_at_period_end c
        LEFT JOIN (
            SELECT s.la_code, s.period_end, s.child, count(*) AS changes
            FROM (SELECT *, row_number() OVER (PARTITION BY la_code, period_end, child
                                                ORDER BY sw_decom) AS seq
                  FROM int_sw_episodes) s
            JOIN int_periods w USING (la_code, period_end)
            WHERE s.seq > 1 AND s.sw_decom BETWEEN w.window_start AND s.period_end
            GROUP BY ALL
        ) n USING (la_code, period_end, child)""", **_SAFE),
    Indicator(
        "reviews_on_time", "Reviews held on time",
        "Reviews of each child's care plan held within the legal timescales: the first within "
        "20 working days, the second within 3 months, then every 6 months.",
        "Assessable reviews in the 12 months ending P held on time / assessable reviews. Each "
        "review belongs to the period of care with start <= review date <= end (reviews in no "
        "period of care, which includes every review of a child whose only episodes are short "
        "breaks, are left out). For a period of care that started in the window, its reviews "
        "in the window are ranked by date: the first is on time if no later than 20 working "
        "days after the start (weekends and England and Wales bank holidays not counted; the "
        "start day is day 0), the second if no later than 3 calendar months after the first, "
        "each later one if no later than 6 calendar months after the previous. For a period "
        "that started before the window its first review in the window is not assessable, and "
        "each later review is on time if no later than 6 calendar months after the previous."
        + IN_YEAR,
        unit="%", polarity="up", target=95, tolerance=5, sources=("Episodes", "Reviews"),
        start_dates=True, counts_children=False, sql="""
        WITH reviews AS (
            SELECT r.la_code, r.period_end, r.child, r.review, w.window_start
            FROM int_reviews r JOIN int_periods w USING (la_code, period_end)
            WHERE r.review BETWEEN w.window_start AND r.period_end
        ),
        in_care AS (
            SELECT r.*, p.period_of_care_seq, p.start_date
            FROM reviews r
            JOIN int_periods_of_care p
              ON p.la_code = r.la_code AND p.period_end = r.period_end AND p.child = r.child
             AND p.start_date <= r.review AND (p.end_date IS NULL OR r.review <= p.end_date)
            QUALIFY row_number() OVER (PARTITION BY r.la_code, r.period_end, r.child, r.review
                                       ORDER BY p.start_date DESC) = 1
        ),
        ranked AS (
            SELECT *,
                   row_number() OVER care AS n,
                   lag(review) OVER care AS previous_review,
                   start_date >= window_start AS started_in_window
            FROM in_care
            WINDOW care AS (PARTITION BY la_code, period_end, child, period_of_care_seq
                            ORDER BY review)
        ),
        judged AS (
            SELECT r.*,
                   CASE WHEN r.started_in_window AND r.n = 1 THEN r.review <= deadline.day
                        WHEN r.started_in_window AND r.n = 2
                            THEN r.review <= (r.previous_review + INTERVAL 3 MONTH)::DATE
                        WHEN r.n = 1 THEN NULL  -- earlier reviews are not in the extract
                        ELSE r.review <= (r.previous_review + INTERVAL 6 MONTH)::DATE
                   END AS on_time
            FROM ranked r
            LEFT JOIN ref_working_days s ON s.day = r.start_date
            LEFT JOIN (SELECT working_days, min(day) AS day FROM ref_working_days
                       WHERE working GROUP BY working_days) deadline
                   ON deadline.working_days = s.working_days + 20
        )
        SELECT la_code, period_end, child, on_time::INTEGER AS numerator, 1 AS denominator
        FROM judged WHERE on_time IS NOT NULL""", **_SAFE),
    Indicator(
        "permanence_exits", "Left care to a permanent family",
        "Of the children who left care, the share who left to be adopted or to live with a "
        "family under a special guardianship or child arrangements order.",
        "Children leaving care in the 12 months ending P whose last leaving was through "
        "adoption (E11, E12) or a special guardianship or child arrangements order (E41, "
        "E45-E48; in extracts before 2018/19 DfE's special guardianship codes were E43 and "
        "E44, and count too) / children leaving care in the window.", unit="%", polarity="up",
        target=30, tolerance=5, sql="""
        SELECT la_code, period_end, child,
               (rec IN ('E11', 'E12', 'E41', 'E43', 'E44', 'E45', 'E46', 'E47', 'E48'))::INTEGER
                   AS numerator,
               1 AS denominator
        FROM int_leaving_care""", **_SAFE),
    # --- Healthy: OC2 cohort ---------------------------------------------------------------
    Indicator(
        "health_assessment", "Annual health assessment",
        "Children in care for a year or more who had their yearly health assessment.",
        "OC2 cohort with HEALTH_ASSESSMENT = 1 / OC2 cohort (children looked after at P whose "
        "period of care started at least a year before P, with no short break in it; a cohort "
        "child with no OC2 row counts in the denominator only).", unit="%", polarity="up",
        target=90, tolerance=5, sql=_oc2("true", "o.health_assessment = '1'"), **_HEALTHY),
    Indicator(
        "dental_check", "Dental check",
        "Children in care for a year or more who saw a dentist for a check-up.",
        "OC2 cohort with TEETH_CHECK = 1 / OC2 cohort.", unit="%", polarity="up", target=85,
        tolerance=5, sql=_oc2("true", "o.teeth_check = '1'"), **_HEALTHY),
    Indicator(
        "immunisations", "Immunisations up to date",
        "Children in care for a year or more whose vaccinations are up to date.",
        "OC2 cohort with IMMUNISATIONS = 1 / OC2 cohort.", unit="%", polarity="up", target=90,
        tolerance=5, sql=_oc2("true", "o.immunisations = '1'"), **_HEALTHY),
    Indicator(
        "health_surveillance_under5", "Development checks for under-5s",
        "Under-fives in care for a year or more whose development checks are up to date.",
        "OC2 cohort aged under 5 with HEALTH_CHECK = 1 / OC2 cohort aged under 5.", unit="%",
        polarity="up", target=90, tolerance=5,
        sql=_oc2("a.age_at_period_end < 5", "o.health_check = '1'"), **_HEALTHY),
    Indicator(
        "sdq_completion", "Emotional health check (SDQ) completed",
        "Children aged 5 to 16 in care for a year or more who had their emotional and "
        "behavioural health checked with a Strengths and Difficulties Questionnaire.",
        "OC2 cohort aged 5-16 with an SDQ_SCORE / OC2 cohort aged 5-16 (age at P). DfE uses "
        "ages 5-16 at 31 March.", unit="%", polarity="up", target=85, tolerance=5,
        sql=_oc2("a.age_at_period_end BETWEEN 5 AND 16", "o.sdq_score IS NOT NULL"),
        **_HEALTHY),
    Indicator(
        "sdq_average", "Average SDQ score",
        "The average emotional and behavioural difficulties score (0 to 40). Lower is better; "
        "17 or more is a cause for concern.",
        "Sum of SDQ_SCORE / number of scores, OC2 cohort aged 5-16.", unit="score",
        polarity="down", target=14, tolerance=1, sql=_sdq("o.sdq_score"), **_HEALTHY),
    Indicator(
        "sdq_concern", "SDQ score a cause for concern",
        "Children whose emotional and behavioural difficulties score is 17 or more.",
        "Scores of 17 or more / number of scores, OC2 cohort aged 5-16.", unit="%",
        polarity="down", target=35, tolerance=5, sql=_sdq("o.sdq_score >= 17"), **_HEALTHY),
    Indicator(
        "substance_misuse", "Substance misuse problem",
        "Children in care for a year or more identified as having a problem with drugs or "
        "alcohol.", "OC2 cohort with SUBSTANCE_MISUSE = 1 / OC2 cohort.", unit="%",
        polarity="down", target=3, tolerance=1, sql=_oc2("true", "o.substance_misuse = '1'"),
        **_HEALTHY),
    Indicator(
        "substance_intervention", "Help for substance misuse",
        "Of the children with a substance misuse problem, the share who received help for it.",
        "OC2 cohort with INTERVENTION_RECEIVED = 1 / OC2 cohort with SUBSTANCE_MISUSE = 1.",
        unit="%", polarity="up", target=80, tolerance=10,
        sql=_oc2("o.substance_misuse = '1'", "o.intervention_received = '1'"),
        **{**_HEALTHY, "principles": (1, 4)}),
    # --- Heard -----------------------------------------------------------------------------
    Indicator(
        "review_participation", "Children's views heard at reviews",
        "Reviews where the child's views were heard, whether they spoke themselves, through "
        "an advocate or in another way.",
        "Reviews in the 12 months ending P where the child's views were conveyed (REVIEW_CODE "
        "PN1, PN2, PN3, PN5, PN6) / reviews in the window with codes PN1-PN7 (PN0, a child "
        "under 4, is left out)." + IN_YEAR, unit="%", polarity="up", target=90, tolerance=5,
        sources=("Episodes", "Reviews"), counts_children=False,
        sql=_reviews("r.review_code IN ('PN1', 'PN2', 'PN3', 'PN5', 'PN6')"), **_HEARD),
    Indicator(
        "review_spoke_for_self", "Children who spoke for themselves at reviews",
        "Reviews where the child came and spoke for themselves.",
        "Reviews in the 12 months ending P with PN1 / reviews in the window with codes "
        "PN1-PN7." + IN_YEAR, unit="%", polarity="up", target=50, tolerance=10,
        sources=("Episodes", "Reviews"), counts_children=False,
        sql=_reviews("r.review_code = 'PN1'"), **_HEARD),
    Indicator(
        "convictions", "Convicted of an offence",
        "Children aged 10 or over, in care for a year or more, convicted or given a final "
        "warning or reprimand during the year. Lower is better.",
        "OC2 cohort aged 10 or over with CONVICTED = 1 / OC2 cohort aged 10 or over.",
        unit="%", polarity="down", target=3, tolerance=1,
        sql=_oc2("a.age_at_period_end >= 10", "o.convicted = '1'"),
        **{**_HEARD, "principles": (6, 5), "sources": ("Episodes", "OC2"),
           "start_dates": True}),
    # --- Learning: local education extract -------------------------------------------------
    Indicator(
        "pep_in_date", "Personal education plan up to date",
        "School-age children in care whose personal education plan was reviewed in the last "
        "six months.",
        "Children looked after at P aged 5-15 whose PEP_REVIEW_DATE is on or after the same "
        "date 6 months before P and on or before P / children looked after at P aged 5-15.",
        unit="%", polarity="up", target=95, tolerance=5,
        sql=_education("true", "e.pep_review_date BETWEEN (c.period_end - INTERVAL 6 MONTH)"
                               "::DATE AND c.period_end"),
        **{**_LEARNING, "principles": (4, 5)}),
    Indicator(
        "persistent_absence", "Persistently absent from school",
        "School-age children in care who missed 10% or more of their school sessions. Lower "
        "is better.",
        "Children looked after at P aged 5-15 with ATTENDANCE_PCT below 90 / children looked "
        "after at P aged 5-15 with an ATTENDANCE_PCT value.", unit="%", polarity="down",
        target=15, tolerance=5,
        sql=_education("e.attendance_pct IS NOT NULL", "e.attendance_pct < 90"), **_LEARNING),
    Indicator(
        "school_moves", "Changed school in the last year",
        "School-age children in care who changed school at least once in the last 12 months. "
        "Lower is better.",
        "Children looked after at P aged 5-15 with SCHOOL_MOVES_12M of 1 or more / children "
        "looked after at P aged 5-15 with a SCHOOL_MOVES_12M value.", unit="%",
        polarity="down", target=10, tolerance=5,
        sql=_education("e.school_moves_12m IS NOT NULL", "e.school_moves_12m >= 1"),
        **{**_LEARNING, "principles": (5, 6)}),
    # --- Ready for adulthood: OC3 cohort and leaving care ----------------------------------
    *[Indicator(
        f"care_leavers_in_touch_{band}", f"Care leavers in touch ({_BANDS[band]})",
        f"Care leavers {_BANDS[band]} the council is still in touch with.",
        f"OC3 rows for care leavers {_BANDS[band]} at P with IN_TOUCH = YES / OC3 rows in "
        "the band excluding IN_TOUCH DIED and RHOM.", unit="%", polarity="up", target=90,
        tolerance=5, sql=_oc3(band, "in_touch = 'YES'"), **{**_ADULT, "principles": (4, 7)})
      for band in _BANDS],
    *[Indicator(
        f"care_leavers_eet_{band}",
        f"Care leavers in education, employment or training ({_BANDS[band]})",
        f"Care leavers {_BANDS[band]} in education, training or work.",
        f"OC3 rows for care leavers {_BANDS[band]} at P with ACTIV in F1, P1, F2, P2, F4, P4, "
        "F5, P5 (in extracts before 2021/22, F3 and P3: training or employment) / OC3 rows in "
        "the band excluding IN_TOUCH DIED and RHOM.", unit="%",
        polarity="up", target=55, tolerance=5,
        sql=_oc3(band, f"activ IN {EET}"),
        **{**_ADULT, "principles": (5, 7)})
      for band in _BANDS],
    *[Indicator(
        f"care_leavers_suitable_accom_{band}",
        f"Care leavers in suitable accommodation ({_BANDS[band]})",
        f"Care leavers {_BANDS[band]} living somewhere suitable.",
        f"OC3 rows for care leavers {_BANDS[band]} at P whose ACCOM ends in 1 (suitable) / OC3 "
        "rows in the band excluding IN_TOUCH DIED and RHOM.", unit="%", polarity="up",
        target=90, tolerance=5, sql=_oc3(band, "accom LIKE '_1'"), **_ADULT)
      for band in _BANDS],
    Indicator(
        "care_leavers_higher_education_19_21", "Care leavers in higher education",
        "Care leavers aged 19 to 21 at university or in other higher education.",
        "OC3 rows for care leavers aged 19 to 21 at P with ACTIV in F1, P1 / OC3 rows in the "
        "band excluding IN_TOUCH DIED and RHOM.", unit="%", polarity="up", target=6,
        tolerance=2, sql=_oc3("19_21", "activ IN ('F1', 'P1')"), **_ADULT),
    Indicator(
        "staying_put", "Staying Put with foster carers after 18",
        "Young people leaving foster care at 18 who stayed on with their foster carers "
        "(Staying Put).",
        "Children whose last leaving care in the 12 months ending P was on or after their 18th "
        "birthday from a foster placement (PLACE U1-U6) with REC = E17 / children whose last "
        "leaving care in the window was on or after their 18th birthday from a foster "
        "placement.", unit="%", polarity="up", target=60, tolerance=10, sql=f"""
        SELECT la_code, period_end, child, (rec = 'E17')::INTEGER AS numerator,
               1 AS denominator
        FROM int_leaving_care
        WHERE place IN {FOSTER} AND age_on(dob, left_care) >= 18""",
        **{**_ADULT, "sources": ("Episodes",)}),
    # --- The seeds' commitments (catalogue v2) ----------------------------------------------
    # First those the 903 holds, then those that need the local extracts of ssda903.md.
    Indicator(
        "kinship_all", "Living with family or friends",
        "Children in care who live with relatives or family friends as their foster carers: "
        "the council's promise to look to family and friends first.",
        "Children looked after at P placed with relatives or friends (PLACE U1-U3) / children "
        "looked after at P.", unit="%", polarity="up",
        sql=_cla("true", f"c.place IN {KINSHIP}"), **_SAFE),
    Indicator(
        "placement_breakdowns", "Moves because a placement broke down",
        "Of the moves from one home to another in the last year, the share that happened "
        "because the carers or the child asked for it, or after a concern or complaint, rather "
        "than as planned. Lower is better.",
        "Placement moves in the 12 months ending P that ended at the carer's or child's "
        "request or after a concern (REASON_PLACE_CHANGE of the episode that ends the "
        "placement in CREQB, CREQO, CHILD, ALLEG, STAND) / placement moves in the window with "
        "any REASON_PLACE_CHANGE other than PLACE and CUSTOD. A placement move in the window "
        "is a placement start with DECOM in the window other than the first of a period of "
        "care; its reason is on the episode just before it (a move whose reason is blank is "
        "in neither). Counts moves, not children.", unit="%", polarity="down",
        start_dates=True, counts_children=False, sql="""
        WITH ordered AS (
            SELECT *, lag(reason_place_change) OVER (
                          PARTITION BY la_code, period_end, child, period_of_care_seq
                          ORDER BY decom) AS reason
            FROM int_episodes WHERE NOT short_break
        )
        SELECT o.la_code, o.period_end, o.child,
               (o.reason IN ('CREQB', 'CREQO', 'CHILD', 'ALLEG', 'STAND'))::INTEGER
                   AS numerator,
               1 AS denominator
        FROM ordered o JOIN int_periods w USING (la_code, period_end)
        WHERE o.placement_start AND o.placement_seq > 1
          AND o.decom BETWEEN w.window_start AND o.period_end
          AND o.reason NOT IN ('PLACE', 'CUSTOD')""", **_SAFE),
    Indicator(
        "re_entries_12m", "Came back into care within a year",
        "Of the children who came into care in the last 12 months, the share who had left "
        "care less than a year before. Lower is better: a return can mean going home was "
        "not ready or not supported.",
        "Children with a period of care starting in the 12 months ending P (RNE = S, not a "
        "short break) whose previous period of care ended 365 days or less before that start "
        "/ children with a period of care starting in the window (cla_starts); a child with "
        "several starts in the window counts once, in the numerator if any start qualifies. "
        "It needs the episodes of the year before the window: where the loaded extracts do "
        "not reach back that far, the note says so.", unit="%", polarity="down",
        start_dates=True, history_days=365, sql="""
        SELECT s.la_code, s.period_end, s.child,
               bool_or(coalesce(date_diff('day', before.end_date, s.decom) <= 365, false))::INTEGER
                   AS numerator,
               1 AS denominator
        FROM int_episodes s
        JOIN int_periods w USING (la_code, period_end)
        LEFT JOIN int_periods_of_care before
               ON before.la_code = s.la_code AND before.period_end = s.period_end
              AND before.child = s.child
              AND before.period_of_care_seq = s.period_of_care_seq - 1
        WHERE NOT s.short_break AND s.rne = 'S'
          AND s.decom BETWEEN w.window_start AND s.period_end
        GROUP BY s.la_code, s.period_end, s.child""", **_SAFE),
    Indicator(
        "adoption_days_to_move_in", "Days from entering care to moving in with adopters",
        "For children adopted in the last year, the average number of days from coming into "
        "care to moving in with the family who adopted them. Lower is better: delay matters "
        "most to the youngest children.",
        "For children leaving care in the 12 months ending P by adoption (last leaving with "
        "REC E11, E12): sum of days from the start of that period of care to the DECOM of its "
        "first episode placed for adoption (PLACE A3-A6) / number of such children with such "
        "an episode. DfE's measure A10 dates a foster carer adoption from when the child "
        "moved in with the carers; this one does not: it counts to the placement for "
        "adoption.", unit="score", polarity="down", target=426, tolerance=60,
        start_dates=True, sql=f"""
        SELECT l.la_code, l.period_end, l.child,
               date_diff('day', p.start_date, a.placed) AS numerator, 1 AS denominator
        FROM int_leaving_care l
        JOIN int_periods_of_care p
          ON p.la_code = l.la_code AND p.period_end = l.period_end AND p.child = l.child
         AND p.end_date = l.left_care
        JOIN (SELECT la_code, period_end, child, period_of_care_seq, min(decom) AS placed
              FROM int_episodes
              WHERE NOT short_break AND place IN {_codes(PLACE_ADOPTION)}
              GROUP BY ALL) a
          ON a.la_code = p.la_code AND a.period_end = p.period_end AND a.child = p.child
         AND a.period_of_care_seq = p.period_of_care_seq
        WHERE l.rec IN {_codes(REC_ADOPTED)}""",
        **{**_SAFE, "principles": (6, 5)}),
    Indicator(
        "secure_or_custody", "In a secure children's home or custody",
        "Children in care held in a secure children's home or a young offender institution "
        "on the last day of the period. Lower is better.",
        "Children looked after at P in a secure children's home (PLACE K1) or a young "
        "offender institution (PLACE R5).", unit="count", polarity="down", target=0,
        tolerance=2, sql="""
        SELECT la_code, period_end, child, 1 AS numerator, NULL AS denominator
        FROM int_cla_at_period_end WHERE place IN ('K1', 'R5')""", **_SAFE),
    Indicator(
        "care_leavers_with_former_carers_19_21", "Care leavers living with former foster carers",
        "Care leavers aged 19 to 21 still living with the foster carers they grew up with "
        "(Staying Put beyond 18).",
        "OC3 rows for care leavers aged 19 to 21 at P whose ACCOM begins with Z (with former "
        "foster carers) / OC3 rows in the band excluding IN_TOUCH DIED and RHOM.",
        unit="%", polarity="up", sql=_oc3("19_21", "accom LIKE 'Z%'"), **_ADULT),
    Indicator(
        "young_parents", "Young parents in care",
        "Young people in care aged 12 or over who are mothers themselves: they and their "
        "babies need support of their own.",
        "Children looked after at P aged 12 or over with MOTHER = 1 in the Header.",
        unit="count", polarity="context", principles=(1,), outcome="be healthy", sql="""
        SELECT c.la_code, c.period_end, c.child, 1 AS numerator, NULL AS denominator
        FROM int_cla_at_period_end c
        JOIN int_child_attributes a USING (la_code, period_end, child)
        WHERE a.age_at_period_end >= 12
          AND EXISTS (SELECT 1 FROM int_header h WHERE h.la_code = c.la_code
                      AND h.period_end = c.period_end AND h.child = c.child
                      AND h.mother = '1')"""),
    Indicator(
        "permanence_plan_4_months", "Permanence plan by the second review",
        "Children who had a plan for a permanent home (going home, family and friends, "
        "adoption, long-term fostering) agreed within four months of coming into care, by "
        "their second review.",
        "Children whose period of care started on a date S such that S + 4 calendar months "
        "falls in the 12 months ending P and who were still looked after on S + 4 months, "
        "with a PERM_PLAN_DATE on or before S + 4 months / the same children (a child with "
        "two such periods counts once, for the later). A child with no row in the permanence "
        "planning extract counts in the denominator only. A plan dated before the period of "
        "care started counts, as the definition has no earlier limit.",
        unit="%", polarity="up", target=95, tolerance=5, start_dates=True,
        sources=("Episodes", "Permanence"), sql="""
        WITH due AS (
            SELECT p.la_code, p.period_end, p.child,
                   (p.start_date + INTERVAL 4 MONTH)::DATE AS due
            FROM int_periods_of_care p JOIN int_periods w USING (la_code, period_end)
            WHERE (p.start_date + INTERVAL 4 MONTH)::DATE BETWEEN w.window_start
                                                               AND p.period_end
              AND (p.end_date IS NULL OR p.end_date > (p.start_date + INTERVAL 4 MONTH)::DATE)
            QUALIFY row_number() OVER (PARTITION BY p.la_code, p.period_end, p.child
                                       ORDER BY p.start_date DESC) = 1
        )
        SELECT d.la_code, d.period_end, d.child,
               coalesce(s.perm_plan_date <= d.due, false)::INTEGER AS numerator,
               1 AS denominator
        FROM due d LEFT JOIN stg_permanence s USING (la_code, period_end, child)""",
        **_SAFE),
    Indicator(
        "siblings_placed_together", "Brothers and sisters living together",
        "Of the children in care who have a brother or sister also in care, the share living "
        "with all of them.",
        "Children looked after at P in a SIBLING_GROUP with at least one other member looked "
        "after at P, with PLACED_TOGETHER = Y / children looked after at P in such groups. "
        "Local extract: siblings.", unit="%", polarity="up", target=70, tolerance=10,
        sources=("Episodes", "Siblings"), sql=_siblings("placed_together = 'Y'"), **_SAFE),
    Indicator(
        "siblings_apart_unassessed", "Brothers and sisters apart without an assessment",
        "Children in care living apart from some or all of their brothers and sisters "
        "without an assessment that being apart is in their interest. Lower is better.",
        "Children looked after at P in a SIBLING_GROUP with at least one other member looked "
        "after at P, with PLACED_TOGETHER N or SOME and APART_REASON not ASSESSED (blank "
        "counts as not assessed) / children looked after at P in such groups.",
        unit="%", polarity="down", target=0, tolerance=5, sources=("Episodes", "Siblings"),
        sql=_siblings("placed_together IN ('N', 'SOME') "
                      "AND coalesce(apart_reason, '') <> 'ASSESSED'"), **_SAFE),
    Indicator(
        "advocacy_offered", "Offered an advocate",
        "Children in care aged 4 or over who have been offered an independent advocate to "
        "help them have their say.",
        "Children looked after at P aged 4 or over with ADVOCACY_OFFERED = Y / children "
        "looked after at P aged 4 or over. A child with no row in the voice and advocacy "
        "extract counts in the denominator only.", unit="%", polarity="up", target=95,
        tolerance=5, sources=("Episodes", "Voice"),
        sql=_local("stg_voice", "v", "a.age_at_period_end >= 4", "v.advocacy_offered = 'Y'"),
        **{**_HEARD, "principles": (2, 4)}),
    Indicator(
        "independent_visitor_matched", "Matched with an independent visitor",
        "Of the children in care offered an independent visitor (a volunteer who visits and "
        "befriends them), the share who have been matched with one.",
        "Children looked after at P with IV_MATCHED = Y / children looked after at P with "
        "IV_OFFERED = Y.", unit="%", polarity="up", target=80, tolerance=10,
        sources=("Episodes", "Voice"),
        sql=_local("stg_voice", "v", "v.iv_offered = 'Y'", "v.iv_matched = 'Y'"),
        **{**_HEARD, "principles": (4,)}),
    Indicator(
        "views_sought_12m", "Asked for their views in the last year",
        "Children in care aged 4 or over whose views were asked for in a consultation or "
        "survey in the last 12 months.",
        "Children looked after at P aged 4 or over with CONSULTED_DATE in the 12 months "
        "ending P / children looked after at P aged 4 or over. A child with no row in the "
        "voice and advocacy extract counts in the denominator only.", unit="%",
        polarity="up", target=90, tolerance=10, sources=("Episodes", "Voice"),
        sql=_local("stg_voice", "v", "a.age_at_period_end >= 4",
                   "v.consulted_date BETWEEN window_start(c.period_end) AND c.period_end"),
        **_HEARD),
    Indicator(
        "care_leavers_pa_allocated_18_25", "Care leavers with a personal adviser (18 to 25)",
        "Care leavers aged 18 to 25 the council still supports who have a personal adviser.",
        "Rows of the care-leavers extract with STILL_SUPPORTED = Y, aged 18 to 25 at P (from "
        "the row's DOB), with PA_ALLOCATED = Y / those rows.", unit="%", polarity="up",
        target=95, tolerance=5, sql=_care_leavers((18, 25), "pa_allocated = 'Y'"),
        **{**_ADULT, "principles": (7, 4), "sources": ("CareLeavers",)}),
    Indicator(
        "care_leavers_pathway_plan_in_date_18_25",
        "Care leavers with an up-to-date pathway plan (18 to 25)",
        "Care leavers aged 18 to 25 the council still supports whose pathway plan was "
        "reviewed in the last six months.",
        "Rows of the care-leavers extract with STILL_SUPPORTED = Y, aged 18 to 25 at P, with "
        "PATHWAY_PLAN_REVIEW on or after the same date 6 months before P and on or before P "
        "/ those rows.", unit="%", polarity="up", target=90, tolerance=5,
        sql=_care_leavers((18, 25), "pathway_plan_review BETWEEN (period_end - INTERVAL 6 "
                                    "MONTH)::DATE AND period_end"),
        **{**_ADULT, "sources": ("CareLeavers",)}),
    Indicator(
        "care_leavers_eet_22_25",
        "Care leavers in education, employment or training (aged 22 to 25)",
        "Care leavers aged 22 to 25 the council still supports who are in education, "
        "training or work.",
        "Rows of the care-leavers extract with STILL_SUPPORTED = Y, aged 22 to 25 at P, with "
        "ACTIV in F1, P1, F2, P2, F4, P4, F5, P5 (in extracts before 2021/22, F3 and P3) / "
        "those rows.", unit="%", polarity="up", target=55, tolerance=5,
        sql=_care_leavers((22, 25), f"activ IN {EET}"),
        **{**_ADULT, "principles": (7, 5), "sources": ("CareLeavers",)}),
    Indicator(
        "care_leavers_suitable_accom_22_25",
        "Care leavers in suitable accommodation (aged 22 to 25)",
        "Care leavers aged 22 to 25 the council still supports who live somewhere suitable.",
        "Rows of the care-leavers extract with STILL_SUPPORTED = Y, aged 22 to 25 at P, whose "
        "ACCOM ends in 1 (suitable) / those rows.", unit="%", polarity="up", target=90,
        tolerance=5, sql=_care_leavers((22, 25), "accom LIKE '_1'"),
        **{**_ADULT, "sources": ("CareLeavers",)}),
]

BY_ID: dict[str, Indicator] = {i.id: i for i in CATALOGUE}
assert len(BY_ID) == len(CATALOGUE), "indicator ids must be unique"
