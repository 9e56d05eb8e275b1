"""The data-quality page: what each load of the council shown found, by rule, and what was done
to each problem (the row kept out, the value blanked, or only reported); which of the council's
own files (the local extracts) it holds, and the measures that say "no data" without the others;
beside them the checks the load ran across the warehouse (warehouse_checks); the loads with
their counts and the trend across period ends. Counts only, for every role (members see
whether each check across the warehouse was met, and which own files were loaded, without their
counts); analysts also get a link to each load's rejects report (child ids and values), served
by the app (app.py)."""
from __future__ import annotations

import datetime as dt
import urllib.parse

from dash import html

from dashboard import access, figures, rendered
from dashboard.components import fmt_date, link, own_files, table, without_file
from dashboard.pages import warehouse_checks
from dashboard.view import View
from schemas.rules import BLANKED, KEPT_OUT, NOT_RECORDED, REPORTED
from schemas.tables import TABLES


def chosen_load(loads: list[dict], period: dt.date | None, requested: str | None
                ) -> dict | None:
    """The load whose problems are shown: the one the URL names (if it is one of this
    council's), else the active load of the chosen period end."""
    for load in loads:
        if requested and load["load_id"] == requested:
            return load
    for load in loads:
        if load["status"] == "active" and load["period_end"] == period:
            return load
    return None


def done(load: dict) -> dict[str, int | str]:
    """How many rows were kept out, and how many problems blanked a value or were only
    reported. A load made before actions were recorded says so rather than showing 0."""
    old = load["not_recorded"] > 0
    return {KEPT_OUT: load["rows_rejected"],
            BLANKED: NOT_RECORDED if old else load["blanked"],
            REPORTED: NOT_RECORDED if old else load["reported"]}


def count(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def summary(load: dict) -> str:
    actions = done(load)
    if actions[BLANKED] == NOT_RECORDED:
        return (f"{load['problems']:,} problem(s) found; {count(actions[KEPT_OUT])} "
                "row(s) kept out of every figure. This load was made before what was done to "
                "each problem was recorded.")
    return (f"{load['problems']:,} problem(s) found: {count(actions[KEPT_OUT])} row(s) "
            f"kept out of every figure, {count(actions[BLANKED])} value(s) blanked "
            f"(the rest of the row used), {count(actions[REPORTED])} reported only "
            "(used as they are).")


def report_links(view: View, load: dict) -> list:
    """Links to a load's rejects report, for analysts only: it names children and values."""
    if view.user.role not in access.REPORT_ROLES:
        return []
    quoted = urllib.parse.quote(load["load_id"], safe="")
    when = f"the load at {fmt_date(load['period_end'])} made {load['loaded_at']:%d/%m/%Y %H:%M}"
    return [html.A(["HTML", html.Span(f" rejects report for {when}", className="visually-hidden")],
                   href=f"/reports/{quoted}/rejects.html"), " ",
            html.A(["CSV", html.Span(f" rejects report for {when}", className="visually-hidden")],
                   href=f"/reports/{quoted}/rejects.csv")]


def load_link(view: View, load: dict, latest: dt.date | None):
    """The load's time, linking to its problems by rule (each load's time is its own)."""
    query = {"la": view.filters.get("la"), "load": load["load_id"],
             "period": None if load["period_end"] == latest else load["period_end"].isoformat()}
    return link(f"{load['loaded_at']:%d/%m/%Y %H:%M}", "/data-quality", query)


def local_section(view: View, load: dict, found: list[dict]) -> list:
    """The council's own files in the load (`found`: access.local_extracts): which were
    loaded, with their rows and problems (for officers: members see no counts, as for the
    checks), and for each missing one what says "no data" without it."""
    if not found:
        return []
    counts = not view.user.suppressed
    loaded = [e for e in found if e["loaded"]]
    missing = [e for e in found if not e["loaded"]]
    heading = (f"The council's own files in the load at {fmt_date(load['period_end'])} made "
               f"{load['loaded_at']:%d/%m/%Y %H:%M}")
    return [
        html.H2("The council's own files"),
        html.P("Besides the return to the Department for Education (the 903), a council "
               f"sends files of its own: {own_files(found)}. This load has {len(loaded)} of "
               f"the {len(found)}.", className="plain"),
        table(heading, ["File", "Loaded", *(["Rows read", "Rows loaded", "Rows kept out",
                                             "Problems"] if counts else [])],
              [[TABLES[e["table"]].file_label.capitalize(),
                (f"Yes ({e['file']})" if e["file"] else "Yes") if e["loaded"] else "Not loaded",
                *([count(e[k]) if e["loaded"] else "" for k in access.LOCAL_EXTRACT_COUNTS]
                  if counts else [])] for e in found]),
        html.Ul([html.Li(without_file(e)) for e in missing], className="no-data-list")
        if missing else None,
    ]


def trend(loads: list[dict]) -> list[dict]:
    """The active load of each period end, oldest first."""
    return sorted((load for load in loads if load["status"] == "active"),
                  key=lambda load: load["period_end"])


def layout(view: View) -> list:
    # read for every view, with the data layer's checks and audits (the rows each failed
    # check found, for analysts), in the order the page shows them; drawn once for those who
    # see alike
    quality = access.data_quality(view.la)
    checks = access.quality_checks(view.user, view.la)
    load = chosen_load(quality["loads"], view.period, view.params.get("load"))
    local = read = None
    if load is not None:
        local = access.local_extracts(view.user, view.la, load["load_id"])
        read = warehouse_checks.reading(view, load, checks)
    return rendered.part("data-quality", view,
                         lambda: draw(view, quality, checks, load, local, read),
                         read and read["docs"])


def draw(view: View, quality: dict, checks: dict, load: dict | None, local: list | None,
         read: dict | None) -> list:
    """The page from what `layout` read."""
    loads, by_rule = quality["loads"], quality["by_rule"]
    name = access.config(view.la).name
    analyst = view.user.role in access.REPORT_ROLES
    content = [
        html.H1("Data quality"),
        html.P(f"What each load of {name}'s extracts found. Rule codes are DfE's 903 "
               "validation rule numbers where DfE has one; CPD- rules are this dashboard's "
               "own. A problem keeps its row out of every figure when the row cannot be "
               "trusted, blanks the bad value (the rest of the row is used) otherwise, or is "
               "only reported.", className="lead"),
    ]
    if load is None:
        content.append(html.P(f"No load for the period end {fmt_date(view.period)}."))
    else:
        status = "" if load["status"] == "active" else f" ({load['status']}: not in use)"
        heading = (f"the load at {fmt_date(load['period_end'])} made "
                   f"{load['loaded_at']:%d/%m/%Y %H:%M}{status}")
        rules = by_rule.get(load["load_id"], [])
        content += [
            html.H2(f"Problems by rule in {heading}"),
            html.P(summary(load), className="plain"),
            html.P(f"Rule set: collection year {load['rule_set']}. {load['notes'] or ''}",
                   className="muted") if load["rule_set"] or load["notes"] else None,
            table(f"Problems by rule in {heading}",
                  ["Rule", "What was done", "Problems", "Rows", "What it means"],
                  [[r["rule"], r["action"], f"{r['problems']:,}", f"{r['rows']:,}",
                    r["message"]] for r in rules]) if rules else
            html.P("No problems found.", className="plain"),
            html.P(["The rejects report lists each problem with its file, row, child, column "
                    "and value: ", *report_links(view, load), "."], className="plain")
            if analyst else None,
            *local_section(view, load, local),
            *warehouse_checks.section(view, load, checks, read),
        ]
    periods = trend(loads)
    problem_title = "Problems found in each period end's load"
    problem_bars = [{"group": fmt_date(p["period_end"]), "value": p["problems"]}
                    for p in periods]
    if periods:
        content += [
            html.H2("Problems per period end"),
            html.P("The load in use for each period end, oldest first.", className="plain"),
            figures.graph(figures.bars_figure_dict(problem_bars, "count", problem_title),
                          "quality-trend",
                          figures.bars_alt(problem_bars, "count", problem_title)),
            table("Problems found in each period end's load (the chart's figures)",
                  ["Period end", "Problems", "Rows kept out", "Values blanked",
                   "Reported only"],
                  [[fmt_date(p["period_end"]), f"{p['problems']:,}",
                    *(count(v) for v in done(p).values())] for p in periods]),
        ]
    content += warehouse_checks.trend(checks)
    latest = view.periods[-1] if view.periods else None
    headers = ["Period end", "Year", "Loaded (UTC)", "Status", "Rows read", "Rows loaded",
               "Rows kept out", "Values blanked", "Reported only", "Rule set"]
    content += [
        html.H2("Loads"),
        html.P("Follow a load's time to see its problems by rule.", className="plain"),
        table(f"Every extract loaded for {name}, newest first", headers
              + (["Rejects report"] if analyst else []),
              [[fmt_date(r["period_end"]), r["collection_year"], load_link(view, r, latest),
                r["status"], f"{r['rows_read']:,}", f"{r['rows_loaded']:,}",
                *(count(v) for v in done(r).values()), r["rule_set"] or NOT_RECORDED]
               + ([report_links(view, r)] if analyst else []) for r in loads]),
    ]
    return content
