"""The data-quality page's checks across the warehouse: what the suite each load runs over the
warehouse it built (etl.quality) found, beside the problems the extract's rows had, and the
checks not met per period end.

Everyone who may see the council sees whether each check was met; officers also see what
each found (counts); analysts and admins also the rows each failed check found (read through
access.quality_rows, so each list shown is in the audit log) and the load's Data Docs."""
from __future__ import annotations

import urllib.parse

from dash import html

from dashboard import access, figures
from dashboard.components import fmt_date, table
from dashboard.view import View

HEADING = "Checks across the warehouse"
NO_RUN = "These checks were not run for this load: it was loaded before they existed."
NONE = "—"


def result_words(result: dict) -> str:
    """Met, not met or not run, as a symbol and words (never colour alone)."""
    if result["success"] is None:
        return f"– Not run: {result['not_run']}" if result["not_run"] else "– Not run"
    return "✓ Met" if result["success"] else "✕ Not met"


def counts(results: list[dict]) -> dict[str, int]:
    return {"met": sum(r["success"] is True for r in results),
            "not met": sum(r["success"] is False for r in results),
            "not run": sum(r["success"] is None for r in results)}


def summary(run: dict, results: list[dict]) -> str:
    shown = counts(results)
    checks = "check" if len(results) == 1 else "checks"
    compared = (f"The checks across periods compared this period end with "
                f"{fmt_date(run['compared_with'])}." if run["compared_with"] else
                "No earlier period end was loaded to compare this one with.")
    return (f"Of the {len(results):,} {checks}, {shown['met']:,} met, {shown['not met']:,} "
            f"not met and {shown['not run']:,} not run. {compared}")


def reading(view: View, load: dict, checks: dict) -> dict:
    """What the section reads besides `checks`, for every view: for analysts and admins the
    rows each failed check of the load found ({its place in the load's results: rows, or None
    for a check the data layer does not know}), each view of them audited, in the order the
    page shows them; and whether the load's Data Docs are built."""
    results = checks["results"].get(load["load_id"], [])
    ran = any(r["load_id"] == load["load_id"] for r in checks["runs"])
    analyst = view.user.role in access.REPORT_ROLES
    read: dict = {"rows": {}, "docs": False}
    if not ran or not results or not analyst:
        return read
    read["docs"] = access.data_docs_built(view.la, load["load_id"])
    place = {id(r): n for n, r in enumerate(results)}
    for inside in by_area(results).values():
        for result in inside:
            if result["success"] is False:
                try:
                    rows = access.quality_rows(view.user, view.la, load["load_id"],
                                               result["expectation"])
                except access.NotFound:
                    rows = None
                read["rows"][place[id(result)]] = rows
    return read


def rows_found(rows: list[dict] | None, result: dict) -> html.Details | None:
    """The rows a failed check found, for analysts and admins, folded away."""
    if not rows:
        return None
    more = (result["unexpected"] or 0) - len(rows)
    return html.Details([
        # a check of social workers, counts or placement types finds no child
        html.Summary("Children involved" if any(r["child"] for r in rows) else
                     "What it found"),
        html.Ul([html.Li(f"{r['child']}: {r['detail']}" if r["child"] else r["detail"])
                 for r in rows]),
        html.P(f"and {more:,} more (the first {len(rows):,} are listed)", className="muted")
        if more > 0 else None,
    ], className="check-rows")


def found_cell(result: dict, analyst: bool, rows: list[dict] | None) -> list:
    cell = [result["observed"] or NONE]
    if analyst and result["success"] is False:
        cell.append(rows_found(rows, result))
    return cell


def by_area(results: list[dict]) -> dict[str, list[dict]]:
    """The results by area, areas and checks in the suite's order."""
    areas: dict[str, list[dict]] = {}
    for result in results:
        areas.setdefault(result["area"], []).append(result)
    return areas


def docs_link(view: View, load_id: str, built: bool) -> html.P | None:
    if view.user.role not in access.REPORT_ROLES or not built:
        return None
    quoted = urllib.parse.quote(load_id, safe="")
    return html.P(html.A("Data Docs for this load",
                         href=f"/reports/{quoted}/data-docs/index.html"), className="plain")


def section(view: View, load: dict, checks: dict, read: dict) -> list:
    """The checks the chosen load ran, by area: a table each (`read`: what `reading` read)."""
    content: list = [html.H2(HEADING)]
    run = next((r for r in checks["runs"] if r["load_id"] == load["load_id"]), None)
    results = checks["results"].get(load["load_id"], [])
    if run is None or not results:
        return content + [html.P(NO_RUN, className="plain")]
    officer = not view.user.suppressed
    analyst = view.user.role in access.REPORT_ROLES
    content += [
        html.P("Checks made on all of this load's data together once it was loaded: across "
               "the files, across each child's history, and against the period end before. "
               "Rule codes are DfE's where one matches; a dash means the check is this "
               "dashboard's own.", className="plain"),
        html.P(summary(run, results), className="plain"),
        docs_link(view, load["load_id"], read["docs"]),
    ]
    headers = ["Check", "DfE rule", "Result", *(["Found"] if officer else []), "What to do"]
    place = {id(r): n for n, r in enumerate(results)}
    for area, inside in by_area(results).items():
        content += [html.H3(area), table(
            f"{area}: each check and its result", headers,
            [[r["title"], r["rule"] or NONE, result_words(r),
              *([found_cell(r, analyst, read["rows"].get(place[id(r)]))] if officer else []),
              r["fix"] if r["success"] is False else ""] for r in inside])]
    return content


def trend(checks: dict) -> list:
    """Checks not met in the load in use for each period end, oldest first, as a chart and
    the table of its figures."""
    runs = sorted((r for r in checks["runs"] if r["status"] == "active"),
                  key=lambda r: r["period_end"])
    if not runs:
        return []
    # (not "each period end's load": the problems' table beside it is found by those words)
    title = "Checks not met in the load in use at each period end"
    bars = [{"group": fmt_date(r["period_end"]), "value": r["failed"]} for r in runs]
    return [
        html.H2("Checks not met per period end"),
        html.P("The checks across the warehouse in the load in use for each period end, "
               "oldest first. Period ends loaded before the checks existed are left out.",
               className="plain"),
        figures.graph(figures.bars_figure_dict(bars, "count", title), "quality-checks-trend",
                      figures.bars_alt(bars, "count", title)),
        table(f"{title} (the chart's figures)",
              ["Period end", "Checks", "Not met", "Not run", "Compared with"],
              [[fmt_date(r["period_end"]), f"{r['expectations']:,}", f"{r['failed']:,}",
                f"{r['not_run']:,}",
                fmt_date(r["compared_with"]) if r["compared_with"] else "No earlier period end"]
               for r in runs]),
    ]
