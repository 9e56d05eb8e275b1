"""The manager's drill-down: the council, then a service area, a team, a social worker, and
the children behind the figure (Annex A style), with sorting, filtering and export."""
from __future__ import annotations

import io

import pandas as pd
from dash import dash_table, dcc, html

from dashboard import access
from dashboard.components import fmt, fmt_date, fmt_part, link, table
from dashboard.view import View
from etl.indicators.catalogue import BY_ID, CATALOGUE
from etl.report import neutralise

LEVELS = [("service_area", "Service area"), ("team", "Team"), ("social_worker", "Social worker")]


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
    rows = [r for r in access.indicators(view.user, view.la, view.period, level)[
        "indicators"] if r["id"] == entry.id]
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
    chooser = html.Details([
        html.Summary("Choose another measure"),
        html.Ul([html.Li(link(e.title, "/drill", {**view.filters, "indicator": e.id}))
                 for e in CATALOGUE if e.unit != "rate" and e.id != entry.id],
                className="measure-list"),
    ])
    content = [html.H1(f"Drill-down: {entry.title}"),
               html.P(f"At {fmt_date(view.period)}. {entry.description}", className="lead"),
               chooser, crumbs(view, entry.id, sw)]
    if view.team or sw:
        content += children_section(view, entry, sw)
    # a manager with a remit starts at their own teams
    level, label = LEVELS[1] if view.area or view.user.has_remit else LEVELS[0]
    if view.team:
        level, label = LEVELS[2]
    sw_team = access.social_worker_teams(view.la, view.period) \
        if level == "social_worker" else {}
    if not sw:
        rows = level_rows(view, entry, level, sw_team)
        base = {"indicator": entry.id, "la": view.filters.get("la"),
                "period": view.filters.get("period"), "area": view.area, "team": view.team}
        next_key = {"service_area": "area", "team": "team", "social_worker": "sw"}[level]
        content.append(table(
            f"{entry.title} by {label.lower()}", [label, "Value", "Numerator", "Denominator"],
            [[link(r["group"], "/drill", {**base, next_key: r["group"]}),
              fmt(r["value"], r["unit"]), fmt_part(r["numerator"]),
              fmt_part(r["denominator"])] for r in rows]))
    return content


def children_section(view: View, entry, sw: str | None) -> list:
    where = {"service_area": view.area, "team": view.team, "social_worker": sw}
    try:
        frame = access.child_list(view.user, view.la, entry.id, view.period, where)
    except access.AccessDenied as denied:
        return [html.P(str(denied), className="warning")]
    scope = sw or view.team
    return [
        html.H2(f"Children behind the figure: {scope}"),
        html.P(f"{len(frame)} children. 'Counted in the figure' says whether each is in the "
               "numerator. Sort by a column heading; filter by typing under it.",
               className="plain"),
        html.Div([
            html.Button("Download CSV", id="drill-export-csv", className="button"),
            html.Button("Download Excel", id="drill-export-xlsx", className="button"),
            dcc.Download(id="drill-download"),
        ], className="actions"),
        dash_table.DataTable(
            id="drill-children", data=frame.to_dict("records"),
            columns=[{"name": c, "id": c} for c in frame.columns],
            # every row on one page: a team's list is short, and the table's own paging
            # buttons have no accessible names
            sort_action="native", filter_action="native", page_action="none",
            filter_options={"case": "insensitive", "placeholder_text": "Filter"},
            style_cell={"fontFamily": "system-ui, Arial, sans-serif", "textAlign": "left",
                        "padding": "6px"},
            style_header={"fontWeight": "bold", "backgroundColor": "#f3f2f1"}),
    ]


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
