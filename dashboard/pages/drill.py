"""The manager's drill-down: the council, then a service area, a team, a social worker, and
the children behind the figure (Annex A style), with sorting, filtering and export.

The children are listed in AG Grid (dash-ag-grid): sorting, filtering and keyboard and
screen-reader use as AG Grid documents them. The grid's own CSV and Excel export are off:
exports are made on the server, where they are audited (`export`). The grid gets only the
rows access.child_list returned for this user; choosing columns never reads data.
"""
from __future__ import annotations

import io

import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, dcc, html

from dashboard import access, rendered
from dashboard.components import (fmt, fmt_date, fmt_part, link, no_data, no_data_text, rag_badge,
                                  table)
from dashboard.view import View
from etl.indicators.catalogue import BY_ID, CATALOGUE
from etl.report import neutralise

LEVELS = [("service_area", "Service area"), ("team", "Team"), ("social_worker", "Social worker")]

GRID_ID = "drill-children"
# the child list's columns, as access.child_list names them; the child's id is always shown
CHILD_KEY = "child"
CHOOSABLE = [(key, label) for key, label in access.CHILD_COLUMNS.items() if key != CHILD_KEY]
NUMBER_COLUMNS = {"Age"}  # the rest are text; a date column would be "dateString" here
# columns whose words can be longer than the column: wrapped, never cut short. Only these,
# as a wrapped cell's height is measured: wrapping every column drew a team's 60 rows in
# 1.2 s, none in 0.4 s, these three in 0.7 s (medians, Chromium, December 2026)
WRAPPED = {"Legal status", "Placement", "Provider"}
# (min width px, flex): a team's list fits a 1366 px window; with every column shown the grid
# may scroll inside itself, the page never
WIDTHS = {"Child": (110, 1), "Age": (100, 0.6), "Sex": (90, 0.8), "UASC": (110, 0.9),
          "Legal status": (140, 1.3), "Placement": (150, 1.5), "Provider": (140, 1.3),
          "Counted in the figure": (120, 1)}
PAGE_SIZE = 100  # a longer list is paged, so the page never grows without end


def chooser_id(key: str) -> str:
    return "drill-column-" + key.replace("_", "-")


def column_defs(hidden: set[str]) -> list[dict]:
    """AG Grid's column definitions for the child list: the filter each column's type needs
    (text or number), widths that fit, and the columns in `hidden` hidden. No data."""
    defs = []
    for label in access.CHILD_COLUMNS.values():
        number = label in NUMBER_COLUMNS
        min_width, flex = WIDTHS.get(label, (110, 1))
        defs.append({
            "field": label, "headerName": label,
            "cellDataType": "number" if number else "text",
            "filter": "agNumberColumnFilter" if number else "agTextColumnFilter",
            "minWidth": min_width, "flex": flex, "hide": label in hidden,
            **({"wrapText": True, "autoHeight": True} if label in WRAPPED else {})})
    return defs


def hidden_at_first(where: dict) -> set[str]:
    """Columns that say the same thing on every row of this list start hidden: a team's
    children are all in that team and service area; a worker's all have that worker."""
    same = {"team": ("Team", "Service area"), "service_area": ("Service area",),
            "social_worker": ("Social worker", "Team", "Service area")}
    return {label for key, value in where.items() if value for label in same.get(key, ())}


def shown(clicks) -> bool:
    """Whether a column is shown, from its button's clicks: a column that starts hidden
    starts at one click, and each press shows or hides it. Anything but a whole number (a
    forged value) leaves the column shown."""
    whole = isinstance(clicks, int) and not isinstance(clicks, bool)
    return not (whole and clicks % 2 == 1)


def column_chooser(hidden: set[str]) -> html.Details:
    """A toggle button per column (pressed: shown), from the keyboard like any button. AG
    Grid Community has no columns panel; Dash's checklists are not accessible lists."""
    toggles = [html.Button(label, id=chooser_id(key), type="button", className="column-toggle",
                           n_clicks=1 if label in hidden else 0,
                           **{"aria-pressed": "false" if label in hidden else "true"})
               for key, label in CHOOSABLE]
    return html.Details([
        html.Summary("Choose the columns shown"),
        html.Fieldset([
            html.Legend("Columns shown in the list"),
            html.P("Press a column to hide or show it: a ticked column is shown. The Child "
                   "column is always shown.", className="muted"),
            html.Div(toggles, className="column-toggles"),
        ], className="column-chooser"),
    ], className="column-details")


def register(app) -> None:
    """The column chooser's callbacks: they show and hide columns and read no data. Each
    input is one column's button (`shown` ignores a forged value); a column's name is never
    taken from the request."""
    @app.callback(Output(GRID_ID, "columnDefs"),
                  [Input(chooser_id(key), "n_clicks") for key, _ in CHOOSABLE],
                  prevent_initial_call=True)
    def choose_columns(*clicks):
        return column_defs({label for (_, label), n in zip(CHOOSABLE, clicks)
                            if not shown(n)})

    for key, _ in CHOOSABLE:
        # a callback has one output here (dashboard.security): each button says its own state
        app.callback(Output(chooser_id(key), "aria-pressed"),
                     Input(chooser_id(key), "n_clicks"),
                     prevent_initial_call=True)(pressed)


def pressed(clicks) -> str:
    return "true" if shown(clicks) else "false"


def crumbs(view: View, indicator_id: str, sw: str | None) -> html.Nav:
    base = {"indicator": indicator_id, "la": view.filters.get("la"),
            "period": view.filters.get("period")}
    trail = [link("Your teams" if view.user.has_remit else "Council", "/drill", base)]
    if view.area:
        trail.append(link(view.area, "/drill", {**base, "area": view.area}))
    if view.team:
        trail.append(link(view.team, "/drill", {**base, "area": view.area, "team": view.team}))
    if sw:
        trail.append(html.Span(sw))
    items = []
    for i, item in enumerate(trail):
        items.append(html.Li(item, **({"aria-current": "page"} if i == len(trail) - 1 else {})))
    return html.Nav(html.Ol(items, className="crumbs"), **{"aria-label": "Drill-down level"})


def level_rows(view: View, entry, level: str, sw_team: dict) -> list[dict]:
    # a row with no group is the engine's "none counted" for the whole level, not a team
    rows = [r for r in access.indicators(view.user, view.la, view.period, level, (entry.id,))[
        "indicators"] if r["id"] == entry.id and r["group"] is not None]
    if level == "team" and view.area:
        teams = access.teams(view.la, view.period)
        in_area = set(teams.loc[teams["service_area"] == view.area, "team"])
        rows = [r for r in rows if r["group"] in in_area]
    if level == "social_worker" and view.team:
        rows = [r for r in rows if sw_team.get(r["group"]) == view.team]
    return rows


def layout(view: View) -> list:
    indicator_id = view.params.get("indicator") or "cla_at_period_end"
    entry = BY_ID.get(indicator_id)
    if entry is None:
        return [html.H1("Page not found"), html.P(f"There is no indicator {indicator_id}.")]
    if not view.user.sees_child_level:
        raise access.refuse(view.user, "drill-down", {"la": view.la},
                            "The drill-down to teams, workers and children is for managers and "
                            "analysts. Board members see the council's figures on the other "
                            "pages.")
    sw = view.params.get("sw")
    # read for every view, with the data layer's checks; the levels are drawn once for those
    # who see alike, the children (each view audited) for every view
    council = access.figures_for(view.user, view.la, view.period).get(entry.id)
    # a manager with a remit starts at their own teams
    level, label = LEVELS[1] if view.area or view.user.has_remit else LEVELS[0]
    if view.team:
        level, label = LEVELS[2]
    rows = None
    if not no_data(council) and not sw:
        sw_team = access.social_worker_teams(view.la, view.period) \
            if level == "social_worker" else {}
        rows = level_rows(view, entry, level, sw_team)
    content = rendered.part("drill", view,
                            lambda: draw(view, entry, sw, council, level, label, rows))
    # on a team, its workers come first: the figure by worker, then the children behind it
    if not no_data(council) and (view.team or sw):
        content = [*content, *children_section(view, entry, sw)]
    return content


def draw(view: View, entry, sw: str | None, council: dict | None, level: str, label: str,
         rows: list[dict] | None) -> list:
    """The drill-down's measure, crumbs and level from what `layout` read (`rows`: the
    level's figures, None when a social worker is chosen)."""
    chooser = html.Details([
        html.Summary("Choose another measure"),
        html.Ul([html.Li(link(e.title, "/drill", {**view.filters, "indicator": e.id}))
                 for e in CATALOGUE if e.unit != "rate" and e.id != entry.id],
                className="measure-list"),
    ])
    content = [html.H1(f"Drill-down: {entry.title}"),
               html.P(f"At {fmt_date(view.period)}. {entry.description}", className="lead"),
               chooser, crumbs(view, entry.id, sw)]
    if no_data(council):  # no team, worker or child is behind a figure the extract lacks
        return content + [html.P(no_data_text(council), className="plain")]
    if rows is not None:
        base = {"indicator": entry.id, "la": view.filters.get("la"),
                "period": view.filters.get("period"), "area": view.area, "team": view.team}
        next_key = {"service_area": "area", "team": "team", "social_worker": "sw"}[level]
        content.append(table(
            f"{entry.title} by {label.lower()}",
            [label, "Value", "Numerator", "Denominator", "Target", "Status"],
            [[link(r["group"], "/drill", {**base, next_key: r["group"]}),
              fmt(r["value"], r["unit"]), fmt_part(r["numerator"]),
              fmt_part(r["denominator"]),
              "" if r["target"] is None else fmt(r["target"], r["unit"]),
              rag_badge(r)] for r in rows]) if rows else html.P(
            f"There are no figures by {label.lower()} for this measure for this period.",
            className="plain"))
    return content


def children_section(view: View, entry, sw: str | None) -> list:
    where = {"service_area": view.area, "team": view.team, "social_worker": sw}
    try:
        frame = access.child_list(view.user, view.la, entry.id, view.period, where)
    except access.AccessDenied as denied:
        return [html.P(str(denied), className="warning")]
    scope = sw or view.team
    hidden = hidden_at_first(where)
    return [
        html.H2(f"Children behind the figure: {scope}", id="drill-children-heading"),
        html.P(f"{len(frame)} children. 'Counted in the figure' says whether each is in the "
               "numerator. Sort by a column heading (from the keyboard: move to it and press "
               "Enter); filter by typing in the box under it; choose the columns shown below. "
               "The downloads hold every column.", className="plain"),
        html.Div([
            html.Button("Download CSV", id="drill-export-csv", className="button"),
            html.Button("Download Excel", id="drill-export-xlsx", className="button"),
            dcc.Download(id="drill-download"),
        ], className="actions"),
        column_chooser(hidden),
        child_grid(frame, hidden),
    ]


def child_grid(frame: pd.DataFrame, hidden: set[str]) -> dag.AgGrid:
    """The child list in AG Grid: only the rows child_list returned, its own export off."""
    paged = len(frame) > PAGE_SIZE
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return dag.AgGrid(
        id=GRID_ID, rowData=rows, columnDefs=column_defs(hidden),
        defaultColDef={"sortable": True, "filter": True, "floatingFilter": True,
                       "resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={
            # exports are the server's, audited: the grid's own never run
            "suppressCsvExport": True, "suppressExcelExport": True,
            # rows in the DOM in the order they are shown, for screen readers (AG Grid's
            # accessibility guidance); text can be selected like any page
            "ensureDomOrder": True, "enableCellTextSelection": True,
            "domLayout": "autoHeight", "pagination": paged,
            "paginationPageSize": PAGE_SIZE, "paginationPageSizeSelector": False,
            # columns are hidden by the chooser only, so its buttons tell the truth
            "suppressDragLeaveHidesColumns": True, "animateRows": False},
        # autoHeight needs no fixed height; the grid scrolls inside itself if it must
        style={"height": None, "width": "100%"}, className="drill-grid")


def export(view: View, kind: str) -> dict:
    """The child list as CSV or Excel bytes for dcc.Download; formula-like cells neutralised.
    Audited as an export (the data layer records it)."""
    entry = BY_ID[view.params.get("indicator") or "cla_at_period_end"]
    where = {"service_area": view.area, "team": view.team,
             "social_worker": view.params.get("sw")}
    frame = neutralise(access.child_list(view.user, view.la, entry.id, view.period, where,
                                         purpose=f"export {kind}"))
    name = f"{entry.id}-{view.la}-{view.period:%Y-%m-%d}"
    if kind == "csv":
        return dcc.send_string(frame.to_csv(index=False), f"{name}.csv")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="Children")
    return dcc.send_bytes(buffer.getvalue(), f"{name}.xlsx")
