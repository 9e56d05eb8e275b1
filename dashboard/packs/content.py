"""What each pack says, as plain data: sections of headings, paragraphs, tables and plotly
figures with their text alternatives. `document` lays it out; nothing here knows HTML.

Every figure is read through the data layer (`access`) with the pack's viewer (see
`build.viewer`): the board pack as members see figures (small numbers already suppressed
there, and only verified benchmarks), the Ofsted pack as a manager of its remit. The words
are the dashboard's own (`board`, `components`, `figures`), so a pack never says a figure
differently from the screen. Only the loaded periods up to the pack's period end are used,
so a pack built again after a later load says the same.
"""
from __future__ import annotations

import datetime as dt

from dashboard import access, board, figures
from dashboard.components import (benchmark_cells, benchmark_text, direction_text, fmt,
                                  fmt_date, fmt_part, no_data, no_data_reason, own_files,
                                  status_label, status_text, without_file)
from dashboard.pages.commentary import summary as commentary_summary
from dashboard.themes import (CONTEXT, OUTCOME_TEXT, outcome_indicators, principle_indicators,
                              principle_title, PRINCIPLE_HEADLINES, OUTCOME_HEADLINES)
from etl.indicators import judgement
from etl.indicators.catalogue import BY_ID, CATALOGUE, OUTCOMES, PRINCIPLES

COMPARATORS = ("England", "Region", "Statistical neighbours")
SUPPRESSION = ("c: hidden because it concerns five or fewer children, or would let such a "
               "figure be worked out from the others.")


# --- blocks: the pieces `document` knows how to lay out --------------------------------------

def heading(text: str, level: int = 2) -> dict:
    return {"type": f"h{level}", "text": text}


def para(text: str, style: str = "") -> dict:
    return {"type": "p", "text": text, "style": style}


def items(texts: list[str], ordered: bool = False) -> dict:
    return {"type": "ol" if ordered else "ul", "items": texts}


def table(caption: str, headers: list[str], rows: list[list[str]], style: str = "",
          groups: list[tuple[str, list[list[str]]]] | None = None) -> dict:
    """A table; with `groups`, rows under group headings (a principle's name, say)."""
    return {"type": "table", "caption": caption, "headers": headers, "rows": rows,
            "groups": groups, "style": style}


def chart(figure, alt: str, caption: str) -> dict:
    return {"type": "figure", "figure": figure, "alt": alt, "caption": caption}


def charts(*blocks: dict) -> dict:
    """Charts side by side (two to a row in print)."""
    return {"type": "charts", "items": [b for b in blocks if b]}


def section(key: str, title: str, blocks: list[dict], new_page: bool = True,
            wide: bool = False) -> dict:
    """A section of a pack; `wide` sets it on landscape pages (a table of many columns)."""
    return {"id": key, "title": title, "blocks": [b for b in blocks if b],
            "new_page": new_page, "wide": wide}


# --- what both packs read ----------------------------------------------------------------------

class Reading:
    """One council's figures at one period end as the pack's viewer may see them, read once."""

    def __init__(self, user: access.User, la: str, period_end: dt.date):
        self.user, self.la, self.period_end = user, la, period_end
        result = access.indicators(user, la, period_end)
        self.la_name = result["la_name"]
        self.rows = {r["id"]: r for r in result["indicators"]}
        self.periods = [p for p in access.periods(la) if p <= period_end]
        self.history = {i: [(p, r) for p, r in trend if p <= period_end]
                        for i, trend in access.history(user, la).items()}
        self.notes = access.commentary(user, la, period_end)

    def points(self, indicator_id: str) -> list[dict]:
        return [{"period_end": p, **r} for p, r in self.history.get(indicator_id, [])]

    def england(self, row: dict):
        """The England figure drawn on a trend: verified only (the packs are for readers who
        see verified benchmarks)."""
        return judgement.benchmarks_for(row.get("benchmarks"), True).get("england", {}) \
            .get("value")

    def trend_chart(self, indicator_id: str) -> dict | None:
        row = self.rows.get(indicator_id)
        points = self.points(indicator_id)
        # nothing to draw for a measure no loaded period has data for (its table says so)
        if row is None or all(no_data(p) for p in points):
            return None
        title = f"{BY_ID[indicator_id].title} over time"
        args = (points, row["unit"], title, row["target"], self.england(row))
        return chart(figures.trend_figure(*args), figures.trend_alt(*args), title)

    def said(self, indicator_id: str) -> str | None:
        return commentary_summary(self.notes.get(indicator_id))


def measure_cells(reading: Reading, indicator_id: str) -> list[str]:
    """One measure's row: now, status, target, change since the same point last year,
    benchmarks."""
    entry, row = BY_ID[indicator_id], reading.rows.get(indicator_id)
    if row is None:
        return [entry.title, "No children in scope", "", "", "", ""]
    target = "" if row["target"] is None else fmt(row["target"], row["unit"])
    return [entry.title, board.now_text(row), status_text(row), target, direction_text(row),
            benchmark_text(row) or "None published"]


MEASURE_HEADERS = ["Measure", "Now", "Status", "Target", "Since the same point last year",
                   "Benchmarks"]


def commentary_blocks(reading: Reading, ids: list[str]) -> list[dict]:
    written = [(i, reading.said(i)) for i in dict.fromkeys(ids)]
    written = [(i, words) for i, words in written if words]
    if not written:
        return [heading("Commentary and actions", 3),
                para("No commentary or action was written for these measures for this "
                     "period.", "muted")]
    return [heading("Commentary and actions", 3),
            items([f"{BY_ID[i].title}. {words}" for i, words in written])]


def provenance(la: str, la_name: str, kind: str, period_end: dt.date, built_on: dt.date,
               viewer: access.User) -> dict:
    """What the pack was built from: each load (id, extract period, files and their
    checksums) whose figures it can use, and the warehouse file. `build` adds the code."""
    from dashboard.packs.build import warehouse_name

    return {
        "kind": kind, "la": la, "la_name": la_name, "period_end": period_end.isoformat(),
        "built_on": built_on.isoformat(),
        "scope": "the whole council" if viewer.teams is None else
                 "teams: " + ", ".join(sorted(viewer.teams)),
        "figures": "as members see them (small numbers suppressed)" if viewer.suppressed
                   else "as managers see them (not suppressed)",
        "warehouse": warehouse_name(),
        "loads": access.loads_behind(la, period_end),
    }


def data_quality_blocks(viewer: access.User, la: str, period_end: dt.date) -> list[dict]:
    """The data-quality statement: each load used, what was read, loaded and kept out, the
    most frequent problems by rule, and the checks across the warehouse not met. Counts only
    (and for members, not even those of the checks): no child, no value."""
    found = access.data_quality(la)
    loads = [l for l in found["loads"] if l["period_end"] <= period_end
             and l["status"] != "superseded"]
    loads.sort(key=lambda l: l["period_end"])
    blocks = [para("Every extract is checked against the Department for Education's rules "
                   "before it is loaded. A row that breaks a rule badly enough is kept out and "
                   "reported to the council's analysts; a single bad value is blanked and the "
                   "rest of the row is kept. The figures in this pack are worked out from what "
                   "was loaded.")]
    if not loads:
        return blocks + [para("No load is recorded for this period.")]
    blocks.append(table(
        "The extracts behind these figures",
        ["Extract period end", "Loaded", "Rows read", "Rows loaded", "Rows kept out",
         "Values blanked", "Problems reported"],
        [[fmt_date(l["period_end"]), f"{l['loaded_at']:%-d %b %Y}", f"{l['rows_read']:,}",
          f"{l['rows_loaded']:,}", f"{l['kept_out']:,}", f"{l['blanked']:,}",
          f"{l['problems']:,}"] for l in loads]))
    latest = loads[-1]
    rules = found["by_rule"].get(latest["load_id"], [])[:8]
    if rules:
        blocks.append(table(
            f"The most frequent problems in the extract for {fmt_date(latest['period_end'])}",
            ["Rule", "What it checks", "Rows", "What was done"],
            [[r["rule"], r["message"], f"{r['rows']:,}", r["action"]] for r in rules]))
    blocks += local_blocks(viewer, la, latest)
    blocks += check_blocks(viewer, la, latest)
    if not viewer.sees_child_level:
        blocks.append(para("Analysts can see every problem, row by row, on the dashboard's "
                           "data quality page.", "muted"))
    return blocks


def local_blocks(viewer: access.User, la: str, load: dict) -> list[dict]:
    """Which of the council's own files (beyond the 903) the latest load holds, and the
    measures that say "no data" for want of the others: the data-quality page's words, with
    names only (no counts)."""
    found = access.local_extracts(viewer, la, load["load_id"])
    if not found:
        return []
    have = [e for e in found if e["loaded"]]
    lacking = [without_file(e) for e in found if not e["loaded"]]
    return [para(f"Besides the return to the Department for Education (the 903), a council "
                 f"sends files of its own: {own_files(found)}. The extract for "
                 f"{fmt_date(load['period_end'])} has {len(have)} of the {len(found)}"
                 + (f": {own_files(have)}." if have else ".")),
            items(lacking) if lacking else None]


def check_blocks(viewer: access.User, la: str, load: dict) -> list[dict]:
    """The checks across the warehouse that the latest load ran (etl.quality), as the
    viewer may see them: those not met, with what they found for officers only."""
    found = access.quality_checks(viewer, la)
    results = found["results"].get(load["load_id"])
    when = fmt_date(load["period_end"])
    if not results:
        return [para(f"The checks across the loaded data were not run for the extract for "
                     f"{when}: it was loaded before they existed.")]
    not_met = [r for r in results if r["success"] is False]
    not_run = sum(r["success"] is None for r in results)
    blocks = [para(
        f"Once loaded, the extract for {when} was checked as a whole against {len(results)} "
        "expectations (across files, across each child's history and against the period end "
        f"before): {len(results) - len(not_met) - not_run} met, {len(not_met)} not met, "
        f"{not_run} not run.")]
    if not_met:
        counts = not viewer.suppressed
        blocks.append(table(
            f"Checks not met by the extract for {when}",
            ["Check", "DfE rule", *(["Found"] if counts else []), "What to do"],
            [[r["title"], r["rule"] or "—", *([r["observed"]] if counts else []), r["fix"]]
             for r in not_met]))
    return blocks


def reading_notes(viewer: access.User) -> list[str]:
    notes = ["Status is given in words and a symbol: ✓ on target, ! near target (within the "
             "tolerance), ✕ off target. It never relies on colour.",
             "Changes are against the same point last year. A figure for only part of a year "
             "(marked part year) is not compared with a full year.",
             "Benchmarks are the latest published figures for England, the region and the "
             "council's statistical neighbours; only figures checked against their source "
             "are shown."]
    if viewer.suppressed:
        notes.insert(0, SUPPRESSION)
    return notes


# --- the board pack ----------------------------------------------------------------------------

def board_pack(viewer: access.User, la: str, period_end: dt.date, built_on: dt.date) -> dict:
    reading = Reading(viewer, la, period_end)
    homes = board.headline_homes()
    every = [i for ids in homes.values() for i in ids]
    sections = [
        section("attention", "What needs attention", attention_blocks(reading, every)),
        section("scorecard", "Scorecard", scorecard_blocks(reading, homes), wide=True),
        section("changed", "What changed since the last board",
                changed_blocks(reading, every), new_page=False),
    ]
    for number in sorted(PRINCIPLES):
        sections.append(theme_section(reading, f"principle-{number}", principle_title(number),
                                      "", principle_indicators(number),
                                      PRINCIPLE_HEADLINES[number]))
    for outcome in OUTCOMES:
        sections.append(theme_section(
            reading, f"outcome-{outcome.replace(' ', '-')}", f"Outcome: {outcome}",
            OUTCOME_TEXT[outcome], outcome_indicators(outcome), OUTCOME_HEADLINES[outcome]))
    sections.append(section("data-quality", "Data quality",
                            data_quality_blocks(viewer, la, period_end)))
    return {
        "kind": "board", "title": "Corporate parenting board pack", "la": la,
        "la_name": reading.la_name, "period_end": period_end, "built_on": built_on,
        "subject": f"Corporate parenting board pack for {reading.la_name}, figures at "
                   f"{fmt_date(period_end)}",
        "marking": "OFFICIAL",
        "audience": "For the corporate parenting board. Figures as members see them on the "
                    "dashboard: no child can be identified from them.",
        "notes": reading_notes(viewer),
        "sections": sections,
        "provenance": provenance(la, reading.la_name, "board", period_end, built_on, viewer),
    }


def attention_blocks(reading: Reading, ids: list[str]) -> list[dict]:
    found = board.exceptions(reading.rows, ids)
    if not found:
        return [para("Every measure with a target is on target or near it, and none is worse "
                     "than at the same point last year.")]
    return [para("The measures off target (furthest first), then those worse than at the "
                 "same point last year."), items([f["words"] for f in found], ordered=True)]


def scorecard_blocks(reading: Reading, homes: dict[int, list[str]]) -> list[dict]:
    last_year = board.same_point_last_year(reading.period_end)
    earlier = board.earlier_periods(reading.periods, reading.period_end, count=2)
    headers = ["Measure", f"Now ({fmt_date(reading.period_end)})", "Status", "Target",
               f"Same point last year ({fmt_date(last_year)})", "Change",
               *[fmt_date(p) for p in earlier], *COMPARATORS]
    groups = []
    for number, ids in homes.items():
        rows = []
        for i in ids:
            row, trend = reading.rows.get(i), reading.history.get(i, [])
            if row is None:
                rows.append([BY_ID[i].title, "No children in scope"] +
                            [""] * (len(headers) - 2))
                continue
            cells = benchmark_cells(row)
            rows.append([
                BY_ID[i].title, board.now_text(row), status_text(row),
                "" if row["target"] is None else fmt(row["target"], row["unit"]),
                board.cell_text(board.value_at(trend, last_year)), board.change_text(row),
                *[board.cell_text(board.value_at(trend, p)) for p in earlier],
                *[cells.get(name, "") for name in COMPARATORS]])
        groups.append((principle_title(number), rows))
    context = table("Context: the children the council looks after",
                    MEASURE_HEADERS[:3] + MEASURE_HEADERS[4:5],
                    [[c for k, c in enumerate(measure_cells(reading, i)) if k in (0, 1, 2, 4)]
                     for i in CONTEXT])
    return [context,
            para("Every headline measure once, grouped by the corporate parenting principle "
                 "it serves."),
            table(f"Scorecard at {fmt_date(reading.period_end)}", headers, [], "scorecard",
                  groups=groups),
            *no_data_blocks(reading, [i for ids in homes.values() for i in ids]),
            para("No data: the extract for that date does not include the file the measure "
                 "needs (not the same as zero). Not loaded: no extract for that date. Not "
                 "compared: no figure for the same point last year, or one of the two covers "
                 "only part of a year.", "muted")]


def no_data_blocks(reading: Reading, ids: list[str]) -> list[dict]:
    """The measures that say "no data" this period, and why, in plain sentences."""
    lines = board.no_data_lines(reading.rows, ids)
    return [items(lines)] if lines else []


def changed_blocks(reading: Reading, ids: list[str]) -> list[dict]:
    """Each headline measure now and at the period before (the last board's figures), where
    both cover a full year; a move in points for percentages."""
    before = [p for p in reading.periods if p < reading.period_end]
    if not before:
        return [para("This is the first period loaded: there is nothing earlier to compare "
                     "with.")]
    last = before[-1]
    rows = []
    for i in dict.fromkeys(ids):
        now = reading.rows.get(i)
        then = board.value_at(reading.history.get(i, []), last)
        if now is None:
            continue
        rows.append([BY_ID[i].title, board.cell_text(then), board.now_text(now),
                     since_last(now, then)])
    return [para(f"Each headline measure at {fmt_date(last)} (the period before this one) "
                 f"and at {fmt_date(reading.period_end)}."),
            table(f"Headline measures at {fmt_date(last)} and {fmt_date(reading.period_end)}",
                  ["Measure", fmt_date(last), fmt_date(reading.period_end), "Change"], rows)]


def since_last(now: dict, then: dict | None) -> str:
    if then is None:
        return "Not loaded then"
    if no_data(now) or no_data(then):
        return "Not compared (no data)"
    values = (now.get("value"), then.get("value"))
    if not all(isinstance(v, (int, float)) for v in values):
        return "Not compared (a figure is hidden or missing)"
    if not (now.get("window_complete", True) and then.get("window_complete", True)):
        return "Not compared (part year)"
    change = values[0] - values[1]
    if abs(change) < 1e-9:
        return "■ No change"
    unit = now["unit"]
    size = fmt(abs(change), "count" if unit == "count" else "score") + \
        (" points" if unit == "%" else "")
    word = "up" if change > 0 else "down"
    better = {"up": change > 0, "down": change < 0}.get(now["polarity"])
    judged = "" if better is None else (" (better)" if better else " (worse)")
    return f"{'▲' if change > 0 else '▼'} {word} {size}{judged}"


def theme_section(reading: Reading, key: str, title: str, intro: str, ids: list[str],
                  headlines: list[str]) -> dict:
    blocks = [para(intro)] if intro else []
    blocks.append(table(f"{title}: every measure at {fmt_date(reading.period_end)}",
                        MEASURE_HEADERS, [measure_cells(reading, i) for i in ids]))
    blocks += no_data_blocks(reading, ids)
    trends = [reading.trend_chart(i) for i in headlines]
    blocks.append(charts(*trends))
    blocks += commentary_blocks(reading, ids)
    return section(key, title, blocks)


# --- the Ofsted preparation pack ---------------------------------------------------------------

# The order an ILACS inspection looks at children in care, then permanence, care leavers and
# the workforce. A measure of the catalogue placed nowhere below goes under "Other measures",
# so a measure added to the catalogue is never left out.
OFSTED_TOPICS = [
    ("Stability", ["placement_stability_short", "placement_stability_long",
                   "placement_breakdowns"]),
    ("Placements", ["family_based_placements", "kinship_share", "kinship_all",
                    "under12_in_residential", "secure_or_custody"]),
    # the council's own siblings file
    ("Brothers and sisters", ["siblings_placed_together", "siblings_apart_unassessed"]),
    ("Distance from home", ["placed_over_20_miles", "placed_out_of_area"]),
    ("Missing from care", ["missing_children", "away_children"]),
    ("Reviews", ["reviews_on_time"]),
    ("Health", ["health_assessment", "dental_check", "immunisations",
                "health_surveillance_under5", "sdq_completion", "sdq_average", "sdq_concern",
                "substance_misuse", "substance_intervention", "young_parents"]),
    ("Education", ["pep_in_date", "persistent_absence", "school_moves"]),
    # reviews from the 903; advocacy, independent visitors and consultation from the
    # council's own voice and advocacy file
    ("Children's voice", ["review_participation", "review_spoke_for_self", "views_sought_12m",
                          "advocacy_offered", "independent_visitor_matched"]),
    ("Offending", ["convictions"]),
]
OFSTED_PARTS = [
    # permanence planning from the council's own file; the rest from the 903
    ("permanence", "Permanence and adoption", ["permanence_plan_4_months", "permanence_exits",
                                               "adoption_days_to_move_in", "re_entries_12m"]),
    # the OC3 cohort (17 to 21) from the 903, and the council's own care leavers 18 to 25 file
    ("care-leavers", "Care leavers", [e.id for e in CATALOGUE if e.id.startswith("care_leavers")]
     + ["staying_put"]),
    ("workforce", "Workforce: social worker changes", ["sw_changes_2plus"]),
]


def ofsted_pack(viewer: access.User, la: str, period_end: dt.date, built_on: dt.date) -> dict:
    reading = Reading(viewer, la, period_end)
    teams = reading_teams(reading)
    placed = set(CONTEXT) | {i for _, ids in OFSTED_TOPICS for i in ids} | \
        {i for _, _, ids in OFSTED_PARTS for i in ids}
    others = [e.id for e in CATALOGUE if e.id not in placed]
    sections = [section("context", "Context: children looked after",
                        context_blocks(reading))]
    in_care = []
    for topic, ids in OFSTED_TOPICS + ([("Other measures", others)] if others else []):
        in_care += [heading(topic, 3)] + measure_blocks(reading, teams, ids)
    sections.append(section("children-in-care", "Children in care", in_care))
    for key, title, ids in OFSTED_PARTS:
        sections.append(section(key, title, measure_blocks(reading, teams, ids)))
    sections.append(section("data-quality", "Data quality",
                            data_quality_blocks(viewer, la, period_end)))
    scope = "the whole council" if viewer.teams is None else \
        "these teams only: " + ", ".join(sorted(viewer.teams))
    return {
        "kind": "ofsted", "title": "Ofsted preparation pack", "la": la,
        "la_name": reading.la_name, "period_end": period_end, "built_on": built_on,
        "subject": f"Ofsted preparation pack for {reading.la_name}, figures at "
                   f"{fmt_date(period_end)}",
        "marking": "OFFICIAL-SENSITIVE",
        "audience": f"For managers and inspectors. Figures for {scope}, not suppressed: "
                    "small numbers are shown as they are. Handle as OFFICIAL-SENSITIVE.",
        "notes": reading_notes(viewer),
        "sections": sections,
        "provenance": provenance(la, reading.la_name, "ofsted", period_end, built_on, viewer),
    }


def reading_teams(reading: Reading) -> dict[str, list[dict]]:
    """Each measure's team rows at the period end (inside the viewer's remit)."""
    out: dict[str, list[dict]] = {}
    for row in access.indicators(reading.user, reading.la, reading.period_end,
                                 "team")["indicators"]:
        out.setdefault(row["id"], []).append(row)
    return out


def trend_table(reading: Reading, ids: list[str], caption: str) -> dict:
    headers = ["Measure", *[fmt_date(p) for p in reading.periods], "Status", "Target",
               "Benchmarks"]
    rows = []
    for i in ids:
        row = reading.rows.get(i)
        values = {p: r for p, r in reading.history.get(i, [])}
        rows.append([BY_ID[i].title,
                     *[board.cell_text(values.get(p)) if values.get(p) else "not loaded"
                       for p in reading.periods],
                     status_text(row) if row else "No children in scope",
                     "" if not row or row["target"] is None else fmt(row["target"], row["unit"]),
                     (benchmark_text(row) or "None published") if row else ""])
    return table(caption, headers, rows, "trend-table")


def context_blocks(reading: Reading) -> list[dict]:
    return [para("The children the council looks after, over every period loaded."),
            trend_table(reading, CONTEXT, "Children looked after: context by period"),
            charts(reading.trend_chart("cla_at_period_end"),
                   reading.trend_chart("cla_starts"))]


def measure_blocks(reading: Reading, teams: dict[str, list[dict]], ids: list[str]
                   ) -> list[dict]:
    ids = [i for i in ids if i in BY_ID]
    blocks = [trend_table(reading, ids, "By period, with status, target and benchmarks")]
    for i in ids:
        row = reading.rows.get(i)
        if row is None:
            continue
        entry = BY_ID[i]
        parts = ""
        if row["unit"] in ("%", "score") and row["denominator"] not in (None, "c"):
            parts = f" ({fmt_part(row['numerator'])} of {fmt_part(row['denominator'])})"
        if no_data(row):  # why there is no figure, once: not a status or a direction
            words = [f"{entry.title}: no data. {no_data_reason(row)}"]
        else:
            words = [f"{entry.title}: {fmt(row['value'], row['unit'])}{parts}, "
                     f"{status_label(row).lower()}. {direction_text(row)}."]
            if row.get("note"):
                words.append(row["note"].capitalize() + ".")
        said = reading.said(i)
        if said:
            words.append(said)
        blocks.append(para(" ".join(words), "measure-line"))
        funnel = None
        if entry.unit == "%" and isinstance(row["value"], (int, float)):
            units = teams.get(i, [])
            title = f"{entry.title}: teams against the council ({fmt(row['value'], '%')})"
            if figures.funnel_shown(units):
                funnel = chart(figures.funnel_figure(units, row["value"], title),
                               figures.funnel_alt(units, row["value"], title,
                                                  table_below=False), title)
        blocks.append(charts(reading.trend_chart(i), funnel))
    return blocks
