"""The great-expectations suite over the loaded warehouse: what pandera's row-by-row gate
cannot see (architecture.md, "great-expectations runs on the loaded warehouse").

pandera checks each extract at the door, one file and one row (or one child's rows) at a time.
These checks look at the warehouse a load has just built: across files (every child in Header,
dates of birth that agree), across a child's stitched episode history and the earlier extracts
it borrows from, across the period ends loaded (headline counts and the mix of placements
that jump), and at whole distributions and completeness.

Each check is data, one entry here: the facts it looks at, as DuckDB SQL over the warehouse
for one council and period end (`$la`, `$p`, and `$prev`, the period end loaded before it),
and the one great-expectations expectation that judges them. The SQL gives one row per thing
checked (a child, an episode, a headline count) with `child` (or NULL) and a plain `detail`,
plus the flag or number the expectation reads; only that column reaches great-expectations, so
its results and Data Docs hold no child's identifier. `etl.quality` runs the suite.

The DfE rule code is given where DfE's validator has a rule for the same thing (as numbered
by `csc-validator-be-903`, schemas/dfe_rules.py); the others are this dashboard's own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from schemas.codes import LS_SHORT_BREAK, PLACE_ADOPTION, REC_ADOPTED
from schemas.rules import KEPT_OUT
from etl.warehouse.staging import stg_name
from schemas.tables import TABLES

# Tolerances a council may set in its configuration ([quality] in la.toml), with defaults.
TOLERANCES = {
    # a headline count moving by more than this share, and by at least count_minimum children
    "count_change": (0.25, 0.01, 10.0),
    "count_minimum": (10, 1, 100_000),
    # a placement type's share of children looked after moving by more than this (points)
    "share_points": (10.0, 0.1, 100.0),
    # the ages of children looked after: KL divergence from the period before
    "age_divergence": (0.1, 0.001, 10.0),
    # the least share of children with a placement postcode, and with a known ethnicity
    "postcode_known": (0.9, 0.0, 1.0),
    "ethnicity_known": (0.9, 0.0, 1.0),
}


def tolerances(configured: object) -> dict[str, float]:
    """The suite's tolerances: the defaults, with a council's [quality] table over them.
    Raises ValueError naming the key and the allowed range for anything else."""
    if configured is None:
        configured = {}
    if not isinstance(configured, dict):
        raise ValueError("[quality] must be a table of tolerances")
    unknown = sorted(set(configured) - set(TOLERANCES))
    if unknown:
        raise ValueError(f"[quality] has no setting {unknown[0][:40]!r}; the settings are "
                         + ", ".join(TOLERANCES))
    out = {}
    for key, (default, low, high) in TOLERANCES.items():
        value = configured.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not low <= value <= high:
            raise ValueError(f"[quality] {key} must be a number from {low} to {high}, "
                             f"not {repr(value)[:40]}")
        out[key] = float(value)
    return out


@dataclass(frozen=True)
class Check:
    key: str  # stable: results, tests and Data Docs are keyed by it
    area: str
    title: str  # what should hold, in plain English
    unit: str  # what one row of the facts is, plural ("children", "episodes")
    sql: str  # the facts: child, detail, and the column the expectation reads
    expectation: str  # a great_expectations.expectations class name
    arguments: Callable[[dict], dict]  # its arguments, given the council's tolerances
    fix: str  # what to check or do when it is not met
    rule: str | None = None  # DfE rule code(s) where one matches
    needs: tuple[str, ...] = ()  # input tables the load must hold for the check to run
    across: bool = False  # compares with the period end loaded before ($prev)
    local_children: bool = False  # runs when the load holds any local extract of children
    extra: dict = field(default_factory=dict)

    @property
    def column(self) -> str:
        return self.arguments(tolerances({}))["column"]

    def __reduce__(self):
        # A check crosses to the process that runs the suite (etl/quality/worker.py) and back
        # by its key: its arguments are a function, which does not pickle.
        return (_by_key, (self.key,))


def _d(column: str) -> str:
    """A date column as dd/mm/yyyy text, for a detail line."""
    return f"strftime({column}, '%d/%m/%Y')"


P = "la_code = $la AND period_end = $p"
CHILD_TABLES_903 = [t.name for t in TABLES.values()
                    if not t.local and t.name != "Header" and "CHILD" in t.columns]
DOB_TABLES = [t for t in CHILD_TABLES_903 if "DOB" in TABLES[t].columns]
# Care leavers aged 22 to 25 are in no 903 extract, so the care-leavers extract is left out;
# its young people up to 21 are checked against the Header at load (cross_record.py).
LOCAL_CHILD_TABLES = [t.name for t in TABLES.values()
                      if t.local and "CHILD" in t.columns and t.name != "CareLeavers"]


def _union(tables: list[str], columns: str) -> str:
    return "\nUNION ALL ".join(
        f"SELECT DISTINCT '{t}' AS file, {columns} FROM {stg_name(t)} WHERE {P}" for t in tables)


def _in(codes) -> str:
    return ", ".join(f"'{c}'" for c in sorted(codes))


def _flag(column: str) -> Callable[[dict], dict]:
    return lambda tol: {"column": column, "value_set": [True]}


def _one(column: str, low, high) -> Callable[[dict], dict]:
    return lambda tol: {"column": column, "min_value": low, "max_value": high}


def _same_place(a: str, b: str) -> str:
    """Two placement codes for the same placement. DfE replaced codes between years (H5 by K3
    from 2024/25, Z1 by Z11-Z14 from 2025/26), and a case system re-exports an old episode
    under the new code: that is not a change of placement."""
    def current(x: str) -> str:
        return f"CASE WHEN {x} = 'H5' THEN 'K3' WHEN {x} LIKE 'Z1_' THEN 'Z1' ELSE {x} END"
    return f"({current(a)}) IS NOT DISTINCT FROM ({current(b)})"


# Rows of this load that the gate kept out for breaking a rule (the overlaps among them a
# check above would see if they had been loaded): still faults to fix, so they count.
_KEPT_OUT = """SELECT child, file || ' row ' || row_number || ', kept out when loaded: '
                   || replace('{what}', '{{}}', coalesce(value, 'blank')), false
        FROM rejects WHERE load_id = $load AND rule = '{rule}' AND action = '""" + KEPT_OUT + "'"


# DfE's OC2 cohort, as the OC2 file is written: looked after on the period end (an episode
# ending that day counts), in a period of care that began before the collection year did and
# had no short break. At 31 March this is the indicators' cohort (sql/05_int_cohorts.sql, which
# leaves out a child who left that day); in-year it is the children expected in the cohort at
# the year's end, for whom in-year extracts carry OC2 rows (schemas/cross_record.py).
OC2_COHORT = """cohort AS (
    SELECT DISTINCT child FROM int_periods_of_care
    WHERE la_code = $la AND period_end = $p AND NOT has_short_break
      AND start_date < collection_year_start($p) AND (end_date IS NULL OR end_date >= $p))"""

# Open at the period end, for an episode or a social worker episode
OPEN_AT_P = "{start} <= $p AND ({end} IS NULL OR {end} > $p)"

SUITE: list[Check] = [
    # --- Children and files -----------------------------------------------------------------
    Check(
        "in-header", "Children and files",
        "Every child in the extract's other files has a Header row",
        "child records in other files",
        f"""WITH other AS ({_union(CHILD_TABLES_903, 'child')})
        SELECT o.child, o.file || ': no Header row for this child' AS detail,
               h.child IS NOT NULL AS in_header
        FROM other o
        LEFT JOIN (SELECT DISTINCT child FROM stg_header WHERE {P}) h USING (child)
        ORDER BY o.file, o.child""",
        "ExpectColumnValuesToBeInSet", _flag("in_header"),
        "Add the child's Header row in the case system (or correct the child's identifier in "
        "the file that names them), then load the extract again.",
        rule="INT01–INT09"),
    Check(
        "dob-agrees", "Children and files",
        "A child's date of birth is the same in every file as in Header",
        "child records in other files",
        f"""WITH other AS ({_union(DOB_TABLES, 'child, dob')}),
        header AS (SELECT child, any_value(dob) AS dob FROM stg_header
                   WHERE {P} AND dob IS NOT NULL GROUP BY child)
        SELECT o.child, o.file || ': date of birth ' || {_d('o.dob')} || ', Header '
                        || {_d('h.dob')} AS detail,
               o.dob = h.dob AS same_date_of_birth
        FROM other o JOIN header h USING (child)
        WHERE o.dob IS NOT NULL ORDER BY o.file, o.child""",
        "ExpectColumnValuesToBeInSet", _flag("same_date_of_birth"),
        "Correct the date of birth in the case system so that every record of the child "
        "agrees.",
        rule="INT11–INT18"),
    # --- Episodes ---------------------------------------------------------------------------
    Check(
        "one-open-episode", "Episodes",
        "No child has more than one episode still open (no end date) in the extract",
        "children with an open episode",
        f"""SELECT child, count(*) || ' episodes with no end date, starting '
                   || string_agg({_d('decom')}, ', ' ORDER BY decom) AS detail,
               count(*) AS open_episodes
        FROM stg_episodes WHERE {P} AND dec IS NULL GROUP BY child ORDER BY child""",
        "ExpectColumnValuesToBeBetween", _one("open_episodes", 1, 1),
        "Give the earlier episode its end date and reason (REC) in the case system; the "
        "figures meanwhile end it where the next one starts.",
        rule="142"),
    Check(
        "episodes-chain", "Episodes",
        "Inside a period of care each episode starts the day the previous one ended (no gap, "
        "no overlap), across every extract loaded, and one ended X1 has a next episode",
        "episodes",
        f"""WITH history AS (
            SELECT child, decom, dec, rec, lag(dec) OVER w AS previous_end,
                   row_number() OVER w AS n,
                   lead(decom) OVER (PARTITION BY child ORDER BY decom) AS next_start
            FROM int_episodes WHERE {P} AND NOT short_break
            WINDOW w AS (PARTITION BY child, period_of_care_seq ORDER BY decom))
        SELECT child, 'episode starting ' || {_d('decom')} || ' follows one that ended '
                   || {_d('previous_end')} || ' (' || abs(date_diff('day', previous_end, decom))
                   || ' day(s) ' || CASE WHEN decom > previous_end THEN 'gap' ELSE 'overlap' END
                   || ')' AS detail,
               decom = previous_end AS chained
        FROM history WHERE n > 1
        UNION ALL
        SELECT child, 'episode starting ' || {_d('decom')} || ' ended ' || {_d('dec')}
                   || ' with X1 (the next episode starts the same day), but none follows',
               false
        FROM history WHERE rec = 'X1' AND next_start IS NULL
        UNION ALL
        {_KEPT_OUT.format(rule="501", what="episode starting {}: overlaps the one before")}
        ORDER BY 1, 2""",
        "ExpectColumnValuesToBeInSet", _flag("chained"),
        "An episode that ends with reason X1 must be followed by one starting the same day. "
        "Correct the dates, or the reason if the child left care.",
        needs=("Episodes",)),
    Check(
        "looked-after-under-18", "Episodes",
        "Children looked after at the period end are under 18", "children looked after",
        f"""SELECT child, 'aged ' || age_on(dob, period_end) || ' at the period end' AS detail,
               age_on(dob, period_end) AS age
        FROM int_cla_at_period_end WHERE {P} ORDER BY child""",
        "ExpectColumnValuesToBeBetween", _one("age", 0, 17),
        "A young person leaves care by their 18th birthday: end the episode with its reason "
        "(or correct the date of birth).",
        needs=("Episodes",)),
    Check(
        "adopted-after-placement", "Episodes",
        "Children adopted in the last 12 months were placed for adoption first (A3–A6)",
        "children adopted",
        f"""SELECT e.child, 'adopted ' || {_d('e.dec')} AS detail,
               EXISTS (SELECT 1 FROM int_episodes a
                       WHERE a.la_code = e.la_code AND a.period_end = e.period_end
                         AND a.child = e.child AND a.place IN ({_in(PLACE_ADOPTION)})
                         AND a.decom <= e.decom) AS placed_for_adoption
        FROM int_episodes e JOIN int_periods w USING (la_code, period_end)
        WHERE e.la_code = $la AND e.period_end = $p AND e.rec IN ({_in(REC_ADOPTED)})
          AND e.dec BETWEEN w.window_start AND e.period_end ORDER BY e.child""",
        "ExpectColumnValuesToBeInSet", _flag("placed_for_adoption"),
        "Record the placement for adoption (A3–A6) before the adoption, or correct the "
        "reason the episode ended.",
        rule="390", needs=("Episodes",)),
    # --- Health (OC2) -----------------------------------------------------------------------
    Check(
        "oc2-only-cohort", "Health (OC2)",
        "OC2 rows are only for children in the OC2 cohort (looked after at the period end, "
        "continuously since before the collection year began)", "children in OC2",
        f"""WITH {OC2_COHORT}
        SELECT o.child, 'OC2 row, not in the cohort' AS detail,
               c.child IS NOT NULL AS in_cohort
        FROM (SELECT DISTINCT child FROM stg_oc2 WHERE {P}) o
        LEFT JOIN cohort c USING (child)
        ORDER BY o.child""",
        "ExpectColumnValuesToBeInSet", _flag("in_cohort"),
        "Remove the OC2 row, or correct the episodes if the child has been looked after for "
        "12 months.",
        rule="190", needs=("OC2",)),
    Check(
        "oc2-cohort-has-row", "Health (OC2)",
        "Every child in the OC2 cohort has an OC2 row", "children in the OC2 cohort",
        f"""WITH {OC2_COHORT}
        SELECT c.child, 'in the OC2 cohort, no OC2 row' AS detail,
               o.child IS NOT NULL AS has_oc2_row
        FROM cohort c
        LEFT JOIN (SELECT DISTINCT child FROM stg_oc2 WHERE {P}) o USING (child)
        ORDER BY c.child""",
        "ExpectColumnValuesToBeInSet", _flag("has_oc2_row"),
        "Record the child's health and offending information (OC2) in the case system.",
        rule="191", needs=("OC2",)),
    Check(
        "sdq-for-5-to-16", "Health (OC2)",
        "Children in the OC2 cohort aged 5 to 16 have an SDQ score, or a reason for none",
        "children aged 5 to 16 in the cohort",
        f"""WITH {OC2_COHORT}
        SELECT o.child, 'aged ' || age_on(h.dob, $p) || ', no SDQ score or reason' AS detail,
               o.sdq_score IS NOT NULL OR o.sdq_reason IS NOT NULL AS sdq_recorded
        FROM stg_oc2 o
        JOIN cohort c USING (child)
        JOIN (SELECT child, any_value(dob) AS dob FROM int_header WHERE {P} GROUP BY child) h
             USING (child)
        WHERE o.la_code = $la AND o.period_end = $p AND age_on(h.dob, $p) BETWEEN 5 AND 16
        ORDER BY o.child""",
        "ExpectColumnValuesToBeInSet", _flag("sdq_recorded"),
        "Record the SDQ score, or the reason (SDQ1–SDQ5) it was not completed.",
        rule="186", needs=("OC2",)),
    # --- Care leavers (OC3) -----------------------------------------------------------------
    Check(
        "oc3-birthdays", "Care leavers (OC3)",
        "OC3 rows are only for young people whose 17th to 21st birthday fell in the 12 "
        "months to the period end", "young people in OC3",
        f"""SELECT child, 'aged ' || age_on(dob, period_end) || ' at the period end' AS detail,
               age_on(dob, period_end) AS age
        FROM stg_oc3 WHERE {P} ORDER BY child""",
        "ExpectColumnValuesToBeBetween", _one("age", 17, 21),
        "Remove the OC3 row, or correct the date of birth.",
        rule="391", needs=("OC3",)),
    # --- Reviews and missing ----------------------------------------------------------------
    Check(
        "reviews-in-care", "Reviews and missing",
        "Every review is dated inside one of the child's episodes of care", "reviews",
        f"""SELECT r.child, 'review ' || {_d('r.review')} || ' (from the extract for '
                   || {_d('r.source_period_end')} || ')' AS detail,
               EXISTS (SELECT 1 FROM int_episodes e
                       WHERE e.la_code = r.la_code AND e.period_end = r.period_end
                         AND e.child = r.child AND e.decom <= r.review
                         AND (e.dec IS NULL OR r.review <= e.dec)) AS in_care
        FROM int_reviews r WHERE r.la_code = $la AND r.period_end = $p
          AND r.review IS NOT NULL ORDER BY r.child, r.review""",
        "ExpectColumnValuesToBeInSet", _flag("in_care"),
        "Correct the review date, or the episode dates, in the case system.",
        needs=("Reviews",)),
    Check(
        "missing-in-care", "Reviews and missing",
        "Every missing or away incident starts while the child is looked after",
        "missing incidents",
        f"""SELECT m.child, 'incident starting ' || {_d('m.mis_start')} AS detail,
               EXISTS (SELECT 1 FROM int_episodes e
                       WHERE e.la_code = m.la_code AND e.period_end = m.period_end
                         AND e.child = m.child AND e.decom <= m.mis_start
                         AND (e.dec IS NULL OR m.mis_start <= e.dec)) AS in_care
        FROM int_missing m WHERE m.la_code = $la AND m.period_end = $p
          AND m.mis_start IS NOT NULL ORDER BY m.child, m.mis_start""",
        "ExpectColumnValuesToBeInSet", _flag("in_care"),
        "Correct the incident's start date, or the episode dates.",
        rule="578, 581", needs=("Missing",)),
    Check(
        "missing-no-overlap", "Reviews and missing",
        "A child's missing or away incidents do not overlap, across the extracts loaded",
        "missing incidents after a child's first",
        f"""SELECT child, 'incident starting ' || {_d('mis_start')} || ' begins before the one '
                   || 'starting ' || {_d('previous_start')} || ' ended' AS detail,
               -- an incident still open in an earlier extract ended at some time after that
               -- extract's period end: it overlaps only what starts before then
               NOT (previous_end > mis_start OR (previous_end IS NULL
                                                 AND previous_source >= mis_start))
                   AS after_previous
        FROM (SELECT child, mis_start, lag(mis_start) OVER w AS previous_start,
                     lag(mis_end) OVER w AS previous_end,
                     lag(source_period_end) OVER w AS previous_source
              FROM int_missing WHERE {P} AND mis_start IS NOT NULL
              WINDOW w AS (PARTITION BY child ORDER BY mis_start))
        WHERE previous_start IS NOT NULL
        UNION ALL
        {_KEPT_OUT.format(rule="574", what="incident starting {}: overlaps the one before")}
        ORDER BY 1, 2""",
        "ExpectColumnValuesToBeInSet", _flag("after_previous"),
        "Give the earlier incident its end date, or correct the dates so they do not overlap.",
        rule="574", needs=("Missing",)),
    # --- Social workers ---------------------------------------------------------------------
    Check(
        "sw-has-team", "Social workers",
        "Every social worker with a child at the period end is in the staff-to-team extract "
        "with a team", "social workers",
        f"""SELECT NULL AS child, 'social worker ' || s.sw_id || ' has no team' AS detail,
               t.team IS NOT NULL AS has_team
        FROM (SELECT DISTINCT sw_id FROM stg_sw_episodes
              WHERE {P} AND sw_id IS NOT NULL
                AND {OPEN_AT_P.format(start='sw_decom', end='sw_dec')}) s
        LEFT JOIN (SELECT sw_id, any_value(team) AS team FROM stg_staff_teams WHERE {P}
                   GROUP BY sw_id) t USING (sw_id)
        ORDER BY s.sw_id""",
        "ExpectColumnValuesToBeInSet", _flag("has_team"),
        "Add the worker to the staff-to-team extract with their team; until then their "
        "children are shown under \"Unallocated team\".",
        needs=("SWEpisodes", "StaffTeams")),
    Check(
        "looked-after-has-social-worker", "Social workers",
        "Every child looked after at the period end has a social worker episode open then",
        "children looked after",
        f"""SELECT c.child, 'no social worker episode open at the period end' AS detail,
               s.child IS NOT NULL AS has_social_worker
        FROM int_cla_at_period_end c
        LEFT JOIN (SELECT DISTINCT child FROM stg_sw_episodes
                   WHERE {P} AND {OPEN_AT_P.format(start='sw_decom', end='sw_dec')}) s
               USING (child)
        WHERE c.la_code = $la AND c.period_end = $p ORDER BY c.child""",
        "ExpectColumnValuesToBeInSet", _flag("has_social_worker"),
        "Record the child's allocated social worker (SWEpisodes) in the case system.",
        rule="SW17STG2", needs=("SWEpisodes",)),
    # --- Local extracts ---------------------------------------------------------------------
    Check(
        "local-children-in-903", "Local extracts",
        "Every child in a local extract is in the 903 (Header or episodes) for the period",
        "children in local extracts",
        f"""WITH local AS ({_union(LOCAL_CHILD_TABLES, 'child')})
        SELECT l.child, l.file || ': not in the 903 for this period' AS detail,
               a.child IS NOT NULL AS in_903
        FROM local l
        LEFT JOIN (SELECT DISTINCT child FROM int_child_attributes WHERE {P}) a USING (child)
        ORDER BY l.file, l.child""",
        "ExpectColumnValuesToBeInSet", _flag("in_903"),
        "Correct the child's identifier in the local extract (it must be the 903's CHILD), "
        "or remove a child who was not looked after.",
        local_children=True),
    # --- Completeness -----------------------------------------------------------------------
    Check(
        "placement-postcode-known", "Completeness",
        "The placement postcode is recorded for most children looked after at the period end",
        "children looked after",
        f"""SELECT child, 'no placement postcode' AS detail,
               CASE WHEN nullif(trim(pl_post), '') IS NOT NULL THEN true END AS postcode
        FROM int_cla_at_period_end WHERE {P} ORDER BY child""",
        "ExpectColumnValuesToNotBeNull",
        lambda tol: {"column": "postcode", "mostly": tol["postcode_known"]},
        "Record the placement postcode (PL_POST): the distance and out-of-area measures "
        "need it.",
        needs=("Episodes",)),
    Check(
        "ethnicity-known", "Completeness",
        "Ethnicity is known (not blank, refused or not obtained) for most children in Header",
        "children in Header",
        f"""SELECT child, 'ethnicity ' || coalesce(ethnic, 'blank') AS detail,
               CASE WHEN ethnic IS NOT NULL AND ethnic NOT IN ('REFU', 'NOBT') THEN true END
                   AS ethnicity
        FROM (SELECT child, any_value(ethnic) AS ethnic FROM stg_header WHERE {P}
              GROUP BY child) ORDER BY child""",
        "ExpectColumnValuesToNotBeNull",
        lambda tol: {"column": "ethnicity", "mostly": tol["ethnicity_known"]},
        "Record the child's ethnicity: the breakdowns by ethnic group need it."),
    # --- Across periods ---------------------------------------------------------------------
    Check(
        "window-complete", "Across periods",
        "The extracts loaded cover the whole 12 months to the period end", "period ends",
        f"""SELECT NULL AS child, 'events (reviews, missing incidents, social workers) only '
                   || 'from ' || {_d('events_from')} || '; the 12 months start '
                   || {_d('window_start')} AS detail,
               window_complete
        FROM int_periods WHERE {P}""",
        "ExpectColumnValuesToBeInSet", _flag("window_complete"),
        "Load the extract for the 31 March before this period end (and any missing quarter), "
        "so the 12-month measures are complete."),
    Check(
        "episodes-agree-with-previous", "Across periods",
        "Episodes held in both this extract and the one before have the same placement, "
        "legal status and reason for the new episode", "episodes in both extracts",
        f"""SELECT e.child, 'episode starting ' || {_d('e.decom')} || ': '
                   || concat_ws(', ',
                        CASE WHEN NOT {_same_place('e.place', 'b.place')} THEN 'placement '
                             || coalesce(b.place, 'blank') || ' then ' || coalesce(e.place, 'blank') END,
                        CASE WHEN e.ls IS DISTINCT FROM b.ls THEN 'legal status '
                             || coalesce(b.ls, 'blank') || ' then ' || coalesce(e.ls, 'blank') END,
                        CASE WHEN e.rne IS DISTINCT FROM b.rne THEN 'RNE '
                             || coalesce(b.rne, 'blank') || ' then ' || coalesce(e.rne, 'blank') END)
                   AS detail,
               {_same_place('e.place', 'b.place')} AND e.ls IS NOT DISTINCT FROM b.ls
               AND e.rne IS NOT DISTINCT FROM b.rne AS unchanged
        FROM stg_episodes e
        JOIN stg_episodes b ON b.la_code = e.la_code AND b.period_end = $prev
                           AND b.child = e.child AND b.decom = e.decom
        WHERE e.la_code = $la AND e.period_end = $p ORDER BY e.child, e.decom""",
        "ExpectColumnValuesToBeInSet", _flag("unchanged"),
        "An episode's placement, legal status or reason changed between extracts: the "
        "earlier period's figures used the old values. Check which is right in the case "
        "system.",
        needs=("Episodes",), across=True),
    Check(
        "dob-agrees-with-previous", "Across periods",
        "A child's date of birth is the same as in the extract before", "children in both",
        f"""SELECT h.child, 'date of birth ' || {_d('b.dob')} || ' then ' || {_d('h.dob')}
                   AS detail,
               h.dob = b.dob AS same_date_of_birth
        FROM (SELECT child, any_value(dob) AS dob FROM stg_header
              WHERE {P} AND dob IS NOT NULL GROUP BY child) h
        JOIN (SELECT child, any_value(dob) AS dob FROM stg_header
              WHERE la_code = $la AND period_end = $prev AND dob IS NOT NULL GROUP BY child) b
             USING (child)
        ORDER BY h.child""",
        "ExpectColumnValuesToBeInSet", _flag("same_date_of_birth"),
        "Correct the date of birth in the case system: ages, cohorts and age bands depend "
        "on it.",
        rule="203", across=True),
    Check(
        "headline-counts-steady", "Across periods",
        "Headline counts move by no more than the tolerance since the period end before",
        "headline counts",
        f"""WITH counts AS (
            -- as each extract itself has them: the warehouse carries a child the extract
            -- left out over from the extract before, so its own count would not drop
            SELECT 'Children looked after at the period end, in the extract' AS metric,
                   period_end, count(DISTINCT child) AS n FROM stg_episodes
            WHERE la_code = $la AND period_end IN ($p, $prev) AND decom <= period_end
              AND (dec IS NULL OR dec > period_end)
              AND coalesce(ls, '') NOT IN ({_in(LS_SHORT_BREAK)})
            GROUP BY ALL
            UNION ALL
            SELECT 'Children looked after in the 12 months', period_end, count(*)
            FROM int_looked_after_during_window
            WHERE la_code = $la AND period_end IN ($p, $prev) GROUP BY ALL
            UNION ALL
            SELECT 'Periods of care starting in the 12 months', p.period_end, count(*)
            FROM int_periods_of_care c JOIN int_periods p USING (la_code, period_end)
            WHERE la_code = $la AND p.period_end IN ($p, $prev) AND NOT c.start_unknown
              AND c.start_date BETWEEN p.window_start AND p.period_end GROUP BY ALL
            UNION ALL
            SELECT 'Children leaving care in the 12 months', period_end, count(*)
            FROM int_leaving_care WHERE la_code = $la AND period_end IN ($p, $prev)
            GROUP BY ALL
            UNION ALL
            SELECT 'Children in the OC2 cohort', period_end, count(*) FROM int_cohort_oc2
            WHERE la_code = $la AND period_end IN ($p, $prev) GROUP BY ALL
        ),
        paired AS (
            SELECT metric, coalesce(max(n) FILTER (WHERE period_end = $prev), 0) AS before,
                   coalesce(max(n) FILTER (WHERE period_end = $p), 0) AS now
            FROM counts GROUP BY metric
        )
        SELECT NULL AS child,
               metric || ': ' || before || ' at ' || strftime($prev, '%d/%m/%Y') || ', '
                   || now || ' at ' || strftime($p, '%d/%m/%Y') AS detail,
               -- a change smaller than count_minimum children is never a jump
               CASE WHEN abs(now - before) >= $count_minimum
                    THEN round((now - before) / greatest(before, 1), 4) END AS change
        FROM paired ORDER BY metric""",
        "ExpectColumnValuesToBeBetween",
        lambda tol: {"column": "change", "min_value": -tol["count_change"],
                     "max_value": tol["count_change"]},
        "A count moved more than expected since the period end before: check that the "
        "extract is complete (every team and every child) before the figures are used.",
        needs=("Episodes",), across=True),
    Check(
        "placement-mix-steady", "Across periods",
        "Each type of placement's share of children looked after moves by no more than the "
        "tolerance since the period end before", "placement types",
        """WITH shares AS (
            SELECT period_end, placement_type_group AS type,
                   count(*) / sum(count(*)) OVER (PARTITION BY period_end) AS share
            FROM int_child_attributes
            WHERE la_code = $la AND period_end IN ($p, $prev) AND looked_after_at_period_end
            GROUP BY period_end, placement_type_group
        ),
        paired AS (
            SELECT type, coalesce(max(share) FILTER (WHERE period_end = $prev), 0) AS before,
                   coalesce(max(share) FILTER (WHERE period_end = $p), 0) AS now
            FROM shares GROUP BY type
        )
        SELECT NULL AS child,
               type || ': ' || round(100 * before, 1) || '% then ' || round(100 * now, 1)
                   || '%' AS detail,
               -- rounded, so a move of exactly the tolerance is not a float's hair over it
               round(100 * (now - before), 2) AS change_points
        FROM paired ORDER BY type""",
        "ExpectColumnValuesToBeBetween",
        lambda tol: {"column": "change_points", "min_value": -tol["share_points"],
                     "max_value": tol["share_points"]},
        "The mix of placements moved more than expected: check the placement types (PLACE) "
        "recorded for the children whose placement changed.",
        needs=("Episodes",), across=True),
    Check(
        "age-mix-steady", "Across periods",
        "The ages of children looked after are distributed much as at the period end before "
        "(KL divergence within the tolerance)", "children looked after",
        """SELECT NULL AS child, age_band AS detail, age_band
        FROM int_child_attributes
        WHERE la_code = $la AND period_end = $p AND looked_after_at_period_end
        ORDER BY age_band""",
        "ExpectColumnKLDivergenceToBeLessThan",
        lambda tol: {"column": "age_band", "threshold": tol["age_divergence"]},
        "The ages of the children looked after changed more than expected: check dates of "
        "birth, and that no group of children is missing from the extract.",
        needs=("Episodes",), across=True,
        extra={"partition": """
            SELECT age_band, count(*) AS n FROM int_child_attributes
            WHERE la_code = $la AND period_end = $prev AND looked_after_at_period_end
            GROUP BY age_band""",
               # with fewer children, one child's birthday moves a band's share by 5
               # points or more
               "minimum": 20}),
]

BY_KEY = {check.key: check for check in SUITE}


def _by_key(key: str) -> Check:
    return BY_KEY[key]


AGE_BANDS = ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over", "Not known"]
